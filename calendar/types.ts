/**
 * Data model of the Vietnamese public-agency calendar before it is frozen into a
 * {@link CalendarSnapshot} for workflows.
 */
import type { ExceptionKind, IsoDate } from '../workflows/clock/types';

/**
 * How sure we are of an announced entry:
 * - `confirmed`: the document number and content were cross-checked against a source cited in
 *   the domain spec;
 * - `reported`: reported by secondary sources (press, legal portals) — the document itself not read;
 * - `uncertain`: best recollection / inference; verify before relying on it (spec: UNCONFIRMED).
 */
export type Confidence = 'confirmed' | 'reported' | 'uncertain';

/**
 * One dated calendar entry: a statutory holiday, a substitute day off, an announced day off or
 * a make-up working day. Entries are versioned by `id` + `effectiveFrom`, and may supersede
 * other entries (or whole statutory groups) by id or id prefix.
 */
export interface CalendarEntry {
  /** Stable id, e.g. `statutory:2026:tet:2026-02-17` or `ann:2026-new-year:2026-01-10`. */
  readonly id: string;
  readonly date: IsoDate;
  readonly working: boolean;
  readonly kind: ExceptionKind;
  readonly name: string;
  /** Legal or administrative source. */
  readonly source: string;
  /** Day from which the entry is known/valid (announcement date); statutory entries: the law's date. */
  readonly effectiveFrom: IsoDate;
  /**
   * Ids superseded by this entry. A value ending in `*` is a prefix: `statutory:2026:tet:*`
   * removes the default Tết days of 2026 and their substitute days off.
   */
  readonly supersedes?: readonly string[];
  /** Confidence of announced data; statutory entries omit it. */
  readonly confidence?: Confidence;
  /** Free-text note for auditors (uncertainty, document to verify). */
  readonly note?: string;
  /**
   * This version withdraws the entry (an announced day off retracted): the calendar shows it no
   * more, and what it superseded shows again. A later version without it re-announces the entry.
   */
  readonly withdrawn?: boolean;
}
