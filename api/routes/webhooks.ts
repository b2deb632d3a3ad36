/**
 * Webhook subscriptions of integrating systems (ADR 0026): CRUD (admins of the agency, audited), the
 * delivery log (admins and auditors) and manual redelivery. Each subscription has one long-lived
 * delivery workflow (`webhookDeliveryWorkflow`) reading the event outbox in order.
 */
import { z } from 'zod';
import { EVENT_TYPE_PATTERN, knownEventTypes } from '../../db/events.js';
import { deliveryResumePoint, type WebhookRecord } from '../../db/webhooks.js';
import { webhookUrlProblem } from '../../platform/webhook-url.js';
import {
  redeliverWebhook,
  WEBHOOK_WORKFLOW,
  webhookWorkflowId,
  type WebhookDeliveryInput,
} from '../../workflows/webhook-contract.js';
import { actorOf } from '../auth/principal.js';
import { shownUrl } from '../services/webhook-admin.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem, problems } from '../problem.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import type { Services } from '../routing/services.js';
import { AgencyId, Cursor, encodeCursor } from '../schemas.js';

const WebhookId = z.string().regex(/^wh_[0-9a-f]{16}$/);
const EventSeqParam = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number);
const DEFAULT_RETRY_S = 72 * 3600;
const DEFAULT_BACKOFF_S = 300;

const EventType = z.string().max(100).regex(EVENT_TYPE_PATTERN, 'an event type such as vn.kntc.case.started');
const Url = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .meta({ description: 'http(s) URL the events are POSTed to', example: 'https://portal.example.vn/hooks/kntc' });

const WebhookView = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z
      .string()
      .meta({ description: "The URL with its query values masked (`?token=…`): they may hold a receiver's token" }),
    eventTypes: z.array(z.string()),
    agencyId: z.string(),
    retryPeriodSeconds: z.number().int(),
    status: z.enum(['active', 'deleted']),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    links: z.object({ deliveries: z.string() }),
  })
  .meta({ id: 'Webhook' });
const WithSecret = WebhookView.extend({
  secret: z
    .string()
    .meta({ description: 'The signing secret (Standard Webhooks `whsec_…`): store it now, it is not shown again' }),
}).meta({ id: 'WebhookWithSecret' });

