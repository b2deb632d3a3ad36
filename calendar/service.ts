/**
 * The calendar service (Node side): builds {@link CalendarSnapshot}s from the stored, versioned
 * calendar entries, answers deadline and day-listing questions, and validates admin entries. The
 * API's calendar routes use it; the worker's `getCalendarSnapshot` activity (activities/process.ts)
 * builds the snapshots workflows count on from its entries.
 */
import { ANNOUNCEMENTS } from './announcements.js';
import { buildCalendar, listDays as listCalendarDays, type CalendarDay } from './build.js';
import type { Confidence } from './types.js';
import { appendAudit } from '../db/audit.js';
import {
  createCalendarStore,
  entryContentHash,
  seedCalendarEntries,
  type CalendarActor,
  type StoredCalendarEntry,
} from '../db/calendar.js';
import type { Db } from '../db/knex.js';
import { CalendarCoverageError, dayInfo } from '../workflows/clock/calendar-lookup.js';
import { addDays, formatDay, isIsoDate } from '../workflows/clock/days.js';
import { computeDeadline } from '../workflows/clock/deadline.js';
import { vnDate } from '../workflows/clock/vn-time.js';
import type {
  CalendarException,
  CalendarSnapshot,
  DeadlineResult,
  ExceptionKind,
  IsoDate,
  LimitUnit,
} from '../workflows/clock/types.js';

/** Years the service answers for (lunar tables and the law in force are meaningful here). */
export const CALENDAR_MIN_DATE = '2000-01-01';
export const CALENDAR_MAX_DATE = '2099-12-31';

/** Codes of {@link CalendarEntryError}: `DUPLICATE_ACTIVE_ENTRY`/`STALE_VERSION`/`NO_EFFECT` are conflicts. */
export type CalendarEntryErrorCode =
  | 'INVALID_DATE'
  | 'INVALID_KIND'
  | 'INVALID_ID'
  | 'REQUIRED'
  | 'DUPLICATE_ACTIVE_ENTRY'
  | 'ALREADY_WORKING'
  | 'STALE_VERSION'
  | 'NO_EFFECT'
  | 'NOT_FOUND'
  | 'ALREADY_WITHDRAWN';

/** A calendar entry refused by validation; the API maps it to 400 (or 409 for conflicts). */
export class CalendarEntryError extends Error {
  constructor(
    readonly code: CalendarEntryErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarEntryError';
  }

  /** True for conflicts with stored data (HTTP 409), false for bad input (HTTP 400). */
  get conflict(): boolean {
    return (
      this.code === 'DUPLICATE_ACTIVE_ENTRY' ||
      this.code === 'STALE_VERSION' ||
      this.code === 'NO_EFFECT' ||
      this.code === 'ALREADY_WORKING' ||
      this.code === 'ALREADY_WITHDRAWN'
    );
  }

  /** True when the entry named does not exist (HTTP 404). */
  get notFound(): boolean {
    return this.code === 'NOT_FOUND';
  }
}

/** An entry an admin asks to add (a new entry, or a new version of `id`). */
export interface NewCalendarEntryInput {
  readonly date: IsoDate;
  /** false = day off, true = make-up working day. */
  readonly working: boolean;
  /** Default: `announced_day_off` / `makeup_working_day`. */
  readonly kind?: ExceptionKind;
  readonly name: string;
  /** Legal or administrative source (document number and date). Required. */
  readonly source: string;
  /** Why the entry is added or corrected. Required. */
  readonly reason: string;
  /** Day the announcement takes effect; default today (Vietnam). */
  readonly effectiveFrom?: IsoDate;
  /** Logical id; default `adm:<date>:off|work`. Posting an existing id writes a new version of it. */
  readonly id?: string;
  /** Entry ids (or `prefix*`) this entry replaces, e.g. `statutory:2026:national-day:*`. */
  readonly supersedes?: readonly string[];
  /** Default `confirmed` (an admin enters it from the document). */
  readonly confidence?: Confidence;
  readonly note?: string;
}

