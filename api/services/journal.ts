/**
 * The audit entries and events of a transaction's writes, held until every write is made and appended last: the
 * one lock order of ADR 0034 (session 11 amendment) — a writer's rows, what their triggers lock (a case's facts
 * lock, the shared counters), cluster locks and hotspot rows, then the audit chain head, the event head last. A
 * writer whose steps each audit and emit (a matter link decision that opens a delegation process) adds to one
 * journal and appends it once at the end; entries and events keep the order they were added in.
 */
import type { AuditInput, AuditStore } from '../../db/audit.js';
import { appendEvents, type NewEvent } from '../../db/events.js';
import type { Db } from '../../db/knex.js';

export interface Journal {
  audit: AuditInput[];
  events: NewEvent[];
}

export const newJournal = (): Journal => ({ audit: [], events: [] });

/** Appends the journal's audit entries (the audit head), then its events (the event head), in `trx`; empties it. */
export async function appendJournal(trx: Db, audit: Pick<AuditStore, 'append'>, j: Journal): Promise<void> {
  for (const entry of j.audit.splice(0)) await audit.append(entry, trx);
  await appendEvents(trx, j.events.splice(0));
}
