/**
 * Calendar HTTP routes: statutory deadlines with their derivation, the agency calendar day by day,
 * and the admin table of announced days off and make-up working days. Thin handlers: validate
 * (strict zod; unknown fields are refused), call the calendar service, throw typed problems.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import {
  CALENDAR_MAX_DATE,
  CALENDAR_MIN_DATE,
  calendarServiceFor,
  type CalendarService,
} from '../../calendar/service.js';
import { CalendarCoverageError } from '../../workflows/clock/calendar-lookup.js';
import { diffDays, isIsoDate } from '../../workflows/clock/days.js';
import { LIMIT_UNITS, type LimitUnit } from '../../workflows/clock/types.js';
import { actorOf as principalActor } from '../auth/principal.js';
import { problems } from '../problem.js';
import { defineRoute, type AuthRule, type RouteSpec } from '../routing/define-route.js';
import {
  addCalendarEntry,
  getCalendarChange,
  withdrawCalendarEntry,
  type CalendarChangeDeps,
} from '../services/calendar-changes.js';

const ANY_ROLE: AuthRule = {
  roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin', 'system_admin'],
  scope: { kind: 'none' },
};
const ADMINS: AuthRule = { roles: ['admin', 'system_admin'], scope: { kind: 'none' } };
/** The national calendar is changed by the system level only (ADR 0013): it moves every agency's deadlines. */
const SYSTEM_ONLY: AuthRule = { roles: ['system_admin'], scope: { kind: 'none' } };

/**
 * Access rules (the platform's `AuthRule`): deadline and day listing for any authenticated role;
 * the admin table readable by admins, and changed by the system level (`system_admin`) only — the
 * calendar is national data. Nothing is public. {@link calendarRouteSpecs} carries them.
 */
export const CALENDAR_ROUTE_AUTH = {
  'GET /v1/calendar/deadline': ANY_ROLE,
  'GET /v1/calendar/days': ANY_ROLE,
  'POST /v1/admin/calendar/days-off': SYSTEM_ONLY,
  'POST /v1/admin/calendar/working-days': SYSTEM_ONLY,
  'GET /v1/admin/calendar/entries': ADMINS,
  'POST /v1/admin/calendar/entries/:id/withdraw': SYSTEM_ONLY,
  'GET /v1/admin/calendar/changes/:id': ADMINS,
} as const satisfies Record<string, AuthRule>;

/** Longest range `GET /v1/calendar/days` lists (3 years). */
export const MAX_DAYS_RANGE = 366 * 3;

/** Largest `amount` per unit (well beyond any statutory limit; keeps answers bounded). */
export const MAX_AMOUNT: Record<LimitUnit, number> = {
  calendar_days: 3650,
  working_days: 2500,
  months: 120,
  years: 10,
};

const isoDate = z
  .string()
  .refine(isIsoDate, { message: 'must be an existing day written YYYY-MM-DD' })
  .refine((d) => d >= CALENDAR_MIN_DATE && d <= CALENDAR_MAX_DATE, {
    message: `must lie between ${CALENDAR_MIN_DATE} and ${CALENDAR_MAX_DATE}`,
  });

/** `GET /v1/calendar/deadline` query. */
export const DeadlineQuery = z
  .strictObject({
    start: isoDate,
    amount: z
      .string()
      .regex(/^[1-9]\d{0,4}$/, 'must be a positive whole number')
      .transform(Number),
    unit: z.enum(LIMIT_UNITS, { message: `must be one of ${LIMIT_UNITS.join(', ')}` }),
  })
  .superRefine((q, ctx) => {
    if (q.amount > MAX_AMOUNT[q.unit]) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `must be at most ${MAX_AMOUNT[q.unit]} for ${q.unit}`,
      });
    }
  });

const range = <T extends z.ZodRawShape>(shape: T, required: boolean) =>
  z.strictObject(shape).superRefine((q, ctx) => {
    const { from, to } = q as { from?: string; to?: string };
    if (from === undefined || to === undefined || !isIsoDate(from) || !isIsoDate(to)) return;
    const n = diffDays(from, to);
    if (n < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (required && n >= MAX_DAYS_RANGE)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `range must be at most ${MAX_DAYS_RANGE} days` });
  });

/** `GET /v1/calendar/days` query. */
export const DaysQuery = range({ from: isoDate, to: isoDate }, true);

