/**
 * Cases whose workflow task keeps failing (ADR 0017): found through Temporal (visibility lists the
 * running case workflows, DescribeWorkflowExecution shows the attempt of the pending workflow task),
 * counted in `/metrics` (`kntc_cases_stuck`), listed for admins and reset by them to before the bad
 * input (Temporal's ResetWorkflowExecution through the workflow service).
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
// A CommonJS package: Node's ESM loader (npm start) sees only its default export.
import protoPkg from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';

const { WorkflowExecutionStatus, ResetReapplyType } = protoPkg.temporal.api.enums.v1;

type Long = NonNullable<temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest['workflowTaskFinishEventId']>;
import type { Db } from '../db/knex.js';
import { createCaseStateStore } from '../db/case-states.js';
import { createCaseStore } from '../db/cases.js';
import { setStuckCasesProbe } from '../platform/metrics.js';
import { getCaseState, PROCESS_WORKFLOW, type ProjectCaseStateInput } from '../workflows/contract.js';

/** A workflow task that failed this many times in a row (the first try included) marks its case stuck. */
export const STUCK_MIN_ATTEMPTS = 3;
/** Running case workflows described per scan at most (the oldest first are not favoured: visibility order). */
const SCAN_LIMIT = 5000;
const DESCRIBE_CONCURRENCY = 8;
/** A failure message shown to admins is cut to this length (it names the problem, not the data). */
const MESSAGE_MAX = 500;

export interface StuckCase {
  caseId: string;
  reference: string;
  caseType: string;
  agencyId: string;
  workflowId: string;
  runId: string;
  /** Attempt of the pending workflow task (failed attempts + 1). */
  attempts: number;
  /** When the failing workflow task was first scheduled. */
  failingSince: string | null;
  /** The last workflow-task failure recorded in the history, if any. */
  lastFailure: string | null;
  /** Event id of the last accepted Update (what `before: 'last-update'` resets to before). */
  lastUpdateEventId: number | null;
}

