/**
 * Figures over cases (ADR 0030): the count and the group-by counts of the shared case filter
 * (db/case-filter.ts), on the same rows the case search pages through. Each group names the filter that
 * selects exactly its cases (its drill-down: the case search with that filter); a property test checks
 * every count against the search.
 *
 * Dimensions are data ({@link FIGURE_DIMENSIONS}): an SQL key over `case_facts f` and
 * the filter narrowing to one key.
 */
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import {
  ACCEPTED_SQL,
  applyCaseFilter,
  caseFilterSource,
  CLOSED_AT_SQL,
  CLOSED_SQL,
  FLAG_SQL,
  type CaseFilter,
  type CaseFilterQuery,
} from './case-filter.js';
import type { Db } from './knex.js';

/** A group key: text, or null for the cases without a value. */
export type FigureKey = string | null;

export interface FigureDimension {
  description: string;
  /** SQL of the key (text or null) of one case. */
  sql: string;
  /**
   * A dimension where a case may have several keys (its current steps): a lateral set of `(key)` rows,
   * aliased by the caller; the case counts once in each of its keys' groups and in the null group when
   * it has none.
   */
  lateral?: string;
  /** Turns the SQL key (as text) into the key shown (e.g. a month's first day into `YYYY-MM`). */
  format?(raw: string): string;
  /**
   * The filter fields that, added to a request's filter, select exactly the cases of the group `key`
   * (null: no filter can, the group has no drill-down link).
   */
  narrow(key: FigureKey, q: CaseFilterQuery): Partial<CaseFilterQuery> | null;
}

const VN = 'Asia/Ho_Chi_Minh';
/** `YYYY-MM` of an instant in Vietnam (fixed +07:00 since 1975). */
const vnMonth = (sql: string) => `to_char((${sql} AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM')`;
const bool = (sql: string) => `CASE WHEN ${sql} THEN 'true' ELSE 'false' END`;
const later = (a: string | undefined, b: string) => (a !== undefined && Date.parse(a) > Date.parse(b) ? a : b);
const earlier = (a: string | undefined, b: string) => (a !== undefined && Date.parse(a) < Date.parse(b) ? a : b);

/** The instants `[start, end)` of a Vietnam month `YYYY-MM`, with the +07:00 offset. */
function monthInstants(key: string): [string, string] {
  const start = DateTime.fromISO(`${key}-01T00:00:00`, { zone: VN });
  const fmt = (d: DateTime) => d.toISO({ suppressMilliseconds: true })!;
  return [fmt(start), fmt(start.plus({ months: 1 }))];
}
/** The instants `[start, end)` of a Vietnam quarter `YYYY-Qn`, with the +07:00 offset. */
function quarterInstants(key: string): [string, string] {
  const [y, q] = key.split('-Q');
  const start = DateTime.fromObject({ year: Number(y), month: 3 * (Number(q) - 1) + 1, day: 1 }, { zone: VN });
  const fmt = (d: DateTime) => d.toISO({ suppressMilliseconds: true })!;
  return [fmt(start), fmt(start.plus({ months: 3 }))];
}
function monthDays(key: string): [string, string] {
  const start = DateTime.fromISO(`${key}-01`, { zone: 'UTC' });
  return [start.toISODate()!, start.plus({ months: 1 }).toISODate()!];
}

