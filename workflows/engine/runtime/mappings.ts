/**
 * Data mappings of service tasks and call activities: FEEL input mappings over the case variables,
 * output paths read from a result. Pure.
 */
import { evaluateExpression, type FeelVariables } from '../feel.js';
import type { JsonValue } from '../primitives.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const SIMPLE_STRING = /^"[^"\\]*"$/;
const FEEL_WORDS = new Set([
  'true',
  'false',
  'null',
  'not',
  'and',
  'or',
  'in',
  'if',
  'then',
  'else',
  'for',
  'some',
  'every',
  'return',
  'satisfies',
  'between',
  'instance',
  'of',
  'function',
]);

/**
 * Evaluates one mapping. Variable names and plain literals (most mappings) take a fast path with
 * the same result FEEL gives; everything else goes through the FEEL interpreter.
 */
export function evaluateMapping(expr: string, scope: FeelVariables): JsonValue {
  const e = expr.trim();
  if (IDENTIFIER.test(e) && !FEEL_WORDS.has(e)) {
    const v = scope[e];
    if (
      v === undefined ||
      v === null ||
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v))
    )
      return (v ?? null) as JsonValue;
  }
  if (NUMBER.test(e)) return Number(e);
  if (SIMPLE_STRING.test(e)) return e.slice(1, -1);
  return evaluateExpression(e, scope);
}

/** Evaluates `argument -> FEEL expression` mappings over the case variables. */
export function evaluateInputs(mappings: Record<string, string>, scope: FeelVariables): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [name, expr] of Object.entries(mappings)) out[name] = evaluateMapping(expr, scope);
  return out;
}

/** Reads a dotted path (`decision.number`) or `$` from a result; missing -> null. */
export function readPath(value: unknown, path: string): JsonValue {
  if (path === '$') return (value ?? null) as JsonValue;
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  return (cur ?? null) as JsonValue;
}

/** Applies `variable -> path` output mappings to a result. */
export function mapOutputs(mappings: Record<string, string>, result: unknown): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [variable, path] of Object.entries(mappings)) out[variable] = readPath(result, path);
  return out;
}
