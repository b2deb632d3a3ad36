/**
 * Leaders' reception schedules (issue 14.1, ADR 0029): create, change and cancel an entry, each with its
 * history row (the entry as it became, with the reason) and an audit entry in one transaction.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditInput } from '../../db/audit.js';
import type { Db } from '../../db/knex.js';
import {
  createReceptionScheduleStore,
  type EntryKind,
  type EntryRow,
  type ScheduleEntry,
} from '../../db/reception-schedule.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { HttpProblem } from '../problem.js';
import {
  noticeDeadline,
  ONLINE_RECEPTION,
  onlineReceptionAllowed,
  scheduleNoticeRule,
} from '../../reception/legal-rules.js';
import { workingDays } from '../../reception/periods.js';
import { addDays } from '../../workflows/clock/days.js';
import { vnDate } from '../../workflows/clock/vn-time.js';

export interface Acting {
  principal: Principal;
  requestId: string;
}

export interface NewEntry {
  agencyId: string;
  leaderPersonId: string;
  leaderTitle: string;
  placeId: string;
  date: string;
  startTime: string;
  endTime: string;
  kind: EntryKind;
  note?: string | null;
  periodId?: string | null;
  /** Why the entry is published with less notice than the law asks (required then; else ignored). */
  lateNoticeReason?: string | null | undefined;
}

export type EntryPatch = Partial<Omit<NewEntry, 'agencyId'>> & { reason: string };

/** The notice columns of an entry on `date` of `kind`, published on `today` (Vietnam). */
interface Notice {
  notice_deadline: string | null;
  late_notice: boolean;
  late_notice_reason: string | null;
}

const rejected = (path: string, message: string) =>
  new HttpProblem(422, 'reception-schedule-rejected', 'The schedule entry is not valid', `${path}: ${message}`, {
    errors: [{ path, message }],
  });

/** What the history and the audit log keep of an entry (no personal data beyond the leader's id). */
const snapshot = (e: ScheduleEntry) => ({
  id: e.id,
  agencyId: e.agencyId,
  leaderPersonId: e.leaderPersonId,
  leaderTitle: e.leaderTitle,
  placeId: e.placeId,
  date: e.date,
  startTime: e.startTime,
  endTime: e.endTime,
  kind: e.kind,
  status: e.status,
  sequence: e.sequence,
  note: e.note,
  periodId: e.periodId,
  noticeDeadline: e.noticeDeadline,
  lateNotice: e.lateNotice,
  lateNoticeReason: e.lateNoticeReason,
});

export interface ReceptionScheduleDeps {
  db: Db;
  audit: { append(input: AuditInput, trx?: Db): Promise<AuditEntry> };
  /** The wall clock (epoch ms): the publication day of an entry is today in Vietnam. Tests inject it. */
  now?: () => number;
}

