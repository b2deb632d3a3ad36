/**
 * Citizen reception (issue 14 items 2–3, ADR 0028) on the real stack (API + PostgreSQL + Temporal dev
 * server): a session whose visits start cases (linked both ways, one case per retried visit), a delegation
 * with representatives, a matter that comes back three times (counts, flags by the configured criteria),
 * suggestions that never link by themselves, bad input refused before any write, agency scoping, and a
 * denunciation visitor's identity kept out of answers, the audit log and the event feed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth/principal.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, tableCounts, type TestApi } from '../support/api.js';

let api: TestApi;
const HOME = 'so-tnmt';
const OTHER = 'ubnd-xa-b';
const LEADER = `leader-${randomUUID().slice(0, 8)}`;
const DEPUTY = `deputy-${randomUUID().slice(0, 8)}`;
const MEMBER = `member-${randomUUID().slice(0, 8)}`;
type Res = { status: number; json: Record<string, any>; text: string };

const h = (roles: Role[], agency = HOME, permissions: string[] = []) => authHeader({ roles, agency, permissions });
async function send(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Res> {
  const r = await fetch(api.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, any>) : {}, text };
}
const fields = (r: Res) => ((r.json.errors ?? []) as Array<{ path: string }>).map((e) => e.path);
const officer = () => h(['reception_officer']);
const keyed = async (key: string) => ({ ...(await officer()), 'Idempotency-Key': key });

let placeId: string;
async function session(startedAt: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await send('POST', '/v1/reception/sessions', await officer(), {
    agencyId: HOME,
    placeId,
    kind: 'periodic',
    leaderPersonId: LEADER,
    receivedBy: 'in_person',
    mode: 'in_person',
    startedAt,
    ...extra,
  });
  expect(r.status, r.text).toBe(201);
  return r.json.id as string;
}

const CITIZEN = { name: 'Trần Văn Bình', idNumber: '001203009999', phone: '0912 345 678', address: 'Thôn 3, xã A' };

beforeAll(async () => {
  api = await startTestApi();
  await api.tdb.db('people').insert([
    { id: LEADER, display_name: 'Giám đốc Sở' },
    { id: DEPUTY, display_name: 'Phó Giám đốc Sở' },
    { id: MEMBER, display_name: 'Chuyên viên' },
  ]);
  await api.tdb.db('agency_staff').insert([
    { person_id: LEADER, agency_id: HOME, roles: ['supervisor'], position: 'deputy' },
    { person_id: MEMBER, agency_id: HOME, roles: ['reception_officer'], position: 'member' },
    { person_id: DEPUTY, agency_id: HOME, roles: ['supervisor'], position: 'deputy' },
  ]);
  const p = await send('POST', '/v1/reception/places', await h(['admin']), {
    agencyId: HOME,
    name: 'Điểm tiếp công dân Sở TN&MT',
    kind: 'department_point',
    address: '1 Lê Lợi',
  });
  expect(p.status, p.text).toBe(201);
  placeId = p.json.id as string;
});
afterAll(async () => {
  await api?.close();
});

describe('reception sessions and visits', () => {
  it('a session with visits whose letters start cases, linked both ways; a retry starts no second case', async () => {
    const s = await session('2026-11-02T08:00:00+07:00');
    const body = {
      visitedAt: '2026-11-02T08:30:00+07:00',
      visitors: [CITIZEN],
      respondent: 'UBND xã A',
      contentType: 'complaint',
      summary: 'Khiếu nại quyết định thu hồi đất thửa 123 tờ bản đồ 5 xã A',
      outcome: 'letter_received',
    };
    const key = randomUUID();
    const v = await send('POST', `/v1/reception/sessions/${s}/visits`, await keyed(key), body);
    expect(v.status, v.text).toBe(201);
    expect(v.json.case.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(v.json.case.pin).toMatch(/^\d{8}$/);
    expect(v.json.caseId).toBe(v.json.case.id);
    expect(v.json.visitedAt).toMatch(/^2026-11-02T08:30:00(\.000)?\+07:00$/);
    const again = await send('POST', `/v1/reception/sessions/${s}/visits`, await keyed(key), body);
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(v.json.id);
    expect(again.json.caseId).toBe(v.json.caseId);
    expect(await api.tdb.db('reception_visits').where({ session_id: s }).count('* as n').first()).toEqual({ n: 1 });
    expect(await api.tdb.db('cases').where({ id: v.json.caseId }).count('* as n').first()).toEqual({ n: 1 });
    const c = await api.tdb.db('cases').where({ id: v.json.caseId }).first();
    expect(c.channel).toBe('reception_desk');
    expect(c.case_type).toBe('complaint_first');
    // Case → visit (and visit → case).
    const back = await send('GET', `/v1/cases/${v.json.caseId}/reception`, await h(['officer']));
    expect(back.status, back.text).toBe(200);
    expect(back.json.visit.id).toBe(v.json.id);
    expect(back.json.visit.links.case).toBe(`/v1/cases/${v.json.caseId}`);
    // The visitor is stored sealed: the name is nowhere in the row.
    const sealed = await api.tdb.db('reception_visit_parties').where({ visit_id: v.json.id }).orderBy('position');
    expect(sealed.map((p) => p.role)).toEqual(['visitor', 'respondent']);
    expect(JSON.stringify(sealed)).not.toContain('Bình');
    // A guided visit of the same session starts nothing.
    const g = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      ...body,
      visitors: [{ name: 'Lê Thị C' }],
      outcome: 'guided',
    });
    expect(g.status, g.text).toBe(201);
    expect(g.json.case).toBeNull();
    const list = await send(
      'GET',
      `/v1/reception/visits?sessionId=${s}&outcome=letter_received`,
      await h(['supervisor']),
    );
    expect(list.json.items.map((i: { id: string }) => i.id)).toEqual([v.json.id]);
    const events = await api.tdb.db('events').where({ type: 'vn.kntc.reception.visit_recorded' });
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it('a delegation with representatives; delegated reception by a deputy; supervisor filters', async () => {
    const s = await session('2026-11-03T08:00:00+07:00', { receivedBy: 'delegated', delegatePersonId: DEPUTY });
    const v = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      visitedAt: '2026-11-03T09:00:00+07:00',
      peopleCount: 25,
      isDelegation: true,
      visitors: [{ name: 'Hộ dân thôn 5' }],
      representatives: [
        { name: 'Đại diện 1', idNumber: '001203001111' },
        { name: 'Đại diện 2', phone: '0987654321' },
      ],
      contentType: 'petition',
      summary: 'Kiến nghị về bồi thường giải phóng mặt bằng dự án đường tỉnh 295',
      outcome: 'answered',
    });
    expect(v.status, v.text).toBe(201);
    expect(v.json).toMatchObject({ isDelegation: true, peopleCount: 25 });
    const parties = await send('GET', `/v1/reception/visits/${v.json.id}/parties`, await h(['officer']));
    expect(parties.json.items.map((p: { role: string }) => p.role)).toEqual([
      'visitor',
      'representative',
      'representative',
    ]);
    expect(parties.json.items[1].name).toBe('Đại diện 1'); // a petition: not protected
    const sup = await h(['supervisor'], 'tinh-demo');
    const deleg = await send('GET', '/v1/reception/visits?delegation=true', sup);
    expect(deleg.json.items.map((i: { id: string }) => i.id)).toContain(v.json.id);
    expect(deleg.json.items.every((i: { isDelegation: boolean }) => i.isDelegation)).toBe(true);
    const byLeader = await send('GET', `/v1/reception/sessions?leaderPersonId=${LEADER}&receivedBy=delegated`, sup);
    expect(byLeader.json.items.map((i: { id: string }) => i.id)).toEqual([s]);
    // A delegation without representatives: 422 naming the field, nothing stored.
    const before = await tableCounts(api.tdb.db);
    const bad = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      visitedAt: '2026-11-03T09:30:00+07:00',
      peopleCount: 12,
      isDelegation: true,
      visitors: [{ name: 'X' }],
      contentType: 'petition',
      summary: 'S',
      outcome: 'answered',
    });
    expect(bad.status).toBe(422);
    expect(fields(bad)).toEqual(['representatives']);
    expect(await tableCounts(api.tdb.db)).toEqual(before);
  });

  it('bad input → 4xx naming the field, with nothing stored', async () => {
    const s = await session('2026-11-04T08:00:00+07:00');
    const ended = await session('2026-11-04T08:00:00+07:00', { endedAt: '2026-11-04T11:00:00+07:00' });
    const before = await tableCounts(api.tdb.db);
    const base = {
      visitedAt: '2026-11-04T08:30:00+07:00',
      visitors: [{ name: 'A' }],
      contentType: 'complaint',
      summary: 'S',
    };
    const refused = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      ...base,
      outcome: 'refused',
    });
    expect(refused.status).toBe(422);
    expect(fields(refused)).toEqual(['refusalGround']);
    const transferred = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      ...base,
      outcome: 'transferred',
    });
    expect(fields(transferred)).toEqual(['transferAgencyId']);
    // Control characters: none in a one-line text (a visitor's name); a free text (the summary) may hold
    // tab and line breaks, never another control character. 4xx naming the field.
    const tabInName = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      ...base,
      visitors: [{ name: 'A\tB' }],
      outcome: 'answered',
    });
    expect(tabInName.status, tabInName.text).toBe(400);
    expect(fields(tabInName)).toEqual(['visitors.0.name']);
    const bellInSummary = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      ...base,
      summary: 'S\u0007',
      outcome: 'answered',
    });
    expect(bellInSummary.status, bellInSummary.text).toBe(400);
    expect(fields(bellInSummary)).toEqual(['summary']);
    const type = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      ...base,
      contentType: 'gossip',
      outcome: 'guided',
    });
    expect(type.status).toBe(400);
    expect(fields(type)).toEqual(['contentType']);
    const noLeader = await send('POST', '/v1/reception/sessions', await officer(), {
      agencyId: HOME,
      placeId,
      kind: 'periodic',
      receivedBy: 'in_person',
      mode: 'in_person',
      startedAt: '2026-11-04T08:00:00+07:00',
    });
    expect(noLeader.status).toBe(422);
    expect(fields(noLeader)).toEqual(['leaderPersonId']);
    const online = await send('POST', '/v1/reception/sessions', await officer(), {
      agencyId: HOME,
      placeId,
      kind: 'regular',
      receivedBy: 'in_person',
      mode: 'online',
      startedAt: '2026-11-04T08:00:00+07:00',
    });
    expect(fields(online)).toEqual(['placeId']);
    const place = await send('POST', '/v1/reception/places', await h(['admin']), {
      agencyId: HOME,
      name: 'Trực tuyến',
      kind: 'online',
    });
    expect(place.status).toBe(422);
    expect(fields(place)).toEqual(['onlineUrl']);
    // A periodic session is led by the head or a deputy (Luật Tiếp công dân 2013 Art 12(5), 15(2)(d), 18(2)).
    const sessionBody = {
      agencyId: HOME,
      placeId,
      kind: 'periodic',
      leaderPersonId: LEADER,
      receivedBy: 'in_person',
      mode: 'in_person',
      startedAt: '2026-11-04T08:00:00+07:00',
    };
    const member = await send('POST', '/v1/reception/sessions', await officer(), {
      ...sessionBody,
      leaderPersonId: MEMBER,
    });
    expect(member.status).toBe(422);
    expect(fields(member)).toEqual(['leaderPersonId']);
    // A schedule entry or period is checked (format, then that it is the agency's), never a 404 from the store.
    const badEntry = await send('POST', '/v1/reception/sessions', await officer(), {
      ...sessionBody,
      scheduleEntryId: 'entry-1',
    });
    expect(badEntry.status).toBe(400);
    expect(fields(badEntry)).toEqual(['scheduleEntryId']);
    const noEntry = await send('POST', '/v1/reception/sessions', await officer(), {
      ...sessionBody,
      scheduleEntryId: 'rse_0123456789abcdef',
    });
    expect(noEntry.status).toBe(422);
    expect(fields(noEntry)).toEqual(['scheduleEntryId']);
    const noPeriod = await send('POST', '/v1/reception/sessions', await officer(), {
      ...sessionBody,
      periodId: 'dai-hoi-xiv',
    });
    expect(noPeriod.status).toBe(422);
    expect(fields(noPeriod)).toEqual(['periodId']);
    // A visit is on the session's date (Vietnam) and not after it ended: its instant becomes the case's receipt.
    for (const visitedAt of ['2026-11-05T08:30:00+07:00', '2026-11-04T11:30:00+07:00', '2026-11-03T23:30:00+07:00']) {
      const late = await send('POST', `/v1/reception/sessions/${ended}/visits`, await officer(), {
        ...base,
        visitedAt,
        outcome: 'guided',
      });
      expect(late.status, visitedAt).toBe(422);
      expect(fields(late)).toEqual(['visitedAt']);
    }
    // The case a letter starts is checked as POST /v1/cases checks it (at most 50 parties), naming the visit field.
    const crowd = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      ...base,
      visitors: Array.from({ length: 50 }, (_, i) => ({ name: `Người ${i + 1}` })),
      representatives: [{ name: 'Đại diện' }],
      isDelegation: true,
      outcome: 'letter_received',
    });
    expect(crowd.status, crowd.text).toBe(422);
    expect(fields(crowd)).toEqual(['visitors']);
    expect(await tableCounts(api.tdb.db)).toEqual(before);
  });

  it('rules by date: online reception from 01/07/2026, the refusal article of the day, Art 29 representatives', async () => {
    const online = await send('POST', '/v1/reception/places', await h(['admin']), {
      agencyId: HOME,
      name: 'Tiếp công dân trực tuyến',
      kind: 'online',
      onlineUrl: 'https://tcd.example.gov.vn/so-tnmt',
    });
    expect(online.status, online.text).toBe(201);
    const onlineSession = (startedAt: string) =>
      officer().then((hd) =>
        send('POST', '/v1/reception/sessions', hd, {
          agencyId: HOME,
          placeId: online.json.id,
          kind: 'periodic',
          leaderPersonId: LEADER,
          receivedBy: 'in_person',
          mode: 'online',
          startedAt,
        }),
      );
    // NĐ 154/2026 Chương V (in force 01/07/2026, Art 44): none before.
    const before = await onlineSession('2026-06-30T08:00:00+07:00');
    expect(before.status, before.text).toBe(422);
    expect(fields(before)).toEqual(['mode']);
    expect(before.text).toContain('NĐ 154/2026');
    const from = await onlineSession('2026-07-01T08:00:00+07:00');
    expect(from.status, from.text).toBe(201);

    // A refused visit cites Luật TCD Art 9 before 01/07/2026 and NĐ 154/2026 Art 4 from then on.
    const refuse = async (startedAt: string, visitedAt: string) => {
      const s = await session(startedAt);
      const v = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
        visitedAt,
        visitors: [{ name: 'Người bị từ chối' }],
        contentType: 'complaint',
        summary: 'Vụ việc đã giải quyết đúng pháp luật',
        outcome: 'refused',
        refusalGround: 'Đã được trả lời bằng văn bản, không có tình tiết mới',
      });
      expect(v.status, v.text).toBe(201);
      return (await send('GET', `/v1/reception/visits/${v.json.id}`, await officer())).json;
    };
    expect((await refuse('2026-06-15T08:00:00+07:00', '2026-06-15T08:30:00+07:00')).refusalBasis).toBe(
      'Luật Tiếp công dân 2013 Art 9',
    );
    expect((await refuse('2026-07-02T08:00:00+07:00', '2026-07-02T08:30:00+07:00')).refusalBasis).toMatch(
      /^NĐ 154\/2026\/NĐ-CP Art 4/,
    );

    // Luật TCD Art 29: 5-10 people send one or two representatives; more than 10 at most five.
    const s = await session('2026-11-06T08:00:00+07:00');
    const delegation = (peopleCount: number, reps: number) =>
      officer().then((hd) =>
        send('POST', `/v1/reception/sessions/${s}/visits`, hd, {
          visitedAt: '2026-11-06T08:30:00+07:00',
          peopleCount,
          isDelegation: true,
          visitors: [{ name: 'Người dân' }],
          representatives: Array.from({ length: reps }, (_, i) => ({ name: `Đại diện ${i + 1}` })),
          contentType: 'petition',
          summary: 'Kiến nghị về đường giao thông',
          outcome: 'answered',
        }),
      );
    const tooMany = await delegation(8, 3);
    expect(tooMany.status, tooMany.text).toBe(422);
    expect(fields(tooMany)).toEqual(['representatives']);
    expect(tooMany.text).toContain('Art 29');
    expect((await delegation(8, 2)).status).toBe(201);
    expect((await delegation(12, 5)).status).toBe(201);
    expect((await delegation(12, 6)).status).toBe(422);
  });

  it("a letter's subject taken from a long summary is cut without splitting a character", async () => {
    const s = await session('2026-11-05T08:00:00+07:00');
    const summary = `${'a'.repeat(499)}😀 và phần còn lại`;
    const v = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      visitedAt: '2026-11-05T08:30:00+07:00',
      visitors: [{ name: 'Nguyễn Văn D' }],
      contentType: 'petition',
      summary,
      outcome: 'letter_received',
    });
    expect(v.status, v.text).toBe(201);
    const c = await api.tdb.db('cases').where({ id: v.json.caseId }).first();
    expect(c.subject).toBe('a'.repeat(499));
  });

  it("a denunciation visitor's identity: redacted without identity:read, audited with it, absent from the feed", async () => {
    const s = await session('2026-11-05T08:00:00+07:00');
    const name = `Người tố cáo ${randomUUID().slice(0, 6)}`;
    const v = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      visitedAt: '2026-11-05T08:30:00+07:00',
      visitors: [{ name, idNumber: '079000123456' }],
      contentType: 'denunciation',
      summary: 'Tố cáo cán bộ địa chính nhận tiền',
      outcome: 'letter_received',
    });
    expect(v.status, v.text).toBe(201);
    expect(v.text).not.toContain(name);
    const plain = await send('GET', `/v1/reception/visits/${v.json.id}/parties`, await h(['officer']));
    expect(plain.json.items[0]).toMatchObject({ role: 'visitor', redacted: true, name: '[redacted]' });
    expect(plain.text).not.toContain(name);
    const seen = await send(
      'GET',
      `/v1/reception/visits/${v.json.id}/parties`,
      await h(['officer'], HOME, ['identity:read']),
    );
    expect(seen.json.items[0]).toMatchObject({ redacted: false, name });
    const audit = await api.tdb.db('audit_log').where({ action: 'reception.visitor_identity_read' });
    expect(audit).toHaveLength(1);
    const everything = JSON.stringify([
      await api.tdb.db('audit_log').select('after', 'before'),
      await api.tdb.db('events').select('data'),
      await send('GET', `/v1/reception/visits/${v.json.id}`, await h(['supervisor'])),
    ]);
    expect(everything).not.toContain(name);
    // The case started from it is a denunciation whose denouncer is redacted too.
    const cp = await send('GET', `/v1/cases/${v.json.caseId}/parties`, await h(['officer']));
    expect(cp.json.items[0]).toMatchObject({ role: 'denouncer', redacted: true });
  });

  it('a denunciation is never started from a visit recorded as something else, nor its matter matched by person', async () => {
    const s = await session('2026-11-06T08:00:00+07:00');
    const denouncer = { name: `Người tố cáo ${randomUUID().slice(0, 6)}`, idNumber: '079000654321' };
    // The officer cannot start a denunciation from a visit recorded as a complaint (its people would be
    // stored as complainants, unprotected): 422 naming the field, nothing stored, nothing started.
    const before = await api.tdb.db('reception_visits').count<{ count: string }[]>('* as count');
    const casesBefore = await api.tdb.db('cases').count<{ count: string }[]>('* as count');
    const bad = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      visitedAt: '2026-11-06T08:30:00+07:00',
      visitors: [denouncer],
      contentType: 'complaint',
      summary: 'Tố cáo cán bộ xã nhận tiền khi cấp giấy chứng nhận',
      outcome: 'letter_received',
      letter: { caseType: 'denunciation' },
    });
    expect(bad.status, bad.text).toBe(422);
    expect(fields(bad)).toContain('letter.caseType');
    expect(await api.tdb.db('reception_visits').count<{ count: string }[]>('* as count')).toEqual(before);
    expect(await api.tdb.db('cases').count<{ count: string }[]>('* as count')).toEqual(casesBefore);
    // Recorded as a denunciation, linked to a matter: asking "is this person in a matter?" says nothing.
    const subject = `Tố cáo cán bộ xã nhận tiền khi cấp giấy chứng nhận ${randomUUID().slice(0, 6)}`;
    const v = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      visitedAt: '2026-11-06T09:00:00+07:00',
      visitors: [denouncer],
      contentType: 'denunciation',
      summary: subject,
      outcome: 'letter_received',
    });
    expect(v.status, v.text).toBe(201);
    const m = await send('POST', '/v1/matters', await officer(), {
      agencyId: HOME,
      title: subject,
      contentType: 'denunciation',
      link: { kind: 'visit', refId: v.json.id },
    });
    expect(m.status, m.text).toBe(201);
    const byPerson = await send('POST', '/v1/matters/suggestions', await officer(), {
      agencyId: HOME,
      people: [denouncer],
    });
    expect(byPerson.status, byPerson.text).toBe(200);
    expect(byPerson.json.items.map((i: { matter: { id: string } }) => i.matter.id)).not.toContain(m.json.id);
    // The subject still finds it, never flagged as the same person.
    const bySubject = await send('POST', '/v1/matters/suggestions', await officer(), {
      agencyId: HOME,
      people: [denouncer],
      subject,
    });
    const hit = bySubject.json.items.find((i: { matter: { id: string } }) => i.matter.id === m.json.id);
    expect(hit).toMatchObject({ samePerson: false });
  });

  it('another agency cannot read the reception records', async () => {
    const s = await session('2026-11-06T08:00:00+07:00');
    const v = await send('POST', `/v1/reception/sessions/${s}/visits`, await officer(), {
      visitedAt: '2026-11-06T08:30:00+07:00',
      visitors: [{ name: 'A' }],
      contentType: 'feedback',
      summary: 'Phản ánh',
      outcome: 'answered',
    });
    const other = await h(['supervisor'], OTHER);
    expect((await send('GET', `/v1/reception/visits/${v.json.id}`, other)).status).toBe(404);
    expect((await send('GET', `/v1/reception/sessions/${s}`, other)).status).toBe(404);
    expect((await send('GET', `/v1/reception/places/${placeId}`, other)).status).toBe(404);
    const list = await send('GET', '/v1/reception/visits', other);
    expect(list.status).toBe(200);
    expect(list.json.items).toEqual([]);
    expect((await send('GET', `/v1/reception/visits?agencyId=${HOME}`, other)).status).toBe(404);
    const rec = await send('POST', `/v1/reception/sessions/${s}/visits`, await h(['reception_officer'], OTHER), {
      visitedAt: '2026-11-06T09:00:00+07:00',
      visitors: [{ name: 'B' }],
      contentType: 'feedback',
      summary: 'x',
      outcome: 'answered',
    });
    expect(rec.status).toBe(404);
  });
});

describe('matters', () => {
  it('a respondent is matched as the hotspot detector keys it (titles, case and diacritics folded)', async () => {
    const s = await session('2026-11-10T08:00:00+07:00');
    const visit = (respondent: string, name: string) =>
      officer().then((hd) =>
        send('POST', `/v1/reception/sessions/${s}/visits`, hd, {
          visitedAt: '2026-11-10T09:00:00+07:00',
          visitors: [{ name }],
          respondent,
          contentType: 'feedback',
          summary: 'Phản ánh thái độ tiếp dân',
          outcome: 'answered',
        }),
      );
    const first = await visit('Ông Lê Văn Tám (cán bộ địa chính)', 'Hoàng Thị E');
    expect(first.status, first.text).toBe(201);
    const m = await send('POST', '/v1/matters', await officer(), {
      agencyId: HOME,
      title: 'Phản ánh cán bộ địa chính',
      link: { kind: 'visit', refId: first.json.id },
    });
    expect(m.status, m.text).toBe(201);
    const second = await visit('cán bộ LÊ VĂN TÁM', 'Đỗ Văn G');
    const sug = await send('GET', `/v1/reception/visits/${second.json.id}/matter-suggestions`, await officer());
    expect(sug.status, sug.text).toBe(200);
    const hit = (sug.json.items as Array<{ matter: { id: string }; sameRespondent: boolean }>).find(
      (i) => i.matter.id === m.json.id,
    );
    expect(hit?.sameRespondent).toBe(true);
    // Suggestions for an intake search the agency named, not the caller's whole subtree.
    const ask = async (agencyId: string, agency: string) =>
      send('POST', '/v1/matters/suggestions', await h(['reception_officer'], agency), {
        agencyId,
        respondent: 'Lê Văn Tám',
      });
    const home = await ask(HOME, 'tinh-demo');
    expect(home.status, home.text).toBe(200);
    expect(home.json.items.map((i: { matter: { id: string } }) => i.matter.id)).toContain(m.json.id);
    const elsewhere = await ask('ubnd-xa-a', 'tinh-demo');
    expect(elsewhere.status, elsewhere.text).toBe(200);
    expect(elsewhere.json.items.map((i: { matter: { id: string } }) => i.matter.id)).not.toContain(m.json.id);
    expect((await ask('ubnd-xa-a', HOME)).status).toBe(404);
  });

  it('a matter that comes back three times: suggested (never merged silently), counted, flagged by the criteria', async () => {
    const s1 = await session('2026-11-09T08:00:00+07:00');
    const subject = 'Khiếu nại việc bồi thường khi thu hồi đất thửa 45 tờ bản đồ 12 thôn Đông';
    const first = await send('POST', `/v1/reception/sessions/${s1}/visits`, await officer(), {
      visitedAt: '2026-11-09T08:30:00+07:00',
      visitors: [{ name: 'Phạm Văn Dũng', idNumber: '001088000777', phone: '0903111222' }],
      respondent: 'UBND huyện B',
      contentType: 'complaint',
      summary: subject,
      outcome: 'letter_received',
    });
    expect(first.status, first.text).toBe(201);
    const m = await send('POST', '/v1/matters', await officer(), {
      agencyId: HOME,
      title: subject,
      contentType: 'complaint',
      link: { kind: 'visit', refId: first.json.id },
    });
    expect(m.status, m.text).toBe(201);
    expect(m.json).toMatchObject({ timesReceived: 1, lettersCount: 1, complex: false, prolonged: false });
    const matterId = m.json.id as string;
    // A decoy matter with a similar subject, for the rejection below.
    const decoy = await send('POST', '/v1/matters', await officer(), {
      agencyId: HOME,
      title: 'Khiếu nại việc bồi thường khi thu hồi đất thửa 46 tờ bản đồ 12 thôn Tây',
    });
    expect(decoy.status).toBe(201);

    // Second time: the same citizen (ID card), guided; suggested, confirmed.
    const s2 = await session('2026-11-16T08:00:00+07:00');
    const second = await send('POST', `/v1/reception/sessions/${s2}/visits`, await officer(), {
      visitedAt: '2026-11-16T08:30:00+07:00',
      visitors: [{ name: 'Phạm Văn Dũng', idNumber: '001088000777' }],
      contentType: 'complaint',
      summary: 'Tiếp tục khiếu nại về bồi thường',
      outcome: 'guided',
    });
    expect(second.json.matterId).toBeNull();
    const sug = await send('GET', `/v1/reception/visits/${second.json.id}/matter-suggestions`, await officer());
    expect(sug.status, sug.text).toBe(200);
    expect(sug.json.items[0].matter.id).toBe(matterId);
    expect(sug.json.items[0].samePerson).toBe(true);
    // Suggesting linked nothing.
    expect((await send('GET', `/v1/matters/${matterId}`, await officer())).json.timesReceived).toBe(1);
    expect((await api.tdb.db('reception_visits').where({ id: second.json.id }).first()).matter_id).toBeNull();
    const ok2 = await send('POST', `/v1/matters/${matterId}/links`, await officer(), {
      kind: 'visit',
      refId: second.json.id,
      decision: 'confirmed',
    });
    expect(ok2.status, ok2.text).toBe(200);
    expect(ok2.json.matter).toMatchObject({ timesReceived: 2, lettersCount: 1 });

    // The final decision is issued; then the citizen comes a third time, by phone only, with a delegation.
    const fin = await send('PATCH', `/v1/matters/${matterId}`, await h(['officer']), {
      finalDecisionAt: '2026-11-20T10:00:00+07:00',
    });
    expect(fin.status, fin.text).toBe(200);
    expect(fin.json.prolonged).toBe(false);
    const s3 = await session('2026-11-30T08:00:00+07:00');
    const third = await send('POST', `/v1/reception/sessions/${s3}/visits`, await officer(), {
      visitedAt: '2026-11-30T08:30:00+07:00',
      peopleCount: 6,
      isDelegation: true,
      visitors: [{ name: 'Các hộ dân thôn Đông' }],
      representatives: [{ name: 'P. V. Dũng', phone: '+84 903 111 222' }],
      contentType: 'complaint',
      summary: 'Khiếu nại bồi thường thu hồi đất thửa 45 tờ bản đồ 12 thôn Đông',
      outcome: 'letter_received',
    });
    expect(third.status, third.text).toBe(201);
    const sug3 = await send('POST', '/v1/matters/suggestions', await officer(), {
      agencyId: HOME,
      people: [{ name: 'P. V. Dũng', phone: '0903111222' }],
      subject: 'Khiếu nại bồi thường thu hồi đất thửa 45 tờ bản đồ 12 thôn Đông',
    });
    expect(sug3.status, sug3.text).toBe(200);
    expect(sug3.json.items[0].matter.id).toBe(matterId);
    expect(sug3.json.items[0]).toMatchObject({ samePerson: true });
    const ids = sug3.json.items.map((i: { matter: { id: string } }) => i.matter.id);
    expect(ids).toContain(decoy.json.id); // similar subject only
    // The officer rejects the decoy for this visit: it is not suggested again; the decision is on record.
    const rej = await send('POST', `/v1/matters/${decoy.json.id}/links`, await officer(), {
      kind: 'visit',
      refId: third.json.id,
      decision: 'rejected',
      reason: 'another parcel',
    });
    expect(rej.status, rej.text).toBe(200);
    expect(rej.json.matter.timesReceived).toBe(0);
    const sug3b = await send('GET', `/v1/reception/visits/${third.json.id}/matter-suggestions`, await officer());
    expect(sug3b.json.items.map((i: { matter: { id: string } }) => i.matter.id)).not.toContain(decoy.json.id);
    const ok3 = await send('POST', `/v1/matters/${matterId}/links`, await officer(), {
      kind: 'visit',
      refId: third.json.id,
      decision: 'confirmed',
    });
    expect(ok3.json.matter).toMatchObject({
      timesReceived: 3,
      lettersCount: 2,
      peopleMax: 6,
      complex: true,
      prolonged: true,
    });
    expect(ok3.json.matter.flagRules.sort()).toEqual(['complex-received-3-times', 'prolonged-after-final-decision']);
    // Confirming the same visit into the decoy now conflicts.
    const dup = await send('POST', `/v1/matters/${decoy.json.id}/links`, await officer(), {
      kind: 'visit',
      refId: third.json.id,
      decision: 'confirmed',
    });
    expect(dup.status).toBe(409);
    // Searchable by flags; the visits of flagged matters too; the case shows its matter.
    const sup = await h(['supervisor'], 'tinh-demo');
    const prolonged = await send('GET', '/v1/matters?prolonged=true&complex=true', sup);
    expect(prolonged.json.items.map((i: { id: string }) => i.id)).toEqual([matterId]);
    const notFlagged = await send('GET', '/v1/matters?complex=false', sup);
    expect(notFlagged.json.items.map((i: { id: string }) => i.id)).toContain(decoy.json.id);
    expect(notFlagged.json.items.map((i: { id: string }) => i.id)).not.toContain(matterId);
    const flaggedVisits = await send('GET', '/v1/reception/visits?matterFlag=complex', sup);
    expect(flaggedVisits.json.items).toHaveLength(3);
    const caseView = await send('GET', `/v1/cases/${third.json.caseId}/reception`, await officer());
    expect(caseView.json.matter.id).toBe(matterId);
    expect(caseView.json.visit.id).toBe(third.json.id);
    const detail = await send('GET', `/v1/matters/${matterId}`, await officer());
    expect(detail.json.decisions.filter((d: { kind: string }) => d.kind === 'case')).toHaveLength(2);
    const flagged = await api.tdb.db('events').where({ type: 'vn.kntc.matter.flagged' });
    expect(flagged.map((e) => e.data.matterId)).toContain(matterId);
    const rules = await send('GET', '/v1/matters/flag-rules', await officer());
    expect(rules.json.items.every((r: { unconfirmed: boolean; source: string }) => r.unconfirmed && r.source)).toBe(
      true,
    );
  });
});
