/**
 * Representative interpreter runs, used to record replay fixtures (scripts/record-histories.ts)
 * and as end-to-end tests (every element type of processes/examples/every-element.ts).
 */
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { caseEventsFor, complaintFirstV2 } from '../../processes/builtin/index.js';
import { benchTenSteps, everyElement, expertOpinion, withdrawalTerminates } from '../../processes/examples/index.js';
import { addDays, VN_ZONE } from '../../workflows/clock/index.js';
import {
  completeTask,
  getCaseState,
  sendMessage,
  type CaseStateView,
  type ProcessResult,
  type SendMessageRequest,
  type ServiceTaskContext,
} from '../../workflows/contract.js';
import type { JsonValue, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { vnDate } from '../../workflows/engine/runtime/index.js';
import { fakeActivities, processInput, skipTime, withWorker } from './process.js';
import { closedStatus, terminateWhenQuiet } from './temporal.js';

const child = (key: string, caseType: string): ProcessDefinitionInput => ({
  key,
  version: 1,
  name: key,
  caseType,
  effectiveFrom: '2026-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'serviceTask', id: 'work', activity: 'noop' },
    { type: 'endEvent', id: 'end', outcome: 'decided' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'work' },
    { id: 'f2', source: 'work', target: 'end' },
  ],
});

/** Definitions call activities of the scenarios may start. */
export const SCENARIO_CHILDREN = [child('complaint-second', 'complaint_second'), child('petition', 'petition')];

const clockDef: ProcessDefinitionInput = {
  key: 'clock-breach',
  version: 1,
  name: 'Clock breach',
  caseType: 'complaint_first',
  effectiveFrom: '2026-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'userTask', id: 'verify', name: 'Verify', candidateRoles: ['inspector'], agencyScope: 'resolving' },
    {
      type: 'boundaryEvent',
      id: 'late',
      attachedTo: 'verify',
      trigger: {
        kind: 'timer',
        timer: {
          ruleId: 'acceptance',
          legalBasis: 'Luật Khiếu nại 2011 Art 27',
          amount: 10,
          unit: 'working_days',
          from: 'received',
          rungs: [{ name: 'reminder', daysBefore: 3 }],
        },
      },
    },
    { type: 'endEvent', id: 'endLate', outcome: 'late' },
    { type: 'endEvent', id: 'end', outcome: 'verified' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'verify' },
    { id: 'f2', source: 'verify', target: 'end' },
    { id: 'f3', source: 'late', target: 'endLate' },
  ],
};

const longDef: ProcessDefinitionInput = {
  key: 'long-case',
  version: 1,
  name: 'Long case',
  caseType: 'petition',
  effectiveFrom: '2026-01-01',
  variables: { counter: 0 },
  nodes: [
    { type: 'startEvent', id: 'start' },
    ...Array.from({ length: 8 }, (_, i) => ({
      type: 'serviceTask' as const,
      id: `s${i}`,
      activity: 'benchStep',
      input: { counter: 'counter' },
      output: { counter: 'counter' },
    })),
    { type: 'endEvent', id: 'end', outcome: 'done' },
  ],
  flows: Array.from({ length: 9 }, (_, i) => ({
    id: `f${i}`,
    source: i === 0 ? 'start' : `s${i - 1}`,
    target: i === 8 ? 'end' : `s${i}`,
  })),
};

/** Form data officers submit, by task node. */
const FORMS: Record<string, Record<string, JsonValue>> = {
  receive: { letterType: 'complaint', receivedOn: '2026-11-27' },
  verify: { findings: 'confirmed' },
};

