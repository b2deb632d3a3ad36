/**
 * Issue 16 items 2, 6 and 7 on the real stack: a month of letters, complaints, denunciations and
 * petitions (seeded into the read model, plus one letter received through the API and projected by
 * its workflow), reception sessions, visits and matters; every cell of the ten forms is compared with
 * an independent count made here in JavaScript over the rows read back with plain SELECTs, and a few
 * cells with hand-written predicates; checks, drill-down, XLSX (opened with exceljs), CSV, PDF
 * (pdf-parse) and the problem answers of the compute route.
 */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMS } from '../../reports/forms.js';
import { dataPeriod, regimeByCircular } from '../../reports/regimes.js';
import { periodInstants } from '../../reports/engine.js';
import type {
  CaseCellFilter,
  FormDefinition,
  PeriodBasis,
  ReportSnapshot,
  VisitCellFilter,
} from '../../reports/types.js';
import { XLSX_HEADER_ROW } from '../../reports/render.js';
import { headerDepth } from '../../reports/layout.js';
import { authHeader } from '../support/auth.js';
import { poll, startTestApi, type TestApi } from '../support/api.js';

const PROVINCE = 'tinh-demo';
const UNITS = ['so-tnmt', 'thanh-tra-tinh', 'ubnd-xa-a', 'ubnd-xa-b'];
const AGENCIES = [PROVINCE, ...UNITS];
// July 2026's monthly period: 15/06/2026 – 14/07/2026 (TT 02/2021 rule, source §1.4).
const PERIOD = dataPeriod('month', 2026, 7, regimeByCircular('06/2025/TT-TTCP')!);
const { start: START, end: END } = periodInstants(PERIOD);

let api: TestApi;
let realLetterId: string;

