/**
 * Helpers of the lock-order tests (ADR 0034): a projected running case, and waiting until a session is blocked by
 * another (the interleaving a test forces before it lets the holder go on).
 */
import type { Db } from '../../db/knex.js';

/**
 * A running case as the projection leaves it: its `cases` row and its `case_states` row (a petition received on the
 * web unless `caseType`, `channel` say otherwise).
 */
export async function seedRunningCase(
  db: Db,
  id: string,
  o: { agencyId: string; reference: string; caseType?: string; channel?: string },
): Promise<void> {
  const caseType = o.caseType ?? 'petition';
  await db('cases').insert({
    id,
    reference: o.reference,
    workflow_id: `case-${id}`,
    case_type: caseType,
    channel: o.channel ?? 'web',
    agency_id: o.agencyId,
    subject: 'lock order',
    received_at: new Date().toISOString(),
    stage: 'received',
    status: 'open',
  });
  await db('case_states').insert({
    case_id: id,
    case_type: caseType,
    agency_id: o.agencyId,
    pin: 'lock@1+sha256:x',
    stage: 'verify',
    status: 'running',
    state: JSON.stringify({ caseId: id, status: 'running', history: [] }),
    seq: 1,
  });
}

/** Waits until a session of this database waits for `pid`; throws naming `who` after 20 s. */
export async function untilBlockedBy(db: Db, pid: number, who: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await db.raw<{ rows: unknown[] }>(
      'SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND ? = ANY(pg_blocking_pids(pid))',
      [pid],
    );
    if (rows.length > 0) return;
    if (Date.now() > deadline) throw new Error(`${who} never waited for the projection`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
