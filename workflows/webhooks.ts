/**
 * webhookDeliveryWorkflow (ADR 0026): one long-lived workflow per webhook subscription reads the event
 * outbox in feed order and delivers each matching event with the `deliverWebhook` activity, retried with
 * exponential backoff for the subscription's retry period, then dead-lettered.
 *
 * Ordered per case: events are queued in lanes by case; a lane delivers its queued events one after the
 * other in one activity call (a first attempt each, stopping at the first failure, which is then retried
 * alone with backoff), so an event of a case is not sent before the previous one of that case was
 * delivered or dead-lettered.
 * Lanes of different cases run side by side (at most `concurrency`). Events carry only their seq through
 * history (the activity loads and signs them): no event data, no secret in Temporal.
 *
 * Continue-as-new when the history grows: no new work is started, the deliveries in flight finish, and
 * the queued ones are carried in lane order with the feed position.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/webhooks.js';
import { redeliverWebhook, type QueuedDelivery, type WebhookDeliveryInput } from './webhook-contract.js';

/** Queued deliveries above which no more events are fetched (back-pressure on a slow receiver). */
const MAX_QUEUED = 500;
/** History length at which the run continues as new. */
const HISTORY_LIMIT = 8_000;
/** Events of one lane delivered by one activity call (sequentially, in order). */
const BATCH = 50;
/**
 * patched() id: events are read and delivered by the fast-path activity `pumpWebhookEvents` (ADR 0026), which
 * hands back only the lanes it could not deliver; runs recorded before it poll with `awaitWebhookEvents`.
 */
export const WEBHOOK_PUMP_PATCH = 'kntc-webhook-pump-v1';
/**
 * patched() id: the fast path runs in long windows (default 120 s, heartbeating) under a timeout sized for them:
 * every window end is a pause of all lanes (a workflow task and an activity start), so fewer ends mean fewer
 * events waiting on Temporal. Runs recorded before it keep 10 s windows under the 2-minute control timeout.
 */
export const WEBHOOK_PUMP_WINDOW_PATCH = 'kntc-webhook-pump-window-v2';
/**
 * patched() id: a manual redelivery signalled while a fast-path window is open is left to that window, which
 * sends it at the end of its case's lane (found in the database); the workflow takes on, between two windows,
 * only what the window did not send (`claimWebhookRedelivery`). Runs recorded before it took a redelivery on at
 * once in a lane of their own, which could run beside the fast path's lane of the same case (ADR 0026, session 8).
 */
export const WEBHOOK_REDELIVERY_LANE_PATCH = 'kntc-webhook-redelivery-lane-v1';
/** The fast path's window with {@link WEBHOOK_PUMP_WINDOW_PATCH}. */
const PUMP_WINDOW_MS = 120_000;

