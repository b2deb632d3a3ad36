/**
 * deliverNotificationWorkflow: delivers one recorded notification (a `case_notifications` row) to the
 * people it names, on their channels (issue 13.2, ADR 0025). Started by the activity that records
 * the notification, with the id `notification-<notificationId>`, before that activity completes: a
 * worker crash between the row and the start retries the activity, which finds its row and starts
 * the same id (a notification is never left unsent). Each delivery (person × channel) is an activity
 * retried with exponential backoff until the retry period ends (then `failed`); a permanent
 * rejection (SMTP 5xx) is `bounced` at once. The notification's status is settled at the end.
 */
import { ActivityFailure, proxyActivities, TimeoutFailure } from '@temporalio/workflow';
import type { NotificationActivities } from '../activities/notifications.js';
import type { DeliverNotificationInput, DeliverNotificationResult } from './notification-contract.js';

const steps = proxyActivities<
  Pick<NotificationActivities, 'prepareNotificationDeliveries' | 'failNotificationDelivery' | 'settleNotification'>
>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Delivers a notification; answers its settled status. */
export async function deliverNotificationWorkflow(input: DeliverNotificationInput): Promise<DeliverNotificationResult> {
  const { deliveries } = await steps.prepareNotificationDeliveries({ notificationId: input.notificationId });
  const send = proxyActivities<Pick<NotificationActivities, 'deliverNotification'>>({
    startToCloseTimeout: '2 minutes',
    // The retry period: after it, the delivery is failed (the activity times out, schedule to close).
    scheduleToCloseTimeout: input.retry.periodMs,
    retry: {
      initialInterval: input.retry.initialIntervalMs,
      maximumInterval: input.retry.maximumIntervalMs,
      backoffCoefficient: 2,
    },
  });
  await Promise.all(
    deliveries.map(async (d) => {
      try {
        await send.deliverNotification({ deliveryId: d.id });
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        // The period ends as a timeout, or — when the next retry could not start within it — as the last
        // attempt's own failure with retry state TIMEOUT.
        const timedOut =
          cause instanceof TimeoutFailure || (err instanceof ActivityFailure && err.retryState === 'TIMEOUT');
        const reason = timedOut
          ? 'retry period ended'
          : String((cause as Error | undefined)?.message ?? err).slice(0, 300);
        await steps.failNotificationDelivery({ deliveryId: d.id, reason });
      }
    }),
  );
  return steps.settleNotification({ notificationId: input.notificationId });
}
