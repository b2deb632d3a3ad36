/**
 * Activities of webhook delivery (ADR 0026): fetching a subscription's next events from the outbox,
 * delivering one event (signed per the Standard Webhooks specification), dead-lettering.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { createEventStore, createHeadWatcher, toCloudEvent, type EventRecord } from '../db/events.js';
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

function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    /* outside an activity (direct calls in tests) */
  }
}

/** The details of the last heartbeat of this activity's previous attempt (a retry after a crash), if any. */
function heartbeatDetails<T>(): T | undefined {
  try {
    return Context.current().info.heartbeatDetails as T | undefined;
  } catch {
    return undefined;
  }
}

function cancelled(): boolean {
  try {
    return Context.current().cancellationSignal.aborted;
  } catch {
    return false;
  }
}

function cancelSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
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

/** One HTTP attempt's outcome, as logged. */
interface AttemptOutcome {
  at: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  delivered: boolean;
}

/** Why an attempt failed, as the failure Temporal retries (or not); null: delivered. */
function attemptFailure(r: AttemptOutcome): ApplicationFailure | null {
  if (r.error?.startsWith('refused:')) return ApplicationFailure.nonRetryable(r.error, 'UrlRefused');
  if (r.delivered) return null;
  return ApplicationFailure.retryable(
    r.statusCode !== null ? `HTTP ${r.statusCode}` : `no answer: ${r.error}`,
    'WebhookAttemptFailed',
  );
}

