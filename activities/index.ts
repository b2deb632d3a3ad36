import type { Logger } from 'pino';
import type { Db } from '../db/knex.js';
import { createAgencyClosureActivities } from './agency-closure.js';
import { createCalendarFanOutActivities } from './calendar-fanout.js';
import { createLifecycleActivities } from './lifecycle.js';
import { Context } from '@temporalio/activity';
import {
  createNotificationActivities,
  startNotificationDelivery,
  type NotificationActivityDeps,
} from './notifications.js';
import { createReportActivities } from './reports.js';
import { createProcessActivities, type ProcessActivityDeps } from './process.js';
import { createWebhookActivities } from './webhooks.js';
import { createReceptionComplianceActivities } from './reception-compliance.js';
import { createReceptionPeriodActivities } from './reception-periods.js';
import { createReviewCampaignActivities } from './review-campaigns.js';
import { createMassMatterActivities } from './mass-matters.js';

export interface ActivityDeps extends Pick<ProcessActivityDeps, 'calendarEntries' | 'definitions' | 'pinKeys'> {
  db: Db;
  logger: Logger;
  /** Webhook delivery (ADR 0026): loopback receivers allowed (WEBHOOK_ALLOW_LOCALHOST). */
  webhooks?: { allowLocalhost?: boolean } | undefined;
  /**
   * Notification delivery (ADR 0025): recorded notifications are delivered by deliverNotificationWorkflow
   * on the worker's own task queue. Unset: notifications are recorded (`queued`) and not sent.
   */
  notifications?: Omit<NotificationActivityDeps, 'db' | 'logger'> | undefined;
}

/** Activities are a factory over injected dependencies; workflows see only the type. */
export function createActivities(deps: ActivityDeps) {
  const n = deps.notifications;
  // Recorded notifications are delivered by their own workflow, started by the activity that records them.
  const startDelivery = n
    ? {
        startDelivery: (id: string) => {
          const ctx = Context.current();
          return startNotificationDelivery(ctx.client, ctx.info.taskQueue, id, n.retry);
        },
      }
    : {};
  return {
    ...createProcessActivities(deps),
    // After the generic ones: persistent recordDocument / notify replace the in-memory versions.
    ...createLifecycleActivities({
      ...deps,
      ...startDelivery,
    }),
    // Delivery of the notifications (deliverNotificationWorkflow); registered only when configured.
    ...(n
      ? createNotificationActivities({ ...n, db: deps.db, logger: deps.logger })
      : ({} as Partial<ReturnType<typeof createNotificationActivities>>)),
    // The background fan-out of calendar changes (workflows/calendar-fanout.ts).
    ...createCalendarFanOutActivities(deps),
    // Webhook delivery from the event outbox (workflows/webhooks.ts).
    ...createWebhookActivities({ db: deps.db, pinKeys: deps.pinKeys, allowLocalhost: deps.webhooks?.allowLocalhost }),
    // The background move of a closed agency's cases to its successor (workflows/agency-closure.ts).
    ...createAgencyClosureActivities(deps),
    // The reception compliance check the Temporal Schedules run (workflows/reception-compliance.ts).
    ...createReceptionComplianceActivities({ ...deps, ...startDelivery }),
    // Special periods: daily report tasks, escalations, roster checks (workflows/reception-period.ts).
    ...createReceptionPeriodActivities(deps),
    // Delegations received by the head (ADR 0036).
    ...createMassMatterActivities(deps),
    // Stored reports: draft, freeze, reopen, escalate (workflows/report.ts, ADR 0032).
    ...createReportActivities({ db: deps.db, logger: deps.logger, notifications: deps.notifications }),
    // Backlog review campaigns: open, escalate, complete (workflows/review-campaign.ts, ADR 0037).
    ...createReviewCampaignActivities({ db: deps.db }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