export const FIGURE_DIMENSIONS = {
  agency: {
    description: 'The agency of the case (itself, not its subtree)',
    sql: 'f.agency_id',
    narrow: (k) => (k === null ? null : { agencyId: k, exactAgency: 'true' }),
  },
  type: {
    description: 'Case type',
    sql: 'f.case_type',
    narrow: (k) => (k === null ? null : { type: k as CaseFilterQuery['type'] }),
  },
  channel: {
    description: 'How the case arrived',
    sql: 'f.channel',
    narrow: (k) => (k === null ? null : { channel: k as CaseFilterQuery['channel'] }),
  },
  stage: {
    description: 'A current step (element id); a case at several steps counts in each, a case at none in null',
    sql: 'st.key',
    lateral: `unnest(f.nodes)`,
    // With a stage filter, the other steps of its cases cannot be drilled into (one stage filter at a time).
    narrow: (k, q) => (q.stage !== undefined && (k ?? 'null') !== q.stage ? null : { stage: k ?? 'null' }),
  },
  status: {
    description: '`open` or `closed`',
    sql: `CASE WHEN ${CLOSED_SQL} THEN 'closed' ELSE 'open' END`,
    narrow: (k) => (k === 'open' || k === 'closed' ? { status: k } : null),
  },
  outcome: {
    description: 'The outcome of the end the case reached; null: none (open, cancelled)',
    sql: 'f.outcome',
    narrow: (k) => ({ outcome: k ?? 'null' }),
  },
  overdue: {
    description: 'A statutory limit of the case was breached (`true` / `false`)',
    sql: bool(FLAG_SQL.overdue),
    narrow: (k) => (k === 'true' || k === 'false' ? { overdue: k } : null),
  },
  onTime: {
    description: 'Closed cases: `true` closed with no limit breached, `false` closed overdue; null: open',
    sql: `CASE WHEN ${CLOSED_SQL} THEN ${bool(`NOT ${FLAG_SQL.overdue}`)} END`,
    narrow: (k) => (k === null ? { status: 'open' } : k === 'true' || k === 'false' ? { onTime: k } : null),
  },
  sector: {
    description: 'Sector (lĩnh vực) code of the case; null: not classified',
    sql: 'f.sector',
    narrow: (k) => ({ sector: k ?? 'null' }),
  },
  province: {
    description: 'Province code of the place (địa bàn) the case is about; null: no place recorded',
    sql: 'f.place_province',
    narrow: (k) => ({ provinceCode: k ?? 'null' }),
  },
  commune: {
    description: 'Commune / ward code of the place the case is about; null: no commune recorded',
    sql: 'f.place_commune',
    narrow: (k) => ({ communeCode: k ?? 'null' }),
  },
  // Stored as the month's first day (a column of case_facts): grouped without a per-row conversion.
  receivedMonth: {
    description: 'Month of receipt in Vietnam (`YYYY-MM`)',
    sql: 'f.received_month',
    format: (raw) => raw.slice(0, 7),
    narrow: (k, q) => {
      if (k === null) return null;
      const [from, to] = monthInstants(k);
      return { receivedFrom: later(q.receivedFrom, from), receivedTo: earlier(q.receivedTo, to) };
    },
  },
  receivedQuarter: {
    description: 'Calendar quarter of receipt in Vietnam (`YYYY-Qn`)',
    sql: `date_trunc('quarter', f.received_month)::date`,
    format: (raw) => `${raw.slice(0, 4)}-Q${Math.floor((Number(raw.slice(5, 7)) - 1) / 3) + 1}`,
    narrow: (k, q) => {
      if (k === null) return null;
      const [from, to] = quarterInstants(k);
      return { receivedFrom: later(q.receivedFrom, from), receivedTo: earlier(q.receivedTo, to) };
    },
  },
  acceptedMonth: {
    description: 'Month of acceptance (thụ lý, `YYYY-MM`); null: not accepted',
    sql: `to_char(${ACCEPTED_SQL}, 'YYYY-MM')`,
    narrow: (k, q) => {
      if (k === null) return { accepted: 'false' };
      const [from, to] = monthDays(k);
      const max = (a: string | undefined, b: string) => (a !== undefined && a > b ? a : b);
      const min = (a: string | undefined, b: string) => (a !== undefined && a < b ? a : b);
      return { acceptedFrom: max(q.acceptedFrom, from), acceptedTo: min(q.acceptedTo, to) };
    },
  },
  closedMonth: {
    description: 'Month the case closed in Vietnam (`YYYY-MM`); null: open, or closed at a time not recorded',
    sql: vnMonth(CLOSED_AT_SQL),
    narrow: (k, q) => {
      if (k === null) return null;
      const [from, to] = monthInstants(k);
      return { closedFrom: later(q.closedFrom, from), closedTo: earlier(q.closedTo, to) };
    },
  },
} satisfies Record<string, FigureDimension>;
export type FigureDimensionName = keyof typeof FIGURE_DIMENSIONS;
export const FIGURE_DIMENSION_NAMES = Object.keys(FIGURE_DIMENSIONS) as FigureDimensionName[];

