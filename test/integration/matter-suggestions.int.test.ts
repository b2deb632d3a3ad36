/**
 * Matter suggestions by subject (ADR 0038): a matter's subject terms (words and adjacent pairs) are kept by a
 * trigger; a term held by TERM_CAP or more matters of the agencies searched suggests nothing, a rarer one does,
 * and its rarity is counted where the search looks. Same citizen and same respondent are found across every
 * agency searched whatever the subject; a matter outside them never is. Real PostgreSQL, the real query.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMatterStore, TERM_CAP } from '../../db/matters.js';
import { identityHasher, identityKeys } from '../../db/reception.js';
import { createPiiKeyring } from '../../platform/pii.js';
import { createTestDb, type TestDb } from '../support/db.js';

const PROVINCE = ['tinh-demo', 'so-tnmt', 'ubnd-xa-a', 'ubnd-xa-b', 'thanh-tra-tinh'];

describe('matter suggestions by subject terms', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await createTestDb();
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  const terms = async (matterId: string) =>
    (
      (await tdb
        .db('matter_terms')
        .where({ matter_id: matterId })
        .orderBy('term')
        .select('term', 'agency_id')) as Array<{
        term: string;
        agency_id: string;
      }>
    ).map((r) => `${r.agency_id}:${r.term}`);

  // Every (term, agency) whose kept count differs from its postings (none when the trigger keeps both).
  const countsDrift = async () =>
    (
      await tdb.db.raw(
        `SELECT term, agency_id, c.n, t.n AS postings FROM matter_term_counts c
           FULL JOIN (SELECT term, agency_id, count(*)::int AS n FROM matter_terms GROUP BY 1, 2) t
           USING (term, agency_id)
          WHERE coalesce(c.n, 0) <> coalesce(t.n, 0)`,
      )
    ).rows as unknown[];

  it("the trigger keeps a matter's terms (words, adjacent pairs) and their counts through a title change", async () => {
    const matters = createMatterStore(tdb.db);
    const id = randomUUID();
    await matters.insert({
      id,
      agencyId: 'so-tnmt',
      title: 'Khiếu nại  đất, thửa 45',
      contentType: 'complaint',
      receivedAt: '2026-05-01T02:00:00Z',
      createdBy: 'test',
    });
    expect(await terms(id)).toEqual(
      ['45', 'dat', 'dat thua', 'khieu', 'khieu nai', 'nai', 'nai dat', 'thua', 'thua 45'].map((t) => `so-tnmt:${t}`),
    );
    await tdb.db.transaction((trx) => matters.update(id, { title: 'Tranh chấp ranh giới' }, trx));
    expect(await terms(id)).toEqual(
      ['chap', 'chap ranh', 'gioi', 'ranh', 'ranh gioi', 'tranh', 'tranh chap'].map((t) => `so-tnmt:${t}`),
    );
    expect(await countsDrift()).toEqual([]);
    // The kept counts per agency and term follow a move to another agency and a delete (ADR 0038 amendment).
    const second = randomUUID();
    await matters.insert({
      id: second,
      agencyId: 'so-tnmt',
      title: 'Tranh chấp ranh giới thửa 12',
      contentType: 'complaint',
      receivedAt: '2026-05-02T02:00:00Z',
      createdBy: 'test',
    });
    const count = async (term: string, agency: string) =>
      Number(
        (
          (await tdb.db('matter_term_counts').where({ term, agency_id: agency }).first('n')) as
            { n: number } | undefined
        )?.n ?? 0,
      );
    expect(await count('ranh gioi', 'so-tnmt')).toBe(2);
    await tdb.db('matters').where({ id }).update({ agency_id: 'ubnd-xa-a' });
    expect([await count('ranh gioi', 'so-tnmt'), await count('ranh gioi', 'ubnd-xa-a')]).toEqual([1, 1]);
    // A retitle that keeps some terms: those stay counted once, the new ones are added.
    await tdb.db('matters').where({ id }).update({ subject_norm: 'tranh chap ranh gioi dat' });
    expect([await count('ranh gioi', 'ubnd-xa-a'), await count('gioi dat', 'ubnd-xa-a')]).toEqual([1, 1]);
    await tdb.db('matters').where({ id: second }).delete();
    expect(await count('ranh gioi', 'so-tnmt')).toBe(0);
    expect(await countsDrift()).toEqual([]);
  });

  it('a subject term common in the agencies searched suggests nothing; rarity is counted where the search looks', async () => {
    const db = tdb.db;
    const matters = createMatterStore(db);
    // TERM_CAP matters of one commune share the words "lấn chiếm đất công" (each with its own parcel).
    await db.raw(
      `INSERT INTO matters (id, agency_id, title, subject_norm, first_received_at, last_received_at, created_by)
       SELECT gen_random_uuid()::text, 'ubnd-xa-b', 'Lấn chiếm đất công thửa ' || n, 'lan chiem dat cong thua ' || n,
              now(), now(), 'test'
         FROM generate_series(1, ?) n`,
      [TERM_CAP],
    );
    const home = randomUUID();
    await matters.insert({
      id: home,
      agencyId: 'so-tnmt',
      title: 'Lấn chiếm đất công xây quán ở chợ Đông Ba',
      contentType: 'complaint',
      receivedAt: '2026-06-01T02:00:00Z',
      createdBy: 'test',
    });
    const citizen = { name: 'Lê Thị Hoa', idNumber: '046190001234' };
    const hasher = identityHasher(createPiiKeyring([{ kid: 'k', key: randomBytes(32) }]));
    await db.transaction((trx) =>
      matters.addIdentities(
        home,
        identityKeys(citizen).map((k) => ({ hash: hasher.hash(k), kind: 'person' as const })),
        hasher.kid,
        trx,
      ),
    );
    const ask = async (agencies: string[], subject: string, people: (typeof citizen)[] = []) =>
      matters.suggest({
        agencies,
        personHashes: people.flatMap((p) => identityKeys(p).flatMap((k) => hasher.hashAll(k))),
        respondentHashes: [],
        subject,
        threshold: 0.3,
        limit: 10,
      });

    // The department's own matters: its few "lấn chiếm đất công" are rare there → found; the commune's never.
    const dept = await ask(['so-tnmt'], 'Lấn chiếm đất công');
    expect(dept.map((s) => s.matter.id)).toEqual([home]);
    expect(dept[0]).toMatchObject({ samePerson: false, sameRespondent: false });
    // The whole province: every word and pair of that subject is held by TERM_CAP matters or more → nothing
    // by subject (a thousand equally likely matters are no suggestion) …
    expect(await ask(PROVINCE, 'Lấn chiếm đất công')).toEqual([]);
    // … a distinctive word finds it among them, first …
    const named = await ask(PROVINCE, 'lấn chiếm đất công tại chợ Đông Ba');
    expect(named[0]?.matter.id).toBe(home);
    expect(named.filter((s) => s.matter.agencyId !== 'ubnd-xa-b').map((s) => s.matter.id)).toEqual([home]);
    // … and the same citizen is found in any agency searched whatever the subject says.
    const byPerson = await ask(PROVINCE, 'Lấn chiếm đất công', [citizen]);
    expect(byPerson.map((s) => s.matter.id)).toEqual([home]);
    expect(byPerson[0]).toMatchObject({ samePerson: true });
    // Outside the agencies searched (another branch of the province) neither the citizen nor the subject is.
    const outside = await ask(['ubnd-xa-a', 'ubnd-xa-b'], 'lấn chiếm đất công tại chợ Đông Ba', [citizen]);
    expect(outside.map((s) => s.matter.id)).not.toContain(home);
    // A commune's matter is found in the commune by a parcel number, though its words are common there.
    const parcel = await ask(['ubnd-xa-b'], 'lấn chiếm đất công thửa 517');
    expect(parcel[0]?.matter.title).toBe('Lấn chiếm đất công thửa 517');
  });
});
