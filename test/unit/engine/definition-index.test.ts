import { describe, expect, it } from 'vitest';
import { chooseExclusiveFlow, findEscalationTarget, indexDefinition, validateDefinition, type ProcessDefinition } from '../../../workflows/engine/index.js';
import { everyElement } from '../../../processes/examples/index.js';
import { linear, loopWithExit } from './fixtures.js';

function valid(input: unknown): ProcessDefinition {
  const result = validateDefinition(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

const index = indexDefinition(valid(everyElement));
const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);

describe('indexDefinition', () => {
  it('finds the start event, escalation handlers, flows and boundaries', () => {
    expect(index.start.id).toBe('start');
    expect(ids(index.escalationHandlers)).toEqual(['onOverdue']);
    expect(ids(index.outgoing('classify'))).toEqual(['toFork', 'toReject']);
    expect(ids(index.incoming('join'))).toEqual(['f_verified', 'f_supplemented']);
    expect(ids(index.boundaries('verify'))).toEqual(['verifyOverdue', 'withdrawn']);
    expect(index.boundaries('classify')).toEqual([]);
    expect(index.node('verify')?.type).toBe('userTask');
    expect(index.flow('toFork')?.condition).toBe('letterType = "complaint"');
    expect(index.node('nope')).toBeUndefined();
  });

  it('refuses an unvalidated definition without a start event', () => {
    const def = valid(linear());
    expect(() => indexDefinition({ ...def, nodes: def.nodes.filter((n) => n.type !== 'startEvent') })).toThrow(TypeError);
  });
});

describe('chooseExclusiveFlow', () => {
  it.each([
    [{ letterType: 'complaint' }, 'toFork'],
    [{ letterType: 'petition' }, 'toReject'],
    [{}, 'toReject'],
    [{ letterType: null }, 'toReject'],
  ])('%j -> %s (conditions first, default last)', (vars, expected) => {
    expect(chooseExclusiveFlow(index, 'classify', vars)).toBe(expected);
  });

  it('takes the first true condition in flow order', () => {
    const def = valid({
      ...linear(),
      nodes: [{ type: 'startEvent', id: 's' }, { type: 'exclusiveGateway', id: 'x', default: 'd' }, { type: 'endEvent', id: 'a', outcome: 'a' }, { type: 'endEvent', id: 'b', outcome: 'b' }, { type: 'endEvent', id: 'c', outcome: 'c' }],
      flows: [{ id: 'f', source: 's', target: 'x' }, { id: 'd', source: 'x', target: 'c' }, { id: 'big', source: 'x', target: 'a', condition: 'n > 10' }, { id: 'pos', source: 'x', target: 'b', condition: 'n > 0' }],
    });
    const idx = indexDefinition(def);
    expect(chooseExclusiveFlow(idx, 'x', { n: 50 })).toBe('big');
    expect(chooseExclusiveFlow(idx, 'x', { n: 5 })).toBe('pos');
    expect(chooseExclusiveFlow(idx, 'x', { n: -1 })).toBe('d');
  });

  it('passes a merge gateway through its single flow', () => {
    const idx = indexDefinition(valid(loopWithExit()));
    expect(chooseExclusiveFlow(idx, 'merge', {})).toBe('f1');
    expect(chooseExclusiveFlow(idx, 'again', { needsMore: true })).toBe('retry');
    expect(chooseExclusiveFlow(idx, 'again', { needsMore: false })).toBe('done');
  });

  it('rejects ids that are not exclusive gateways', () => {
    expect(() => chooseExclusiveFlow(index, 'fork', {})).toThrow(TypeError);
  });
});

describe('findEscalationTarget (scope model)', () => {
  it('an activity boundary with the matching code catches first', () => {
    expect(findEscalationTarget(index, { escalationCode: 'overdue', activityId: 'secondInstance' })).toEqual({ kind: 'boundary', event: index.node('childOverdue') });
  });

  it('a catch-all boundary catches any code raised in its activity', () => {
    expect(findEscalationTarget(index, { escalationCode: 'anything', activityId: 'receive' })).toEqual({ kind: 'boundary', event: index.node('receiveEscalated') });
  });

  it('without a boundary on the activity, the process-level handler catches', () => {
    expect(findEscalationTarget(index, { escalationCode: 'overdue', activityId: 'verify' })).toEqual({ kind: 'handler', event: index.node('onOverdue') });
    expect(findEscalationTarget(index, { escalationCode: 'overdue' })).toEqual({ kind: 'handler', event: index.node('onOverdue') });
  });

  it('an uncaught escalation propagates to the parent case', () => {
    expect(findEscalationTarget(index, { escalationCode: 'other', activityId: 'secondInstance' })).toEqual({ kind: 'propagate' });
    expect(findEscalationTarget(indexDefinition(valid(linear())), { escalationCode: 'overdue', activityId: 'task' })).toEqual({ kind: 'propagate' });
  });

  it('prefers the matching handler over a catch-all one', () => {
    const def = valid({
      ...linear(),
      nodes: [...linear().nodes, { type: 'startEvent', id: 'all', trigger: { kind: 'escalation' } }, { type: 'startEvent', id: 'late', trigger: { kind: 'escalation', escalationCode: 'late' } }],
      flows: [...linear().flows, { id: 'fa', source: 'all', target: 'end' }, { id: 'fl', source: 'late', target: 'end' }],
    });
    const idx = indexDefinition(def);
    expect(findEscalationTarget(idx, { escalationCode: 'late' })).toMatchObject({ kind: 'handler', event: { id: 'late' } });
    expect(findEscalationTarget(idx, { escalationCode: 'other' })).toMatchObject({ kind: 'handler', event: { id: 'all' } });
  });
});
