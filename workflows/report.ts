/**
 * The lifecycle of a stored report (issue 16 item 5, ADR 0032).
 *
 * `reportDraftingWorkflow` is what the Temporal Schedule `reports-drafting` starts on the 15th of every
 * month at 00:05 Vietnam time: the data periods that ended the day before (the month's, and the quarter's,
 * 6-, 9- or 12-month one when that month closes it) get one `reportWorkflow` per reporting agency, with
 * the business-key id `report-<agency>-<kind>-<period>` (a second start of the same id is refused: one
 * report per agency, kind and period, whatever the retries).
 *
 * `reportWorkflow` drafts the report (computed version 1), then waits for the agency's "review and
 * submit" Update until the sending deadline (working days on the agency calendar; configuration per
 * level, UNCONFIRMED); past it, the report is escalated once (overdue, audited, `report.overdue`, a
 * message to the head of the agency above). Submitting freezes the current version; reopening (with a
 * reason) adds a new draft version, to be submitted again. Both Updates validate before they enter history.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  condition,
  patched,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { NotificationActivities } from '../activities/notifications.js';
import type { ReportActivities } from '../activities/reports.js';
import { addDays } from './clock/index.js';
import { vnDate } from './clock/vn-time.js';
import {
  DRAFTING_CATCH_UP_DAYS,
  getReportState,
  periodsEndedWithin,
  periodsEndingOn,
  reopenReport,
  reportDeadlineChanged,
  REOPENABLE_FOR_MS,
  reportWorkflowId,
  submitReport,
  type ReportWorkflowInput,
  type ReportWorkflowState,
} from './report-contract.js';

const acts = proxyActivities<ReportActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export interface ReportDraftingInput {
  /** The data periods' last day; default: yesterday in Vietnam (the schedule fires on the 15th). */
  lastDay?: string;
  /** Only these agencies (tests); default: every open agency. */
  agencies?: string[];
}

/**
 * Starts the report workflows of the data periods that ended by `lastDay` (within DRAFTING_CATCH_UP_DAYS)
 * and have no report yet: the schedule fires daily, so a day it missed is caught up the next. Answers the
 * workflow ids started (a report drafted already, or whose workflow exists, is not started again).
 */
