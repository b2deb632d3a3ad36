/**
 * Auditor tools against the real stack (dev server + PostgreSQL + HTTP): history export of every run
 * of a case, and replay of one case or every case of a definition against the running code — and
 * against a deliberately different bundle, which must be reported non-deterministic.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, createApp } from '../../api/app.js';
import { createLogger } from '../../platform/logger.js';
import { createCaseWorker } from '../../worker.js';
import { benchTenSteps } from '../../processes/examples/index.js';
import { caseWorkflowId, PROCESS_WORKFLOW } from '../../workflows/contract.js';
import { authHeader } from '../support/auth.js';
import { seedCase, startTestApi, type TestApi } from '../support/api.js';
import { processInput } from '../support/process.js';
import { workflowBundle } from '../support/temporal.js';

const HOME = 'so-tnmt';
const ALTERED = fileURLToPath(new URL('../workflows/fixtures/altered-workflows.ts', import.meta.url));

interface ExportBody {
  format: string;
  caseId: string;
  workflowId: string;
  retained: boolean;
  runs: Array<{
    runId: string;
    workflowType: string;
    events: number;
    history: { events: Array<Record<string, unknown>> };
  }>;
}
interface Report {
  codeHash: string | null;
  limit: number;
  truncated: boolean;
  matched: number;
  deterministic: boolean;
  counts: Record<string, number>;
  results: Array<{
    caseId: string;
    workflowId: string;
    runId: string | null;
    deterministic: boolean;
    result: string;
    error?: string;
    runs: Array<{ runId: string; deterministic: boolean; result: string }>;
  }>;
}

let api: TestApi;
let worker: Worker;
let running: Promise<void>;
let altered: { url: string; close(): Promise<void> };
let chained: string; // a completed case that continued-as-new
let plain: string; // a completed case of one run

/** Starts a bench-ten-steps case through processWorkflow (projected into case_states) and waits for it. */
async function runCase(opts: { continueAsNewAfterEvents?: number; seedReadModel?: boolean } = {}): Promise<string> {
  const input = processInput(benchTenSteps, {
    agencyId: HOME,
    options: { continueAsNewAfterEvents: opts.continueAsNewAfterEvents },
  });
  if (opts.seedReadModel !== false)
    await seedCase(api.tdb.db, { id: input.caseId, agencyId: HOME, caseType: 'petition' });
  await api.dev.client.workflow.execute(PROCESS_WORKFLOW, {
    taskQueue: api.deps.taskQueue,
    workflowId: caseWorkflowId(input.caseId),
    args: [input],
  });
  return input.caseId;
}

const post = async (url: string, body: unknown, auth: Record<string, string>) => {
  const r = await fetch(`${url}/v1/audit/replay`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Report };
};

