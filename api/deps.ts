import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.js';
import type { PiiKeyring } from '../platform/pii.js';
import type { AuthOptions } from './auth/authenticate.js';
import type { HotspotConfig } from '../hotspots/config.js';
import type { DeliveryRetry } from '../workflows/notification-contract.js';

/** Everything the HTTP app needs, injected by the caller (start script, tests, benchmarks). */
export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** How callers are authenticated (JWT secret or JWKS; API keys live in the database). */
  auth: AuthOptions;
  /** Keys that encrypt parties' personal data. */
  pii: PiiKeyring;
  /** Public case look-ups allowed per client address and minute (default 20). */
  publicLookupsPerMinute?: number;
  /** Public reads of published decisions allowed per client address and minute (default 120). */
  publicReadsPerMinute?: number;
  /** Max request body size (express.json limit). */
  bodyLimit?: string;
  /** Workflow code `POST /v1/audit/replay` replays against (default: workflows/index.ts, the running code). */
  replayWorkflowsPath?: string;
  /** New case ids (default crypto.randomUUID); tests pass a sequence to force a reference collision. */
  newCaseId?: () => string;
  /** Webhook subscriptions (ADR 0026): default retry period, backoff cap, loopback receivers allowed. */
  webhooks?: { retryPeriodS?: number; maxBackoffS?: number; allowLocalhost?: boolean } | undefined;
  /** The built web console (console/dist) served at `/` (ADR 0033); none when unset. */
  consoleDir?: string | undefined;
  /**
   * The hotspot detector (ADR 0034): its configuration (default: KNTC_HOTSPOT_CONFIG or the defaults) and the
   * retry of the notifications it starts (default: 10 s doubling to 1 h, for 24 h).
   */
  hotspots?: { config?: HotspotConfig; notifyRetry?: DeliveryRetry } | undefined;
  /**
   * The wall clock (epoch ms) of rules judged against today, e.g. the schedule notice of Luật Tiếp công dân 2013
   * Art 24(4) (default Date.now; tests fix it).
   */
  now?: (() => number) | undefined;
}