export interface FigureGroup {
  key: Record<string, FigureKey>;
  count: number;
}

/** The dimensions the monthly roll-up (`case_fact_months`, same column names as `case_facts`) can answer. */
const ROLLUP_DIMENSIONS: ReadonlySet<FigureDimensionName> = new Set([
  'agency',
  'type',
  'status',
  'overdue',
  'onTime',
  'receivedMonth',
  'receivedQuarter',
] as const);
/** The filter fields the roll-up can answer (receipt bounds only on Vietnam month boundaries). */
const ROLLUP_FILTERS: ReadonlySet<string> = new Set([
  'agencies',
  'type',
  'status',
  'overdue',
  'onTime',
  'receivedFrom',
  'receivedTo',
]);

/** The dimensions of the per-dimension roll-up `case_fact_dims`: its `dim`, the `case_facts` column, the filter. */
const DIM_ROLLUPS: Partial<Record<FigureDimensionName, { dim: string; column: string; filter: keyof CaseFilter }>> = {
  channel: { dim: 'channel', column: 'channel', filter: 'channel' },
  sector: { dim: 'sector', column: 'sector', filter: 'sector' },
  outcome: { dim: 'outcome', column: 'outcome', filter: 'outcome' },
  commune: { dim: 'commune', column: 'place_commune', filter: 'communeCode' },
  province: { dim: 'province', column: 'place_province', filter: 'provinceCode' },
};
/** What both roll-ups have: agency, type, closed and overdue (status, overdue, on time). */
const BASE_DIMENSIONS: ReadonlySet<string> = new Set(['agency', 'type', 'status', 'overdue', 'onTime']);
const BASE_FILTERS: ReadonlySet<string> = new Set(['agencies', 'type', 'status', 'overdue', 'onTime']);

/**
 * The per-dimension roll-up answers a figure with no period when, besides agency, type, status and overdue, the
 * filter and the dimensions name exactly one of its dimensions (by sector × status; the open cases by channel).
 */
function dimRollup(fields: readonly string[], dims: readonly FigureDimensionName[]) {
  const extra = new Set<FigureDimensionName>();
  for (const d of dims) {
    if (BASE_DIMENSIONS.has(d)) continue;
    if (!DIM_ROLLUPS[d]) return undefined;
    extra.add(d);
  }
  for (const k of fields) {
    if (BASE_FILTERS.has(k)) continue;
    const d = (Object.keys(DIM_ROLLUPS) as FigureDimensionName[]).find((x) => DIM_ROLLUPS[x]!.filter === k);
    if (!d) return undefined;
    extra.add(d);
  }
  return extra.size === 1 ? DIM_ROLLUPS[[...extra][0]!] : undefined;
}

/** The first day (`YYYY-MM-01`) of the Vietnam month an instant starts exactly, or null if it starts none. */
function vnMonthStart(instant: string): string | null {
  // The fixed +07:00 of `case_facts.received_month` (not the zone's pre-1975 offsets).
  const t = DateTime.fromISO(instant, { setZone: true }).setZone('UTC+7');
  if (!t.isValid || t.day !== 1 || t.hour !== 0 || t.minute !== 0 || t.second !== 0 || t.millisecond !== 0) return null;
  return t.toISODate();
}

/**
 * The source of a count: the monthly roll-up when every filter field and dimension is one it has (province-wide
 * supervision figures: thousands of rows instead of a million), else `case_facts`. Both are aliased `f` with the
 * same column names, so the one filter ({@link applyCaseFilter}) and the dimensions' SQL apply to either; the
 * roll-up's receipt bounds become month bounds. Returns the builder and the SQL of the count.
 */
