/**
 * Issue 6 gaps, on the real stack (Temporal dev server + PostgreSQL + HTTP + worker):
 *  - tasks are routed by their agencyScope: the breach escalation task of a commune case (scope
 *    `parent`) is in the province head's inbox, not the commune's nor a sibling commune's, and the
 *    head claims and completes it; an `inspectorate` task goes to the provincial inspectorate;
 *  - a breach sets the overdue flag in the read model (search filter, case flags, case_flags) and
 *    counts once in kntc_deadline_breaches_total; the projection sets kntc_projection_lag_seconds;
 *  - legal events are checked against the case's state (second suspension, resumption of a running
 *    case, extension beyond policy, any event on a closed case → 409 with a reason);
 *  - the API-key list pages with the cursor convention of the other lists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTaskTargets } from '../../db/case-states.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, type Json, poll, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
type Headers = Record<string, string>;

/** Petitions run this here: a resolver task whose 1-WD due rule breaches at once, an inspectorate task, and a parent-level overdue review. */
const ROUTING_FIXTURE = {
  key: 'routing-fixture',
  version: 99,
  name: 'Routing fixture',
  caseType: 'petition',
  effectiveFrom: '2000-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'parallelGateway', id: 'fork' },
    {
      type: 'userTask',
      id: 'work',
      name: 'Answer the petition',
      candidateRoles: ['resolver', 'officer'],
      agencyScope: 'resolving',
      form: { fields: [{ name: 'note', type: 'string' }] },
      due: {
        ruleId: 'RT1',
        legalBasis: 'Luật Tiếp công dân 2013 Art 28',
        amount: 1,
        unit: 'working_days',
        from: 'received',
      },
    },
    {
      type: 'userTask',
      id: 'inspect',
      name: 'Inspectorate verifies',
      candidateRoles: ['inspector', 'officer'],
      agencyScope: 'inspectorate',
    },
    { type: 'endEvent', id: 'end.work', outcome: 'answered' },
    { type: 'endEvent', id: 'end.inspect', outcome: 'inspected' },
    {
      type: 'startEvent',
      id: 'onOverdue',
      name: 'Overdue',
      trigger: { kind: 'escalation', escalationCode: 'overdue', interrupting: false },
    },
    {
      type: 'userTask',
      id: 'headReview',
      name: 'Superior head reviews the overdue case',
      candidateRoles: ['head', 'supervisor'],
      agencyScope: 'parent',
    },
    { type: 'endEvent', id: 'end.reviewed', outcome: 'reviewed' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'fork' },
    { id: 'f2', source: 'fork', target: 'work' },
    { id: 'f3', source: 'fork', target: 'inspect' },
    { id: 'f4', source: 'work', target: 'end.work' },
    { id: 'f5', source: 'inspect', target: 'end.inspect' },
    { id: 'f6', source: 'onOverdue', target: 'headReview' },
    { id: 'f7', source: 'headReview', target: 'end.reviewed' },
  ],
};

let admin: Headers;
beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await createDefinitionStore(api.tdb.db).register(ROUTING_FIXTURE, 'test');
  admin = await authHeader({ roles: ['admin'], agency: 'tinh-demo', sub: 'admin@tinh-demo' });
});
afterAll(async () => {
  await api?.close();
});

const call = apiCaller(() => api.url);

interface InboxItem {
  id: string;
  caseId: string;
  nodeId: string;
  agencyScope: string;
  agencyId: string;
  targetAgencyId: string;
}
const inbox = async (who: Headers, caseId: string): Promise<InboxItem[]> => {
  const r = await call('GET', `/v1/tasks?caseId=${caseId}&limit=200`, who);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json.items as InboxItem[];
};

async function metric(name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.split(' ')[1]) : undefined;
}