/** `GET /v1/admin/calendar/entries` query. */
export const EntriesQuery = range({ from: isoDate.optional(), to: isoDate.optional() }, false);

const text = (max: number) => z.string().trim().min(1, 'is required').max(max);
const entryFields = {
  date: isoDate,
  name: text(200),
  source: text(500),
  reason: text(1000),
  effectiveFrom: isoDate.optional(),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9:._-]{2,119}$/, '3-120 of a-z 0-9 : . _ -')
    .refine((s) => !s.startsWith('statutory:'), 'statutory days are computed: supersede them instead')
    .optional(),
  supersedes: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9:._-]{1,119}\*?$/, 'an entry id, or a prefix ending in *'))
    .max(20)
    .optional(),
  confidence: z.enum(['confirmed', 'reported', 'uncertain']).optional(),
  note: z.string().trim().max(1000).optional(),
};

/** `POST /v1/admin/calendar/days-off` body. */
export const DayOffBody = z.strictObject({
  ...entryFields,
  kind: z.enum(['announced_day_off', 'public_holiday', 'substitute_day_off']).optional(),
});

/** `POST /v1/admin/calendar/working-days` body (make-up working day, làm bù). */
export const WorkingDayBody = z.strictObject(entryFields);

/** `POST /v1/admin/calendar/entries/:id/withdraw` body. */
export const WithdrawBody = z.strictObject({
  reason: text(1000),
  source: text(500)
    .optional()
    .meta({ description: "The document that retracts the entry (default: the entry's own source)" }),
});

/** The deadline answer. */
export async function answerDeadline(calendar: CalendarService, q: z.output<typeof DeadlineQuery>) {
  let d;
  try {
    d = await calendar.deadline(q.start, q.amount, q.unit);
  } catch (e) {
    if (e instanceof CalendarCoverageError)
      throw problems.badRequest(`The limit runs past the supported calendar (${e.coveredTo})`);
    throw e;
  }
  return {
    start: d.start,
    amount: d.amount,
    unit: d.unit,
    due: d.due,
    dueAt: d.dueAt,
    derivation: d.derivation,
    calendarVersion: d.calendarVersion,
    calendarDataVersion: d.dataVersion,
  };
}

// ---- OpenAPI / platform route specs ---------------------------------------------------------

const Step = z
  .object({
    kind: z.enum(['start', 'count', 'skip', 'roll_forward', 'suspension', 'extension', 'due']),
    date: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    days: z.number().int().optional(),
    reason: z.string(),
    legalBasis: z.string().optional(),
    text: z.string().meta({ description: 'The step as an officer would write it' }),
  })
  .meta({ id: 'DerivationStep' });

const DeadlineResponse = z
  .object({
    start: z.string(),
    amount: z.number().int(),
    unit: z.enum(LIMIT_UNITS),
    due: z.string(),
    dueAt: z.string().meta({
      example: '2026-03-02T23:59:59.999+07:00',
      description: 'End of the due day, 24:00 Vietnam time (BLDS 2015 Art 148(1))',
    }),
    derivation: z.array(Step),
    calendarVersion: z.string(),
    calendarDataVersion: z.string(),
  })
  .meta({ id: 'Deadline' });

const Day = z
  .object({
    date: z.string(),
    weekday: z.number().int(),
    working: z.boolean(),
    kind: z.enum([
      'public_holiday',
      'substitute_day_off',
      'announced_day_off',
      'makeup_working_day',
      'weekly_rest_day',
      'working_day',
    ]),
    reason: z.string(),
    source: z.string(),
    entryId: z.string().optional(),
  })
  .meta({ id: 'CalendarDay' });

const DaysResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    calendarVersion: z.string(),
    dataVersion: z.string(),
    days: z.array(Day),
    notes: z.array(z.string()),
  })
  .meta({ id: 'CalendarDays' });

const Entry = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    date: z.string(),
    working: z.boolean(),
    kind: z.string(),
    name: z.string(),
    source: z.string(),
    reason: z.string(),
    effectiveFrom: z.string(),
    supersedes: z.array(z.string()).optional(),
    confidence: z.string().optional(),
    note: z.string().optional(),
    withdrawn: z.boolean().optional().meta({ description: 'This version withdraws the entry' }),
    origin: z.enum(['seed', 'admin']),
    seedVersion: z.string().nullable(),
    createdBy: z.object({ type: z.string(), id: z.string(), agency: z.string().nullable() }),
    createdAt: z.string(),
  })
  .meta({ id: 'CalendarEntry' });

