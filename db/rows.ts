/**
 * Column values as the stores map them to records (one copy for the reception stores, ADR 0023): timestamps as
 * ISO instants, dates as YYYY-MM-DD (PostgreSQL `date` arrives as text, db/knex.ts), nullable text as null.
 */

/** A timestamp column as an ISO instant. */
export const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
/** A nullable timestamp column. */
export const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
/** A nullable text column. */
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));
/** A `date` column as YYYY-MM-DD (a Date, should a driver give one, read in local time as pg builds it). */
export const day = (v: unknown): string =>
  v instanceof Date
    ? `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`
    : String(v).slice(0, 10);
