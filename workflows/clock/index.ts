/**
 * Public API of the statutory clock. Pure and deterministic: imports only `luxon` and its own
 * files, so it is safe inside the Temporal workflow sandbox.
 */
export type {
  CalendarException,
  CalendarSnapshot,
  DayUnit,
  DeadlineInput,
  DeadlineResult,
  DerivationKind,
  DerivationStep,
  ExceptionKind,
  IsoDate,
  LimitUnit,
  WeekRule,
} from './types';
export { LIMIT_UNITS } from './types';
export type {
  Budget,
  Clock,
  ClockErrorCode,
  ClockEvaluation,
  ClockStatus,
  Extension,
  ExtensionPolicy,
  ResolvedRung,
  RungSpec,
  Suspension,
} from './clock-types';
export { ClockError } from './clock-types';
export { computeDeadline } from './deadline';
export { addMonthsClamped, daysInMonth, type CorrespondingDay, type MonthUnit } from './months';
export { createClock, evaluateClock, type CreateClockInput } from './clock';
export { suspendClock, resumeClock, stopClock } from './ledger';
export {
  extendClock,
  ExtensionRefusedError,
  type ExtensionRefusal,
  type ExtensionRefusalCode,
  type ExtensionResult,
} from './extensions';
export { denunciationExtensionPolicy, denunciationResolutionClock, type DenunciationComplexity } from './rules';
export {
  CalendarCoverageError,
  DEFAULT_WEEK_RULE,
  covers,
  dayInfo,
  isWorkingDay,
  type DayInfo,
} from './calendar-lookup';
export { addDays, diffDays, formatDay, formatVn, isIsoDate, isoWeekday, InvalidDateError } from './days';
export { endOfDayInstant, startOfDayInstant, VN_ZONE } from './vn-time';
export { describeOffDays, type OffReason } from './describe';
export { LEGAL } from './legal';
export { ClockInputError } from './validate';
