import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCasePinStore, derivePin } from '../../db/case-pins.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('citizen PIN store', () => {
  let tdb: TestDb;
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const keys = {
    currentKid: 'a',
    key: (kid: string) => {
      if (kid === 'a') return keyA;
      if (kid === 'b') return keyB;
      throw new Error(`unknown kid ${kid}`);
    },
  };
  beforeAll(async () => {
    tdb = await createTestDb();
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('keeps only a keyed hash; the right PIN finds the case, a wrong PIN or unknown reference does not', async () => {
    const pins = createCasePinStore(tdb.db, keys);
    const id = randomUUID();
    const pin = derivePin(keyA, id);
    await pins.put('KN1-2026-PIN1', id, pin);
    const row = await tdb.db('case_pins').where({ reference: 'KN1-2026-PIN1' }).first();
    expect(row.pin_hash).toMatch(/^hmac\$a\$[A-Za-z0-9_-]{43}$/);
    expect(row.pin_hash).not.toContain(pin);
    expect(await pins.check('KN1-2026-PIN1', pin)).toBe(id);
    expect(await pins.check('KN1-2026-PIN1', pin === '00000000' ? '00000001' : '00000000')).toBeUndefined();
    expect(await pins.check('KN1-2026-NONE', pin)).toBeUndefined();
    // the same PIN under another reference does not match (the reference is bound into the hash)
    await tdb.db('case_pins').insert({ reference: 'KN1-2026-PIN2', case_id: randomUUID(), pin_hash: row.pin_hash });
    expect(await pins.check('KN1-2026-PIN2', pin)).toBeUndefined();
  });

  it('still verifies rows written as slow scrypt hashes (no keys), and PINs under a rotated-out key id', async () => {
    const legacy = createCasePinStore(tdb.db);
    const id = randomUUID();
    await legacy.put('KN1-2026-OLD', id, '12345678');
    expect((await tdb.db('case_pins').where({ reference: 'KN1-2026-OLD' }).first()).pin_hash).toMatch(/^scrypt\$/);
    const pins = createCasePinStore(tdb.db, keys);
    expect(await pins.check('KN1-2026-OLD', '12345678')).toBe(id);
    const underB = createCasePinStore(tdb.db, { ...keys, currentKid: 'b' });
    const id2 = randomUUID();
    await underB.put('KN1-2026-KB', id2, '87654321');
    expect(await pins.check('KN1-2026-KB', '87654321')).toBe(id2);
    const withoutB = createCasePinStore(tdb.db, {
      currentKid: 'a',
      key: (k: string) => {
        if (k === 'a') return keyA;
        throw new Error('no such key');
      },
    });
    expect(await withoutB.check('KN1-2026-KB', '87654321')).toBeUndefined();
  });
});
