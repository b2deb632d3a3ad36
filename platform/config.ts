import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in platform/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Typed, frozen configuration, read once from the environment and injected everywhere else. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly temporal: {
    /** Set when an existing cluster is used; then nothing local is started. */
    readonly address: string | undefined;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly devPort: number;
    readonly uiPort: number;
    readonly tls: boolean;
    readonly apiKey: string | undefined;
    readonly clientCertPath: string | undefined;
    readonly clientKeyPath: string | undefined;
    readonly serverNameOverride: string | undefined;
  };
  readonly database: {
    /** Set when an existing PostgreSQL server is used; then nothing local is started. Runs the migrations. */
    readonly url: string | undefined;
    /**
     * The connection the API and the workers use (DATABASE_APP_URL): a role without ownership of the tables
     * (ADR 0014). Unset with the embedded server: the role `kntc_app` is created. Unset with DATABASE_URL:
     * the application runs as the DATABASE_URL role (a warning is logged when that role can disable triggers).
     */
    readonly appUrl: string | undefined;
    readonly embeddedPort: number;
  };
  readonly toolsDir: string;
  /** API authentication (see api/auth). Unset secrets are generated and kept under dataDir for local use. */
  readonly auth: {
    /** HS256 secret for people's JWTs (JWT_SECRET); ignored when jwksUrl is set. */
    readonly jwtSecret: string | undefined;
    /** JWKS endpoint of an identity provider (JWKS_URL): tokens are then verified against its keys. */
    readonly jwksUrl: string | undefined;
    readonly jwtIssuer: string | undefined;
    readonly jwtAudience: string | undefined;
    /** Longest accepted token lifetime in seconds (JWT_MAX_LIFETIME, e.g. `24h`, `30m`, `3600`; default 24 h). */
    readonly jwtMaxLifetimeS: number;
    /** Clock skew tolerated on exp/nbf/iat in seconds (JWT_CLOCK_SKEW; default 60, at most 300). */
    readonly jwtClockSkewS: number;
  };
  /** `kid1:base64key,kid2:...` (PII_KEYS); the first key encrypts. Unset: a local key under dataDir. */
  readonly piiKeys: string | undefined;
  /** `kid1:base64key,...` (AUDIT_HMAC_KEYS): the audit chain's HMAC keys, first keys new entries. Unset: a local key under dataDir. */
  readonly auditHmacKeys: string | undefined;
  /** `kid1:base64(PKCS#8 DER Ed25519),...` (AUDIT_SIGNING_KEYS): signs the audit chain's checkpoints. Unset: a local key under dataDir. */
  readonly auditSigningKeys: string | undefined;
  /** Minutes between signed checkpoints of the audit chain (AUDIT_CHECKPOINT_MINUTES; 0: only on request). */
  readonly auditCheckpointMinutes: number;
  /** Webhook delivery (ADR 0026). */
  readonly webhooks: {
    /** How long a delivery is retried before it is dead-lettered (WEBHOOK_RETRY_PERIOD; default 72h, at most 30d). */
    readonly retryPeriodS: number;
    /** Longest wait between two attempts (WEBHOOK_MAX_BACKOFF; default 5m). */
    readonly maxBackoffS: number;
    /** Loopback receivers allowed (WEBHOOK_ALLOW_LOCALHOST=true; local use and tests only). */
    readonly allowLocalhost: boolean;
  };
  /** Notification delivery (ADR 0025). */
  readonly notifications: NotificationConfig;
}

