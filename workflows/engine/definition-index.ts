/**
 * A read-only index over a validated definition, for the interpreter: nodes by id, flows by
 * node, boundary events by host, the start event and the process-level escalation handlers.
 */
import type { BoundaryEvent, DefinitionNode, ProcessDefinition, SequenceFlow, StartEvent } from './definition.js';

/** Lookup structure built once per pinned definition. */
export interface DefinitionIndex {
  readonly definition: ProcessDefinition;
  /** The single start event without trigger. */
  readonly start: StartEvent;
  /** Start events with an escalation trigger (process-level handlers), in definition order. */
  readonly escalationHandlers: readonly StartEvent[];
  node(id: string): DefinitionNode | undefined;
  flow(id: string): SequenceFlow | undefined;
  /** Outgoing flows in definition order (the order exclusive conditions are evaluated in). */
  outgoing(nodeId: string): readonly SequenceFlow[];
  incoming(nodeId: string): readonly SequenceFlow[];
  /** Boundary events attached to an activity, in definition order. */
  boundaries(activityId: string): readonly BoundaryEvent[];
}

function group<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * Indexes a definition that passed validateDefinition.
 * @throws TypeError when it has no start event without trigger (i.e. it was not validated).
 */
export function indexDefinition(definition: ProcessDefinition): DefinitionIndex {
  const nodes = new Map(definition.nodes.map((n) => [n.id, n] as const));
  const flows = new Map(definition.flows.map((f) => [f.id, f] as const));
  const outgoing = group(definition.flows, (f) => f.source);
  const incoming = group(definition.flows, (f) => f.target);
  const boundaryEvents = definition.nodes.filter((n): n is BoundaryEvent => n.type === 'boundaryEvent');
  const boundaries = group(boundaryEvents, (b) => b.attachedTo);
  const starts = definition.nodes.filter((n): n is StartEvent => n.type === 'startEvent');
  const start = starts.find((s) => !s.trigger);
  if (!start) throw new TypeError(`definition ${definition.key}@${definition.version} has no start event; validate it first`);
  return {
    definition,
    start,
    escalationHandlers: starts.filter((s) => s.trigger !== undefined),
    node: (id) => nodes.get(id),
    flow: (id) => flows.get(id),
    outgoing: (id) => outgoing.get(id) ?? [],
    incoming: (id) => incoming.get(id) ?? [],
    boundaries: (id) => boundaries.get(id) ?? [],
  };
}
