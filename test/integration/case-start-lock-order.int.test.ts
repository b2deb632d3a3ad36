/**
 * The case start's second statement (db/case-intake.ts record, ADR 0011) beside projections (ADR 0034, session 11
 * amendment). Inserting the `cases` row fires the case_facts trigger: the new case's facts lock, its facts row and
 * the counter rows it adds to (case_fact_dims, case_fact_months), shared by every case of the same agency, type,
 * closed and overdue — and a projection takes those (its case_states row, facts lock, counters) before the audit
 * chain head. A start without a place took the audit head first and inserted the case in the same statement: the
 * reverse order, a deadlock (40P01) with a projection of any case sharing a counter row (and with the new case's
 * own first projection, its workflow running already). It now inserts the case first and takes the head after,
 * as a start with a place (the hotspot detector's `afterSeed`) already did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, SYSTEM_ACTOR } from '../../db/audit.js';
import { createCaseIntakeStore, type CaseSeed } from '../../db/case-intake.js';
import { createDb, type Db } from '../../db/knex.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { untilBlockedBy } from '../support/lock-order.js';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb();
});
afterAll(async () => {
  await tdb?.drop();
});

const AGENCY = 'ubnd-xa-b';

function seedOf(id: string, reference: string): CaseSeed {
  return {
    id,
    reference,
    workflowId: `case-${id}`,
    caseType: 'petition',
    channel: 'web',
    agencyId: AGENCY,
    subject: 'lock order',
    remoteArea: false,
    receivedAt: new Date().toISOString(),
    definition: { key: 'petition', version: 1, hash: 'sha256:x' },
    details: {},
  };
}

describe('a case start without a place beside a projection', () => {
  it('inserts the case (facts lock, counters) before it takes the audit head: no deadlock', async () => {
    // X: an open case of the same agency, type and channel as the one started, so their facts share counter rows.
    const x = '00000000-0000-4000-8000-0000000000c1';
    // The start on its own pool, counting its transactions: retryTransient runs a deadlock's victim again, which
    // would hide the deadlock from the outcome; one attempt is what shows there was none.
    const startDb = createDb(tdb.url, { max: 2 });
    let attempts = 0;
    const failures: unknown[] = [];
    const transaction = startDb.transaction.bind(startDb);
    Object.defineProperty(startDb, 'transaction', {
      value: (...args: Parameters<Db['transaction']>) => {
        attempts++;
        const run = (transaction as (...a: unknown[]) => Promise<unknown>)(...args);
        run.catch((e: unknown) => failures.push((e as { code?: unknown }).code ?? String(e)));
        return run;
      },
      configurable: true,
    });
    const intake = createCaseIntakeStore(startDb, { insertCte: () => Promise.reject(new Error('unused')) } as never);
    await intake.record({
      seed: seedOf(x, 'START-00c1'),
      audit: { actor: SYSTEM_ACTOR, action: 'case.created', caseId: x, after: {} },
    });
    await tdb.db('case_states').insert({
      case_id: x,
      case_type: 'petition',
      agency_id: AGENCY,
      pin: 'lock@1+sha256:x',
      stage: 'verify',
      status: 'running',
      state: JSON.stringify({ caseId: x, status: 'running', history: [] }),
      seq: 1,
    });

    // X's projection showing its breach, in projectWithBreaches' order: the case_states row, whose case_facts
    // trigger takes X's facts lock and moves X's counters (open, not overdue → open, overdue); then the audit head.
    let release!: () => void;
    const go = new Promise<void>((r) => (release = r));
    let projectionPid = 0;
    const projection = tdb.db.transaction(async (trx) => {
      projectionPid = (await trx.raw<{ rows: Array<{ pid: number }> }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await trx('case_states').where({ case_id: x }).update({ seq: 2, overdue: true, updated_at: trx.fn.now() });
      await go;
      await appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'workflow.due_breached', caseId: x, after: {} }, trx);
    });
    while (projectionPid === 0) await new Promise((r) => setTimeout(r, 10));

    // A new case of the same agency, type and channel: its counter rows are those X's projection holds.
    const y = '00000000-0000-4000-8000-0000000000c2';
    attempts = 0;
    failures.length = 0;
    const started = intake
      .record({
        seed: seedOf(y, 'START-00c2'),
        audit: { actor: SYSTEM_ACTOR, action: 'case.created', caseId: y, after: {} },
      })
      .then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
    await untilBlockedBy(tdb.db, projectionPid, 'the start');
    release();

    const p = await projection.then(
      () => 'committed',
      (e: unknown) => String(e),
    );
    const out = await started;
    await startDb.destroy();
    expect({ projection: p, start: out.ok ? out.r : String((out as { e: unknown }).e), attempts, failures }).toEqual({
      projection: 'committed',
      start: { fresh: true, audited: true, notifications: [] },
      attempts: 1,
      failures: [],
    });
    expect(await tdb.db('audit_log').where({ action: 'case.created', case_id: y })).toHaveLength(1);
    expect(await tdb.db('audit_log').where({ action: 'workflow.due_breached', case_id: x })).toHaveLength(1);
    expect((await tdb.db('case_facts').where({ case_id: y }).first()).overdue).toBe(false);
    const open = await tdb.db('case_fact_dims').where({
      dim: 'channel',
      key: 'web',
      agency_id: AGENCY,
      case_type: 'petition',
      closed: false,
    });
    expect(
      Object.fromEntries(open.map((r: { overdue: boolean; n: string }) => [String(r.overdue), Number(r.n)])),
    ).toEqual({ false: 1, true: 1 });
  });
});
