/**
 * The statutory clock: a budget of days from a start event, minus suspended periods, plus
 * extensions, evaluated against a calendar snapshot. Pure and deterministic.
 *
 * Suspension semantics (chosen and documented in docs/decisions/0003-statutory-clock-model.md):
 * - Luật Tố cáo 2018 Art 34(2) and Luật Khiếu nại Art 11a (from 01/07/2026): "the suspended time
 *   is not counted in the resolution time"; counting resumes from the continuation decision.
 * - Days of the budget's unit are counted from the day after the start event up to and including
 *   the day of the suspension decision (the decision takes effect after that day, by analogy
 *   with BLDS 2015 Art 147(2)); days after it up to and including the continuation decision day
 *   are not counted; counting resumes the day after the continuation decision, continuing the
 *   day numbering (calendar days stay calendar days; working days stay working days).
 * - A calendar-day budget whose last day is not a working day rolls forward once, at the very
 *   end (BLDS 2015 Art 148(5)); a suspension never triggers a roll-forward by itself.
 * - A suspension decided after the limit's last counted day does not move the due day.
 * - While a suspension is open there is no due day (status 'suspended').
 *
 * Extensions add their days to the budget (Luật Tố cáo 2018 Art 30(2)-(3): "total ≤ 60 / ≤ 90
 * days"), i.e. the extended limit is counted as one limit from the start event.
 */
import type { Clock, ClockEvaluation, RungSpec } from './clock-types';
import { addDays, diffDays, formatDay, formatRange } from './days';
import { countFrom } from './deadline';
import { endOfDayInstant, toEpochMillis } from './vn-time';
import { checkClock } from './ledger-check';
import { resolveRungs } from './rungs';
import { dueStep, startStep } from './steps';
import { countMonths } from './months';
import type { CalendarSnapshot, DayUnit, DerivationStep, IsoDate, LimitUnit } from './types';
import { rollForward, walk } from './walk';

/** Input of {@link createClock}. */
export interface CreateClockInput {
  readonly ruleId: string;
  readonly ruleVersion?: string;
  readonly legalBasis: string;
  /** Days, or months/years (BLDS 2015 Art 148(3)-(4); such a clock is neither suspendable nor extendable). */
  readonly budget: { readonly amount: number; readonly unit: LimitUnit };
  readonly startEvent: { readonly name: string; readonly date: IsoDate };
  readonly suspensionBasis?: string;
  /** First day a suspension may be dated (see {@link Clock.suspendableFrom}). */
  readonly suspendableFrom?: IsoDate;
  /** See {@link Clock.follows}. */
  readonly follows?: string;
  readonly extensionPolicy?: Clock['extensionPolicy'];
  readonly rungs?: readonly RungSpec[];
}

/**
 * Create a running clock with an empty ledger.
 * @throws ClockInputError for malformed input.
 */
export function createClock(input: CreateClockInput): Clock {
  const clock: Clock = {
    ruleId: input.ruleId,
    ...(input.ruleVersion === undefined ? {} : { ruleVersion: input.ruleVersion }),
    legalBasis: input.legalBasis,
    budget: { amount: input.budget.amount, unit: input.budget.unit },
    startEvent: { name: input.startEvent.name, date: input.startEvent.date },
    ...(input.suspensionBasis === undefined ? {} : { suspensionBasis: input.suspensionBasis }),
    ...(input.suspendableFrom === undefined ? {} : { suspendableFrom: input.suspendableFrom }),
    ...(input.follows === undefined ? {} : { follows: input.follows }),
    suspensions: [],
    ...(input.extensionPolicy === undefined ? {} : { extensionPolicy: input.extensionPolicy }),
    extensions: [],
    rungs: [...(input.rungs ?? [])],
  };
  checkClock(clock);
  return clock;
}

const unitWord = (unit: LimitUnit): string =>
  unit === 'working_days' ? 'working days' : unit === 'calendar_days' ? 'calendar days' : unit;

function extensionSteps(clock: Clock): DerivationStep[] {
  let total = clock.budget.amount;
  return clock.extensions.map((e) => {
    total += e.amount;
    const basis = clock.extensionPolicy?.legalBasis;
    return {
      kind: 'extension' as const,
      date: e.date,
      days: e.amount,
      reason: `extension_decision:${e.decisionRef}`,
      ...(basis === undefined ? {} : { legalBasis: basis }),
      text:
        `Extended by ${e.amount} ${unitWord(e.unit)} by decision ${e.decisionRef} of ${formatDay(e.date)}` +
        `${basis === undefined ? '' : ` (${basis})`}; limit now ${total} ${unitWord(e.unit)}`,
    };
  });
}

/** Internal outcome of walking the ledger. */
type Walked =
  | { readonly kind: 'due'; readonly due: IsoDate; readonly steps: DerivationStep[] }
  | { readonly kind: 'suspended'; readonly used: number; readonly since: IsoDate; readonly steps: DerivationStep[] };

