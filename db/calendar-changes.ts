/**
 * `calendar_changes`: a stored calendar change and the progress of the durable fan-out that tells the
 * open cases (issue 11.5), as `GET /v1/admin/calendar/changes/:id` shows it.
 */
import type { CalendarActor } from './calendar.js';
import type { Db } from './knex.js';

export interface CalendarChangeRecord {
  id: string;
  entryId: string;
  entrySeq: number;
  action: string;
  version: string;
  changedDates: string[];
  workflowId: string;
  status: 'running' | 'completed' | 'not_started';
  notified: number;
  skipped: number;
  pages: number;
  requestedBy: CalendarActor;
  requestedAt: string;
  finishedAt: string | null;
}

function fromRow(r: Record<string, unknown>): CalendarChangeRecord {
  const at = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));
  return {
    id: r.id as string,
    entryId: r.entry_id as string,
    entrySeq: Number(r.entry_seq),
    action: r.action as string,
    version: r.version as string,
    changedDates: r.changed_dates as string[],
    workflowId: r.workflow_id as string,
    status: r.status as CalendarChangeRecord['status'],
    notified: Number(r.notified),
    skipped: Number(r.skipped),
    pages: Number(r.pages),
    requestedBy: r.requested_by as CalendarActor,
    requestedAt: at(r.requested_at)!,
    finishedAt: at(r.finished_at),
  };
}

export function createCalendarChangeStore(db: Db) {
  return {
    /** The change of `id`, or undefined. */
    async get(id: string): Promise<CalendarChangeRecord | undefined> {
      const row = await db('calendar_changes').where({ id }).first();
      return row ? fromRow(row) : undefined;
    },
    /** Records a change whose fan-out workflow is being started (`running`). */
    async insertRunning(c: {
      id: string;
      entrySeq: number;
      entryId: string;
      action: string;
      version: string;
      changedDates: string[];
      workflowId: string;
      requestedBy: CalendarActor;
    }): Promise<void> {
      await db('calendar_changes').insert({
        id: c.id,
        entry_seq: c.entrySeq,
        entry_id: c.entryId,
        action: c.action,
        version: c.version,
        changed_dates: JSON.stringify(c.changedDates),
        workflow_id: c.workflowId,
        status: 'running',
        requested_by: JSON.stringify(c.requestedBy),
      });
    },
    /** The fan-out workflow of `id` could not be started. */
    async markNotStarted(id: string): Promise<void> {
      await db('calendar_changes').where({ id }).update({ status: 'not_started' });
    },
    /** Whether an earlier version of the entry exists (the change is a correction). */
    async isCorrection(entryId: string, seq: number): Promise<boolean> {
      return (
        (await db('calendar_entries').where({ entry_id: entryId }).andWhere('seq', '<', seq).first('seq')) !== undefined
      );
    },
  };
}
