import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessActivities } from '../../activities/process.js';
import { createApp } from '../../api/app.js';
import { ANNOUNCEMENTS } from '../../calendar/announcements.js';
import { calendarServiceFor, createCalendarService } from '../../calendar/service.js';
import { seedCalendarEntries } from '../../db/calendar.js';
import type { CalendarChanged } from '../../workflows/calendar-contract.js';
import { getCaseState, type CaseStateView } from '../../workflows/contract.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { poll, startTestApi, type TestApi } from '../support/api.js';
import { authHeader } from '../support/auth.js';
import { fakeActivities, processInput } from '../support/process.js';
import { uniqueQueue, workflowBundle as caseWorkflowBundle } from '../support/temporal.js';
import { receivedCalendarChanges, stopProbe } from '../workflows/fixtures/calendar-probe.js';

const PROBE_TYPE = 'calendarProbeWorkflow';
/** The national calendar is changed by the system level (ADR 0013); this caller also reads the admin table. */
const ADMIN = { type: 'user', id: 'admin-1', agency: 'tinh-demo' };

type Json = Record<string, unknown>;

/**
 * The calendar routes as production serves them (`createApp`: auth, strict validation, OpenAPI), with
 * the case worker that runs the background fan-out of calendar changes (`calendarFanOutWorkflow`).
 */
