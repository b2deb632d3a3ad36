import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, exportJWK, type JWK } from 'jose';
import { createAuditStore, type VerifyResult } from './audit.js';
import type { Db } from './knex.js';
import { parseKeyList } from '../platform/key-ring.js';

/**
 * Signed checkpoints of the audit chain (ADR 0014): `{seq, hash, at}` of a verified chain end, signed with
 * Ed25519 as a compact JWS (`alg: EdDSA`), so that anyone holding the public key can check it with any JOSE
 * library. Checkpoints are stored (append-only) AND meant to be exported and kept outside the database: the
 * keyed chain stops rewriting, the chain head stops cutting the tail unnoticed, but only evidence held
 * elsewhere stops a rollback of the whole database to an earlier, consistent state.
 * Keys: `AUDIT_SIGNING_KEYS=kid1:base64(PKCS#8 DER Ed25519 private key),kid2:...`, the first signs.
 */
export class AuditSigningKeyError extends Error {
  override name = 'AuditSigningKeyError';
}

export const CHECKPOINT_TYP = 'kntc-audit-checkpoint+jws';

export interface CheckpointPayload {
  v: 1;
  seq: number;
  hash: string;
  at: string;
}

export interface AuditSigner {
  readonly currentKid: string;
  sign(p: CheckpointPayload): Promise<string>;
  /** The payload of a checkpoint signed by one of the keys; throws when the signature or format is wrong. */
  open(jws: string): Promise<{ kid: string; payload: CheckpointPayload }>;
  publicKeys(): Promise<Array<{ kid: string; jwk: JWK }>>;
}

export function parseAuditSigningKeys(spec: string): Array<{ kid: string; key: KeyObject }> {
  return parseKeyList(spec, {
    variable: 'AUDIT_SIGNING_KEYS',
    entry: 'kid:base64(PKCS#8 DER)',
    error: AuditSigningKeyError,
    decode(base64, kid) {
      let key: KeyObject;
      try {
        key = createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
      } catch {
        throw new AuditSigningKeyError(`AUDIT_SIGNING_KEYS key "${kid}" is not a PKCS#8 DER private key (base64)`);
      }
      if (key.asymmetricKeyType !== 'ed25519') {
        throw new AuditSigningKeyError(`AUDIT_SIGNING_KEYS key "${kid}" must be Ed25519, got ${key.asymmetricKeyType}`);
      }
      return key;
    },
  });
}

/** A fresh Ed25519 key spec (`kid:base64 PKCS#8 DER`) for local use. */
export function generateAuditSigningKeySpec(kid = 'sign1'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return `${kid}:${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`;
}

function isPayload(v: unknown): v is CheckpointPayload {
  const o = v as Record<string, unknown>;
  return (
    !!o &&
    typeof o === 'object' &&
    o.v === 1 &&
    Number.isSafeInteger(o.seq) &&
    (o.seq as number) >= 0 &&
    typeof o.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(o.hash) &&
    typeof o.at === 'string'
  );
}

export function createAuditSigner(spec: string): AuditSigner {
  const keys = parseAuditSigningKeys(spec);
  const byKid = new Map(keys.map((k) => [k.kid, { priv: k.key, pub: createPublicKey(k.key) }]));
  const current = keys[0]!;
  return {
    currentKid: current.kid,
    async sign(p) {
      return new CompactSign(new TextEncoder().encode(JSON.stringify(p)))
        .setProtectedHeader({ alg: 'EdDSA', kid: current.kid, typ: CHECKPOINT_TYP })
        .sign(current.key);
    },
    async open(jws) {
      let kid = '';
      const { payload, protectedHeader } = await compactVerify(
        jws,
        (h) => {
          kid = typeof h.kid === 'string' ? h.kid : '';
          const k = byKid.get(kid);
          if (!k)
            throw new AuditSigningKeyError(
              `the checkpoint is signed with key "${kid}", which is not configured (AUDIT_SIGNING_KEYS)`,
            );
          return k.pub;
        },
        { algorithms: ['EdDSA'] },
      );
      if (protectedHeader.typ !== CHECKPOINT_TYP) throw new AuditSigningKeyError('not an audit checkpoint');
      const p = JSON.parse(new TextDecoder().decode(payload)) as unknown;
      if (!isPayload(p)) throw new AuditSigningKeyError('not an audit checkpoint');
      return { kid, payload: p };
    },
    async publicKeys() {
      return Promise.all(
        [...byKid].map(async ([kid, k]) => ({
          kid,
          jwk: { ...(await exportJWK(k.pub)), kid, alg: 'EdDSA', use: 'sig' },
        })),
      );
    },
  };
}

let configured: AuditSigner | undefined;

/** Sets the process's checkpoint signer (start-up); falls back to `AUDIT_SIGNING_KEYS` in the environment. */
export function configureAuditSigner(spec: string | undefined): void {
  configured = spec === undefined ? undefined : createAuditSigner(spec);
}

