/**
 * Input checks shared by the public functions. Violations throw {@link ClockInputError}: they
 * are programming or data errors, not business outcomes.
 */
import { isIsoDate } from './days';
import { LIMIT_UNITS, type DayUnit, type LimitUnit } from './types';

/** Thrown for malformed clock or deadline input (bad date, non-integer amount, unknown unit). */
export class ClockInputError extends Error {
  /** Stable machine code. */
  readonly code = 'INVALID_CLOCK_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'ClockInputError';
  }
}

/** Assert an existing `YYYY-MM-DD` date. */
export function assertDate(value: unknown, field: string): asserts value is string {
  if (!isIsoDate(value))
    throw new ClockInputError(`${field} must be an existing day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
}

/** Assert a whole number of days within [min, 10000]. */
export function assertAmount(value: unknown, field: string, min = 1): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 10_000) {
    throw new ClockInputError(`${field} must be an integer between ${min} and 10000, got ${JSON.stringify(value)}`);
  }
}

/** Assert a known {@link DayUnit}. */
export function assertUnit(value: unknown, field: string): asserts value is DayUnit {
  if (value !== 'calendar_days' && value !== 'working_days') {
    throw new ClockInputError(`${field} must be 'calendar_days' or 'working_days', got ${JSON.stringify(value)}`);
  }
}

/** Assert a known {@link LimitUnit} (days, months or years). */
export function assertLimitUnit(value: unknown, field: string): asserts value is LimitUnit {
  if (!(LIMIT_UNITS as readonly unknown[]).includes(value)) {
    const quoted = LIMIT_UNITS.map((u) => `'${u}'`);
    throw new ClockInputError(
      `${field} must be ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}, got ${JSON.stringify(value)}`,
    );
  }
}
