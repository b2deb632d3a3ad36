/**
 * Issue 6 "done when", against the real stack (dev server + PostgreSQL + HTTP + worker):
 *  - an integrator starts a complaint following only what /openapi.json documents;
 *  - an officer works it to a decision through the API (claim → complete), the read model showing
 *    each step, and stale / invalid completions answer 409 / 422;
 *  - legal events go through the workflow's validated Update (accepted, or 409 with the reason);
 *  - a supervisor lists the overdue cases of their subtree and nobody else's;
 *  - the definition version follows the receipt date in Vietnam (30/06 vs 01/07/2026).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../workflows/clock/index.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, type Json, startTestApi, type TestApi } from '../support/api.js';
import { computeDeadline, vnDateOf } from '../support/clock.js';

let api: TestApi;
let admin: Record<string, string>;
let officer: Record<string, string>;

interface CaseView {
  id: string;
  stage: string;
  status: string;
  currentNodes: string[];
  definition: { key: string; version: number };
  openTasks: Array<{ id: string; nodeId: string; dueAt: string | null; assignee: string | null }>;
  clocks: Array<{ ruleId?: string; due?: string | null; derivation?: unknown[]; status?: string }>;
  flags: Record<string, boolean>;
  outcome?: string | null;
  documents: Array<{ type: string }>;
  projectionSeq: number;
  consistency: { source: string };
}

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  admin = await authHeader({ roles: ['admin'], agency: 'tinh-demo' });
  officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer-lan@so-tnmt' });
});
afterAll(async () => {
  await api?.close();
});

const call = apiCaller(() => api.url);

/**
 * The dev server's timers are real: the worked cases are received a week ago (Vietnam date) and their
 * decision issued two days ago, so no limit (e.g. K5, 3 working days to send the decision; K12, 30 days
 * to legal effect) runs out during the run, and no event is dated after today.
 */
const today = vnDateOf(Date.now());
const received = addDays(today, -7);
const day = (n: number) => addDays(received, n);

/** Polls the read model until `pred` holds. */
async function until(caseId: string, pred: (c: CaseView) => boolean, what: string): Promise<CaseView> {
  let last: CaseView | undefined;
  for (let i = 0; i < 200; i++) {
    last = (await call('GET', `/v1/cases/${caseId}`, officer)).json as unknown as CaseView;
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `case ${caseId}: timed out waiting for ${what}; last: stage ${last?.stage}, tasks ${last?.openTasks.map((t) => t.nodeId).join(',')}`,
  );
}

