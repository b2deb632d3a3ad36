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
  DATE_VARIABLES,
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

const SENTINEL = '\u0000report-units';

/**
 * The SQL condition of a case-search filter (`GET /v1/cases` parameters) without its agencies, taken from the one
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

const nextDay = (d: IsoDate): IsoDate => {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
};

/**
 * What a case cell counts, as the case search's filter (`GET /v1/cases` parameters, agency left out): the cell's
 * filter and its period basis over the data period `[start, end)` (ADR 0031 amendment, session 10). The cell's
 * value is the count of exactly this filter for the unit, and its drill-down is the search with it, so the two
 * cannot differ. The bases, with "done" = a letter's handling outcome recorded or a case closed (`doneFrom`):
 * - `received`: received in the period;
 * - `carried_over`: received before it and not done before it began (`openAt` = its start);
 * - `on_hand`: received before its end and not done before it began;
 * - `closed`: done in the period (and received before its end).
 * A final outcome counts once the case closed before the period's end; a letter's handling outcome (`letterOutcome`)
 * once it was recorded before the end.
 */
export function cellCaseQuery(
  f: CaseCellFilter,
  basis: PeriodBasis,
  period: { from: IsoDate; to: IsoDate },
): Record<string, string> {
  const { start, end } = periodInstants(period);
  const q: Record<string, string> = { ...f.search };
  if (f.types) {
    const within = q.type?.split(',');
    const types = within ? f.types.filter((t) => within.includes(t)) : f.types;
    if (types.length === 0) throw new Error(`a cell selects no case type: ${JSON.stringify(f)}`);
    q.type = types.join(',');
  }
  if (f.channel) q.channel = f.channel.join(',');
  if (f.outcome) Object.assign(q, { outcome: f.outcome.join(','), status: 'closed', doneTo: end });
  for (const [name, values] of Object.entries(f.variables ?? {})) {
    // `false` of a yes/no variable counts the cases where it is not set too.
    const tokens = values.map(String).concat(values.includes(false) ? ['null'] : []);
    q[`var.${name}`] = [...new Set(tokens)].join(',');
    if (name === 'letterOutcome') q.doneTo = end;
  }
  if (f.signers) q.signers = f.signers;
  if (f.dateInPeriod) {
    const key = Object.entries(DATE_VARIABLES).find(([, v]) => v === f.dateInPeriod)?.[0];
    if (!key) throw new Error(`not a searchable date variable: ${f.dateInPeriod}`);
    Object.assign(q, { [`${key}From`]: period.from, [`${key}To`]: nextDay(period.to) });
  }
  if (f.closed !== undefined) q.status = f.closed ? 'closed' : 'open';
  if (f.overdue !== undefined) q.overdue = String(f.overdue);
  switch (basis) {
    case 'received':
      return { ...q, receivedFrom: start, receivedTo: end };
    case 'carried_over':
      return { ...q, receivedTo: start, openAt: start };
    case 'on_hand':
      return { ...q, receivedTo: end, openAt: start };
    case 'closed':
      return { ...q, receivedTo: end, doneFrom: start, doneTo: end };
  }
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

interface Unit {
  code: string;
  label: string;
  agencies: string[];
}

/**
 * The case-search URL behind a case cell: the cell's filter ({@link cellCaseQuery}) for the unit (`exactAgency` for
 * the reporting agency's own row). Every case cell has one.
 */
function caseDrillDown(query: Record<string, string>, unit: { agencyId: string; exact: boolean }): string {
  const q: Record<string, string> = { ...query, agencyId: unit.agencyId };
  if (unit.exact) q.exactAgency = 'true';
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
    const unitMap = us.flatMap((u) => u.agencies.map((a) => [a, u.code]));
    const values = new Map<number, Map<string, number>>();
    const unitsCte = `units(agency_id, unit) AS (SELECT * FROM unnest(?::text[], ?::text[]))`;
    const unitBindings: Knex.RawBinding[] = [unitMap.map((x) => x[0]!), unitMap.map((x) => x[1]!)];

    const caseCols = form.columns.flatMap((c) =>
      c.cell.kind === 'query' && c.cell.source === 'cases' ? [{ no: c.no, cell: c.cell }] : [],
    );
    if (caseCols.length > 0) {
      const aggs = caseCols.map((c) => {
        const f = searchSql(db, cellCaseQuery(c.cell.filter, c.cell.basis, period));
        return { sql: `count(*) FILTER (WHERE ${f.sql}) AS "c${c.no}"`, bindings: f.bindings };
      });
      const sql = `WITH ${unitsCte} SELECT u.unit, ${aggs.map((a) => a.sql).join(', ')}
        FROM case_facts f JOIN units u ON u.agency_id = f.agency_id
        WHERE f.received_at < ? GROUP BY u.unit`;
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
    const { start, end } = periodInstants(period);
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
          cell.drillDown = caseDrillDown(cellCaseQuery(c.cell.filter, c.cell.basis, period), unit);
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
