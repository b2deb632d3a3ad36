/**
 * agencyClosureWorkflow: moves every open case of a closed agency to its successor, in the background
 * (ADR 0024; the pattern of calendarFanOutWorkflow). The API closes the agency, stores the closure and
 * starts this workflow, then answers 202. Here the agency's open cases are read page by page from the
 * read model (an activity), each case workflow is sent {@link caseAgencyChanged} from this workflow
 * (durable: a restart resumes where it stopped), and each page is recorded by an activity that moves
 * the read model (`cases`, `case_states`, open tasks' target agency) and writes one audit entry per
 * case moved, with the admin who closed the agency as the actor. Large sets continue as new every
 * {@link CLOSURE_PAGES_PER_RUN} pages, carrying the cursor and the totals.
 */
import { continueAsNew, getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AgencyClosureActivities, ClosureActor } from '../activities/agency-closure.js';
import { caseAgencyChanged } from './directory-contract.js';

/** Cases moved per page. */
export const CLOSURE_PAGE_SIZE = 100;
/** Pages per run before continuing as new. */
export const CLOSURE_PAGES_PER_RUN = 10;

export interface AgencyClosureInput {
  /** Id of the `agency_closures` row. */
  closureId: string;
  agencyId: string;
  successorId: string;
  reason: string;
  actor: ClosureActor;
  pageSize?: number;
  /** Carried across continue-as-new. */
  after?: string;
  totals?: AgencyClosureTotals;
}

export interface AgencyClosureTotals {
  /** Cases moved to the successor (read model and audit). */
  moved: number;
  /** Of those, cases whose workflow was not running any more (nothing to tell). */
  skipped: number;
  pages: number;
}

const acts = proxyActivities<AgencyClosureActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** Moves the closed agency's open cases to its successor, page by page. */
export async function agencyClosureWorkflow(input: AgencyClosureInput): Promise<AgencyClosureTotals> {
  const pageSize = input.pageSize ?? CLOSURE_PAGE_SIZE;
  const totals: AgencyClosureTotals = { ...(input.totals ?? { moved: 0, skipped: 0, pages: 0 }) };
  let after = input.after ?? '';
  const message = {
    agencyId: input.successorId,
    fromAgencyId: input.agencyId,
    closureId: input.closureId,
    reason: input.reason,
  };
  for (let run = 0; ; run++) {
    if (run >= CLOSURE_PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof agencyClosureWorkflow>({ ...input, after, totals });
    }
    const page = await acts.agencyOpenCasesPage({ agencyId: input.agencyId, after, limit: pageSize });
    const told = await Promise.all(
      page.map((t) =>
        getExternalWorkflowHandle(t.workflowId)
          .signal(caseAgencyChanged, message)
          .then(
            () => true,
            () => false,
          ),
      ),
    );
    const done = page.length < pageSize;
    const r = await acts.recordAgencyClosurePage({
      closureId: input.closureId,
      agencyId: input.agencyId,
      successorId: input.successorId,
      reason: input.reason,
      actor: input.actor,
      cases: page,
      skipped: page.filter((_, i) => !told[i]).map((t) => t.caseId),
      done,
    });
    totals.moved += r.moved;
    totals.skipped += r.skipped;
    totals.pages += 1;
    if (done) return totals;
    after = page[page.length - 1]!.caseId;
  }
}