/** A small deterministic generator (the same month every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function seed(db: TestApi['tdb']['db']): Promise<void> {
  const r = rng(20260714);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const at = (fromMs: number, toMs: number) => new Date(fromMs + r() * (toMs - fromMs));
  const startMs = Date.parse(START);
  const endMs = Date.parse(END);
  const day = 86_400_000;
  const cases: Array<Record<string, unknown>> = [];
  const states: Array<Record<string, unknown>> = [];
  const flags: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 160; i++) {
    const id = randomUUID();
    const type = pick([
      'letter',
      'letter',
      'letter',
      'complaint_first',
      'complaint_second',
      'denunciation',
      'petition',
    ]);
    // Some before the period (carried over or done before), most within, a few after its end.
    const received = pick(['before', 'in', 'in', 'in', 'after']);
    const receivedAt =
      received === 'before'
        ? at(startMs - 60 * day, startMs - 1)
        : received === 'in'
          ? at(startMs, endMs - 1)
          : at(endMs, endMs + 5 * day);
    const closed = r() < 0.45;
    const doneAt = new Date(Math.min(receivedAt.getTime() + r() * 40 * day, Date.now() - 60_000));
    const agency = pick(AGENCIES);
    const vars: Record<string, unknown> = {};
    if (type === 'letter') {
      const n = pick([0, 1, 1, 2, 6]);
      vars.signerRefs = Array.from({ length: n }, (_, k) => `p${k}`);
      if (r() < 0.1) vars.anonymous = true;
      vars.letterType = pick(['complaint', 'denunciation', 'petition', 'several_contents']);
      vars.withinCompetence = r() < 0.6;
      if (r() < 0.3) vars.finalDecisionExists = r() < 0.5;
      if (r() < 0.1) vars.courtSeized = true;
      const handled = r() < 0.7;
      const outcome = handled ? pick(['accepted', 'guided', 'transferred', 'archived', 'reported_to_head']) : null;
      vars.letterOutcome = outcome;
      if (outcome)
        flags.push({
          case_id: id,
          flag: 'letter_outcome',
          value: JSON.stringify(outcome),
          idem_key: 'k',
          set_at: doneAt,
        });
    } else if (type.startsWith('complaint')) {
      if (r() < 0.5) {
        vars.decisionIssuedOn = new Date(doneAt.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
        vars.conclusion = pick(['right', 'partly_right', 'wrong']);
        vars.disposition = pick(['keep', 'amend', 'cancel_all']);
      }
    } else if (type === 'denunciation') {
      if (r() < 0.5) {
        vars.conclusionIssuedOn = new Date(doneAt.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
        vars.finding = pick(['true', 'partly_true', 'false']);
      }
    }
    const outcome = closed
      ? type === 'letter'
        ? 'guided'
        : pick(['withdrawn', 'terminated', 'legally_effective', 'concluded', 'answered'])
      : null;
    cases.push({
      id,
      reference: `RP-${i}-${id.slice(0, 8)}`,
      workflow_id: `case-${id}`,
      case_type: type,
      channel: pick(['reception_desk', 'post', 'portal']),
      agency_id: agency,
      subject: 'seeded',
      received_at: receivedAt,
      stage: closed ? 'closed' : 'receiving',
      status: closed ? 'closed' : 'open',
    });
    states.push({
      case_id: id,
      case_type: type,
      agency_id: agency,
      pin: 'x',
      stage: closed ? 'closed' : 'receiving',
      status: closed ? 'completed' : 'running',
      outcome,
      overdue: r() < 0.25,
      state: JSON.stringify({ variables: vars, currentNodes: [], clocks: [] }),
      seq: 1,
      updated_at: closed ? doneAt : new Date(),
      closed_at: closed ? doneAt : null,
    });
  }
  await db('cases').insert(cases);
  await db('case_states').insert(states);
  await db('case_flags').insert(flags);

  // Reception: a place per agency, sessions (regular, periodic and ad hoc, in person or delegated), visits, matters.
  for (const a of AGENCIES) {
    await db('reception_places').insert({
      id: `pl-${a}`,
      agency_id: a,
      name: 'Trụ sở',
      kind: 'reception_office',
      created_by: 't',
    });
    await db('matters').insert(
      [1, 2, 3].map((k) => ({
        id: `m-${a}-${k}`,
        agency_id: a,
        title: 'vụ việc',
        subject_norm: 'vu viec',
        first_received_at: new Date(startMs - 30 * day),
        last_received_at: new Date(startMs),
        times_received: k,
        created_by: 't',
      })),
    );
  }
  for (let i = 0; i < 40; i++) {
    const a = pick(AGENCIES);
    const kind = pick(['regular', 'periodic', 'ad_hoc'] as const);
    const receivedBy = kind === 'regular' ? 'in_person' : pick(['in_person', 'delegated']);
    const when = at(startMs - 5 * day, endMs + 5 * day);
    const sid = `s-${i}`;
    await db('reception_sessions').insert({
      id: sid,
      agency_id: a,
      place_id: `pl-${a}`,
      kind,
      leader_person_id: kind === 'regular' ? null : `head-${a}`,
      received_by: receivedBy,
      delegate_person_id: receivedBy === 'delegated' ? `head-${a}` : null,
      mode: 'in_person',
      session_date: new Date(when.getTime() + 7 * 3_600_000).toISOString().slice(0, 10),
      started_at: when,
      created_by: 't',
    });
    const nVisits = Math.floor(r() * 4);
    for (let k = 0; k < nVisits; k++) {
      const delegation = r() < 0.25;
      const outcome = pick(['guided', 'answered', 'transferred', 'refused', 'letter_received'] as const);
      await db('reception_visits').insert({
        id: `v-${i}-${k}`,
        session_id: sid,
        agency_id: a,
        visited_at: new Date(when.getTime() + k * 600_000),
        people_count: delegation ? 5 + Math.floor(r() * 10) : 1,
        is_delegation: delegation,
        content_type: pick(['complaint', 'denunciation', 'petition', 'feedback']),
        summary: 'visit',
        outcome,
        refusal_ground: outcome === 'refused' ? 'không đủ điều kiện' : null,
        transfer_target: outcome === 'transferred' ? 'cơ quan khác' : null,
        matter_id: r() < 0.6 ? `m-${a}-${1 + Math.floor(r() * 3)}` : null,
        created_by: 't',
      });
    }
  }
}

// ---------- the independent count (JavaScript over plain SELECTs) ----------
interface CaseRow {
  id: string;
  case_type: string;
  channel: string;
  agency_id: string;
  received_at: Date;
  c_status: string;
  cs_status: string | null;
  outcome: string | null;
  overdue: boolean | null;
  state: { variables?: Record<string, unknown> } | null;
  updated_at: Date | null;
  closed_at: Date | null;
  letter_set_at: Date | null;
}
interface VisitRow {
  agency_id: string;
  id: string;
  visited_at: Date;
  people_count: number;
  is_delegation: boolean;
  content_type: string;
  outcome: string;
  matter_id: string | null;
  times_received: number | null;
  kind: string;
  received_by: string;
}
interface SessionRow {
  agency_id: string;
  kind: string;
  received_by: string;
  session_date: string;
}

let caseRows: CaseRow[] = [];
let visitRows: VisitRow[] = [];
let sessionRows: SessionRow[] = [];

async function readBack(db: TestApi['tdb']['db']): Promise<void> {
  const cs = await db('cases').select('*');
  const st = new Map((await db('case_states').select('*')).map((s: Record<string, unknown>) => [s.case_id, s]));
  const fl = new Map(
    (await db('case_flags').where({ flag: 'letter_outcome' }).select('*')).map((f: Record<string, unknown>) => [
      f.case_id,
      f,
    ]),
  );
  caseRows = cs.map((c: Record<string, unknown>) => {
    const s = st.get(c.id) as Record<string, unknown> | undefined;
    const f = fl.get(c.id) as Record<string, unknown> | undefined;
    return {
      id: c.id as string,
      case_type: c.case_type as string,
      channel: c.channel as string,
      agency_id: c.agency_id as string,
      received_at: c.received_at as Date,
      c_status: c.status as string,
      cs_status: (s?.status as string) ?? null,
      outcome: (s?.outcome as string) ?? null,
      overdue: (s?.overdue as boolean) ?? null,
      state: (s?.state as CaseRow['state']) ?? null,
      updated_at: (s?.updated_at as Date) ?? null,
      closed_at: (s?.closed_at as Date) ?? null,
      letter_set_at: (f?.set_at as Date) ?? null,
    };
  });
  const matters = new Map(
    (await db('matters').select('id', 'times_received')).map((m) => [m.id as string, m.times_received as number]),
  );
  const sessions = await db('reception_sessions').select('*');
  const byId = new Map(sessions.map((s: Record<string, unknown>) => [s.id as string, s]));
  visitRows = (await db('reception_visits').select('*')).map((v: Record<string, unknown>) => {
    const s = byId.get(v.session_id as string)!;
    return {
      id: v.id as string,
      agency_id: v.agency_id as string,
      visited_at: v.visited_at as Date,
      people_count: v.people_count as number,
      is_delegation: v.is_delegation as boolean,
      content_type: v.content_type as string,
      outcome: v.outcome as string,
      matter_id: (v.matter_id as string) ?? null,
      times_received: v.matter_id ? (matters.get(v.matter_id as string) ?? null) : null,
      kind: s.kind as string,
      received_by: s.received_by as string,
    };
  });
  sessionRows = sessions.map((s: Record<string, unknown>) => {
    const d = s.session_date as Date | string;
    // `date` columns come back as local-midnight Dates: take the calendar day in local time.
    const day =
      typeof d === 'string'
        ? d
        : `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return {
      agency_id: s.agency_id as string,
      kind: s.kind as string,
      received_by: s.received_by as string,
      session_date: day,
    };
  });
}

const start = new Date(START).getTime();
const end = new Date(END).getTime();
const isClosed = (c: CaseRow) => c.cs_status === 'completed' || c.cs_status === 'cancelled' || c.c_status === 'closed';
const doneAt = (c: CaseRow): number | null =>
  c.letter_set_at ? c.letter_set_at.getTime() : isClosed(c) ? (c.closed_at ?? c.updated_at)!.getTime() : null;

function inBasis(c: CaseRow, basis: PeriodBasis): boolean {
  const rec = c.received_at.getTime();
  const d = doneAt(c);
  const notDoneBeforeStart = d === null || d >= start;
  if (basis === 'received') return rec >= start && rec < end;
  if (basis === 'carried_over') return rec < start && notDoneBeforeStart;
  if (basis === 'on_hand') return rec < end && notDoneBeforeStart;
  return d !== null && d >= start && d < end;
}

function matchesCase(c: CaseRow, f: CaseCellFilter): boolean {
  const v = c.state?.variables ?? {};
  if (f.search?.type && c.case_type !== f.search.type) return false;
  if (f.types && !f.types.includes(c.case_type)) return false;
  if (f.channel && !f.channel.includes(c.channel)) return false;
  for (const [name, values] of Object.entries(f.variables ?? {})) {
    const x = v[name];
    const ok = values.some((w) => w === x) || (values.includes(false) && (x === undefined || x === null));
    if (!ok) return false;
    if (name === 'letterOutcome' && !((doneAt(c) ?? Infinity) < end)) return false;
  }
  if (
    f.outcome &&
    !(c.outcome && f.outcome.includes(c.outcome) && isClosed(c) && (c.closed_at ?? c.updated_at)!.getTime() < end)
  )
    return false;
  if (f.signers) {
    const n = Array.isArray(v.signerRefs) ? v.signerRefs.length : 0;
    const anon = v.anonymous === true;
    const kind = anon || n === 0 ? 'other' : n === 1 ? 'one' : 'many';
    if (kind !== f.signers) return false;
  }
  if (f.dateInPeriod) {
    const d = typeof v[f.dateInPeriod] === 'string' ? (v[f.dateInPeriod] as string).slice(0, 10) : null;
    if (d === null || d < PERIOD.from || d > PERIOD.to) return false;
  }
  if (f.overdue !== undefined && (c.overdue ?? false) !== f.overdue) return false;
  if (f.closed !== undefined && isClosed(c) !== f.closed) return false;
  return true;
}

function matchesVisit(v: VisitRow, f: VisitCellFilter): boolean {
  if (f.sessionKind && !f.sessionKind.includes(v.kind as never)) return false;
  if (f.receivedBy && v.received_by !== f.receivedBy) return false;
  if (f.delegation !== undefined && v.is_delegation !== f.delegation) return false;
  if (f.repeat !== undefined && (v.times_received ?? 1) > 1 !== f.repeat) return false;
  if (f.contentType && !f.contentType.includes(v.content_type as never)) return false;
  if (f.outcome && !f.outcome.includes(v.outcome as never)) return false;
  return true;
}

/** The unit row an agency's records fall in, for a report of the province. */
const unitOf = (agency: string) => (agency === PROVINCE ? 'self' : agency);

