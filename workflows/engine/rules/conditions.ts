/**
 * Rule: conditions appear only on flows leaving exclusive gateways; every FEEL expression
 * (conditions, input mappings) parses.
 */
import { feelSyntaxError } from '../feel.js';
import { flowError, nodeError, type Rule, type ValidationError } from './types.js';

export const feelConditions: Rule = (g) => {
  const errors: ValidationError[] = [];
  for (const flow of g.flows.values()) {
    if (flow.condition === undefined) continue;
    const source = g.nodes.get(flow.source);
    if (source && source.type !== 'exclusiveGateway') {
      errors.push(flowError(g, flow, `only flows leaving an exclusive gateway may have a condition (source is ${source.type} '${source.id}')`, '.condition'));
    }
    const syntax = feelSyntaxError(flow.condition);
    if (syntax) errors.push(flowError(g, flow, `condition '${flow.condition}' is not valid FEEL: ${syntax}`, '.condition'));
  }
  for (const n of g.nodes.values()) {
    if (n.type !== 'serviceTask' && n.type !== 'callActivity') continue;
    for (const [arg, expr] of Object.entries(n.input)) {
      const syntax = feelSyntaxError(expr);
      if (syntax) errors.push(nodeError(g, n, `input '${arg}' = '${expr}' is not valid FEEL: ${syntax}`, `.input.${arg}`));
    }
  }
  return errors;
};
