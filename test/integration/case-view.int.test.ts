/**
 * Issue 10.6, what a case shows, on the real stack (HTTP API → Temporal dev server → interpreter →
 * PostgreSQL): every channel the definitions use is accepted; one date-time form in every answer;
 * a completion lists the case's new open tasks; a stopped clock stays listed with its derivation;
 * case events are on the case and in its timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../processes/builtin/index.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, type Json, poll, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let officer: Record<string, string>;
let intake: Record<string, string>;
const call = apiCaller(() => api.url);
/** The Vietnam-offset form every answer writes instants in (ADR 0019). */
const VN_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+07:00$/;

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer-lan@so-tnmt' });
  intake = await authHeader({ roles: ['intake'], agency: 'so-tnmt' });
});
afterAll(async () => {
  await api?.close();
});

const newCase = (channel: string, type = 'complaint_first') =>
  call('POST', '/v1/cases', intake, {
    type,
    channel,
    receivedAt: '2026-11-20T09:00:00+07:00',
    agencyId: 'so-tnmt',
    subject: 'Khiếu nại quyết định hành chính',
  });

/** Every string of `v` that is an instant (has a time and an offset). */
function instantsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => instantsIn(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => instantsIn(x, out));
  return out;
}

describe('what a case shows', () => {
  it.each(['mailbox', 'online_reception'])(
    'POST /v1/cases accepts channel %s (a channel the definitions use)',
    async (channel) => {
      expect(CHANNELS).toContain(channel);
      const r = await newCase(channel, 'petition');
      expect(r.status, r.text).toBe(201);
      const c = (await call('GET', `/v1/cases/${String(r.json.id)}`, officer)).json;
      expect(c).toMatchObject({ channel, receivedAt: '2026-11-20T09:00:00.000+07:00' });
    },
  );

  it('one form of date-time; completing accept lists verify at once; K2 stays listed as met; case events on the case and in its timeline', async () => {
    // Received today (Vietnam): the acceptance clock (K2) still runs when accept is done.
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const created = await call('POST', '/v1/cases', intake, {
      type: 'complaint_first',
      channel: 'portal',
      receivedAt: new Date(Date.now() - 60_000).toISOString(),
      agencyId: 'so-tnmt',
      subject: 'Khiếu nại quyết định hành chính',
    });
    expect(created.status, created.text).toBe(201);
    const id = String(created.json.id);
    const acceptTask = await poll(
      'the accept task in the inbox',
      () => call('GET', `/v1/tasks?caseId=${id}`, officer),
      (r) => (r.json.items as Json[]).some((t) => t.nodeId === 'accept'),
    );
    const inboxAccept = (acceptTask.json.items as Json[]).find((t) => t.nodeId === 'accept')!;
    const view = (await call('GET', `/v1/cases/${id}`, officer)).json;
    const caseAccept = (view.openTasks as Json[]).find((t) => t.nodeId === 'accept')!;
    // The same due date written the same way by the inbox and by the case (was …16:59:59.999Z vs …23:59:59.999+07:00).
    expect(inboxAccept.dueAt).toMatch(VN_INSTANT);
    expect(inboxAccept.dueAt).toBe(caseAccept.dueAt);
    expect(inboxAccept.openedAt).toBe(caseAccept.openedAt);
    // The task's Vietnamese name beside its node name (processes/builtin/labels-vi.ts), in the inbox and the case.
    for (const t of [inboxAccept, caseAccept])
      expect(t).toMatchObject({
        name: 'Accept or refuse the complaint (thụ lý)',
        nameLabel: 'Thụ lý hoặc không thụ lý khiếu nại',
      });
    for (const s of [...instantsIn(view), ...instantsIn(acceptTask.json)]) expect(s).toMatch(VN_INSTANT);

    // The completion answers after the case's next step: its open tasks are the new ones.
    const done = await call('POST', `/v1/tasks/${String(inboxAccept.id)}/complete`, officer, {
      data: { acceptanceDecision: 'accept', acceptanceNoticeOn: today, acceptedOn: today },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.json.settled).toBe(true);
    const open = done.json.openTasks as Json[];
    expect(open.map((t) => t.nodeId)).toContain('verify');
    expect(open.find((t) => t.nodeId === 'verify')!.dueAt).toMatch(VN_INSTANT);
    expect(open.find((t) => t.nodeId === 'verify')).toMatchObject({
      name: 'Verify the complaint (xác minh)',
      nameLabel: 'Xác minh nội dung khiếu nại',
    });

    // The acceptance clock stopped when accept was done: still listed, met, with its derivation.
    const after = await poll(
      'the projection after accept',
      () => call('GET', `/v1/cases/${id}`, officer),
      (r) => (r.json.openTasks as Json[]).some((t) => t.nodeId === 'verify'),
    );
    const clocks = after.json.clocks as Json[];
    const k2 = clocks.find((k) => k.ruleId === 'K2');
    expect(k2).toMatchObject({ state: 'met', closedAt: expect.stringMatching(VN_INSTANT), due: expect.any(String) });
    expect((k2!.derivation as unknown[]).length).toBeGreaterThan(0);
    expect(clocks.find((k) => k.ruleId === 'K3')).toMatchObject({ state: 'running', closedAt: null });
    expect(after.json.stage).toBe((after.json.openTasks as Json[]).find((t) => t.nodeId === 'verify')!.name);
    // The step's Vietnamese name beside it (processes/builtin/labels-vi.ts), in the case and in the search list.
    expect(after.json.stageLabel).toBe('Xác minh nội dung khiếu nại');
    const listed = (await call('GET', '/v1/cases?limit=200', officer)).json.items as Json[];
    expect(listed.find((c) => c.id === id)).toMatchObject({
      stage: after.json.stage,
      stageLabel: after.json.stageLabel,
    });
    const live = (await call('GET', `/v1/cases/${id}?consistent=true`, officer)).json;
    expect((live.clocks as Json[]).find((k) => k.ruleId === 'K2')).toMatchObject({ state: 'met' });

    // Case events: the dated events the case holds, and the ones its steps recorded (also audited into the timeline).
    const events = after.json.events as Json[];
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'case_event', name: 'received', on: expect.any(String) }),
        expect.objectContaining({ kind: 'case_event', name: 'accepted', on: today }),
      ]),
    );
    const recorded = await api.tdb.db('case_events').where({ case_id: id });
    for (const row of recorded) {
      expect(events).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: row.kind, name: row.name, nodeId: row.node_id })]),
      );
    }
    const timeline = (await call('GET', `/v1/cases/${id}/timeline?limit=500`, officer)).json.items as Json[];
    const audited = timeline.filter((e) => e.action === 'case.event_recorded' || e.action === 'case.warning_recorded');
    expect(audited).toHaveLength(recorded.length);
    for (const e of audited) expect(String(e.summary)).toMatch(/^(Case event|Warning at) /);
    for (const s of instantsIn(timeline)) expect(s).toMatch(VN_INSTANT);
  });

  it('a warning recorded by the lifecycle shows on the case and in its timeline', async () => {
    // complaint-first v1 (received before 01/07/2026) records the stricter acceptance-unit assumption as a warning.
    const r = await call('POST', '/v1/cases', intake, {
      type: 'complaint_first',
      channel: 'mailbox',
      receivedAt: '2026-06-30T09:00:00+07:00',
      agencyId: 'so-tnmt',
      subject: 'Khiếu nại (luật cũ)',
    });
    expect(r.status, r.text).toBe(201);
    const id = String(r.json.id);
    const withWarning = await poll(
      'the warning on the case',
      () => call('GET', `/v1/cases/${id}`, officer),
      (x) => ((x.json.events ?? []) as Json[]).some((e) => e.kind === 'warning'),
    );
    const warning = (withWarning.json.events as Json[]).find((e) => e.kind === 'warning')!;
    expect(warning).toMatchObject({
      name: 'acceptUnit.warning',
      message: expect.any(String),
      recordedAt: expect.stringMatching(VN_INSTANT),
    });
    const timeline = (await call('GET', `/v1/cases/${id}/timeline?limit=500`, officer)).json.items as Json[];
    expect(timeline.find((e) => e.action === 'case.warning_recorded')).toMatchObject({
      after: { kind: 'warning', name: 'acceptUnit.warning' },
    });
  });
});
