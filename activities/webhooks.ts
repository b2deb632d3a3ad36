/**
 * Activities of webhook delivery (ADR 0026): fetching a subscription's next events from the outbox,
 * delivering one event (signed per the Standard Webhooks specification), dead-lettering.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { createEventStore, createHeadWatcher, toCloudEvent } from '../db/events.js';
import type { Db } from '../db/knex.js';
import { createWebhookStore, type SecretKeys } from '../db/webhooks.js';
import { recordWebhookDelivery } from '../platform/metrics.js';
import {
  postWebhook,
  resolvedAddressProblem,
  WebhookAddressRefused,
  webhookUrlProblem,
} from '../platform/webhook-url.js';

export interface WebhookActivityDeps {
  db: Db;
  /** The keys webhook secrets are sealed under (the PII keyring). Without them nothing can be signed. */
  pinKeys?: SecretKeys | undefined;
  /** Loopback receivers allowed (WEBHOOK_ALLOW_LOCALHOST; tests and local use). */
  allowLocalhost?: boolean | undefined;
  /** One HTTP attempt's timeout (default 10 s). */
  requestTimeoutMs?: number;
}

/** The agencies of `agencyId`'s subtree (itself included). */
async function subtreeOf(db: Db, agencyId: string): Promise<string[]> {
  const r = await db.raw<{ rows: Array<{ id: string }> }>(
    `WITH RECURSIVE down AS (SELECT id, 0 AS depth FROM agencies WHERE id = ?
       UNION ALL SELECT a.id, down.depth + 1 FROM agencies a JOIN down ON a.parent_id = down.id WHERE down.depth < 32)
     SELECT id FROM down`,
    [agencyId],
  );
  return r.rows.map((x) => x.id);
}

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    /* outside an activity (direct calls in tests) */
  }
}

function cancelled(): boolean {
  try {
    return Context.current().cancellationSignal.aborted;
  } catch {
    return false;
  }
}

function attemptNo(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

/** What a failed fetch says, without the URL's query (it may carry a receiver's token). */
function fetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((err as Error).name === 'TimeoutError') return 'timeout';
  return ((err as Error).message ?? 'request failed').slice(0, 200);
}

