/**
 * Derivation steps that open and close every computation (start event, due date).
 */
import { addDays, formatDay } from './days';
import { endOfDayInstant } from './vn-time';
import { LEGAL } from './legal';
import type { DerivationStep, IsoDate } from './types';

/** BLDS 2015 Art 147(2): the event day is not counted; counting starts the next day. */
export function startStep(start: IsoDate, label = 'Start event'): DerivationStep {
  const first = addDays(start, 1);
  return {
    kind: 'start',
    date: start,
    from: first,
    reason: 'event_day_not_counted',
    legalBasis: LEGAL.countingStarts,
    text: `${label} ${formatDay(start)}; counting starts ${formatDay(first)} (${LEGAL.countingStarts})`,
  };
}

/** BLDS 2015 Art 148(1): the limit ends at 24:00 of its last day. */
export function dueStep(due: IsoDate): DerivationStep {
  return {
    kind: 'due',
    date: due,
    reason: 'end_of_last_day',
    legalBasis: LEGAL.endOfLastDay,
    text: `Deadline: end of ${formatDay(due)} (24:00, ${endOfDayInstant(due)}) (${LEGAL.endOfLastDay})`,
  };
}
