/**
 * Task forces (issue 15.3, ADR 0037) on the real stack: set up by a supervisor above every member's agency,
 * members of another agency read and work the cases assigned to it — each access audited — and nothing else
 * of that agency; a non-member, a member signed in for another agency, a removed member and a member after
 * the end date are refused; a denouncer's identity stays out of their reach.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefinitionStore } from '../../db/definitions.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, poll, startTestApi, type Json, type TestApi } from '../support/api.js';

let api: TestApi;
const call = apiCaller(() => api.url);

/** A petition runs this: one task any working role may complete (candidate roles are checked: ADR 0013). */
const ONE_TASK = {
  key: 'tf-one-task',
  version: 98,
  name: 'Task force fixture',
  caseType: 'petition',
  effectiveFrom: '2000-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'work',
      name: 'Work',
      candidateRoles: ['officer', 'supervisor'],
      agencyScope: 'resolving',
      form: { fields: [{ name: 'summary', type: 'string' }] },
    },
    { type: 'endEvent', id: 'end', outcome: 'done' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'work' },
    { id: 'f2', source: 'work', target: 'end' },
  ],
};

const denouncer = {
  role: 'denouncer',
  name: 'Phạm Thị Kín Danh',
  idNumber: '079188009876',
  address: '3 Hai Bà Trưng',
};
const A = 'so-tnmt';
const B = 'ubnd-xa-b';
const MEMBER = 'tf-officer-b';
const OUTSIDER = 'tf-outsider-b';

const provinceSupervisor = () => authHeader({ roles: ['supervisor'], agency: 'tinh-demo', sub: 'sup-tinh' });
const member = (agency = A) => authHeader({ roles: ['officer'], agency, sub: MEMBER, permissions: ['identity:read'] });

async function petition(agencyId: string): Promise<{ caseId: string; taskId: string }> {
  const r = await call('POST', '/v1/cases', await authHeader({ roles: ['admin'], agency: agencyId }), {
    type: 'petition',
    channel: 'portal',
    receivedAt: new Date().toISOString(),
    agencyId,
    subject: 'Phản ánh ô nhiễm',
  });
  expect(r.status, r.text).toBe(201);
  const caseId = r.json.id as string;
  const t = await poll(
    'the case task',
    () => api.tdb.db('case_tasks').where({ case_id: caseId, status: 'open' }).first('task_id'),
    (x) => x !== undefined,
  );
  return { caseId, taskId: `${caseId}.${(t as { task_id: string }).task_id}` };
}

async function accessEntries(caseId: string): Promise<Json[]> {
  return api.tdb.db('audit_log').where({ action: 'task_force.access', case_id: caseId }).select('actor', 'after');
}

