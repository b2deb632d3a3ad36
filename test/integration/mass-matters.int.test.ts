/**
 * Mass matters (issue 15 items 1-2 and 4 in part, ADR 0036) on the real stack (API + worker + PostgreSQL + Temporal
 * dev server): a crowd at a visit flags its matter mass and gives the head a task to receive the delegation (police
 * told, hotspot fed, reception session recorded on completion); a gathering in Hà Nội is tracked step by step
 * through the task inbox until the citizens are home, the chairman has the report and a plan is agreed.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth/principal.js';
import { createServices } from '../../api/routing/services.js';
import { delegationDefinition } from '../../processes/builtin/mass.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { ensureMassProcessReconcileSchedule } from '../../platform/mass-process-schedule.js';
import { RECONCILER_MEMO, startProcessOnce, storedProcessInput } from '../../platform/mass-process-start.js';
import { caseWorkflowId } from '../../workflows/contract.js';
import type { MassProcessReconcileResult } from '../../workflows/mass-process-contract.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, tableCounts, type TestApi } from '../support/api.js';

let api: TestApi;
const HOME = 'so-tnmt';
const OTHER = 'ubnd-xa-b';
const LEADER = `head-${randomUUID().slice(0, 8)}`;
type Res = { status: number; json: Record<string, any>; text: string };

const h = (roles: Role[], agency = HOME) => authHeader({ roles, agency });
async function send(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Res> {
  const r = await fetch(api.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, any>) : {}, text };
}
async function eventually<T>(f: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
/** The open task of `node` of a process, as the head of HOME sees it in the inbox. */
async function inboxTask(caseId: string, node: string): Promise<Record<string, any>> {
  return eventually(async () => {
    const r = await send('GET', `/v1/tasks?caseId=${caseId}`, await h(['supervisor']));
    return (r.json.items as Array<Record<string, any>> | undefined)?.find((t) => t.nodeId === node);
  }, `task ${node}`);
}
const today = () => vnDate(Date.now());

let placeId: string;
let provinceCode: string;
let communeCode: string;

/**
 * A reception session started a minute ago, and the instants of its visits (`visitedAt(i)`, i < 30: a second
 * apart, just after its start): all on the session's day in Vietnam, which the API requires of a visit. When
 * Vietnam midnight falls within that minute, the session starts at midnight.
 */
async function freshSession(): Promise<{ sessionId: string; visitedAt: (i?: number) => string }> {
  const now = Date.now();
  let startedAt = now - 60_000;
  if (vnDate(startedAt) !== vnDate(startedAt + 30_000)) startedAt = Date.parse(`${vnDate(now)}T00:00:00+07:00`);
  const s = await send('POST', '/v1/reception/sessions', await h(['reception_officer']), {
    agencyId: HOME,
    placeId,
    kind: 'regular',
    receivedBy: 'in_person',
    mode: 'in_person',
    startedAt: new Date(startedAt).toISOString(),
  });
  expect(s.status, s.text).toBe(201);
  return {
    sessionId: s.json.id as string,
    visitedAt: (i = 0) => new Date(startedAt + 1000 + i * 1000).toISOString(),
  };
}

async function matter(title: string): Promise<string> {
  const m = await send('POST', '/v1/matters', await h(['reception_officer']), { agencyId: HOME, title });
  expect(m.status, m.text).toBe(201);
  return m.json.id as string;
}

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await api.tdb.db('people').insert({ id: LEADER, display_name: 'Giám đốc Sở' });
  const p = await send('POST', '/v1/reception/places', await h(['admin']), {
    agencyId: HOME,
    name: 'Điểm tiếp công dân Sở TN&MT',
    kind: 'department_point',
    address: '1 Lê Lợi',
  });
  expect(p.status, p.text).toBe(201);
  placeId = p.json.id as string;
  const unit = await api.tdb.db('admin_communes').orderBy('code').first<{ code: string; province_code: string }>();
  communeCode = unit!.code;
  provinceCode = unit!.province_code;
});
afterAll(async () => {
  await api?.close();
});

