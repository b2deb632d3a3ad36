/**
 * The one place stored reports (ADR 0032) meet the report-form engine (issue 16 item 2, the
 * `reportforms` module): a later change of the engine's signatures touches this file only.
 *
 * Until a form is defined in the engine, the plan's monthly report to the provincial chairman (issue 16
 * item 3) is computed here from the case read model (the filters of the case search: each cell's
 * drill-down is that search), the reception sessions and visits, the prolonged matters, and issue 15's records:
 * hotspots, central gatherings, task forces and review campaigns. Figures kntc-flow does not count yet (the
 * required leader reception days, the competence of letters) are present with `value: null` and a note —
 * never a number that was not counted. Versions are exported with the report-form renderers (`reports/render.ts`).
 */
import { createAgencyScope } from '../api/auth/agencies.js';
import { CASE_TYPES } from '../db/case-filter.js';
import type { Db } from '../db/knex.js';
import { checkSnapshots, createReportEngine } from '../reports/engine.js';
import { regimeByCircular } from '../reports/regimes.js';
import { ELIGIBLE } from '../reports/forms.js';
import { renderAs } from '../reports/render.js';
import { BROUGHT_HOME_SQL } from '../db/mass-matters.js';
import { createMatterStore, flagSql } from '../db/matters.js';
import { REVIEWS_FROM, reviewStateSql, reviewsWhere } from '../db/review-campaigns.js';
import { TASK_FORCE_WORK_FROM, TASK_FORCE_WORK_STATE_SQL, taskForceWorkWhere } from '../db/task-forces.js';
import type { Level } from '../db/directory.js';
import { obligationsFor } from '../reception/minimum-rules.js';
import { addDays } from '../workflows/clock/index.js';
import { startOfDayInstant, vnDate, vnInstant } from '../workflows/clock/vn-time.js';
import { MONTHLY_CHAIRMAN_FORM, type ReportPeriod } from '../workflows/report-contract.js';
import type { ReportSnapshot, SnapshotCell, SnapshotRow } from '../reports/types.js';

export type { ReportSnapshot, SnapshotCell, SnapshotRow } from '../reports/types.js';

/**
 * What a report version holds: the computed forms of its kind for the agency and the data period (the
 * monthly report: the chairman's report; a periodic report: the regime's forms), one snapshot each.
 */
export interface ReportBundle {
  kind: string;
  periodKey: string;
  agencyId: string;
  regime: string;
  period: { from: string; to: string };
  forms: ReportSnapshot[];
}

export interface ComputeRequest {
  formCode: string;
  /** The day the form is selected on (the period's last day). */
  at: string;
  agencyId: string;
  /** The agencies whose cases count (the agency itself; a whole subtree for a province-wide figure). */
  agencies: readonly string[];
  period: ReportPeriod;
  /** The regime the report is drafted under (its circular). */
  regime: string;
}

const PENDING = (what: string) => `pending: ${what} not recorded by kntc-flow yet (issue 16 depends on it)`;

/** Computes one form of a report (the engine's `computeReport`, or the chairman's report below). */
export async function computeSnapshot(db: Db, req: ComputeRequest): Promise<ReportSnapshot> {
  return computeChairmanReport(db, req);
}

/** The forms of a report version (monthly: the chairman's report; periodic: the regime's report). */
export async function computeBundle(
  db: Db,
  req: Omit<ComputeRequest, 'formCode'> & { formCodes: readonly string[]; regime: string },
): Promise<ReportBundle> {
  const forms: ReportSnapshot[] = [];
  for (const formCode of req.formCodes) forms.push(await computeSnapshot(db, { ...req, formCode }));
  return {
    kind: req.period.kind,
    periodKey: req.period.key,
    agencyId: req.agencyId,
    regime: req.regime,
    period: { from: req.period.from, to: req.period.to },
    forms,
  };
}

/**
 * A periodic report's forms (issue 16 item 4): the ten forms of the regime the report is drafted under
 * (`regime.forms`), each the version in force on the data period's last day, computed by the report-form
 * engine (reports/engine.ts `computeForms`) over the agency's subtree for the regime's data period — rows:
 * the agency's own records, one per unit directly below, the total; the cross-form rules checked.
 */
export async function computePeriodicBundle(
  db: Db,
  req: { agencyId: string; period: ReportPeriod; regime: string },
): Promise<ReportBundle> {
  const regime = regimeByCircular(req.regime);
  if (!regime) throw new Error(`Unknown reporting regime ${req.regime}`);
  const engine = createReportEngine(db, createAgencyScope(db));
  const forms = await engine.computeForms({
    formCodes: [...regime.forms.value],
    agencyId: req.agencyId,
    period: { from: req.period.from, to: req.period.to },
    at: req.period.to,
  });
  return {
    kind: req.period.kind,
    periodKey: req.period.key,
    agencyId: req.agencyId,
    regime: req.regime,
    period: { from: req.period.from, to: req.period.to },
    forms,
  };
}

