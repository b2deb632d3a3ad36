/**
 * Small pure helpers of the interpreter workflow: FEEL input mappings, output paths, retry policies.
 */
import type { RetryPolicy as TemporalRetryPolicy } from '@temporalio/common';
import { defineSignal } from '@temporalio/workflow';
import { Duration } from 'luxon';
import { isClockRule } from './engine/clock-rule.js';
import { evaluateExpression, type FeelVariables } from './engine/feel.js';
import type { ProcessDefinition } from './engine/definition.js';
import type { RetryPolicy } from './engine/nodes.js';
import type { JsonValue } from './engine/primitives.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const SIMPLE_STRING = /^"[^"\\]*"$/;
const FEEL_WORDS = new Set(['true', 'false', 'null', 'not', 'and', 'or', 'in', 'if', 'then', 'else', 'for', 'some', 'every', 'return', 'satisfies', 'between', 'instance', 'of', 'function']);

/**
 * Evaluates one mapping. Variable names and plain literals (most mappings) take a fast path with
 * the same result FEEL gives; everything else goes through the FEEL interpreter.
 */
export function evaluateMapping(expr: string, scope: FeelVariables): JsonValue {
  const e = expr.trim();
  if (IDENTIFIER.test(e) && !FEEL_WORDS.has(e)) {
    const v = scope[e];
    if (v === undefined || v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return (v ?? null) as JsonValue;
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

/** Service task retry policy (ISO durations) -> Temporal retry policy. */
export function toRetryPolicy(r: RetryPolicy | undefined): TemporalRetryPolicy {
  const iso = (d: string | undefined) => (d === undefined ? undefined : isoToMs(d));
  const p: TemporalRetryPolicy = { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 };
  if (!r) return p;
  return {
    ...p,
    ...(r.maximumAttempts === undefined ? {} : { maximumAttempts: r.maximumAttempts }),
    ...(r.initialInterval === undefined ? {} : { initialInterval: iso(r.initialInterval)! }),
    ...(r.maximumInterval === undefined ? {} : { maximumInterval: iso(r.maximumInterval)! }),
    ...(r.backoffCoefficient === undefined ? {} : { backoffCoefficient: r.backoffCoefficient }),
    ...(r.nonRetryableErrorTypes === undefined ? {} : { nonRetryableErrorTypes: r.nonRetryableErrorTypes }),
  };
}

function isoToMs(iso: string): number {
  return Duration.fromISO(iso).toMillis();
}

/** True when any timer or due rule of the definition is a statutory clock (a calendar is needed). */
export function usesClocks(d: ProcessDefinition): boolean {
  return d.nodes.some((n) =>
    (n.type === 'userTask' && n.due !== undefined)
    || ((n.type === 'intermediateCatchEvent' || n.type === 'boundaryEvent') && n.trigger.kind === 'timer' && isClockRule(n.trigger.timer)));
}

/**
 * The `calendarChanged` signal as the interpreter receives it. Senders use the typed definition
 * of workflows/calendar-contract.ts (same name); the payload only explains the change, the
 * calendar itself is always refetched through the `getCalendarSnapshot` activity.
 */
export const calendarChangedSignal = defineSignal<[unknown]>('calendarChanged');
