/**
 * Issue 14.5 on the real stack (ADR 0035): a province supervisor declares a Party congress period for a
 * department and a commune (a commune cannot declare it; creation is idempotent; its workflow runs); the duty
 * roster with its gaps (a working day × place without duty staff) and the check that opens a gap task; daily
 * reports — one submitted (pre-filled from the visits recorded that day, closing its task) and one missing
 * (escalated to the agency above); and a letter flagged at intake as concerning congress personnel, routed to
 * the designated agency with the period's internal target shown next to the statutory clocks, marked
 * internal, with no denouncer identity in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceptionPeriodActivities } from '../../activities/reception-periods.js';
import { calendarServiceFor } from '../../calendar/service.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { vnAt } from '../../reception/periods.js';
import { ensureReceptionPeriodReconcileSchedule } from '../../reception/period-schedules.js';
import {
  RECEPTION_PERIOD_RECONCILE_SCHEDULE,
  RECEPTION_PERIOD_RECONCILE_WORKFLOW,
  receptionPeriodWorkflowId,
  type PeriodReconcileResult,
} from '../../workflows/reception-period-contract.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, poll, startTestApi, type Json, type TestApi } from '../support/api.js';

let api: TestApi;
const call = apiCaller(() => api.url);
let province: Record<string, string>;
let communeSupervisor: Record<string, string>;
let officer: Record<string, string>;

const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** The test's day in Vietnam, taken once when the suite starts (not at module load). */
let today: string;
const SECRET_NAME = 'Trần Thị Bí Mật';

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  today = vnDate(Date.now());
  province = await authHeader({ roles: ['supervisor'], agency: 'tinh-demo' });
  communeSupervisor = await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-a' });
  officer = await authHeader({ roles: ['reception_officer'], agency: 'so-tnmt' });
  await api.tdb.db('reception_places').insert([
    { id: 'p-so-1', agency_id: 'so-tnmt', name: 'Phòng tiếp dân Sở', kind: 'department_point', created_by: 't' },
    { id: 'p-so-2', agency_id: 'so-tnmt', name: 'Điểm tiếp dân 2', kind: 'department_point', created_by: 't' },
    { id: 'p-xa-a', agency_id: 'ubnd-xa-a', name: 'Trụ sở UBND xã A', kind: 'committee_seat', created_by: 't' },
  ]);
});
afterAll(async () => {
  await api?.close();
});

const periodBody = (o: Json = {}) => ({
  name: 'Đại hội đại biểu Đảng bộ tỉnh',
  kind: 'party_congress',
  startsOn: addDays(today, -3),
  endsOn: addDays(today, 10),
  governingAgencyId: 'tinh-demo',
  agencyIds: ['so-tnmt', 'ubnd-xa-a'],
  designatedAgencyId: 'so-tnmt',
  flaggedTargetDays: 5,
  reportDueTime: '23:59',
  ...o,
});

