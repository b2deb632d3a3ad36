/**
 * Issue 14.4 on the real stack (PostgreSQL, the Temporal dev server, the case worker, the HTTP API): a
 * month of reception sessions; the compliance report counts each head's in-person days against the rule
 * in force (the commune chairman's two days a month from 01/07/2026), reports delegated days apart, and
 * the month's sessions, visits, people, delegations and letters; the compliance workflow opens one task
 * for the supervising agency of a head who fell short — citing the article, audited, with its outbox
 * event — and a second run opens nothing new. The head of the supervising agency is notified of each task
 * (email through a real SMTP server in-process, and the in-app inbox): a notification whose subject is the
 * compliance task, not a case.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECEPTION_COMPLIANCE_WORKFLOW,
  type ComplianceCheckResult,
} from '../../workflows/reception-compliance-contract.js';
import { shortfalls } from '../../reception/compliance.js';
import { resolveRecipients } from '../../directory/recipients.js';
import { createEmailTransport } from '../../notifications/transports.js';
import { notificationWorkflowId } from '../../workflows/notification-contract.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, startTestApi, type Json, type TestApi } from '../support/api.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

const BASE = 'https://kntc.example.gov.vn';
let api: TestApi;
let smtp: TestSmtp;
const call = apiCaller(() => api.url);

let n = 0;
async function session(
  agencyId: string,
  date: string,
  o: { leader?: string; receivedBy?: 'in_person' | 'delegated'; kind?: string; mode?: string } = {},
  visits: Array<{ people: number; delegation?: boolean; outcome?: string }> = [],
): Promise<void> {
  const db = api.tdb.db;
  const id = `rs-${++n}`;
  await db('reception_sessions').insert({
    id,
    agency_id: agencyId,
    place_id: `${agencyId}-place`,
    kind: o.kind ?? 'periodic',
    leader_person_id: o.kind === 'regular' ? null : (o.leader ?? `head-${agencyId}`),
    received_by: o.receivedBy ?? 'in_person',
    delegate_person_id: o.receivedBy === 'delegated' ? `deputy-${agencyId}` : null,
    mode: o.mode ?? 'in_person',
    session_date: date,
    started_at: `${date}T08:00:00+07:00`,
    created_by: 'test',
  });
  for (const v of visits)
    await db('reception_visits').insert({
      id: `rv-${randomUUID()}`,
      session_id: id,
      agency_id: agencyId,
      visited_at: `${date}T08:30:00+07:00`,
      people_count: v.people,
      is_delegation: v.delegation ?? false,
      content_type: 'complaint',
      summary: 's',
      outcome: v.outcome ?? 'guided',
      created_by: 'test',
    });
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  api = await startTestApi({
    worker: true,
    notifications: {
      resolveRecipients,
      email: createEmailTransport({ smtpUrl: smtp.url, from: 'KNTC <no-reply@kntc.test>' }),
      publicBaseUrl: BASE,
      retry: { initialIntervalMs: 200, maximumIntervalMs: 500, periodMs: 10_000 },
    },
  });
  const db = api.tdb.db;
  const agencies = ['tinh-demo', 'so-tnmt', 'thanh-tra-tinh', 'ubnd-xa-a', 'ubnd-xa-b'];
  await db('reception_places').insert(
    agencies.map((a) => ({
      id: `${a}-place`,
      agency_id: a,
      name: `Nơi tiếp ${a}`,
      kind: 'reception_office',
      created_by: 't',
    })),
  );
  await db('people').insert(agencies.map((a) => ({ id: `deputy-${a}`, display_name: `Phó ${a}` })));
  await db('agency_staff').insert(
    agencies.map((a) => ({ person_id: `deputy-${a}`, agency_id: a, roles: ['supervisor'], position: 'deputy' })),
  );
  // July 2026. The province chairman: one day in person (kept, 1/month).
  await session('tinh-demo', '2026-07-15', {}, [
    { people: 12, delegation: true },
    { people: 1, outcome: 'letter_received' },
  ]);
  // Department heads: so-tnmt kept (online counts), thanh-tra-tinh only delegated (short).
  await session('so-tnmt', '2026-07-09', { mode: 'online' }, [{ people: 1 }]);
  await session('thanh-tra-tinh', '2026-07-10', { receivedBy: 'delegated' }, [{ people: 2 }]);
  // Commune A: two days in person, one of them twice (kept: 2/month from 01/07/2026).
  await session('ubnd-xa-a', '2026-07-06');
  await session('ubnd-xa-a', '2026-07-06', { kind: 'ad_hoc' });
  await session('ubnd-xa-a', '2026-07-20');
  // Commune B: one day in person, one delegated, and the reception board's regular sessions (short).
  await session('ubnd-xa-b', '2026-07-07', {}, [{ people: 3, outcome: 'letter_received' }]);
  await session('ubnd-xa-b', '2026-07-21', { receivedBy: 'delegated' });
  await session('ubnd-xa-b', '2026-07-22', { kind: 'regular' }, [{ people: 1 }]);
  // Outside the month: not counted.
  await session('ubnd-xa-b', '2026-08-01');
});
afterAll(async () => {
  await api?.close();
  await smtp?.close();
});

describe('reception compliance (issue 14.4)', () => {
  it("reports a month per agency of the caller's subtree: days held in person vs delegated, and the month's activity", async () => {
    const r = await call(
      'GET',
      '/v1/reception/compliance?month=2026-07',
      await authHeader({ roles: ['supervisor'], agency: 'tinh-demo' }),
    );
    expect(r.status, r.text).toBe(200);
    const by = Object.fromEntries((r.json.items as Json[]).map((i) => [i.agencyId, i]));
    expect(by['tinh-demo']).toMatchObject({
      kept: true,
      leaderDaysHeld: 1,
      sessions: 1,
      visits: 2,
      people: 13,
      delegations: 1,
      lettersReceived: 1,
      head: { personId: 'head-tinh-demo', name: 'Nguyễn Văn An' },
    });
    expect((by['tinh-demo']!.obligations as Json[])[0]!.citation).toContain('Art 12(5)');
    expect(by['so-tnmt']).toMatchObject({ kept: true, leaderDaysHeld: 1 });
    expect(by['thanh-tra-tinh']).toMatchObject({ kept: false, leaderDaysHeld: 0, leaderDaysDelegated: 1 });
    expect(by['ubnd-xa-a']).toMatchObject({ kept: true, leaderDaysHeld: 2, sessions: 3 });
    expect(by['ubnd-xa-b']).toMatchObject({
      kept: false,
      leaderDaysHeld: 1,
      leaderDaysDelegated: 1,
      sessions: 3,
      visits: 2,
      lettersReceived: 1,
    });
    expect(by['ubnd-xa-b']!.obligations).toEqual([
      expect.objectContaining({ ruleId: 'commune-chair-monthly-2026', required: 2, held: 1, delegated: 1 }),
    ]);
    // A commune supervisor sees its own agency only; a bad month names the field.
    const own = await call(
      'GET',
      '/v1/reception/compliance?month=2026-07',
      await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-b' }),
    );
    expect((own.json.items as Json[]).map((i) => i.agencyId)).toEqual(['ubnd-xa-b']);
    const bad = await call('GET', '/v1/reception/compliance?month=2026-13', await authHeader({ roles: ['auditor'] }));
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'query.month' })]);
  });

  it('a head who missed the minimum → one compliance task for the supervising agency, citing the article', async () => {
    const run = () =>
      api.deps.temporal.workflow.execute(RECEPTION_COMPLIANCE_WORKFLOW, {
        taskQueue: api.deps.taskQueue,
        workflowId: `compliance-${randomUUID()}`,
        args: [{ period: 'month', month: '2026-07' }],
      }) as Promise<ComplianceCheckResult>;
    const first = await run();
    expect(first).toMatchObject({ period: 'month', first: '2026-07-01', last: '2026-07-31', shortfalls: 2, opened: 2 });
    const tasks = await api.tdb.db('reception_compliance_tasks').orderBy('agency_id');
    expect(tasks.map((t: Json) => [t.agency_id, t.supervising_agency_id, t.held_days, t.required_days])).toEqual([
      ['thanh-tra-tinh', 'tinh-demo', 0, 1],
      ['ubnd-xa-b', 'tinh-demo', 1, 2],
    ]);
    expect(tasks[1].citation).toContain('136/2025');
    expect(tasks[1].recipients).toEqual(['head-tinh-demo']);
    const events = await api.tdb.db('events').where({ type: 'vn.kntc.reception.compliance.shortfall' });
    expect(events).toHaveLength(2);
    expect(events.every((e: Json) => e.agency_id === 'tinh-demo')).toBe(true);
    const audit = await api.tdb.db('audit_log').where({ action: 'reception.compliance.shortfall' });
    expect(audit.map((a: Json) => a.legal_basis)).toEqual(expect.arrayContaining([tasks[1].citation]));

    // The head of the supervising province is notified of each task: one notification per task, about the task.
    const ns = await api.tdb
      .db('case_notifications')
      .where({ subject_kind: 'reception_compliance_task' })
      .orderBy('agency_id');
    expect(ns.map((x: Json) => [x.subject_id, x.case_id, x.agency_id, x.kind])).toEqual([
      [tasks[0].id, null, 'thanh-tra-tinh', 'reception_compliance_shortfall'],
      [tasks[1].id, null, 'ubnd-xa-b', 'reception_compliance_shortfall'],
    ]);
    const settled = await api.dev.client.workflow.getHandle(notificationWorkflowId(String(ns[1].id))).result();
    expect(settled).toMatchObject({ status: 'sent', deliveries: 2 });
    const mails = smtp.messages.filter((m) => m.text?.includes(String(tasks[1].citation)));
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.to && !Array.isArray(m.to) ? m.to.value.map((a) => a.address) : []).toEqual([
      'chu-tich@tinh-demo.kntc.local',
    ]);
    const communeName = String((await api.tdb.db('agencies').where({ id: 'ubnd-xa-b' }).first('name')).name);
    expect(m.subject).toBe(`[KNTC] Người đứng đầu ${communeName} chưa tiếp công dân đủ số ngày tháng 07/2026`);
    for (const body of [m.text!, String(m.html)]) {
      expect(body).toContain('Kính gửi đồng chí Nguyễn Văn An');
      expect(body).toContain(communeName);
      expect(body).toContain('tháng 07/2026');
      expect(body).toContain(String(tasks[1].citation));
      expect(body).toContain(`${BASE}/v1/reception/compliance?month=2026-07`);
    }
    expect(m.text).toContain('Số ngày phải tiếp trực tiếp: 2');
    expect(m.text).toContain('Số ngày đã tiếp trực tiếp: 1');
    // The in-app inbox of the province's head: the message names its subject, no case.
    const inbox = await call(
      'GET',
      '/v1/me/notifications',
      await authHeader({ roles: ['supervisor'], agency: 'tinh-demo', sub: 'head-tinh-demo' }),
    );
    expect(inbox.status, inbox.text).toBe(200);
    const mine = (inbox.json.items as Json[]).filter((i) => i.kind === 'reception_compliance_shortfall');
    expect(mine).toHaveLength(2);
    expect(mine.find((i) => (i.about as Json).id === tasks[1].id)).toMatchObject({
      caseId: null,
      about: { kind: 'reception_compliance_task', id: tasks[1].id },
      link: `${BASE}/v1/reception/compliance?month=2026-07`,
    });

    // Idempotent per agency, rule and period; a re-run records and sends nothing again.
    expect(await run()).toMatchObject({ shortfalls: 2, opened: 0 });
    expect(await api.tdb.db('case_notifications').where({ subject_kind: 'reception_compliance_task' })).toHaveLength(2);
    expect(smtp.messages.filter((x) => x.text?.includes(String(tasks[1].citation)))).toHaveLength(1);
    expect(await api.tdb.db('reception_compliance_tasks').count({ n: '*' })).toEqual([{ n: 2 }]);

    // The supervising province sees the tasks; a commune none.
    const list = await call(
      'GET',
      '/v1/reception/compliance/tasks?limit=1',
      await authHeader({ roles: ['supervisor'], agency: 'tinh-demo' }),
    );
    expect(list.json.items).toHaveLength(1);
    const page2 = await call(
      'GET',
      String(list.json.next),
      await authHeader({ roles: ['supervisor'], agency: 'tinh-demo' }),
    );
    expect((page2.json.items as Json[]).length).toBe(1);
    expect((page2.json.items as Json[])[0]!.id).not.toBe((list.json.items as Json[])[0]!.id);
    const commune = await call(
      'GET',
      '/v1/reception/compliance/tasks',
      await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-a' }),
    );
    expect(commune.json.items).toEqual([]);
    // The commune that fell short neither lists nor opens the province's task (the level that closes it lists it);
    // the province opens what it lists.
    const short = await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-b' });
    expect((await call('GET', '/v1/reception/compliance/tasks', short)).json.items).toEqual([]);
    expect((await call('GET', `/v1/reception/compliance/tasks/${String(tasks[1].id)}`, short)).status).toBe(404);
    const province = await authHeader({ roles: ['supervisor'], agency: 'tinh-demo' });
    for (const t of [...(list.json.items as Json[]), ...(page2.json.items as Json[])])
      expect((await call('GET', `/v1/reception/compliance/tasks/${String(t.id)}`, province)).status).toBe(200);
  });

  it("weekly checks end with the commune's weekly rule; the head is judged as of the session date", async () => {
    const db = api.tdb.db;
    // Commune A's chairman received on 2026-06-23 (a week of the weekly rule); nothing in the week of 06-15.
    await session('ubnd-xa-a', '2026-06-23');
    const june = await shortfalls(db, ['ubnd-xa-a'], { period: 'week', first: '2026-06-15' });
    expect(june).toEqual([
      expect.objectContaining({ ruleId: 'commune-chair-weekly', required: 1, held: 0, period: 'week' }),
    ]);
    expect(june[0]!.citation).toContain('Art 15(2)(d)');
    expect(await shortfalls(db, ['ubnd-xa-a'], { period: 'week', first: '2026-06-22' })).toEqual([]);
    // From 01/07/2026 the weekly rule is gone: a later week yields nothing; the month is checked instead.
    expect(await shortfalls(db, ['ubnd-xa-a', 'ubnd-xa-b'], { period: 'week', first: '2026-07-13' })).toEqual([]);

    // so-tnmt changes head today: the old head's July day still counts (he was head on 2026-07-09); the new
    // head's day of 2026-07-23, when he was a deputy, does not count as the head's.
    await db('agency_staff').where({ agency_id: 'so-tnmt', person_id: 'head-so-tnmt' }).update({ position: 'deputy' });
    await db('agency_staff').where({ agency_id: 'so-tnmt', person_id: 'deputy-so-tnmt' }).update({ position: 'head' });
    await session('so-tnmt', '2026-07-23', { leader: 'deputy-so-tnmt' });
    const r = await call(
      'GET',
      '/v1/reception/compliance?month=2026-07',
      await authHeader({ roles: ['supervisor'], agency: 'tinh-demo' }),
    );
    const tnmt = (r.json.items as Json[]).find((i) => i.agencyId === 'so-tnmt');
    expect(tnmt).toMatchObject({ kept: true, leaderDaysHeld: 1, head: { personId: 'deputy-so-tnmt' } });
    const history = await db('agency_staff_history').where({ agency_id: 'so-tnmt' }).orderBy('id');
    expect(history.filter((h: Json) => h.valid_to === null).map((h: Json) => [h.person_id, h.position])).toEqual(
      expect.arrayContaining([
        ['head-so-tnmt', 'deputy'],
        ['deputy-so-tnmt', 'head'],
      ]),
    );
  });
});
