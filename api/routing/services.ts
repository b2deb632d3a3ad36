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
import { createCaseFigures } from '../../db/case-figures.js';
import { createCaseSearch, createTaskSearch } from '../../db/case-search.js';
import { createCaseStore } from '../../db/cases.js';
import { createCaseStateStore } from '../../db/case-states.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { createDefinitionHeatmap } from '../../db/definition-heatmap.js';
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
import { createHotspotStore } from '../../db/hotspots.js';
import { createDirectoryStore } from '../../db/directory.js';
import { createHotspotService } from '../services/hotspots.js';
import { createPlaceStore } from '../../db/places.js';
import { loadHotspotConfig } from '../../hotspots/config.js';
import { startNotificationDelivery } from '../../activities/notifications.js';
import { createReceptionScheduleService } from '../services/reception-schedule.js';
import { createReceptionScheduleStore } from '../../db/reception-schedule.js';
import { complianceTaskOwner, getComplianceTask, listComplianceTasks } from '../../db/reception-compliance.js';
import { createComplianceTaskService } from '../services/compliance-tasks.js';
import { createOtherTaskSearch } from '../../db/inbox-items.js';
import { monthlyCompliance } from '../../reception/compliance.js';
import { createReportEngine } from '../../reports/engine.js';
import { createReportService } from '../services/reports.js';
import { createReceptionService } from '../services/reception.js';
import { createReceptionStore } from '../../db/reception.js';
import { createMatterStore } from '../../db/matters.js';
import { createReceptionPeriodService } from '../services/reception-periods.js';
import { createTaskForceStore } from '../../db/task-forces.js';
import { createReviewCampaignStore } from '../../db/review-campaigns.js';
import { createTaskForceService } from '../services/task-forces.js';
import { createReviewCampaignService } from '../services/review-campaigns.js';
import { createMassMatterStore } from '../../db/mass-matters.js';
import { createMassMatterService, loadMassMatterConfig } from '../services/mass-matters.js';
import { createPublishedDecisionStore } from '../../db/published-decisions.js';
import { createPublicationService } from '../services/publications.js';

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
  const places = createPlaceStore(deps.db);
  const hotspots = createHotspotStore(deps.db, deps.hotspots?.config ?? loadHotspotConfig());
  const notifyRetry = deps.hotspots?.notifyRetry ?? {
    initialIntervalMs: 10_000,
    maximumIntervalMs: 3_600_000,
    periodMs: 24 * 3_600_000,
  };
  /** Starts a recorded notification's delivery (deliverNotificationWorkflow on the API's task queue). */
  const startDelivery = (id: string) => startNotificationDelivery(deps.temporal, deps.taskQueue, id, notifyRetry);
  const cases = createCaseStore(deps.db);
  const receptionStore = createReceptionStore(deps.db, deps.pii);
  const matters = createMatterStore(deps.db);
  const caseStart = createCaseStartService({
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
    places,
    hotspots: { config: hotspots.config, startDelivery },
  });
  const directoryStore = createDirectoryStore(deps.db);
  // Task forces and review campaigns (ADR 0037).
  const taskForces = createTaskForceService({
    db: deps.db,
    store: createTaskForceStore(deps.db),
    audit,
    matters,
    cases,
    membershipAgencies: (personId) => directoryStore.membershipAgencies(personId),
    agencies,
  });
  const reviewCampaigns = createReviewCampaignService({
    db: deps.db,
    store: createReviewCampaignStore(deps.db),
    matters,
    audit,
    agencies,
    taskForces,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    logger: deps.logger,
  });
  const massMatterStore = createMassMatterStore(deps.db, deps.pii);
  const massMatters = createMassMatterService({
    db: deps.db,
    store: massMatterStore,
    definitions,
    agencies,
    audit,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    config: loadMassMatterConfig(),
    hotspots: { config: hotspots.config, startDelivery },
  });
  return {
    taskForces,
    reviewCampaigns,
    /** The agency owning a task force, review campaign, review (ADR 0037) or compliance task (scope kind `owned`). */
    ownerOf: (
      resource: 'task-force' | 'review-campaign' | 'review' | 'compliance-task',
      id: string,
    ): Promise<string | undefined> =>
      resource === 'task-force'
        ? taskForces.store.ownerOf(id)
        : resource === 'compliance-task'
          ? complianceTaskOwner(deps.db, id)
          : reviewCampaigns.store.ownerOf(resource, id),
    places,
    hotspots,
    /** Delegations and central gatherings (ADR 0036). */
    massMatterStore,
    massMatters,
    hotspotLifecycle: createHotspotService(deps.db, hotspots, audit, {
      people: { exists: async (id) => (await createDirectoryStore(deps.db).person(id)) !== undefined },
      taskForces: { get: (id) => taskForces.store.get(id) },
      agencies,
    }),
    startDelivery,
    deps,
    events,
    /** One poll of the feed head for every open event stream of this process. */
    eventHead: createHeadWatcher(events, 200),
    webhooks,
    cases,
    caseStates: createCaseStateStore(deps.db),
    caseSearch: createCaseSearch(deps.db),
    /** Report forms computed over the read model, visits and sessions (ADR 0031). */
    reportForms: createReportEngine(deps.db, agencies),
    caseFigures: createCaseFigures(deps.db),
    caseDetails: createCaseDetailStore(deps.db),
    taskSearch: createTaskSearch(deps.db),
    /** The inbox's other kinds: compliance, special-period and review tasks (ADR 0039). */
    otherTasks: createOtherTaskSearch(deps.db),
    definitions,
    heatmap: createDefinitionHeatmap(deps.db),
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
    caseStart,
    receptionStore,
    matters,
    reception: createReceptionService({
      db: deps.db,
      reception: receptionStore,
      matters,
      audit,
      caseStart,
      parties,
      agencies,
      cases,
      schedule: createReceptionScheduleStore(deps.db),
      massMatters,
      places,
      hotspots: { config: hotspots.config, startDelivery },
    }),
    directory: createDirectoryService({
      db: deps.db,
      audit,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      logger: deps.logger,
      agencies,
    }),
    receptionSchedule: createReceptionScheduleService({ db: deps.db, audit, ...(deps.now ? { now: deps.now } : {}) }),
    /** Special periods: roster, daily reports, congress-personnel letters (ADR 0035). */
    receptionPeriods: createReceptionPeriodService({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      logger: deps.logger,
      audit,
      agencies,
    }),
    /** Compliance with the heads' legal minimum of reception days (ADR 0029). */
    receptionCompliance: {
      month: (agencies: readonly string[], month: string) => monthlyCompliance(deps.db, agencies, month),
      tasks: (q: Parameters<typeof listComplianceTasks>[1]) => listComplianceTasks(deps.db, q),
      task: (id: string) => getComplianceTask(deps.db, id),
      ...createComplianceTaskService(deps.db, audit),
    },
    authenticate,
    /** Stored reports: versions, submit/reopen through their workflow, export, consolidation (ADR 0032). */
    reports: createReportService({ db: deps.db, temporal: deps.temporal }),
    /** Public status look-ups per client address (PIN guessing). */
    publicLookups: createRateLimiter({ limit: deps.publicLookupsPerMinute ?? 20, windowMs: 60_000 }),
    /** Published decisions and conclusions (ADR 0043): preview, publish, withdraw; the public list. */
    publications: (() => {
      const store = createPublishedDecisionStore(deps.db);
      return { store, ...createPublicationService({ db: deps.db, store, parties, audit }) };
    })(),
    /** Public reads of published decisions per client address and minute. */
    publicReads: createRateLimiter({ limit: deps.publicReadsPerMinute ?? 120, windowMs: 60_000 }),
  };
}

export type Services = ReturnType<typeof createServices>;
