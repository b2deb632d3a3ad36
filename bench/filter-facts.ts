/**
 * The report filters over `case_facts` columns (migration 20261210030000, ADR 0030 amendment of session 10): EXPLAIN
 * (ANALYZE, BUFFERS) of three province-wide case figures — `var.letterType` over a quarter's letters, `signers=one`
 * over a quarter, the cases carried over into 2026 (`receivedTo=<start>&openAt=<start>`, no lower bound) — as the
 * filter asks them now (columns, db/case-filter.ts) and as it asked them before (a correlated look-up of
 * `case_states` / `case_flags` per row: the previous SQL, kept here verbatim as `LEGACY`). Buffers and rows do not
 * depend on the machine's load; times do (the load average is reported next to them).
 * Embedded PostgreSQL only: the cases of bench/figures.ts (`seedFigures`), then letters' variables (type, outcome,
 * competence, signers, anonymity, ~3 KB of other state, as a projected state carries) and their `letter_outcome`
 * flags, bulk-loaded without the triggers and rebuilt set-based (`kntc_case_facts_rebuild_all`).
 * Environment: BENCH_FACTS_CASES (200000), BENCH_FACTS_KEEP (a data folder to keep and reuse).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAgencyScope } from '../api/auth/agencies.js';
import { applyCaseFilter, caseFilterOf, caseFilterSource, type CaseFilterQuery } from '../db/case-filter.js';
import { createDb, type Db } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { freePort, startEmbeddedPostgres } from '../platform/postgres.js';
import { seedFigures } from './figures.js';

const PROVINCE = 'tinh-bench';

/** The filter's SQL before the columns (db/case-filter.ts at 3befbf6): a look-up of the state per row and use. */
const STATE = `(SELECT s.state FROM case_states s WHERE s.case_id = f.case_id)`;
const UPDATED = `(SELECT s.updated_at FROM case_states s WHERE s.case_id = f.case_id)`;
const V = `${STATE}->'variables'`;
const COUNT = `COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(${V}->'signerRefs') = 'array' THEN ${V}->'signerRefs' ELSE '[]'::jsonb END), 0)`;
const ANON = `COALESCE(${V}->>'anonymous', 'false') = 'true'`;
const DONE =
  `COALESCE((SELECT fl.set_at FROM case_flags fl WHERE fl.case_id = f.case_id AND fl.flag = 'letter_outcome'), ` +
  `CASE WHEN f.closed THEN COALESCE(f.closed_at, ${UPDATED}) END)`;
const Q1_FROM = '2026-01-01T00:00:00+07:00';
const Q1_TO = '2026-04-01T00:00:00+07:00';
const Q1 = { receivedFrom: Q1_FROM, receivedTo: Q1_TO };
const LEGACY: Record<string, { extra: string; bindings: unknown[] }> = {
  letterType: {
    extra: `COALESCE(${V}->?::text, 'null'::jsonb) = ANY(?::jsonb[])`,
    bindings: ['letterType', ['"complaint"']],
  },
  signersOne: { extra: `(${COUNT} = 1 AND NOT ${ANON})`, bindings: [] },
  carriedOver: { extra: `COALESCE(${DONE} >= ?::timestamptz, true)`, bindings: ['2026-01-01T00:00:00+07:00'] },
  doneInQuarter: {
    extra: `${DONE} >= ?::timestamptz AND ${DONE} < ?::timestamptz`,
    bindings: [Q1_FROM, Q1_TO],
  },
};

