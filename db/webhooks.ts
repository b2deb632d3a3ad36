/**
 * Webhook subscriptions, deliveries and attempts (ADR 0026). A subscription's signing secret is
 * shown once, at creation (or rotation), and stored sealed (AES-256-GCM) under a key derived from the
 * PII keyring: the worker that signs needs it in clear, so it cannot be a hash, and a copy of the
 * database alone does not let anyone forge our signatures.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { PinKeys } from './case-pins.js';
import type { Db } from './knex.js';

/** Who may be subscribed to: the keys that seal secrets (the PII keyring; only `key(kid)` is used). */
export type SecretKeys = PinKeys;

export interface WebhookRecord {
  id: string;
  name: string;
  url: string;
  /** Empty: every event type. */
  eventTypes: string[];
  agencyId: string;
  retryPeriodSeconds: number;
  /** The feed position the subscription started after (events from then on are delivered). */
  startAfterSeq: number;
  status: 'active' | 'deleted';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

interface WebhookRow {
  id: string;
  name: string;
  url: string;
  event_types: string[];
  agency_id: string;
  secret_kid: string;
  secret_iv: Buffer;
  secret_tag: Buffer;
  secret_ct: Buffer;
  retry_period_s: number;
  start_after_seq: string | number;
  status: 'active' | 'deleted';
  created_by: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

function fromRow(r: WebhookRow): WebhookRecord {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    eventTypes: r.event_types,
    agencyId: r.agency_id,
    retryPeriodSeconds: r.retry_period_s,
    startAfterSeq: Number(r.start_after_seq),
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    deletedAt: r.deleted_at ? r.deleted_at.toISOString() : null,
  };
}

export interface DeliveryRecord {
  subscriptionId: string;
  eventSeq: number;
  eventId: string;
  eventType: string;
  caseId: string | null;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  rounds: number;
  lastStatusCode: number | null;
  lastError: string | null;
  firstAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  deadAt: string | null;
}

export interface AttemptRecord {
  round: number;
  attempt: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The 32-byte key sealing webhook secrets under PII key `kid` (HKDF: never the PII key itself). */
function sealKey(keys: SecretKeys, kid: string): Buffer {
  return Buffer.from(hkdfSync('sha256', keys.key(kid), Buffer.alloc(0), 'kntc-flow webhook secret v1', 32));
}

/** A fresh Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function seal(keys: SecretKeys, id: string, secret: string) {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealKey(keys, keys.currentKid), iv);
  c.setAAD(Buffer.from(`webhook:${id}`));
  const ct = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return { secret_kid: keys.currentKid, secret_iv: iv, secret_tag: c.getAuthTag(), secret_ct: ct };
}

export function createWebhookStore(db: Db) {
  return {
    /** Creates a subscription; answers it with its secret (the only time the secret is available). */
    async create(
      w: {
        name: string;
        url: string;
        eventTypes: string[];
        agencyId: string;
        retryPeriodSeconds: number;
        createdBy: string;
      },
      keys: SecretKeys,
      trx: Db = db,
    ): Promise<{ record: WebhookRecord; secret: string }> {
      const id = `wh_${randomBytes(8).toString('hex')}`;
      const secret = newWebhookSecret();
      // Events from the current head on (the head row's committed value: every event up to it is visible).
      const head = await trx('event_head').where({ id: 1 }).first<{ last_seq: string }>('last_seq');
      const [row] = await trx<WebhookRow>('webhook_subscriptions')
        .insert({
          id,
          name: w.name,
          url: w.url,
          event_types: w.eventTypes,
          agency_id: w.agencyId,
          ...seal(keys, id, secret),
          retry_period_s: w.retryPeriodSeconds,
          start_after_seq: Number(head?.last_seq ?? 0),
          created_by: w.createdBy,
        } as never)
        .returning('*');
      return { record: fromRow(row as WebhookRow), secret };
    },
    async get(id: string, trx: Db = db): Promise<WebhookRecord | undefined> {
      const row = await trx<WebhookRow>('webhook_subscriptions').where({ id }).first();
      return row ? fromRow(row) : undefined;
    },
    /** The subscription's signing secret in clear (the delivering worker). */
    async secret(id: string, keys: SecretKeys): Promise<string | undefined> {
      const r = await db<WebhookRow>('webhook_subscriptions').where({ id }).first();
      if (!r) return undefined;
      const d = createDecipheriv('aes-256-gcm', sealKey(keys, r.secret_kid), r.secret_iv);
      d.setAAD(Buffer.from(`webhook:${id}`));
      d.setAuthTag(r.secret_tag);
      return Buffer.concat([d.update(r.secret_ct), d.final()]).toString('utf8');
    },
    /** Active subscriptions of these agencies, newest first (keyset page as the other lists). */
    async list(
      agencyIds: string[],
      page: { after?: { k: string; id: string }; limit: number },
    ): Promise<Array<WebhookRecord & { sortKey: string }>> {
      const rows = await db<WebhookRow>('webhook_subscriptions')
        .whereIn('agency_id', agencyIds)
        .where({ status: 'active' })
        .modify((b) => {
          if (page.after) b.whereRaw('(created_at, id) < (?::timestamptz, ?)', [page.after.k, page.after.id]);
        })
        .select('*', db.raw('created_at::text AS sort_key'))
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(page.limit);
      return (rows as Array<WebhookRow & { sort_key: string }>).map((r) => ({ ...fromRow(r), sortKey: r.sort_key }));
    },
    /** Changes name, URL or event types, and/or rotates the secret (answered once). Returns the record before and after. */
    async update(
      id: string,
      patch: {
        name?: string | undefined;
        url?: string | undefined;
        eventTypes?: string[] | undefined;
        rotateSecret?: boolean | undefined;
      },
      keys: SecretKeys,
      trx: Db = db,
    ): Promise<{ before: WebhookRecord; after: WebhookRecord; secret?: string } | undefined> {
      const before = await trx<WebhookRow>('webhook_subscriptions').where({ id, status: 'active' }).forUpdate().first();
      if (!before) return undefined;
      const secret = patch.rotateSecret ? newWebhookSecret() : undefined;
      const [row] = await trx<WebhookRow>('webhook_subscriptions')
        .where({ id })
        .update({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.eventTypes !== undefined ? { event_types: patch.eventTypes } : {}),
          ...(secret ? seal(keys, id, secret) : {}),
          updated_at: trx.fn.now(),
        } as never)
        .returning('*');
      return { before: fromRow(before), after: fromRow(row as WebhookRow), ...(secret ? { secret } : {}) };
    },
    /** Marks the subscription deleted (its delivery workflow ends; the log stays). Returns it, or undefined if it already was. */
    async remove(id: string, trx: Db = db): Promise<WebhookRecord | undefined> {
      const [row] = await trx<WebhookRow>('webhook_subscriptions')
        .where({ id, status: 'active' })
        .update({ status: 'deleted', deleted_at: trx.fn.now(), updated_at: trx.fn.now() } as never)
        .returning('*');
      return row ? fromRow(row as WebhookRow) : undefined;
    },

