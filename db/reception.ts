/**
 * Citizen reception (issue 14, ADR 0028): reception places, sessions and visits — row types, mappers
 * and queries. The rules (who may record what, validation, case start, matter links) live in
 * api/services/reception.ts; the matters in db/matters.ts. Migration 20261204020000_reception.
 */
import { createHash, createHmac } from 'node:crypto';
import { foldText, respondentKey } from '../hotspots/respondent.js';
import type { PiiKeyring } from '../platform/pii.js';
import { registerEventType } from './events.js';
import type { Db } from './knex.js';
import { day, iso, isoOrNull, str } from './rows.js';

export const PLACE_KINDS = ['reception_office', 'committee_seat', 'department_point', 'online'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];
export const SESSION_KINDS = ['regular', 'periodic', 'ad_hoc'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];
export const RECEIVED_BY = ['in_person', 'delegated'] as const;
export type ReceivedBy = (typeof RECEIVED_BY)[number];
export const SESSION_MODES = ['in_person', 'online'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];
export const CONTENT_TYPES = ['complaint', 'denunciation', 'petition', 'feedback'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];
export const VISIT_OUTCOMES = ['guided', 'answered', 'letter_received', 'transferred', 'refused'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];
export const VISIT_PARTY_ROLES = ['visitor', 'representative', 'respondent'] as const;
export type VisitPartyRole = (typeof VISIT_PARTY_ROLES)[number];

