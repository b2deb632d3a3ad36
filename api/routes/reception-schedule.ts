/**
 * Leaders' reception schedules (issue 14.1, ADR 0029): admins of an agency (or above it) publish, change
 * and cancel its leaders' reception days, each change with a reason kept in the entry's history and the
 * audit log; readers of the subtree list them; anyone reads them without logging in, as JSON and as an
 * iCalendar feed (niêm yết công khai lịch tiếp công dân).
 */
import { z } from 'zod';
import { ENTRY_KINDS, type ScheduleEntry } from '../../db/reception-schedule.js';
import { addDays } from '../../workflows/clock/days.js';
import { vnDate } from '../../workflows/clock/vn-time.js';
import { receptionFeed } from '../../reception/ical.js';
import { scheduleNoticeRule } from '../../reception/legal-rules.js';
import { problems } from '../problem.js';
import { idempotent } from '../routing/idempotent.js';
import type { Services } from '../routing/services.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { AgencyId, Cursor, encodeCursor, IsoDay, ScheduleEntryId, Text } from '../schemas.js';

const ADMINS = ['admin'] as const;
const READERS = ['officer', 'supervisor', 'auditor', 'admin'] as const;
const MAX_RANGE_DAYS = 366;

const EntryId = ScheduleEntryId;
const Day = IsoDay;
const Time = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time HH:MM (Vietnam time)')
  .meta({ example: '08:00' });
const PlaceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'a reception place id');
const PeriodId = z.string().regex(/^rpd_[0-9a-f]{16}$/);

const EntryFields = {
  leaderPersonId: z.string().min(1).max(200).meta({ description: 'The head or a deputy of the agency (directory)' }),
  leaderTitle: Text(200).meta({ example: 'Giám đốc Sở' }),
  placeId: PlaceId.meta({ description: "One of the agency's reception places" }),
  date: Day,
  startTime: Time,
  endTime: Time.meta({ example: '11:30' }),
  kind: z.enum(ENTRY_KINDS),
  note: Text(1000, { multiline: true })
    .nullable()
    .optional()
    .meta({ description: "Public note (never a citizen's data)" }),
  periodId: PeriodId.nullable().optional().meta({ description: 'The special period the day belongs to' }),
  lateNoticeReason: Text(1000, { multiline: true })
    .nullable()
    .optional()
    .meta({
      description:
        'Required when a periodic or online day is published (or moved) later than 5 working days before it ' +
        '(Luật Tiếp công dân 2013 Art 24(4); online: NĐ 154/2026 Art 23(1)): the entry is then flagged `lateNotice`',
    }),
};

