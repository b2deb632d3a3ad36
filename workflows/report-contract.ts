/**
 * The contract of stored reports (issue 16 items 4–5, ADR 0032): report kinds, their data periods, the
 * sending deadline per agency level (configuration, UNCONFIRMED), the workflow id and the messages of
 * `reportWorkflow`. Pure: workflow code, activities and the API import it.
 *
 * Data periods: Thông tư 02/2021/TT-TTCP Điều 7 khoản 1 điểm a (the 15th of the month before to the 14th
 * of the last month of the period; the same under 01/2024/TT-TTCP). The plan's monthly report uses the
 * same cut-off (UNCONFIRMED: the plan names no cut-off day). Periods, regimes and the sending deadlines
 * by level (UNCONFIRMED: `tt-02-2021-che-do-bao-cao.md` §5.1) are the engine's configuration
 * (reports/regimes.ts); the lifecycle rolls a deadline falling on a day off forward to the next working
 * day of the public-agency calendar.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { periodOf } from '../reports/regimes.js';
import { addDays } from './clock/days.js';
import type { PeriodKind } from '../reports/types.js';

export const REPORT_KINDS = ['monthly', 'quarter', 'half', 'nine_months', 'year'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_STATUSES = ['draft', 'in_review', 'submitted', 'reopened'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export type AgencyLevel = 'province' | 'department' | 'commune';

/** A reporting period: which report, its inclusive first and last days (`YYYY-MM-DD`). */
export interface ReportPeriod {
  kind: ReportKind;
  year: number;
  /** Month 1–12 (monthly), quarter 1–4 (quarter), 1 otherwise. */
  index: number;
  from: string;
  to: string;
  /** `2026-M03`, `2026-Q1`, `2026-H1`, `2026-9M`, `2026-Y`. */
  key: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Period key of a report: `2026-M03`, `2026-Q1`, `2026-H1`, `2026-9M`, `2026-Y`. */
export function periodKey(kind: ReportKind, year: number, index: number): string {
  switch (kind) {
    case 'monthly':
      return `${year}-M${pad(index)}`;
    case 'quarter':
      return `${year}-Q${index}`;
    case 'half':
      return `${year}-H1`;
    case 'nine_months':
      return `${year}-9M`;
    case 'year':
      return `${year}-Y`;
  }
}

/** The engine's period kind of a report kind (`monthly` is the engine's `month`). */
export function enginePeriodKind(kind: ReportKind): PeriodKind {
  return kind === 'monthly' ? 'month' : kind;
}

/**
 * The data period of a report: the engine's `dataPeriod` under the regime in force on the period's last
 * day (TT 02/2021 Điều 7.1.a, kept by 01/2024; 06/2025 and the monthly cut-off UNCONFIRMED: see
 * reports/regimes.ts). `index`: month 1–12, quarter 1–4, otherwise 1.
 */
export function reportPeriod(kind: ReportKind, year: number, index = 1): ReportPeriod {
  if (kind === 'monthly' && (!Number.isInteger(index) || index < 1 || index > 12))
    throw new RangeError(`month ${index} is not 1..12`);
  if (kind === 'quarter' && (!Number.isInteger(index) || index < 1 || index > 4))
    throw new RangeError(`quarter ${index} is not 1..4`);
  const i = kind === 'monthly' || kind === 'quarter' ? index : 1;
  const p = periodOf(enginePeriodKind(kind), year, i);
  return { kind, year, index: i, from: p.from, to: p.to, key: periodKey(kind, year, i) };
}

/** Parses a period key back (`2026-Q1` → quarter 1 of 2026); undefined when malformed or before any regime. */
export function parsePeriodKey(key: string): ReportPeriod | undefined {
  const m = /^(\d{4})-(M(0[1-9]|1[0-2])|Q([1-4])|H1|9M|Y)$/.exec(key);
  if (!m) return undefined;
  const year = Number(m[1]);
  const tag = m[2]!;
  return orUndefined(() => {
    if (tag.startsWith('M')) return reportPeriod('monthly', year, Number(m[3]));
    if (tag.startsWith('Q')) return reportPeriod('quarter', year, Number(m[4]));
    return reportPeriod(tag === 'H1' ? 'half' : tag === '9M' ? 'nine_months' : 'year', year);
  });
}

/** A period computation's result, or undefined where no regime covers it (a RangeError). */
function orUndefined<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/**
 * The reports whose data period ends on `lastDay` (the 14th under the known regimes): the month's, and the quarter's, 6-, 9- or
 * 12-month report when that month closes one. Empty for any other day.
 */
export function periodsEndingOn(lastDay: string): ReportPeriod[] {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(lastDay);
  if (!m) return [];
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12 || orUndefined(() => reportPeriod('monthly', year, month))?.to !== lastDay) return [];
  const out = [reportPeriod('monthly', year, month)];
  if (month % 3 === 0) out.push(reportPeriod('quarter', year, month / 3));
  if (month === 6) out.push(reportPeriod('half', year));
  if (month === 9) out.push(reportPeriod('nine_months', year));
  if (month === 12) out.push(reportPeriod('year', year));
  return out;
}