/** Where and how notifications are delivered (ADR 0025). */
export interface NotificationConfig {
  /** SMTP_URL (`smtp://host:port`, `smtps://user:pass@host:465`). Unset: the local mail catcher under `npm start`, else no email. */
  readonly smtpUrl: string | undefined;
  /** SMTP_FROM: the sender address. */
  readonly smtpFrom: string;
  /** SMS_GATEWAY_URL: the HTTP gateway SMS are POSTed to (README: the contract). Unset: no SMS. */
  readonly smsGatewayUrl: string | undefined;
  /** SMS_GATEWAY_TOKEN: sent as `Authorization: Bearer …`. */
  readonly smsGatewayToken: string | undefined;
  /** PUBLIC_BASE_URL: the base of the links in messages (default: the API's own URL). */
  readonly publicBaseUrl: string;
  /** NOTIFY_RETRY_PERIOD: how long a delivery is retried before it is `failed` (default 24 h). */
  readonly retryPeriodS: number;
  /** NOTIFY_RETRY_INITIAL: the first retry interval, doubled each time up to 1 h (default 10 s). */
  readonly retryInitialS: number;
  /** MAIL_CATCHER (`true` unless SMTP_URL is set): `npm start` runs a local mail catcher (maildev) and sends there. */
  readonly mailCatcher: boolean;
  /** MAIL_CATCHER_SMTP_PORT (1025) and MAIL_CATCHER_WEB_PORT (1080): its SMTP port and its web page. */
  readonly mailCatcherSmtpPort: number;
  readonly mailCatcherWebPort: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${name} must be an integer port/number, got "${raw}"`);
  return n;
}

function str(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** `3600`, `90s`, `30m`, `24h`, `7d` → seconds (a positive whole number). */
export function durationSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const m = /^(\d{1,9})\s*(s|m|h|d)?$/.exec(raw.trim());
  const n = m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'] : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max || (n === 0 && name !== 'JWT_CLOCK_SKEW')) {
    throw new ConfigError(`${name} must be a duration such as 3600, 30m, 24h or 7d (at most ${max} s), got "${raw}"`);
  }
  return n;
}

/** Read configuration from an environment (defaults: the embedded, one-command setup). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(ROOT, str(env, 'KNTC_DATA_DIR') ?? '.data');
  const cfg: Config = {
    port: int(env, 'PORT', 3000),
    host: str(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    logLevel: str(env, 'LOG_LEVEL') ?? 'info',
    temporal: {
      address: str(env, 'TEMPORAL_ADDRESS'),
      namespace: str(env, 'TEMPORAL_NAMESPACE') ?? 'default',
      taskQueue: str(env, 'TEMPORAL_TASK_QUEUE') ?? 'kntc-cases',
      devPort: int(env, 'TEMPORAL_DEV_PORT', 7233),
      uiPort: int(env, 'TEMPORAL_UI_PORT', 8233),
      tls: (str(env, 'TEMPORAL_TLS') ?? 'false') === 'true',
      apiKey: str(env, 'TEMPORAL_API_KEY'),
      clientCertPath: str(env, 'TEMPORAL_TLS_CERT'),
      clientKeyPath: str(env, 'TEMPORAL_TLS_KEY'),
      serverNameOverride: str(env, 'TEMPORAL_TLS_SERVER_NAME'),
    },
    database: {
      url: str(env, 'DATABASE_URL'),
      appUrl: str(env, 'DATABASE_APP_URL'),
      embeddedPort: int(env, 'PG_PORT', 54329),
    },
    toolsDir: path.resolve(ROOT, str(env, 'KNTC_TOOLS_DIR') ?? '.tools'),
    auth: {
      jwtSecret: str(env, 'JWT_SECRET'),
      jwksUrl: str(env, 'JWKS_URL'),
      jwtIssuer: str(env, 'JWT_ISSUER'),
      jwtAudience: str(env, 'JWT_AUDIENCE'),
      jwtMaxLifetimeS: durationSeconds(env, 'JWT_MAX_LIFETIME', 24 * 3600, 366 * 86400),
      jwtClockSkewS: durationSeconds(env, 'JWT_CLOCK_SKEW', 60, 300),
    },
    piiKeys: str(env, 'PII_KEYS'),
    auditHmacKeys: str(env, 'AUDIT_HMAC_KEYS'),
    auditSigningKeys: str(env, 'AUDIT_SIGNING_KEYS'),
    auditCheckpointMinutes: int(env, 'AUDIT_CHECKPOINT_MINUTES', 60),
    webhooks: {
      retryPeriodS: durationSeconds(env, 'WEBHOOK_RETRY_PERIOD', 72 * 3600, 30 * 86400),
      maxBackoffS: durationSeconds(env, 'WEBHOOK_MAX_BACKOFF', 300, 86400),
      allowLocalhost: (str(env, 'WEBHOOK_ALLOW_LOCALHOST') ?? 'false') === 'true',
    },
    notifications: notificationConfig(env),
  };
  return Object.freeze(cfg);
}

/** For command-line entry points: the configuration, or its error printed and exit code 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    console.error(`Configuration error: ${(e as ConfigError).message}`);
    process.exit(2);
  }
}

function notificationConfig(env: NodeJS.ProcessEnv): NotificationConfig {
  const smtpUrl = str(env, 'SMTP_URL');
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl))
    throw new ConfigError('SMTP_URL must be smtp://host:port or smtps://user:pass@host:port');
  const smsGatewayUrl = str(env, 'SMS_GATEWAY_URL');
  if (smsGatewayUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(smsGatewayUrl))
    throw new ConfigError('SMS_GATEWAY_URL must be an http(s) URL');
  const publicBaseUrl =
    str(env, 'PUBLIC_BASE_URL') ?? `http://${str(env, 'HOST') ?? '127.0.0.1'}:${int(env, 'PORT', 3000)}`;
  if (!/^https?:\/\/[^\s]+$/.test(publicBaseUrl)) throw new ConfigError('PUBLIC_BASE_URL must be an http(s) URL');
  const catcher = str(env, 'MAIL_CATCHER');
  if (catcher !== undefined && catcher !== 'true' && catcher !== 'false')
    throw new ConfigError('MAIL_CATCHER must be true or false');
  return {
    smtpUrl,
    smtpFrom: str(env, 'SMTP_FROM') ?? 'KNTC <no-reply@kntc.local>',
    smsGatewayUrl,
    smsGatewayToken: str(env, 'SMS_GATEWAY_TOKEN'),
    publicBaseUrl: publicBaseUrl.replace(/\/+$/, ''),
    retryPeriodS: durationSeconds(env, 'NOTIFY_RETRY_PERIOD', 24 * 3600, 30 * 86400),
    retryInitialS: durationSeconds(env, 'NOTIFY_RETRY_INITIAL', 10, 3600),
    mailCatcher: catcher === undefined ? smtpUrl === undefined : catcher === 'true',
    mailCatcherSmtpPort: int(env, 'MAIL_CATCHER_SMTP_PORT', 1025),
    mailCatcherWebPort: int(env, 'MAIL_CATCHER_WEB_PORT', 1080),
  };
}
