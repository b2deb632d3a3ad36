import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './knex.js';

/** Canonical JSON (sorted keys, no whitespace): the exact bytes that are hashed. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Hash of the first entry's predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditActor {
  /** `user`, `api_key`, `system` (workflow activities), `anonymous`. */
  type: string;
  id: string;
  agency: string | null;
}

/** The actor of entries written by workflow activities (the engine acting on its own timers and rules). */
export const SYSTEM_ACTOR: AuditActor = Object.freeze({ type: 'system', id: 'kntc-flow', agency: null });

/** What a caller appends. Never put personal data here: use party references. */
export interface AuditInput {
  actor: AuditActor;
  action: string;
  caseId?: string | null;
  before?: unknown;
  after?: unknown;
  /** The legal provision the action rests on, e.g. "Luật Tố cáo 2018 Art 47". */
  legalBasis?: string | null;
  requestId?: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: AuditActor;
  action: string;
  caseId: string | null;
  before: unknown;
  after: unknown;
  legalBasis: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  seq: number;
  at: Date;
  actor: AuditActor;
  action: string;
  case_id: string | null;
  before: unknown;
  after: unknown;
  legal_basis: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

function fromRow(r: AuditRow): AuditEntry {
  return {
    seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, caseId: r.case_id,
    before: r.before, after: r.after, legalBasis: r.legal_basis, requestId: r.request_id,
    prevHash: r.prev_hash, hash: r.hash,
  };
}

/** hash = sha256(prev_hash + canonical JSON of the entry without its hash). */
export function entryHash(e: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { prevHash, hash: _stored, ...body } = e;
  return createHash('sha256').update(prevHash + canonical(body)).digest('hex');
}

/**
 * The SQL that appends `input` to the chain, as two CTEs to put in a statement's WITH list: `<name>_head`
 * advances the single-row chain head (`audit_chain_head`: seq + 1, prev_hash = the old hash, hash =
 * sha256 of the old hash and the entry's canonical JSON) and `<name>` inserts the entry it describes.
 * The hash is computed by PostgreSQL from the canonical JSON built here: `seq` sorts last among the
 * entry's keys, so the JSON is `<prefix><seq>}` with the prefix known before the seq is. The head's row
 * lock serialises appenders (one chain per database, whatever the number of API replicas and workers):
 * an UPDATE that waited for it re-reads the committed head, so no two entries ever extend the same
 * one. `when`: an SQL condition (e.g. `EXISTS (SELECT 1 FROM c)`) under which the entry is appended.
 * `<name>` yields the inserted row (none when `when` is false).
 */
export function auditAppendCtes(input: AuditInput, name = 'audit', when?: string): { sql: string; bindings: Knex.RawBinding[] } {
  const body = {
    at: new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    caseId: input.caseId ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    legalBasis: input.legalBasis ?? null,
    requestId: input.requestId ?? null,
  };
  // Round-trip through JSON so that what is hashed is what jsonb gives back (no undefined, no Dates).
  const n = JSON.parse(JSON.stringify(body)) as typeof body;
  const withoutSeq = canonical(n);
  const prefix = `${withoutSeq.slice(0, -1)},"seq":`;
  return {
    sql: `${name}_head AS (
        UPDATE audit_chain_head SET seq = seq + 1, prev_hash = hash,
          hash = encode(sha256(convert_to(hash || ?::text || (seq + 1)::text || '}', 'UTF8')), 'hex')
        WHERE id = 1${when ? ` AND ${when}` : ''}
        RETURNING seq, prev_hash, hash
      ), ${name} AS (
        INSERT INTO audit_log (seq, at, actor, action, case_id, before, after, legal_basis, request_id, prev_hash, hash)
        SELECT h.seq, ?::timestamptz, ?::jsonb, ?, ?, ?::jsonb, ?::jsonb, ?, ?, h.prev_hash, h.hash FROM ${name}_head h
        RETURNING *
      )`,
    bindings: [
      prefix, n.at, JSON.stringify(n.actor), n.action, n.caseId, JSON.stringify(n.before), JSON.stringify(n.after),
      n.legalBasis, n.requestId,
    ],
  };
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  lastSeq: number | null;
  firstBrokenSeq: number | null;
  reason?: string;
}

/** The audit log: append (serialized, hash-chained), read per case, verify the chain. */
export function createAuditStore(db: Db) {
  async function appendIn(trx: Db, input: AuditInput): Promise<AuditEntry> {
    const a = auditAppendCtes(input);
    const { rows } = await trx.raw<{ rows: AuditRow[] }>(`WITH ${a.sql} SELECT * FROM audit`, a.bindings);
    const r = rows[0];
    if (!r) throw new Error('audit chain head missing (migration 20261128000000_audit_chain_head)');
    return fromRow(r);
  }

  return {
    /**
     * Appends one entry (one statement). Inside a caller's transaction (`trx`) the entry commits or rolls
     * back with the change it records, and the chain head stays locked until then: append last.
     */
    async append(input: AuditInput, trx?: Db): Promise<AuditEntry> {
      return appendIn(trx ?? db, input);
    },

    async forCase(caseId: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<AuditEntry[]> {
      const rows = await db<AuditRow>('audit_log').where({ case_id: caseId })
        .andWhere('seq', '>', opts.afterSeq ?? 0).orderBy('seq').limit(opts.limit ?? 100);
      return rows.map(fromRow);
    },

    /** Recomputes the whole chain in seq order; reports the first entry whose hash or link is wrong. */
    async verify(batch = 1000): Promise<VerifyResult> {
      let prev = GENESIS_HASH;
      let after = 0;
      let checked = 0;
      let lastSeq: number | null = null;
      for (;;) {
        const rows = await db<AuditRow>('audit_log').where('seq', '>', after).orderBy('seq').limit(batch);
        for (const r of rows) {
          const e = fromRow(r);
          if (e.prevHash !== prev) return { ok: false, checked, lastSeq, firstBrokenSeq: e.seq, reason: 'prev_hash does not match the previous entry' };
          if (entryHash(e) !== e.hash) return { ok: false, checked, lastSeq, firstBrokenSeq: e.seq, reason: 'hash does not match the entry' };
          prev = e.hash;
          checked++;
          lastSeq = e.seq;
        }
        if (rows.length < batch) return { ok: true, checked, lastSeq, firstBrokenSeq: null };
        after = rows[rows.length - 1]!.seq;
      }
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;

/** Appends one audit entry (for activities and other modules that hold a `db`). */
export function appendAudit(db: Db, input: AuditInput, trx?: Db): Promise<AuditEntry> {
  return createAuditStore(db).append(input, trx);
}
