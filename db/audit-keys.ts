import { createHmac } from 'node:crypto';
import { parseKeyList, randomSecretKeySpec, secretKeyList } from '../platform/key-ring.js';

/**
 * The keys of the audit chain's HMAC (ADR 0014). They are NOT in the database: an entry's hash is
 * HMAC-SHA256 under a key only the application holds, so someone who can write the tables (a superuser
 * with the triggers disabled) cannot recompute a valid hash for an entry they rewrote. Configured as
 * `AUDIT_HMAC_KEYS=kid1:base64key,kid2:...` (32-byte keys); the first key keys new entries, every key
 * listed verifies the entries that name it (rotation: put the new key first, keep the old ones).
 */
export class AuditKeyError extends Error {
  override name = 'AuditKeyError';
}

export interface AuditKeyring {
  readonly currentKid: string;
  /** HMAC-SHA256 (hex) of `data` under key `kid`; undefined when that key is not configured. */
  mac(kid: string, data: string): string | undefined;
  has(kid: string): boolean;
}

/** Parses `kid1:base64key,kid2:base64key` (each key 32 bytes). */
export function parseAuditKeys(spec: string): Array<{ kid: string; key: Buffer }> {
  return parseKeyList(spec, secretKeyList('AUDIT_HMAC_KEYS', AuditKeyError));
}

/** A fresh random key spec (`kid:base64`) for local use. */
export function generateAuditKeySpec(kid = 'audit1'): string {
  return randomSecretKeySpec(kid);
}

export function createAuditKeyring(keys: Array<{ kid: string; key: Buffer }> | string): AuditKeyring {
  const list = typeof keys === 'string' ? parseAuditKeys(keys) : keys;
  const byKid = new Map(list.map((k) => [k.kid, k.key]));
  const current = list[0];
  if (!current) throw new AuditKeyError('no audit HMAC key configured');
  return {
    currentKid: current.kid,
    has: (kid) => byKid.has(kid),
    mac(kid, data) {
      const k = byKid.get(kid);
      return k ? createHmac('sha256', k).update(data, 'utf8').digest('hex') : undefined;
    },
  };
}

let configured: AuditKeyring | undefined;

/**
 * Sets the process's audit keyring (start-up: `scripts/system.ts`, the standalone worker). Every
 * `createAuditStore`/`appendAudit` of the process uses it, so their signatures stay as they were.
 */
export function configureAuditKeys(keys: AuditKeyring | string | undefined): void {
  configured = keys === undefined ? undefined : typeof keys === 'string' ? createAuditKeyring(keys) : keys;
}

/** The configured keyring; falls back to `AUDIT_HMAC_KEYS` in the environment. Throws when there is none. */
export function auditKeys(): AuditKeyring {
  if (!configured) {
    const env = process.env.AUDIT_HMAC_KEYS;
    if (!env)
      throw new AuditKeyError(
        'no audit HMAC key is configured (AUDIT_HMAC_KEYS): the audit log cannot be appended to or verified',
      );
    configured = createAuditKeyring(env);
  }
  return configured;
}
