/**
 * Rule (the default-flow rule): an exclusive gateway with one outgoing flow is a plain merge
 * and that flow carries no condition. With two or more outgoing flows it must name a `default`
 * flow, which leaves this gateway and has no condition; every other outgoing flow has a
 * condition. So a token always has a way out: conditions in order, then the default.
 */
import { outgoingOf } from './graph.js';
import { nodeError, type Rule, type ValidationError } from './types.js';

export const exclusiveGatewayDefaults: Rule = (g) => {
  const errors: ValidationError[] = [];
  for (const n of g.nodes.values()) {
    if (n.type !== 'exclusiveGateway') continue;
    const out = outgoingOf(g, n.id);
    if (n.default !== undefined) {
      const def = g.flows.get(n.default);
      if (!def || def.source !== n.id)
        errors.push(nodeError(g, n, `default flow '${n.default}' is not an outgoing flow of this gateway`, '.default'));
      else if (def.condition !== undefined)
        errors.push(
          nodeError(
            g,
            n,
            `default flow '${n.default}' must not have a condition (it is taken when no condition holds)`,
            '.default',
          ),
        );
    }
    if (out.length === 1 && out[0]!.condition !== undefined) {
      errors.push(
        nodeError(
          g,
          n,
          `its only outgoing flow '${out[0]!.id}' has a condition but there is no default flow to take when it is false`,
        ),
      );
    }
    if (out.length < 2) continue;
    if (n.default === undefined)
      errors.push(nodeError(g, n, `branches into ${out.length} flows but has no default flow`, '.default'));
    for (const f of out) {
      if (f.id !== n.default && f.condition === undefined)
        errors.push(nodeError(g, n, `outgoing flow '${f.id}' has no condition and is not the default flow`));
    }
  }
  return errors;
};
