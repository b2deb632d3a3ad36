/**
 * setCaseFlag('overdue') beside the case's projection (ADR 0034, session 11 amendment). Every built-in breach
 * flow starts with a setFlag overdue service task (processes/builtin/build.ts breachSteps), which the interpreter
 * launches without waiting for it, then projects the state (workflows/interpreter.ts launchEffects, projectState):
 * the activity and the projection run at the same time. The projection locks the case_states row, the case's
 * facts lock (case_facts trigger), the audit head, and last writes the overdue case_flags row (markOverdue).
 * The activity wrote case_flags first, outside a transaction: its row was uncommitted while its case_facts
 * trigger waited for the facts lock the projection held, and the projection's markOverdue then waited for that
 * row — a deadlock (40P01). The activity now locks the case_states row first, in one transaction.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLifecycleActivities } from '../../activities/lifecycle.js';
import { appendAudit, SYSTEM_ACTOR } from '../../db/audit.js';
import { markOverdue } from '../../db/case-states.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { seedRunningCase, untilBlockedBy } from '../support/lock-order.js';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb();
});
afterAll(async () => {
  await tdb?.drop();
});

const seedCase = (id: string) =>
  seedRunningCase(tdb.db, id, { agencyId: 'ubnd-xa-b', reference: `FLAG-${id.slice(-4)}` });

describe("setCaseFlag('overdue') beside the breach's projection", () => {
  it('locks the case_states row before case_flags (and its facts lock): no deadlock', async () => {
    const id = '00000000-0000-4000-8000-0000000000f1';
    await seedCase(id);
    const { setCaseFlag } = createLifecycleActivities({ db: tdb.db, logger: pino({ level: 'silent' }) });

    // The breach's projection, in the order projectWithBreaches takes its locks: the case_states row and (its
    // trigger) the facts lock, the audit head, then — after the flag activity has started — markOverdue.
    let release!: () => void;
    const go = new Promise<void>((r) => (release = r));
    let projectionPid = 0;
    const projection = tdb.db.transaction(async (trx) => {
      projectionPid = (await trx.raw<{ rows: Array<{ pid: number }> }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await trx('case_states').where({ case_id: id }).update({ seq: 2, updated_at: trx.fn.now() });
      await appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'workflow.due_breached', caseId: id, after: {} }, trx);
      await go;
      await markOverdue(trx, id, 'projection:2');
    });
    while (projectionPid === 0) await new Promise((r) => setTimeout(r, 10));

    const flag = setCaseFlag({ flag: 'overdue', value: true }, {
      caseId: id,
      nodeId: 'resolve.breach.flag',
      tokenId: 't1',
    } as never).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    // The activity waits for the projection (for the facts lock before the fix, the case_states row after).
    await untilBlockedBy(tdb.db, projectionPid, 'the flag activity');
    release();

    const p = await projection.then(
      () => 'committed',
      (e: unknown) => String(e),
    );
    const out = await flag;
    expect({ projection: p, flag: out.ok ? out.r : String((out as { e: unknown }).e) }).toEqual({
      projection: 'committed',
      flag: { flag: 'overdue', value: true },
    });
    expect((await tdb.db('case_flags').where({ case_id: id, flag: 'overdue' }).first()).value).toBe(true);
    expect((await tdb.db('case_states').where({ case_id: id }).first()).overdue).toBe(true);
    expect((await tdb.db('case_facts').where({ case_id: id }).first()).overdue).toBe(true);
  });

  it('sets a flag of a case not projected yet', async () => {
    const id = '00000000-0000-4000-8000-0000000000f2';
    await tdb.db('cases').insert({
      id,
      reference: 'FLAG-00f2',
      workflow_id: `case-${id}`,
      case_type: 'petition',
      channel: 'web',
      agency_id: 'ubnd-xa-b',
      subject: 'no state yet',
      received_at: new Date().toISOString(),
      stage: 'received',
      status: 'open',
    });
    const { setCaseFlag } = createLifecycleActivities({ db: tdb.db, logger: pino({ level: 'silent' }) });
    await expect(
      setCaseFlag({ flag: 'mass_case', value: true }, { caseId: id, nodeId: 'mass.flag', tokenId: 't1' } as never),
    ).resolves.toEqual({ flag: 'mass_case', value: true });
    expect((await tdb.db('case_flags').where({ case_id: id, flag: 'mass_case' }).first()).value).toBe(true);
    expect((await tdb.db('case_facts').where({ case_id: id }).first()).mass).toBe(true);
  });
});
