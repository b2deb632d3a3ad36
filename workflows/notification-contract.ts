/**
 * The contract of notification delivery (ADR 0025): workflow type, id and input. Pure (workflow
 * code and the activities that start the workflow import it).
 */

/** Workflow type of {@link deliverNotificationWorkflow}. */
export const DELIVER_NOTIFICATION_WORKFLOW = 'deliverNotificationWorkflow';

/** The one workflow id of a notification's delivery. */
export function notificationWorkflowId(notificationId: string): string {
  return `notification-${notificationId}`;
}

/** How long and how often a delivery is retried (milliseconds). */
export interface DeliveryRetry {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  /** After this, a delivery still not accepted is `failed`. */
  periodMs: number;
}

export interface DeliverNotificationInput {
  notificationId: string;
  retry: DeliveryRetry;
}

/** Statuses of a notification and of each of its deliveries. */
export type NotificationStatus = 'queued' | 'sent' | 'failed' | 'bounced';

export interface DeliverNotificationResult {
  status: NotificationStatus;
  deliveries: number;
}
