/**
 * The event feed's transactional outbox (ADR 0026). An event is written by {@link appendEvents} inside
 * the transaction of the read-model change it announces, so the feed shows it exactly when (and only
 * if) that change commits. `seq` is the feed's cursor: taken from the one-row `event_head`, which the
 * writer holds locked until its commit, so seq order is commit order and no reader ever skips an event
 * committed later with a lower seq. Writers that also append to the audit log lock the audit chain
 * head first and the event head last (one order everywhere: no deadlock).
 *
 * Events carry references only (case id and reference, task ids, rule ids, dates): never a party's
 * identity — a denouncer's identity never leaves the encrypted party rows (Luật Tố cáo 2018 Art 47).
 */
import { randomUUID } from 'node:crypto';
import { withVnInstants } from '../api/instants.js';
import { vnInstant } from '../workflows/clock/vn-time.js';
import type { Db } from './knex.js';

/** The event types kntc-flow emits itself (CloudEvents `type`). */
export const EVENT_TYPES = {
  caseStarted: 'vn.kntc.case.started',
  taskOpened: 'vn.kntc.task.opened',
  taskClaimed: 'vn.kntc.task.claimed',
  taskCompleted: 'vn.kntc.task.completed',
  clockBreached: 'vn.kntc.clock.breached',
  legalEvent: 'vn.kntc.case.legal_event',
  caseClosed: 'vn.kntc.case.closed',
} as const;

/** A CloudEvents type of this system: `vn.kntc.<area>.<what>` (lower case, digits, `_`, `.`). */
export const EVENT_TYPE_PATTERN = /^vn\.kntc\.[a-z0-9_]+(?:\.[a-z0-9_]+)+$/;

const registered = new Set<string>(Object.values(EVENT_TYPES));

/**
 * Declares an event type another module emits (reception, mass matters, reports, notifications): it is
 * then listed by {@link knownEventTypes} (the feed's documentation and the webhooks' validation hint).
 * Emitting needs nothing more than {@link appendEvents} with that type.
 */
export function registerEventType(type: string): void {
  if (!EVENT_TYPE_PATTERN.test(type)) throw new Error(`event type ${type} does not match ${EVENT_TYPE_PATTERN.source}`);
  registered.add(type);
}

/** Every event type declared so far, sorted. */
export function knownEventTypes(): string[] {
  return [...registered].sort();
}

/** An event to record (the outbox assigns `seq`, and `id` unless given). */
export interface NewEvent {
  id?: string;
  type: string;
  /** Case the event is about (CloudEvents `subject` = `cases/<id>`); null for agency-level events. */
  caseId: string | null;
  /** Agency whose subtree may read the event (the case's agency); null: only root agencies' readers. */
  agencyId: string | null;
  /** When it happened (ISO instant). */
  time: string;
  /** References only: never personal data. */
  data: Record<string, unknown>;
}

/** A recorded event. */
export interface EventRecord extends Required<Omit<NewEvent, 'id'>> {
  seq: number;
  id: string;
  source: string;
  subject: string | null;
  recordedAt: string;
}

interface EventRow {
  seq: string | number;
  id: string;
  type: string;
  source: string;
  subject: string | null;
  case_id: string | null;
  agency_id: string | null;
  time: Date;
  data: Record<string, unknown>;
  recorded_at: Date;
}

const sourceOf = (agencyId: string | null) => (agencyId ? `/kntc-flow/agencies/${agencyId}` : '/kntc-flow');

function fromRow(r: EventRow): EventRecord {
  return {
    seq: Number(r.seq),
    id: r.id,
    type: r.type,
    source: r.source,
    subject: r.subject,
    caseId: r.case_id,
    agencyId: r.agency_id,
    time: r.time.toISOString(),
    data: r.data,
    recordedAt: r.recorded_at.toISOString(),
  };
}

/**
 * Records `events` in the caller's transaction `trx` (in the given order, consecutive seqs). Locks the
 * event head until `trx` commits: call it last in the transaction, after any audit append.
 */
export async function appendEvents(trx: Db, events: readonly NewEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const { rows } = await trx.raw<{ rows: Array<{ last_seq: string }> }>(
    'UPDATE event_head SET last_seq = last_seq + ? WHERE id = 1 RETURNING last_seq',
    [events.length],
  );
  if (!rows[0]) throw new Error('event head missing (migration 20261203030000_events_outbox_webhooks)');
  const first = Number(rows[0].last_seq) - events.length + 1;
  await trx('events').insert(
    events.map((e, i) => ({
      seq: first + i,
      id: e.id ?? randomUUID(),
      type: e.type,
      source: sourceOf(e.agencyId),
      subject: e.caseId ? `cases/${e.caseId}` : null,
      case_id: e.caseId,
      agency_id: e.agencyId,
      time: e.time,
      data: JSON.stringify(e.data),
      // The time of recording, just before the commit (appendEvents is the transaction's last write), not the
      // transaction's start (`now()`), which may be long before when the writer waited for the heads' locks.
      recorded_at: trx.raw('clock_timestamp()'),
    })),
  );
  return events.map((_e, i) => first + i);
}

