/**
 * Every declared route × every role: allowed → 2xx, wrong role → 403, allowed role in another
 * agency → 404 (existence does not leak), no credential → 401. Built from the route registry, so a
 * new route is covered the moment it is declared (and fails here until its scope has a fixture).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../api/app.js';
import { ROLES, type Role } from '../../api/auth/principal.js';
import type { RouteSpec } from '../../api/routing/define-route.js';
import { calendarServiceFor } from '../../calendar/service.js';
import { createApiKeyStore } from '../../db/api-keys.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { appendEvents } from '../../db/events.js';
import { createWebhookStore } from '../../db/webhooks.js';
import { ingestHotspotItems } from '../../db/hotspots.js';
import { DEFAULT_HOTSPOT_CONFIG } from '../../hotspots/config.js';
import { authHeader } from '../support/auth.js';
import { getReportState, reportWorkflowId, submitReport } from '../../workflows/report-contract.js';
import { seedCase, startTestApi, type TestApi } from '../support/api.js';

const HOME = 'so-tnmt'; // the agency owning every fixture
const OTHER = 'ubnd-xa-b'; // a sibling: must see none of it
const PARENT = 'tinh-demo'; // the province above HOME: acts within its whole subtree (ADR 0013)

let api: TestApi;
let caseId: string;

/**
 * Task and legal-event routes act on a running case: each call gets a fresh one (a petition, which
 * here runs `matrix-case`: one task whose form takes the documented example, and a non-interrupting
 * boundary for every legal-event message, so each event is accepted once).
 */
const MATRIX_CASE = {
  key: 'matrix-case',
  version: 99,
  name: 'Matrix fixture',
  caseType: 'petition',
  effectiveFrom: '2000-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    // Every API role that works tasks is a candidate here (candidate roles are enforced: ADR 0013);
    // test/integration/task-candidate-roles.int.test.ts covers the built-in tasks' own roles.
    {
      type: 'userTask',
      id: 'work',
      name: 'Work',
      candidateRoles: ['resolver', 'intake', 'officer', 'supervisor', 'admin'],
      agencyScope: 'resolving',
      form: {
        fields: [
          { name: 'acceptanceDecision', type: 'string' },
          { name: 'acceptedOn', type: 'date' },
          { name: 'acceptanceNoticeOn', type: 'date' },
        ],
      },
    },
    { type: 'endEvent', id: 'end', outcome: 'done' },
    ...[
      'withdraw',
      'withdrawPartial',
      'suspend',
      'resume',
      'extend',
      'supplement',
      'markComplex',
      'stayExecution',
      'secondComplaintLodged',
    ].flatMap((m) => [
      {
        type: 'boundaryEvent',
        id: `on.${m}`,
        attachedTo: 'work',
        interrupting: false,
        trigger: { kind: 'message', messageName: m },
      },
      { type: 'endEvent', id: `noted.${m}`, outcome: `noted_${m}` },
    ]),
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'work' },
    { id: 'f2', source: 'work', target: 'end' },
    ...[
      'withdraw',
      'withdrawPartial',
      'suspend',
      'resume',
      'extend',
      'supplement',
      'markComplex',
      'stayExecution',
      'secondComplaintLodged',
    ].map((m) => ({ id: `f.${m}`, source: `on.${m}`, target: `noted.${m}` })),
  ],
};

