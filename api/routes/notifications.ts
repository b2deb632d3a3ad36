/**
 * Notifications (issue 13.2, ADR 0025): what was sent about a case, to whom and how it went; and each
 * person's in-app inbox. The inbox is the caller's own (person = the token's `sub`): nobody reads or
 * marks another person's messages, whatever their roles (another's message answers 404).
 */
import { z } from 'zod';
import { notFound } from '../auth/errors.js';
import { ROLES } from '../auth/principal.js';
import { vnInstant } from '../../workflows/clock/vn-time.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { CaseId } from '../schemas.js';

const Status = z.enum(['queued', 'sent', 'failed', 'bounced']);
const Channel = z.enum(['email', 'sms', 'inapp']);
const DeliveryId = z
  .string()
  .regex(/^dlv-[0-9a-f-]{36}$/)
  .meta({ description: 'Message id (`dlv-…`)', example: 'dlv-0b6f3b4e-1234-4000-8000-000000000001' });

const Delivery = z
  .object({
    id: z.string(),
    personId: z.string().meta({ description: 'The recipient (directory person id = identity provider `sub`)' }),
    channel: Channel,
    address: z
      .string()
      .nullable()
      .meta({ description: 'The email address or phone number, masked (`g***@so-tnmt.gov.vn`); null in-app' }),
    status: Status,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'NotificationDelivery' });

const CaseNotification = z
  .object({
    id: z.string(),
    kind: z.string().meta({ description: '`deadline_breach`, `mass_case_received`, …' }),
    nodeId: z.string().nullable().meta({ description: 'The step of the definition that recorded it' }),
    recipients: z.array(z.string()).meta({ description: 'Whom the definition names (roles)' }),
    status: Status.meta({
      description:
        '`queued` until every delivery settled; then `sent` (all sent), `failed` (one failed after its retry period, or nobody to reach: see `reason`), `bounced` (one refused for good)',
    }),
    attempts: z.number().int().meta({ description: 'Delivery attempts over all deliveries' }),
    reason: z.string().nullable().meta({ description: '`no_recipients` when the directory names nobody reachable' }),
    recordedAt: z.string(),
    settledAt: z.string().nullable(),
    deliveries: z.array(Delivery),
  })
  .meta({ id: 'CaseNotification' });

const InboxItem = z
  .object({
    id: DeliveryId,
    caseId: z.string().nullable().meta({ description: 'The case the message is about; null when it is not a case' }),
    about: z
      .object({
        kind: z.enum(['case', 'reception_compliance_task', 'reception_period_task', 'report', 'hotspot']),
        id: z.string(),
      })
      .meta({
        description:
          'What the message is about: a case, a reception compliance task, a report, a hotspot (GET /v1/hotspots/{id})…',
      }),
    notificationId: z.string(),
    kind: z.string(),
    subject: z.string(),
    text: z.string(),
    link: z.string().nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
    read: z.boolean(),
  })
  .meta({ id: 'InboxItem' });

const iso = (d: unknown): string | null =>
  d instanceof Date ? vnInstant(d) : typeof d === 'string' ? vnInstant(d) : null;

/** `giam-doc@so-tnmt.gov.vn` → `g***@so-tnmt.gov.vn`; `+84901234567` → `+849*****567`. */
export function maskAddress(a: string | null, channel: string): string | null {
  if (!a) return null;
  if (channel === 'email') {
    const at = a.lastIndexOf('@');
    return at > 0 ? `${a[0]}***${a.slice(at)}` : '***';
  }
  return a.length > 6 ? `${a.slice(0, 4)}${'*'.repeat(a.length - 7)}${a.slice(-3)}` : '***';
}