/** What an admin gives to withdraw an entry (issue 10.8). */
export interface WithdrawCalendarEntryInput {
  /** Why the entry is withdrawn. Required. */
  readonly reason: string;
  /** The document that retracts it (number and date); default: the entry's own source. */
  readonly source?: string;
}

/** Result of {@link CalendarService.addEntry}. */
export interface AddEntryResult {
  readonly entry: StoredCalendarEntry;
  /** False when the same content was already stored as the latest version of `id` (idempotent replay). */
  readonly created: boolean;
  /** Calendar data version after the write, `entries:<seq>`. */
  readonly version: string;
  readonly previousVersion: string;
  /** Days whose working status or reason changed (sorted). */
  readonly changedDates: IsoDate[];
}

/** A stored entry version with whether it is in force in today's calendar. */
export type ListedCalendarEntry = StoredCalendarEntry & { readonly active: boolean };

/** Result of {@link CalendarService.listDays}. */
export interface DaysListing {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly calendarVersion: string;
  readonly dataVersion: string;
  readonly days: CalendarDay[];
  readonly notes: readonly string[];
}

/** Options of {@link createCalendarService}. */
export interface CalendarServiceOptions {
  /** Wall clock for the default `effectiveFrom` (tests inject it). */
  readonly now?: () => Date;
  /** Append the seed announcements on first use (default true; idempotent). */
  readonly seed?: boolean;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9:._-]{2,119}$/;
const SUPERSEDES_PATTERN = /^[a-z0-9][a-z0-9:._-]{1,119}\*?$/;
const OFF_KINDS: readonly ExceptionKind[] = ['announced_day_off', 'public_holiday', 'substitute_day_off'];
const dataVersionOf = (seq: number): string => `entries:${seq}`;

const year = (d: IsoDate): number => Number(d.slice(0, 4));
const yearStart = (y: number): IsoDate => `${String(y).padStart(4, '0')}-01-01`;
const yearEnd = (y: number): IsoDate => `${String(y).padStart(4, '0')}-12-31`;

/** Rough upper bound of the calendar days a limit spans (then whole years around it are loaded). */
function spanEstimate(amount: number, unit: LimitUnit): number {
  switch (unit) {
    case 'calendar_days':
      return amount + 30;
    case 'working_days':
      return amount * 2 + 60;
    case 'months':
      return amount * 31 + 30;
    case 'years':
      return amount * 366 + 30;
  }
}

function sameException(a: CalendarException | undefined, b: CalendarException | undefined): boolean {
  return (
    a?.working === b?.working &&
    a?.kind === b?.kind &&
    a?.name === b?.name &&
    a?.entryId === b?.entryId &&
    a?.source === b?.source
  );
}

/** Days whose exception differs between two snapshots of the same range. */
function diffSnapshots(before: CalendarSnapshot, after: CalendarSnapshot): IsoDate[] {
  const a = new Map(before.exceptions.map((e) => [e.date, e] as const));
  const b = new Map(after.exceptions.map((e) => [e.date, e] as const));
  const dates = new Set([...a.keys(), ...b.keys()]);
  return [...dates].filter((d) => !sameException(a.get(d), b.get(d))).sort();
}

function entrySummary(e: StoredCalendarEntry): Record<string, unknown> {
  return {
    entryId: e.id,
    date: e.date,
    working: e.working,
    kind: e.kind,
    name: e.name,
    source: e.source,
    effectiveFrom: e.effectiveFrom,
    supersedes: e.supersedes ?? [],
    confidence: e.confidence ?? null,
    ...(e.withdrawn ? { withdrawn: true } : {}),
  };
}