/** Drives a case: completes open tasks, sends the scripted messages once their catcher waits. */
async function drive(
  env: TestWorkflowEnvironment,
  h: WorkflowHandle,
  caseId: string,
  messages: Record<string, string>,
  hold: string[],
): Promise<ProcessResult> {
  const done = new Set<string>();
  const sent = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const s: CaseStateView = await h.query(getCaseState);
    if (s.status === 'completed') break;
    const t = s.openTasks.find(
      (x) => !done.has(x.id) && !Object.values(messages).includes(x.nodeId) && !hold.includes(x.nodeId),
    );
    if (t) {
      done.add(t.id);
      await h.executeUpdate(completeTask, { args: [{ caseId, taskId: t.id, data: FORMS[t.nodeId] ?? {} }] });
      continue;
    }
    const due = Object.entries(messages).find(
      ([name, node]) => !sent.has(name) && s.currentNodes.some((n) => n.nodeId === node),
    );
    if (due) {
      sent.add(due[0]);
      await h.executeUpdate(sendMessage, { args: [{ caseId, name: due[0] }] });
      continue;
    }
    // Waiting on timers only: skip a day at a time (h.result()'s auto-skipping can stall on the
    // Java test server while abandoned linked cases exist). A skip a leaked time lock stalls fails
    // within a minute saying so, instead of sleeping a real day until the test times out.
    if (s.openTasks.every((x) => hold.includes(x.nodeId)) && Object.keys(messages).length === sent.size)
      await skipTime(env, 86_400_000, 60_000);
    else await new Promise((r) => setTimeout(r, 30));
  }
  // Fetch the result of a closed run only: result()'s auto time skipping can stall the Java test
  // server while linked cases are still running.
  for (let i = 0; i < 400 && (await h.describe()).status.name === 'RUNNING'; i++)
    await new Promise((r) => setTimeout(r, 25));
  return h.result();
}

export interface Scenario {
  name: string;
  /** Runs the case (worker stopped on return: query `state`, not the handles). */
  run(
    env: TestWorkflowEnvironment,
  ): Promise<{ result: ProcessResult; state: CaseStateView; handles: WorkflowHandle[] }>;
}

