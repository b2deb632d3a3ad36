/**
 * Consistency checks of a clock's ledger (dates in order, one open suspension at most).
 */
import { ClockError, type Clock } from './clock-types';
import { diffDays } from './days';
import { assertAmount, assertDate, assertLimitUnit, assertUnit, ClockInputError } from './validate';

/**
 * Validate a whole clock value.
 * @throws ClockInputError for malformed fields; ClockError('INVALID_LEDGER') for inconsistent ledgers.
 */
export function checkClock(clock: Clock): void {
  assertDate(clock.startEvent.date, 'startEvent.date');
  assertAmount(clock.budget.amount, 'budget.amount');
  assertLimitUnit(clock.budget.unit, 'budget.unit');
  if (clock.budget.unit === 'months' || clock.budget.unit === 'years') {
    // Suspension and extension are counted in days (Luật Tố cáo 2018 Art 30, 34; Luật Khiếu nại
    // Art 11a): a limit in months/years (BLDS 2015 Art 148(3)-(4)) has neither.
    if (clock.suspensionBasis !== undefined || clock.suspensions.length > 0) {
      throw new ClockInputError(`a clock in ${clock.budget.unit} cannot be suspended (suspension is counted in days)`);
    }
    if (clock.extensionPolicy !== undefined || clock.extensions.length > 0) {
      throw new ClockInputError(`a clock in ${clock.budget.unit} cannot be extended (extensions are counted in days)`);
    }
  }
  if (clock.suspendableFrom !== undefined) assertDate(clock.suspendableFrom, 'suspendableFrom');
  let cursor = clock.startEvent.date;
  clock.suspensions.forEach((s, i) => {
    assertDate(s.from, `suspensions[${i}].from`);
    if (diffDays(cursor, s.from) < 0) {
      throw new ClockError('INVALID_LEDGER', `suspensions[${i}] starts ${s.from}, before ${cursor}`);
    }
    if (s.to === undefined) {
      if (i !== clock.suspensions.length - 1) {
        throw new ClockError('INVALID_LEDGER', `suspensions[${i}] is open but is not the last suspension`);
      }
      cursor = s.from;
      return;
    }
    assertDate(s.to, `suspensions[${i}].to`);
    if (diffDays(s.from, s.to) < 0) {
      throw new ClockError('INVALID_LEDGER', `suspensions[${i}] ends ${s.to}, before it starts ${s.from}`);
    }
    cursor = s.to;
  });
  let extCursor = clock.startEvent.date;
  clock.extensions.forEach((e, i) => {
    assertDate(e.date, `extensions[${i}].date`);
    assertAmount(e.amount, `extensions[${i}].amount`);
    if (e.unit !== clock.budget.unit) {
      throw new ClockError('INVALID_LEDGER', `extensions[${i}] is in ${e.unit}, the budget in ${clock.budget.unit}`);
    }
    if (diffDays(extCursor, e.date) < 0) {
      throw new ClockError('INVALID_LEDGER', `extensions[${i}] dated ${e.date}, before ${extCursor}`);
    }
    extCursor = e.date;
  });
  clock.rungs.forEach((r, i) => {
    if (!Number.isInteger(r.daysBefore))
      throw new ClockError('INVALID_LEDGER', `rungs[${i}].daysBefore must be an integer`);
    if (r.unit !== undefined) assertUnit(r.unit, `rungs[${i}].unit`);
  });
  if (clock.stopped) {
    assertDate(clock.stopped.date, 'stopped.date');
    if (diffDays(cursor, clock.stopped.date) < 0) {
      throw new ClockError('INVALID_LEDGER', `stopped on ${clock.stopped.date}, before ${cursor}`);
    }
  }
}
