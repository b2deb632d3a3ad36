/**
 * Helpers for interpreter workflow tests: pin a definition, build the workflow input, run a
 * worker with fake activities on the time-skipping server.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createGenericActivities } from '../../activities/process.js';
import { buildCalendar } from '../../calendar/index.js';
import type { CaseStateView, ProcessInput, ProjectCaseStateInput } from '../../workflows/contract.js';
import { getCaseState } from '../../workflows/contract.js';
import { formatPin, pinDefinition, validateDefinition, type ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { uniqueQueue, workflowBundle } from './temporal.js';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';

/** Validates and pins a definition; throws on invalid test fixtures. */
export function pinned(d: ProcessDefinitionInput): Pick<ProcessInput, 'definition' | 'pin'> {
  const v = validateDefinition(d);
  if (!v.ok) throw new Error(`invalid fixture ${d.key}: ${v.errors.map((e) => e.message).join('; ')}`);
  const pin = pinDefinition(v.definition);
  return { definition: v.definition, pin: { ...pin, label: formatPin(pin) } };
}

/** A process input for a fresh case. */
export function processInput(d: ProcessDefinitionInput, extra: Partial<ProcessInput> = {}): ProcessInput {
  return { caseId: randomUUID(), caseType: d.caseType, agencyId: 'so-tnmt', caseEvents: { received: '2026-11-27' }, ...pinned(d), ...extra };
}

/** Fake activities: generic ones, calendar from the seed, projections recorded in memory. */
export function fakeActivities(definitions: ProcessDefinitionInput[] = [], overrides: Record<string, unknown> = {}) {
  const projected: ProjectCaseStateInput[] = [];
  const activities = {
    ...createGenericActivities(),
    async getCalendarSnapshot(r: { from: string; to: string }) { return buildCalendar(r); },
    async resolveDefinition(q: { key: string; on: string }) {
      const d = definitions.find((x) => x.key === q.key);
      if (!d) throw new Error(`no fixture ${q.key}`);
      return pinned(d);
    },
    async projectCaseState(p: ProjectCaseStateInput) { projected.push(p); return { applied: true }; },
    ...overrides,
  };
  return { activities, projected };
}

/** Runs `fn` with a worker on a fresh queue. */
export async function withWorker<T>(env: TestWorkflowEnvironment, activities: object, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueQueue('proc');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

/** Polls the case state until `pred` holds (time-skipping sleeps between polls). */
export async function until(env: TestWorkflowEnvironment, h: WorkflowHandle, pred: (s: CaseStateView) => boolean, what = 'condition'): Promise<CaseStateView> {
  for (let i = 0; i < 200; i++) {
    // A query can hang on the Java test server while a run is being continued-as-new: retry it.
    const s = await Promise.race([h.query(getCaseState), new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000))]);
    if (s && pred(s)) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify((await h.query(getCaseState)).currentNodes)}`);
}
