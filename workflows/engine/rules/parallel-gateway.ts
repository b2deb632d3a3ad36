/**
 * Rule: a parallel gateway is either a fork (1 incoming, >= 2 outgoing) or a join (>= 2
 * incoming, 1 outgoing). Mixed or pass-through gateways are rejected. A join fed by two flows
 * straight from one exclusive gateway can never complete (only one of them is ever taken).
 */
import { incomingOf, outgoingOf } from './graph.js';
import { nodeError, type Rule, type ValidationError } from './types.js';

export const parallelGatewayShape: Rule = (g) => {
  const errors: ValidationError[] = [];
  for (const n of g.nodes.values()) {
    if (n.type !== 'parallelGateway') continue;
    const ins = incomingOf(g, n.id).length;
    const outs = outgoingOf(g, n.id).length;
    const isFork = ins === 1 && outs >= 2;
    const isJoin = ins >= 2 && outs === 1;
    if (!isFork && !isJoin && ins > 0 && outs > 0) {
      errors.push(
        nodeError(
          g,
          n,
          `must be a fork (1 incoming, 2+ outgoing) or a join (2+ incoming, 1 outgoing), has ${ins} incoming and ${outs} outgoing`,
        ),
      );
    }
    if (isJoin) {
      const xorSources = incomingOf(g, n.id)
        .map((f) => g.nodes.get(f.source))
        .filter((s) => s?.type === 'exclusiveGateway')
        .map((s) => s!.id);
      const dup = xorSources.find((id, i) => xorSources.indexOf(id) !== i);
      if (dup)
        errors.push(
          nodeError(
            g,
            n,
            `joins two branches of exclusive gateway '${dup}', only one of which is ever taken: the join would wait forever`,
          ),
        );
    }
  }
  return errors;
};