export async function reportDraftingWorkflow(input: ReportDraftingInput = {}): Promise<{ started: string[] }> {
  const lastDay = input.lastDay ?? addDays(vnDate(Date.now()), -1);
  if (patched('kntc-report-drafting-daily-v1')) {
    const ended = periodsEndedWithin(lastDay, DRAFTING_CATCH_UP_DAYS);
    if (ended.length === 0) return { started: [] };
    const due = await acts.reportsToDraft({
      periods: ended.map((p) => ({ kind: p.kind, year: p.year, index: p.index, key: p.key })),
      ...(input.agencies ? { agencies: input.agencies } : {}),
    });
    const started: string[] = [];
    for (const r of due) {
      const workflowId = reportWorkflowId(r.agencyId, r.kind, r.key);
      if (await startReport(workflowId, { agencyId: r.agencyId, kind: r.kind, year: r.year, index: r.index }))
        started.push(workflowId);
    }
    return { started };
  }
  const periods = periodsEndingOn(lastDay);
  if (periods.length === 0) return { started: [] };
  const agencies = input.agencies ?? (await acts.reportingAgencies());
  const started: string[] = [];
  for (const agencyId of agencies) {
    for (const p of periods) {
      const workflowId = reportWorkflowId(agencyId, p.kind, p.key);
      try {
        await startChild(reportWorkflow, {
          workflowId,
          args: [{ agencyId, kind: p.kind, year: p.year, index: p.index }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
        started.push(workflowId);
      } catch (e) {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      }
    }
  }
  return { started };
}

/** Starts one report's workflow unless its id was used (one report per agency, kind and period). */
async function startReport(workflowId: string, args: ReportWorkflowInput): Promise<boolean> {
  try {
    await startChild(reportWorkflow, {
      workflowId,
      args: [args],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return true;
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw e;
  }
}

/** One report: draft, review and submit by the deadline (escalated when late), frozen, reopenable. */
export async function reportWorkflow(input: ReportWorkflowInput): Promise<ReportWorkflowState> {
  const state: ReportWorkflowState = {
    reportId: null,
    status: 'drafting',
    version: 0,
    dueAt: null,
    overdue: false,
    escalated: false,
  };
  let busy = false;
  let lastSubmittedAt = 0;
  let deadlineMoved = false;
  setHandler(getReportState, () => state);
  setHandler(reportDeadlineChanged, () => {
    deadlineMoved = true;
  });
  setHandler(
    submitReport,
    async (req) => {
      busy = true;
      try {
        const r = await acts.freezeReport({ ...req, reportId: state.reportId! });
        state.status = 'submitted';
        state.version = r.version;
        lastSubmittedAt = Date.now();
        return r;
      } finally {
        busy = false;
      }
    },
    {
      validator: (req) => {
        if (state.reportId === null)
          throw ApplicationFailure.create({
            type: 'ReportDrafting',
            message: 'The report is being drafted: try again shortly',
          });
        if (busy) throw ApplicationFailure.create({ type: 'ReportBusy', message: 'The report is changing: try again' });
        if (state.status === 'submitted')
          throw ApplicationFailure.create({
            type: 'ReportSubmitted',
            message: 'The report is submitted and frozen: reopen it (with a reason) to change it',
          });
        if (req.version !== undefined && req.version !== state.version)
          throw ApplicationFailure.create({
            type: 'StaleVersion',
            message: `Version ${req.version} is not the current version (${state.version})`,
          });
      },
    },
  );
  setHandler(
    reopenReport,
    async (req) => {
      busy = true;
      try {
        const r = await acts.reopenReportVersion({ ...req, reportId: state.reportId!, afterVersion: state.version });
        state.status = 'reopened';
        state.version = r.version;
        return r;
      } finally {
        busy = false;
      }
    },
    {
      validator: (req) => {
        if (state.reportId === null)
          throw ApplicationFailure.create({
            type: 'ReportDrafting',
            message: 'The report is being drafted: try again shortly',
          });
        if (busy) throw ApplicationFailure.create({ type: 'ReportBusy', message: 'The report is changing: try again' });
        if (state.status !== 'submitted')
          throw ApplicationFailure.create({
            type: 'ReportNotSubmitted',
            message: 'Only a submitted report is reopened',
          });
        if (typeof req.reason !== 'string' || req.reason.trim().length === 0)
          throw ApplicationFailure.create({ type: 'InvalidInput', message: 'reason: a reason is required' });
      },
    },
  );

  const d = await acts.draftReport(input);
  state.reportId = d.reportId;
  state.version = d.version;
  state.status = d.status;
  state.dueAt = d.dueAt;
  state.escalated = d.escalated;
  state.overdue = d.escalated;

  // Review and submit, by the sending deadline.
  const submitted = () => state.status === 'submitted' && !busy;
  if (!submitted() && !state.escalated && patched('kntc-report-deadline-calendar-v1')) {
    // The deadline follows the calendar: on `reportDeadlineChanged` the stored deadline is read again and the timer
    // re-armed on it (a holiday added moves it later, one withdrawn earlier, possibly into the past: escalated now).
    for (;;) {
      const left = Math.max(1, Date.parse(state.dueAt!) - Date.now());
      const woke = await condition(() => submitted() || deadlineMoved, left);
      if (submitted()) break;
      if (deadlineMoved) {
        deadlineMoved = false;
        state.dueAt = (await acts.reportDeadline({ reportId: d.reportId })).dueAt;
        continue;
      }
      if (woke) continue;
      // The signal of a moved deadline may be lost (a retried fan-out) or come just after this timer: the stored
      // deadline is read again before escalating, and a later one re-arms the timer (ADR 0032, review fix).
      const recheck = patched('kntc-report-deadline-recheck-v1');
      if (recheck) {
        const stored = (await acts.reportDeadline({ reportId: d.reportId })).dueAt;
        if (Date.parse(stored) > Date.now()) {
          state.dueAt = stored;
          continue;
        }
      }
      const esc = await acts.escalateOverdueReport({
        reportId: d.reportId,
        ...(recheck ? { refuseBeforeDue: true } : {}),
      });
      if (recheck && esc.notDueUntil) {
        // Moved between the read and the mark (the store refuses a mark before the deadline).
        state.dueAt = esc.notDueUntil;
        continue;
      }
      state.overdue = true;
      state.escalated = true;
      if (esc.deliveries.length > 0 && esc.retry) await deliver(esc.deliveries, esc.retry);
      break;
    }
  } else if (!submitted() && !state.escalated) {
    const left = Math.max(1, Date.parse(d.dueAt) - Date.now());
    const inTime = await condition(submitted, left);
    if (!inTime) {
      const esc = await acts.escalateOverdueReport({ reportId: d.reportId });
      state.overdue = true;
      state.escalated = true;
      if (esc.deliveries.length > 0 && esc.retry) await deliver(esc.deliveries, esc.retry);
    }
  }
  // Submitted (or reopened and resubmitted) reports stay reopenable for a while after their last submission.
  for (;;) {
    await condition(() => submitted() || busy);
    if (busy) {
      await condition(() => !busy);
      continue;
    }
    const more = await condition(
      () => state.status !== 'submitted',
      Math.max(1, lastSubmittedAt + REOPENABLE_FOR_MS - Date.now()),
    );
    if (!more && !busy) return state;
  }
}

/** Delivers the escalation's messages like deliverNotificationWorkflow (ADR 0025): retried, then failed. */
async function deliver(
  ids: string[],
  retry: { initialIntervalMs: number; maximumIntervalMs: number; periodMs: number },
): Promise<void> {
  const send = proxyActivities<Pick<NotificationActivities, 'deliverNotification' | 'failNotificationDelivery'>>({
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: retry.periodMs,
    retry: {
      initialInterval: retry.initialIntervalMs,
      maximumInterval: retry.maximumIntervalMs,
      backoffCoefficient: 2,
    },
  });
  await Promise.all(
    ids.map(async (deliveryId) => {
      try {
        await send.deliverNotification({ deliveryId });
      } catch (err) {
        const reason = err instanceof ActivityFailure ? 'retry period ended' : String(err).slice(0, 300);
        await send.failNotificationDelivery({ deliveryId, reason }).catch(() => undefined);
      }
    }),
  );
}
