/**
 * Nothing acknowledged is lost from the audit trail (issue 11 item 7, ADR 0013), on the real stack.
 * A completion or legal event carries its actor's audit entry to the case workflow, whose projection
 * activity appends it once the Update is applied (once per key); the API appends the same entry after
 * the answer (a no-op when the case was first). The Temporal Update id is derived from the
 * Idempotency-Key, so a retry answers the first outcome even when the API process lost its
 * idempotency record (a `kill -9` between the Update and the answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth/principal.js';
import { updateIdFor } from '../../api/update-id.js';
import { createAuditStore } from '../../db/audit.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { nodeLabel } from '../../processes/builtin/labels-vi.js';
import { caseWorkflowId, completeTask, type WorkflowAuditEntry } from '../../workflows/contract.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;

/** Two parallel tasks (so one stays open), and a non-interrupting `supplement` boundary that notes every supplement. */
const FIXTURE = {
  key: 'ack-audit',
  version: 97,
  name: 'Acknowledged actions fixture',
  caseType: 'petition',
  effectiveFrom: '2000-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'parallelGateway', id: 'fork' },
    {
      type: 'userTask',
      id: 'work',
      name: 'Work',
      candidateRoles: ['resolver', 'officer'],
      agencyScope: 'resolving',
      form: { fields: [{ name: 'note', type: 'string' }] },
    },
    {
      type: 'userTask',
      id: 'other',
      name: 'Other work',
      candidateRoles: ['resolver', 'officer'],
      agencyScope: 'resolving',
    },
    { type: 'endEvent', id: 'end1', outcome: 'done' },
    { type: 'endEvent', id: 'end2', outcome: 'done' },
    {
      type: 'boundaryEvent',
      id: 'on.supplement',
      attachedTo: 'other',
      interrupting: false,
      trigger: { kind: 'message', messageName: 'supplement' },
    },
    { type: 'endEvent', id: 'noted', outcome: 'noted' },
  ],
  flows: [
    { id: 'f0', source: 'start', target: 'fork' },
    { id: 'f1', source: 'fork', target: 'work' },
    { id: 'f2', source: 'fork', target: 'other' },
    { id: 'f3', source: 'work', target: 'end1' },
    { id: 'f4', source: 'other', target: 'end2' },
    { id: 'f5', source: 'on.supplement', target: 'noted' },
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

async function until<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 2400; i++) {
    // up to 2 min under load
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function freshCase(): Promise<{ caseId: string; work: string }> {
  const r = await call('POST', '/v1/cases', await authHeader({ roles: ['intake'], agency: 'so-tnmt' }), {
    type: 'petition',
    channel: 'portal',
    receivedAt: new Date().toISOString(),
    agencyId: 'so-tnmt',
    subject: 'acknowledged audit',
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  const caseId = r.json.id as string;
  const work = await until('the work task', async () => {
    const t = await api.tdb
      .db('case_tasks')
      .where({ case_id: caseId, node_id: 'work', status: 'open' })
      .first('task_id');
    return t ? `${caseId}.${t.task_id as string}` : undefined;
  });
  return { caseId, work };
}

const completions = (caseId: string) => api.tdb.db('audit_log').where({ action: 'task.completed', case_id: caseId });

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await createDefinitionStore(api.tdb.db).register(FIXTURE, 'test');
}, 300_000);
afterAll(async () => {
  await api?.close();
});

describe('acknowledged completions keep their answer and their audit entry', () => {
  it('a retry with the same Idempotency-Key answers the original outcome after the idempotency record is gone; one entry, with the actor', async () => {
    const { caseId, work } = await freshCase();
    const officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer-lan' });
    const key = `complete-${caseId}`;
    const first = await call(
      'POST',
      `/v1/tasks/${work}/complete`,
      { ...officer, 'Idempotency-Key': key },
      { data: { note: 'done' } },
    );
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    // The API process "crashed": its idempotency record is gone.
    await api.tdb.db('idempotency_keys').del();
    const retry = await call(
      'POST',
      `/v1/tasks/${work}/complete`,
      { ...officer, 'Idempotency-Key': key },
      { data: { note: 'done' } },
    );
    expect(retry.status, JSON.stringify(retry.json)).toBe(200);
    expect(retry.json).toEqual(first.json);
    // Another request under the key is a new Update: the case refuses it (the task is done).
    await api.tdb.db('idempotency_keys').del();
    expect(
      (
        await call(
          'POST',
          `/v1/tasks/${work}/complete`,
          { ...officer, 'Idempotency-Key': key },
          { data: { note: 'other' } },
        )
      ).status,
    ).toBe(409);
    // Written by the API and by the case's projection: one entry.
    await until('the projection', async () =>
      (await api.tdb.db('case_tasks').where({ case_id: caseId, node_id: 'work' }).first('status'))?.status ===
      'completed'
        ? true
        : undefined,
    );
    const entries = await completions(caseId);
    expect(entries).toHaveLength(1);
    expect(entries[0].actor).toEqual({ type: 'user', id: 'officer-lan', agency: 'so-tnmt' });
    expect(entries[0].after).toMatchObject({ taskId: work.slice(caseId.length + 1), nodeId: 'work', fields: ['note'] });
    expect(await api.tdb.db('audit_keys').where({ key: `task.completed:${work}` })).toHaveLength(1);
    // The last task: its completion closes the case; a retry still answers the first outcome.
    const other = (first.json.openTasks as Array<{ id: string; nodeId: string }>).find((t) => t.nodeId === 'other')!.id;
    const last = await call(
      'POST',
      `/v1/tasks/${other}/complete`,
      { ...officer, 'Idempotency-Key': `${key}-last` },
      { data: {} },
    );
    expect(last.status, JSON.stringify(last.json)).toBe(200);
    await api.dev.client.workflow.getHandle(caseWorkflowId(caseId)).result();
    await api.tdb.db('idempotency_keys').del();
    const lastRetry = await call(
      'POST',
      `/v1/tasks/${other}/complete`,
      { ...officer, 'Idempotency-Key': `${key}-last` },
      { data: {} },
    );
    expect(lastRetry.status, JSON.stringify(lastRetry.json)).toBe(200);
    expect(lastRetry.json).toEqual(last.json);
    expect(await completions(caseId)).toHaveLength(2);
  }, 300_000);

  it("the API dies right after the Update: the case records the actor's entry; the client's retry answers the first outcome", async () => {
    const { caseId, work } = await freshCase();
    const taskId = work.slice(caseId.length + 1);
    const principal: Principal = {
      type: 'user',
      id: 'officer-crash',
      agencyId: 'so-tnmt',
      roles: ['officer'],
      permissions: [],
    };
    const key = `crash-${caseId}`;
    const data = { note: 'applied before the crash' };
    // Exactly what the API sends — and then no answer, no idempotency record, no API-side audit entry.
    const audit: WorkflowAuditEntry = {
      key: `task.completed:${work}`,
      action: 'task.completed',
      actor: { type: 'user', id: 'officer-crash', agency: 'so-tnmt' },
      requestId: 'lost-request',
      before: { taskId, nodeId: 'work', assignee: null },
      after: { taskId, nodeId: 'work', fields: ['note'], caseEvents: {} },
    };
    const applied = await api.dev.client.workflow.getHandle(caseWorkflowId(caseId)).executeUpdate(completeTask, {
      args: [{ caseId, taskId, data, caseEvents: {}, actor: 'user:officer-crash', actorRoles: ['officer'], audit }],
      updateId: updateIdFor({ principal, operation: 'task.complete', key, request: { task: work, data } }),
    });
    const recorded = await until("the case's audit entry", async () => {
      const rows = await completions(caseId);
      return rows.length > 0 ? rows : undefined;
    });
    expect(recorded).toHaveLength(1);
    expect(recorded[0].actor).toEqual({ type: 'user', id: 'officer-crash', agency: 'so-tnmt' });
    expect(recorded[0].request_id).toBe('lost-request');
    // The client retries the request it never got an answer to.
    const officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer-crash' });
    const retry = await call('POST', `/v1/tasks/${work}/complete`, { ...officer, 'Idempotency-Key': key }, { data });
    expect(retry.status, JSON.stringify(retry.json)).toBe(200);
    expect(retry.json.openTasks).toEqual(
      applied.openTasks.map((t) => ({
        id: `${caseId}.${t.id}`,
        nodeId: t.nodeId,
        name: t.name,
        nameLabel: nodeLabel(t.name),
        dueAt: t.dueAt ?? null,
      })),
    );
    expect(await completions(caseId)).toHaveLength(1);
  }, 300_000);
});

describe('acknowledged legal events keep their answer and their audit entry', () => {
  it('a retried supplement with the same Idempotency-Key is applied once, answers the same, and is audited once', async () => {
    const { caseId } = await freshCase();
    const officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer-ev' });
    const headers = { ...officer, 'Idempotency-Key': `supplement-${caseId}` };
    // Dated the day it is recorded: a legal event may not precede the receipt (ADR 0017).
    const body = { documents: ['BS-01'] };
    const first = await call('POST', `/v1/cases/${caseId}/events/supplement`, headers, body);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json.caught).toBe(1);
    await api.tdb.db('idempotency_keys').del();
    const retry = await call('POST', `/v1/cases/${caseId}/events/supplement`, headers, body);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    // Applied once: one accepted sendMessage Update in the case's history.
    const history = await api.dev.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const accepted = (history.events ?? []).filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'sendMessage',
    );
    expect(accepted).toHaveLength(1);
    const entries = await until('both writers', async () => {
      const rows = await api.tdb.db('audit_log').where({ action: 'case.event.supplement', case_id: caseId });
      return rows.length > 0 ? rows : undefined;
    });
    expect(entries).toHaveLength(1);
    expect(entries[0].actor).toEqual({ type: 'user', id: 'officer-ev', agency: 'so-tnmt' });
    expect(entries[0].after).toMatchObject({ message: 'supplement', caught: 1 });
    // A new supplement (another key) is a new event, audited on its own.
    const second = await call(
      'POST',
      `/v1/cases/${caseId}/events/supplement`,
      { ...officer, 'Idempotency-Key': `supplement-2-${caseId}` },
      body,
    );
    expect(second.status).toBe(200);
    expect(await api.tdb.db('audit_log').where({ action: 'case.event.supplement', case_id: caseId })).toHaveLength(2);
  }, 300_000);

  it('the audit chain stays valid with entries from both writers', async () => {
    const v = await createAuditStore(api.tdb.db).verify();
    expect(v).toMatchObject({ ok: true, firstBrokenSeq: null });
    expect(v.checked).toBeGreaterThan(3);
  });
});
