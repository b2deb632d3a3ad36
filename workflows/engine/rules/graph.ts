/**
 * Builds the indexed {@link Graph} view the structural rules work on.
 */
import type { ProcessDefinition, SequenceFlow } from '../definition.js';
import type { Graph } from './types.js';

function push(map: Map<string, SequenceFlow[]>, key: string, flow: SequenceFlow): void {
  const list = map.get(key);
  if (list) list.push(flow);
  else map.set(key, [flow]);
}

/** Indexes nodes and flows (first occurrence wins for duplicated ids; those are reported separately). */
export function buildGraph(definition: ProcessDefinition): Graph {
  const g: Graph = {
    definition,
    nodes: new Map(),
    nodeIndex: new Map(),
    flowIndex: new Map(),
    flows: new Map(),
    outgoing: new Map(),
    incoming: new Map(),
  };
  definition.nodes.forEach((node, i) => {
    if (!g.nodes.has(node.id)) {
      g.nodes.set(node.id, node);
      g.nodeIndex.set(node.id, i);
    }
  });
  definition.flows.forEach((flow, i) => {
    if (g.flows.has(flow.id)) return;
    g.flows.set(flow.id, flow);
    g.flowIndex.set(flow.id, i);
    push(g.outgoing, flow.source, flow);
    push(g.incoming, flow.target, flow);
  });
  return g;
}

/** Outgoing flows of a node (empty array when none). */
export const outgoingOf = (g: Graph, id: string): SequenceFlow[] => g.outgoing.get(id) ?? [];
/** Incoming flows of a node (empty array when none). */
export const incomingOf = (g: Graph, id: string): SequenceFlow[] => g.incoming.get(id) ?? [];