function matches(pattern: string, id: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

function need(value: string | undefined, field: string, max: number): string {
  const v = value?.trim() ?? '';
  if (v.length === 0) throw new CalendarEntryError('REQUIRED', field, `${field} is required`);
  if (v.length > max) throw new CalendarEntryError('REQUIRED', field, `${field} must be at most ${max} characters`);
  return v;
}

function checkDate(value: string, field: string): IsoDate {
  if (!isIsoDate(value))
    throw new CalendarEntryError('INVALID_DATE', field, `${field} must be an existing day as YYYY-MM-DD`);
  if (value < CALENDAR_MIN_DATE || value > CALENDAR_MAX_DATE) {
    throw new CalendarEntryError(
      'INVALID_DATE',
      field,
      `${field} must lie between ${CALENDAR_MIN_DATE} and ${CALENDAR_MAX_DATE}`,
    );
  }
  return value;
}

/**
 * The calendar service over the stored entries. Snapshots are cached by (data version, range):
 * the data version is the highest stored `seq`, so any write invalidates the cache everywhere.
 */
export function createCalendarService(db: Db, opts: CalendarServiceOptions = {}) {
  const store = createCalendarStore(db);
  const now = opts.now ?? (() => new Date());
  let seeded: Promise<unknown> | undefined = opts.seed === false ? Promise.resolve() : undefined;
  let loaded: { seq: number; entries: StoredCalendarEntry[] } | undefined;
  const snapshots = new Map<string, CalendarSnapshot>();

  function ensureSeeded(): Promise<unknown> {
    seeded ??= seedCalendarEntries(db).catch((e: unknown) => {
      seeded = undefined; // retry on the next call
      throw e;
    });
    return seeded;
  }

  async function entries(): Promise<{ seq: number; entries: StoredCalendarEntry[] }> {
    await ensureSeeded();
    const seq = await store.version();
    if (loaded?.seq !== seq) {
      const all = await store.all();
      // A concurrent append between the two reads only makes `all` newer than `seq`: key by its own max.
      loaded = { seq: all.reduce((m, e) => Math.max(m, e.seq), 0), entries: all };
      snapshots.clear();
    }
    return loaded;
  }

  function build(from: IsoDate, to: IsoDate, list: readonly StoredCalendarEntry[]): CalendarSnapshot {
    return buildCalendar({ from, to, entries: list });
  }

  async function snapshot(from: IsoDate, to: IsoDate): Promise<CalendarSnapshot> {
    const { seq, entries: list } = await entries();
    const key = `${seq}|${from}|${to}`;
    let snap = snapshots.get(key);
    if (!snap) {
      snap = build(from, to, list);
      if (snapshots.size >= 64) snapshots.delete(snapshots.keys().next().value as string);
      snapshots.set(key, snap);
    }
    return snap;
  }

  /** Whole years around a range, so that nearby questions share one cached snapshot. */
  function yearWindow(from: IsoDate, to: IsoDate): { from: IsoDate; to: IsoDate } {
    // At most 20 calendar years (buildCalendar's limit) within the lunar tables (1900–2199).
    const first = Math.max(1900, year(from) - 1);
    return { from: yearStart(first), to: yearEnd(Math.min(2199, year(to) + 1, first + 19)) };
  }

  function activeIds(snap: CalendarSnapshot): Set<string> {
    return new Set(snap.exceptions.map((e) => e.entryId).filter((id): id is string => id !== undefined));
  }

  return {
    /**
     * Every stored entry version in append order (seeded first). Suitable as the `entries` of
     * `buildCalendar` for code that builds its own snapshots.
     */
    async entries(): Promise<readonly StoredCalendarEntry[]> {
      return (await entries()).entries;
    },

    /** Version of the stored calendar data, `entries:<seq>`. */
    async dataVersion(): Promise<string> {
      return dataVersionOf((await entries()).seq);
    },

    /**
     * The calendar covering `from`..`to` (inclusive) built from the stored entries.
     * @throws RangeError for bad dates or a range longer than 20 years.
     */
    snapshot,

    /** Every day of `from`..`to` with its working status, reason and source. */
    async listDays(from: IsoDate, to: IsoDate): Promise<DaysListing> {
      const w = yearWindow(from, to);
      const snap = await snapshot(w.from, w.to);
      return {
        from,
        to,
        calendarVersion: snap.version,
        dataVersion: dataVersionOf(loaded?.seq ?? 0),
        days: listCalendarDays(from, to, snap),
        notes: snap.notes ?? [],
      };
    },

    /**
     * Due date of `amount` `unit`s from the event on `start`, with derivation
     * (BLDS 2015 Art 147–148; see workflows/clock/deadline.ts).
     */
    async deadline(start: IsoDate, amount: number, unit: LimitUnit): Promise<DeadlineResult & { dataVersion: string }> {
      let span = spanEstimate(amount, unit);
      for (let attempt = 0; ; attempt++) {
        const w = yearWindow(start, addDays(start, span));
        const snap = await snapshot(w.from, w.to);
        try {
          return {
            ...computeDeadline({ start, amount, unit, startLabel: 'Start event' }, snap),
            dataVersion: dataVersionOf(loaded?.seq ?? 0),
          };
        } catch (e) {
          // A long run of days off could outrun the estimate: widen once or twice, never guess.
          if (!(e instanceof CalendarCoverageError) || attempt >= 2) throw e;
          span *= 2;
        }
      }
    },

    /**
     * Stored entry versions (optionally only those dated within `from`..`to`), each flagged
     * `active` when it is the version in force in the current calendar.
     */
    async listEntries(
      filter: { from?: IsoDate; to?: IsoDate } = {},
    ): Promise<{ version: string; entries: ListedCalendarEntry[] }> {
      const { seq, entries: all } = await entries();
      const inRange = all.filter((e) => (!filter.from || e.date >= filter.from) && (!filter.to || e.date <= filter.to));
      const years = inRange.map((e) => year(e.date));
      let active = new Set<string>();
      const latestSeq = new Map<string, number>();
      for (const e of all) latestSeq.set(e.id, e.seq); // ordered by seq
      if (years.length > 0) {
        const snap = await snapshot(yearStart(Math.min(...years)), yearEnd(Math.max(...years)));
        active = activeIds(snap);
      }
      return {
        version: dataVersionOf(seq),
        entries: inRange.map((e) => ({ ...e, active: active.has(e.id) && latestSeq.get(e.id) === e.seq })),
      };
    },

    /**
     * Validate and append an entry (or a new version of an existing one).
     * Refused: a bad date, kind or id; missing name/source/reason; a make-up working day on a day
     * that already is a working day; a date already carrying another active entry that this entry
     * does not supersede; a version older than the one in force; an entry that would not show.
     * @throws CalendarEntryError
     */
    async addEntry(
      input: NewCalendarEntryInput,
      actor: CalendarActor,
      meta: { requestId?: string } = {},
    ): Promise<AddEntryResult> {
      const date = checkDate(input.date, 'date');
      const kind = input.kind ?? (input.working ? 'makeup_working_day' : 'announced_day_off');
      if (input.working ? kind !== 'makeup_working_day' : !OFF_KINDS.includes(kind)) {
        throw new CalendarEntryError(
          'INVALID_KIND',
          'kind',
          `kind ${kind} does not fit a ${input.working ? 'working day' : 'day off'}`,
        );
      }
      const name = need(input.name, 'name', 200);
      const source = need(input.source, 'source', 500);
      const reason = need(input.reason, 'reason', 1000);
      const today = vnDate(now().getTime());
      const effectiveFrom = input.effectiveFrom === undefined ? today : checkDate(input.effectiveFrom, 'effectiveFrom');
      const id = input.id ?? `adm:${date}:${input.working ? 'work' : 'off'}`;
      if (!ID_PATTERN.test(id) || id.startsWith('statutory:')) {
        throw new CalendarEntryError(
          'INVALID_ID',
          'id',
          'id must be 3-120 of a-z 0-9 : . _ - and must not start with "statutory:" (statutory days are computed; supersede them instead)',
        );
      }
      const supersedes = [...new Set(input.supersedes ?? [])];
      for (const p of supersedes) {
        if (!SUPERSEDES_PATTERN.test(p) || p === id)
          throw new CalendarEntryError('INVALID_ID', 'supersedes', `bad superseded id ${JSON.stringify(p)}`);
      }

      await ensureSeeded();
      const written = await store.withWriteLock(async (trx) => {
        const before = { seq: await store.version(trx), entries: await store.all(trx) };
        const prior = before.entries.filter((e) => e.id === id).at(-1);
        const candidate = {
          id,
          date,
          working: input.working,
          kind,
          name,
          source,
          effectiveFrom,
          ...(supersedes.length > 0 ? { supersedes } : {}),
          confidence: input.confidence ?? 'confirmed',
          ...(input.note?.trim() ? { note: input.note.trim() } : {}),
          reason,
          origin: 'admin' as const,
          seedVersion: null,
          createdBy: actor,
        };
        // The same request again (same content as the latest version): answer with what is stored.
        if (prior && entryContentHash(prior) === entryContentHash(candidate)) {
          return { entry: prior, previousSeq: before.seq, changedDates: [] as IsoDate[], created: false };
        }
        if (prior && prior.effectiveFrom > effectiveFrom) {
          throw new CalendarEntryError(
            'STALE_VERSION',
            'effectiveFrom',
            `entry ${id} already has a version effective from ${prior.effectiveFrom}; a correction must be effective on or after it`,
          );
        }
        const years = [date, ...(prior ? [prior.date] : [])].map(year);
        const range = { from: yearStart(Math.min(...years) - 1), to: yearEnd(Math.max(...years) + 1) };
        const oldSnap = build(range.from, range.to, before.entries);
        const current = dayInfo(oldSnap, date);
        const other = current.exception;
        if (
          other?.entryId !== undefined &&
          other.entryId !== id &&
          !supersedes.some((p) => matches(p, other.entryId as string))
        ) {
          const what = other.working ? 'a working day' : 'a day off';
          throw new CalendarEntryError(
            'DUPLICATE_ACTIVE_ENTRY',
            'date',
            `${formatDay(date)} is already ${what} by active entry ${other.entryId} (${other.name}; ${other.source}); ` +
              `add a correcting version of that entry, or list it in "supersedes"`,
          );
        }
        if (input.working && current.working && other === undefined) {
          throw new CalendarEntryError(
            'ALREADY_WORKING',
            'date',
            `${formatDay(date)} is already a working day (${oldSnap.weekRule.source}); a make-up working day must fall on a day off`,
          );
        }
        const newSnap = build(range.from, range.to, [
          ...before.entries,
          { ...candidate, seq: before.seq + 1, createdAt: '' },
        ]);
        const shown = dayInfo(newSnap, date).exception;
        if (shown?.entryId !== id) {
          throw new CalendarEntryError(
            'NO_EFFECT',
            'supersedes',
            `entry ${id} would not change the calendar (it is superseded by another entry)`,
          );
        }
        const entry = await store.append(candidate, trx, `after:${before.seq}`);
        const changedDates = diffSnapshots(oldSnap, newSnap);
        // The admin change goes into the hash-chained audit log in the same transaction as the row.
        await appendAudit(
          db,
          {
            actor,
            action: prior ? 'calendar.entry.corrected' : 'calendar.entry.added',
            before: prior
              ? { seq: prior.seq, ...entrySummary(prior) }
              : other
                ? { activeEntry: other.entryId ?? null, name: other.name, working: other.working }
                : null,
            after: {
              seq: entry.seq,
              ...entrySummary(entry),
              reason: entry.reason,
              version: dataVersionOf(entry.seq),
              changedDates,
            },
            legalBasis: entry.source,
            requestId: meta.requestId ?? null,
          },
          trx,
        );
        return { entry, previousSeq: before.seq, changedDates, created: true };
      });
      return {
        entry: written.entry,
        created: written.created,
        version: dataVersionOf(written.created ? written.entry.seq : written.previousSeq),
        previousVersion: dataVersionOf(written.previousSeq),
        changedDates: written.changedDates,
      };
    },

    /**
     * Withdraws an entry (issue 10.8): appends a version of it marked `withdrawn`, effective today
     * (or from its latest version's day, if later), with who and why, and audits it
     * (`calendar.entry.withdrawn`) in the same transaction. The calendar then shows the day as the
     * statutory rules and the other entries make it. Refused: an unknown id (statutory days are not
     * stored entries: supersede them instead), an entry already withdrawn.
     * @throws CalendarEntryError
     */
    async withdrawEntry(
      id: string,
      input: WithdrawCalendarEntryInput,
      actor: CalendarActor,
      meta: { requestId?: string } = {},
    ): Promise<AddEntryResult> {
      const reason = need(input.reason, 'reason', 1000);
      const sourceGiven = input.source === undefined ? undefined : need(input.source, 'source', 500);
      const today = vnDate(now().getTime());
      // An id neither stored nor in the seed is refused before anything (even the seed) is written.
      if (
        !ANNOUNCEMENTS.some((a) => a.id === id) &&
        !(await db('calendar_entries').where({ entry_id: id }).first('seq'))
      ) {
        throw new CalendarEntryError('NOT_FOUND', 'id', `no calendar entry ${id}`);
      }
      await ensureSeeded();
      const written = await store.withWriteLock(async (trx) => {
        const before = { seq: await store.version(trx), entries: await store.all(trx) };
        const prior = before.entries.filter((e) => e.id === id).at(-1);
        if (!prior) throw new CalendarEntryError('NOT_FOUND', 'id', `no calendar entry ${id}`);
        if (prior.withdrawn)
          throw new CalendarEntryError(
            'ALREADY_WITHDRAWN',
            'id',
            `entry ${id} is already withdrawn (version ${prior.seq}, ${prior.createdAt})`,
          );
        const { seq: _seq, createdAt: _at, ...rest } = prior;
        const candidate = {
          ...rest,
          withdrawn: true,
          reason,
          source: sourceGiven ?? prior.source,
          effectiveFrom: prior.effectiveFrom > today ? prior.effectiveFrom : today,
          origin: 'admin' as const,
          seedVersion: null,
          createdBy: actor,
        };
        const range = { from: yearStart(year(prior.date) - 1), to: yearEnd(year(prior.date) + 1) };
        const oldSnap = build(range.from, range.to, before.entries);
        const newSnap = build(range.from, range.to, [
          ...before.entries,
          { ...candidate, seq: before.seq + 1, createdAt: '' },
        ]);
        const entry = await store.append(candidate, trx, `after:${before.seq}`);
        const changedDates = diffSnapshots(oldSnap, newSnap);
        await appendAudit(
          db,
          {
            actor,
            action: 'calendar.entry.withdrawn',
            before: { seq: prior.seq, ...entrySummary(prior) },
            after: {
              seq: entry.seq,
              ...entrySummary(entry),
              reason: entry.reason,
              version: dataVersionOf(entry.seq),
              changedDates,
            },
            legalBasis: entry.source,
            requestId: meta.requestId ?? null,
          },
          trx,
        );
        return { entry, previousSeq: before.seq, changedDates };
      });
      return {
        entry: written.entry,
        created: true,
        version: dataVersionOf(written.entry.seq),
        previousVersion: dataVersionOf(written.previousSeq),
        changedDates: written.changedDates,
      };
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;

const servicesByDb = new WeakMap<Db, CalendarService>();

/**
 * The calendar service of a database handle, created once per process: the API routes and the
 * worker's activities share its snapshot cache (and its one-time seed).
 */
export function calendarServiceFor(db: Db): CalendarService {
  let s = servicesByDb.get(db);
  if (!s) {
    s = createCalendarService(db);
    servicesByDb.set(db, s);
  }
  return s;
}
