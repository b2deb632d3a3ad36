import type { Logger } from 'pino';
import { createCaseStore } from '../db/cases.js';
import type { Db } from '../db/knex.js';
import { caseWorkflowId, type CaseInput } from '../workflows/contract.js';
import { createAgencyClosureActivities } from './agency-closure.js';
import { createCalendarFanOutActivities } from './calendar-fanout.js';
import { createLifecycleActivities } from './lifecycle.js';
import { Context } from '@temporalio/activity';
import { createNotificationActivities, startNotificationDelivery, type NotificationActivityDeps } from './notifications.js';
import { createProcessActivities, type ProcessActivityDeps } from './process.js';

export interface ActivityDeps extends Pick<ProcessActivityDeps, 'calendarEntries' | 'definitions' | 'pinKeys'> {
  db: Db;
  logger: Logger;
  /**
   * Notification delivery (ADR 0025): recorded notifications are delivered by deliverNotificationWorkflow
   * on the worker's own task queue. Unset: notifications are recorded (`queued`) and not sent.
   */
  notifications?: Omit<NotificationActivityDeps, 'db' | 'logger'> | undefined;
}

export interface ProjectCaseInput extends CaseInput {
  stage: string;
  status: string;
  /** Monotonic per case: makes the projection idempotent under retries. */
  seq: number;
}

/** Activities are a factory over injected dependencies; workflows see only the type. */
export function createActivities(deps: ActivityDeps) {
  const cases = createCaseStore(deps.db);
  const n = deps.notifications;
  return {
    ...createProcessActivities(deps),
    // After the generic ones: persistent recordDocument / notify replace the in-memory versions.
    ...createLifecycleActivities({
      ...deps,
      ...(n ? {
        startDelivery: (id: string) => {
          const ctx = Context.current();
          return startNotificationDelivery(ctx.client, ctx.info.taskQueue, id, n.retry);
        },
      } : {}),
    }),
    // Delivery of the notifications (deliverNotificationWorkflow); registered only when configured.
    ...(n ? createNotificationActivities({ ...n, db: deps.db, logger: deps.logger }) : ({} as Partial<ReturnType<typeof createNotificationActivities>>)),
    // The background fan-out of calendar changes (workflows/calendar-fanout.ts).
    ...createCalendarFanOutActivities(deps),
    // The background move of a closed agency's cases to its successor (workflows/agency-closure.ts).
    ...createAgencyClosureActivities(deps),
    /** Projects the case into the PostgreSQL read model (idempotent by sequence). */
    async projectCase(p: ProjectCaseInput): Promise<{ applied: boolean }> {
      const applied = await cases.project({
        id: p.caseId,
        reference: p.reference,
        workflowId: caseWorkflowId(p.caseId),
        caseType: p.caseType,
        channel: p.channel,
        agencyId: p.agencyId,
        subject: p.subject,
        remoteArea: p.remoteArea,
        receivedAt: p.receivedAt,
        stage: p.stage,
        status: p.status,
        projectionSeq: p.seq,
      });
      deps.logger.debug({ caseId: p.caseId, seq: p.seq, applied }, 'case projected');
      return { applied };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
