import { describe, expect, it } from 'vitest';
import { validateDefinition, type ProcessDefinitionInput } from '../../../workflows/engine/index.js';
import { buildRunGraph, initialState, Runner, RuntimeIncident } from '../../../workflows/engine/runtime/index.js';
import { BEHAVIOURS } from '../../../workflows/engine/runtime/behaviours.js';
import { NODE_TYPES } from '../../../workflows/engine/index.js';
import { leaks } from './invariants.js';

const base = { key: 'k', version: 1, name: 'T', caseType: 'petition', effectiveFrom: '2026-01-01' } as const;
const task = (id: string) => ({
  type: 'userTask' as const,
  id,
  name: id,
  candidateRoles: ['officer'],
  agencyScope: 'resolving' as const,
});

function run(def: ProcessDefinitionInput, variables: Record<string, number> = {}): Runner {
  const v = validateDefinition(def);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const r = new Runner(buildRunGraph(v.definition), initialState({ ...v.definition.variables, ...variables }, {}));
  r.now = Date.parse('2026-07-01T00:00:00Z');
  r.start();
  return r;
}

describe('token runner', () => {
  it('has a behaviour for every supported element type (the registry is the list)', () => {
    expect(Object.keys(BEHAVIOURS).sort()).toEqual([...NODE_TYPES].sort());
  });

  it('a join completes when one branch is taken and the other discarded (dead-path elimination)', () => {
    const def: ProcessDefinitionInput = {
      ...base,
      variables: { choice: 0 },
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'parallelGateway', id: 'fork' },
        { type: 'exclusiveGateway', id: 'x', default: 'toA' },
        task('a'),
        task('b'),
        task('c'),
        { type: 'parallelGateway', id: 'join' },
        { type: 'endEvent', id: 'end', outcome: 'done' },
      ],
      flows: [
        { id: 'f0', source: 'start', target: 'fork' },
        { id: 'f1', source: 'fork', target: 'x' },
        { id: 'f2', source: 'fork', target: 'c' },
        { id: 'toA', source: 'x', target: 'a' },
        { id: 'toB', source: 'x', target: 'b', condition: 'choice = 1' },
        { id: 'f3', source: 'a', target: 'join' },
        { id: 'f4', source: 'b', target: 'join' },
        { id: 'f5', source: 'c', target: 'join' },
        { id: 'f6', source: 'join', target: 'end' },
      ],
    };
    const r = run(def);
    expect(r.tokens.map((t) => t.nodeId).sort()).toEqual(['a', 'c']);
    expect(r.state.joins.join).toEqual({ taken: [], discarded: ['f4'] });
    for (const t of [...r.state.tasks]) r.completeTask(t.id, {});
    expect(r.state).toMatchObject({ status: 'completed', outcome: 'done' });
    expect(leaks(r)).toEqual([]);
  });

  it('raises an incident when no exclusive condition holds and there is no default', () => {
    const v = validateDefinition({
      ...base,
      variables: { choice: 0 },
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'exclusiveGateway', id: 'x', default: 'toA' },
        { type: 'endEvent', id: 'a', outcome: 'a' },
        { type: 'endEvent', id: 'b', outcome: 'b' },
      ],
      flows: [
        { id: 'f0', source: 'start', target: 'x' },
        { id: 'toA', source: 'x', target: 'a' },
        { id: 'toB', source: 'x', target: 'b', condition: 'choice = 1' },
      ],
    });
    if (!v.ok) throw new Error('fixture');
    const broken = {
      ...v.definition,
      nodes: v.definition.nodes.map((n) => (n.type === 'exclusiveGateway' ? { ...n, default: undefined } : n)),
    };
    broken.flows = broken.flows.map((f) => (f.id === 'toA' ? { ...f, condition: 'choice = 2' } : f));
    const r = new Runner(buildRunGraph(broken), initialState({ choice: 0 }, {}));
    expect(() => r.start()).toThrow(RuntimeIncident);
  });

  it('rejects a legal event that no clock accepts and a task completion with bad data', () => {
    const r = run({
      ...base,
      nodes: [{ type: 'startEvent', id: 'start' }, task('a'), { type: 'endEvent', id: 'end', outcome: 'done' }],
      flows: [
        { id: 'f0', source: 'start', target: 'a' },
        { id: 'f1', source: 'a', target: 'end' },
      ],
    });
    expect(r.planLegalEvent('suspend', {})).toMatch(/no running clock/);
    expect(r.checkTaskCompletion('nope', {})).toMatch(/unknown task/);
    expect(r.checkTaskCompletion(r.state.tasks[0]!.id, { extra: 1 })).toMatch(/invalid form data/);
    expect(r.checkTaskCompletion(r.state.tasks[0]!.id, {})).toBeNull();
  });
});
