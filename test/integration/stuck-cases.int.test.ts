/**
 * A case whose workflow task keeps failing (ADR 0017), on the real dev server and PostgreSQL: it is
 * counted in /metrics (`kntc_cases_stuck`), listed for the admins of its agency subtree only, and
 * an admin resets it to before the bad input (Temporal's workflow reset; the Update not reapplied),
 * audited with the reason; the case then moves again. The failing workflow task is injected by a
 * test-only workflow interceptor (test/support/poison-interceptor.ts): an accepted completion with
 * `poison: true` fails every later workflow task of its run — as the calendar coverage error of
 * issue 10 did before the calendar grew on demand.
 */
import { fileURLToPath } from 'node:url';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefinitionStore } from '../../db/definitions.js';
import { createCaseWorker } from '../../worker.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, startTestApi, type Json, type TestApi } from '../support/api.js';

const HOME = 'so-tnmt';
const OTHER = 'ubnd-xa-b';

/** work (its form may carry `poison`) -> review -> end. */
const FIXTURE = {
  key: 'stuck-fixture',
  version: 98,
  name: 'Stuck case fixture',
  caseType: 'petition',
  effectiveFrom: '2000-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'work',
      name: 'Work',
      candidateRoles: ['resolver'],
      agencyScope: 'resolving',
      form: {
        fields: [
          { name: 'note', type: 'string' },
          { name: 'poison', type: 'boolean' },
          { name: 'poisonNow', type: 'boolean' },
        ],
      },
    },
    { type: 'userTask', id: 'review', name: 'Review', candidateRoles: ['resolver'], agencyScope: 'resolving' },
    { type: 'endEvent', id: 'end', outcome: 'done' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'work' },
    { id: 'f2', source: 'work', target: 'review' },
    { id: 'f3', source: 'review', target: 'end' },
  ],
};

let api: TestApi;
let worker: Worker;
let running: Promise<void>;
const call = apiCaller(() => api.url);

