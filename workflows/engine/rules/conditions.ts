/**
 * Rule: conditions appear only on flows leaving exclusive gateways; every FEEL expression
 * (conditions, input mappings) parses and calls no clock-dependent built-in (now(), today()):
 * those read the worker's clock and zone, so replay or a worker in another zone could differ.
 */
import { feelClockFunctions, feelSyntaxError } from '../feel.js';
import { flowError, nodeError, type Rule, type ValidationError } from './types.js';

export const feelConditions: Rule = (g) => {
  const errors: ValidationError[] = [];
  for (const flow of g.flows.values()) {
    if (flow.condition === undefined) continue;
    const source = g.nodes.get(flow.source);
    if (source && source.type !== 'exclusiveGateway') {
      errors.push(
        flowError(
          g,
          flow,
          `only flows leaving an exclusive gateway may have a condition (source is ${source.type} '${source.id}')`,
          '.condition',
        ),
      );
    }
    const syntax = feelSyntaxError(flow.condition);
    if (syntax)
      errors.push(flowError(g, flow, `condition '${flow.condition}' is not valid FEEL: ${syntax}`, '.condition'));
    for (const fn of feelClockFunctions(flow.condition)) {
      errors.push(
        flowError(
          g,
          flow,
          `condition '${flow.condition}' calls ${fn}(), which depends on the worker clock; compare with a case date variable instead`,
          '.condition',
        ),
      );
    }
  }
  for (const n of g.nodes.values()) {
    if (n.type !== 'serviceTask' && n.type !== 'callActivity') continue;
    for (const [arg, expr] of Object.entries(n.input)) {
      const syntax = feelSyntaxError(expr);
      if (syntax)
        errors.push(nodeError(g, n, `input '${arg}' = '${expr}' is not valid FEEL: ${syntax}`, `.input.${arg}`));
      for (const fn of feelClockFunctions(expr)) {
        errors.push(
          nodeError(
            g,
            n,
            `input '${arg}' = '${expr}' calls ${fn}(), which depends on the worker clock`,
            `.input.${arg}`,
          ),
        );
      }
    }
  }
  return errors;
};
