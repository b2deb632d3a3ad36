/** Rule: a call activity that does not wait for its linked case cannot map the child's results back. */
import { nodeError, type Rule, type ValidationError } from './types.js';

export const callActivityOutputs: Rule = (g) => {
  const errors: ValidationError[] = [];
  for (const n of g.nodes.values()) {
    if (n.type === 'callActivity' && !n.wait && Object.keys(n.output).length > 0) {
      errors.push(nodeError(g, n, 'has output mappings but wait is false (there is no result to map)', '.output'));
    }
  }
  return errors;
};