export function createReceptionScheduleService(deps: ReceptionScheduleDeps) {
  const { db, audit } = deps;
  const store = createReceptionScheduleStore(db);

  /** The leader must be the head or a deputy of the agency, active in the directory (ADR 0024). */
  async function checkLeader(personId: string, agencyId: string, trx: Db): Promise<void> {
    const pos = await store.positionOf(personId, agencyId, trx);
    if (pos !== 'head' && pos !== 'deputy')
      throw rejected('leaderPersonId', `${personId} is not an active head or deputy of ${agencyId} in the directory`);
  }
  async function checkPlace(placeId: string, agencyId: string, trx: Db): Promise<void> {
    const p = await store.place(placeId, trx);
    if (!p || p.agencyId !== agencyId) throw rejected('placeId', `no reception place ${placeId} of ${agencyId}`);
    if (!p.active) throw rejected('placeId', `the reception place ${placeId} is no longer in use`);
  }
  function checkTimes(startTime: string, endTime: string): void {
    if (startTime >= endTime) throw rejected('endTime', `must be after startTime ${startTime}`);
  }
  /** An online reception day only from the date NĐ 154/2026 provides for it (reception/legal-rules.ts). */
  function checkOnline(kind: string, date: string): void {
    if (kind === 'online' && !onlineReceptionAllowed(date))
      throw rejected('kind', `online reception only from ${ONLINE_RECEPTION.from} (${ONLINE_RECEPTION.citation})`);
  }

  /**
   * The notice of an entry of `kind` on `date` published today (Luật Tiếp công dân 2013 Art 24(4); online:
   * NĐ 154/2026 Art 23(1)): the deadline on the public-agency calendar, and whether it is late — then a reason
   * is required (422 naming `lateNoticeReason`).
   */
  async function notice(kind: EntryKind, date: string, reason: string | null | undefined): Promise<Notice> {
    const rule = scheduleNoticeRule(kind, date);
    if (!rule) return { notice_deadline: null, late_notice: false, late_notice_reason: null };
    // Working days before the day: 5 of them always fall within 40 days (the longest holiday is Tết's).
    const before = await workingDays(db, addDays(date, -40), addDays(date, -1));
    const deadline = noticeDeadline(before, rule.workingDays);
    const today = vnDate((deps.now ?? Date.now)());
    if (!deadline || today <= deadline)
      return { notice_deadline: deadline, late_notice: false, late_notice_reason: null };
    if (!reason)
      throw rejected(
        'lateNoticeReason',
        `the schedule of ${date} must be published by ${deadline} (${rule.workingDays} working days before, ` +
          `${rule.citation}); publishing it later needs a reason`,
      );
    return { notice_deadline: deadline, late_notice: true, late_notice_reason: reason };
  }

  return {
    store,
    async create(body: NewEntry, by: Acting): Promise<ScheduleEntry> {
      checkTimes(body.startTime, body.endTime);
      checkOnline(body.kind, body.date);
      const n = await notice(body.kind, body.date, body.lateNoticeReason);
      return db.transaction(async (trx) => {
        await checkLeader(body.leaderPersonId, body.agencyId, trx);
        await checkPlace(body.placeId, body.agencyId, trx);
        const row: EntryRow = {
          id: `rse_${randomBytes(8).toString('hex')}`,
          agency_id: body.agencyId,
          leader_person_id: body.leaderPersonId,
          leader_title: body.leaderTitle,
          place_id: body.placeId,
          entry_date: body.date,
          start_time: body.startTime,
          end_time: body.endTime,
          kind: body.kind,
          note: body.note ?? null,
          period_id: body.periodId ?? null,
          ...n,
          created_by: JSON.stringify(actorOf(by.principal)),
        };
        await store.insert(row, trx);
        const e = (await store.get(row.id, trx))!;
        const actor = actorOf(by.principal);
        await store.recordChange(
          e.id,
          { sequence: e.sequence, action: 'created', reason: null, snapshot: snapshot(e), changedBy: actor },
          trx,
        );
        await audit.append(
          { actor, action: 'reception.schedule.created', requestId: by.requestId, after: snapshot(e) },
          trx,
        );
        return e;
      });
    },

    /** Changes an entry (a new SEQUENCE); a cancelled entry cannot change (409). */
    async change(id: string, patch: EntryPatch, by: Acting): Promise<ScheduleEntry> {
      return db.transaction(async (trx) => {
        const before = await store.lock(id, trx);
        if (!before) throw new HttpProblem(404, 'not-found', 'Not found', `Schedule entry ${id} was not found`);
        if (before.status === 'cancelled')
          throw new HttpProblem(409, 'conflict', 'Conflict', `status: schedule entry ${id} is cancelled`, {
            errors: [{ path: 'status', message: 'cancelled' }],
          });
        const start = patch.startTime ?? before.startTime;
        const end = patch.endTime ?? before.endTime;
        checkTimes(start, end);
        checkOnline(patch.kind ?? before.kind, patch.date ?? before.date);
        // Moving the day (or making it periodic / online) is publishing it anew: the notice is judged again.
        const moved =
          (patch.date !== undefined && patch.date !== before.date) ||
          (patch.kind !== undefined && patch.kind !== before.kind);
        const n = moved
          ? await notice(patch.kind ?? before.kind, patch.date ?? before.date, patch.lateNoticeReason)
          : {};
        if (patch.leaderPersonId) await checkLeader(patch.leaderPersonId, before.agencyId, trx);
        if (patch.placeId) await checkPlace(patch.placeId, before.agencyId, trx);
        const cols: Partial<EntryRow> = {
          ...(patch.leaderPersonId !== undefined ? { leader_person_id: patch.leaderPersonId } : {}),
          ...(patch.leaderTitle !== undefined ? { leader_title: patch.leaderTitle } : {}),
          ...(patch.placeId !== undefined ? { place_id: patch.placeId } : {}),
          ...(patch.date !== undefined ? { entry_date: patch.date } : {}),
          ...(patch.startTime !== undefined ? { start_time: patch.startTime } : {}),
          ...(patch.endTime !== undefined ? { end_time: patch.endTime } : {}),
          ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
          ...(patch.note !== undefined ? { note: patch.note } : {}),
          ...(patch.periodId !== undefined ? { period_id: patch.periodId } : {}),
          ...n,
        };
        const after = await store.update(id, cols, trx);
        const actor = actorOf(by.principal);
        await store.recordChange(
          id,
          {
            sequence: after.sequence,
            action: 'changed',
            reason: patch.reason,
            snapshot: snapshot(after),
            changedBy: actor,
          },
          trx,
        );
        await audit.append(
          {
            actor,
            action: 'reception.schedule.changed',
            requestId: by.requestId,
            before: snapshot(before),
            after: { ...snapshot(after), reason: patch.reason },
          },
          trx,
        );
        return after;
      });
    },

    /** Cancels an entry (kept, STATUS:CANCELLED in the feed); cancelling twice answers the entry as it is. */
    async cancel(id: string, reason: string, by: Acting): Promise<ScheduleEntry> {
      return db.transaction(async (trx) => {
        const before = await store.lock(id, trx);
        if (!before) throw new HttpProblem(404, 'not-found', 'Not found', `Schedule entry ${id} was not found`);
        if (before.status === 'cancelled') return before;
        const after = await store.update(id, { status: 'cancelled' }, trx);
        const actor = actorOf(by.principal);
        await store.recordChange(
          id,
          { sequence: after.sequence, action: 'cancelled', reason, snapshot: snapshot(after), changedBy: actor },
          trx,
        );
        await audit.append(
          {
            actor,
            action: 'reception.schedule.cancelled',
            requestId: by.requestId,
            before: snapshot(before),
            after: { ...snapshot(after), reason },
          },
          trx,
        );
        return after;
      });
    },
  };
}

export type ReceptionScheduleService = ReturnType<typeof createReceptionScheduleService>;
