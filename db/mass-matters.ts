/**
 * Store of mass and complex matters (ADR 0036): delegations received by the head, central gatherings with their
 * sealed representatives, and the `cases` rows of the processes that run them (case types `delegation` and
 * `central_gathering`, so their tasks are in the task inbox like any case's).
 */
import { randomUUID } from 'node:crypto';
import type { PiiKeyring } from '../platform/pii.js';
import type { CaseStateView } from '../workflows/contract.js';
import { caseReference, REFERENCE_DIGITS } from './cases.js';
import type { Db } from './knex.js';
import type { VisitorIdentity } from './reception.js';

export const GATHERING_PLACES = ['central_reception_office', 'central_agency'] as const;
export const GATHERING_CITIES = ['hanoi', 'hcmc'] as const;
export const GATHERING_REPORTERS = [
  'central_reception_office',
  'central_agency',
  'police',
  'officer',
  'other',
] as const;

export interface ProcessCaseRow {
  id: string;
  caseType: string;
  agencyId: string;
  subject: string;
  receivedAt: string;
  pin: { key: string; version: number; hash: string };
  details: Record<string, unknown>;
}

export interface DelegationRecord {
  id: string;
  matterId: string;
  sourceKind: 'visit' | 'case';
  sourceId: string;
  agencyId: string;
  peopleCount: number;
  securityLiaison: boolean;
  processCaseId: string;
  receptionSessionId: string | null;
  createdBy: string;
  createdAt: string;
}

export interface GatheringRecord {
  id: string;
  matterId: string;
  agencyId: string;
  gatheredAt: string;
  place: { kind: (typeof GATHERING_PLACES)[number]; name: string; city: (typeof GATHERING_CITIES)[number] };
  peopleCount: number;
  representativeCount: number;
  reportedBy: { kind: (typeof GATHERING_REPORTERS)[number]; reference: string | null };
  processCaseId: string;
  createdBy: string;
  createdAt: string;
}

/** A process's projected state (null until its first projection). */
export interface ProcessState {
  status: string;
  stage: string;
  outcome: string | null;
  state: CaseStateView | null;
}

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : String(d));

function delegationOf(r: Record<string, unknown>): DelegationRecord {
  return {
    id: r.id as string,
    matterId: r.matter_id as string,
    sourceKind: r.source_kind as 'visit' | 'case',
    sourceId: r.source_id as string,
    agencyId: r.agency_id as string,
    peopleCount: r.people_count as number,
    securityLiaison: r.security_liaison as boolean,
    processCaseId: r.process_case_id as string,
    receptionSessionId: (r.reception_session_id as string | null) ?? null,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
  };
}

function gatheringOf(r: Record<string, unknown>): GatheringRecord {
  return {
    id: r.id as string,
    matterId: r.matter_id as string,
    agencyId: r.agency_id as string,
    gatheredAt: iso(r.gathered_at),
    place: {
      kind: r.place_kind as GatheringRecord['place']['kind'],
      name: r.place_name as string,
      city: r.city as GatheringRecord['place']['city'],
    },
    peopleCount: r.people_count as number,
    representativeCount: Number(r.representative_count ?? 0),
    reportedBy: {
      kind: r.reported_by_kind as GatheringRecord['reportedBy']['kind'],
      reference: (r.reported_by_ref as string | null) ?? null,
    },
    processCaseId: r.process_case_id as string,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
  };
}

const repAad = (r: { id: string; gathering_id: string; position: number }) =>
  `central_gathering_representative:${r.id}:${r.gathering_id}:${r.position}`;

/**
 * A central gathering whose citizens were brought home: its process case (`PROCESS`, replaced by the column) has
 * the `bringHome` step (or the agency above's) completed, as `GET /v1/gatherings/{id}` shows it. The chairman's
 * report (VI.2.b) and the gatherings list (`broughtHome`) use this one definition.
 */
export const BROUGHT_HOME_SQL = `EXISTS (SELECT 1 FROM case_states bh_cs,
    jsonb_array_elements(COALESCE(bh_cs.state->'tasks', '[]'::jsonb)) bh_t
  WHERE bh_cs.case_id = PROCESS AND bh_t->>'nodeId' IN ('bringHome', 'bringHome.above')
    AND bh_t->>'status' = 'completed')`;