beforeAll(async () => {
  api = await startTestApi();
  await createDefinitionStore(api.tdb.db).register(FIXTURE, 'test');
  worker = await createCaseWorker({
    connection: api.dev.nativeConnection,
    namespace: 'default',
    taskQueue: api.deps.taskQueue,
    db: api.tdb.db,
    logger: api.deps.logger,
    workflowInterceptorModules: [fileURLToPath(new URL('../support/poison-interceptor.ts', import.meta.url))],
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await api?.close();
});

/** Polls `get` every 250 ms for up to `seconds` until `ok` holds. */
async function eventually<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, seconds = 120): Promise<T> {
  let last: T | undefined;
  for (const end = Date.now() + seconds * 1000; Date.now() < end;) {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 800)}`);
}

const openTasks = async (caseId: string, admin: Record<string, string>) =>
  ((await call('GET', `/v1/tasks?caseId=${caseId}`, admin)).json.items ?? []) as Array<{ id: string; nodeId: string }>;

describe('stuck cases: counted, listed, reset by an admin', () => {
  it('an Update whose own workflow task fails answers 503 (nothing applied), never a 500', async () => {
    // The petition's `work` task is the resolver's (candidate roles, ADR 0013).
    const admin = await authHeader({ roles: ['admin'], agency: HOME, permissions: ['task-role:resolver'] });
    const created = await call('POST', '/v1/cases', admin, {
      type: 'petition',
      channel: 'portal',
      receivedAt: new Date().toISOString(),
      agencyId: HOME,
      subject: 'stuck fixture',
    });
    const caseId = String(created.json.id);
    const [work] = await eventually(
      'work open',
      () => openTasks(caseId, admin),
      (t) => t.some((x) => x.nodeId === 'work'),
    );
    try {
      const r = await call('POST', `/v1/tasks/${work!.id}/complete`, admin, { data: { poisonNow: true } });
      expect(r.status, r.text).toBe(503);
      expect(r.json.type).toBe('https://kntc-flow.vn/problems/case-unavailable');
    } finally {
      await api.dev.client.workflow
        .getHandle(`case-${caseId}`)
        .terminate('test done')
        .catch(() => undefined);
    }
  });

  it('a case stuck on a poisoned completion is counted and listed; reset to before it, it moves again', async () => {
    // The petition's `work` task is the resolver's (candidate roles, ADR 0013).
    const admin = await authHeader({ roles: ['admin'], agency: HOME, permissions: ['task-role:resolver'] });
    const otherAdmin = await authHeader({ roles: ['admin'], agency: OTHER });
    const created = await call('POST', '/v1/cases', admin, {
      type: 'petition',
      channel: 'portal',
      receivedAt: new Date().toISOString(),
      agencyId: HOME,
      subject: 'stuck fixture',
    });
    expect(created.status, created.text).toBe(201);
    const caseId = String(created.json.id);
    const [work] = await eventually(
      'work open',
      () => openTasks(caseId, admin),
      (t) => t.some((x) => x.nodeId === 'work'),
    );

    // The bad input is accepted (the validator cannot know), then every workflow task fails.
    const bad = await call('POST', `/v1/tasks/${work!.id}/complete`, admin, { data: { note: 'x', poison: true } });
    expect(bad.status, bad.text).toBe(200);
    const listed = await eventually(
      'listed as stuck',
      async () => (await call('GET', '/v1/admin/stuck-cases', admin)).json,
      (j) => ((j.items ?? []) as Json[]).some((s) => s.caseId === caseId),
    );
    const stuck = (listed.items as Json[]).find((s) => s.caseId === caseId)!;
    expect(stuck).toMatchObject({
      agencyId: HOME,
      caseType: 'petition',
      lastFailure: expect.stringContaining('poisoned input'),
      links: { reset: `/v1/admin/cases/${caseId}/reset` },
    });
    expect(Number(stuck.attempts)).toBeGreaterThanOrEqual(3);
    expect(typeof stuck.lastUpdateEventId).toBe('number');
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(Number(/^kntc_cases_stuck (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    // The read model is frozen while it is stuck: `consistent=true` cannot be answered by the workflow.
    expect((await call('GET', `/v1/cases/${caseId}?consistent=true`, admin)).status).toBe(409);

    // Another subtree's admin neither sees nor resets it.
    const otherList = await call('GET', '/v1/admin/stuck-cases', otherAdmin);
    expect(otherList.status).toBe(200);
    expect(otherList.text).not.toContain(caseId);
    const reason = 'poison flag set by mistake on the work form; reset to before that completion';
    expect(
      (await call('POST', `/v1/admin/cases/${caseId}/reset`, otherAdmin, { before: 'last-update', reason })).status,
    ).toBe(404);
    // A reason is mandatory; the reset point must be a workflow task of the run.
    const noReason = await call('POST', `/v1/admin/cases/${caseId}/reset`, admin, { before: 'last-update' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('reason');
    const badPoint = await call('POST', `/v1/admin/cases/${caseId}/reset`, admin, { eventId: 1, reason });
    expect(badPoint.status, badPoint.text).toBe(422);
    expect(badPoint.json.detail).toContain('eventId: 1 is not a WorkflowTaskCompleted event');

    const reset = await call('POST', `/v1/admin/cases/${caseId}/reset`, admin, { before: 'last-update', reason });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.json).toMatchObject({ caseId, droppedUpdateEventId: stuck.lastUpdateEventId });
    expect(reset.json.runId).not.toBe(reset.json.previousRunId);

    // Audited with the reason.
    const audit = await api.tdb.db('audit_log').where({ case_id: caseId, action: 'case.reset' }).first();
    expect(audit).toBeDefined();
    expect(JSON.stringify(audit.after)).toContain(reason);

    // The case moves again: the work task is open (read model back at the reset point), the corrected input goes through.
    const [again] = await eventually(
      'work open again',
      () => openTasks(caseId, admin),
      (t) => t.some((x) => x.nodeId === 'work'),
    );
    const good = await call('POST', `/v1/tasks/${again!.id}/complete`, admin, { data: { note: 'x', poison: false } });
    expect(good.status, good.text).toBe(200);
    await eventually(
      'review open',
      () => openTasks(caseId, admin),
      (t) => t.some((x) => x.nodeId === 'review'),
    );
    const live = await call('GET', `/v1/cases/${caseId}?consistent=true`, admin);
    expect(live.status, live.text).toBe(200);
    const after = await call('GET', '/v1/admin/stuck-cases', admin);
    expect(after.text).not.toContain(caseId);
  });
});