describe('delegations', () => {
  it('a crowd at a visit: mass matter, the head receives it within the limit, a reception session is recorded', async () => {
    const m = await matter('Tranh chấp bồi thường dự án đường 295, xã A');
    const { sessionId, visitedAt } = await freshSession();
    const visit = await send('POST', `/v1/reception/sessions/${sessionId}/visits`, await h(['reception_officer']), {
      visitedAt: visitedAt(),
      peopleCount: 30,
      isDelegation: true,
      visitors: [{ name: 'Hộ dân thôn 5' }],
      representatives: [{ name: 'Đại diện 1' }, { name: 'Đại diện 2' }],
      contentType: 'complaint',
      summary: 'Khiếu nại về bồi thường giải phóng mặt bằng',
      outcome: 'answered',
      matterId: m,
      place: { provinceCode, communeCode },
      sector: 'land',
      securityLiaison: true,
    });
    expect(visit.status, visit.text).toBe(201);
    const mm = await send('GET', `/v1/matters/${m}`, await h(['supervisor']));
    expect(mm.json.mass).toBe(true);

    const list = await send('GET', `/v1/matters/${m}/delegations`, await h(['supervisor']));
    expect(list.status, list.text).toBe(200);
    expect(list.json.items).toHaveLength(1);
    const d = list.json.items[0];
    expect(d).toMatchObject({ sourceKind: 'visit', sourceId: visit.json.id, peopleCount: 30, securityLiaison: true });

    // The head's task in the inbox, due within 24 hours (the definition's limit).
    const task = await inboxTask(d.processCaseId, 'receive');
    expect(task.candidateRoles).toEqual(expect.arrayContaining(['agency_head', 'supervisor']));
    expect(task.targetAgencyId).toBe(HOME);
    const open = await eventually(async () => {
      const r = await send('GET', `/v1/matters/${m}/delegations`, await h(['supervisor']));
      const t = r.json.items[0].task;
      return t?.dueAt ? r.json.items[0] : undefined;
    }, 'delegation limit');
    expect(Date.parse(open.task.dueAt) - Date.parse(open.task.openedAt)).toBe(24 * 3_600_000);
    expect(open.status).toBe('open');
    // The police were told first (a recorded notification), and the visit fed the detector as a delegation.
    const police = await api.tdb.db('case_notifications').where({ case_id: d.processCaseId, kind: 'security_liaison' });
    expect(police.map((n) => n.recipients)).toEqual([['police']]);
    const items = await api.tdb.db('hotspot_items').where({ item_id: visit.json.id });
    expect(items.length).toBe(2); // (place, sector) and (place): no respondent given
    expect(new Set(items.map((i) => i.item_kind))).toEqual(new Set(['delegation']));

    // The head receives them in person: the completion records an ad-hoc reception session.
    const done = await send('POST', `/v1/tasks/${task.id}/complete`, await h(['supervisor']), {
      data: { receivedOn: today(), dialogueHeld: true, placeId, leaderPersonId: LEADER, sessionKind: 'ad_hoc' },
    });
    expect(done.status, done.text).toBe(200);
    const received = await eventually(async () => {
      const r = await send('GET', `/v1/matters/${m}/delegations`, await h(['supervisor']));
      return r.json.items[0].status === 'received' ? r.json.items[0] : undefined;
    }, 'received');
    expect(received.receptionSessionId).toMatch(/^[0-9a-f-]{36}$/);
    const s = await api.tdb.db('reception_sessions').where({ id: received.receptionSessionId }).first();
    expect(s).toMatchObject({ kind: 'ad_hoc', received_by: 'in_person', leader_person_id: LEADER, agency_id: HOME });
    const audit = await api.tdb.db('audit_log').where({ case_id: d.processCaseId }).select('action');
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['matter.delegation_opened', 'matter.delegation_received']),
    );
  });

  it('the representatives rule applies to visits as to letters: 30 people appoint at most 5', async () => {
    const { sessionId, visitedAt } = await freshSession();
    const before = await tableCounts(api.tdb.db);
    const bad = await send('POST', `/v1/reception/sessions/${sessionId}/visits`, await h(['reception_officer']), {
      visitedAt: visitedAt(),
      peopleCount: 30,
      isDelegation: true,
      visitors: [{ name: 'Hộ dân' }],
      representatives: Array.from({ length: 6 }, (_x, i) => ({ name: `Đại diện ${i}` })),
      contentType: 'petition',
      summary: 'S',
      outcome: 'answered',
    });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(['representatives']);
    expect(bad.text).toContain('Art 29');
    expect(await tableCounts(api.tdb.db)).toEqual(before);
  });
});