/** A unit's submitted figures for a consolidation: the agency and its last submitted version's forms. */
export interface SubmittedUnit {
  agencyId: string;
  name: string;
  bundle: ReportBundle;
}

/**
 * The consolidation of a periodic report (issue 16 item 4), form by form: one row for the agency's own
 * records (its current version's `self` row), one per unit below that submitted (the `total` row of its
 * last submitted version: the frozen figures, never recomputed), and their total (a cell stays null when
 * every part is null: a manual column nobody filled); the form's rules, cross-form ones included, checked
 * on these consolidated figures. Drill-downs are dropped (the figures are the submitted ones, not a search).
 */
export function consolidatePeriodic(own: ReportBundle | undefined, units: readonly SubmittedUnit[]): ReportSnapshot[] {
  const template = own ?? units[0]?.bundle;
  if (!template) return [];
  const valueOnly = (cells: Record<string, SnapshotCell>) =>
    Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, { value: c.value }]));
  const snaps = template.forms.map((f): ReportSnapshot => {
    const rowOf = (b: ReportBundle, code: string) =>
      b.forms.find((x) => x.form.code === f.form.code)?.rows.find((r) => r.code === code);
    const ownRow = own ? rowOf(own, 'self') : undefined;
    const rows: SnapshotRow[] = [
      ...(ownRow ? [{ code: 'self', label: ownRow.label, cells: valueOnly(ownRow.cells) }] : []),
      ...units.flatMap((u) => {
        const t = rowOf(u.bundle, 'total');
        return t ? [{ code: u.agencyId, label: u.name, cells: valueOnly(t.cells) }] : [];
      }),
    ];
    const total: Record<string, SnapshotCell> = {};
    for (const c of f.columns) {
      let v: number | null = null;
      for (const r of rows) {
        const x = r.cells[String(c.no)]?.value;
        if (typeof x === 'number') v = (v ?? 0) + x;
      }
      total[String(c.no)] = { value: v };
    }
    return {
      ...f,
      agencyId: template.agencyId,
      rows: [...rows, { code: 'total', label: 'Tổng', cells: total }],
      checks: [],
      computedAt: vnInstant(Date.now()),
    };
  });
  return checkSnapshots(snaps, template.period.to);
}

/** What a figure's drill-down link is built from: the one agency, the period as instants and as days. */
interface LinkContext {
  agency: string;
  from: string;
  to: string;
  fromDay: string;
  toDay: string;
}

/**
 * How the province's consolidation rolls a row up from its own report and its units' submitted reports:
 * - `sum`: the records are each of one agency (a case, a session, a visit, a gathering, a task force and its
 *   assignments, a campaign and its reviews, a matter), so the units' figures add up;
 * - `distinct`: one record can be of several agencies (a hotspot's items come from every agency that received
 *   one), so the snapshot carries the ids counted (`items`) and the consolidation counts their union.
 */
type Rollup = 'sum' | 'distinct';

interface Indicator {
  code: string;
  label: string;
  /** A counted figure (key of the query's result), or a pending section. */
  key?: string;
  /** The case-search filter behind the figure (with the period and the agency added; `end`: the period's end). */
  drill?: string | ((end: string) => string);
  /** The list behind a figure of other records (reception, hotspots, gatherings, task forces, campaigns). */
  list?: (c: LinkContext) => string;
  /** How the list shows the figure, when it is not the count of the listed items. */
  note?: string;
  roll?: Rollup;
  pending?: string;
}

const enc = encodeURIComponent;
const agencyOf = (c: LinkContext) => `agencyId=${enc(c.agency)}&exactAgency=true`;
const sessionsOf = (c: LinkContext) => `/v1/reception/sessions?${agencyOf(c)}&from=${c.fromDay}&to=${c.toDay}`;
const visitsOf = (c: LinkContext) => `/v1/reception/visits?${agencyOf(c)}&from=${c.fromDay}&to=${c.toDay}`;
const hotspotsOf = (c: LinkContext, q: string) => `/v1/hotspots?${agencyOf(c)}&${q}`;
const gatheringsOf = (c: LinkContext) =>
  `/v1/gatherings?${agencyOf(c)}&gatheredFrom=${enc(c.from)}&gatheredTo=${enc(c.to)}`;
const workOf = (c: LinkContext, state?: string) =>
  `/v1/task-forces/assignments?${agencyOf(c)}&activeFrom=${c.fromDay}&activeTo=${c.toDay}` +
  (state ? `&state=${state}` : '');
const reviewsOf = (c: LinkContext, state?: string) =>
  `/v1/review-campaigns/reviews?${agencyOf(c)}&runningFrom=${c.fromDay}&runningTo=${c.toDay}` +
  (state ? `&state=${state}` : '');

/** The case search's filter of the statutory case types (letters, complaints, denunciations, petitions). */
const STATUTORY = `type=${CASE_TYPES.join(',')}`;
/** The letters eligible for handling (reports/forms.ts ELIGIBLE, as 01/XLD counts them), as case-search filters. */
const ELIGIBLE_TYPES = `type=letter&var.letterType=${ELIGIBLE.letterType!.join(',')}`;

