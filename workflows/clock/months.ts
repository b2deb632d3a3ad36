/**
 * Time limits in months and years (BLDS 2015 Art 147(2), 148(3)-(5)): the event day is not counted,
 * the limit ends on the *corresponding day* of its last month (or year), and when that month has no
 * such day, on the last day of that month; a last day that is not a working day rolls forward.
 */
import { addDays, diffDays, formatDay, formatVn, isoWeekday } from './days';
import { LEGAL } from './legal';
import type { CalendarSnapshot, DerivationStep, IsoDate } from './types';
import { rollForward } from './walk';

/** The calendar units counted by month arithmetic. */
export type MonthUnit = 'months' | 'years';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month `m` (1–12) of year `y`, proleptic Gregorian. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Where a limit of whole months ends, before any roll-forward. */
export interface CorrespondingDay {
  /** The limit's last day. */
  readonly date: IsoDate;
  /** True when the last month has no day numbered like the event day (e.g. 31/02, 29/02/2029). */
  readonly clamped: boolean;
  /** The nominal, possibly non-existent, corresponding day written `DD/MM/YYYY` (e.g. `31/02/2026`). */
  readonly nominal: string;
}

/**
 * The corresponding day `months` months after `start` (BLDS 2015 Art 148(3)): same day number in
 * the last month, or that month's last day when it is shorter.
 */
export function addMonthsClamped(start: IsoDate, months: number): CorrespondingDay {
  // Validate through days.ts: throws InvalidDateError for a malformed or impossible date.
  isoWeekday(start);
  const y = Number(start.slice(0, 4));
  const m = Number(start.slice(5, 7));
  const d = Number(start.slice(8, 10));
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  const last = daysInMonth(ty, tm);
  const td = Math.min(d, last);
  return {
    date: `${pad(ty, 4)}-${pad(tm)}-${pad(td)}`,
    clamped: td !== d,
    nominal: `${pad(d)}/${pad(tm)}/${pad(ty, 4)}`,
  };
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function plural(n: number, unit: MonthUnit): string {
  const word = unit === 'months' ? 'month' : 'year';
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The `count` step of a month/year limit and its due day after the Art 148(5) roll-forward.
 * Years are counted as 12 months each: Art 148(4) ("the corresponding day and month of the last
 * year") says nothing of 29/02, so a year limit from 29/02 ending in a common year ends on 28/02,
 * applying Art 148(3) by analogy (documented in ADR 0003).
 * @internal
 */
export function countMonths(
  cal: CalendarSnapshot,
  start: IsoDate,
  amount: number,
  unit: MonthUnit,
): { due: IsoDate; lastDay: IsoDate; steps: DerivationStep[] } {
  const corr = addMonthsClamped(start, unit === 'years' ? amount * 12 : amount);
  const basis = unit === 'months' ? LEGAL.monthLimit : LEGAL.yearLimit;
  const fullBasis = corr.clamped && unit === 'years' ? `${basis}; ${LEGAL.monthLimit} by analogy` : basis;
  const span = diffDays(start, corr.date);
  const head = `${plural(amount, unit)} from ${formatDay(start)} ${amount === 1 ? 'ends' : 'end'}`;
  const lastPeriod =
    unit === 'months' ? 'the corresponding day of the last month' : 'the corresponding day and month of the last year';
  const monthName = `${MONTH_NAMES[Number(corr.date.slice(5, 7)) - 1]} ${corr.date.slice(0, 4)}`;
  const first = addDays(start, 1);
  const days = `${span} calendar days, ${formatVn(first)} – ${formatVn(corr.date)}`;
  const text = corr.clamped
    ? `${head} on ${lastPeriod}; ${monthName} has no day ${Number(start.slice(8, 10))} (${corr.nominal}), ` +
      `so the limit's last day is the last day of that month, ${formatDay(corr.date)} (${days}) (${fullBasis})`
    : `${head} on ${lastPeriod}, ${formatDay(corr.date)} (${days}) (${fullBasis})`;
  const steps: DerivationStep[] = [
    {
      kind: 'count',
      from: first,
      to: corr.date,
      days: span,
      reason: corr.clamped ? `${unit},no_corresponding_day` : unit,
      legalBasis: fullBasis,
      text,
    },
  ];
  const rolled = rollForward(cal, corr.date, span, 'The last day');
  if (rolled.step) steps.push(rolled.step);
  return { due: rolled.due, lastDay: corr.date, steps };
}
