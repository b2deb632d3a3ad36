/**
 * Computes a report form for an agency subtree and a data period (ADR 0031). Every query column is a
 * `count(*) FILTER (WHERE …)` of one SQL statement per record source, grouped by reporting unit (the
 * agency's direct children, each with its subtree, and the agency's own records); sums, checks and
 * the total row are computed here. Pure read: nothing is written.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import {
  applyCaseFilter,
  caseFilterOf,
  caseFilterParams,
  caseFilterSource,
  CaseFilterQuery,
} from '../db/case-filter.js';
import { canonicalJson } from '../workflows/engine/canonical-json.js';
import { vnInstant } from '../workflows/clock/vn-time.js';
import { FORMS, listForms, selectForm } from './forms.js';
import { headerLayout, leafLabel } from './layout.js';
import type {
  CaseCellFilter,
  CheckResult,
  ComputeRequest,
  FormDefinition,
  IsoDate,
  PeriodBasis,
  ReportEngine,
  ReportSnapshot,
  SnapshotCell,
  SnapshotRow,
  VisitCellFilter,
} from './types.js';

/** What the engine needs of the agency tree (`api/auth/agencies.ts`). */
export interface SubtreeSource {
  subtree(agencyId: string): Promise<string[]>;
}

/** Thrown for a request the engine cannot answer (the route maps it to 404 / 422). */
export class ReportError extends Error {
  constructor(
    readonly kind: 'unknown_form' | 'unknown_agency' | 'bad_period',
    message: string,
  ) {
    super(message);
  }
}

