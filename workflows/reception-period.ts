/**
 * receptionPeriodWorkflow (issue 14.5, ADR 0035): one per special period, started when the period is
 * declared. For every working day of the period it sleeps on durable timers until: the day before at
 * ROSTER_CHECK_TIME (tomorrow's duty roster checked: a task for each agency with a place left without
 * duty staff), the start of the day (a "daily report" task per agency concerned) and the day's due time
 * (a report still missing is escalated: a task for the agency above). A change or cancellation of the
 * period (the `receptionPeriodChanged` signal) wakes it: it reads the period again and re-plans; a
 * cancelled period ends it, and so does the last step of the last day. Activities are idempotent (one
 * task per period, kind, agency and day), so a retry or a re-plan opens nothing twice.
 */
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ReceptionPeriodActivities } from '../activities/reception-periods.js';
import {
  pendingSteps,
  periodChanged,
  type PeriodReconcileInput,
  type PeriodReconcileResult,
  type PeriodStep,
  type PeriodWorkflowResult,
  type ReceptionPeriodInput,
} from './reception-period-contract.js';

const acts = proxyActivities<ReceptionPeriodActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function receptionPeriodWorkflow(input: ReceptionPeriodInput): Promise<PeriodWorkflowResult> {
  const done = new Set(input.done ?? []);
  let changed = false;
  setHandler(periodChanged, () => {
    changed = true;
  });
  const run = async (s: PeriodStep) => {
    const p = { periodId: input.periodId, date: s.date };
    if (s.kind === 'roster') await acts.checkPeriodRoster(p);
    else if (s.kind === 'open') await acts.openDailyReportTasks(p);
    else await acts.escalateLateDailyReports(p);
    done.add(s.key);
  };
  for (;;) {
    if (workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof receptionPeriodWorkflow>({ periodId: input.periodId, done: [...done] });
    changed = false;
    const plan = await acts.receptionPeriodPlan({ periodId: input.periodId });
    if (plan.status !== 'active') return { status: plan.status, done: [...done] };
    const steps = pendingSteps(plan, done);
    const next = steps[0];
    if (!next) return { status: 'ended', done: [...done] };
    const wait = next.at - Date.now();
    if (wait > 0 && (await condition(() => changed, wait))) continue;
    if (changed) continue;
    const now = Date.now();
    for (const s of steps) {
      if (s.at > now) break;
      await run(s);
    }
  }
}

/**
 * receptionPeriodReconcileWorkflow: run by the Temporal Schedule RECEPTION_PERIOD_RECONCILE_SCHEDULE, it starts
 * the workflow of every declared period whose start was lost (a crash between the period's commit and the start).
 */
export async function receptionPeriodReconcileWorkflow(
  input: PeriodReconcileInput = {},
): Promise<PeriodReconcileResult> {
  return acts.startLostPeriodWorkflows({ olderThanSeconds: input.olderThanSeconds ?? 120 });
}
