/**
 * One small behaviour per element type. `BEHAVIOURS` is typed `Record<NodeType, ...>`, so it *is*
 * the list of supported element types: adding a type to the model without a behaviour fails tsc.
 */
import { evaluateCondition } from '../feel.js';
import { DUE_BREACH_ESCALATION_CODE, type DefinitionNode, type NodeType } from '../nodes.js';
import type { Runner } from './runner.js';
import { RuntimeIncident } from './types.js';

/** What an element does when a token arrives over `flowId` (undefined for start events). */
export interface Behaviour<N extends DefinitionNode = DefinitionNode> {
  enter(r: Runner, node: N, flowId: string | undefined): void;
}

type Registry = { [T in NodeType]: Behaviour<Extract<DefinitionNode, { type: T }>> };

/** Waiting elements: the token rests until the workflow reports completion. */
const wait: Behaviour = { enter: (r, node) => r.rest(node) };

export const BEHAVIOURS: Registry = {
  startEvent: { enter: (r, node) => r.takeAll(node.id) },
  endEvent: { enter: (r, node) => r.reachEnd(node) },
  userTask: wait,
  serviceTask: wait,
  callActivity: wait,
  intermediateCatchEvent: wait,
  intermediateThrowEvent: {
    enter(r, node) {
      r.takeAll(node.id);
      // Thrown at process level (the model has no sub-processes): a process handler or the parent case catches it.
      r.throwEscalation(node.trigger.escalationCode, undefined, node.id);
    },
  },
  exclusiveGateway: {
    enter(r, node) {
      const outgoing = r.graph.outgoing(node.id);
      // Conditions in definition order; the default flow is evaluated last (BPMN 2.0 §13.3.2).
      const chosen = outgoing.find((f) => f.id !== node.default && f.condition !== undefined && evaluateCondition(f.condition, r.feelScope()))
        ?? outgoing.find((f) => f.id === node.default)
        ?? (outgoing.length === 1 && outgoing[0]!.condition === undefined ? outgoing[0] : undefined);
      if (!chosen) throw new RuntimeIncident('NO_FLOW', `exclusive gateway '${node.id}': no condition holds and there is no default flow`, node.id);
      for (const f of outgoing) {
        if (f.id === chosen.id) r.take(f.id);
        else r.discard(f.id);
      }
    },
  },
  parallelGateway: {
    enter(r, node, flowId) {
      if (r.graph.incoming(node.id).length <= 1) { r.takeAll(node.id); return; }
      r.arriveAtJoin(node.id, flowId!, 'taken');
    },
  },
  boundaryEvent: {
    enter(_r, node) {
      throw new RuntimeIncident('BAD_FLOW', `boundary event '${node.id}' cannot be the target of a sequence flow`, node.id);
    },
  },
};

export { DUE_BREACH_ESCALATION_CODE };
