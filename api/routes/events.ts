/**
 * The event feed (ADR 0026): the transactional outbox read by cursor (`GET /v1/events`) or as a
 * Server-Sent Events stream (`GET /v1/events/stream`), CloudEvents 1.0 JSON, within the caller's
 * agency subtree. The cursor is the events' `sequence`: gap-free in commit order, so a reader that
 * resumes after the last sequence it processed misses nothing and sees nothing twice.
 */
import type { Response } from 'express';
import { z } from 'zod';
import { EVENT_TYPE_PATTERN, knownEventTypes, toCloudEvent, type EventRecord } from '../../db/events.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';

const READERS = ['intake', 'officer', 'supervisor', 'auditor', 'admin'] as const;

export const CloudEvent = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().meta({ description: 'Event id (UUID); also the `webhook-id` of its webhook deliveries' }),
    source: z.string().meta({ description: '`/kntc-flow/agencies/<agencyId>`' }),
    type: z.string().meta({ description: 'e.g. `vn.kntc.case.started`' }),
    subject: z.string().optional().meta({ description: '`cases/<caseId>`' }),
    time: z.string().meta({ description: 'When it happened (Vietnam offset)' }),
    datacontenttype: z.literal('application/json'),
    sequence: z
      .string()
      .meta({ description: 'The feed cursor (CloudEvents sequence extension): pass it as `after` to read on' }),
    agencyid: z.string().optional(),
    data: z
      .record(z.string(), z.unknown())
      .meta({ description: "References only (case id and reference, task, rule, dates): never a party's identity" }),
  })
  .meta({ id: 'CloudEvent' });

const Seq = z
  .string()
  .regex(/^\d{1,15}$/, 'a sequence number (digits)')
  .transform(Number);
const Types = z
  .string()
  .max(2000)
  .transform((s, ctx) => {
    const list = s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    for (const t of list) {
      if (!EVENT_TYPE_PATTERN.test(t))
        ctx.addIssue({ code: 'custom', message: `${t.slice(0, 80)} is not an event type (vn.kntc.<area>.<what>)` });
    }
    if (list.length > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 types' });
    return list;
  })
  .meta({ description: `Comma-separated event types (default: all). Known: ${knownEventTypes().join(', ')}` });

const sse = (e: EventRecord) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(toCloudEvent(e))}\n\n`;

/** Writes `chunk`, waiting for the socket to drain when its buffer is full. */
async function write(res: Response, chunk: string): Promise<void> {
  if (res.write(chunk)) return;
  await new Promise<void>((r) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      r();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export const eventRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/events',
    operationId: 'listEvents',
    tags: ['Events'],
    summary: "Read the event feed after a cursor (CloudEvents 1.0, the caller's agency subtree)",
    description:
      'Events in the order they were recorded: case started, task opened/claimed/completed, clock breached, legal event, case closed ' +
      "(and types other modules add). Each event was recorded in the same transaction as the state it announces. Pass the answer's `next` " +
      'as `after` to read on (it moves past events filtered out, so an empty page still advances); a reader resuming after the last sequence ' +
      'it processed misses nothing. `vn.kntc.clock.breached` data: `nodeId`, `ruleId`, `due`, `legalBasis`, and for a breach recorded ' +
      'when a case was imported with its deadline already past `imported: true` and `escalated: false` (backdated: no escalation ' +
      'was raised); a live breach has neither.',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        after: Seq.optional().meta({
          description: 'Cursor: the `sequence` of the last event processed (default 0: from the start)',
        }),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        type: Types.optional(),
      }),
    },
    responses: {
      200: {
        description: 'Events after the cursor, oldest first; `next` is the cursor to read on from',
        schema: z
          .object({
            items: z.array(CloudEvent),
            next: z.string(),
            head: z.string().meta({ description: 'The latest sequence recorded' }),
          })
          .meta({ id: 'EventPage' }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const after = query.after ?? 0;
      const head = await services.events.head();
      const items = await services.events.list({
        after,
        upTo: head,
        limit: query.limit,
        types: query.type,
        agencies: subtree,
      });
      const last = items[items.length - 1];
      const next = items.length === query.limit && last ? last.seq : Math.max(after, head);
      return { body: { items: items.map(toCloudEvent), next: String(next), head: String(head) } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/events/stream',
    operationId: 'streamEvents',
    tags: ['Events'],
    summary: 'The event feed as Server-Sent Events (resume with Last-Event-ID)',
    description:
      "A `text/event-stream` of the same events as GET /v1/events: each message has `id` = the event's sequence, `event` = its type and " +
      '`data` = the CloudEvent JSON. Resumes after the `Last-Event-ID` header (EventSource sends it on reconnection) or `after`. Events filtered ' +
      'out advance the id with an id-only message; a comment every 15 s keeps idle connections open. The stream ends after `maxSeconds`.',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        after: Seq.optional().meta({
          description: 'Cursor (overridden by a valid Last-Event-ID header); default: from now on',
        }),
        type: Types.optional(),
        maxSeconds: z.coerce
          .number()
          .int()
          .min(1)
          .max(86_400)
          .default(3600)
          .meta({ description: 'The stream ends after this many seconds (reconnect to go on)' }),
      }),
      queryExample: { maxSeconds: '1' },
    },
    responses: { 200: { description: 'The event stream', contentType: 'text/event-stream', schema: z.string() } },
    handler: async ({ req, res, query, subtree, services }) => {
      const lastId = req.get('Last-Event-ID');
      let after =
        lastId !== undefined && /^\d{1,15}$/.test(lastId)
          ? Number(lastId)
          : (query.after ?? (await services.events.head()));
      const ac = new AbortController();
      res.on('close', () => ac.abort());
      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      await write(res, 'retry: 2000\n\n');
      const end = Date.now() + query.maxSeconds * 1000;
      while (!ac.signal.aborted && Date.now() < end) {
        const head = await services.eventHead.waitBeyond(after, Math.min(15_000, end - Date.now()), ac.signal);
        if (ac.signal.aborted) break;
        if (head <= after) {
          await write(res, ': keep-alive\n\n');
          continue;
        }
        const batch = await services.events.list({
          after,
          upTo: head,
          limit: 500,
          types: query.type,
          agencies: subtree,
        });
        for (const e of batch) await write(res, sse(e));
        const reached = batch.length === 500 ? batch[batch.length - 1]!.seq : head;
        // Past events filtered out: an id-only message moves the client's Last-Event-ID without an event.
        if (reached !== (batch[batch.length - 1]?.seq ?? after)) await write(res, `id: ${reached}\n\n`);
        after = reached;
      }
      res.end();
    },
  }),
];
