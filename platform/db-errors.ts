/**
 * PostgreSQL errors quote what they were given: `detail` ("Token "…" is invalid."), `where` (about 50 characters of
 * the JSON around a bad character), and the message itself (`invalid input syntax for type date: "…"`). Logged or
 * sent to Temporal as they are, they copy a citizen's input — possibly a denouncer's identity — into logs and
 * workflow histories. Here they become errors that keep what an operator needs (SQLSTATE, table, column,
 * constraint, routine, the stack) and drop every quoted value (issue 11.10).
 */
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { stdSerializers } from 'pino';

/** The fields of a PostgreSQL error that name the schema, never the data. */
const SAFE_FIELDS = ['code', 'severity', 'routine', 'schema', 'table', 'column', 'dataType', 'constraint'] as const;

interface PgErrorLike {
  message: string;
  code: string;
  severity?: string;
  stack?: string;
}

/** A node-postgres DatabaseError (duck-typed: knex and pg-protocol copies need not share a class). */
export function isDatabaseError(e: unknown): e is Error & PgErrorLike {
  if (!(e instanceof Error)) return false;
  const x = e as Partial<PgErrorLike> & { routine?: unknown };
  return (
    typeof x.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(x.code) &&
    (typeof x.severity === 'string' || typeof x.routine === 'string')
  );
}

/** The scrubbed copy (the class name is what pino's serializer reports as `type`). */
class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/** Already cleaned: such an error is passed on as it is. */
const SCRUBBED = Symbol.for('kntc.scrubbedDatabaseError');

/** A copy of a PostgreSQL error without any input text; other values are returned unchanged. */
export function scrubDatabaseError<T>(e: T): T | Error {
  if (!isDatabaseError(e) || (e as Record<symbol, unknown>)[SCRUBBED]) return e;
  // knex prefixes the SQL text ("insert into … - <message>"): keep PostgreSQL's own message, quoted values blanked.
  const text = e.message.includes(' - ') ? e.message.slice(e.message.lastIndexOf(' - ') + 3) : e.message;
  const primary = text
    .replace(/"[^"]*"?|'[^']*'?/g, '"…"')
    .replace(/\s+/g, ' ')
    .slice(0, 200);
  const fields = Object.fromEntries(
    SAFE_FIELDS.flatMap((k) => {
      const v = (e as unknown as Record<string, unknown>)[k];
      return typeof v === 'string' && v !== '' ? [[k, v]] : [];
    }),
  ) as Record<string, string>;
  const where = [
    fields.table && `table ${fields.table}`,
    fields.column && `column ${fields.column}`,
    fields.constraint && `constraint ${fields.constraint}`,
  ]
    .filter(Boolean)
    .join(', ');
  const safe = new DatabaseError(`${primary} (SQLSTATE ${e.code}${where ? `; ${where}` : ''})`);
  Object.assign(safe, fields, { [SCRUBBED]: true });
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  safe.stack = [`${safe.name}: ${safe.message}`, ...frames].join('\n');
  return safe;
}

/** pino serializer for errors: the standard one, over a scrubbed copy of a PostgreSQL error (also as a cause). */
export function safeErrorSerializer(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const scrubbed = scrubDatabaseError(e);
  if (scrubbed === e && isDatabaseError(e.cause)) {
    const copy = new Error(e.message, { cause: scrubDatabaseError(e.cause) });
    copy.name = e.name;
    copy.stack = e.stack;
    return stdSerializers.err(copy);
  }
  return stdSerializers.err(scrubbed);
}

/**
 * Log metadata with every Error value serialized safely (the Temporal SDK logs `{ error }` objects, which pino
 * would otherwise write out with all their enumerable fields, `where` and `detail` included).
 */
export function safeLogMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta) return meta;
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, v instanceof Error ? safeErrorSerializer(v) : v]));
}

/**
 * Activity interceptor: an activity that fails on a PostgreSQL error fails with the scrubbed copy, so the SDK's
 * "Activity failed" log line and the failure stored in the workflow history carry no input (retries are unchanged:
 * the copy is an ordinary, retryable error).
 */
export const scrubDatabaseErrorsInActivities: ActivityInterceptorsFactory = () => {
  const inbound: ActivityInboundCallsInterceptor = {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (e) {
        throw scrubDatabaseError(e);
      }
    },
  };
  return { inbound };
};
