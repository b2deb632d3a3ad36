import type { ErrorRequestHandler, RequestHandler } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ZodError } from 'zod';
import { ConflictError, NotFoundError } from '../db/errors.js';
import { IdempotencyKeyReused } from '../db/idempotency-keys.js';
import { PiiKeyError } from '../platform/pii.js';

/** Base URI of our stable problem types (RFC 9457 `type`). */
export const PROBLEM_BASE = 'https://kntc-flow.vn/problems/';

/** An HTTP error with an RFC 9457 problem body. Throw it from handlers; the middleware renders it. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

export const problems = {
  badRequest: (detail: string, extra?: Record<string, unknown>) =>
    new HttpProblem(400, 'bad-request', 'Bad request', detail, extra),
  validation: (errors: Array<{ path: string; message: string }>) =>
    new HttpProblem(
      400,
      'validation',
      'The request is not valid',
      errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '),
      { errors },
    ),
  notFound: (what: string) => new HttpProblem(404, 'not-found', 'Not found', `${what} was not found`),
  conflict: (detail: string) => new HttpProblem(409, 'conflict', 'Conflict', detail),
  idempotencyMismatch: () =>
    new HttpProblem(
      422,
      'idempotency-key-reused',
      'Idempotency-Key reused with a different request',
      'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
    ),
  unavailable: (detail: string) => new HttpProblem(503, 'unavailable', 'Service unavailable', detail),
};

/** Maps a zod error to field-level messages. */
export function zodToProblem(e: ZodError, prefix?: string): HttpProblem {
  return problems.validation(
    e.issues.map((i) => {
      // Name unknown fields themselves (zod reports them on the parent object).
      const keys = i.code === 'unrecognized_keys' ? ((i as { keys?: string[] }).keys ?? []) : [];
      const path = [prefix, ...i.path.map(String), ...(keys.length === 1 ? keys : [])].filter(Boolean).join('.');
      return { path, message: i.message };
    }),
  );
}

/** 404 for unknown routes, as problem+json. */
export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, 'route-not-found', 'Not found', `No route for ${req.method} ${req.path}`));
};

/**
 * The one error middleware: typed errors become problem+json; anything unknown is a 500 whose body
 * never carries internal details (they go to the log with the request id).
 */
/** Socket error codes of a server that is down, and SQLSTATEs of a database that cannot serve now. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** A database or network outage (not the request's fault): connection refused or lost, shutdown, pool timeout. */
export function dependencyUnavailable(err: unknown): boolean {
  const x = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (!x || typeof x !== 'object') return false;
  if (typeof x.code === 'string' && (UNAVAILABLE_CODES.has(x.code) || /^08[0-9A-Z]{3}$/.test(x.code))) return true;
  if (x.name === 'KnexTimeoutError') return true;
  return typeof x.message === 'string' && /^Connection terminated/.test(x.message);
}

export const problemMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  let p: HttpProblem;
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  if (err instanceof HttpProblem) p = err;
  else if (err instanceof ZodError) p = zodToProblem(err);
  else if (err instanceof NotFoundError || err instanceof WorkflowNotFoundError) p = problems.notFound('The resource');
  else if (err instanceof ConflictError) p = problems.conflict(err.message);
  else if (err instanceof IdempotencyKeyReused) p = problems.idempotencyMismatch();
  else if (err instanceof PiiKeyError) {
    // A configuration fault (PII_KEYS lacks a key still in use): say so plainly, never show data.
    req.log?.error({ err: err.message }, 'personal data could not be decrypted');
    p = new HttpProblem(500, 'pii-key', 'Personal data unavailable', err.message);
  } else if (e?.type === 'entity.parse.failed')
    p = new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON');
  else if (e?.type === 'entity.too.large')
    p = new HttpProblem(413, 'payload-too-large', 'Payload too large', 'The request body exceeds the size limit');
  else if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    p = new HttpProblem(415, 'unsupported-media-type', 'Unsupported media type', e.message);
  else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    p = new HttpProblem(e.status, 'bad-request', 'Bad request', 'The request could not be processed');
  else if (dependencyUnavailable(err)) {
    // PostgreSQL is down or restarting (seen in the fault drills): the client retries, with its Idempotency-Key.
    req.log?.warn({ code: (err as { code?: unknown }).code, name: (err as Error).name }, 'a dependency is unavailable');
    res.set('Retry-After', '5');
    p = new HttpProblem(
      503,
      'unavailable',
      'Service unavailable',
      'A service the API depends on is unavailable; retry shortly (with the same Idempotency-Key)',
    );
  } else {
    // A database error's message and detail may quote the request's text (ADR 0016): log its SQLSTATE only.
    const sqlstate = (err as { code?: unknown })?.code;
    if (typeof sqlstate === 'string' && /^[0-9A-Z]{5}$/.test(sqlstate)) {
      req.log?.error(
        {
          sqlstate,
          routine: (err as { routine?: unknown }).routine,
          stack: String((err as Error).stack ?? '')
            .split('\n')
            .slice(1)
            .join('\n'),
        },
        'unhandled database error',
      );
    } else req.log?.error({ err }, 'unhandled error');
    p = new HttpProblem(
      500,
      'internal',
      'Internal error',
      'An unexpected error occurred; quote the request id when reporting it',
    );
  }
  const requestId = (req as { id?: unknown }).id;
  res
    .status(p.status)
    .type('application/problem+json')
    .json({
      type: PROBLEM_BASE + p.slug,
      title: p.title,
      status: p.status,
      ...(p.detail ? { detail: p.detail } : {}),
      instance: req.originalUrl,
      ...(requestId ? { requestId: String(requestId) } : {}),
      ...p.extra,
    });
};
