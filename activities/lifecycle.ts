/**
 * Activities of the built-in statutory lifecycles (ADR 0007, processes/builtin/build.ts ACTIVITY):
 * case events, document records, flags, notifications, warnings and the two pure legal checks.
 * Each is a service-task activity `(mapped input, context)`; writes are idempotent under retries,
 * keyed by (case, `nodeId:tokenId` of the interpreter's {@link ServiceTaskContext}): token ids are
 * deterministic per case, so a retried or replayed call lands on the row it already wrote.
 *
 * Personal data never reaches these tables: recipients are role names or opaque party
 * references, free text is dropped, and nothing naming the denouncer is kept
 * (Luật Tố cáo 2018 Art 8(3)).
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { appendAudit, SYSTEM_ACTOR } from '../db/audit.js';
import { lockCaseFacts } from '../db/case-facts-lock.js';
import type { Db } from '../db/knex.js';
import { complaintLimitation, validateRepresentatives } from '../processes/builtin/index.js';
import { addDays, computeDeadline, isIsoDate, type CalendarSnapshot } from '../workflows/clock/index.js';
import type { ServiceTaskContext } from '../workflows/contract.js';
import type { JsonValue } from '../workflows/engine/index.js';
import { vnDate } from '../workflows/clock/vn-time.js';
import { calendarServiceFor } from '../calendar/service.js';

export interface LifecycleActivityDeps {
  db: Db;
  logger: Logger;
  /** Calendar for the limitation check; default: the shared calendar service of `db`. */
  calendar?: (from: string, to: string) => Promise<CalendarSnapshot>;
  /**
   * Starts the delivery of a recorded notification (ADR 0025), before recordNotification completes:
   * a crash after the row is written retries the activity, which starts it then. Unset: recorded only.
   */
  startDelivery?: (notificationId: string) => Promise<void>;
}

type Input = Record<string, JsonValue>;

/** Opaque codes and references only: no spaces, bounded (drops free text that could name people). */
const CODE = /^[\p{L}\p{N}_./:#-]{1,120}$/u;
/** Keys never stored, whatever their value (the denouncer's identity, Luật Tố cáo 2018 Art 8(3)). */
const FORBIDDEN_KEY = /denouncer|name|address|phone|email|identity|cccd|cmnd/i;

function keyOf(
  ctx: ServiceTaskContext | undefined,
  activity: string,
): { caseId: string; idemKey: string; nodeId: string | null } {
  if (!ctx?.caseId || !ctx.tokenId) {
    throw ApplicationFailure.nonRetryable(
      `${activity} needs the service-task context (caseId, tokenId)`,
      'MissingContext',
    );
  }
  return { caseId: ctx.caseId, idemKey: `${ctx.nodeId}:${ctx.tokenId}`, nodeId: ctx.nodeId ?? null };
}

/** A YYYY-MM-DD date or null; anything else is a non-retryable bad input. */
function dateOrNull(v: JsonValue | undefined, field: string): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string' && isIsoDate(v.slice(0, 10))) return v.slice(0, 10);
  throw ApplicationFailure.nonRetryable(`${field} must be a YYYY-MM-DD date, got ${JSON.stringify(v)}`, 'InvalidDate');
}

/** Role names / party references: strings that look like codes; others are dropped. */
function refs(v: JsonValue | undefined): string[] {
  const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string' && CODE.test(x) && !/^denouncer.+/i.test(x));
}

/** Extra inputs kept as detail: booleans, numbers, codes and lists of codes under allowed keys. */
function safeDetail(input: Input, skip: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(input)) {
    if (skip.includes(k) || FORBIDDEN_KEY.test(k)) continue;
    if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
    else if (typeof v === 'string' && CODE.test(v)) out[k] = v;
    else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && CODE.test(x))) out[k] = v;
  }
  return out;
}

/** The workflow-side day of the call: the activity's scheduled time (skipped time in tests), else now. */
function today(): string {
  try {
    return vnDate(Context.current().info.currentAttemptScheduledTimestampMs);
  } catch {
    return vnDate(Date.now());
  }
}

