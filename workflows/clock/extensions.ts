/**
 * Extensions (gia hạn) with their legal limits. A refused extension is a business outcome and
 * is returned as a typed value naming the article, not thrown.
 */
import type { Clock, Extension } from './clock-types';
import { evaluateClock } from './clock';
import { diffDays, formatDay, isIsoDate } from './days';
import type { CalendarSnapshot } from './types';

/** Why an extension was refused. */
export type ExtensionRefusalCode =
  | 'EXTENSION_NOT_ALLOWED'
  | 'EXTENSION_LIMIT_REACHED'
  | 'EXTENSION_TOO_LONG'
  | 'EXTENSION_UNIT_MISMATCH'
  | 'EXTENSION_INVALID'
  | 'EXTENSION_AFTER_DUE'
  | 'CLOCK_STOPPED';

/** A refused extension: code, officer-readable message and the article relied on. */
export interface ExtensionRefusal {
  readonly code: ExtensionRefusalCode;
  readonly message: string;
  readonly legalBasis: string;
}

/** Result of {@link extendClock}. */
export type ExtensionResult =
  { readonly ok: true; readonly clock: Clock } | { readonly ok: false; readonly refusal: ExtensionRefusal };

/** Error form of an {@link ExtensionRefusal}, for callers that prefer to throw (e.g. update validators). */
export class ExtensionRefusedError extends Error {
  readonly code: ExtensionRefusalCode;
  readonly legalBasis: string;
  constructor(refusal: ExtensionRefusal) {
    super(refusal.message);
    this.name = 'ExtensionRefusedError';
    this.code = refusal.code;
    this.legalBasis = refusal.legalBasis;
  }
}

const refuse = (code: ExtensionRefusalCode, message: string, legalBasis: string): ExtensionResult => ({
  ok: false,
  refusal: { code, message, legalBasis },
});

/**
 * Grant an extension if the clock's {@link ExtensionPolicy} allows it, e.g. denunciations:
 * Luật Tố cáo 2018 Art 30(2) one extension of ≤ 30 days (complex case), Art 30(3) two
 * extensions of ≤ 30 days each (especially complex case). Checks, in order: clock not stopped,
 * extensions allowed, unit, amount ≤ `maxAmountEach`, count < `maxExtensions`, date not before
 * the start or the previous extension, and (unless `mustPrecedeDue` is false) date not after
 * the current due day.
 * @throws CalendarCoverageError when the due-day check needs days the snapshot lacks.
 */
export function extendClock(clock: Clock, ext: Extension, cal: CalendarSnapshot): ExtensionResult {
  const policy = clock.extensionPolicy;
  const basis = policy?.legalBasis ?? clock.legalBasis;
  if (clock.stopped)
    return refuse('CLOCK_STOPPED', `Clock ${clock.ruleId} was stopped on ${clock.stopped.date}`, basis);
  if (!policy || policy.maxExtensions <= 0) {
    return refuse('EXTENSION_NOT_ALLOWED', `Rule ${clock.ruleId} allows no extension (${basis})`, basis);
  }
  if (!isIsoDate(ext.date) || !Number.isInteger(ext.amount) || ext.amount < 1) {
    return refuse(
      'EXTENSION_INVALID',
      `Extension needs a whole number of days ≥ 1 and a YYYY-MM-DD decision date`,
      basis,
    );
  }
  if (ext.unit !== policy.unit || ext.unit !== clock.budget.unit) {
    return refuse(
      'EXTENSION_UNIT_MISMATCH',
      `Extensions of ${clock.ruleId} are in ${policy.unit}, not ${ext.unit} (${basis})`,
      basis,
    );
  }
  if (ext.amount > policy.maxAmountEach) {
    return refuse(
      'EXTENSION_TOO_LONG',
      `Refused: an extension may not exceed ${policy.maxAmountEach} days; ${ext.amount} requested (${basis})`,
      basis,
    );
  }
  if (clock.extensions.length >= policy.maxExtensions) {
    const granted = clock.extensions.map((e) => e.decisionRef).join(', ');
    return refuse(
      'EXTENSION_LIMIT_REACHED',
      `Refused: at most ${policy.maxExtensions} extension(s) allowed (${basis}); already granted: ${granted}`,
      basis,
    );
  }
  const lastDate = clock.extensions[clock.extensions.length - 1]?.date ?? clock.startEvent.date;
  if (diffDays(lastDate, ext.date) < 0) {
    return refuse('EXTENSION_INVALID', `Extension dated ${ext.date} precedes ${lastDate}`, basis);
  }
  if (policy.mustPrecedeDue !== false) {
    const current = evaluateClock(clock, cal);
    if (current.due !== null && diffDays(current.due, ext.date) > 0) {
      return refuse(
        'EXTENSION_AFTER_DUE',
        `Refused: the time limit already ended on ${formatDay(current.due)}; an extension must be decided within it (${basis})`,
        basis,
      );
    }
  }
  return { ok: true, clock: { ...clock, extensions: [...clock.extensions, { ...ext }] } };
}
