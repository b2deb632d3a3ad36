import type { Db } from './knex.js';

/**
 * The agency and staff directory (ADR 0024): agencies with their lifecycle, people, their memberships
 * of agencies (roles, position) and notification preferences. Row mappers and small queries; the
 * rules (who may change what, placement, closure) live in api/routes/directory.ts and
 * directory/agency-rules.ts.
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
      return db('agency_closures').where({ agency_id: agencyId }).orderBy('requested_at', 'desc').first<ClosureRow>();
    },
    /** Closures whose background move has not started yet, oldest first. */
    async closuresNotStarted(limit = 100): Promise<ClosureRow[]> {
      return db('agency_closures').where({ status: 'not_started' }).orderBy('requested_at').limit(limit);
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