async function freshCase(): Promise<{ caseId: string; taskId: string }> {
  // A 503 ("nothing was started. Retry the request": a deadlock under load) is retried, as a client would.
  const key = randomUUID();
  let r: Response;
  for (let attempt = 0; ; attempt++) {
    r = await fetch(`${api.url}/v1/cases`, {
      method: 'POST',
      headers: {
        ...(await authHeader({ roles: ['admin'], agency: HOME })),
        'content-type': 'application/json',
        'Idempotency-Key': key,
      },
      body: JSON.stringify({
        type: 'petition',
        channel: 'portal',
        receivedAt: new Date().toISOString(),
        agencyId: HOME,
        subject: 'matrix fixture',
      }),
    });
    if (r.status !== 503 || attempt >= 4) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  if (r.status !== 201) throw new Error(`fixture case: ${r.status} ${await r.text()}`);
  const { id } = (await r.json()) as { id: string };
  for (let i = 0; i < 200; i++) {
    const t = await api.tdb.db('case_tasks').where({ case_id: id, status: 'open' }).first('task_id');
    if (t) return { caseId: id, taskId: t.task_id as string };
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`fixture case ${id}: no open task projected`);
}

/** A fresh stored day off (each withdrawal consumes one), on its own day far ahead. */
let calendarDays = 0;
async function freshCalendarEntry(): Promise<string> {
  calendarDays += 1;
  // June–July 2090: no public holiday to collide with.
  const date = new Date(Date.UTC(2090, 5, 1) + calendarDays * 86_400_000).toISOString().slice(0, 10);
  const id = `matrix-off-${randomUUID().slice(0, 8)}`;
  await calendarServiceFor(api.tdb.db).addEntry(
    { id, date, working: false, name: 'Matrix day off', source: 'test', reason: 'matrix fixture' },
    { type: 'user', id: 'test', agency: null },
  );
  return id;
}

/** A calendar change row (its fan-out is not needed to read it). */
async function calendarChangeFixture(): Promise<string> {
  const id = randomUUID();
  await calendarServiceFor(api.tdb.db).entries(); // seeded: a stored entry version the change can name
  const { max } = (await api.tdb.db('calendar_entries').max('seq as max').first()) as { max: number };
  await api.tdb.db('calendar_changes').insert({
    id,
    entry_seq: max,
    entry_id: 'matrix',
    action: 'added',
    version: `entries:${max}`,
    changed_dates: '[]',
    workflow_id: `calendar-change-${id}`,
    status: 'completed',
    requested_by: JSON.stringify({ type: 'user', id: 'test', agency: null }),
  });
  return id;
}

/** A fresh agency below HOME (the directory routes act on one; closing consumes it). ADR 0024. */
async function freshAgency(): Promise<string> {
  const id = `matrix-ag-${randomUUID().slice(0, 8)}`;
  // Through the API: its cached agency tree learns the new agency at once.
  const r = await fetch(`${api.url}/v1/agencies`, {
    method: 'POST',
    headers: { ...(await authHeader({ roles: ['admin'], agency: PARENT })), 'content-type': 'application/json' },
    body: JSON.stringify({ id, parentId: HOME, name: 'Matrix unit', level: 'department' }),
  });
  if (r.status !== 201) throw new Error(`fixture agency: ${r.status} ${await r.text()}`);
  return id;
}

/** A closed agency below HOME with its closure row (what GET …/closure reads). */
async function closedAgency(): Promise<string> {
  const id = await freshAgency();
  await api.tdb.db('agencies').where({ id }).update({ closed_at: api.tdb.db.fn.now(), successor_id: HOME });
  await api.tdb.db('agency_closures').insert({
    id: randomUUID(),
    agency_id: id,
    successor_id: HOME,
    workflow_id: `agency-closure-${id}`,
    status: 'completed',
    requested_by: JSON.stringify({ type: 'user', id: 'test', agency: HOME }),
  });
  return id;
}

/** A fresh person of the directory, staff of HOME. */
async function freshPerson(): Promise<string> {
  const id = `matrix-p-${randomUUID().slice(0, 8)}`;
  await api.tdb.db('people').insert({ id, display_name: 'Matrix person' });
  await api.tdb.db('agency_staff').insert({ person_id: id, agency_id: HOME, roles: ['officer'], position: 'member' });
  return id;
}

/** A running case that accepted an Update (a supplement event): what an admin reset goes back before. */
async function caseWithUpdate(): Promise<string> {
  const { caseId: id } = await freshCase();
  const r = await fetch(`${api.url}/v1/cases/${id}/events/supplement`, {
    method: 'POST',
    headers: {
      ...(await authHeader({ roles: ['admin'], agency: HOME })),
      'content-type': 'application/json',
      'Idempotency-Key': randomUUID(),
    },
    body: JSON.stringify({ documents: ['BS-01'] }),
  });
  if (r.status !== 200) throw new Error(`fixture update: ${r.status} ${await r.text()}`);
  return id;
}

/** A webhook subscription of HOME with one dead-lettered delivery (of an event of HOME) to read or redeliver. */
async function webhookFixture(): Promise<{ id: string; seq: number }> {
  const [seq] = await api.tdb.db.transaction((trx) =>
    appendEvents(trx, [
      {
        type: 'vn.kntc.test.matrix',
        caseId: null,
        agencyId: HOME,
        time: new Date().toISOString(),
        data: { fixture: true },
      },
    ]),
  );
  const { record } = await createWebhookStore(api.tdb.db).create(
    {
      name: 'matrix',
      url: 'https://hooks.example.vn/kntc',
      eventTypes: ['vn.kntc.test.matrix'],
      agencyId: HOME,
      retryPeriodSeconds: 30,
      createdBy: 'test',
    },
    api.deps.pii,
  );
  await api.tdb.db('webhook_deliveries').insert({ subscription_id: record.id, event_seq: seq, status: 'dead' });
  return { id: record.id, seq: seq! };
}

/**
 * A stored report of HOME with its running workflow, drafted (ADR 0032); `submitted`: already submitted
 * (what a reopening acts on). Each call is a month of its own (a report per agency, kind and period).
 */
let reportMonths = 0;
async function reportFixture(submitted: boolean): Promise<string> {
  reportMonths += 1;
  const year = 2060 + Math.floor(reportMonths / 12);
  const month = (reportMonths % 12) + 1;
  const key = `${year}-M${String(month).padStart(2, '0')}`;
  const h = await api.deps.temporal.workflow.start('reportWorkflow', {
    taskQueue: api.deps.taskQueue,
    workflowId: reportWorkflowId(HOME, 'monthly', key),
    args: [{ agencyId: HOME, kind: 'monthly', year, index: month }],
  });
  for (let i = 0; i < 400; i++) {
    const s = await h.query(getReportState);
    if (s.reportId) {
      if (submitted)
        await h.executeUpdate(submitReport, { args: [{ actor: { type: 'user', id: 'test', agency: HOME } }] });
      return s.reportId;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`report fixture ${key}: not drafted`);
}
let sharedReport: string | undefined;

/** Routes a caller above the report's agency may not use (ADR 0032: the agency writes and submits its own). */
const OWN_AGENCY_ONLY = new Set(['updateReportSections', 'submitReport']);
/** Reception fixtures of HOME (ADR 0028): a place, a session on 01/07/2026, a visit of it, a matter. */
async function receptionFixture(resource: 'place' | 'session' | 'visit' | 'matter' | 'gathering'): Promise<string> {
  const db = api.tdb.db;
  const place = `rp_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  if (resource === 'gathering') {
    // A gathering of HOME's matter (ADR 0036) whose process row is a plain fixture (no workflow is started).
    const matter = await receptionFixture('matter');
    const processCaseId = randomUUID();
    await db('cases').insert({
      id: processCaseId,
      reference: `TTW-MATRIX-${processCaseId.slice(0, 8)}`,
      workflow_id: `case-${processCaseId}`,
      case_type: 'matrix_gathering',
      channel: 'mass_matter',
      agency_id: HOME,
      subject: 'Matrix gathering',
      received_at: '2026-07-01T01:00:00Z',
      stage: 'received',
      status: 'open',
    });
    const id = randomUUID();
    await db('central_gatherings').insert({
      id,
      matter_id: matter,
      agency_id: HOME,
      gathered_at: '2026-07-01T01:00:00Z',
      place_kind: 'central_reception_office',
      place_name: 'Trụ sở Tiếp công dân Trung ương',
      city: 'hanoi',
      people_count: 20,
      reported_by_kind: 'central_reception_office',
      process_case_id: processCaseId,
      created_by: 'test',
    });
    return id;
  }
  if (resource === 'matter') {
    const id = randomUUID();
    await db('matters').insert({
      id,
      agency_id: HOME,
      title: 'Matrix matter',
      subject_norm: 'matrix matter',
      first_received_at: '2026-07-01T01:00:00Z',
      last_received_at: '2026-07-01T01:00:00Z',
      created_by: 'test',
    });
    return id;
  }
  await db('reception_places').insert({
    id: place,
    agency_id: HOME,
    name: 'Matrix place',
    kind: 'department_point',
    address: '1 Lê Lợi',
    created_by: 'test',
  });
  if (resource === 'place') return place;
  const session = randomUUID();
  await db('reception_sessions').insert({
    id: session,
    agency_id: HOME,
    place_id: place,
    kind: 'regular',
    received_by: 'in_person',
    mode: 'in_person',
    session_date: '2026-07-01',
    started_at: '2026-07-01T01:00:00Z',
    created_by: 'test',
  });
  if (resource === 'session') return session;
  const visit = randomUUID();
  await db('reception_visits').insert({
    id: visit,
    session_id: session,
    agency_id: HOME,
    visited_at: '2026-07-01T01:30:00Z',
    people_count: 1,
    content_type: 'petition',
    summary: 'Matrix visit',
    outcome: 'guided',
    created_by: 'test',
  });
  return visit;
}

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  caseId = randomUUID();
  await seedCase(api.tdb.db, { id: caseId, agencyId: HOME });
  await createDefinitionStore(api.tdb.db).register(MATRIX_CASE, 'test');
  await api.tdb.db('reception_places').insert({
    id: 'so-tnmt-main',
    agency_id: HOME,
    name: 'Matrix place',
    kind: 'department_point',
    created_by: 'test',
  });
});

/** A leader's reception day of HOME (ADR 0029) to read, change or cancel. */
async function scheduleEntryFixture(): Promise<string> {
  const id = `rse_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await api.tdb.db('reception_schedule_entries').insert({
    id,
    agency_id: HOME,
    leader_person_id: 'head-so-tnmt',
    leader_title: 'Giám đốc Sở',
    place_id: 'so-tnmt-main',
    entry_date: '2026-12-10',
    start_time: '08:00',
    end_time: '11:00',
    kind: 'periodic',
    created_by: '{}',
  });
  return id;
}
afterAll(async () => {
  await api?.close();
});

const vnToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
const shift = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** A special period governed by and concerning HOME (ADR 0035), around today unless `from`/`to` are given. */
async function periodFixture(from = shift(vnToday(), -10), to = shift(vnToday(), 10)): Promise<string> {
  const id = `rpd_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await api.tdb.db('reception_periods').insert({
    id,
    name: 'Matrix period',
    starts_on: from,
    ends_on: to,
    governing_agency_id: HOME,
    designated_agency_id: HOME,
    flagged_target_days: 5,
    report_due_time: '23:59',
    created_by: '{}',
  });
  await api.tdb.db('reception_period_agencies').insert({ period_id: id, agency_id: HOME });
  return id;
}
/** A working day of the fixture period (the roster takes working days only). */
async function workingDayAhead(): Promise<string> {
  const days = (await calendarServiceFor(api.tdb.db).listDays(vnToday(), shift(vnToday(), 10))).days;
  return days.find((d) => d.working)!.date;
}
/** The seeded case (received 01/07/2026) needs a period concerning HOME that day to be flagged. */
let flagPeriod: Promise<string> | undefined;

/** A fresh hotspot of HOME (8 letters of a sector of their own in a commune: place+sector needs 7.5). ADR 0034. */
async function hotspotFixture(): Promise<string> {
  const commune = `0${String(Math.floor(Math.random() * 9000) + 1000)}`;
  const sector = `matrix_${randomUUID().slice(0, 8).replace(/-/g, '')}`;
  const items = Array.from({ length: 8 }, (_v, i) => ({
    kind: 'case' as const,
    id: `matrix-hs-${randomUUID()}`,
    at: Date.now() - i * 60_000,
    provinceCode: '01',
    communeCode: commune,
    sector,
    respondent: null,
    mass: false,
    agencyId: HOME,
  }));
  await api.tdb.db.transaction((trx) => ingestHotspotItems(trx, items, DEFAULT_HOTSPOT_CONFIG));
  const row = (await api.tdb
    .db('hotspots')
    .where({ cluster_key: `pl:01/${commune}|s:${sector}` })
    .first('id')) as { id: string } | undefined;
  if (!row) throw new Error('fixture hotspot not raised');
  return row.id;
}

/** An in-app message of the person `sub` (their inbox: only they may mark it read). */
async function inboxFixture(sub: string): Promise<string> {
  const notificationId = `ntf-${randomUUID()}`;
  await api.tdb.db('case_notifications').insert({
    id: notificationId,
    case_id: caseId,
    idem_key: notificationId,
    kind: 'deadline_breach',
    recipients: ['agency_head'],
  });
  const id = `dlv-${randomUUID()}`;
  await api.tdb.db('notification_deliveries').insert({
    id,
    notification_id: notificationId,
    case_id: caseId,
    person_id: sub,
    channel: 'inapp',
    status: 'sent',
    subject: 'S',
    body_text: 'T',
    body_html: 'H',
  });
  return id;
}

/** The `sub` of the bearer token in `headers`, if any. */
function subOf(headers: Record<string, string>): string {
  const token = headers.authorization?.replace(/^Bearer /, '') ?? '';
  try {
    return String(
      (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: unknown }).sub ?? 'nobody',
    );
  } catch {
    return 'nobody';
  }
}

/** A task force governed by HOME (ADR 0037), led by HOME's head, with a fresh member who can be removed. */
async function taskForceFixture(): Promise<{ id: string; member: string }> {
  const id = `tf-${randomUUID()}`;
  const member = await freshPerson();
  await api.tdb.db('task_forces').insert({
    id,
    name: 'Matrix task force',
    mandate: 'matrix',
    governing_agency_id: HOME,
    lead_person_id: 'head-so-tnmt',
    ends_on: '2099-12-31',
    created_by: JSON.stringify({ type: 'user', id: 'test', agency: HOME }),
  });
  await api.tdb.db('task_force_members').insert([
    { task_force_id: id, person_id: 'head-so-tnmt', agency_id: HOME },
    { task_force_id: id, person_id: member, agency_id: HOME },
  ]);
  return { id, member };
}

/** A review campaign of HOME with one open review of a matter of HOME (ADR 0037). */
/** An open compliance task of HOME (a root's own: HOME's staff work it), fresh for each call (a close ends it). */
async function complianceTaskFixture(): Promise<string> {
  const id = `rct_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await api.tdb.db('reception_compliance_tasks').insert({
    id,
    agency_id: HOME,
    supervising_agency_id: null,
    rule_id: `matrix-${id}`,
    citation: 'Luật Tiếp công dân 2013 Art 15(2)(d)',
    period_first: '2026-11-01',
    period_last: '2026-11-30',
    required_days: 1,
    held_days: 0,
    delegated_days: 0,
  });
  return id;
}

async function reviewFixture(): Promise<{ campaign: string; review: string }> {
  const campaign = `rc-${randomUUID()}`;
  const review = `rv-${randomUUID()}`;
  const matter = await receptionFixture('matter');
  await api.tdb.db('review_campaigns').insert({
    id: campaign,
    name: 'Matrix campaign',
    agency_id: HOME,
    criteria: JSON.stringify({ flags: ['prolonged'], openLongerThanMonths: 0, agencyIds: [HOME] }),
    due_at: '2099-01-01T00:00:00Z',
    workflow_id: `review-campaign-${campaign}`,
    created_by: JSON.stringify({ type: 'user', id: 'test', agency: HOME }),
  });
  await api.tdb.db('review_items').insert({
    id: review,
    campaign_id: campaign,
    matter_id: matter,
    agency_id: HOME,
    due_at: '2099-01-01T00:00:00Z',
    status: 'open',
    opened_at: api.tdb.db.fn.now(),
  });
  return { campaign, review };
}

/**
 * A case of HOME with an issued second-instance decision (ADR 0043), and the hash of the documented example's
 * redacted text (no parties: the patterns alone); `published`: with a publication in force to withdraw.
 */
async function publicationFixture(published: boolean): Promise<{ caseId: string; id?: string; sha: string }> {
  const id = randomUUID();
  await seedCase(api.tdb.db, { id, agencyId: HOME, caseType: 'complaint_second' });
  await api.tdb.db('case_documents').insert({
    id: `doc-${randomUUID()}`,
    case_id: id,
    idem_key: 'second.decide.doc',
    type: 'complaint_decision_second',
    reference: '1/QĐ-MATRIX',
    recipients: ['case_file'],
    issued_on: '2026-07-15',
  });
  const spec = apiRoutes().find((r) => r.operationId === 'publishDecision')!;
  const text = (spec.request!.bodyExample as { text: string }).text;
  const headers = { ...(await authHeader({ roles: ['admin'], agency: HOME })), 'content-type': 'application/json' };
  const p = await fetch(`${api.url}/v1/cases/${id}/publications/preview`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ text }),
  });
  const sha = ((await p.json()) as { textSha256: string }).textSha256;
  if (!published) return { caseId: id, sha };
  const r = await fetch(`${api.url}/v1/cases/${id}/publications`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ text, reviewedSha256: sha }),
  });
  if (r.status !== 201) throw new Error(`publication fixture: ${r.status} ${await r.text()}`);
  return { caseId: id, id: ((await r.json()) as { id: string }).id, sha };
}

