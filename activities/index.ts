import type { Logger } from 'pino';
import type { Db } from '../db/knex.js';
import { createCalendarFanOutActivities } from './calendar-fanout.js';
import { createLifecycleActivities } from './lifecycle.js';
import { createProcessActivities, type ProcessActivityDeps } from './process.js';
import { createWebhookActivities } from './webhooks.js';

export interface ActivityDeps extends Pick<ProcessActivityDeps, 'calendarEntries' | 'definitions' | 'pinKeys'> {
  db: Db;
  logger: Logger;
  /** Webhook delivery (ADR 0026): loopback receivers allowed (WEBHOOK_ALLOW_LOCALHOST). */
  webhooks?: { allowLocalhost?: boolean } | undefined;
}

/** Activities are a factory over injected dependencies; workflows see only the type. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProcessActivities(deps),
    // After the generic ones: persistent recordDocument / notify replace the in-memory versions.
    ...createLifecycleActivities(deps),
    // The background fan-out of calendar changes (workflows/calendar-fanout.ts).
    ...createCalendarFanOutActivities(deps),
    // Webhook delivery from the event outbox (workflows/webhooks.ts).
    ...createWebhookActivities({ db: deps.db, pinKeys: deps.pinKeys, allowLocalhost: deps.webhooks?.allowLocalhost }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
