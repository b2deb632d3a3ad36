/**
 * Issue 10 items 2-4 on the real stack (Temporal dev server + PostgreSQL + HTTP + worker), as an
 * officer meets them (ADR 0018):
 *  - extensions decided within a denunciation's T5 but entered after it ran out move it and
 *    supersede the breach (shown on the case, in the audit log); one dated after it ran out is
 *    refused citing Art 30; the limit on the number of extensions holds (no 200 that changes nothing);
 *  - mark-complex works after the intake form and opens the extension allowance; the complex flag
 *    holds in the read model (case and list), also for a complaint complex by its form;
 *  - several signers with too many representatives: the complaint / denunciation waits at
 *    `appointRepresentatives`; acceptance cannot start until the appointment holds.
 * The dev server's clock is the real one: every scenario is dated relative to today (the extension
 * scenario's due dates computed on the seed calendar, so that the first extension ends in the future).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../workflows/clock/index.js';
import { authHeader } from '../support/auth.js';
import { computeDeadline, vnDateOf } from '../support/clock.js';
import { apiCaller, type Json, poll, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let admin: Record<string, string>;
let officer: Record<string, string>;

interface View {
  openTasks: Array<{ id: string; nodeId: string; dueAt: string | null }>;
  clocks: Array<{ nodeId: string; ruleId?: string; due?: string | null; purpose: string }>;
  breaches: Array<{
    nodeId: string;
    ruleId: string;
    due: string;
    status: string;
    supersededBy?: { event: string; date: string; due: string | null };
  }>;
  flags: Record<string, boolean>;
}

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  admin = await authHeader({ roles: ['admin'], agency: 'tinh-demo' });
  officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer@so-tnmt' });
});
afterAll(async () => {
  await api?.close();
});

const call = apiCaller(() => api.url);
const view = (id: string) => async () =>
  (await call('GET', `/v1/cases/${id}?consistent=true`, officer)).json as unknown as View;
const waitFor = (id: string, what: string, ok: (v: View) => boolean) => poll(what, view(id), ok, { lastChars: 2000 });
const task = (v: View, nodeId: string) => v.openTasks.find((t) => t.nodeId === nodeId)!;

async function start(body: Json): Promise<Json> {
  const r = await call('POST', '/v1/cases', admin, {
    channel: 'portal',
    agencyId: 'so-tnmt',
    subject: 'Tố cáo cán bộ địa chính',
    ...body,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}
async function complete(id: string, nodeId: string, data: Json): Promise<void> {
  const v = await waitFor(id, nodeId, (x) => x.openTasks.some((t) => t.nodeId === nodeId));
  const r = await call('POST', `/v1/tasks/${task(v, nodeId).id}/complete`, officer, { data });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
}
const initial = (acceptedOn: string, complexity: string) => ({
  initialDecision: 'accept',
  formComplete: true,
  denouncerHasCapacity: true,
  withinCompetence: true,
  violationIdentifiable: true,
  acceptedOn,
  complexity,
});
const event = (id: string, name: string, body: Json) => call('POST', `/v1/cases/${id}/events/${name}`, officer, body);

describe('extensions recorded after the limit ran out', () => {
  // Accepted 45 days ago: T5 (30 days, Luật Tố cáo 2018 Art 30) ran out about 15 days ago; one extension
  // of 30 days moves it about 15 days into the future (an extension adds to the days counted from
  // acceptance; each end rolls past days off, BLDS 2015 Art 148(5)). Every date below is before today.
  const today = vnDateOf(Date.now());
  const accepted = addDays(today, -45);
  const t5 = (days: number) => computeDeadline(accepted, days, 'calendar_days').due;
  const [due0, due1, due2] = [t5(30), t5(60), t5(90)];
  const vn = (d: string) => d.split('-').reverse().join('/');
  const firstOn = addDays(accepted, 15); // within T5
  const lateOn = addDays(due0, 1); // after T5 ran out, before any extension
  const secondOn = addDays(today, -2); // within the moved limit
  const thirdOn = addDays(today, -1);

  it('accepted 45 days ago (T5 ran out), extensions dated within it and within the moved limit, entered afterwards: both apply; a third and a late-dated one are refused', async () => {
    expect(due0 < lateOn && lateOn < secondOn && due1 > today).toBe(true);
    const id = String(
      (await start({ type: 'denunciation', receivedAt: `${addDays(accepted, -4)}T09:00:00+07:00` })).id,
    );
    await complete(id, 'initial', initial(accepted, 'especially_complex'));
    await complete(id, 'notifyAcceptance', { acceptanceNoticeSentOn: addDays(accepted, 1) });
    const breached = await waitFor(
      id,
      'the T5 breach',
      (v) =>
        v.breaches.some((b) => b.ruleId === 'T5') &&
        v.openTasks.some((t) => t.nodeId === 'resolutionBreach.headReview'),
    );
    expect(breached.breaches.find((b) => b.ruleId === 'T5')).toMatchObject({
      nodeId: 'verify',
      due: due0,
      status: 'breached',
    });

    // Dated after the limit ran out: refused with the article; nothing changes.
    const late = await event(id, 'extend', { date: lateOn, decision: '30/QĐ-TTr', amount: 30, ruleId: 'T5' });
    expect(late.status, JSON.stringify(late.json)).toBe(409);
    expect(late.json).toMatchObject({
      type: 'https://kntc-flow.vn/problems/rejected-by-case',
      reason: 'ExtensionAfterDue',
    });
    expect(String(late.json.detail)).toMatch(new RegExp(`${due0}|${vn(due0)}`));
    expect(String(late.json.detail)).toContain('Luật Tố cáo 2018 Art 30');

    const first = await event(id, 'extend', { date: firstOn, decision: '21/QĐ-TTr', amount: 30, ruleId: 'T5' });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ caught: 1, clocksChanged: 1, breachesSuperseded: 1, recordedLate: true });
    const moved = await waitFor(id, 'the moved limit', (v) =>
      v.clocks.some((c) => c.ruleId === 'T5' && c.nodeId === 'verify' && c.due === due1),
    );
    expect(moved.breaches.find((b) => b.ruleId === 'T5')).toMatchObject({
      status: 'superseded',
      supersededBy: { event: 'extend', date: firstOn, due: due1 },
    });
    expect(moved.openTasks.map((t) => t.nodeId)).not.toContain('resolutionBreach.headReview');

    const second = await event(id, 'extend', { date: secondOn, decision: '22/QĐ-TTr', amount: 30, ruleId: 'T5' });
    expect(second.status, JSON.stringify(second.json)).toBe(200);
    expect(second.json).toMatchObject({ clocksChanged: 1, recordedLate: true });
    // 90 days from acceptance, rolled forward past days off (BLDS 2015 Art 148(5)).
    await waitFor(id, 'the second extension', (v) => v.clocks.some((c) => c.ruleId === 'T5' && c.due === due2));
    const third = await event(id, 'extend', { date: thirdOn, decision: '23/QĐ-TTr', amount: 10, ruleId: 'T5' });
    expect(third.status).toBe(409);
    expect(third.json).toMatchObject({ reason: 'ExtensionLimitReached' });

    // The late recording is in the audit log: the officer's entry and the workflow's supersession.
    const audit = await api.tdb
      .db('audit_log')
      .where({ case_id: id })
      .whereIn('action', ['case.event.extend', 'workflow.breach_superseded'])
      .orderBy('seq');
    const extends_ = audit
      .filter((a: { action: string }) => a.action === 'case.event.extend')
      .map((a: { after: Json }) => a.after);
    expect(extends_).toMatchObject([
      { date: firstOn, recordedLate: true, breachesSuperseded: 1, clocksChanged: 1 },
      { date: secondOn, recordedLate: true, breachesSuperseded: 0, clocksChanged: 1 },
    ]);
    expect(
      audit.some(
        (a: { action: string; after: { detail: Json } }) =>
          a.action === 'workflow.breach_superseded' &&
          a.after.detail.ruleId === 'T5' &&
          a.after.detail.expiredOn === due0,
      ),
    ).toBe(true);
    const flags = await api.tdb.db('case_flags').where({ case_id: id, flag: 'resolution_overdue' }).first();
    expect(flags?.value).toBe(false);
  });
});

describe('complexity after the intake form', () => {
  // Received a week ago: T5 (30 days) runs well past the run; every event is dated before today.
  const today = vnDateOf(Date.now());
  const day = (n: number) => addDays(today, n);
  it('a denunciation accepted as normal is marked complex at verification: flag in the case and the list, then T5 extends once', async () => {
    const id = String((await start({ type: 'denunciation', receivedAt: `${day(-8)}T09:00:00+07:00` })).id);
    await complete(id, 'initial', initial(day(-7), 'normal'));
    await complete(id, 'notifyAcceptance', { acceptanceNoticeSentOn: day(-6) });
    await waitFor(id, 'verify', (v) => v.openTasks.some((t) => t.nodeId === 'verify'));
    const refused = await event(id, 'extend', { date: day(-3), amount: 30, ruleId: 'T5' });
    expect(refused.status).toBe(409);
    // Especially complex needs two criteria (NĐ 31/2019 Art 3(3)): 400 naming the field, nothing sent.
    const bad = await event(id, 'mark-complex', {
      date: day(-3),
      complexity: 'especially_complex',
      criteria: ['a_several_places'],
    });
    expect(bad.status, JSON.stringify(bad.json)).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'criteria' })]);
    expect(JSON.stringify(bad.json)).toContain('criteria');

    const marked = await event(id, 'mark-complex', {
      date: day(-3),
      decision: '12/QĐ-TTr',
      complexity: 'complex',
      criteria: ['a_several_places'],
    });
    expect(marked.status, JSON.stringify(marked.json)).toBe(200);
    expect(marked.json).toMatchObject({ caught: 1, clocksChanged: 0 });
    await poll(
      'the complex flag',
      async () => (await call('GET', `/v1/cases/${id}`, officer)).json as unknown as View,
      (v) => v.flags.complex === true,
    );
    const list = await call('GET', '/v1/cases?complex=true&type=denunciation&limit=200', officer);
    expect(list.status, JSON.stringify(list.json)).toBe(200);
    expect((list.json.items as Array<{ id: string }>).map((x) => x.id)).toContain(id);
    const ext = await event(id, 'extend', { date: day(-2), amount: 30, ruleId: 'T5' });
    expect(ext.status, JSON.stringify(ext.json)).toBe(200);
    expect(ext.json).toMatchObject({ clocksChanged: 1 });
  });

  it('a complaint complex by its acceptance form shows flags.complex and is listed by ?complex=true', async () => {
    const id = String(
      (
        await start({
          type: 'complaint_first',
          receivedAt: `${day(-8)}T09:00:00+07:00`,
          subject: 'Khiếu nại quyết định thu hồi đất',
        })
      ).id,
    );
    await complete(id, 'accept', {
      acceptanceDecision: 'accept',
      acceptedOn: day(-7),
      acceptanceNoticeOn: day(-7),
      complex: true,
    });
    await poll(
      'the complex flag',
      async () => (await call('GET', `/v1/cases/${id}`, officer)).json as unknown as View,
      (v) => v.flags.complex === true,
    );
    const list = await call('GET', '/v1/cases?complex=true&limit=200', officer);
    expect(
      (list.json.items as Array<{ id: string; flags: { complex: boolean } }>).find((x) => x.id === id)?.flags.complex,
    ).toBe(true);
  });
});

describe('representatives for every kind of case', () => {
  const parties = (role: string) =>
    Array.from({ length: 6 }, (_, i) => ({ role, name: `Người ký ${i + 1}`, isRepresentative: true }));
  it.each([
    ['complaint_first', 'complainant', 'accept'],
    ['denunciation', 'denouncer', 'initial'],
  ])(
    '%s signed by 12 people naming 6 representatives: 201, then it waits at appointRepresentatives until 3 are appointed; then %s',
    async (type, role, first) => {
      const created = await start({
        type,
        // Received today: no acceptance limit runs out while it waits for the appointment.
        receivedAt: `${vnDateOf(Date.now())}T00:00:00+07:00`,
        signersCount: 12,
        parties: parties(role),
      });
      const id = String(created.id);
      const waiting = await waitFor(id, 'appointRepresentatives', (v) =>
        v.openTasks.some((t) => t.nodeId === 'appointRepresentatives'),
      );
      expect(waiting.openTasks.map((t) => t.nodeId)).toEqual(['appointRepresentatives']);
      const refs = (created.parties as Array<{ id: string }>).map((p) => p.id);
      await complete(id, 'appointRepresentatives', {
        representativeRefs: refs.slice(0, 3),
        appointmentDocumentRef: 'VB-01',
      });
      const open = await waitFor(id, first, (v) => v.openTasks.some((t) => t.nodeId === first));
      expect(open.openTasks.map((t) => t.nodeId)).toEqual([first]);
    },
  );
});
