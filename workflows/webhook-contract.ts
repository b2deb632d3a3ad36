/**
 * Message contract of webhook delivery (ADR 0026), shared by the API and the delivery workflow.
 * Pure: only `defineSignal`, safe in the workflow bundle.
 */
import { defineSignal } from '@temporalio/workflow';

/** Workflow type name (stable: recorded in histories). */
export const WEBHOOK_WORKFLOW = 'webhookDeliveryWorkflow';

/** One long-lived delivery workflow per subscription. */
export const webhookWorkflowId = (subscriptionId: string): string => `webhook-${subscriptionId}`;

/** An event waiting for delivery: its feed seq and its ordering lane (the case, or `_` for case-less events). */
export interface QueuedDelivery {
  seq: number;
  lane: string;
  /** A manual redelivery (a new round of attempts). */
  redelivery?: boolean;
  /** Its first attempt was made by the fast path and failed (ADR 0026): retried with backoff, or dead-lettered. */
  failed?: { reason: string; retryable: boolean };
  /**
   * A manual redelivery still waiting for a deliverer when the workflow was started (ADR 0026, session 8): the run
   * takes it on (clears the request) before its first window, so that no window sends it beside this lane.
   */
  waiting?: boolean;
}

/** Input of the delivery workflow (and what continue-as-new carries). */
export interface WebhookDeliveryInput {
  subscriptionId: string;
  /** Feed position read so far: events after it are fetched next. */
  after: number;
  /** How long one delivery is retried before it is dead-lettered. */
  retryPeriodSeconds: number;
  /** Longest wait between two attempts (exponential backoff from 1 s, doubling). */
  maxBackoffSeconds: number;
  /** Deliveries taken on but not done when the previous run continued as new (lane order kept). */
  pending?: QueuedDelivery[];
  /** Lanes delivering at once (default 32): cases are independent, events of one case are in order. */
  concurrency?: number;
  /** How long one fetch waits for new events (ms; default 10 s). */
  pollWaitMs?: number;
  /** History length at which a run continues as new (default 8 000; tests make it small). */
  historyLimit?: number;
}

/** Redeliver the event `seq` (its delivery row was reopened by the API). */
export const redeliverWebhook = defineSignal<[{ seq: number }]>('redeliverWebhook');