/**
 * The rows of the plan's monthly report to the provincial chairman (issue 16 item 3). Every figure counted from
 * records links to the list behind it (`drillDown`, issue 16 item 6): the case search for cases, the reception,
 * hotspot, gathering, task-force and campaign lists for the others, each with the period and the agency.
 */
export const CHAIRMAN_INDICATORS: readonly Indicator[] = [
  { code: 'I.1', label: 'Tiếp công dân: số buổi tiếp', key: 'sessions', list: sessionsOf },
  {
    code: 'I.2',
    label: 'Số ngày tiếp công dân định kỳ của lãnh đạo đã thực hiện',
    key: 'leader_days',
    list: (c) => `${sessionsOf(c)}&kind=periodic&receivedBy=in_person`,
    note: 'số ngày khác nhau (sessionDate) của các buổi trong danh sách',
  },
  { code: 'I.3', label: 'Số ngày tiếp công dân định kỳ của lãnh đạo phải thực hiện', key: 'leader_days_required' },
  { code: 'I.4', label: 'Số lượt tiếp', key: 'visits', list: visitsOf },
  {
    code: 'I.5',
    label: 'Số người được tiếp',
    key: 'people',
    list: visitsOf,
    note: 'tổng peopleCount của các lượt tiếp trong danh sách',
  },
  { code: 'I.6', label: 'Số đoàn đông người', key: 'delegations', list: (c) => `${visitsOf(c)}&delegation=true` },
  // The statutory case types only (`type=` all of them): the case search without a type also lists the processes of
  // delegations and central gatherings (ADR 0036), which these rows do not count.
  { code: 'II.1', label: 'Tổng số đơn tiếp nhận trong kỳ', key: 'total', drill: STATUTORY },
  { code: 'II.1.a', label: 'Đơn chưa phân loại', key: 'letter', drill: 'type=letter' },
  { code: 'II.1.b', label: 'Đơn khiếu nại lần đầu', key: 'complaint_first', drill: 'type=complaint_first' },
  { code: 'II.1.c', label: 'Đơn khiếu nại lần hai', key: 'complaint_second', drill: 'type=complaint_second' },
  { code: 'II.1.d', label: 'Đơn tố cáo', key: 'denunciation', drill: 'type=denunciation' },
  { code: 'II.1.e', label: 'Đơn kiến nghị, phản ánh', key: 'petition', drill: 'type=petition' },
  // Handled as the regime forms count a letter (ADR 0031): done by the period's end — its handling outcome recorded,
  // or (any case) closed — not merely closed (a letter guided or transferred stays open until its workflow ends).
  {
    code: 'II.2',
    label: 'Số đơn đã xử lý',
    key: 'handled',
    drill: (end) => `${STATUTORY}&doneTo=${enc(end)}`,
  },
  // TT 02/2021/TT-TTCP Biểu 01/XLD columns 18 and 22 (copy of the official form, source §4.3): the letters of the
  // period eligible for handling, by competence (the `classify` task's `withinCompetence`, reports/forms.ts).
  {
    code: 'II.3',
    label: 'Đơn thuộc thẩm quyền',
    key: 'letters_within',
    drill: `${ELIGIBLE_TYPES}&var.letterOutcome=${ELIGIBLE.letterOutcome!.join(',')}&var.withinCompetence=true`,
  },
  {
    code: 'II.4',
    label: 'Đơn không thuộc thẩm quyền (hướng dẫn, chuyển đơn)',
    key: 'letters_outside',
    drill: `${ELIGIBLE_TYPES}&var.letterOutcome=guided,transferred&var.withinCompetence=false`,
  },
  { code: 'III.1', label: 'Khiếu nại lần đầu: số vụ việc', key: 'complaint_first', drill: 'type=complaint_first' },
  {
    code: 'III.2',
    label: 'Khiếu nại lần đầu: đã giải quyết',
    key: 'complaint_resolved',
    drill: 'type=complaint_first&status=closed',
  },
  {
    code: 'III.3',
    label: 'Khiếu nại lần đầu: giải quyết đúng hạn',
    key: 'complaint_on_time',
    drill: 'type=complaint_first&status=closed&overdue=false',
  },
  {
    code: 'III.4',
    label: 'Khiếu nại lần đầu: quá hạn',
    key: 'complaint_overdue',
    drill: 'type=complaint_first&overdue=true',
  },
  { code: 'IV.1', label: 'Tố cáo: số vụ việc', key: 'denunciation', drill: 'type=denunciation' },
  {
    code: 'IV.2',
    label: 'Tố cáo: đã giải quyết',
    key: 'denunciation_resolved',
    drill: 'type=denunciation&status=closed',
  },
  {
    code: 'IV.3',
    label: 'Tố cáo: giải quyết đúng hạn',
    key: 'denunciation_on_time',
    drill: 'type=denunciation&status=closed&overdue=false',
  },
  { code: 'IV.4', label: 'Tố cáo: quá hạn', key: 'denunciation_overdue', drill: 'type=denunciation&overdue=true' },
  { code: 'V.1', label: 'Vụ việc đông người', key: 'mass', drill: `${STATUTORY}&mass=true` },
  { code: 'V.2', label: 'Vụ việc phức tạp', key: 'complex', drill: `${STATUTORY}&complex=true` },
  // Prolonged matters open, first received before the period's end: the matters list with the same filter (the
  // flag as the list reads it: stored, or a time rule of GET /v1/matters/flag-rules that holds now).
  {
    code: 'V.3',
    label: 'Vụ việc tồn đọng, kéo dài (đang theo dõi)',
    key: 'prolonged',
    list: (c) => `/v1/matters?${agencyOf(c)}&prolonged=true&status=open&firstReceivedTo=${enc(c.to)}`,
  },
  // Hotspots (ADR 0034): of the agencies' items; raised in the period, and still followed (not closed) at its end.
  // Counted distinct in a consolidation: one hotspot's items can come from several agencies.
  {
    code: 'VI.1',
    label: 'Điểm nóng phát sinh trong kỳ',
    key: 'hotspots_raised',
    roll: 'distinct',
    list: (c) => hotspotsOf(c, `raisedFrom=${enc(c.from)}&raisedTo=${enc(c.to)}&includeFallen=true`),
  },
  {
    code: 'VI.1.a',
    label: 'Điểm nóng đang theo dõi (chưa kết thúc)',
    key: 'hotspots_open',
    roll: 'distinct',
    list: (c) => hotspotsOf(c, `raisedTo=${enc(c.to)}&closed=false`),
  },
  {
    code: 'VI.1.b',
    label: 'Trong đó: ở mức nóng',
    key: 'hotspots_hot',
    roll: 'distinct',
    list: (c) => hotspotsOf(c, `level=hot&raisedTo=${enc(c.to)}&closed=false`),
  },
  // Central gatherings (ADR 0036) of the agencies in the period.
  { code: 'VI.2', label: 'Đoàn đông người lên Trung ương: số lượt', key: 'gatherings', list: gatheringsOf },
  {
    code: 'VI.2.a',
    label: 'Đoàn đông người lên Trung ương: số người',
    key: 'gathering_people',
    list: gatheringsOf,
    note: 'tổng peopleCount của các lượt trong danh sách',
  },
  {
    code: 'VI.2.b',
    label: 'Đoàn đông người lên Trung ương: đã đưa về địa phương',
    key: 'gatherings_home',
    list: (c) => `${gatheringsOf(c)}&broughtHome=true`,
  },
  // Task forces (ADR 0037) governed by the agencies and active in the period, and the work assigned to them.
  {
    code: 'VII.1',
    label: 'Tổ công tác hoạt động trong kỳ',
    key: 'task_forces',
    list: (c) => `/v1/task-forces?${agencyOf(c)}&activeFrom=${c.fromDay}&activeTo=${c.toDay}`,
  },
  // The work of those task forces (db/task-forces.ts: one SQL definition for the figure and its list).
  { code: 'VII.1.a', label: 'Vụ việc, hồ sơ giao tổ công tác', key: 'tf_assigned', list: (c) => workOf(c) },
  { code: 'VII.1.b', label: 'Trong đó: đã kết thúc', key: 'tf_done', list: (c) => workOf(c, 'done') },
  {
    code: 'VII.1.c',
    label: 'Trong đó: tổ công tác đã hết hạn, chưa kết thúc',
    key: 'tf_lapsed',
    list: (c) => workOf(c, 'lapsed'),
  },
  // Review campaigns (rà soát, ADR 0037): the reviews of the agencies' matters in campaigns running in the period.
  {
    code: 'VIII.1',
    label: 'Đợt rà soát vụ việc do cơ quan tổ chức, thực hiện trong kỳ',
    key: 'campaigns',
    list: (c) => `/v1/review-campaigns?${agencyOf(c)}&runningFrom=${c.fromDay}&runningTo=${c.toDay}`,
  },
  // The reviews in those campaigns (db/review-campaigns.ts: one SQL definition for the figure and its list).
  { code: 'VIII.1.a', label: 'Vụ việc phải rà soát', key: 'reviews', list: (c) => reviewsOf(c) },
  { code: 'VIII.1.b', label: 'Vụ việc đã rà soát', key: 'reviewed', list: (c) => reviewsOf(c, 'reviewed') },
  {
    code: 'VIII.1.c',
    label: 'Vụ việc rà soát quá hạn',
    key: 'reviews_overdue',
    list: (c) => reviewsOf(c, 'overdue'),
  },
  {
    code: 'VIII.1.d',
    label: 'Vụ việc rà soát quá hạn chuyển cấp trên',
    key: 'reviews_escalated',
    list: (c) => reviewsOf(c, 'escalated'),
  },
];

