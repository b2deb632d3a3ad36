import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createApp } from '../../api/app.js';
import type { AppDeps } from '../../api/deps.js';
import { registerBuiltinDefinitions } from '../../db/builtin-definitions.js';
import { createLogger } from '../../platform/logger.js';
import type { PiiKeyring } from '../../platform/pii.js';
import { testAuth, testPii } from './auth.js';
import { createTestDb, type TestDb } from './db.js';
import { createCaseWorker, type CaseWorkerDeps } from '../../worker.js';
import { devServer, uniqueQueue, workflowBundle } from './temporal.js';

export interface TestApi {
  url: string;
  tdb: TestDb;
  deps: AppDeps;
  dev: Awaited<ReturnType<typeof devServer>>;
  close(): Promise<void>;
}

/**
 * The HTTP API on a throwaway database and the run's Temporal dev server, with test auth and a
 * fresh PII key. No worker unless `worker: true`: otherwise workflows started here wait on a queue
 * nobody polls (fine for API tests).
 */
export async function startTestApi(
  opts: {
    pii?: PiiKeyring;
    logger?: AppDeps['logger'];
    worker?: boolean;
    webhooks?: AppDeps['webhooks'];
    notifications?: CaseWorkerDeps['notifications'];
    /** Serve the built web console (console/dist, built once per run by the global setup) at `/`. */
    consoleDir?: string;
    /** The API's wall clock for rules judged against today (AppDeps.now). */
    now?: () => number;
  } = {},
): Promise<TestApi> {
  const tdb = await createTestDb();
  await registerBuiltinDefinitions(tdb.db);
  const dev = await devServer();
  // The API and its worker connect as the application role (ADR 0014), as `npm start` runs them.
  const deps: AppDeps = {
    db: tdb.appDb,
    temporal: dev.client,
    taskQueue: uniqueQueue('api'),
    logger: opts.logger ?? createLogger('silent'),
    auth: testAuth,
    pii: opts.pii ?? testPii(),
    ...(opts.webhooks ? { webhooks: opts.webhooks } : {}),
    ...(opts.consoleDir ? { consoleDir: opts.consoleDir } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  };
  // Optionally a case worker on the API's queue: cases started through the API then run for real.
  let stopWorker = async () => {};
  if (opts.worker) {
    const worker = await createCaseWorker({
      connection: dev.nativeConnection,
      namespace: 'default',
      taskQueue: deps.taskQueue,
      db: tdb.appDb,
      logger: deps.logger,
      workflowBundle: await workflowBundle(),
      pinKeys: deps.pii,
      webhooks: { allowLocalhost: opts.webhooks?.allowLocalhost === true },
      ...(opts.notifications ? { notifications: opts.notifications } : {}),
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running.catch(() => undefined);
    };
  }
  const app = createApp(deps);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const a = server.address();
  return {
    url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
    tdb,
    deps,
    dev,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await stopWorker();
      await dev.close();
      await tdb.drop();
    },
  };
}

/** Row counts of every application table (migration bookkeeping excluded). */
export async function tableCounts(db: TestDb['db']): Promise<Record<string, number>> {
  const { rows } = await db.raw<{ rows: Array<{ tablename: string }> }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'knex_migrations%' ORDER BY tablename`,
  );
  const out: Record<string, number> = {};
  for (const { tablename } of rows) {
    const [r] = await db(tablename).count<Array<{ n: number }>>('* as n');
    out[tablename] = Number(r!.n);
  }
  return out;
}

/** Seeds a case row in the read model directly (no workflow), for scope tests. */
export async function seedCase(
  db: TestDb['db'],
  c: { id: string; agencyId: string; caseType?: string },
): Promise<void> {
  await db('cases').insert({
    id: c.id,
    reference: `TC-2026-${c.id.replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    workflow_id: `case-${c.id}`,
    case_type: c.caseType ?? 'denunciation',
    channel: 'portal',
    agency_id: c.agencyId,
    subject: 'seeded',
    received_at: '2026-07-01T02:30:00Z',
    stage: 'received',
    status: 'open',
  });
}

export type Json = Record<string, unknown>;

/** An API answer: the status, the body parsed as JSON (`{}` when empty) and the raw body text. */
export interface ApiResponse {
  status: number;
  json: Json;
  text: string;
}

/**
 * `call(method, path, headers, body?, key?)`: one request to the test API. A `body` goes out as
 * JSON (with its content-type); a POST carries `Idempotency-Key: key`, a fresh UUID unless given.
 */
export type ApiCall = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  key?: string,
) => Promise<ApiResponse>;

/** A `call` against the API at `baseUrl()` (read per request: the API usually starts in `beforeAll`). */
export function apiCaller(baseUrl: () => string): ApiCall {
  return async (method, path, headers, body, key = randomUUID()) => {
    const r = await fetch(baseUrl() + path, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'POST' ? { 'Idempotency-Key': key } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as Json) : {}, text };
  };
}

/**
 * Calls `get` every 50 ms (300 tries, ≈15 s) until `ok` holds and returns that value; otherwise
 * throws naming `what` and the last value (its JSON cut to `lastChars`).
 */
export async function poll<T>(
  what: string,
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  { lastChars = 500 }: { lastChars?: number } = {},
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 300; i++) {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, lastChars)}`);
}
