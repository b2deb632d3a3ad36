/**
 * Property test on the real interpreter: random valid definitions (the engine's generator) run on
 * the time-skipping server until they complete; at every observed state, tokens rest only on
 * waiting elements and every open task has its token.
 */
import fc from 'fast-check';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTask, sendMessage, type CaseStateView } from '../../workflows/contract.js';
import { validateDefinition } from '../../workflows/engine/index.js';
import { WAITING } from '../../workflows/engine/runtime/index.js';
import { validDefinition } from '../unit/engine/random-definitions.js';
import { fakeActivities, processInput, until, withWorker } from '../support/process.js';
import { SCENARIO_CHILDREN } from '../support/scenarios.js';
import { timeSkippingEnv } from '../support/temporal.js';

function leaks(s: CaseStateView, typeOf: (id: string) => string): string[] {
  const out = s.currentNodes.filter((n) => !WAITING.has(typeOf(n.nodeId))).map((n) => `token on ${typeOf(n.nodeId)} '${n.nodeId}'`);
  const tokens = new Set(s.currentNodes.map((n) => n.tokenId));
  for (const t of s.openTasks) if (!tokens.has(t.tokenId)) out.push(`open task ${t.id} without token`);
  if (s.status !== 'starting' && (s.status === 'completed') !== (s.currentNodes.length === 0)) out.push(`status ${s.status} with ${s.currentNodes.length} tokens`);
  return out;
}

// Opt-in (KNTC_TEMPORAL_PROPERTY=1): after other files have moved the shared time-skipping
// server's clock, some random cases stall the server (a known limitation being investigated), and
// a stalled server breaks every later file on it. The same property runs on the pure runner in
// test/unit/runtime/runner.property.test.ts (400 cases) on every run.
describe.skipIf(!process.env.KNTC_TEMPORAL_PROPERTY)('processWorkflow on random valid definitions (fast-check, time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => { env = await timeSkippingEnv(); });
  afterAll(async () => { await env?.teardown(); });

  it('runs every definition to completion without leaking tokens', async () => {
    const { activities } = fakeActivities(SCENARIO_CHILDREN, { async doWork(i: { n?: number }) { return { n: i.n ?? 0 }; }, async audit() { return {}; } });
    await withWorker(env, activities, async (taskQueue) => {
      await fc.assert(fc.asyncProperty(validDefinition, async (def) => {
        const v = validateDefinition(def);
        if (!v.ok) throw new Error(JSON.stringify(v.errors));
        const typeOf = (id: string) => v.definition.nodes.find((n) => n.id === id)!.type;
        const now = await env.currentTimeMs();
        const input = processInput(def, { caseEvents: { received: new Date(now + 7 * 3_600_000).toISOString().slice(0, 10) }, options: { project: false } });
        const h = await env.client.workflow.start('processWorkflow', { taskQueue, workflowId: `case-${input.caseId}`, args: [input] });
        let s: CaseStateView = await until(env, h, () => true);
        for (let i = 0; i < 300 && s.status !== 'completed'; i++) {
          expect(leaks(s, typeOf)).toEqual([]);
          const task = s.openTasks[0];
          if (task) await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: task.id, data: { ok: true } }] });
          else if (s.currentNodes.some((n) => n.nodeId.startsWith('message'))) await h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'supplement' }] });
          else if (s.status === 'running' && s.currentNodes.length > 0 && s.currentNodes.every((n) => typeOf(n.nodeId) === 'intermediateCatchEvent' || n.nodeId.startsWith('call'))) await env.sleep(86_400_000);
          else await new Promise((r) => setTimeout(r, 20));
          s = await until(env, h, () => true);
          if (process.env.DEBUG_RANDOM) console.log(i, s.status, s.currentNodes.map((n) => n.nodeId).join(','), s.openTasks.length);
        }
        expect(s.status).toBe('completed');
        expect(leaks(s, typeOf)).toEqual([]);
      }), { numRuns: Number(process.env.RANDOM_RUNS ?? 12) });
    });
  });
});
