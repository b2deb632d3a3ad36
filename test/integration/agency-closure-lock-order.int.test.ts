/**
 * recordAgencyClosurePage (ADR 0024) beside the projections of the cases it moves: the closure signals each
 * case before it records the page, so a case's projection runs at the same time. A projection's upsert locks
 * the case_states row, then — in the case_facts trigger — the case's facts lock (an advisory lock per case),
 * then the audit chain head (db/case-states.ts projectWithBreaches). The page updated `cases` first (its
 * trigger takes the facts locks) and the case_states rows after: the reverse order, a deadlock with the
 * projection (SQLSTATE 40P01 twice in a CI run, 2026-12-03). It now locks the case_states rows first; so does
 * a special period's routing of a flagged case (db/reception-periods.ts moveCase), which had the same order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgencyClosureActivities } from '../../activities/agency-closure.js';
import { appendAudit, SYSTEM_ACTOR } from '../../db/audit.js';
import { createReceptionPeriodStore } from '../../db/reception-periods.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { seedRunningCase, untilBlockedBy } from '../support/lock-order.js';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb();
});
afterAll(async () => {
  await tdb?.drop();
});

const FROM = 'ubnd-xa-b';
const TO = 'so-tnmt';
const seedCase = (id: string) => seedRunningCase(tdb.db, id, { agencyId: FROM, reference: `LOCK-${id.slice(-4)}` });

describe('moving a case to another agency beside its projection', () => {
  it("an agency closure's page takes the cases' rows before their facts locks and the audit head: no deadlock", async () => {
    const [a, b] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
    await seedCase(a);
    await seedCase(b);
    const { recordAgencyClosurePage } = createAgencyClosureActivities({ db: tdb.db });

    // A's projection, as projectWithBreaches' upsert does it, in two steps so the page can come between them:
    // the case_states row first …
    let release!: () => void;
    const go = new Promise<void>((r) => (release = r));
    let projectionPid = 0;
    const projection = tdb.db.transaction(async (trx) => {
      projectionPid = (await trx.raw<{ rows: Array<{ pid: number }> }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await trx('case_states').where({ case_id: a }).forUpdate().select('case_id');
      await go;
      // … then the write, whose case_facts trigger takes the case's facts lock, then the audit chain head.
      await trx('case_states').where({ case_id: a }).update({ seq: 2, updated_at: trx.fn.now() });
      await appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'workflow.test', caseId: a, after: { seq: 2 } }, trx);
    });
    while (projectionPid === 0) await new Promise((r) => setTimeout(r, 10));

    const page = recordAgencyClosurePage({
      closureId: 'closure-lock-order',
      agencyId: FROM,
      successorId: TO,
      reason: 'Sáp nhập',
      actor: SYSTEM_ACTOR,
      cases: [a, b].map((caseId) => ({ caseId, workflowId: `case-${caseId}` })),
      skipped: [],
      done: true,
    });
    const settled = page.then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    // The page waits for A's row (held by the projection).
    await untilBlockedBy(tdb.db, projectionPid, 'the page');
    release();

    await expect(projection).resolves.toBeUndefined();
    const out = await settled;
    expect(out.ok ? out.r : String((out as { e: unknown }).e)).toEqual({ moved: 2, skipped: 0 });
    for (const id of [a, b]) {
      expect((await tdb.db('cases').where({ id }).first()).agency_id).toBe(TO);
      expect((await tdb.db('case_states').where({ case_id: id }).first()).agency_id).toBe(TO);
      expect(await tdb.db('audit_log').where({ action: 'case.agency_moved', case_id: id })).toHaveLength(1);
    }
    expect(await tdb.db('audit_log').where({ action: 'workflow.test', case_id: a })).toHaveLength(1);
  });

  it('a special period routing a case (moveCase) keeps the same order', async () => {
    const c = '00000000-0000-4000-8000-00000000000c';
    await seedCase(c);
    let release!: () => void;
    const go = new Promise<void>((r) => (release = r));
    let projectionPid = 0;
    const projection = tdb.db.transaction(async (trx) => {
      projectionPid = (await trx.raw<{ rows: Array<{ pid: number }> }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await trx('case_states').where({ case_id: c }).forUpdate().select('case_id');
      await go;
      await trx('case_states').where({ case_id: c }).update({ seq: 2, updated_at: trx.fn.now() });
      await appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'workflow.test', caseId: c, after: { seq: 2 } }, trx);
    });
    while (projectionPid === 0) await new Promise((r) => setTimeout(r, 10));
    const store = createReceptionPeriodStore(tdb.db);
    const settled = tdb.db
      .transaction((trx) => store.moveCase(c, FROM, TO, trx))
      .then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
    await untilBlockedBy(tdb.db, projectionPid, 'the move');
    release();
    await expect(projection).resolves.toBeUndefined();
    const out = await settled;
    expect(out.ok ? out.r : String((out as { e: unknown }).e)).toBe(true);
    expect((await tdb.db('cases').where({ id: c }).first()).agency_id).toBe(TO);
    expect((await tdb.db('case_states').where({ case_id: c }).first()).agency_id).toBe(TO);
  });
});
