import type { ImportPlan } from '../directory/agency-rules.js';
import { resolveTaskTargets } from './case-states.js';
import type { Db } from './knex.js';

/**
 * The agency and staff directory (ADR 0024): agencies with their lifecycle, people, their memberships
 * of agencies (roles, position) and notification preferences. Row mappers and the directory's queries and
 * writes (ADR 0022: the service calls these); the rules (who may change what, placement, closure) live in
 * api/services/directory.ts and directory/agency-rules.ts.
 */

export const LEVELS = ['province', 'department', 'commune'] as const;
export type Level = (typeof LEVELS)[number];
export const POSITIONS = ['head', 'deputy', 'member'] as const;
export type Position = (typeof POSITIONS)[number];

export interface AgencyRecord {
  id: string;
  parentId: string | null;
  name: string;
  level: Level;
  /** `inspectorate`: the state inspectorate of its level (ADR 0010); null otherwise. */
  kind: 'inspectorate' | null;
  closedAt: string | null;
  successorId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PersonRecord {
  id: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface MembershipRecord {
  personId: string;
  agencyId: string;
  roles: string[];
  position: Position;
  createdAt: string;
  updatedAt: string;
}

export interface PreferenceRecord {
  channel: 'email' | 'sms' | 'inapp';
  kind: string;
  enabled: boolean;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

export function agencyOf(r: Record<string, unknown>): AgencyRecord {
  return {
    id: r.id as string,
    parentId: (r.parent_id as string | null) ?? null,
    name: r.name as string,
    level: r.level as Level,
    kind: (r.kind as 'inspectorate' | null) ?? null,
    closedAt: isoOrNull(r.closed_at),
    successorId: (r.successor_id as string | null) ?? null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function personOf(r: Record<string, unknown>): PersonRecord {
  return {
    id: r.id as string,
    displayName: r.display_name as string,
    email: (r.email as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    active: r.active as boolean,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function membershipOf(r: Record<string, unknown>): MembershipRecord {
  return {
    personId: r.person_id as string,
    agencyId: r.agency_id as string,
    roles: r.roles as string[],
    position: r.position as Position,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

const AGENCY_COLUMNS = [
  'id',
  'parent_id',
  'name',
  'level',
  'kind',
  'closed_at',
  'successor_id',
  'created_at',
  'updated_at',
];

/** An agency closure's background move, as stored (`agency_closures`). */
export interface ClosureRow {
  id: string;
  agency_id: string;
  successor_id: string;
  workflow_id: string;
  status: 'running' | 'completed' | 'not_started';
  reason: string | null;
  requested_by: unknown;
  start_attempts: number;
  last_start_error: string | null;
  [column: string]: unknown;
}

export function createDirectoryStore(db: Db) {
  return {
    /**
     * Locks the agency tree against concurrent changes until the caller's transaction ends (moves, closures
     * and imports check the whole tree before they write).
     */
    async lockTree(trx: Db): Promise<void> {
      await trx.raw('LOCK TABLE agencies IN SHARE ROW EXCLUSIVE MODE');
    },
    /** Locks the agency's row for the caller's transaction; false when there is no such agency. */
    async lockAgency(id: string, trx: Db): Promise<boolean> {
      return (await trx('agencies').where({ id }).forUpdate().first()) !== undefined;
    },
    async insertAgency(
      a: { id: string; parentId: string | null; name: string; level: Level; kind: string | null },
      trx: Db,
    ): Promise<void> {
      await trx('agencies').insert({ id: a.id, parent_id: a.parentId, name: a.name, level: a.level, kind: a.kind });
    },
    /** Changes an agency's name and/or kind (the columns given). */
    async updateAgency(id: string, set: { name?: string; kind?: string | null }, trx: Db): Promise<void> {
      await trx('agencies')
        .where({ id })
        .update({ ...set, updated_at: trx.fn.now() });
    },
    async setParent(id: string, parentId: string, trx: Db): Promise<void> {
      await trx('agencies').where({ id }).update({ parent_id: parentId, updated_at: trx.fn.now() });
    },
    async markClosed(id: string, successorId: string, trx: Db): Promise<void> {
      await trx('agencies')
        .where({ id })
        .update({ closed_at: trx.fn.now(), successor_id: successorId, updated_at: trx.fn.now() });
    },
    /** The inspectorate beside agency `id` (under the same parent), other than `id` itself. */
    async otherInspectorate(id: string, parentId: string | null, trx: Db): Promise<string | undefined> {
      const other = await trx('agencies')
        .where({ kind: 'inspectorate' })
        .whereNot({ id })
        .andWhere((q) => (parentId === null ? q.whereNull('parent_id') : q.where({ parent_id: parentId })))
        .first('id');
      return other ? (other.id as string) : undefined;
    },
    /** Agencies directly below `id`, open or closed. */
    async children(id: string): Promise<string[]> {
      return (await db('agencies').where({ parent_id: id }).orderBy('id').select<Array<{ id: string }>>('id')).map(
        (r) => r.id,
      );
    },
    /**
     * Open tasks routed to a `parent` or `inspectorate` of cases at `agencies` re-resolved against the tree
     * now (after a move), as their next projection would (ADR 0010). The number of tasks.
     */
    async rerouteTasks(agencies: readonly string[], trx: Db): Promise<number> {
      if (agencies.length === 0) return 0;
      const rows = await trx('case_tasks as t')
        .join('case_states as s', 's.case_id', 't.case_id')
        .where('t.status', 'open')
        .whereIn('t.agency_scope', ['parent', 'inspectorate'])
        .whereIn('s.agency_id', agencies)
        .select<Array<{ case_id: string; task_id: string; agency_scope: string; agency_id: string }>>(
          't.case_id',
          't.task_id',
          't.agency_scope',
          's.agency_id',
        );
      const byAgency = new Map<string, Record<string, string | null>>();
      for (const r of rows) {
        if (!byAgency.has(r.agency_id))
          byAgency.set(r.agency_id, await resolveTaskTargets(trx, r.agency_id, ['parent', 'inspectorate']));
        await trx('case_tasks')
          .where({ case_id: r.case_id, task_id: r.task_id })
          .update({ target_agency_id: byAgency.get(r.agency_id)![r.agency_scope] ?? r.agency_id });
      }
      return rows.length;
    },
    /** The people of `ids` that exist, by id. */
    async peopleByIds(ids: readonly string[], trx: Db = db): Promise<Map<string, PersonRecord>> {
      const rows = ids.length === 0 ? [] : await trx('people').whereIn('id', [...ids]);
      return new Map(rows.map((r: Record<string, unknown>) => [r.id as string, personOf(r)]));
    },
    /** Memberships of any of `agencyIds` or of any of `personIds`. */
    async membershipsTouching(
      agencyIds: readonly string[],
      personIds: readonly string[],
      trx: Db = db,
    ): Promise<MembershipRecord[]> {
      return (
        await trx('agency_staff')
          .whereIn('agency_id', [...agencyIds])
          .orWhereIn('person_id', [...personIds])
      ).map(membershipOf);
    },
    /**
     * Applies a checked import plan (inside the caller's transaction): agencies created parents first, then
     * changed; people created and changed; memberships changed (positions away from `head` first, so that one
     * head per agency holds at every step), then created. `maxPasses` bounds the parents-first ordering.
     */
    async applyImport(plan: ImportPlan, trx: Db, maxPasses: number): Promise<void> {
      const pending = [...plan.agencies.created];
      const created = new Set<string>();
      const known = async (id: string | null) =>
        id === null || created.has(id) || (await trx('agencies').where({ id }).first('id')) !== undefined;
      for (let guard = 0; pending.length > 0 && guard < maxPasses; guard++) {
        for (let i = 0; i < pending.length; i++) {
          const a = pending[i]!;
          if (!(await known(a.parentId))) continue;
          await trx('agencies').insert({
            id: a.id,
            parent_id: a.parentId,
            name: a.name,
            level: a.level,
            kind: a.kind ?? null,
          });
          created.add(a.id);
          pending.splice(i, 1);
          i--;
        }
      }
      for (const c of plan.agencies.changed) {
        await trx('agencies')
          .where({ id: c.id })
          .update({
            name: c.row.name,
            parent_id: c.row.parentId,
            level: c.row.level,
            ...(c.row.kind === undefined ? {} : { kind: c.row.kind }),
            updated_at: trx.fn.now(),
          });
      }
      for (const p of plan.people.created) {
        await trx('people').insert({
          id: p.personId,
          display_name: p.displayName,
          email: p.email ?? null,
          phone: p.phone ?? null,
        });
      }
      for (const p of plan.people.changed) {
        const set: Record<string, unknown> = { updated_at: trx.fn.now() };
        if (p.changes.displayName) set.display_name = p.changes.displayName.to;
        if (p.changes.email) set.email = p.changes.email.to;
        if (p.changes.phone) set.phone = p.changes.phone.to;
        await trx('people').where({ id: p.id }).update(set);
      }
      const changed = [...plan.memberships.changed].sort(
        (a, b) => Number(a.changes.position?.to === 'head') - Number(b.changes.position?.to === 'head'),
      );
      for (const m of changed) {
        await trx('agency_staff')
          .where({ person_id: m.personId, agency_id: m.agencyId })
          .update({
            ...(m.changes.roles ? { roles: m.changes.roles.to as string[] } : {}),
            ...(m.changes.position ? { position: m.changes.position.to as string } : {}),
            updated_at: trx.fn.now(),
          });
      }
      for (const m of plan.memberships.created) {
        await trx('agency_staff').insert({
          person_id: m.personId,
          agency_id: m.agencyId,
          roles: m.roles,
          position: m.position,
        });
      }
    },
    async insertPerson(
      p: { id: string; displayName: string; email: string | null; phone: string | null },
      trx: Db,
    ): Promise<void> {
      await trx('people').insert({ id: p.id, display_name: p.displayName, email: p.email, phone: p.phone });
    },
    /**
     * Changes a person's fields (those given; `undefined` leaves one as it is); the number of rows changed
     * (0: no such person).
     */
    async updatePerson(
      id: string,
      set: {
        displayName?: string | undefined;
        email?: string | null | undefined;
        phone?: string | null | undefined;
        active?: boolean | undefined;
      },
      trx: Db,
    ): Promise<number> {
      return trx('people')
        .where({ id })
        .update({
          ...(set.displayName !== undefined ? { display_name: set.displayName } : {}),
          ...(set.email !== undefined ? { email: set.email } : {}),
          ...(set.phone !== undefined ? { phone: set.phone } : {}),
          ...(set.active !== undefined ? { active: set.active } : {}),
          updated_at: trx.fn.now(),
        });
    },
    /** The people row of a signed-in user, created with `displayName` when missing. */
    async ensurePerson(id: string, displayName: string): Promise<void> {
      await db('people').insert({ id, display_name: displayName }).onConflict('id').ignore();
    },
    /** The head of the agency other than `personId`, if any. */
    async otherHead(agencyId: string, personId: string, trx: Db): Promise<string | undefined> {
      const head = await trx('agency_staff')
        .where({ agency_id: agencyId, position: 'head' })
        .whereNot({ person_id: personId })
        .first('person_id');
      return head ? (head.person_id as string) : undefined;
    },
    /** A person's membership of one agency, as stored. */
    async membership(personId: string, agencyId: string, trx: Db = db): Promise<MembershipRecord | undefined> {
      const r = await trx('agency_staff').where({ person_id: personId, agency_id: agencyId }).first();
      return r ? membershipOf(r) : undefined;
    },
    /** Makes a person staff of an agency, or changes their roles and position there. */
    async upsertMembership(
      m: { personId: string; agencyId: string; roles: string[]; position: Position },
      trx: Db,
    ): Promise<void> {
      await trx('agency_staff')
        .insert({ person_id: m.personId, agency_id: m.agencyId, roles: m.roles, position: m.position })
        .onConflict(['person_id', 'agency_id'])
        .merge({ roles: m.roles, position: m.position, updated_at: trx.fn.now() });
    },
    /** Removes a membership; what it was (roles, position), undefined when there was none. */
    async deleteMembership(
      personId: string,
      agencyId: string,
      trx: Db,
    ): Promise<{ roles: string[]; position: Position } | undefined> {
      const gone = await trx('agency_staff')
        .where({ person_id: personId, agency_id: agencyId })
        .delete()
        .returning(['roles', 'position']);
      return gone.length > 0 ? { roles: gone[0].roles, position: gone[0].position } : undefined;
    },
    /** Active staff of the agencies of `line` holding one of `roles` there. */
    async staffWithRoles(line: readonly string[], roles: readonly string[]) {
      if (line.length === 0) return [];
      return db('agency_staff as s')
        .join('people as p', 'p.id', 's.person_id')
        .whereIn('s.agency_id', [...line])
        .where('p.active', true)
        .whereRaw('s.roles && ?::text[]', [[...roles]])
        .select<
          Array<{ person_id: string; display_name: string; agency_id: string; position: string; roles: string[] }>
        >('s.person_id', 'p.display_name', 's.agency_id', 's.position', 's.roles');
    },
    /** Records a closure (in the caller's transaction), its move `running` until its start says otherwise. */
    async insertClosure(
      c: { id: string; agencyId: string; successorId: string; workflowId: string; reason: string; actor: unknown },
      trx: Db,
    ): Promise<void> {
      await trx('agency_closures').insert({
        id: c.id,
        agency_id: c.agencyId,
        successor_id: c.successorId,
        workflow_id: c.workflowId,
        status: 'running',
        reason: c.reason,
        requested_by: JSON.stringify(c.actor),
      });
    },
    async closure(id: string): Promise<ClosureRow | undefined> {
      return db('agency_closures').where({ id }).first<ClosureRow | undefined>();
    },
    /** The latest closure of an agency. */
    async latestClosure(agencyId: string): Promise<ClosureRow | undefined> {
      return db('agency_closures')
        .where({ agency_id: agencyId })
        .orderBy([
          { column: 'requested_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first<ClosureRow>();
    },
    /** Closures whose background move has not started yet, oldest first. */
    async closuresNotStarted(limit = 100): Promise<ClosureRow[]> {
      return db('agency_closures')
        .where({ status: 'not_started' })
        .orderBy([{ column: 'requested_at' }, { column: 'id' }])
        .limit(limit);
    },
    /** The move's workflow was started (`running`), or its start failed (`not_started`, with the error). */
    async markClosureStart(id: string, started: boolean, error?: string): Promise<void> {
      await db('agency_closures')
        .where({ id })
        .whereNot({ status: 'completed' })
        .update(
          started
            ? { status: 'running', last_start_error: null }
            : { status: 'not_started', last_start_error: (error ?? 'failed').slice(0, 500) },
        );
    },
    /** One more try at starting the move (counted before it is made). */
    async countClosureStart(id: string): Promise<void> {
      await db('agency_closures')
        .where({ id })
        .update({ start_attempts: db.raw('start_attempts + 1') });
    },
    async agency(id: string, trx: Db = db): Promise<AgencyRecord | undefined> {
      const r = await trx('agencies').where({ id }).first(AGENCY_COLUMNS);
      return r ? agencyOf(r) : undefined;
    },
    /** Every agency (a province: a few hundred rows), for the rules that need the whole tree. */
    async allAgencies(trx: Db = db): Promise<AgencyRecord[]> {
      return (await trx('agencies').select(AGENCY_COLUMNS).orderBy('id')).map(agencyOf);
    },
    async agencies(ids: readonly string[], trx: Db = db): Promise<AgencyRecord[]> {
      if (ids.length === 0) return [];
      return (
        await trx('agencies').whereIn('id', ids).select(AGENCY_COLUMNS).orderByRaw('parent_id NULLS FIRST, id')
      ).map(agencyOf);
    },
    /** Open agencies directly below `id`. */
    async openChildren(id: string, trx: Db = db): Promise<string[]> {
      return (
        await trx('agencies')
          .where({ parent_id: id })
          .whereNull('closed_at')
          .orderBy('id')
          .select<Array<{ id: string }>>('id')
      ).map((r) => r.id);
    },
    /** The agencies a person is staff of (the `person` scope rule: api/routing/mount.ts). */
    async membershipAgencies(personId: string): Promise<string[]> {
      return (
        await db('agency_staff')
          .join('people', 'people.id', 'agency_staff.person_id')
          .where('agency_staff.person_id', personId)
          .select<Array<{ agency_id: string }>>('agency_staff.agency_id')
      ).map((r) => r.agency_id);
    },
    async person(id: string, trx: Db = db): Promise<PersonRecord | undefined> {
      const r = await trx('people').where({ id }).first();
      return r ? personOf(r) : undefined;
    },
    /** People with a membership in one of `agencyIds`, by display name. */
    async peopleIn(
      agencyIds: readonly string[],
      opts: { agencyId?: string; limit: number; after?: string },
    ): Promise<PersonRecord[]> {
      const within = opts.agencyId ? agencyIds.filter((a) => a === opts.agencyId) : agencyIds;
      if (within.length === 0) return [];
      const rows = await db('people as p')
        .whereExists(db('agency_staff as s').whereRaw('s.person_id = p.id').whereIn('s.agency_id', within))
        .modify((b) => {
          if (opts.after) b.where('p.id', '>', opts.after);
        })
        .orderBy('p.id')
        .limit(opts.limit)
        .select('p.*');
      return rows.map(personOf);
    },
    async memberships(personId: string, trx: Db = db): Promise<MembershipRecord[]> {
      return (await trx('agency_staff').where({ person_id: personId }).orderBy('agency_id')).map(membershipOf);
    },
    /** An agency's staff: head, deputies, members, each with the person. */
    async staff(agencyId: string, trx: Db = db): Promise<Array<MembershipRecord & { person: PersonRecord }>> {
      const rows = await trx('agency_staff as s')
        .join('people as p', 'p.id', 's.person_id')
        .where('s.agency_id', agencyId)
        .orderByRaw(`CASE s.position WHEN 'head' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, p.display_name, p.id`)
        .select(
          's.*',
          'p.id as p_id',
          'p.display_name',
          'p.email',
          'p.phone',
          'p.active',
          'p.created_at as p_created_at',
          'p.updated_at as p_updated_at',
        );
      return rows.map((r: Record<string, unknown>) => ({
        ...membershipOf(r),
        person: personOf({ ...r, id: r.p_id, created_at: r.p_created_at, updated_at: r.p_updated_at }),
      }));
    },
    async preferences(personId: string, trx: Db = db): Promise<PreferenceRecord[]> {
      return await trx('notification_preferences')
        .where({ person_id: personId })
        .orderBy(['channel', 'kind'])
        .select<PreferenceRecord[]>('channel', 'kind', 'enabled');
    },
    /** Replaces a person's preferences with `prefs` (the whole set). */
    async replacePreferences(personId: string, prefs: readonly PreferenceRecord[], trx: Db): Promise<void> {
      await trx('notification_preferences').where({ person_id: personId }).delete();
      if (prefs.length > 0) {
        await trx('notification_preferences').insert(
          prefs.map((p) => ({ person_id: personId, channel: p.channel, kind: p.kind, enabled: p.enabled })),
        );
      }
    },
  };
}

export type DirectoryStore = ReturnType<typeof createDirectoryStore>;
