/**
 * The per-case facts lock: the advisory lock the `case_facts` triggers take after a write to a case's `cases`,
 * `case_states` or `case_flags` row (migration 20261205050000_case_facts, `kntc_case_facts_locked_refresh`). A writer
 * that must hold it before its first row write (ADR 0034, session 11 amendment) takes it here, under the same key.
 */
import type { Db } from './knex.js';

/** The lock's class; must equal the literal in `kntc_case_facts_locked_refresh` (migration 20261205050000). */
export const CASE_FACTS_LOCK_CLASS = 20261205;

/** Takes the case's facts lock until `trx` ends. */
export async function lockCaseFacts(trx: Db, caseId: string): Promise<void> {
  await trx.raw(`SELECT pg_advisory_xact_lock(${CASE_FACTS_LOCK_CLASS}, hashtext(?))`, [caseId]);
}
