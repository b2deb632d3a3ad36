/**
 * FEEL (the BPMN/DMN expression language) through `feelin`, a pure interpreter: no eval, no I/O.
 * `feelin` and its dependencies (lezer, min-dash, temporal-polyfill) import nothing Node-side;
 * test/unit/engine/bundle.test.ts proves it bundles into the Temporal workflow sandbox.
 */
import { evaluate, parseExpression } from 'feelin';
import type { JsonValue } from './primitives.js';

/** Variables visible to an expression. Unknown names evaluate to null (FEEL semantics). */
export type FeelVariables = Readonly<Record<string, unknown>>;

/**
 * Returns the syntax error of a FEEL expression, or null when it parses.
 * Parsing only: nothing is evaluated.
 */
export function feelSyntaxError(expression: string): string | null {
  let failed = false;
  parseExpression(expression, {}, undefined).iterate({
    enter(node) {
      if (node.type.isError) failed = true;
      return !failed;
    },
  });
  if (!failed) return null;
  try {
    evaluate(expression, {});
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return 'syntax error';
}

/**
 * Names of FEEL built-ins whose result depends on the worker's clock or time zone. Conditions
 * must be deterministic and use Vietnam dates, so the interpreter passes dates as variables.
 */
const NON_DETERMINISTIC_FUNCTIONS = ['now', 'today'];

/** Returns the clock-dependent built-ins an expression calls (ignoring string literals). */
export function feelClockFunctions(expression: string): string[] {
  const code = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return NON_DETERMINISTIC_FUNCTIONS.filter((fn) => new RegExp(`(^|[^\\w.])${fn}\\s*\\(`).test(code));
}

/** Converts FEEL results into JSON values (dates -> ISO strings; functions, ranges -> null). */
function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return toJson(withJson.toJSON());
    if (Object.getPrototypeOf(value) !== Object.prototype) return null;
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return null;
}

/**
 * Evaluates a FEEL expression over the case variables and returns a JSON value.
 * @throws Error when the expression does not parse (validateDefinition rejects such definitions).
 */
export function evaluateExpression(expression: string, variables: FeelVariables): JsonValue {
  return toJson(evaluate(expression, { ...variables }).value);
}

/**
 * Evaluates a gateway condition. True only when the result is the boolean `true`:
 * null (e.g. an unknown variable), false and non-boolean results all mean "not taken".
 */
export function evaluateCondition(expression: string, variables: FeelVariables): boolean {
  return evaluate(expression, { ...variables }).value === true;
}