const QUERIES: Array<{ key: string; name: string; query: CaseFilterQuery; legacyBase: CaseFilterQuery }> = [
  {
    key: 'letterType',
    name: '`type=letter&var.letterType=complaint`, received in a quarter, whole province',
    query: { ...Q1, type: 'letter', 'var.letterType': 'complaint' },
    legacyBase: { ...Q1, type: 'letter' },
  },
  {
    key: 'signersOne',
    name: '`signers=one`, received in a quarter, whole province',
    query: { ...Q1, signers: 'one' },
    legacyBase: Q1,
  },
  {
    key: 'carriedOver',
    name: 'carried over into 2026: `receivedTo=openAt=2026-01-01`, whole province',
    query: { receivedTo: '2026-01-01T00:00:00+07:00', openAt: '2026-01-01T00:00:00+07:00' },
    legacyBase: { receivedTo: '2026-01-01T00:00:00+07:00' },
  },
  {
    key: 'doneInQuarter',
    name: 'done in a quarter, received before its end: `receivedTo=doneTo=2026-04-01&doneFrom=2026-01-01`',
    query: { receivedTo: Q1_TO, doneFrom: Q1_FROM, doneTo: Q1_TO },
    legacyBase: { receivedTo: Q1_TO },
  },
];

/** Letters' variables and outcome flags on the figures seed (triggers bypassed; rebuilt set-based after). */
async function seedVariables(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`SET LOCAL session_replication_role = replica`);
    const h = `abs(hashint4(hashtext(cs.case_id)))`;
    await trx.raw(`
      UPDATE case_states cs SET state = jsonb_set(cs.state, '{variables}', v.vars) FROM (
        SELECT cs.case_id, jsonb_strip_nulls(jsonb_build_object(
          'letterType', CASE WHEN cs.case_type = 'letter'
            THEN (ARRAY['complaint','denunciation','petition','several_contents'])[1 + ${h} % 4] END,
          'withinCompetence', CASE WHEN cs.case_type = 'letter' THEN (${h} / 4) % 5 < 3 END,
          'letterOutcome', CASE WHEN cs.case_type = 'letter' AND (${h} / 20) % 10 < 7
            THEN (ARRAY['accepted','guided','transferred','archived','reported_to_head'])[1 + (${h} / 200) % 5] END,
          'signerRefs', to_jsonb(ARRAY(SELECT 'p' || k FROM generate_series(1, (${h} / 1000) % 4) k)),
          'anonymous', CASE WHEN (${h} / 4000) % 10 = 0 THEN true END,
          'notes', (SELECT string_agg(md5(cs.case_id || k), '') FROM generate_series(1, 90) k))) AS vars
        FROM case_states cs) v
      WHERE v.case_id = cs.case_id`);
    await trx.raw(`
      INSERT INTO case_flags (case_id, flag, value, idem_key, set_at)
      SELECT cs.case_id, 'letter_outcome', cs.state->'variables'->'letterOutcome', 'bench',
             c.received_at + (1 + abs(hashint4(hashtext(c.id))) % 60) * interval '1 day'
        FROM case_states cs JOIN cases c ON c.id = cs.case_id
       WHERE cs.state->'variables'->'letterOutcome' IS NOT NULL`);
  });
  await db.raw('SELECT kntc_case_facts_rebuild_all()');
  for (const t of ['case_states', 'case_flags', 'case_facts']) await db.raw(`VACUUM ANALYZE ${t}`);
}