async function startCase(body: Json): Promise<string> {
  const r = await call('POST', '/v1/cases', admin, {
    channel: 'portal',
    subject: 'Kiến nghị về đường giao thông',
    ...body,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return String(r.json.id);
}

describe('tasks are routed to the agency their scope names', () => {
  it("a commune case's breach review goes to the province head, the inspectorate task to the inspectorate; the overdue flag and metrics follow the breach", async () => {
    const breachesBefore = (await metric('kntc_deadline_breaches_total', '{clock="RT1"}')) ?? 0;
    // Received 01/07/2026 with a 1-working-day limit: the due rule breaches as soon as the case starts.
    const caseId = await startCase({
      type: 'petition',
      receivedAt: '2026-07-01T09:00:00+07:00',
      agencyId: 'ubnd-xa-a',
    });

    const head = await authHeader({ roles: ['supervisor'], agency: 'tinh-demo', sub: 'head@tinh-demo' });
    const communeOfficer = await authHeader({ roles: ['officer'], agency: 'ubnd-xa-a', sub: 'officer@ubnd-xa-a' });
    const communeSupervisor = await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-a', sub: 'chief@ubnd-xa-a' });
    const sibling = await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-b', sub: 'chief@ubnd-xa-b' });
    const inspector = await authHeader({
      roles: ['officer'],
      agency: 'thanh-tra-tinh',
      sub: 'inspector@thanh-tra-tinh',
    });

    const headInbox = await poll(
      "the review in the province head's inbox",
      () => inbox(head, caseId),
      (xs) => xs.some((t) => t.nodeId === 'headReview'),
    );
    const review = headInbox.find((t) => t.nodeId === 'headReview')!;
    expect(review).toMatchObject({ agencyScope: 'parent', agencyId: 'ubnd-xa-a', targetAgencyId: 'tinh-demo' });
    // The province's subtree holds the commune and the inspectorate: its head sees their tasks too.
    expect(headInbox.map((t) => t.nodeId).sort()).toEqual(['headReview', 'inspect', 'work']);

    // The commune works its own task only; the sibling commune sees nothing of the case.
    expect((await inbox(communeOfficer, caseId)).map((t) => t.nodeId)).toEqual(['work']);
    expect((await inbox(communeSupervisor, caseId)).map((t) => t.nodeId)).toEqual(['work']);
    expect(await inbox(sibling, caseId)).toEqual([]);
    // The provincial inspectorate (a sibling of the commune in the tree) gets the inspectorate task, nothing else.
    const inspectorInbox = await inbox(inspector, caseId);
    expect(inspectorInbox.map((t) => [t.nodeId, t.targetAgencyId])).toEqual([['inspect', 'thanh-tra-tinh']]);

    // Nobody outside the target subtree can act on a routed task: it does not exist for them.
    for (const who of [communeOfficer, communeSupervisor, sibling]) {
      expect((await call('POST', `/v1/tasks/${review.id}/claim`, who)).status).toBe(404);
      expect((await call('POST', `/v1/tasks/${review.id}/complete`, who, { data: {} })).status).toBe(404);
    }
    expect((await call('POST', `/v1/tasks/${inspectorInbox[0]!.id}/claim`, communeOfficer)).status).toBe(404);
    const work = (await inbox(communeOfficer, caseId))[0]!;
    expect((await call('POST', `/v1/tasks/${work.id}/claim`, inspector)).status).toBe(404);

    // The head claims and completes the review; the inspector the inspection; the commune its work.
    const claimed = await call('POST', `/v1/tasks/${review.id}/claim`, head);
    expect(claimed.status, JSON.stringify(claimed.json)).toBe(200);
    expect(claimed.json.assignee).toBe('head@tinh-demo');
    const done = await call('POST', `/v1/tasks/${review.id}/complete`, head, { data: {} });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect((await call('POST', `/v1/tasks/${inspectorInbox[0]!.id}/claim`, inspector)).status).toBe(200);
    expect((await call('POST', `/v1/tasks/${inspectorInbox[0]!.id}/complete`, inspector, { data: {} })).status).toBe(
      200,
    );

    // The breach set the overdue flag in the read model: the column the search filters on, and case_flags
    // (this definition has no setCaseFlag step: the projection wrote it).
    const overdue = await call('GET', '/v1/cases?overdue=true&limit=200', communeSupervisor);
    expect(
      (overdue.json.items as Array<{ id: string; flags: { overdue: boolean } }>).find((c) => c.id === caseId)?.flags
        .overdue,
    ).toBe(true);
    expect((await call('GET', `/v1/cases/${caseId}`, communeSupervisor)).json.flags).toMatchObject({ overdue: true });
    const flag = await api.tdb.db('case_flags').where({ case_id: caseId, flag: 'overdue' }).first();
    expect(flag?.value).toBe(true);
    expect((await call('GET', '/v1/cases?overdue=false&limit=200', communeSupervisor)).json.items).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ id: caseId })]),
    );

    // One breach, counted once (projections after it do not count it again); the projection lag is set.
    await poll(
      'the breach metric',
      () => metric('kntc_deadline_breaches_total', '{clock="RT1"}'),
      (v) => (v ?? 0) >= breachesBefore + 1,
    );
    const lag = await metric('kntc_projection_lag_seconds');
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThan(60);

    // Work done: the case closes; the flag stays (a breach happened), and a legal event on it is refused.
    expect(
      (await call('POST', `/v1/tasks/${work.id}/complete`, communeOfficer, { data: { note: 'đã trả lời' } })).status,
    ).toBe(200);
    await poll(
      'the case to close',
      async () => (await call('GET', `/v1/cases/${caseId}`, communeSupervisor)).json,
      (c) => c.status === 'closed',
    );
    expect(await metric('kntc_deadline_breaches_total', '{clock="RT1"}')).toBe(breachesBefore + 1);
    expect((await call('GET', `/v1/cases/${caseId}`, communeSupervisor)).json.flags).toMatchObject({ overdue: true });
    const withdraw = await call('POST', `/v1/cases/${caseId}/events/withdraw`, communeSupervisor, {
      date: '2026-11-27',
    });
    expect(withdraw.status, JSON.stringify(withdraw.json)).toBe(409);
    expect(withdraw.json).toMatchObject({
      type: 'https://kntc-flow.vn/problems/rejected-by-case',
      reason: 'CaseClosed',
    });
  });
});