export function createWebhookActivities(deps: WebhookActivityDeps) {
  const events = createEventStore(deps.db);
  const hooks = createWebhookStore(deps.db);
  const watcher = createHeadWatcher(events);
  const policy = { allowLocalhost: deps.allowLocalhost === true };

  /**
   * One attempt at delivering `ev` to `url`: the CloudEvent JSON, signed with the subscription's secret
   * (`webhook-id` = the event id, the same on every attempt and redelivery so the receiver can drop
   * duplicates; `webhook-timestamp` = now). A 2xx answer delivers it. Not logged here.
   */
  async function attemptOnce(url: string, secret: string, ev: EventRecord): Promise<AttemptOutcome> {
    const at = new Date();
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const resolved = await resolvedAddressProblem(url, policy);
      if (resolved) {
        error = `refused: ${resolved}`;
      } else {
        const body = JSON.stringify(toCloudEvent(ev));
        // Connects only to an address re-checked at connect time (no DNS-rebinding gap after the check above).
        statusCode = await postWebhook(url, {
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
    return {
      at,
      durationMs,
      statusCode,
      error,
      delivered: statusCode !== null && statusCode >= 200 && statusCode < 300,
    };
  }
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
      const r = await attemptOnce(sub.url, secret, ev);
      const attempt = d.attempt ?? attemptNo() + (d.priorAttempts ?? 0);
      await hooks.recordAttempts(sub.id, [{ eventSeq: d.seq, attempt, ...r }]);
      recordWebhookDelivery(r.delivered ? 'delivered' : 'failed', r.durationMs / 1000);
      const failure = attemptFailure(r);
      if (failure) throw failure;
      return { statusCode: r.statusCode! };
    },

    /**
     * The fast path (ADR 0026, session-6 and session-7 amendments): reads the subscription's events after
     * `after` as they are recorded and delivers them in this one activity for up to `waitMs`, heartbeating —
     * a lane per case, in order within a lane, up to `concurrency` attempts at once, one first attempt each,
     * the attempts logged in batched statements. Nothing per event enters Temporal's history.
     *
     * - A lane whose attempt fails is held from then on (its later events wait behind it), and the window
     *   ends a moment later so that the workflow starts the retry with backoff; the other lanes go on.
     * - A lane in `busyLanes` (the workflow holds earlier events of that case) is held until the workflow has
     *   settled them (no pending delivery of the case at or below `after`, checked every second), then this
     *   activity delivers the held events itself, in order.
     * - When the window ends, nothing not yet started is handed over: the feed position returned
     *   (`scannedUpTo`) is rewound to just before the first event a free lane had not started, so the next
     *   call reads it again (skipping what is already delivered). Only held lanes' events up to that position
     *   come back in `handover`, a failed one with its failure, for the workflow's lanes.
     * - The heartbeat carries the position below which everything is delivered and logged: a retry after a
     *   crash resumes from there and skips what the log shows delivered, so only attempts in flight (or not
     *   yet logged) at the crash can reach the receiver twice — with the same webhook-id.
     *
     * - With `takeRedeliveries` (ADR 0026, session 8): a manual redelivery requested while the window is open
     *   (found in the database once a second) joins the end of its case's lane here, so it is never sent beside
     *   that case's other events. One whose case is held (the workflow's, or failed) is left to the workflow,
     *   which takes it on when the window has ended; so is one not sent when the window ends, or whose attempt
     *   failed. Its attempt is the first of its round; a crash before it is logged leaves it waiting.
     *
     * `deleted`: the subscription is gone (what was not sent is left pending).
     */
    async pumpWebhookEvents(q: {
      subscriptionId: string;
      after: number;
      busyLanes: string[];
      waitMs: number;
      limit?: number;
      concurrency?: number;
      takeRedeliveries?: boolean;
    }): Promise<{
      deleted: boolean;
      scannedUpTo: number;
      delivered: number;
      handover: Array<{ seq: number; lane: string; failed?: { reason: string; retryable: boolean } }>;
    }> {
      let sub = await hooks.get(q.subscriptionId);
      if (!sub || sub.status === 'deleted') return { deleted: true, scannedUpTo: q.after, delivered: 0, handover: [] };
      const agencies = await subtreeOf(deps.db, sub.agencyId);
      const limit = q.limit ?? 500;
      const concurrency = q.concurrency ?? 32;
      let secret = deps.pinKeys ? await hooks.secret(sub.id, deps.pinKeys) : undefined;
      let subReadAt = Date.now();
      let until = Date.now() + q.waitMs;
      // A retry after a crash starts where the last heartbeat said everything before was delivered and logged.
      const resumed = heartbeatDetails<{ after?: number }>()?.after ?? 0;
      let after = Math.max(q.after, sub.startAfterSeq, resumed);
      const busy = new Set(q.busyLanes);
      let busyCheckedAt = 0;
      let delivered = 0;
      let gone = false;
      let closing = false;

      interface Lane {
        queue: EventRecord[];
        running: Promise<void> | undefined;
        failed?: { reason: string; retryable: boolean };
      }
      const lanes = new Map<string, Lane>();
      let queuedTotal = 0;
      /** Attempts started and not yet logged (a crash could repeat them). */
      const unlogged = new Set<number>();
      const blocked = (name: string, l: Lane) => l.failed !== undefined || busy.has(name);
      /**
       * Manual redeliveries queued in a lane (the entry → the round it opened). They are not part of the feed
       * read: the position, the rewind and the handover ignore them; the database keeps them waiting until
       * their attempt is logged delivered, so a crash loses none.
       */
      const redelivery = new Map<EventRecord, number>();
      /** Redeliveries taken on in this window (`seq:round`): each is sent once here. */
      const redeliveriesTaken = new Set<string>();
      let redeliveriesCheckedAt = 0;
      /** The lane's first event of the feed read (not a redelivery). */
      const firstRead = (l: Lane) => l.queue.find((ev) => !redelivery.has(ev));
      /** Everything at or below this is delivered and logged, or held by the workflow. */
      const safePoint = () => {
        let m = Infinity;
        for (const l of lanes.values()) {
          const first = firstRead(l);
          if (first) m = Math.min(m, first.seq);
        }
        for (const s of unlogged) m = Math.min(m, s);
        return m === Infinity ? after : m - 1;
      };

      let active = 0;
      const slotWaiters: Array<() => void> = [];
      const slot = async () => {
        if (active < concurrency) {
          active += 1;
          return;
        }
        await new Promise<void>((r) => slotWaiters.push(r));
      };
      const release = () => {
        const next = slotWaiters.shift();
        if (next) next();
        else active -= 1;
      };
      // The log: attempts written in one statement each time the previous write ends (batches under load).
      const logged: Parameters<typeof hooks.recordAttempts>[1][number][] = [];
      let writing: Promise<void> | undefined;
      let logError: unknown;
      const flush = (): Promise<void> => {
        if (logged.length === 0 || writing) return writing ?? Promise.resolve();
        // Started with an attempt to write: it cannot end before `writing` is set.
        writing = (async () => {
          try {
            while (logged.length > 0) {
              // At most one attempt per event in a statement (an event and its redelivery may both be waiting).
              const seqs = new Set<number>();
              const n = logged.findIndex((a) => seqs.size === seqs.add(a.eventSeq).size);
              const batch = logged.splice(0, n < 0 ? logged.length : n);
              await hooks.recordAttempts(q.subscriptionId, batch);
              for (const a of batch) unlogged.delete(a.eventSeq);
              heartbeat({ after: safePoint() });
            }
          } catch (err) {
            logError = err;
          } finally {
            writing = undefined;
          }
        })();
        return writing;
      };

      /** Delivers the lane's queue from its head while the lane is free and the window open. */
      const runLane = async (name: string, l: Lane) => {
        while (l.queue.length > 0 && !closing && !blocked(name, l)) {
          await slot();
          try {
            if (closing || blocked(name, l)) return;
            const ev = l.queue[0]!;
            const problem = sub ? webhookUrlProblem(sub.url, policy) : 'the subscription was deleted';
            if (problem || !secret) {
              // Cannot succeed as things stand (URL refused, no keyring to sign): the workflow's path decides.
              l.failed = problem
                ? { reason: `UrlRefused: URL refused: ${problem}`, retryable: false }
                : { reason: 'NoSecretKeys: this worker cannot open webhook secrets (PII_KEYS)', retryable: true };
              until = Math.min(until, Date.now() + 250);
              return;
            }
            const round = redelivery.get(ev);
            if (round === undefined) unlogged.add(ev.seq);
            const r = await attemptOnce(sub!.url, secret, ev);
            logged.push({ eventSeq: ev.seq, attempt: 1, ...r, redeliveryRound: round });
            void flush();
            recordWebhookDelivery(r.delivered ? 'delivered' : 'failed', r.durationMs / 1000);
            const failure = attemptFailure(r);
            if (!failure) {
              l.queue.shift();
              queuedTotal -= 1;
              delivered += 1;
              continue;
            }
            // Held from here; the window ends soon so that the workflow starts retrying it with backoff.
            l.failed = {
              reason: `${failure.type ?? 'failed'}: ${failure.message}`.slice(0, 500),
              retryable: !failure.nonRetryable,
            };
            until = Math.min(until, Date.now() + 250);
          } finally {
            release();
          }
        }
      };
      const kick = (name: string, l: Lane) => {
        if (l.running || closing || blocked(name, l) || l.queue.length === 0) return;
        l.running = runLane(name, l).finally(() => {
          l.running = undefined;
          kick(name, l); // events queued while the last attempt was in flight
        });
      };
      const take = (ev: EventRecord) => {
        const name = ev.caseId ?? '_';
        let l = lanes.get(name);
        if (!l) lanes.set(name, (l = { queue: [], running: undefined }));
        l.queue.push(ev);
        queuedTotal += 1;
        kick(name, l);
      };
      /**
       * Manual redeliveries requested meanwhile, of events this window has read past: each joins the end of its
       * case's lane, unless the case is held (the workflow takes those on after the window).
       */
      const takeRedeliveries = async () => {
        redeliveriesCheckedAt = Date.now();
        for (const r of await hooks.redeliveryRequests(q.subscriptionId, after)) {
          const key = `${r.seq}:${r.round}`;
          const l = lanes.get(r.lane);
          if (redeliveriesTaken.has(key) || busy.has(r.lane) || l?.failed) continue;
          const ev = await events.get(r.seq);
          if (!ev) continue;
          redeliveriesTaken.add(key);
          redelivery.set(ev, r.round);
          take(ev);
        }
      };
      /** Busy lanes whose earlier events the workflow has settled are delivered here from now on. */
      const freeLanes = async () => {
        busyCheckedAt = Date.now();
        if (busy.size === 0) return;
        const still = await hooks.pendingLanes(q.subscriptionId, q.after, [...busy]);
        for (const name of [...busy]) {
          if (still.has(name)) continue;
          busy.delete(name);
          const l = lanes.get(name);
          if (l) kick(name, l);
        }
      };

      /** Ends the window: nothing new starts, the attempts in flight end (also when reading failed). */
      const close = async () => {
        closing = true;
        for (;;) {
          const running = [...lanes.values()].flatMap((l) => (l.running ? [l.running] : []));
          if (running.length === 0) break;
          await Promise.all(running);
        }
      };
      try {
        while (!cancelled() && Date.now() < until) {
          heartbeat({ after: safePoint() });
          // The subscription as it is now (URL changed, secret rotated, deleted), at most once a second.
          if (Date.now() - subReadAt > 1000) {
            sub = await hooks.get(q.subscriptionId);
            subReadAt = Date.now();
            if (!sub || sub.status === 'deleted') {
              gone = true;
              break;
            }
            secret = deps.pinKeys ? await hooks.secret(sub.id, deps.pinKeys) : undefined;
          }
          if (busy.size > 0 && Date.now() - busyCheckedAt >= 1000) await freeLanes();
          if (q.takeRedeliveries && Date.now() - redeliveriesCheckedAt >= 1000) await takeRedeliveries();
          // Back-pressure: a slow or failing receiver keeps at most a few batches read ahead.
          if (queuedTotal >= limit * 2) {
            await new Promise((r) => setTimeout(r, 100));
            continue;
          }
          const head = await watcher.waitBeyond(after, Math.max(0, Math.min(1000, until - Date.now())), cancelSignal());
          if (head <= after) continue;
          const found = await events.list({ after, upTo: head, limit, types: sub!.eventTypes, agencies });
          const settled = await hooks.takeOn(
            q.subscriptionId,
            found.map((e) => e.seq),
          );
          for (const ev of found) if (!settled.has(ev.seq)) take(ev);
          after = found.length === limit ? found[found.length - 1]!.seq : head;
        }
      } finally {
        // Also when a read failed: no lane may go on sending while a retry of this activity starts.
        await close();
      }
      while (logged.length > 0 || writing) await (writing ?? flush());
      if (logError) throw logError instanceof Error ? logError : new Error('the attempt log could not be written');
      // Rewind to just before the first event a free lane had not started: the next call reads it again.
      // (A redelivery not sent stays waiting in the database: the workflow takes it on, or the next window.)
      let rewound = after;
      for (const [name, l] of lanes) {
        const first = firstRead(l);
        if (!blocked(name, l) && first) rewound = Math.min(rewound, first.seq - 1);
      }
      const handover: Array<{ seq: number; lane: string; failed?: { reason: string; retryable: boolean } }> = [];
      for (const [name, l] of lanes) {
        if (!blocked(name, l)) continue;
        l.queue.forEach((ev, i) => {
          if (ev.seq > rewound || redelivery.has(ev)) return;
          handover.push(
            i === 0 && l.failed ? { seq: ev.seq, lane: name, failed: l.failed } : { seq: ev.seq, lane: name },
          );
        });
      }
      handover.sort((a, b) => a.seq - b.seq);
      return { deleted: gone, scannedUpTo: rewound, delivered, handover };
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

    /**
     * The ordering lane of event `seq` (its case, `_` without one), null when it does not exist. Runs recorded
     * before `kntc-webhook-redelivery-lane-v1` take a redelivery on with it: it is theirs, no longer waiting.
     */
    async webhookEventLane(d: { subscriptionId: string; seq: number }): Promise<string | null> {
      const ev = await events.get(d.seq);
      if (ev) await hooks.claimRedelivery(d.subscriptionId, d.seq);
      return ev ? (ev.caseId ?? '_') : null;
    },

    /**
     * The delivery workflow takes a manual redelivery on, between two fast-path windows (ADR 0026, session 8):
     * its lane when the request was still waiting (the fast path did not send it) and the event is at or below
     * `upTo` (the workflow's feed position); null otherwise — sent already, or beyond the position, where the
     * next window reads it as pending and sends it in order (the request is then no longer waiting either).
     */
    async claimWebhookRedelivery(d: { subscriptionId: string; seq: number; upTo: number }): Promise<string | null> {
      const ev = await events.get(d.seq);
      if (!ev) return null;
      const mine = await hooks.claimRedelivery(d.subscriptionId, d.seq);
      return mine && d.seq <= d.upTo ? (ev.caseId ?? '_') : null;
    },
  };
  return activities;
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