const Delivery = z
  .object({
    eventSeq: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    caseId: z.string().nullable(),
    status: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.number().int(),
    rounds: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    firstAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    deadAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
const Attempt = z
  .object({
    round: z.number().int(),
    attempt: z.number().int(),
    at: z.string(),
    durationMs: z.number().int(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'WebhookAttempt' });

const view = (w: WebhookRecord) => ({
  id: w.id,
  name: w.name,
  url: shownUrl(w.url),
  eventTypes: w.eventTypes,
  agencyId: w.agencyId,
  retryPeriodSeconds: w.retryPeriodSeconds,
  status: w.status,
  createdBy: w.createdBy,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
  links: { deliveries: `/v1/webhooks/${w.id}/deliveries` },
});
const deliveryView = (d: Awaited<ReturnType<Services['webhooks']['deliveries']>>[number]) => {
  const { subscriptionId: _s, eventSeq, ...rest } = d;
  return { eventSeq: String(eventSeq), ...rest };
};
/** The URL as audited: no query or fragment (a receiver's token may sit there). */
function checkUrl(deps: AppDeps, url: string): void {
  const p = webhookUrlProblem(url, { allowLocalhost: deps.webhooks?.allowLocalhost === true });
  if (p) throw problems.validation([{ path: 'url', message: p }]);
}

/** Starts the subscription's delivery workflow (a running one is kept), optionally with a redelivery signal. */
async function ensureWorkflow(services: Services, w: WebhookRecord, redeliver?: number): Promise<void> {
  const deps = services.deps;
  const resume = await deliveryResumePoint(deps.db, w);
  const input: WebhookDeliveryInput = {
    subscriptionId: w.id,
    after: resume.after,
    pending: resume.pending,
    retryPeriodSeconds: w.retryPeriodSeconds,
    maxBackoffSeconds: Math.min(deps.webhooks?.maxBackoffS ?? DEFAULT_BACKOFF_S, w.retryPeriodSeconds),
  };
  const opts = {
    workflowId: webhookWorkflowId(w.id),
    taskQueue: deps.taskQueue,
    args: [input] as [WebhookDeliveryInput],
  };
  if (redeliver === undefined)
    await deps.temporal.workflow.start(WEBHOOK_WORKFLOW, { ...opts, workflowIdConflictPolicy: 'USE_EXISTING' });
  else
    await deps.temporal.workflow.signalWithStart(WEBHOOK_WORKFLOW, {
      ...opts,
      signal: redeliverWebhook,
      signalArgs: [{ seq: redeliver }],
    });
}

const ADMINS = ['admin'] as const;
const READERS = ['auditor', 'admin'] as const;
const Params = z.object({ id: WebhookId });
const DeliveryParams = z.object({ id: WebhookId, eventSeq: EventSeqParam });

export const webhookRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'createWebhook',
    tags: ['Webhooks'],
    summary: 'Subscribe an integrating system to events (the signing secret is shown once)',
    description:
      "Events of the agency's subtree and of the given types (none: all; known: " +
      knownEventTypes().join(', ') +
      ') recorded from now on ' +
      'are POSTed to `url` as CloudEvents JSON, signed per the Standard Webhooks specification (`webhook-id` = the event id, ' +
      '`webhook-timestamp`, `webhook-signature`), in order per case, retried with exponential backoff for `retryPeriodSeconds` ' +
      '(then dead-lettered; see the delivery log). Only http(s) URLs; loopback, link-local and multicast hosts are refused.',
    auth: { roles: ADMINS, scope: { kind: 'body-agency', field: 'agencyId' } },
    request: {
      body: z
        .strictObject({
          name: z.string().trim().min(1).max(200),
          url: Url,
          eventTypes: z.array(EventType).max(50).default([]),
          agencyId: AgencyId,
          retryPeriodSeconds: z
            .number()
            .int()
            .min(10)
            .max(30 * 86_400)
            .optional()
            .meta({
              description:
                'How long a delivery is retried before it is dead-lettered (default WEBHOOK_RETRY_PERIOD: 72 h)',
            }),
        })
        .meta({ id: 'CreateWebhook' }),
      bodyExample: {
        name: 'Cổng dịch vụ công tỉnh',
        url: 'https://portal.example.vn/hooks/kntc',
        eventTypes: ['vn.kntc.case.closed'],
        agencyId: 'so-tnmt',
      },
    },
    responses: {
      201: { description: 'The subscription and its secret', schema: WithSecret },
      503: { description: 'Its delivery could not be started; nothing was created' },
    },
    handler: async ({ req, body, principal, services, requestId }) => {
      const deps = services.deps;
      checkUrl(deps, body.url);
      const { record, secret } = await services.webhookAdmin.create(
        {
          name: body.name,
          url: body.url,
          eventTypes: [...new Set(body.eventTypes)],
          agencyId: body.agencyId,
          retryPeriodSeconds: body.retryPeriodSeconds ?? deps.webhooks?.retryPeriodS ?? DEFAULT_RETRY_S,
        },
        actorOf(principal),
        requestId,
      );
      try {
        await ensureWorkflow(services, record);
      } catch (err) {
        await services.webhooks.remove(record.id);
        req.log.warn({ err, webhookId: record.id }, 'webhook delivery workflow could not be started');
        throw problems.unavailable(
          "The webhook's delivery could not be started; nothing was created. Retry the request.",
        );
      }
      return {
        status: 201,
        body: { ...view(record), secret },
        headers: { Location: `/v1/webhooks/${record.id}`, 'Cache-Control': 'no-store' },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhooks',
    tags: ['Webhooks'],
    summary: "List the webhook subscriptions of the caller's agency subtree",
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({ after: Cursor.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    },
    responses: {
      200: {
        description: 'Active subscriptions, newest first (never their secrets)',
        schema: z.object({ items: z.array(WebhookView), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const rows = await services.webhooks.list(subtree, {
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      return {
        body: {
          items: rows.map(view),
          next:
            rows.length === query.limit && last
              ? `/v1/webhooks?limit=${query.limit}&after=${encodeCursor({ k: last.sortKey, id: last.id })}`
              : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id',
    operationId: 'getWebhook',
    tags: ['Webhooks'],
    summary: 'A webhook subscription',
    auth: { roles: READERS, scope: { kind: 'webhook', param: 'id' } },
    request: { params: Params },
    responses: { 200: { description: 'The subscription (never its secret)', schema: WebhookView } },
    handler: async ({ params, services }) => ({ body: view((await services.webhooks.get(params.id))!) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/webhooks/:id',
    operationId: 'updateWebhook',
    tags: ['Webhooks'],
    summary: "Change a subscription's name, URL or event types, or rotate its secret (the new one is shown once)",
    auth: { roles: ADMINS, scope: { kind: 'webhook', param: 'id' } },
    request: {
      params: Params,
      body: z
        .strictObject({
          name: z.string().trim().min(1).max(200).optional(),
          url: Url.optional(),
          eventTypes: z.array(EventType).max(50).optional(),
          rotateSecret: z
            .boolean()
            .optional()
            .meta({ description: 'Replace the signing secret; deliveries from now on are signed with the new one' }),
        })
        .refine((b) => Object.keys(b).length > 0, 'give at least one field to change')
        .meta({ id: 'UpdateWebhook' }),
      bodyExample: { eventTypes: ['vn.kntc.case.started', 'vn.kntc.case.closed'] },
    },
    responses: {
      200: {
        description: 'The subscription (with `secret` when it was rotated)',
        schema: WebhookView.extend({ secret: z.string().optional() }),
      },
      409: { description: 'The subscription was deleted' },
    },
    handler: async ({ params, body, principal, services, requestId }) => {
      if (body.url !== undefined) checkUrl(services.deps, body.url);
      const patch = { ...body, ...(body.eventTypes ? { eventTypes: [...new Set(body.eventTypes)] } : {}) };
      const r = await services.webhookAdmin.update(params.id, patch, actorOf(principal), requestId);
      if (!r)
        throw new HttpProblem(
          409,
          'webhook-deleted',
          'The subscription was deleted',
          `Webhook ${params.id} was deleted`,
        );
      return {
        body: { ...view(r.after), ...(r.secret ? { secret: r.secret } : {}) },
        headers: { 'Cache-Control': 'no-store' },
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/webhooks/:id',
    operationId: 'deleteWebhook',
    tags: ['Webhooks'],
    summary: 'Delete a subscription (its delivery stops; the delivery log stays)',
    auth: { roles: ADMINS, scope: { kind: 'webhook', param: 'id' } },
    request: { params: Params },
    responses: { 204: { description: 'Deleted (also when it already was)' } },
    handler: async ({ res, params, principal, services, requestId }) => {
      await services.webhookAdmin.remove(params.id, actorOf(principal), requestId);
      res.status(204).end();
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    tags: ['Webhooks'],
    summary: 'The delivery log of a subscription (status, attempts, last status code), in feed order',
    auth: { roles: READERS, scope: { kind: 'webhook', param: 'id' } },
    request: {
      params: Params,
      query: z.strictObject({
        status: z.enum(['pending', 'delivered', 'dead']).optional(),
        after: EventSeqParam.optional().meta({ description: "The `eventSeq` of the previous page's last delivery" }),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: {
      200: {
        description: 'Deliveries; `next` is the URL of the following page',
        schema: z.object({ items: z.array(Delivery), next: z.string().nullable() }),
      },
    },
    handler: async ({ params, query, services }) => {
      const rows = await services.webhooks.deliveries(params.id, {
        status: query.status,
        after: query.after,
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      const more = new URLSearchParams({
        limit: String(query.limit),
        ...(query.status ? { status: query.status } : {}),
        after: String(last?.eventSeq ?? ''),
      });
      return {
        body: {
          items: rows.map(deliveryView),
          next: rows.length === query.limit && last ? `/v1/webhooks/${params.id}/deliveries?${more.toString()}` : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id/deliveries/:eventSeq',
    operationId: 'getWebhookDelivery',
    tags: ['Webhooks'],
    summary: 'One delivery with every attempt (time, duration, status code or error)',
    auth: { roles: READERS, scope: { kind: 'webhook', param: 'id' } },
    request: { params: DeliveryParams },
    responses: {
      200: {
        description: 'The delivery and its attempts',
        schema: Delivery.extend({ attemptLog: z.array(Attempt) }).meta({ id: 'WebhookDeliveryDetail' }),
      },
    },
    handler: async ({ params, services }) => {
      const d = await services.webhooks.delivery(params.id, params.eventSeq);
      if (!d)
        throw new HttpProblem(
          404,
          'not-found',
          'Not found',
          `Delivery of event ${params.eventSeq} by webhook ${params.id} not found`,
        );
      return { body: { ...deliveryView(d), attemptLog: await services.webhooks.attempts(params.id, params.eventSeq) } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/deliveries/:eventSeq/redeliver',
    operationId: 'redeliverWebhook',
    tags: ['Webhooks'],
    summary: 'Deliver an event again (e.g. a dead-lettered one once the receiver is fixed): a new round of attempts',
    description:
      "The delivery goes back to `pending` and joins the end of its case's queue with a fresh retry period. The event keeps its id " +
      '(`webhook-id`), so a receiver that had it already can recognise it. Audited.',
    auth: { roles: ADMINS, scope: { kind: 'webhook', param: 'id' } },
    request: { params: DeliveryParams },
    responses: {
      202: { description: 'Queued again', schema: Delivery },
      409: { description: 'The subscription was deleted' },
    },
    handler: async ({ params, principal, services, requestId }) => {
      const w = (await services.webhooks.get(params.id))!;
      if (w.status === 'deleted')
        throw new HttpProblem(
          409,
          'webhook-deleted',
          'The subscription was deleted',
          `Webhook ${params.id} was deleted`,
        );
      const d = await services.webhookAdmin.reopen(params.id, params.eventSeq, actorOf(principal), requestId);
      if (!d)
        throw new HttpProblem(
          404,
          'not-found',
          'Not found',
          `Delivery of event ${params.eventSeq} by webhook ${params.id} not found`,
        );
      await ensureWorkflow(services, w, params.eventSeq);
      return { status: 202, body: deliveryView(d) };
    },
  }),
];
