/**
 * Issues #5/#6: a linked case started by a workflow (a letter accepted as a complaint) is a full case
 * of the read model, on the real stack (Temporal dev server + PostgreSQL + HTTP + worker):
 *  - a letter received through POST /v1/cases and worked through the API to "accept as a complaint"
 *    starts complaint-first; the complaint has its `cases` row (reference, agency, channel, subject,
 *    receipt, pinned definition from its own input), found by the type filter of GET /v1/cases;
 *  - GET /v1/cases/:id shows its clocks and the parent link, and the letter lists it;
 *  - its first task is in the officer's inbox and completes through the API;
 *  - it reaches the letter's parties by reference, the denouncer's identity still redacted;
 *  - a sibling agency gets 404 everywhere; `case.linked_started` is audited once;
 *  - a linked case of a linked case (second instance, projected directly) reaches the letter's parties,
 *    counts from its own receipt day, is created once; an unknown parent creates no row;
 *  - ADR 0012: an agency a task of the case is routed to (the inspectorate) may read the case
 *    (GET /v1/cases/:id only), not its parties, events or history.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseStateStore } from '../../db/case-states.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { authHeader } from '../support/auth.js';
import { linkedState, PETITION_FIXTURE } from '../support/linked-cases.js';
import { apiCaller, type Json, poll as pollApi, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
type Headers = Record<string, string>;

interface CaseView {
  id: string;
  reference: string;
  caseType: string;
  channel: string;
  agencyId: string;
  subject: string;
  remoteArea: boolean;
  receivedAt: string;
  stage: string;
  status: string;
  definition: { key: string; version: number; hash: string } | null;
  openTasks: Array<{ id: string; nodeId: string; dueAt: string | null }>;
  clocks: Array<{ ruleId?: string; due?: string | null; derivation?: unknown[] }>;
  linkedCases: Array<{
    caseId: string;
    reference: string | null;
    caseType: string | null;
    definitionKey: string;
    link: string;
  }>;
  parentCaseId: string | null;
  parent: { caseId: string; reference: string; caseType: string; link: string } | null;
  details: Record<string, unknown> | null;
}

let admin: Headers;
let firstComplaint: { id: string; letterId: string; parties: string[] } | undefined;
beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await createDefinitionStore(api.tdb.db).register(PETITION_FIXTURE, 'test');
  admin = await authHeader({ roles: ['admin'], agency: 'tinh-demo', sub: 'admin@tinh-demo' });
});
afterAll(async () => {
  await api?.close();
});

const call = apiCaller(() => api.url);
/** The shared poll with more of the last value in a timeout message (case views are long). */
const poll: typeof pollApi = (what, get, ok) => pollApi(what, get, ok, { lastChars: 4000 });

const view = async (who: Headers, id: string): Promise<CaseView> => {
  const r = await call('GET', `/v1/cases/${id}`, who);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json as unknown as CaseView;
};

/** Claims and completes the open task `nodeId` of the case from `who`'s inbox. */
async function work(who: Headers, caseId: string, nodeId: string, data: Json): Promise<void> {
  const inbox = await poll(
    `${nodeId} in the inbox`,
    () => call('GET', `/v1/tasks?caseId=${caseId}&limit=200`, who),
    (r) => (r.json.items as Array<{ nodeId: string }> | undefined)?.some((t) => t.nodeId === nodeId) === true,
  );
  const task = (inbox.json.items as Array<{ id: string; nodeId: string }>).find((t) => t.nodeId === nodeId)!;
  expect((await call('POST', `/v1/tasks/${task.id}/claim`, who)).status).toBe(200);
  const done = await call('POST', `/v1/tasks/${task.id}/complete`, who, { data });
  expect(done.status, JSON.stringify(done.json)).toBe(200);
}

const eligible = {
  language: 'vietnamese',
  dated: true,
  hasNameAddress: true,
  hasSignature: true,
  contentElementsComplete: true,
  withinCompetence: true,
};

