import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from './config.js';
import { generatePiiKeySpec } from './pii.js';
import { generateAuditKeySpec } from '../db/audit-keys.js';
import { generateAuditSigningKeySpec } from '../db/audit-checkpoints.js';

/**
 * Secrets the API needs, from configuration or — for local use only, when unset — generated once and
 * kept under `<dataDir>/secrets/` (mode 0600) so tokens and encrypted data survive restarts.
 * Production sets JWT_SECRET (or JWKS_URL), PII_KEYS, AUDIT_HMAC_KEYS and AUDIT_SIGNING_KEYS from a secret store instead.
 */
export interface ResolvedSecrets {
  jwtSecret: string | undefined;
  piiKeys: string;
  /** The audit chain's HMAC keys (AUDIT_HMAC_KEYS; ADR 0014). */
  auditHmacKeys: string;
  /** The Ed25519 keys signing the audit chain's checkpoints (AUDIT_SIGNING_KEYS; ADR 0014). */
  auditSigningKeys: string;
  generated: string[];
}

function persisted(dir: string, name: string, make: () => string, generated: string[]): string {
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const v = make();
  fs.writeFileSync(file, `${v}\n`, { mode: 0o600, flag: 'wx' });
  generated.push(file);
  return v;
}

export function resolveSecrets(cfg: Config): ResolvedSecrets {
  const dir = path.join(cfg.dataDir, 'secrets');
  const generated: string[] = [];
  const jwtSecret = cfg.auth.jwksUrl
    ? cfg.auth.jwtSecret
    : (cfg.auth.jwtSecret ?? persisted(dir, 'jwt-secret', () => randomBytes(32).toString('base64url'), generated));
  const piiKeys = cfg.piiKeys ?? persisted(dir, 'pii-keys', () => generatePiiKeySpec('local1'), generated);
  const auditHmacKeys =
    cfg.auditHmacKeys ?? persisted(dir, 'audit-hmac-keys', () => generateAuditKeySpec('local1'), generated);
  const auditSigningKeys =
    cfg.auditSigningKeys ??
    persisted(dir, 'audit-signing-keys', () => generateAuditSigningKeySpec('local1'), generated);
  return { jwtSecret, piiKeys, auditHmacKeys, auditSigningKeys, generated };
}

/** The password of the embedded server's application role (`kntc_app`, ADR 0014), generated once. */
export function embeddedAppRolePassword(cfg: Config): string {
  return persisted(
    path.join(cfg.dataDir, 'secrets'),
    'db-app-password',
    () => randomBytes(24).toString('base64url'),
    [],
  );
}
