import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createDb } from '../../db/knex.js';
import { createLogger } from '../../platform/logger.js';
import { registerBuiltinDefinitions } from '../../db/builtin-definitions.js';
import { createCaseWorker } from '../../worker.js';
import { authHeader, testAuth, testPii } from '../support/auth.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { devServer, uniqueQueue, workflowBundle } from '../support/temporal.js';

const logger = createLogger('silent');

function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` });
    });
  });
}

const body = {
  type: 'complaint_first',
  channel: 'portal',
  receivedAt: '2026-07-01T09:30:00+07:00',
  agencyId: 'so-tnmt',
  subject: 'Khiếu nại quyết định thu hồi đất',
};

describe('POST /v1/cases → interpreter workflow → projection → read model → GET', () => {
  let tdb: TestDb;
  let dev: Awaited<ReturnType<typeof devServer>>;
  let worker: Worker;
  let workerRun: Promise<void>;
  let server: Server;
  let url: string;
  let auth: Record<string, string>;
  const taskQueue = uniqueQueue('int');

  beforeAll(async () => {
    tdb = await createTestDb();
    await registerBuiltinDefinitions(tdb.db);
    dev = await devServer();
    worker = await createCaseWorker({
      connection: dev.nativeConnection,
      namespace: 'default',
      taskQueue,
      db: tdb.db,
      logger,
      workflowBundle: await workflowBundle(),
    });
    workerRun = worker.run();
    auth = await authHeader({ roles: ['intake'], agency: 'so-tnmt' });
    ({ server, url } = await listen(
      createApp({ db: tdb.db, temporal: dev.client, taskQueue, logger, auth: testAuth, pii: testPii() }),
    ));
  });

  afterAll(async () => {
    server?.close();
    worker?.shutdown();
    await workerRun;
    await dev?.close();
    await tdb?.drop();
  });

  const post = (b: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth, ...headers },
      body: typeof b === 'string' ? b : JSON.stringify(b),
    });

  async function counts() {
    const [c] = await tdb.db('cases').count<{ count: number }[]>('* as count');
    const [k] = await tdb.db('idempotency_keys').count<{ count: number }[]>('* as count');
    return { cases: Number(c!.count), keys: Number(k!.count) };
  }

  it('starts a case on the definition version of its receipt date; its workflow projects it into PostgreSQL; GET returns it', async () => {
    const res = await post(body, { 'Idempotency-Key': 'k-1' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, string>;
    expect(created).toMatchObject({ status: 'open', stage: 'received', workflowId: `case-${created.id}` });
    expect(res.headers.get('location')).toBe(`/v1/cases/${created.id}`);

    expect(created).toMatchObject({ definition: { key: 'complaint-first', version: 2 } });
    // The workflow's projections write seq 1, 2, … (the API seeds the case row with seq 0). Received on
    // 01/07/2026, the 7-working-day acceptance clock is long breached today, so more steps follow at once.
    let got: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      got = (await (await fetch(`${url}/v1/cases/${created.id}`, { headers: auth })).json()) as Record<string, unknown>;
      if (Number(got.projectionSeq) >= 1 && Array.isArray(got.openTasks) && got.openTasks.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(got).toMatchObject({
      id: created.id,
      caseType: 'complaint_first',
      agencyId: 'so-tnmt',
      status: 'open',
      receivedAt: '2026-07-01T09:30:00.000+07:00',
      reference: created.reference,
      definition: { key: 'complaint-first', version: 2 },
      consistency: { source: 'read-model' },
    });
    expect(Number(got.projectionSeq)).toBeGreaterThanOrEqual(1);
    expect((got.openTasks as Array<{ nodeId: string }>).map((t) => t.nodeId)).toContain('accept');
    const desc = await dev.client.workflow.getHandle(created.workflowId!).describe();
    expect(desc.status.name).toBe('RUNNING');
    expect(desc.taskQueue).toBe(taskQueue);
  });

  it('POST twice with the same Idempotency-Key yields one case and one workflow', async () => {
    const before = await counts();
    const a = (await (await post(body, { 'Idempotency-Key': 'same-key' })).json()) as Record<string, string>;
    const r2 = await post({ ...body }, { 'Idempotency-Key': 'same-key' });
    expect(r2.status).toBe(201);
    expect(r2.headers.get('idempotent-replayed')).toBe('true');
    const b = (await r2.json()) as Record<string, string>;
    expect(b.id).toBe(a.id);
    expect(b.runId).toBe(a.runId);
    expect(await counts()).toEqual({ cases: before.cases + 1, keys: before.keys + 1 });
  });

  it('concurrent requests with one key still make one case', async () => {
    const before = await counts();
    const rs = await Promise.all([1, 2, 3].map(() => post(body, { 'Idempotency-Key': 'race-key' })));
    const ids = new Set(await Promise.all(rs.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(rs.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(ids.size).toBe(1);
    expect((await counts()).cases).toBe(before.cases + 1);
  });

  it('the same key with a different body is 422 and stores nothing', async () => {
    await post(body, { 'Idempotency-Key': 'k-diff' });
    const before = await counts();
    const r = await post({ ...body, subject: 'other' }, { 'Idempotency-Key': 'k-diff' });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await r.json()) as { type: string }).type).toBe('https://kntc-flow.vn/problems/idempotency-key-reused');
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['malformed JSON', '{"type":', 400, 'malformed-json'],
    ['unknown field', { ...body, extra: 1 }, 400, 'validation'],
    ['wrong type', { ...body, remoteArea: 'yes' }, 400, 'validation'],
    ['invalid date', { ...body, receivedAt: '2026-02-30T10:00:00+07:00' }, 400, 'validation'],
    ['date without offset', { ...body, receivedAt: '2026-02-03T10:00:00' }, 400, 'validation'],
    ['future receipt', { ...body, receivedAt: '2099-01-01T10:00:00+07:00' }, 400, 'validation'],
    ['unknown case type', { ...body, type: 'lawsuit' }, 400, 'validation'],
    ['empty subject', { ...body, subject: '  ' }, 400, 'validation'],
  ])('rejects %s with a problem+json 4xx; nothing stored or started', async (_name, b, status, slug) => {
    const before = await counts();
    const r = await post(b, { 'Idempotency-Key': `bad-${String(_name).replace(/\W+/g, '-')}` });
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const p = (await r.json()) as Record<string, unknown>;
    expect(p).toMatchObject({ type: `https://kntc-flow.vn/problems/${slug}`, status });
    expect(typeof p.detail).toBe('string');
    expect(await counts()).toEqual(before);
  });

  it('rejects an oversized body with 413', async () => {
    const r = await post({ ...body, subject: 'x'.repeat(300_000) });
    expect(r.status).toBe(413);
  });

  it('GET of an unknown or malformed id is 404 problem+json', async () => {
    for (const id of ['7e0b1c1e-1111-4111-8111-111111111111', 'not-a-uuid']) {
      const r = await fetch(`${url}/v1/cases/${id}`, { headers: auth });
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });

  it('healthz is 200; readyz is 200 with PostgreSQL and Temporal up and carries a request id', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const r = await fetch(`${url}/readyz`, { headers: { 'X-Request-Id': 'req-abc' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe('req-abc');
    expect(await r.json()).toMatchObject({
      status: 'ready',
      checks: { postgres: { ok: true }, temporal: { ok: true } },
    });
  });

  it('readyz is 503 when PostgreSQL or Temporal is unreachable', async () => {
    const deadDb = createDb('postgres://x:y@127.0.0.1:1/none');
    const deadConn = Connection.lazy({ address: '127.0.0.1:1' });
    const app = createApp({
      db: deadDb,
      temporal: new Client({ connection: deadConn }),
      taskQueue,
      logger,
      auth: testAuth,
      pii: testPii(),
    });
    const { server: s2, url: u2 } = await listen(app);
    try {
      const r = await fetch(`${u2}/readyz`);
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({
        status: 'not-ready',
        checks: { postgres: { ok: false }, temporal: { ok: false } },
      });
    } finally {
      s2.close();
      await deadDb.destroy();
    }
  });
});
