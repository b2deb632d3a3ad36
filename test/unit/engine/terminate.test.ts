/**
 * Pure runner tests of the terminate end event, interrupted call activities (orphaned linked
 * cases), case cancellation, and the search attribute updates the interpreter derives from state.
 */
import { describe, expect, it } from 'vitest';
import { withdrawalTerminates } from '../../../processes/examples/index.js';
import { SA } from '../../../workflows/contract.js';
import {
  validateDefinition,
  type ProcessDefinition,
  type ProcessDefinitionInput,
} from '../../../workflows/engine/index.js';
import { buildRunGraph, buildView, initialState, Runner } from '../../../workflows/engine/runtime/index.js';
import { searchAttributeUpdates } from '../../../workflows/interpreter-support.js';
import { buildCalendar } from '../../../calendar/index.js';
import { leaks } from '../runtime/invariants.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-07-01T02:00:00Z');

function valid(d: ProcessDefinitionInput): ProcessDefinition {
  const v = validateDefinition(d);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.definition;
}

/** Starts a case and links a (pretend) child case to the call-activity token, as the workflow does. */
function started(def: ProcessDefinition): Runner {
  const state = initialState({}, { received: '2026-07-01' });
  state.calendar = buildCalendar({ from: '2026-06-01', to: '2027-12-31' });
  const r = new Runner(buildRunGraph(def), state);
  r.now = T0;
  r.start();
  const token = r.tokens.find((t) => t.nodeId === 'consult')!;
  token.childWorkflowId = 'case-child-1';
  r.state.children.push({
    nodeId: 'consult',
    tokenId: token.id,
    workflowId: 'case-child-1',
    caseId: 'child-1',
    calledKey: 'expert-opinion',
    wait: true,
    status: 'running',
  });
  return r;
}

const nodeName = (def: ProcessDefinition) => (id: string) => def.nodes.find((n) => n.id === id)?.name ?? id;

