import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarServiceFor } from '../../calendar/service.js';
import { authHeader } from '../support/auth.js';
import { vnDateOf } from '../support/clock.js';
import { startTestApi, type TestApi } from '../support/api.js';

/**
 * Issue 4, "done when": a holiday added through the API moves the due dates of affected open cases, with an
 * audit entry — through the real stack (HTTP API → PostgreSQL calendar → Temporal signal → interpreter →
 * projection → hash-chained audit log).
 */
describe('a day off decreed after receipt moves an open case’s deadline (end to end)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ worker: true });
  });
  afterAll(async () => {
    await api?.close();
  });

  // The national calendar is changed by the system level (ADR 0013): the default caller holds both.
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    roles: Array<'admin' | 'system_admin' | 'officer' | 'intake'> = ['admin', 'system_admin'],
  ) => {
    const r = await fetch(`${api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await authHeader({ roles, agency: 'tinh-demo' })) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  const acceptDue = async (id: string): Promise<string | undefined> => {
    const { body } = await call('GET', `/v1/cases/${id}?consistent=true`);
    const clocks = (body.clocks ?? body.state?.clocks ?? []) as Array<{ ruleId: string; due?: string }>;
    return clocks.find((c) => c.ruleId === 'C1')?.due;
  };

  async function until<T>(f: () => Promise<T | undefined>, ok: (v: T | undefined) => boolean): Promise<T | undefined> {
    let v: T | undefined;
    for (let i = 0; i < 150; i++) {
      v = await f();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    return v;
  }

  it('10 working days (Luật Tiếp công dân 2013 Art 28(1)) from today; a day off decreed within them moves the due a working day on', async () => {
    // Dates follow the wall clock (the dev server's timers are real): received today, and the day off
    // is the 3rd working day after it, on the stored calendar — so the clock is running, not breached.
    const calendar = calendarServiceFor(api.tdb.db);
    const received = vnDateOf(Date.now());
    const before = (await calendar.deadline(received, 10, 'working_days')).due;
    const dayOff = (await calendar.deadline(received, 3, 'working_days')).due;
    const created = await call(
      'POST',
      '/v1/cases',
      {
        type: 'petition',
        channel: 'portal',
        receivedAt: `${received}T00:00:00+07:00`,
        agencyId: 'so-tnmt',
        subject: 'Phản ánh về ô nhiễm tiếng ồn',
      },
      ['intake'],
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    expect(
      await until(
        () => acceptDue(id),
        (d) => d !== undefined,
      ),
    ).toBe(before);

    const added = await call('POST', '/v1/admin/calendar/days-off', {
      date: dayOff,
      name: 'Ngày nghỉ được công bố (e2e)',
      source: 'Thông báo (kiểm thử)',
      reason: 'Day off decreed after the petition was received',
    });
    // Answered at once (issue 11.5): the open cases are told by a background workflow, whose progress has a route.
    expect(added.status).toBe(202);
    expect(added.body.change).toMatchObject({
      status: 'running',
      action: 'added',
      entryId: added.body.entry.id,
      changedDates: [dayOff],
    });
    // The stored calendar now skips the day off: the due is the next working day after the old one.
    const after = (await calendar.deadline(received, 10, 'working_days')).due;
    expect(after > before).toBe(true);
    expect((await calendar.deadline(before, 1, 'working_days')).due).toBe(after);
    const progress = added.body.change.links.self as string;
    const finished = await until(
      async () => (await call('GET', progress)).body,
      (b) => b?.status === 'completed',
    );
    expect(finished).toMatchObject({ status: 'completed', pages: expect.any(Number) });
    expect(finished!.notified).toBeGreaterThanOrEqual(1);
    expect(
      await api.tdb.db('calendar_notifications').where({ case_id: id, entry_seq: added.body.entry.seq }).first(),
    ).toBeDefined();

    expect(
      await until(
        () => acceptDue(id),
        (d) => d === after,
      ),
    ).toBe(after);

    // The recomputation is in the case's audit trail with the old and new due dates.
    const entry = await until(
      async () => api.tdb.db('audit_log').where({ case_id: id, action: 'workflow.clock_recomputed' }).first(),
      (e) => e !== undefined,
    );
    expect(entry?.after).toMatchObject({ detail: { ruleId: 'C1', from: before, to: after } });

    // Issue 10.8: the day off is withdrawn — its own audited operation — and the case's due date comes back.
    const withdrawn = await call('POST', `/v1/admin/calendar/entries/${added.body.entry.id as string}/withdraw`, {
      reason: 'The announcement was retracted',
      source: 'Thông báo thu hồi (kiểm thử)',
    });
    expect(withdrawn.status).toBe(202);
    expect(withdrawn.body).toMatchObject({
      entry: { id: added.body.entry.id, withdrawn: true, reason: 'The announcement was retracted' },
      changedDates: [dayOff],
    });
    expect(withdrawn.body.change).toMatchObject({ action: 'withdrawn' });
    expect(
      await until(
        () => acceptDue(id),
        (d) => d === before,
      ),
    ).toBe(before);
    const done = await until(
      async () => (await call('GET', withdrawn.body.change.links.self as string)).body,
      (b) => b?.status === 'completed',
    );
    expect(done!.notified).toBeGreaterThanOrEqual(1);
    const audited = await api.tdb.db('audit_log').where({ action: 'calendar.entry.withdrawn' }).first();
    expect(audited?.after).toMatchObject({
      entryId: added.body.entry.id,
      withdrawn: true,
      reason: 'The announcement was retracted',
      changedDates: [dayOff],
    });
    const back = await until(
      async () =>
        api.tdb
          .db('audit_log')
          .where({ case_id: id, action: 'workflow.clock_recomputed' })
          .orderBy('seq', 'desc')
          .first(),
      (e) => (e?.after as { detail?: { to?: string } } | undefined)?.detail?.to === before,
    );
    expect(back?.after).toMatchObject({ detail: { ruleId: 'C1', from: after, to: before } });
    // Withdrawn twice: 409; an unknown entry: 404. The day listing shows the day as a working day again.
    expect(
      (await call('POST', `/v1/admin/calendar/entries/${added.body.entry.id as string}/withdraw`, { reason: 'again' }))
        .status,
    ).toBe(409);
    expect((await call('POST', '/v1/admin/calendar/entries/adm:2099-01-01:off/withdraw', { reason: 'x' })).status).toBe(
      404,
    );
    const days = await call('GET', `/v1/calendar/days?from=${dayOff}&to=${dayOff}`);
    expect(days.body.days[0]).toMatchObject({ date: dayOff, working: true });

    const verify = await call('GET', '/v1/audit/verify', undefined, ['admin']);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true });
  });
});