function scenario(
  name: string,
  def: ProcessDefinitionInput,
  messages: Record<string, string> = {},
  options = {},
  hold: string[] = [],
): Scenario {
  return {
    name,
    async run(env) {
      const now = await env.currentTimeMs();
      const received = new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);
      const input = processInput(def, { caseEvents: { received }, options });
      const { activities } = fakeActivities(SCENARIO_CHILDREN, {
        async recordAudit() {
          return {};
        },
        async sendNotice() {
          return { id: 'notice-1' };
        },
      });
      return withWorker(env, activities, async (taskQueue) => {
        const h = await env.client.workflow.start('processWorkflow', {
          taskQueue,
          workflowId: `case-${input.caseId}`,
          args: [input],
        });
        const result = await drive(env, h, input.caseId, messages, hold);
        const s = await h.query(getCaseState);
        const children = s.children.map((c) => env.client.workflow.getHandle(c.workflowId));
        // Poll (not result(): its auto time skipping can stall on the Java test server).
        for (const c of children) {
          for (let i = 0; i < 200 && (await c.describe()).status.name === 'RUNNING'; i++)
            await new Promise((r) => setTimeout(r, 25));
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

// ---- recorded-only scenarios: terminate, cancelled linked cases, a built-in lifecycle ----------

/** A run whose histories are recorded (scripts/record-histories.ts); `summary` is printed. */
export interface Recording {
  name: string;
  record(env: TestWorkflowEnvironment): Promise<{ summary: string; handles: WorkflowHandle[] }>;
}

const sleepReal = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the case state until `pred` holds (closed runs answer queries too). */
async function waitState(h: WorkflowHandle, pred: (s: CaseStateView) => boolean, what: string): Promise<CaseStateView> {
  for (let i = 0; i < 800; i++) {
    const s: CaseStateView = await h.query(getCaseState);
    if (pred(s)) return s;
    await sleepReal(25);
  }
  throw new Error(
    `${h.workflowId}: timed out waiting for ${what}: ${JSON.stringify((await h.query(getCaseState)).currentNodes)}`,
  );
}

/** Moves the time-skipping server to `day` at `time` (Vietnam). */
async function sleepUntilDay(env: TestWorkflowEnvironment, day: string, time = '09:00:00'): Promise<void> {
  const target = DateTime.fromISO(`${day}T${time}`, { zone: VN_ZONE }).toMillis();
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

/**
 * In-memory stand-ins of the built-in lifecycle activities (activities/lifecycle.ts) with the same
 * result shapes, so the recorded histories carry what the real ones return; ids are deterministic.
 */
export function fakeLifecycleActivities() {
  const today = () => {
    try {
      return vnDate(Context.current().info.currentAttemptScheduledTimestampMs);
    } catch {
      return vnDate(Date.now());
    }
  };
  const key = (ctx?: ServiceTaskContext) => `${ctx?.nodeId ?? 'x'}:${ctx?.tokenId ?? 'x'}`;
  const date = (v: JsonValue | undefined) =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null;
  return {
    async recordCaseEvent(input: Record<string, JsonValue>, _ctx?: ServiceTaskContext) {
      return { event: String(input.event), on: date(input.on) ?? today() };
    },
    async recordDocument(input: Record<string, JsonValue>, ctx?: ServiceTaskContext) {
      const type = String(input.type ?? input.kind);
      return { documentId: `doc-${key(ctx)}`, type, kind: type };
    },
    async setCaseFlag(input: Record<string, JsonValue>, _ctx?: ServiceTaskContext) {
      return { flag: String(input.flag), value: input.value === undefined ? true : input.value };
    },
    async recordNotification(input: Record<string, JsonValue>, ctx?: ServiceTaskContext) {
      const to = input.to ?? input.recipients;
      return {
        notificationId: `ntf-${key(ctx)}`,
        to: Array.isArray(to) ? to.filter((x) => typeof x === 'string') : [],
      };
    },
    async recordWarning(input: Record<string, JsonValue>, _ctx?: ServiceTaskContext) {
      return { warning: typeof input.message === 'string' ? input.message.slice(0, 1000) : 'warning' };
    },
  };
}

/** Starts the withdrawal-terminates fixture and waits until verification and the linked case's task are open. */
async function startWithLinkedCase(env: TestWorkflowEnvironment, taskQueue: string) {
  const received = vnDate(await env.currentTimeMs());
  const input = processInput(withdrawalTerminates, { caseEvents: { received }, variables: { receivedOn: received } });
  const h = await env.client.workflow.start('processWorkflow', {
    taskQueue,
    workflowId: `case-${input.caseId}`,
    args: [input],
  });
  const s = await waitState(
    h,
    (x) => x.openTasks.length === 1 && x.children.length === 1,
    'verification open, linked case started',
  );
  const child = env.client.workflow.getHandle(s.children[0]!.workflowId);
  await waitState(child, (x) => x.openTasks.length === 1, 'linked case task open');
  return { input, h, child };
}

function withLinkedCase(
  name: string,
  act: (env: TestWorkflowEnvironment, c: Awaited<ReturnType<typeof startWithLinkedCase>>) => Promise<string>,
): Recording {
  return {
    name,
    async record(env) {
      const { activities } = fakeActivities([expertOpinion]);
      return withWorker(env, activities, async (taskQueue) => {
        const c = await startWithLinkedCase(env, taskQueue);
        const summary = await act(env, c);
        return { summary, handles: [c.h, c.child] };
      });
    },
  };
}

/** Withdrawal reaches the terminate end event: the case completes `withdrawn`, its linked case is cancelled. */
const terminated = withLinkedCase('withdrawal-terminates', async (_env, { input, h, child }) => {
  await h.executeUpdate(sendMessage, { args: [{ caseId: input.caseId, name: 'withdraw' }] });
  const [parent, linked] = [await closedStatus(h), await closedStatus(child)];
  if (parent !== 'COMPLETED' || linked !== 'CANCELLED')
    throw new Error(`withdrawal-terminates: case ${parent}, linked case ${linked}`);
  return `case ${parent} (${(await h.query(getCaseState)).outcome}), linked case ${linked}`;
});

/** The interrupting 15-day boundary timer on the call activity cancels the linked case; the case is decided without it. */
const consultTimedOut = withLinkedCase('withdrawal-terminates-consult-timeout', async (env, { input, h, child }) => {
  await env.sleep(16 * 86_400_000);
  const s = await waitState(
    h,
    (x) => x.children[0]?.status === 'cancelled',
    'linked case cancelled by the boundary timer',
  );
  if ((await closedStatus(child)) !== 'CANCELLED') throw new Error('linked case not cancelled');
  await h.executeUpdate(completeTask, {
    args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: { findings: 'confirmed' } }],
  });
  const d = await waitState(h, (x) => x.openTasks[0]?.nodeId === 'decide', 'decision task open');
  await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: d.openTasks[0]!.id, data: {} }] });
  const status = await closedStatus(h);
  return `case ${status} (${(await h.query(getCaseState)).outcome}), linked case CANCELLED`;
});

/** A Temporal cancellation of the case: it ends CANCELLED cleanly and cancels the linked case it waits for. */
const cancelled = withLinkedCase('withdrawal-terminates-cancelled', async (_env, { h, child }) => {
  await h.cancel();
  const [parent, linked] = [await closedStatus(h), await closedStatus(child)];
  if (parent !== 'CANCELLED' || linked !== 'CANCELLED')
    throw new Error(`cancelled: case ${parent}, linked case ${linked}`);
  return `case ${parent} (${(await h.query(getCaseState)).status}), linked case ${linked}`;
});

