/**
 * Statutory rules of citizen reception selected by the date they apply to (issue 14, ADR 0028). Pure.
 * Each cites the article as read in ../shared/domain/sources/ (Luật Tiếp công dân 2013 = Luật 42/2013/QH13
 * in its consolidated text; NĐ 154/2026/NĐ-CP, in force 01/07/2026 by its Art 44, which repeals NĐ 64/2014).
 */

/** First day NĐ 154/2026/NĐ-CP is in force (its Art 44). */
export const ND_154_2026_FROM = '2026-07-01';

/**
 * Online reception (tiếp công dân trực tuyến) is organised under NĐ 154/2026 Chương V (Art 16–24), in force
 * from 01/07/2026 (Art 44). Neither Luật Tiếp công dân 2013 nor the sources before that date provide for it:
 * an online session or schedule entry on an earlier day is refused.
 */
export const ONLINE_RECEPTION = {
  from: ND_154_2026_FROM,
  citation: 'NĐ 154/2026/NĐ-CP Art 16-24 (Chương V, tiếp công dân trực tuyến), in force 01/07/2026 (Art 44)',
} as const;

/** Whether online reception is provided for on `date` (YYYY-MM-DD, Vietnam). */
export function onlineReceptionAllowed(date: string): boolean {
  return date >= ONLINE_RECEPTION.from;
}

/**
 * The legal ground of a refused visit, by the visit's date: Luật Tiếp công dân 2013 Art 9 (its cases 1–3 and
 * "other cases provided by law"); from 01/07/2026 NĐ 154/2026 Art 4, which takes Art 9(1)–(3) and adds
 * the cases of its clause 1(a)–(k) (an explanation to the citizen, clause 2; a written notice on Mẫu 01/TCD
 * within 3 working days for Art 9(3) and 1(h), clause 3).
 */
export function refusalBasis(date: string): string {
  return date >= ND_154_2026_FROM
    ? 'NĐ 154/2026/NĐ-CP Art 4 (with Luật Tiếp công dân 2013 Art 9(1)-(3))'
    : 'Luật Tiếp công dân 2013 Art 9';
}

/**
 * Many people on one content must send representatives (Luật Tiếp công dân 2013 Art 29): 5 to 10 people
 * send one or two; more than 10 may send more, at most five. (Art 30 is how the head receives them.)
 * Fewer than five: the article sets no number (a delegation still names at least one representative).
 */
export const REPRESENTATIVES_RULE = {
  citation: 'Luật Tiếp công dân 2013 Art 29',
  // The counts (5-10 people: 1 or 2; more than 10: at most 5) are checked by one function for letters, complaints,
  // denunciations and visits alike: processes/builtin/representatives.ts through representativeProblems.
} as const;

/**
 * The leader's reception schedule is posted at least 5 working days before the reception day, and a
 * postponement for a good reason is announced at the reception place (Luật Tiếp công dân 2013 Art 24(4),
 * for the schedules of Art 24(1), 24(2)(c) and 24(3)). NĐ 154/2026 Art 23(1) is a different notice: the
 * central point of an online reception notifies the citizen and the agencies at least 5 working days before.
 */
export const SCHEDULE_NOTICE = {
  workingDays: 5,
  citation: 'Luật Tiếp công dân 2013 Art 24(4)',
  onlineCitation: 'NĐ 154/2026/NĐ-CP Art 23(1)',
} as const;

/** First day of Luật Tiếp công dân 2013 (Luật 42/2013/QH13, in force 01/07/2014 by its Art 35). */
export const LUAT_TCD_2013_FROM = '2014-07-01';

export interface ScheduleNoticeRule {
  workingDays: number;
  citation: string;
}

/**
 * The notice a schedule entry of `kind` on `date` (YYYY-MM-DD, Vietnam) must be published with, by date:
 * a leader's periodic reception day — Luật Tiếp công dân 2013 Art 24(4), from 01/07/2014; an online reception day
 * (only from 01/07/2026) — NĐ 154/2026 Art 23(1), the same 5 working days. None for an ad hoc reception (Art 18(3):
 * received when a matter flares up, not a posted schedule — our reading, UNCONFIRMED) or before the Law.
 */
export function scheduleNoticeRule(kind: 'periodic' | 'ad_hoc' | 'online', date: string): ScheduleNoticeRule | null {
  if (kind === 'ad_hoc' || date < LUAT_TCD_2013_FROM) return null;
  if (kind === 'online' && date >= ND_154_2026_FROM)
    return { workingDays: SCHEDULE_NOTICE.workingDays, citation: SCHEDULE_NOTICE.onlineCitation };
  return { workingDays: SCHEDULE_NOTICE.workingDays, citation: SCHEDULE_NOTICE.citation };
}

/**
 * The last day a schedule entry on `date` could be published with `workingDays` of notice: the working day that
 * many working days before it (`workingDaysBefore`: the working days before `date`, latest last).
 */
export function noticeDeadline(workingDaysBefore: readonly string[], workingDays: number): string | null {
  return workingDaysBefore.length >= workingDays ? workingDaysBefore[workingDaysBefore.length - workingDays]! : null;
}