beforeAll(async () => {
  api = await startTestApi();
  // The production worker (interpreter + every activity) on the API's task queue.
  worker = await createCaseWorker({
    connection: api.dev.nativeConnection,
    namespace: 'default',
    taskQueue: api.deps.taskQueue,
    db: api.tdb.db,
    logger: createLogger('silent'),
    workflowBundle: await workflowBundle(),
  });
  running = worker.run();
  chained = await runCase({ continueAsNewAfterEvents: 20 });
  plain = await runCase();
  // The same API, replaying against the altered bundle instead of the running code.
  const app = createApp({ ...api.deps, replayWorkflowsPath: ALTERED });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const a = server.address();
  altered = {
    url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
});
afterAll(async () => {
  await altered?.close();
  worker?.shutdown();
  await running;
  await api?.close();
});

describe('GET /v1/cases/:id/history', () => {
  it('exports every run of a case that continued-as-new, first to latest, as an attachment', async () => {
    const r = await fetch(`${api.url}/v1/cases/${chained}/history`, {
      headers: await authHeader({ roles: ['auditor'], agency: HOME }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="case-${chained}-history.json"`);
    const body = (await r.json()) as ExportBody;
    expect(body).toMatchObject({
      format: 'kntc-flow.history-export/v1',
      caseId: chained,
      workflowId: caseWorkflowId(chained),
      retained: true,
    });
    expect(body.runs.length).toBeGreaterThanOrEqual(2);
    for (const [i, run] of body.runs.entries()) {
      expect(run.workflowType).toBe(PROCESS_WORKFLOW);
      expect(run.events).toBe(run.history.events.length);
      expect(run.history.events[0]).toHaveProperty('workflowExecutionStartedEventAttributes');
      const last = run.history.events[run.history.events.length - 1]!;
      if (i < body.runs.length - 1) {
        // Each run names the next one.
        expect(
          (last.workflowExecutionContinuedAsNewEventAttributes as { newExecutionRunId: string }).newExecutionRunId,
        ).toBe(body.runs[i + 1]!.runId);
      } else {
        expect(last).toHaveProperty('workflowExecutionCompletedEventAttributes');
      }
    }
    expect(body.runs.at(-1)!.runId).toBe(
      (await api.dev.client.workflow.getHandle(caseWorkflowId(chained)).describe()).runId,
    );
    expect(
      await api.tdb.db('audit_log').where({ action: 'case.history_exported', case_id: chained }).first(),
    ).toBeDefined();
  });

  it('a case in another agency is not found; an officer may not export', async () => {
    const other = await fetch(`${api.url}/v1/cases/${plain}/history`, {
      headers: await authHeader({ roles: ['auditor'], agency: 'ubnd-xa-b' }),
    });
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain('events');
    const officer = await fetch(`${api.url}/v1/cases/${plain}/history`, {
      headers: await authHeader({ roles: ['officer'], agency: HOME }),
    });
    expect(officer.status).toBe(403);
  });

  it('a case Temporal holds no history for exports retained=false and no runs', async () => {
    const id = randomUUID();
    await seedCase(api.tdb.db, { id, agencyId: HOME });
    const r = await fetch(`${api.url}/v1/cases/${id}/history`, { headers: await authHeader({ roles: ['admin'] }) });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ retained: false, runs: [] });
  });
});

describe('POST /v1/audit/replay', () => {
  it('replays a real case (every run) against the running code: deterministic, and audited', async () => {
    const auditor = await authHeader({ roles: ['auditor'], agency: HOME });
    const { status, body } = await post(api.url, { caseId: chained }, auditor);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      deterministic: true,
      matched: 1,
      truncated: false,
      limit: 500,
      counts: { deterministic: 1, nondeterministic: 0 },
    });
    expect(body.codeHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [c] = body.results;
    expect(c).toMatchObject({
      caseId: chained,
      workflowId: caseWorkflowId(chained),
      deterministic: true,
      result: 'deterministic',
    });
    expect(c!.runs.length).toBeGreaterThanOrEqual(2);
    expect(c!.runs.every((r) => r.deterministic)).toBe(true);
    expect(c!.runId).toBe(c!.runs.at(-1)!.runId);
    const entry = await api.tdb.db('audit_log').where({ action: 'audit.replay_requested', case_id: chained }).first();
    expect(entry.after).toMatchObject({
      request: { caseId: chained },
      counts: { deterministic: 1 },
      codeHash: body.codeHash,
    });
  });

  it("replays every case of a definition (version-filtered) in the caller's subtree only", async () => {
    const onlyProjected = await runCase({ seedReadModel: false }); // known to case_states only
    const auditor = await authHeader({ roles: ['auditor'], agency: HOME });
    const all = await post(api.url, { definitionKey: benchTenSteps.key, definitionVersion: 1 }, auditor);
    expect(all.status).toBe(200);
    expect(all.body.results.map((r) => r.caseId).sort()).toEqual([chained, plain, onlyProjected].sort());
    expect(all.body).toMatchObject({ deterministic: true, counts: { deterministic: 3 } });

    const limited = await post(api.url, { definitionKey: benchTenSteps.key, limit: 2 }, auditor);
    expect(limited.body).toMatchObject({ matched: 2, truncated: true, limit: 2 });

    expect(
      (await post(api.url, { definitionKey: benchTenSteps.key, definitionVersion: 2 }, auditor)).body.matched,
    ).toBe(0);
    const elsewhere = await post(
      api.url,
      { definitionKey: benchTenSteps.key },
      await authHeader({ roles: ['auditor'], agency: 'ubnd-xa-b' }),
    );
    expect(elsewhere.body).toMatchObject({ matched: 0, results: [], codeHash: null });
  });

  it('a case received through POST /v1/cases replays deterministically, alone and with its definition', async () => {
    const example = apiRoutes().find((r) => r.method === 'post' && r.path === '/v1/cases')!.request!
      .bodyExample as Record<string, unknown>;
    const created = await fetch(`${api.url}/v1/cases`, {
      method: 'POST',
      headers: {
        ...(await authHeader({ roles: ['intake'], agency: HOME })),
        'content-type': 'application/json',
        'Idempotency-Key': randomUUID(),
      },
      body: JSON.stringify({ ...example, agencyId: HOME }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id, definition } = (await created.json()) as { id: string; definition?: { key: string; version: number } };
    // Let the workflow take its first steps (its first projection), so the history has commands to check.
    for (let i = 0; i < 200 && !(await api.tdb.db('case_states').where({ case_id: id }).first()); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await api.tdb.db('case_states').where({ case_id: id }).first()).toBeDefined();
    const auditor = await authHeader({ roles: ['auditor'], agency: HOME });
    // The export leaves the system: it carries references only, never a party's identity.
    const exported = await (await fetch(`${api.url}/v1/cases/${id}/history`, { headers: auditor })).text();
    expect(exported).toContain(id);
    for (const party of (example.parties ?? []) as Array<Record<string, unknown>>) {
      for (const field of ['name', 'idNumber', 'phone', 'email', 'address']) {
        if (typeof party[field] === 'string') expect(exported).not.toContain(party[field]);
      }
    }
    const one = await post(api.url, { caseId: id }, auditor);
    expect(one.body.results[0], JSON.stringify(one.body)).toMatchObject({
      caseId: id,
      deterministic: true,
      result: 'deterministic',
    });
    if (definition) {
      const all = await post(
        api.url,
        { definitionKey: definition.key, definitionVersion: definition.version },
        auditor,
      );
      expect(all.body.results.find((r) => r.caseId === id)).toMatchObject({ deterministic: true });
    }
  });

  it('detects non-determinism: the same history against a different bundle', async () => {
    const { status, body } = await post(altered.url, { caseId: plain }, await authHeader({ roles: ['admin'] }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ deterministic: false, counts: { nondeterministic: 1 } });
    expect(body.results[0]).toMatchObject({ caseId: plain, deterministic: false, result: 'nondeterministic' });
    expect(body.results[0]!.error).toBeTruthy();
    const entry = await api.tdb
      .db('audit_log')
      .where({ action: 'audit.replay_requested', case_id: plain })
      .orderBy('seq', 'desc')
      .first();
    expect(entry.after).toMatchObject({ counts: { nondeterministic: 1 }, notDeterministic: [plain] });
  });

  it("rejects bad selections and hides other agencies' cases", async () => {
    const admin = await authHeader({ roles: ['admin'] });
    for (const bad of [
      {},
      { caseId: plain, definitionKey: 'x' },
      { definitionVersion: 1 },
      { definitionKey: 'x', limit: 501 },
    ]) {
      expect((await post(api.url, bad, admin)).status, JSON.stringify(bad)).toBe(400);
    }
    expect(
      (await post(api.url, { caseId: plain }, await authHeader({ roles: ['auditor'], agency: 'ubnd-xa-b' }))).status,
    ).toBe(404);
    expect((await post(api.url, { caseId: randomUUID() }, admin)).status).toBe(404);
    expect(
      (await post(api.url, { caseId: plain }, await authHeader({ roles: ['supervisor'], agency: HOME }))).status,
    ).toBe(403);
  });
});
