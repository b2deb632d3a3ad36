/**
 * The contract of the reception compliance check (issue 14.4, ADR 0029): workflow type, schedule ids and
 * input. Pure (the workflow, its activities and the code registering the Temporal Schedules import it).
 */

/** Workflow type of {@link receptionComplianceWorkflow}. */
export const RECEPTION_COMPLIANCE_WORKFLOW = 'receptionComplianceWorkflow';
/** The outbox event a shortfall emits (CloudEvents type). */
export const COMPLIANCE_SHORTFALL_EVENT = 'vn.kntc.reception.compliance.shortfall';

/** The two Temporal Schedules: on the 1st of each month and each Monday, 01:00 Vietnam time. */
export const RECEPTION_COMPLIANCE_SCHEDULES = [
  { scheduleId: 'reception-compliance-monthly', cron: '0 1 1 * *', period: 'month' },
  { scheduleId: 'reception-compliance-weekly', cron: '0 1 * * 1', period: 'week' },
] as const;
export const SCHEDULE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * What to check: the period that just ended at the workflow's start (`period` only: the previous month,
 * or the ISO week that ended on the last Sunday, in Vietnam time), or a given one (`month` YYYY-MM, or
 * `first` the Monday of a week).
 */
export interface ReceptionComplianceInput {
  period: 'month' | 'week';
  month?: string;
  first?: string;
}

export interface ComplianceCheckResult {
  period: 'month' | 'week';
  first: string;
  last: string;
  agencies: number;
  shortfalls: number;
  /** Tasks opened by this run (a task already open for the same agency, rule and period is not opened again). */
  opened: number;
}

const VN_OFFSET_MS = 7 * 3_600_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The period that ended before `nowMs` (Vietnam time): the previous month, or the ISO week ended last Sunday. */
export function previousPeriod(nowMs: number, period: 'month' | 'week'): { month?: string; first: string } {
  const vn = new Date(nowMs + VN_OFFSET_MS);
  if (period === 'month') {
    const prev = new Date(Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth() - 1, 1));
    const month = prev.toISOString().slice(0, 7);
    return { month, first: `${month}-01` };
  }
  const dow = (vn.getUTCDay() + 6) % 7; // Monday = 0
  const thisMonday = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate() - dow);
  return { first: day(thisMonday - 7 * 86_400_000) };
}
