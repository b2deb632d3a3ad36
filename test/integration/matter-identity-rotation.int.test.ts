/**
 * Matter suggestions across a PII key rotation (ADR 0028, amended): identities are indexed under the current
 * key and looked up under every configured key, so a citizen indexed before the rotation is still found after
 * it; a keyring without the old key (retired) no longer finds them. Real PostgreSQL, the real suggestion query.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMatterStore } from '../../db/matters.js';
import { identityHasher, identityKeys } from '../../db/reception.js';
import { createPiiKeyring } from '../../platform/pii.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('matter identity hashes across a PII key rotation', () => {
  let tdb: TestDb;
  const a = { kid: 'a', key: randomBytes(32) };
  const b = { kid: 'b', key: randomBytes(32) };
  beforeAll(async () => {
    tdb = await createTestDb();
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('a citizen indexed under key a is suggested after key b becomes current', async () => {
    const db = tdb.db;
    const matters = createMatterStore(db);
    const citizen = { name: 'Trần Văn Bình', idNumber: '001203009999' };
    const matterId = randomUUID();
    await db('matters').insert({
      id: matterId,
      agency_id: 'so-tnmt',
      title: 'Khiếu nại thu hồi đất',
      subject_norm: 'khieu nai thu hoi dat',
      first_received_at: '2026-05-01T02:00:00Z',
      last_received_at: '2026-05-01T02:00:00Z',
      created_by: 'test',
    });
    const before = identityHasher(createPiiKeyring([a]));
    await db.transaction((trx) =>
      matters.addIdentities(
        matterId,
        identityKeys(citizen).map((k) => ({ hash: before.hash(k), kind: 'person' as const })),
        before.kid,
        trx,
      ),
    );
    const find = async (hasher: ReturnType<typeof identityHasher>) =>
      (
        await matters.suggest({
          agencies: ['so-tnmt'],
          personHashes: identityKeys(citizen).flatMap((k) => hasher.hashAll(k)),
          respondentHashes: [],
          subject: '',
          threshold: 0.3,
          limit: 5,
        })
      ).filter((s) => s.samePerson);
    expect((await find(before)).map((s) => s.matter.id)).toEqual([matterId]);
    // Rotated: b seals and indexes from now on; a still opens (and matches) what it sealed.
    const rotated = identityHasher(createPiiKeyring([b, a]));
    expect(rotated.kid).toBe('b');
    expect((await find(rotated)).map((s) => s.matter.id)).toEqual([matterId]);
    // A hash under b alone is not a hash under a: with a retired, the old index entry no longer matches.
    expect(await find(identityHasher(createPiiKeyring([b])))).toEqual([]);
  });
});