export function createMassMatterStore(db: Db, keys: PiiKeyring) {
  const gatheringQuery = (q: Db) =>
    q('central_gatherings as g').select(
      'g.*',
      q.raw(
        `(SELECT count(*) FROM central_gathering_representatives r WHERE r.gathering_id = g.id)::int
           AS representative_count`,
      ),
    );
  return {
    /** People, delegation flag and agency of a visit (the mass criterion), or undefined. */
    async visitCrowd(visitId: string, trx: Db = db) {
      const r = await trx('reception_visits')
        .where({ id: visitId })
        .first<{ people_count: number; is_delegation: boolean; agency_id: string } | undefined>(
          'people_count',
          'is_delegation',
          'agency_id',
        );
      return r ? { peopleCount: r.people_count, isDelegation: r.is_delegation, agencyId: r.agency_id } : undefined;
    },
    /** Signers of a letter and whether its case was flagged mass (`mass.flag`: the `mass_case` case flag). */
    async caseCrowd(caseId: string, trx: Db = db) {
      const r = await trx.raw<{ rows: Array<{ signers: number | null; flagged: boolean; agency_id: string }> }>(
        `SELECT (c.details->>'signersCount')::int AS signers, c.agency_id,
                EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'mass_case'
                        AND f.value = 'true'::jsonb) AS flagged
         FROM cases c WHERE c.id = ?`,
        [caseId],
      );
      const row = r.rows[0];
      return row ? { signers: row.signers ?? 0, flagged: row.flagged, agencyId: row.agency_id } : undefined;
    },
    /** Sets the matter's `mass` flag; true when it was not set. */
    async flagMass(matterId: string, trx: Db): Promise<boolean> {
      const n = await trx('matters')
        .where({ id: matterId, mass: false })
        .update({ mass: true, updated_at: trx.fn.now() });
      return n > 0;
    },
    /** The `cases` row of a mass-matter process (before its workflow starts); the reference is the shortest free. */
    async insertProcessCase(trx: Db, p: ProcessCaseRow): Promise<{ reference: string }> {
      let reference = '';
      for (const digits of REFERENCE_DIGITS) {
        reference = caseReference(p.id, p.caseType, p.receivedAt, digits);
        const taken = await trx.raw<{ rows: unknown[] }>(
          `SELECT 1 FROM cases WHERE reference = ? UNION ALL SELECT 1 FROM case_pins WHERE reference = ? LIMIT 1`,
          [reference, reference],
        );
        if (taken.rows.length === 0) break;
      }
      await trx('cases').insert({
        id: p.id,
        reference,
        workflow_id: `case-${p.id}`,
        case_type: p.caseType,
        channel: 'mass_matter',
        agency_id: p.agencyId,
        subject: p.subject,
        remote_area: false,
        received_at: p.receivedAt,
        stage: 'received',
        status: 'open',
        projection_seq: 0,
        definition_key: p.pin.key,
        definition_version: p.pin.version,
        definition_hash: p.pin.hash,
        details: JSON.stringify(p.details),
        updated_at: trx.fn.now(),
      });
      return { reference };
    },
    async insertDelegation(
      trx: Db,
      d: Omit<DelegationRecord, 'createdAt' | 'receptionSessionId'>,
    ): Promise<{ delegation: DelegationRecord; fresh: boolean }> {
      const rows = await trx('matter_delegations')
        .insert({
          id: d.id,
          matter_id: d.matterId,
          source_kind: d.sourceKind,
          source_id: d.sourceId,
          agency_id: d.agencyId,
          people_count: d.peopleCount,
          security_liaison: d.securityLiaison,
          process_case_id: d.processCaseId,
          created_by: d.createdBy,
        })
        .onConflict(['source_kind', 'source_id'])
        .ignore()
        .returning('*');
      if (rows[0]) return { delegation: delegationOf(rows[0] as Record<string, unknown>), fresh: true };
      const had = await trx('matter_delegations').where({ source_kind: d.sourceKind, source_id: d.sourceId }).first();
      return { delegation: delegationOf(had as Record<string, unknown>), fresh: false };
    },
    async delegationOfSource(kind: 'visit' | 'case', id: string, trx: Db = db) {
      const r = await trx('matter_delegations').where({ source_kind: kind, source_id: id }).first();
      return r ? delegationOf(r as Record<string, unknown>) : undefined;
    },
    async delegationByProcess(caseId: string, trx: Db = db) {
      const r = await trx('matter_delegations').where({ process_case_id: caseId }).first();
      return r ? delegationOf(r as Record<string, unknown>) : undefined;
    },
    async delegation(id: string) {
      const r = await db('matter_delegations').where({ id }).first();
      return r ? delegationOf(r as Record<string, unknown>) : undefined;
    },
    async delegationsOf(matterId: string) {
      const rows = await db('matter_delegations')
        .where({ matter_id: matterId })
        .orderBy([{ column: 'created_at' }, { column: 'id' }]);
      return rows.map((r: Record<string, unknown>) => delegationOf(r));
    },
    async setDelegationSession(id: string, sessionId: string, trx: Db) {
      await trx('matter_delegations').where({ id }).update({ reception_session_id: sessionId });
    },
    /** Inserts a gathering and its sealed representatives (idempotent per id). */
    async insertGathering(
      trx: Db,
      g: Omit<GatheringRecord, 'createdAt' | 'representativeCount'>,
      representatives: VisitorIdentity[],
    ): Promise<{ gathering: GatheringRecord; fresh: boolean }> {
      const rows = await trx('central_gatherings')
        .insert({
          id: g.id,
          matter_id: g.matterId,
          agency_id: g.agencyId,
          gathered_at: g.gatheredAt,
          place_kind: g.place.kind,
          place_name: g.place.name,
          city: g.place.city,
          people_count: g.peopleCount,
          reported_by_kind: g.reportedBy.kind,
          reported_by_ref: g.reportedBy.reference,
          process_case_id: g.processCaseId,
          created_by: g.createdBy,
        })
        .onConflict('id')
        .ignore()
        .returning('id');
      const fresh = rows.length > 0;
      if (fresh && representatives.length > 0) {
        await trx('central_gathering_representatives').insert(
          representatives.map((identity, position) => {
            const id = randomUUID();
            const s = keys.seal(JSON.stringify(identity), repAad({ id, gathering_id: g.id, position }));
            return { id, gathering_id: g.id, position, kid: s.kid, iv: s.iv, tag: s.tag, ciphertext: s.ciphertext };
          }),
        );
      }
      const r = await gatheringQuery(trx).where('g.id', g.id).first();
      return { gathering: gatheringOf(r as Record<string, unknown>), fresh };
    },
    async gathering(id: string): Promise<GatheringRecord | undefined> {
      const r = await gatheringQuery(db).where('g.id', id).first();
      return r ? gatheringOf(r as Record<string, unknown>) : undefined;
    },
    async gatheringAgency(id: string): Promise<string | undefined> {
      const r = await db('central_gatherings').where({ id }).first<{ agency_id: string } | undefined>('agency_id');
      return r?.agency_id;
    },
    /** Gatherings of a matter, or of the agencies listed (the supervisor's subtree), newest first. */
    async gatherings(q: {
      matterId?: string;
      agencies: readonly string[];
      limit: number;
      /** Gathered in `[from, to)`. */
      from?: string | undefined;
      to?: string | undefined;
      /** The citizens were brought home (the process's `bringHome` step completed), or not. */
      broughtHome?: boolean | undefined;
      /** Keyset: the page after this (gathered_at, id). */
      after?: { k: string; id: string } | undefined;
    }): Promise<Array<GatheringRecord & { sortKey: string }>> {
      const rows = await gatheringQuery(db)
        .select(db.raw('g.gathered_at::text AS sort_key'))
        .whereIn('g.agency_id', q.agencies as string[])
        .modify((b) => {
          if (q.after) b.whereRaw('(g.gathered_at, g.id) < (?::timestamptz, ?)', [q.after.k, q.after.id]);
          if (q.matterId) b.where('g.matter_id', q.matterId);
          if (q.from) b.where('g.gathered_at', '>=', q.from);
          if (q.to) b.where('g.gathered_at', '<', q.to);
          if (q.broughtHome !== undefined)
            b.whereRaw(
              `${q.broughtHome ? '' : 'NOT '}${BROUGHT_HOME_SQL.replace(/\bPROCESS\b/g, 'g.process_case_id')}`,
            );
        })
        .orderBy([
          { column: 'g.gathered_at', order: 'desc' },
          { column: 'g.id', order: 'desc' },
        ])
        .limit(q.limit);
      return rows.map((r: Record<string, unknown>) => ({ ...gatheringOf(r), sortKey: r.sort_key as string }));
    },
    /** The representatives of a gathering, decrypted (the caller audits the read). */
    async representatives(gatheringId: string): Promise<VisitorIdentity[]> {
      const rows = await db('central_gathering_representatives')
        .where({ gathering_id: gatheringId })
        .orderBy('position');
      return rows.map(
        (r: {
          id: string;
          gathering_id: string;
          position: number;
          kid: string;
          iv: Buffer;
          tag: Buffer;
          ciphertext: Buffer;
        }) =>
          JSON.parse(
            keys.open({ kid: r.kid, iv: r.iv, tag: r.tag, ciphertext: r.ciphertext }, repAad(r)),
          ) as VisitorIdentity,
      );
    },
    /** The projected state of processes by their case ids. */
    async processStates(caseIds: readonly string[]): Promise<Map<string, ProcessState>> {
      if (caseIds.length === 0) return new Map();
      const rows = await db('cases as c')
        .leftJoin('case_states as s', 's.case_id', 'c.id')
        .whereIn('c.id', caseIds as string[])
        .select('c.id', 's.status', 's.stage', 's.outcome', 's.state');
      return new Map(
        rows.map(
          (r: { id: string; status: string | null; stage: string | null; outcome: string | null; state: unknown }) => [
            r.id,
            {
              status: r.status ?? 'starting',
              stage: r.stage ?? 'starting',
              outcome: r.outcome,
              state: (r.state as CaseStateView | null) ?? null,
            },
          ],
        ),
      );
    },
  };
}

export type MassMatterStore = ReturnType<typeof createMassMatterStore>;
