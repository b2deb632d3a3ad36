/**
 * A matter link's confirmation beside a projection (ADR 0034, session 11 amendment). Confirming a crowd's letter
 * (or visit) in a matter opens its delegation process (ADR 0036): the process's `cases` row, whose case_facts
 * trigger takes the new case's facts lock and the counter rows (case_fact_dims, case_fact_months) shared with every
 * case of the same agency, type, closed and overdue — which a projection takes before the audit chain head. The
 * confirmation appended its audit entries (`matter.link_confirmed`, `matter.flagged`) before it inserted that row,
 * and a visit recorded into a matter appended its events before the link's audit entries: the reverse order, a
 * deadlock (40P01) with a projection of any delegation of the same agency. The link decisions now make every write
 * first and append their audit entries, then their events, last.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth/principal.js';
import { createServices, type Services } from '../../api/routing/services.js';
import { appendAudit, SYSTEM_ACTOR } from '../../db/audit.js';
import { registerBuiltinDefinitions } from '../../db/builtin-definitions.js';
import { createDb, type Db } from '../../db/knex.js';
import { createLogger } from '../../platform/logger.js';
import { testAuth, testPii } from '../support/auth.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { seedRunningCase, untilBlockedBy } from '../support/lock-order.js';

const HOME = 'so-tnmt';
const principal: Principal = { type: 'user', id: 'officer-1', agencyId: HOME, roles: ['officer'], permissions: [] };

let tdb: TestDb;
let serviceDb: Db;
let services: Services;
const started: string[] = [];
beforeAll(async () => {
  tdb = await createTestDb();
  await registerBuiltinDefinitions(tdb.db);
  // The services on a pool of their own: the test's connections (the projection, the waits) never queue behind them.
  serviceDb = createDb(tdb.url, { max: 3 });
  // No Temporal: a delegation's workflow starts after the commit; here the start is only recorded.
  const temporal = {
    workflow: {
      start: (_w: string, o: { workflowId: string }) => {
        started.push(o.workflowId);
        return Promise.resolve({});
      },
    },
  } as unknown as Client;
  services = createServices({
    db: serviceDb,
    temporal,
    taskQueue: 'matter-lock',
    logger: createLogger('silent'),
    auth: testAuth,
    pii: testPii(),
  });
});
afterAll(async () => {
  await serviceDb?.destroy();
  await tdb?.drop();
});

/**
 * A delegation of HOME, running, and its projection showing a breach in projectWithBreaches' order: the case_states
 * row, whose trigger takes the facts lock and moves the counters of HOME's open delegations (not overdue → overdue);
 * then, once `release` is called, the audit head. A delegation process opened meanwhile adds to the same counters.
 */
