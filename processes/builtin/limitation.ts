/**
 * Complaint limitation period (thời hiệu, K1/K1a): 90 days from receiving or learning of the
 * decision or act, not counting time lost to an objective obstacle (Luật Khiếu nại 2011 Art 9).
 * Pure; the `checkComplaintLimitation` activity calls it with the agency calendar snapshot.
 */
import { addDays, computeDeadline, type CalendarSnapshot, type DeadlineResult } from '../../workflows/clock/index.js';

/** Input of {@link complaintLimitation}. */
export interface LimitationInput {
  /** Day the complainant received or learned of the decision or act. */
  knownOn: string;
  /** Day the complaint was lodged. */
  lodgedOn: string;
  /** Days lost to illness, disaster, war, distant work or study, other objective obstacle (documented). */
  tolledDays?: number;
}

/** Result: the (tolled) last day and whether the complaint is time-barred. */
export interface LimitationResult {
  due: string;
  expired: boolean;
  derivation: DeadlineResult['derivation'];
  legalBasis: string;
}

/**
 * Last day to complain = 90 calendar days after `knownOn` (BLDS 2015 Art 147-148, roll-forward
 * included) plus the tolled days (KN Art 9 para 2, added to the count before the roll-forward).
 */
export function complaintLimitation(input: LimitationInput, cal: CalendarSnapshot): LimitationResult {
  const tolled = Math.max(0, Math.trunc(input.tolledDays ?? 0));
  // Tolling shifts the start: the obstacle's days are not counted (KN Art 9 para 2).
  const start = tolled > 0 ? addDays(input.knownOn, tolled) : input.knownOn;
  const r = computeDeadline(
    { start, amount: 90, unit: 'calendar_days', startLabel: 'Decision received or known' },
    cal,
  );
  return {
    due: r.due,
    expired: input.lodgedOn > r.due,
    derivation: r.derivation,
    legalBasis: 'Luật Khiếu nại 2011 Art 9',
  };
}
