/**
 * Representative interpreter runs, used to record replay fixtures (scripts/record-histories.ts)
 * and as end-to-end tests (every element type of processes/examples/every-element.ts).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { benchTenSteps, everyElement } from '../../processes/examples/index.js';
import { completeTask, getCaseState, sendMessage, type CaseStateView, type ProcessResult } from '../../workflows/contract.js';
import type { JsonValue, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput, withWorker } from './process.js';

const child = (key: string, caseType: string): ProcessDefinitionInput => ({
  key, version: 1, name: key, caseType, effectiveFrom: '2026-01-01',
  nodes: [{ type: 'startEvent', id: 'start' }, { type: 'serviceTask', id: 'work', activity: 'noop' }, { type: 'endEvent', id: 'end', outcome: 'decided' }],
  flows: [{ id: 'f1', source: 'start', target: 'work' }, { id: 'f2', source: 'work', target: 'end' }],
});

/** Definitions call activities of the scenarios may start. */
export const SCENARIO_CHILDREN = [child('complaint-second', 'complaint_second'), child('petition', 'petition')];

const clockDef: ProcessDefinitionInput = {
  key: 'clock-breach', version: 1, name: 'Clock breach', caseType: 'complaint_first', effectiveFrom: '2026-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'userTask', id: 'verify', name: 'Verify', candidateRoles: ['inspector'], agencyScope: 'resolving' },
    {
      type: 'boundaryEvent', id: 'late', attachedTo: 'verify',
      trigger: { kind: 'timer', timer: { ruleId: 'acceptance', legalBasis: 'Luật Khiếu nại 2011 Art 27', amount: 10, unit: 'working_days', from: 'received', rungs: [{ name: 'reminder', daysBefore: 3 }] } },
    },
    { type: 'endEvent', id: 'endLate', outcome: 'late' }, { type: 'endEvent', id: 'end', outcome: 'verified' },
  ],
  flows: [{ id: 'f1', source: 'start', target: 'verify' }, { id: 'f2', source: 'verify', target: 'end' }, { id: 'f3', source: 'late', target: 'endLate' }],
};

const longDef: ProcessDefinitionInput = {
  key: 'long-case', version: 1, name: 'Long case', caseType: 'petition', effectiveFrom: '2026-01-01', variables: { counter: 0 },
  nodes: [
    { type: 'startEvent', id: 'start' },
    ...Array.from({ length: 8 }, (_, i) => ({ type: 'serviceTask' as const, id: `s${i}`, activity: 'benchStep', input: { counter: 'counter' }, output: { counter: 'counter' } })),
    { type: 'endEvent', id: 'end', outcome: 'done' },
  ],
  flows: Array.from({ length: 9 }, (_, i) => ({ id: `f${i}`, source: i === 0 ? 'start' : `s${i - 1}`, target: i === 8 ? 'end' : `s${i}` })),
};

/** Form data officers submit, by task node. */
const FORMS: Record<string, Record<string, JsonValue>> = {
  receive: { letterType: 'complaint', receivedOn: '2026-11-27' },
  verify: { findings: 'confirmed' },
};

/** Drives a case: completes open tasks, sends the scripted messages once their catcher waits. */
async function drive(env: TestWorkflowEnvironment, h: WorkflowHandle, caseId: string, messages: Record<string, string>, hold: string[]): Promise<ProcessResult> {
  const done = new Set<string>();
  const sent = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const s: CaseStateView = await h.query(getCaseState);
    if (s.status === 'completed') break;
    const t = s.openTasks.find((x) => !done.has(x.id) && !Object.values(messages).includes(x.nodeId) && !hold.includes(x.nodeId));
    if (t) {
      done.add(t.id);
      await h.executeUpdate(completeTask, { args: [{ caseId, taskId: t.id, data: FORMS[t.nodeId] ?? {} }] });
      continue;
    }
    const due = Object.entries(messages).find(([name, node]) => !sent.has(name) && s.currentNodes.some((n) => n.nodeId === node));
    if (due) {
      sent.add(due[0]);
      await h.executeUpdate(sendMessage, { args: [{ caseId, name: due[0] }] });
      continue;
    }
    // Waiting on timers only: skip a day at a time (h.result()'s auto-skipping can stall on the
    // Java test server while abandoned linked cases exist).
    if (s.openTasks.every((x) => hold.includes(x.nodeId)) && Object.keys(messages).length === sent.size) await env.sleep(86_400_000);
    else await new Promise((r) => setTimeout(r, 30));
  }
  // Fetch the result of a closed run only: result()'s auto time skipping can stall the Java test
  // server while linked cases are still running.
  for (let i = 0; i < 400 && (await h.describe()).status.name === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 25));
  return h.result();
}


export interface Scenario {
  name: string;
  /** Runs the case (worker stopped on return: query `state`, not the handles). */
  run(env: TestWorkflowEnvironment): Promise<{ result: ProcessResult; state: CaseStateView; handles: WorkflowHandle[] }>;
}

function scenario(name: string, def: ProcessDefinitionInput, messages: Record<string, string> = {}, options = {}, hold: string[] = []): Scenario {
  return {
    name,
    async run(env) {
      const now = await env.currentTimeMs();
      const received = new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);
      const input = processInput(def, { caseEvents: { received }, options });
      const { activities } = fakeActivities(SCENARIO_CHILDREN, {
        async recordAudit() { return {}; },
        async sendNotice() { return { id: 'notice-1' }; },
      });
      return withWorker(env, activities, async (taskQueue) => {
        const h = await env.client.workflow.start('processWorkflow', { taskQueue, workflowId: `case-${input.caseId}`, args: [input] });
        const result = await drive(env, h, input.caseId, messages, hold);
        const s = await h.query(getCaseState);
        const children = s.children.map((c) => env.client.workflow.getHandle(c.workflowId));
        // Poll (not result(): its auto time skipping can stall on the Java test server).
        for (const c of children) {
          for (let i = 0; i < 200 && (await c.describe()).status.name === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 25));
        }
        return { result, state: s, handles: [h, ...children] };
      });
    },
  };
}

/** The recorded scenarios (names are the fixture file names). */
export const SCENARIOS: Scenario[] = [
  scenario('bench-ten-steps', benchTenSteps),
  scenario('every-element-resolved', everyElement, { supplement: 'awaitSupplement' }),
  // Without a terminate end event, the parallel supplement branch still runs after a withdrawal.
  scenario('every-element-withdrawn', everyElement, { withdraw: 'verify', supplement: 'awaitSupplement' }),
  scenario('clock-breach', clockDef, {}, {}, ['verify']),
  scenario('continue-as-new', longDef, {}, { continueAsNewAfterEvents: 25 }),
];