/**
 * Built-in complaint-first v2 (the law from 01/07/2026): acceptance completed *without* case events,
 * so `accepted` is dated by the recordCaseEvent result (patch kntc-case-events-from-activity-v1) and
 * K3 (30 days, Luật Khiếu nại 2011 Art 28) is armed from it; a suspension (KN Art 11a as amended) and
 * its resumption; an extension the law refuses (beyond K3's 15 days for a complex case: rejected by
 * the sendMessage validator, never in history); the K3 breach (escalation, overdue, K6/K7 windows);
 * then a full withdrawal and the termination decision (KN Art 10/11a). The case is terminated through
 * Temporal at the end (the 1-year K7 window would keep it open).
 */
const complaintFirstBreach: Recording = {
  name: 'complaint-first-v2-breach',
  async record(env) {
    const { activities } = fakeActivities([], fakeLifecycleActivities());
    return withWorker(env, activities, async (taskQueue) => {
      const { t, h, settled, complete, send } = await startComplaintFirst(env, taskQueue);

      await complete('accept', { acceptanceDecision: 'accept', acceptanceNoticeOn: t, acceptedOn: t }, false);
      const armed = await settled((x) => x.openTasks.some((o) => o.nodeId === 'verify'), 'verification open');
      const k3 = armed.clocks.find((c) => c.ruleId === 'K3');
      if (armed.caseEvents.accepted !== t || !k3?.due)
        throw new Error(`K3 not armed from the recorded acceptance: ${JSON.stringify(armed.caseEvents)}`);

      await sleepUntilDay(env, addDays(t, 9));
      const s9 = addDays(t, 9);
      await send({ name: 'suspend', date: s9, variables: { suspensionGround: 'awaiting_other_body' } });
      await complete('suspension.decision.issue', {
        suspension_decision_issuedOn: s9,
        suspension_decision_number: '01/QĐ-TĐC',
        suspensionGround: 'awaiting_other_body',
      });
      await complete('suspension.decision.send', {
        suspension_decision_sentOn: s9,
        suspension_decision_recipientRefs: ['complainant_or_representative'],
      });
      const r21 = addDays(t, 21);
      await sleepUntilDay(env, r21);
      await send({ name: 'resume', date: r21 });
      await complete('continuation.decision.issue', {
        continuation_decision_issuedOn: r21,
        continuation_decision_number: '02/QĐ-TTC',
      });
      await complete('continuation.decision.send', {
        continuation_decision_sentOn: r21,
        continuation_decision_recipientRefs: ['complainant_or_representative'],
      });
      const refused = await send({ name: 'extend', date: r21, amount: 30, ruleId: 'K3' }).then(
        () => 'accepted',
        (e: unknown) => String((e as { cause?: { message?: string } }).cause?.message ?? e),
      );
      if (!/^Refused/.test(refused)) throw new Error(`an extension of 30 days was not refused: ${refused}`);
      const due = (
        await settled((x) => x.openTasks.some((o) => o.nodeId === 'verify'), 'verification open')
      ).clocks.find((c) => c.ruleId === 'K3')!.due!;

      await sleepUntilDay(env, addDays(due, 1));
      const breached = await settled(
        (x) => x.openTasks.some((o) => o.nodeId === 'breach.headReview'),
        'breach escalation',
      );
      if (!breached.flags.overdue) throw new Error('the breach did not flag the case overdue');
      await complete('breach.headReview', { overdueAction: 'direct_resolution' });
      const w = addDays(due, 2);
      await sleepUntilDay(env, w);
      await send({ name: 'withdraw', date: w });
      await complete('termination.issue', {
        termination_issuedOn: w,
        termination_number: '03/QĐ-ĐC',
        terminationGround: 'full_withdrawal',
      });
      await complete('termination.send', {
        termination_sentOn: w,
        termination_recipientRefs: ['complainant_or_representative'],
      });
      const end = await h.query(getCaseState);
      const left = `${end.status}${end.outcome ? ` (${end.outcome})` : ''}; open tasks [${end.openTasks.map((o) => o.nodeId).join(', ')}], clocks [${end.clocks.map((c) => c.ruleId ?? c.nodeId).join(', ')}]`;
      await terminateWhenQuiet(h, 'recording done'); // once quiet: a termination under an in-flight activity leaks its time lock
      return {
        summary: `K3 due ${k3.due} → ${due} after a 12-day suspension; extension refused (${refused.slice(0, 50)}…); breach flagged overdue; after the termination decision: ${left}`,
        handles: [h],
      };
    });
  },
};