describe('terminate end event', () => {
  const def = valid(withdrawalTerminates);

  it('ends the whole case: other tokens, tasks, timers and clocks cancelled; outcome recorded', () => {
    const r = started(def);
    expect(r.tokens.map((t) => t.nodeId).sort()).toEqual(['consult', 'verify']);
    expect(r.state.timers.map((t) => t.purpose).sort()).toEqual(['boundary', 'due']);
    r.now = T0 + DAY;
    expect(r.deliverMessage('withdraw')).toBe(1);
    expect(r.state).toMatchObject({
      status: 'completed',
      outcome: 'withdrawn',
      outcomes: ['withdrawn'],
      terminatedBy: 'endWithdrawn',
      tokens: [],
      timers: [],
    });
    expect(r.state.tasks.map((t) => [t.nodeId, t.status])).toEqual([['verify', 'cancelled']]);
    expect(r.state.joins).toEqual({});
    expect(r.nextDueMs()).toBeUndefined();
    const types = r.state.history.map((e) => e.type);
    expect(types.slice(types.indexOf('end_reached'))).toEqual([
      'end_reached',
      'cancelled',
      'process_terminated',
      'process_completed',
    ]);
    expect(r.state.history.filter((e) => e.type === 'cancelled').map((e) => [e.nodeId, e.detail!.reason])).toEqual([
      ['verify', 'interrupted'],
      ['consult', 'terminated'],
    ]);
    expect(leaks(r)).toEqual([]);
    const view = buildView('c1', 'pin', r.state, nodeName(def));
    expect(view).toMatchObject({
      status: 'completed',
      outcome: 'withdrawn',
      terminatedBy: 'endWithdrawn',
      stage: 'completed:withdrawn',
      openTasks: [],
      clocks: [],
      nextDueAt: null,
    });
  });

  it('reports the waited-for linked case as orphaned, once', () => {
    const r = started(def);
    expect(r.orphanedChildren()).toEqual([]);
    r.deliverMessage('withdraw');
    expect(r.orphanedChildren().map((l) => l.workflowId)).toEqual(['case-child-1']);
    expect(r.cancelOrphanedChildren().map((l) => l.workflowId)).toEqual(['case-child-1']);
    expect(r.state.children[0]!.status).toBe('cancelled');
    expect(r.state.history.at(-1)).toMatchObject({
      type: 'child_cancelled',
      nodeId: 'consult',
      detail: { workflowId: 'case-child-1' },
    });
    expect(r.cancelOrphanedChildren()).toEqual([]);
  });

  it('a plain end event in the same place ends only its branch (contrast)', () => {
    const plain = valid({
      ...withdrawalTerminates,
      nodes: withdrawalTerminates.nodes.map((n) =>
        n.id === 'endWithdrawn' ? { type: 'endEvent', id: 'endWithdrawn', outcome: 'withdrawn' } : n,
      ),
    });
    const r = started(plain);
    r.deliverMessage('withdraw');
    expect(r.state.status).toBe('running');
    expect(r.tokens.map((t) => t.nodeId)).toEqual(['consult']);
    expect(r.orphanedChildren()).toEqual([]);
  });

  it('terminates even when reached from the start (pending parallel work is dropped)', () => {
    const d = valid({
      key: 'instant',
      version: 1,
      name: 'Instant',
      caseType: 'petition',
      effectiveFrom: '2026-01-01',
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'parallelGateway', id: 'fork' },
        { type: 'userTask', id: 'a', name: 'A', candidateRoles: ['x'], agencyScope: 'receiving' },
        { type: 'endEvent', id: 'stop', outcome: 'stopped', terminate: true },
        { type: 'endEvent', id: 'end', outcome: 'done' },
      ],
      flows: [
        { id: 'f0', source: 'start', target: 'fork' },
        { id: 'f1', source: 'fork', target: 'a' },
        { id: 'f2', source: 'fork', target: 'stop' },
        { id: 'f3', source: 'a', target: 'end' },
      ],
    });
    const r = new Runner(buildRunGraph(d), initialState({}, {}));
    r.start();
    expect(r.state).toMatchObject({ status: 'completed', outcome: 'stopped', outcomes: ['stopped'], tokens: [] });
    expect(r.state.tasks.every((t) => t.status === 'cancelled')).toBe(true);
    expect(leaks(r)).toEqual([]);
  });

  it('validation accepts only terminate: true and names the element otherwise', () => {
    const bad = {
      ...withdrawalTerminates,
      nodes: withdrawalTerminates.nodes.map((n) => (n.id === 'endWithdrawn' ? { ...n, terminate: false } : n)),
    };
    const v = validateDefinition(bad);
    expect(v.ok).toBe(false);
    if (!v.ok)
      expect(v.errors).toContainEqual(
        expect.objectContaining({
          elementId: 'endWithdrawn',
          message: expect.stringMatching(/terminate.*must be true/),
        }),
      );
  });
});

describe('interrupted call activity', () => {
  const def = valid(withdrawalTerminates);

  it('an interrupting boundary timer orphans the linked case; the case goes on along the boundary path', () => {
    const r = started(def);
    r.now = T0 + 15 * DAY;
    r.fireDue();
    expect(r.tokens.map((t) => t.nodeId)).toEqual(['verify']);
    expect(r.orphanedChildren().map((l) => l.workflowId)).toEqual(['case-child-1']);
    expect(r.state.flags.overdue).toBe(true); // verification (10 working days) breached before the 15 days
    r.completeTask(r.state.tasks[0]!.id, { findings: 'confirmed' });
    expect(r.tokens.map((t) => t.nodeId)).toEqual(['decide']);
    expect(leaks(r)).toEqual([]);
  });

  it('a linked case that completed is not orphaned', () => {
    const r = started(def);
    r.state.children[0]!.status = 'completed';
    r.completeToken(r.tokens.find((t) => t.nodeId === 'consult')!.id, { opinion: 'ok' }, 'child_completed');
    expect(r.orphanedChildren()).toEqual([]);
  });
});

