/**
 * Matter suggestion on intake (issue 14.8, ADR 0028): a province of ~100 agencies with one million visits
 * (each with a sealed-visitor row carrying its identity hash) grouped into matters, then suggestion look-ups
 * through the production query (db/matters.ts `suggest`: identity hashes, respondent hashes, the subject's rarer
 * terms then pg_trgm similarity; ADR 0038) for a provincial officer's whole subtree and a commune's. Target: p99
 * under 50 ms.
 *
 *   npx tsx bench/reception.ts [visits=1000000] [queries=500]
 *
 * BENCH_SUBJECTS=synthetic (default) draws each subject from 8 words of a 70-word vocabulary and a parcel
 * number, each word the one 9 places after the previous in the list: only 70 sequences of words, far more alike
 * than real subjects. BENCH_SUBJECTS=realistic draws each word on its own and adds what real subjects carry — a
 * hamlet name and the number of the decision complained of. Each run reports four kinds of look-up separately:
 * `known` (a known matter's citizen, its title with a word dropped), `vocabulary` (the same citizen, only the
 * vocabulary words of the title with one dropped: no number, no name — the worst case for the subject),
 * `stranger` (a new citizen, nine vocabulary words: nothing to find) and `commune` (`known`, searched by the
 * officer of the matter's commune or department only).
 *
 * Each look-up runs twice, alternating which goes first: `before` (the statement as ADR 0038 left it, in a
 * transaction: 3 statements) and `after` (the production `suggest`: one statement, kept term counts; ADR 0038
 * amendment); the two must return the same suggestions in the same order. Then every look-up of both is re-run
 * under EXPLAIN (ANALYZE, BUFFERS): buffers, execution and planning time, load-independent where wall clock is
 * not. Last, on the same data, a month's compliance for the whole province (reception/compliance.ts, ADR 0029;
 * target under 1 s), 24 runs over 12 months. The load average is printed at each phase.
 *
 * Only PostgreSQL is needed (no Temporal).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { foldText } from '../hotspots/respondent.js';
import { createDb, type Db } from '../db/knex.js';
import { createMatterStore, SUBJECT_TERM_WORDS, TERM_CAP } from '../db/matters.js';
import { migrateLatest } from '../db/migrate.js';
import { freePort, startEmbeddedPostgres } from '../platform/postgres.js';
import { monthlyCompliance } from '../reception/compliance.js';

const VISITS = Number(process.argv[2] ?? 1_000_000);
const QUERIES = Number(process.argv[3] ?? 500);
const COMMUNES = 80;
const DEPARTMENTS = 20;
const VISITS_PER_MATTER = 3;
const SUBJECTS = process.env.BENCH_SUBJECTS ?? 'synthetic';
if (SUBJECTS !== 'synthetic' && SUBJECTS !== 'realistic') throw new Error('BENCH_SUBJECTS: synthetic | realistic');
// Syllables of hamlet names (thôn …), folded.
const SYLLABLES = (
  'an binh cat dong giang ha hai hoa hung khanh lac lam long minh my nam ngoc nhan phu phuoc phong quang ' +
  'son tan thach thanh thinh thuan tien trung truong tu van vinh xuan yen bac dai hau hiep hoi kim loc ninh ' +
  'phat qui tay thai thang thien thong thu tri tuong uyen vien vo'
).split(' ');

// Words of complaint subjects (folded, as foldText of hotspots/respondent.ts leaves them).
const WORDS = (
  'khieu nai to cao kien nghi phan anh boi thuong ho tro tai dinh cu thu hoi dat cap giay chung nhan quyen su dung ' +
  'tranh chap ranh gioi lan chiem xay dung trai phep moi truong o nhiem tien luong bao hiem xa hoi che do chinh sach ' +
  'nguoi co cong can bo dia chinh uy ban nhan dan quyet dinh hanh chinh hanh vi giai phong mat bang du an duong tinh'
).split(' ');

/**
 * The look-up as ADR 0038 left it (db/matters.ts before 20261208050000), measured in the same run for the
 * before/after comparison: a transaction around one statement that counts each term's postings up to the cap.
 * One change: the rarity weight w is rounded as now (a float sum differs in its last bit with the order the terms
 * come in, which made ties among equal subjects break differently between the two statements).
 */
