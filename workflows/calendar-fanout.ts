/**
 * calendarFanOutWorkflow: tells every open case about one calendar change, in the background
 * (issue 11.5), and first moves the sending deadline of the reports not submitted yet (ADR 0032). The API stores the change and starts this workflow, then answers at once; here the
 * open cases are read page by page from the read model (an activity), each is sent the
 * `calendarChanged` signal from the workflow itself (durable: a worker or server restart resumes
 * where it stopped), and each page's outcome is recorded (an activity: `calendar_notifications`
 * rows and the counters `GET /v1/admin/calendar/changes/:id` reads). Large sets continue as new
 * every {@link PAGES_PER_RUN} pages, carrying the cursor and the totals.
 */
import { continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CalendarFanOutActivities } from '../activities/calendar-fanout.js';
import type { ReportActivities } from '../activities/reports.js';
import { calendarChanged, type CalendarChanged } from './calendar-contract.js';
import { reportDeadlineChanged } from './report-contract.js';

/** Cases signalled per page (two history events each). */
export const FANOUT_PAGE_SIZE = 100;
/** Pages per run before continuing as new (keeps each run's history near 2,500 events). */
export const PAGES_PER_RUN = 10;

/** Input of {@link calendarFanOutWorkflow}. */
export interface CalendarFanOutInput {
  /** Id of the `calendar_changes` row. */
  changeId: string;
  /** Stored entry version the change wrote. */
  entrySeq: number;
  /** The signal every open case receives. */
  change: CalendarChanged;
  pageSize?: number;
  /** Carried across continue-as-new: the last case id done, and the totals so far. */
  after?: string;
  totals?: CalendarFanOutTotals;
}

/** What the fan-out did. */
export interface CalendarFanOutTotals {
  notified: number;
  /** Cases the read model held open whose workflow was not running any more. */
  skipped: number;
  pages: number;
  /** Reports awaiting their first submission whose sending deadline moved (ADR 0032). */
  reports?: number;
}

const acts = proxyActivities<CalendarFanOutActivities & Pick<ReportActivities, 'recomputeReportDeadlines'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** Signals every open case about a calendar change, page by page. */
export async function calendarFanOutWorkflow(input: CalendarFanOutInput): Promise<CalendarFanOutTotals> {
  const pageSize = input.pageSize ?? FANOUT_PAGE_SIZE;
  const totals: CalendarFanOutTotals = { ...(input.totals ?? { notified: 0, skipped: 0, pages: 0 }) };
  let after = input.after ?? '';
  // First, in the first run: the sending deadlines of the reports not submitted yet follow the calendar (their
  // stored deadline moved, then each report workflow re-arms its timer on it).
  if (input.after === undefined && input.totals === undefined && patched('kntc-calendar-fanout-reports-v1')) {
    const moved = await acts.recomputeReportDeadlines({
      change: { entryId: input.change.entryId, version: input.change.version, reason: input.change.reason },
    });
    await Promise.all(
      moved.map((r) =>
        getExternalWorkflowHandle(r.workflowId)
          .signal(reportDeadlineChanged)
          .catch(() => undefined),
      ),
    );
    totals.reports = moved.length;
  }
  for (let run = 0; ; run++) {
    if (run >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof calendarFanOutWorkflow>({ ...input, after, totals });
    }
    const page = await acts.openCasesPage({ after, limit: pageSize });
    const outcomes = await Promise.all(
      page.map((t) =>
        getExternalWorkflowHandle(t.workflowId)
          .signal(calendarChanged, input.change)
          .then(
            () => true,
            () => false,
          ),
      ),
    );
    const notified = page.filter((_, i) => outcomes[i]);
    const skipped = page.filter((_, i) => !outcomes[i]).map((t) => t.workflowId);
    const done = page.length < pageSize;
    totals.notified += notified.length;
    totals.skipped += skipped.length;
    totals.pages += 1;
    await acts.recordCalendarFanOutPage({
      changeId: input.changeId,
      entrySeq: input.entrySeq,
      change: input.change,
      notified,
      skipped,
      done,
    });
    if (done) return totals;
    after = page[page.length - 1]!.caseId;
  }
}
