/**
 * webhookDeliveryWorkflow (ADR 0026): one long-lived workflow per webhook subscription reads the event
 * outbox in feed order and delivers each matching event with the `deliverWebhook` activity, retried with
 * exponential backoff for the subscription's retry period, then dead-lettered.
 *
 * Ordered per case: events are queued in lanes by case; a lane delivers one event at a time, so an
 * event of a case is not sent before the previous one of that case was delivered or dead-lettered.
 * Lanes of different cases run side by side (at most `concurrency`). Events carry only their seq through
 * history (the activity loads and signs them): no event data, no secret in Temporal.
 *
 * Continue-as-new when the history grows: no new work is started, the deliveries in flight finish, and
 * the queued ones are carried in lane order with the feed position.
 */
import { ActivityFailure, ApplicationFailure, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/webhooks.js';
import { redeliverWebhook, type QueuedDelivery, type WebhookDeliveryInput } from './webhook-contract.js';

/** Queued deliveries above which no more events are fetched (back-pressure on a slow receiver). */
const MAX_QUEUED = 500;
/** History length at which the run continues as new. */
const HISTORY_LIMIT = 8_000;

const control = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** Delivers the subscription's events, in order per case, until the subscription is deleted. */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<{ ended: 'deleted' }> {
  const deliver = proxyActivities<WebhookActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: `${input.retryPeriodSeconds} seconds`,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: `${input.maxBackoffSeconds} seconds` },
  });
  const concurrency = input.concurrency ?? 8;
  let after = input.after;
  const lanes = new Map<string, QueuedDelivery[]>();
  const running = new Set<string>();
  let queued = 0;
  let draining = false;
  const redeliveries: number[] = [];
  setHandler(redeliverWebhook, ({ seq }) => { redeliveries.push(seq); });

  const enqueue = (d: QueuedDelivery) => {
    const q = lanes.get(d.lane) ?? [];
    q.push(d);
    lanes.set(d.lane, q);
    queued += 1;
  };
  for (const d of input.pending ?? []) enqueue(d);

  const runLane = async (lane: string) => {
    running.add(lane);
    const q = lanes.get(lane)!;
    while (q.length > 0 && !draining) {
      const d = q[0]!;
      try {
        await deliver.deliverWebhook({ subscriptionId: input.subscriptionId, seq: d.seq });
      } catch (err) {
        // The retry period ran out (schedule-to-close timeout) or the delivery cannot succeed (non-retryable):
        // dead-lettered, and the lane goes on with the case's next event.
        const cause = err instanceof ActivityFailure ? err.cause : err;
        const reason = cause instanceof ApplicationFailure ? `${cause.type ?? 'failed'}: ${cause.message}`
          : cause instanceof Error ? cause.message : 'failed';
        await control.markWebhookDead({ subscriptionId: input.subscriptionId, seq: d.seq, reason: reason.slice(0, 500) });
      }
      q.shift();
      queued -= 1;
    }
    if (q.length === 0) lanes.delete(lane);
    running.delete(lane);
    startLanes(); // a lane waiting for a free slot
  };
  const startLanes = () => {
    for (const lane of lanes.keys()) {
      if (running.size >= concurrency || draining) break;
      if (!running.has(lane)) void runLane(lane);
    }
  };

  for (;;) {
    while (redeliveries.length > 0) {
      const seq = redeliveries.shift()!;
      // Already queued (a workflow started again by this redelivery took the reopened delivery on).
      if ([...lanes.values()].some((q) => q.some((d) => d.seq === seq))) continue;
      const lane = await control.webhookEventLane({ subscriptionId: input.subscriptionId, seq });
      if (lane !== null) enqueue({ seq, lane, redelivery: true });
    }
    startLanes();
    if (workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT) || workflowInfo().continueAsNewSuggested) {
      draining = true;
      await condition(() => running.size === 0);
      const pending = [...lanes.values()].flat();
      // Redeliveries signalled while draining keep their case's lane (and so its order) in the next run.
      while (redeliveries.length > 0) {
        const seq = redeliveries.shift()!;
        if (pending.some((d) => d.seq === seq)) continue;
        const lane = await control.webhookEventLane({ subscriptionId: input.subscriptionId, seq });
        if (lane !== null) pending.push({ seq, lane, redelivery: true });
      }
      await continueAsNew<typeof webhookDeliveryWorkflow>({ ...input, after, pending });
    }
    if (queued >= MAX_QUEUED) {
      await condition(() => queued < MAX_QUEUED || redeliveries.length > 0);
      continue;
    }
    const r = await control.awaitWebhookEvents({ subscriptionId: input.subscriptionId, after, limit: 100, waitMs: input.pollWaitMs ?? 10_000 });
    if (r.deleted) {
      // Deliveries in flight end on their own (the activity refuses a deleted subscription).
      await condition(() => running.size === 0);
      return { ended: 'deleted' };
    }
    after = r.scannedUpTo;
    for (const e of r.events) enqueue({ seq: e.seq, lane: e.lane });
  }
}
