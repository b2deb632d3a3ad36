/**
 * ADR 0039 on the real stack (HTTP + PostgreSQL + Temporal dev server): GET /v1/tasks lists, next to the case
 * tasks, the reception compliance shortfalls (for the supervising agency), the special-period tasks and the
 * backlog reviews — each to the roles of the route that works it, within the subtree of the agency it is routed
 * to; an item leaves the open inbox once its own route has recorded the outcome; the cursor pages the merged list
 * without duplicates or gaps (ties on the due date across kinds included); the filters apply to every kind.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth/principal.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, seedCase, startTestApi, type Json, type TestApi } from '../support/api.js';

let api: TestApi;
const call = apiCaller(() => api.url);
const vnToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
const shift = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const as = (roles: Role[], agency: string, sub?: string) => authHeader({ roles, agency, ...(sub ? { sub } : {}) });

interface Item {
  id: string;
  kind: string;
  name: string;
  nameLabel: string;
  status: string;
  dueAt: string | null;
  agencyId: string;
  targetAgencyId: string;
  candidateRoles: string[];
  links: Json;
  assignee: string | null;
}
/** Every page of GET /v1/tasks?<query>, following `next`. */
async function allPages(query: string, headers: Record<string, string>): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let next: string | null = `/v1/tasks?${query}`;
  let pages = 0;
  while (next) {
    const r = await call('GET', next, headers);
    expect(r.status, r.text).toBe(200);
    items.push(...(r.json.items as Item[]));
    next = r.json.next as string | null;
    pages++;
    if (pages > 100) throw new Error('no end');
  }
  return { items, pages };
}
const ids = async (query: string, headers: Record<string, string>) =>
  (await allPages(query, headers)).items.map((x) => x.id);

// One due date shared by every kind (ties across kinds), and a few around it.
const DUE = '2026-12-20T03:00:00.000Z';
const dueAt = (i: number) =>
  i % 3 === 0 ? DUE : new Date(Date.parse(DUE) + (i % 5) * 3_600_000 - 7_200_000).toISOString();

/** The day of the daily report (Vietnam), taken once when the suite starts. */
let today: string;
let periodId: string;
let dailyReport: string;
let rosterGap: string;
let review: string;
let complianceXa: string;
let complianceSo: string;
const caseIds: string[] = [];

async function seedCaseTask(agencyId: string, i: number): Promise<void> {
  const id = randomUUID();
  caseIds.push(id);
  await seedCase(api.tdb.db, { id, agencyId, caseType: 'petition' });
  await api.tdb.db('case_states').insert({
    case_id: id,
    case_type: 'petition',
    agency_id: agencyId,
    pin: 'x',
    stage: 'received',
    status: 'running',
    state: '{}',
    seq: 1,
  });
  await api.tdb.db('case_tasks').insert({
    case_id: id,
    task_id: `work-${i}`,
    node_id: 'work',
    name: `Work ${i}`,
    candidate_roles: ['resolver', 'officer', 'supervisor'],
    agency_scope: 'resolving',
    status: 'open',
    opened_at: '2026-12-01T00:00:00Z',
    due_at: i === 4 ? null : dueAt(i),
    form: '{}',
    target_agency_id: agencyId,
  });
}

