/**
 * Issue 11 items 3 and 4 (ADR 0016) on the real stack — API, PostgreSQL, the Temporal dev server and a
 * case worker: text that PostgreSQL cannot store is refused at the edge and by the workflow's Update
 * validators; a start whose case cannot be recorded leaves no workflow and no rows; a projection the
 * database refuses is written sanitized and listed, never retried forever; the 5xx reproductions of
 * the attack run (extreme offsets, year 0000, foreign cursors, 20,000-deep data) are 4xx.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessActivities } from '../../activities/process.js';
import { apiRoutes } from '../../api/app.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { metricsRegistry } from '../../platform/metrics.js';
import { caseWorkflowId, completeTask, PROCESS_WORKFLOW, sendMessage } from '../../workflows/contract.js';
import { processInput } from '../support/process.js';
import { authHeader } from '../support/auth.js';
import { poll, seedCase, startTestApi, type TestApi } from '../support/api.js';

const HOME = 'so-tnmt';

/** A petition with one task whose form has a text field (the `competentBodyRef` of the reproduction). */
const TEXT_CASE = {
  key: 'text-case',
  version: 98,
  name: 'Text fixture',
  caseType: 'petition',
  effectiveFrom: '2000-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'work',
      name: 'Work',
      candidateRoles: ['resolver'],
      agencyScope: 'resolving',
      form: {
        fields: [
          { name: 'competentBodyRef', type: 'string' },
          { name: 'note', type: 'string' },
        ],
      },
    },
    { type: 'endEvent', id: 'end', outcome: 'done' },
    {
      type: 'boundaryEvent',
      id: 'on.note',
      attachedTo: 'work',
      interrupting: false,
      trigger: { kind: 'message', messageName: 'note' },
    },
    { type: 'endEvent', id: 'noted', outcome: 'noted' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'work' },
    { id: 'f2', source: 'work', target: 'end' },
    { id: 'f3', source: 'on.note', target: 'noted' },
  ],
};

let api: TestApi;
let admin: Record<string, string>;

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const r = await fetch(api.url + path, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    text,
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    type: r.headers.get('content-type') ?? '',
  };
};
const get = async (path: string) => {
  const r = await fetch(api.url + path, { headers: admin });
  const text = await r.text();
  return { status: r.status, text, type: r.headers.get('content-type') ?? '' };
};
const caseBody = (extra: Record<string, unknown> = {}) => ({
  type: 'petition',
  channel: 'portal',
  receivedAt: new Date(Date.now() - 60_000).toISOString(),
  agencyId: HOME,
  subject: 'Kiến nghị',
  parties: [{ role: 'complainant', name: 'Trần Thị B', phone: '0912345678' }],
  ...extra,
});
const counts = async () => {
  const db = api.tdb.db;
  const n = async (t: string) => Number((await db(t).count<Array<{ n: number }>>('* as n'))[0]!.n);
  // (Not audit_log: the worker's projections of earlier cases append to it concurrently; checked per case below.)
  return {
    cases: await n('cases'),
    parties: await n('parties'),
    case_pins: await n('case_pins'),
    idempotency_keys: await n('idempotency_keys'),
    api_keys: await n('api_keys'),
    process_definitions: await n('process_definitions'),
    calendar_entries: await n('calendar_entries'),
  };
};
const workflowsOnQueue = async () =>
  (await api.deps.temporal.workflow.count(`TaskQueue = '${api.deps.taskQueue}'`)).count;

async function openCase(): Promise<{ id: string; taskId: string }> {
  const r = await post('/v1/cases', caseBody());
  expect(r.status, r.text).toBe(201);
  const id = r.json.id as string;
  const t = await poll(
    'an open task',
    () => api.tdb.db('case_tasks').where({ case_id: id, status: 'open' }).first('task_id'),
    (x) => Boolean(x),
  );
  return { id, taskId: t.task_id as string };
}

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  await createDefinitionStore(api.tdb.db).register(TEXT_CASE, 'test');
  admin = await authHeader({
    roles: ['admin', 'system_admin', 'intake', 'officer', 'supervisor'],
    agency: HOME,
    permissions: ['task-role:resolver'],
  });
}, 120_000);
afterAll(async () => {
  await api?.close();
});