/** The rows whose consolidation counts distinct records (see {@link Rollup}); every other row is summed. */
export const DISTINCT_ROWS: readonly string[] = CHAIRMAN_INDICATORS.filter((i) => i.roll === 'distinct').map(
  (i) => i.code,
);

const CHAIRMAN_TITLE =
  'Báo cáo tháng gửi Chủ tịch UBND tỉnh về công tác tiếp công dân, xử lý đơn, giải quyết khiếu nại, tố cáo';

/**
 * I.3, the days the heads of the agencies must receive citizens in person in the data period: the legal minimum
 * of each agency's level (reception/minimum-rules.ts, Luật Tiếp công dân 2013 Arts 12(5), 15(2)(d), 18(2), as
 * amended from 01/07/2026), per calendar month or ISO week. The data period runs from the 15th to the 14th; the
 * sources do not say how a month's (or week's) minimum maps onto it: a month's obligation is counted in the data
 * period holding its first day, a week's in the one holding its Monday (UNCONFIRMED, configuration: over a year
 * the periods then owe exactly the year's minimum).
 */
export function requiredLeaderDays(
  levels: readonly Level[],
  fromDay: string,
  toDay: string,
): { days: number; citations: string[] } {
  let days = 0;
  const citations = new Set<string>();
  for (const level of levels) {
    for (let m = fromDay.slice(0, 7); m <= toDay.slice(0, 7); m = nextMonth(m)) {
      for (const o of obligationsFor(level, m)) {
        if (o.first < fromDay || o.first > toDay) continue;
        days += o.rule.days;
        citations.add(o.rule.citation);
      }
    }
  }
  return { days, citations: [...citations] };
}

