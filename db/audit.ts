import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './knex.js';
import { auditKeys, type AuditKeyring } from './audit-keys.js';

/** Canonical JSON (sorted keys, no whitespace): the exact bytes that are hashed. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
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
  /** The key id of the HMAC (v2 scheme); null: a v1 entry (plain SHA-256, written before ADR 0014). */
  hashKid: string | null;
}

/** An `audit_log` row as PostgreSQL returns it. */
export interface AuditRow {
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
  hash_kid: string | null;
}

/** The one row mapper of the audit log (the store and the search use it). */
export function auditEntryFromRow(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    caseId: r.case_id,
    before: r.before,
    after: r.after,
    legalBasis: r.legal_basis,
    requestId: r.request_id,
    prevHash: r.prev_hash,
    hash: r.hash,
    hashKid: r.hash_kid ?? null,
  };
}

/** The v1 scheme (entries written before ADR 0014): hash = sha256(prev_hash + canonical JSON of the entry without its hash). */
export function entryHash(
  e: Omit<AuditEntry, 'hash' | 'hashKid'> & { hash?: string; hashKid?: string | null },
): string {
  const { prevHash, hash: _stored, hashKid: _kid, ...body } = e;
  return createHash('sha256')
    .update(prevHash + canonical(body))
    .digest('hex');
}

/**
 * The v2 scheme (ADR 0014): hash = HMAC-SHA256(key `kid`, prev_hash + canonical JSON of the entry with
 * `kid`), the key held by the application only. Undefined when `kid` is not in `keys`.
 */
export function keyedEntryHash(
  e: Omit<AuditEntry, 'hash' | 'hashKid'> & { hash?: string; hashKid?: string | null },
  kid: string,
  keys: AuditKeyring = auditKeys(),
): string | undefined {
  const { prevHash, hash: _stored, hashKid: _kid, ...body } = e;
  return keys.mac(kid, prevHash + canonical({ ...body, kid }));
}

/** The chain head as read (and locked) by an appender: seq and hash of the last entry. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Locks the chain head row (`SELECT … FOR UPDATE`) in `trx` and returns it. The lock is held until `trx`
 * ends: it serialises appenders (one chain per database, whatever the number of API replicas and
 * workers). Take it last in a transaction that does other work (the order every appender uses).
 */
export async function lockAuditHead(trx: Db): Promise<ChainHead> {
  const { rows } = await trx.raw<{ rows: Array<{ seq: number; hash: string }> }>(
    'SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE',
  );
  const h = rows[0];
  if (!h) throw new Error('audit chain head missing (migration 20261128000000_audit_chain_head)');
  return { seq: Number(h.seq), hash: h.hash };
}

/**
 * The SQL that appends `input` after `head` (locked by `lockAuditHead` in the same transaction), as two
 * CTEs to put in a statement's WITH list: `<name>_head` advances the single-row chain head and `<name>`
 * inserts the entry it describes. The hash is the keyed v2 hash, computed here: the key never reaches
 * the database. The head update is conditional on the head still being `head`, so a caller that did not
 * hold the lock appends nothing rather than forking the chain. `when`: an SQL condition (e.g.
 * `EXISTS (SELECT 1 FROM c)`) under which the entry is appended. `<name>` yields the inserted row (none
 * when `when` is false).
 */
export function auditAppendCtes(
  input: AuditInput,
  head: ChainHead,
  name = 'audit',
  when?: string,
  keys: AuditKeyring = auditKeys(),
): { sql: string; bindings: Knex.RawBinding[] } {
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
  const seq = head.seq + 1;
  const kid = keys.currentKid;
  const hash = keyedEntryHash({ ...n, seq, prevHash: head.hash }, kid, keys)!;
  return {
    sql: `${name}_head AS (
        UPDATE audit_chain_head SET seq = ?::bigint, prev_hash = hash, hash = ?
        WHERE id = 1 AND seq = ?::bigint AND hash = ?${when ? ` AND ${when}` : ''}
        RETURNING seq, prev_hash, hash
      ), ${name} AS (
        INSERT INTO audit_log (seq, at, actor, action, case_id, before, after, legal_basis, request_id, prev_hash, hash, hash_kid)
        SELECT h.seq, ?::timestamptz, ?::jsonb, ?, ?, ?::jsonb, ?::jsonb, ?, ?, h.prev_hash, h.hash, ? FROM ${name}_head h
        RETURNING *
      )`,
    bindings: [
      seq,
      hash,
      head.seq,
      head.hash,
      n.at,
      JSON.stringify(n.actor),
      n.action,
      n.caseId,
      JSON.stringify(n.before),
      JSON.stringify(n.after),
      n.legalBasis,
      n.requestId,
      kid,
    ],
  };
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  lastSeq: number | null;
  firstBrokenSeq: number | null;
  reason?: string;
  /** The chain head row (`audit_chain_head`): what the last entry must be. */
  head?: { seq: number } | null;
  /** Entries hashed under the v1 (plain SHA-256) and the v2 (keyed HMAC) scheme. */
  schemes?: { sha256: number; hmac: number };
}

