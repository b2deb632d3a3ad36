/**
 * Raw Temporal histories of a case, for auditors: every run of its workflow id's continue-as-new
 * chain, in order, as the JSON Temporal itself uses (`temporal workflow show -o json`).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';

/** One run of a workflow execution chain. */
export interface RunHistory {
  runId: string;
  workflowType: string | null;
  history: History;
}

/** Format tag of the export body (`runs[].history` is Temporal's own history JSON). */
export const HISTORY_EXPORT_FORMAT = 'kntc-flow.history-export/v1';

/** Safety bound on the chain length (a case continues-as-new every ~10k events). */
export const MAX_RUNS = 1000;

function nextRunId(h: History): string | undefined {
  const last = h.events?.[h.events.length - 1];
  if (!last) return undefined;
  // Continue-as-new, and also retries and cron runs, name the run that follows.
  const next =
    last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ??
    last.workflowExecutionFailedEventAttributes?.newExecutionRunId ??
    last.workflowExecutionTimedOutEventAttributes?.newExecutionRunId ??
    last.workflowExecutionCompletedEventAttributes?.newExecutionRunId;
  return next || undefined;
}

/**
 * Every run of `workflowId`'s current execution chain, first to latest. The latest run's started
 * event names the chain's first run; each run's closing event names the next. An id Temporal does
 * not know (never started, or past the namespace's retention) gives `[]`.
 */
export async function fetchRunChain(client: Client, workflowId: string, maxRuns = MAX_RUNS): Promise<RunHistory[]> {
  let latestRunId: string;
  let workflowType: string | null;
  let latest: History;
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    latestRunId = d.runId;
    workflowType = d.type ?? null;
    // Fetch by run id so that a run started between the two calls cannot mix in.
    latest = await client.workflow.getHandle(workflowId, latestRunId).fetchHistory();
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return [];
    throw e;
  }
  const firstRunId = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId || latestRunId;
  const runs: RunHistory[] = [];
  let runId: string | undefined = firstRunId;
  while (runId && runId !== latestRunId && runs.length < maxRuns - 1) {
    const h: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const started = h.events?.[0]?.workflowExecutionStartedEventAttributes;
    runs.push({ runId, workflowType: started?.workflowType?.name ?? workflowType, history: h });
    runId = nextRunId(h);
  }
  runs.push({ runId: latestRunId, workflowType, history: latest });
  return runs;
}

/**
 * The export body as a JSON string. Each history is serialised by Temporal's own `historyToJSON`
 * and spliced in as is (no re-parse of possibly large histories).
 */
export function historyExportJson(
  meta: { caseId: string; workflowId: string; exportedAt: string },
  runs: readonly RunHistory[],
): string {
  const head = JSON.stringify({ format: HISTORY_EXPORT_FORMAT, ...meta, retained: runs.length > 0 });
  const items = runs.map((r) => {
    const m = JSON.stringify({ runId: r.runId, workflowType: r.workflowType, events: r.history.events?.length ?? 0 });
    return `${m.slice(0, -1)},"history":${historyToJSON(r.history)}}`;
  });
  return `${head.slice(0, -1)},"runs":[${items.join(',')}]}`;
}

/** A history file as the CLI and the API accept it: Temporal's history JSON, or an export body. */
export interface HistoryFileEntry {
  workflowId?: string;
  runId?: string;
  history: unknown;
}

/** The histories inside a parsed JSON document (an export body, a raw history, or an array of either). */
export function historiesInDocument(doc: unknown): HistoryFileEntry[] {
  if (Array.isArray(doc)) return doc.flatMap(historiesInDocument);
  if (!doc || typeof doc !== 'object') throw new Error('not a history: expected a JSON object');
  const o = doc as Record<string, unknown>;
  if (Array.isArray(o.runs)) {
    return o.runs.map((r: Record<string, unknown>) => ({
      workflowId: typeof o.workflowId === 'string' ? o.workflowId : undefined,
      runId: typeof r.runId === 'string' ? r.runId : undefined,
      history: r.history,
    }));
  }
  if (Array.isArray(o.events)) return [{ history: o }];
  throw new Error('not a history: expected `events` (Temporal history JSON) or `runs` (history export)');
}
