/**
 * Issue 14.1 on the real stack: an admin publishes a leader's reception days, changes one (a reason, a new
 * SEQUENCE, the history kept, audited) and cancels another; the public reads the schedule without logging
 * in as JSON and as an iCalendar feed parsed by a real parser (ical.js), with stable UIDs, the cancelled day
 * as STATUS:CANCELLED and times in Vietnam time; no personal data beyond the leader's name and title. A periodic
 * or online day published (or moved) with less than 5 working days' notice needs a reason and is flagged, on the
 * entry and in the compliance report (the API's clock is fixed at Monday 02/11/2026 09:00, Vietnam time).
 */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader } from '../support/auth.js';
import { apiCaller, startTestApi, type Json, type TestApi } from '../support/api.js';

let api: TestApi;
const call = apiCaller(() => api.url);
let admin: Record<string, string>;
const TODAY = '2026-11-02T09:00:00+07:00';

beforeAll(async () => {
  api = await startTestApi({ now: () => Date.parse(TODAY) });
  admin = await authHeader({ roles: ['admin'], agency: 'tinh-demo' });
  await api.tdb.db('people').where({ id: 'head-so-tnmt' }).update({ email: 'secret-mail@kntc.local' });
  await api.tdb.db('reception_places').insert([
    {
      id: 'so-tnmt-main',
      agency_id: 'so-tnmt',
      name: 'Phòng tiếp công dân Sở',
      kind: 'department_point',
      address: '1 Đường Lê Lợi',
      created_by: 'test',
    },
    { id: 'xa-b-seat', agency_id: 'ubnd-xa-b', name: 'Trụ sở UBND xã B', kind: 'committee_seat', created_by: 'test' },
  ]);
});
afterAll(async () => {
  await api?.close();
});

const entry = (o: Json = {}) => ({
  leaderPersonId: 'head-so-tnmt',
  leaderTitle: 'Giám đốc Sở',
  placeId: 'so-tnmt-main',
  date: '2026-12-10',
  startTime: '08:00',
  endTime: '11:30',
  kind: 'periodic',
  ...o,
});