/** The audit log: append (serialized, keyed hash chain), read per case, verify the chain. */
export function createAuditStore(db: Db) {
  async function appendIn(trx: Db, input: AuditInput): Promise<AuditEntry> {
    const head = await lockAuditHead(trx);
    const a = auditAppendCtes(input, head);
    const { rows } = await trx.raw<{ rows: AuditRow[] }>(`WITH ${a.sql} SELECT * FROM audit`, a.bindings);
    const r = rows[0];
    if (!r) throw new Error('audit chain head moved while locked');
    return auditEntryFromRow(r);
  }

  return {
    /**
     * Appends one entry: locks the chain head, computes the keyed hash, inserts. Inside a caller's
     * transaction (`trx`) the entry commits or rolls back with the change it records, and the chain head
     * stays locked until then: append last. Without one, the append is its own transaction.
     */
    async append(input: AuditInput, trx?: Db): Promise<AuditEntry> {
      if (trx) return appendIn(trx, input);
      return db.transaction((t) => appendIn(t, input));
    },

    async forCase(caseId: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<AuditEntry[]> {
      const rows = await db<AuditRow>('audit_log')
        .where({ case_id: caseId })
        .andWhere('seq', '>', opts.afterSeq ?? 0)
        .orderBy('seq')
        .limit(opts.limit ?? 100);
      return rows.map(auditEntryFromRow);
    },

    /**
     * Recomputes the whole chain in seq order and reports the first entry whose hash or link is wrong:
     * v1 entries by SHA-256, v2 entries by the HMAC under their key (no v1 entry may follow a v2 one, and
     * a v2 entry's seq follows its predecessor's). Then the end of the chain must be the chain head
     * (seq and hash: a removed tail is caught here) and, when there are entries, a keyed one.
     */
    async verify(batch = 1000, keys: AuditKeyring | undefined = safeKeys()): Promise<VerifyResult> {
      let prev = GENESIS_HASH;
      let after = 0;
      let checked = 0;
      let lastSeq: number | null = null;
      let keyed = false;
      const schemes = { sha256: 0, hmac: 0 };
      const headRow = await db('audit_chain_head')
        .where({ id: 1 })
        .first<{ seq: number; hash: string } | undefined>('seq', 'hash');
      const head = headRow ? { seq: Number(headRow.seq) } : null;
      const broken = (seq: number, reason: string): VerifyResult => ({
        ok: false,
        checked,
        lastSeq,
        firstBrokenSeq: seq,
        reason,
        head,
        schemes,
      });
      for (;;) {
        const rows = await db<AuditRow>('audit_log').where('seq', '>', after).orderBy('seq').limit(batch);
        for (const r of rows) {
          const e = auditEntryFromRow(r);
          if (e.prevHash !== prev) return broken(e.seq, 'prev_hash does not match the previous entry');
          if (e.hashKid === null) {
            if (keyed) return broken(e.seq, 'an unkeyed (SHA-256) entry follows keyed (HMAC) entries');
            if (entryHash(e) !== e.hash) return broken(e.seq, 'hash does not match the entry');
            schemes.sha256++;
          } else {
            if (keyed && e.seq !== lastSeq! + 1) return broken(e.seq, `seq does not follow ${lastSeq}`);
            if (!keys?.has(e.hashKid))
              return broken(
                e.seq,
                `the entry is keyed with "${e.hashKid}", which is not configured (AUDIT_HMAC_KEYS): it cannot be verified`,
              );
            if (keyedEntryHash(e, e.hashKid, keys) !== e.hash) return broken(e.seq, 'hash does not match the entry');
            keyed = true;
            schemes.hmac++;
          }
          prev = e.hash;
          checked++;
          lastSeq = e.seq;
        }
        if (rows.length < batch) break;
        after = rows[rows.length - 1]!.seq;
      }
      const end = lastSeq ?? 0;
      if (!headRow) return broken(end + 1, 'the chain head (audit_chain_head) is missing');
      if (Number(headRow.seq) !== end || headRow.hash !== prev) {
        return broken(
          Math.min(end, Number(headRow.seq)) + 1,
          Number(headRow.seq) > end
            ? `the log ends at seq ${end} but the chain head says ${headRow.seq}: entries were removed from its end`
            : `the log ends at seq ${end} but the chain head says ${headRow.seq} with another hash: the head or the last entries were rewritten`,
        );
      }
      if (checked > 0 && !keyed)
        return broken(end, 'the last entry is not keyed (HMAC): the end of the chain cannot be authenticated');
      return { ok: true, checked, lastSeq, firstBrokenSeq: null, head, schemes };
    },
  };
}

function safeKeys(): AuditKeyring | undefined {
  try {
    return auditKeys();
  } catch {
    return undefined;
  }
}

/**
 * Seals a chain written before ADR 0014 (its last entry unkeyed): appends `audit.chain_keyed`, whose keyed
 * hash covers every earlier entry through its prev_hash. Run at start-up after the migrations; a no-op
 * once the chain ends with a keyed entry (or is empty). Returns the entry appended, if any.
 */
export async function sealAuditChain(db: Db): Promise<AuditEntry | undefined> {
  const last = await db('audit_log')
    .orderBy('seq', 'desc')
    .first<{ seq: number; hash_kid: string | null } | undefined>('seq', 'hash_kid');
  if (!last || last.hash_kid !== null) return undefined;
  return createAuditStore(db).append({
    actor: SYSTEM_ACTOR,
    action: 'audit.chain_keyed',
    after: { unkeyedUpToSeq: Number(last.seq), kid: auditKeys().currentKid, scheme: 'HMAC-SHA256' },
  });
}

export type AuditStore = ReturnType<typeof createAuditStore>;

/** Appends one audit entry (for activities and other modules that hold a `db`). */
export function appendAudit(db: Db, input: AuditInput, trx?: Db): Promise<AuditEntry> {
  return createAuditStore(db).append(input, trx);
}
