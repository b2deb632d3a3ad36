/**
 * Issue 10 ("a generated client drives a case end to end") and issue 13 item 6, on the real stack
 * (PostgreSQL, the Temporal dev server, a case worker, the HTTP API): a petition goes from receipt to
 * its end ONLY through the generated client (clients/typescript: openapi-typescript types,
 * openapi-fetch). Every request and answer below is typed by the committed schema.d.ts — a path,
 * parameter or body the API does not document fails `tsc`, and errors arrive as typed problem details.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKntcClient, type KntcClient, type Problem } from '../../clients/typescript/index.js';
import { mintToken } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let intake: KntcClient;
let officer: KntcClient;
const AGENCY = 'so-tnmt';

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  intake = createKntcClient(api.url, await mintToken({ roles: ['intake'], agency: AGENCY, sub: 'clerk-client' }));
  // The petition's tasks are the letter officer's and the resolver's (processes/builtin/petition.ts).
  officer = createKntcClient(
    api.url,
    await mintToken({
      roles: ['officer'],
      agency: AGENCY,
      sub: 'officer-client',
      permissions: ['task-role:letter_officer', 'task-role:resolver'],
    }),
  );
}, 300_000);
afterAll(async () => {
  await api?.close();
});

/** Polls `f` until it answers a value (bounded: about two minutes under load). */
async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type InboxTask = NonNullable<Awaited<ReturnType<typeof openTask>>>;
/** The case's open task at `nodeId`, as the officer's inbox lists it (GET /v1/tasks). */
async function openTask(caseId: string, nodeId: string) {
  const { data, error } = await officer.GET('/v1/tasks', { params: { query: { caseId, status: 'open' } } });
  if (error) throw new Error(`GET /v1/tasks: ${error.status} ${error.title}`);
  return data.items.find((t) => t.kind === 'case' && t.nodeId === nodeId);
}

describe('the generated TypeScript client', () => {
  it('drives a petition from receipt to its end, and gets typed problem details for a bad form', async () => {
    // Receipt: 201 with the new case.
    const created = await intake.POST('/v1/cases', {
      body: {
        type: 'petition',
        channel: 'portal',
        receivedAt: new Date().toISOString(),
        agencyId: AGENCY,
        subject: 'Kiến nghị qua client sinh tự động',
      },
      headers: { 'Idempotency-Key': `client-${Date.now()}` },
    });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    const caseId = created.data!.id;
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    // Form dates: today in Vietnam (not before the receipt, not in the future).
    const today = DateTime.now().setZone('Asia/Ho_Chi_Minh').toISODate()!;

    const opened = await intake.GET('/v1/cases/{id}', { params: { path: { id: caseId } } });
    expect(opened.error).toBeUndefined();
    expect(opened.data).toMatchObject({ id: caseId, caseType: 'petition', agencyId: AGENCY, status: 'open' });

    // Each task in turn: find it in the inbox, claim it, complete it with its form.
    const forms: Array<[string, Record<string, unknown>]> = [
      ['accept', { petitionDecision: 'accept', decidedOn: today }],
      ['respond', { respondedOn: today, responseRef: 'CV-123/STNMT', measuresTaken: true }],
    ];
    let first = true;
    for (const [nodeId, data] of forms) {
      const task: InboxTask = await until(`the ${nodeId} task in the inbox`, () => openTask(caseId, nodeId));
      expect(task.candidateRoles.length).toBeGreaterThan(0);

      const claimed = await officer.POST('/v1/tasks/{id}/claim', { params: { path: { id: task.id } } });
      expect(claimed.response.status, JSON.stringify(claimed.error)).toBe(200);
      expect(claimed.data!.assignee).toBeTruthy();

      if (first) {
        // A bad form: 422 problem+json naming the field (the case's validator refused it; nothing entered the case); typed as the documented Problem.
        const bad = await officer.POST('/v1/tasks/{id}/complete', {
          params: { path: { id: task.id } },
          body: { data: { petitionDecision: 'maybe', decidedOn: today } },
        });
        expect(bad.response.status).toBe(422);
        expect(bad.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(bad.data).toBeUndefined();
        const problem: Problem = bad.error!;
        expect(problem.status).toBe(422);
        expect(problem.type).toMatch(/invalid-form-data$/);
        expect(problem.detail, JSON.stringify(problem)).toMatch(/petitionDecision/);
        first = false;
      }

      const done = await officer.POST('/v1/tasks/{id}/complete', { params: { path: { id: task.id } }, body: { data } });
      expect(done.response.status, JSON.stringify(done.error)).toBe(200);
      expect(done.data!.taskId).toBe(task.id);
    }

    // The end: the case is closed, answered (no forwarding deputy: no task to inform one).
    const closed = await until('the case closed', async () => {
      const { data } = await officer.GET('/v1/cases/{id}', { params: { path: { id: caseId } } });
      return data?.status === 'closed' ? data : undefined;
    });
    expect(closed.outcome).toBe('answered');
    expect(closed.openTasks).toEqual([]);
    const tasksLeft = await officer.GET('/v1/tasks', { params: { query: { caseId } } });
    expect(tasksLeft.data!.items).toEqual([]);

    // Typed errors elsewhere too: an unknown case is a 404 problem.
    const missing = await officer.GET('/v1/cases/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error!.status).toBe(404);
  }, 300_000);
});
