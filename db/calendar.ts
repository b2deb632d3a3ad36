import { ANNOUNCEMENTS, ANNOUNCEMENTS_VERSION } from '../calendar/announcements.js';
import { contentHash } from '../calendar/hash.js';
import type { CalendarEntry, Confidence } from '../calendar/types.js';
import type { ExceptionKind, IsoDate } from '../workflows/clock/types.js';
import type { Db } from './knex.js';

/** Who wrote a calendar entry (same shape as the audit log's actor). */
export interface CalendarActor {
  /** `user`, `api_key`, `system` (seed). */
  type: string;
  id: string;
  agency: string | null;
}

/** One stored version of a calendar entry: the domain entry plus who/when/why. */
export interface StoredCalendarEntry extends CalendarEntry {
  /** Append order; the highest `seq` is the calendar data version. */
  readonly seq: number;
  /** Why this version was written. */
  readonly reason: string;
  readonly origin: 'seed' | 'admin';
  /** `ANNOUNCEMENTS_VERSION` of a seed row. */
  readonly seedVersion: string | null;
  readonly createdBy: CalendarActor;
  /** ISO instant. */
  readonly createdAt: string;
}

/** What a caller appends (the store adds `seq`, `created_at` and the content hash). */
export type NewStoredEntry = Omit<StoredCalendarEntry, 'seq' | 'createdAt'>;

interface CalendarEntryRow {
  seq: number;
  entry_id: string;
  date: string;
  working: boolean;
  kind: ExceptionKind;
  name: string;
  source: string;
  reason: string;
  effective_from: string;
  supersedes: string[];
  confidence: Confidence | null;
  note: string | null;
  origin: 'seed' | 'admin';
  seed_version: string | null;
  content_hash: string;
  created_by: CalendarActor;
  created_at: Date;
  withdrawn: boolean;
}

/** Row → domain. */
export function entryFromRow(r: CalendarEntryRow): StoredCalendarEntry {
  return {
    seq: r.seq,
    id: r.entry_id,
    date: r.date,
    working: r.working,
    kind: r.kind,
    name: r.name,
    source: r.source,
    effectiveFrom: r.effective_from,
    ...(r.supersedes.length > 0 ? { supersedes: r.supersedes } : {}),
    ...(r.confidence === null ? {} : { confidence: r.confidence }),
    ...(r.note === null ? {} : { note: r.note }),
    ...(r.withdrawn ? { withdrawn: true } : {}),
    reason: r.reason,
    origin: r.origin,
    seedVersion: r.seed_version,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  };
}

/** Hash of what the entry says (not who wrote it): equal content ⇒ the seed skips it. */
export function entryContentHash(e: CalendarEntry): string {
  return contentHash(
    // `withdrawn` only when set: the hashes of every version written before withdrawals existed stay the same.
    JSON.stringify([
      e.id,
      e.date,
      e.working,
      e.kind,
      e.name,
      e.source,
      e.effectiveFrom,
      e.supersedes ?? [],
      e.confidence ?? null,
      e.note ?? null,
      ...(e.withdrawn ? ['withdrawn'] : []),
    ]),
  );
}

/**
 * Domain → row (jsonb columns as JSON text: node-postgres would send JS arrays as SQL arrays).
 * `salt` makes the stored hash unique for admin rows, so that returning to an earlier content
 * (A → B → A) is a new version rather than a uniqueness violation; seed rows are unsalted.
 */
export function entryToRow(
  e: NewStoredEntry,
  salt?: string,
): Omit<CalendarEntryRow, 'seq' | 'created_at' | 'supersedes' | 'created_by' | 'withdrawn'> & {
  withdrawn?: boolean;
  supersedes: string;
  created_by: string;
} {
  return {
    entry_id: e.id,
    date: e.date,
    working: e.working,
    kind: e.kind,
    name: e.name,
    source: e.source,
    reason: e.reason,
    effective_from: e.effectiveFrom,
    supersedes: JSON.stringify(e.supersedes ?? []),
    confidence: e.confidence ?? null,
    note: e.note ?? null,
    origin: e.origin,
    seed_version: e.seedVersion,
    content_hash: salt === undefined ? entryContentHash(e) : `${entryContentHash(e)}@${salt}`,
    created_by: JSON.stringify(e.createdBy),
    ...(e.withdrawn ? { withdrawn: true } : {}),
  };
}

/** The actor of seed rows. */
export const SEED_ACTOR: CalendarActor = Object.freeze({ type: 'system', id: 'calendar-seed', agency: null });

/** Arbitrary constant for `pg_advisory_xact_lock`: serialises writers of the calendar. */
const CALENDAR_LOCK = 734_001;

/** Store of calendar entries and change notifications (append-only tables). */
export function createCalendarStore(db: Db) {
  return {
    /** Highest `seq` (0 for an empty table): the version of the calendar data. */
    async version(q: Db = db): Promise<number> {
      const row = await q('calendar_entries').max<{ max: number | string | null }>('seq as max').first();
      return row?.max == null ? 0 : Number(row.max);
    },

    /** Every stored version, in append order (a few hundred rows per decade). */
    async all(q: Db = db): Promise<StoredCalendarEntry[]> {
      const rows = await q<CalendarEntryRow>('calendar_entries').select('*').orderBy('seq');
      return rows.map(entryFromRow);
    },

    /** Stored versions of entries dated within `from`..`to` (either bound optional). */
    async list(
      filter: { from?: IsoDate; to?: IsoDate; origin?: 'seed' | 'admin' } = {},
    ): Promise<StoredCalendarEntry[]> {
      const q = db<CalendarEntryRow>('calendar_entries')
        .select('*')
        .orderBy([{ column: 'date' }, { column: 'seq' }]);
      if (filter.from) q.where('date', '>=', filter.from);
      if (filter.to) q.where('date', '<=', filter.to);
      if (filter.origin) q.where('origin', filter.origin);
      return (await q).map(entryFromRow);
    },

    /** Appends one version and returns it as stored (admin rows: `salt` = the data version written over). */
    async append(e: NewStoredEntry, q: Db = db, salt?: string): Promise<StoredCalendarEntry> {
      const [row] = await q('calendar_entries').insert(entryToRow(e, salt)).returning<CalendarEntryRow[]>('*');
      return entryFromRow(row!);
    },

    /**
     * Runs `fn` in a transaction holding the calendar write lock, so that "check for a duplicate
     * active entry, then append" cannot interleave with another writer.
     */
    async withWriteLock<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
      return db.transaction(async (trx) => {
        await trx.raw('SELECT pg_advisory_xact_lock(?)', [CALENDAR_LOCK]);
        return fn(trx as unknown as Db);
      });
    },
  };
}

export type CalendarStore = ReturnType<typeof createCalendarStore>;

/**
 * Appends the seed announcements (calendar/announcements.ts) that are not stored yet, in file
 * order. Idempotent: a row with the same entry id and content is skipped, so running it at every
 * start is safe; a changed seed entry is appended as a new version (nothing is overwritten).
 * Returns the number of rows appended.
 */
export async function seedCalendarEntries(
  db: Db,
  entries: readonly CalendarEntry[] = ANNOUNCEMENTS,
  seedVersion: string = ANNOUNCEMENTS_VERSION,
): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = entries.map((e) =>
    entryToRow({ ...e, reason: 'seed', origin: 'seed', seedVersion, createdBy: SEED_ACTOR }),
  );
  return db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [CALENDAR_LOCK]);
    const inserted = await trx('calendar_entries')
      .insert(rows)
      .onConflict(['entry_id', 'content_hash'])
      .ignore()
      .returning('seq');
    return inserted.length;
  });
}