describe('leaders reception schedules (issue 14.1)', () => {
  let first: Json;
  let second: Json;

  it('publishes days; the leader must be a head or deputy of the agency; creation is idempotent', async () => {
    const a = await call('POST', '/v1/agencies/so-tnmt/reception-schedule', admin, entry(), 'k-1');
    expect(a.status, a.text).toBe(201);
    first = a.json;
    expect(first).toMatchObject({ sequence: 0, status: 'scheduled', startsAt: '2026-12-10T08:00:00.000+07:00' });
    const again = await call('POST', '/v1/agencies/so-tnmt/reception-schedule', admin, entry(), 'k-1');
    expect(again.json.id).toBe(first.id);
    const b = await call('POST', '/v1/agencies/so-tnmt/reception-schedule', admin, entry({ date: '2026-12-17' }));
    second = b.json;
    expect(b.status, b.text).toBe(201);

    const notLeader = await call(
      'POST',
      '/v1/agencies/so-tnmt/reception-schedule',
      admin,
      entry({ leaderPersonId: 'head-ubnd-xa-a' }),
    );
    expect(notLeader.status).toBe(422);
    expect(notLeader.json.errors).toEqual([expect.objectContaining({ path: 'leaderPersonId' })]);
    const badTime = await call('POST', '/v1/agencies/so-tnmt/reception-schedule', admin, entry({ endTime: '07:00' }));
    expect(badTime.status).toBe(422);
    expect(badTime.json.errors).toEqual([expect.objectContaining({ path: 'endTime' })]);
    const foreignPlace = await call(
      'POST',
      '/v1/agencies/so-tnmt/reception-schedule',
      admin,
      entry({ placeId: 'xa-b-seat' }),
    );
    expect(foreignPlace.status).toBe(422);
    expect(foreignPlace.json.errors).toEqual([expect.objectContaining({ path: 'placeId' })]);
    const badDay = await call('POST', '/v1/agencies/so-tnmt/reception-schedule', admin, entry({ date: '2026-02-30' }));
    expect(badDay.status).toBe(400);
    expect(badDay.text).toContain('date');
    // An online reception day only from 01/07/2026 (NĐ 154/2026 Chương V; Art 44).
    const early = await call(
      'POST',
      '/v1/agencies/so-tnmt/reception-schedule',
      admin,
      entry({ kind: 'online', date: '2026-06-30' }),
    );
    expect(early.status, early.text).toBe(422);
    expect(early.json.errors).toEqual([expect.objectContaining({ path: 'kind' })]);
    expect(early.text).toContain('NĐ 154/2026');
    const moved = await call('PATCH', `/v1/agencies/so-tnmt/reception-schedule/${second.id}`, admin, {
      kind: 'online',
      date: '2026-06-29',
      reason: 'Chuyển sang trực tuyến',
    });
    expect(moved.status, moved.text).toBe(422);
    expect(moved.json.errors).toEqual([expect.objectContaining({ path: 'kind' })]);
  });

  it('a change needs a reason, bumps SEQUENCE and keeps the history; a cancellation is kept and audited', async () => {
    const path = `/v1/agencies/so-tnmt/reception-schedule/${String(first.id)}`;
    const noReason = await call('PATCH', path, admin, { startTime: '13:30', endTime: '16:30' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('reason');
    const changed = await call('PATCH', path, admin, { startTime: '13:30', endTime: '16:30', reason: 'Họp đột xuất' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json).toMatchObject({ sequence: 1, startsAt: '2026-12-10T13:30:00.000+07:00' });
    const cancelled = await call('POST', `/v1/agencies/so-tnmt/reception-schedule/${String(second.id)}/cancel`, admin, {
      reason: 'Trùng lịch họp HĐND',
    });
    expect(cancelled.json).toMatchObject({ status: 'cancelled', sequence: 1 });
    const afterCancel = await call('PATCH', `/v1/agencies/so-tnmt/reception-schedule/${String(second.id)}`, admin, {
      note: 'x',
      reason: 'y',
    });
    expect(afterCancel.status).toBe(409);

    const detail = await call('GET', path, admin);
    expect((detail.json.history as Json[]).map((h) => [h.sequence, h.action, h.reason])).toEqual([
      [0, 'created', null],
      [1, 'changed', 'Họp đột xuất'],
    ]);
    const audit = await api.tdb.db('audit_log').whereLike('action', 'reception.schedule.%').orderBy('seq');
    expect(audit.map((r: { action: string }) => r.action)).toEqual([
      'reception.schedule.created',
      'reception.schedule.created',
      'reception.schedule.changed',
      'reception.schedule.cancelled',
    ]);
    // Another agency's admin does not see it.
    const other = await call('GET', path, await authHeader({ roles: ['admin'], agency: 'ubnd-xa-b' }));
    expect(other.status).toBe(404);
  });

  it('the public JSON needs no login and shows only the leader name and title', async () => {
    const r = await call('GET', '/v1/public/reception-schedule?agencyId=so-tnmt&from=2026-12-01&to=2026-12-31', {});
    expect(r.status, r.text).toBe(200);
    const items = r.json.items as Json[];
    expect(items.map((i) => [i.date, i.status, i.sequence])).toEqual([
      ['2026-12-10', 'scheduled', 1],
      ['2026-12-17', 'cancelled', 1],
    ]);
    expect(items[0]).toMatchObject({ leaderName: 'Trần Thị Bình', leaderTitle: 'Giám đốc Sở' });
    expect(r.text).not.toContain('head-so-tnmt');
    expect(r.text).not.toContain('secret-mail');
    const bad = await call('GET', '/v1/public/reception-schedule?agencyId=so-tnmt&from=2026-12-31&to=2026-12-01', {});
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'query.to' })]);
    expect((await call('GET', '/v1/public/reception-schedule?agencyId=nowhere', {})).status).toBe(404);
  });

  it('the iCalendar feed parses with ical.js: stable UIDs, SEQUENCE, STATUS:CANCELLED, Vietnam time', async () => {
    const r = await fetch(`${api.url}/v1/public/reception-schedule.ics?agencyId=so-tnmt&from=2026-12-01&to=2026-12-31`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/calendar');
    const text = await r.text();
    expect(text).not.toContain('secret-mail');
    const cal = new ICAL.Component(ICAL.parse(text));
    for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.uid)).toEqual([`${String(first.id)}@kntc-flow`, `${String(second.id)}@kntc-flow`]);
    expect(events.map((e) => e.sequence)).toEqual([1, 1]);
    expect(events.map((e) => e.component.getFirstPropertyValue('status'))).toEqual(['CONFIRMED', 'CANCELLED']);
    expect(events[0]!.startDate.zone?.tzid).toBe('Asia/Ho_Chi_Minh');
    expect(text).toContain('DTSTART;TZID=Asia/Ho_Chi_Minh:20261210T133000');
    expect(events[0]!.startDate.toJSDate().toISOString()).toBe('2026-12-10T06:30:00.000Z');
    expect(events[0]!.summary).toContain('Trần Thị Bình');
    expect(events[0]!.location).toBe('Phòng tiếp công dân Sở, 1 Đường Lê Lợi');
    expect(String(events[0]!.component.getFirstPropertyValue('dtstamp'))).toMatch(/Z$/);
  });

  it('a day published with less than 5 working days of notice needs a reason and is flagged (Art 24(4))', async () => {
    const post = (o: Json) => call('POST', '/v1/agencies/so-tnmt/reception-schedule', admin, entry(o));
    // Thursday 05/11: its deadline was Thursday 29/10 (5 working days before). Published on 02/11: late.
    const refused = await post({ date: '2026-11-05' });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ path: 'lateNoticeReason' })]);
    expect(String(refused.json.detail)).toContain('Luật Tiếp công dân 2013 Art 24(4)');
    expect(String(refused.json.detail)).toContain('2026-10-29');
    const late = await post({ date: '2026-11-05', lateNoticeReason: 'Chủ tịch UBND tỉnh chỉ đạo tiếp bổ sung' });
    expect(late.status, late.text).toBe(201);
    expect(late.json.notice).toEqual({
      deadline: '2026-10-29',
      late: true,
      reason: 'Chủ tịch UBND tỉnh chỉ đạo tiếp bổ sung',
      citation: 'Luật Tiếp công dân 2013 Art 24(4)',
    });
    // Monday 09/11: its deadline is today (02/11): in time, no reason needed.
    const onTime = await post({ date: '2026-11-09' });
    expect(onTime.status, onTime.text).toBe(201);
    expect(onTime.json.notice).toMatchObject({ deadline: '2026-11-02', late: false, reason: null });
    // Online (from 01/07/2026): NĐ 154/2026 Art 23(1), the same 5 working days.
    const online = await post({ date: '2026-11-04', kind: 'online' });
    expect(online.status).toBe(422);
    expect(String(online.json.detail)).toContain('NĐ 154/2026/NĐ-CP Art 23(1)');
    const onlineOk = await post({ date: '2026-11-10', kind: 'online' });
    expect(onlineOk.json.notice).toMatchObject({ late: false, citation: 'NĐ 154/2026/NĐ-CP Art 23(1)' });
    // An ad hoc reception is not a posted schedule: no notice.
    const adHoc = await post({ date: '2026-11-03', kind: 'ad_hoc' });
    expect(adHoc.status, adHoc.text).toBe(201);
    expect(adHoc.json.notice).toBeNull();

    // Moving a day is publishing it anew: Monday 09/11 → Friday 06/11 is late; a time change on the day is not.
    const url = `/v1/agencies/so-tnmt/reception-schedule/${String(onTime.json.id)}`;
    expect((await call('PATCH', url, admin, { startTime: '13:30', endTime: '16:30', reason: 'Họp' })).status).toBe(200);
    const moved = await call('PATCH', url, admin, { date: '2026-11-06', reason: 'Lãnh đạo đi công tác' });
    expect(moved.status).toBe(422);
    expect(moved.json.errors).toEqual([expect.objectContaining({ path: 'lateNoticeReason' })]);
    const movedLate = await call('PATCH', url, admin, {
      date: '2026-11-06',
      reason: 'Lãnh đạo đi công tác',
      lateNoticeReason: 'Lịch công tác đột xuất; đã thông báo tại nơi tiếp công dân',
    });
    expect(movedLate.status, movedLate.text).toBe(200);
    expect(movedLate.json.notice).toMatchObject({ deadline: '2026-10-30', late: true });
    const audit = await api.tdb
      .db('audit_log')
      .where({ action: 'reception.schedule.changed' })
      .orderBy('seq', 'desc')
      .first();
    expect(audit.after).toMatchObject({ lateNotice: true, noticeDeadline: '2026-10-30' });

    // The compliance report of the month names the days published late.
    const r = await call('GET', '/v1/reception/compliance?month=2026-11', admin);
    expect(r.status, r.text).toBe(200);
    const tnmt = (r.json.items as Json[]).find((i) => i.agencyId === 'so-tnmt')!;
    expect(tnmt.lateNoticeDays).toEqual(['2026-11-05', '2026-11-06']);
    expect((r.json.items as Json[]).find((i) => i.agencyId === 'ubnd-xa-b')!.lateNoticeDays).toEqual([]);
  });
});
