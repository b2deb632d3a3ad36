/**
 * Calendar changes reaching the open cases (ADR 0019): an admin's entry is stored by the calendar
 * service, recorded as a `calendar_changes` row and handed to the durable `calendarFanOutWorkflow`
 * (started here through the Temporal client), which tells every open case in the background; the
 * request answers at once (202) with the change and its progress route.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  CalendarEntryError,
  calendarServiceFor,
  type AddEntryResult,
  type CalendarService,
  type NewCalendarEntryInput,
  type WithdrawCalendarEntryInput,
} from '../../calendar/service.js';
import type { CalendarActor } from '../../db/calendar.js';
import { createCalendarChangeStore } from '../../db/calendar-changes.js';
import type { Db } from '../../db/knex.js';
import { problems } from '../problem.js';

/** What the calendar change handlers need. */
export interface CalendarChangeDeps {
  db: Db;
  /** Starts the fan-out workflow. */
  temporal: Client;
  /** Task queue of the case worker (which runs `calendarFanOutWorkflow`). */
  taskQueue: string;
  /** Shared service (one snapshot cache per process); default: one per `db` (see {@link calendarServiceFor}). */
  calendar?: CalendarService;
  logger?: { warn(obj: object, msg: string): void };
}

/** A calendar change as `GET /v1/admin/calendar/changes/:id` shows it. */
export interface CalendarChangeView {
  id: string;
  entryId: string;
  entrySeq: number;
  action: string;
  version: string;
  changedDates: string[];
  workflowId: string;
  status: 'running' | 'completed' | 'not_started';
  notified: number;
  skipped: number;
  pages: number;
  requestedBy: CalendarActor;
  requestedAt: string;
  finishedAt: string | null;
  links: { self: string };
}

/** The change of `id`, or undefined. */
export async function getCalendarChange(db: Db, id: string): Promise<CalendarChangeView | undefined> {
  const c = await createCalendarChangeStore(db).get(id);
  return c ? { ...c, links: { self: `/v1/admin/calendar/changes/${c.id}` } } : undefined;
}

/**
 * Records a stored calendar change and starts the durable workflow that tells every open case
 * (issue 11.5): the request answers at once. A Temporal outage must not turn a stored entry into an
 * error: the change is then `not_started` (the admin sees it on the progress route).
 */
async function startCalendarFanOut(
  deps: CalendarChangeDeps,
  added: AddEntryResult,
  action: 'added' | 'corrected' | 'withdrawn',
  actor: CalendarActor,
): Promise<CalendarChangeView> {
  const id = randomUUID();
  const workflowId = `calendar-change-${id}`;
  const signal = {
    version: added.version,
    changedDates: added.changedDates,
    entryId: added.entry.id,
    reason: `${added.entry.reason} (${added.entry.source})`,
  };
  const changes = createCalendarChangeStore(deps.db);
  await changes.insertRunning({
    id,
    entrySeq: added.entry.seq,
    entryId: added.entry.id,
    action,
    version: added.version,
    changedDates: added.changedDates,
    workflowId,
    requestedBy: actor,
  });
  try {
    await deps.temporal.workflow.start('calendarFanOutWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [{ changeId: id, entrySeq: added.entry.seq, change: signal }],
    });
  } catch (e) {
    deps.logger?.warn({ err: e, entrySeq: added.entry.seq }, 'calendar change stored but its fan-out did not start');
    await changes.markNotStarted(id);
  }
  return (await getCalendarChange(deps.db, id))!;
}

/**
 * Validates and stores an entry, then tells the open cases in the background: 202 with the change;
 * 200 when the same content is already the latest version (a retried request; nobody is told twice).
 */
export async function addCalendarEntry(
  deps: CalendarChangeDeps,
  input: NewCalendarEntryInput,
  actor: CalendarActor,
  requestId?: string,
): Promise<{ status: number; body: unknown }> {
  const calendar = deps.calendar ?? calendarServiceFor(deps.db);
  let added;
  try {
    added = await calendar.addEntry(input, actor, requestId ? { requestId } : {});
  } catch (e) {
    if (!(e instanceof CalendarEntryError)) throw e;
    throw e.conflict ? problems.conflict(e.message) : problems.validation([{ path: e.field, message: e.message }]);
  }
  const common = {
    entry: added.entry,
    version: added.version,
    previousVersion: added.previousVersion,
    changedDates: added.changedDates,
  };
  if (!added.created)
    return {
      status: 200,
      body: { ...common, notifiedCases: 0, notification: { notified: 0, skipped: [], failed: [] } },
    };
  const action = (await createCalendarChangeStore(deps.db).isCorrection(added.entry.id, added.entry.seq))
    ? 'corrected'
    : 'added';
  return { status: 202, body: { ...common, change: await startCalendarFanOut(deps, added, action, actor) } };
}

/** Withdraws an entry (issue 10.8), audited with its reason, then tells the open cases like an addition does (202). */
export async function withdrawCalendarEntry(
  deps: CalendarChangeDeps,
  id: string,
  body: WithdrawCalendarEntryInput,
  actor: CalendarActor,
  requestId?: string,
): Promise<{ status: number; body: unknown }> {
  const calendar = deps.calendar ?? calendarServiceFor(deps.db);
  let withdrawn: AddEntryResult;
  try {
    withdrawn = await calendar.withdrawEntry(id, body, actor, requestId ? { requestId } : {});
  } catch (e) {
    if (!(e instanceof CalendarEntryError)) throw e;
    if (e.notFound) throw problems.notFound(`Calendar entry ${id}`);
    throw e.conflict ? problems.conflict(e.message) : problems.validation([{ path: e.field, message: e.message }]);
  }
  const common = {
    entry: withdrawn.entry,
    version: withdrawn.version,
    previousVersion: withdrawn.previousVersion,
    changedDates: withdrawn.changedDates,
  };
  return { status: 202, body: { ...common, change: await startCalendarFanOut(deps, withdrawn, 'withdrawn', actor) } };
}
