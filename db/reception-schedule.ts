/**
 * Leaders' reception schedules (issue 14.1, ADR 0029): entries with their change history. SQL only; the
 * rules (who may lead, what a change needs) are in api/services/reception-schedule.ts.
 */
import type { Db } from './knex.js';
import { day, iso, str } from './rows.js';

export const ENTRY_KINDS = ['periodic', 'ad_hoc', 'online'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface ScheduleEntry {
  id: string;
  agencyId: string;
  agencyName: string;
  leaderPersonId: string;
  leaderName: string;
  leaderTitle: string;
  placeId: string;
  placeName: string;
  placeAddress: string | null;
  date: string;
  startTime: string;
  endTime: string;
  kind: EntryKind;
  status: 'scheduled' | 'cancelled';
  sequence: number;
  note: string | null;
  periodId: string | null;
  /** The last day the entry could be published in time (Art 24(4)), when the notice rule applies to it. */
  noticeDeadline: string | null;
  /** Published (or moved) after {@link noticeDeadline}, with the reason given. */
  lateNotice: boolean;
  lateNoticeReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Keyset sort key (`entry_date start_time`). */
  sortKey: string;
}

export interface ScheduleChange {
  sequence: number;
  action: 'created' | 'changed' | 'cancelled';
  reason: string | null;
  snapshot: Record<string, unknown>;
  changedBy: Record<string, unknown>;
  changedAt: string;
}

function entryOf(r: Record<string, unknown>): ScheduleEntry {
  const date = day(r.entry_date);
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    agencyName: r.agency_name as string,
    leaderPersonId: r.leader_person_id as string,
    leaderName: r.leader_name as string,
    leaderTitle: r.leader_title as string,
    placeId: r.place_id as string,
    placeName: r.place_name as string,
    placeAddress: str(r.place_address),
    date,
    startTime: r.start_time as string,
    endTime: r.end_time as string,
    kind: r.kind as EntryKind,
    status: r.status as 'scheduled' | 'cancelled',
    sequence: r.sequence as number,
    note: str(r.note),
    periodId: str(r.period_id),
    noticeDeadline: r.notice_deadline ? day(r.notice_deadline) : null,
    lateNotice: r.late_notice === true,
    lateNoticeReason: str(r.late_notice_reason),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    sortKey: `${date}T${r.start_time as string}:00Z`,
  };
}

export interface EntryRow {
  id: string;
  agency_id: string;
  leader_person_id: string;
  leader_title: string;
  place_id: string;
  entry_date: string;
  start_time: string;
  end_time: string;
  kind: EntryKind;
  note: string | null;
  period_id: string | null;
  notice_deadline?: string | null;
  late_notice?: boolean;
  late_notice_reason?: string | null;
  created_by: string;
}

export interface EntryQuery {
  agencies: readonly string[];
  from: string;
  to: string;
  includeCancelled: boolean;
  leaderPersonId?: string;
  after?: { k: string; id: string };
  limit: number;
}

export function createReceptionScheduleStore(db: Db) {
  const base = (q: Db) =>
    q('reception_schedule_entries as e')
      .join('agencies as a', 'a.id', 'e.agency_id')
      .join('people as p', 'p.id', 'e.leader_person_id')
      .join('reception_places as pl', 'pl.id', 'e.place_id')
      .select(
        'e.*',
        'a.name as agency_name',
        'p.display_name as leader_name',
        'pl.name as place_name',
        'pl.address as place_address',
      );
  return {
    async get(id: string, trx: Db = db): Promise<ScheduleEntry | undefined> {
      const r = await base(trx).where('e.id', id).first();
      return r ? entryOf(r as Record<string, unknown>) : undefined;
    },
    /** The entry locked for a change (FOR UPDATE of the entry row). */
    async lock(id: string, trx: Db): Promise<ScheduleEntry | undefined> {
      await trx('reception_schedule_entries').where({ id }).forUpdate().first();
      return this.get(id, trx);
    },
    async insert(row: EntryRow, trx: Db): Promise<void> {
      await trx('reception_schedule_entries').insert(row);
    },
    /** Applies `patch`, bumps `sequence`; the entry after. */
    async update(id: string, patch: Partial<EntryRow> & { status?: string }, trx: Db): Promise<ScheduleEntry> {
      await trx('reception_schedule_entries')
        .where({ id })
        .update({ ...patch, sequence: trx.raw('sequence + 1'), updated_at: trx.fn.now() });
      return (await this.get(id, trx))!;
    },
    async recordChange(
      entryId: string,
      c: Omit<ScheduleChange, 'changedAt' | 'snapshot' | 'changedBy'> & { snapshot: unknown; changedBy: unknown },
      trx: Db,
    ): Promise<void> {
      await trx('reception_schedule_changes').insert({
        entry_id: entryId,
        sequence: c.sequence,
        action: c.action,
        reason: c.reason,
        snapshot: JSON.stringify(c.snapshot),
        changed_by: JSON.stringify(c.changedBy),
      });
    },
    async changes(entryId: string): Promise<ScheduleChange[]> {
      const rows = await db('reception_schedule_changes').where({ entry_id: entryId }).orderBy('sequence');
      return rows.map((r: Record<string, unknown>) => ({
        sequence: r.sequence as number,
        action: r.action as ScheduleChange['action'],
        reason: (r.reason as string | null) ?? null,
        snapshot: r.snapshot as Record<string, unknown>,
        changedBy: r.changed_by as Record<string, unknown>,
        changedAt: iso(r.changed_at),
      }));
    },
    /** Entries of `agencies` between two days, by day and time (keyset pagination). */
    async list(q: EntryQuery): Promise<ScheduleEntry[]> {
      const sel = base(db)
        .whereIn('e.agency_id', [...q.agencies])
        .whereBetween('e.entry_date', [q.from, q.to])
        .orderBy([
          { column: 'e.entry_date', order: 'asc' },
          { column: 'e.start_time', order: 'asc' },
          { column: 'e.id', order: 'asc' },
        ])
        .limit(q.limit);
      if (!q.includeCancelled) sel.where('e.status', 'scheduled');
      if (q.leaderPersonId) sel.where('e.leader_person_id', q.leaderPersonId);
      if (q.after) {
        const [d, t] = [q.after.k.slice(0, 10), q.after.k.slice(11, 16)];
        sel.whereRaw('(e.entry_date, e.start_time, e.id) > (?::date, ?, ?)', [d, t, q.after.id]);
      }
      return (await sel).map((r: Record<string, unknown>) => entryOf(r));
    },
    /** A reception place: its agency and whether it is active; undefined when unknown. */
    async place(placeId: string, trx: Db = db): Promise<{ agencyId: string; active: boolean } | undefined> {
      const r = (await trx('reception_places').where({ id: placeId }).first('agency_id', 'active')) as
        { agency_id: string; active: boolean } | undefined;
      return r ? { agencyId: r.agency_id, active: r.active } : undefined;
    },
    /** The position of `personId` in `agencyId` when active there (head, deputy, member), else undefined. */
    async positionOf(personId: string, agencyId: string, trx: Db = db): Promise<string | undefined> {
      const r = await trx('agency_staff as s')
        .join('people as p', 'p.id', 's.person_id')
        .where({ 's.person_id': personId, 's.agency_id': agencyId, 'p.active': true })
        .first('s.position');
      return (r as { position?: string } | undefined)?.position;
    },
  };
}

export type ReceptionScheduleStore = ReturnType<typeof createReceptionScheduleStore>;