function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

export const REQUIRED_DAYS_UNCONFIRMED =
  'UNCONFIRMED: mức tối thiểu theo tháng (tuần) dương lịch; nghĩa vụ của một tháng tính vào kỳ số liệu chứa ngày ' +
  'đầu tháng, của một tuần tính vào kỳ chứa ngày thứ Hai (nguồn không quy định cách quy đổi sang kỳ 15–14; cấu hình)';

/**
 * The chairman's monthly report (and, until the regime's forms come from the engine, the periodic report's
 * figures): one pass over the cases received in the period at the agencies (the case search's filters:
 * each number's drill-down is that search), the reception sessions of the period and their visits, and the
 * prolonged matters under follow-up. One column ("Số liệu"); the rows are the indicators.
 */
async function computeChairmanReport(db: Db, req: ComputeRequest): Promise<ReportSnapshot> {
  const from = startOfDayInstant(req.period.from);
  const to = startOfDayInstant(addDays(req.period.to, 1));
  // The facts the case search filters on (`case_facts`, ADR 0030: the same definitions of closed, overdue, mass
  // and complex), read through its (agency, receipt) index; the statutory case types only (letters, complaints,
  // denunciations, petitions), not the processes of delegations and central gatherings (ADR 0036).
  const closed = `f.closed`;
  const overdue = `f.overdue`;
  const first = `f.case_type = 'complaint_first'`;
  const den = `f.case_type = 'denunciation'`;
  const agencies = [...req.agencies];
  const { rows } = await db.raw<{ rows: Array<Record<string, string>> }>(
    `SELECT count(*) AS total,
       count(*) FILTER (WHERE f.case_type = 'letter') AS letter,
       count(*) FILTER (WHERE ${first}) AS complaint_first,
       count(*) FILTER (WHERE f.case_type = 'complaint_second') AS complaint_second,
       count(*) FILTER (WHERE ${den}) AS denunciation,
       count(*) FILTER (WHERE f.case_type = 'petition') AS petition,
       count(*) FILTER (WHERE f.done_at < ?::timestamptz) AS handled,
       count(*) FILTER (WHERE ${first} AND ${closed}) AS complaint_resolved,
       count(*) FILTER (WHERE ${first} AND ${closed} AND NOT ${overdue}) AS complaint_on_time,
       count(*) FILTER (WHERE ${first} AND ${overdue}) AS complaint_overdue,
       count(*) FILTER (WHERE ${den} AND ${closed}) AS denunciation_resolved,
       count(*) FILTER (WHERE ${den} AND ${closed} AND NOT ${overdue}) AS denunciation_on_time,
       count(*) FILTER (WHERE ${den} AND ${overdue}) AS denunciation_overdue,
       count(*) FILTER (WHERE f.mass) AS mass,
       count(*) FILTER (WHERE f.complex) AS complex
     FROM case_facts f
     WHERE f.agency_id = ANY(?::text[]) AND f.received_at >= ? AND f.received_at < ? AND f.case_type = ANY(?::text[])`,
    [to, agencies, from, to, [...CASE_TYPES]],
  );
  // II.3 / II.4: the letters of the period eligible for handling (reports/forms.ts ELIGIBLE, as 01/XLD counts
  // them) within competence (01/XLD col. 18), and outside it, guided or transferred (col. 22 without "đôn đốc",
  // which kntc-flow does not record).
  // The variables are columns of `case_facts` (their JSON values, migration 20261210030000), as the links filter.
  const json = (xs: Array<string | boolean>) => xs.map((x) => JSON.stringify(x));
  const { rows: comp } = await db.raw<{ rows: Array<Record<string, string>> }>(
    `SELECT count(*) FILTER (WHERE f.within_competence = 'true'::jsonb) AS letters_within,
       count(*) FILTER (WHERE f.within_competence = 'false'::jsonb
         AND f.letter_outcome IN ('"guided"'::jsonb, '"transferred"'::jsonb)) AS letters_outside
     FROM case_facts f
     WHERE f.agency_id = ANY(?::text[]) AND f.received_at >= ? AND f.received_at < ? AND f.case_type = 'letter'
       AND f.letter_type = ANY(?::jsonb[]) AND f.letter_outcome = ANY(?::jsonb[])`,
    [agencies, from, to, json(ELIGIBLE.letterType!), json(ELIGIBLE.letterOutcome!)],
  );
  // V.3: the prolonged flag as the matters list reads it (db/matters.ts flagSql: stored, or a time rule in force
  // today that holds now), so that the row's link lists exactly these matters.
  const prolonged = flagSql('prolonged', await createMatterStore(db).rules(vnDate(Date.now())));
  const prolongedBindings = Object.fromEntries(prolonged.bindings.map((b, i) => [`pm${i}`, b]));
  let pi = 0;
  const prolongedSql = prolonged.sql.replace(/\?/g, () => `:pm${pi++}`);
  // Reception: the sessions held in the period (by session date) and their visits, as the reception lists filter.
  const { rows: rec } = await db.raw<{ rows: Array<Record<string, string>> }>(
    `WITH s AS (
       SELECT s.* FROM reception_sessions s WHERE s.agency_id = ANY(:a::text[])
          AND s.session_date BETWEEN :fromDay AND :toDay
     ), v AS (
       SELECT v.* FROM reception_visits v JOIN s ON s.id = v.session_id WHERE v.agency_id = ANY(:a::text[])
     )
     SELECT
       (SELECT count(*) FROM s) AS sessions,
       (SELECT count(DISTINCT (s.agency_id, s.session_date)) FROM s
          WHERE s.kind = 'periodic' AND s.received_by = 'in_person') AS leader_days,
       (SELECT count(*) FROM v) AS visits,
       (SELECT COALESCE(sum(v.people_count), 0) FROM v) AS people,
       (SELECT count(*) FROM v WHERE v.is_delegation) AS delegations,
       (SELECT count(*) FROM matters m WHERE m.agency_id = ANY(:a::text[]) AND ${prolongedSql}
          AND m.status = 'open' AND m.first_received_at < :to) AS prolonged`,
    { a: agencies, fromDay: req.period.from, toDay: req.period.to, to, ...prolongedBindings },
  );
  const { figures: sections, items } = await issue15Figures(db, agencies, {
    from,
    to,
    fromDay: req.period.from,
    toDay: req.period.to,
  });
  const levels = await db('agencies')
    .whereIn('id', agencies)
    .select<Array<{ level: Level }>>('level')
    .then((r) => r.map((x) => x.level));
  const required = requiredLeaderDays(levels, req.period.from, req.period.to);
  const figures: Record<string, string | number | undefined> = {
    ...rows[0],
    ...comp[0],
    ...rec[0],
    ...sections,
    leader_days_required: required.days,
  };
  const n = (k: string): number => Number(figures[k] ?? 0);
  // The list behind a number is over the same agencies: one agency alone (`exactAgency`, not its subtree);
  // several have no single filter, so their numbers link nowhere rather than to a wider list.
  const only = req.agencies.length === 1 ? req.agencies[0]! : undefined;
  const base =
    `receivedFrom=${encodeURIComponent(from)}&receivedTo=${encodeURIComponent(to)}` +
    (only ? `&agencyId=${encodeURIComponent(only)}&exactAgency=true` : '');
  const ctx: LinkContext | undefined = only
    ? { agency: only, from, to, fromDay: req.period.from, toDay: req.period.to }
    : undefined;
  const cellOf = (i: Indicator): SnapshotCell => {
    if (i.key === undefined) return { value: null, note: PENDING(i.pending ?? 'this figure') };
    const cell: SnapshotCell = { value: n(i.key) };
    const drill = typeof i.drill === 'function' ? i.drill(to) : i.drill;
    if (drill !== undefined && only) cell.drillDown = `/v1/cases?${base}${drill ? `&${drill}` : ''}`;
    else if (i.list && ctx) cell.drillDown = i.list(ctx);
    if (i.note) cell.note = i.note;
    if (i.roll === 'distinct') cell.items = items[i.key] ?? [];
    if (i.code === 'I.3') {
      cell.note = `${required.citations.join('; ') || 'no minimum for these agencies’ levels'} — ${REQUIRED_DAYS_UNCONFIRMED}`;
      cell.unconfirmed = true;
    }
    return cell;
  };
  const out: SnapshotRow[] = CHAIRMAN_INDICATORS.map((i) => ({
    code: i.code,
    label: i.label,
    cells: { '1': cellOf(i) },
  }));
  const sumTypes = ['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition'].reduce(
    (a, k) => a + n(k),
    0,
  );
  const checks = [
    { rule: 'II.1 = II.1.a + II.1.b + II.1.c + II.1.d + II.1.e', ok: sumTypes === n('total'), detail: '' },
    { rule: 'II.3 + II.4 <= II.1.a', ok: n('letters_within') + n('letters_outside') <= n('letter'), detail: '' },
    {
      rule: 'III.3 + III.4 <= III.1',
      ok: n('complaint_on_time') + n('complaint_overdue') <= n('complaint_first'),
      detail: '',
    },
    {
      rule: 'IV.3 + IV.4 <= IV.1',
      ok: n('denunciation_on_time') + n('denunciation_overdue') <= n('denunciation'),
      detail: '',
    },
    { rule: 'VI.1.b <= VI.1.a', ok: n('hotspots_hot') <= n('hotspots_open'), detail: '' },
    { rule: 'VI.2.b <= VI.2', ok: n('gatherings_home') <= n('gatherings'), detail: '' },
    { rule: 'VII.1.b + VII.1.c <= VII.1.a', ok: n('tf_done') + n('tf_lapsed') <= n('tf_assigned'), detail: '' },
    { rule: 'VIII.1.b <= VIII.1.a', ok: n('reviewed') <= n('reviews'), detail: '' },
    { rule: 'VIII.1.d <= VIII.1.c', ok: n('reviews_escalated') <= n('reviews_overdue'), detail: '' },
  ];
  const agency = await db('agencies').where({ id: req.agencyId }).first<{ name: string } | undefined>('name');
  return {
    form: {
      code: req.formCode,
      version: 1,
      title: req.formCode === MONTHLY_CHAIRMAN_FORM ? CHAIRMAN_TITLE : PERIODIC_TITLE,
      circular: req.formCode === MONTHLY_CHAIRMAN_FORM ? 'Kế hoạch của UBND tỉnh (báo cáo tháng)' : req.regime,
    },
    agencyId: req.agencyId,
    agencyName: agency?.name ?? req.agencyId,
    period: { from: req.period.from, to: req.period.to },
    header: [
      { row: 0, col: 0, rowSpan: 1, colSpan: 1, text: 'Chỉ tiêu' },
      { row: 0, col: 1, rowSpan: 1, colSpan: 1, text: 'Số liệu' },
    ],
    columns: [{ no: 1, label: 'Số liệu' }],
    rows: out,
    checks,
    computedAt: vnInstant(Date.now()),
  };
}