function walkLedger(clock: Clock, cal: CalendarSnapshot, total: number): Walked {
  const limitUnit = clock.budget.unit;
  if (limitUnit === 'months' || limitUnit === 'years') {
    // BLDS 2015 Art 148(3)-(5): the corresponding day of the last month/year, rolled forward.
    // No suspension or extension (checkClock refuses them for these units).
    const counted = countMonths(cal, clock.startEvent.date, total, limitUnit);
    return { kind: 'due', due: counted.due, steps: counted.steps };
  }
  const unit: DayUnit = limitUnit;
  const basis = clock.suspensionBasis ?? 'suspension';
  const steps: DerivationStep[] = [];
  let cursor = clock.startEvent.date;
  let used = 0;
  for (const s of clock.suspensions) {
    const w = walk(cal, { after: cursor, unit, need: total - used, offset: used, until: s.from });
    steps.push(...w.steps);
    used += w.counted;
    if (used >= total) {
      // The limit's last day was reached on or before the suspension decision day: no effect.
      const last = w.lastCounted ?? cursor;
      steps.push({
        kind: 'suspension',
        from: s.from,
        ...(s.to === undefined ? {} : { to: s.to }),
        days: 0,
        reason: 'suspension_after_last_day',
        legalBasis: basis,
        text: `Suspension by decision ${s.decision} of ${formatDay(s.from)} is on or after the limit's last day (day ${total}, ${formatDay(last)}): no effect on the deadline`,
      });
      if (unit === 'working_days') return { kind: 'due', due: last, steps };
      const rolled = rollForward(cal, last, total);
      if (rolled.step) steps.push(rolled.step);
      return { kind: 'due', due: rolled.due, steps };
    }
    if (s.to === undefined) {
      steps.push({
        kind: 'suspension',
        from: s.from,
        days: used,
        reason: `suspended:${s.decision}`,
        legalBasis: basis,
        text:
          `Suspended from ${formatDay(s.from)} by decision ${s.decision}: ${used} of ${total} ${unitWord(unit)} used, ` +
          `${total - used} remaining; no deadline until a continuation decision — counting resumes the day after it (${basis})`,
      });
      return { kind: 'suspended', used, since: s.from, steps };
    }
    const gap = diffDays(s.from, s.to);
    const cont = s.continuationDecision ?? 'continuation decision';
    steps.push({
      kind: 'suspension',
      from: addDays(s.from, 1),
      to: s.to,
      days: gap,
      reason: `suspended:${s.decision}`,
      legalBasis: basis,
      text:
        `Suspended by decision ${s.decision} of ${formatDay(s.from)} until ${cont} of ${formatDay(s.to)}` +
        (gap > 0 ? `: ${formatRange(addDays(s.from, 1), s.to)} (${gap} days) not counted` : ': no day lost') +
        `; ${used} of ${total} ${unitWord(unit)} used, counting resumes ${formatDay(addDays(s.to, 1))} (${basis})`,
    });
    cursor = s.to;
  }
  const rest = countFrom(cal, cursor, total - used, unit, used);
  steps.push(...rest.steps);
  return { kind: 'due', due: rest.due, steps };
}

/**
 * Evaluate a clock: due day and instant, status, rungs and a full derivation.
 *
 * Status: `stopped` if the clock was stopped; else `suspended` while a suspension is open;
 * else `breached` when `now` (ISO instant or epoch ms — the workflow passes its deterministic time;
 * never the host clock inside pure code) is after `dueAt`; else `running`. Without `now` a
 * running clock is never reported as breached.
 *
 * @throws ClockInputError / ClockError for invalid clocks; CalendarCoverageError when the
 * snapshot does not cover the days needed.
 */
export function evaluateClock(clock: Clock, cal: CalendarSnapshot, now?: string | number): ClockEvaluation {
  checkClock(clock);
  const base = clock.budget.amount;
  const extended = clock.extensions.reduce((sum, e) => sum + e.amount, 0);
  const total = base + extended;
  const budget = { amount: total, unit: clock.budget.unit, base, extended };
  const head = [startStep(clock.startEvent.date, clock.startEvent.name), ...extensionSteps(clock)];
  const walked = walkLedger(clock, cal, total);
  const common = { ruleId: clock.ruleId, legalBasis: clock.legalBasis, budget, calendarVersion: cal.version };
  if (walked.kind === 'suspended') {
    return {
      ...common,
      status: clock.stopped ? 'stopped' : 'suspended',
      due: null,
      dueAt: null,
      daysUsed: walked.used,
      daysRemaining: total - walked.used,
      rungs: [],
      derivation: [...head, ...walked.steps],
    };
  }
  const dueAt = endOfDayInstant(walked.due);
  const derivation = [...head, ...walked.steps, dueStep(walked.due)];
  if (clock.stopped) {
    const onTime = diffDays(clock.stopped.date, walked.due) >= 0;
    return { ...common, status: 'stopped', due: walked.due, dueAt, stoppedOnTime: onTime, rungs: [], derivation };
  }
  const breached = now !== undefined && toEpochMillis(now) > toEpochMillis(dueAt);
  return {
    ...common,
    status: breached ? 'breached' : 'running',
    due: walked.due,
    dueAt,
    rungs: resolveRungs(cal, walked.due, clock.rungs),
    derivation,
  };
}