/**
 * Starts a complaint-first v2 case received today (server time) and returns its steps through
 * Updates, each waiting until no service task is in flight (as the API's callers see it).
 */
async function startComplaintFirst(env: TestWorkflowEnvironment, taskQueue: string) {
  const t = vnDate(await env.currentTimeMs());
  const input = processInput(complaintFirstV2, {
    agencyId: 'ubnd-xa-test',
    caseEvents: { received: t },
    variables: { receivedOn: t },
  });
  const h = await env.client.workflow.start('processWorkflow', {
    taskQueue,
    workflowId: `case-${input.caseId}`,
    args: [input],
  });
  const def = input.definition;
  const busy = (s: CaseStateView) =>
    s.currentNodes.some((n) => def.nodes.find((x) => x.id === n.nodeId)?.type === 'serviceTask');
  const settled = (pred: (s: CaseStateView) => boolean, what: string) => waitState(h, (s) => !busy(s) && pred(s), what);
  const complete = async (nodeId: string, data: Record<string, JsonValue>, withCaseEvents = true) => {
    const s = await settled((x) => x.openTasks.some((o) => o.nodeId === nodeId), `open task ${nodeId}`);
    const task = s.openTasks.find((o) => o.nodeId === nodeId)!;
    await h.executeUpdate(completeTask, {
      args: [
        {
          caseId: input.caseId,
          taskId: task.id,
          data,
          caseEvents: withCaseEvents ? caseEventsFor(def, nodeId, data) : {},
        },
      ],
    });
    await settled(() => true, `after ${nodeId}`);
  };
  const send = async (req: Omit<SendMessageRequest, 'caseId'>) => {
    const r = await h.executeUpdate(sendMessage, {
      args: [
        {
          caseId: input.caseId,
          decision: `${req.name}-${req.date}`,
          ...req,
          variables: { eventOn: req.date ?? t, ...(req.variables ?? {}) },
        },
      ],
    });
    await settled(() => true, `after ${req.name}`);
    return r;
  };
  return { t, h, settled, complete, send };
}

/**
 * Built-in complaint-first v2 and a stay of execution (K17, Luật Khiếu nại 2011 Art 35; TT 07/2013
 * Art 17(2)): K3 extended by 15 days (complex case, KN Art 28) before the stay is decided, so the
 * stay's lift clock (K17_K3, which follows K3) is armed with that extension; a suspension and its
 * resumption move both; the stay is lifted, then the case is terminated through Temporal.
 */
const complaintFirstStay: Recording = {
  name: 'complaint-first-v2-stay',
  async record(env) {
    const { activities } = fakeActivities([], fakeLifecycleActivities());
    return withWorker(env, activities, async (taskQueue) => {
      const { t, h, settled, complete, send } = await startComplaintFirst(env, taskQueue);
      const dues = (s: CaseStateView) =>
        Object.fromEntries(
          s.clocks.filter((c) => c.ruleId === 'K3' || c.ruleId === 'K17_K3').map((c) => [c.ruleId!, c.due]),
        );

      await complete('accept', { acceptanceDecision: 'accept', acceptanceNoticeOn: t, acceptedOn: t });
      await sleepUntilDay(env, addDays(t, 5));
      await send({ name: 'extend', date: addDays(t, 5), amount: 15, ruleId: 'K3' });
      await sleepUntilDay(env, addDays(t, 6));
      await send({ name: 'stayExecution', date: addDays(t, 6) });
      await complete('stay.decision.issue', {
        stay_decision_issuedOn: addDays(t, 6),
        stay_decision_number: '04/QĐ-TĐCTH',
      });
      await complete('stay.decision.send', {
        stay_decision_sentOn: addDays(t, 7),
        stay_decision_recipientRefs: ['complainant_or_representative', 'respondent'],
      });
      const armed = dues(await settled((x) => x.openTasks.some((o) => o.nodeId === 'stay.lift'), 'stay lift open'));
      if (!armed.K3 || armed.K17_K3 !== armed.K3)
        throw new Error(`K17_K3 not armed with K3's extension: ${JSON.stringify(armed)}`);
      await sleepUntilDay(env, addDays(t, 9));
      await send({ name: 'suspend', date: addDays(t, 9), variables: { suspensionGround: 'awaiting_other_body' } });
      await sleepUntilDay(env, addDays(t, 14));
      await send({ name: 'resume', date: addDays(t, 14) });
      const moved = dues(await settled(() => true, 'resumed'));
      if (moved.K17_K3 !== moved.K3 || moved.K3 === armed.K3)
        throw new Error(`K17_K3 did not move with K3: ${JSON.stringify(moved)}`);
      await complete('stay.lift', { stayLiftedOn: addDays(t, 15), stayLiftDecisionRef: '05/QĐ-HB' });
      const end = await settled((x) => !x.openTasks.some((o) => o.nodeId === 'stay.lift'), 'stay lifted');
      await terminateWhenQuiet(h, 'recording done');
      return {
        summary: `K3 and K17_K3 due ${armed.K3} (extended before the stay), then ${moved.K3} after a 5-day suspension; stay lifted; open: [${end.openTasks.map((o) => o.nodeId).join(', ')}]`,
        handles: [h],
      };
    });
  },
};