describe('target agency of a task scope', () => {
  it('parent = the agency above (a province keeps its own); inspectorate = the nearest inspectorate of the tree', async () => {
    const db = api.tdb.db;
    const all = ['receiving', 'resolving', 'parent', 'inspectorate'];
    expect(await resolveTaskTargets(db, 'ubnd-xa-a', all)).toEqual({
      receiving: 'ubnd-xa-a',
      resolving: 'ubnd-xa-a',
      parent: 'tinh-demo',
      inspectorate: 'thanh-tra-tinh',
    });
    expect(await resolveTaskTargets(db, 'tinh-demo', all)).toMatchObject({
      parent: 'tinh-demo',
      inspectorate: 'thanh-tra-tinh',
    });
    expect(await resolveTaskTargets(db, 'thanh-tra-tinh', all)).toMatchObject({
      parent: 'tinh-demo',
      inspectorate: 'thanh-tra-tinh',
    });
    // A commune under a department-like body with its own inspectorate: the nearest one wins.
    await db('agencies').insert([
      { id: 'huyen-x', parent_id: 'tinh-demo', name: 'Khu vực X', level: 'department' },
      {
        id: 'thanh-tra-x',
        parent_id: 'huyen-x',
        name: 'Thanh tra khu vực X',
        level: 'department',
        kind: 'inspectorate',
      },
      { id: 'xa-x1', parent_id: 'huyen-x', name: 'Xã X1', level: 'commune' },
    ]);
    expect(await resolveTaskTargets(db, 'xa-x1', all)).toMatchObject({
      parent: 'huyen-x',
      inspectorate: 'thanh-tra-x',
    });
    // No case agency: null (read as the case's agency).
    expect(await resolveTaskTargets(db, null, all)).toMatchObject({ parent: null, inspectorate: null });
  });
});

