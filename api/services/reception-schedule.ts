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
}

export type EntryPatch = Partial<Omit<NewEntry, 'agencyId'>> & { reason: string };

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
});

export interface ReceptionScheduleDeps {
  db: Db;
  audit: { append(input: AuditInput, trx?: Db): Promise<AuditEntry> };
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

  return {
    store,
    async create(body: NewEntry, by: Acting): Promise<ScheduleEntry> {
      checkTimes(body.startTime, body.endTime);
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