/** Receives a letter through POST /v1/cases and works it to acceptance as `letterType`; answers the letter and its linked case. */
async function acceptLetter(
  agencyId: string,
  officer: Headers,
  letterType: 'complaint' | 'petition',
  parties: Json[],
): Promise<{ letter: Json; linkedId: string }> {
  const r = await call('POST', '/v1/cases', admin, {
    type: 'letter',
    channel: 'post',
    receivedAt: '2026-11-20T09:30:00+07:00',
    agencyId,
    subject: 'Đơn khiếu nại quyết định thu hồi đất',
    remoteArea: true,
    parties,
    contentSummary: 'Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND',
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  const letter = r.json;
  const id = String(letter.id);
  const signers = (letter.parties as Array<{ id: string; role: string }>)
    .filter((p) => p.role === 'complainant' || p.role === 'denouncer')
    .map((p) => p.id);
  await work(officer, id, 'intake', { channel: 'post', forwardedBy: 'none', signerRefs: signers });
  await work(officer, id, 'classify', { letterType, ...eligible });
  const l = await poll(
    'the linked case in the letter',
    () => view(officer, id),
    (c) => c.linkedCases.length > 0,
  );
  return { letter, linkedId: l.linkedCases[0]!.caseId };
}

describe('a linked case started by a workflow is a case of the read model', () => {
  it('a letter accepted as a complaint: the complaint is searchable, readable with its clocks and parent link, and its tasks are worked through the API', async () => {
    // Letter tasks are the letter officer's (API role intake), the complaint's the resolver's (officer): ADR 0013.
    const officer = await authHeader({ roles: ['intake', 'officer'], agency: 'so-tnmt', sub: 'officer-lan@so-tnmt' });
    const sibling = await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-b', sub: 'chief@ubnd-xa-b' });
    const { letter, linkedId } = await acceptLetter('so-tnmt', officer, 'complaint', [
      { role: 'complainant', name: 'Trần Thị B', phone: '0912345678' },
      { role: 'denouncer', name: 'Nguyễn Văn A', idNumber: '001203004567' },
    ]);
    const letterId = String(letter.id);

    // Search: the type filter finds it (and only it of the two), in the agency's subtree.
    const found = await poll(
      'the complaint in GET /v1/cases?type=complaint_first',
      () => call('GET', '/v1/cases?type=complaint_first&limit=200', officer),
      (r) => (r.json.items as Array<{ id: string }>).some((c) => c.id === linkedId),
    );
    const item = (found.json.items as Array<Json>).find((c) => c.id === linkedId)!;
    expect(item).toMatchObject({
      caseType: 'complaint_first',
      agencyId: 'so-tnmt',
      channel: 'post',
      subject: 'Đơn khiếu nại quyết định thu hồi đất',
      link: `/v1/cases/${linkedId}`,
    });
    expect(String(item.reference)).toMatch(/^KN1-2026-[0-9A-F]{10}$/);
    expect(item.reference).toBe(`KN1-2026-${linkedId.replace(/-/g, '').slice(0, 10).toUpperCase()}`);
    expect((item.flags as Json).remote).toBe(true);
    expect(
      ((await call('GET', '/v1/cases?type=letter&limit=200', officer)).json.items as Array<{ id: string }>).map(
        (c) => c.id,
      ),
    ).toEqual([letterId]);

    // Detail: the complaint's own definition and clocks (K2 counts from the letter's receipt), the link both ways.
    const child = await poll(
      'the accept task of the complaint',
      () => view(officer, linkedId),
      (c) => c.openTasks.some((t) => t.nodeId === 'accept'),
    );
    expect(child).toMatchObject({
      caseType: 'complaint_first',
      agencyId: 'so-tnmt',
      channel: 'post',
      remoteArea: true,
      status: 'open',
      receivedAt: '2026-11-20T09:30:00.000+07:00',
      parentCaseId: letterId,
      parent: { caseId: letterId, reference: letter.reference, caseType: 'letter', link: `/v1/cases/${letterId}` },
      definition: { key: 'complaint-first', version: 2 },
    });
    expect(child.reference).toBe(item.reference);
    expect(child.details).toMatchObject({
      contentSummary: 'Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND',
      linkedFrom: { caseId: letterId, reference: letter.reference },
    });
    const k2 = child.clocks.find((k) => k.ruleId === 'K2');
    expect(k2?.due, JSON.stringify(child.clocks)).toMatch(/^2026-1[12]-\d\d$/);
    expect(k2?.derivation?.length).toBeGreaterThan(0);
    const parentView = await view(officer, letterId);
    expect(parentView.parentCaseId).toBeNull();
    expect(parentView.linkedCases).toEqual([
      expect.objectContaining({
        caseId: linkedId,
        reference: child.reference,
        caseType: 'complaint_first',
        definitionKey: 'complaint-first',
        link: `/v1/cases/${linkedId}`,
      }),
    ]);
    // The live answer (from the workflow) carries the same links.
    const live = (await call('GET', `/v1/cases/${linkedId}?consistent=true`, officer)).json as unknown as CaseView;
    expect(live).toMatchObject({ parentCaseId: letterId, parent: { caseId: letterId } });

    // The first task reaches the officer's inbox and completes through the API; the case moves on.
    const inbox = (await call('GET', '/v1/tasks?limit=200', officer)).json.items as Array<{
      caseId: string;
      nodeId: string;
      caseReference: string;
    }>;
    expect(inbox).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId: linkedId, nodeId: 'accept', caseReference: child.reference }),
      ]),
    );
    await work(officer, linkedId, 'accept', {
      acceptanceDecision: 'accept',
      acceptanceNoticeOn: '2026-11-21',
      acceptedOn: '2026-11-21',
    });
    // A remote-area case (the letter's flag) is verified on the remote-area clocks (KN 2011 Art 28).
    const accepted = await poll(
      'verify on the complaint',
      () => view(officer, linkedId),
      (c) => c.openTasks.some((t) => t.nodeId === 'remote.verify'),
    );
    expect(accepted.openTasks.map((t) => t.nodeId)).not.toContain('accept');
    expect(accepted.clocks.map((k) => k.ruleId)).toContain('K3b');

    // Parties: the letter's, by reference (not copied); the denouncer's identity stays redacted.
    expect(await api.tdb.db('parties').where({ case_id: linkedId }).count('* as n').first()).toMatchObject({ n: 0 });
    const parties = await call('GET', `/v1/cases/${linkedId}/parties`, officer);
    expect(parties.status, JSON.stringify(parties.json)).toBe(200);
    const items = parties.json.items as Array<{ id: string; role: string; name: string; redacted: boolean }>;
    expect(items.map((p) => p.id)).toEqual((letter.parties as Array<{ id: string }>).map((p) => p.id));
    expect(items.find((p) => p.role === 'complainant')).toMatchObject({ name: 'Trần Thị B', redacted: false });
    expect(items.find((p) => p.role === 'denouncer')).toMatchObject({ name: '[redacted]', redacted: true });
    const reader = await authHeader({
      roles: ['officer'],
      agency: 'so-tnmt',
      sub: 'reader@so-tnmt',
      permissions: ['identity:read'],
    });
    const revealed = (await call('GET', `/v1/cases/${linkedId}/parties`, reader)).json.items as Array<{
      role: string;
      name: string;
    }>;
    expect(revealed.find((p) => p.role === 'denouncer')?.name).toBe('Nguyễn Văn A');
    expect(
      await api.tdb.db('audit_log').where({ case_id: linkedId, action: 'party.identity_read' }).count('* as n').first(),
    ).toMatchObject({ n: 1 });

    // A sibling agency: the linked case does not exist for it.
    expect((await call('GET', `/v1/cases/${linkedId}`, sibling)).status).toBe(404);
    expect((await call('GET', `/v1/cases/${linkedId}/parties`, sibling)).status).toBe(404);
    expect((await call('GET', `/v1/tasks?caseId=${linkedId}`, sibling)).json.items).toEqual([]);
    expect(
      (
        (await call('GET', '/v1/cases?type=complaint_first&limit=200', sibling)).json.items as Array<{ id: string }>
      ).map((c) => c.id),
    ).not.toContain(linkedId);
    const verifyId = accepted.openTasks.find((t) => t.nodeId === 'remote.verify')!.id;
    expect((await call('POST', `/v1/tasks/${verifyId}/claim`, sibling)).status).toBe(404);

    // Audited once, however many projections followed, without personal data; the case's timeline shows it.
    const audit = await api.tdb.db('audit_log').where({ case_id: linkedId, action: 'case.linked_started' });
    expect(audit).toHaveLength(1);
    expect(audit[0].after).toMatchObject({
      parentCaseId: letterId,
      parentReference: letter.reference,
      reference: child.reference,
      caseType: 'complaint_first',
      partyCaseId: letterId,
    });
    expect(JSON.stringify(audit[0].after)).not.toMatch(/Nguyễn|Trần|0912345678|001203004567/);
    const timeline = (await call('GET', `/v1/cases/${linkedId}/timeline?limit=100`, officer)).json.items as Array<{
      action: string;
    }>;
    expect(timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['case.linked_started', 'task.completed']));
    expect(await api.tdb.db('cases').where({ parent_case_id: letterId }).count('* as n').first()).toMatchObject({
      n: 1,
    });
    firstComplaint = { id: linkedId, letterId, parties: (letter.parties as Array<{ id: string }>).map((p) => p.id) };
  });

  it("a linked case of a linked case (second instance): received on its own day, the letter's parties, created once; no parent row → no row yet", async () => {
    expect(firstComplaint, 'the first test provides the complaint').toBeDefined();
    const { id: firstId, letterId, parties } = firstComplaint!;
    // Letter tasks are the letter officer's (API role intake), the complaint's the resolver's (officer): ADR 0013.
    const officer = await authHeader({ roles: ['intake', 'officer'], agency: 'so-tnmt', sub: 'officer-lan@so-tnmt' });
    const states = createCaseStateStore(api.tdb.db);
    // The projections complaint-second would make (KN 2011 Art 33(1): lodged after the first decision, on 10/12/2026).
    const secondId = randomUUID();
    expect(
      await states.project({
        caseId: secondId,
        seq: 1,
        caseType: 'complaint_second',
        agencyId: 'so-tnmt',
        state: linkedState(secondId, firstId, '2026-12-10'),
      }),
    ).toBe(true);
    expect(
      await states.project({
        caseId: secondId,
        seq: 2,
        caseType: 'complaint_second',
        agencyId: 'so-tnmt',
        state: linkedState(secondId, firstId, '2026-12-10'),
      }),
    ).toBe(true);
    expect(
      await states.project({
        caseId: secondId,
        seq: 2,
        caseType: 'complaint_second',
        agencyId: 'so-tnmt',
        state: linkedState(secondId, firstId, '2026-12-10'),
      }),
    ).toBe(false);
    const second = await view(officer, secondId);
    expect(second).toMatchObject({
      caseType: 'complaint_second',
      agencyId: 'so-tnmt',
      parentCaseId: firstId,
      parent: { caseId: firstId, caseType: 'complaint_first' },
      receivedAt: '2026-12-10T00:00:00.000+07:00',
      definition: { key: 'complaint-second', version: 2, hash: 'sha256:0000' },
    });
    expect(second.reference).toBe(`KN2-2026-${secondId.replace(/-/g, '').slice(0, 10).toUpperCase()}`);
    expect(
      await api.tdb.db('audit_log').where({ case_id: secondId, action: 'case.linked_started' }).count('* as n').first(),
    ).toMatchObject({ n: 1 });
    // The letter's party set, through the first complaint; the denouncer still redacted.
    const items = (await call('GET', `/v1/cases/${secondId}/parties`, officer)).json.items as Array<{
      id: string;
      role: string;
      redacted: boolean;
    }>;
    expect(items.map((p) => p.id)).toEqual(parties);
    expect(items.find((p) => p.role === 'denouncer')?.redacted).toBe(true);
    expect(await api.tdb.db('cases').where({ id: secondId }).first('party_case_id')).toMatchObject({
      party_case_id: letterId,
    });
    // The first complaint lists it (read model), the search finds it by type.
    expect((await view(officer, firstId)).linkedCases).toEqual(
      expect.arrayContaining([expect.objectContaining({ caseId: secondId, caseType: 'complaint_second' })]),
    );
    expect(
      ((await call('GET', '/v1/cases?type=complaint_second', officer)).json.items as Array<{ id: string }>).map(
        (c) => c.id,
      ),
    ).toEqual([secondId]);

    // A parent the read model does not know (started outside the API): no row, nothing audited — until it exists.
    const orphan = randomUUID();
    const unknownParent = randomUUID();
    expect(
      await states.project({
        caseId: orphan,
        seq: 1,
        caseType: 'complaint_second',
        agencyId: 'so-tnmt',
        state: linkedState(orphan, unknownParent, '2026-12-10'),
      }),
    ).toBe(true);
    expect(await api.tdb.db('cases').where({ id: orphan }).first()).toBeUndefined();
    expect((await call('GET', `/v1/cases/${orphan}`, admin)).status).toBe(404);
    expect(
      await api.tdb.db('audit_log').where({ case_id: orphan, action: 'case.linked_started' }).count('* as n').first(),
    ).toMatchObject({ n: 0 });
  });

  it("ADR 0012: the inspectorate a task of a linked case is routed to reads the case (GET only); the commune's sibling does not", async () => {
    const communeOfficer = await authHeader({
      roles: ['intake', 'officer'],
      agency: 'ubnd-xa-a',
      sub: 'officer@ubnd-xa-a',
    }); // letter + complaint work (ADR 0013)
    const inspector = await authHeader({
      roles: ['officer'],
      agency: 'thanh-tra-tinh',
      sub: 'inspector@thanh-tra-tinh',
    });
    const sibling = await authHeader({ roles: ['officer'], agency: 'ubnd-xa-b', sub: 'officer@ubnd-xa-b' });
    const { letter, linkedId } = await acceptLetter('ubnd-xa-a', communeOfficer, 'petition', [
      { role: 'complainant', name: 'Lê Văn C' },
    ]);

    // The inspection task is routed to the provincial inspectorate (a sibling of the commune): its officer reads the case.
    const inspectorInbox = await poll(
      "the inspection task in the inspectorate's inbox",
      () => call('GET', `/v1/tasks?caseId=${linkedId}`, inspector),
      (r) => (r.json.items as Array<{ nodeId: string }>).some((t) => t.nodeId === 'inspect'),
    );
    expect(inspectorInbox.json.items as Array<{ nodeId: string; targetAgencyId: string; agencyId: string }>).toEqual([
      expect.objectContaining({ nodeId: 'inspect', targetAgencyId: 'thanh-tra-tinh', agencyId: 'ubnd-xa-a' }),
    ]);
    const seen = await view(inspector, linkedId);
    expect(seen).toMatchObject({
      caseType: 'petition',
      agencyId: 'ubnd-xa-a',
      parentCaseId: String(letter.id),
      definition: { key: 'petition', version: 99 },
    });
    expect(seen.openTasks.map((t) => t.nodeId).sort()).toEqual(['inspect', 'work']);
    // Reading only: not the parties, not legal events, not the letter (no task of it is routed there), not the search.
    expect((await call('GET', `/v1/cases/${linkedId}/parties`, inspector)).status).toBe(404);
    expect(
      (
        await call('POST', `/v1/cases/${linkedId}/events/supplement`, inspector, {
          date: '2026-11-24',
          documents: ['BS-01'],
        })
      ).status,
    ).toBe(404);
    expect((await call('GET', `/v1/cases/${String(letter.id)}`, inspector)).status).toBe(404);
    expect(
      ((await call('GET', '/v1/cases?limit=200', inspector)).json.items as Array<{ id: string }>).map((c) => c.id),
    ).not.toContain(linkedId);
    // The commune's sibling has no task of it: 404.
    expect((await call('GET', `/v1/cases/${linkedId}`, sibling)).status).toBe(404);

    // Completed, the inspection still lets the inspectorate read the case it worked on.
    const inspect = (inspectorInbox.json.items as Array<{ id: string }>)[0]!;
    expect((await call('POST', `/v1/tasks/${inspect.id}/claim`, inspector)).status).toBe(200);
    expect((await call('POST', `/v1/tasks/${inspect.id}/complete`, inspector, { data: {} })).status).toBe(200);
    await poll(
      'the inspection closed',
      () => view(communeOfficer, linkedId),
      (c) => !c.openTasks.some((t) => t.nodeId === 'inspect'),
    );
    expect((await call('GET', `/v1/cases/${linkedId}`, inspector)).status).toBe(200);
  });
});
