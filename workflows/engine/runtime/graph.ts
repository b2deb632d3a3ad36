/**
 * Indexed, read-only view of a definition for the token runner.
 */
import type { DefinitionNode, ProcessDefinition, SequenceFlow } from '../definition.js';
import type { BoundaryEvent, StartEvent } from '../nodes.js';

/** Lookups the runner needs, built once per run. */
export interface RunGraph {
  definition: ProcessDefinition;
  node(id: string): DefinitionNode;
  flow(id: string): SequenceFlow;
  outgoing(id: string): SequenceFlow[];
  incoming(id: string): SequenceFlow[];
  boundaries(hostId: string): BoundaryEvent[];
  noneStart: StartEvent;
  escalationStarts: StartEvent[];
}

export function buildRunGraph(definition: ProcessDefinition): RunGraph {
  const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
  const flows = new Map(definition.flows.map((f) => [f.id, f]));
  const out = new Map<string, SequenceFlow[]>();
  const inc = new Map<string, SequenceFlow[]>();
  const bnd = new Map<string, BoundaryEvent[]>();
  for (const f of definition.flows) {
    out.set(f.source, [...(out.get(f.source) ?? []), f]);
    inc.set(f.target, [...(inc.get(f.target) ?? []), f]);
  }
  for (const n of definition.nodes)
    if (n.type === 'boundaryEvent') bnd.set(n.attachedTo, [...(bnd.get(n.attachedTo) ?? []), n]);
  const starts = definition.nodes.filter((n): n is StartEvent => n.type === 'startEvent');
  const noneStart = starts.find((s) => s.trigger === undefined);
  if (!noneStart) throw new Error(`definition ${definition.key} has no none start event`);
  return {
    definition,
    node: (id) => nodes.get(id)!,
    flow: (id) => flows.get(id)!,
    outgoing: (id) => out.get(id) ?? [],
    incoming: (id) => inc.get(id) ?? [],
    boundaries: (id) => bnd.get(id) ?? [],
    noneStart,
    escalationStarts: starts.filter((s) => s.trigger !== undefined),
  };
}
