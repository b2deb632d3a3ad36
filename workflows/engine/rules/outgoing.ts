/**
 * Rule: every node except end events has an outgoing flow; nodes other than gateways have
 * exactly one (forks are explicit parallel gateways, choices explicit exclusive gateways).
 */
import { outgoingOf } from './graph.js';
import { nodeError, type Rule, type ValidationError } from './types.js';

export const outgoingFlows: Rule = (g) => {
  const errors: ValidationError[] = [];
  for (const n of g.nodes.values()) {
    if (n.type === 'endEvent') continue;
    const out = outgoingOf(g, n.id);
    if (out.length === 0) errors.push(nodeError(g, n, 'has no outgoing flow (only end events may end a path)'));
    else if (out.length > 1 && n.type !== 'exclusiveGateway' && n.type !== 'parallelGateway') {
      errors.push(
        nodeError(
          g,
          n,
          `has ${out.length} outgoing flows (${out.map((f) => f.id).join(', ')}); use a gateway to branch`,
        ),
      );
    }
  }
  return errors;
};
