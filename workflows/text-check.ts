/**
 * Input text rules shared by the API edge (api/routing/mount.ts) and the workflow's Update validators
 * (defence in depth for a client that reaches Temporal directly). Pure: no Node-side imports.
 *
 * Refused everywhere: NUL and the other C0 controls, DEL, the C1 controls, lone UTF-16 surrogates
 * (PostgreSQL refuses NUL in text and jsonb, and none of these is text a citizen or officer writes).
 * Tab, line feed and carriage return are allowed in string VALUES of a JSON body (multi-line texts such
 * as a content summary); never in object keys, query strings, path parameters or headers.
 * Also refused: nesting deeper than {@link MAX_JSON_DEPTH} and numbers that are not finite.
 */

/** Deepest nesting of objects/arrays a request body or a workflow payload may have. */
export const MAX_JSON_DEPTH = 32;

// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ANY = /[\u0000-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string is refused, or null when it is acceptable text. `multiline`: tab, LF and CR allowed. */
export function textProblem(s: string, multiline: boolean): string | null {
  if ((multiline ? CONTROL_MULTILINE : CONTROL_ANY).test(s)) {
    return multiline
      ? 'must not contain control characters (other than tab and line breaks)'
      : 'must not contain control characters';
  }
  if (LONE_SURROGATE.test(s)) return 'must not contain unpaired UTF-16 surrogates';
  return null;
}

export interface TextIssue {
  path: string;
  message: string;
}

/**
 * Walks a JSON value (iteratively: a 20,000-deep value cannot overflow the stack) and returns the first
 * problem: a refused string (key or value), a number that is not finite, or nesting beyond `maxDepth`.
 * `path` names the field the way problem+json `errors[].path` does (`data.items.0.name`).
 */
export function jsonTextProblem(value: unknown, prefix = '', maxDepth = MAX_JSON_DEPTH): TextIssue | null {
  const join = (p: string, k: string) => (p ? `${p}.${k}` : k);
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: prefix, depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const m = textProblem(v, true);
      if (m) return { path, message: m };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'must be a finite number' };
    } else if (v !== null && typeof v === 'object') {
      if (depth >= maxDepth) return { path, message: `nested deeper than ${maxDepth} levels` };
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, String(i)), depth: depth + 1 });
      } else {
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i]!;
          const m = textProblem(k, false);
          if (m) return { path: join(path, '(key)'), message: `a field name ${m}` };
          stack.push({ v: (v as Record<string, unknown>)[k], path: join(path, k), depth: depth + 1 });
        }
      }
    }
  }
  return null;
}

/* eslint-disable no-control-regex -- a block, not next-line: the formatter wraps this line */
const REPLACEABLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */

/**
 * A copy of a JSON value in which every character {@link textProblem} refuses in a multi-line value (and
 * in keys: tab and line breaks too) is replaced by U+FFFD, and anything nested deeper than `maxDepth` by
 * null: what the projection writes when PostgreSQL refused the value as it was (ADR 0016).
 */
export function sanitizeJsonText<T>(value: T, maxDepth = 64): T {
  const fix = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.replace(REPLACEABLE, '\uFFFD');
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= maxDepth) return null;
    if (Array.isArray(v)) return v.map((x) => fix(x, depth + 1));
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k.replace(REPLACEABLE, '\uFFFD').replace(/[\t\n\r]/g, '\uFFFD'),
        fix(x, depth + 1),
      ]),
    );
  };
  return fix(value, 0) as T;
}