function expectedValues(form: FormDefinition): Map<string, Map<number, number | null>> {
  const out = new Map<string, Map<number, number | null>>();
  for (const u of ['self', ...UNITS, 'total']) out.set(u, new Map());
  const inUnit = (agency: string, u: string) => u === 'total' || unitOf(agency) === u;
  for (const col of form.columns) {
    for (const u of out.keys()) {
      let value: number | null = null;
      const cell = col.cell;
      if (cell.kind === 'query' && cell.source === 'cases')
        value = caseRows.filter(
          (c) => inUnit(c.agency_id, u) && inBasis(c, cell.basis) && matchesCase(c, cell.filter),
        ).length;
      else if (cell.kind === 'query' && cell.source === 'visits') {
        const vs = visitRows.filter(
          (v) =>
            inUnit(v.agency_id, u) &&
            v.visited_at.getTime() >= start &&
            v.visited_at.getTime() < end &&
            matchesVisit(v, cell.filter),
        );
        value =
          cell.measure.kind === 'people'
            ? vs.reduce((a, v) => a + v.people_count, 0)
            : cell.measure.kind === 'matters'
              ? new Set(vs.map((v) => v.matter_id ?? v.id)).size
              : vs.length;
      } else if (cell.kind === 'query' && cell.source === 'sessions')
        value = sessionRows.filter(
          (s) =>
            inUnit(s.agency_id, u) &&
            s.session_date >= PERIOD.from &&
            s.session_date <= PERIOD.to &&
            (!cell.filter.sessionKind || cell.filter.sessionKind.includes(s.kind as never)) &&
            (!cell.filter.receivedBy || s.received_by === cell.filter.receivedBy),
        ).length;
      out.get(u)!.set(col.no, value);
    }
  }
  // Sums after every query column is known (a sum is null when one of its parts is a manual column).
  for (const vals of out.values())
    for (let pass = 0; pass < 3; pass++)
      for (const col of form.columns)
        if (col.cell.kind === 'sum') {
          const parts = col.cell.of.map((n) => vals.get(n) ?? null);
          vals.set(col.no, parts.some((p) => p === null) ? null : parts.reduce<number>((a, p) => a + p!, 0));
        }
  return out;
}