export function createWebhookActivities(deps: WebhookActivityDeps) {
  const events = createEventStore(deps.db);
  const hooks = createWebhookStore(deps.db);
  const watcher = createHeadWatcher(events);
  const policy = { allowLocalhost: deps.allowLocalhost === true };
  const activities = {
    /**
     * The subscription's next events after `after` (its types, its agency subtree), waiting up to
     * `waitMs` for one; `scannedUpTo` is where the next fetch starts (past events it does not take).
     * Each event taken gets a pending delivery row. `deleted`: the subscription is gone.
     */
    async awaitWebhookEvents(q: {
      subscriptionId: string;
      after: number;
      limit: number;
      waitMs: number;
    }): Promise<{ deleted: boolean; events: Array<{ seq: number; lane: string }>; scannedUpTo: number }> {
      const sub = await hooks.get(q.subscriptionId);
      if (!sub || sub.status === 'deleted') return { deleted: true, events: [], scannedUpTo: q.after };
      const agencies = await subtreeOf(deps.db, sub.agencyId);
      const until = Date.now() + q.waitMs;
      let after = Math.max(q.after, sub.startAfterSeq);
      for (;;) {
        heartbeat();
        const head = await watcher.waitBeyond(after, Math.max(0, until - Date.now()));
        const found =
          head > after ? await events.list({ after, upTo: head, limit: q.limit, types: sub.eventTypes, agencies }) : [];
        if (found.length > 0) {
          await hooks.enqueue(
            sub.id,
            found.map((e) => e.seq),
          );
          const scannedUpTo = found.length === q.limit ? found[found.length - 1]!.seq : head;
          return { deleted: false, events: found.map((e) => ({ seq: e.seq, lane: e.caseId ?? '_' })), scannedUpTo };
        }
        after = Math.max(after, head);
        if (Date.now() >= until) return { deleted: false, events: [], scannedUpTo: after };
      }
    },

    /**
     * One attempt at delivering event `seq` to the subscription: the CloudEvent JSON, signed with the
     * subscription's secret (`webhook-id` = the event id, the same on every attempt and redelivery so the
     * receiver can drop duplicates; `webhook-timestamp` = now). A 2xx answer delivers it; anything else
     * fails the attempt (retried by Temporal with backoff until the retry period ends). Every attempt is
     * logged with its status code or error and duration.
     */
    async deliverWebhook(d: {
      subscriptionId: string;
      seq: number;
      attempt?: number;
      priorAttempts?: number;
    }): Promise<{ statusCode: number }> {
      const sub = await hooks.get(d.subscriptionId);
      if (!sub || sub.status === 'deleted')
        throw ApplicationFailure.nonRetryable('the subscription was deleted', 'SubscriptionDeleted');
      const ev = await events.get(d.seq);
      if (!ev) throw ApplicationFailure.nonRetryable(`event ${d.seq} does not exist`, 'EventMissing');
      const refused = webhookUrlProblem(sub.url, policy);
      if (refused) throw ApplicationFailure.nonRetryable(`URL refused: ${refused}`, 'UrlRefused');
      if (!deps.pinKeys)
        throw ApplicationFailure.retryable(
          'this worker has no PII keyring to open webhook secrets (PII_KEYS)',
          'NoSecretKeys',
        );
      const secret = await hooks.secret(sub.id, deps.pinKeys);
      if (!secret) throw ApplicationFailure.nonRetryable('the subscription was deleted', 'SubscriptionDeleted');
      const at = new Date();
      const started = performance.now();
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        const resolved = await resolvedAddressProblem(sub.url, policy);
        if (resolved) {
          error = `refused: ${resolved}`;
        } else {
          const body = JSON.stringify(toCloudEvent(ev));
          // Connects only to an address re-checked at connect time (no DNS-rebinding gap after the check above).
          statusCode = await postWebhook(sub.url, {
            policy,
            timeoutMs: deps.requestTimeoutMs ?? 10_000,
            body,
            headers: {
              'content-type': 'application/cloudevents+json; charset=utf-8',
              'user-agent': 'kntc-flow-webhooks/1',
              'webhook-id': ev.id,
              'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
              'webhook-signature': new Webhook(secret).sign(ev.id, at, body),
            },
          });
        }
      } catch (err) {
        error = err instanceof WebhookAddressRefused ? `refused: ${err.message}` : fetchError(err);
      }
      const durationMs = Math.round(performance.now() - started);
      const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
      const attempt = d.attempt ?? attemptNo() + (d.priorAttempts ?? 0);
      await hooks.recordAttempt({
        subscriptionId: sub.id,
        eventSeq: d.seq,
        attempt,
        at,
        durationMs,
        statusCode,
        error,
        delivered,
      });
      recordWebhookDelivery(delivered ? 'delivered' : 'failed', durationMs / 1000);
      if (error?.startsWith('refused:')) throw ApplicationFailure.nonRetryable(error, 'UrlRefused');
      if (!delivered)
        throw ApplicationFailure.retryable(
          statusCode !== null ? `HTTP ${statusCode}` : `no answer: ${error}`,
          'WebhookAttemptFailed',
        );
      return { statusCode: statusCode! };
    },

    /**
     * A lane's queued events (one case, in feed order) delivered one after the other in one activity: one
     * first attempt each, a heartbeat per event, stopping at the first that fails (the rest stay queued; the
     * workflow retries that one with backoff). Events already delivered (a retry of this activity after a
     * worker crash) are skipped, so a receiver that is up gets each once. HTTP failures are answered, not
     * thrown; only infrastructure errors (database) throw and are retried by Temporal.
     */
    async deliverWebhookBatch(b: {
      subscriptionId: string;
      seqs: number[];
    }): Promise<{ done: number; failure?: { reason: string; retryable: boolean } }> {
      const already = await hooks.deliveredAmong(b.subscriptionId, b.seqs);
      for (let i = 0; i < b.seqs.length; i++) {
        heartbeat();
        // This attempt was given up (heartbeat timeout: a retry may already be running): send nothing more.
        if (cancelled()) return { done: i };
        const seq = b.seqs[i]!;
        if (already.has(seq)) continue;
        try {
          await activities.deliverWebhook({ subscriptionId: b.subscriptionId, seq, attempt: 1 });
        } catch (err) {
          if (!(err instanceof ApplicationFailure)) throw err;
          return {
            done: i,
            failure: { reason: `${err.type ?? 'failed'}: ${err.message}`.slice(0, 500), retryable: !err.nonRetryable },
          };
        }
      }
      return { done: b.seqs.length };
    },

    /** The retry period ran out, or the delivery cannot succeed: the delivery is dead-lettered. */
    async markWebhookDead(d: { subscriptionId: string; seq: number; reason: string }): Promise<void> {
      await hooks.markDead(d.subscriptionId, d.seq, d.reason);
      recordWebhookDelivery('dead', 0);
    },

    /** The ordering lane of event `seq` (its case, `_` without one), null when it does not exist. */
    async webhookEventLane(d: { subscriptionId: string; seq: number }): Promise<string | null> {
      const ev = await events.get(d.seq);
      return ev ? (ev.caseId ?? '_') : null;
    },
  };
  return activities;
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
