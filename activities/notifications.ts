/**
 * Notification delivery (issue 13.2, ADR 0025): the activities of deliverNotificationWorkflow and the
 * start of that workflow when a notification is recorded. A notification names roles (`agency_head`,
 * `case_officer`, …); the directory resolves them to people with their channels; each person ×
 * channel is a `notification_deliveries` row with its status, attempts and rendered message (in-app:
 * the person's inbox). Messages carry the case reference, the step, the due date and a link — never
 * the case's subject or a party (Luật Tố cáo 2018 Art 8(3)); logs carry ids only.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.js';
import { renderMessage, renderSms, type MessageContext } from '../notifications/templates.js';
import { PermanentDeliveryError, type EmailTransport, type SmsTransport } from '../notifications/transports.js';
import { caseWorkflowId, getCaseState, type CaseStateView } from '../workflows/contract.js';
import {
  DELIVER_NOTIFICATION_WORKFLOW,
  notificationWorkflowId,
  type DeliverNotificationResult,
  type DeliveryRetry,
  type NotificationStatus,
} from '../workflows/notification-contract.js';

export type Channel = 'email' | 'sms' | 'inapp';

/** A person a notification reaches (the directory's `resolveRecipients`). */
export interface Recipient {
  personId: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  channels: Channel[];
}

export type ResolveRecipients = (
  db: Db,
  q: { agencyId: string; to: readonly string[]; kind?: string },
) => Promise<Recipient[]>;

export interface NotificationActivityDeps {
  db: Db;
  logger: Logger;
  resolveRecipients: ResolveRecipients;
  /** Email over SMTP; without it the email channel is off (no email deliveries). */
  email?: EmailTransport | undefined;
  /** The SMS gateway; without it the SMS channel is off. */
  sms?: SmsTransport | undefined;
  /** Links in messages: `<publicBaseUrl>/v1/cases/<id>`. */
  publicBaseUrl: string;
  retry: DeliveryRetry;
}

/** A recorded notification as delivery reads it. */
interface StoredNotification {
  id: string;
  case_id: string | null;
  kind: string;
  recipients: string[];
  subject_kind: NotificationSubject['kind'];
  subject_id: string;
  agency_id: string | null;
  detail: Record<string, string | number | null>;
}

/** Kinds that announce a breached (or superseded) limit: their step and due date are the breach's. */
const BREACH_KIND = /breach|unprocessed/;

/**
 * Starts the delivery of a recorded notification, once: the workflow id is the notification's, and a
 * delivery already started (or finished) is left alone (REJECT_DUPLICATE: a retried recording never
 * sends twice).
 */
