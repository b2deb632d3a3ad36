/**
 * Key lists as configured: `kid1:base64,kid2:base64,…` — the first key is the current one (it encrypts,
 * keys or signs), every key listed is kept for verifying and decrypting (rotation: put the new key first).
 * One parser for `PII_KEYS`, `AUDIT_HMAC_KEYS` and `AUDIT_SIGNING_KEYS`; each says how its key decodes.
 */
import { randomBytes } from 'node:crypto';

const KID = /^[A-Za-z0-9_-]{1,32}$/;

export interface KeyListFormat<K> {
  /** The variable, named in every error. */
  variable: string;
  /** How an entry is written, e.g. `kid:base64key`. */
  entry: string;
  /** The error class of this list's mistakes. */
  error: new (message: string) => Error;
  /** The key of `kid` from its base64 text; throws `error` when it is not one. */
  decode(base64: string, kid: string): K;
}

/** Parses a key list: at least one key, key ids of 1-32 letters, digits, dash or underscore, none twice. */
export function parseKeyList<K>(spec: string, format: KeyListFormat<K>): Array<{ kid: string; key: K }> {
  const { variable, error: Err } = format;
  const out = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf(':');
      if (i <= 0) throw new Err(`${variable} entries must be ${format.entry}`);
      const kid = part.slice(0, i);
      if (!KID.test(kid)) throw new Err(`${variable} key id "${kid}" must be 1-32 letters, digits, dash or underscore`);
      return { kid, key: format.decode(part.slice(i + 1), kid) };
    });
  if (out.length === 0) throw new Err(`${variable} has no key`);
  if (new Set(out.map((k) => k.kid)).size !== out.length) throw new Err(`${variable} has a duplicate key id`);
  return out;
}

/** The format of a list of 32-byte secret keys (AES-256, HMAC-SHA256). */
export function secretKeyList(variable: string, error: new (message: string) => Error): KeyListFormat<Buffer> {
  return {
    variable,
    error,
    entry: 'kid:base64key',
    decode(base64, kid) {
      const key = Buffer.from(base64, 'base64');
      if (key.length !== 32) throw new error(`${variable} key "${kid}" must be 32 bytes (base64), got ${key.length}`);
      return key;
    },
  };
}

/** A fresh random 32-byte key spec (`kid:base64`) for local use. */
export function randomSecretKeySpec(kid: string): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}
