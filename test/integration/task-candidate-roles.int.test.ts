/**
 * Task candidate roles are enforced (issue 11 item 2, ADR 0013) on the real stack — API, PostgreSQL,
 * the Temporal dev server and a case worker. A fixture case runs, in parallel, one user task for each
 * distinct candidate-role set of the built-in definitions (named after a built-in task with that set):
 * every role outside the set is refused claim and completion by the API (403) AND by the case's Update
 * validator (sent directly to Temporal); a role inside completes it. Assignment: a task held by one
 * officer cannot be completed by another, nor by a supervisor, until a supervisor reassigns it.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth/principal.js';
import { createApiKeyStore } from '../../db/api-keys.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { API_ROLE_OF, ROLE } from '../../processes/builtin/build.js';
import { BUILTIN_DEFINITIONS } from '../../processes/builtin/index.js';
import { caseWorkflowId, completeTask } from '../../workflows/contract.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
const WORKERS: Role[] = ['intake', 'officer', 'supervisor', 'admin'];
const FUNCTIONAL = [...new Set([...Object.values(ROLE), ...Object.keys(API_ROLE_OF)])];

/** One representative built-in user task per distinct candidate-role set. */
const representatives = (() => {
  const bySet = new Map<string, { id: string; name: string; candidateRoles: string[] }>();
  for (const d of BUILTIN_DEFINITIONS) {
    for (const n of d.nodes as unknown as Array<{
      type: string;
      id: string;
      name?: string;
      candidateRoles: string[];
    }>) {
      if (n.type !== 'userTask') continue;
      const k = JSON.stringify(n.candidateRoles);
      if (!bySet.has(k) || n.id === 'overdue.headReview')
        bySet.set(k, { id: n.id, name: n.name ?? n.id, candidateRoles: n.candidateRoles });
    }
  }
  const seen = new Set<string>();
  return [...bySet.values()].map((t, i) => {
    const id = seen.has(t.id) ? `${t.id}.${i}` : t.id;
    seen.add(id);
    return { ...t, id };
  });
})();

const ROLE_MATRIX = {
  key: 'role-matrix',
  version: 98,
  name: 'Candidate-role matrix (built-in role sets)',
  caseType: 'petition',
  effectiveFrom: '2000-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'parallelGateway', id: 'fork' },
    ...representatives.flatMap((t, i) => [
      { type: 'userTask', id: t.id, name: t.name, candidateRoles: t.candidateRoles, agencyScope: 'resolving' },
      { type: 'endEvent', id: `end${i}`, outcome: 'done' },
    ]),
  ],
  flows: [
    { id: 'f0', source: 'start', target: 'fork' },
    ...representatives.flatMap((t, i) => [
      { id: `in${i}`, source: 'fork', target: t.id },
      { id: `out${i}`, source: t.id, target: `end${i}` },
    ]),
  ],
};