describe('case cancellation', () => {
  it('cancels every token, task and timer and ends with status cancelled (no outcome)', () => {
    const def = valid(withdrawalTerminates);
    const r = started(def);
    r.cancelCase();
    expect(r.state).toMatchObject({ status: 'cancelled', tokens: [], timers: [], outcomes: [] });
    expect(r.state.outcome).toBeUndefined();
    expect(r.state.tasks.map((t) => t.status)).toEqual(['cancelled']);
    expect(r.orphanedChildren().map((l) => l.workflowId)).toEqual(['case-child-1']);
    expect(buildView('c1', 'pin', r.state, nodeName(def))).toMatchObject({
      status: 'cancelled',
      stage: 'cancelled',
      openTasks: [],
    });
    expect(r.state.history.at(-1)).toMatchObject({ type: 'process_cancelled' });
    r.cancelCase(); // idempotent
    expect(r.state.history.filter((e) => e.type === 'process_cancelled')).toHaveLength(1);
  });
});

describe('search attribute updates', () => {
  const def = valid(withdrawalTerminates);
  const src = (r: Runner, present: string[] = []) => ({
    state: r.state,
    nodeName: nodeName(def),
    definition: { key: def.key, version: def.version },
    caseType: 'petition',
    agencyId: 'so-tnmt',
    present: (name: string) => present.includes(name),
  });
  const asObject = (u: { key: { name: string }; value: unknown }[]) =>
    Object.fromEntries(u.map((p) => [p.key.name, p.value]));

  it('first call: status, stage, definition, due, overdue; type/agency/receipt only when the starter did not set them', () => {
    const r = started(def);
    const dueAt = Math.min(...r.state.timers.map((t) => t.dueAtMs!));
    const first = searchAttributeUpdates(undefined, src(r));
    expect(asObject(first.updates)).toEqual({
      KntcStatus: 'running',
      KntcStage: 'Expert opinion',
      KntcDefinition: 'withdrawal-terminates@1',
      KntcDueAt: new Date(dueAt),
      KntcOverdue: false,
      KntcCaseType: 'petition',
      KntcAgencyId: 'so-tnmt',
      KntcReceivedAt: new Date('2026-07-01T00:00:00+07:00'),
    });
    const fromApi = searchAttributeUpdates(undefined, src(r, [SA.caseType.name, SA.agencyId.name, SA.receivedAt.name]));
    expect(Object.keys(asObject(fromApi.updates)).sort()).toEqual([
      'KntcDefinition',
      'KntcDueAt',
      'KntcOverdue',
      'KntcStage',
      'KntcStatus',
    ]);
    expect(searchAttributeUpdates(first.values, src(r)).updates).toEqual([]);
  });

  it('later calls upsert only what changed; a cleared due instant is removed (null)', () => {
    const r = started(def);
    const first = searchAttributeUpdates(undefined, src(r));
    r.deliverMessage('withdraw');
    const next = searchAttributeUpdates(first.values, src(r));
    expect(asObject(next.updates)).toEqual({
      KntcStatus: 'completed',
      KntcStage: 'completed:withdrawn',
      KntcOutcome: 'withdrawn',
      KntcDueAt: null,
    });
  });

  it('a token on a service task (transient) does not move the stage', () => {
    const r = started(def);
    const first = searchAttributeUpdates(undefined, src(r));
    const consult = r.tokens.find((t) => t.nodeId === 'consult')!;
    const transient = (id: string) => id === 'verify' || id === 'consult'; // pretend both are automated steps
    const next = searchAttributeUpdates(first.values, { ...src(r), transient });
    expect(next.updates).toEqual([]);
    expect(consult).toBeDefined();
  });

  it('never carries case variables (personal data stays out of visibility)', () => {
    const r = started(def);
    r.state.variables.complainantName = 'Nguyễn Văn A';
    const all = JSON.stringify(searchAttributeUpdates(undefined, src(r)).updates);
    expect(all).not.toContain('Nguyễn');
  });
});