export async function startNotificationDelivery(
  client: Client,
  taskQueue: string,
  notificationId: string,
  retry: DeliveryRetry,
): Promise<void> {
  try {
    await client.workflow.start(DELIVER_NOTIFICATION_WORKFLOW, {
      taskQueue,
      workflowId: notificationWorkflowId(notificationId),
      args: [{ notificationId, retry }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}

/** The step and due instant a notification speaks of. */
function stepAndDue(
  kind: string,
  s: CaseStateView | null,
  fallbackStage: string | null,
): { step: string | null; dueAt: string | null; found: boolean } {
  if (s && BREACH_KIND.test(kind)) {
    const b = [...(s.breaches ?? [])].sort((x, y) => x.at.localeCompare(y.at)).at(-1);
    if (b) {
      const task = [...(s.tasks ?? [])].reverse().find((t) => t.nodeId === b.nodeId);
      // The limit ran out at the end of its due day (Vietnam time).
      return { step: task?.name ?? b.nodeId, dueAt: task?.dueAt ?? `${b.due}T23:59:59.999+07:00`, found: true };
    }
    return { step: s.stage, dueAt: s.nextDueAt ?? null, found: false };
  }
  return { step: s?.stage ?? fallbackStage, dueAt: s?.nextDueAt ?? null, found: true };
}

/** The case's live state (its workflow's query), or null when it cannot answer. */
async function liveState(caseId: string): Promise<CaseStateView | null> {
  try {
    const ctx = Context.current();
    return await ctx.client.workflow.getHandle(caseWorkflowId(caseId)).query(getCaseState);
  } catch {
    return null;
  }
}

function statusOver(statuses: NotificationStatus[]): NotificationStatus {
  if (statuses.length === 0) return 'failed';
  if (statuses.includes('queued')) return 'queued';
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('bounced')) return 'bounced';
  return 'sent';
}

/** The channels a deployment can send on: in-app always, email and SMS when their transport is configured. */
export const channelsEnabled =
  (t: { email?: unknown; sms?: unknown }) =>
  (c: Channel): boolean =>
    c === 'inapp' || (c === 'email' && !!t.email) || (c === 'sms' && !!t.sms);

/** What a notification is about: a case, or something else (a compliance task, a report, a hotspot…). */
export interface NotificationSubject {
  kind: 'case' | 'reception_compliance_task' | 'reception_period_task' | 'report' | 'hotspot';
  id: string;
}

/**
 * The delivery rows of one notification: one per person and enabled channel, each with its message rendered
 * for the recipient (the SMS text for SMS), carrying the notification's subject (`case_id` only for a case).
 */
export function deliveryRows(
  people: readonly Recipient[],
  enabled: (c: Channel) => boolean,
  at: { notificationId: string; subject: NotificationSubject },
  ctx: Omit<MessageContext, 'recipientName'>,
) {
  return people.flatMap((r) =>
    r.channels.filter(enabled).map((channel) => {
      const c: MessageContext = { ...ctx, recipientName: r.displayName };
      const m = renderMessage(c);
      return {
        id: `dlv-${randomUUID()}`,
        notification_id: at.notificationId,
        case_id: at.subject.kind === 'case' ? at.subject.id : null,
        subject_kind: at.subject.kind,
        subject_id: at.subject.id,
        person_id: r.personId,
        channel,
        address: channel === 'email' ? r.email : channel === 'sms' ? r.phone : null,
        subject: m.subject,
        body_text: channel === 'sms' ? renderSms(c) : m.text,
        body_html: m.html,
        link: ctx.link,
      };
    }),
  );
}

/** Activities of deliverNotificationWorkflow. */
export function createNotificationActivities(deps: NotificationActivityDeps) {
  const { db, logger } = deps;
  const enabled = channelsEnabled(deps);

  return {
    /**
     * Resolves the notification's recipients and writes one delivery per person and channel with its
     * rendered message (idempotent: a retry finds the rows). Answers the deliveries still queued.
     */
    async prepareNotificationDeliveries(p: {
      notificationId: string;
    }): Promise<{ deliveries: Array<{ id: string; channel: Channel }> }> {
      const n = await db('case_notifications')
        .where({ id: p.notificationId })
        .first<StoredNotification | undefined>(
          'id',
          'case_id',
          'kind',
          'recipients',
          'subject_kind',
          'subject_id',
          'agency_id',
          'detail',
        );
      if (!n) return { deliveries: [] };
      const existing = await db('notification_deliveries')
        .where({ notification_id: n.id })
        .select<Array<{ id: string; channel: Channel; status: string }>>('id', 'channel', 'status');
      if (existing.length === 0 && n.subject_kind !== 'case') {
        // Not about a case: the message is the notification's own detail; the agency's directory names the people.
        const people = await deps.resolveRecipients(db, { agencyId: n.agency_id!, to: n.recipients, kind: n.kind });
        const d = n.detail;
        const rows = deliveryRows(
          people,
          enabled,
          { notificationId: n.id, subject: { kind: n.subject_kind, id: n.subject_id } },
          {
            kind: n.kind,
            reference: String(d.reference ?? n.subject_id),
            step: null,
            dueAt: typeof d.dueAt === 'string' ? d.dueAt : null,
            link: `${deps.publicBaseUrl.replace(/\/+$/, '')}${String(d.path ?? '/')}`,
            agencyName: typeof d.agencyName === 'string' ? d.agencyName : null,
            detail: d,
          },
        );
        if (rows.length === 0) {
          await db('case_notifications').where({ id: n.id }).update({ reason: 'no_recipients' });
          logger.warn(
            { notificationId: n.id, subject: n.subject_kind },
            'notification reaches nobody in the directory',
          );
          return { deliveries: [] };
        }
        await db('notification_deliveries')
          .insert(rows)
          .onConflict(['notification_id', 'person_id', 'channel'])
          .ignore();
      } else if (existing.length === 0 && n.case_id) {
        const c = await db('cases')
          .where({ id: n.case_id })
          .first<{ reference: string; agency_id: string; stage: string } | undefined>(
            'reference',
            'agency_id',
            'stage',
          );
        if (!c) {
          await db('case_notifications').where({ id: n.id }).update({ reason: 'case_not_found' });
          return { deliveries: [] };
        }
        const row = await db('case_states')
          .where({ case_id: n.case_id })
          .first<{ state: CaseStateView } | undefined>('state');
        let at = stepAndDue(n.kind, row?.state ?? null, c.stage);
        // The breach's projection may not have landed yet (it runs beside the notification): ask the case.
        if (!at.found) {
          const live = await liveState(n.case_id);
          if (live) at = stepAndDue(n.kind, live, c.stage);
        }
        const people = await deps.resolveRecipients(db, { agencyId: c.agency_id, to: n.recipients, kind: n.kind });
        const link = `${deps.publicBaseUrl.replace(/\/+$/, '')}/v1/cases/${n.case_id}`;
        const rows = deliveryRows(
          people,
          enabled,
          { notificationId: n.id, subject: { kind: 'case', id: n.case_id } },
          { kind: n.kind, reference: c.reference, step: at.step, dueAt: at.dueAt, link },
        );
        if (rows.length === 0) {
          await db('case_notifications').where({ id: n.id }).update({ reason: 'no_recipients' });
          logger.warn(
            { notificationId: n.id, caseId: n.case_id, kind: n.kind },
            'notification reaches nobody in the directory',
          );
          return { deliveries: [] };
        }
        await db('notification_deliveries')
          .insert(rows)
          .onConflict(['notification_id', 'person_id', 'channel'])
          .ignore();
      }
      const all = await db('notification_deliveries')
        .where({ notification_id: n.id, status: 'queued' })
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .select<Array<{ id: string; channel: Channel }>>('id', 'channel');
      return { deliveries: all };
    },

    /**
     * One attempt at one delivery: counted, then sent. Sent → `sent`; refused for good → `bounced`
     * (answered, not thrown: no retry); any other failure is thrown and retried by Temporal.
     */
    async deliverNotification(p: { deliveryId: string }): Promise<{ status: NotificationStatus }> {
      const [d] = await db('notification_deliveries')
        .where({ id: p.deliveryId, status: 'queued' })
        .update({ attempts: db.raw('attempts + 1'), last_attempt_at: db.fn.now() })
        .returning<
          Array<{
            id: string;
            channel: Channel;
            address: string | null;
            subject: string;
            body_text: string;
            body_html: string;
          }>
        >(['id', 'channel', 'address', 'subject', 'body_text', 'body_html']);
      if (!d) {
        const now = await db('notification_deliveries')
          .where({ id: p.deliveryId })
          .first<{ status: NotificationStatus } | undefined>('status');
        return { status: now?.status ?? 'failed' };
      }
      try {
        if (d.channel === 'email') {
          if (!deps.email || !d.address) throw new PermanentDeliveryError('email channel not configured');
          await deps.email.send({
            to: d.address,
            subject: d.subject,
            text: d.body_text,
            html: d.body_html,
            messageId: `<${d.id}@kntc-flow>`,
          });
        } else if (d.channel === 'sms') {
          if (!deps.sms || !d.address) throw new PermanentDeliveryError('SMS channel not configured');
          await deps.sms.send({ to: d.address, text: d.body_text, id: d.id });
        }
      } catch (e) {
        const message = (e as Error).message.slice(0, 500);
        if (e instanceof PermanentDeliveryError) {
          await db('notification_deliveries').where({ id: d.id }).update({ status: 'bounced', last_error: message });
          logger.warn({ deliveryId: d.id, channel: d.channel }, 'notification bounced');
          return { status: 'bounced' };
        }
        // Only while still queued: an attempt that outlived the retry period must not overwrite the
        // reason the delivery was failed with (the workflow may have settled it meanwhile).
        await db('notification_deliveries').where({ id: d.id, status: 'queued' }).update({ last_error: message });
        logger.info({ deliveryId: d.id, channel: d.channel, err: message }, 'notification delivery failed; retrying');
        throw e;
      }
      await db('notification_deliveries').where({ id: d.id }).update({ status: 'sent', sent_at: db.fn.now() });
      return { status: 'sent' };
    },

    /** A delivery whose retry period ended: `failed`, with the reason. */
    async failNotificationDelivery(p: { deliveryId: string; reason: string }): Promise<void> {
      await db('notification_deliveries')
        .where({ id: p.deliveryId, status: 'queued' })
        .update({
          status: 'failed',
          last_error: db.raw("coalesce(last_error || ' — ', '') || ?", [p.reason.slice(0, 300)]),
        });
    },

    /**
     * The notification's status over its deliveries: `sent` when every one was sent, else `failed`
     * when one failed (or none could be made), else `bounced`; with the attempts made.
     */
    async settleNotification(p: { notificationId: string }): Promise<DeliverNotificationResult> {
      const rows = await db('notification_deliveries')
        .where({ notification_id: p.notificationId })
        .select<Array<{ status: NotificationStatus; attempts: number }>>('status', 'attempts');
      const status = statusOver(rows.map((r) => r.status));
      await db('case_notifications')
        .where({ id: p.notificationId })
        .update({
          status,
          attempts: rows.reduce((a, r) => a + r.attempts, 0),
          settled_at: db.fn.now(),
        });
      return { status, deliveries: rows.length };
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