type Headers = Record<string, string>;
async function call(
  method: string,
  path: string,
  headers: Headers,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(api.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const as = (roles: Role[], opts: { sub?: string; permissions?: string[] } = {}) =>
  authHeader({ roles, agency: 'so-tnmt', ...opts });

/** A fresh fixture case with every task open: its id and tasks by node id (API task ids). */
async function freshCase(): Promise<{ caseId: string; tasks: Map<string, string> }> {
  const r = await call('POST', '/v1/cases', await as(['intake']), {
    type: 'petition',
    channel: 'portal',
    receivedAt: new Date().toISOString(),
    agencyId: 'so-tnmt',
    subject: 'role matrix',
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  const caseId = r.json.id as string;
  for (let i = 0; i < 2400; i++) {
    // up to 2 min under load
    const rows = await api.tdb.db('case_tasks').where({ case_id: caseId, status: 'open' }).select('task_id', 'node_id');
    if (rows.length === representatives.length)
      return { caseId, tasks: new Map(rows.map((x) => [x.node_id as string, `${caseId}.${x.task_id as string}`])) };
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`case ${caseId}: tasks not projected`);
}

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await createDefinitionStore(api.tdb.db).register(ROLE_MATRIX, 'test');
}, 300_000);
afterAll(async () => {
  await api?.close();
});

describe('candidate roles of every built-in role set', () => {
  it("has one task per distinct set of the built-ins, the head's overdue review among them", () => {
    expect(representatives.length).toBeGreaterThanOrEqual(10);
    expect(representatives.find((t) => t.id === 'overdue.headReview')?.candidateRoles).toEqual([
      'agency_head',
      'supervisor',
    ]);
  });

  it('a role outside the candidates is refused by the API and by the case; a role inside completes', async () => {
    const { caseId, tasks } = await freshCase();
    const handle = api.dev.client.workflow.getHandle(caseWorkflowId(caseId));
    let refusals = 0;
    for (const t of representatives) {
      const id = tasks.get(t.id)!;
      const outsiders: Array<{ who: Headers; roles: string[] }> = [
        ...(await Promise.all(
          WORKERS.filter((r) => !t.candidateRoles.includes(r)).map(async (r) => ({ who: await as([r]), roles: [r] })),
        )),
        ...(await Promise.all(
          FUNCTIONAL.filter((f) => !t.candidateRoles.includes(f)).map(async (f) => ({
            who: await as(['intake', 'officer', 'supervisor'], { permissions: [`task-role:${f}`] }),
            roles: [f],
          })),
        )),
      ];
      for (const o of outsiders) {
        const claim = await call('POST', `/v1/tasks/${id}/claim`, o.who);
        expect(claim.status, `${o.roles} claims ${t.id}`).toBe(403);
        expect(claim.json.type).toBe('https://kntc-flow.vn/problems/task-role');
        const done = await call('POST', `/v1/tasks/${id}/complete`, o.who, { data: {} });
        expect(done.status, `${o.roles} completes ${t.id}`).toBe(403);
        // The case itself refuses, whatever reaches it.
        const direct = await handle
          .executeUpdate(completeTask, {
            args: [{ caseId, taskId: id.slice(caseId.length + 1), data: {}, actorRoles: o.roles }],
          })
          .then(
            () => 'accepted',
            (e: unknown) => e,
          );
        expect(direct).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(((direct as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('TaskRoleMismatch');
        refusals++;
      }
      const insider = WORKERS.find((r) => t.candidateRoles.includes(r))!;
      const who = await as([insider], { sub: `${insider}-worker` });
      expect((await call('POST', `/v1/tasks/${id}/claim`, who)).status, `${insider} claims ${t.id}`).toBe(200);
      const done = await call('POST', `/v1/tasks/${id}/complete`, who, { data: {} });
      expect(done.status, `${insider} completes ${t.id}: ${JSON.stringify(done.json)}`).toBe(200);
    }
    expect(refusals).toBeGreaterThan(100);
    // Nothing refused entered the case: each task was completed once, by its insider.
    const audited = await api.tdb.db('audit_log').where({ action: 'task.completed', case_id: caseId });
    expect(audited).toHaveLength(representatives.length);
  }, 600_000);

  it('a business role given as task-role permission works its own tasks', async () => {
    const { tasks } = await freshCase();
    const review = tasks.get('overdue.headReview')!;
    const head = await as(['officer'], { sub: 'head-by-permission', permissions: ['task-role:agency_head'] });
    expect((await call('POST', `/v1/tasks/${review}/complete`, head, { data: {} })).status).toBe(200);
    const resolverTask = representatives.find((t) => JSON.stringify(t.candidateRoles) === '["resolver","officer"]')!;
    const letterOfficer = await as(['intake', 'officer'], { permissions: ['task-role:letter_officer'] });
    expect(
      (await call('POST', `/v1/tasks/${tasks.get(resolverTask.id)!}/complete`, letterOfficer, { data: {} })).status,
    ).toBe(403);
  }, 300_000);
});

describe('assignment', () => {
  it('a task held by one officer is completed by no one else until a supervisor reassigns it', async () => {
    const { tasks } = await freshCase();
    const resolverTask = representatives.find((t) => JSON.stringify(t.candidateRoles) === '["resolver","officer"]')!;
    const id = tasks.get(resolverTask.id)!;
    const lan = await as(['officer'], { sub: 'officer-lan' });
    const minh = await as(['officer'], { sub: 'officer-minh' });
    const chief = await as(['supervisor'], { sub: 'chief' });
    expect((await call('POST', `/v1/tasks/${id}/claim`, lan)).status).toBe(200);
    expect((await call('POST', `/v1/tasks/${id}/complete`, minh, { data: {} })).status).toBe(409);
    expect((await call('POST', `/v1/tasks/${id}/complete`, chief, { data: {} })).status).toBe(409); // not even a supervisor
    // A supervisor limited to the head's business role cannot assign a resolver's task…
    expect(
      (
        await call(
          'POST',
          `/v1/tasks/${id}/assign`,
          await as(['supervisor'], { permissions: ['task-role:agency_head'] }),
          { assignee: 'officer-minh' },
        )
      ).status,
    ).toBe(403);
    // …nor give it to an API key that holds no candidate role.
    const key = (
      await createApiKeyStore(api.tdb.db).create({
        name: 'portal',
        agencyId: 'so-tnmt',
        roles: ['intake'],
        createdBy: 'test',
      })
    ).record;
    const toKey = await call('POST', `/v1/tasks/${id}/assign`, chief, { assignee: key.id });
    expect(toKey.status).toBe(400);
    expect(JSON.stringify(toKey.json)).toContain('assignee');
    expect((await call('POST', `/v1/tasks/${id}/assign`, chief, { assignee: 'officer-minh' })).status).toBe(200);
    expect((await call('POST', `/v1/tasks/${id}/complete`, lan, { data: {} })).status).toBe(409);
    const done = await call('POST', `/v1/tasks/${id}/complete`, minh, { data: {} });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
  }, 300_000);
});
