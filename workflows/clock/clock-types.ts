/**
 * The statutory clock as plain, serializable data (it lives in workflow state and history).
 */
import type { DayUnit, DerivationStep, IsoDate, LimitUnit } from './types';

/**
 * A time budget: N days of a unit, or N months / years on the solar calendar (BLDS 2015
 * Art 148(3)-(4)). Suspension and extension are defined in days, so a month/year clock has
 * neither (its limit runs like a one-off deadline; {@link checkClock} refuses such ledgers).
 */
export interface Budget {
  readonly amount: number;
  readonly unit: LimitUnit;
}

/**
 * A suspension (tạm đình chỉ) of the clock. `from` is the date of the suspension decision,
 * `to` the date of the decision to continue (quyết định tiếp tục); open while `to` is absent.
 */
export interface Suspension {
  readonly from: IsoDate;
  readonly to?: IsoDate;
  /** Reference of the suspension decision, e.g. "QĐ 15/QĐ-UBND". */
  readonly decision: string;
  /** Reference of the continuation decision, once issued. */
  readonly continuationDecision?: string;
}

/** An extension (gia hạn) granted by a written decision. */
export interface Extension {
  readonly amount: number;
  /** Unit of the days added; must equal the policy's and the budget's (months/years are never extendable). */
  readonly unit: LimitUnit;
  /** Reference of the extension decision (e.g. Mẫu 01 of NĐ 31/2019). */
  readonly decisionRef: string;
  /** Date of the extension decision. */
  readonly date: IsoDate;
}

/** Legal limits on extensions of one clock. */
export interface ExtensionPolicy {
  /** How many extensions may be granted in total. 0 = none. */
  readonly maxExtensions: number;
  /** Maximum days of each extension. */
  readonly maxAmountEach: number;
  /** Unit of extensions (must equal the budget unit). */
  readonly unit: DayUnit;
  /** Article that sets the limits, quoted in refusals. */
  readonly legalBasis: string;
  /**
   * Refuse an extension decided after the current due day (engine policy, default true: an
   * expired limit cannot be "extended"; the statute speaks of extending the resolution period).
   */
  readonly mustPrecedeDue?: boolean;
}

/** A reminder / at-risk / escalation rung, relative to the due day. */
export interface RungSpec {
  /** Name, e.g. "reminder", "at_risk", "overdue_escalation". */
  readonly name: string;
  /** Days before the due day (0 = on the due day; negative = after it). */
  readonly daysBefore: number;
  /** Unit of `daysBefore`; default calendar days. */
  readonly unit?: DayUnit;
}

/** The clock of one statutory time limit on one case. */
export interface Clock {
  /** Rule id from the deadline table, e.g. "T5". */
  readonly ruleId: string;
  /** Version of the rule (rules are effective-dated). */
  readonly ruleVersion?: string;
  /** Article setting the limit, e.g. "Luật Tố cáo 2018 Art 30(1)". */
  readonly legalBasis: string;
  /** Base budget (before extensions). */
  readonly budget: Budget;
  /** The event the limit runs from; its day is not counted (BLDS 2015 Art 147(2)). */
  readonly startEvent: { readonly name: string; readonly date: IsoDate };
  /** Article that allows suspending this clock; absent = suspension not allowed. */
  readonly suspensionBasis?: string;
  /**
   * First day on which a suspension decision may be dated (the suspension rule is in force from
   * then, e.g. complaints: Luật Khiếu nại Art 11a from 01/07/2026, applied to open cases by
   * NĐ 155/2026 Art 22(1)); absent = any day. A suspension dated earlier is refused.
   */
  readonly suspendableFrom?: IsoDate;
  /**
   * The rule id of the clock this one follows: a legal event addressed to that rule (a suspension,
   * resumption or extension with its ruleId) applies to this clock too, e.g. K17 (a stay of execution
   * may not outlast the resolution limit) follows K3. Absent = addressed by its own ruleId only.
   */
  readonly follows?: string;
  /** Suspension ledger, in date order; only the last may be open. */
  readonly suspensions: readonly Suspension[];
  /** Extension limits; absent = extensions not allowed. */
  readonly extensionPolicy?: ExtensionPolicy;
  /** Extensions granted, in date order. */
  readonly extensions: readonly Extension[];
  /** Reminder rungs. */
  readonly rungs: readonly RungSpec[];
  /** Set when the obligation was met or the case ended (decision issued, termination …). */
  readonly stopped?: { readonly date: IsoDate; readonly reason: string };
}

/** Status of a clock at an instant. */
export type ClockStatus = 'running' | 'suspended' | 'breached' | 'stopped';

/** A rung resolved to a day and an instant (00:00 local of that day). */
export interface ResolvedRung {
  readonly name: string;
  readonly date: IsoDate;
  /** ISO instant, start of `date` in Asia/Ho_Chi_Minh. May lie in the past: fire it at once. */
  readonly at: string;
}

/** Result of {@link evaluateClock}. */
export interface ClockEvaluation {
  readonly ruleId: string;
  readonly legalBasis: string;
  readonly status: ClockStatus;
  /** Due day, or null while suspended. */
  readonly due: IsoDate | null;
  /** End of the due day `…T23:59:59.999+07:00`, or null while suspended. */
  readonly dueAt: string | null;
  /** Total budget including extensions. */
  readonly budget: Budget & { readonly base: number; readonly extended: number };
  /** Days counted before the open suspension (only when suspended). */
  readonly daysUsed?: number;
  /** Days left after resumption (only when suspended). */
  readonly daysRemaining?: number;
  /** For a stopped clock with a due day: whether it stopped on or before the due day. */
  readonly stoppedOnTime?: boolean;
  /** Rungs sorted by instant; empty while suspended or stopped. */
  readonly rungs: readonly ResolvedRung[];
  readonly calendarVersion: string;
  readonly derivation: readonly DerivationStep[];
}

/** Codes of {@link ClockError}. */
export type ClockErrorCode =
  'SUSPENSION_NOT_ALLOWED' | 'ALREADY_SUSPENDED' | 'NOT_SUSPENDED' | 'INVALID_LEDGER' | 'CLOCK_STOPPED';

/**
 * Misuse of the clock ledger (resume without suspension, dates out of order …). The engine
 * should prevent these in update validators and map them to a business failure.
 */
export class ClockError extends Error {
  constructor(
    readonly code: ClockErrorCode,
    message: string,
    readonly legalBasis?: string,
  ) {
    super(message);
    this.name = 'ClockError';
  }
}