/**
 * How far back the daily drafting looks for a data period that ended without its report (a day the
 * schedule did not fire, the cluster down): a period that ended within these days is drafted late. Shorter
 * than the shortest month, so a run reaches back to the last period end only (a new deployment does not
 * draft last month's reports, long overdue, as well).
 */
export const DRAFTING_CATCH_UP_DAYS = 27;

/** The reports whose data period ended within the `days` days up to `lastDay` (inclusive), oldest first. */
export function periodsEndedWithin(lastDay: string, days: number): ReportPeriod[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(lastDay)) return [];
  const out: ReportPeriod[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(...periodsEndingOn(addDays(lastDay, -i)));
  return out;
}

/** A report to draft: the agency and the period (what `reportWorkflow` is started with). */
export interface ReportToDraft extends ReportWorkflowInput {
  key: string;
}

/** The form a report is drafted with: the plan's monthly report, or the regime's periodic report. */
export function formCodeOf(kind: ReportKind): string {
  return kind === 'monthly' ? MONTHLY_CHAIRMAN_FORM : PERIODIC_FORM;
}
/** The plan's own monthly report to the provincial chairman (issue 16 item 3). */
export const MONTHLY_CHAIRMAN_FORM = 'KH-BC-THANG';
/** The regime's periodic report (reception, letters, complaints, denunciations). */
export const PERIODIC_FORM = 'BC-DINH-KY';

/** The one workflow id of a report (idempotent per agency, kind and period). */
export function reportWorkflowId(agencyId: string, kind: ReportKind, key: string): string {
  return `report-${agencyId}-${kind}-${key}`;
}

/**
 * How long a submitted report stays reopenable (days after its last submission): its workflow then
 * completes, and a reopening is refused. The one reopen window (workflow timer and API message).
 */
export const REOPENABLE_DAYS = 400;
export const REOPENABLE_FOR_MS = REOPENABLE_DAYS * 86_400_000;

/** The id of the Temporal Schedule that drafts the reports at the end of each data period. */
export const REPORT_SCHEDULE_ID = 'reports-drafting';

export interface ReportWorkflowInput {
  agencyId: string;
  kind: ReportKind;
  year: number;
  index: number;
}

/** Who acts on a report (the audit actor). */
export interface ReportActor {
  type: string;
  id: string;
  agency: string | null;
}

export interface SubmitReportInput {
  actor: ReportActor;
  /** The version the caller reviewed: a newer one (recomputed meanwhile) refuses the submission. */
  version?: number | undefined;
  requestId?: string | null | undefined;
}
export interface SubmitReportResult {
  reportId: string;
  version: number;
  hash: string;
  submittedAt: string;
}
export interface ReopenReportInput {
  actor: ReportActor;
  reason: string;
  requestId?: string | null | undefined;
}
export interface ReopenReportResult {
  reportId: string;
  /** The new draft version. */
  version: number;
}

export interface ReportWorkflowState {
  reportId: string | null;
  status: ReportStatus | 'drafting';
  version: number;
  dueAt: string | null;
  overdue: boolean;
  escalated: boolean;
}

export const submitReport = defineUpdate<SubmitReportResult, [SubmitReportInput]>('submitReport');
export const reopenReport = defineUpdate<ReopenReportResult, [ReopenReportInput]>('reopenReport');
export const getReportState = defineQuery<ReportWorkflowState>('getReportState');

/**
 * The report's sending deadline moved (a holiday added or withdrawn in the calendar, ADR 0032): the workflow reads
 * the stored deadline again and re-arms its timer. Sent by the calendar fan-out after it moved the stored deadline.
 */
export const reportDeadlineChanged = defineSignal('reportDeadlineChanged');