const ScheduleEntryView = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    agencyName: z.string(),
    leader: z.object({ personId: z.string(), name: z.string(), title: z.string() }),
    placeId: z.string(),
    date: z.string(),
    startsAt: z.string().meta({ description: 'Start instant (+07:00)' }),
    endsAt: z.string(),
    kind: z.enum(ENTRY_KINDS),
    status: z.enum(['scheduled', 'cancelled']),
    sequence: z.number().int().meta({ description: 'Revision (iCalendar SEQUENCE): bumped on every change' }),
    note: z.string().nullable(),
    periodId: z.string().nullable(),
    notice: z
      .object({
        deadline: z.string().meta({ description: 'The last day it could be published in time (working days)' }),
        late: z.boolean().meta({ description: 'Published or moved after the deadline' }),
        reason: z.string().nullable().meta({ description: 'Why, when late' }),
        citation: z.string(),
      })
      .nullable()
      .meta({ description: 'The notice the law asks of a periodic or online day; null for an ad hoc day' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ReceptionScheduleEntry' });
const Change = z
  .object({
    sequence: z.number().int(),
    action: z.enum(['created', 'changed', 'cancelled']),
    reason: z.string().nullable(),
    snapshot: z.record(z.string(), z.unknown()),
    changedBy: z.record(z.string(), z.unknown()),
    changedAt: z.string(),
  })
  .meta({ id: 'ReceptionScheduleChange' });
const PublicEntry = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    agencyName: z.string(),
    leaderName: z.string(),
    leaderTitle: z.string(),
    placeId: z.string(),
    placeName: z.string(),
    placeAddress: z.string().nullable(),
    date: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    kind: z.enum(ENTRY_KINDS),
    status: z.enum(['scheduled', 'cancelled']),
    sequence: z.number().int(),
    note: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PublicReceptionScheduleEntry' });

const instant = (date: string, time: string) => `${date}T${time}:00+07:00`;
/** An entry's notice (Art 24(4)), when the rule applies to it. */
const noticeOf = (e: ScheduleEntry) => {
  const rule = scheduleNoticeRule(e.kind, e.date);
  return rule && e.noticeDeadline
    ? { deadline: e.noticeDeadline, late: e.lateNotice, reason: e.lateNoticeReason, citation: rule.citation }
    : null;
};
const view = (e: ScheduleEntry) => ({
  id: e.id,
  agencyId: e.agencyId,
  agencyName: e.agencyName,
  leader: { personId: e.leaderPersonId, name: e.leaderName, title: e.leaderTitle },
  placeId: e.placeId,
  date: e.date,
  startsAt: instant(e.date, e.startTime),
  endsAt: instant(e.date, e.endTime),
  kind: e.kind,
  status: e.status,
  sequence: e.sequence,
  note: e.note,
  periodId: e.periodId,
  notice: noticeOf(e),
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});
/** No personal data beyond the leader's name and title (and no person id). */
const publicView = (e: ScheduleEntry) => ({
  id: e.id,
  agencyId: e.agencyId,
  agencyName: e.agencyName,
  leaderName: e.leaderName,
  leaderTitle: e.leaderTitle,
  placeId: e.placeId,
  placeName: e.placeName,
  placeAddress: e.placeAddress,
  date: e.date,
  startsAt: instant(e.date, e.startTime),
  endsAt: instant(e.date, e.endTime),
  kind: e.kind,
  status: e.status,
  sequence: e.sequence,
  note: e.note,
  updatedAt: e.updatedAt,
});

/** `from`/`to` (defaults: today … +90 days), `to` not before `from`, at most a year apart (400 naming the field). */
function range(q: { from?: string; to?: string }): { from: string; to: string } {
  const from = q.from ?? vnDate(Date.now());
  const to = q.to ?? addDays(from, 90);
  if (to < from) throw problems.validation([{ path: 'query.to', message: `must not be before from (${from})` }]);
  if (to > addDays(from, MAX_RANGE_DAYS))
    throw problems.validation([{ path: 'query.to', message: `at most ${MAX_RANGE_DAYS} days after from` }]);
  return { from, to };
}

const Params = z.object({ agencyId: AgencyId, entryId: EntryId });
const PublicQuery = z.strictObject({
  agencyId: AgencyId,
  from: Day.optional(),
  to: Day.optional(),
  includeSubtree: z.enum(['true', 'false']).default('false').meta({ description: 'Also the agencies below it' }),
});

/** The entries of the public schedule (cancelled ones kept, to show as cancelled): 404 for an unknown agency. */
async function publicRows(query: z.infer<typeof PublicQuery>, services: Services) {
  const { from, to } = range(query);
  const agencies =
    query.includeSubtree === 'true'
      ? await services.agencies.subtree(query.agencyId)
      : (await services.agencies.ancestors(query.agencyId)).slice(0, 1);
  if (agencies.length === 0) throw problems.notFound(`Agency ${query.agencyId}`);
  return services.receptionSchedule.store.list({ agencies, from, to, includeCancelled: true, limit: 2000 });
}

export const receptionScheduleRoutes: RouteSpec[] = [
  defineRoute({
    method: 'post',
    path: '/v1/agencies/:agencyId/reception-schedule',
    operationId: 'createReceptionScheduleEntry',
    tags: ['Reception'],
    summary: "Publish a leader's reception day (lịch tiếp công dân)",
    description:
      'The leader must be an active head or deputy of the agency in the directory (422 `leaderPersonId` otherwise); the ' +
      "place one of the agency's reception places. A periodic or online day is published at least 5 working days " +
      'before it (public-agency calendar; Luật Tiếp công dân 2013 Art 24(4), online NĐ 154/2026 Art 23(1)): later ' +
      'needs `lateNoticeReason` and the entry is flagged (`notice.late`, and in the compliance report). Admins of ' +
      'the agency or of an agency above it. Audited; idempotent with `Idempotency-Key`.',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'agencyId' } },
    idempotencyKey: true,
    request: {
      params: z.object({ agencyId: AgencyId }),
      body: z.strictObject(EntryFields).meta({ id: 'CreateReceptionScheduleEntry' }),
      bodyExample: {
        leaderPersonId: 'head-so-tnmt',
        leaderTitle: 'Giám đốc Sở',
        placeId: 'so-tnmt-main',
        date: '2026-12-10',
        startTime: '08:00',
        endTime: '11:30',
        kind: 'periodic',
        lateNoticeReason: 'Bổ sung lịch tiếp theo chỉ đạo của Chủ tịch UBND tỉnh',
      },
    },
    responses: {
      201: { description: 'The entry', schema: ScheduleEntryView },
      422: {
        description:
          'The leader or place does not fit the agency, or a periodic / online day published later than 5 working ' +
          'days before it without `lateNoticeReason`',
      },
    },
    handler: ({ req, params, body, principal, services, requestId }) =>
      idempotent(
        {
          key: req.get('Idempotency-Key'),
          principal,
          store: services.idempotency,
          method: 'POST',
          path: '/v1/agencies/:agencyId/reception-schedule',
          resourceId: params.agencyId,
          body: { agencyId: params.agencyId, body },
        },
        async () => {
          const e = await services.receptionSchedule.create(
            { ...body, agencyId: params.agencyId },
            { principal, requestId },
          );
          return {
            status: 201,
            body: view(e),
            headers: { Location: `/v1/agencies/${e.agencyId}/reception-schedule/${e.id}` },
          };
        },
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reception/schedule',
    operationId: 'listReceptionSchedule',
    tags: ['Reception'],
    summary: "Leaders' reception days of the caller's agency subtree, by day and time",
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: z.strictObject({
        agencyId: AgencyId.optional().meta({ description: 'Only this agency (within your subtree)' }),
        leaderPersonId: z.string().min(1).max(200).optional(),
        from: Day.optional().meta({ description: 'First day (default today, Vietnam time)' }),
        to: Day.optional().meta({ description: 'Last day (default from + 90 days; at most a year after from)' }),
        includeCancelled: z.enum(['true', 'false']).default('true'),
        after: Cursor.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
    responses: {
      200: {
        description: 'Entries, earliest first',
        schema: z.object({ items: z.array(ScheduleEntryView), next: z.string().nullable() }),
      },
    },
    handler: async ({ query, subtree, services }) => {
      const { from, to } = range(query);
      // An agency outside the caller's subtree finds nothing that exists for them: 404, as the case search.
      if (query.agencyId && !subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
      const agencies = query.agencyId ? subtree.filter((a) => a === query.agencyId) : subtree;
      const rows = await services.receptionSchedule.store.list({
        agencies,
        from,
        to,
        includeCancelled: query.includeCancelled === 'true',
        ...(query.leaderPersonId ? { leaderPersonId: query.leaderPersonId } : {}),
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      const last = rows[rows.length - 1];
      const q = new URLSearchParams({
        from,
        to,
        limit: String(query.limit),
        includeCancelled: query.includeCancelled,
        ...(query.agencyId ? { agencyId: query.agencyId } : {}),
        ...(query.leaderPersonId ? { leaderPersonId: query.leaderPersonId } : {}),
      });
      return {
        body: {
          items: rows.map(view),
          next:
            rows.length === query.limit && last
              ? `/v1/reception/schedule?${q.toString()}&after=${encodeCursor({ k: last.sortKey, id: last.id })}`
              : null,
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/agencies/:agencyId/reception-schedule/:entryId',
    operationId: 'getReceptionScheduleEntry',
    tags: ['Reception'],
    summary: 'A reception day with its history (every version with the reason it changed)',
    auth: { roles: READERS, scope: { kind: 'agency', param: 'agencyId' } },
    request: { params: Params },
    responses: {
      200: { description: 'The entry', schema: ScheduleEntryView.extend({ history: z.array(Change) }) },
    },
    handler: async ({ params, services }) => {
      const e = await services.receptionSchedule.store.get(params.entryId);
      if (!e || e.agencyId !== params.agencyId) throw problems.notFound(`Schedule entry ${params.entryId}`);
      return { body: { ...view(e), history: await services.receptionSchedule.store.changes(e.id) } };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/agencies/:agencyId/reception-schedule/:entryId',
    operationId: 'changeReceptionScheduleEntry',
    tags: ['Reception'],
    summary: 'Change a reception day (a reason is required; the public feed shows the new SEQUENCE)',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'agencyId' } },
    request: {
      params: Params,
      body: z
        .strictObject({
          ...Object.fromEntries(Object.entries(EntryFields).map(([k, v]) => [k, v.optional()])),
          reason: Text(1000, { multiline: true }).meta({
            description: 'Why it changed (kept in the history and the audit log)',
          }),
        })
        .meta({ id: 'ChangeReceptionScheduleEntry' }),
      bodyExample: { startTime: '13:30', endTime: '16:30', reason: 'Lãnh đạo họp đột xuất buổi sáng' },
    },
    responses: {
      200: { description: 'The entry as changed', schema: ScheduleEntryView },
      409: { description: 'The entry is cancelled' },
    },
    handler: async ({ params, body, principal, services, requestId }) => {
      const e = await services.receptionSchedule.store.get(params.entryId);
      if (!e || e.agencyId !== params.agencyId) throw problems.notFound(`Schedule entry ${params.entryId}`);
      const patch = body as Parameters<typeof services.receptionSchedule.change>[1];
      return { body: view(await services.receptionSchedule.change(e.id, patch, { principal, requestId })) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/agencies/:agencyId/reception-schedule/:entryId/cancel',
    operationId: 'cancelReceptionScheduleEntry',
    tags: ['Reception'],
    summary: 'Cancel a reception day (kept, shown as cancelled; a reason is required)',
    auth: { roles: ADMINS, scope: { kind: 'agency', param: 'agencyId' } },
    request: {
      params: Params,
      body: z.strictObject({ reason: Text(1000, { multiline: true }) }).meta({ id: 'CancelReceptionScheduleEntry' }),
      bodyExample: { reason: 'Trùng lịch họp Hội đồng nhân dân' },
    },
    responses: {
      200: { description: 'The cancelled entry (cancelling twice changes nothing)', schema: ScheduleEntryView },
    },
    handler: async ({ params, body, principal, services, requestId }) => {
      const e = await services.receptionSchedule.store.get(params.entryId);
      if (!e || e.agencyId !== params.agencyId) throw problems.notFound(`Schedule entry ${params.entryId}`);
      return { body: view(await services.receptionSchedule.cancel(e.id, body.reason, { principal, requestId })) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/public/reception-schedule',
    operationId: 'publicReceptionSchedule',
    tags: ['Public'],
    summary: "An agency's published reception schedule (no login)",
    description:
      "The public posting of the reception schedule (niêm yết công khai lịch tiếp công dân): the leader's name and " +
      'title, day, times (+07:00), place and kind; cancelled days are listed as cancelled. No other personal data.',
    auth: 'public',
    request: { query: PublicQuery, queryExample: { agencyId: 'so-tnmt' } },
    responses: {
      200: { description: 'The schedule', schema: z.object({ items: z.array(PublicEntry) }) },
      404: { description: 'No such agency' },
    },
    handler: async ({ query, services }) => {
      const rows = await publicRows(query, services);
      return { body: { items: rows.map(publicView) }, headers: { 'Cache-Control': 'public, max-age=60' } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/public/reception-schedule.ics',
    operationId: 'publicReceptionScheduleCalendar',
    tags: ['Public'],
    summary: "An agency's reception schedule as an iCalendar feed (RFC 5545; no login)",
    description:
      'Subscribe in a calendar application. Each day is one VEVENT with a stable UID; SEQUENCE grows with every change; ' +
      'a cancelled day stays with STATUS:CANCELLED. Times are in Asia/Ho_Chi_Minh (+07:00).',
    auth: 'public',
    request: { query: PublicQuery, queryExample: { agencyId: 'so-tnmt' } },
    responses: {
      200: { description: 'text/calendar', contentType: 'text/calendar', schema: z.string() },
      404: { description: 'No such agency' },
    },
    handler: async ({ res, query, services }) => {
      const rows = await publicRows(query, services);
      const name = rows[0]?.agencyName ?? query.agencyId;
      const text = receptionFeed(`Lịch tiếp công dân — ${name}`, rows);
      res
        .status(200)
        .set('Content-Type', 'text/calendar; charset=utf-8')
        .set('Cache-Control', 'public, max-age=300')
        .send(text);
    },
  }),
];