async function compute(code: string, extra = '', agency = PROVINCE, role = 'supervisor') {
  const q = `from=${PERIOD.from}&to=${PERIOD.to}${extra}`;
  return fetch(`${api.url}/v1/reports/forms/${code.replace('/', '-')}/compute?${q}`, {
    headers: await authHeader({ roles: [role as never], agency }),
  });
}

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await seed(api.tdb.db);
  // One letter received through the API at the reception desk of commune A, projected by its workflow.
  const r = await fetch(`${api.url}/v1/cases`, {
    method: 'POST',
    headers: {
      ...(await authHeader({ roles: ['intake'], agency: 'ubnd-xa-a' })),
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({
      type: 'letter',
      channel: 'reception_desk',
      receivedAt: '2026-07-01T09:00:00+07:00',
      agencyId: 'ubnd-xa-a',
      subject: 'Đơn nhận tại trụ sở tiếp công dân',
    }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  realLetterId = ((await r.json()) as { id: string }).id;
  await poll(
    'the letter projected',
    () => api.tdb.db('case_states').where({ case_id: realLetterId }).first(),
    (s) => s !== undefined,
  );
  await readBack(api.tdb.db);
}, 240_000);

afterAll(async () => {
  await api?.close();
});

describe('report forms computed on the real stack', () => {
  it('every cell of the ten forms equals the independent count, for every unit and the total', async () => {
    let compared = 0;
    let nonZero = 0;
    for (const form of FORMS) {
      const res = await compute(form.code);
      expect(res.status, await res.clone().text()).toBe(200);
      const snap = (await res.json()) as ReportSnapshot;
      expect(snap.rows.map((r) => r.code)).toEqual([
        'self',
        ...UNITS.slice().sort((a, b) => nameOf(a).localeCompare(nameOf(b), 'vi')),
        'total',
      ]);
      const expected = expectedValues(form);
      for (const row of snap.rows)
        for (const col of form.columns) {
          expect(row.cells[String(col.no)]?.value, `${form.code} (${col.no}) ${row.code}`).toBe(
            expected.get(row.code)!.get(col.no),
          );
          compared++;
          if ((row.cells[String(col.no)]?.value ?? 0) > 0) nonZero++;
        }
    }
    expect(compared).toBeGreaterThan(1400);
    // The month is not empty: most computed cells have something to count.
    expect(nonZero).toBeGreaterThan(300);
  });

  it('hand-written counts of a few cells agree (letters, denunciations, reception)', async () => {
    const inPeriod = (d: Date) => d.getTime() >= start && d.getTime() < end;
    const xld = (await (await compute('01/XLD')).json()) as ReportSnapshot;
    const total = (s: ReportSnapshot, col: number) => s.rows.find((r) => r.code === 'total')!.cells[String(col)]!.value;
    // 01/XLD (5): letters received in the period signed by several people.
    const several = caseRows.filter((c) => {
      const v = c.state?.variables ?? {};
      return (
        c.case_type === 'letter' &&
        inPeriod(c.received_at) &&
        ((v.signerRefs as unknown[] | undefined)?.length ?? 0) >= 2 &&
        v.anonymous !== true
      );
    }).length;
    expect(total(xld, 5)).toBe(several);
    // 01/XLD (7) includes the letter received through the API (no signer named yet: "đơn khác").
    const other = caseRows.filter((c) => {
      const v = c.state?.variables ?? {};
      return (
        c.case_type === 'letter' &&
        inPeriod(c.received_at) &&
        (!(v.signerRefs as unknown[] | undefined)?.length || v.anonymous === true)
      );
    });
    expect(other.map((c) => c.id)).toContain(realLetterId);
    expect(total(xld, 7)).toBe(other.length);
    const kq = (await (await compute('03/KQGQ')).json()) as ReportSnapshot;
    expect(total(kq, 3)).toBe(caseRows.filter((c) => c.case_type === 'denunciation' && inPeriod(c.received_at)).length);
    const tcd = (await (await compute('01/TCD')).json()) as ReportSnapshot;
    expect(total(tcd, 4)).toBe(visitRows.filter((v) => v.kind === 'regular' && inPeriod(v.visited_at)).length);
    expect(total(tcd, 12)).toBe(
      sessionRows.filter(
        (s) =>
          s.kind !== 'regular' &&
          s.received_by === 'in_person' &&
          s.session_date >= PERIOD.from &&
          s.session_date <= PERIOD.to,
      ).length,
    );
    expect(total(tcd, 1)).toBe(visitRows.filter((v) => inPeriod(v.visited_at)).length);
    const tcd2 = (await (await compute('02/TCD')).json()) as ReportSnapshot;
    const unitA = tcd2.rows.find((r) => r.code === 'ubnd-xa-a')!;
    expect(unitA.cells['1']!.value).toBe(
      caseRows.filter(
        (c) =>
          c.case_type === 'letter' &&
          c.channel === 'reception_desk' &&
          c.agency_id === 'ubnd-xa-a' &&
          inPeriod(c.received_at),
      ).length,
    );
  });

  it('reports the checks: identities of the form and cross-form rules, as the figures say', async () => {
    const kq = (await (await compute('03/KQGQ')).json()) as ReportSnapshot;
    const xld = (await (await compute('01/XLD')).json()) as ReportSnapshot;
    const cross = kq.checks.find((c) => c.rule === '03/KQGQ(1)=01/XLD(20)')!;
    const holds = kq.rows.every(
      (r) => r.cells['1']!.value === xld.rows.find((x) => x.code === r.code)!.cells['20']!.value,
    );
    expect(cross.ok).toBe(holds);
    expect(cross.detail).toContain('Cột (20) thuộc Biểu 01/XLD');
    const ident = xld.checks.find((c) => c.rule === '01/XLD: 9=18+22')!;
    // (22) includes a manual column (đôn đốc): the identity is left to the agency.
    expect(ident.detail).toMatch(/^not checked/);
    const own = xld.checks.find((c) => c.rule === '01/XLD: 9=11+12+13')!;
    expect(own.ok).toBe(true);
  });

  it('drill-down: every query cell links to the case search or the reception list with its filter, which returns exactly its figure', async () => {
    const headers = await authHeader({ roles: ['supervisor'], agency: PROVINCE });
    let links = 0;
    let nonZero = 0;
    let caseCells = 0;
    let reception = 0;
    for (const form of FORMS) {
      const snap = (await (await compute(form.code)).json()) as ReportSnapshot;
      const caseCols = new Set(
        form.columns.filter((c) => c.cell.kind === 'query' && c.cell.source === 'cases').map((c) => String(c.no)),
      );
      for (const row of snap.rows)
        for (const [no, cell] of Object.entries(row.cells)) {
          if (caseCols.has(no)) {
            caseCells++;
            // Every case cell of every row (a unit's subtree, the agency's own records, the total) has its link.
            expect(cell.drillDown, `${form.code} (${no}) ${row.code}`).toMatch(/^\/v1\/cases\?/);
            expect(cell.note, `${form.code} (${no}) ${row.code}`).toBeUndefined();
          }
          if (!cell.drillDown) continue;
          // A visit or session cell links to the reception list (issue 16 item 6); its note names a measure other
          // than the items' count: the visits' people, or their distinct matters (a visit without one counts once).
          const items: Array<{ id: string; peopleCount?: number; matterId?: string | null }> = [];
          let next: string | null = `${cell.drillDown}&limit=100`;
          while (next) {
            const res = await fetch(api.url + next, { headers });
            expect(res.status, next).toBe(200);
            const page = (await res.json()) as { items: typeof items; next: string | null };
            items.push(...page.items);
            next = page.next;
          }
          const n = cell.note?.includes('peopleCount')
            ? items.reduce((a, x) => a + x.peopleCount!, 0)
            : cell.note?.includes('matterId')
              ? new Set(items.map((x) => x.matterId ?? x.id)).size
              : items.length;
          expect(n, `${form.code} (${no}) ${row.code}: ${cell.drillDown}`).toBe(cell.value);
          if (cell.drillDown.startsWith('/v1/reception/')) reception++;
          links++;
          if (n > 0) nonZero++;
        }
    }
    expect(links - reception).toBe(caseCells);
    // Six rows (self, four units, total) of every case column of the ten forms; most of them count some cases.
    expect(caseCells).toBeGreaterThan(400);
    expect(nonZero).toBeGreaterThan(caseCells / 3);
    // Every visit and session cell of 01/TCD (26) and 02/TCD (2, 4, 6, 8, 10, 13, 14), on all six rows.
    expect(reception).toBe((26 + 7) * 6);
    const tcd = (await (await compute('01/TCD')).json()) as ReportSnapshot;
    expect(tcd.rows[0]!.cells['12']!.drillDown).toContain('/v1/reception/sessions?agencyId=');
    expect(tcd.rows[0]!.cells['12']!.drillDown).toContain('kind=periodic%2Cad_hoc&receivedBy=in_person');
    expect(tcd.rows[0]!.cells['5']!.note).toContain('peopleCount');
    const kq = (await (await compute('03/KQGQ')).json()) as ReportSnapshot;
    // Over workflow variables and the conclusion's day: `var.finding`, `conclusionIssuedFrom/To`, `openAt`.
    const finding = new URL(kq.rows[0]!.cells['24']!.drillDown!, 'http://x').searchParams;
    expect(Object.fromEntries(finding)).toMatchObject({
      type: 'denunciation',
      'var.finding': 'true',
      conclusionIssuedFrom: PERIOD.from,
      receivedTo: END,
      openAt: START,
    });
    expect(kq.rows[0]!.cells['3']!.drillDown).toContain('exactAgency=true');
    // A letter's "done" basis and its signers (01/XLD): carried over = received before, not done before the start.
    const xld = (await (await compute('01/XLD')).json()) as ReportSnapshot;
    const carried = new URL(xld.rows.at(-1)!.cells['4']!.drillDown!, 'http://x').searchParams;
    expect(Object.fromEntries(carried)).toEqual({
      type: 'letter',
      agencyId: PROVINCE,
      receivedTo: START,
      signers: 'other',
      openAt: START,
    });
  });

  it('a commune sees its own subtree only; another agency is not found', async () => {
    const mine = await compute('01/XLD', '', 'ubnd-xa-a', 'officer');
    expect(mine.status).toBe(200);
    const snap = (await mine.json()) as ReportSnapshot;
    expect(snap.rows.map((r) => r.code)).toEqual(['self', 'total']);
    const theirs = await compute('01/XLD', '&agencyId=so-tnmt', 'ubnd-xa-a', 'officer');
    expect(theirs.status).toBe(404);
    expect(theirs.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses bad input with problem+json naming the field', async () => {
    const h = await authHeader({ roles: ['supervisor'], agency: PROVINCE });
    const get = (q: string, code = '01-XLD') =>
      fetch(`${api.url}/v1/reports/forms/${code}/compute?${q}`, { headers: h });
    for (const [q, field] of [
      ['from=2026-06-15', 'to'],
      ['from=2026-02-30&to=2026-03-01', 'from'],
      ['from=2026-07-14&to=2026-06-15', 'to'],
      ['from=2024-01-01&to=2026-06-15', 'to'],
      ['kind=quarter&year=2026&index=5', 'index'],
      ['kind=quarter', 'year'],
      // A periodic data period before the first regime (TT 02/2021) is the client's mistake, not a 500.
      ['kind=quarter&year=2021&index=1', 'year'],
      ['kind=year&year=2000', 'year'],
      [`from=${PERIOD.from}&to=${PERIOD.to}&format=docx`, 'format'],
      [`from=${PERIOD.from}&to=${PERIOD.to}&colour=red`, 'colour'],
    ] as const) {
      const r = await get(q);
      expect(r.status, q).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(await r.text(), q).toContain(field);
    }
    expect((await get(`from=${PERIOD.from}&to=${PERIOD.to}`, '09-XYZ')).status).toBe(404);
    // Before TT 02/2021 took effect no form is in force.
    expect((await get('from=2020-01-01&to=2020-01-31')).status).toBe(404);
    // A periodic data period by kind: Q3 2026 = 15/06 – 14/09.
    const q3 = (await (await get('kind=quarter&year=2026&index=3')).json()) as ReportSnapshot;
    expect(q3.period).toEqual({ from: '2026-06-15', to: '2026-09-14' });
  });

  it('exports: XLSX laid out like the form, CSV, PDF with the expected text', async () => {
    const json = (await (await compute('01/XLD')).json()) as ReportSnapshot;
    const x = await compute('01/XLD', '&format=xlsx');
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toContain('spreadsheetml');
    expect(x.headers.get('content-disposition')).toContain(`01-XLD_${PROVINCE}_${PERIOD.from}_${PERIOD.to}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect(ws.getCell(2, 1).value).toBe('TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN');
    expect(ws.getCell(3, 1).value).toBe('Số liệu tính từ ngày 15/06/2026 đến ngày 14/07/2026');
    expect(ws.getCell(XLSX_HEADER_ROW, 3).value).toBe('Kỳ trước chuyển sang');
    expect(ws.getCell(XLSX_HEADER_ROW, 5).master.address).toBe(ws.getCell(XLSX_HEADER_ROW, 3).address);
    expect(ws.getCell(XLSX_HEADER_ROW + 1, 3).value).toBe('Đơn có nhiều người đứng tên');
    const first = XLSX_HEADER_ROW + headerDepth(FORMS.find((f) => f.code === '01/XLD')!) + 1;
    json.rows.forEach((row, i) => {
      expect(ws.getCell(first + i, 1).value).toBe(row.label);
      for (const [k, col] of [
        [0, 1],
        [4, 5],
        [8, 9],
      ] as const) {
        const cell = ws.getCell(first + i, 2 + k);
        expect(typeof cell.value, `${row.code} (${col})`).toBe('number');
        expect(cell.value).toBe(row.cells[String(col)]!.value);
      }
    });

    const csv = await (await compute('01/XLD', '&format=csv')).text();
    const lines = csv
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(json.rows.length + 1);
    expect(lines.at(-1)!.startsWith(`Tổng,${json.rows.at(-1)!.cells['1']!.value},`)).toBe(true);

    const pdf = await compute('03/KQGQ', '&format=pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const parser = new PDFParse({ data: new Uint8Array(await pdf.arrayBuffer()) });
    const text = (await parser.getText()).text;
    await parser.destroy();
    expect(text).toContain('TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO THUỘC THẨM QUYỀN');
    expect(text).toContain('Số liệu tính từ ngày 15/06/2026 đến ngày 14/07/2026');
    expect(text).toContain('UBND xã A');
    expect(text).toContain('Biểu số: 03/KQGQ');
  });

  it('lists regimes and forms in force', async () => {
    const h = await authHeader({ roles: ['auditor'], agency: 'ubnd-xa-b' });
    const forms = (await (await fetch(`${api.url}/v1/reports/forms?at=2026-07-14`, { headers: h })).json()) as {
      items: unknown[];
    };
    expect(forms.items).toHaveLength(10);
    const one = (await (await fetch(`${api.url}/v1/reports/forms/03-KQGQ`, { headers: h })).json()) as {
      columns: unknown[];
    };
    expect(one.columns).toHaveLength(32);
    const reg = (await (await fetch(`${api.url}/v1/reports/regimes`, { headers: h })).json()) as {
      items: Array<{ circular: string }>;
    };
    expect(reg.items.map((r) => r.circular)).toEqual([
      '02/2021/TT-TTCP',
      '01/2024/TT-TTCP',
      '02/2025/TT-TTCP',
      '06/2025/TT-TTCP',
    ]);
  });
});

const NAMES: Record<string, string> = {
  'so-tnmt': 'Sở Tài nguyên và Môi trường',
  'thanh-tra-tinh': 'Thanh tra tỉnh',
  'ubnd-xa-a': 'UBND xã A',
  'ubnd-xa-b': 'UBND xã B',
};
function nameOf(id: string): string {
  return NAMES[id]!;
}
