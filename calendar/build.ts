/**
 * Build the public-agency calendar snapshot that workflows consume: statutory holidays
 * (BLLĐ 2019 Art 112(1)) + substitute days off (Art 111(3)) + announced entries, which override
 * the statutory defaults (Art 112(3)). Pure: same input, same snapshot and version.
 */
import { DEFAULT_WEEK_RULE, dayInfo } from '../workflows/clock/calendar-lookup';
import { addDays, diffDays, isIsoDate, isoWeekday } from '../workflows/clock/days';
import type { CalendarException, CalendarSnapshot, ExceptionKind, IsoDate, WeekRule } from '../workflows/clock/types';
import { ANNOUNCEMENTS } from './announcements';
import { contentHash } from './hash';
import { statutoryHolidays, substituteDays, type HolidayOptions } from './holidays';
import type { CalendarEntry, Confidence } from './types';

/** Input of {@link buildCalendar}. */
export interface BuildCalendarInput {
  /** First day covered, inclusive. */
  readonly from: IsoDate;
  /** Last day covered, inclusive (at most 20 years after `from`). */
  readonly to: IsoDate;
  /** Announced entries (admin table); default: the seed {@link ANNOUNCEMENTS}. */
  readonly entries?: readonly CalendarEntry[];
  /** Use only entries with `effectiveFrom <= asOf` (reproduce the calendar as known on a day). */
  readonly asOf?: IsoDate;
  /** Drop announced entries below this confidence. Default `'uncertain'` (keep all, with notes). */
  readonly minConfidence?: Confidence;
  /** Statutory defaults for Tết and the 2/9 adjacent day. */
  readonly holidayOptions?: HolidayOptions;
  /** Weekly rule; default Mon–Fri (QĐ 188/1999/QĐ-TTg Art 1). */
  readonly weekRule?: WeekRule;
}

const RANK: Record<Confidence, number> = { uncertain: 0, reported: 1, confirmed: 2 };

