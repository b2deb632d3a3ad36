import { randomUUID } from 'node:crypto';
import { createAgencyStore } from '../../db/agencies.js';
import { createApiKeyStore } from '../../db/api-keys.js';
import { createAuditStore } from '../../db/audit.js';
import { appendAuditOnce } from '../../db/audit-once.js';
import { createCheckpointStore } from '../../db/audit-checkpoints.js';
import { createAuditSearch } from '../../db/audit-search.js';
import { createCalendarChangeStore } from '../../db/calendar-changes.js';
import { createCaseDetailStore } from '../../db/case-details.js';
import { createCaseIntakeStore } from '../../db/case-intake.js';
import { createCasePinStore } from '../../db/case-pins.js';
import { createCaseSearch, createTaskSearch } from '../../db/case-search.js';
import { createCaseStore } from '../../db/cases.js';
import { createCaseStateStore } from '../../db/case-states.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { createNotificationStore } from '../../db/notification-deliveries.js';
import { createIdempotencyStore } from '../../db/idempotency-keys.js';
import { pingDb } from '../../db/health.js';
import { createTaskClaimStore } from '../../db/task-claims.js';
import { createTaskClaimService } from '../services/task-claims.js';
import { createWebhookAdmin } from '../services/webhook-admin.js';
import { createEventStore, createHeadWatcher } from '../../db/events.js';
import { createWebhookStore } from '../../db/webhooks.js';
import { createPartyStore } from '../../db/parties.js';
import { createProjectionFailureStore } from '../../db/projection-failures.js';
import { publicStatusRows } from '../../db/public-status.js';
import { findReplayTargets, type ReplaySelection } from '../../db/replay-targets.js';
import type { AuditInput } from '../../db/audit.js';
import { createAgencyScope } from '../auth/agencies.js';
import { createAuthenticator } from '../auth/authenticate.js';
import type { AppDeps } from '../deps.js';
import { createRateLimiter } from '../rate-limit.js';
import { createApiKeyAdmin } from '../services/api-keys.js';
import { createCaseStartService } from '../services/case-start.js';
import { createDirectoryService } from '../services/directory.js';

/**
 * Stores (db/: they own the SQL) and services (api/services/: logic over several stores) built once per
 * app from its injected dependencies; handlers receive them and never query the database themselves
 * (ADR 0022; test/unit/routes-hold-no-sql.test.ts).
 */
export function createServices(deps: AppDeps) {
  const store = createApiKeyStore(deps.db);
  const authenticate = createAuthenticator(deps.auth, store);
  // A revoked key stops authenticating through this process at once (the authenticator caches look-ups).
  const apiKeys: typeof store = {
    ...store,
    async revoke(id, trx) {
      authenticate.forgetApiKey(id);
      try {
        return await store.revoke(id, trx);
      } finally {
        authenticate.forgetApiKey(id);
      }
    },
  };
  const auditStore = createAuditStore(deps.db);
  const audit = {
    ...auditStore,
    /** Appends the entry of `key` unless it is there already (an Update's actor entry, ADR 0013). */
    appendOnce: (key: string, input: AuditInput): Promise<boolean> => appendAuditOnce(deps.db, key, input),
  };
  const agencies = createAgencyScope(deps.db);
  const definitions = createDefinitionStore(deps.db);
  const parties = createPartyStore(deps.db, deps.pii);
  const pins = createCasePinStore(deps.db, deps.pii);
  const idempotency = createIdempotencyStore(deps.db);
  const events = createEventStore(deps.db);
  const webhooks = createWebhookStore(deps.db);
  const claims = createTaskClaimStore(deps.db);
  return {
    deps,
    events,
    /** One poll of the feed head for every open event stream of this process. */
    eventHead: createHeadWatcher(events, 200),
    webhooks,
    cases: createCaseStore(deps.db),
    caseStates: createCaseStateStore(deps.db),
    caseSearch: createCaseSearch(deps.db),
    caseDetails: createCaseDetailStore(deps.db),
    taskSearch: createTaskSearch(deps.db),
    definitions,
    claims,
    agencies,
    agencyRecords: createAgencyStore(deps.db),
    audit,
    auditSearch: createAuditSearch(deps.db),
    checkpoints: createCheckpointStore(deps.db),
    calendarChanges: createCalendarChangeStore(deps.db),
    projectionFailures: createProjectionFailureStore(deps.db),
    replayTargets: {
      find: (subtree: readonly string[], sel: ReplaySelection) => findReplayTargets(deps.db, subtree, sel),
    },
    notifications: createNotificationStore(deps.db),
    publicStatus: { rows: (caseId: string) => publicStatusRows(deps.db, caseId) },
    /** Readiness: one round trip to PostgreSQL. */
    pingDb: () => pingDb(deps.db),
    parties,
    pins,
    apiKeys,
    apiKeyAdmin: createApiKeyAdmin(deps.db, apiKeys, audit),
    taskClaims: createTaskClaimService(deps.db, claims, audit),
    webhookAdmin: createWebhookAdmin(deps.db, webhooks, audit, deps.pii),
    idempotency,
    caseStart: createCaseStartService({
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      pii: deps.pii,
      // Read at each start: the app's deps may set it later (tests pin a case id this way).
      newCaseId: () => (deps.newCaseId ? deps.newCaseId() : randomUUID()),
      intake: createCaseIntakeStore(deps.db, pins),
      idempotency,
      parties,
      definitions,
      agencies,
    }),
    directory: createDirectoryService({
      db: deps.db,
      audit,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      logger: deps.logger,
      agencies,
    }),
    authenticate,
    /** Public status look-ups per client address (PIN guessing). */
    publicLookups: createRateLimiter({ limit: deps.publicLookupsPerMinute ?? 20, windowMs: 60_000 }),
  };
}

export type Services = ReturnType<typeof createServices>;
