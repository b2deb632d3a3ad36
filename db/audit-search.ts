import type { Knex } from 'knex';
import { auditEntryFromRow, type AuditEntry, type AuditRow } from './audit.js';
import type { Db } from './knex.js';

/**
 * Search over the audit log for auditors (ADR 0014), within what the caller may see:
 * - an entry about a case: when the case's agency is in the caller's subtree;
 * - an entry about no case (api keys, definitions, replays…): when its actor's agency is in the subtree;
 * - changes of the national calendar (`calendar.*`): to every auditor, since they move every agency's
 *   deadlines;
 * - entries of the engine itself about no case (no agency, e.g. `audit.chain_keyed`): to system-level
 *   auditors only (an agency at the root of the tree).
 */
export interface AuditVisibility {
  subtree: readonly string[];
  systemLevel: boolean;
}

export interface AuditFilters {
  actorId?: string;
  actorType?: string;
  /** An action name, or a prefix ending in `*` (`calendar.*`). */
  action?: string;
  caseId?: string;
  /** Only entries of these agencies (an agency's subtree, already within the caller's). */
  agencies?: readonly string[];
  /** `at` from (inclusive) / to (exclusive), ISO instants in UTC. */
  from?: string;
  to?: string;
}

/** An audit entry as the search answers it: with the agency of its case (or, without a case, of its actor). */
export interface AuditSearchRow extends AuditEntry {
  agencyId: string | null;
}

type Row = AuditRow & { agency_id: string | null };

const toRow = (r: Row): AuditSearchRow => {
  const { seq, at, actor, action, caseId, ...rest } = auditEntryFromRow(r);
  return { seq, at, actor, action, caseId, agencyId: r.agency_id, ...rest };
};

/** LIKE pattern of an action filter: exact, or a prefix when it ends in `*` (LIKE's own wildcards escaped). */
function actionPattern(action: string): string {
  const esc = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  return action.endsWith('*') ? `${esc(action.slice(0, -1))}%` : esc(action);
}

export function createAuditSearch(db: Db) {
  function query(v: AuditVisibility, f: AuditFilters): Knex.QueryBuilder {
    const q = db('audit_log as a')
      .leftJoin('cases as c', 'c.id', 'a.case_id')
      .select(
        'a.seq',
        'a.at',
        'a.actor',
        'a.action',
        'a.case_id',
        'a.before',
        'a.after',
        'a.legal_basis',
        'a.request_id',
        'a.prev_hash',
        'a.hash',
        'a.hash_kid',
      )
      .select(db.raw(`coalesce(c.agency_id, a.actor->>'agency') AS agency_id`));
    const subtree = [...v.subtree];
    q.where((w) => {
      w.whereIn('c.agency_id', subtree)
        .orWhere((x) => x.whereNull('c.id').whereIn(db.raw(`a.actor->>'agency'`) as unknown as string, subtree))
        .orWhere('a.action', 'like', 'calendar.%');
      if (v.systemLevel) w.orWhere((x) => x.whereNull('c.id').whereRaw(`a.actor->>'agency' IS NULL`));
    });
    if (f.actorId !== undefined) q.whereRaw(`a.actor->>'id' = ?`, [f.actorId]);
    if (f.actorType !== undefined) q.whereRaw(`a.actor->>'type' = ?`, [f.actorType]);
    if (f.action !== undefined) q.whereRaw(`a.action LIKE ? ESCAPE '\\'`, [actionPattern(f.action)]);
    if (f.caseId !== undefined) q.where('a.case_id', f.caseId);
    if (f.agencies !== undefined) q.whereRaw(`coalesce(c.agency_id, a.actor->>'agency') = ANY(?)`, [[...f.agencies]]);
    if (f.from !== undefined) q.where('a.at', '>=', f.from);
    if (f.to !== undefined) q.where('a.at', '<', f.to);
    return q;
  }

  return {
    /** A page, newest first: entries with seq below `beforeSeq` (the cursor). */
    async search(
      v: AuditVisibility,
      f: AuditFilters,
      page: { beforeSeq?: number; limit: number },
    ): Promise<AuditSearchRow[]> {
      const q = query(v, f);
      if (page.beforeSeq !== undefined) q.where('a.seq', '<', page.beforeSeq);
      const rows = (await q.orderBy('a.seq', 'desc').limit(page.limit)) as Row[];
      return rows.map(toRow);
    },

    /** Every matching entry in chain order, `batch` rows per query (for streamed exports). */
    async *scan(v: AuditVisibility, f: AuditFilters, batch = 500): AsyncGenerator<AuditSearchRow[]> {
      let after = 0;
      for (;;) {
        const rows = (await query(v, f).where('a.seq', '>', after).orderBy('a.seq', 'asc').limit(batch)) as Row[];
        if (rows.length > 0) yield rows.map(toRow);
        if (rows.length < batch) return;
        after = Number(rows[rows.length - 1]!.seq);
      }
    },
  };
}
