/**
 * Rule: every node is reachable from a start event (boundary events through their host), and
 * every node can reach an end event (no dead ends, no inescapable loops). Both are rejections.
 */
import type { DefinitionNode } from '../definition.js';
import { outgoingOf, incomingOf } from './graph.js';
import { nodeError, type Graph, type Rule, type ValidationError } from './types.js';

function walk(starts: string[], next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>(starts);
  const stack = [...starts];
  while (stack.length > 0) {
    for (const n of next(stack.pop()!))
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
  }
  return seen;
}

function boundariesOf(g: Graph): Map<string, DefinitionNode[]> {
  const map = new Map<string, DefinitionNode[]>();
  for (const n of g.nodes.values()) {
    if (n.type === 'boundaryEvent') map.set(n.attachedTo, [...(map.get(n.attachedTo) ?? []), n]);
  }
  return map;
}

export const reachability: Rule = (g) => {
  const errors: ValidationError[] = [];
  const boundaries = boundariesOf(g);
  const starts = [...g.nodes.values()].filter((n) => n.type === 'startEvent').map((n) => n.id);
  const forward = walk(starts, (id) => [
    ...outgoingOf(g, id).map((f) => f.target),
    ...(boundaries.get(id) ?? []).map((b) => b.id),
  ]);
  const ends = [...g.nodes.values()].filter((n) => n.type === 'endEvent').map((n) => n.id);
  const backward = walk(ends, (id) => {
    const node = g.nodes.get(id);
    const from = incomingOf(g, id).map((f) => f.source);
    // An activity can leave through any of its boundary events.
    return node?.type === 'boundaryEvent' ? [...from, node.attachedTo] : from;
  });
  for (const n of g.nodes.values()) {
    if (!forward.has(n.id)) errors.push(nodeError(g, n, 'is unreachable from the start event'));
    else if (!backward.has(n.id) && ends.length > 0)
      errors.push(nodeError(g, n, 'cannot reach any end event (dead end or endless loop)'));
  }
  return errors;
};