async function projectionOfADelegation(id: string) {
  await seedRunningCase(tdb.db, id, {
    agencyId: HOME,
    reference: `DLG-${id.slice(-4)}`,
    caseType: 'delegation',
    channel: 'mass_matter',
  });
  let release!: () => void;
  const go = new Promise<void>((r) => (release = r));
  let pid = 0;
  const done = tdb.db
    .transaction(async (trx) => {
      pid = (await trx.raw<{ rows: Array<{ pid: number }> }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await trx('case_states').where({ case_id: id }).update({ seq: 2, overdue: true, updated_at: trx.fn.now() });
      await go;
      await appendAudit(trx, { actor: SYSTEM_ACTOR, action: 'workflow.due_breached', caseId: id, after: {} }, trx);
    })
    .then(
      () => 'committed',
      (e: unknown) => String(e),
    );
  while (pid === 0) await new Promise((r) => setTimeout(r, 10));
  return { pid, release, done };
}

const settled = <T>(p: Promise<T>) =>
  p.then(
    (r) => ({ ok: true as const, r }),
    (e: unknown) => ({ ok: false as const, e: String(e) }),
  );

describe("a matter link's confirmation beside a projection", () => {
  it('opens the delegation process (its case row, facts lock, counters) before it takes the audit head', async () => {
    // A letter of 30 signers: a crowd, whose confirmation in a matter opens a delegation process of HOME.
    const letter = '00000000-0000-4000-8000-00000000d101';
    await tdb.db('cases').insert({
      id: letter,
      reference: 'LOCK-d101',
      workflow_id: `case-${letter}`,
      case_type: 'petition',
      channel: 'web',
      agency_id: HOME,
      subject: 'a crowd letter',
      received_at: new Date().toISOString(),
      stage: 'received',
      status: 'open',
      details: JSON.stringify({ signersCount: 30 }),
    });
    const matter = await services.reception.createMatter(
      { agencyId: HOME, title: 'Bồi thường dự án đường 295' },
      principal,
      undefined,
      'req-create',
    );

    const projection = await projectionOfADelegation('00000000-0000-4000-8000-00000000d1a1');
    const confirm = settled(
      services.reception.decideLink(
        matter.id,
        { kind: 'case', refId: letter, decision: 'confirmed' },
        principal,
        'req-confirm',
      ),
    );
    // The confirmation waits for the projection (for the counter rows, holding the audit head before the fix).
    await untilBlockedBy(tdb.db, projection.pid, 'the confirmation');
    projection.release();

    const out = await confirm;
    expect({ projection: await projection.done, confirm: out.ok ? out.r.fresh : out.e }).toEqual({
      projection: 'committed',
      confirm: true,
    });
    // The entries and events of the confirmation, whole and in their order.
    const audit = await tdb
      .db('audit_log')
      .where({ request_id: 'req-confirm' })
      .orderBy('seq')
      .select('action', 'case_id');
    const delegation = await tdb.db('matter_delegations').where({ matter_id: matter.id }).first();
    expect(audit).toEqual([
      { action: 'matter.link_confirmed', case_id: letter },
      { action: 'matter.flagged', case_id: null },
      { action: 'matter.delegation_opened', case_id: delegation.process_case_id },
    ]);
    const events = await tdb
      .db('events')
      .whereIn('type', ['vn.kntc.matter.delegation_opened', 'vn.kntc.matter.linked'])
      .orderBy('seq')
      .select('type', 'case_id');
    expect(events).toEqual([
      { type: 'vn.kntc.matter.delegation_opened', case_id: delegation.process_case_id },
      { type: 'vn.kntc.matter.linked', case_id: letter },
    ]);
    expect((await tdb.db('matters').where({ id: matter.id }).first()).mass).toBe(true);
    expect(started).toEqual([`case-${delegation.process_case_id}`]);
  });

  it('records a crowd visit into a matter: the delegation before the audit head, the events after both', async () => {
    const matter = await services.reception.createMatter(
      { agencyId: HOME, title: 'Thu hồi đất xã B' },
      principal,
      undefined,
      'req-create-2',
    );
    const place = await services.reception.createPlace(
      { agencyId: HOME, name: 'Điểm tiếp công dân', kind: 'department_point', address: '1 Lê Lợi' },
      principal,
      'req-place',
    );
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const session = await services.reception.recordSession(
      {
        agencyId: HOME,
        placeId: place.id,
        kind: 'regular',
        receivedBy: 'in_person',
        mode: 'in_person',
        startedAt,
      },
      principal,
      undefined,
      'req-session',
    );

    const projection = await projectionOfADelegation('00000000-0000-4000-8000-00000000d2a1');
    const recorded = settled(
      services.reception.recordVisit({
        session,
        input: {
          visitedAt: startedAt,
          peopleCount: 30,
          isDelegation: true,
          visitors: [{ name: 'Hộ dân thôn 5' }],
          representatives: [{ name: 'Đại diện 1' }, { name: 'Đại diện 2' }],
          contentType: 'complaint',
          summary: 'Khiếu nại về bồi thường',
          outcome: 'guided',
          matterId: matter.id,
        },
        principal,
        key: undefined,
        requestId: 'req-visit',
        log: undefined,
      }),
    );
    await untilBlockedBy(tdb.db, projection.pid, 'the visit');
    projection.release();

    const out = await recorded;
    expect({ projection: await projection.done, visit: out.ok ? out.r.visit.matterId : out.e }).toEqual({
      projection: 'committed',
      visit: matter.id,
    });
    const visitId = out.ok ? out.r.visit.id : '';
    const delegation = await tdb.db('matter_delegations').where({ matter_id: matter.id }).first();
    expect(delegation.source_id).toBe(visitId);
    expect(
      await tdb.db('audit_log').where({ request_id: 'req-visit' }).orderBy('seq').select('action', 'case_id'),
    ).toEqual([
      { action: 'reception.visit_recorded', case_id: null },
      { action: 'matter.link_confirmed', case_id: null },
      { action: 'matter.flagged', case_id: null },
      { action: 'matter.delegation_opened', case_id: delegation.process_case_id },
    ]);
    const events = await tdb
      .db('events')
      .whereRaw(`data->>'visitId' = ? OR data->>'refId' = ? OR data->>'matterId' = ?`, [visitId, visitId, matter.id])
      .orderBy('seq')
      .select('type');
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'vn.kntc.reception.visit_recorded',
      'vn.kntc.matter.delegation_opened',
      'vn.kntc.matter.linked',
    ]);
  });
});
