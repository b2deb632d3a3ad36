/**
 * Special periods (issue 14.5, ADR 0035): the working days of a period on the Vietnamese public-agency
 * calendar, the duty-roster gaps (every working day × active reception place of the agencies concerned
 * without a duty entry), and the plan the period workflow follows. Shared by the API and the activities.
 */
import { calendarServiceFor } from '../calendar/service.js';
import type { Db } from '../db/knex.js';
import type { Period, ReceptionPeriodStore } from '../db/reception-periods.js';
import { addDays } from '../workflows/clock/days.js';
import { ROSTER_CHECK_TIME, type PeriodPlan } from '../workflows/reception-period-contract.js';

/** Working days between two days (inclusive), on the stored calendar. */
export async function workingDays(db: Db, from: string, to: string): Promise<string[]> {
  if (to < from) return [];
  const listing = await calendarServiceFor(db).listDays(from, to);
  return listing.days.filter((d) => d.working).map((d) => d.date);
}

/** A Vietnam wall-clock instant (epoch ms). */
export const vnAt = (date: string, time: string): number => Date.parse(`${date}T${time}:00+07:00`);

export interface RosterGap {
  date: string;
  agencyId: string;
  placeId: string;
  placeName: string;
}

/** Working day × active place of `agencies` (those concerned) without a duty entry, between two days. */
export async function rosterGaps(
  db: Db,
  store: ReceptionPeriodStore,
  period: Period,
  agencies: readonly string[],
  from: string,
  to: string,
): Promise<RosterGap[]> {
  const first = from > period.startsOn ? from : period.startsOn;
  const last = to < period.endsOn ? to : period.endsOn;
  const concerned = agencies.filter((a) => period.agencies.includes(a));
  if (concerned.length === 0 || last < first) return [];
  const [days, places, roster] = await Promise.all([
    workingDays(db, first, last),
    store.places(concerned),
    store.roster(period.id, concerned, first, last),
  ]);
  const staffed = new Set(roster.map((r) => `${r.date}|${r.placeId}`));
  const out: RosterGap[] = [];
  for (const date of days)
    for (const p of places)
      if (!staffed.has(`${date}|${p.id}`)) out.push({ date, agencyId: p.agencyId, placeId: p.id, placeName: p.name });
  return out;
}

/**
 * The plan of the period workflow: its working days with the instants of their steps, except days
 * whose report was already due when the period was declared (nothing is opened or escalated backwards).
 */
export async function periodPlan(db: Db, period: Period | undefined): Promise<PeriodPlan> {
  if (!period) return { status: 'missing', days: [] };
  if (period.status !== 'active') return { status: period.status, days: [] };
  const declared = Date.parse(period.createdAt);
  const days = (await workingDays(db, period.startsOn, period.endsOn))
    .map((date) => ({
      date,
      opensAt: vnAt(date, '00:00'),
      dueAt: vnAt(date, period.reportDueTime),
      rosterCheckAt: vnAt(addDays(date, -1), ROSTER_CHECK_TIME),
    }))
    .filter((d) => d.dueAt > declared);
  return { status: 'active', days };
}