describe('calendar API: deadlines, days, admin entries, telling open cases', () => {
  let api: TestApi;
  let probeWorker: Worker;
  let probeRun: Promise<void>;
  let url: string;
  let auth: Record<string, string>;
  const probeQueue = uniqueQueue('cal-probe');

  beforeAll(async () => {
    api = await startTestApi({ worker: true });
    url = api.url;
    auth = await authHeader({ roles: ['admin', 'system_admin'], agency: ADMIN.agency, sub: ADMIN.id });
    // Stand-ins for cases (they record the calendar changes they receive), on their own queue.
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../workflows/fixtures/calendar-probe.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
    });
    probeWorker = await Worker.create({
      connection: api.dev.nativeConnection,
      namespace: 'default',
      taskQueue: probeQueue,
      workflowBundle,
    });
    probeRun = probeWorker.run();
  });

  afterAll(async () => {
    probeWorker?.shutdown();
    await probeRun;
    await api?.close();
  });

  const get = async (path: string): Promise<{ status: number; type: string; body: Json }> => {
    const res = await fetch(url + path, { headers: auth });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Json };
  };
  const post = async (path: string, body: unknown): Promise<{ status: number; type: string; body: Json }> => {
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Json };
  };
  const rowCount = async (table: string): Promise<number> =>
    Number(((await api.tdb.db(table).count('* as n').first()) as { n: number | string }).n);
  /** The worker's calendar activity, wired as `createCaseWorker` wires it (the stored calendar's entries). */
  const workerCalendarActivity = () => {
    const { getCalendarSnapshot } = createProcessActivities({
      db: api.tdb.db,
      calendarEntries: () => calendarServiceFor(api.tdb.db).entries(),
    });
    return { getCalendarSnapshot };
  };
  const texts = (b: Json): string[] => (b.derivation as Array<{ text: string }>).map((s) => s.text);
  /** A stored change answered 202; waits until every open case was told, and returns the change. */
  const told = async (r: { status: number; body: Json }): Promise<Json> => {
    expect(r.status).toBe(202);
    const self = ((r.body.change as Json).links as { self: string }).self;
    return (
      await poll(
        `calendar change ${self}`,
        () => get(self),
        (c) => c.body.status === 'completed',
      )
    ).body;
  };

  describe('GET /v1/calendar/deadline — the spec’s cases', () => {
    it('30 calendar days from Fri 30/01/2026: day 30 is Sun 01/03, rolls to Mon 02/03/2026 (BLDS Art 148(5))', async () => {
      const r = await get('/v1/calendar/deadline?start=2026-01-30&amount=30&unit=calendar_days');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        start: '2026-01-30',
        amount: 30,
        unit: 'calendar_days',
        due: '2026-03-02',
        dueAt: '2026-03-02T23:59:59.999+07:00',
      });
      expect(r.body.calendarVersion).toMatch(/^vn-agency:/);
      expect(r.body.calendarDataVersion).toMatch(/^entries:\d+$/);
      expect(texts(r.body)).toEqual([
        'Start event Fri 30/01/2026; counting starts Sat 31/01/2026 (BLDS 2015 Art 147(2))',
        'Calendar days 1–30: Sat 31/01/2026 – Sun 01/03/2026',
        'Day 30 falls on Sun 01/03/2026, not a working day (weekly rest day): limit rolls to Mon 02/03/2026 (BLDS 2015 Art 148(5))',
        'Deadline: end of Mon 02/03/2026 (24:00, 2026-03-02T23:59:59.999+07:00) (BLDS 2015 Art 148(1))',
      ]);
    });

    it('7 working days from Thu 12/02/2026 skip Tết 2026 (14–22/02) and end Mon 02/03/2026', async () => {
      const r = await get('/v1/calendar/deadline?start=2026-02-12&amount=7&unit=working_days');
      expect(r.body).toMatchObject({ due: '2026-03-02', unit: 'working_days' });
      expect(texts(r.body)).toContain('Skipped 14/02–22/02/2026: Tết Nguyên Đán 2026 (announced days off)');
    });

    it('10 working days from Wed 22/04/2026 skip Giỗ Tổ + substitute day and 30/4–1/5: Mon 11/05/2026', async () => {
      const r = await get('/v1/calendar/deadline?start=2026-04-22&amount=10&unit=working_days');
      expect(r.body.due).toBe('2026-05-11');
      const t = texts(r.body).join('\n');
      expect(t).toContain('Giỗ Tổ Hùng Vương');
      expect(t).toMatch(/Skipped 30\/04–03\/05\/2026: .*Ngày Chiến thắng/);
    });

    it('1 year (Luật TTHC Art 116(3)) and 1 month from 31/01 (BLDS Art 148(3)-(4))', async () => {
      const y = await get('/v1/calendar/deadline?start=2026-11-27&amount=1&unit=years');
      expect(y.body).toMatchObject({ unit: 'years', due: '2027-11-29', dueAt: '2027-11-29T23:59:59.999+07:00' });
      expect(texts(y.body)[1]).toContain('(BLDS 2015 Art 148(4))');
      const m = await get('/v1/calendar/deadline?start=2026-01-31&amount=1&unit=months');
      expect(m.body.due).toBe('2026-03-02');
      expect(texts(m.body)[1]).toContain('February 2026 has no day 31');
    });

    it.each([
      ['start=2026-02-30&amount=1&unit=calendar_days', 'start'],
      ['start=30/01/2026&amount=1&unit=calendar_days', 'start'],
      ['start=2026-01-30&amount=0&unit=calendar_days', 'amount'],
      ['start=2026-01-30&amount=1.5&unit=calendar_days', 'amount'],
      ['start=2026-01-30&amount=11&unit=years', 'amount'],
      ['start=2026-01-30&amount=1&unit=weeks', 'unit'],
      ['start=2026-01-30&amount=1', 'unit'],
      ['start=2026-01-30&amount=1&unit=calendar_days&zone=UTC', 'zone'],
      ['start=2026-01-30&start=2026-01-31&amount=1&unit=calendar_days', 'start'],
    ])('400 problem+json for %s', async (qs, field) => {
      const r = await get(`/v1/calendar/deadline?${qs}`);
      expect(r.status).toBe(400);
      expect(r.type).toContain('application/problem+json');
      expect(r.body).toMatchObject({ status: 400, type: 'https://kntc-flow.vn/problems/validation' });
      expect((r.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(`query.${field}`);
    });
  });

  describe('GET /v1/calendar/days', () => {
    it('lists each day with working status, reason and source', async () => {
      const r = await get('/v1/calendar/days?from=2026-01-09&to=2026-01-12');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ from: '2026-01-09', to: '2026-01-12' });
      expect(r.body.days).toEqual([
        {
          date: '2026-01-09',
          weekday: 5,
          working: true,
          kind: 'working_day',
          reason: 'Working day',
          source: 'QĐ 188/1999/QĐ-TTg Art 1',
        },
        expect.objectContaining({
          date: '2026-01-10',
          weekday: 6,
          working: true,
          kind: 'makeup_working_day',
          source: 'VPCP 12729/VPCP-KGVX (25/12/2025)',
          entryId: 'ann:2026-new-year:2026-01-10',
        }),
        {
          date: '2026-01-11',
          weekday: 7,
          working: false,
          kind: 'weekly_rest_day',
          reason: 'Weekly rest day',
          source: 'QĐ 188/1999/QĐ-TTg Art 1',
        },
        expect.objectContaining({ date: '2026-01-12', working: true }),
      ]);
      const tet = await get('/v1/calendar/days?from=2026-02-13&to=2026-02-23');
      const days = tet.body.days as Array<{ date: string; working: boolean; reason: string }>;
      expect(days.filter((d) => !d.working).map((d) => d.date)).toHaveLength(9);
      expect(days[1]).toMatchObject({ date: '2026-02-14', working: false, reason: 'Tết Nguyên Đán 2026' });
    });

    it.each([
      ['from=2026-02-10&to=2026-02-01', 'to'],
      ['from=2026-01-01&to=2029-12-31', 'to'],
      ['from=2026-13-01&to=2026-12-31', 'from'],
      ['from=2026-01-01', 'to'],
    ])('400 for %s', async (qs, field) => {
      const r = await get(`/v1/calendar/days?${qs}`);
      expect(r.status).toBe(400);
      expect((r.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(`query.${field}`);
    });
  });

  describe('admin entries and recalculation', () => {
    let probeId: string;
    let readModelProbeId: string;

    beforeAll(async () => {
      // Two open cases of the read model whose workflows run (probes), and one whose workflow is gone.
      const ids = [randomUUID(), randomUUID()];
      [probeId, readModelProbeId] = ids.map((id) => `case-${id}`) as [string, string];
      for (const id of ids)
        await api.dev.client.workflow.start(PROBE_TYPE, { workflowId: `case-${id}`, taskQueue: probeQueue });
      const row = {
        channel: 'portal',
        agency_id: 'so-tnmt',
        subject: 's',
        received_at: '2026-07-01T02:30:00Z',
        stage: 'received',
        status: 'open',
      };
      await api.tdb.db('cases').insert([
        ...ids.map((id, i) => ({
          ...row,
          id,
          reference: `KN1-2026-X${i}`,
          workflow_id: `case-${id}`,
          case_type: 'complaint_first',
        })),
        {
          ...row,
          id: randomUUID(),
          reference: 'KN1-2026-GONE',
          workflow_id: 'case-gone',
          case_type: 'complaint_first',
        },
      ]);
    });

    afterAll(async () => {
      for (const id of [probeId, readModelProbeId])
        await api.dev.client.workflow
          .getHandle(id)
          .signal(stopProbe)
          .catch(() => undefined);
    });

    const dayOff = {
      date: '2026-09-03',
      name: 'Quốc khánh 2026 – extra day off (5-day break)',
      source: 'Thông báo VPCP (test document), 01/08/2026',
      reason: 'Government announced a 5-day National Day break',
    };

    it('a day off added through the API moves deadlines, changes calendarVersion and tells open cases', async () => {
      const before = await get('/v1/calendar/deadline?start=2026-09-02&amount=1&unit=working_days');
      expect(before.body.due).toBe('2026-09-03');
      const entriesBefore = await rowCount('calendar_entries');
      expect(entriesBefore).toBe(ANNOUNCEMENTS.length);

      const r = await post('/v1/admin/calendar/days-off', dayOff);
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({
        entry: {
          id: 'adm:2026-09-03:off',
          date: '2026-09-03',
          working: false,
          kind: 'announced_day_off',
          reason: dayOff.reason,
          source: dayOff.source,
          origin: 'admin',
          createdBy: ADMIN,
          confidence: 'confirmed',
        },
        changedDates: ['2026-09-03'],
        change: { entryId: 'adm:2026-09-03:off', action: 'added', requestedBy: ADMIN },
      });
      expect(r.body.version).toBe(`entries:${(r.body.entry as { seq: number }).seq}`);
      expect(r.body.previousVersion).not.toBe(r.body.version);
      expect(await rowCount('calendar_entries')).toBe(entriesBefore + 1);
      // Every open case of the read model is told in the background; the one whose workflow is gone is skipped.
      expect(await told(r)).toMatchObject({ status: 'completed', notified: 2, skipped: 1, version: r.body.version });

      const after = await get('/v1/calendar/deadline?start=2026-09-02&amount=1&unit=working_days');
      expect(after.body.due).toBe('2026-09-04');
      expect(after.body.calendarVersion).not.toBe(before.body.calendarVersion);
      expect(texts(after.body)).toContain(`Skipped Thu 03/09/2026: ${dayOff.name} (announced days off)`);

      // Both cases received the message, and each notification is on record.
      const expected: CalendarChanged = {
        version: r.body.version as string,
        changedDates: ['2026-09-03'],
        entryId: 'adm:2026-09-03:off',
        reason: `${dayOff.reason} (${dayOff.source})`,
      };
      for (const id of [probeId, readModelProbeId]) {
        const got = await api.dev.client.workflow.getHandle(id).query(receivedCalendarChanges);
        expect(got).toEqual([expected]);
      }
      const rows = await api.tdb
        .db('calendar_notifications')
        .select('workflow_id', 'case_id', 'entry_id', 'version')
        .orderBy('workflow_id');
      expect(rows).toHaveLength(2);
      expect(rows.map((x) => x.workflow_id).sort()).toEqual([probeId, readModelProbeId].sort());
      expect(rows.find((x) => x.workflow_id === readModelProbeId)?.case_id).toBe(
        readModelProbeId.slice('case-'.length),
      );
      expect(rows.every((x) => x.version === r.body.version && x.entry_id === 'adm:2026-09-03:off')).toBe(true);
    });

    it('a make-up working Saturday counts as a working day', async () => {
      const before = await get('/v1/calendar/deadline?start=2026-10-09&amount=1&unit=working_days');
      expect(before.body.due).toBe('2026-10-12');
      const r = await post('/v1/admin/calendar/working-days', {
        date: '2026-10-10',
        name: 'Make-up working day (test swap)',
        source: 'Thông báo (test), 01/10/2026',
        reason: 'Swap for a bridging day',
      });
      await told(r);
      expect(r.body.entry).toMatchObject({ id: 'adm:2026-10-10:work', working: true, kind: 'makeup_working_day' });
      const after = await get('/v1/calendar/deadline?start=2026-10-09&amount=1&unit=working_days');
      expect(after.body.due).toBe('2026-10-10');
    });

    it('a correction supersedes an entry; the listing shows versions with who, when and whether active', async () => {
      const r = await post('/v1/admin/calendar/days-off', {
        ...dayOff,
        id: 'adm:2026-09-03:off',
        reason: 'Correction: document number',
        source: 'Thông báo VPCP số 99/TB-VPCP (test), 02/08/2026',
      });
      await told(r);
      expect(r.body.changedDates).toEqual(['2026-09-03']);
      expect((r.body.change as Json).action).toBe('corrected');
      const list = await get('/v1/admin/calendar/entries?from=2026-09-01&to=2026-09-30');
      const versions = (list.body.entries as Array<Json>).filter((e) => e.id === 'adm:2026-09-03:off');
      expect(versions.map((v) => [v.source, v.active])).toEqual([
        [dayOff.source, false],
        ['Thông báo VPCP số 99/TB-VPCP (test), 02/08/2026', true],
      ]);
      expect(versions[1]).toMatchObject({ createdBy: ADMIN, reason: 'Correction: document number' });
      expect(list.body.version).toBe(r.body.version);

      // Going back to the first wording is one more version (A → B → A), not a uniqueness error.
      const back = await post('/v1/admin/calendar/days-off', { ...dayOff, id: 'adm:2026-09-03:off' });
      await told(back);
      expect(back.body.changedDates).toEqual(['2026-09-03']);
      const list2 = await get('/v1/admin/calendar/entries?from=2026-09-03&to=2026-09-03');
      expect((list2.body.entries as Array<Json>).map((e) => [e.source, e.active])).toEqual([
        [dayOff.source, false],
        ['Thông báo VPCP số 99/TB-VPCP (test), 02/08/2026', false],
        [dayOff.source, true],
      ]);

      // Every admin write is in the hash-chained audit log, with before/after and its source.
      const audit = await api.tdb
        .db('audit_log')
        .select('action', 'actor', 'before', 'after', 'legal_basis')
        .where('action', 'like', 'calendar.%')
        .orderBy('seq');
      expect(audit.map((a) => a.action).slice(0, 3)).toEqual([
        'calendar.entry.added',
        'calendar.entry.added',
        'calendar.entry.corrected',
      ]);
      expect(audit[2]).toMatchObject({
        actor: ADMIN,
        legal_basis: 'Thông báo VPCP số 99/TB-VPCP (test), 02/08/2026',
        before: { entryId: 'adm:2026-09-03:off', source: dayOff.source },
        after: { entryId: 'adm:2026-09-03:off', changedDates: ['2026-09-03'], version: r.body.version },
      });
    });

    it.each([
      [
        'a duplicate of an active entry (409)',
        '/v1/admin/calendar/days-off',
        { ...dayOff, id: 'adm:national-day-2026' },
        409,
      ],
      [
        'a day off on a statutory holiday without superseding it (409)',
        '/v1/admin/calendar/days-off',
        { ...dayOff, date: '2026-09-02' },
        409,
      ],
      [
        'a make-up day on a working weekday (409)',
        '/v1/admin/calendar/working-days',
        { ...dayOff, date: '2026-09-08' },
        409,
      ],
      ['a missing reason (400)', '/v1/admin/calendar/days-off', { date: '2026-09-04', name: 'x', source: 'y' }, 400],
      ['a blank source (400)', '/v1/admin/calendar/days-off', { ...dayOff, date: '2026-09-04', source: '   ' }, 400],
      ['an impossible date (400)', '/v1/admin/calendar/days-off', { ...dayOff, date: '2026-02-29' }, 400],
      ['an unknown field (400)', '/v1/admin/calendar/days-off', { ...dayOff, date: '2026-09-04', working: true }, 400],
      [
        'a kind on a make-up day (400)',
        '/v1/admin/calendar/working-days',
        { ...dayOff, date: '2026-09-05', kind: 'public_holiday' },
        400,
      ],
      [
        'a statutory id (400)',
        '/v1/admin/calendar/days-off',
        { ...dayOff, date: '2026-09-04', id: 'statutory:2026:x' },
        400,
      ],
    ])('refuses %s and stores nothing', async (_l, path, body, status) => {
      const n = await rowCount('calendar_entries');
      const m = await rowCount('calendar_notifications');
      const a = await rowCount('audit_log');
      const r = await post(path, body);
      expect(r.status).toBe(status);
      expect(r.type).toContain('application/problem+json');
      expect(r.body.detail).toBeTruthy();
      expect(await rowCount('calendar_entries')).toBe(n);
      expect(await rowCount('calendar_notifications')).toBe(m);
      expect(await rowCount('audit_log')).toBe(a);
    });

    it('National Day 2026 announced by superseding the statutory default adjacent day', async () => {
      const r = await post('/v1/admin/calendar/days-off', {
        date: '2026-08-31',
        name: 'Quốc khánh 2026 (announced)',
        source: 'Thông báo (test)',
        reason: 'Announced break',
        supersedes: ['statutory:2026:national-day:2026-09-01'],
      });
      await told(r);
      // The default adjacent day (Tue 01/09) is gone; 2/9 itself stays a holiday.
      expect(r.body.changedDates).toEqual(['2026-08-31', '2026-09-01']);
    });
  });

  describe('end to end with the interpreter: a day off added through the API moves an open case’s clock', () => {
    const def: ProcessDefinitionInput = {
      version: 1,
      name: 'Acceptance clock',
      caseType: 'complaint_first',
      effectiveFrom: '2026-01-01',
      key: 'cal-e2e',
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'userTask', id: 'accept', name: 'Accept', candidateRoles: ['officer'], agencyScope: 'resolving' },
        {
          type: 'boundaryEvent',
          id: 'late',
          attachedTo: 'accept',
          interrupting: false,
          trigger: {
            kind: 'timer',
            timer: {
              ruleId: 'K2',
              legalBasis: 'NĐ 124/2020 Art 16(1) (NĐ 155/2026)',
              amount: 7,
              unit: 'working_days',
              from: 'received',
            },
          },
        },
        { type: 'endEvent', id: 'endLate', outcome: 'late' },
        { type: 'endEvent', id: 'end', outcome: 'accepted' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'accept' },
        { id: 'f2', source: 'accept', target: 'end' },
        { id: 'f3', source: 'late', target: 'endLate' },
      ],
    };

    it('the workflow refetches the calendar through getCalendarSnapshot and records old and new due dates', async () => {
      const calendar = createCalendarService(api.tdb.db);
      const taskQueue2 = uniqueQueue('cal-e2e');
      const caseWorker = await Worker.create({
        connection: api.dev.nativeConnection,
        namespace: 'default',
        taskQueue: taskQueue2,
        workflowBundle: await caseWorkflowBundle(),
        activities: { ...fakeActivities([def]).activities, ...workerCalendarActivity() },
      });
      await caseWorker.runUntil(async () => {
        // Dates follow the wall clock: the dev server's timers are real.
        const received = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
        const before = await calendar.deadline(received, 7, 'working_days');
        const dayOffDate = (await calendar.deadline(received, 3, 'working_days')).due;
        const input = processInput(def, { caseEvents: { received } });
        const workflowId = `case-${input.caseId}`;
        const h = await api.dev.client.workflow.start('processWorkflow', {
          taskQueue: taskQueue2,
          workflowId,
          args: [input],
        });
        try {
          await api.tdb.db('cases').insert({
            id: input.caseId,
            reference: 'KN1-E2E',
            workflow_id: workflowId,
            case_type: 'complaint_first',
            channel: 'portal',
            agency_id: 'so-tnmt',
            subject: 's',
            received_at: new Date().toISOString(),
            stage: 'acceptance',
            status: 'open',
          });
          const waitFor = async (pred: (s: CaseStateView) => boolean): Promise<CaseStateView> => {
            for (let i = 0; i < 200; i++) {
              const st = await h.query(getCaseState);
              if (pred(st)) return st;
              await new Promise((r) => setTimeout(r, 50));
            }
            throw new Error('timed out');
          };
          expect((await waitFor((x) => x.clocks.length === 1)).clocks[0]!.due).toBe(before.due);

          const r = await post('/v1/admin/calendar/days-off', {
            date: dayOffDate,
            name: 'Decreed day off (e2e)',
            source: 'Quyết định (test)',
            reason: 'A day off decreed after the case was received',
          });
          expect((await told(r)).notified).toBeGreaterThanOrEqual(1);
          const after = await calendar.deadline(received, 7, 'working_days');
          expect(after.due).not.toBe(before.due);

          const st = await waitFor((x) => x.clocks[0]?.due === after.due);
          // The day off may merge with an adjacent weekend into one skipped range (a Monday off: "Skipped 05/12–07/12").
          const skip = after.derivation.find(
            (d) => d.kind === 'skip' && d.from! <= dayOffDate && dayOffDate <= (d.to ?? d.from)!,
          );
          expect(skip?.text).toMatch(/^Skipped /);
          expect(st.clocks[0]!.derivation!.map((d) => d.text)).toContain(skip!.text);
          expect(st.history.find((e) => e.type === 'clock_recomputed')).toMatchObject({
            detail: { from: before.due, to: after.due },
          });
          expect(
            await api.tdb.db('calendar_notifications').where({ workflow_id: workflowId, case_id: input.caseId }),
          ).toHaveLength(1);
        } finally {
          await h.terminate('test done').catch(() => undefined);
        }
      });
    });
  });

  it('a Temporal outage after the write: 202, the entry is stored, the change says its fan-out did not start', async () => {
    const down = {
      workflow: {
        start: () => {
          throw new Error('temporal unavailable');
        },
      },
    } as never;
    const app = createApp({ ...api.deps, temporal: down });
    const s2 = await new Promise<Server>((resolve) => {
      const x = app.listen(0, '127.0.0.1', () => resolve(x));
    });
    try {
      const a = s2.address();
      const res = await fetch(
        `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/v1/admin/calendar/days-off`,
        {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            // Its own far date: the end-to-end test above adds a day off near today (3 working days
            // on), which must not be this entry (a second version of it would be stored).
            date: '2090-12-29',
            name: 'Day off (outage test)',
            source: 'Thông báo (test)',
            reason: 'Outage test',
          }),
        },
      );
      expect(res.status).toBe(202);
      const b = (await res.json()) as Json;
      expect(b).toMatchObject({ change: { status: 'not_started', notified: 0 }, entry: { createdBy: ADMIN } });
      expect(await api.tdb.db('calendar_entries').where({ entry_id: 'adm:2090-12-29:off' })).toHaveLength(1);
      const self = ((b.change as Json).links as { self: string }).self;
      expect((await get(self)).body).toMatchObject({ status: 'not_started' });
    } finally {
      s2.close();
    }
  });

  describe('persistence and the activity', () => {
    it('the seed is idempotent and entries are append-only', async () => {
      expect(await seedCalendarEntries(api.tdb.db)).toBe(0);
      await expect(
        api.tdb.db('calendar_entries').update({ name: 'x' }).where({ entry_id: 'adm:2026-09-03:off' }),
      ).rejects.toThrow(/append-only/);
      await expect(api.tdb.db('calendar_entries').del()).rejects.toThrow(/append-only/);
    });

    it('getCalendarSnapshot returns the stored calendar with its version; a bad range is a non-retryable failure', async () => {
      const { getCalendarSnapshot } = workerCalendarActivity();
      const snap = await getCalendarSnapshot({ from: '2026-01-01', to: '2026-12-31' });
      expect(snap.version).toMatch(/^vn-agency:/);
      expect(snap.exceptions.find((e) => e.date === '2026-09-03')).toMatchObject({
        working: false,
        entryId: 'adm:2026-09-03:off',
      });
      await expect(getCalendarSnapshot({ from: '2026-12-31', to: '2026-01-01' })).rejects.toBeInstanceOf(
        ApplicationFailure,
      );
      // Another service instance (another process) sees the same data and the same version.
      const other = createCalendarService(api.tdb.db);
      expect((await other.snapshot('2026-01-01', '2026-12-31')).version).toBe(snap.version);
    });
  });
});
