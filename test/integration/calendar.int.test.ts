import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarActivities, createCalendarService } from '../../activities/calendar.js';
import { notifyCalendarChange } from '../../activities/calendar-recalc.js';
import { calendarRoutes } from '../../api/routes/calendar.js';
import { problemMiddleware } from '../../api/problem.js';
import { ANNOUNCEMENTS } from '../../calendar/announcements.js';
import { seedCalendarEntries } from '../../db/calendar.js';
import type { CalendarChanged } from '../../workflows/calendar-contract.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { getCaseState, type CaseStateView } from '../../workflows/contract.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput } from '../support/process.js';
import { devServer, uniqueQueue, workflowBundle as caseWorkflowBundle } from '../support/temporal.js';
import { receivedCalendarChanges, stopProbe } from '../workflows/fixtures/calendar-probe.js';

const PROBE_TYPE = 'calendarProbeWorkflow';
const ADMIN = { type: 'user', id: 'admin-1', agency: 'ubnd-tinh' };

type Json = Record<string, unknown>;

describe('calendar API: deadlines, days, admin entries, notifying open cases', () => {
  let tdb: TestDb;
  let dev: Awaited<ReturnType<typeof devServer>>;
  let worker: Worker;
  let workerRun: Promise<void>;
  let server: Server;
  let url: string;
  const taskQueue = uniqueQueue('cal');

  beforeAll(async () => {
    tdb = await createTestDb();
    dev = await devServer();
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../workflows/fixtures/calendar-probe.ts', import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
    });
    worker = await Worker.create({ connection: dev.nativeConnection, namespace: 'default', taskQueue, workflowBundle });
    workerRun = worker.run();
    const app = express();
    app.use(express.json());
    app.use((_req, res, next) => {
      res.locals.principal = { type: 'user', id: 'admin-1', agencyId: 'ubnd-tinh' };
      next();
    });
    app.use(calendarRoutes({ db: tdb.db, temporal: dev.client, workflowTypes: [PROBE_TYPE] }));
    app.use(problemMiddleware);
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => {
        const a = server.address();
        url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
        resolve();
      });
    });
  });

  afterAll(async () => {
    server?.close();
    worker?.shutdown();
    await workerRun;
    await dev?.close();
    await tdb?.drop();
  });

  const get = async (path: string): Promise<{ status: number; type: string; body: Json }> => {
    const res = await fetch(url + path);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Json };
  };
  const post = async (path: string, body: unknown): Promise<{ status: number; type: string; body: Json }> => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Json };
  };
  const rowCount = async (table: string): Promise<number> =>
    Number(((await tdb.db(table).count('* as n').first()) as { n: number | string }).n);
  const texts = (b: Json): string[] => (b.derivation as Array<{ text: string }>).map((s) => s.text);

  describe('GET /v1/calendar/deadline — the spec’s cases', () => {
    it('30 calendar days from Fri 30/01/2026: day 30 is Sun 01/03, rolls to Mon 02/03/2026 (BLDS Art 148(5))', async () => {
      const r = await get('/v1/calendar/deadline?start=2026-01-30&amount=30&unit=calendar_days');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ start: '2026-01-30', amount: 30, unit: 'calendar_days', due: '2026-03-02', dueAt: '2026-03-02T23:59:59.999+07:00' });
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
      expect((r.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(field);
    });
  });

  describe('GET /v1/calendar/days', () => {
    it('lists each day with working status, reason and source', async () => {
      const r = await get('/v1/calendar/days?from=2026-01-09&to=2026-01-12');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ from: '2026-01-09', to: '2026-01-12' });
      expect(r.body.days).toEqual([
        { date: '2026-01-09', weekday: 5, working: true, kind: 'working_day', reason: 'Working day', source: 'QĐ 188/1999/QĐ-TTg Art 1' },
        expect.objectContaining({ date: '2026-01-10', weekday: 6, working: true, kind: 'makeup_working_day', source: 'VPCP 12729/VPCP-KGVX (25/12/2025)', entryId: 'ann:2026-new-year:2026-01-10' }),
        { date: '2026-01-11', weekday: 7, working: false, kind: 'weekly_rest_day', reason: 'Weekly rest day', source: 'QĐ 188/1999/QĐ-TTg Art 1' },
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
      expect((r.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(field);
    });
  });

  describe('admin entries and recalculation', () => {
    let probeId: string;
    let readModelProbeId: string;

    beforeAll(async () => {
      // One case found through Temporal visibility (its type), one only through the read model.
      probeId = `probe-${randomUUID()}`;
      await dev.client.workflow.start(PROBE_TYPE, { workflowId: probeId, taskQueue });
      const caseId = randomUUID();
      readModelProbeId = `case-${caseId}`;
      await dev.client.workflow.start('calendarProbeWorkflow', { workflowId: readModelProbeId, taskQueue, args: [] });
      await tdb.db('cases').insert([
        { id: caseId, reference: 'KN1-2026-X', workflow_id: readModelProbeId, case_type: 'complaint_first', channel: 'portal', agency_id: 'a', subject: 's', received_at: '2026-07-01T02:30:00Z', stage: 'received', status: 'open' },
        { id: 'gone', reference: 'KN1-2026-GONE', workflow_id: 'case-gone', case_type: 'complaint_first', channel: 'portal', agency_id: 'a', subject: 's', received_at: '2026-07-01T02:30:00Z', stage: 'received', status: 'open' },
      ]);
      // Visibility is eventually consistent: wait until the running probe is listed.
      for (let i = 0; i < 100; i++) {
        let seen = false;
        for await (const wf of dev.client.workflow.list({ query: `WorkflowType = "${PROBE_TYPE}" AND ExecutionStatus = "Running"` })) {
          if (wf.workflowId === probeId) seen = true;
        }
        if (seen) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    });

    afterAll(async () => {
      for (const id of [probeId, readModelProbeId]) await dev.client.workflow.getHandle(id).signal(stopProbe).catch(() => undefined);
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
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        entry: { id: 'adm:2026-09-03:off', date: '2026-09-03', working: false, kind: 'announced_day_off', reason: dayOff.reason, source: dayOff.source, origin: 'admin', createdBy: ADMIN, confidence: 'confirmed' },
        changedDates: ['2026-09-03'],
        notifiedCases: 2,
        notification: { notified: 2, skipped: ['case-gone'], failed: [] },
      });
      expect(r.body.version).toBe(`entries:${(r.body.entry as { seq: number }).seq}`);
      expect(r.body.previousVersion).not.toBe(r.body.version);
      expect(await rowCount('calendar_entries')).toBe(entriesBefore + 1);

      const after = await get('/v1/calendar/deadline?start=2026-09-02&amount=1&unit=working_days');
      expect(after.body.due).toBe('2026-09-04');
      expect(after.body.calendarVersion).not.toBe(before.body.calendarVersion);
      expect(texts(after.body)).toContain(`Skipped Thu 03/09/2026: ${dayOff.name} (announced days off)`);

      // Both cases received the message, and each notification is on record.
      const expected: CalendarChanged = { version: r.body.version as string, changedDates: ['2026-09-03'], entryId: 'adm:2026-09-03:off', reason: `${dayOff.reason} (${dayOff.source})` };
      for (const id of [probeId, readModelProbeId]) {
        const got = await dev.client.workflow.getHandle(id).query(receivedCalendarChanges);
        expect(got).toEqual([expected]);
      }
      const rows = await tdb.db('calendar_notifications').select('workflow_id', 'case_id', 'entry_id', 'version').orderBy('workflow_id');
      expect(rows).toHaveLength(2);
      expect(rows.map((x) => x.workflow_id).sort()).toEqual([probeId, readModelProbeId].sort());
      expect(rows.find((x) => x.workflow_id === readModelProbeId)?.case_id).toBe(readModelProbeId.slice('case-'.length));
      expect(rows.every((x) => x.version === r.body.version && x.entry_id === 'adm:2026-09-03:off')).toBe(true);
    });

    it('a make-up working Saturday counts as a working day', async () => {
      const before = await get('/v1/calendar/deadline?start=2026-10-09&amount=1&unit=working_days');
      expect(before.body.due).toBe('2026-10-12');
      const r = await post('/v1/admin/calendar/working-days', {
        date: '2026-10-10', name: 'Make-up working day (test swap)', source: 'Thông báo (test), 01/10/2026', reason: 'Swap for a bridging day',
      });
      expect(r.status).toBe(201);
      expect(r.body.entry).toMatchObject({ id: 'adm:2026-10-10:work', working: true, kind: 'makeup_working_day' });
      const after = await get('/v1/calendar/deadline?start=2026-10-09&amount=1&unit=working_days');
      expect(after.body.due).toBe('2026-10-10');
    });

    it('a correction supersedes an entry; the listing shows versions with who, when and whether active', async () => {
      const r = await post('/v1/admin/calendar/days-off', {
        ...dayOff, id: 'adm:2026-09-03:off', reason: 'Correction: document number', source: 'Thông báo VPCP số 99/TB-VPCP (test), 02/08/2026',
      });
      expect(r.status).toBe(201);
      expect(r.body.changedDates).toEqual(['2026-09-03']);
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
      expect(back.status).toBe(201);
      expect(back.body.changedDates).toEqual(['2026-09-03']);
      const list2 = await get('/v1/admin/calendar/entries?from=2026-09-03&to=2026-09-03');
      expect((list2.body.entries as Array<Json>).map((e) => [e.source, e.active])).toEqual([
        [dayOff.source, false],
        ['Thông báo VPCP số 99/TB-VPCP (test), 02/08/2026', false],
        [dayOff.source, true],
      ]);

      // Every admin write is in the hash-chained audit log, with before/after and its source.
      const audit = await tdb.db('audit_log').select('action', 'actor', 'before', 'after', 'legal_basis').where('action', 'like', 'calendar.%').orderBy('seq');
      expect(audit.map((a) => a.action).slice(0, 3)).toEqual(['calendar.entry.added', 'calendar.entry.added', 'calendar.entry.corrected']);
      expect(audit[2]).toMatchObject({
        actor: ADMIN,
        legal_basis: 'Thông báo VPCP số 99/TB-VPCP (test), 02/08/2026',
        before: { entryId: 'adm:2026-09-03:off', source: dayOff.source },
        after: { entryId: 'adm:2026-09-03:off', changedDates: ['2026-09-03'], version: r.body.version },
      });
    });

    it.each([
      ['a duplicate of an active entry (409)', '/v1/admin/calendar/days-off', { ...dayOff, id: 'adm:national-day-2026' }, 409],
      ['a day off on a statutory holiday without superseding it (409)', '/v1/admin/calendar/days-off', { ...dayOff, date: '2026-09-02' }, 409],
      ['a make-up day on a working weekday (409)', '/v1/admin/calendar/working-days', { ...dayOff, date: '2026-09-08' }, 409],
      ['a missing reason (400)', '/v1/admin/calendar/days-off', { date: '2026-09-04', name: 'x', source: 'y' }, 400],
      ['a blank source (400)', '/v1/admin/calendar/days-off', { ...dayOff, date: '2026-09-04', source: '   ' }, 400],
      ['an impossible date (400)', '/v1/admin/calendar/days-off', { ...dayOff, date: '2026-02-29' }, 400],
      ['an unknown field (400)', '/v1/admin/calendar/days-off', { ...dayOff, date: '2026-09-04', working: true }, 400],
      ['a kind on a make-up day (400)', '/v1/admin/calendar/working-days', { ...dayOff, date: '2026-09-05', kind: 'public_holiday' }, 400],
      ['a statutory id (400)', '/v1/admin/calendar/days-off', { ...dayOff, date: '2026-09-04', id: 'statutory:2026:x' }, 400],
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
        date: '2026-08-31', name: 'Quốc khánh 2026 (announced)', source: 'Thông báo (test)', reason: 'Announced break', supersedes: ['statutory:2026:national-day:2026-09-01'],
      });
      expect(r.status).toBe(201);
      // The default adjacent day (Tue 01/09) is gone; 2/9 itself stays a holiday.
      expect(r.body.changedDates).toEqual(['2026-08-31', '2026-09-01']);
    });
  });

  describe('end to end with the interpreter: a day off added through the API moves an open case’s clock', () => {
    const def: ProcessDefinitionInput = {
      version: 1, name: 'Acceptance clock', caseType: 'complaint_first', effectiveFrom: '2026-01-01', key: 'cal-e2e',
      nodes: [
        { type: 'startEvent', id: 'start' },
        { type: 'userTask', id: 'accept', name: 'Accept', candidateRoles: ['officer'], agencyScope: 'resolving' },
        {
          type: 'boundaryEvent', id: 'late', attachedTo: 'accept', interrupting: false,
          trigger: { kind: 'timer', timer: { ruleId: 'K2', legalBasis: 'NĐ 124/2020 Art 16(1) (NĐ 155/2026)', amount: 7, unit: 'working_days', from: 'received' } },
        },
        { type: 'endEvent', id: 'endLate', outcome: 'late' },
        { type: 'endEvent', id: 'end', outcome: 'accepted' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'accept' }, { id: 'f2', source: 'accept', target: 'end' },
        { id: 'f3', source: 'late', target: 'endLate' },
      ],
    };

    it('the workflow refetches the calendar through getCalendarSnapshot and records old and new due dates', async () => {
      const calendar = createCalendarService(tdb.db);
      const taskQueue2 = uniqueQueue('cal-e2e');
      const caseWorker = await Worker.create({
        connection: dev.nativeConnection, namespace: 'default', taskQueue: taskQueue2, workflowBundle: await caseWorkflowBundle(),
        activities: { ...fakeActivities([def]).activities, ...createCalendarActivities({ db: tdb.db, calendar }) },
      });
      await caseWorker.runUntil(async () => {
        // Dates follow the wall clock: the dev server's timers are real.
        const received = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
        const before = await calendar.deadline(received, 7, 'working_days');
        const dayOffDate = (await calendar.deadline(received, 3, 'working_days')).due;
        const input = processInput(def, { caseEvents: { received } });
        const workflowId = `case-${input.caseId}`;
        const h = await dev.client.workflow.start('processWorkflow', { taskQueue: taskQueue2, workflowId, args: [input] });
        try {
          await tdb.db('cases').insert({ id: input.caseId, reference: 'KN1-E2E', workflow_id: workflowId, case_type: 'complaint_first', channel: 'portal', agency_id: 'so-tnmt', subject: 's', received_at: new Date().toISOString(), stage: 'acceptance', status: 'open' });
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
            date: dayOffDate, name: 'Decreed day off (e2e)', source: 'Quyết định (test)', reason: 'A day off decreed after the case was received',
          });
          expect(r.status).toBe(201);
          expect(r.body.notifiedCases).toBeGreaterThanOrEqual(1);
          const after = await calendar.deadline(received, 7, 'working_days');
          expect(after.due).not.toBe(before.due);

          const st = await waitFor((x) => x.clocks[0]?.due === after.due);
          // The day off may merge with an adjacent weekend into one skipped range (a Monday off: "Skipped 05/12–07/12").
          const skip = after.derivation.find((d) => d.kind === 'skip' && d.from! <= dayOffDate && dayOffDate <= (d.to ?? d.from)!);
          expect(skip?.text).toMatch(/^Skipped /);
          expect(st.clocks[0]!.derivation!.map((d) => d.text)).toContain(skip!.text);
          expect(st.history.find((e) => e.type === 'clock_recomputed')).toMatchObject({ detail: { from: before.due, to: after.due } });
          expect(await tdb.db('calendar_notifications').where({ workflow_id: workflowId, case_id: input.caseId })).toHaveLength(1);
        } finally {
          await h.terminate('test done').catch(() => undefined);
        }
      });
    });
  });

  it('a Temporal outage after the write: 201, the entry is stored, the response says nobody was told', async () => {
    const down = { workflow: { list: () => { throw new Error('temporal unavailable'); } } } as never;
    const app = express().use(express.json()).use(calendarRoutes({ db: tdb.db, temporal: down })).use(problemMiddleware);
    const s2 = await new Promise<Server>((resolve) => { const x = app.listen(0, '127.0.0.1', () => resolve(x)); });
    try {
      const a = s2.address();
      const res = await fetch(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/v1/admin/calendar/days-off`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ date: '2026-12-30', name: 'Day off (outage test)', source: 'Thông báo (test)', reason: 'Outage test' }),
      });
      expect(res.status).toBe(201);
      const b = (await res.json()) as Json;
      expect(b).toMatchObject({ notifiedCases: 0, notification: { error: expect.stringContaining('could not be notified') }, entry: { createdBy: { type: 'anonymous' } } });
      expect(await tdb.db('calendar_entries').where({ entry_id: 'adm:2026-12-30:off' })).toHaveLength(1);
    } finally {
      s2.close();
    }
  });

  describe('persistence and the activity', () => {
    it('the seed is idempotent and entries are append-only', async () => {
      expect(await seedCalendarEntries(tdb.db)).toBe(0);
      await expect(tdb.db('calendar_entries').update({ name: 'x' }).where({ entry_id: 'adm:2026-09-03:off' })).rejects.toThrow(/append-only/);
      await expect(tdb.db('calendar_entries').del()).rejects.toThrow(/append-only/);
    });

    it('getCalendarSnapshot returns the stored calendar with its version; a bad range is a non-retryable failure', async () => {
      const { getCalendarSnapshot } = createCalendarActivities({ db: tdb.db });
      const snap = await getCalendarSnapshot({ from: '2026-01-01', to: '2026-12-31' });
      expect(snap.version).toMatch(/^vn-agency:/);
      expect(snap.exceptions.find((e) => e.date === '2026-09-03')).toMatchObject({ working: false, entryId: 'adm:2026-09-03:off' });
      await expect(getCalendarSnapshot({ from: '2026-12-31', to: '2026-01-01' })).rejects.toBeInstanceOf(ApplicationFailure);
      // Another service instance (another process) sees the same data and the same version.
      const other = createCalendarService(tdb.db);
      expect((await other.snapshot('2026-01-01', '2026-12-31')).version).toBe(snap.version);
    });

    it('notifyCalendarChange with no open cases notifies nobody', async () => {
      const empty = await createTestDb();
      try {
        const res = await notifyCalendarChange({
          client: dev.client, db: empty.db, workflowTypes: [`none-${randomUUID()}`],
          change: { version: 'entries:1', changedDates: [], entryId: 'x', entrySeq: 1, reason: 'r' },
        });
        expect(res).toEqual({ notified: 0, skipped: [], failed: [] });
      } finally {
        await empty.drop();
      }
    });
  });
});
