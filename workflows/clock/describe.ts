/**
 * Wording of non-working days for derivation texts ("weekly rest days", "Tết Nguyên Đán 2026
 * (announced days off)"). Kept apart so every step words the same thing the same way.
 */
import type { DayInfo } from './calendar-lookup';
import { LEGAL } from './legal';
import type { ExceptionKind } from './types';

const KIND_LABEL: Record<ExceptionKind, string> = {
  public_holiday: 'public holiday',
  substitute_day_off: 'substitute day off',
  announced_day_off: 'announced days off',
  makeup_working_day: 'make-up working day',
};

/** Summary of why a run of days is not working. */
export interface OffReason {
  /** Machine reason: distinct kinds, comma-separated (`weekly_rest_day`, `public_holiday` …). */
  readonly reason: string;
  /** Human phrase. */
  readonly text: string;
  /** Distinct legal/administrative sources, `; `-separated. */
  readonly legalBasis: string;
}

/**
 * Describe a run of non-working days, listing distinct causes in order of first appearance.
 * With `citeWeekly`, the weekly-rest phrase carries its source (QĐ 188/1999/QĐ-TTg Art 1).
 */
export function describeOffDays(days: readonly DayInfo[], citeWeekly = false): OffReason {
  const kinds: string[] = [];
  const phrases: string[] = [];
  const sources: string[] = [];
  const add = (list: string[], v: string): void => {
    if (!list.includes(v)) list.push(v);
  };
  let weekly = 0;
  for (const d of days) {
    if (d.exception) {
      add(kinds, d.exception.kind);
      add(phrases, `${d.exception.name} (${KIND_LABEL[d.exception.kind]})`);
      add(sources, d.exception.source);
    } else if (d.weeklyRest) {
      weekly += 1;
      add(kinds, 'weekly_rest_day');
      add(phrases, 'WEEKLY');
      add(sources, LEGAL.weeklyRest);
    }
  }
  const weeklyPhrase = `${weekly > 1 ? 'weekly rest days' : 'weekly rest day'}${citeWeekly ? ` (${LEGAL.weeklyRest})` : ''}`;
  return {
    reason: kinds.join(','),
    text: phrases.map((p) => (p === 'WEEKLY' ? weeklyPhrase : p)).join('; '),
    legalBasis: sources.join('; '),
  };
}