describe('central gatherings', () => {
  it('a gathering in Hà Nội tracked step by step until home, report filed and plan agreed', async () => {
    const m = await matter('Khiếu nại đông người về thu hồi đất khu công nghiệp');
    const body = {
      gatheredAt: new Date(Date.now() - 3_600_000).toISOString(),
      place: { kind: 'central_reception_office', name: 'Trụ sở Tiếp công dân Trung ương', city: 'hanoi' },
      peopleCount: 40,
      representatives: [{ name: 'Nguyễn Văn Đại', idNumber: '001203007777' }, { name: 'Trần Thị Biểu' }],
      reportedBy: { kind: 'central_reception_office', reference: 'CV 12/BTCDTW' },
    };
    // The representatives rule first: 40 people appoint at most 5; nothing is stored.
    const before = await tableCounts(api.tdb.db);
    const bad = await send('POST', `/v1/matters/${m}/gatherings`, await h(['officer']), {
      ...body,
      representatives: Array.from({ length: 6 }, (_x, i) => ({ name: `R${i}` })),
    });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.json.type).toMatch(/problems\/validation$/);
    expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(['representatives']);
    const city = await send('POST', `/v1/matters/${m}/gatherings`, await h(['officer']), {
      ...body,
      place: { ...body.place, city: 'danang' },
    });
    expect(city.status).toBe(400);
    expect(await tableCounts(api.tdb.db)).toEqual(before);

    const key = { ...(await h(['officer'])), 'Idempotency-Key': randomUUID() };
    const g = await send('POST', `/v1/matters/${m}/gatherings`, key, body);
    expect(g.status, g.text).toBe(201);
    const again = await send('POST', `/v1/matters/${m}/gatherings`, key, body);
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(g.json.id);
    expect(await api.tdb.db('central_gatherings').where({ matter_id: m }).count('* as n').first()).toEqual({ n: 1 });
    expect(g.json).toMatchObject({ peopleCount: 40, representativeCount: 2, status: 'open', citizensHome: false });
    expect(g.json.gatheredAt).toMatch(/\+07:00$/);
    // Representatives sealed at rest; read back (audited) by an officer.
    const sealed = await api.tdb.db('central_gathering_representatives').where({ gathering_id: g.json.id });
    expect(sealed).toHaveLength(2);
    expect(JSON.stringify(sealed)).not.toContain('Đại');
    const reps = await send('GET', `/v1/gatherings/${g.json.id}/representatives`, await h(['officer']));
    expect(reps.json.items.map((r: { name: string }) => r.name)).toEqual(['Nguyễn Văn Đại', 'Trần Thị Biểu']);
    expect(JSON.stringify(await api.tdb.db('audit_log').where({ case_id: g.json.process.caseId }))).not.toContain(
      'Đại',
    );
    expect((await send('GET', `/v1/matters/${m}`, await h(['officer']))).json.mass).toBe(true);

    const caseId = g.json.process.caseId as string;
    const forms: Array<[string, Record<string, unknown>, string]> = [
      ['dispatch', { officerPersonId: LEADER, dispatchedOn: today() }, 'open'],
      ['coordinate', { coordinatedOn: today(), contact: 'Ban Tiếp công dân TW' }, 'open'],
      ['bringHome', { homeOn: today(), homeAt: new Date().toISOString(), peopleReturned: 40 }, 'home'],
      ['report', { reportedOn: today(), reportReference: 'BC-45/UBND' }, 'reported'],
      ['plan', { planAgreedOn: today(), planDueOn: today() }, 'closed'],
    ];
    for (const [node, data, status] of forms) {
      const t = await inboxTask(caseId, node);
      const view = await send('GET', `/v1/gatherings/${g.json.id}`, await h(['supervisor']));
      const step = view.json.steps.find((s: { step: string }) => s.step === node);
      expect(step).toMatchObject({ status: 'open', escalated: false, taskId: t.id });
      expect(step.dueAt).toMatch(/\+07:00$/);
      const done = await send('POST', `/v1/tasks/${t.id}/complete`, await h(['supervisor']), { data });
      expect(done.status, done.text).toBe(200);
      await eventually(async () => {
        const v = await send('GET', `/v1/gatherings/${g.json.id}`, await h(['supervisor']));
        const st = v.json.steps.find((s: { step: string }) => s.step === node);
        return st.status === 'completed' && v.json.status === status ? v : undefined;
      }, `${node} completed`);
    }
    const end = await send('GET', `/v1/gatherings/${g.json.id}`, await h(['supervisor'], 'tinh-demo'));
    expect(end.json).toMatchObject({
      status: 'closed',
      citizensHome: true,
      homeOn: today(),
      reportFiled: true,
      reportReference: 'BC-45/UBND',
    });
    expect(end.json.process.definition).toMatch(/^central-gathering@1\+sha256:/);
    // The process's stage with its Vietnamese name beside it (processes/builtin/labels-vi.ts).
    expect(end.json.process).toMatchObject({ stage: 'completed:resolved', stageLabel: 'Đã kết thúc: đã giải quyết' });
    // Lists: per matter, and the supervisor's subtree; another agency sees nothing.
    const perMatter = await send('GET', `/v1/matters/${m}/gatherings`, await h(['supervisor']));
    expect(perMatter.json.items.map((x: { id: string }) => x.id)).toEqual([g.json.id]);
    const subtree = await send('GET', '/v1/gatherings', await h(['supervisor'], 'tinh-demo'));
    expect(subtree.json.items.map((x: { id: string }) => x.id)).toContain(g.json.id);
    const other = await send('GET', '/v1/gatherings', await h(['supervisor'], OTHER));
    expect(other.json.items.map((x: { id: string }) => x.id)).not.toContain(g.json.id);
    expect((await send('GET', `/v1/gatherings/${g.json.id}`, await h(['supervisor'], OTHER))).status).toBe(404);
  });

  it('a gathering on a matter with a place feeds the detector as a central gathering', async () => {
    const m = await matter('Tranh chấp đất đai thôn 7');
    await api.tdb
      .db('matters')
      .where({ id: m })
      .update({ place_province: provinceCode, place_commune: communeCode, sector: 'land' });
    const g = await send('POST', `/v1/matters/${m}/gatherings`, await h(['officer']), {
      gatheredAt: new Date(Date.now() - 3_600_000).toISOString(),
      place: { kind: 'central_agency', name: 'Bộ Nông nghiệp và Môi trường', city: 'hcmc' },
      peopleCount: 12,
      representatives: [{ name: 'A' }],
      reportedBy: { kind: 'police' },
    });
    expect(g.status, g.text).toBe(201);
    const items = await api.tdb.db('hotspot_items').where({ item_id: g.json.id });
    expect(items.map((i) => i.item_kind)).toEqual(['central_gathering', 'central_gathering']);
    const hs = await send('GET', '/v1/hotspots', await h(['supervisor'], 'tinh-demo'));
    expect(hs.status, hs.text).toBe(200);
  });
});