async function startComplaint(receivedAt: string, agencyId = 'so-tnmt', type = 'complaint_first'): Promise<Json> {
  const r = await call('POST', '/v1/cases', admin, {
    type,
    channel: 'portal',
    receivedAt,
    agencyId,
    subject: 'Khiếu nại quyết định thu hồi đất',
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}

describe('case lifecycle through the API', () => {
  let caseId: string;

  it('an integrator starts a complaint following only /openapi.json', async () => {
    // The integrator is a system with an API key (intake at the department).
    const key = await call('POST', '/v1/api-keys', admin, { name: 'portal', agencyId: 'so-tnmt', roles: ['intake'] });
    const integrator = { 'X-Api-Key': String(key.json.key) };

    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            parameters?: Array<{ name: string; in: string }>;
            requestBody: { content: Record<string, { example: Json }> };
            responses: Record<string, unknown>;
          }
        >
      >;
    };
    const [path, methods] = Object.entries(doc.paths).find(([, m]) =>
      Object.values(m).some((o) => o.operationId === 'createCase'),
    )!;
    const [method, op] = Object.entries(methods).find(([, o]) => o.operationId === 'createCase')!;
    expect(op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')).toBe(true);
    expect(Object.keys(op.responses)).toContain('201');
    // The documented example, made a complaint (its parties are not protected denouncers).
    const example = op.requestBody.content['application/json']!.example;
    const body = {
      ...example,
      type: 'complaint_first',
      receivedAt: `${received}T09:00:00+07:00`,
      parties: [{ role: 'complainant', name: 'Trần Thị B' }],
    };
    const r = await fetch(api.url + path, {
      method: method.toUpperCase(),
      headers: { ...integrator, 'content-type': 'application/json', 'Idempotency-Key': 'portal-2026-0001' },
      body: JSON.stringify(body),
    });
    expect(r.status, await r.clone().text()).toBe(201);
    const created = (await r.json()) as Json & { definition: { key: string; version: number } };
    expect(created.definition).toMatchObject({ key: 'complaint-first', version: 2 });
    expect(typeof created.pin).toBe('string');
    caseId = String(created.id);
    const c = await until(caseId, (x) => x.openTasks.some((t) => t.nodeId === 'accept'), 'the acceptance task');
    expect(c.status).toBe('open');
    expect(c.clocks.find((k) => k.ruleId && k.due)?.derivation?.length).toBeGreaterThan(0);
  });

  it('an officer claims and completes each task to a decision; the read model shows every step', async () => {
    const work = async (nodeId: string, data: Json, next: string | ((c: CaseView) => boolean)) => {
      const inbox = await call('GET', `/v1/tasks?caseId=${caseId}&assignee=unassigned`, officer);
      const task = (inbox.json.items as Array<{ id: string; nodeId: string }>).find((t) => t.nodeId === nodeId);
      expect(task, `${nodeId} in the inbox: ${JSON.stringify(inbox.json)}`).toBeDefined();
      const claimed = await call('POST', `/v1/tasks/${task!.id}/claim`, officer);
      expect(claimed.status).toBe(200);
      expect(claimed.json.assignee).toBe('officer-lan@so-tnmt');
      expect((await call('GET', '/v1/tasks?assignee=me', officer)).json.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: task!.id })]),
      );
      const done = await call('POST', `/v1/tasks/${task!.id}/complete`, officer, { data });
      expect(done.status, JSON.stringify(done.json)).toBe(200);
      const pred = typeof next === 'string' ? (c: CaseView) => c.openTasks.some((t) => t.nodeId === next) : next;
      return { task: task!.id, view: await until(caseId, pred, `the step after ${nodeId}`) };
    };

    const accepted = await work(
      'accept',
      { acceptanceDecision: 'accept', acceptanceNoticeOn: day(1), acceptedOn: day(1) },
      'verify',
    );
    // The resolution clock counts from acceptance (30 days, KN Art 28), rolled past days off.
    const k3 = computeDeadline(day(1), 30, 'calendar_days').due;
    expect(accepted.view.openTasks.find((t) => t.nodeId === 'verify')!.dueAt).toMatch(new RegExp(`^${k3}`));

    // A stale completion (the accept task is done) → 409; invalid form data → 422 naming the field.
    const stale = await call('POST', `/v1/tasks/${accepted.task}/complete`, officer, {
      data: { acceptanceDecision: 'accept' },
    });
    expect(stale.status).toBe(409);
    const verifyId = accepted.view.openTasks.find((t) => t.nodeId === 'verify')!.id;
    const invalid = await call('POST', `/v1/tasks/${verifyId}/complete`, officer, { data: { findings: 'x' } });
    expect(invalid.status).toBe(422);
    expect(String(invalid.json.detail)).toMatch(/verificationReportRef/);
    // Someone else cannot take a claimed task.
    await call('POST', `/v1/tasks/${verifyId}/claim`, officer);
    const other = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer-minh@so-tnmt' });
    expect((await call('POST', `/v1/tasks/${verifyId}/claim`, other)).status).toBe(409);
    expect((await call('POST', `/v1/tasks/${verifyId}/release`, officer)).status).toBe(200);

    await work('verify', { verificationReportRef: 'BC-12', demandsMatchFindings: true }, 'decide');
    await work(
      'decide',
      {
        decisionNumber: '12/QĐ-UBND',
        decisionIssuedOn: day(5),
        complaintContent: 'c',
        verificationResult: 'v',
        legalBasisCited: 'Luật Khiếu nại 2011 Art 31',
        conclusion: 'partly_right',
        disposition: 'amend',
        rightsStated: true,
      },
      'sendDecision',
    );
    const sent = await work(
      'sendDecision',
      {
        decisionSentOn: day(5),
        decisionReceivedOn: day(6),
        decisionRecipients: ['complainant_or_representative'],
      },
      'awaitEffect',
    );
    expect(sent.view.documents.map((d) => d.type)).toEqual(
      expect.arrayContaining(['acceptance_notice', 'complaint_decision_first', 'complaint_decision_first_dispatch']),
    );

    // consistent=true answers from the workflow itself, with the same open steps.
    const live = (await call('GET', `/v1/cases/${caseId}?consistent=true`, officer)).json as unknown as CaseView;
    expect(live.consistency.source).toBe('workflow');
    expect(live.openTasks.map((t) => t.nodeId)).toEqual(sent.view.openTasks.map((t) => t.nodeId));

    // Every action is in the audit timeline.
    const timeline = (await call('GET', `/v1/cases/${caseId}/timeline?limit=100`, officer)).json.items as Array<{
      action: string;
    }>;
    const actions = timeline.map((e) => e.action);
    expect(actions.filter((a) => a === 'task.completed')).toHaveLength(4);
    expect(actions).toEqual(expect.arrayContaining(['case.received', 'task.claimed', 'task.released']));

    // A second complaint lodged with the superior within K6 (KN Art 33(1)): the first decision does not take legal
    // effect (Art 44(1)); this case ends challenged, the lodging day recorded.
    // Dated before the decision was received (day 6): not a second complaint yet; nothing happens to the case.
    const early = await call('POST', `/v1/cases/${caseId}/events/second-complaint`, officer, { date: day(5) });
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({ reason: 'SecondComplaintPremature' });
    expect(String(early.json.detail)).toContain('Art 33(1)');
    const lodged = await call('POST', `/v1/cases/${caseId}/events/second-complaint`, officer, {
      date: day(7),
      secondCaseRef: 'KN2-2026-0000000001',
    });
    expect(lodged.status, JSON.stringify(lodged.json)).toBe(200);
    expect(lodged.json).toMatchObject({ event: 'second-complaint', message: 'secondComplaintLodged', caught: 1 });
    const challenged = await until(caseId, (x) => x.status === 'closed', 'the case closed as challenged');
    expect(challenged.outcome).toBe('decision_challenged');
    const events = await api.tdb
      .db('case_events')
      .where({ case_id: caseId, kind: 'case_event' })
      .select('name', 'occurred_on');
    expect(events.map((e: { name: string; occurred_on: string }) => [e.name, e.occurred_on])).toContainEqual([
      'secondComplaintLodged',
      day(7),
    ]);
    // Closed: a further event is refused, not applied.
    expect((await call('POST', `/v1/cases/${caseId}/events/second-complaint`, officer, { date: day(7) })).status).toBe(
      409,
    );
  });

  it('legal events: suspension stops the clock and resumption restarts it; an event the case cannot take → 409 with the reason', async () => {
    const c = await startComplaint(`${received}T09:00:00+07:00`);
    const id = String(c.id);
    await until(id, (x) => x.openTasks.some((t) => t.nodeId === 'accept'), 'accept');
    const acceptId = (await until(id, () => true, 'view')).openTasks.find((t) => t.nodeId === 'accept')!.id;
    expect(
      (
        await call('POST', `/v1/tasks/${acceptId}/complete`, officer, {
          data: { acceptanceDecision: 'accept', acceptanceNoticeOn: day(1), acceptedOn: day(1) },
        })
      ).status,
    ).toBe(200);
    await until(id, (x) => x.openTasks.some((t) => t.nodeId === 'verify'), 'verify');

    const s = await call('POST', `/v1/cases/${id}/events/suspend`, officer, {
      date: day(3),
      decision: '15/QĐ-TTr',
      ground: 'awaiting_other_body',
    });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    expect(s.json.clocksChanged).toBeGreaterThan(0);
    // A retried request with the same Idempotency-Key replays the answer instead of suspending twice.
    const first = await fetch(`${api.url}/v1/cases/${id}/events/supplement`, {
      method: 'POST',
      headers: { ...officer, 'content-type': 'application/json', 'Idempotency-Key': 'supp-1' },
      body: JSON.stringify({ date: day(4), documents: ['BS-01'] }),
    });
    const again = await fetch(`${api.url}/v1/cases/${id}/events/supplement`, {
      method: 'POST',
      headers: { ...officer, 'content-type': 'application/json', 'Idempotency-Key': 'supp-1' },
      body: JSON.stringify({ date: day(4), documents: ['BS-01'] }),
    });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    await until(id, (x) => x.flags.suspended === true, 'the suspended flag');
    const r = await call('POST', `/v1/cases/${id}/events/resume`, officer, {
      date: day(5),
      decision: '16/QĐ-TTr',
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    await until(id, (x) => x.flags.suspended === false, 'resumption');

    // A stay of execution of the contested decision (KN Art 35): its decision to issue and send, then its lift, due with K3.
    const stay = await call('POST', `/v1/cases/${id}/events/stay-execution`, officer, {
      date: day(5),
      decision: '09/QĐ-TĐC',
    });
    expect(stay.status, JSON.stringify(stay.json)).toBe(200);
    expect(stay.json).toMatchObject({ event: 'stay-execution', message: 'stayExecution', caught: 1 });
    await until(id, (x) => x.openTasks.some((t) => t.nodeId === 'stay.decision.issue'), 'the stay decision task');

    // Complexity determined during verification (ADR 0018): taken, the flag holds; the same determination twice is refused.
    const complex = await call('POST', `/v1/cases/${id}/events/mark-complex`, officer, { date: day(6) });
    expect(complex.status, JSON.stringify(complex.json)).toBe(200);
    await until(id, (x) => x.flags.complex === true, 'the complex flag');
    const refused = await call('POST', `/v1/cases/${id}/events/mark-complex`, officer, { date: day(6) });
    expect(refused.status).toBe(409);
    expect(refused.json.type).toBe('https://kntc-flow.vn/problems/rejected-by-case');
    expect(refused.json.reason).toBe('AlreadyComplex');
    const audit = await api.tdb.db('audit_log').where({ case_id: id }).whereLike('action', 'case.event.%');
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual([
      'case.event.mark-complex',
      'case.event.resume',
      'case.event.stay-execution',
      'case.event.supplement',
      'case.event.suspend',
    ]);
  });

  it("a supervisor lists the overdue cases of their subtree and nobody else's", async () => {
    // Received 01/07/2026: the 10-day acceptance deadline passed long ago, so the clock breaches at once.
    const mine = await startComplaint('2026-07-01T09:00:00+07:00', 'so-tnmt');
    const theirs = await startComplaint('2026-07-01T09:00:00+07:00', 'ubnd-xa-b');
    const fresh = await startComplaint(`${today}T00:00:00+07:00`, 'so-tnmt');
    const provinceAdmin = admin;
    for (const id of [mine.id, theirs.id]) {
      for (let i = 0; i < 200; i++) {
        const v = (await call('GET', `/v1/cases/${String(id)}`, provinceAdmin)).json as unknown as CaseView;
        if (v.flags.overdue) break;
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    const supervisor = await authHeader({ roles: ['supervisor'], agency: 'so-tnmt' });
    const list = await call('GET', '/v1/cases?overdue=true&sort=nextDueAt', supervisor);
    expect(list.status).toBe(200);
    const ids = list.json.items as Array<{ id: string; agencyId: string; flags: { overdue: boolean } }>;
    expect(ids.map((x) => x.id)).toContain(mine.id);
    expect(ids.map((x) => x.id)).not.toContain(theirs.id);
    expect(ids.map((x) => x.id)).not.toContain(fresh.id);
    expect(ids.every((x) => x.agencyId === 'so-tnmt' && x.flags.overdue)).toBe(true);
    // Asking for another subtree is "not found"; the province sees both.
    expect((await call('GET', '/v1/cases?overdue=true&agencyId=ubnd-xa-b', supervisor)).status).toBe(404);
    const province = (await call('GET', '/v1/cases?overdue=true&limit=200', provinceAdmin)).json.items as Array<{
      id: string;
    }>;
    expect(province.map((x) => x.id)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    // The not-overdue filter and pagination.
    const notOverdue = (await call('GET', '/v1/cases?overdue=false&limit=200', supervisor)).json.items as Array<{
      id: string;
    }>;
    expect(notOverdue.map((x) => x.id)).toContain(fresh.id);
    const page1 = await call('GET', '/v1/cases?limit=1&sort=receivedAt', provinceAdmin);
    const page2 = await call('GET', String(page1.json.next), provinceAdmin);
    expect((page2.json.items as Array<{ id: string }>)[0]!.id).not.toBe(
      (page1.json.items as Array<{ id: string }>)[0]!.id,
    );
  });

  it('selects the law version by the receipt date in Vietnam: 30/06/2026 → v1, 01/07/2026 → v2', async () => {
    const cases = [
      ['2026-06-30T10:00:00+07:00', 1],
      ['2026-07-01T08:00:00+07:00', 2],
      // The same UTC evening either side of midnight in Hà Nội: 23:59 on 30/06 vs 00:30 on 01/07.
      ['2026-06-30T16:59:00Z', 1],
      ['2026-06-30T17:30:00Z', 2],
    ] as const;
    for (const [receivedAt, version] of cases) {
      const r = await call('POST', '/v1/cases', admin, {
        type: 'complaint_first',
        channel: 'post',
        receivedAt,
        agencyId: 'so-tnmt',
        subject: 'x',
      });
      expect(r.status).toBe(201);
      expect(r.json.definition, receivedAt).toMatchObject({ key: 'complaint-first', version });
    }
    const d = await call('POST', '/v1/cases', admin, {
      type: 'denunciation',
      channel: 'post',
      receivedAt: '2026-06-30T10:00:00+07:00',
      agencyId: 'so-tnmt',
      subject: 'x',
    });
    expect(d.json.definition).toMatchObject({ key: 'denunciation', version: 1 });
  });
});
