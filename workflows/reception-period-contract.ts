/**
 * The contract of a special period's workflow (issue 14.5, ADR 0035): workflow type and id, the signal a
 * change of the period sends, the plan its activity answers and the steps the workflow derives from it.
 * Pure (the workflow, its activities and the API import it).
 */
import { defineSignal } from '@temporalio/workflow';

/** Workflow type of {@link receptionPeriodWorkflow}. */
export const RECEPTION_PERIOD_WORKFLOW = 'receptionPeriodWorkflow';
/** One workflow per period, by business key. */
export const receptionPeriodWorkflowId = (periodId: string): string => `reception-period-${periodId}`;
/**
 * The reconciler of lost starts (ADR 0035 amendment): a Temporal Schedule runs it every 5 minutes; it starts the
 * workflow of each active period whose start was never recorded (declared more than `olderThanSeconds` ago).
 */
export const RECEPTION_PERIOD_RECONCILE_WORKFLOW = 'receptionPeriodReconcileWorkflow';
export const RECEPTION_PERIOD_RECONCILE_SCHEDULE = { scheduleId: 'reception-period-reconcile', cron: '*/5 * * * *' };
export interface PeriodReconcileInput {
  /** Default 120: the API starts a new period's workflow right after its commit. */
  olderThanSeconds?: number;
}
export interface PeriodReconcileResult {
  /** Periods found without a recorded start. */
  found: number;
  /** Workflows this run started (the others existed already: only their start is recorded now). */
  started: number;
}

/** Outbox events (CloudEvents types). */
export const PERIOD_REPORT_LATE_EVENT = 'vn.kntc.reception.period.report_late';
export const PERIOD_ROSTER_GAP_EVENT = 'vn.kntc.reception.period.roster_gap';

/** Sent when the period changes or is cancelled: the workflow reads the period again. No data. */
export const periodChanged = defineSignal<[]>('receptionPeriodChanged');

export interface ReceptionPeriodInput {
  periodId: string;
  /** Steps already run (carried over continue-as-new). */
  done?: string[];
}

/** One working day of the period and the instants of its steps (epoch ms). */
export interface PeriodDay {
  date: string;
  /** The day's report tasks open at the start of the day (00:00 Vietnam time). */
  opensAt: number;
  /** The report is due at the period's due time that day; a missing one is escalated then. */
  dueAt: number;
  /** Tomorrow's roster is checked the day before at {@link ROSTER_CHECK_TIME}. */
  rosterCheckAt: number;
}

export interface PeriodPlan {
  status: 'active' | 'cancelled' | 'missing';
  /** The working days of the period whose report was not already due when the period was declared. */
  days: PeriodDay[];
}

/** When the day before a working day its duty roster is checked (Vietnam time). UNCONFIRMED: configuration. */
export const ROSTER_CHECK_TIME = '14:00';

export type PeriodStepKind = 'roster' | 'open' | 'late';
export interface PeriodStep {
  key: string;
  kind: PeriodStepKind;
  date: string;
  at: number;
}

/** The steps of a plan not yet run, earliest first (at equal instants: roster, open, late). */
export function pendingSteps(plan: PeriodPlan, done: ReadonlySet<string>): PeriodStep[] {
  const order: Record<PeriodStepKind, number> = { roster: 0, open: 1, late: 2 };
  const steps: PeriodStep[] = plan.days.flatMap((d) => [
    { key: `roster:${d.date}`, kind: 'roster' as const, date: d.date, at: d.rosterCheckAt },
    { key: `open:${d.date}`, kind: 'open' as const, date: d.date, at: d.opensAt },
    { key: `late:${d.date}`, kind: 'late' as const, date: d.date, at: d.dueAt },
  ]);
  return steps
    .filter((s) => !done.has(s.key))
    .sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind] || (a.date < b.date ? -1 : 1));
}

export interface PeriodWorkflowResult {
  status: PeriodPlan['status'] | 'ended';
  done: string[];
}
