/**
 * Timers of the interpreter: ISO durations and statutory clocks (workflows/clock) turned into
 * due instants. Pure: the calendar snapshot is data fetched by an activity.
 */
import { DateTime, Duration } from 'luxon';
import { createClock, evaluateClock, VN_ZONE, type CalendarSnapshot, type Clock } from '../../clock/index.js';
import { isClockRule, type ClockRule, type TimerSpec } from '../clock-rule.js';
import { RuntimeIncident, type ClockState } from './types.js';

/** The Vietnam civil date of an epoch-ms instant. */
export function vnDate(ms: number): string {
  return DateTime.fromMillis(ms, { zone: VN_ZONE }).toISODate() as string;
}

/** ISO instant (UTC) of epoch ms. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

/** Builds the clock of a rule whose count starts at the case event `rule.from` (or `fallbackDate`). */
export function clockOf(rule: ClockRule, caseEvents: Record<string, string>, fallbackDate: string): Clock {
  return createClock({
    ruleId: rule.ruleId,
    legalBasis: rule.legalBasis,
    budget: { amount: rule.amount, unit: rule.unit },
    startEvent: { name: rule.from, date: caseEvents[rule.from] ?? fallbackDate },
    ...(rule.suspensionBasis === undefined ? {} : { suspensionBasis: rule.suspensionBasis }),
    ...(rule.extension === undefined ? {} : {
      extensionPolicy: { maxExtensions: rule.extension.maxExtensions, maxAmountEach: rule.extension.maxAmountEach, unit: rule.unit, legalBasis: rule.extension.legalBasis },
    }),
    rungs: (rule.rungs ?? []).map((r) => ({ name: r.name, daysBefore: r.daysBefore, unit: rule.unit })),
  });
}

/** Evaluates a clock against the calendar at `nowMs`. */
export function evaluate(clock: Clock, calendar: CalendarSnapshot | undefined, nowMs: number): ClockState {
  if (!calendar) throw new RuntimeIncident('NO_CALENDAR', `clock ${clock.ruleId} needs a calendar snapshot`);
  const e = evaluateClock(clock, calendar, nowMs);
  return {
    clock,
    status: e.status,
    due: e.due,
    dueAt: e.dueAt,
    rungs: e.rungs.map((r) => ({ name: r.name, date: r.date, at: r.at })),
    derivation: [...e.derivation],
    calendarVersion: e.calendarVersion,
  };
}

/** Epoch ms of an ISO instant. */
export function msOf(iso: string): number {
  return DateTime.fromISO(iso, { zone: VN_ZONE }).toMillis();
}

/** Due instant (ms) and clock (if statutory) of a timer spec armed at `nowMs`. */
export function armTimer(spec: TimerSpec, caseEvents: Record<string, string>, calendar: CalendarSnapshot | undefined, nowMs: number): { dueAtMs: number | null; clock?: ClockState } {
  if (!isClockRule(spec)) return { dueAtMs: nowMs + Duration.fromISO(spec.duration).toMillis() };
  const clock = evaluate(clockOf(spec, caseEvents, vnDate(nowMs)), calendar, nowMs);
  return { dueAtMs: clock.dueAt === null ? null : msOf(clock.dueAt), clock };
}
