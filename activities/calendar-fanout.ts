/**
 * Activities of the calendar fan-out workflow (workflows/calendar-fanout.ts): the open cases of the
 * read model page by page, and the record of each page (one `calendar_notifications` row per case
 * told, the counters of the `calendar_changes` row). Idempotent under retries.
 */
import type { Db } from '../db/knex.js';
import type { CalendarChanged } from '../workflows/calendar-contract.js';

/** A case to tell. */
export interface FanOutTarget {
  caseId: string;
  workflowId: string;
}

/** Calendar fan-out activities over the database. */
export function createCalendarFanOutActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** Open cases of the read model after case id `after`, by id. */
    async openCasesPage(req: { after: string; limit: number }): Promise<FanOutTarget[]> {
      const rows = await db('cases')
        .where('status', 'open')
        .andWhere('id', '>', req.after)
        .orderBy('id')
        .limit(Math.min(Math.max(req.limit, 1), 1000))
        .select<{ id: string; workflow_id: string }[]>('id', 'workflow_id');
      return rows.map((r) => ({ caseId: r.id, workflowId: r.workflow_id }));
    },

    /**
     * Records a page: the cases told (`calendar_notifications`, once per case and entry version) and
     * the counters of the change, once per page whatever the retries (counted from the rows written).
     */
    async recordCalendarFanOutPage(p: {
      changeId: string;
      entrySeq: number;
      change: CalendarChanged;
      notified: FanOutTarget[];
      skipped: string[];
      done: boolean;
    }): Promise<void> {
      await db.transaction(async (trx) => {
        const inserted =
          p.notified.length === 0
            ? []
            : await trx('calendar_notifications')
                .insert(
                  p.notified.map((t) => ({
                    case_id: t.caseId,
                    workflow_id: t.workflowId,
                    entry_seq: p.entrySeq,
                    entry_id: p.change.entryId,
                    version: p.change.version,
                    changed_dates: JSON.stringify(p.change.changedDates),
                  })),
                )
                .onConflict(['workflow_id', 'entry_seq'])
                .ignore()
                .returning('id');
        const row = await trx('calendar_changes')
          .where({ id: p.changeId })
          .forUpdate()
          .first<{ status: string } | undefined>('status');
        if (!row || row.status === 'completed') return;
        await trx('calendar_changes')
          .where({ id: p.changeId })
          .update({
            notified: trx.raw('notified + ?', [inserted.length]),
            // A retried page re-counts its skipped cases only if nothing of it was written before.
            skipped: trx.raw('skipped + ?', [inserted.length > 0 || p.notified.length === 0 ? p.skipped.length : 0]),
            pages: trx.raw('pages + 1'),
            ...(p.done ? { status: 'completed', finished_at: trx.fn.now() } : {}),
          });
      });
    },
  };
}

export type CalendarFanOutActivities = ReturnType<typeof createCalendarFanOutActivities>;
