/**
 * Small builders for engine tests: a valid base definition to mutate, one rule at a time.
 */
import type { ProcessDefinitionInput } from '../../../workflows/engine/index.js';

type Nodes = ProcessDefinitionInput['nodes'];
type Flows = ProcessDefinitionInput['flows'];

/** start -> task -> end: the smallest valid definition. */
export function linear(overrides: Partial<ProcessDefinitionInput> = {}): ProcessDefinitionInput {
  return {
    key: 'linear',
    version: 1,
    name: 'Linear',
    caseType: 'petition',
    effectiveFrom: '2026-01-01',
    nodes: [
      { type: 'startEvent', id: 'start' },
      { type: 'userTask', id: 'task', name: 'Do it', candidateRoles: ['officer'], agencyScope: 'receiving' },
      { type: 'endEvent', id: 'end', outcome: 'done' },
    ],
    flows: [
      { id: 'f1', source: 'start', target: 'task' },
      { id: 'f2', source: 'task', target: 'end' },
    ],
    ...overrides,
  };
}

/**
 * A definition built from explicit nodes and flows (header from {@link linear}). Deliberately
 * loosely typed: tests build invalid graphs on purpose.
 */
export function graph(nodes: readonly object[], flows: readonly object[]): ProcessDefinitionInput {
  return linear({ nodes: nodes as Nodes, flows: flows as Flows });
}

export const start = { type: 'startEvent', id: 'start' } as const;
export const end = (id = 'end', outcome = 'done') => ({ type: 'endEvent', id, outcome }) as const;
export const task = (id: string) => ({
  type: 'userTask' as const,
  id,
  name: id,
  candidateRoles: ['officer'],
  agencyScope: 'receiving' as const,
});
export const service = (id: string) => ({ type: 'serviceTask', id, activity: 'doWork' }) as const;
export const flow = (id: string, source: string, target: string, condition?: string) =>
  condition === undefined ? { id, source, target } : { id, source, target, condition };

/** Deep copy with a mutation applied (tests never share mutable fixtures). */
export function mutate(
  def: ProcessDefinitionInput,
  change: (d: ProcessDefinitionInput & { nodes: Record<string, unknown>[] }) => void,
): unknown {
  const copy = structuredClone(def) as ProcessDefinitionInput & { nodes: Record<string, unknown>[] };
  change(copy);
  return copy;
}

/** A loop with an exit: merge gateway -> work -> exclusive gateway back to the merge, or end. */
export function loopWithExit(): ProcessDefinitionInput {
  return graph(
    [
      start,
      { type: 'exclusiveGateway', id: 'merge' },
      task('work'),
      { type: 'exclusiveGateway', id: 'again', default: 'done' },
      end(),
    ],
    [
      flow('f0', 'start', 'merge'),
      flow('f1', 'merge', 'work'),
      flow('f2', 'work', 'again'),
      flow('retry', 'again', 'merge', 'needsMore = true'),
      flow('done', 'again', 'end'),
    ],
  );
}
