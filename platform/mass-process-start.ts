/**
 * The start of a mass-matter process's workflow (ADR 0036): from the input the API built when it wrote the
 * process's `cases` row, or, when that start was lost (a crash between the commit and the start), from the row
 * itself — by the API's reads and by the reconciler the worker runs on a Temporal Schedule
 * (workflows/mass-process-reconcile.ts). One function, so both starts are the same start.
 */
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { startedByMemo, startWorkflowOnce } from './start-once.js';
import type { DefinitionRecord } from '../db/definitions.js';
import type { Db } from '../db/knex.js';
import { caseWorkflowId, PROCESS_WORKFLOW, SA, type ProcessInput } from '../workflows/contract.js';
import type { JsonValue } from '../workflows/engine/index.js';

/** The case types of the mass-matter processes (processes/builtin/mass.ts). */
const PROCESS_TYPES = ['delegation', 'central_gathering'];

/** Start options of a process's workflow: the case's workflow id, its search attributes. */
export function massProcessStartOptions(
  input: ProcessInput,
  receivedAt: string,
  taskQueue: string,
): WorkflowStartOptions<(i: ProcessInput) => Promise<unknown>> {
  return {
    workflowId: caseWorkflowId(input.caseId),
    taskQueue,
    args: [input],
    typedSearchAttributes: [
      { key: SA.caseType, value: input.caseType },
      { key: SA.agencyId, value: input.agencyId! },
      { key: SA.stage, value: 'received' },
      { key: SA.receivedAt, value: new Date(receivedAt) },
    ],
  };
}

/** What a process's workflow starts with, from its `cases` row; undefined when the row is not a process's. */
export async function storedProcessInput(
  db: Db,
  caseId: string,
  definition: (key: string, version: number, hash: string) => Promise<Pick<DefinitionRecord, 'content'> | undefined>,
): Promise<{ input: ProcessInput; receivedAt: string } | undefined> {
  const r = await db('cases').where({ id: caseId }).whereIn('case_type', PROCESS_TYPES).first<
    | {
        case_type: string;
        agency_id: string;
        reference: string;
        received_at: Date;
        definition_key: string;
        definition_version: number;
        definition_hash: string;
        details: { variables?: Record<string, JsonValue> } | null;
      }
    | undefined
  >('case_type', 'agency_id', 'reference', 'received_at', 'definition_key', 'definition_version', 'definition_hash', 'details');
  if (!r) return undefined;
  const variables = { ...(r.details?.variables ?? {}), reference: r.reference } as Record<string, JsonValue>;
  if (typeof variables.receivedOn !== 'string') return undefined;
  const def = await definition(r.definition_key, r.definition_version, r.definition_hash);
  if (!def) return undefined;
  const pin = { key: r.definition_key, version: r.definition_version, hash: r.definition_hash as `sha256:${string}` };
  return {
    receivedAt: r.received_at.toISOString(),
    input: {
      caseId,
      caseType: r.case_type,
      agencyId: r.agency_id,
      reference: r.reference,
      definition: def.content,
      pin: { ...pin, label: `${pin.key}@${pin.version}+${pin.hash}` },
      variables,
      caseEvents: { received: variables.receivedOn },
    },
  };
}

/** Memo of a start the reconciler made (`startedBy`): read back should its audit entry not have committed. */
export const RECONCILER_MEMO = { startedBy: 'mass-process-reconcile' } as const;

/**
 * Starts a process's workflow once ever: a running or closed workflow of the case is left alone (never a second
 * run). Answers whether this call started it. `memo` is stored on the run it starts.
 */
export async function startProcessOnce(
  client: Client,
  taskQueue: string,
  p: { input: ProcessInput; receivedAt: string },
  memo?: Record<string, string>,
): Promise<boolean> {
  return startWorkflowOnce(client, PROCESS_WORKFLOW, {
    ...massProcessStartOptions(p.input, p.receivedAt, taskQueue),
    ...(memo ? { memo } : {}),
  });
}

/** Whether the case's workflow run was started by the reconciler (its memo). */
export function startedByReconciler(client: Client, caseId: string): Promise<boolean> {
  return startedByMemo(client, caseWorkflowId(caseId), RECONCILER_MEMO);
}

/**
 * Process rows never projected (their workflow has not run a step: no `case_states` row) and written at least
 * `olderThanMs` ago, oldest first.
 */
export async function unprojectedProcesses(db: Db, olderThanMs: number, limit = 500): Promise<string[]> {
  const rows = await db('cases as c')
    .where('c.channel', 'mass_matter')
    .whereIn('c.case_type', PROCESS_TYPES)
    .where('c.updated_at', '<', new Date(Date.now() - olderThanMs))
    .whereNotExists((b) => b.select(1).from('case_states as s').whereRaw('s.case_id = c.id'))
    .orderBy([{ column: 'c.received_at' }, { column: 'c.id' }])
    .limit(limit)
    .select<Array<{ id: string }>>('c.id');
  return rows.map((r) => r.id);
}