function matches(pattern: string, id: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

function isSuperseded(id: string, by: readonly CalendarEntry[]): boolean {
  return by.some((e) => e.id !== id && (e.supersedes ?? []).some((p) => matches(p, id)));
}

/** Latest version of each announced id that is in force and confident enough. */
function activeAnnouncements(input: BuildCalendarInput): CalendarEntry[] {
  const min = RANK[input.minConfidence ?? 'uncertain'];
  const latest = new Map<string, CalendarEntry>();
  for (const e of input.entries ?? ANNOUNCEMENTS) {
    if (!isIsoDate(e.date) || !isIsoDate(e.effectiveFrom)) throw new RangeError(`Entry ${e.id}: bad date`);
    if (input.asOf !== undefined && e.effectiveFrom > input.asOf) continue;
    if (RANK[e.confidence ?? 'confirmed'] < min) continue;
    const prev = latest.get(e.id);
    if (!prev || prev.effectiveFrom <= e.effectiveFrom) latest.set(e.id, e);
  }
  // A withdrawn entry is gone: it neither shows nor supersedes anything any more.
  const all = [...latest.values()].filter((e) => e.withdrawn !== true);
  return all.filter((e) => !isSuperseded(e.id, all));
}

function toException(e: CalendarEntry): CalendarException {
  return {
    date: e.date,
    working: e.working,
    kind: e.kind,
    name: e.name,
    source: e.source,
    entryId: e.id,
    ...(e.confidence === undefined ? {} : { confidence: e.confidence }),
  };
}

function notesFor(years: number[], announced: readonly CalendarEntry[], used: readonly CalendarEntry[]): string[] {
  const notes: string[] = [];
  for (const y of years) {
    for (const [group, label] of [
      ['tet', 'Tết Nguyên Đán days: default last day of the lunar year + Mùng 1–4'],
      ['national-day', 'National Day adjacent day: default rule (auto)'],
    ] as const) {
      const probe = `statutory:${y}:${group}:`;
      if (
        !announced.some((e) => (e.supersedes ?? []).some((p) => p.endsWith('*') && probe.startsWith(p.slice(0, -1))))
      ) {
        notes.push(
          `${y}: no announcement loaded for ${group}; ${label} (BLLĐ 2019 Art 112(3): fixed yearly by the Prime Minister) — UNCONFIRMED`,
        );
      }
    }
  }
  if (years.length > 0) {
    notes.push(
      '24/11 (Ngày Văn hóa Việt Nam) is not treated as a holiday: enactment as a paid holiday UNCONFIRMED (spec §1.4)',
    );
  }
  for (const e of used) {
    if (e.confidence === 'uncertain') notes.push(`${e.date} ${e.id}: confidence 'uncertain' — ${e.note ?? 'verify'}`);
  }
  return notes;
}

/**
 * Build a {@link CalendarSnapshot} covering `from`..`to`.
 * Precedence per day: announced entry > statutory holiday > substitute day off > weekly rule.
 * Announced entries remove statutory entries they supersede (`statutory:<year>:tet:*` removes
 * the default Tết days *and* their substitute days off).
 */
export function buildCalendar(input: BuildCalendarInput): CalendarSnapshot {
  if (!isIsoDate(input.from) || !isIsoDate(input.to)) throw new RangeError('from/to must be YYYY-MM-DD');
  const span = diffDays(input.from, input.to);
  if (span < 0 || span > 366 * 20) throw new RangeError(`Bad range ${input.from}..${input.to}`);
  const weekRule = input.weekRule ?? DEFAULT_WEEK_RULE;
  const years: number[] = [];
  for (let y = Number(input.from.slice(0, 4)); y <= Number(input.to.slice(0, 4)); y++) years.push(y);

  const announced = activeAnnouncements(input);
  const statutory = years
    .flatMap((y) => statutoryHolidays(y, input.holidayOptions))
    .filter((e) => !isSuperseded(e.id, announced));
  const announcedOff = new Set(announced.filter((e) => !e.working).map((e) => e.date));
  const substitutes = substituteDays(statutory, announcedOff).filter((e) => !isSuperseded(e.id, announced));

  // Precedence: first writer wins, so write announced, then holidays, then substitutes.
  const byDate = new Map<IsoDate, CalendarEntry>();
  for (const e of [...announced, ...statutory, ...substitutes]) {
    const prev = byDate.get(e.date);
    if (!prev) byDate.set(e.date, e);
    else if (prev.kind === e.kind && prev.working === e.working && !prev.name.includes(e.name)) {
      byDate.set(e.date, { ...prev, name: `${prev.name}; ${e.name}` });
    }
  }
  const used = [...byDate.values()]
    .filter((e) => e.date >= input.from && e.date <= input.to)
    .sort((a, b) => (a.date < b.date ? -1 : 1));
  const exceptions = used.map(toException);
  const notes = notesFor(years, announced, used);
  const hash = contentHash(JSON.stringify({ from: input.from, to: input.to, weekRule, exceptions }));
  return { from: input.from, to: input.to, version: `vn-agency:${hash}`, weekRule, exceptions, notes };
}

/** One row of `GET /v1/calendar/days`. */
export interface CalendarDay {
  readonly date: IsoDate;
  /** ISO weekday 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  readonly working: boolean;
  /** Why: the exception kind, or the weekly rule. */
  readonly kind: ExceptionKind | 'weekly_rest_day' | 'working_day';
  readonly reason: string;
  readonly source: string;
  readonly entryId?: string;
}

/**
 * Every day of `from`..`to` with its working status and reason.
 * @throws CalendarCoverageError when the range exceeds the snapshot.
 */
export function listDays(from: IsoDate, to: IsoDate, snapshot: CalendarSnapshot): CalendarDay[] {
  const n = diffDays(from, to);
  if (n < 0) throw new RangeError(`Bad range ${from}..${to}`);
  const out: CalendarDay[] = [];
  for (let i = 0; i <= n; i++) {
    const date = addDays(from, i);
    const info = dayInfo(snapshot, date);
    const weekday = isoWeekday(date);
    if (info.exception) {
      const e = info.exception;
      out.push({
        date,
        weekday,
        working: e.working,
        kind: e.kind,
        reason: e.name,
        source: e.source,
        ...(e.entryId === undefined ? {} : { entryId: e.entryId }),
      });
    } else {
      out.push({
        date,
        weekday,
        working: info.working,
        kind: info.working ? 'working_day' : 'weekly_rest_day',
        reason: info.working ? 'Working day' : 'Weekly rest day',
        source: snapshot.weekRule.source,
      });
    }
  }
  return out;
}