/** Filters of a feed read. `agencies`: the reader's subtree (events of those agencies only). */
export interface EventQuery {
  after: number;
  limit: number;
  types?: readonly string[] | undefined;
  agencies: readonly string[];
  /** Also agency-less events (readers of a root agency). */
  agencyless?: boolean;
  /** Read no event above this seq (a consistent upper bound across queries). */
  upTo?: number;
}

export function createEventStore(db: Db) {
  return {
    /** The highest seq recorded (committed: the head row's committed value). */
    async head(): Promise<number> {
      const r = await db('event_head').where({ id: 1 }).first<{ last_seq: string } | undefined>('last_seq');
      return Number(r?.last_seq ?? 0);
    },
    /** Events after `q.after` in seq order, filtered by type and agency. */
    async list(q: EventQuery): Promise<EventRecord[]> {
      const rows = await db<EventRow>('events')
        .where('seq', '>', q.after)
        .modify((b) => {
          if (q.upTo !== undefined) b.where('seq', '<=', q.upTo);
          if (q.types && q.types.length > 0) b.whereIn('type', [...q.types]);
          b.where((w) => {
            w.whereIn('agency_id', [...q.agencies]);
            if (q.agencyless) w.orWhereNull('agency_id');
          });
        })
        .orderBy('seq')
        .limit(q.limit);
      return rows.map(fromRow);
    },
    async get(seq: number): Promise<EventRecord | undefined> {
      const r = await db<EventRow>('events').where({ seq }).first();
      return r ? fromRow(r) : undefined;
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;

/** A CloudEvents 1.0 event in its JSON format (structured mode). */
export interface CloudEventJson {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  /** Extension (CloudEvents "sequence"): the feed's cursor, as a decimal string. */
  sequence: string;
  /** Extension: the agency whose subtree the event belongs to. */
  agencyid?: string;
  data: Record<string, unknown>;
}

/** The event as CloudEvents 1.0 JSON; instants in the Vietnam-offset form (ADR 0019). */
export function toCloudEvent(e: EventRecord): CloudEventJson {
  return {
    specversion: '1.0',
    id: e.id,
    source: e.source,
    type: e.type,
    ...(e.subject ? { subject: e.subject } : {}),
    time: vnInstant(e.time),
    datacontenttype: 'application/json',
    sequence: String(e.seq),
    ...(e.agencyId ? { agencyid: e.agencyId } : {}),
    data: withVnInstants(e.data) as Record<string, unknown>,
  };
}

/**
 * Waits for the feed head to move past a seq, for many waiters at once with one cheap query per
 * `intervalMs` while anyone waits (the SSE stream, the webhook fetch activity).
 */
export function createHeadWatcher(store: Pick<EventStore, 'head'>, intervalMs = 100) {
  let head = 0;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  const waiters = new Set<{ after: number; resolve: (h: number) => void }>();
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      head = Math.max(head, await store.head());
    } catch {
      /* a transient database error: next tick */
    } finally {
      busy = false;
    }
    for (const w of [...waiters])
      if (head > w.after) {
        waiters.delete(w);
        w.resolve(head);
      }
    if (waiters.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    /** The head once it is above `after`, or the head as last seen when `timeoutMs` passed (or `signal` aborted). */
    async waitBeyond(after: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
      head = Math.max(head, await store.head());
      if (head > after || timeoutMs <= 0) return head;
      return new Promise((resolve) => {
        // Settles once, by the head moving, the timeout or the signal; the timer and the abort listener go
        // with it (a long-lived caller waits many times on one signal: listeners must not pile up).
        const settle = (h: number) => {
          clearTimeout(t);
          signal?.removeEventListener('abort', done);
          resolve(h);
        };
        const w = { after, resolve: settle };
        waiters.add(w);
        const done = () => {
          if (waiters.delete(w)) settle(head);
        };
        const t = setTimeout(done, timeoutMs);
        t.unref();
        signal?.addEventListener('abort', done, { once: true });
        if (!timer) {
          timer = setInterval(() => void tick(), intervalMs);
          timer.unref();
        }
      });
    },
  };
}

export type HeadWatcher = ReturnType<typeof createHeadWatcher>;