describe('special periods (issue 14.5)', () => {
  let period: Json;
  let workingDay: string;
  let restDay: string | undefined;

  it('a province supervisor declares a period (idempotent, audited, its workflow running); a commune cannot', async () => {
    const a = await call('POST', '/v1/reception/periods', province, periodBody(), 'period-1');
    expect(a.status, a.text).toBe(201);
    period = a.json;
    expect(period).toMatchObject({
      governingAgencyId: 'tinh-demo',
      agencies: ['so-tnmt', 'ubnd-xa-a'],
      status: 'active',
      flaggedTargetUnconfirmed: true,
      workflowId: receptionPeriodWorkflowId(period.id as string),
    });
    const again = await call('POST', '/v1/reception/periods', province, periodBody(), 'period-1');
    expect(again.json.id).toBe(period.id);

    // The commune names the province as the governing level: not within its reach.
    const up = await call('POST', '/v1/reception/periods', communeSupervisor, periodBody());
    expect(up.status).toBe(404);
    // The commune declares at its own level but names the department: 422 on the field.
    const wide = await call(
      'POST',
      '/v1/reception/periods',
      communeSupervisor,
      periodBody({ governingAgencyId: 'ubnd-xa-a', designatedAgencyId: 'ubnd-xa-a' }),
    );
    expect(wide.status, wide.text).toBe(422);
    expect(wide.json.errors).toEqual([expect.objectContaining({ path: 'agencyIds.0' })]);
    const reversed = await call('POST', '/v1/reception/periods', province, periodBody({ endsOn: addDays(today, -5) }));
    expect(reversed.status).toBe(422);
    expect(reversed.json.errors).toEqual([expect.objectContaining({ path: 'endsOn' })]);
    // An agency concerned reads it but does not change it.
    expect((await call('GET', `/v1/reception/periods/${period.id}`, communeSupervisor)).status).toBe(200);
    const change = await call('PATCH', `/v1/reception/periods/${period.id}`, communeSupervisor, { reason: 'x' });
    expect(change.status).toBe(403);

    const audit = await api.tdb.db('audit_log').where({ action: 'reception.period.created' });
    expect(audit).toHaveLength(1);
    const wf = await api.deps.temporal.workflow.getHandle(period.workflowId as string).describe();
    expect(wf.status.name).toBe('RUNNING');
    const list = await call('GET', `/v1/reception/periods?activeOn=${today}`, officer);
    expect((list.json.items as Json[]).map((p: Json) => p.id)).toEqual([period.id]);
  });

  it('the roster: gaps are every working day × place without duty staff; filling one removes it', async () => {
    // The period workflow checks a day's roster the day before at 14:00 Vietnam time, and runs a check already
    // due as soon as it starts: tomorrow's check may have run (before any roster was declared) when this test
    // runs after 14:00. A working day at least two days ahead has its check still in the future, so the check
    // below is the first and sees the roster declared here.
    const days = (await calendarServiceFor(api.tdb.db).listDays(addDays(today, 1), addDays(today, 10))).days;
    workingDay = days.find((d) => d.working && d.date >= addDays(today, 2))!.date;
    restDay = days.find((d) => !d.working)?.date;
    const gaps = await call(
      'GET',
      `/v1/reception/periods/${period.id}/roster/gaps?from=${workingDay}&to=${workingDay}`,
      province,
    );
    expect(gaps.status, gaps.text).toBe(200);
    expect((gaps.json.items as Json[]).map((g: Json) => g.placeId).sort()).toEqual(['p-so-1', 'p-so-2', 'p-xa-a']);
    const set = await call('PUT', `/v1/reception/periods/${period.id}/roster`, officer, {
      placeId: 'p-so-1',
      date: workingDay,
      personIds: ['head-so-tnmt'],
    });
    expect(set.status, set.text).toBe(200);
    const after = await call(
      'GET',
      `/v1/reception/periods/${period.id}/roster/gaps?from=${workingDay}&to=${workingDay}`,
      province,
    );
    expect((after.json.items as Json[]).map((g: Json) => g.placeId).sort()).toEqual(['p-so-2', 'p-xa-a']);
    // The department's officer sees only its own places' gaps.
    const mine = await call(
      'GET',
      `/v1/reception/periods/${period.id}/roster/gaps?from=${workingDay}&to=${workingDay}`,
      officer,
    );
    expect((mine.json.items as Json[]).map((g: Json) => g.placeId)).toEqual(['p-so-2']);
    const roster = await call('GET', `/v1/reception/periods/${period.id}/roster`, officer);
    expect(roster.json.items).toEqual([
      expect.objectContaining({ placeId: 'p-so-1', date: workingDay, personId: 'head-so-tnmt' }),
    ]);

    const stranger = await call('PUT', `/v1/reception/periods/${period.id}/roster`, officer, {
      placeId: 'p-so-2',
      date: workingDay,
      personIds: ['head-ubnd-xa-a'],
    });
    expect(stranger.status).toBe(422);
    expect(stranger.json.errors).toEqual([expect.objectContaining({ path: 'personIds' })]);
    const foreign = await call('PUT', `/v1/reception/periods/${period.id}/roster`, officer, {
      placeId: 'p-xa-a',
      date: workingDay,
      personIds: [],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.json.errors).toEqual([expect.objectContaining({ path: 'placeId' })]);
    if (restDay) {
      const rest = await call('PUT', `/v1/reception/periods/${period.id}/roster`, officer, {
        placeId: 'p-so-2',
        date: restDay,
        personIds: ['head-so-tnmt'],
      });
      expect(rest.status).toBe(422);
      expect(rest.json.errors).toEqual([expect.objectContaining({ path: 'date' })]);
    }

    // The durable check (the day before): a task per agency whose places are not all staffed.
    const acts = createReceptionPeriodActivities({ db: api.tdb.db });
    // (The period workflow runs the same check the day before at 14:00: whoever comes first opens the tasks.)
    const r = await acts.checkPeriodRoster({ periodId: period.id as string, date: workingDay });
    expect(r.gaps).toBe(2);
    expect(await acts.checkPeriodRoster({ periodId: period.id as string, date: workingDay })).toEqual({
      gaps: 2,
      opened: 0,
    });
    const tasks = await call('GET', `/v1/reception/periods/${period.id}/tasks?kind=duty_roster_gap`, province);
    const ofDay = (tasks.json.items as Json[]).filter((t) => t.date === workingDay);
    expect(ofDay.map((t: Json) => [t.agencyId, t.date, t.status, (t.details as Json).places])).toEqual(
      expect.arrayContaining([
        ['so-tnmt', workingDay, 'open', ['p-so-2']],
        ['ubnd-xa-a', workingDay, 'open', ['p-xa-a']],
      ]),
    );
    // Staffing the last place closes the department's task.
    await call('PUT', `/v1/reception/periods/${period.id}/roster`, officer, {
      placeId: 'p-so-2',
      date: workingDay,
      personIds: ['head-so-tnmt'],
    });
    const closed = await call(
      'GET',
      `/v1/reception/periods/${period.id}/tasks?kind=duty_roster_gap&status=open`,
      province,
    );
    const stillOpen = (closed.json.items as Json[]).filter((t) => t.date === workingDay);
    expect(stillOpen.map((t: Json) => t.agencyId)).toEqual(['ubnd-xa-a']);
  });

  it('daily reports: one submitted (pre-filled from the visits, closing its task), one missing and escalated', async () => {
    const todayWorking = (await calendarServiceFor(api.tdb.db).listDays(today, today)).days[0]!.working;
    if (todayWorking) {
      // The period workflow opened today's report tasks on its own (the day had begun when it was declared).
      await poll(
        'daily report tasks opened by the workflow',
        async () => (await call('GET', `/v1/reception/periods/${period.id}/tasks?kind=daily_report`, province)).json,
        (j) => (j.items as Json[]).filter((t) => t.date === today).length === 2,
      );
    } else {
      // On a non-working day the workflow opens no report task: open them as it does on a working day, so the
      // report below closes its task either way.
      const acts = createReceptionPeriodActivities({ db: api.tdb.db });
      expect(await acts.openDailyReportTasks({ periodId: period.id as string, date: today })).toEqual({ opened: 2 });
    }
    await api.tdb.db('reception_sessions').insert({
      id: '11111111-1111-4111-8111-111111111111',
      agency_id: 'so-tnmt',
      place_id: 'p-so-1',
      kind: 'regular',
      received_by: 'in_person',
      mode: 'in_person',
      session_date: today,
      started_at: new Date().toISOString(),
      period_id: period.id,
      created_by: 't',
    });
    await api.tdb.db('reception_visits').insert([
      {
        id: '22222222-2222-4222-8222-222222222222',
        session_id: '11111111-1111-4111-8111-111111111111',
        agency_id: 'so-tnmt',
        visited_at: new Date().toISOString(),
        people_count: 12,
        is_delegation: true,
        content_type: 'complaint',
        summary: 'Đoàn đông người',
        outcome: 'guided',
        created_by: 't',
      },
      {
        id: '33333333-3333-4333-8333-333333333333',
        session_id: '11111111-1111-4111-8111-111111111111',
        agency_id: 'so-tnmt',
        visited_at: new Date().toISOString(),
        people_count: 1,
        content_type: 'petition',
        summary: 'Một công dân',
        outcome: 'guided',
        created_by: 't',
      },
    ]);
    const before = await call('GET', `/v1/reception/periods/${period.id}/reports?date=${today}`, province);
    expect(before.json.items).toEqual([
      expect.objectContaining({
        agencyId: 'so-tnmt',
        status: 'missing',
        recorded: { visits: 2, people: 13, delegations: 1 },
      }),
      expect.objectContaining({ agencyId: 'ubnd-xa-a', status: 'missing' }),
    ]);
    const sentAt = Date.now();
    const put = await call('PUT', `/v1/reception/periods/${period.id}/reports/so-tnmt/${today}`, officer, {
      incidents: 0,
      note: 'Ổn định',
    });
    const answeredAt = Date.now();
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ visits: 2, people: 13, delegations: 1, incidents: 0 });
    // Late only when submitted after the day's due time (23:59 Vietnam time), which the suite may run across:
    // on time when answered before it, late when sent after it (either while the request spans it).
    const due = vnAt(today, period.reportDueTime as string);
    if (answeredAt <= due || sentAt > due) expect(put.json.late).toBe(sentAt > due);
    else expect(typeof put.json.late).toBe('boolean');
    // The commune is not the department officer's to report.
    expect(
      (await call('PUT', `/v1/reception/periods/${period.id}/reports/ubnd-xa-a/${today}`, officer, { incidents: 0 }))
        .status,
    ).toBe(404);
    const future = await call(
      'PUT',
      `/v1/reception/periods/${period.id}/reports/so-tnmt/${addDays(today, 2)}`,
      officer,
      {
        incidents: 0,
      },
    );
    expect(future.status).toBe(422);

    const acts = createReceptionPeriodActivities({ db: api.tdb.db });
    await acts.openDailyReportTasks({ periodId: period.id as string, date: today });
    const r = await acts.escalateLateDailyReports({ periodId: period.id as string, date: today });
    expect(r.escalated).toBe(1);
    const after = await call('GET', `/v1/reception/periods/${period.id}/reports?date=${today}`, province);
    expect((after.json.items as Json[]).map((i: Json) => [i.agencyId, i.status])).toEqual([
      ['so-tnmt', 'submitted'],
      ['ubnd-xa-a', 'missing'],
    ]);
    const tasks = (await call('GET', `/v1/reception/periods/${period.id}/tasks`, province)).json.items as Json[];
    const ofToday = tasks.filter((t) => t.date === today && t.kind !== 'duty_roster_gap');
    expect(ofToday.map((t) => [t.kind, t.agencyId, t.subjectAgencyId, t.status]).sort()).toEqual([
      ['daily_report', 'so-tnmt', 'so-tnmt', 'closed'],
      ['daily_report', 'ubnd-xa-a', 'ubnd-xa-a', 'open'],
      ['daily_report_late', 'tinh-demo', 'ubnd-xa-a', 'open'],
    ]);
    expect(await api.tdb.db('audit_log').where({ action: 'reception.period.report_late' })).toHaveLength(1);
    // The commune reports late: its tasks close, the report is marked late.
    const late = await call(
      'PUT',
      `/v1/reception/periods/${period.id}/reports/ubnd-xa-a/${today}`,
      await authHeader({ roles: ['reception_officer'], agency: 'ubnd-xa-a' }),
      { incidents: 1, visits: 0, delegations: 0, people: 0 },
    );
    expect(late.status, late.text).toBe(200);
    const open = await call('GET', `/v1/reception/periods/${period.id}/tasks?status=open`, province);
    expect((open.json.items as Json[]).filter((t) => t.date === today && t.kind !== 'duty_roster_gap')).toEqual([]);
  });

  it('a letter concerning congress personnel is routed to the designated agency with its internal target', async () => {
    const intake = await authHeader({ roles: ['intake'], agency: 'ubnd-xa-a' });
    const letter = {
      type: 'denunciation',
      channel: 'reception_desk',
      receivedAt: new Date().toISOString(),
      agencyId: 'ubnd-xa-a',
      subject: 'Tố cáo liên quan nhân sự đại hội',
      parties: [{ role: 'denouncer', name: SECRET_NAME, idNumber: '001203009999' }],
      concernsCongressPersonnel: true,
    };
    const created = await call('POST', '/v1/cases', intake, letter, 'letter-1');
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const view = await call('GET', `/v1/cases/${id}`, province);
    expect(view.status, view.text).toBe(200);
    expect(view.json.agencyId).toBe('so-tnmt');
    const due = (await calendarServiceFor(api.tdb.db).deadline(today, 5, 'working_days')).due;
    expect(view.json.internalClocks).toEqual([
      expect.objectContaining({ kind: 'internal', statutory: false, periodId: period.id, days: 5, dueOn: due }),
    ]);
    // Statutory clocks are untouched and listed apart.
    expect((view.json.clocks as Json[]).every((k) => k.kind !== 'internal')).toBe(true);
    // The commune no longer holds it; the department does.
    expect((await call('GET', `/v1/cases/${id}`, communeSupervisor)).status).toBe(404);
    expect(
      (await call('GET', `/v1/cases/${id}`, await authHeader({ roles: ['officer'], agency: 'so-tnmt' }))).status,
    ).toBe(200);
    // The case workflow took the new agency (its projection follows).
    await poll(
      'case_states moved',
      async () => (await api.tdb.db('case_states').where({ case_id: id }).first('agency_id')) as Json | undefined,
      (r) => r?.agency_id === 'so-tnmt',
    );
    // A retried intake (same Idempotency-Key) answers the same case and flags nothing twice.
    const retried = await call('POST', '/v1/cases', intake, letter, 'letter-1');
    expect(retried.json.id).toBe(id);
    const flags = await api.tdb.db('reception_period_flags').where({ case_id: id });
    expect(flags).toEqual([
      expect.objectContaining({ period_id: period.id, routed_to_agency_id: 'so-tnmt', source: 'intake' }),
    ]);
    const audit = await api.tdb.db('audit_log').where({ case_id: id });
    expect(audit.map((a: Json) => a.action)).toEqual(
      expect.arrayContaining(['case.agency_moved', 'reception.period.case_flagged']),
    );
    expect(JSON.stringify(audit)).not.toContain(SECRET_NAME);
    expect(JSON.stringify(audit)).not.toContain('001203009999');
    // Flagging again (an officer, later) answers the flag as it is.
    const again = await call('POST', `/v1/cases/${id}/congress-personnel`, province, { reason: 'kiểm tra' });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ routed: false, agencyId: 'so-tnmt', internalClock: { dueOn: due } });

    // A case of an agency no period concerns: 422.
    const other = await call('POST', '/v1/cases', await authHeader({ roles: ['intake'], agency: 'ubnd-xa-b' }), {
      type: 'petition',
      channel: 'portal',
      receivedAt: new Date().toISOString(),
      agencyId: 'ubnd-xa-b',
      subject: 'Kiến nghị',
    });
    const refused = await call('POST', `/v1/cases/${other.json.id}/congress-personnel`, province, { reason: 'x' });
    expect(refused.status, refused.text).toBe(422);
  });

  it('a reception session during the period is recorded with it', async () => {
    await api.tdb.db('reception_places').insert({
      id: 'rp_00000000000000aa',
      agency_id: 'so-tnmt',
      name: 'Phòng tiếp dân (đại hội)',
      kind: 'department_point',
      created_by: 't',
    });
    const body = {
      agencyId: 'so-tnmt',
      placeId: 'rp_00000000000000aa',
      kind: 'regular',
      receivedBy: 'in_person',
      mode: 'in_person',
      startedAt: new Date(Date.now() - 60_000).toISOString(),
    };
    const s = await call('POST', '/v1/reception/sessions', officer, body);
    expect(s.status, s.text).toBe(201);
    expect(s.json.periodId).toBe(period.id);
    const wrong = await call('POST', '/v1/reception/sessions', officer, { ...body, periodId: 'rpd_0000000000000000' });
    expect(wrong.status, wrong.text).toBe(422);
    expect(wrong.json.errors).toEqual([expect.objectContaining({ path: 'periodId' })]);
  });

  it('a change re-plans the workflow; a cancellation closes the tasks and ends it', async () => {
    const ch = await call('PATCH', `/v1/reception/periods/${period.id}`, province, {
      endsOn: addDays(today, 12),
      reason: 'Đại hội kéo dài',
    });
    expect(ch.status, ch.text).toBe(200);
    expect(ch.json).toMatchObject({ endsOn: addDays(today, 12), sequence: 1 });
    const c = await call('POST', `/v1/reception/periods/${period.id}/cancel`, province, { reason: 'Hoãn' });
    expect(c.status, c.text).toBe(200);
    expect(c.json.status).toBe('cancelled');
    const h = api.deps.temporal.workflow.getHandle(period.workflowId as string);
    expect(await h.result()).toMatchObject({ status: 'cancelled' });
    const open = await call('GET', `/v1/reception/periods/${period.id}/tasks?status=open`, province);
    expect(open.json.items).toEqual([]);
    expect((await call('PATCH', `/v1/reception/periods/${period.id}`, province, { reason: 'x' })).status).toBe(409);
  });

  it('a period whose workflow start was lost is started by the reconciler, exactly once', async () => {
    const db = api.tdb.db;
    // The commit happened, the start did not (a crash between the two): the row without its workflow.
    const id = `rpd_${'0123456789abcdef'}`;
    await db('reception_periods').insert({
      id,
      name: 'Kỳ họp HĐND tỉnh',
      kind: 'other',
      starts_on: addDays(today, 1),
      ends_on: addDays(today, 4),
      governing_agency_id: 'tinh-demo',
      designated_agency_id: 'so-tnmt',
      flagged_target_days: 5,
      report_due_time: '16:00',
      created_by: JSON.stringify({ type: 'user', id: 'crashed' }),
    });
    await db('reception_period_agencies').insert({ period_id: id, agency_id: 'ubnd-xa-a' });
    // A period declared through the API is recorded as started: the reconciler leaves it alone.
    expect(await db('reception_periods').where({ id: period.id }).first('workflow_started_at')).toMatchObject({
      workflow_started_at: expect.any(Date),
    });
    const reconcile = (olderThanSeconds: number) =>
      api.deps.temporal.workflow.execute(RECEPTION_PERIOD_RECONCILE_WORKFLOW, {
        taskQueue: api.deps.taskQueue,
        workflowId: `reconcile-${id}-${olderThanSeconds}-${Math.random()}`,
        args: [{ olderThanSeconds }],
      }) as Promise<PeriodReconcileResult>;
    // Within the grace period the API may still be starting it: not touched.
    expect(await reconcile(3600)).toMatchObject({ found: 0, started: 0 });
    expect(await reconcile(0)).toMatchObject({ found: 1, started: 1 });
    const h = api.deps.temporal.workflow.getHandle(receptionPeriodWorkflowId(id));
    expect((await h.describe()).status.name).toBe('RUNNING');
    const marked = await db('reception_periods').where({ id }).first('workflow_started_at');
    expect(marked.workflow_started_at).toBeInstanceOf(Date);
    // Again: nothing to start; and a start after the mark is lost (the mark cleared) finds the run: one run only.
    expect(await reconcile(0)).toMatchObject({ found: 0, started: 0 });
    await db('reception_periods').where({ id }).update({ workflow_started_at: null });
    expect(await reconcile(0)).toMatchObject({ found: 1, started: 0 });
    const runs = [];
    for await (const w of api.deps.temporal.workflow.list({ query: `WorkflowId = '${receptionPeriodWorkflowId(id)}'` }))
      runs.push(w.runId);
    expect(runs).toHaveLength(1);
    await h.terminate('test done');
  });

  it('the reconciler is a Temporal Schedule every 5 minutes', async () => {
    expect(await ensureReceptionPeriodReconcileSchedule(api.deps.temporal, api.deps.taskQueue)).toBe(
      RECEPTION_PERIOD_RECONCILE_SCHEDULE.scheduleId,
    );
    const d = await api.deps.temporal.schedule.getHandle(RECEPTION_PERIOD_RECONCILE_SCHEDULE.scheduleId).describe();
    const next = d.info.nextActionTimes.slice(0, 2).map((t) => t.getTime());
    expect(next[1]! - next[0]!).toBe(5 * 60_000);
    expect(new Date(next[0]!).getUTCMinutes() % 5).toBe(0);
    expect(d.action).toMatchObject({ workflowType: RECEPTION_PERIOD_RECONCILE_WORKFLOW });
    await api.deps.temporal.schedule.getHandle(RECEPTION_PERIOD_RECONCILE_SCHEDULE.scheduleId).delete();
  });
});
