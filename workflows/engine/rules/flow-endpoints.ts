/** Rule: every flow connects two existing nodes; nothing flows into a boundary event. */
import { flowError, type Rule, type ValidationError } from './types.js';

export const flowEndpoints: Rule = (g) => {
  const errors: ValidationError[] = [];
  for (const flow of g.flows.values()) {
    if (!g.nodes.has(flow.source))
      errors.push(flowError(g, flow, `source '${flow.source}' is not a node of this definition`, '.source'));
    const target = g.nodes.get(flow.target);
    if (!target) errors.push(flowError(g, flow, `target '${flow.target}' is not a node of this definition`, '.target'));
    else if (target.type === 'boundaryEvent')
      errors.push(flowError(g, flow, `boundary event '${target.id}' cannot have incoming flows`, '.target'));
  }
  return errors;
};