let assigned: { caseId: string; taskId: string };
let other: { caseId: string; taskId: string };
let denunciationId: string;
let taskForceId: string;

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await createDefinitionStore(api.tdb.db).register(ONE_TASK, 'test');
  // A district with two communes (the demo tree is flat): a task force governed at the district.
  await api.tdb.db('agencies').insert([
    { id: 'tf-huyen', parent_id: 'tinh-demo', name: 'Huyện thử', level: 'department' },
    { id: 'tf-xa-1', parent_id: 'tf-huyen', name: 'Xã thử 1', level: 'commune' },
    { id: 'tf-xa-2', parent_id: 'tf-huyen', name: 'Xã thử 2', level: 'commune' },
  ]);
  // MEMBER's agency (B) is not A, where the cases are.
  await api.tdb.db('people').insert([
    { id: MEMBER, display_name: 'Cán bộ xã B' },
    { id: OUTSIDER, display_name: 'Cán bộ khác xã B' },
  ]);
  await api.tdb.db('agency_staff').insert([
    { person_id: MEMBER, agency_id: B, roles: ['officer'], position: 'member' },
    { person_id: OUTSIDER, agency_id: B, roles: ['officer'], position: 'member' },
  ]);
  assigned = await petition(A);
  other = await petition(A);
  const d = await call('POST', '/v1/cases', await authHeader({ roles: ['admin'], agency: A }), {
    type: 'denunciation',
    channel: 'reception_desk',
    receivedAt: new Date().toISOString(),
    agencyId: A,
    subject: 'Tố cáo cán bộ',
    parties: [denouncer, { role: 'accused', name: 'Lê Văn Bị', address: 'Sở TNMT' }],
  });
  expect(d.status, d.text).toBe(201);
  denunciationId = d.json.id as string;
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('task forces across agencies', () => {
  const MEMBER_B = (): Json => ({ personId: MEMBER, agencyId: B });
  const createBody = (over: Json = {}): Json => ({
    name: 'Tổ công tác liên ngành',
    mandate: 'Giải quyết dứt điểm các vụ việc phức tạp',
    governingAgencyId: 'tinh-demo',
    leadPersonId: 'head-so-tnmt',
    members: [{ personId: 'head-so-tnmt' }, MEMBER_B()],
    endsOn: '2099-12-31',
    caseIds: [assigned.caseId, denunciationId],
    ...over,
  });

  it('is set up by a supervisor above every member agency; bad input names the field', async () => {
    // A department supervisor: MEMBER is staff of a commune outside its subtree.
    const low = await call(
      'POST',
      '/v1/task-forces',
      await authHeader({ roles: ['supervisor'], agency: A }),
      createBody({ governingAgencyId: A }),
    );
    expect(low.status, low.text).toBe(422);
    expect(low.json.errors).toEqual([{ path: 'members.1.agencyId', message: `${B} is outside your agency subtree` }]);
    // Nor may it name the province as the governing agency (outside its subtree: 404).
    const above = await call(
      'POST',
      '/v1/task-forces',
      await authHeader({ roles: ['supervisor'], agency: A }),
      createBody(),
    );
    expect(above.status, above.text).toBe(404);
    const officer = await call(
      'POST',
      '/v1/task-forces',
      await authHeader({ roles: ['officer'], agency: 'tinh-demo' }),
      createBody(),
    );
    expect(officer.status).toBe(403);
    const sup = await provinceSupervisor();
    const cases: Array<[Json, string]> = [
      [{ leadPersonId: OUTSIDER }, 'leadPersonId'],
      [{ endsOn: '2020-01-01' }, 'endsOn'],
      [{ periodId: 'no-such-period' }, 'periodId'],
      [{ members: [{ personId: 'head-so-tnmt' }, { personId: 'nobody-here' }] }, 'members.1.personId'],
      [{ caseIds: [randomUUID()] }, 'caseIds.0'],
    ];
    for (const [over, path] of cases) {
      const r = await call('POST', '/v1/task-forces', sup, createBody(over));
      expect(r.status, r.text).toBe(422);
      expect((r.json.errors as Json[])[0]!.path).toBe(path);
    }
    const bad = await call('POST', '/v1/task-forces', sup, createBody({ endsOn: '2099-02-30', members: [] }));
    expect(bad.status).toBe(400);
    expect((bad.json.errors as Json[]).map((e) => e.path).sort()).toEqual(['endsOn', 'members']);
    expect(await api.tdb.db('task_forces').count('* as n').first()).toEqual({ n: 0 });
  });

  it('is created once per Idempotency-Key, audited', async () => {
    const sup = await provinceSupervisor();
    const key = randomUUID();
    const r1 = await call('POST', '/v1/task-forces', sup, createBody(), key);
    expect(r1.status, r1.text).toBe(201);
    const r2 = await call('POST', '/v1/task-forces', sup, createBody(), key);
    expect(r2.json.id).toBe(r1.json.id);
    taskForceId = r1.json.id as string;
    expect(r1.json).toMatchObject({
      governingAgencyId: 'tinh-demo',
      leadPersonId: 'head-so-tnmt',
      active: true,
      members: [
        { personId: 'head-so-tnmt', agencyId: A, removedAt: null },
        { personId: MEMBER, agencyId: B, removedAt: null },
      ],
    });
    expect((r1.json.assignments as Json[]).map((a) => a.refId).sort()).toEqual(
      [assigned.caseId, denunciationId].sort(),
    );
    const audits = await api.tdb.db('audit_log').where({ action: 'task_force.created' });
    expect(audits).toHaveLength(1);
    // A case is worked by one task force at a time.
    const again = await call('POST', '/v1/task-forces', sup, createBody({ caseIds: [assigned.caseId] }));
    expect(again.status, again.text).toBe(409);
    // Read by the supervisors of its governing agency's subtree, not by the commune's.
    expect((await call('GET', `/v1/task-forces/${taskForceId}`, sup)).status).toBe(200);
    const commune = await call(
      'GET',
      `/v1/task-forces/${taskForceId}`,
      await authHeader({ roles: ['supervisor'], agency: B }),
    );
    expect(commune.status).toBe(404);
  });

  it('a member of another agency reads and works the assigned case, each access audited', async () => {
    const h = await member(B);
    const read = await call('GET', `/v1/cases/${assigned.caseId}`, h);
    expect(read.status, read.text).toBe(200);
    expect(await accessEntries(assigned.caseId)).toEqual([
      {
        actor: { type: 'user', id: MEMBER, agency: B },
        after: { taskForceId, access: `getCase ${assigned.caseId}` },
      },
    ]);
    const inbox = await call('GET', '/v1/tasks', h);
    expect(inbox.status).toBe(200);
    const ids = (inbox.json.items as Json[]).map((t) => t.id);
    expect(ids).toContain(assigned.taskId);
    expect(ids).not.toContain(other.taskId);
    const listed = await api.tdb.db('audit_log').where({ action: 'task_force.access' }).whereNull('case_id');
    const seen = listed.flatMap((e) => (e.after as { caseIds: string[] }).caseIds);
    expect(seen).toContain(assigned.caseId);
    expect(seen).not.toContain(other.caseId);
    const claim = await call('POST', `/v1/tasks/${assigned.taskId}/claim`, h);
    expect(claim.status, claim.text).toBe(200);
    const done = await call('POST', `/v1/tasks/${assigned.taskId}/complete`, h, { data: { summary: 'xong' } });
    expect(done.status, done.text).toBe(200);
    const completed = await api.tdb.db('audit_log').where({ action: 'task.completed', case_id: assigned.caseId });
    expect(completed.map((e) => (e.actor as Json).id)).toContain(MEMBER);
    expect((await accessEntries(assigned.caseId)).length).toBeGreaterThanOrEqual(3);
  });

  it('attacks: another case of the same agency, a non-member, another agency, the denouncer', async () => {
    const h = await member(B);
    // Another case of the agency whose case the member works: not found, its task neither.
    expect((await call('GET', `/v1/cases/${other.caseId}`, h)).status).toBe(404);
    expect((await call('POST', `/v1/tasks/${other.taskId}/claim`, h)).status).toBe(404);
    expect((await call('GET', `/v1/cases/${other.caseId}/history`, h)).status).toBe(403);
    // Only the read route admits a member: the case's parties, legal events and receipt stay with its agency.
    expect((await call('GET', `/v1/cases/${assigned.caseId}/receipt`, h)).status).toBe(404);
    expect((await call('POST', `/v1/cases/${assigned.caseId}/events/supplement`, h, { documents: ['X'] })).status).toBe(
      404,
    );
    // A non-member of the same agency; the member signed in for another agency; an API key named like the member.
    const outsider = await authHeader({ roles: ['officer'], agency: B, sub: OUTSIDER });
    expect((await call('GET', `/v1/cases/${assigned.caseId}`, outsider)).status).toBe(404);
    const elsewhere = await authHeader({ roles: ['officer'], agency: 'ubnd-xa-a', sub: MEMBER });
    expect((await call('GET', `/v1/cases/${assigned.caseId}`, elsewhere)).status).toBe(404);
    expect(
      ((await call('GET', '/v1/tasks?status=completed', outsider)).json.items as Json[]).map((t) => t.caseId),
    ).not.toContain(assigned.caseId);
    // The denunciation the task force works: the case, never its denouncer (identity:read is for the own subtree).
    const den = await call('GET', `/v1/cases/${denunciationId}`, h);
    expect(den.status, den.text).toBe(200);
    for (const s of [denouncer.name, denouncer.idNumber]) expect(den.text).not.toContain(s);
    const parties = await call('GET', `/v1/cases/${denunciationId}/parties`, h);
    expect(parties.status).toBe(404);
    expect(parties.text).not.toContain(denouncer.name);
    const audit = JSON.stringify(await api.tdb.db('audit_log').where({ action: 'task_force.access' }));
    expect(audit).not.toContain(denouncer.name);
  });

  it("a member works only tasks routed within the task force's governing subtree (not the level above)", async () => {
    await api.tdb.db('people').insert({ id: 'tf-officer-x2', display_name: 'Cán bộ xã thử 2' });
    await api.tdb.db('agency_staff').insert({
      person_id: 'tf-officer-x2',
      agency_id: 'tf-xa-2',
      roles: ['officer'],
      position: 'member',
    });
    const local = await petition('tf-xa-1');
    const tf = await call('POST', '/v1/task-forces', await provinceSupervisor(), {
      name: 'Tổ công tác huyện',
      mandate: 'Giải quyết vụ việc ở xã thử 1',
      governingAgencyId: 'tf-huyen',
      leadPersonId: 'tf-officer-x2',
      members: [{ personId: 'tf-officer-x2', agencyId: 'tf-xa-2' }],
      endsOn: '2099-12-31',
      caseIds: [local.caseId],
    });
    expect(tf.status, tf.text).toBe(201);
    const h = await authHeader({ roles: ['officer'], agency: 'tf-xa-2', sub: 'tf-officer-x2' });
    const [caseId, taskId] = [local.caseId, local.taskId.slice(local.caseId.length + 1)];
    // Routed to the province (a superior's review, ADR 0010): outside the district, so not the member's.
    await api.tdb
      .db('case_tasks')
      .where({ case_id: caseId, task_id: taskId })
      .update({ target_agency_id: 'tinh-demo' });
    expect((await call('POST', `/v1/tasks/${local.taskId}/claim`, h)).status).toBe(404);
    expect(((await call('GET', '/v1/tasks', h)).json.items as Json[]).map((t) => t.id)).not.toContain(local.taskId);
    // Routed within the district: the member's.
    await api.tdb.db('case_tasks').where({ case_id: caseId, task_id: taskId }).update({ target_agency_id: 'tf-xa-1' });
    expect(((await call('GET', '/v1/tasks', h)).json.items as Json[]).map((t) => t.id)).toContain(local.taskId);
    const claim = await call('POST', `/v1/tasks/${local.taskId}/claim`, h);
    expect(claim.status, claim.text).toBe(200);
  });

  it('a matter assigned brings its confirmed cases; removal and the end date end the access', async () => {
    const viaMatter = await petition(A);
    const matterId = randomUUID();
    await api.tdb.db('matters').insert({
      id: matterId,
      agency_id: A,
      title: 'Vụ việc đất đai',
      subject_norm: 'vu viec dat dai',
      first_received_at: '2025-01-01T01:00:00Z',
      last_received_at: '2025-01-01T01:00:00Z',
      created_by: 'test',
    });
    await api.tdb.db('matter_links').insert({
      id: randomUUID(),
      matter_id: matterId,
      kind: 'case',
      ref_id: viaMatter.caseId,
      decision: 'confirmed',
      linked_by: 'test',
    });
    const h = await member(B);
    expect((await call('GET', `/v1/cases/${viaMatter.caseId}`, h)).status).toBe(404);
    const sup = await provinceSupervisor();
    const a = await call('POST', `/v1/task-forces/${taskForceId}/assignments`, sup, {
      kind: 'matter',
      refId: matterId,
    });
    expect(a.status, a.text).toBe(200);
    const unknown = await call('POST', `/v1/task-forces/${taskForceId}/assignments`, sup, {
      kind: 'matter',
      refId: randomUUID(),
    });
    expect(unknown.status).toBe(422);
    expect((unknown.json.errors as Json[])[0]!.path).toBe('refId');
    expect((await call('GET', `/v1/cases/${viaMatter.caseId}`, h)).status).toBe(200);
    const inbox = await call('GET', '/v1/tasks', h);
    expect((inbox.json.items as Json[]).map((t) => t.id)).toContain(viaMatter.taskId);

    // Removed: at once. The lead cannot be removed.
    expect((await call('DELETE', `/v1/task-forces/${taskForceId}/members/head-so-tnmt`, sup)).status).toBe(409);
    const rm = await call('DELETE', `/v1/task-forces/${taskForceId}/members/${MEMBER}`, sup);
    expect(rm.status, rm.text).toBe(200);
    expect((await call('GET', `/v1/cases/${viaMatter.caseId}`, h)).status).toBe(404);
    expect((await call('POST', `/v1/tasks/${viaMatter.taskId}/claim`, h)).status).toBe(404);
    expect(((await call('GET', '/v1/tasks', h)).json.items as Json[]).map((t) => t.id)).not.toContain(viaMatter.taskId);
    // Added again: back.
    const add = await call('POST', `/v1/task-forces/${taskForceId}/members`, sup, MEMBER_B());
    expect(add.status, add.text).toBe(200);
    expect((await call('GET', `/v1/cases/${viaMatter.caseId}`, h)).status).toBe(200);
    const notStaff = await call('POST', `/v1/task-forces/${taskForceId}/members`, sup, { personId: 'nobody-here' });
    expect(notStaff.status).toBe(422);
    expect((notStaff.json.errors as Json[])[0]!.path).toBe('personId');
    expect(
      (
        await api.tdb
          .db('audit_log')
          .whereIn('action', ['task_force.member_removed', 'task_force.member_added'])
          .orderBy('seq')
      ).map((e) => e.action),
    ).toEqual(['task_force.member_removed', 'task_force.member_added']);

    // After the end date (yesterday in Vietnam): refused, and its tasks leave the member's inbox.
    const yesterday = new Date(Date.now() + 7 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    await api.tdb.db('task_forces').where({ id: taskForceId }).update({ ends_on: yesterday });
    expect((await call('GET', `/v1/cases/${viaMatter.caseId}`, h)).status).toBe(404);
    expect((await call('POST', `/v1/tasks/${viaMatter.taskId}/claim`, h)).status).toBe(404);
    expect(((await call('GET', '/v1/tasks', h)).json.items as Json[]).map((t) => t.id)).not.toContain(viaMatter.taskId);
    const got = await call('GET', `/v1/task-forces/${taskForceId}`, sup);
    expect(got.json.active).toBe(false);
    await api.tdb.db('task_forces').where({ id: taskForceId }).update({ ends_on: '2099-12-31' });
  });
});