describe("legal events are checked against the case's state", () => {
  it('second suspension, resumption of a running case and extensions beyond policy → 409 with the reason; the valid ones pass', async () => {
    const officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer@so-tnmt' });
    const id = await startCase({
      type: 'complaint_first',
      receivedAt: '2026-11-20T09:00:00+07:00',
      agencyId: 'so-tnmt',
      subject: 'Khiếu nại quyết định thu hồi đất',
    });
    const view = () =>
      call('GET', `/v1/cases/${id}`, officer).then(
        (r) => r.json as { openTasks: Array<{ id: string; nodeId: string }>; flags: Record<string, boolean> },
      );
    const accept = (await poll('accept', view, (c) => c.openTasks.some((t) => t.nodeId === 'accept'))).openTasks.find(
      (t) => t.nodeId === 'accept',
    )!;
    expect(
      (
        await call('POST', `/v1/tasks/${accept.id}/complete`, officer, {
          data: { acceptanceDecision: 'accept', acceptanceNoticeOn: '2026-11-21', acceptedOn: '2026-11-21' },
        })
      ).status,
    ).toBe(200);
    await poll('verify', view, (c) => c.openTasks.some((t) => t.nodeId === 'verify'));
    const event = (name: string, body: Json) => call('POST', `/v1/cases/${id}/events/${name}`, officer, body);
    const refused = (r: { status: number; json: Json }, reason: string) => {
      expect(r.status, JSON.stringify(r.json)).toBe(409);
      expect(r.json).toMatchObject({ type: 'https://kntc-flow.vn/problems/rejected-by-case', reason });
    };

    refused(await event('resume', { date: '2026-11-22', decision: '01/QĐ' }), 'NotSuspended');
    const s1 = await event('suspend', { date: '2026-11-23', decision: '15/QĐ-TTr', ground: 'awaiting_other_body' });
    expect(s1.status, JSON.stringify(s1.json)).toBe(200);
    expect(s1.json.clocksChanged).toBeGreaterThan(0);
    refused(await event('suspend', { date: '2026-11-24', decision: '17/QĐ-TTr' }), 'AlreadySuspended');
    expect((await event('resume', { date: '2026-11-25', decision: '16/QĐ-TTr' })).status).toBe(200);
    refused(await event('resume', { date: '2026-11-25', decision: '18/QĐ-TTr' }), 'NotSuspended');

    // The resolution clock allows one extension of at most 15 days (KN 2011 Art 28).
    refused(await event('extend', { date: '2026-11-26', decision: '20/QĐ-UBND', amount: 30 }), 'ExtensionTooLong');
    const ext = await event('extend', { date: '2026-11-26', decision: '20/QĐ-UBND', amount: 10 });
    expect(ext.status, JSON.stringify(ext.json)).toBe(200);
    expect(ext.json.clocksChanged).toBeGreaterThan(0);
    refused(await event('extend', { date: '2026-11-27', decision: '21/QĐ-UBND', amount: 5 }), 'ExtensionLimitReached');

    // Only the accepted events are in the audit log.
    const audit = await api.tdb.db('audit_log').where({ case_id: id }).whereLike('action', 'case.event.%');
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual([
      'case.event.extend',
      'case.event.resume',
      'case.event.suspend',
    ]);
  });
});

describe('API keys list', () => {
  it('pages with the cursor convention of the other lists', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call('POST', '/v1/api-keys', admin, {
        name: `paging-${i}`,
        agencyId: 'ubnd-xa-b',
        roles: ['intake'],
      });
      expect(r.status).toBe(201);
      created.push(String(r.json.id));
    }
    const communeAdmin = await authHeader({ roles: ['admin'], agency: 'ubnd-xa-b' });
    const seen: string[] = [];
    let next: string | null = '/v1/api-keys?limit=2';
    let pages = 0;
    while (next) {
      const r = await call('GET', next, communeAdmin);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      const items = r.json.items as Array<{ id: string; createdAt: string; key?: string }>;
      expect(items.length).toBeLessThanOrEqual(2);
      expect(items.every((k) => k.key === undefined)).toBe(true);
      seen.push(...items.map((k) => k.id));
      next = r.json.next as string | null;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...created].sort());
    expect((await call('GET', '/v1/api-keys?after=not-a-cursor', communeAdmin)).status).toBe(400);
    expect((await call('GET', '/v1/api-keys?limit=0', communeAdmin)).status).toBe(400);
  });
});