async function suggestBefore(
  db: Db,
  q: { agencies: string[]; personHashes: Buffer[]; respondentHashes: Buffer[]; subject: string; limit: number },
): Promise<string[]> {
  const subject = foldText(q.subject);
  const termsOf = subject.split(' ').slice(0, SUBJECT_TERM_WORDS).join(' ');
  return db.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: Array<{ id: string }> }>(
      `WITH person AS (
       -- A matter that holds a denunciation is never matched by person: "same person" would tell the
       -- caller who denounced (Luật Tố cáo Art 47); subject and respondent still find it.
       SELECT i.matter_id FROM matter_identities i
        WHERE i.kind = 'person' AND i.identity_hash = ANY(?::bytea[])
          AND NOT EXISTS (
            SELECT 1 FROM matter_links l
              LEFT JOIN reception_visits v ON l.kind = 'visit' AND v.id = l.ref_id
              LEFT JOIN cases c ON l.kind = 'case' AND c.id = l.ref_id
             WHERE l.matter_id = i.matter_id
               AND (v.content_type = 'denunciation' OR c.case_type = 'denunciation'))
        GROUP BY i.matter_id),
     resp AS (
       SELECT matter_id FROM matter_identities
        WHERE kind = 'respondent' AND identity_hash = ANY(?::bytea[]) GROUP BY matter_id),
     -- Similar subject (ADR 0038): the intake's terms (words, adjacent pairs) counted in the caller's
     -- agencies up to a cap; a term held by the cap or more matters there says nothing and is left out; the
     -- matters holding the rarer ones, ranked by rarity, then the best by trigram similarity.
     qt AS (SELECT DISTINCT t FROM unnest(matter_subject_terms(?)) t),
     df AS MATERIALIZED (
       SELECT qt.t, (SELECT count(*) FROM (SELECT 1 FROM matter_terms x
                                             WHERE x.term = qt.t AND x.agency_id = ANY(?::text[])
                                             LIMIT ?) c)::int AS n
         FROM qt),
     hits AS MATERIALIZED (
       SELECT x.matter_id, round(sum(ln(1 + ?::float8 / df.n)) * 1e9) AS w
         FROM df JOIN matter_terms x ON x.term = df.t AND x.agency_id = ANY(?::text[])
        WHERE df.n > 0 AND df.n < ?
        GROUP BY x.matter_id
        ORDER BY w DESC, x.matter_id
        LIMIT 100),
     -- Materialized: the few hits' subjects are read by key, never the similarity of every matter.
     near AS MATERIALIZED (
       SELECT h.matter_id, h.w, m.subject_norm FROM hits h JOIN matters m ON m.id = h.matter_id),
     subj AS (
       SELECT matter_id FROM near
        WHERE similarity(subject_norm, ?) >= ?
        ORDER BY similarity(subject_norm, ?) DESC, w DESC
        LIMIT 20),
     cand AS (SELECT matter_id FROM person UNION SELECT matter_id FROM resp UNION SELECT matter_id FROM subj)
     SELECT m.*, (p.matter_id IS NOT NULL) AS same_person, (r.matter_id IS NOT NULL) AS same_respondent,
            similarity(m.subject_norm, ?) AS sim
       FROM cand
       JOIN matters m ON m.id = cand.matter_id
       LEFT JOIN person p ON p.matter_id = m.id
       LEFT JOIN resp r ON r.matter_id = m.id
      WHERE m.agency_id = ANY(?::text[])
        AND NOT EXISTS (SELECT 1 FROM matter_links l WHERE l.matter_id = m.id AND l.kind = ? AND l.ref_id = ?
                          AND l.decision = 'rejected')
      ORDER BY (CASE WHEN p.matter_id IS NOT NULL THEN 0.5 ELSE 0 END
                + CASE WHEN r.matter_id IS NOT NULL THEN 0.2 ELSE 0 END
                + 0.3 * similarity(m.subject_norm, ?)) DESC, m.last_received_at DESC, m.id
      LIMIT ?`,
      [
        q.personHashes,
        q.respondentHashes,
        termsOf,
        q.agencies,
        TERM_CAP,
        TERM_CAP,
        q.agencies,
        TERM_CAP,
        subject,
        0.3,
        subject,
        subject,
        q.agencies,
        '',
        '',
        subject,
        q.limit,
      ],
    );
    return rows.map((r) => r.id);
  });
}

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
    // synthetic: word k+1 is word k shifted by 9 in the list, so every title is one of only 70 sequences of
    // words (with its own parcel number): the worst case. realistic: each word drawn on its own.
    const wordIndex =
      SUBJECTS === 'realistic'
        ? `abs(hashtext(n::text || ':' || k)) % ${WORDS.length}`
        : `((n * 7919 + k * 104729) % ${WORDS.length})`;
    const syl = `ARRAY[${SYLLABLES.map((w) => `'${w}'`).join(',')}]`;
    // The trigger indexes each matter's terms row by row; a bulk load builds the same rows at once (the
    // migration's backfill statement) and the primary key after them.
    await db.raw('ALTER TABLE matters DISABLE TRIGGER matter_terms_sync');
    await db.raw('ALTER TABLE matter_terms DROP CONSTRAINT matter_terms_pkey');
    // Matters: a subject of 8 words + a parcel; spread over the agencies.
    await db.raw(
      `INSERT INTO matters (id, agency_id, title, subject_norm, first_received_at, last_received_at, times_received,
                            letters_count, people_max, created_by)
       SELECT md5('m' || n), (?::text[])[1 + n % ?], t, t, now() - (n % 600) * interval '1 day',
              now() - (n % 300) * interval '1 day', ?, 1, 1, 'bench'
         FROM (SELECT n, (SELECT string_agg(w[1 + ${wordIndex}], ' ' ORDER BY k)
                            FROM generate_series(1, 8) k, (SELECT ${words} AS w) ws)
                         || ' thua ' || (n % 997) || ' to ban do ' || (n % 53)
                         ${
                           SUBJECTS === 'realistic'
                             ? `|| ' thon ' || (${syl})[1 + (n * 31) % ${SYLLABLES.length}] || ' '
                                || (${syl})[1 + (n * 17 / 7) % ${SYLLABLES.length}]
                                || ' quyet dinh ' || (1 + (n * 7907) % 20000) || '/qd-ubnd'`
                             : ''
                         } AS t
                 FROM generate_series(1::bigint, ?) n) s`,
      [agencies, agencies.length, VISITS_PER_MATTER, matterCount],
    );
    const tTerms = Date.now();
    await db.raw(`INSERT INTO matter_terms (term, agency_id, matter_id)
      SELECT DISTINCT t, m.agency_id, m.id FROM matters m, unnest(matter_subject_terms(m.subject_norm)) t`);
    await db.raw('ALTER TABLE matter_terms ADD PRIMARY KEY (term, agency_id, matter_id)');
    await db.raw(`INSERT INTO matter_term_counts (term, agency_id, n)
      SELECT term, agency_id, count(*) FROM matter_terms GROUP BY term, agency_id`);
    await db.raw('ALTER TABLE matters ENABLE TRIGGER matter_terms_sync');
    console.log(`matter terms indexed in ${((Date.now() - tTerms) / 1000).toFixed(0)} s`);
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
    // A steady state: autovacuum has set the visibility map (index-only scans) and the statistics.
    await db.raw('VACUUM ANALYZE');
    const counts = (await db.raw(
      `SELECT (SELECT count(*) FROM agencies)::int AS agencies, (SELECT count(*) FROM reception_visits)::int AS visits,
              (SELECT count(*) FROM matters)::int AS matters, (SELECT count(*) FROM reception_sessions)::int AS sessions,
              (SELECT count(*) FROM matter_terms)::int AS terms,
              pg_size_pretty(pg_total_relation_size('matter_terms')) AS terms_size`,
    )) as { rows: Array<Record<string, number>> };
    const loadS = (Date.now() - t0) / 1000;
    console.log(`loaded ${JSON.stringify(counts.rows[0])} in ${loadS.toFixed(0)} s (subjects: ${SUBJECTS})`);

    const store = createMatterStore(db);
    const loadavg = () =>
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`;
    // Query inputs: a known matter's citizen and a subject close to its title (typos, words dropped), or a
    // stranger with a fresh subject (nothing to find).
    const samples = (await db.raw(`SELECT id, agency_id, title FROM matters ORDER BY md5(id || 'sample') LIMIT ?`, [
      QUERIES,
    ])) as { rows: Array<{ id: string; agency_id: string; title: string }> };
    const KINDS = ['known', 'vocabulary', 'stranger', 'commune'] as const;
    type Kind = (typeof KINDS)[number];
    const VARIANTS = ['before', 'after'] as const;
    type Variant = (typeof VARIANTS)[number];
    const vocabulary = new Set(WORDS);
    const lat = {
      before: { known: [], vocabulary: [], stranger: [], commune: [] },
      after: { known: [], vocabulary: [], stranger: [], commune: [] },
    } as Record<Variant, Record<Kind, number[]>>;
    const found = {
      before: { known: 0, vocabulary: 0, stranger: 0, commune: 0 },
      after: { known: 0, vocabulary: 0, stranger: 0, commune: 0 },
    } as Record<Variant, Record<Kind, number>>;
    let same = 0;
    // The statements of each look-up (knex's query event), to EXPLAIN ANALYZE them afterwards.
    let last: { sql: string; bindings: unknown[] } | undefined;
    let statements = 0;
    const runs: Array<{ variant: Variant; kind: Kind; ms: number; sql: string; bindings: unknown[] }> = [];
    db.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      statements++;
      if (q.sql.includes('matter_identities')) last = { sql: q.sql, bindings: q.bindings ?? [] };
    });
    const roundTrips: Record<Variant, number> = { before: 0, after: 0 };
    console.log(`look-ups start: ${loadavg()}`);
    for (let i = 0; i < samples.rows.length; i++) {
      const m = samples.rows[i]!;
      const kind = KINDS[i % KINDS.length]!;
      const words = m.title.split(' ');
      const subject =
        kind === 'stranger'
          ? Array.from({ length: 9 }, (_v, j) => WORDS[(i * 31 + j * 17) % WORDS.length]).join(' ')
          : kind === 'vocabulary'
            ? words
                .slice(0, 8)
                .filter((w, j) => j !== 2 && vocabulary.has(w))
                .join(' ')
            : words.filter((_w, j) => j !== 2).join(' ');
      const q = {
        agencies: kind === 'commune' ? [m.agency_id] : agencies,
        personHashes: [sha(kind === 'stranger' ? `stranger-${i}` : `person-${m.id}`)],
        respondentHashes: [sha(`respondent-${i % 2000}`)],
        subject,
        limit: 10,
      };
      // Alternating which goes first: the two see the same machine and the same cache.
      const ids: Partial<Record<Variant, string[]>> = {};
      for (const variant of i % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
        const s0 = statements;
        const t = process.hrtime.bigint();
        ids[variant] =
          variant === 'before'
            ? await suggestBefore(db, q)
            : (await store.suggest({ ...q, threshold: 0.3 })).map((r) => r.matter.id);
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        roundTrips[variant] += statements - s0;
        lat[variant][kind].push(ms);
        runs.push({ variant, kind, ms, ...last! });
        if (kind !== 'stranger' && ids[variant][0] === m.id) found[variant][kind]++;
      }
      if (JSON.stringify(ids.before) === JSON.stringify(ids.after)) same++;
    }
    console.log(`look-ups end: ${loadavg()}`);
    // Where a known matter is found by subject alone (a new citizen, no respondent): the subject's own recall.
    let bySubject = 0;
    let subjectQueries = 0;
    for (let i = 0; i < samples.rows.length; i += 4) {
      const m = samples.rows[i]!;
      const r = await store.suggest({
        agencies,
        personHashes: [sha(`stranger-subject-${i}`)],
        respondentHashes: [],
        subject: m.title
          .split(' ')
          .filter((_w, j) => j !== 2)
          .join(' '),
        threshold: 0.3,
        limit: 10,
      });
      subjectQueries++;
      if (r.some((s) => s.matter.id === m.id)) bySubject++;
    }
    const all = (v: Variant) => KINDS.flatMap((k) => lat[v][k]).sort((a, b) => a - b);
    const line = (name: string, xs: number[]) =>
      `${name}: ${xs.length} queries, p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, ` +
      `p99 ${pct(xs, 99).toFixed(1)} ms, max ${xs[xs.length - 1]!.toFixed(1)} ms`;
    for (const v of VARIANTS) {
      console.log(`${v} (${(roundTrips[v] / samples.rows.length).toFixed(0)} statements per look-up):`);
      for (const k of KINDS) {
        const xs = [...lat[v][k]].sort((a, b) => a - b);
        console.log(line(`  ${k}`, xs) + (k === 'stranger' ? '' : `; ranked first ${found[v][k]}/${xs.length}`));
      }
      console.log(line(`  all`, all(v)));
    }
    console.log(`same suggestions in the same order before and after: ${same}/${samples.rows.length}`);
    console.log(
      `known matter among the 10 by subject alone (new citizen, no respondent): ${bySubject}/${subjectQueries}`,
    );

    // Load-independent: every look-up re-run under EXPLAIN (ANALYZE, BUFFERS): buffers and server time.
    console.log(`explain start: ${loadavg()}`);
    type Explained = { variant: Variant; kind: Kind; ms: number; buffers: number; exec: number; plan: number };
    const explained: Explained[] = [];
    const explain = async (sql: string, bindings: unknown[], format: 'JSON' | 'TEXT') =>
      (await db.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT ${format}) ${sql.replace(/\$\d+/g, '?')}`, bindings as never))
        .rows as Array<Record<string, unknown>>;
    for (const r of runs) {
      const [row] = await explain(r.sql, r.bindings, 'JSON');
      const top = (row!['QUERY PLAN'] as Array<Record<string, unknown>>)[0]!;
      const plan = top.Plan as Record<string, number>;
      explained.push({
        variant: r.variant,
        kind: r.kind,
        ms: r.ms,
        buffers: plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!,
        exec: top['Execution Time'] as number,
        plan: top['Planning Time'] as number,
      });
    }
    console.log(`explain end: ${loadavg()}`);
    for (const v of VARIANTS) {
      const mine = explained.filter((e) => e.variant === v);
      const sorted = (f: (e: Explained) => number) => mine.map(f).sort((a, b) => a - b);
      const b = sorted((e) => e.buffers);
      const ex = sorted((e) => e.exec);
      const pl = sorted((e) => e.plan);
      console.log(
        `${v} under EXPLAIN: buffers p50 ${pct(b, 50)}, p99 ${pct(b, 99)}, max ${b[b.length - 1]}; ` +
          `execution p50 ${pct(ex, 50).toFixed(1)} ms, p99 ${pct(ex, 99).toFixed(1)} ms; ` +
          `planning p50 ${pct(pl, 50).toFixed(1)} ms, p99 ${pct(pl, 99).toFixed(1)} ms`,
      );
      // The p99 cases: the four slowest look-ups of the loop, and their buffers.
      const slow = [...mine].sort((a, c) => c.ms - a.ms).slice(0, 4);
      console.log(
        `  slowest in the loop: ` +
          slow.map((e) => `${e.kind} ${e.ms.toFixed(1)} ms (${e.buffers} buffers, ${e.exec.toFixed(1)} ms)`).join('; '),
      );
    }
    for (const v of VARIANTS) {
      // The plan of the look-up with the most buffers.
      const worst = explained
        .map((e, i) => ({ e, r: runs[i]! }))
        .filter((x) => x.e.variant === v)
        .reduce((a, c) => (c.e.buffers > a.e.buffers ? c : a));
      const text = await explain(worst.r.sql, worst.r.bindings, 'TEXT');
      console.log(
        `${v}: the look-up with the most buffers (${worst.e.kind}, ${worst.e.buffers}), EXPLAIN ANALYZE:\n` +
          text.map((r) => r['QUERY PLAN']).join('\n'),
      );
    }

    // A month's compliance for the whole province on the same data (reception/compliance.ts, ADR 0029).
    let complianceSql: { sql: string; bindings: unknown[] } | undefined;
    db.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      if (!complianceSql && !q.sql.includes('matter_identities'))
        complianceSql = { sql: q.sql, bindings: q.bindings ?? [] };
    });
    console.log(`compliance start: ${loadavg()}`);
    const months = Array.from(
      { length: 12 },
      (_v, i) => `${i < 1 ? 2025 : 2026}-${String(i < 1 ? 12 : i).padStart(2, '0')}`,
    );
    const ctimes: number[] = [];
    for (const month of [...months, ...months]) {
      complianceSql = undefined;
      const t = process.hrtime.bigint();
      await monthlyCompliance(db, agencies, month);
      ctimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    console.log(`compliance end: ${loadavg()}`);
    ctimes.sort((a, b) => a - b);
    console.log(line(`compliance, a month for the whole province (${agencies.length} agencies)`, ctimes));
    if (complianceSql) {
      const text = await explain(complianceSql.sql, complianceSql.bindings, 'TEXT');
      console.log(
        `compliance (${months[months.length - 1]}) EXPLAIN ANALYZE:\n` + text.map((r) => r['QUERY PLAN']).join('\n'),
      );
    }
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
