import { createHash } from 'node:crypto';
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

// One chain per database: appends take this transaction-scoped advisory lock, so the head they read
// is the head they extend, whatever the number of API replicas and workers.
const CHAIN_LOCK = 0x6b6e7463; // 'kntc'

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
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [CHAIN_LOCK]);
    const head = await trx<AuditRow>('audit_log').orderBy('seq', 'desc').first('hash');
    const { rows } = await trx.raw<{ rows: Array<{ seq: number }> }>(`SELECT nextval(pg_get_serial_sequence('audit_log', 'seq'))::bigint AS seq`);
    const body: Omit<AuditEntry, 'hash'> = {
      seq: Number(rows[0]!.seq),
      at: new Date().toISOString(),
      actor: input.actor,
      action: input.action,
      caseId: input.caseId ?? null,
      before: input.before ?? null,
      after: input.after ?? null,
      legalBasis: input.legalBasis ?? null,
      requestId: input.requestId ?? null,
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    // Round-trip through JSON so that what is hashed is what jsonb gives back (no undefined, no Dates).
    const normalized = JSON.parse(JSON.stringify(body)) as Omit<AuditEntry, 'hash'>;
    const hash = entryHash(normalized);
    await trx('audit_log').insert({
      seq: normalized.seq, at: normalized.at, actor: JSON.stringify(normalized.actor), action: normalized.action,
      case_id: normalized.caseId, before: JSON.stringify(normalized.before), after: JSON.stringify(normalized.after),
      legal_basis: normalized.legalBasis, request_id: normalized.requestId, prev_hash: normalized.prevHash, hash,
    });
    return { ...normalized, hash };
  }

  return {
    /**
     * Appends one entry. Inside a caller's transaction (`trx`) the entry commits or rolls back with
     * the change it records, and the chain lock is held until then.
     */
    async append(input: AuditInput, trx?: Db): Promise<AuditEntry> {
      if (trx) return appendIn(trx, input);
      return db.transaction((t) => appendIn(t, input));
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
