/**
 * Activities of the agency-closure fan-out (workflows/agency-closure.ts, ADR 0024): the open cases of
 * a closed agency page by page, and the record of each page — the read model moved to the successor
 * (`cases.agency_id`, `case_states.agency_id`, the target agency of open tasks, re-resolved for the new
 * agency like a projection does: ADR 0010) with one audit entry per case, and the closure's counters.
 * Idempotent under retries: only cases still at the closed agency move, and only those are counted
 * and audited.
 */
import { appendAudit, type AuditActor } from '../db/audit.js';
import { resolveTaskTargets } from '../db/case-states.js';
import type { Db } from '../db/knex.js';

export type ClosureActor = AuditActor;

/** A case to move. */
export interface ClosureTarget {
  caseId: string;
  workflowId: string;
}

export function createAgencyClosureActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** Open cases of `agencyId` in the read model after case id `after`, by id. */
    async agencyOpenCasesPage(req: { agencyId: string; after: string; limit: number }): Promise<ClosureTarget[]> {
      const rows = await db('cases')
        .where({ agency_id: req.agencyId, status: 'open' })
        .andWhere('id', '>', req.after)
        .orderBy('id')
        .limit(Math.min(Math.max(req.limit, 1), 1000))
        .select<{ id: string; workflow_id: string }[]>('id', 'workflow_id');
      return rows.map((r) => ({ caseId: r.id, workflowId: r.workflow_id }));
    },

    /**
     * Moves a page of cases to the successor in the read model, audits each case moved, and counts
     * them on the closure. On the last page, open tasks of other cases still routed to the closed
     * agency (it was their inspectorate) go to the successor too, and the closure completes.
     */
    async recordAgencyClosurePage(p: {
      closureId: string;
      agencyId: string;
      successorId: string;
      reason: string;
      actor: ClosureActor;
      cases: ClosureTarget[];
      skipped: string[];
      done: boolean;
    }): Promise<{ moved: number; skipped: number }> {
      return db.transaction(async (trx) => {
        const ids = p.cases.map((c) => c.caseId);
        // Lock order (as a projection takes them; rows before heads, ADR 0034): the cases' read-model rows first, in case id
        // order, then what their triggers lock, the audit chain head last. The closure signals each case before this
        // page, so their projections run beside it. A projection's upsert locks the case_states row and then, in the
        // case_facts trigger, the case's facts lock (db/case-facts-lock.ts); updating `cases` first took
        // that facts lock before the case_states row — the reverse — and deadlocked (SQLSTATE 40P01 in CI, 2026-12-03).
        if (ids.length > 0)
          await trx('case_states').whereIn('case_id', ids).orderBy('case_id').forUpdate().select('case_id');
        const moved =
          ids.length === 0
            ? []
            : (
                await trx('cases')
                  .whereIn('id', ids)
                  .where({ agency_id: p.agencyId })
                  .update({ agency_id: p.successorId, updated_at: trx.fn.now() })
                  .returning<Array<{ id: string }>>('id')
              )
                .map((r) => r.id)
                .sort();
        // Every row (other cases' tasks and the closure's row too) before the audit head, held to the commit: a
        // projection holding a task row of its case waits for the audit head last.
        for (const caseId of moved) {
          await trx('case_states').where({ case_id: caseId }).update({ agency_id: p.successorId });
          const tasks = await trx('case_tasks')
            .where({ case_id: caseId, status: 'open' })
            .select<Array<{ task_id: string; agency_scope: string }>>('task_id', 'agency_scope');
          if (tasks.length > 0) {
            const targets = await resolveTaskTargets(
              trx,
              p.successorId,
              tasks.map((t) => t.agency_scope),
            );
            for (const t of tasks) {
              await trx('case_tasks')
                .where({ case_id: caseId, task_id: t.task_id })
                .update({ target_agency_id: targets[t.agency_scope] ?? p.successorId });
            }
          }
        }
        const skipped = p.skipped.filter((id) => moved.includes(id)).length;
        if (p.done) {
          await trx('case_tasks')
            .where({ target_agency_id: p.agencyId, status: 'open' })
            .update({ target_agency_id: p.successorId });
        }
        const row = await trx('agency_closures')
          .where({ id: p.closureId })
          .forUpdate()
          .first<{ status: string } | undefined>('status');
        for (const caseId of moved) {
          await appendAudit(
            trx,
            {
              actor: p.actor,
              action: 'case.agency_moved',
              caseId,
              before: { agencyId: p.agencyId },
              after: { agencyId: p.successorId, closureId: p.closureId, reason: p.reason },
            },
            trx,
          );
        }
        if (row && row.status !== 'completed') {
          await trx('agency_closures')
            .where({ id: p.closureId })
            .update({
              moved: trx.raw('moved + ?', [moved.length]),
              skipped: trx.raw('skipped + ?', [skipped]),
              pages: trx.raw(`pages + ?`, [moved.length > 0 || ids.length === 0 ? 1 : 0]),
              ...(p.done ? { status: 'completed', finished_at: trx.fn.now() } : {}),
            });
        }
        return { moved: moved.length, skipped };
      });
    },
  };
}

export type AgencyClosureActivities = ReturnType<typeof createAgencyClosureActivities>;
