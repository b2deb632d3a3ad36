import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { createProcessActivities } from '../../activities/process.js';
import { createCaseStateStore } from '../../db/case-states.js';
import { createLogger } from '../../platform/logger.js';
import { createCaseWorker } from '../../worker.js';
import { completeTask, getCaseState, type ProjectCaseStateInput } from '../../workflows/contract.js';
import { buildView } from '../../workflows/engine/runtime/index.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { processInput } from '../support/process.js';
import { devServer, uniqueQueue, workflowBundle } from '../support/temporal.js';

const def: ProcessDefinitionInput = {
  key: 'inbox',
  version: 1,
  name: 'Inbox',
  caseType: 'petition',
  effectiveFrom: '2026-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'review',
      name: 'Review the petition',
      candidateRoles: ['officer'],
      agencyScope: 'receiving',
      due: {
        ruleId: 'petition_review',
        legalBasis: 'Luật Tiếp công dân 2013 Art 28',
        amount: 10,
        unit: 'working_days',
        from: 'received',
      },
    },
    {
      type: 'serviceTask',
      id: 'file',
      activity: 'recordDocument',
      input: { kind: '"reply"' },
      output: { documentId: 'documentId' },
    },
    { type: 'endEvent', id: 'end', outcome: 'answered' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'review' },
    { id: 'f2', source: 'review', target: 'file' },
    { id: 'f3', source: 'file', target: 'end' },
  ],
};

describe('case_states / case_tasks read model (PostgreSQL + dev server)', () => {
  let tdb: TestDb;
  let dev: Awaited<ReturnType<typeof devServer>>;
  beforeAll(async () => {
    tdb = await createTestDb();
    dev = await devServer();
  });
  afterAll(async () => {
    await dev?.close();
    await tdb?.drop();
  });

  it('applies a projection once: the same or an older seq never overwrites a newer one', async () => {
    const { projectCaseState } = createProcessActivities({ db: tdb.db });
    const state = (stage: string) => ({ ...buildView('c-1', 'inbox@1+sha256:x', undefined, (id) => id), stage });
    const p = (seq: number, stage: string): ProjectCaseStateInput => ({
      caseId: 'c-1',
      seq,
      caseType: 'petition',
      state: state(stage),
    });
    expect(await projectCaseState(p(1, 'one'))).toEqual({ applied: true });
    expect(await projectCaseState(p(1, 'one again'))).toEqual({ applied: false });
    expect(await projectCaseState(p(3, 'three'))).toEqual({ applied: true });
    expect(await projectCaseState(p(2, 'late'))).toEqual({ applied: false });
    expect(await createCaseStateStore(tdb.db).get('c-1')).toMatchObject({ seq: 3, stage: 'three', status: 'starting' });
  });

  it('overdue is sticky, except when the runner says every breach was superseded (ADR 0018): column and case_flags cleared', async () => {
    const { projectCaseState } = createProcessActivities({ db: tdb.db });
    const state = (flags: Record<string, boolean>) => ({
      ...buildView('c-od', 'inbox@1+sha256:x', undefined, (id) => id),
      flags,
    });
    const p = (seq: number, flags: Record<string, boolean>): ProjectCaseStateInput => ({
      caseId: 'c-od',
      seq,
      caseType: 'petition',
      state: state(flags),
    });
    const read = async () => ({
      column: (await createCaseStateStore(tdb.db).get('c-od'))?.overdue,
      flag: (await tdb.db('case_flags').where({ case_id: 'c-od', flag: 'overdue' }).first())?.value,
    });
    await projectCaseState(p(1, { overdue: true }));
    expect(await read()).toEqual({ column: true, flag: true });
    await projectCaseState(p(2, {})); // a state without the flag does not clear it
    expect(await read()).toEqual({ column: true, flag: true });
    await projectCaseState(p(3, { overdue: false })); // superseded
    expect(await read()).toEqual({ column: false, flag: false });
    await projectCaseState(p(4, { overdue: true })); // breached again
    expect(await read()).toEqual({ column: true, flag: true });
  });

  it('projects a running case: stage, next due date, the task inbox, then the final state', async () => {
    const taskQueue = uniqueQueue('states');
    const worker: Worker = await createCaseWorker({
      connection: dev.nativeConnection,
      namespace: 'default',
      taskQueue,
      db: tdb.db,
      logger: createLogger('silent'),
      workflowBundle: await workflowBundle(),
    });
    const store = createCaseStateStore(tdb.db);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const input = processInput(def, { caseEvents: { received: today } });
    await worker.runUntil(async () => {
      const h = await dev.client.workflow.start('processWorkflow', {
        taskQueue,
        workflowId: `case-${input.caseId}`,
        args: [input],
      });
      let tasks: Awaited<ReturnType<typeof store.openTasks>> = [];
      for (let i = 0; i < 200 && tasks.length === 0; i++) {
        tasks = await store.openTasks(input.caseId);
        if (tasks.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({
        nodeId: 'review',
        name: 'Review the petition',
        candidateRoles: ['officer'],
        dueAt: expect.any(String),
      });
      const running = await store.get(input.caseId);
      expect(running).toMatchObject({
        status: 'running',
        stage: 'Review the petition',
        pin: input.pin.label,
        overdue: false,
      });
      expect(running!.nextDueAt).toBe(tasks[0]!.dueAt);
      const s = await h.query(getCaseState);
      await h.executeUpdate(completeTask, { args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }] });
      await h.result();
    });
    const done = await store.get(input.caseId);
    expect(done).toMatchObject({ status: 'completed', outcome: 'answered', nextDueAt: null });
    expect(done!.state.variables.documentId).toMatch(/^doc-/);
    expect(await store.openTasks(input.caseId)).toEqual([]);
  });
});