/** A valid request for `spec` against the fixtures (a fresh one per call: DELETEs consume theirs). */
async function requestFor(spec: RouteSpec, sub = 'nobody'): Promise<{ path: string; body?: unknown }> {
  const scope = spec.auth === 'public' ? { kind: 'none' as const } : spec.auth.scope;
  let path = spec.path;
  let hook: { id: string; seq: number } | undefined;
  let taskForce: { id: string; member: string } | undefined;
  let publication: { caseId: string; id?: string; sha: string } | undefined;
  for (const [, name] of spec.path.matchAll(/:([A-Za-z_]\w*)/g)) {
    let value: string;
    if (scope.kind === 'case' && scope.param === name && spec.path.includes('/publications')) {
      publication = await publicationFixture(spec.operationId === 'withdrawDecisionPublication');
      value = publication.caseId;
    } else if (name === 'publicationId' && publication) value = publication.id!;
    else if (scope.kind === 'case' && scope.param === name) {
      value = spec.path.includes('/events/')
        ? (await freshCase()).caseId
        : spec.operationId === 'resetCase'
          ? await caseWithUpdate()
          : caseId;
    } else if (scope.kind === 'task' && scope.param === name) {
      const f = await freshCase();
      value = `${f.caseId}.${f.taskId}`;
    } else if (scope.kind === 'api-key' && scope.param === name) {
      value = (
        await createApiKeyStore(api.tdb.db).create({
          name: 'matrix',
          agencyId: HOME,
          roles: ['intake'],
          createdBy: 'test',
        })
      ).record.id;
    } else if (scope.kind === 'webhook' && (name === scope.param || name === 'eventSeq')) {
      hook ??= await webhookFixture();
      value = name === scope.param ? hook.id : String(hook.seq);
    } else if (scope.kind === 'period' && scope.param === name) value = await periodFixture();
    else if (spec.path.startsWith('/v1/reception/periods/') && name === 'agencyId') value = HOME;
    else if (spec.path.startsWith('/v1/reception/periods/') && name === 'date') value = vnToday();
    else if (spec.path.includes('/reception-schedule') && name === 'agencyId') value = HOME;
    else if (spec.path.includes('/reception-schedule') && name === 'entryId') value = await scheduleEntryFixture();
    else if (scope.kind === 'agency' && scope.param === name) {
      value = spec.operationId === 'getAgencyClosure' ? await closedAgency() : await freshAgency();
    } else if (scope.kind === 'agency' && name === 'personId') value = await freshPerson();
    else if (scope.kind === 'person' && scope.param === name) value = await freshPerson();
    else if (scope.kind === 'reception' && scope.param === name) value = await receptionFixture(scope.resource);
    else if (scope.kind === 'none' && name === 'id' && spec.path.startsWith('/v1/admin/calendar/entries/'))
      value = await freshCalendarEntry();
    else if (scope.kind === 'none' && name === 'id' && spec.path.startsWith('/v1/admin/calendar/changes/'))
      value = await calendarChangeFixture();
    else if (scope.kind === 'none' && name === 'id' && spec.path.startsWith('/v1/me/notifications/'))
      value = await inboxFixture(sub);
    else if (scope.kind === 'hotspot' && scope.param === name) value = await hotspotFixture();
    else if (
      scope.kind === 'owned' &&
      scope.resource === 'task-force' &&
      (name === scope.param || name === 'personId')
    ) {
      taskForce ??= await taskForceFixture();
      value = name === scope.param ? taskForce.id : taskForce.member;
    } else if (scope.kind === 'owned' && scope.resource === 'review-campaign' && scope.param === name)
      value = (await reviewFixture()).campaign;
    else if (scope.kind === 'owned' && scope.resource === 'review' && scope.param === name)
      value = (await reviewFixture()).review;
    else if (scope.kind === 'owned' && scope.resource === 'compliance-task' && scope.param === name)
      value = await complianceTaskFixture();
    else if (scope.kind === 'report' && scope.param === name) {
      if (spec.operationId === 'submitReport') value = await reportFixture(false);
      else if (spec.operationId === 'reopenReport') value = await reportFixture(true);
      else value = sharedReport ??= await reportFixture(false);
    } else if (scope.kind === 'report' && name === 'version') value = '1';
    else if ((scope.kind === 'none' || spec.operationId === 'getDefinitionHeatmap') && name === 'key')
      value = 'complaint-first';
    else if ((scope.kind === 'none' || spec.operationId === 'getDefinitionHeatmap') && name === 'version') value = '2';
    // Report forms (ADR 0031): a form code, `/` written `-`.
    else if ((scope.kind === 'none' || scope.kind === 'subtree') && name === 'code') value = '01-XLD';
    else
      throw new Error(
        `route ${spec.operationId}: no matrix fixture for path parameter :${name} (scope ${scope.kind}); add one here`,
      );
    path = path.replace(`:${name}`, value);
  }
  const q = { ...spec.request?.queryExample, ...(scope.kind === 'governing-agency' ? { [scope.param]: HOME } : {}) };
  if (Object.keys(q).length > 0) path += `?${new URLSearchParams(q).toString()}`;
  let body = spec.request?.bodyExample as Record<string, unknown> | undefined;
  if (spec.request?.body && !body)
    throw new Error(`route ${spec.operationId}: declare request.bodyExample (docs + this test)`);
  if (body && scope.kind === 'body-agency') body = { ...body, [scope.field]: HOME };
  // Reception (ADR 0028): a session at a place of HOME; a link decision on a fresh visit of HOME.
  if (body && spec.operationId === 'createReceptionSession')
    body = { ...body, placeId: await receptionFixture('place') };
  // Special periods (ADR 0035): a duty day must be a working day of the period; flagging needs a period.
  if (body && spec.operationId === 'setReceptionPeriodDuty') body = { ...body, date: await workingDayAhead() };
  // The documented new end (a fixed day) would fall before the start of the period around today from 10 days
  // before it (422): the period is extended to 12 days after today instead, past its end.
  if (body && spec.operationId === 'changeReceptionPeriod') body = { ...body, endsOn: shift(vnToday(), 12) };
  if (spec.operationId === 'flagCaseCongressPersonnel')
    await (flagPeriod ??= periodFixture('2026-06-25', '2026-07-05'));
  // Publishing (ADR 0043): the hash of the text the preview gave for the fixture's case.
  if (body && spec.operationId === 'publishDecision' && publication)
    body = { ...body, reviewedSha256: publication.sha };
  if (body && spec.operationId === 'decideMatterLink') body = { ...body, refId: await receptionFixture('visit') };
  // A matter of HOME to assign to a task force (ADR 0037).
  if (body && spec.operationId === 'assignToTaskForce') body = { ...body, refId: await receptionFixture('matter') };
  // A new agency needs a new id each time (ADR 0024).
  if (body && spec.operationId === 'createAgency') body = { ...body, id: `matrix-new-${randomUUID().slice(0, 8)}` };
  // A legal event on a case received today cannot be dated before it (ADR 0017): the documented
  // example's date gives way to the default, today.
  if (body && spec.path.includes('/events/'))
    body = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'date'));
  return { path, body };
}

