/**
 * Message contract for calendar changes, shared by the API (sender) and case workflows (receiver).
 * Pure: only `@temporalio/workflow`'s `defineSignal`, so it is safe in the workflow bundle.
 *
 * When an admin adds or corrects a calendar entry (a day off, a make-up working day), every open
 * case receives {@link calendarChanged}. The workflow then refetches its calendar through the
 * `getCalendarSnapshot` activity, recomputes its clocks, re-arms its timers and records the old and
 * new due dates in its history and audit trail. The payload says *what* changed so the workflow can
 * explain *why* a due date moved; it is not the calendar itself (that always comes from the activity,
 * so it is recorded in history and replays deterministically).
 */
import { defineSignal } from '@temporalio/workflow';

/** Payload of {@link calendarChanged}. Plain JSON; no personal data. */
export interface CalendarChanged {
  /**
   * Version of the calendar data after the change, `entries:<seq>` (the highest stored entry
   * sequence). Monotonic: a workflow may ignore a message whose version it has already applied.
   */
  readonly version: string;
  /** Days (`YYYY-MM-DD`) whose working status or reason changed; sorted, may be empty. */
  readonly changedDates: readonly string[];
  /** Id of the calendar entry added or corrected, e.g. `adm:2026-09-03:off`. */
  readonly entryId: string;
  /** Why the entry was written, with its source, for the case's audit trail. */
  readonly reason: string;
}

/** Signal name; stable (it is recorded in workflow histories). */
export const CALENDAR_CHANGED = 'calendarChanged';

/** Fire-and-forget: the workflow handles it by refetching the calendar and recomputing its clocks. */
export const calendarChanged = defineSignal<[CalendarChanged]>(CALENDAR_CHANGED);