/**
 * Built-in complaint-first v2, an extension entered after K3 ran out (ADR 0018; patch
 * kntc-late-legal-events-v1): the K3 breach escalates (head's review, K6/K7 windows); an extension
 * of 15 days dated within K3 (complex case, KN Art 28), entered after it, moves K3 past the day it
 * is entered: the breach is superseded (the head's review and the windows cancelled, the overdue
 * flag cleared, the supersession handler runs); then the complexity determination is recorded and
 * the case is terminated through Temporal.
 */
const complaintFirstLateExtension: Recording = {
  name: 'complaint-first-v2-late-extension',
  async record(env) {
    const { activities } = fakeActivities([], fakeLifecycleActivities());
    return withWorker(env, activities, async (taskQueue) => {
      const { t, h, settled, complete, send } = await startComplaintFirst(env, taskQueue);
      await complete('accept', { acceptanceDecision: 'accept', acceptanceNoticeOn: t, acceptedOn: t });
      const due = (
        await settled((x) => x.openTasks.some((o) => o.nodeId === 'verify'), 'verification open')
      ).clocks.find((c) => c.ruleId === 'K3')!.due!;
      await sleepUntilDay(env, addDays(due, 3));
      const breached = await settled(
        (x) => x.openTasks.some((o) => o.nodeId === 'breach.headReview'),
        'breach escalation',
      );
      if (!breached.flags.overdue) throw new Error('the breach did not flag the case overdue');
      const r = await send({ name: 'extend', date: addDays(t, 20), amount: 15, ruleId: 'K3' });
      if (r.breachesSuperseded !== 1 || r.clocksChanged !== 1)
        throw new Error(`the late extension did not supersede the breach: ${JSON.stringify(r)}`);
      const moved = await settled(
        (x) => !x.openTasks.some((o) => o.nodeId === 'breach.headReview') && x.flags.overdue === false,
        'breach superseded',
      );
      const k3 = moved.clocks.find((c) => c.ruleId === 'K3' && c.purpose === 'due')?.due;
      await complete('complexity', {
        complexityCriteria: ['b_several_contents'],
        complexityDeterminationRef: '07/QĐ-XĐPT',
        complexityDeterminedOn: addDays(t, 20),
      });
      const end = await settled(() => true, 'complexity recorded');
      await terminateWhenQuiet(h, 'recording done');
      return {
        summary: `K3 due ${due} breached; extension dated ${addDays(t, 20)} entered on ${addDays(due, 3)}: K3 due ${k3}, breach superseded; open: [${end.openTasks.map((o) => o.nodeId).join(', ')}]`,
        handles: [h],
      };
    });
  },
};

/** Every recorded run: the scenarios above plus the recorded-only ones. */
export const RECORDINGS: Recording[] = [
  ...SCENARIOS.map((s): Recording => ({
    name: s.name,
    async record(env) {
      const { result, handles } = await s.run(env);
      return { summary: `outcome ${result.outcome}`, handles };
    },
  })),
  terminated,
  consultTimedOut,
  cancelled,
  complaintFirstBreach,
  complaintFirstStay,
  complaintFirstLateExtension,
];