const control = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** Delivers the subscription's events, in order per case, until the subscription is deleted. */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<{ ended: 'deleted' }> {
  // Decided once per run, before any command (a replayed older run keeps the polling path throughout).
  const fastPath = patched(WEBHOOK_PUMP_PATCH);
  const longWindows = fastPath && patched(WEBHOOK_PUMP_WINDOW_PATCH);
  // Redeliveries are never sent here while a window is open (the window sends them in the case's lane).
  const oneLane = longWindows && patched(WEBHOOK_REDELIVERY_LANE_PATCH);
  const windowMs = input.pollWaitMs ?? (longWindows ? PUMP_WINDOW_MS : 10_000);
  // A window, the attempts in flight at its end (each at most the request timeout) and the log's last write.
  const pump = longWindows
    ? proxyActivities<WebhookActivities>({
        startToCloseTimeout: `${Math.ceil(windowMs / 1000) + 120} seconds`,
        heartbeatTimeout: '30 seconds',
        retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
      })
    : control;
  const deliver = proxyActivities<WebhookActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: `${input.retryPeriodSeconds} seconds`,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: `${input.maxBackoffSeconds} seconds`,
    },
  });
  // A lane's queued events in one call: a first attempt each, in order, stopping at the first failure. Its
  // own failures are infrastructure ones (it answers HTTP failures): retried without end, it skips what is
  // already delivered.
  const batch = proxyActivities<WebhookActivities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
  });
  const concurrency = input.concurrency ?? 32;
  let after = input.after;
  const lanes = new Map<string, QueuedDelivery[]>();
  const running = new Set<string>();
  let queued = 0;
  let draining = false;
  const redeliveries: number[] = [];
  setHandler(redeliverWebhook, ({ seq }) => {
    redeliveries.push(seq);
  });

  const enqueue = (d: QueuedDelivery) => {
    const q = lanes.get(d.lane) ?? [];
    q.push(d);
    lanes.set(d.lane, q);
    queued += 1;
  };
  for (const { waiting, ...d } of input.pending ?? []) {
    enqueue(d);
    // Queued here from the database: taken on (before any window) so that no window sends it as well.
    if (oneLane && waiting) redeliveries.push(d.seq);
  }

  const runLane = async (lane: string) => {
    running.add(lane);
    const q = lanes.get(lane)!;
    while (q.length > 0 && !draining) {
      // The fast path already made q[0]'s first attempt, which failed (only runs with WEBHOOK_PUMP_PATCH).
      let failure = q[0]!.failed;
      if (!failure) {
        const n = q.findIndex((d, i) => i > 0 && d.failed !== undefined);
        const seqs = q.slice(0, n > 0 ? Math.min(n, BATCH) : BATCH).map((d) => d.seq);
        const r = await batch.deliverWebhookBatch({ subscriptionId: input.subscriptionId, seqs });
        q.splice(0, r.done);
        queued -= r.done;
        failure = r.failure;
        if (!failure) continue;
      }
      // The first attempt at q[0] failed: retried on its own with backoff for the retry period (the lane
      // waits, so the case's later events are not sent before it), then dead-lettered.
      const d = q[0]!;
      let dead: string | undefined = failure.retryable ? undefined : failure.reason;
      if (!dead) {
        try {
          await sleep('1 second');
          await deliver.deliverWebhook({ subscriptionId: input.subscriptionId, seq: d.seq, priorAttempts: 1 });
        } catch (err) {
          // The retry period ran out (schedule-to-close timeout) or the delivery cannot succeed (non-retryable).
          const cause = err instanceof ActivityFailure ? err.cause : err;
          dead =
            cause instanceof ApplicationFailure
              ? `${cause.type ?? 'failed'}: ${cause.message}`
              : cause instanceof Error
                ? cause.message
                : 'failed';
        }
      }
      if (dead !== undefined) {
        await control.markWebhookDead({ subscriptionId: input.subscriptionId, seq: d.seq, reason: dead.slice(0, 500) });
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

  /**
   * The lane of a redelivery this run takes on, null: none to take (with {@link WEBHOOK_REDELIVERY_LANE_PATCH}:
   * the fast path sent it, or the next window reads it). Only called while no window is open.
   */
  const redeliveryLane = (seq: number, queuedHere: boolean): Promise<string | null> =>
    oneLane
      ? control.claimWebhookRedelivery({ subscriptionId: input.subscriptionId, seq, upTo: after })
      : queuedHere
        ? Promise.resolve(null)
        : control.webhookEventLane({ subscriptionId: input.subscriptionId, seq });
  const takeRedeliveries = async () => {
    while (redeliveries.length > 0) {
      const seq = redeliveries.shift()!;
      // Already queued (a workflow started again by this redelivery took the reopened delivery on).
      const queuedHere = [...lanes.values()].some((q) => q.some((d) => d.seq === seq));
      const lane = await redeliveryLane(seq, queuedHere);
      if (lane !== null && !queuedHere) enqueue({ seq, lane, redelivery: true });
    }
  };
  for (;;) {
    await takeRedeliveries();
    startLanes();
    if (workflowInfo().historyLength > (input.historyLimit ?? HISTORY_LIMIT) || workflowInfo().continueAsNewSuggested) {
      draining = true;
      await condition(() => running.size === 0);
      const pending = [...lanes.values()].flat();
      // Redeliveries signalled while draining keep their case's lane (and so its order) in the next run.
      while (redeliveries.length > 0) {
        const seq = redeliveries.shift()!;
        const queuedHere = pending.some((d) => d.seq === seq);
        const lane = await redeliveryLane(seq, queuedHere);
        if (lane !== null && !queuedHere) pending.push({ seq, lane, redelivery: true });
      }
      await continueAsNew<typeof webhookDeliveryWorkflow>({ ...input, after, pending });
    }
    if (queued >= MAX_QUEUED) {
      await condition(() => queued < MAX_QUEUED || redeliveries.length > 0);
      continue;
    }
    if (fastPath) {
      // Delivered in the activity; only the lanes it could not deliver (and those this run holds) come back,
      // up to the position it returns (rewound before the first event it had not started).
      const pumping = pump.pumpWebhookEvents({
        subscriptionId: input.subscriptionId,
        after,
        busyLanes: [...lanes.keys()],
        waitMs: windowMs,
        concurrency,
        ...(oneLane ? { takeRedeliveries: true } : {}),
      });
      if (longWindows && !oneLane) {
        // A manual redelivery does not wait for the window to end: it joins its case's lane here at once.
        let pumped = false;
        void pumping.then(
          () => (pumped = true),
          () => (pumped = true),
        );
        while (!pumped) {
          await condition(() => pumped || redeliveries.length > 0);
          await takeRedeliveries();
          startLanes();
        }
      }
      const p = await pumping;
      if (p.deleted) {
        await condition(() => running.size === 0);
        return { ended: 'deleted' };
      }
      after = p.scannedUpTo;
      for (const h of p.handover) enqueue(h.failed ? { seq: h.seq, lane: h.lane, failed: h.failed } : h);
      continue;
    }
    const r = await control.awaitWebhookEvents({
      subscriptionId: input.subscriptionId,
      after,
      limit: 100,
      waitMs: input.pollWaitMs ?? 10_000,
    });
    if (r.deleted) {
      // Deliveries in flight end on their own (the activity refuses a deleted subscription).
      await condition(() => running.size === 0);
      return { ended: 'deleted' };
    }
    after = r.scannedUpTo;
    for (const e of r.events) enqueue({ seq: e.seq, lane: e.lane });
  }
}
