import { createApiKeyStore } from '../../db/api-keys.js';
import { createAuditStore } from '../../db/audit.js';
import { createCasePinStore } from '../../db/case-pins.js';
import { createCaseStore } from '../../db/cases.js';
import { createCaseStateStore } from '../../db/case-states.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { createTaskClaimStore } from '../../db/task-claims.js';
import { createEventStore, createHeadWatcher } from '../../db/events.js';
import { createWebhookStore } from '../../db/webhooks.js';
import { createPartyStore } from '../../db/parties.js';
import { createAgencyScope } from '../auth/agencies.js';
import { createAuthenticator } from '../auth/authenticate.js';
import type { AppDeps } from '../deps.js';
import { createIdempotencyStore } from '../idempotency.js';
import { createRateLimiter } from '../rate-limit.js';

/** Stores and helpers built once per app from its injected dependencies; handlers receive them. */
export function createServices(deps: AppDeps) {
  const store = createApiKeyStore(deps.db);
  const authenticate = createAuthenticator(deps.auth, store);
  // A revoked key stops authenticating through this process at once (the authenticator caches look-ups).
  const apiKeys: typeof store = {
    ...store,
    async revoke(id, trx) {
      authenticate.forgetApiKey(id);
      try { return await store.revoke(id, trx); } finally { authenticate.forgetApiKey(id); }
    },
  };
  const events = createEventStore(deps.db);
  return {
    deps,
    events,
    /** One poll of the feed head for every open event stream of this process. */
    eventHead: createHeadWatcher(events, 200),
    webhooks: createWebhookStore(deps.db),
    cases: createCaseStore(deps.db),
    caseStates: createCaseStateStore(deps.db),
    definitions: createDefinitionStore(deps.db),
    claims: createTaskClaimStore(deps.db),
    agencies: createAgencyScope(deps.db),
    audit: createAuditStore(deps.db),
    parties: createPartyStore(deps.db, deps.pii),
    pins: createCasePinStore(deps.db, deps.pii),
    apiKeys,
    idempotency: createIdempotencyStore(deps.db),
    authenticate,
    /** Public status look-ups per client address (PIN guessing). */
    publicLookups: createRateLimiter({ limit: deps.publicLookupsPerMinute ?? 20, windowMs: 60_000 }),
  };
}

export type Services = ReturnType<typeof createServices>;
