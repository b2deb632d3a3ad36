/**
 * Serializable types shared by the statutory clock. Everything here is plain data so it can
 * cross the Temporal activity/workflow boundary and be recorded in workflow history.
 *
 * Dates are `YYYY-MM-DD` strings meaning a civil day in Vietnam (Asia/Ho_Chi_Minh, UTC+7).
 */

/**
 * Unit of a statutory time limit.
 * - `calendar_days`: "N ngày" — every day counts; the last day rolls forward if it is not a
 *   working day (BLDS 2015 Art 148(5)).
 * - `working_days`: "N ngày làm việc" — only working days of the agency calendar count.
 */
export type DayUnit = 'calendar_days' | 'working_days';

/**
 * Unit of a one-off deadline ({@link DeadlineInput}): days, or months/years counted on the solar
 * calendar (BLDS 2015 Art 148(3)-(4): the limit ends on the corresponding day of the last month /
 * year, or the last day of that month when it has no such day), followed by the Art 148(5)
 * roll-forward. Clocks ({@link Budget}) stay in {@link DayUnit}: suspension and extension are
 * defined in days.
 */
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/** Every unit a statutory limit is counted in: the one list the clock, the definition model and the API use. */
export const LIMIT_UNITS = ['calendar_days', 'working_days', 'months', 'years'] as const;

/** A civil date `YYYY-MM-DD` (Vietnam local day). */
export type IsoDate = string;

/**
 * Why a day deviates from the weekly rule.
 * - `public_holiday`: statutory holiday, BLLĐ 2019 Art 112(1).
 * - `substitute_day_off`: nghỉ bù for a holiday on the weekly rest day, BLLĐ 2019 Art 111(3).
 * - `announced_day_off`: extra day off announced by the Government (hoán đổi / bridging day).
 * - `makeup_working_day`: a normally-off day (usually Saturday) announced as a working day (làm bù).
 */
export type ExceptionKind = 'public_holiday' | 'substitute_day_off' | 'announced_day_off' | 'makeup_working_day';

/** One day that deviates from the weekly rule. */
export interface CalendarException {
  /** The day, `YYYY-MM-DD`. */
  readonly date: IsoDate;
  /** Whether public agencies work on that day. */
  readonly working: boolean;
  /** Classification of the exception. */
  readonly kind: ExceptionKind;
  /** Human name, e.g. "Tết Nguyên Đán 2026". */
  readonly name: string;
  /** Legal or administrative source, e.g. "BLLĐ 2019 Art 112(1)" or "VPCP 12729/VPCP-KGVX (25/12/2025)". */
  readonly source: string;
  /** Id of the calendar entry that produced this exception (for audit), when known. */
  readonly entryId?: string;
  /** Confidence of the underlying data; absent means statutory rule (certain). */
  readonly confidence?: 'confirmed' | 'reported' | 'uncertain';
}

/** The weekly rule: which ISO weekdays (1 = Monday … 7 = Sunday) are working days. */
export interface WeekRule {
  /** ISO weekdays that are working days. */
  readonly workingWeekdays: readonly number[];
  /** Legal source of the rule. */
  readonly source: string;
}

/**
 * Calendar data a workflow receives from an activity. It covers `from`..`to` inclusive; asking
 * about a day outside that range is an error ({@link CalendarCoverageError}), never a guess.
 */
export interface CalendarSnapshot {
  /** First covered day, inclusive. */
  readonly from: IsoDate;
  /** Last covered day, inclusive. */
  readonly to: IsoDate;
  /** Version/hash of the data, recorded with every computed deadline. */
  readonly version: string;
  /** Weekly rule; Mon–Fri working (QĐ 188/1999/QĐ-TTg Art 1). */
  readonly weekRule: WeekRule;
  /** Exception days sorted by date, at most one per date. */
  readonly exceptions: readonly CalendarException[];
  /** Assumptions and data-quality notes that an auditor should see (UNCONFIRMED items). */
  readonly notes?: readonly string[];
}

/** Kinds of derivation steps, in the order they may appear. */
export type DerivationKind = 'start' | 'count' | 'skip' | 'roll_forward' | 'suspension' | 'extension' | 'due';

/**
 * One step of a deadline derivation: machine-readable fields plus an officer-style sentence.
 */
export interface DerivationStep {
  /** What the step does. */
  readonly kind: DerivationKind;
  /** The single day the step is about (start event, due date). */
  readonly date?: IsoDate;
  /** First day of a range (count run, skipped days, suspension). */
  readonly from?: IsoDate;
  /** Last day of a range, inclusive. */
  readonly to?: IsoDate;
  /** Number of days (counted, skipped, suspended or added). */
  readonly days?: number;
  /** Short machine-oriented reason, e.g. "weekly_rest_day; public_holiday". */
  readonly reason: string;
  /** Article relied on, e.g. "BLDS 2015 Art 148(5)". */
  readonly legalBasis?: string;
  /** Human-readable sentence, as an officer would write it. */
  readonly text: string;
}

/** Input of {@link computeDeadline}. */
export interface DeadlineInput {
  /** Day of the triggering event (receipt, acceptance …); not itself counted (BLDS 2015 Art 147(2)). */
  readonly start: IsoDate;
  /** Number of units, a positive integer. */
  readonly amount: number;
  /** Unit of the limit. */
  readonly unit: LimitUnit;
  /** Optional label of the start event for the derivation text, e.g. "Received". Default "Start event". */
  readonly startLabel?: string;
}

/** Result of {@link computeDeadline}. */
export interface DeadlineResult {
  readonly start: IsoDate;
  readonly amount: number;
  readonly unit: LimitUnit;
  /** Last day of the limit (after any roll-forward). */
  readonly due: IsoDate;
  /** End of the due day, 24:00 local (BLDS 2015 Art 148(1)), e.g. `2026-03-02T23:59:59.999+07:00`. */
  readonly dueAt: string;
  /** Version of the calendar snapshot used. */
  readonly calendarVersion: string;
  /** Ordered derivation steps. */
  readonly derivation: readonly DerivationStep[];
}
