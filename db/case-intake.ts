/**
 * Storage of a case start (`POST /v1/cases`, api/services/case-start.ts): the two statements of ADR 0011 —
 * one before the workflow starts (definition candidates, key claim, parties, PIN) and one after it (read-
 * model seed, audit entry, stored response) — as named prepared statements (db/prepared.ts), and the
 * look-ups and clean-up of a start that could not finish (ADR 0016).
 */
import type { Knex } from 'knex';
import { auditAppendCtes, lockAuditHead, type AuditInput } from './audit.js';
import type { createCasePinStore } from './case-pins.js';
import { appendEvents, type NewEvent } from './events.js';
import { completeCte, reserveCte, type StoredResponse } from './idempotency-keys.js';
import type { Db } from './knex.js';
import { partiesInsertCte, type SealedPartyRow } from './parties.js';
import { prepared } from './prepared.js';

/** A registered definition version effective on the receipt date for the case's agency line. */
export interface DefinitionCandidate {
  key: string;
  version: number;
  hash: string;
  caseType: string;
  effectiveFrom: string;
  effectiveTo?: string;
}

/** The Idempotency-Key a start claims: the caller's scope, the key and the request's fingerprint. */
export interface KeyClaim {
  scope: string;
  key: string;
  hash: string;
}

export interface IntakeInput {
  caseId: string;
  reference: string;
  caseType: string;
  /** The receipt date in Vietnam (YYYY-MM-DD). */
  receivedOn: string;
  /** The case's agency and its ancestors (ADR 0013: their versions and the system level's apply). */
  agencyLine: readonly string[];
  /** Claim this key first; parties and PIN are written only if this request claimed it. */
  claim?: KeyClaim;
  parties: readonly SealedPartyRow[];
  /** The citizen PIN (stored as its keyed hash). */
  pin: string;
}

export interface IntakeResult {
  /** The versions that may apply (empty: none; nothing was written). The choice is latestEffective's. */
  candidates: DefinitionCandidate[];
  /** This request claimed the key (always true without a claim). */
  fresh: boolean;
  /** The case that held `reference` when the statement began (null: it was free). */
  owner: string | null;
}

/** The read-model seed of a started case (its projections supersede it). */
export interface CaseSeed {
  id: string;
  reference: string;
  workflowId: string;
  caseType: string;
  channel: string;
  agencyId: string;
  subject: string;
  remoteArea: boolean;
  /** UTC ISO instant. */
  receivedAt: string;
  definition: { key: string; version: number; hash: string };
  details: Record<string, unknown>;
  /** The structured place, sector and normalised respondent key (issue 15.4), when given. */
  place?: { provinceCode: string; communeCode: string | null } | undefined;
  sector?: string | undefined;
  respondentKey?: string | undefined;
}

interface CandidateRow {
  key: string;
  version: number;
  hash: string;
  case_type: string;
  effective_from: string;
  effective_to: string | null;
}

const pgTextArray = (items: readonly string[]) => `{${items.map((a) => `"${a}"`).join(',')}}`;

