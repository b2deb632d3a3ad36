/**
 * Ledger operations on a clock: suspend, resume (continue), stop. Each returns a new clock.
 */
import { ClockError, type Clock } from './clock-types';
import { formatDay } from './days';
import { checkClock } from './ledger-check';
import type { IsoDate } from './types';
import { assertDate } from './validate';

function openSuspension(clock: Clock): boolean {
  const last = clock.suspensions[clock.suspensions.length - 1];
  return last !== undefined && last.to === undefined;
}

/**
 * Record a suspension decision (tạm đình chỉ) dated `from`.
 * Luật Tố cáo 2018 Art 34(1)-(2); Luật Khiếu nại Art 11a (from 01/07/2026).
 * @throws ClockError SUSPENSION_NOT_ALLOWED (rule has no suspension basis, or `from` precedes the
 * clock's `suspendableFrom`), ALREADY_SUSPENDED,
 * CLOCK_STOPPED, INVALID_LEDGER (date before the start or the previous continuation).
 */
export function suspendClock(clock: Clock, s: { readonly from: IsoDate; readonly decision: string }): Clock {
  if (clock.suspensionBasis === undefined) {
    throw new ClockError('SUSPENSION_NOT_ALLOWED', `Rule ${clock.ruleId} (${clock.legalBasis}) provides no suspension`);
  }
  if (clock.stopped)
    throw new ClockError('CLOCK_STOPPED', `Clock ${clock.ruleId} was stopped on ${clock.stopped.date}`);
  if (openSuspension(clock)) throw new ClockError('ALREADY_SUSPENDED', `Clock ${clock.ruleId} is already suspended`);
  assertDate(s.from, 'from');
  if (clock.suspendableFrom !== undefined && s.from < clock.suspendableFrom) {
    throw new ClockError(
      'SUSPENSION_NOT_ALLOWED',
      `Refused: a suspension of ${clock.ruleId} dated ${formatDay(s.from)} precedes ${formatDay(clock.suspendableFrom)}, ` +
        `the first day the suspension rule applies to this case (${clock.suspensionBasis})`,
      clock.suspensionBasis,
    );
  }
  const next: Clock = { ...clock, suspensions: [...clock.suspensions, { from: s.from, decision: s.decision }] };
  checkClock(next);
  return next;
}

/**
 * Record the continuation decision (quyết định tiếp tục giải quyết) dated `to`, closing the open
 * suspension; counting resumes the day after `to`.
 * @throws ClockError NOT_SUSPENDED, INVALID_LEDGER (`to` before the suspension decision).
 */
export function resumeClock(clock: Clock, r: { readonly to: IsoDate; readonly decision: string }): Clock {
  const last = clock.suspensions[clock.suspensions.length - 1];
  if (last === undefined || last.to !== undefined) {
    throw new ClockError('NOT_SUSPENDED', `Clock ${clock.ruleId} is not suspended`);
  }
  assertDate(r.to, 'to');
  const closed = { ...last, to: r.to, continuationDecision: r.decision };
  const next: Clock = { ...clock, suspensions: [...clock.suspensions.slice(0, -1), closed] };
  checkClock(next);
  return next;
}

/**
 * Stop the clock on `date` (obligation met, or the case ended by termination/withdrawal).
 * @throws ClockError CLOCK_STOPPED when already stopped, INVALID_LEDGER when dated too early.
 */
export function stopClock(clock: Clock, s: { readonly date: IsoDate; readonly reason: string }): Clock {
  if (clock.stopped)
    throw new ClockError('CLOCK_STOPPED', `Clock ${clock.ruleId} was stopped on ${clock.stopped.date}`);
  assertDate(s.date, 'date');
  const next: Clock = { ...clock, stopped: { date: s.date, reason: s.reason } };
  checkClock(next);
  return next;
}
