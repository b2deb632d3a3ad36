/**
 * Matters (vụ việc, issue 14.3, ADR 0028): repeat letters and visits about one matter, their counts and
 * flags, the officer's confirmed/rejected links and the identity-hash index used for suggestions.
 * Migration 20261204020000_reception.
 */
import { foldText } from '../hotspots/respondent.js';
import type { Db } from './knex.js';
export const MATTER_STATUSES = ['open', 'closed'] as const;
export type MatterStatus = (typeof MATTER_STATUSES)[number];
export const MATTER_LINK_KINDS = ['visit', 'case'] as const;
export type MatterLinkKind = (typeof MATTER_LINK_KINDS)[number];
export const MATTER_LINK_DECISIONS = ['confirmed', 'rejected'] as const;
export type MatterLinkDecision = (typeof MATTER_LINK_DECISIONS)[number];
export const MATTER_FLAGS = ['prolonged', 'complex', 'mass'] as const;
export type MatterFlag = (typeof MATTER_FLAGS)[number];
export const FLAG_CRITERIA = ['received_after_final_decision', 'open_months', 'times_received', 'people_max'] as const;
export type FlagCriterion = (typeof FLAG_CRITERIA)[number];

export interface MatterRecord {
  id: string;
  agencyId: string;
  title: string;
  contentType: string | null;
  firstReceivedAt: string;
  lastReceivedAt: string;
  timesReceived: number;
  lettersCount: number;
  peopleMax: number;
  prolonged: boolean;
  complex: boolean;
  mass: boolean;
  /** Rule ids (matter_flag_rules) that set the flags at the last evaluation. */
  flagReasons: string[];
  status: MatterStatus;
  finalDecisionAt: string | null;
  /** Structured place (2025 administrative units), sector and respondent key (ADR 0034; null: not given). */
  place: { provinceCode: string; communeCode: string | null } | null;
  sector: string | null;
  /** `agency:<id>` or `name:<folded>` (hotspots/respondent.ts `respondentKey`). */
  respondentKey: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface MatterLinkRecord {
  id: string;
  matterId: string;
  kind: MatterLinkKind;
  refId: string;
  decision: MatterLinkDecision;
  reason: string | null;
  linkedBy: string;
  at: string;
}

export interface FlagRule {
  id: string;
  flag: 'prolonged' | 'complex';
  criterion: FlagCriterion;
  threshold: number | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  source: string;
  unconfirmed: boolean;
}

/**
 * A subject term held by this many matters of the caller's agencies or more is too common to suggest by
 * (ADR 0038): it is not read, and counting stops there, so a look-up reads at most this many index entries per
 * term whatever the size of the province.
 */
export const TERM_CAP = 1000;
/** The words of an intake's subject whose terms are looked up (a visit's summary may run to 4,000 characters). */
export const SUBJECT_TERM_WORDS = 32;

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

export function matterOf(r: Record<string, unknown>): MatterRecord {
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    title: r.title as string,
    contentType: (r.content_type as string | null) ?? null,
    firstReceivedAt: iso(r.first_received_at),
    lastReceivedAt: iso(r.last_received_at),
    timesReceived: r.times_received as number,
    lettersCount: r.letters_count as number,
    peopleMax: r.people_max as number,
    prolonged: r.prolonged as boolean,
    complex: r.complex as boolean,
    mass: r.mass as boolean,
    flagReasons: (r.flag_reasons as string[] | null) ?? [],
    status: r.status as MatterStatus,
    finalDecisionAt: isoOrNull(r.final_decision_at),
    place: r.place_province
      ? { provinceCode: r.place_province as string, communeCode: (r.place_commune as string | null) ?? null }
      : null,
    sector: (r.sector as string | null) ?? null,
    respondentKey: (r.respondent_key as string | null) ?? null,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function matterLinkOf(r: Record<string, unknown>): MatterLinkRecord {
  return {
    id: r.id as string,
    matterId: r.matter_id as string,
    kind: r.kind as MatterLinkKind,
    refId: r.ref_id as string,
    decision: r.decision as MatterLinkDecision,
    reason: (r.reason as string | null) ?? null,
    linkedBy: r.linked_by as string,
    at: iso(r.at),
  };
}

/** Counts of a matter recomputed from its confirmed links. */
export interface MatterCounts {
  timesReceived: number;
  lettersCount: number;
  peopleMax: number;
  firstReceivedAt: string | null;
  lastReceivedAt: string | null;
}

/**
 * The flags a matter has under `rules` at `now` (pure: the stored flags, the API views and the tests use
 * it). Each rule is one criterion; a flag is set when any of its rules holds. Returns the rule ids that hold.
 */
export function evaluateFlags(
  m: Pick<MatterRecord, 'status' | 'finalDecisionAt' | 'firstReceivedAt' | 'lastReceivedAt' | 'timesReceived'> & {
    peopleMax: number;
  },
  rules: readonly FlagRule[],
  now: Date,
): { prolonged: boolean; complex: boolean; reasons: string[] } {
  const reasons: string[] = [];
  for (const r of rules) {
    let holds = false;
    if (r.criterion === 'received_after_final_decision') {
      holds = m.finalDecisionAt !== null && Date.parse(m.lastReceivedAt) > Date.parse(m.finalDecisionAt);
    } else if (r.criterion === 'open_months' && r.threshold !== null) {
      const limit = new Date(m.firstReceivedAt);
      limit.setUTCMonth(limit.getUTCMonth() + r.threshold);
      holds = m.status === 'open' && now.getTime() >= limit.getTime();
    } else if (r.criterion === 'times_received' && r.threshold !== null) {
      holds = m.timesReceived >= r.threshold;
    } else if (r.criterion === 'people_max' && r.threshold !== null) {
      holds = m.peopleMax >= r.threshold;
    }
    if (holds) reasons.push(r.id);
  }
  const byId = new Map(rules.map((r) => [r.id, r.flag]));
  return {
    prolonged: reasons.some((id) => byId.get(id) === 'prolonged'),
    complex: reasons.some((id) => byId.get(id) === 'complex'),
    reasons,
  };
}

export interface MatterFilters {
  agencies: readonly string[];
  status?: MatterStatus | undefined;
  prolonged?: boolean | undefined;
  complex?: boolean | undefined;
  mass?: boolean | undefined;
  receivedFrom?: string | undefined;
  receivedTo?: string | undefined;
  /** First received before this instant (exclusive). */
  firstReceivedTo?: string | undefined;
  minTimesReceived?: number | undefined;
  provinceCode?: string | undefined;
  communeCode?: string | undefined;
  sector?: string | undefined;
  respondentKey?: string | undefined;
  after?: { k: string; id: string } | undefined;
  limit: number;
}

/** A matter's structured place, sector and respondent key as written (null clears; undefined leaves as is). */
export interface MatterPlacePatch {
  place?: { provinceCode: string; communeCode: string | null } | null | undefined;
  sector?: string | null | undefined;
  respondentKey?: string | null | undefined;
}

function placeColumns(p: MatterPlacePatch): Record<string, unknown> {
  const cols: Record<string, unknown> = {};
  if (p.place !== undefined) {
    cols.place_province = p.place?.provinceCode ?? null;
    cols.place_commune = p.place?.communeCode ?? null;
  }
  if (p.sector !== undefined) cols.sector = p.sector;
  if (p.respondentKey !== undefined) cols.respondent_key = p.respondentKey;
  return cols;
}

export interface Suggestion {
  matter: MatterRecord;
  samePerson: boolean;
  sameRespondent: boolean;
  similarity: number;
  score: number;
}

/**
 * A flag filter as SQL: the stored flag, or (a rule of time: `open_months`) one that holds now though
 * no change re-evaluated the matter since.
 */
export function flagSql(
  flag: 'prolonged' | 'complex',
  rules: readonly FlagRule[],
): { sql: string; bindings: number[] } {
  const months = rules.filter((r) => r.flag === flag && r.criterion === 'open_months' && r.threshold !== null);
  const parts = [`m.${flag}`];
  const bindings: number[] = [];
  for (const r of months) {
    parts.push(`(m.status = 'open' AND m.first_received_at <= now() - make_interval(months => ?))`);
    bindings.push(r.threshold!);
  }
  return { sql: `(${parts.join(' OR ')})`, bindings };
}

/** Store of matters, their links, identity index and flag rules. */
export function createMatterStore(db: Db) {
  const store = {
    /** The flag rules in force on `on` (YYYY-MM-DD), active ones only. */
    async rules(on: string, trx: Db = db): Promise<FlagRule[]> {
      const rows = await trx('matter_flag_rules')
        .where('active', true)
        .where('effective_from', '<=', on)
        .where((w) => w.whereNull('effective_to').orWhere('effective_to', '>=', on))
        .orderBy('id');
      return rows.map((r: Record<string, unknown>) => ({
        id: r.id as string,
        flag: r.flag as FlagRule['flag'],
        criterion: r.criterion as FlagCriterion,
        threshold: (r.threshold as number | null) ?? null,
        effectiveFrom: r.effective_from as string,
        effectiveTo: (r.effective_to as string | null) ?? null,
        source: r.source as string,
        unconfirmed: r.unconfirmed as boolean,
      }));
    },

    async insert(
      m: {
        id: string;
        agencyId: string;
        title: string;
        contentType: string | null;
        receivedAt: string;
        createdBy: string;
      } & MatterPlacePatch,
      trx: Db = db,
    ): Promise<{ matter: MatterRecord; fresh: boolean }> {
      const rows = await trx('matters')
        .insert({
          ...placeColumns(m),
          id: m.id,
          agency_id: m.agencyId,
          title: m.title,
          subject_norm: foldText(m.title),
          content_type: m.contentType,
          first_received_at: m.receivedAt,
          last_received_at: m.receivedAt,
          created_by: m.createdBy,
        })
        .onConflict('id')
        .ignore()
        .returning('*');
      if (rows[0]) return { matter: matterOf(rows[0] as Record<string, unknown>), fresh: true };
      const existing = await trx('matters').where({ id: m.id }).first();
      return { matter: matterOf(existing as Record<string, unknown>), fresh: false };
    },
    async get(id: string, trx: Db = db): Promise<MatterRecord | undefined> {
      const r = await trx('matters').where({ id }).first();
      return r ? matterOf(r as Record<string, unknown>) : undefined;
    },
    async lock(id: string, trx: Db): Promise<MatterRecord | undefined> {
      const r = await trx('matters').where({ id }).forUpdate().first();
      return r ? matterOf(r as Record<string, unknown>) : undefined;
    },
    async update(
      id: string,
      patch: {
        status?: MatterStatus | undefined;
        finalDecisionAt?: string | null | undefined;
        title?: string | undefined;
      } & MatterPlacePatch,
      trx: Db,
    ): Promise<void> {
      const cols: Record<string, unknown> = { updated_at: trx.fn.now(), ...placeColumns(patch) };
      if (patch.status !== undefined) cols.status = patch.status;
      if (patch.finalDecisionAt !== undefined) cols.final_decision_at = patch.finalDecisionAt;
      if (patch.title !== undefined) {
        cols.title = patch.title;
        cols.subject_norm = foldText(patch.title);
      }
      await trx('matters').where({ id }).update(cols);
    },

    /** Matters, most recently received first (keyset on last_received_at, id). */
    async list(q: MatterFilters, rules: readonly FlagRule[]): Promise<Array<MatterRecord & { sortKey: string }>> {
      const rows = await db('matters as m')
        .select('m.*', db.raw('m.last_received_at::text AS sort_key'))
        .whereRaw('m.agency_id = ANY(?::text[])', [q.agencies as string[]])
        .modify((b) => {
          if (q.status) b.where('m.status', q.status);
          for (const f of ['prolonged', 'complex'] as const) {
            const v = q[f];
            if (v === undefined) continue;
            const { sql, bindings } = flagSql(f, rules);
            b.whereRaw(v ? sql : `NOT ${sql}`, bindings);
          }
          if (q.mass !== undefined) b.where('m.mass', q.mass);
          if (q.receivedFrom) b.where('m.last_received_at', '>=', q.receivedFrom);
          if (q.receivedTo) b.where('m.first_received_at', '<=', q.receivedTo);
          if (q.firstReceivedTo) b.where('m.first_received_at', '<', q.firstReceivedTo);
          if (q.minTimesReceived !== undefined) b.where('m.times_received', '>=', q.minTimesReceived);
          if (q.provinceCode !== undefined) b.where('m.place_province', q.provinceCode);
          if (q.communeCode !== undefined) b.where('m.place_commune', q.communeCode);
          if (q.sector !== undefined) b.where('m.sector', q.sector);
          if (q.respondentKey !== undefined) b.where('m.respondent_key', q.respondentKey);
          if (q.after) b.whereRaw('(m.last_received_at, m.id) < (?::timestamptz, ?)', [q.after.k, q.after.id]);
        })
        .orderBy([
          { column: 'm.last_received_at', order: 'desc' },
          { column: 'm.id', order: 'desc' },
        ])
        .limit(q.limit);
      return rows.map((r: Record<string, unknown>) => ({ ...matterOf(r), sortKey: r.sort_key as string }));
    },

    async links(matterId: string): Promise<MatterLinkRecord[]> {
      const rows = await db('matter_links')
        .where({ matter_id: matterId })
        .orderBy([{ column: 'at' }, { column: 'id' }]);
      return rows.map((r: Record<string, unknown>) => matterLinkOf(r));
    },
    /** The matter a visit or case is confirmed in, if any. */
    async confirmedOf(kind: MatterLinkKind, refId: string, trx: Db = db): Promise<string | undefined> {
      const r = await trx('matter_links')
        .where({ kind, ref_id: refId, decision: 'confirmed' })
        .first<{ matter_id: string } | undefined>('matter_id');
      return r?.matter_id;
    },
    async link(
      matterId: string,
      kind: MatterLinkKind,
      refId: string,
      trx: Db = db,
    ): Promise<MatterLinkRecord | undefined> {
      const r = await trx('matter_links').where({ matter_id: matterId, kind, ref_id: refId }).first();
      return r ? matterLinkOf(r as Record<string, unknown>) : undefined;
    },
    /** Records a decision on a link (one per matter and reference: a second one → `fresh: false`). */
    async insertLink(l: Omit<MatterLinkRecord, 'at'>, trx: Db): Promise<{ link: MatterLinkRecord; fresh: boolean }> {
      const rows = await trx('matter_links')
        .insert({
          id: l.id,
          matter_id: l.matterId,
          kind: l.kind,
          ref_id: l.refId,
          decision: l.decision,
          reason: l.reason,
          linked_by: l.linkedBy,
        })
        .onConflict(['matter_id', 'kind', 'ref_id'])
        .ignore()
        .returning('*');
      if (rows[0]) return { link: matterLinkOf(rows[0] as Record<string, unknown>), fresh: true };
      const existing = await store.link(l.matterId, l.kind, l.refId, trx);
      return { link: existing!, fresh: false };
    },
    /** Adds identity/respondent hashes to a matter's suggestion index. */
    async addIdentities(
      matterId: string,
      hashes: ReadonlyArray<{ hash: Buffer; kind: 'person' | 'respondent' }>,
      kid: string,
      trx: Db,
    ): Promise<void> {
      if (hashes.length === 0) return;
      await trx('matter_identities')
        .insert(hashes.map((h) => ({ identity_hash: h.hash, matter_id: matterId, kind: h.kind, hash_kid: kid })))
        .onConflict(['identity_hash', 'matter_id', 'kind'])
        .ignore();
    },

    /** Counts from the confirmed links: a visit is one reception; a letter not received at a visit is another. */
    async counts(matterId: string, trx: Db): Promise<MatterCounts> {
      const { rows } = await trx.raw<{
        rows: Array<{
          times: number;
          letters: number;
          people: number | null;
          first_at: Date | null;
          last_at: Date | null;
        }>;
      }>(
        `WITH vl AS (
           SELECT v.visited_at AS at, v.people_count AS people, v.case_id
             FROM matter_links l JOIN reception_visits v ON v.id = l.ref_id
            WHERE l.matter_id = ? AND l.kind = 'visit' AND l.decision = 'confirmed'),
         cl AS (
           SELECT c.id, c.received_at AS at,
                  GREATEST(1, COALESCE((c.details->>'signersCount')::int, 1)) AS people
             FROM matter_links l JOIN cases c ON c.id = l.ref_id
            WHERE l.matter_id = ? AND l.kind = 'case' AND l.decision = 'confirmed'),
         receipts AS (
           SELECT at, people FROM vl
           UNION ALL
           SELECT at, people FROM cl WHERE NOT EXISTS (SELECT 1 FROM vl WHERE vl.case_id = cl.id))
         SELECT (SELECT count(*)::int FROM receipts) AS times,
                (SELECT count(*)::int FROM cl) AS letters,
                (SELECT max(people)::int FROM receipts) AS people,
                (SELECT min(at) FROM receipts) AS first_at,
                (SELECT max(at) FROM receipts) AS last_at`,
        [matterId, matterId],
      );
      const r = rows[0]!;
      return {
        timesReceived: r.times,
        lettersCount: r.letters,
        peopleMax: r.people ?? 0,
        firstReceivedAt: r.first_at ? r.first_at.toISOString() : null,
        lastReceivedAt: r.last_at ? r.last_at.toISOString() : null,
      };
    },
    /** Stores counts and flags. */
    async store(
      id: string,
      c: MatterCounts,
      flags: { prolonged: boolean; complex: boolean; reasons: string[] },
      trx: Db,
    ): Promise<MatterRecord> {
      const [row] = await trx('matters')
        .where({ id })
        .update({
          times_received: c.timesReceived,
          letters_count: c.lettersCount,
          people_max: c.peopleMax,
          ...(c.firstReceivedAt ? { first_received_at: c.firstReceivedAt } : {}),
          ...(c.lastReceivedAt ? { last_received_at: c.lastReceivedAt } : {}),
          prolonged: flags.prolonged,
          complex: flags.complex,
          flag_reasons: JSON.stringify(flags.reasons),
          updated_at: trx.fn.now(),
        })
        .returning('*');
      return matterOf(row as Record<string, unknown>);
    },

    /**
     * Likely matters for an intake (ADR 0028): same person or representative (keyed identity hashes), same
     * respondent, similar subject (the rarer terms of the subject in the caller's agencies, then pg_trgm
     * similarity; ADR 0038). Matters whose link to `exclude` was rejected are left out. Never links anything.
     */
    async suggest(q: {
      agencies: readonly string[];
      personHashes: readonly Buffer[];
      respondentHashes: readonly Buffer[];
      subject: string;
      exclude?: { kind: MatterLinkKind; refId: string } | undefined;
      threshold: number;
      limit: number;
    }): Promise<Suggestion[]> {
      const subject = foldText(q.subject);
      // A long summary: its first words carry the subject; each term costs up to TERM_CAP index entries.
      const termsOf = subject.split(' ').slice(0, SUBJECT_TERM_WORDS).join(' ');
      // One statement, one round trip: a single statement reads one snapshot, no transaction needed.
      const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
        `WITH person AS (
           -- A matter that holds a denunciation is never matched by person: "same person" would tell the
           -- caller who denounced (Luật Tố cáo Art 47); subject and respondent still find it.
           SELECT i.matter_id FROM matter_identities i
            WHERE i.kind = 'person' AND i.identity_hash = ANY(?::bytea[])
              AND NOT EXISTS (
                SELECT 1 FROM matter_links l
                  LEFT JOIN reception_visits v ON l.kind = 'visit' AND v.id = l.ref_id
                  LEFT JOIN cases c ON l.kind = 'case' AND c.id = l.ref_id
                 WHERE l.matter_id = i.matter_id
                   AND (v.content_type = 'denunciation' OR c.case_type = 'denunciation'))
            GROUP BY i.matter_id),
         resp AS (
           SELECT matter_id FROM matter_identities
            WHERE kind = 'respondent' AND identity_hash = ANY(?::bytea[]) GROUP BY matter_id),
         -- Similar subject (ADR 0038): the intake's terms (words, adjacent pairs); a term held by the cap or more
         -- matters of the agencies searched says nothing and is left out; the matters holding the rarer ones,
         -- ranked by rarity, then the best by trigram similarity. n: matters of the agencies searched holding
         -- the term, total: of every agency, both from the kept counts (one index entry per agency and term).
         qt AS (SELECT DISTINCT t FROM unnest(matter_subject_terms(?)) t),
         df AS MATERIALIZED (
           SELECT qt.t, coalesce(sum(c.n) FILTER (WHERE c.agency_id = ANY(?::text[])), 0)::int AS n,
                  coalesce(sum(c.n), 0)::int AS total
             FROM qt LEFT JOIN matter_term_counts c ON c.term = qt.t
            GROUP BY qt.t),
         hits AS MATERIALIZED (
           -- Rounded (to 1e-9, in float8: no numeric conversion per matter): a sum of the same weights is the
           -- same whatever order the terms come in (ties stay ties).
           SELECT p.matter_id, round(sum(ln(1 + ?::float8 / df.n)) * 1e9) AS w
             FROM df CROSS JOIN LATERAL (
               -- The agencies searched hold most of the term's matters (a province-wide search): its posting
               -- list is read as one index range and filtered (IS TRUE: not an index condition), not one index
               -- range per agency searched; otherwise only the agencies' ranges are read.
               SELECT x.matter_id FROM matter_terms x
                WHERE df.total <= 2 * df.n AND x.term = df.t AND (x.agency_id = ANY(?::text[])) IS TRUE
               UNION ALL
               SELECT x.matter_id FROM matter_terms x
                WHERE df.total > 2 * df.n AND x.term = df.t AND x.agency_id = ANY(?::text[])) p
            WHERE df.n > 0 AND df.n < ?
            GROUP BY p.matter_id
            ORDER BY w DESC, p.matter_id
            LIMIT 100),
         -- Materialized: the few hits' subjects are read by key, each similarity computed once.
         near AS MATERIALIZED (
           SELECT h.matter_id, h.w, similarity(m.subject_norm, ?) AS sim
             FROM hits h JOIN matters m ON m.id = h.matter_id),
         subj AS (SELECT matter_id, sim FROM near WHERE sim >= ? ORDER BY sim DESC, w DESC LIMIT 20),
         cand AS (SELECT matter_id FROM person UNION SELECT matter_id FROM resp UNION SELECT matter_id FROM subj),
         scored AS MATERIALIZED (
           SELECT m.id, m.last_received_at, (p.matter_id IS NOT NULL) AS same_person,
                  (r.matter_id IS NOT NULL) AS same_respondent, coalesce(s.sim, similarity(m.subject_norm, ?)) AS sim
             FROM cand
             JOIN matters m ON m.id = cand.matter_id
             LEFT JOIN person p ON p.matter_id = m.id
             LEFT JOIN resp r ON r.matter_id = m.id
             LEFT JOIN subj s ON s.matter_id = m.id
            WHERE m.agency_id = ANY(?::text[])
              AND NOT EXISTS (SELECT 1 FROM matter_links l WHERE l.matter_id = m.id AND l.kind = ? AND l.ref_id = ?
                                AND l.decision = 'rejected')),
         best AS (
           SELECT *, (CASE WHEN same_person THEN 0.5 ELSE 0 END + CASE WHEN same_respondent THEN 0.2 ELSE 0 END
                      + 0.3 * sim) AS score
             FROM scored ORDER BY score DESC, last_received_at DESC, id LIMIT ?)
         -- Only the suggestions' rows are read whole.
         SELECT m.*, b.same_person, b.same_respondent, b.sim
           FROM best b JOIN matters m ON m.id = b.id
          ORDER BY b.score DESC, b.last_received_at DESC, b.id`,
        [
          q.personHashes as Buffer[],
          q.respondentHashes as Buffer[],
          termsOf,
          q.agencies as string[],
          TERM_CAP,
          q.agencies as string[],
          q.agencies as string[],
          TERM_CAP,
          subject,
          q.threshold,
          subject,
          q.agencies as string[],
          q.exclude?.kind ?? '',
          q.exclude?.refId ?? '',
          q.limit,
        ],
      );
      return rows.map((r) => {
        const sim = Number(r.sim);
        const samePerson = r.same_person as boolean;
        const sameRespondent = r.same_respondent as boolean;
        return {
          matter: matterOf(r),
          samePerson,
          sameRespondent,
          similarity: Math.round(sim * 1000) / 1000,
          score: Math.round(((samePerson ? 0.5 : 0) + (sameRespondent ? 0.2 : 0) + 0.3 * sim) * 1000) / 1000,
        };
      });
    },
  };
  return store;
}

export type MatterStore = ReturnType<typeof createMatterStore>;