interface Deps {
  db: Db;
  temporal: Client;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const iso = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null =>
  t && t.seconds !== undefined && t.seconds !== null
    ? new Date(num(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString()
    : null;

async function pool<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

async function historyOf(deps: Deps, workflowId: string, runId: string): Promise<HistoryEvent[]> {
  return (await deps.temporal.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
}

/** The last workflow-task failure message and the last accepted Update of a history. */
function failureAndUpdate(events: readonly HistoryEvent[]): {
  lastFailure: string | null;
  lastUpdateEventId: number | null;
} {
  let lastFailure: string | null = null;
  let lastUpdateEventId: number | null = null;
  for (const e of events) {
    const failed = e.workflowTaskFailedEventAttributes;
    if (failed) lastFailure = (failed.failure?.message ?? 'workflow task failed').slice(0, MESSAGE_MAX);
    if (e.workflowExecutionUpdateAcceptedEventAttributes) lastUpdateEventId = num(e.eventId);
  }
  return { lastFailure, lastUpdateEventId };
}

/**
 * The stuck cases among the running case workflows, optionally only those of `agencies`. Visibility
 * is eventually consistent and a describe is one call per running case: meant for an admin list and
 * a gauge refreshed at most every {@link GAUGE_TTL_MS}, not for a hot path.
 */
export async function findStuckCases(
  deps: Deps,
  opts: { agencies?: readonly string[]; minAttempts?: number } = {},
): Promise<StuckCase[]> {
  const minAttempts = opts.minAttempts ?? STUCK_MIN_ATTEMPTS;
  const running: Array<{ workflowId: string; runId: string }> = [];
  for await (const w of deps.temporal.workflow.list({
    query: `WorkflowType = '${PROCESS_WORKFLOW}' AND ExecutionStatus = 'Running'`,
  })) {
    running.push({ workflowId: w.workflowId, runId: w.runId });
    if (running.length >= SCAN_LIMIT) break;
  }
  if (running.length === 0) return [];
  const rows = await createCaseStore(deps.db).byWorkflowIds(
    running.map((r) => r.workflowId),
    opts.agencies,
  );
  const byWorkflow = new Map(rows.map((r) => [r.workflow_id, r]));
  const namespace = deps.temporal.options.namespace;
  const described = await pool(
    running.filter((r) => byWorkflow.has(r.workflowId)),
    DESCRIBE_CONCURRENCY,
    async (r) => {
      try {
        const d = await deps.temporal.workflowService.describeWorkflowExecution({
          namespace,
          execution: { workflowId: r.workflowId, runId: r.runId },
        });
        const pending = d.pendingWorkflowTask;
        return {
          ...r,
          attempts: pending ? num(pending.attempt) : 0,
          since: iso(pending?.originalScheduledTime ?? pending?.scheduledTime),
        };
      } catch {
        return { ...r, attempts: 0, since: null }; // closed or gone meanwhile
      }
    },
  );
  const stuck = described.filter((d) => d.attempts >= minAttempts);
  return pool(stuck, DESCRIBE_CONCURRENCY, async (s) => {
    const c = byWorkflow.get(s.workflowId)!;
    const { lastFailure, lastUpdateEventId } = failureAndUpdate(await historyOf(deps, s.workflowId, s.runId));
    return {
      caseId: c.id,
      reference: c.reference,
      caseType: c.case_type,
      agencyId: c.agency_id,
      workflowId: s.workflowId,
      runId: s.runId,
      attempts: s.attempts,
      failingSince: s.since,
      lastFailure,
      lastUpdateEventId,
    };
  });
}

/** How long the gauge's last count is reused (a scrape does not rescan Temporal every time). */
export const GAUGE_TTL_MS = 30_000;

/** Feeds `kntc_cases_stuck` from {@link findStuckCases} (every agency), cached {@link GAUGE_TTL_MS}. */
export function registerStuckCasesGauge(deps: Deps): void {
  let cached: { at: number; count: number } | undefined;
  setStuckCasesProbe(async () => {
    if (cached && Date.now() - cached.at < GAUGE_TTL_MS) return cached.count;
    const count = (await findStuckCases(deps)).length;
    cached = { at: Date.now(), count };
    return count;
  });
}

/** Why a reset cannot be done: an HTTP status, a problem code and the detail. */
export class ResetRefused extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ResetRequest {
  /** The WorkflowTaskCompleted event to reset to (the workflow task it ends runs again without what followed). */
  eventId?: number | undefined;
  /** `last-update`: to the workflow task that accepted the last Update, so that Update is dropped. */
  before?: 'last-update' | undefined;
  /** Signals after the reset point (calendar changes, linked cases' completions) are kept; Updates never. Default true. */
  reapplySignals?: boolean | undefined;
}

export interface ResetResult {
  previousRunId: string;
  runId: string;
  /** The WorkflowTaskCompleted event reset to. */
  eventId: number;
  /** The Update dropped (`before: 'last-update'`), if any. */
  droppedUpdateEventId: number | null;
  /** The failure the case was stuck on, if it was. */
  lastFailure: string | null;
}

/** The projection sequence of the last `projectCaseState` scheduled before event `before` (0 if none). */
function projectionSeqBefore(client: Client, events: readonly HistoryEvent[], before: number): number {
  let seq = 0;
  for (const e of events) {
    if (num(e.eventId) >= before) break;
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name !== 'projectCaseState') continue;
    const payload = a.input?.payloads?.[0];
    if (!payload) continue;
    const arg = client.options.loadedDataConverter.payloadConverter.fromPayload<{ seq?: number }>(payload);
    if (typeof arg?.seq === 'number') seq = arg.seq;
  }
  return seq;
}

/**
 * Resets a running case workflow to before its bad input (ADR 0017): Temporal's
 * ResetWorkflowExecution to a WorkflowTaskCompleted event — given, or the one whose workflow task
 * accepted the last Update — with Updates after it not reapplied (the bad one among them; the
 * officer enters the corrected one again) and signals reapplied unless `reapplySignals: false`.
 * The read model is set back to the reset point (its projection sequence included, so the new
 * run's projections apply) and refreshed from the new run's state. The reason stays in the audit
 * log; Temporal's history gets only a reference to the request (no free text from the caller).
 */
export async function resetCase(
  deps: Deps,
  c: { id: string; workflowId: string; caseType: string; agencyId: string },
  req: ResetRequest,
  requestId: string,
): Promise<ResetResult> {
  const namespace = deps.temporal.options.namespace;
  let described;
  try {
    described = await deps.temporal.workflowService.describeWorkflowExecution({
      namespace,
      execution: { workflowId: c.workflowId },
    });
  } catch {
    throw new ResetRefused(404, 'not-found', `The workflow of case ${c.id} does not exist`);
  }
  const runId = described.workflowExecutionInfo?.execution?.runId ?? '';
  if (described.workflowExecutionInfo?.status !== WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
    throw new ResetRefused(409, 'case-not-running', `Case ${c.id} is not running: only a running case is reset`);
  }
  const events = await historyOf(deps, c.workflowId, runId);
  const { lastFailure, lastUpdateEventId } = failureAndUpdate(events);
  const completed = events.filter((e) => e.workflowTaskCompletedEventAttributes).map((e) => num(e.eventId));
  let eventId: number;
  let droppedUpdateEventId: number | null = null;
  if (req.before === 'last-update') {
    if (lastUpdateEventId === null)
      throw new ResetRefused(409, 'nothing-to-reset', `Case ${c.id} has accepted no Update in its current run`);
    const wft = completed.filter((id) => id < lastUpdateEventId).at(-1);
    if (wft === undefined)
      throw new ResetRefused(409, 'nothing-to-reset', `No workflow task before the last Update of case ${c.id}`);
    eventId = wft;
    droppedUpdateEventId = lastUpdateEventId;
  } else {
    eventId = req.eventId!;
    if (!completed.includes(eventId)) {
      throw new ResetRefused(
        422,
        'invalid-reset-point',
        `eventId: ${eventId} is not a WorkflowTaskCompleted event of the case's current run (those are ${completed.slice(-10).join(', ')}${completed.length > 10 ? ', ...' : ''})`,
      );
    }
  }
  const projectionSeq = projectionSeqBefore(deps.temporal, events, eventId);
  const reset: temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse =
    await deps.temporal.workflowService.resetWorkflowExecution({
      // int64 field: protobufjs takes a JS number for it (event ids stay far below 2^53).
      namespace,
      workflowExecution: { workflowId: c.workflowId, runId },
      workflowTaskFinishEventId: eventId as unknown as Long,
      requestId: randomUUID(),
      reason: `kntc admin reset (request ${requestId}; reason in the audit log)`,
      resetReapplyType:
        req.reapplySignals === false
          ? ResetReapplyType.RESET_REAPPLY_TYPE_NONE
          : ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL,
    });
  const newRunId = reset.runId ?? '';
  await refreshReadModel(deps, c, newRunId, projectionSeq);
  return { previousRunId: runId, runId: newRunId, eventId, droppedUpdateEventId, lastFailure };
}

/** Sets the read model to the new run's state at the reset point's projection sequence. */
async function refreshReadModel(
  deps: Deps,
  c: { id: string; workflowId: string; caseType: string; agencyId: string },
  runId: string,
  seq: number,
): Promise<void> {
  let state: ProjectCaseStateInput['state'] | undefined;
  for (let i = 0; i < 100 && !state; i++) {
    try {
      state = await deps.temporal.workflow.getHandle(c.workflowId, runId).query(getCaseState);
    } catch {
      await new Promise((r) => setTimeout(r, 100)); // the new run's first workflow task is still running
    }
  }
  await createCaseStateStore(deps.db).restoreProjection({
    caseId: c.id,
    seq,
    caseType: c.caseType,
    agencyId: c.agencyId,
    ...(state ? { state } : {}),
  });
}
