/**
 * Telling open cases that the calendar changed. Each open case workflow receives the
 * `calendarChanged` signal; it refetches its calendar, recomputes its clocks, re-arms its timers and
 * records the old and new due dates in its own history and audit trail. Here we only find the
 * cases, send the message and keep a record per case (`calendar_notifications`) so an admin can see
 * how many cases were told and an auditor which ones.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createCalendarStore } from '../db/calendar.js';
import type { Db } from '../db/knex.js';
import { calendarChanged, type CalendarChanged } from '../workflows/calendar-contract.js';

/** Workflow type of the case interpreter (the engine's `processWorkflow`). */
export const DEFAULT_CASE_WORKFLOW_TYPES: readonly string[] = ['processWorkflow'];

/** The change to announce: the signal payload plus the stored row it came from. */
export interface CalendarChange extends CalendarChanged {
  /** `seq` of the stored entry version (the notification record references it). */
  readonly entrySeq: number;
}

/** Input of {@link notifyCalendarChange}. */
export interface NotifyCalendarChangeInput {
  readonly client: Client;
  readonly db: Db;
  readonly change: CalendarChange;
  /** Workflow types whose running executions are cases (default `processWorkflow`). */
  readonly workflowTypes?: readonly string[];
  /** Also signal workflows of cases the read model holds as open (default true). */
  readonly includeReadModel?: boolean;
  /** Signals in flight at once (default 16). */
  readonly concurrency?: number;
  /** Where failed signals are reported. */
  readonly logger?: { warn(obj: object, msg: string): void };
}

/** Outcome of {@link notifyCalendarChange}. */
export interface NotifyCalendarChangeResult {
  /** Cases (workflows) that received the message and were recorded. */
  readonly notified: number;
  /** Workflow ids found open in the read model but no longer running (skipped). */
  readonly skipped: readonly string[];
  /** Workflow ids whose signal failed for another reason (logged; the admin can re-send). */
  readonly failed: readonly string[];
}

interface Target {
  workflowId: string;
  caseId: string | null;
}

/** `case-<id>` → `<id>`; other ids carry no case id. */
function caseIdOf(workflowId: string): string | null {
  return workflowId.startsWith('case-') ? workflowId.slice('case-'.length) : null;
}

async function runningCases(client: Client, types: readonly string[]): Promise<Target[]> {
  if (types.length === 0) return [];
  const typeClause = types.map((t) => `WorkflowType = ${JSON.stringify(t)}`).join(' OR ');
  const query = `ExecutionStatus = "Running" AND (${typeClause})`;
  const out: Target[] = [];
  for await (const wf of client.workflow.list({ query })) {
    out.push({ workflowId: wf.workflowId, caseId: caseIdOf(wf.workflowId) });
  }
  return out;
}

async function openCasesInReadModel(db: Db): Promise<Target[]> {
  const rows = await db('cases').select<{ id: string; workflow_id: string }[]>('id', 'workflow_id').where('status', 'open');
  return rows.map((r) => ({ workflowId: r.workflow_id, caseId: r.id }));
}

/**
 * Find every open case (Temporal visibility: running executions of the case workflow types; and the
 * read model's open cases) and send each the `calendarChanged` signal, recording one
 * `calendar_notifications` row per case. Idempotent per (workflow, entry version): re-running after
 * a partial failure signals again (the workflow ignores a version it has applied) and records once.
 *
 * Every open case is told, not only those whose clocks cover `changedDates`: only the workflow knows
 * its clocks (including suspensions and extensions), and telling it costs one signal.
 */
export async function notifyCalendarChange(input: NotifyCalendarChangeInput): Promise<NotifyCalendarChangeResult> {
  const { client, db, change } = input;
  const store = createCalendarStore(db);
  const found = [
    ...(await runningCases(client, input.workflowTypes ?? DEFAULT_CASE_WORKFLOW_TYPES)),
    ...(input.includeReadModel === false ? [] : await openCasesInReadModel(db)),
  ];
  const targets = new Map<string, Target>();
  for (const t of found) {
    const prev = targets.get(t.workflowId);
    targets.set(t.workflowId, { workflowId: t.workflowId, caseId: prev?.caseId ?? t.caseId });
  }
  const payload: CalendarChanged = {
    version: change.version,
    changedDates: [...change.changedDates],
    entryId: change.entryId,
    reason: change.reason,
  };

  let notified = 0;
  const skipped: string[] = [];
  const failed: string[] = [];
  const queue = [...targets.values()];
  const worker = async (): Promise<void> => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      try {
        await client.workflow.getHandle(t.workflowId).signal(calendarChanged, payload);
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) skipped.push(t.workflowId);
        else {
          failed.push(t.workflowId);
          input.logger?.warn({ err: e, workflowId: t.workflowId }, 'calendarChanged signal failed');
        }
        continue;
      }
      await store.recordNotification({
        caseId: t.caseId,
        workflowId: t.workflowId,
        entrySeq: change.entrySeq,
        entryId: change.entryId,
        version: change.version,
        changedDates: payload.changedDates as string[],
      });
      notified += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency ?? 16, queue.length)) }, worker));
  return { notified, skipped, failed };
}