/** The case-start store; `pins` supplies the PIN row's CTE (its keyed hash). */
export function createCaseIntakeStore(db: Db, pins: Pick<ReturnType<typeof createCasePinStore>, 'insertCte'>) {
  return {
    /**
     * Statement 1, one implicit transaction: the definition versions that may apply (effective on the
     * receipt date, system level or governed by the agency line), the key claim, the parties' personal
     * data (sealed) and the PIN hash. Nothing is written when no version applies; with a claim, parties
     * and PIN only if this request claimed the key. `owner`: the PIN row is the reference registry, and
     * our own insert is not visible to the statement's SELECT.
     */
    async intake(a: IntakeInput): Promise<IntakeResult> {
      const when = a.claim ? 'EXISTS (SELECT 1 FROM idem)' : 'EXISTS (SELECT 1 FROM defs)';
      const ctes = [
        {
          sql: `defs AS (
              SELECT d.key, d.version, d.hash, d.case_type, d.effective_from, d.effective_to FROM process_definitions d
                LEFT JOIN definition_owners o ON o.key = d.key AND o.version = d.version
               WHERE d.case_type = ? AND d.effective_from <= ?::date AND (d.effective_to IS NULL OR d.effective_to > ?::date)
                 AND (o.agency_id IS NULL OR o.agency_id = ANY(?::text[]))
            )`,
          bindings: [a.caseType, a.receivedOn, a.receivedOn, pgTextArray(a.agencyLine)],
        },
        ...(a.claim
          ? [reserveCte(a.claim.scope, a.claim.key, a.claim.hash, a.caseId, 'idem', 'EXISTS (SELECT 1 FROM defs)')]
          : []),
        ...(a.parties.length ? [partiesInsertCte(a.parties, 'parties_ins', when)] : []),
        await pins.insertCte(a.reference, a.caseId, a.pin, 'pin_ins', when),
      ];
      const r = await prepared<{
        rows: Array<{ candidates: CandidateRow[] | null; fresh: boolean; owner: string | null }>;
      }>(
        db,
        `WITH ${ctes.map((c) => c.sql).join(', ')}
         SELECT (SELECT json_agg(defs) FROM defs) AS candidates, ${a.claim ? 'EXISTS (SELECT 1 FROM idem)' : 'true'} AS fresh,
                (SELECT case_id FROM case_pins WHERE reference = ?) AS owner`,
        [...ctes.flatMap((c) => c.bindings), a.reference],
      );
      const row = r.rows[0]!;
      return {
        candidates: (row.candidates ?? []).map((c) => ({
          key: c.key,
          version: c.version,
          hash: c.hash,
          caseType: c.case_type,
          effectiveFrom: c.effective_from,
          ...(c.effective_to ? { effectiveTo: c.effective_to } : {}),
        })),
        fresh: row.fresh,
        owner: row.owner,
      };
    },

    /**
     * Statement 2, once the workflow runs: the read-model seed, its audit entry — both only if the seed
     * is new, so a retry finishing an interrupted request adds neither twice — and the key's stored
     * response. The audit chain's keyed hash is computed here (ADR 0014: the HMAC key never reaches
     * PostgreSQL), so the entry's statement runs in a transaction that locks the chain head after the seed
     * is inserted (rows before heads, ADR 0034); the head lock is held for that statement and the COMMIT.
     * `fresh`: the seed was inserted by this call.
     */
    async record(a: {
      seed: CaseSeed;
      audit: AuditInput;
      completion?: { scope: string; key: string; response: StoredResponse };
      /**
       * Run in the same transaction once a new seed is written, before the audit chain head is locked: the
       * hotspot detector's incremental update (db/hotspots.ts, ADR 0034). Answers notifications to start and
       * outbox events, appended after the audit entry (events last).
       */
      afterSeed?: (trx: Db) => Promise<{ notifications: string[]; events: readonly NewEvent[] }>;
    }): Promise<{ fresh: boolean; audited: boolean; notifications: string[]; agencyClosed?: true }> {
      const s = a.seed;
      // ON CONFLICT without a target: any unique index (id or reference) may report the conflict first.
      const seed = {
        sql: `c AS (
            INSERT INTO cases (id, reference, workflow_id, case_type, channel, agency_id, subject, remote_area, received_at, stage, status,
                               projection_seq, definition_key, definition_version, definition_hash, details, updated_at,
                               place_province, place_commune, sector, respondent_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, 'received', 'open', 0, ?, ?::int, ?, ?::jsonb, now(), ?, ?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING id
          )`,
        bindings: [
          s.id,
          s.reference,
          s.workflowId,
          s.caseType,
          s.channel,
          s.agencyId,
          s.subject,
          s.remoteArea,
          s.receivedAt,
          s.definition.key,
          s.definition.version,
          s.definition.hash,
          JSON.stringify(s.details),
          s.place?.provinceCode ?? null,
          s.place?.communeCode ?? null,
          s.sector ?? null,
          s.respondentKey ?? null,
        ] as Knex.RawBinding[],
      };
      // A deadlock or serialization failure (40P01, 40001: concurrent projections and counters under load) rolled
      // the whole transaction back, so it is run again (each statement is idempotent), a few times, before the
      // start answers 503.
      const done = await retryTransient(() =>
        db.transaction(async (trx) => {
          // The agency open, and kept so until this commits (ADR 0024): a closure's UPDATE of the row waits for
          // this, so its sweep (started after it commits) sees the case; a closure committed first refuses it.
          // Locked before the audit head, in the order a closure takes them (agencies, then the audit head).
          const open = await prepared<{ rows: unknown[] }>(
            trx,
            'SELECT 1 FROM agencies WHERE id = ? AND closed_at IS NULL FOR SHARE',
            [s.agencyId],
          );
          if (open.rows.length === 0)
            return { fresh: false, audited: false, notifications: [], agencyClosed: true as const };
          // The seed first: its case_facts trigger takes the new case's facts lock and the counter rows it adds to
          // (case_fact_dims, case_fact_months: shared by every case of the same agency, type, closed and overdue),
          // which projections take before the audit head (ADR 0034) — this case's own first projection (its
          // workflow runs already) and any other case's. Then the detector's update, when there is one (its cluster
          // locks and rows), and the audit chain head last, held as long as a start without a detector would hold
          // it; the detector's events after the audit entry. Inserting the seed under the head, in the audit
          // entry's statement, was the reverse order and deadlocked with projections (40P01).
          const seeded = await prepared<{ rows: Array<{ fresh: boolean }> }>(
            trx,
            `WITH ${seed.sql} SELECT EXISTS (SELECT 1 FROM c) AS fresh`,
            seed.bindings,
          );
          const fresh = seeded.rows[0]!.fresh;
          const after = fresh && a.afterSeed ? await a.afterSeed(trx) : { notifications: [] as string[], events: [] };
          const entry = auditAppendCtes(a.audit, await lockAuditHead(trx), 'audit', fresh ? 'true' : 'false');
          const ctes = [
            entry,
            ...(a.completion
              ? [completeCte(a.completion.scope, a.completion.key, a.completion.response, 'idem_done')]
              : []),
          ];
          const r = await prepared<{ rows: Array<{ audited: boolean }> }>(
            trx,
            `WITH ${ctes.map((c) => c.sql).join(', ')} SELECT EXISTS (SELECT 1 FROM audit) AS audited`,
            ctes.flatMap((c) => c.bindings),
          );
          if (after.events.length > 0) await appendEvents(trx, after.events);
          return { fresh, audited: r.rows[0]!.audited, notifications: after.notifications };
        }),
      );
      return done;
    },

    /** Whether the read model has the case (a start recorded by this or an identical request). */
    async recorded(caseId: string): Promise<boolean> {
      return Boolean(await db('cases').where({ id: caseId }).first('id'));
    },

    /** The reference the case's PIN row holds (the registry of references), if any. */
    async referenceOf(caseId: string): Promise<string | undefined> {
      return (await db('case_pins').where({ case_id: caseId }).first<{ reference: string } | undefined>('reference'))
        ?.reference;
    },

    /** Removes the rows of statement 1 of a start that is abandoned (ADR 0016), and the key's claim. */
    async discard(caseId: string, claim: { scope: string; key: string } | undefined): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('parties').where({ case_id: caseId }).delete();
        await trx('case_pins').where({ case_id: caseId }).delete();
        if (claim !== undefined) await trx('idempotency_keys').where({ scope: claim.scope, key: claim.key }).delete();
      });
    },
  };
}

export type CaseIntakeStore = ReturnType<typeof createCaseIntakeStore>;

/** Runs `f` again (up to 4 times, short growing pauses) when PostgreSQL aborted it as a deadlock victim or a
 * serialization failure: the transaction was rolled back whole, so running it again is safe. */
async function retryTransient<T>(f: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      if ((code !== '40P01' && code !== '40001') || attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.floor(Math.random() * 30)));
    }
  }
}