interface Plan {
  ms: number;
  buffers: number;
  plan: string;
}
async function explain(db: Db, sql: string, bindings: readonly unknown[]): Promise<Plan> {
  const r = await db.raw<{ rows: Array<{ 'QUERY PLAN': unknown }> }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
    bindings as never,
  );
  const text = await db.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${sql}`,
    bindings as never,
  );
  const top = (r.rows[0]!['QUERY PLAN'] as Array<Record<string, unknown>>)[0]!;
  const plan = top.Plan as Record<string, number>;
  return {
    ms: Number(top['Execution Time']),
    buffers: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0),
    // The subtree's 201 agency ids, once per plan line, shortened.
    plan: text.rows
      .map((x) => x['QUERY PLAN'].replace(/'\{tinh-bench,[^}]*\}'/g, `'{tinh-bench,so-01,…,xa-170}'`))
      .join('\n'),
  };
}

export async function runFilterFactsBench(log: (s: string) => void = console.error): Promise<string> {
  const N = Number(process.env.BENCH_FACTS_CASES ?? 200_000);
  const keep = process.env.BENCH_FACTS_KEEP;
  const dataDir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-facts-'));
  const fresh = !fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'));
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'pg'),
    port: await freePort(),
    database: 'kntc_bench',
    persistent: keep !== undefined,
  });
  const db = createDb(pg.url, { max: 2 });
  const load0 = os.loadavg()[0]!;
  try {
    await migrateLatest(db);
    const have = Number((await db('cases').count<{ count: string }[]>('* as count'))[0]!.count);
    let seeded = `${have.toLocaleString('en')} cases reused from ${dataDir}`;
    if (fresh || have < N) {
      const t0 = performance.now();
      await seedFigures(db, N);
      await seedVariables(db);
      seeded = `${N.toLocaleString('en')} cases (letters with variables, ~3 KB of state each) in ${((performance.now() - t0) / 1000).toFixed(0)} s`;
      log(seeded);
    }
    const agencies = await createAgencyScope(db).subtree(PROVINCE);
    const rows: string[] = [];
    const plans: string[] = [];
    for (const q of QUERIES) {
      const now = caseFilterSource(db)
        .modify((b) => applyCaseFilter(b, caseFilterOf(q.query, agencies)))
        .count('* as n')
        .toSQL();
      const base = caseFilterSource(db)
        .modify((b) => applyCaseFilter(b, caseFilterOf(q.legacyBase, agencies)))
        .whereRaw(LEGACY[q.key]!.extra, LEGACY[q.key]!.bindings as never)
        .count('* as n')
        .toSQL();
      const count = async (s: { sql: string; bindings: readonly unknown[] }) =>
        Number((await db.raw<{ rows: Array<{ n: string }> }>(s.sql, s.bindings as never)).rows[0]!.n);
      const [nNow, nBefore] = [await count(now), await count(base)];
      if (nNow !== nBefore) throw new Error(`${q.key}: ${nNow} (columns) ≠ ${nBefore} (look-ups)`);
      // Warm once each, then measure (the second run of each).
      await explain(db, base.sql, base.bindings);
      const before = await explain(db, base.sql, base.bindings);
      await explain(db, now.sql, now.bindings);
      const after = await explain(db, now.sql, now.bindings);
      const load = os.loadavg()[0]!.toFixed(1);
      rows.push(
        `| ${q.name} | ${nNow.toLocaleString('en')} | ${before.buffers.toLocaleString('en')} / ${before.ms.toFixed(1)} ms | ` +
          `${after.buffers.toLocaleString('en')} / ${after.ms.toFixed(1)} ms | ${load} |`,
      );
      log(rows.at(-1)!);
      plans.push(
        `#### ${q.name}\n\nBefore (look-ups):\n\n\`\`\`\n${before.plan}\n\`\`\`\n\nAfter (columns):\n\n\`\`\`\n${after.plan}\n\`\`\``,
      );
    }
    const load = os.loadavg().map((l) => l.toFixed(1));
    return [
      `### Report filters over case_facts columns (${os.cpus().length} CPUs, ${new Date().toISOString().slice(0, 16)}Z, ` +
        `load ${load0.toFixed(1)} → ${load[0]}; uptime load averages at the end ${load.join(', ')})`,
      '',
      '| figure (count, EXPLAIN ANALYZE BUFFERS) | cases | before: buffers / time | after: buffers / time | load |',
      '|---|---:|---:|---:|---:|',
      ...rows,
      '',
      `- Read model: ${seeded}; one province of 30 departments and 170 communes (bench/figures.ts seed).`,
      "- Before: the filter's previous SQL (a correlated look-up of `case_states` / `case_flags` per row), kept in " +
        'bench/filter-facts.ts; after: db/case-filter.ts over the columns. Both counts are checked equal.',
      '- Reproduce with `npm run bench -- filter-facts`.',
      '',
      ...plans,
    ].join('\n');
  } finally {
    await db.destroy();
    await pg.stop();
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