    /** Pending rows for events a delivery workflow took on (idempotent). */
    async enqueue(subscriptionId: string, seqs: readonly number[]): Promise<void> {
      if (seqs.length === 0) return;
      await db('webhook_deliveries')
        .insert(seqs.map((s) => ({ subscription_id: subscriptionId, event_seq: s, status: 'pending' })))
        .onConflict(['subscription_id', 'event_seq'])
        .ignore();
    },
    /**
     * Takes these events on (a pending row each, idempotent) and answers those already settled (delivered or
     * dead-lettered) — in one statement: the fast path's read after a rewound window (ADR 0026, session 7)
     * skips what it delivered before, so the receiver gets each once.
     */
    async takeOn(subscriptionId: string, seqs: readonly number[]): Promise<Set<number>> {
      if (seqs.length === 0) return new Set();
      // The SELECT sees the rows as they were before this statement's INSERT: exactly the settled ones.
      const r = await db.raw<{ rows: Array<{ event_seq: string | number }> }>(
        `WITH ins AS (
           INSERT INTO webhook_deliveries (subscription_id, event_seq, status)
           SELECT ?, s, 'pending' FROM unnest(?::bigint[]) AS s
           ON CONFLICT (subscription_id, event_seq) DO NOTHING
         )
         SELECT event_seq FROM webhook_deliveries
          WHERE subscription_id = ? AND event_seq = ANY(?::bigint[]) AND status <> 'pending'`,
        [subscriptionId, [...seqs], subscriptionId, [...seqs]],
      );
      return new Set(r.rows.map((x) => Number(x.event_seq)));
    },
    /**
     * Which of `lanes` (case ids, `_` for case-less events) still have a pending delivery at or below `upTo`:
     * the lanes the delivery workflow still holds (everything it holds is at or below the feed position it
     * gave the fast path). A redelivery still waiting for a deliverer (ADR 0026, session 8) is nobody's yet:
     * it does not hold its case.
     */
    async pendingLanes(subscriptionId: string, upTo: number, lanes: readonly string[]): Promise<Set<string>> {
      if (lanes.length === 0) return new Set();
      const r = await db.raw<{ rows: Array<{ lane: string }> }>(
        `SELECT DISTINCT COALESCE(e.case_id, '_') AS lane
           FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
          WHERE d.subscription_id = ? AND d.status = 'pending' AND d.event_seq <= ?
            AND d.redelivery_round IS NULL AND COALESCE(e.case_id, '_') = ANY(?::text[])`,
        [subscriptionId, upTo, [...lanes]],
      );
      return new Set(r.rows.map((x) => x.lane));
    },
    /** Which of these events are already delivered to the subscription. */
    async deliveredAmong(subscriptionId: string, seqs: readonly number[]): Promise<Set<number>> {
      if (seqs.length === 0) return new Set();
      const rows = (await db('webhook_deliveries')
        .where({ subscription_id: subscriptionId, status: 'delivered' })
        .whereIn('event_seq', [...seqs])
        .select('event_seq')) as Array<{ event_seq: string | number }>;
      return new Set(rows.map((r) => Number(r.event_seq)));
    },
    /**
     * HTTP attempts at events of one subscription in one statement (the fast path's log, ADR 0026; the
     * retried path logs its one attempt here too): each attempt logged (its round) and its delivery's state
     * after it (delivered, or pending with the last status and error). At most one attempt per event.
     */
    async recordAttempts(
      subscriptionId: string,
      list: ReadonlyArray<{
        eventSeq: number;
        attempt: number;
        at: Date;
        durationMs: number;
        statusCode: number | null;
        error: string | null;
        delivered: boolean;
        /** A manual redelivery taken on by the fast path: the round it opened (cleared once delivered). */
        redeliveryRound?: number | undefined;
      }>,
    ): Promise<void> {
      if (list.length === 0) return;
      const rows = list.map((a) => ({
        seq: a.eventSeq,
        attempt: a.attempt,
        at: a.at.toISOString(),
        duration_ms: a.durationMs,
        status_code: a.statusCode,
        error: a.error,
        delivered: a.delivered,
        redelivery_round: a.delivered ? (a.redeliveryRound ?? null) : null,
      }));
      // A redelivery delivered in the round it was asked for is no longer waiting (ADR 0026, session 8); a
      // request made again since (a later round) still is. The row exists already (the request reopened it).
      await db.raw(
        `WITH a AS (
           SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(seq bigint, attempt int, at timestamptz, duration_ms int,
             status_code int, error text, delivered boolean, redelivery_round int)
         ), d AS (
           INSERT INTO webhook_deliveries AS w (subscription_id, event_seq, status, attempts, last_status_code,
             last_error, last_attempt_at, first_attempt_at, delivered_at, redelivery_round)
           SELECT ?, seq, CASE WHEN delivered THEN 'delivered' ELSE 'pending' END, 1, status_code, error, at, at,
             CASE WHEN delivered THEN now() END, NULL
           FROM a
           ON CONFLICT (subscription_id, event_seq) DO UPDATE SET
             redelivery_round = CASE
               WHEN w.redelivery_round = (SELECT a.redelivery_round FROM a WHERE a.seq = w.event_seq) THEN NULL
               ELSE w.redelivery_round END,
             attempts = w.attempts + 1,
             last_status_code = EXCLUDED.last_status_code,
             last_error = EXCLUDED.last_error,
             last_attempt_at = EXCLUDED.last_attempt_at,
             first_attempt_at = COALESCE(w.first_attempt_at, EXCLUDED.first_attempt_at),
             status = CASE WHEN EXCLUDED.status = 'delivered' THEN 'delivered' ELSE w.status END,
             delivered_at = CASE WHEN EXCLUDED.status = 'delivered' THEN now() ELSE w.delivered_at END
           RETURNING event_seq, rounds
         )
         INSERT INTO webhook_attempts (subscription_id, event_seq, round, attempt, at, duration_ms, status_code, error)
         SELECT ?, a.seq, d.rounds, a.attempt, a.at, a.duration_ms, a.status_code, a.error
         FROM a JOIN d ON d.event_seq = a.seq
         ORDER BY a.seq`,
        [JSON.stringify(rows), subscriptionId, subscriptionId],
      );
    },
    /** The retry period ran out (or the delivery cannot succeed): dead-lettered. */
    async markDead(subscriptionId: string, eventSeq: number, reason: string): Promise<void> {
      await db('webhook_deliveries')
        .insert({
          subscription_id: subscriptionId,
          event_seq: eventSeq,
          status: 'dead',
          dead_at: db.fn.now(),
          last_error: reason,
        })
        .onConflict(['subscription_id', 'event_seq'])
        .merge({
          status: 'dead',
          dead_at: db.fn.now(),
          last_error: db.raw('COALESCE(webhook_deliveries.last_error, ?)', [reason]),
        });
    },
    /**
     * A manual redelivery: the delivery goes back to pending, in a new round, and waits for a deliverer
     * (`redelivery_round`, ADR 0026 session 8: the fast path or the workflow takes it on, never both).
     * Undefined: no such delivery.
     */
    async reopen(subscriptionId: string, eventSeq: number, trx: Db = db): Promise<DeliveryRecord | undefined> {
      const n = await trx('webhook_deliveries')
        .where({ subscription_id: subscriptionId, event_seq: eventSeq })
        .update({
          status: 'pending',
          rounds: trx.raw('rounds + 1'),
          redelivery_round: trx.raw('rounds + 1'),
          dead_at: null,
        });
      return n ? this.delivery(subscriptionId, eventSeq, trx) : undefined;
    },
    /**
     * Redeliveries waiting for a deliverer, of events at or below `upTo` (the fast path's read position: an
     * event beyond it is sent when the feed reaches it), in request order of their events: seq, lane, round.
     */
    async redeliveryRequests(
      subscriptionId: string,
      upTo: number,
    ): Promise<Array<{ seq: number; lane: string; round: number }>> {
      const r = await db.raw<{ rows: Array<{ event_seq: string; lane: string; redelivery_round: number }> }>(
        `SELECT d.event_seq, COALESCE(e.case_id, '_') AS lane, d.redelivery_round
           FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
          WHERE d.subscription_id = ? AND d.redelivery_round IS NOT NULL AND d.event_seq <= ?
          ORDER BY d.event_seq LIMIT 100`,
        [subscriptionId, upTo],
      );
      return r.rows.map((x) => ({ seq: Number(x.event_seq), lane: x.lane, round: x.redelivery_round }));
    },
    /**
     * Takes a waiting redelivery on for the delivery workflow (between two fast-path windows): true when it was
     * waiting (now it is the caller's), false when none was (the fast path delivered it, or it was taken).
     */
    async claimRedelivery(subscriptionId: string, eventSeq: number): Promise<boolean> {
      const n = await db('webhook_deliveries')
        .where({ subscription_id: subscriptionId, event_seq: eventSeq })
        .whereNotNull('redelivery_round')
        .update({ redelivery_round: null });
      return n > 0;
    },
    async delivery(subscriptionId: string, eventSeq: number, trx: Db = db): Promise<DeliveryRecord | undefined> {
      return (await this.deliveries(subscriptionId, { exact: eventSeq, limit: 1 }, trx))[0];
    },
    /** Deliveries of a subscription in feed order (`after`: the last event seq of the previous page). */
    async deliveries(
      subscriptionId: string,
      q: { status?: string | undefined; after?: number | undefined; exact?: number; limit: number },
      trx: Db = db,
    ): Promise<DeliveryRecord[]> {
      const rows = (await trx('webhook_deliveries as d')
        .join('events as e', 'e.seq', 'd.event_seq')
        .where('d.subscription_id', subscriptionId)
        .modify((b) => {
          if (q.status) b.where('d.status', q.status);
          if (q.after !== undefined) b.where('d.event_seq', '>', q.after);
          if (q.exact !== undefined) b.where('d.event_seq', q.exact);
        })
        .select('d.*', 'e.id as event_id', 'e.type as event_type', 'e.case_id')
        .orderBy('d.event_seq')
        .limit(q.limit)) as Array<Record<string, never>>;
      return rows.map((r: Record<string, unknown>) => ({
        subscriptionId: String(r.subscription_id),
        eventSeq: Number(r.event_seq),
        eventId: String(r.event_id),
        eventType: String(r.event_type),
        caseId: (r.case_id as string | null) ?? null,
        status: r.status as DeliveryRecord['status'],
        attempts: Number(r.attempts),
        rounds: Number(r.rounds),
        lastStatusCode: (r.last_status_code as number | null) ?? null,
        lastError: (r.last_error as string | null) ?? null,
        firstAttemptAt: iso(r.first_attempt_at as Date | null),
        lastAttemptAt: iso(r.last_attempt_at as Date | null),
        deliveredAt: iso(r.delivered_at as Date | null),
        deadAt: iso(r.dead_at as Date | null),
      }));
    },
    async attempts(subscriptionId: string, eventSeq: number): Promise<AttemptRecord[]> {
      const rows = (await db('webhook_attempts')
        .where({ subscription_id: subscriptionId, event_seq: eventSeq })
        .orderBy('id')) as Array<{
        round: number;
        attempt: number;
        at: Date;
        duration_ms: number;
        status_code: number | null;
        error: string | null;
      }>;
      return rows.map((r) => ({
        round: r.round,
        attempt: r.attempt,
        at: r.at.toISOString(),
        durationMs: r.duration_ms,
        statusCode: r.status_code,
        error: r.error,
      }));
    },
  };
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;