type Row = Record<string, unknown>;
function inboxItem(r: Row): z.infer<typeof InboxItem> {
  return {
    id: r.id as string,
    caseId: (r.case_id as string | null) ?? null,
    about: { kind: r.subject_kind as z.infer<typeof InboxItem>['about']['kind'], id: r.subject_id as string },
    notificationId: r.notification_id as string,
    kind: r.kind as string,
    subject: r.subject as string,
    text: r.body_text as string,
    link: (r.link as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    readAt: iso(r.read_at),
    read: r.read_at !== null,
  };
}

export const notificationRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/cases/:id/notifications',
    operationId: 'listCaseNotifications',
    tags: ['Cases'],
    summary: 'The notifications of a case: status, attempts and each delivery (person × channel)',
    description:
      'Every notification the case recorded (a breached deadline, a mass case, …), newest first, with its delivery status and the ' +
      'deliveries to the people the directory named: channel, masked address, status, attempts, last error (ADR 0025).',
    auth: { roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin'], scope: { kind: 'case', param: 'id' } },
    request: { params: z.object({ id: CaseId }) },
    responses: {
      200: { description: "The case's notifications", schema: z.object({ items: z.array(CaseNotification) }) },
    },
    handler: async ({ case: c, services }) => {
      const { notifications: ns, deliveries: ds } = await services.notifications.ofCase(c.id);
      const items = ns.map((n: Row) => {
        const mine = ds.filter((d: Row) => d.notification_id === n.id);
        return {
          id: n.id as string,
          kind: n.kind as string,
          nodeId: (n.node_id as string | null) ?? null,
          recipients: n.recipients as string[],
          status: n.status as z.infer<typeof Status>,
          attempts: Math.max(
            Number(n.attempts),
            mine.reduce((a: number, d: Row) => a + Number(d.attempts), 0),
          ),
          reason: (n.reason as string | null) ?? null,
          recordedAt: iso(n.recorded_at)!,
          settledAt: iso(n.settled_at),
          deliveries: mine.map((d: Row) => ({
            id: d.id as string,
            personId: d.person_id as string,
            channel: d.channel as z.infer<typeof Channel>,
            address: maskAddress(d.address as string | null, d.channel as string),
            status: d.status as z.infer<typeof Status>,
            attempts: Number(d.attempts),
            lastError: (d.last_error as string | null) ?? null,
            lastAttemptAt: iso(d.last_attempt_at),
            sentAt: iso(d.sent_at),
          })),
        };
      });
      return { body: { items } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/me/notifications',
    operationId: 'listMyNotifications',
    tags: ['Notifications'],
    summary: 'My in-app inbox: the notifications sent to me, newest first',
    description:
      "The caller's own messages (person = the token's `sub`; an API key has no inbox). `unread=true`: only those not yet marked read.",
    auth: { roles: ROLES, scope: { kind: 'none' } },
    request: {
      query: z.strictObject({
        unread: z.enum(['true', 'false']).optional().meta({ description: '`true`: unread messages only' }),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: {
        description: 'The messages, and how many are unread',
        schema: z.object({ items: z.array(InboxItem), unread: z.number().int() }),
      },
    },
    handler: async ({ query, principal, services }) => {
      if (principal.type !== 'user') return { body: { items: [], unread: 0 } };
      const { rows, unread } = await services.notifications.inbox(principal.id, {
        unreadOnly: query.unread === 'true',
        limit: query.limit,
      });
      return { body: { items: rows.map(inboxItem), unread } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/me/notifications/:id/read',
    operationId: 'markMyNotificationRead',
    tags: ['Notifications'],
    summary: 'Mark one of my messages read',
    description:
      "Idempotent: a message already read keeps the time it was first read. Another person's message answers 404.",
    auth: { roles: ROLES, scope: { kind: 'none' } },
    request: { params: z.object({ id: DeliveryId }) },
    responses: {
      200: { description: 'The message, read', schema: InboxItem },
      404: { description: 'No such message of yours' },
    },
    handler: async ({ params, principal, services }) => {
      if (principal.type !== 'user') throw notFound('The message');
      const row = await services.notifications.markRead(principal.id, params.id);
      if (!row) throw notFound('The message');
      return { body: inboxItem(row) };
    },
  }),
];