/**
 * The rows of issue 15's records (issue 16 item 3) for the agencies and the period `[from, to)`:
 * - hotspots (ADR 0034) with an item of the agencies: raised in the period; followed at its end (at a level, raised
 *   before the end, not closed — the hotspot's state when computed, the period's end for a drafted report); hot
 *   (with their ids: a consolidation counts them distinct);
 * - central gatherings (ADR 0036) of the agencies in the period: how many, how many people, and how many whose
 *   citizens were brought home (the process's `bringHome` step completed, as `GET /v1/gatherings/{id}` shows it);
 * - task forces (ADR 0037) the agencies govern, active in the period (set up before its end, ending on or after its
 *   first day); the matters and cases assigned to them before the end; of those, done (the case closed, the matter
 *   closed) and left undone by a task force whose end date is before the period's last day;
 * - review campaigns (rà soát) the agencies launched, running in the period (launched before its end, not completed
 *   before its start); the reviews of the agencies' matters in campaigns running in the period: to review, reviewed
 *   before the end, overdue (due before the end and not reviewed by the due time), escalated to the agency above.
 */
async function issue15Figures(
  db: Db,
  agencies: string[],
  p: { from: string; to: string; fromDay: string; toDay: string },
): Promise<{ figures: Record<string, string>; items: Record<string, string[]> }> {
  const home = BROUGHT_HOME_SQL.replace(/\bPROCESS\b/g, 'g.process_case_id');
  const ids = (where: string) => `(SELECT COALESCE(array_agg(h.id::text ORDER BY h.id), '{}') FROM h WHERE ${where})`;
  const raised = `h.raised_at >= :from`;
  const open = `h.level IS NOT NULL AND h.status <> 'closed'`;
  const hot = `h.level = 'hot' AND h.status <> 'closed'`;
  const { rows } = await db.raw<{ rows: Array<Record<string, string | string[]>> }>(
    `WITH h AS (
       SELECT h.id, h.raised_at, h.level, h.status FROM hotspots h
        WHERE h.agency_ids && :a::text[] AND h.raised_at < :to
     ), g AS (
       SELECT g.people_count, ${home} AS home FROM central_gatherings g
        WHERE g.agency_id = ANY(:a::text[]) AND g.gathered_at >= :from AND g.gathered_at < :to
     ), tf AS (
       SELECT t.id, t.ends_on FROM task_forces t
        WHERE t.governing_agency_id = ANY(:a::text[]) AND t.created_at < :to AND t.ends_on >= :fromDay::date
     ), ta AS (
       SELECT count(*) AS tf_assigned, count(*) FILTER (WHERE ${TASK_FORCE_WORK_STATE_SQL.done}) AS tf_done,
          count(*) FILTER (WHERE ${TASK_FORCE_WORK_STATE_SQL.lapsed}) AS tf_lapsed
        FROM ${TASK_FORCE_WORK_FROM} WHERE ${taskForceWorkWhere({ from: true, to: true })}
     ), ri AS (
       SELECT count(*) AS reviews, count(*) FILTER (WHERE ${reviewStateSql('reviewed', true)}) AS reviewed,
          count(*) FILTER (WHERE ${reviewStateSql('overdue', true)}) AS reviews_overdue,
          count(*) FILTER (WHERE ${reviewStateSql('escalated', true)}) AS reviews_escalated
        FROM ${REVIEWS_FROM} WHERE ${reviewsWhere({ from: true, to: true })}
     )
     SELECT
       ${ids(raised)} AS hotspots_raised,
       ${ids(open)} AS hotspots_open,
       ${ids(hot)} AS hotspots_hot,
       (SELECT count(*) FROM g) AS gatherings,
       (SELECT COALESCE(sum(g.people_count), 0) FROM g) AS gathering_people,
       (SELECT count(*) FROM g WHERE g.home) AS gatherings_home,
       (SELECT count(*) FROM tf) AS task_forces,
       (SELECT tf_assigned FROM ta) AS tf_assigned,
       (SELECT tf_done FROM ta) AS tf_done,
       (SELECT tf_lapsed FROM ta) AS tf_lapsed,
       (SELECT count(*) FROM review_campaigns c WHERE c.agency_id = ANY(:a::text[]) AND c.created_at < :to
          AND (c.completed_at IS NULL OR c.completed_at >= :from)) AS campaigns,
       (SELECT reviews FROM ri) AS reviews,
       (SELECT reviewed FROM ri) AS reviewed,
       (SELECT reviews_overdue FROM ri) AS reviews_overdue,
       (SELECT reviews_escalated FROM ri) AS reviews_escalated`,
    { a: agencies, from: p.from, to: p.to, fromDay: p.fromDay, toDay: p.toDay, asOfDay: p.toDay },
  );
  const row = rows[0]!;
  const figures: Record<string, string> = {};
  const items: Record<string, string[]> = {};
  for (const [k, val] of Object.entries(row)) {
    if (Array.isArray(val)) {
      items[k] = val;
      figures[k] = String(val.length);
    } else figures[k] = val;
  }
  return { figures, items };
}