/**
 * Where a subscription's delivery workflow (re)starts: after the last event it took on (or its start
 * position), with the deliveries still pending queued again in feed order — so a workflow started again
 * (after a redelivery found none running) neither skips nor repeats what the previous one did.
 */
export async function deliveryResumePoint(
  db: Db,
  sub: Pick<WebhookRecord, 'id' | 'startAfterSeq'>,
): Promise<{ after: number; pending: Array<{ seq: number; lane: string; waiting?: boolean }> }> {
  const max = await db('webhook_deliveries')
    .where({ subscription_id: sub.id })
    .max<{ m: string | null }>('event_seq as m')
    .first();
  const pending = (await db('webhook_deliveries as d')
    .join('events as e', 'e.seq', 'd.event_seq')
    .where({ 'd.subscription_id': sub.id, 'd.status': 'pending' })
    .orderBy('d.event_seq')
    .limit(5000)
    .select('d.event_seq', 'e.case_id', 'd.redelivery_round')) as Array<{
    event_seq: string;
    case_id: string | null;
    redelivery_round: number | null;
  }>;
  return {
    after: Math.max(sub.startAfterSeq, Number(max?.m ?? 0)),
    pending: pending.map((p) => ({
      seq: Number(p.event_seq),
      lane: p.case_id ?? '_',
      // A redelivery no deliverer took on yet: the workflow takes it on before its first window (ADR 0026).
      ...(p.redelivery_round !== null ? { waiting: true } : {}),
    })),
  };
}
