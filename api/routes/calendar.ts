/**
 * Calendar HTTP routes: statutory deadlines with their derivation, the agency calendar day by day,
 * and the admin table of announced days off and make-up working days. Thin handlers: validate
 * (strict zod; unknown fields are refused), call the calendar service, throw typed problems.
 */
import type { Client } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { notifyCalendarChange, type NotifyCalendarChangeResult } from '../../activities/calendar-recalc.js';
import {
  CALENDAR_MAX_DATE,
  CALENDAR_MIN_DATE,
  CalendarEntryError,
  createCalendarService,
  type CalendarService,
  type NewCalendarEntryInput,
} from '../../activities/calendar.js';
import type { CalendarActor } from '../../db/calendar.js';
import type { Db } from '../../db/knex.js';
import { diffDays, isIsoDate } from '../../workflows/clock/days.js';
import type { LimitUnit } from '../../workflows/clock/types.js';
import { problems, zodToProblem } from '../problem.js';

/**
 * Intended access rules, for the lead to wire with the platform's auth (`AuthRule`):
 * deadline and day listing for any authenticated role; the admin table for `admin` only.
 * Nothing here is public: the calendar's admin notes name documents still to be verified.
 */
export const CALENDAR_ROUTE_AUTH = {
  'GET /v1/calendar/deadline': { roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin'], scope: 'none' },
  'GET /v1/calendar/days': { roles: ['intake', 'officer', 'supervisor', 'auditor', 'admin'], scope: 'none' },
  'POST /v1/admin/calendar/days-off': { roles: ['admin'], scope: 'none' },
  'POST /v1/admin/calendar/working-days': { roles: ['admin'], scope: 'none' },
  'GET /v1/admin/calendar/entries': { roles: ['admin'], scope: 'none' },
} as const;

/** Longest range `GET /v1/calendar/days` lists (3 years). */
export const MAX_DAYS_RANGE = 366 * 3;

/** Largest `amount` per unit (well beyond any statutory limit; keeps answers bounded). */
export const MAX_AMOUNT: Record<LimitUnit, number> = { calendar_days: 3650, working_days: 2500, months: 120, years: 10 };

const UNITS = ['calendar_days', 'working_days', 'months', 'years'] as const;

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
    unit: z.enum(UNITS, { message: `must be one of ${UNITS.join(', ')}` }),
  })
  .superRefine((q, ctx) => {
    if (q.amount > MAX_AMOUNT[q.unit]) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: `must be at most ${MAX_AMOUNT[q.unit]} for ${q.unit}` });
    }
  });

const range = <T extends z.ZodRawShape>(shape: T, required: boolean) =>
  z.strictObject(shape).superRefine((q, ctx) => {
    const { from, to } = q as { from?: string; to?: string };
    if (from === undefined || to === undefined || !isIsoDate(from) || !isIsoDate(to)) return;
    const n = diffDays(from, to);
    if (n < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (required && n >= MAX_DAYS_RANGE) ctx.addIssue({ code: 'custom', path: ['to'], message: `range must be at most ${MAX_DAYS_RANGE} days` });
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
  supersedes: z.array(z.string().regex(/^[a-z0-9][a-z0-9:._-]{1,119}\*?$/, 'an entry id, or a prefix ending in *')).max(20).optional(),
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

/** Dependencies of {@link calendarRoutes}. */
export interface CalendarRouteDeps {
  db: Db;
  /** Used to tell open cases about a calendar change. */
  temporal: Client;
  /** Shared service (one snapshot cache per process); default: one built over `db`. */
  calendar?: CalendarService;
  /** Case workflow types to notify (default `processWorkflow`). */
  workflowTypes?: readonly string[];
  /**
   * Who is calling, for the entries' `created_by`. Default: `res.locals.principal`
   * (`{ type, id, agencyId }`) as the auth layer sets it, else `anonymous`.
   */
  actorOf?: (req: Request, res: Response) => CalendarActor;
  logger?: { warn(obj: object, msg: string): void };
}

function defaultActor(_req: Request, res: Response): CalendarActor {
  const p = res.locals.principal as { type?: string; id?: string; agencyId?: string } | undefined;
  return p?.id ? { type: p.type ?? 'user', id: p.id, agency: p.agencyId ?? null } : { type: 'anonymous', id: 'anonymous', agency: null };
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw zodToProblem(r.error);
  return r.data;
}

/** The calendar router (mount at the app root; paths are absolute). */
export function calendarRoutes(deps: CalendarRouteDeps): Router {
  const r = Router();
  const calendar = deps.calendar ?? createCalendarService(deps.db);
  const actorOf = deps.actorOf ?? defaultActor;

  r.get('/v1/calendar/deadline', async (req, res) => {
    const q = parse(DeadlineQuery, req.query);
    const d = await calendar.deadline(q.start, q.amount, q.unit);
    res.json({
      start: d.start,
      amount: d.amount,
      unit: d.unit,
      due: d.due,
      dueAt: d.dueAt,
      derivation: d.derivation,
      calendarVersion: d.calendarVersion,
      calendarDataVersion: d.dataVersion,
    });
  });

  r.get('/v1/calendar/days', async (req, res) => {
    const q = parse(DaysQuery, req.query);
    res.json(await calendar.listDays(q.from, q.to));
  });

  r.get('/v1/admin/calendar/entries', async (req, res) => {
    const q = parse(EntriesQuery, req.query);
    res.json(await calendar.listEntries({ ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) }));
  });

  const add = (working: boolean) => async (req: Request, res: Response) => {
    const body = parse(working ? WorkingDayBody : DayOffBody, req.body) as z.output<typeof DayOffBody>;
    const input: NewCalendarEntryInput = { ...body, working };
    let added;
    try {
      const requestId = (req as { id?: unknown }).id;
      added = await calendar.addEntry(input, actorOf(req, res), requestId === undefined ? {} : { requestId: String(requestId) });
    } catch (e) {
      if (!(e instanceof CalendarEntryError)) throw e;
      throw e.conflict ? problems.conflict(e.message) : problems.validation([{ path: e.field, message: e.message }]);
    }
    // The entry is stored: a Temporal outage must not turn that into an error. Report it instead.
    let notification: NotifyCalendarChangeResult | { error: string };
    try {
      notification = await notifyCalendarChange({
        client: deps.temporal,
        db: deps.db,
        change: {
          version: added.version,
          changedDates: added.changedDates,
          entryId: added.entry.id,
          entrySeq: added.entry.seq,
          reason: `${added.entry.reason} (${added.entry.source})`,
        },
        ...(deps.workflowTypes ? { workflowTypes: deps.workflowTypes } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      });
    } catch (e) {
      deps.logger?.warn({ err: e, entrySeq: added.entry.seq }, 'calendar change stored but cases not notified');
      notification = { error: 'Open cases could not be notified; the entry is stored. Retry the notification.' };
    }
    res.status(201).json({
      entry: added.entry,
      version: added.version,
      previousVersion: added.previousVersion,
      changedDates: added.changedDates,
      notifiedCases: 'notified' in notification ? notification.notified : 0,
      notification,
    });
  };
  r.post('/v1/admin/calendar/days-off', add(false));
  r.post('/v1/admin/calendar/working-days', add(true));

  return r;
}