describe('text PostgreSQL cannot store is refused before anything is written or started', () => {
  it(
    'a NUL (and other controls, lone surrogates) in subject, party name or respondent → 400 naming the field; no row, no workflow',
    { timeout: 120_000 },
    async () => {
      await openCase(); // the queue has a workflow: its count is visible before we compare
      await poll('the first workflow visible', workflowsOnQueue, (n) => n >= 1);
      const before = await counts();
      const wfBefore = await workflowsOnQueue();
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ subject: 'a\u0000b' }, 'subject'],
        [{ subject: 'bell\u0007' }, 'subject'],
        [{ subject: 'c1\u0085' }, 'subject'],
        [{ subject: 'lone \ud800 high' }, 'subject'],
        [{ subject: 'lone \udc00 low' }, 'subject'],
        [{ respondent: 'x\u001b[31m' }, 'respondent'],
        [{ parties: [{ role: 'complainant', name: 'A\u0000' }] }, 'parties.0.name'],
      ];
      for (const [extra, field] of bad) {
        const r = await post('/v1/cases', caseBody(extra), { 'Idempotency-Key': randomUUID() });
        expect(r.status, r.text).toBe(400);
        expect(r.type).toMatch(/application\/problem\+json/);
        expect(
          (r.json.errors as Array<{ path: string }>).map((e) => e.path),
          r.text,
        ).toContain(field);
      }
      // Multi-line text is text: tab and line breaks are allowed in values.
      const ok = await post('/v1/cases', caseBody({ contentSummary: 'dòng 1\r\ndòng 2\tcột' }));
      expect(ok.status, ok.text).toBe(201);
      const after = await counts();
      expect(after.parties).toBe(before.parties + 1);
      expect(after.cases).toBe(before.cases + 1);
      expect(after.case_pins).toBe(before.case_pins + 1);
      expect(after.idempotency_keys).toBe(before.idempotency_keys); // the good one was sent without a key
      await poll('the accepted case visible', workflowsOnQueue, (n) => n === wfBefore + 1);
    },
  );

  it('control characters in query values, path parameters and the Idempotency-Key → 400 naming them', async () => {
    const q = await get('/v1/cases?stage=verify%00');
    expect(q.status, q.text).toBe(400);
    expect(q.text).toContain('query.stage');
    const p = await get('/v1/cases/abc%00def');
    expect(p.status, p.text).toBe(400);
    expect(p.text).toContain('params.id');
    const k = await post('/v1/cases', caseBody(), { 'Idempotency-Key': 'a\tb' });
    expect(k.status, k.text).toBe(400);
    const key = await post('/v1/api-keys', { name: 'portal\u0000', agencyId: HOME, roles: ['intake'] });
    expect(key.status, key.text).toBe(400);
    expect(key.text).toContain('"path":"name"');
    // `name` on the definition and calendar routes (their documented examples, one character changed).
    const example = (operationId: string) =>
      apiRoutes().find((r) => r.operationId === operationId)!.request!.bodyExample as Record<string, unknown>;
    const before = await counts();
    for (const [path, op, bad] of [
      ['/v1/definitions', 'registerDefinition', 'Quy trình\u0000'],
      ['/v1/admin/calendar/days-off', 'addCalendarDayOff', 'Nghỉ\u0085'],
      ['/v1/admin/calendar/working-days', 'addCalendarWorkingDay', 'Làm bù\ud800'],
    ] as const) {
      const r = await post(path, { ...example(op), name: bad }, admin);
      expect(r.status, `${path}: ${r.text}`).toBe(400);
      expect(r.text).toContain('"path":"name"');
    }
    expect(await counts()).toEqual(before);
  });

  it(
    'a NUL in task form data (the reproduction) → 400 through the API, InvalidFormData from the Update validator directly',
    { timeout: 120_000 },
    async () => {
      const { id, taskId } = await openCase();
      const r = await post(`/v1/tasks/${id}.${taskId}/complete`, { data: { competentBodyRef: 'a\u0000b' } });
      expect(r.status, r.text).toBe(400);
      expect(r.text).toContain('data.competentBodyRef');
      const deep = await post(
        `/v1/tasks/${id}.${taskId}/complete`,
        `{"data":{"note":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
      );
      expect(deep.status, deep.text).toBe(400);
      expect(deep.type).toMatch(/application\/problem\+json/);

      // A client that reaches Temporal directly: the validator refuses, nothing enters the history.
      const h = api.deps.temporal.workflow.getHandle(caseWorkflowId(id));
      const accepted = async () =>
        ((await h.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
      const refused = async (p: Promise<unknown>) => {
        const e = await p.then(
          () => undefined,
          (x: unknown) => x,
        );
        expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
        return (e as WorkflowUpdateFailedError).cause as ApplicationFailure;
      };
      const c1 = await refused(
        h.executeUpdate(completeTask, { args: [{ caseId: id, taskId, data: { competentBodyRef: 'a\u0000b' } }] }),
      );
      expect(c1.type).toBe('InvalidFormData');
      expect(c1.message).toContain('data.competentBodyRef');
      const c2 = await refused(
        h.executeUpdate(completeTask, { args: [{ caseId: id, taskId, data: { note: 'x\ud800' } }] }),
      );
      expect(c2.type).toBe('InvalidFormData');
      const c3 = await refused(
        h.executeUpdate(sendMessage, { args: [{ caseId: id, name: 'note', decision: '15/QĐ\u0000', variables: {} }] }),
      );
      expect(c3.type).toBe('InvalidInput');
      const c4 = await refused(
        h.executeUpdate(sendMessage, { args: [{ caseId: id, name: 'note', variables: { v: 'ok', w: '\u0001' } }] }),
      );
      expect(c4.type).toBe('InvalidInput');
      expect(await accepted()).toBe(0);

      // The case is alive and its read model moves: a clean completion goes through and is projected.
      const done = await post(`/v1/tasks/${id}.${taskId}/complete`, {
        data: { competentBodyRef: 'UBND-xa-b', note: 'dòng 1\ndòng 2' },
      });
      expect(done.status, done.text).toBe(200);
      await poll(
        'the case closed in the read model',
        () => api.tdb.db('case_states').where({ case_id: id }).first('status'),
        (s) => s?.status !== 'running' && s?.status !== undefined,
      );
    },
  );
});

describe('the start is undone when its case cannot be recorded', () => {
  it(
    'a seed that fails after the start → 503, the workflow terminated, no parties, PIN or key rows; a retry with the key then succeeds',
    { timeout: 120_000 },
    async () => {
      const db = api.tdb.db;
      await db.raw(`CREATE OR REPLACE FUNCTION test_fail_seed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.subject = 'seed-fails' THEN RAISE EXCEPTION 'seed refused for the test' USING ERRCODE = '22023'; END IF; RETURN NEW; END $$`);
      await db.raw(
        'CREATE TRIGGER test_fail_seed BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION test_fail_seed()',
      );
      try {
        const before = await counts();
        const key = randomUUID();
        const id = randomUUID();
        const deps = api.deps as { newCaseId?: () => string };
        deps.newCaseId = () => id;
        const r = await post('/v1/cases', caseBody({ subject: 'seed-fails' }), { 'Idempotency-Key': key });
        delete deps.newCaseId;
        expect(r.status, r.text).toBe(503);
        expect(r.type).toMatch(/application\/problem\+json/);
        expect(r.text).not.toContain('seed refused'); // no database text in answers
        const d = await api.deps.temporal.workflow.getHandle(caseWorkflowId(id)).describe();
        expect(d.status.name).toBe('TERMINATED');
        expect(await counts()).toEqual(before);
        expect(await db('audit_log').where({ case_id: id }).count<Array<{ n: number }>>('* as n')).toEqual([{ n: 0 }]);

        await db.raw('DROP TRIGGER test_fail_seed ON cases');
        const again = await post('/v1/cases', caseBody({ subject: 'seed-fails' }), { 'Idempotency-Key': key });
        expect(again.status, again.text).toBe(201);
        const running = await api.deps.temporal.workflow.getHandle(caseWorkflowId(again.json.id as string)).describe();
        expect(running.status.name).toBe('RUNNING');
      } finally {
        await db.raw('DROP TRIGGER IF EXISTS test_fail_seed ON cases');
      }
    },
  );
});

describe('a projection the database refuses is never retried forever', () => {
  it('a NUL in the state (a workflow from before the validator) is written sanitized, counted, logged and listed for admins', async () => {
    const caseId = randomUUID();
    await seedCase(api.tdb.db, { id: caseId, agencyId: HOME });
    const acts = createProcessActivities({ db: api.tdb.db });
    const state = {
      caseId,
      pin: 'x@1+h',
      status: 'running',
      stage: 'work\u0000',
      currentNodes: [],
      openTasks: [],
      tasks: [],
      clocks: [],
      nextDueAt: null,
      variables: { competentBodyRef: 'a\u0000b', lone: 'x\ud800' },
      caseEvents: {},
      flags: {},
      history: [],
      children: [],
    };
    const metric = async () => await metricsRegistry.getSingleMetricAsString('kntc_projection_failures_total');
    const r = await acts.projectCaseState({
      caseId,
      seq: 1,
      caseType: 'petition',
      agencyId: HOME,
      state: state as never,
    });
    expect(r.applied).toBe(true);
    const row = await api.tdb.db('case_states').where({ case_id: caseId }).first('state');
    expect(JSON.stringify(row.state)).toContain('a\uFFFDb');
    const f = await api.tdb.db('projection_failures').where({ case_id: caseId }).first();
    expect(f).toMatchObject({ seq: 1, reason: 'untranslatable_character', outcome: 'sanitized', occurrences: 1 });
    expect(await metric()).toMatch(
      /kntc_projection_failures_total\{reason="untranslatable_character",outcome="sanitized"\} [1-9]/,
    );

    const list = await get('/v1/admin/projection-failures');
    expect(list.status, list.text).toBe(200);
    expect(JSON.parse(list.text).items).toContainEqual(
      expect.objectContaining({ caseId, agencyId: HOME, outcome: 'sanitized', reason: 'untranslatable_character' }),
    );
    const other = await fetch(`${api.url}/v1/admin/projection-failures`, {
      headers: await authHeader({ roles: ['admin'], agency: 'ubnd-xa-b' }),
    });
    expect(await other.text()).not.toContain(caseId);
  });

  it(
    'a running case whose state PostgreSQL refuses (started before the validator existed) keeps a moving read model',
    { timeout: 120_000 },
    async () => {
      // The reproduction's state: a NUL in the case's variables, reached Temporal without the API.
      const input = processInput(TEXT_CASE as never, { variables: { competentBodyRef: 'a\u0000b' } });
      await seedCase(api.tdb.db, { id: input.caseId, agencyId: HOME, caseType: 'petition' });
      const h = await api.deps.temporal.workflow.start(PROCESS_WORKFLOW, {
        workflowId: caseWorkflowId(input.caseId),
        taskQueue: api.deps.taskQueue,
        args: [input],
      });
      // Projected (sanitized) instead of failing forever: the open task reaches the inbox.
      const task = await poll(
        'the open task projected',
        () => api.tdb.db('case_tasks').where({ case_id: input.caseId, status: 'open' }).first('task_id'),
        (t) => Boolean(t),
      );
      // Recorded just after the sanitized write commits (activities/process.ts), so it may trail the task.
      const f = await poll(
        'the projection failure recorded',
        () => api.tdb.db('projection_failures').where({ case_id: input.caseId }).first(),
        (row) => Boolean(row),
      );
      expect(f).toMatchObject({ reason: 'untranslatable_character', outcome: 'sanitized' });
      const stored = await api.tdb.db('case_states').where({ case_id: input.caseId }).first('state', 'seq');
      expect(stored.state.variables.competentBodyRef).toBe('a\uFFFDb');
      // The workflow itself is untouched and goes on: a completion is applied and projected.
      await h.executeUpdate(completeTask, {
        args: [{ caseId: input.caseId, taskId: task.task_id as string, data: { note: 'ok' } }],
      });
      await poll(
        'the completion projected',
        () => api.tdb.db('case_states').where({ case_id: input.caseId }).first('status', 'seq'),
        (s) => s !== undefined && s.seq > stored.seq && s.status === 'completed',
      );
      // No activity failure with the data in the history (nothing was retried).
      const events = (await h.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.activityTaskFailedEventAttributes).length).toBe(0);
    },
  );
});

describe('bad input of the attack run answers 4xx, never 5xx', () => {
  const cursor = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  it.each([
    ['/v1/cases?dueBefore=2026-07-01T00:00:00%2B19:61'],
    ['/v1/cases?dueBefore=2026-07-01T00:00:00%2B16:00'],
    ['/v1/cases?dueBefore=2026-07-01T00:00:00-23:59'],
    ['/v1/cases?dueBefore=0000-01-01T00:00:00Z'],
    ['/v1/cases?receivedFrom=0000-12-31T23:59:59%2B07:00'],
    [`/v1/cases?after=${cursor({ k: '2026-W05-3', id: randomUUID() })}`],
    [`/v1/cases?after=${cursor({ k: '0000-01-01 00:00:00+00', id: randomUUID() })}`],
    [`/v1/cases?after=${cursor({ k: '2026-07-01 00:00:00+19', id: randomUUID() })}`],
    [`/v1/cases?after=${cursor({ k: '2026-07-01 00:00:00+00', id: 'a\u0000' })}`],
    [`/v1/tasks?after=${cursor({ k: '2026-W05-3', id: randomUUID(), t: 'x' })}`],
    [`/v1/tasks?after=${cursor({ k: '2026-07-01 00:00:00+00', id: randomUUID(), t: 7 })}`],
    [`/v1/api-keys?after=${cursor({ k: '2026-W05-3', id: 'k' })}`],
    [`/v1/api-keys?after=${cursor({ k: '2026-02-30 00:00:00+00', id: 'k' })}`],
  ])('%s → 400', async (path) => {
    const r = await get(path);
    expect(r.status, r.text).toBe(400);
    expect(r.type).toMatch(/application\/problem\+json/);
  });

  it("a cursor the API wrote still works (the strict check accepts PostgreSQL's timestamptz text)", async () => {
    await openCase();
    await openCase();
    for (const path of ['/v1/cases?limit=1', '/v1/tasks?limit=1', '/v1/api-keys?limit=1']) {
      if (path.startsWith('/v1/api-keys')) {
        for (let i = 0; i < 2; i++)
          expect((await post('/v1/api-keys', { name: `k${i}`, agencyId: HOME, roles: ['intake'] })).status).toBe(201);
      }
      const first = JSON.parse((await get(path)).text) as { next: string | null };
      expect(first.next, path).toBeTruthy();
      const second = await get(first.next!);
      expect(second.status, second.text).toBe(200);
    }
  });

  it('receivedAt with an offset beyond ±15:59 or year 0000 → 400, nothing written', async () => {
    const before = await counts();
    for (const receivedAt of [
      '2026-07-01T09:30:00+19:61',
      '2026-07-01T09:30:00+16:00',
      '0000-07-01T09:30:00+07:00',
      '1899-12-31T09:30:00+07:00',
    ]) {
      const r = await post('/v1/cases', caseBody({ receivedAt }), { 'Idempotency-Key': randomUUID() });
      expect(r.status, `${receivedAt}: ${r.text}`).toBe(400);
      expect(r.text).toContain('receivedAt');
    }
    expect(await counts()).toEqual(before);
  });
});

describe('no input text in error logs', () => {
  it(
    'a database error the API did not expect answers 500 and is logged with its SQLSTATE, not its message',
    { timeout: 120_000 },
    async () => {
      const lines: string[] = [];
      const logger = pino(
        { level: 'info' },
        new Writable({
          write(chunk: Buffer, _e, cb) {
            lines.push(chunk.toString());
            cb();
          },
        }),
      );
      const own = await startTestApi({ logger });
      try {
        await own.tdb.db.raw(`CREATE FUNCTION test_fail_key() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused: %', NEW.name USING ERRCODE = '22023'; END $$`);
        await own.tdb.db.raw(
          'CREATE TRIGGER test_fail_key BEFORE INSERT ON api_keys FOR EACH ROW EXECUTE FUNCTION test_fail_key()',
        );
        const r = await fetch(`${own.url}/v1/api-keys`, {
          method: 'POST',
          headers: { ...admin, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Nguyễn Văn Bí Mật', agencyId: HOME, roles: ['intake'] }),
        });
        expect(r.status).toBe(500);
        expect(await r.text()).not.toContain('Bí Mật');
        const logged = lines.join('');
        expect(logged).toContain('unhandled database error');
        expect(logged).toContain('22023');
        expect(logged).not.toContain('Bí Mật');
      } finally {
        await own.close();
      }
    },
  );
});