beforeAll(async () => {
  api = await startTestApi();
  const db = api.tdb.db;
  today = vnToday();
  // Case tasks of ubnd-xa-a.
  for (let i = 0; i < 7; i++) await seedCaseTask('ubnd-xa-a', i);
  // Compliance: ubnd-xa-a and so-tnmt fell short; their supervising agency is the province.
  const compliance = (agencyId: string) => ({
    id: `rct_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
    agency_id: agencyId,
    supervising_agency_id: 'tinh-demo',
    rule_id: 'commune-chair-2026',
    citation: 'Luật Tiếp công dân 2013 Art 15(3)',
    period_first: '2026-11-01',
    period_last: '2026-11-30',
    required_days: 2,
    held_days: 0,
    delegated_days: 1,
  });
  const [c1, c2] = [compliance('ubnd-xa-a'), compliance('so-tnmt')];
  complianceXa = c1.id;
  complianceSo = c2.id;
  await db('reception_compliance_tasks').insert([c1, c2]);
  // A special period concerning ubnd-xa-a, governed by the province: a daily report due today and a roster gap.
  periodId = `rpd_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await db('reception_periods').insert({
    id: periodId,
    name: 'Đại hội',
    starts_on: shift(today, -30),
    ends_on: shift(today, 60),
    governing_agency_id: 'tinh-demo',
    designated_agency_id: 'tinh-demo',
    flagged_target_days: 5,
    report_due_time: '23:59',
    created_by: '{}',
  });
  await db('reception_period_agencies').insert({ period_id: periodId, agency_id: 'ubnd-xa-a' });
  const periodTask = (kind: string, date: string, due: string | null) => ({
    id: `rpt_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
    period_id: periodId,
    kind,
    agency_id: 'ubnd-xa-a',
    subject_agency_id: 'ubnd-xa-a',
    task_date: date,
    due_at: due,
  });
  const p1 = periodTask('daily_report', today, DUE);
  const p2 = periodTask('duty_roster_gap', shift(today, 1), dueAt(1));
  dailyReport = p1.id;
  rosterGap = p2.id;
  await db('reception_period_tasks').insert([p1, p2]);
  // More period tasks (other days) for the pagination.
  for (let i = 0; i < 4; i++)
    await db('reception_period_tasks').insert(periodTask('daily_report', shift(today, -(i + 1)), dueAt(i + 2)));
  // A review campaign of the province: open reviews of matters of ubnd-xa-a, and a pending one (not a task yet).
  const campaign = `rc-${randomUUID()}`;
  await db('review_campaigns').insert({
    id: campaign,
    name: 'Rà soát',
    agency_id: 'tinh-demo',
    criteria: JSON.stringify({ flags: ['prolonged'], openLongerThanMonths: 0, agencyIds: ['ubnd-xa-a'] }),
    due_at: DUE,
    workflow_id: `review-campaign-${campaign}`,
    created_by: '{}',
  });
  for (let i = 0; i < 6; i++) {
    const matter = randomUUID();
    await db('matters').insert({
      id: matter,
      agency_id: 'ubnd-xa-a',
      title: `Matter ${i}`,
      subject_norm: `matter ${i}`,
      first_received_at: '2026-07-01T01:00:00Z',
      last_received_at: '2026-07-01T01:00:00Z',
      created_by: 'test',
    });
    const id = `rv-${randomUUID()}`;
    if (i === 0) review = id;
    await db('review_items').insert({
      id,
      campaign_id: campaign,
      matter_id: matter,
      agency_id: 'ubnd-xa-a',
      due_at: i === 5 ? DUE : dueAt(i),
      status: i === 5 ? 'pending' : 'open',
      ...(i === 5 ? {} : { opened_at: db.fn.now() }),
    });
  }
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('GET /v1/tasks lists the other kinds of task (ADR 0039)', () => {
  it('each kind reaches the roles of the route that works it, in the subtree it is routed to', async () => {
    const kindsOf = async (roles: Role[], agency: string) => {
      const { items } = await allPages('limit=200', await as(roles, agency));
      return new Set(items.map((x) => (x.kind === 'period' ? `period:${x.id}` : x.kind)));
    };
    const pd = `period:period:${dailyReport}`;
    const pg = `period:period:${rosterGap}`;
    // The commune's officer: its case tasks, the daily report, the reviews; no roster gap, no compliance.
    const officerXa = await kindsOf(['officer'], 'ubnd-xa-a');
    expect(officerXa.has('case') && officerXa.has('review') && officerXa.has(pd)).toBe(true);
    expect(officerXa.has(pg) || officerXa.has('compliance')).toBe(false);
    // Its reception officer: only the period tasks (reports and roster gaps); no case task, no review.
    const receptionXa = [...(await kindsOf(['reception_officer'], 'ubnd-xa-a'))];
    expect(receptionXa).toHaveLength(6);
    expect(receptionXa.every((k) => k.startsWith('period:'))).toBe(true);
    expect(receptionXa).toEqual(expect.arrayContaining([pd, pg]));
    // Its admin: case and period tasks; reviews are recorded by officers and supervisors only.
    const adminXa = await kindsOf(['admin'], 'ubnd-xa-a');
    expect(adminXa.has('review') || adminXa.has('compliance')).toBe(false);
    expect(adminXa.has('case') && adminXa.has(pd) && adminXa.has(pg)).toBe(true);
    // The commune's supervisor does not see its own shortfall: it is for the supervising agency.
    expect((await kindsOf(['supervisor'], 'ubnd-xa-a')).has('compliance')).toBe(false);
    // The province's supervisor sees every kind; its officer every kind but compliance.
    const supTinh = await allPages('limit=200&kind=compliance', await as(['supervisor'], 'tinh-demo'));
    expect(supTinh.items.map((x) => x.id).sort()).toEqual(
      [`compliance:${complianceXa}`, `compliance:${complianceSo}`].sort(),
    );
    expect(supTinh.items.every((x) => x.targetAgencyId === 'tinh-demo' && x.dueAt === null)).toBe(true);
    expect(supTinh.items.find((x) => x.id === `compliance:${complianceXa}`)!.links).toEqual({
      resource: '/v1/reception/compliance?month=2026-11&agencyId=ubnd-xa-a',
      work: { method: 'POST', href: `/v1/reception/compliance/tasks/${complianceXa}/close` },
    });
    expect((await kindsOf(['officer'], 'tinh-demo')).has('compliance')).toBe(false);
    // A sibling commune and a department see none of the commune's tasks (so-tnmt: not its own shortfall either).
    for (const role of ['officer', 'supervisor', 'reception_officer', 'admin'] as Role[]) {
      expect([...(await kindsOf([role], 'ubnd-xa-b'))]).toEqual([]);
      expect([...(await kindsOf([role], 'so-tnmt'))]).toEqual([]);
    }
    // The pending review is not a task yet.
    const reviews = await ids('kind=review&limit=200', await as(['officer'], 'ubnd-xa-a'));
    expect(reviews).toHaveLength(5);
    // Auditors read compliance and reviews but work no inbox; intake has no kind of these.
    expect((await call('GET', '/v1/tasks', await as(['auditor'], 'tinh-demo'))).status).toBe(403);
    expect((await allPages('limit=200', await as(['intake'], 'ubnd-xa-a'))).items.every((x) => x.kind === 'case')).toBe(
      true,
    );
  });

  it('task-role permissions narrow the case tasks only; the other kinds follow the API roles of their routes', async () => {
    const kinds = async (roles: Role[], agency: string, permissions: string[]) => {
      const h = await authHeader({ roles, agency, permissions });
      return new Set((await allPages('limit=200', h)).items.map((x) => x.kind));
    };
    // The province's supervisor working case tasks as `resolver` still sees the province's compliance tasks
    // (the close route is a supervisor's, whatever its business roles), and every other kind routed there.
    const supTinh = await kinds(['supervisor'], 'tinh-demo', ['task-role:resolver']);
    expect(supTinh).toEqual(new Set(['case', 'compliance', 'period', 'review']));
    const h = await authHeader({ roles: ['supervisor'], agency: 'tinh-demo', permissions: ['task-role:resolver'] });
    expect((await ids('kind=compliance&limit=200', h)).sort()).toEqual(
      [`compliance:${complianceXa}`, `compliance:${complianceSo}`].sort(),
    );
    // A business role that no case task has: no case task, but the kinds the supervisor's routes work.
    expect(await kinds(['supervisor'], 'tinh-demo', ['task-role:letter_officer'])).toEqual(
      new Set(['compliance', 'period', 'review']),
    );
    // The commune's officer working as `resolver`: its case tasks, the daily report and the reviews (officers record
    // them); no compliance and no roster gap (not an officer's route).
    const officerH = await authHeader({ roles: ['officer'], agency: 'ubnd-xa-a', permissions: ['task-role:resolver'] });
    const officer = (await allPages('limit=200', officerH)).items;
    expect(new Set(officer.map((x) => x.kind))).toEqual(new Set(['case', 'period', 'review']));
    expect(officer.map((x) => x.id)).not.toContain(`period:${rosterGap}`);
    // An intake clerk with a business role sees only case tasks (no other kind is worked by intake).
    expect(await kinds(['intake'], 'ubnd-xa-a', ['task-role:resolver'])).toEqual(new Set(['case']));
    // The explicit `role` filter still narrows every kind.
    expect((await allPages('role=resolver&limit=200', h)).items.every((x) => x.kind === 'case')).toBe(true);
  });

  it('items carry their kind, due date, agency, status and the link of the route that works them', async () => {
    const { items } = await allPages('limit=200', await as(['supervisor'], 'tinh-demo'));
    const byId = new Map(items.map((x) => [x.id, x]));
    const d = byId.get(`period:${dailyReport}`)!;
    expect(d).toMatchObject({ kind: 'period', status: 'open', agencyId: 'ubnd-xa-a', assignee: null });
    expect(Date.parse(d.dueAt!)).toBe(Date.parse(DUE));
    expect(d.dueAt).toMatch(/\+07:00$/);
    expect(d.links).toEqual({
      resource: `/v1/reception/periods/${periodId}/reports?date=${today}&agencyId=ubnd-xa-a`,
      work: { method: 'PUT', href: `/v1/reception/periods/${periodId}/reports/ubnd-xa-a/${today}` },
    });
    expect(byId.get(`period:${rosterGap}`)!.links.work).toEqual({
      method: 'PUT',
      href: `/v1/reception/periods/${periodId}/roster`,
    });
    const r = byId.get(`review:${review}`)!;
    expect(r.links.work).toEqual({ method: 'POST', href: `/v1/reviews/${review}/outcome` });
    // Each kind reads in Vietnamese (nameLabel), the date as dd/MM/yyyy; `name` stays as it was.
    const viToday = today.split('-').reverse().join('/');
    expect(d.nameLabel).toBe(`Báo cáo ngày: ubnd-xa-a ngày ${viToday}`);
    expect(d.name).toBe(`Daily report: ubnd-xa-a for ${today}`);
    expect(byId.get(`period:${rosterGap}`)!.nameLabel).toMatch(
      /^Thiếu người trực tiếp công dân: ubnd-xa-a ngày \d{2}\/\d{2}\/\d{4}$/,
    );
    expect(r.nameLabel).toMatch(/^Rà soát vụ việc: Matter \d+$/);
    const compliance = items.find((x) => x.kind === 'compliance')!;
    expect(compliance.nameLabel).toMatch(
      /^Số ngày tiếp công dân dưới mức tối thiểu theo luật: .+ \(\d+\/\d+ ngày; .+\)$/,
    );
    const c = items.find((x) => x.kind === 'case')!;
    expect(c.links).toEqual({ case: `/v1/cases/${c.id.split('.')[0]}` });
    // A case task id and another kind's id never look alike; the case task actions know no such task.
    const claim = await call('POST', `/v1/tasks/${encodeURIComponent(r.id)}/claim`, await as(['officer'], 'ubnd-xa-a'));
    expect(claim.status).toBe(404);
    expect(await api.tdb.db('task_claims').select('*')).toEqual([]);
  });

  it('pages the merged list by due date without duplicates or gaps, whatever the page size', async () => {
    const h = await as(['supervisor'], 'tinh-demo');
    const whole = await call('GET', '/v1/tasks?limit=200', h);
    const all = (whole.json.items as Item[]).map((x) => x.id);
    expect(new Set(all.map((x) => (x.includes('.') ? 'case' : x.split(':')[0]))).size).toBe(4);
    expect(all.length).toBe(7 + 2 + 6 + 5);
    // Due date order (none last), case tasks first at one due date, then compliance, period, review.
    const items = whole.json.items as Item[];
    const key = (x: Item) => (x.dueAt ? Date.parse(x.dueAt) : Infinity);
    for (let i = 1; i < items.length; i++) expect(key(items[i - 1]!)).toBeLessThanOrEqual(key(items[i]!));
    const atDue = items.filter((x) => x.dueAt && Date.parse(x.dueAt) === Date.parse(DUE)).map((x) => x.kind);
    expect(atDue).toEqual([...atDue].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
    expect(new Set(atDue).size).toBe(3); // case, period, review share DUE
    for (const limit of [1, 2, 3, 5, 7]) {
      const paged = await allPages(`limit=${limit}`, h);
      expect(
        paged.items.map((x) => x.id),
        `limit ${limit}`,
      ).toEqual(all);
      expect(paged.pages).toBeGreaterThan(1);
    }
  });

  it('applies the filters to every kind: role, kind, assignee, caseId, status', async () => {
    const h = await as(['officer'], 'ubnd-xa-a');
    // role: the candidate role; a business role no other kind has narrows to the case tasks.
    expect(new Set((await allPages('role=resolver&limit=200', h)).items.map((x) => x.kind))).toEqual(new Set(['case']));
    const sup = await as(['supervisor'], 'tinh-demo');
    const reporters = (await allPages('role=reception_officer&limit=200', sup)).items;
    expect(new Set(reporters.map((x) => x.kind))).toEqual(new Set(['period']));
    // kind
    expect((await allPages('kind=period&limit=200', h)).items.every((x) => x.kind === 'period')).toBe(true);
    expect((await allPages('kind=case&limit=200', h)).items).toHaveLength(7);
    // assignee: nobody claims the other kinds; `me` lists claimed case tasks only, `unassigned` lists them all.
    expect((await allPages('assignee=me&limit=200', h)).items).toEqual([]);
    expect((await allPages('assignee=unassigned&limit=200', h)).items.length).toBe(
      (await allPages('limit=200', h)).items.length,
    );
    // caseId: that case's tasks only.
    expect(await ids(`caseId=${caseIds[0]}`, h)).toEqual([`${caseIds[0]}.work-0`]);
    // An unknown kind is a 400 naming the field.
    const bad = await call('GET', '/v1/tasks?kind=letters', h);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('kind');
  });

  it('an item leaves the open inbox once its own route records the outcome', async () => {
    const officer = await as(['officer'], 'ubnd-xa-a', 'officer-1@ubnd-xa-a');
    // The day's report, submitted where the link says: the daily-report task closes.
    const d = (await allPages('kind=period&limit=200', officer)).items.find((x) => x.id === `period:${dailyReport}`)!;
    const work = d.links.work as { method: string; href: string };
    const put = await call(work.method, work.href, officer, { incidents: 0 });
    expect(put.status, put.text).toBe(200);
    expect(await ids('kind=period&limit=200', officer)).not.toContain(`period:${dailyReport}`);
    expect(await ids('kind=period&status=completed&limit=200', officer)).toContain(`period:${dailyReport}`);
    // The review's outcome, recorded at its link.
    const rv = await call('POST', `/v1/reviews/${review}/outcome`, officer, { outcome: 'resolved' });
    expect(rv.status, rv.text).toBe(200);
    expect(await ids('kind=review&limit=200', officer)).not.toContain(`review:${review}`);
    const done = (await allPages('status=completed&kind=review', officer)).items;
    expect(done.map((x) => x.id)).toEqual([`review:${review}`]);
    expect(done[0]!.status).toBe('completed');
    // A cancelled period's tasks are listed as cancelled.
    const sup = await as(['supervisor'], 'tinh-demo');
    const cancel = await call('POST', `/v1/reception/periods/${periodId}/cancel`, sup, { reason: 'hoãn' });
    expect(cancel.status, cancel.text).toBe(200);
    expect(await ids('kind=period', sup)).toEqual([]);
    expect(await ids('kind=period&status=cancelled', sup)).toContain(`period:${rosterGap}`);
    // A compliance task is closed at its link by the supervising level, with its outcome; then it leaves the inbox.
    const so = (await allPages('kind=compliance&limit=200', sup)).items.find(
      (x) => x.id === `compliance:${complianceSo}`,
    )!;
    const close = so.links.work as { method: string; href: string };
    // Not the commune's nor the department's to close (not their task: 404); an empty outcome: 400 naming it.
    const own = await call(close.method, close.href, await as(['supervisor'], 'so-tnmt'), { outcome: 'Đã xem' });
    expect(own.status, own.text).toBe(404);
    const empty = await call(close.method, close.href, sup, { outcome: '  ' });
    expect(empty.status, empty.text).toBe(400);
    expect(empty.text).toContain('outcome');
    const outcome = 'Đã nhắc nhở Giám đốc Sở; tháng 12 bố trí đủ ngày tiếp công dân';
    const closed = await call(close.method, close.href, sup, { outcome });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.json).toMatchObject({ id: complianceSo, status: 'closed', outcome });
    expect(String(closed.json.closedAt)).toMatch(/\+07:00$/);
    expect((await call(close.method, close.href, sup, { outcome })).status).toBe(409);
    const entry = await api.tdb.db('audit_log').where({ action: 'reception.compliance_task_closed' }).first();
    expect(entry.after).toMatchObject({ taskId: complianceSo, status: 'closed', outcome });
    expect(entry.legal_basis).toBe('Luật Tiếp công dân 2013 Art 15(3)');
    expect(await ids('kind=compliance', sup)).toEqual([`compliance:${complianceXa}`]);
    const completed = (await allPages('kind=compliance&status=completed', sup)).items;
    expect(completed.map((x) => x.id)).toEqual([`compliance:${complianceSo}`]);
    expect(completed[0]!.links.work).toBeNull();
  });
});

const ORDER = ['case', 'compliance', 'period', 'review'];
