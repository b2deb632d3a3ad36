/**
 * Matter suggestion on intake (issue 14.8, ADR 0028): a province of ~100 agencies with one million visits
 * (each with a sealed-visitor row carrying its identity hash) grouped into matters, then suggestion look-ups
 * through the production query (db/matters.ts `suggest`: identity hashes, respondent hashes, pg_trgm subject)
 * for a provincial officer's whole subtree. Target: p99 under 50 ms.
 *
 *   npx tsx bench/reception.ts [visits=1000000] [queries=500]
 *
 * Only PostgreSQL is needed (no Temporal): the look-up is one read transaction.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../db/knex.js';
import { createMatterStore } from '../db/matters.js';
import { migrateLatest } from '../db/migrate.js';
import { freePort, startEmbeddedPostgres } from '../platform/postgres.js';

const VISITS = Number(process.argv[2] ?? 1_000_000);
const QUERIES = Number(process.argv[3] ?? 500);
const COMMUNES = 80;
const DEPARTMENTS = 20;
const VISITS_PER_MATTER = 3;

// Words of complaint subjects (folded, as foldText of hotspots/respondent.ts leaves them).
const WORDS = (
  'khieu nai to cao kien nghi phan anh boi thuong ho tro tai dinh cu thu hoi dat cap giay chung nhan quyen su dung ' +
  'tranh chap ranh gioi lan chiem xay dung trai phep moi truong o nhiem tien luong bao hiem xa hoi che do chinh sach ' +
  'nguoi co cong can bo dia chinh uy ban nhan dan quyet dinh hanh chinh hanh vi giai phong mat bang du an duong tinh'
).split(' ');

const sha = (s: string) => createHash('sha256').update(s).digest();
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main() {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'kntc-bench-reception-'));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: await freePort(), persistent: false });
  const db = createDb(pg.url, { max: 4 });
  try {
    await migrateLatest(db);
    const t0 = Date.now();
    // ~100 agencies: the province, 20 departments, 80 communes.
    await db('agencies').insert([
      ...Array.from({ length: DEPARTMENTS }, (_, i) => ({
        id: `bench-so-${i}`,
        parent_id: 'tinh-demo',
        name: `Sở ${i}`,
        level: 'department',
      })),
      ...Array.from({ length: COMMUNES }, (_, i) => ({
        id: `bench-xa-${i}`,
        parent_id: 'tinh-demo',
        name: `Xã ${i}`,
        level: 'commune',
      })),
    ]);
    const agencies = (await db('agencies').pluck('id')) as string[];
    await db.raw(`
      INSERT INTO reception_places (id, agency_id, name, kind, address, created_by)
      SELECT 'rp_' || substr(md5(id), 1, 16), id, 'Nơi tiếp ' || id, 'reception_office', 'địa chỉ', 'bench'
        FROM agencies`);
    // One session per agency and working day over ~2 years.
    await db.raw(`
      INSERT INTO reception_sessions (id, agency_id, place_id, kind, received_by, mode, session_date, started_at, created_by)
      SELECT md5(a.id || d::text), a.id, 'rp_' || substr(md5(a.id), 1, 16), 'regular', 'in_person', 'in_person',
             d::date, d + interval '1 hour', 'bench'
        FROM agencies a, generate_series('2025-01-01'::timestamptz, '2026-11-30', interval '1 day') d
       WHERE extract(isodow FROM d) < 6`);
    const matterCount = Math.ceil(VISITS / VISITS_PER_MATTER);
    const words = `ARRAY[${WORDS.map((w) => `'${w}'`).join(',')}]`;
    // Matters: a subject of 8 words + a parcel; spread over the agencies.
    await db.raw(
      `INSERT INTO matters (id, agency_id, title, subject_norm, first_received_at, last_received_at, times_received,
                            letters_count, people_max, created_by)
       SELECT md5('m' || n), (?::text[])[1 + n % ?], t, t, now() - (n % 600) * interval '1 day',
              now() - (n % 300) * interval '1 day', ?, 1, 1, 'bench'
         FROM (SELECT n, (SELECT string_agg(w[1 + ((n * 7919 + k * 104729) % ${WORDS.length})], ' ')
                            FROM generate_series(1, 8) k, (SELECT ${words} AS w) ws)
                         || ' thua ' || (n % 997) || ' to ban do ' || (n % 53) AS t
                 FROM generate_series(1::bigint, ?) n) s`,
      [agencies, agencies.length, VISITS_PER_MATTER, matterCount],
    );
    // Visits: 3 per matter, each with one sealed visitor row (synthetic ciphertext) and its identity hash.
    await db.raw(`CREATE TEMP TABLE bench_sessions AS
      SELECT id, agency_id, started_at, (row_number() OVER (PARTITION BY agency_id ORDER BY id) - 1)::int AS rn
        FROM reception_sessions`);
    await db.raw(
      `INSERT INTO reception_visits (id, session_id, agency_id, visited_at, people_count, content_type, summary,
                                     outcome, matter_id, created_by)
       SELECT md5('v' || g.n), s.id, s.agency_id, s.started_at + interval '10 minutes', 1, 'complaint', 'bench visit',
              'guided', md5('m' || g.k), 'bench'
         FROM (SELECT n, 1 + n % ? AS k, (?::text[])[1 + (1 + n % ?) % ?] AS agency, n % 400 AS rn
                 FROM generate_series(1::bigint, ?) n) g
         JOIN bench_sessions s ON s.agency_id = g.agency AND s.rn = g.rn`,
      [matterCount, agencies, matterCount, agencies.length, VISITS],
    );
    await db.raw(
      `INSERT INTO reception_visit_parties (id, visit_id, position, role, kid, iv, tag, ciphertext)
       SELECT md5('p' || id), id, 0, 'visitor', 'bench', '\\x00', '\\x00', '\\x00' FROM reception_visits`,
    );
    await db.raw(
      `INSERT INTO matter_identities (identity_hash, matter_id, kind, hash_kid)
       SELECT sha256(convert_to('person-' || id, 'UTF8')), id, 'person', 'bench' FROM matters
       UNION ALL
       SELECT sha256(convert_to('respondent-' || (abs(hashtext(id)) % 2000), 'UTF8')), id, 'respondent', 'bench'
         FROM matters`,
    );
    await db.raw('ANALYZE');
    const counts = (await db.raw(
      `SELECT (SELECT count(*) FROM agencies)::int AS agencies, (SELECT count(*) FROM reception_visits)::int AS visits,
              (SELECT count(*) FROM matters)::int AS matters, (SELECT count(*) FROM reception_sessions)::int AS sessions`,
    )) as { rows: Array<Record<string, number>> };
    const loadS = (Date.now() - t0) / 1000;
    console.log(`loaded ${JSON.stringify(counts.rows[0])} in ${loadS.toFixed(0)} s`);

    const store = createMatterStore(db);
    // Query inputs: a known matter's citizen and a subject close to its title (typos, words dropped), or a
    // stranger with a fresh subject (nothing to find).
    const samples = (await db.raw(`SELECT id, title FROM matters ORDER BY md5(id || 'sample') LIMIT ?`, [QUERIES])) as {
      rows: Array<{ id: string; title: string }>;
    };
    const lat: number[] = [];
    let found = 0;
    // The statement of each look-up (knex's query event), to EXPLAIN ANALYZE the slowest one afterwards.
    let last: { sql: string; bindings: unknown[] } | undefined;
    const statements: Array<{ sql: string; bindings: unknown[] }> = [];
    db.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      if (q.sql.includes('matter_identities')) last = { sql: q.sql, bindings: q.bindings ?? [] };
    });
    for (let i = 0; i < samples.rows.length; i++) {
      const m = samples.rows[i]!;
      const known = i % 2 === 0;
      const subject = known
        ? m.title
            .split(' ')
            .filter((_w, j) => j !== 2)
            .join(' ')
        : Array.from({ length: 9 }, (_v, j) => WORDS[(i * 31 + j * 17) % WORDS.length]).join(' ');
      const t = process.hrtime.bigint();
      const r = await store.suggest({
        agencies,
        personHashes: [sha(known ? `person-${m.id}` : `stranger-${i}`)],
        respondentHashes: [sha(`respondent-${i % 2000}`)],
        subject,
        threshold: 0.3,
        limit: 10,
      });
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      statements.push(last!);
      if (known && r[0]?.matter.id === m.id) found++;
    }
    const slowest = statements[lat.indexOf(Math.max(...lat))]!;
    const sorted = [...lat].sort((a, b) => a - b);
    console.log(`suggestions: p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms`);
    try {
      // The event shows the statement as sent ($1…$n); knex's raw takes `?` in the same order.
      const sql = slowest.sql.replace(/\$\d+/g, '?');
      const plan = (await db.raw(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, slowest.bindings as never)) as {
        rows: Array<{ 'QUERY PLAN': string }>;
      };
      console.log(`slowest look-up, EXPLAIN ANALYZE:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    } catch (e) {
      console.log(`EXPLAIN failed: ${String(e)}`);
    }
    lat.sort((a, b) => a - b);
    console.log(
      `suggestions: ${lat.length} queries, p50 ${pct(lat, 50).toFixed(1)} ms, p95 ${pct(lat, 95).toFixed(1)} ms, ` +
        `p99 ${pct(lat, 99).toFixed(1)} ms, max ${lat[lat.length - 1]!.toFixed(1)} ms; ` +
        `known matter ranked first ${found}/${Math.ceil(lat.length / 2)}`,
    );
  } finally {
    await db.destroy();
    await pg.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
