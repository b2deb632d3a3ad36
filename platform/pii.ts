import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { parseKeyList, randomSecretKeySpec, secretKeyList } from './key-ring.js';

/**
 * AES-256-GCM encryption of personal data at rest, with key ids so keys can be rotated: new data is
 * sealed with the current (first) key; data sealed under an older key stays readable while that key
 * is configured. Keys come from `PII_KEYS` (`kid1:base64key,kid2:base64key`).
 */
export class PiiKeyError extends Error {
  override name = 'PiiKeyError';
}

export interface Sealed {
  kid: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export interface PiiKeyring {
  readonly currentKid: string;
  /** Every configured key id, the current one first (older ones still open what they sealed). */
  readonly kids: readonly string[];
  /** Encrypts `plaintext`; `aad` (e.g. the record id) binds the ciphertext to its row. */
  seal(plaintext: string, aad: string): Sealed;
  /** Decrypts; throws PiiKeyError when the key id is not configured or the data was altered. */
  open(s: Sealed, aad: string): string;
  /** The raw key of `kid` (for derived secrets such as citizen PINs). */
  key(kid: string): Buffer;
}

/** Parses `kid1:base64key,kid2:base64key` (each key 32 bytes). */
export function parsePiiKeys(spec: string): Array<{ kid: string; key: Buffer }> {
  return parseKeyList(spec, secretKeyList('PII_KEYS', PiiKeyError));
}

/** A fresh random key spec (`kid:base64`) for local use. */
export function generatePiiKeySpec(kid = 'local1'): string {
  return randomSecretKeySpec(kid);
}

// IVs are taken from a pool of CSPRNG bytes refilled as a whole (as crypto.randomUUID does), instead of one
// randomBytes call per seal; each IV is a copy of 12 bytes never handed out again (random 96-bit GCM IVs).
const IV_BYTES = 12;
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivOffset = ivPool.length;
function freshIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES));
  ivOffset += IV_BYTES;
  return iv;
}

/** Builds a keyring; the first key is current. */
export function createPiiKeyring(keys: Array<{ kid: string; key: Buffer }> | string): PiiKeyring {
  const list = typeof keys === 'string' ? parsePiiKeys(keys) : keys;
  const byKid = new Map(list.map((k) => [k.kid, k.key]));
  const current = list[0];
  if (!current) throw new PiiKeyError('no PII key configured');
  const key = (kid: string): Buffer => {
    const k = byKid.get(kid);
    if (!k) throw new PiiKeyError(`no PII key with id "${kid}" is configured (PII_KEYS); the data cannot be decrypted`);
    return k;
  };
  return {
    currentKid: current.kid,
    kids: Object.freeze(list.map((k) => k.kid)),
    key,
    seal(plaintext, aad) {
      const iv = freshIv();
      const c = createCipheriv('aes-256-gcm', current.key, iv);
      c.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
      return { kid: current.kid, iv, tag: c.getAuthTag(), ciphertext };
    },
    open(s, aad) {
      const d = createDecipheriv('aes-256-gcm', key(s.kid), s.iv);
      d.setAAD(Buffer.from(aad, 'utf8'));
      d.setAuthTag(s.tag);
      try {
        return Buffer.concat([d.update(s.ciphertext), d.final()]).toString('utf8');
      } catch {
        throw new PiiKeyError(
          `personal data sealed under key "${s.kid}" failed authentication (altered data or wrong key)`,
        );
      }
    },
  };
}
