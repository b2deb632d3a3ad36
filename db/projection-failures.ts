import type { Db } from './knex.js';

/**
 * Why a projection write failed (ADR 0016). Data PostgreSQL refuses is refused again on every retry:
 * those reasons are `data: true` (the projection is then written sanitized, or quarantined); anything
 * else (a lost connection, a restart, a serialization failure) is transient and retried by Temporal.
 */
export interface ProjectionFailureClass {
  reason: string;
  sqlstate: string | undefined;
  data: boolean;
}

export function classifyProjectionError(err: unknown): ProjectionFailureClass {
  const code = (err as { code?: unknown } | null)?.code;
  const sqlstate = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (sqlstate === '22P05' || sqlstate === '22021') return { reason: 'untranslatable_character', sqlstate, data: true };
  if (sqlstate === '22P02') return { reason: 'invalid_text', sqlstate, data: true };
  if (sqlstate?.startsWith('22')) return { reason: 'data_exception', sqlstate, data: true };
  if (sqlstate?.startsWith('54')) return { reason: 'limit_exceeded', sqlstate, data: true };
  if (sqlstate?.startsWith('23')) return { reason: 'integrity', sqlstate, data: false };
  return { reason: 'transient', sqlstate, data: false };
}

export interface ProjectionFailureRecord {
  caseId: string;
  agencyId: string | null;
  seq: number;
  reason: string;
  sqlstate: string | null;
  outcome: 'sanitized' | 'failed';
  occurrences: number;
  firstAt: string;
  lastAt: string;
}

/** `projection_failures`: the latest refused projection of each case, for admins (no input text). */
export function createProjectionFailureStore(db: Db) {
  return {
    async record(f: {
      caseId: string;
      seq: number;
      reason: string;
      sqlstate: string | undefined;
      outcome: 'sanitized' | 'failed';
    }): Promise<void> {
      await db.raw(
        `INSERT INTO projection_failures (case_id, seq, reason, sqlstate, outcome) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (case_id) DO UPDATE SET seq = EXCLUDED.seq, reason = EXCLUDED.reason, sqlstate = EXCLUDED.sqlstate,
           outcome = EXCLUDED.outcome, occurrences = projection_failures.occurrences + 1, last_at = now()`,
        [f.caseId, f.seq, f.reason, f.sqlstate ?? null, f.outcome],
      );
    },
    /** Failures of cases of these agencies, latest first. */
    async list(agencyIds: string[], limit = 200): Promise<ProjectionFailureRecord[]> {
      const rows = await db('projection_failures as f')
        .join('cases as c', 'c.id', 'f.case_id')
        .whereIn('c.agency_id', agencyIds)
        .orderBy([
          { column: 'f.last_at', order: 'desc' },
          { column: 'f.case_id', order: 'asc' },
        ])
        .limit(limit)
        .select('f.*', 'c.agency_id');
      return (
        rows as Array<{
          case_id: string;
          agency_id: string | null;
          seq: number;
          reason: string;
          sqlstate: string | null;
          outcome: 'sanitized' | 'failed';
          occurrences: number;
          first_at: Date;
          last_at: Date;
        }>
      ).map((r) => ({
        caseId: r.case_id,
        agencyId: r.agency_id,
        seq: r.seq,
        reason: r.reason,
        sqlstate: r.sqlstate,
        outcome: r.outcome,
        occurrences: r.occurrences,
        firstAt: r.first_at.toISOString(),
        lastAt: r.last_at.toISOString(),
      }));
    },
  };
}
