/**
 * Legal events are validated by the case workflow (its `sendMessage` Update validator), not by a
 * read-then-send pre-check in the API: two simultaneous suspensions of the same case, each with
 * its own Idempotency-Key, cannot both pass. On the real stack (Temporal dev server + PostgreSQL
 * + HTTP + worker).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCaseState, sendMessage } from '../../workflows/contract.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, poll, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
type Headers = Record<string, string>;

const call = apiCaller(() => api.url);

let admin: Headers;
let officer: Headers;
beforeAll(async () => {
  api = await startTestApi({ worker: true });
  admin = await authHeader({ roles: ['admin'], agency: 'tinh-demo', sub: 'admin@tinh-demo' });
  officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer@so-tnmt' });
});
afterAll(async () => {
  await api?.close();
});

/** A first-instance complaint accepted on 21/11/2026: its resolution clock K3 runs on `verify`. */
async function acceptedComplaint(): Promise<{ id: string; workflowId: string }> {
  const r = await call('POST', '/v1/cases', admin, {
    channel: 'portal',
    type: 'complaint_first',
    receivedAt: '2026-11-20T09:00:00+07:00',
    agencyId: 'so-tnmt',
    subject: 'Khiếu nại quyết định thu hồi đất',
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  const id = String(r.json.id);
  const view = () =>
    call('GET', `/v1/cases/${id}`, officer).then((x) => x.json as { openTasks: Array<{ id: string; nodeId: string }> });
  const accept = (await poll('accept', view, (c) => c.openTasks.some((t) => t.nodeId === 'accept'))).openTasks.find(
    (t) => t.nodeId === 'accept',
  )!;
  const done = await call('POST', `/v1/tasks/${accept.id}/complete`, officer, {
    data: { acceptanceDecision: 'accept', acceptanceNoticeOn: '2026-11-21', acceptedOn: '2026-11-21' },
  });
  expect(done.status, JSON.stringify(done.json)).toBe(200);
  await poll('verify', view, (c) => c.openTasks.some((t) => t.nodeId === 'verify'));
  const row = await api.tdb.db('cases').where({ id }).first('workflow_id');
  return { id, workflowId: String(row.workflow_id) };
}

describe('legal events: the case workflow refuses them atomically', () => {
  it('two simultaneous suspensions with different Idempotency-Keys: one 200, one 409 AlreadySuspended; one suspension in the case', async () => {
    const { id, workflowId } = await acceptedComplaint();
    const suspend = (decision: string) =>
      call('POST', `/v1/cases/${id}/events/suspend`, officer, {
        date: '2026-11-23',
        decision,
        ground: 'awaiting_other_body',
      });
    const [a, b] = await Promise.all([suspend('15/QĐ-TTr'), suspend('17/QĐ-TTr')]);
    const statuses = [a.status, b.status].sort();
    expect(statuses, JSON.stringify([a.json, b.json])).toEqual([200, 409]);
    const ok = a.status === 200 ? a : b;
    const refused = a.status === 200 ? b : a;
    expect(ok.json).toMatchObject({ event: 'suspend', clocksChanged: 1 });
    expect(refused.json).toMatchObject({
      type: 'https://kntc-flow.vn/problems/rejected-by-case',
      status: 409,
      reason: 'AlreadySuspended',
    });
    expect(String(refused.json.detail)).toMatch(/already suspended \(clock K3/);

    // One suspension entered the case: its history, the Temporal history, the audit log.
    const handle = api.deps.temporal.workflow.getHandle(workflowId);
    const state = await handle.query(getCaseState);
    expect(state.history.filter((e) => e.type === 'clock_suspend')).toHaveLength(1);
    expect(state.clocks.filter((k) => k.kind === 'clock' && k.status === 'suspended').length).toBeGreaterThan(0);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(2); // the task completion and one suspension
    const audit = await api.tdb.db('audit_log').where({ case_id: id, action: 'case.event.suspend' });
    expect(audit).toHaveLength(1);

    // Resuming twice at once: one passes, the other finds nothing suspended.
    const resume = (decision: string) =>
      call('POST', `/v1/cases/${id}/events/resume`, officer, { date: '2026-11-25', decision });
    const [c, d] = await Promise.all([resume('16/QĐ-TTr'), resume('18/QĐ-TTr')]);
    expect([c.status, d.status].sort(), JSON.stringify([c.json, d.json])).toEqual([200, 409]);
    expect((c.status === 409 ? c : d).json).toMatchObject({ reason: 'NotSuspended' });
  });

  it('an Update sent straight through Temporal is refused by the workflow too (no API in the way)', async () => {
    const { id, workflowId } = await acceptedComplaint();
    const handle = api.deps.temporal.workflow.getHandle(workflowId);
    expect(
      await handle.executeUpdate(sendMessage, {
        args: [{ caseId: id, name: 'suspend', date: '2026-11-23', decision: '15/QĐ-TTr' }],
      }),
    ).toMatchObject({ clocksChanged: 1 });
    await expect(
      handle.executeUpdate(sendMessage, {
        args: [{ caseId: id, name: 'suspend', date: '2026-11-24', decision: '17/QĐ-TTr' }],
      }),
    ).rejects.toMatchObject({ cause: { type: 'AlreadySuspended' } });
    // The API answers the same refusal with its reason.
    const again = await call('POST', `/v1/cases/${id}/events/suspend`, officer, {
      date: '2026-11-24',
      decision: '19/QĐ-TTr',
    });
    expect(again.status, JSON.stringify(again.json)).toBe(409);
    expect(again.json).toMatchObject({ reason: 'AlreadySuspended' });
  });
});