/** Lifecycle activities over the database (spread into createActivities after the generic ones). */
export function createLifecycleActivities(deps: LifecycleActivityDeps) {
  const { db, logger } = deps;
  const calendar = deps.calendar ?? ((from: string, to: string) => calendarServiceFor(db).snapshot(from, to));

  /**
   * Inserts a case event or warning once and, in the same transaction, the audit entry that shows it
   * in the case's timeline (ADR 0019); a retried call finds its row and writes nothing.
   */
  async function recordOnce(
    row: Record<string, unknown> & { case_id: string; idem_key: string; kind: string; name: string },
    legalBasis: string | null,
  ): Promise<{ name: string; occurred_on: string }> {
    return db.transaction(async (trx) => {
      const inserted = await trx('case_events')
        .insert(row)
        .onConflict(['case_id', 'idem_key'])
        .ignore()
        .returning(['name', 'occurred_on', 'node_id', 'message']);
      const fresh = inserted[0] as
        { name: string; occurred_on: string | null; node_id: string | null; message: string | null } | undefined;
      if (fresh) {
        await appendAudit(
          trx,
          {
            actor: SYSTEM_ACTOR,
            action: row.kind === 'warning' ? 'case.warning_recorded' : 'case.event_recorded',
            caseId: row.case_id,
            after: {
              kind: row.kind,
              name: fresh.name,
              on: fresh.occurred_on,
              nodeId: fresh.node_id,
              ...(fresh.message === null ? {} : { message: fresh.message }),
            },
            legalBasis,
          },
          trx,
        );
      }
      return (await trx('case_events')
        .where({ case_id: row.case_id, idem_key: row.idem_key })
        .first('name', 'occurred_on')) as { name: string; occurred_on: string };
    });
  }

  async function insertOnce<T>(
    table: string,
    row: Record<string, unknown>,
    caseId: string,
    idemKey: string,
  ): Promise<T> {
    await db(table).insert(row).onConflict(['case_id', 'idem_key']).ignore();
    return db(table).where({ case_id: caseId, idem_key: idemKey }).first() as Promise<T>;
  }

  async function recordNotification(
    input: Input,
    ctx?: ServiceTaskContext,
  ): Promise<{ notificationId: string; to: string[] }> {
    const k = keyOf(ctx, 'recordNotification');
    const kind = typeof input.kind === 'string' && CODE.test(input.kind) ? input.kind : 'notice';
    const to = refs(input.to ?? input.recipients);
    const row = await insertOnce<{ id: string; recipients: string[] }>(
      'case_notifications',
      {
        id: `ntf-${randomUUID()}`,
        case_id: k.caseId,
        idem_key: k.idemKey,
        node_id: k.nodeId,
        kind,
        recipients: to,
      },
      k.caseId,
      k.idemKey,
    );
    logger.debug({ caseId: k.caseId, kind, notificationId: row.id }, 'notification recorded');
    if (deps.startDelivery) await deps.startDelivery(row.id);
    return { notificationId: row.id, to: row.recipients };
  }

  return {
    /** Records a named case event (`on`: its date; null = the day the node is reached). */
    async recordCaseEvent(input: Input, ctx?: ServiceTaskContext): Promise<{ event: string; on: string }> {
      const k = keyOf(ctx, 'recordCaseEvent');
      if (typeof input.event !== 'string' || !CODE.test(input.event))
        throw ApplicationFailure.nonRetryable('recordCaseEvent needs an event name', 'InvalidInput');
      const on = dateOrNull(input.on, 'on') ?? today();
      const row = await recordOnce(
        {
          case_id: k.caseId,
          idem_key: k.idemKey,
          kind: 'case_event',
          name: input.event,
          occurred_on: on,
          node_id: k.nodeId,
        },
        typeof input.legalBasis === 'string' ? input.legalBasis.slice(0, 1000) : null,
      );
      return { event: row.name, on: row.occurred_on };
    },

    /**
     * Records a notice or decision: type, legal basis, recipients (roles / references), issued,
     * sent and received dates (spec §3.10: a decision needs issuance and receipt dates).
     */
    async recordDocument(
      input: Input,
      ctx?: ServiceTaskContext,
    ): Promise<{ documentId: string; type: string; kind: string }> {
      const k = keyOf(ctx, 'recordDocument');
      const type = input.type ?? input.kind;
      if (typeof type !== 'string' || !CODE.test(type))
        throw ApplicationFailure.nonRetryable('recordDocument needs a document type', 'InvalidInput');
      const reference = typeof input.number === 'string' && CODE.test(input.number) ? input.number : null;
      const row = await insertOnce<{ id: string; type: string }>(
        'case_documents',
        {
          id: `doc-${randomUUID()}`,
          case_id: k.caseId,
          idem_key: k.idemKey,
          node_id: k.nodeId,
          type,
          legal_basis: typeof input.legalBasis === 'string' ? input.legalBasis.slice(0, 1000) : null,
          reference,
          recipients: refs(input.recipients ?? input.to),
          issued_on: dateOrNull(input.issuedOn, 'issuedOn'),
          sent_on: dateOrNull(input.sentOn, 'sentOn'),
          received_on: dateOrNull(input.receivedOn, 'receivedOn'),
          detail: JSON.stringify(
            safeDetail(input, [
              'type',
              'kind',
              'legalBasis',
              'number',
              'recipients',
              'to',
              'issuedOn',
              'sentOn',
              'receivedOn',
            ]),
          ),
        },
        k.caseId,
        k.idemKey,
      );
      return { documentId: row.id, type: row.type, kind: row.type };
    },

    /** Sets a case flag (overdue, mass_case, suspended, ...) and returns its value. */
    async setCaseFlag(input: Input, ctx?: ServiceTaskContext): Promise<{ flag: string; value: JsonValue }> {
      const k = keyOf(ctx, 'setCaseFlag');
      if (typeof input.flag !== 'string' || !CODE.test(input.flag))
        throw ApplicationFailure.nonRetryable('setCaseFlag needs a flag name', 'InvalidInput');
      const value = input.value === undefined ? true : input.value;
      const flag = input.flag;
      // One transaction, in the projection's lock order (ADR 0034, session 11): the case's case_states row first
      // (when projected already), then case_flags, whose case_facts trigger takes the case's facts lock. A breach
      // flow's first step is this activity, launched beside the breach's projection, which holds the row and the
      // facts lock and writes case_flags last (markOverdue): writing case_flags first deadlocked with it (40P01).
      await db.transaction(async (trx) => {
        const projected = await trx('case_states').where({ case_id: k.caseId }).forUpdate().select('case_id');
        // Not projected yet (an imported case whose first projection already shows a breach): the case's facts
        // lock (the case_facts trigger's, migration 20261205050000) first instead, which that projection's insert
        // waits for, so it never holds the lock while waiting for this flag row.
        if (projected.length === 0) await lockCaseFacts(trx, k.caseId);
        // Last write wins per flag; the same (node, token) re-sets the same value, so retries are harmless.
        await trx('case_flags')
          .insert({ case_id: k.caseId, flag, value: JSON.stringify(value), idem_key: k.idemKey })
          .onConflict(['case_id', 'flag'])
          .merge({ value: JSON.stringify(value), idem_key: k.idemKey, set_at: trx.fn.now() });
        // The search filters `overdue` on the indexed read-model column: keep it in step (sticky, like
        // the projection's); a no-op when the breach's projection set it already.
        if (flag === 'overdue' && value === true)
          await trx('case_states').where({ case_id: k.caseId, overdue: false }).update({ overdue: true });
      });
      return { flag, value };
    },

    recordNotification,
    /** The generic `notify` of simple definitions, persisted like recordNotification. */
    async notify(input: Input, ctx?: ServiceTaskContext): Promise<{ notificationId: string; to: JsonValue }> {
      const r = await recordNotification({ ...input, to: input.to ?? null }, ctx);
      return { notificationId: r.notificationId, to: input.to ?? null };
    },

    /** Records an assumption or warning on the case (e.g. the stricter acceptance unit). */
    async recordWarning(input: Input, ctx?: ServiceTaskContext): Promise<{ warning: string }> {
      const k = keyOf(ctx, 'recordWarning');
      const message = typeof input.message === 'string' ? input.message.slice(0, 1000) : 'warning';
      await recordOnce(
        {
          case_id: k.caseId,
          idem_key: k.idemKey,
          kind: 'warning',
          name: k.nodeId ?? 'warning',
          occurred_on: today(),
          node_id: k.nodeId,
          message,
        },
        typeof input.legalBasis === 'string' ? input.legalBasis.slice(0, 1000) : null,
      );
      logger.warn({ caseId: k.caseId, nodeId: k.nodeId }, message);
      return { warning: message };
    },

    /** Representatives of several signers (Luật Tiếp công dân 2013 Art 29; KN Art 8(4)-(5)); mass case >= 5. */
    async checkRepresentatives(
      input: Input,
      _ctx?: ServiceTaskContext,
    ): Promise<{ ok: boolean; massCase: boolean; errors: string[]; allowed: { min: number; max: number } }> {
      const list = (v: JsonValue | undefined) =>
        Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      const count =
        typeof input.signerCount === 'number' && Number.isInteger(input.signerCount) ? input.signerCount : undefined;
      const r = validateRepresentatives(list(input.signers), list(input.representatives), count);
      return { ok: r.ok, massCase: r.massCase, allowed: r.allowed, errors: r.ok ? [] : r.errors.map((e) => e.message) };
    },

    /** Complaint limitation (KN Art 9, 90 days with tolling); no known date -> not expired, due null. */
    async checkComplaintLimitation(
      input: Input,
      _ctx?: ServiceTaskContext,
    ): Promise<{ expired: boolean; due: string | null; legalBasis: string }> {
      const knownOn = dateOrNull(input.knownOn, 'knownOn');
      const lodgedOn = dateOrNull(input.lodgedOn, 'lodgedOn') ?? today();
      if (!knownOn) return { expired: false, due: null, legalBasis: 'Luật Khiếu nại 2011 Art 9' };
      const tolledDays = typeof input.tolledDays === 'number' ? input.tolledDays : 0;
      const cal = await calendar(addDays(knownOn, -31), addDays(knownOn, 400 + Math.max(0, tolledDays)));
      const r = complaintLimitation({ knownOn, lodgedOn, tolledDays }, cal);
      return { expired: r.expired, due: r.due, legalBasis: r.legalBasis };
    },

    /**
     * A statutory limit on the agency calendar for a definition's own check (K6 second-complaint window,
     * K11a meeting notice): the start day not counted (BLDS 2015 Art 147), a calendar-day limit rolled
     * forward off a rest day or holiday (Art 148(5)). No start date -> due null.
     */
    async computeDeadline(input: Input, _ctx?: ServiceTaskContext): Promise<{ due: string | null }> {
      const start = dateOrNull(input.start, 'start');
      if (!start) return { due: null };
      const amount = input.amount;
      const unit = input.unit;
      if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1 || amount > 366) {
        throw ApplicationFailure.nonRetryable(
          `amount must be an integer 1..366, got ${JSON.stringify(amount)}`,
          'InvalidAmount',
        );
      }
      if (unit !== 'calendar_days' && unit !== 'working_days') {
        throw ApplicationFailure.nonRetryable(
          `unit must be calendar_days or working_days, got ${JSON.stringify(unit)}`,
          'InvalidUnit',
        );
      }
      const cal = await calendar(addDays(start, -31), addDays(start, 3 * amount + 60));
      return { due: computeDeadline({ start, amount, unit }, cal).due };
    },
  };
}

export type LifecycleActivities = ReturnType<typeof createLifecycleActivities>;