function sourceFor(db: Db, f: CaseFilter, dims: readonly FigureDimensionName[]): [Knex.QueryBuilder, string] {
  const fields = Object.keys(f).filter((k) => f[k as keyof CaseFilter] !== undefined);
  const from = f.receivedFrom === undefined ? undefined : vnMonthStart(f.receivedFrom);
  const to = f.receivedTo === undefined ? undefined : vnMonthStart(f.receivedTo);
  const rollup =
    fields.every((k) => ROLLUP_FILTERS.has(k)) &&
    dims.every((d) => ROLLUP_DIMENSIONS.has(d)) &&
    from !== null &&
    to !== null;
  if (!rollup) {
    const byDim = dimRollup(fields, dims);
    if (byDim) {
      // The per-dimension roll-up (`case_fact_dims`, migration 20261207040000): the dimension's value under its
      // `case_facts` column name ('' stored for none), so the filter and the dimensions' SQL apply unchanged.
      const sub = db('case_fact_dims')
        .where('dim', byDim.dim)
        .where('n', '>', 0)
        .select('agency_id', 'case_type', 'closed', 'overdue', 'n', db.raw(`NULLIF(key, '') AS ??`, [byDim.column]));
      return [db.from(sub.as('f')).modify((b) => applyCaseFilter(b, f)), 'sum(f.n)'];
    }
    return [caseFilterSource(db).modify((b) => applyCaseFilter(b, f)), 'count(*)'];
  }
  const { receivedFrom: _from, receivedTo: _to, ...rest } = f;
  const b = db('case_fact_months as f')
    .modify((q) => applyCaseFilter(q, rest))
    .where('f.n', '>', 0);
  if (from) b.where('f.received_month', '>=', from);
  if (to) b.where('f.received_month', '<', to);
  return [b, 'sum(f.n)'];
}

export function createCaseFigures(db: Db) {
  return {
    /** How many cases the filter selects (as many as the case search pages through). */
    async count(f: CaseFilter): Promise<number> {
      const [b, count] = sourceFor(db, f, []);
      const r = await b.first<{ n: string | null }>(db.raw(`${count} AS n`));
      return Number(r?.n ?? 0);
    },
    /** The counts per combination of the dimensions' keys (combinations with no case are left out). */
    async groupBy(f: CaseFilter, dims: readonly FigureDimensionName[]): Promise<FigureGroup[]> {
      const [b, count] = sourceFor(db, f, dims);
      dims.forEach((d, i) => {
        const dim: FigureDimension = FIGURE_DIMENSIONS[d];
        if (dim.lateral) b.joinRaw(`LEFT JOIN LATERAL ${dim.lateral} ${i === 0 ? 'st' : `st${i}`}(key) ON true`);
      });
      const keySql = dims.map((d, i) => {
        const dim: FigureDimension = FIGURE_DIMENSIONS[d];
        return dim.lateral && i > 0 ? dim.sql.replace('st.', `st${i}.`) : dim.sql;
      });
      // Grouped by the keys' own values (a date, not its text per row), turned into text once per group.
      const grouped = b
        .select(...keySql.map((s, i) => db.raw(`${s} AS k${i}`)), db.raw(`${count} AS n`))
        .groupByRaw(keySql.map((_, i) => `${i + 1}`).join(', '));
      const rows = await db
        .from(grouped.as('g'))
        .select(...keySql.map((_, i) => db.raw(`g.k${i}::text AS k${i}`)), 'g.n')
        .orderByRaw(keySql.map((_, i) => `g.k${i} NULLS LAST`).join(', '));
      return rows.map((r: Record<string, unknown>) => ({
        key: Object.fromEntries(
          dims.map((d, i) => {
            const dim: FigureDimension = FIGURE_DIMENSIONS[d];
            const raw = (r[`k${i}`] as string | null) ?? null;
            return [d, raw !== null && dim.format ? dim.format(raw) : raw];
          }),
        ),
        count: Number(r.n),
      }));
    },
  };
}

export type CaseFigures = ReturnType<typeof createCaseFigures>;