const AddEntryResponse = z
  .object({
    entry: Entry,
    version: z.string(),
    previousVersion: z.string(),
    changedDates: z.array(z.string()),
    notifiedCases: z.number().int().meta({ description: 'Open cases told about the change (calendarChanged)' }),
    notification: z.unknown(),
  })
  .meta({ id: 'CalendarEntryAdded' });

const CalendarChange = z
  .object({
    id: z.string(),
    entryId: z.string(),
    entrySeq: z.number().int(),
    action: z.enum(['added', 'corrected', 'withdrawn']),
    version: z.string(),
    changedDates: z.array(z.string()),
    workflowId: z.string().meta({ description: 'The Temporal workflow telling the open cases' }),
    status: z
      .enum(['running', 'completed', 'not_started'])
      .meta({ description: '`not_started`: Temporal could not be reached; the entry is stored' }),
    notified: z.number().int().meta({ description: 'Open cases told so far' }),
    skipped: z.number().int().meta({ description: 'Cases listed open whose workflow no longer runs' }),
    pages: z.number().int(),
    requestedBy: z.object({ type: z.string(), id: z.string(), agency: z.string().nullable() }),
    requestedAt: z.string(),
    finishedAt: z.string().nullable(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'CalendarChange' });

const ChangeAccepted = z
  .object({
    entry: Entry,
    version: z.string(),
    previousVersion: z.string(),
    changedDates: z.array(z.string()),
    change: CalendarChange.meta({
      description: 'The background fan-out to the open cases; follow `change.links.self`',
    }),
  })
  .meta({ id: 'CalendarChangeAccepted' });

const EntriesResponse = z
  .object({ version: z.string(), entries: z.array(Entry.extend({ active: z.boolean() })) })
  .meta({ id: 'CalendarEntries' });

const changeDepsOf = (deps: {
  db: CalendarChangeDeps['db'];
  temporal: Client;
  taskQueue: string;
  logger?: { warn(obj: object, msg: string): void };
}): CalendarChangeDeps => ({
  db: deps.db,
  temporal: deps.temporal,
  taskQueue: deps.taskQueue,
  calendar: calendarServiceFor(deps.db),
  ...(deps.logger ? { logger: deps.logger } : {}),
});

const addSpec = (working: boolean) =>
  defineRoute({
    method: 'post',
    path: working ? '/v1/admin/calendar/working-days' : '/v1/admin/calendar/days-off',
    operationId: working ? 'addCalendarWorkingDay' : 'addCalendarDayOff',
    tags: ['Calendar'],
    summary: working
      ? 'Add a make-up working day (làm bù) and tell open cases'
      : 'Add an announced day off and tell open cases',
    description:
      'Appends a new version of a calendar entry (corrections: same `id`, or `supersedes`). Refused with 409 when the day ' +
      'already carries another active entry. Answers 202 at once: every open case receives `calendarChanged` and recomputes its clocks ' +
      'in the background (a durable workflow); `change.links.self` shows its progress.',
    auth: working
      ? CALENDAR_ROUTE_AUTH['POST /v1/admin/calendar/working-days']
      : CALENDAR_ROUTE_AUTH['POST /v1/admin/calendar/days-off'],
    request: {
      body: working ? WorkingDayBody : DayOffBody,
      bodyExample: {
        date: working ? '2027-02-20' : '2027-12-31',
        name: working ? 'Make-up working day (example)' : 'Quốc khánh 2027 – extra day off (example)',
        source: 'Thông báo số …/TB-VPCP (example)',
        reason: 'Announced by the Government Office',
      },
    },
    responses: {
      202: { description: 'Stored; the open cases are being told (`change`)', schema: ChangeAccepted },
      200: {
        description: 'The same content is already the latest version (nothing written, nobody told)',
        schema: AddEntryResponse,
      },
      409: { description: 'Conflicts with an active entry, or already a working day' },
    },
    handler: async ({ body, principal, services, requestId }) =>
      addCalendarEntry(
        changeDepsOf(services.deps),
        { ...(body as z.output<typeof DayOffBody>), working },
        principalActor(principal),
        requestId || undefined,
      ),
  });

/** The calendar routes as platform route specs (auth, strict validation, OpenAPI): add to `apiRoutes()`. */
export const calendarRouteSpecs: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/calendar/deadline',
    operationId: 'getStatutoryDeadline',
    tags: ['Calendar'],
    summary: 'Due date of a statutory time limit, with its derivation',
    description:
      'BLDS 2015 Art 147–148 on the public-agency calendar (Asia/Ho_Chi_Minh): the event day is not counted; calendar-day, month and year limits roll forward off non-working days.',
    auth: CALENDAR_ROUTE_AUTH['GET /v1/calendar/deadline'],
    request: { query: DeadlineQuery, queryExample: { start: '2026-07-01', amount: '30', unit: 'working_days' } },
    responses: { 200: { description: 'The due date and how it was derived', schema: DeadlineResponse } },
    handler: async ({ query, services }) => ({
      body: await answerDeadline(calendarServiceFor(services.deps.db), query),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/calendar/days',
    operationId: 'listCalendarDays',
    tags: ['Calendar'],
    summary: 'Each day of a range: working or not, why, and on which authority',
    auth: CALENDAR_ROUTE_AUTH['GET /v1/calendar/days'],
    request: { query: DaysQuery, queryExample: { from: '2026-07-01', to: '2026-07-31' } },
    responses: { 200: { description: `Days (at most ${MAX_DAYS_RANGE})`, schema: DaysResponse } },
    handler: async ({ query, services }) => ({
      body: await calendarServiceFor(services.deps.db).listDays(query.from, query.to),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/calendar/entries',
    operationId: 'listCalendarEntries',
    tags: ['Calendar'],
    summary: 'Stored calendar entry versions, with who/when/why and whether each is in force',
    auth: CALENDAR_ROUTE_AUTH['GET /v1/admin/calendar/entries'],
    request: { query: EntriesQuery },
    responses: { 200: { description: 'Entry versions by date', schema: EntriesResponse } },
    handler: async ({ query, services }) => ({
      body: await calendarServiceFor(services.deps.db).listEntries({
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      }),
    }),
  }),
  addSpec(false),
  addSpec(true),
  defineRoute({
    method: 'post',
    path: '/v1/admin/calendar/entries/:id/withdraw',
    operationId: 'withdrawCalendarEntry',
    tags: ['Calendar'],
    summary: 'Withdraw a calendar entry (a retracted day off or make-up working day) and tell open cases',
    description:
      'Appends a version of the entry marked `withdrawn`, with the reason (and the retracting document as `source`), written to the ' +
      'audit log (`calendar.entry.withdrawn`). The day is then what the statutory rules and the other entries make it. Answers 202 at once: ' +
      'every open case recomputes its clocks in the background, like after an addition (`change.links.self`). 404: no such stored entry ' +
      '(statutory days are computed: supersede them with an entry instead); 409: already withdrawn.',
    auth: CALENDAR_ROUTE_AUTH['POST /v1/admin/calendar/entries/:id/withdraw'],
    request: {
      params: z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9:._-]{2,119}$/) }),
      body: WithdrawBody,
      bodyExample: {
        reason: 'The Government Office retracted the announced day off',
        source: 'Thông báo số …/TB-VPCP (example)',
      },
    },
    responses: {
      202: { description: 'Withdrawn; the open cases are being told (`change`)', schema: ChangeAccepted },
      404: { description: 'No stored entry with this id' },
      409: { description: 'The entry is already withdrawn' },
    },
    handler: async ({ params, body, principal, services, requestId }) =>
      withdrawCalendarEntry(
        changeDepsOf(services.deps),
        params.id,
        body,
        principalActor(principal),
        requestId || undefined,
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/calendar/changes/:id',
    operationId: 'getCalendarChange',
    tags: ['Calendar'],
    summary: 'Progress of a calendar change reaching the open cases',
    auth: CALENDAR_ROUTE_AUTH['GET /v1/admin/calendar/changes/:id'],
    request: {
      params: z.object({ id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) }),
    },
    responses: { 200: { description: 'The change: status and how many open cases were told', schema: CalendarChange } },
    handler: async ({ params, services }) => {
      const change = await getCalendarChange(services.deps.db, params.id);
      if (!change) throw problems.notFound(`Calendar change ${params.id}`);
      return { body: change };
    },
  }),
];