describe("a matter's place, sector and respondent (ADR 0034)", () => {
  it('set at creation and by PATCH, checked against the reference data, audited, filtered, read back', async () => {
    const other = await api.tdb
      .db('admin_communes')
      .whereNot('province_code', provinceCode)
      .first<{ code: string; province_code: string }>();
    // What a refused request could have written (the earlier tests' processes still run in the background).
    const written = async () => {
      const c = await tableCounts(api.tdb.db);
      const audited = await api.tdb.db('audit_log').where('action', 'like', 'matter.%').count('* as n').first();
      return [c.matters, Number(audited!.n), c.matter_links, c.hotspot_items];
    };
    const before = await written();
    for (const [body, path] of [
      [{ place: { provinceCode, communeCode: other!.code } }, 'place.communeCode'],
      [{ place: { provinceCode: '99' } }, 'place.provinceCode'],
      [{ sector: 'astrology' }, 'sector'],
      [{ respondentAgencyId: 'no-such-agency' }, 'respondentAgencyId'],
    ] as const) {
      const bad = await send('POST', '/v1/matters', await h(['reception_officer']), {
        agencyId: HOME,
        title: 'Sai địa bàn',
        ...body,
      });
      expect(bad.status, bad.text).toBe(422);
      expect(bad.json.type).toMatch(/unknown-reference$/);
      expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    }
    const malformed = await send('POST', '/v1/matters', await h(['reception_officer']), {
      agencyId: HOME,
      title: 'Sai mã',
      place: { provinceCode: 'x1' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('provinceCode');
    expect(await written()).toEqual(before);

    const made = await send('POST', '/v1/matters', await h(['reception_officer']), {
      agencyId: HOME,
      title: 'Tranh chấp đất đai cụm dân cư số 3',
      place: { provinceCode, communeCode },
      sector: 'land',
      respondentAgencyId: OTHER,
    });
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({
      place: { provinceCode, communeCode },
      sector: 'land',
      respondentKey: `agency:${OTHER}`,
      respondentAgencyId: OTHER,
    });
    const id = made.json.id as string;
    const created = await api.tdb.db('audit_log').where({ action: 'matter.created' }).orderBy('seq', 'desc').first();
    expect(created.after).toMatchObject({ matterId: id, place: { provinceCode, communeCode }, sector: 'land' });

    // Filters: place, sector, respondent agency.
    const q = `provinceCode=${provinceCode}&communeCode=${communeCode}&sector=land&respondentAgencyId=${OTHER}`;
    const found = await send('GET', `/v1/matters?${q}`, await h(['supervisor']));
    expect(found.status, found.text).toBe(200);
    expect(found.json.items.map((x: { id: string }) => x.id)).toContain(id);
    const none = await send(
      'GET',
      `/v1/matters?sector=environment&provinceCode=${provinceCode}`,
      await h(['supervisor']),
    );
    expect(none.json.items.map((x: { id: string }) => x.id)).not.toContain(id);
    expect((await send('GET', '/v1/matters?communeCode=123', await h(['supervisor']))).status).toBe(400);

    // PATCH: a respondent text replaces the agency (keyed as the detector keys it); null clears the sector.
    const badPatch = await send('PATCH', `/v1/matters/${id}`, await h(['officer']), { sector: 'astrology' });
    expect(badPatch.status).toBe(422);
    const patched = await send('PATCH', `/v1/matters/${id}`, await h(['officer']), {
      respondent: 'Ông Lê Văn Tám (cán bộ địa chính)',
      sector: null,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({
      place: { provinceCode, communeCode },
      sector: null,
      respondentKey: 'name:le van tam',
      respondentAgencyId: null,
    });
    const upd = await api.tdb.db('audit_log').where({ action: 'matter.updated' }).orderBy('seq', 'desc').first();
    expect(upd.before).toMatchObject({ matterId: id, sector: 'land', respondentKey: `agency:${OTHER}` });
    expect(upd.after).toMatchObject({ matterId: id, sector: null, respondentKey: 'name:le van tam' });
    const read = await send('GET', `/v1/matters/${id}`, await h(['auditor']));
    expect(read.json).toMatchObject({ sector: null, respondentKey: 'name:le van tam' });
  });

  it('a gathering recorded before the matter had a place feeds the detector when the place is set, once', async () => {
    const m = await matter('Tập trung đông người về giá bồi thường');
    const g = await send('POST', `/v1/matters/${m}/gatherings`, await h(['officer']), {
      gatheredAt: new Date(Date.now() - 7_200_000).toISOString(),
      place: { kind: 'central_reception_office', name: 'Trụ sở Tiếp công dân Trung ương', city: 'hcmc' },
      peopleCount: 8,
      representatives: [{ name: 'B' }],
      reportedBy: { kind: 'officer' },
    });
    expect(g.status, g.text).toBe(201);
    expect(await api.tdb.db('hotspot_items').where({ item_id: g.json.id })).toHaveLength(0);
    for (let i = 0; i < 2; i++) {
      const p = await send('PATCH', `/v1/matters/${m}`, await h(['officer']), {
        place: { provinceCode, communeCode },
        sector: 'compensation_site_clearance',
      });
      expect(p.status, p.text).toBe(200);
    }
    const items = await api.tdb.db('hotspot_items').where({ item_id: g.json.id });
    expect(items.map((i) => i.item_kind)).toEqual(['central_gathering', 'central_gathering']);
    expect(items.map((i) => i.cluster_key).join()).toContain('compensation_site_clearance');
    const row = await api.tdb.db('central_gatherings').where({ id: g.json.id }).first();
    expect(row.hotspot_fed_at).toBeInstanceOf(Date);
  });

  it('visits into a matter while its place changes: one lock order, no deadlock, every request answered', async () => {
    const m = await matter('Khiếu nại đông người về thu hồi đất, nhiều lần');
    const authFor = { receptionist: await h(['reception_officer']), officer: await h(['officer']) };
    const { sessionId, visitedAt } = await freshSession();
    const visit = (i: number) =>
      send('POST', `/v1/reception/sessions/${sessionId}/visits`, authFor.receptionist, {
        visitedAt: visitedAt(i),
        peopleCount: 2,
        visitors: [{ name: `Công dân ${i}` }],
        contentType: 'complaint',
        summary: 'Khiếu nại về thu hồi đất',
        outcome: 'answered',
        matterId: m,
        place: { provinceCode, communeCode },
        sector: 'land',
      });
    const patch = (i: number) =>
      send('PATCH', `/v1/matters/${m}`, authFor.officer, {
        place: { provinceCode, communeCode },
        sector: i % 2 === 0 ? 'land' : 'compensation_site_clearance',
      });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => [visit(i), patch(i)]).flat());
    for (const a of answers) expect(a.status, a.text).toBeLessThan(300);
    const links = await api.tdb.db('matter_links').where({ matter_id: m, kind: 'visit', decision: 'confirmed' });
    expect(links).toHaveLength(8);
  });
});

describe("a crowd visit without a place takes its matter's place for the detector (ADR 0036 amended)", () => {
  it("the matter's place, and its sector and respondent where the visit gives none; a lone visitor is not", async () => {
    const m = await matter('Tranh chấp đất đai dự án đường ven sông');
    await api.tdb
      .db('matters')
      .where({ id: m })
      .update({
        place_province: provinceCode,
        place_commune: communeCode,
        sector: 'land',
        respondent_key: `agency:${HOME}`,
      });
    const { sessionId, visitedAt } = await freshSession();
    let visits = 0;
    const visit = async (over: Record<string, unknown>) => {
      const r = await send('POST', `/v1/reception/sessions/${sessionId}/visits`, await h(['reception_officer']), {
        visitedAt: visitedAt(visits++),
        peopleCount: 12,
        isDelegation: true,
        visitors: [{ name: 'Hộ dân ven sông' }],
        representatives: [{ name: 'Đại diện X' }],
        contentType: 'complaint',
        summary: 'Khiếu nại về thu hồi đất',
        outcome: 'answered',
        matterId: m,
        ...over,
      });
      expect(r.status, r.text).toBe(201);
      const row = await api.tdb.db('reception_visits').where({ id: r.json.id }).first();
      const items = await api.tdb.db('hotspot_items').where({ item_id: r.json.id }).orderBy('cluster_key');
      return { row, items };
    };
    const plain = await visit({});
    expect(plain.row).toMatchObject({
      place_province: provinceCode,
      place_commune: communeCode,
      sector: 'land',
      respondent_key: `agency:${HOME}`,
    });
    expect(plain.items).toHaveLength(3); // (place, sector, respondent), (place, sector), (place)
    expect(new Set(plain.items.map((i) => i.item_kind))).toEqual(new Set(['delegation']));
    for (const i of plain.items) expect(i.cluster_key).toContain(communeCode);
    // The cluster counters hold it (the detector's own tables, not only the item rows).
    const day = await api.tdb
      .db('hotspot_cluster_days')
      .whereIn(
        'cluster_key',
        plain.items.map((i) => i.cluster_key),
      )
      .countDistinct('cluster_key as n')
      .first();
    expect(Number(day!.n)).toBe(3);
    // The visit's own sector and respondent win; the place is still the matter's.
    const own = await visit({ sector: 'environment', respondent: 'Công ty Sông Xanh' });
    expect(own.row).toMatchObject({
      place_commune: communeCode,
      sector: 'environment',
      respondent_key: 'name:cong ty song xanh',
    });
    // One visitor is not a crowd: the matter's place is not taken (its visits are not the matter's items).
    const lone = await visit({ peopleCount: 1, isDelegation: false, representatives: [] });
    expect(lone.row.place_province).toBeNull();
    expect(lone.items).toHaveLength(0);

    // Linked later (POST /v1/matters/{id}/links), or at a matter's creation: the same, in the link's transaction.
    const unlinked = await visit({ matterId: undefined });
    expect(unlinked.items).toHaveLength(0);
    const link = await send('POST', `/v1/matters/${m}/links`, await h(['officer']), {
      kind: 'visit',
      refId: unlinked.row.id,
      decision: 'confirmed',
    });
    expect(link.status, link.text).toBe(200);
    const linked = await api.tdb.db('hotspot_items').where({ item_id: unlinked.row.id });
    expect(linked).toHaveLength(3);
    expect(await api.tdb.db('reception_visits').where({ id: unlinked.row.id }).first()).toMatchObject({
      place_commune: communeCode,
      sector: 'land',
      respondent_key: `agency:${HOME}`,
    });
    const first = await visit({ matterId: undefined });
    const opened = await send('POST', '/v1/matters', await h(['officer']), {
      agencyId: HOME,
      title: 'Tranh chấp đất đai bờ kè',
      place: { provinceCode, communeCode },
      sector: 'land',
      link: { kind: 'visit', refId: first.row.id },
    });
    expect(opened.status, opened.text).toBe(201);
    const atCreation = await api.tdb.db('hotspot_items').where({ item_id: first.row.id });
    expect(atCreation.map((i) => i.item_kind)).toEqual(['delegation', 'delegation']); // (place, sector), (place)
  });
});

describe("a task force assigned a matter works the matter's own processes (ADR 0037 amended)", () => {
  const MEMBER = `tf-head-${randomUUID().slice(0, 8)}`;
  /** A head of another agency (OTHER): the processes' tasks are the head's (`agency_head` → supervisor). */
  const member = () => authHeader({ roles: ['supervisor'], agency: OTHER, sub: MEMBER });
  const gather = async (m: string, people: number) => {
    const g = await send('POST', `/v1/matters/${m}/gatherings`, await h(['officer']), {
      gatheredAt: new Date(Date.now() - 3_600_000).toISOString(),
      place: { kind: 'central_reception_office', name: 'Trụ sở Tiếp công dân Trung ương', city: 'hcmc' },
      peopleCount: people,
      representatives: [{ name: 'Đại diện' }],
      reportedBy: { kind: 'police' },
    });
    expect(g.status, g.text).toBe(201);
    return g.json.process.caseId as string;
  };
  const memberInbox = async () => {
    const r = await send('GET', '/v1/tasks', await member());
    expect(r.status, r.text).toBe(200);
    return r.json.items as Array<Record<string, any>>;
  };

  it('routes the delegation and gathering tasks to its members, started before and after the assignment', async () => {
    await api.tdb.db('people').insert({ id: MEMBER, display_name: 'Chủ tịch xã B' });
    await api.tdb
      .db('agency_staff')
      .insert({ person_id: MEMBER, agency_id: OTHER, roles: ['supervisor'], position: 'member' });
    const m = await matter('Khiếu nại đông người kéo dài về dự án khu đô thị');
    // Before the assignment: a delegation at a visit and a gathering, each a process of the matter.
    const { sessionId, visitedAt } = await freshSession();
    const visit = await send('POST', `/v1/reception/sessions/${sessionId}/visits`, await h(['reception_officer']), {
      visitedAt: visitedAt(),
      peopleCount: 8,
      isDelegation: true,
      visitors: [{ name: 'Hộ dân khu đô thị' }],
      representatives: [{ name: 'Đại diện A' }],
      contentType: 'complaint',
      summary: 'Khiếu nại về giá bồi thường',
      outcome: 'answered',
      matterId: m,
    });
    expect(visit.status, visit.text).toBe(201);
    const delegations = await send('GET', `/v1/matters/${m}/delegations`, await h(['supervisor']));
    const delegationCase = delegations.json.items[0].processCaseId as string;
    const gatheringCase = await gather(m, 9);
    const receive = await inboxTask(delegationCase, 'receive');
    const dispatch = await inboxTask(gatheringCase, 'dispatch');
    // Not the member's yet: neither listed nor claimable.
    expect((await memberInbox()).map((t) => t.id)).not.toContain(dispatch.id);
    expect((await send('POST', `/v1/tasks/${dispatch.id}/claim`, await member())).status).toBe(404);

    const sup = await authHeader({ roles: ['supervisor'], agency: 'tinh-demo', sub: 'sup-tinh' });
    const tf = await send('POST', '/v1/task-forces', sup, {
      name: 'Tổ công tác dự án khu đô thị',
      mandate: 'Đối thoại và đưa công dân về địa phương',
      governingAgencyId: 'tinh-demo',
      leadPersonId: 'head-so-tnmt',
      members: [{ personId: 'head-so-tnmt' }, { personId: MEMBER, agencyId: OTHER }],
      endsOn: '2099-12-31',
      matterIds: [m],
    });
    expect(tf.status, tf.text).toBe(201);
    const taskForceId = tf.json.id as string;

    // Listed (the listing audited), claimed and completed by the member of another agency.
    const listed = (await memberInbox()).map((t) => t.id);
    expect(listed).toEqual(expect.arrayContaining([receive.id, dispatch.id]));
    const seen = await api.tdb.db('audit_log').where({ action: 'task_force.access' }).whereNull('case_id');
    expect(seen.flatMap((e) => (e.after as { caseIds: string[] }).caseIds)).toEqual(
      expect.arrayContaining([delegationCase, gatheringCase]),
    );
    const claim = await send('POST', `/v1/tasks/${dispatch.id}/claim`, await member());
    expect(claim.status, claim.text).toBe(200);
    const done = await send('POST', `/v1/tasks/${dispatch.id}/complete`, await member(), {
      data: { officerPersonId: LEADER, dispatchedOn: today() },
    });
    expect(done.status, done.text).toBe(200);
    const received = await send('POST', `/v1/tasks/${receive.id}/complete`, await member(), {
      data: { receivedOn: today(), dialogueHeld: true, placeId, leaderPersonId: LEADER },
    });
    expect(received.status, received.text).toBe(200);
    for (const caseId of [gatheringCase, delegationCase]) {
      const completed = await api.tdb.db('audit_log').where({ action: 'task.completed', case_id: caseId });
      expect(completed.map((e) => (e.actor as { id: string }).id)).toContain(MEMBER);
      const access = await api.tdb.db('audit_log').where({ action: 'task_force.access', case_id: caseId });
      expect(access.length).toBeGreaterThanOrEqual(1);
      expect(access.map((e) => e.after.taskForceId)).toEqual(access.map(() => taskForceId));
    }
    const coordinate = await inboxTask(gatheringCase, 'coordinate');
    expect((await memberInbox()).map((t) => t.id)).toContain(coordinate.id);

    // After the assignment: a new gathering's process is the task force's from its first task.
    const later = await gather(m, 7);
    const laterTask = await inboxTask(later, 'dispatch');
    expect((await memberInbox()).map((t) => t.id)).toContain(laterTask.id);

    // Removal of the member, then the end date: the processes' tasks leave them at once.
    const rm = await send('DELETE', `/v1/task-forces/${taskForceId}/members/${MEMBER}`, sup);
    expect(rm.status, rm.text).toBe(200);
    expect((await memberInbox()).map((t) => t.id)).not.toContain(laterTask.id);
    expect((await send('POST', `/v1/tasks/${laterTask.id}/claim`, await member())).status).toBe(404);
    const back = await send('POST', `/v1/task-forces/${taskForceId}/members`, sup, {
      personId: MEMBER,
      agencyId: OTHER,
    });
    expect(back.status, back.text).toBe(200);
    expect((await memberInbox()).map((t) => t.id)).toContain(laterTask.id);
    const yesterday = vnDate(Date.now() - 86_400_000);
    await api.tdb.db('task_forces').where({ id: taskForceId }).update({ ends_on: yesterday });
    expect((await memberInbox()).map((t) => t.id)).not.toContain(laterTask.id);
    expect((await send('POST', `/v1/tasks/${laterTask.id}/claim`, await member())).status).toBe(404);
    expect((await send('GET', `/v1/cases/${later}`, await member())).status).toBe(404);
    // The agency's own head still works them.
    const own = await send('POST', `/v1/tasks/${laterTask.id}/claim`, await h(['supervisor']));
    expect(own.status, own.text).toBe(200);
  });
});

describe('a process start lost between the commit and the workflow start', () => {
  it('is started by the reconciler the worker runs on a schedule, exactly once', async () => {
    // The same database and keys, but a Temporal client whose every start fails: the crash after the commit.
    const crashed = createServices({
      ...api.deps,
      temporal: new Client({ connection: api.dev.connection, namespace: 'kntc-no-such-namespace' }),
    });
    const m = await matter('Đoàn đông người lên Trung ương');
    const principal = {
      type: 'user' as const,
      id: 'officer-1',
      agencyId: HOME,
      roles: ['officer' as const],
      permissions: [],
    };
    const { gathering } = await crashed.massMatters.recordGathering({
      id: randomUUID(),
      matter: (await crashed.matters.get(m))!,
      input: {
        gatheredAt: new Date(Date.now() - 3_600_000).toISOString(),
        place: { kind: 'central_agency', name: 'Thanh tra Chính phủ', city: 'hanoi' },
        peopleCount: 6,
        representatives: [{ name: 'C' }],
        reportedBy: { kind: 'central_agency', reference: null },
      },
      principal,
      requestId: 'test-crash',
    });
    const caseId = gathering.processCaseId;
    const temporal = api.dev.client;
    const running = () =>
      temporal.workflow
        .getHandle(caseWorkflowId(caseId))
        .describe()
        .then(
          (d) => d.runId,
          () => undefined,
        );
    expect(await running()).toBeUndefined();
    expect(await api.tdb.db('case_states').where({ case_id: caseId }).first()).toBeUndefined();

    // Two passes at once (a schedule's run and a manual one): one start between them.
    const pass = (n: number) =>
      temporal.workflow.execute('massProcessReconcileWorkflow', {
        taskQueue: api.deps.taskQueue,
        workflowId: `reconcile-test-${n}-${randomUUID()}`,
        args: [{ olderThanSeconds: 0 }],
      }) as Promise<MassProcessReconcileResult>;
    const [a, b] = await Promise.all([pass(1), pass(2)]);
    const starts = [...a.started, ...b.started].filter((x) => x === caseId);
    expect(starts).toEqual([caseId]);
    const runId = await running();
    expect(runId).toBeDefined();
    await eventually(
      async () => (await api.tdb.db('case_states').where({ case_id: caseId }).first()) ?? undefined,
      'the process projected',
    );

    // The schedule the worker runs (registered as npm start does, on this test's queue): nothing left to start.
    const scheduleId = `mass-process-reconcile-${randomUUID()}`;
    expect(await ensureMassProcessReconcileSchedule(temporal, api.deps.taskQueue, { scheduleId })).toBe(true);
    expect(await ensureMassProcessReconcileSchedule(temporal, api.deps.taskQueue, { scheduleId })).toBe(false);
    const handle = temporal.schedule.getHandle(scheduleId);
    try {
      await handle.trigger();
      const result = await eventually(async () => {
        const d = await handle.describe();
        const last = d.info.recentActions.at(-1);
        if (!last) return undefined;
        const wf = temporal.workflow.getHandle(
          last.action.workflow.workflowId,
          last.action.workflow.firstExecutionRunId,
        );
        return (await wf.result()) as MassProcessReconcileResult;
      }, 'the scheduled pass');
      expect(result.started).not.toContain(caseId);
    } finally {
      await handle.delete();
    }
    expect(await running()).toBe(runId);
    const audits = await api.tdb.db('audit_log').where({ case_id: caseId, action: 'matter.process_start_recovered' });
    expect(audits).toHaveLength(1);
    // The gathering's steps now run: the first task is in the inbox.
    await inboxTask(caseId, 'dispatch');
  });
});

describe("the reconciler's audit entry and the start it records (ADR 0036 amended)", () => {
  it('a start of its own whose entry did not commit is audited by the next pass, once; a foreign start never', async () => {
    const crashed = createServices({
      ...api.deps,
      temporal: new Client({ connection: api.dev.connection, namespace: 'kntc-no-such-namespace' }),
    });
    const principal = {
      type: 'user' as const,
      id: 'officer-1',
      agencyId: HOME,
      roles: ['officer' as const],
      permissions: [],
    };
    const lost = async (title: string) => {
      const { gathering } = await crashed.massMatters.recordGathering({
        id: randomUUID(),
        matter: (await crashed.matters.get(await matter(title)))!,
        input: {
          gatheredAt: new Date(Date.now() - 3_600_000).toISOString(),
          place: { kind: 'central_agency', name: 'Thanh tra Chính phủ', city: 'hanoi' },
          peopleCount: 6,
          representatives: [{ name: 'D' }],
          reportedBy: { kind: 'central_agency', reference: null },
        },
        principal,
        requestId: 'test-crash',
      });
      return gathering.processCaseId;
    };
    const ours = await lost('Đoàn đông người lần hai');
    const foreign = await lost('Đoàn đông người lần ba');
    // Both runs start on a queue no worker polls (they stay unprojected, as right after a start): one as the
    // reconciler starts (its memo) whose entry then failed to commit, one as the API or a read starts it.
    const temporal = api.dev.client;
    const defs = createDefinitionStore(api.tdb.db);
    const idle = `idle-${randomUUID()}`;
    for (const [caseId, memo] of [
      [ours, RECONCILER_MEMO],
      [foreign, undefined],
    ] as const) {
      const p = (await storedProcessInput(api.tdb.db, caseId, defs.getCached))!;
      expect(await startProcessOnce(temporal, idle, p, memo)).toBe(true);
    }
    try {
      const pass = () =>
        temporal.workflow.execute('massProcessReconcileWorkflow', {
          taskQueue: api.deps.taskQueue,
          workflowId: `reconcile-audit-${randomUUID()}`,
          args: [{ olderThanSeconds: 0 }],
        }) as Promise<MassProcessReconcileResult>;
      const first = await pass();
      expect(first.started).toContain(ours);
      expect(first.started).not.toContain(foreign);
      expect(first.existing).toContain(foreign);
      const second = await pass();
      expect(second.started).not.toContain(ours);
      const entries = (c: string) =>
        api.tdb.db('audit_log').where({ case_id: c, action: 'matter.process_start_recovered' }).select('after');
      expect(await entries(ours)).toHaveLength(1);
      expect(await entries(foreign)).toHaveLength(0);
    } finally {
      for (const c of [ours, foreign]) await temporal.workflow.getHandle(caseWorkflowId(c)).terminate('test done');
    }
  });
});

describe('a crowd letter at a commune whose own version limits the head to seconds (issue 15 item 1)', () => {
  it("flags the matter mass, opens the head's task at the agency's limit and escalates it to the level above", async () => {
    const COMMUNE = 'ubnd-xa-b';
    // The hours are the definition's: the commune registers its own delegation process (a higher version of the
    // case type, governing its subtree) whose head must receive a crowd within 3 seconds.
    const own = JSON.parse(JSON.stringify(delegationDefinition()).replaceAll('"PT24H"', '"PT3S"')) as Record<
      string,
      unknown
    >;
    const reg = await send('POST', '/v1/definitions', await h(['admin'], COMMUNE), {
      ...own,
      key: 'xa-b-delegation',
      version: 2,
      effectiveFrom: '2026-01-01',
    });
    expect(reg.status, reg.text).toBe(201);

    // A letter signed by 12 people naming 2 representatives (Art 29), received by the commune.
    const letter = await send(
      'POST',
      '/v1/cases',
      { ...(await h(['intake'], COMMUNE)), 'Idempotency-Key': randomUUID() },
      {
        type: 'petition',
        channel: 'post',
        receivedAt: new Date(Date.now() - 60_000).toISOString(),
        agencyId: COMMUNE,
        subject: 'Kiến nghị tập thể về ô nhiễm bãi rác',
        signersCount: 12,
        parties: [
          { role: 'complainant', name: 'Đại diện 1', isRepresentative: true },
          { role: 'complainant', name: 'Đại diện 2', isRepresentative: true },
        ],
      },
    );
    expect(letter.status, letter.text).toBe(201);
    const opened = await send('POST', '/v1/matters', await h(['officer'], COMMUNE), {
      agencyId: COMMUNE,
      title: 'Ô nhiễm bãi rác thôn 2',
      link: { kind: 'case', refId: letter.json.id },
    });
    expect(opened.status, opened.text).toBe(201);
    expect(opened.json.mass).toBe(true);
    const flagged = await api.tdb.db('audit_log').where({ action: 'matter.flagged' }).orderBy('seq', 'desc').first();
    expect(flagged.after).toMatchObject({ matterId: opened.json.id, by: { kind: 'case', people: 12 } });

    const escalated = await eventually(
      async () => {
        const r = await send('GET', `/v1/matters/${opened.json.id}/delegations`, await h(['supervisor'], COMMUNE));
        const d = r.json.items?.[0];
        return d?.status === 'escalated' ? d : undefined;
      },
      'the escalation',
      90_000,
    );
    expect(escalated).toMatchObject({ sourceKind: 'case', sourceId: letter.json.id, peopleCount: 12 });
    expect(escalated.task).toMatchObject({ nodeId: 'receive.above', agencyScope: 'parent', status: 'open' });
    const process = await api.tdb.db('cases').where({ id: escalated.processCaseId }).first();
    expect([process.definition_key, process.definition_version]).toEqual(['xa-b-delegation', 2]);
    // The head above is told (a recorded notification) and has the task in the province's inbox.
    const told = await api.tdb
      .db('case_notifications')
      .where({ case_id: escalated.processCaseId, kind: 'mass_step_escalated' });
    expect(told.map((n) => n.recipients)).toEqual([['higher_agency_head']]);
    const above = await send(
      'GET',
      `/v1/tasks?caseId=${escalated.processCaseId}`,
      await h(['supervisor'], 'tinh-demo'),
    );
    expect(above.json.items.map((t: { nodeId: string }) => t.nodeId)).toContain('receive.above');
    const own2 = await send('GET', `/v1/tasks?caseId=${escalated.processCaseId}`, await h(['supervisor'], 'ubnd-xa-a'));
    expect(own2.json.items ?? []).toHaveLength(0);
  });
});