/** The hash the report lifecycle freezes: sha256 of the canonical JSON, `computedAt` left out. */
export function snapshotHash(s: ReportSnapshot): string {
  const { computedAt: _omit, ...rest } = s;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** Start (inclusive) and end (exclusive) instants of a civil-date period, Vietnam time. */
export function periodInstants(p: { from: IsoDate; to: IsoDate }): { start: string; end: string } {
  const next = new Date(`${p.to}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { start: `${p.from}T00:00:00+07:00`, end: `${next.toISOString().slice(0, 10)}T00:00:00+07:00` };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function validDate(d: string): boolean {
  return DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
}

type Sql = { sql: string; bindings: Knex.RawBinding[] };

// When a case was done with: a letter when its outcome was set, another case when it closed.
const CLOSED = `(cs.status IN ('completed', 'cancelled') OR c.status = 'closed')`;
const DONE_AT = `COALESCE((SELECT f.set_at FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'letter_outcome'), CASE WHEN ${CLOSED} THEN COALESCE(cs.closed_at, cs.updated_at) END)`;
const SENTINEL = '\u0000report-units';

/**
 * The SQL condition of the case-search part of a cell (`GET /v1/cases` parameters), taken from the one
 * case filter (db/case-filter.ts) the search and the figures use, so a cell and its drill-down agree.
 */
function searchSql(db: Db, search: Record<string, string>): Sql {
  const f = caseFilterOf(CaseFilterQuery.parse(search), [SENTINEL]);
  const q = caseFilterSource(db)
    .modify((b) => applyCaseFilter(b, f))
    .select(db.raw('1'))
    .toSQL();
  const at = q.sql.indexOf(' where ');
  const head = '"f"."agency_id" in (?)';
  const where = at < 0 ? '' : q.sql.slice(at + 7);
  if (!where.startsWith(head) || q.bindings[0] !== SENTINEL) throw new Error(`unexpected case filter SQL: ${q.sql}`);
  const rest = where.slice(head.length).replace(/^ and /, '');
  return { sql: rest.length > 0 ? `(${rest})` : 'true', bindings: q.bindings.slice(1) as Knex.RawBinding[] };
}

function basisSql(basis: PeriodBasis): string {
  switch (basis) {
    case 'received':
      return `(c.received_at >= :start AND c.received_at < :end)`;
    case 'carried_over':
      return `(c.received_at < :start AND (${DONE_AT} IS NULL OR ${DONE_AT} >= :start))`;
    case 'on_hand':
      return `(c.received_at < :end AND (${DONE_AT} IS NULL OR ${DONE_AT} >= :start))`;
    case 'closed':
      return `(${DONE_AT} >= :start AND ${DONE_AT} < :end)`;
  }
}

/** SQL for a case cell's filter (named bindings are inlined as positional ones by `bind`). */
function caseFilterSql(db: Db, f: CaseCellFilter): Sql {
  const parts: string[] = [];
  const b: Knex.RawBinding[] = [];
  if (f.search && Object.keys(f.search).length > 0) {
    const s = searchSql(db, f.search);
    parts.push(s.sql);
    b.push(...s.bindings);
  }
  if (f.types) {
    parts.push('c.case_type = ANY(?::text[])');
    b.push(f.types);
  }
  if (f.channel) {
    parts.push('c.channel = ANY(?::text[])');
    b.push(f.channel);
  }
  for (const [name, values] of Object.entries(f.variables ?? {})) {
    const v = `cs.state->'variables'->?`;
    const json = values.map((x) => JSON.stringify(x));
    const orMissing = values.includes(false) ? ` OR ${v} IS NULL OR ${v} = 'null'::jsonb` : '';
    parts.push(`(${v} = ANY(?::jsonb[])${orMissing})`);
    b.push(name, json, ...(orMissing ? [name, name] : []));
    // A handling outcome counts as of the period's end.
    if (name === 'letterOutcome') parts.push(`${DONE_AT} < :end`);
  }
  if (f.outcome) {
    parts.push(`(cs.outcome = ANY(?::text[]) AND ${CLOSED} AND COALESCE(cs.closed_at, cs.updated_at) < :end)`);
    b.push(f.outcome);
  }
  if (f.signers) {
    const n = `jsonb_array_length(CASE WHEN jsonb_typeof(cs.state->'variables'->'signerRefs') = 'array' THEN cs.state->'variables'->'signerRefs' ELSE '[]'::jsonb END)`;
    const anon = `COALESCE(cs.state->'variables'->>'anonymous', 'false') = 'true'`;
    parts.push(
      f.signers === 'many'
        ? `(${n} > 1 AND NOT ${anon})`
        : f.signers === 'one'
          ? `(${n} = 1 AND NOT ${anon})`
          : `(${n} = 0 OR ${anon})`,
    );
  }
  if (f.dateInPeriod) {
    parts.push(`(left(cs.state->'variables'->>?, 10) BETWEEN :fromDate AND :toDate)`);
    b.push(f.dateInPeriod);
  }
  if (f.closed !== undefined) parts.push(f.closed ? CLOSED : `NOT ${CLOSED}`);
  if (f.overdue !== undefined)
    parts.push(f.overdue ? 'COALESCE(cs.overdue, false)' : 'NOT COALESCE(cs.overdue, false)');
  return { sql: parts.length ? parts.join(' AND ') : 'true', bindings: b };
}

function visitFilterSql(f: VisitCellFilter, sessionsOnly: boolean): Sql {
  const parts: string[] = [];
  const b: Knex.RawBinding[] = [];
  if (f.sessionKind) {
    parts.push('s.kind = ANY(?::text[])');
    b.push(f.sessionKind);
  }
  if (f.receivedBy) {
    parts.push('s.received_by = ?');
    b.push(f.receivedBy);
  }
  if (!sessionsOnly) {
    if (f.delegation !== undefined) parts.push(f.delegation ? 'v.is_delegation' : 'NOT v.is_delegation');
    if (f.repeat !== undefined)
      parts.push(f.repeat ? 'COALESCE(m.times_received, 1) > 1' : 'COALESCE(m.times_received, 1) <= 1');
    if (f.contentType) {
      parts.push('v.content_type = ANY(?::text[])');
      b.push(f.contentType);
    }
    if (f.outcome) {
      parts.push('v.outcome = ANY(?::text[])');
      b.push(f.outcome);
    }
  }
  return { sql: parts.length ? parts.join(' AND ') : 'true', bindings: b };
}

/** Replaces `:start`, `:end`, `:fromDate`, `:toDate` by positional bindings, in order. */
function bind(sql: Sql, named: Record<string, Knex.RawBinding>): Sql {
  const out: Knex.RawBinding[] = [];
  let i = 0;
  const text = sql.sql.replace(/\?|:(start|end|fromDate|toDate)\b/g, (m, name: string | undefined) => {
    if (name) {
      out.push(named[name]!);
      return '?';
    }
    out.push(sql.bindings[i++]!);
    return m;
  });
  return { sql: text, bindings: out };
}

interface Unit {
  code: string;
  label: string;
  agencies: string[];
}

/**
 * The case-search URL behind a case cell, when its filter is one `GET /v1/cases` offers: the cell's search
 * parameters, the unit (`exactAgency` for the reporting agency's own row) and the period as received or
 * closed range. Cells over workflow variables, signers or carried-over cases have none (no wrong link).
 */
function caseDrillDown(
  f: CaseCellFilter,
  basis: PeriodBasis,
  unit: { agencyId: string; exact: boolean },
  start: string,
  end: string,
): string | undefined {
  if (f.variables || f.signers || f.dateInPeriod || f.closed !== undefined) return undefined;
  if ((f.types && f.types.length > 1) || (f.channel && f.channel.length > 1) || (f.outcome && f.outcome.length > 1))
    return undefined;
  const type = f.types?.[0] ?? f.search?.type;
  // "Done" is a letter's handling outcome or a case's closing: only the latter is a search filter.
  if (basis === 'closed' && (type === undefined || type === 'letter')) return undefined;
  if (basis !== 'received' && basis !== 'closed') return undefined;
  if (f.outcome && basis !== 'closed') return undefined;
  const q: Record<string, string> = { ...f.search };
  if (type) q.type = type;
  if (f.channel?.[0]) q.channel = f.channel[0];
  if (f.outcome?.[0]) q.outcome = f.outcome[0];
  if (f.overdue !== undefined) q.overdue = String(f.overdue);
  q.agencyId = unit.agencyId;
  if (unit.exact) q.exactAgency = 'true';
  if (basis === 'received') Object.assign(q, { receivedFrom: start, receivedTo: end });
  else Object.assign(q, { status: 'closed', closedFrom: start, closedTo: end });
  return `/v1/cases?${caseFilterParams(CaseFilterQuery.parse(q)).toString()}`;
}

/** How a list of visits shows a figure that is not the count of its items (the cell's `note`). */
export const VISIT_MEASURE_NOTES = {
  people: 'tổng peopleCount của các lượt tiếp trong danh sách',
  matters: 'số vụ việc khác nhau (matterId) của các lượt tiếp trong danh sách; lượt không gắn vụ việc tính là một',
} as const;

/**
 * The reception list behind a visit or session cell (issue 16 item 6): `GET /v1/reception/visits` (visited in the
 * period) or `GET /v1/reception/sessions` (held on a day of it) with the cell's filter, for the unit's subtree
 * (`exactAgency` for the reporting agency's own row) — the filters the engine counts with (`visitFilterSql`).
 */
function receptionDrillDown(
  source: 'visits' | 'sessions',
  f: VisitCellFilter,
  unit: { agencyId: string; exact: boolean },
  period: { from: IsoDate; to: IsoDate },
  start: string,
  end: string,
): string {
  const q = new URLSearchParams({ agencyId: unit.agencyId });
  if (unit.exact) q.set('exactAgency', 'true');
  if (source === 'sessions') {
    q.set('from', period.from);
    q.set('to', period.to);
    if (f.sessionKind) q.set('kind', f.sessionKind.join(','));
    if (f.receivedBy) q.set('receivedBy', f.receivedBy);
    return `/v1/reception/sessions?${q.toString()}`;
  }
  q.set('visitedFrom', start);
  q.set('visitedTo', end);
  if (f.sessionKind) q.set('sessionKind', f.sessionKind.join(','));
  if (f.receivedBy) q.set('receivedBy', f.receivedBy);
  if (f.delegation !== undefined) q.set('delegation', String(f.delegation));
  if (f.repeat !== undefined) q.set('repeat', String(f.repeat));
  if (f.contentType) q.set('contentType', f.contentType.join(','));
  if (f.outcome) q.set('outcome', f.outcome.join(','));
  return `/v1/reception/visits?${q.toString()}`;
}

/** The form's rules on a snapshot, cross-form ones reading `others` (row by row, matched by row code). */
function check(form: FormDefinition, snap: ReportSnapshot, others: Map<string, ReportSnapshot>): CheckResult[] {
  const out: CheckResult[] = [];
  for (const rule of form.rules) {
    const bad: string[] = [];
    const skipped: string[] = [];
    for (const row of snap.rows) {
      const left = row.cells[String(rule.left)]?.value ?? null;
      let right: number | null = 0;
      for (const r of rule.right) {
        const src = r.form ? others.get(r.form) : snap;
        const v = src?.rows.find((x) => x.code === row.code)?.cells[String(r.col)]?.value ?? null;
        right = v === null || right === null ? null : right + v;
      }
      if (left === null || right === null) skipped.push(row.code);
      else if (left !== right) bad.push(`${row.label}: ${left} ≠ ${right}`);
    }
    const status = rule.confirmed ? '' : ' (rule UNCONFIRMED)';
    out.push({
      rule: rule.id,
      ok: bad.length === 0,
      detail:
        bad.length > 0
          ? `${bad.join('; ')}${status} — ${rule.citation}`
          : skipped.length === snap.rows.length
            ? `not checked: manual columns (entered by the agency)${status} — ${rule.citation}`
            : `holds${status} — ${rule.citation}`,
    });
  }
  return out;
}

/**
 * The rules of each form, cross-form ones included, checked on snapshots made elsewhere — a province's
 * consolidation of its units' submitted figures (ADR 0032): each snapshot's form is the version in force on
 * `at`; a snapshot whose form is unknown is answered without checks.
 */
export function checkSnapshots(snaps: readonly ReportSnapshot[], at: IsoDate): ReportSnapshot[] {
  const byCode = new Map(snaps.map((s) => [s.form.code, s]));
  return snaps.map((s) => {
    const f = selectForm(s.form.code, at);
    return f ? { ...s, checks: check(f, s, byCode) } : s;
  });
}

export function createReportEngine(
  db: Db,
  agencies: SubtreeSource,
): ReportEngine & {
  /** Computes several forms for the same agency and period (the cross-form rules read each other). */
  computeForms(req: Omit<ComputeRequest, 'formCode'> & { formCodes: string[] }): Promise<ReportSnapshot[]>;
} {
  async function units(agencyId: string): Promise<{ name: string; units: Unit[] }> {
    const ids = await agencies.subtree(agencyId);
    if (ids.length === 0) throw new ReportError('unknown_agency', `Agency ${agencyId} is not known`);
    const rows = await db('agencies')
      .whereIn('id', ids)
      .select<Array<{ id: string; name: string; parent_id: string | null }>>('id', 'name', 'parent_id');
    const byId = new Map(rows.map((r) => [r.id, r]));
    const children = rows
      .filter((r) => r.parent_id === agencyId)
      .sort((a, b) => a.name.localeCompare(b.name, 'vi') || a.id.localeCompare(b.id));
    const unitOf = (id: string): string => {
      let at = byId.get(id);
      for (let d = 0; at && d < 64; d++) {
        if (at.parent_id === agencyId) return at.id;
        if (at.id === agencyId) return 'self';
        at = at.parent_id ? byId.get(at.parent_id) : undefined;
      }
      return 'self';
    };
    const name = byId.get(agencyId)?.name ?? agencyId;
    const list: Unit[] = [
      { code: 'self', label: `${name} (cơ quan báo cáo)`, agencies: [] },
      ...children.map((c) => ({ code: c.id, label: c.name, agencies: [] as string[] })),
    ];
    const index = new Map(list.map((u) => [u.code, u]));
    for (const id of ids) index.get(unitOf(id))?.agencies.push(id);
    return { name, units: list };
  }

  /** Query values: column no → unit code → value. */
  async function queryValues(form: FormDefinition, us: Unit[], period: { from: IsoDate; to: IsoDate }) {
    const { start, end } = periodInstants(period);
    const named = { start, end, fromDate: period.from, toDate: period.to };
    const unitMap = us.flatMap((u) => u.agencies.map((a) => [a, u.code]));
    const values = new Map<number, Map<string, number>>();
    const unitsCte = `units(agency_id, unit) AS (SELECT * FROM unnest(?::text[], ?::text[]))`;
    const unitBindings: Knex.RawBinding[] = [unitMap.map((x) => x[0]!), unitMap.map((x) => x[1]!)];

    const caseCols = form.columns.flatMap((c) =>
      c.cell.kind === 'query' && c.cell.source === 'cases' ? [{ no: c.no, cell: c.cell }] : [],
    );
    if (caseCols.length > 0) {
      const aggs = caseCols.map((c) => {
        const f = caseFilterSql(db, c.cell.filter);
        return bind(
          { sql: `count(*) FILTER (WHERE ${basisSql(c.cell.basis)} AND ${f.sql}) AS "c${c.no}"`, bindings: f.bindings },
          named,
        );
      });
      const sql = `WITH ${unitsCte} SELECT u.unit, ${aggs.map((a) => a.sql).join(', ')}
        FROM cases c JOIN units u ON u.agency_id = c.agency_id LEFT JOIN case_states cs ON cs.case_id = c.id
          JOIN case_facts f ON f.case_id = c.id
        WHERE c.received_at < ? GROUP BY u.unit`;
      const r = await db.raw<{ rows: Array<Record<string, unknown>> }>(sql, [
        ...unitBindings,
        ...aggs.flatMap((a) => a.bindings),
        end,
      ]);
      for (const c of caseCols)
        values.set(c.no, new Map(r.rows.map((row) => [row.unit as string, Number(row[`c${c.no}`])])));
    }

    const visitCols = form.columns.flatMap((c) =>
      c.cell.kind === 'query' && c.cell.source === 'visits' ? [{ no: c.no, cell: c.cell }] : [],
    );
    if (visitCols.length > 0) {
      const aggs = visitCols.map((c) => {
        const f = visitFilterSql(c.cell.filter, false);
        const m = c.cell.measure.kind;
        const expr =
          m === 'people'
            ? 'COALESCE(sum(v.people_count)'
            : m === 'matters'
              ? 'COALESCE(count(DISTINCT COALESCE(v.matter_id, v.id))'
              : 'COALESCE(count(*)';
        return { sql: `${expr} FILTER (WHERE ${f.sql}), 0) AS "c${c.no}"`, bindings: f.bindings };
      });
      const sql = `WITH ${unitsCte} SELECT u.unit, ${aggs.map((a) => a.sql).join(', ')}
        FROM reception_visits v JOIN reception_sessions s ON s.id = v.session_id
        JOIN units u ON u.agency_id = v.agency_id LEFT JOIN matters m ON m.id = v.matter_id
        WHERE v.visited_at >= ? AND v.visited_at < ? GROUP BY u.unit`;
      const r = await db.raw<{ rows: Array<Record<string, unknown>> }>(sql, [
        ...unitBindings,
        ...aggs.flatMap((a) => a.bindings),
        start,
        end,
      ]);
      for (const c of visitCols)
        values.set(c.no, new Map(r.rows.map((row) => [row.unit as string, Number(row[`c${c.no}`])])));
    }

    const sessionCols = form.columns.flatMap((c) =>
      c.cell.kind === 'query' && c.cell.source === 'sessions' ? [{ no: c.no, cell: c.cell }] : [],
    );
    if (sessionCols.length > 0) {
      const aggs = sessionCols.map((c) => {
        const f = visitFilterSql(c.cell.filter, true);
        return { sql: `count(*) FILTER (WHERE ${f.sql}) AS "c${c.no}"`, bindings: f.bindings };
      });
      const sql = `WITH ${unitsCte} SELECT u.unit, ${aggs.map((a) => a.sql).join(', ')}
        FROM reception_sessions s JOIN units u ON u.agency_id = s.agency_id
        WHERE s.session_date BETWEEN ?::date AND ?::date GROUP BY u.unit`;
      const r = await db.raw<{ rows: Array<Record<string, unknown>> }>(sql, [
        ...unitBindings,
        ...aggs.flatMap((a) => a.bindings),
        period.from,
        period.to,
      ]);
      for (const c of sessionCols)
        values.set(c.no, new Map(r.rows.map((row) => [row.unit as string, Number(row[`c${c.no}`])])));
    }
    return values;
  }

  function rowCells(form: FormDefinition, get: (no: number) => number | null): Record<string, SnapshotCell> {
    const out: Record<string, SnapshotCell> = {};
    const byNo = new Map(form.columns.map((c) => [c.no, c]));
    const valueOf = (no: number, depth = 0): number | null => {
      const c = byNo.get(no);
      if (!c || depth > 16) return null;
      if (c.cell.kind === 'query') return get(no);
      if (c.cell.kind === 'sum') {
        const parts = c.cell.of.map((n) => valueOf(n, depth + 1));
        // A sum over manual columns is left to the agency (null), like the columns themselves.
        return parts.some((p) => p === null) ? null : parts.reduce<number>((a, p) => a + (p ?? 0), 0);
      }
      return null;
    };
    for (const c of form.columns) out[String(c.no)] = { value: valueOf(c.no) };
    return out;
  }

  async function computeOne(
    form: FormDefinition,
    agencyId: string,
    name: string,
    us: Unit[],
    period: { from: IsoDate; to: IsoDate },
  ): Promise<ReportSnapshot> {
    const values = await queryValues(form, us, period);
    const { start, end } = periodInstants(period);
    const rows: SnapshotRow[] = us.map((u) => ({
      code: u.code,
      label: u.label,
      cells: rowCells(form, (no) => values.get(no)?.get(u.code) ?? 0),
    }));
    const total: SnapshotRow = {
      code: 'total',
      label: 'Tổng',
      cells: rowCells(form, (no) => us.reduce((a, u) => a + (values.get(no)?.get(u.code) ?? 0), 0)),
    };
    // Drill-down: the case search with the same filter, or the reception list (visits, sessions), for the unit's
    // subtree; a measure other than the items' count is said in the cell's note.
    for (const c of form.columns) {
      if (c.cell.kind !== 'query') continue;
      for (const r of [...rows, total]) {
        const target = r.code === 'total' || r.code === 'self' ? agencyId : r.code;
        // The agency's own row is that agency alone (`exactAgency`); a unit or the total, its subtree.
        const unit = { agencyId: target, exact: r.code === 'self' };
        const cell = r.cells[String(c.no)];
        if (!cell) continue;
        if (c.cell.source === 'cases') {
          const link = caseDrillDown(c.cell.filter, c.cell.basis, unit, start, end);
          if (link) cell.drillDown = link;
          continue;
        }
        cell.drillDown = receptionDrillDown(c.cell.source, c.cell.filter, unit, period, start, end);
        const m = c.cell.measure.kind;
        if (m !== 'count') cell.note = VISIT_MEASURE_NOTES[m];
      }
    }
    return {
      form: { code: form.code, version: form.version, title: form.title, circular: form.circular },
      agencyId,
      agencyName: name,
      period,
      header: headerLayout(form),
      columns: form.columns.map((c) => ({
        no: c.no,
        label: leafLabel(c),
        ...(c.identity ? { identity: c.identity } : {}),
        ...(c.cell.kind === 'manual' ? { manual: true } : {}),
      })),
      rows: [...rows, total],
      checks: [],
      computedAt: vnInstant(new Date().toISOString()),
    };
  }

  async function computeForms(
    req: Omit<ComputeRequest, 'formCode'> & { formCodes: string[] },
  ): Promise<ReportSnapshot[]> {
    const { from, to } = req.period;
    if (!validDate(from) || !validDate(to) || from > to)
      throw new ReportError('bad_period', 'period.from and period.to must be dates (YYYY-MM-DD), from ≤ to');
    const at = req.at ?? to;
    const forms = req.formCodes.map((code) => {
      const f = selectForm(code, at);
      if (!f) throw new ReportError('unknown_form', `No form ${code} in force on ${at}`);
      return f;
    });
    // The forms the cross-form rules read are computed too (for the checks only).
    const needed = new Map(forms.map((f) => [f.code, f]));
    for (const f of forms)
      for (const r of f.rules)
        for (const x of r.right)
          if (x.form && !needed.has(x.form)) {
            const g = selectForm(x.form, at);
            if (g) needed.set(g.code, g);
          }
    const { name, units: us } = await units(req.agencyId);
    const snaps = new Map<string, ReportSnapshot>();
    for (const f of needed.values()) snaps.set(f.code, await computeOne(f, req.agencyId, name, us, req.period));
    return forms.map((f) => {
      const s = snaps.get(f.code)!;
      return { ...s, checks: check(f, s, snaps) };
    });
  }

  return {
    listForms,
    selectForm,
    computeForms,
    async computeReport(req: ComputeRequest): Promise<ReportSnapshot> {
      const [s] = await computeForms({ ...req, formCodes: [req.formCode] });
      return s!;
    },
  };
}

/** Every form code shipped (any version). */
export const FORM_CODES: readonly string[] = [...new Set(FORMS.map((f) => f.code))];
