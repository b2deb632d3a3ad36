/**
 * The counting loop shared by deadlines and clocks: walk forward day by day from an event,
 * counting days of one unit, and record grouped `count` / `skip` derivation steps.
 */
import { dayInfo, type DayInfo } from './calendar-lookup';
import { addDays, diffDays, formatDay, formatRange } from './days';
import { describeOffDays } from './describe';
import { LEGAL } from './legal';
import type { CalendarSnapshot, DayUnit, DerivationStep, IsoDate } from './types';

/** Parameters of one counting walk. */
export interface WalkParams {
  /** The event day; counting starts the next day (BLDS 2015 Art 147(2)). */
  readonly after: IsoDate;
  readonly unit: DayUnit;
  /** How many more days to count. */
  readonly need: number;
  /** Days counted before this walk (for "day N" numbering). */
  readonly offset: number;
  /** Stop after this day even if `need` is not reached (inclusive). */
  readonly until?: IsoDate;
}

/** Outcome of a walk. */
export interface WalkResult {
  /** Days counted by this walk. */
  readonly counted: number;
  /** Last day counted, if any. */
  readonly lastCounted?: IsoDate;
  readonly steps: DerivationStep[];
}

/** Hard stop against runaway loops (a limit longer than this is a modelling error). */
const MAX_DAYS = 20_000;

function countStep(unit: DayUnit, from: IsoDate, to: IsoDate, first: number, last: number): DerivationStep {
  const label = unit === 'working_days' ? 'Working day' : 'Calendar day';
  const nums = first === last ? `${label} ${first}` : `${label}s ${first}–${last}`;
  const range = from === to ? formatDay(from) : `${formatDay(from)} – ${formatDay(to)}`;
  return { kind: 'count', from, to, days: last - first + 1, reason: unit, text: `${nums}: ${range}` };
}

function skipStep(days: readonly DayInfo[]): DerivationStep {
  const first = days[0] as DayInfo;
  const last = days[days.length - 1] as DayInfo;
  const why = describeOffDays(days, true);
  return {
    kind: 'skip',
    from: first.date,
    to: last.date,
    days: days.length,
    reason: why.reason,
    legalBasis: why.legalBasis,
    text: `Skipped ${formatRange(first.date, last.date)}: ${why.text}`,
  };
}

function walkCalendarDays(p: WalkParams): WalkResult {
  const available = p.until === undefined ? p.need : Math.max(0, Math.min(p.need, diffDays(p.after, p.until)));
  if (available === 0) return { counted: 0, steps: [] };
  const from = addDays(p.after, 1);
  const to = addDays(p.after, available);
  return {
    counted: available,
    lastCounted: to,
    steps: [countStep('calendar_days', from, to, p.offset + 1, p.offset + available)],
  };
}

function walkWorkingDays(cal: CalendarSnapshot, p: WalkParams): WalkResult {
  const steps: DerivationStep[] = [];
  let counted = 0;
  let lastCounted: IsoDate | undefined;
  let run: { from: IsoDate; to: IsoDate; first: number } | undefined;
  let off: DayInfo[] = [];
  const flushRun = (): void => {
    if (run) steps.push(countStep('working_days', run.from, run.to, run.first, p.offset + counted));
    run = undefined;
  };
  const flushOff = (): void => {
    if (off.length > 0) steps.push(skipStep(off));
    off = [];
  };
  let day = p.after;
  for (let i = 0; counted < p.need && i < MAX_DAYS; i++) {
    if (p.until !== undefined && day === p.until) break;
    day = addDays(day, 1);
    const info = dayInfo(cal, day);
    if (info.working) {
      flushOff();
      counted += 1;
      lastCounted = day;
      if (run) run.to = day;
      else run = { from: day, to: day, first: p.offset + counted };
    } else {
      flushRun();
      off.push(info);
    }
  }
  flushRun();
  flushOff();
  return lastCounted === undefined ? { counted, steps } : { counted, lastCounted, steps };
}

/**
 * Count up to `need` days of `unit` after `after` (and not past `until`).
 * Calendar days need no calendar lookups; working days consult the snapshot for every day.
 * @throws CalendarCoverageError when a needed day is outside the snapshot.
 */
export function walk(cal: CalendarSnapshot, p: WalkParams): WalkResult {
  return p.unit === 'calendar_days' ? walkCalendarDays(p) : walkWorkingDays(cal, p);
}

/**
 * BLDS 2015 Art 148(5): if the last day of a calendar-day limit is a weekly rest day or a
 * holiday, the limit ends at the end of the next working day. Returns the due day and, when it
 * moved, a `roll_forward` step naming every non-working day passed over.
 */
export function rollForward(
  cal: CalendarSnapshot,
  lastDay: IsoDate,
  dayNumber: number,
  subject = `Day ${dayNumber}`,
): { due: IsoDate; step?: DerivationStep } {
  const off: DayInfo[] = [];
  let day = lastDay;
  for (let info = dayInfo(cal, day); !info.working; info = dayInfo(cal, day)) {
    off.push(info);
    if (off.length > MAX_DAYS) break;
    day = addDays(day, 1);
  }
  if (off.length === 0) return { due: lastDay };
  const why = describeOffDays(off);
  const passed =
    off.length > 1 ? ` (non-working ${formatRange(lastDay, addDays(day, -1))}: ${why.text})` : ` (${why.text})`;
  return {
    due: day,
    step: {
      kind: 'roll_forward',
      from: lastDay,
      to: day,
      days: off.length,
      reason: why.reason,
      legalBasis: LEGAL.rollForward,
      text:
        `${subject} falls on ${formatDay(lastDay)}, not a working day${passed}: ` +
        `limit rolls to ${formatDay(day)} (${LEGAL.rollForward})`,
    },
  };
}
