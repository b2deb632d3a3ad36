/**
 * Property test on the real interpreter: random valid definitions (the engine's generator) run on
 * the time-skipping server until they complete; at every observed state, tokens rest only on
 * waiting elements and every open task has its token.
 *
 * Call activities start linked cases, and the Java test server leaks a time-skipping lock for each
 * linked case that ends after its parent closed (see linkedCasesEndedAfterParent): after each case the
 * driver waits for its linked cases to close and releases what they leaked, so time keeps skipping
 * for the next cases and for later files on this server. Time is let pass (one skip to the next due
 * timer) only while the case is quiescent: every token rests on a timer and no linked case runs.
 */
import fc from 'fast-check';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTask, sendMessage, type CaseStateView } from '../../workflows/contract.js';
import { validateDefinition, type ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { WAITING } from '../../workflows/engine/runtime/index.js';
import { validDefinition } from '../unit/engine/random-definitions.js';
import {
  fakeActivities,
  linkedCasesEndedAfterParent,
  processInput,
  releaseStuckTimeLocks,
  skipTime,
  until,
  waitClosed,
  withWorker,
} from '../support/process.js';
import { SCENARIO_CHILDREN } from '../support/scenarios.js';
import { terminateWhenQuiet, timeSkippingEnv } from '../support/temporal.js';

function leaks(s: CaseStateView, typeOf: (id: string) => string): string[] {
  const out = s.currentNodes
    .filter((n) => !WAITING.has(typeOf(n.nodeId)))
    .map((n) => `token on ${typeOf(n.nodeId)} '${n.nodeId}'`);
  const tokens = new Set(s.currentNodes.map((n) => n.tokenId));
  for (const t of s.openTasks) if (!tokens.has(t.tokenId)) out.push(`open task ${t.id} without token`);
  if (s.status !== 'starting' && (s.status === 'completed') !== (s.currentNodes.length === 0))
    out.push(`status ${s.status} with ${s.currentNodes.length} tokens`);
  return out;
}

const DAY = 86_400_000;
const debug = (...a: unknown[]) => {
  if (process.env.DEBUG_RANDOM) console.log(new Date().toISOString(), ...a);
};

describe('processWorkflow on random valid definitions (fast-check, time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  }); // releases time locks earlier files left
  afterAll(async () => {
    await env?.teardown();
  });

  it('a linked case that ends after its parent leaks a time lock; once released, time skips again', async () => {
    const def = {
      key: 'fire-and-forget',
      version: 1,
      name: 'Fire and forget',
      caseType: 'petition',
      effectiveFrom: '2026-07-01',
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'callActivity', id: 'call', calledKey: 'petition', wait: false },
        { type: 'endEvent', id: 'end', outcome: 'done' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'call' },
        { id: 'f2', source: 'call', target: 'end' },
      ],
    } as ProcessDefinitionInput;
    const { activities } = fakeActivities(SCENARIO_CHILDREN);
    await withWorker(env, activities, async (taskQueue) => {
      const input = processInput(def, { options: { project: false } });
      const h = await env.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      const s = await until(
        env,
        h,
        (x) => x.status === 'completed' && x.children.length === 1,
        'case completed after starting its linked case',
      );
      await waitClosed(env, [h.workflowId, s.children[0]!.workflowId]);
      // The parent closes before its linked case ends (almost always): the server kept that child's lock.
      const suspects = await linkedCasesEndedAfterParent(env, [h.workflowId]);
      debug('linked cases ended after their parent:', suspects);
      expect(await releaseStuckTimeLocks(env, { max: suspects })).toBe(suspects);
      await skipTime(env, 7 * DAY, 5_000);
    });
  });

  it('runs every definition to completion without leaking tokens', async () => {
    const { activities } = fakeActivities(SCENARIO_CHILDREN, {
      async doWork(i: { n?: number }) {
        return { n: i.n ?? 0 };
      },
      async audit() {
        return {};
      },
    });
    await withWorker(env, activities, async (taskQueue) => {
      await fc.assert(
        fc.asyncProperty(validDefinition, async (def) => {
          const v = validateDefinition(def);
          if (!v.ok) throw new Error(JSON.stringify(v.errors));
          const typeOf = (id: string) => v.definition.nodes.find((n) => n.id === id)!.type;
          const isTimer = (id: string) => {
            const n = v.definition.nodes.find((x) => x.id === id)!;
            return n.type === 'intermediateCatchEvent' && n.trigger.kind === 'timer';
          };
          // Other files on this server have moved its clock: the case is received on its "today".
          const now = await env.currentTimeMs();
          const input = processInput(def, {
            caseEvents: { received: new Date(now + 7 * 3_600_000).toISOString().slice(0, 10) },
            options: { project: false },
          });
          debug('case', input.caseId, JSON.stringify(def));
          const h: WorkflowHandle = await env.client.workflow.start('processWorkflow', {
            taskQueue,
            workflowId: `case-${input.caseId}`,
            args: [input],
          });
          let s: CaseStateView = await until(env, h, () => true);
          try {
            for (let i = 0; i < 300 && s.status !== 'completed'; i++) {
              expect(leaks(s, typeOf)).toEqual([]);
              debug(i, s.status, s.currentNodes.map((n) => n.nodeId).join(','), s.openTasks.length);
              const task = s.openTasks[0];
              if (task)
                await h.executeUpdate(completeTask, {
                  args: [{ caseId: input.caseId, taskId: task.id, data: { ok: true } }],
                });
              else if (s.currentNodes.some((n) => n.nodeId.startsWith('message')))
                await h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'supplement' }] });
              else if (
                s.status === 'running' &&
                s.currentNodes.length > 0 &&
                s.currentNodes.every((n) => isTimer(n.nodeId))
              ) {
                // Quiescent: only timers wait. Linked cases must have closed before time is unlocked.
                await waitClosed(
                  env,
                  s.children.map((c) => c.workflowId),
                );
                const t = await env.currentTimeMs();
                const due = s.nextDueAt === null ? t + DAY : Date.parse(s.nextDueAt);
                debug('skip from', new Date(t).toISOString(), 'to', s.nextDueAt);
                await skipTime(env, Math.min(Math.max(due - t + 1000, 1000), 30 * DAY));
                debug('skipped to', new Date(await env.currentTimeMs()).toISOString());
              } else await new Promise((r) => setTimeout(r, 20));
              s = await until(env, h, () => true);
            }
            expect(s.status, JSON.stringify(s.currentNodes)).toBe('completed');
            expect(leaks(s, typeOf)).toEqual([]);
            // Nothing of this case keeps running or holds time on the shared server.
            await waitClosed(env, [h.workflowId, ...s.children.map((c) => c.workflowId)]);
            const suspects = await linkedCasesEndedAfterParent(env, [h.workflowId]);
            if (suspects > 0)
              debug(
                'released',
                await releaseStuckTimeLocks(env, { max: suspects }),
                'of',
                suspects,
                'possibly leaked time lock(s)',
              );
          } finally {
            // A failed case must not stay running: its timers would fire on a dead task queue later.
            // Children first, each once quiet (a termination under an in-flight activity leaks its time lock).
            for (const id of [...s.children.map((c) => c.workflowId), h.workflowId]) {
              const handle = env.client.workflow.getHandle(id);
              await terminateWhenQuiet(handle, 'property test case ended').catch(() =>
                handle.terminate('property test case ended').catch(() => undefined),
              );
            }
          }
        }),
        {
          numRuns: Number(process.env.RANDOM_RUNS ?? 20),
          ...(process.env.RANDOM_SEED ? { seed: Number(process.env.RANDOM_SEED), path: process.env.RANDOM_PATH } : {}),
        },
      );
    });
    // The cases left the server as they found it: time still skips for the files after this one.
    expect(await releaseStuckTimeLocks(env)).toBe(0);
  });
});
