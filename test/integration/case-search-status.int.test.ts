/**
 * A cancelled case is closed in the read model's search and detail (ADR 0005 follow-up: a Temporal
 * cancellation ends the case with status `cancelled`, projected like any other state). Real
 * PostgreSQL and the Temporal dev server: the read-model state comes from the worker's projection.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCaseView } from '../../api/case-view.js';
import { createCaseSearch, type CaseSearch } from '../../db/case-search.js';
import { createCaseStateStore } from '../../db/case-states.js';
import { caseReference, createCaseStore } from '../../db/cases.js';
import { createLogger } from '../../platform/logger.js';
import { createCaseWorker } from '../../worker.js';
import { completeTask, getCaseState } from '../../workflows/contract.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { processInput } from '../support/process.js';
import { devServer, uniqueQueue, workflowBundle } from '../support/temporal.js';

const def: ProcessDefinitionInput = {
  key: 'search-status',
  version: 1,
  name: 'Search status',
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
    { type: 'endEvent', id: 'end', outcome: 'answered' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'review' },
    { id: 'f2', source: 'review', target: 'end' },
  ],
};

const AGENCY = 'so-tnmt';

describe('case search: a cancelled case counts as closed (PostgreSQL + dev server)', () => {
  let tdb: TestDb;
  let dev: Awaited<ReturnType<typeof devServer>>;
  const ids = { running: '', completed: '', cancelled: '' };

  beforeAll(async () => {
    tdb = await createTestDb();
    dev = await devServer();
    const taskQueue = uniqueQueue('search-status');
    const worker: Worker = await createCaseWorker({
      connection: dev.nativeConnection,
      namespace: 'default',
      taskQueue,
      db: tdb.db,
      logger: createLogger('silent'),
      workflowBundle: await workflowBundle(),
    });
    const states = createCaseStateStore(tdb.db);
    const cases = createCaseStore(tdb.db);
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const handles: WorkflowHandle[] = [];
    /** Waits until the projection shows `status` for the case. */
    const projected = async (caseId: string, status: string) => {
      for (let i = 0; i < 200; i++) {
        if ((await states.get(caseId))?.status === status) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`case ${caseId} never projected as ${status}: ${(await states.get(caseId))?.status}`);
    };
    await worker.runUntil(async () => {
      for (const which of ['running', 'completed', 'cancelled'] as const) {
        const input = processInput(def, { agencyId: AGENCY, caseEvents: { received: today } });
        ids[which] = input.caseId;
        const receivedAt = `${today}T02:00:00.000Z`;
        // The cases row as POST /v1/cases writes it (status 'open' until the workflow closes it).
        await cases.project({
          id: input.caseId,
          reference: caseReference(input.caseId, 'petition', receivedAt),
          workflowId: `case-${input.caseId}`,
          caseType: 'petition',
          channel: 'portal',
          agencyId: AGENCY,
          subject: `search status ${which}`,
          remoteArea: false,
          receivedAt,
          stage: 'received',
          status: 'open',
          projectionSeq: 0,
        });
        const h = await dev.client.workflow.start('processWorkflow', {
          taskQueue,
          workflowId: `case-${input.caseId}`,
          args: [input],
        });
        handles.push(h);
        await projected(input.caseId, 'running');
        if (which === 'completed') {
          const s = await h.query(getCaseState);
          await h.executeUpdate(completeTask, {
            args: [{ caseId: input.caseId, taskId: s.openTasks[0]!.id, data: {} }],
          });
          await projected(input.caseId, 'completed');
        }
        if (which === 'cancelled') {
          await h.cancel();
          await projected(input.caseId, 'cancelled');
        }
      }
    });
    // The running case's workflow is not needed any more (its worker is gone).
    await handles[0]!.terminate('test done').catch(() => undefined);
  }, 180_000);

  afterAll(async () => {
    await dev?.close();
    await tdb?.drop();
  });

  const search = (q: Partial<CaseSearch>) =>
    createCaseSearch(tdb.db).search({ agencies: [AGENCY], sort: 'receivedAt', limit: 50, ...q });

  it('the projection holds the three states (running, completed, cancelled)', async () => {
    const states = createCaseStateStore(tdb.db);
    expect((await states.get(ids.running))!.status).toBe('running');
    expect((await states.get(ids.completed))!.status).toBe('completed');
    const cancelled = await states.get(ids.cancelled);
    expect(cancelled).toMatchObject({ status: 'cancelled', stage: 'cancelled', nextDueAt: null });
    expect(await states.openTasks(ids.cancelled)).toEqual([]);
  });

  it('status=closed lists the completed and the cancelled case; status=open only the running one', async () => {
    const closed = (await search({ status: 'closed' })).map((r) => r.id).sort();
    expect(closed).toEqual([ids.completed, ids.cancelled].sort());
    const open = (await search({ status: 'open' })).map((r) => r.id);
    expect(open).toEqual([ids.running]);
  });

  it('the listed status of a cancelled case is closed', async () => {
    const rows = await search({});
    const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
    expect(status).toEqual({ [ids.running]: 'open', [ids.completed]: 'closed', [ids.cancelled]: 'closed' });
  });

  it('the case detail of a cancelled case is closed', async () => {
    const search = createCaseSearch(tdb.db);
    const view = async (id: string) => {
      const c = (await createCaseStore(tdb.db).get(id))!;
      const d = await search.detail(id);
      return buildCaseView(c, d.state, {
        definition: null,
        details: null,
        claims: new Map(),
        documents: [],
        stored: d.flags,
        seq: d.seq ?? 0,
        asOf: d.projectedAt,
        source: 'read-model',
      });
    };
    expect(await view(ids.cancelled)).toMatchObject({
      status: 'closed',
      stage: 'cancelled',
      stageLabel: 'Đã hủy',
      openTasks: [],
      outcome: null,
    });
    expect((await view(ids.completed)).status).toBe('closed');
    expect((await view(ids.running)).status).toBe('open');
  });
});