export function auditSigner(): AuditSigner {
  if (!configured) {
    const env = process.env.AUDIT_SIGNING_KEYS;
    if (!env) throw new AuditSigningKeyError('no audit checkpoint signing key is configured (AUDIT_SIGNING_KEYS)');
    configured = createAuditSigner(env);
  }
  return configured;
}

export interface StoredCheckpoint {
  seq: number;
  hash: string;
  at: string;
  kid: string;
  jws: string;
}

export class ChainBroken extends Error {
  override name = 'ChainBroken';
  constructor(readonly result: VerifyResult) {
    super(
      `the audit chain does not verify (first broken seq ${result.firstBrokenSeq}: ${result.reason}): no checkpoint signed`,
    );
  }
}

export function createCheckpointStore(db: Db, signer: () => AuditSigner = auditSigner) {
  const fromRow = (r: { seq: number; hash: string; at: Date; kid: string; jws: string }): StoredCheckpoint => ({
    seq: Number(r.seq),
    hash: r.hash,
    at: r.at.toISOString(),
    kid: r.kid,
    jws: r.jws,
  });

  const store = {
    /**
     * Verifies the chain (and that it still holds the latest stored checkpoint) and signs its end. Nothing
     * is signed over a chain that does not verify (ChainBroken). `created: false` when the end was already checkpointed (the stored one is returned).
     */
    async create(): Promise<{ checkpoint: StoredCheckpoint; created: boolean }> {
      let v = await createAuditStore(db).verify();
      const latest = await store.latest();
      if (latest) v = await store.check(v, latest.jws, 'stored');
      if (!v.ok) throw new ChainBroken(v);
      const seq = v.lastSeq ?? 0;
      const existing = await db('audit_checkpoints').where({ seq }).first();
      if (existing) return { checkpoint: fromRow(existing), created: false };
      const row = seq === 0 ? undefined : await db('audit_log').where({ seq }).first<{ hash: string }>('hash');
      const payload: CheckpointPayload = { v: 1, seq, hash: row?.hash ?? '0'.repeat(64), at: new Date().toISOString() };
      const s = signer();
      const jws = await s.sign(payload);
      const inserted = await db('audit_checkpoints')
        .insert({ seq, hash: payload.hash, at: payload.at, kid: s.currentKid, jws })
        .onConflict('seq')
        .ignore()
        .returning('*');
      if (inserted[0]) return { checkpoint: fromRow(inserted[0]), created: true };
      return { checkpoint: fromRow(await db('audit_checkpoints').where({ seq }).first()), created: false };
    },

    async list(opts: { beforeSeq?: number; limit: number }): Promise<StoredCheckpoint[]> {
      const q = db('audit_checkpoints').orderBy('seq', 'desc').limit(opts.limit);
      if (opts.beforeSeq !== undefined) q.where('seq', '<', opts.beforeSeq);
      return (await q).map(fromRow);
    },

    async latest(): Promise<StoredCheckpoint | undefined> {
      const r = await db('audit_checkpoints').orderBy('seq', 'desc').first();
      return r ? fromRow(r) : undefined;
    },

    /**
     * Checks a verified chain (`v`, from `verify()`) against a checkpoint: its signature, and the chain's
     * entry at its seq, which must exist and carry its hash. Returns `v`, turned into a failure when the
     * checkpoint does not hold.
     */
    async check(
      v: VerifyResult,
      jws: string,
      source: 'stored' | 'presented',
    ): Promise<VerifyResult & { checkpoint?: { seq: number; at: string; source: string } }> {
      let opened;
      try {
        opened = await signer().open(jws);
      } catch (e) {
        return {
          ...v,
          ok: false,
          firstBrokenSeq: v.firstBrokenSeq,
          reason: `the ${source} checkpoint does not verify: ${(e as Error).message}`,
        };
      }
      const { seq, hash, at } = opened.payload;
      const checkpoint = { seq, at, source };
      if (!v.ok) return { ...v, checkpoint };
      const end = v.lastSeq ?? 0;
      if (seq > end) {
        return {
          ...v,
          ok: false,
          firstBrokenSeq: end + 1,
          checkpoint,
          reason: `the log ends at seq ${end}, before the ${source} checkpoint of seq ${seq} signed at ${at}: entries were removed from its end`,
        };
      }
      const row =
        seq === 0
          ? { hash: '0'.repeat(64) }
          : await db('audit_log').where({ seq }).first<{ hash: string } | undefined>('hash');
      if (!row || row.hash !== hash) {
        return {
          ...v,
          ok: false,
          firstBrokenSeq: seq,
          checkpoint,
          reason: `the entry at seq ${seq} is not the one the ${source} checkpoint signed at ${at}: the chain was rewritten up to there`,
        };
      }
      return { ...v, checkpoint };
    },
  };
  return store;
}

export type CheckpointStore = ReturnType<typeof createCheckpointStore>;