export interface PlaceRecord {
  id: string;
  agencyId: string;
  name: string;
  kind: PlaceKind;
  address: string | null;
  onlineUrl: string | null;
  active: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface SessionRecord {
  id: string;
  agencyId: string;
  placeId: string;
  kind: SessionKind;
  leaderPersonId: string | null;
  receivedBy: ReceivedBy;
  delegatePersonId: string | null;
  mode: SessionMode;
  /** Calendar date in Vietnam (YYYY-MM-DD). */
  sessionDate: string;
  startedAt: string;
  endedAt: string | null;
  periodId: string | null;
  scheduleEntryId: string | null;
  notes: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface VisitRecord {
  id: string;
  sessionId: string;
  agencyId: string;
  visitedAt: string;
  peopleCount: number;
  isDelegation: boolean;
  contentType: ContentType;
  summary: string;
  outcome: VisitOutcome;
  refusalGround: string | null;
  transferAgencyId: string | null;
  transferTarget: string | null;
  caseId: string | null;
  matterId: string | null;
  createdBy: string;
  createdAt: string;
}

/** A sealed visit party row (personal data only ever encrypted). */
export interface SealedVisitPartyRow {
  id: string;
  visit_id: string;
  position: number;
  role: VisitPartyRole;
  kid: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function placeOf(r: Record<string, unknown>): PlaceRecord {
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    name: r.name as string,
    kind: r.kind as PlaceKind,
    address: str(r.address),
    onlineUrl: str(r.online_url),
    active: r.active as boolean,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function sessionOf(r: Record<string, unknown>): SessionRecord {
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    placeId: r.place_id as string,
    kind: r.kind as SessionKind,
    leaderPersonId: str(r.leader_person_id),
    receivedBy: r.received_by as ReceivedBy,
    delegatePersonId: str(r.delegate_person_id),
    mode: r.mode as SessionMode,
    sessionDate: day(r.session_date),
    startedAt: iso(r.started_at),
    endedAt: isoOrNull(r.ended_at),
    periodId: str(r.period_id),
    scheduleEntryId: str(r.schedule_entry_id),
    notes: str(r.notes),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function visitOf(r: Record<string, unknown>): VisitRecord {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    agencyId: r.agency_id as string,
    visitedAt: iso(r.visited_at),
    peopleCount: r.people_count as number,
    isDelegation: r.is_delegation as boolean,
    contentType: r.content_type as ContentType,
    summary: r.summary as string,
    outcome: r.outcome as VisitOutcome,
    refusalGround: str(r.refusal_ground),
    transferAgencyId: str(r.transfer_agency_id),
    transferTarget: str(r.transfer_target),
    caseId: str(r.case_id),
    matterId: str(r.matter_id),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
  };
}

/** Event types of the reception (ADR 0026 outbox; references only, never a visitor's identity). */
export const RECEPTION_EVENTS = {
  sessionRecorded: 'vn.kntc.reception.session_recorded',
  visitRecorded: 'vn.kntc.reception.visit_recorded',
  matterLinked: 'vn.kntc.matter.linked',
  matterFlagged: 'vn.kntc.matter.flagged',
} as const;
for (const t of Object.values(RECEPTION_EVENTS)) registerEventType(t);

/** The personal data of a visitor, a representative or the respondent: only ever stored encrypted. */
export interface VisitorIdentity {
  name: string;
  idNumber?: string | undefined;
  phone?: string | undefined;
  address?: string | undefined;
  email?: string | undefined;
}

export interface VisitPartyRecord {
  id: string;
  visitId: string;
  position: number;
  role: VisitPartyRole;
  identity: VisitorIdentity;
}

/** Deterministic visit party id (visit id + position): a retried visit stores each person once. */
export function visitPartyId(visitId: string, position: number): string {
  const h = createHash('sha256').update(`visit-party:${visitId}:${position}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-b${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const partyAad = (r: { id: string; visit_id: string; role: string }) => `visit|${r.id}|${r.visit_id}|${r.role}`;

/**
 * The matching keys of a person (before hashing): the identity document number, the phone number (its
 * last 9 digits), and name + address. A person matches a matter when any key matches: a visitor who
 * showed the ID card once and gave only a phone number the next time is still found by the phone.
 */
export function identityKeys(i: VisitorIdentity): string[] {
  const keys: string[] = [];
  if (i.idNumber) keys.push(`id:${i.idNumber.replace(/[^0-9A-Za-z]/g, '').toUpperCase()}`);
  if (i.phone) {
    const d = i.phone.replace(/\D/g, '');
    if (d.length >= 6) keys.push(`phone:${d.slice(-9)}`);
  }
  if (i.address) keys.push(`name-address:${foldText(i.name)}|${foldText(i.address)}`);
  return keys;
}

/**
 * The matching key of a respondent named in text (an agency, an official, a decision), as the hotspot
 * detector clusters it (hotspots/respondent.ts: folded, titles stripped); none when nothing is left.
 */
export function respondentKeys(name: string): string[] {
  const k = respondentKey({ name });
  return k ? [k] : [];
}

/**
 * Keyed hashes of matching keys (HMAC-SHA256 under a key derived from the PII key `kid`): equal keys give
 * equal hashes, and nothing can be read back or guessed without the key (ADR 0028).
 */
/**
 * Keyed identity hashes for matter matching (ADR 0028, amended): an HMAC under a key derived from each PII
 * key. Written under the current key (`kid`); looked up under every configured key (`hashAll`), so that an
 * identity indexed before a key rotation still matches after it, as long as the old key stays configured
 * (it must, to open what it sealed). Retiring a key retires its index entries with its data.
 */
export function identityHasher(keys: Pick<PiiKeyring, 'key' | 'currentKid' | 'kids'>) {
  const derived = new Map<string, Buffer>();
  const keyOf = (kid: string) => {
    let k = derived.get(kid);
    if (!k) {
      k = createHmac('sha256', keys.key(kid)).update('kntc-reception-identity-v1').digest();
      derived.set(kid, k);
    }
    return k;
  };
  return {
    kid: keys.currentKid,
    hash: (key: string, kid = keys.currentKid): Buffer => createHmac('sha256', keyOf(kid)).update(key).digest(),
    /** The hash of `key` under every configured key id (current first): what a lookup matches. */
    hashAll: (key: string): Buffer[] => keys.kids.map((kid) => createHmac('sha256', keyOf(kid)).update(key).digest()),
  };
}
export type IdentityHasher = ReturnType<typeof identityHasher>;

/** A keyset page position: the sort key as PostgreSQL text and the id. */
export interface PageAfter {
  k: string;
  id: string;
}

export interface SessionFilters {
  agencies: readonly string[];
  from?: string | undefined;
  to?: string | undefined;
  /** One kind or several (the report forms' cells: periodic and ad hoc). */
  kind?: readonly SessionKind[] | undefined;
  leaderPersonId?: string | undefined;
  receivedBy?: ReceivedBy | undefined;
  mode?: SessionMode | undefined;
  placeId?: string | undefined;
  periodId?: string | undefined;
  after?: PageAfter | undefined;
  limit: number;
}

export interface VisitFilters {
  agencies: readonly string[];
  sessionId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Visited in `[visitedFrom, visitedTo)` (instants; `from`/`to` are the session's days). */
  visitedFrom?: string | undefined;
  visitedTo?: string | undefined;
  contentType?: readonly ContentType[] | undefined;
  outcome?: readonly VisitOutcome[] | undefined;
  isDelegation?: boolean | undefined;
  leaderPersonId?: string | undefined;
  sessionKind?: readonly SessionKind[] | undefined;
  /** How the session's head received: in person or delegated. */
  receivedBy?: ReceivedBy | undefined;
  /** The visit's matter was received more than once (a visit without a matter counts as received once). */
  repeat?: boolean | undefined;
  matterId?: string | undefined;
  matterFlag?: 'prolonged' | 'complex' | 'mass' | undefined;
  after?: PageAfter | undefined;
  limit: number;
}

export type NewSession = Omit<SessionRecord, 'createdAt' | 'updatedAt'>;

export interface NewVisit {
  id: string;
  sessionId: string;
  agencyId: string;
  visitedAt: string;
  peopleCount: number;
  isDelegation: boolean;
  contentType: ContentType;
  summary: string;
  outcome: VisitOutcome;
  refusalGround: string | null;
  transferAgencyId: string | null;
  transferTarget: string | null;
  caseId: string | null;
  createdBy: string;
  parties: Array<{ role: VisitPartyRole; identity: VisitorIdentity }>;
}

/** Store of reception places, sessions and visits; visit parties sealed with the PII keyring. */
export function createReceptionStore(db: Db, keys: PiiKeyring) {
  const hasher = identityHasher(keys);
  const sealParties = (visitId: string, parties: NewVisit['parties']): SealedVisitPartyRow[] =>
    parties.map((p, position) => {
      const id = visitPartyId(visitId, position);
      const s = keys.seal(JSON.stringify(p.identity), partyAad({ id, visit_id: visitId, role: p.role }));
      return {
        id,
        visit_id: visitId,
        position,
        role: p.role,
        kid: s.kid,
        iv: s.iv,
        tag: s.tag,
        ciphertext: s.ciphertext,
      };
    });

  return {
    hasher,

    /** The agency owning a place, session or visit (the scope check of their routes). */

    async insertPlace(p: Omit<PlaceRecord, 'createdAt' | 'updatedAt'>, trx: Db = db): Promise<PlaceRecord> {
      const [row] = await trx('reception_places')
        .insert({
          id: p.id,
          agency_id: p.agencyId,
          name: p.name,
          kind: p.kind,
          address: p.address,
          online_url: p.onlineUrl,
          active: p.active,
          created_by: p.createdBy,
        })
        .returning('*');
      return placeOf(row as Record<string, unknown>);
    },
    async updatePlace(
      id: string,
      patch: Partial<Pick<PlaceRecord, 'name' | 'kind' | 'address' | 'onlineUrl' | 'active'>>,
      trx: Db = db,
    ): Promise<{ before: PlaceRecord; after: PlaceRecord } | undefined> {
      const before = await trx('reception_places').where({ id }).forUpdate().first();
      if (!before) return undefined;
      const cols: Record<string, unknown> = {};
      if (patch.name !== undefined) cols.name = patch.name;
      if (patch.kind !== undefined) cols.kind = patch.kind;
      if (patch.address !== undefined) cols.address = patch.address;
      if (patch.onlineUrl !== undefined) cols.online_url = patch.onlineUrl;
      if (patch.active !== undefined) cols.active = patch.active;
      const [after] = await trx('reception_places')
        .where({ id })
        .update({ ...cols, updated_at: trx.fn.now() })
        .returning('*');
      return { before: placeOf(before as Record<string, unknown>), after: placeOf(after as Record<string, unknown>) };
    },
    async place(id: string): Promise<PlaceRecord | undefined> {
      const r = await db('reception_places').where({ id }).first();
      return r ? placeOf(r as Record<string, unknown>) : undefined;
    },
    async places(q: {
      agencies: readonly string[];
      kind?: PlaceKind | undefined;
      active?: boolean | undefined;
      after?: PageAfter | undefined;
      limit: number;
    }): Promise<Array<PlaceRecord & { sortKey: string }>> {
      const rows = await db('reception_places')
        .select('*', db.raw('created_at::text AS sort_key'))
        .whereRaw('agency_id = ANY(?::text[])', [q.agencies as string[]])
        .modify((b) => {
          if (q.kind) b.where('kind', q.kind);
          if (q.active !== undefined) b.where('active', q.active);
          if (q.after) b.whereRaw('(created_at, id) > (?::timestamptz, ?)', [q.after.k, q.after.id]);
        })
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .limit(q.limit);
      return rows.map((r: Record<string, unknown>) => ({ ...placeOf(r), sortKey: r.sort_key as string }));
    },

    /** Inserts a session (idempotent per id: an existing row is returned with `fresh: false`). */
    async insertSession(s: NewSession, trx: Db = db): Promise<{ session: SessionRecord; fresh: boolean }> {
      const rows = await trx('reception_sessions')
        .insert({
          id: s.id,
          agency_id: s.agencyId,
          place_id: s.placeId,
          kind: s.kind,
          leader_person_id: s.leaderPersonId,
          received_by: s.receivedBy,
          delegate_person_id: s.delegatePersonId,
          mode: s.mode,
          session_date: s.sessionDate,
          started_at: s.startedAt,
          ended_at: s.endedAt,
          period_id: s.periodId,
          schedule_entry_id: s.scheduleEntryId,
          notes: s.notes,
          created_by: s.createdBy,
        })
        .onConflict('id')
        .ignore()
        .returning('*');
      if (rows[0]) return { session: sessionOf(rows[0] as Record<string, unknown>), fresh: true };
      const existing = await trx('reception_sessions').where({ id: s.id }).first();
      return { session: sessionOf(existing as Record<string, unknown>), fresh: false };
    },
    async session(id: string): Promise<SessionRecord | undefined> {
      const r = await db('reception_sessions').where({ id }).first();
      return r ? sessionOf(r as Record<string, unknown>) : undefined;
    },
    /** Sessions, newest first (keyset on started_at, id). */
    async sessions(q: SessionFilters): Promise<Array<SessionRecord & { sortKey: string; visits: number }>> {
      const rows = await db('reception_sessions as s')
        .select('s.*', db.raw('s.started_at::text AS sort_key'))
        .select(db.raw('(SELECT count(*)::int FROM reception_visits v WHERE v.session_id = s.id) AS visits'))
        .whereRaw('s.agency_id = ANY(?::text[])', [q.agencies as string[]])
        .modify((b) => {
          if (q.from) b.where('s.session_date', '>=', q.from);
          if (q.to) b.where('s.session_date', '<=', q.to);
          if (q.kind) b.whereRaw('s.kind = ANY(?::text[])', [[...q.kind]]);
          if (q.leaderPersonId) b.where('s.leader_person_id', q.leaderPersonId);
          if (q.receivedBy) b.where('s.received_by', q.receivedBy);
          if (q.mode) b.where('s.mode', q.mode);
          if (q.placeId) b.where('s.place_id', q.placeId);
          if (q.periodId) b.where('s.period_id', q.periodId);
          if (q.after) b.whereRaw('(s.started_at, s.id) < (?::timestamptz, ?)', [q.after.k, q.after.id]);
        })
        .orderBy([
          { column: 's.started_at', order: 'desc' },
          { column: 's.id', order: 'desc' },
        ])
        .limit(q.limit);
      return rows.map((r: Record<string, unknown>) => ({
        ...sessionOf(r as Record<string, unknown>),
        sortKey: (r as { sort_key: string }).sort_key,
        visits: (r as { visits: number }).visits,
      }));
    },

    sealParties,
    /**
     * Inserts a visit and its sealed parties (idempotent per visit id: a retry finds the row and returns it
     * with `fresh: false`).
     */
    async insertVisit(v: NewVisit, trx: Db = db): Promise<{ visit: VisitRecord; fresh: boolean }> {
      const rows = await trx('reception_visits')
        .insert({
          id: v.id,
          session_id: v.sessionId,
          agency_id: v.agencyId,
          visited_at: v.visitedAt,
          people_count: v.peopleCount,
          is_delegation: v.isDelegation,
          content_type: v.contentType,
          summary: v.summary,
          outcome: v.outcome,
          refusal_ground: v.refusalGround,
          transfer_agency_id: v.transferAgencyId,
          transfer_target: v.transferTarget,
          case_id: v.caseId,
          created_by: v.createdBy,
        })
        .onConflict('id')
        .ignore()
        .returning('*');
      if (!rows[0]) {
        const existing = await trx('reception_visits').where({ id: v.id }).first();
        return { visit: visitOf(existing as Record<string, unknown>), fresh: false };
      }
      const sealed = sealParties(v.id, v.parties);
      if (sealed.length > 0) await trx('reception_visit_parties').insert(sealed);
      return { visit: visitOf(rows[0] as Record<string, unknown>), fresh: true };
    },
    async visit(id: string, trx: Db = db): Promise<VisitRecord | undefined> {
      const r = await trx('reception_visits').where({ id }).first();
      return r ? visitOf(r as Record<string, unknown>) : undefined;
    },
    /** The visit at which a case's letter was received, if any. */
    async visitOfCase(caseId: string): Promise<VisitRecord | undefined> {
      const r = await db('reception_visits').where({ case_id: caseId }).first();
      return r ? visitOf(r as Record<string, unknown>) : undefined;
    },
    async setVisitMatter(visitId: string, matterId: string | null, trx: Db = db): Promise<void> {
      await trx('reception_visits').where({ id: visitId }).update({ matter_id: matterId });
    },
    /** The parties of one visit, decrypted (callers decide what to reveal). */
    async visitParties(visitId: string, trx: Db = db): Promise<VisitPartyRecord[]> {
      const rows = await trx<SealedVisitPartyRow>('reception_visit_parties')
        .where({ visit_id: visitId })
        .orderBy('position');
      return rows.map((r) => ({
        id: r.id,
        visitId: r.visit_id,
        position: r.position,
        role: r.role,
        identity: JSON.parse(
          keys.open({ kid: r.kid, iv: r.iv, tag: r.tag, ciphertext: r.ciphertext }, partyAad(r)),
        ) as VisitorIdentity,
      }));
    },
    /** Visits, newest first (keyset on visited_at, id), with the session's kind and leader. */
    async visits(q: VisitFilters): Promise<Array<VisitRecord & { sortKey: string }>> {
      const rows = await db('reception_visits as v')
        .join('reception_sessions as s', 's.id', 'v.session_id')
        .select('v.*', db.raw('v.visited_at::text AS sort_key'))
        .whereRaw('v.agency_id = ANY(?::text[])', [q.agencies as string[]])
        .modify((b) => {
          if (q.sessionId) b.where('v.session_id', q.sessionId);
          if (q.from) b.where('s.session_date', '>=', q.from);
          if (q.to) b.where('s.session_date', '<=', q.to);
          if (q.visitedFrom) b.where('v.visited_at', '>=', q.visitedFrom);
          if (q.visitedTo) b.where('v.visited_at', '<', q.visitedTo);
          if (q.contentType) b.whereRaw('v.content_type = ANY(?::text[])', [[...q.contentType]]);
          if (q.outcome) b.whereRaw('v.outcome = ANY(?::text[])', [[...q.outcome]]);
          if (q.isDelegation !== undefined) b.where('v.is_delegation', q.isDelegation);
          if (q.leaderPersonId) b.where('s.leader_person_id', q.leaderPersonId);
          if (q.sessionKind) b.whereRaw('s.kind = ANY(?::text[])', [[...q.sessionKind]]);
          if (q.receivedBy) b.where('s.received_by', q.receivedBy);
          // As the report forms count a repeat visit (reports/engine.ts visitFilterSql).
          if (q.repeat !== undefined)
            b.whereRaw(
              `COALESCE((SELECT rm.times_received FROM matters rm WHERE rm.id = v.matter_id), 1) ${q.repeat ? '>' : '<='} 1`,
            );
          if (q.matterId) b.where('v.matter_id', q.matterId);
          if (q.matterFlag)
            b.whereExists((e) =>
              e
                .select(db.raw('1'))
                .from('matters as m')
                .whereRaw('m.id = v.matter_id')
                .where(`m.${q.matterFlag}`, true),
            );
          if (q.after) b.whereRaw('(v.visited_at, v.id) < (?::timestamptz, ?)', [q.after.k, q.after.id]);
        })
        .orderBy([
          { column: 'v.visited_at', order: 'desc' },
          { column: 'v.id', order: 'desc' },
        ])
        .limit(q.limit);
      return rows.map((r: Record<string, unknown>) => ({
        ...visitOf(r as Record<string, unknown>),
        sortKey: (r as { sort_key: string }).sort_key,
      }));
    },
  };
}

export type ReceptionStore = ReturnType<typeof createReceptionStore>;