async function call(spec: RouteSpec, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const { path, body } = await requestFor(spec, subOf(headers));
  const r = await fetch(api.url + path, {
    method: spec.method.toUpperCase(),
    headers: {
      ...headers,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(spec.idempotencyKey ? { 'Idempotency-Key': randomUUID() } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, text: await r.text() };
}

const protectedRoutes = apiRoutes().filter((r) => r.auth !== 'public');
const publicRoutes = apiRoutes().filter((r) => r.auth === 'public');

describe('route × role access matrix', () => {
  it('declares a rule on every route, and most routes are protected', () => {
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(6);
    for (const r of apiRoutes()) expect(r.auth === 'public' || r.auth.roles.length > 0).toBe(true);
  });

  it('the reception desk (intake) reads the reporting regime and form definitions, never report figures', () => {
    const intakeMay = (op: string) => {
      const r = protectedRoutes.find((x) => x.operationId === op)!;
      return (r.auth as Exclude<RouteSpec['auth'], 'public'>).roles.includes('intake');
    };
    for (const op of ['listReportRegimes', 'listReportForms', 'getReportForm']) expect(intakeMay(op), op).toBe(true);
    const figures = ['computeReportForm', 'listReports', 'getReport', 'getReportVersion', 'exportReportVersion'];
    for (const op of [...figures, 'getReportConsolidation']) expect(intakeMay(op), op).toBe(false);
  });

  describe.each(protectedRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    '%s',
    (_name, spec) => {
      const rule = spec.auth as Exclude<RouteSpec['auth'], 'public'>;

      it('no credential → 401; a forged token → 401', async () => {
        expect((await call(spec, {})).status).toBe(401);
        expect((await call(spec, { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' })).status).toBe(
          401,
        );
      });

      it.each(ROLES.map((r) => [r]))('role %s', async (role: Role) => {
        const allowed = rule.roles.includes(role);
        const home = await call(spec, await authHeader({ roles: [role], agency: HOME }));
        if (!allowed) {
          expect(home.status, home.text).toBe(403);
          return;
        }
        expect(home.status, home.text).toBeGreaterThanOrEqual(200);
        expect(home.status, home.text).toBeLessThan(300);
        // The same role at the province above: the resource is within its subtree.
        const parent = await call(spec, await authHeader({ roles: [role], agency: PARENT }));
        if (OWN_AGENCY_ONLY.has(spec.operationId)) expect(parent.status, parent.text).toBe(403);
        else {
          expect(parent.status, parent.text).toBeGreaterThanOrEqual(200);
          expect(parent.status, parent.text).toBeLessThan(300);
        }
        // The same role one agency over: the resource does not exist for it.
        const other = await call(spec, await authHeader({ roles: [role], agency: OTHER }));
        if (rule.scope.kind === 'none') {
          expect(other.status, other.text).toBeGreaterThanOrEqual(200);
          expect(other.status, other.text).toBeLessThan(300);
        } else if (rule.scope.kind === 'subtree') {
          expect(other.status, other.text).toBe(200);
          expect(other.text).not.toContain(HOME);
        } else {
          expect(other.status, other.text).toBe(404);
          expect(other.text).toContain('https://kntc-flow.vn/problems/not-found');
        }
      });
    },
  );

  it('the lists behind report figures narrow by agency within the caller’s subtree only (drill-down filters)', async () => {
    // Each list a report figure links to (issue 16 item 6), with the filters the links carry.
    const lists = [
      '/v1/reception/sessions?from=2026-01-01&to=2026-01-31',
      '/v1/reception/visits?from=2026-01-01&to=2026-01-31&delegation=true',
      '/v1/hotspots?raisedFrom=2026-01-01T00:00:00%2B07:00&raisedTo=2026-02-01T00:00:00%2B07:00&closed=false',
      '/v1/gatherings?gatheredFrom=2026-01-01T00:00:00%2B07:00&broughtHome=true',
      '/v1/task-forces?activeFrom=2026-01-01&activeTo=2026-01-31',
      '/v1/review-campaigns?runningFrom=2026-01-01&runningTo=2026-01-31',
      '/v1/task-forces/assignments?activeFrom=2026-01-01&activeTo=2026-01-31&state=lapsed',
      '/v1/review-campaigns/reviews?runningFrom=2026-01-01&runningTo=2026-01-31&state=overdue',
      '/v1/matters?prolonged=true&status=open&firstReceivedTo=2026-02-01T00:00:00%2B07:00',
      '/v1/reception/visits?visitedFrom=2026-01-01T00:00:00%2B07:00&sessionKind=periodic,ad_hoc&receivedBy=delegated' +
        '&repeat=true&contentType=petition,feedback&outcome=guided',
      '/v1/reception/sessions?from=2026-01-01&to=2026-01-31&kind=periodic,ad_hoc',
    ];
    const home = await authHeader({ roles: ['supervisor'], agency: HOME });
    const parent = await authHeader({ roles: ['supervisor'], agency: PARENT });
    const get = async (url: string, headers: Record<string, string>) => {
      const r = await fetch(api.url + url, { headers });
      return { status: r.status, text: await r.text() };
    };
    for (const list of lists) {
      // Its own agency alone, or the province narrowing to it: allowed.
      expect((await get(`${list}&agencyId=${HOME}&exactAgency=true`, home)).status, list).toBe(200);
      expect((await get(`${list}&agencyId=${HOME}`, parent)).status, list).toBe(200);
      // Another agency's subtree does not exist for the caller (404, as on the case search).
      const other = await get(`${list}&agencyId=${OTHER}`, home);
      expect(other.status, list).toBe(404);
      expect(other.text).toContain('https://kntc-flow.vn/problems/not-found');
      // `exactAgency` without `agencyId`: 400 naming the field; a malformed value: 400 naming it.
      const bad = await get(`${list}&exactAgency=true`, home);
      expect([list, bad.status]).toEqual([list, 400]);
      expect(bad.text).toContain('exactAgency');
      const malformed = await get(`${list}&exactAgency=yes&agencyId=${HOME}`, home);
      expect([list, malformed.status]).toEqual([list, 400]);
    }
    for (const [url, field] of [
      ['/v1/hotspots?raisedFrom=yesterday', 'raisedFrom'],
      ['/v1/gatherings?gatheredTo=2026-13-01T00:00:00Z', 'gatheredTo'],
      ['/v1/task-forces?activeFrom=2026-02-30', 'activeFrom'],
      ['/v1/review-campaigns?runningTo=soon', 'runningTo'],
      ['/v1/task-forces/assignments?state=finished', 'state'],
      ['/v1/task-forces/assignments?activeTo=2026-02-30', 'activeTo'],
      ['/v1/task-forces/assignments?after=bm90IGEgY3Vyc29y', 'after'],
      ['/v1/review-campaigns/reviews?state=late', 'state'],
      ['/v1/review-campaigns/reviews?campaignId=rc-1', 'campaignId'],
      ['/v1/review-campaigns?after=xyz', 'after'],
      ['/v1/task-forces?after=xyz', 'after'],
      ['/v1/gatherings?after=xyz', 'after'],
      ['/v1/matters?firstReceivedTo=2026-02-01', 'firstReceivedTo'],
      ['/v1/reception/visits?sessionKind=periodic,weekly', 'sessionKind'],
      ['/v1/reception/visits?repeat=yes', 'repeat'],
      ['/v1/reception/visits?visitedTo=tomorrow', 'visitedTo'],
      ['/v1/reception/sessions?kind=', 'kind'],
    ] as const) {
      const r = await get(url, home);
      expect([url, r.status]).toEqual([url, 400]);
      expect(r.text).toContain(field);
    }
    // The last and first days a client may write are days like any other (the day after 9999-12-31 was a 500).
    for (const url of [
      '/v1/task-forces?activeFrom=0001-01-01&activeTo=9999-12-31',
      '/v1/review-campaigns?runningFrom=0001-01-01&runningTo=9999-12-31',
      '/v1/task-forces/assignments?activeFrom=0001-01-01&activeTo=9999-12-31&state=lapsed',
      '/v1/review-campaigns/reviews?runningFrom=0001-01-01&runningTo=9999-12-31&state=overdue',
    ]) {
      const r = await get(url, home);
      expect([url, r.status, r.text.slice(0, 200)]).toEqual([url, 200, r.text.slice(0, 200)]);
    }
  });

  // ADR 0039: GET /v1/tasks lists the tasks opened outside a case, each to the roles of the route that works it,
  // within the subtree of the agency it is routed to (a compliance shortfall of HOME: the agency above it).
  describe('GET /v1/tasks: the other kinds of task × role × scope', () => {
    const fixtures: Record<string, string> = {};
    beforeAll(async () => {
      const db = api.tdb.db;
      fixtures.review = `review:${(await reviewFixture()).review}`;
      const period = await periodFixture();
      for (const kind of ['daily_report', 'duty_roster_gap']) {
        const id = `rpt_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
        await db('reception_period_tasks').insert({
          id,
          period_id: period,
          kind,
          agency_id: HOME,
          subject_agency_id: HOME,
          task_date: vnToday(),
          due_at: '2099-01-01T00:00:00Z',
        });
        fixtures[kind] = `period:${id}`;
      }
      const compliance = `rct_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
      await db('reception_compliance_tasks').insert({
        id: compliance,
        agency_id: HOME,
        supervising_agency_id: PARENT,
        rule_id: 'matrix',
        citation: 'Luật Tiếp công dân 2013 Art 15',
        period_first: '2099-01-01',
        period_last: '2099-01-31',
        required_days: 1,
        held_days: 0,
        delegated_days: 0,
      });
      fixtures.compliance = `compliance:${compliance}`;
    });
    const WORKED_BY: Record<string, { roles: Role[]; routedTo: string }> = {
      compliance: { roles: ['supervisor', 'admin'], routedTo: PARENT },
      daily_report: { roles: ['reception_officer', 'officer', 'supervisor', 'admin'], routedTo: HOME },
      duty_roster_gap: { roles: ['reception_officer', 'supervisor', 'admin'], routedTo: HOME },
      review: { roles: ['officer', 'supervisor'], routedTo: HOME },
    };
    const listers = (protectedRoutes.find((r) => r.operationId === 'listTasks')!.auth as { roles: readonly string[] })
      .roles;
    it.each(ROLES.map((r) => [r]))('role %s', async (role: Role) => {
      for (const agency of [HOME, PARENT, OTHER]) {
        const headers = await authHeader({ roles: [role], agency });
        const listed = new Set<string>();
        let next: string | null = '/v1/tasks?limit=200';
        while (next) {
          const r = await fetch(`${api.url}${next}`, { headers });
          expect(r.status).toBe(listers.includes(role) ? 200 : 403);
          if (r.status !== 200) break;
          const page = (await r.json()) as { items: Array<{ id: string }>; next: string | null };
          for (const x of page.items) listed.add(x.id);
          next = page.next;
        }
        if (!listers.includes(role)) continue;
        for (const [k, w] of Object.entries(WORKED_BY)) {
          const sees = w.roles.includes(role) && (agency === PARENT || agency === w.routedTo);
          expect(listed.has(fixtures[k]!), `${role}@${agency} ${k}`).toBe(sees);
        }
      }
    });
  });

  it('a parent agency sees its subtree (province admin reads a department case)', async () => {
    const r = await fetch(`${api.url}/v1/cases/${caseId}`, {
      headers: await authHeader({ roles: ['supervisor'], agency: 'tinh-demo' }),
    });
    expect(r.status).toBe(200);
  });

  it('an API key authenticates by X-Api-Key and Authorization: ApiKey; revoked keys do not', async () => {
    const created = await fetch(`${api.url}/v1/api-keys`, {
      method: 'POST',
      headers: { ...(await authHeader()), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'portal', agencyId: HOME, roles: ['intake'] }),
    });
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    const stored = await api.tdb.db('api_keys').where({ id }).first();
    expect(JSON.stringify(stored)).not.toContain(key);
    expect((await fetch(`${api.url}/v1/cases/${caseId}`, { headers: { 'x-api-key': key } })).status).toBe(200);
    expect((await fetch(`${api.url}/v1/cases/${caseId}`, { headers: { authorization: `ApiKey ${key}` } })).status).toBe(
      200,
    );
    expect((await fetch(`${api.url}/v1/audit/verify`, { headers: { 'x-api-key': key } })).status).toBe(403);
    const del = await fetch(`${api.url}/v1/api-keys/${id}`, { method: 'DELETE', headers: await authHeader() });
    expect(del.status).toBe(204);
    expect((await fetch(`${api.url}/v1/cases/${caseId}`, { headers: { 'x-api-key': key } })).status).toBe(401);
  });

  it.each(publicRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))(
    'public %s needs no credential',
    async (_n, spec) => {
      const r = await fetch(
        api.url + spec.path.replace(':reference', 'TC-2026-0000000000') + (spec.request?.query ? '?pin=00000000' : ''),
      );
      expect(r.status).not.toBe(401);
      expect(r.status).toBeLessThan(500);
    },
  );
});