const PERIODIC_TITLE = 'Báo cáo định kỳ công tác tiếp công dân, xử lý đơn, giải quyết khiếu nại, tố cáo';

/**
 * The consolidation of submitted snapshots of one form: row by row (rows matched by code, in order of
 * first appearance), column by column; a cell stays null only when every input has it null. A cell is the sum of
 * the numbers, except where every input carries the ids of the records it counted (`items`: the rows
 * {@link DISTINCT_ROWS}, whose records can be of several agencies — a hotspot spanning two units): then the number
 * of distinct ids, so one hotspot counts once in the province however many units reported it. Drill-downs are
 * dropped (the figures are the submitted ones, not a search); notes and the UNCONFIRMED mark are kept.
 */
export function sumSnapshots(snapshots: readonly ReportSnapshot[]): SnapshotRow[] {
  const order: Array<{ code: string; label: string }> = [];
  for (const s of snapshots) for (const r of s.rows) if (!order.some((o) => o.code === r.code)) order.push(r);
  return order.map(({ code, label }) => {
    const cols = new Set<string>();
    for (const s of snapshots)
      for (const r of s.rows) if (r.code === code) Object.keys(r.cells).forEach((c) => cols.add(c));
    const cells: Record<string, SnapshotCell> = {};
    for (const col of [...cols].sort((a, b) => Number(a) - Number(b))) {
      const parts = snapshots.flatMap((s) => {
        const c = s.rows.find((x) => x.code === code)?.cells[col];
        return c ? [c] : [];
      });
      let value: number | null = null;
      for (const c of parts) if (typeof c.value === 'number') value = (value ?? 0) + c.value;
      const cell: SnapshotCell = { value };
      const counted = parts.filter((c) => typeof c.value === 'number');
      if (counted.length > 0 && counted.every((c) => Array.isArray(c.items))) {
        const union = [...new Set(counted.flatMap((c) => c.items!))].sort();
        cell.value = union.length;
        cell.items = union;
      }
      const note = parts.find((c) => c.note)?.note;
      if (note) cell.note = note;
      if (parts.some((c) => c.unconfirmed)) cell.unconfirmed = true;
      cells[col] = cell;
    }
    return { code, label, cells };
  });
}

export { EXPORT_FORMATS, type ExportFormat, type RenderedReport } from '../reports/render.js';

/**
 * Renders one form of a version with the report-form renderers (`reports/render.ts`): the stored
 * snapshot is a `ReportSnapshot` (one column, the indicators as rows). JSON is the canonical JSON that was hashed.
 */
export const renderVersion = renderAs;
