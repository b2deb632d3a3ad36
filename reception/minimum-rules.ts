/**
 * The legal minimum of days a head of agency receives citizens **in person** (tiếp công dân định kỳ),
 * by the agency's level, selected by effective date (issue 14.1 and 14.4, ADR 0029). Pure: the
 * compliance check (SQL side) and the compliance workflow (Temporal sandbox) both import it.
 *
 * Every rule cites its article (sources in ../shared/domain/sources/ and lifecycle-spec §2.4). What the
 * sources leave open is {@link ComplianceOptions}, marked UNCONFIRMED, never guessed into a rule.
 */
import type { Level } from '../db/directory.js';
import { addDays } from '../workflows/clock/days.js';

/** How a minimum is counted: distinct days per calendar month, or per ISO week (Monday–Sunday). */
export type RulePeriod = 'month' | 'week';

export interface MinimumRule {
  id: string;
  /** Agency level the rule applies to (db/directory.ts LEVELS). */
  level: Level;
  /** Who must receive (the head of the agency, as the directory names them). */
  official: string;
  /** Distinct days of in-person reception required per period. */
  days: number;
  period: RulePeriod;
  /** First day in force (YYYY-MM-DD, inclusive). */
  from: string;
  /** Last day in force (inclusive), or null while in force. */
  to: string | null;
  citation: string;
  /** [P] primary text in the sources folder; [S] a secondary source as the spec records it. */
  sourceQuality: 'primary' | 'secondary';
}

/** Ad hoc reception is owed in these cases, in addition to the minimum (not counted by days). */
export const AD_HOC_CASES = {
  citation: 'Luật Tiếp công dân 2013 Art 18(3)',
  cases: [
    'a) a heated or complex matter, with many people, involving several agencies, or on which agencies disagree',
    'b) a matter that, without timely direction, may cause serious harm to state or collective property, ' +
      "to people's lives or property, or to security, politics, order and social safety",
  ],
} as const;

/**
 * The rules. The district level (TCD Art 13(5): 2 days a month) was abolished on 01/07/2025 and the
 * directory has no district level, so it is not listed.
 */
export const MINIMUM_RULES: readonly MinimumRule[] = Object.freeze([
  {
    id: 'province-chair-monthly',
    level: 'province',
    official: 'Chủ tịch UBND cấp tỉnh',
    days: 1,
    period: 'month',
    from: '2014-07-01',
    to: null,
    citation: 'Luật Tiếp công dân 2013 Art 12(5): "ít nhất 01 ngày trong 01 tháng" at the provincial reception office',
    sourceQuality: 'primary',
  },
  {
    id: 'department-head-monthly',
    level: 'department',
    official: 'Người đứng đầu cơ quan hành chính nhà nước (Giám đốc sở, Chánh Thanh tra tỉnh)',
    days: 1,
    period: 'month',
    from: '2014-07-01',
    to: null,
    citation: 'Luật Tiếp công dân 2013 Art 18(2): "ít nhất 01 ngày trong 01 tháng" at the agency\'s reception place',
    sourceQuality: 'primary',
  },
  {
    id: 'commune-chair-weekly',
    level: 'commune',
    official: 'Chủ tịch UBND cấp xã',
    days: 1,
    period: 'week',
    from: '2014-07-01',
    to: '2026-06-30',
    citation:
      'Luật Tiếp công dân 2013 Art 15(2)(d): "ít nhất 01 ngày trong 01 tuần" at the commune People\'s Committee',
    sourceQuality: 'primary',
  },
  {
    id: 'commune-chair-monthly-2026',
    level: 'commune',
    official: 'Chủ tịch UBND cấp xã',
    days: 2,
    period: 'month',
    from: '2026-07-01',
    to: null,
    citation:
      'Luật Tiếp công dân 2013 Art 15(2)(d) as amended by Luật 136/2025/QH15 Art 1 cl. 7 (in force 01/07/2026): ' +
      '2 days a month [secondary source: lifecycle-spec §2.4, laodong.vn; the amending text is not in the sources folder]',
    sourceQuality: 'secondary',
  },
]);

/**
 * What the sources leave open (UNCONFIRMED: configuration, not law).
 *
 * - Delegated sessions never count: the Law says "trực tiếp" (in person) and the spec records that the
 *   2025 amendment kept delegation out (lifecycle-spec §2.4 [S]). Not configurable.
 * - `onlineCounts`: whether a head's online session (NĐ 154/2026 Arts 19–24, tiếp công dân trực tuyến)
 *   counts as a day "trực tiếp" — UNCONFIRMED; default true (the head receives in person, online).
 * - `adHocCounts`: whether an ad hoc session (Art 18(3)) also counts toward the periodic minimum —
 *   UNCONFIRMED; default true.
 * - A month's weeks: the weekly rule is checked per ISO week (Monday–Sunday), attributed to the month of
 *   its Monday — UNCONFIRMED reading of "01 ngày trong 01 tuần".
 */
export interface ComplianceOptions {
  onlineCounts: boolean;
  adHocCounts: boolean;
}

export const DEFAULT_COMPLIANCE_OPTIONS: ComplianceOptions = Object.freeze({ onlineCounts: true, adHocCounts: true });

/** The rule of `level` in force on `date` (YYYY-MM-DD) for the given period, or undefined. */
export function ruleFor(level: Level, date: string, period?: RulePeriod): MinimumRule | undefined {
  return MINIMUM_RULES.find(
    (r) => r.level === level && r.from <= date && (r.to === null || date <= r.to) && (!period || r.period === period),
  );
}

/** `YYYY-MM` → its first and last day. */
export function monthBounds(month: string): { first: string; last: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { first: `${month}-01`, last: `${month}-${String(last).padStart(2, '0')}` };
}

/** The Mondays of the ISO weeks that start in `month`. */
export function weeksStartingIn(month: string): Array<{ first: string; last: string }> {
  const { first, last } = monthBounds(month);
  const dow = new Date(`${first}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  let monday = addDays(first, (8 - dow) % 7);
  const out: Array<{ first: string; last: string }> = [];
  while (monday <= last) {
    out.push({ first: monday, last: addDays(monday, 6) });
    monday = addDays(monday, 7);
  }
  return out;
}

/** One obligation to check: a rule over a stretch of days. */
export interface Obligation {
  rule: MinimumRule;
  period: RulePeriod;
  first: string;
  last: string;
}

/**
 * What a head of `level` owes for `month`: the monthly rule in force on the month's first day (one
 * obligation), or — where the weekly rule is in force — one obligation per ISO week starting in the month
 * whose Monday it covers. Around 01/07/2026 a commune owes the weeks starting in June 2026 and the
 * July 2026 month: never both for the same days.
 */
export function obligationsFor(level: Level, month: string): Obligation[] {
  const { first, last } = monthBounds(month);
  const monthly = ruleFor(level, first, 'month');
  if (monthly) return [{ rule: monthly, period: 'month', first, last }];
  const out: Obligation[] = [];
  for (const w of weeksStartingIn(month)) {
    const weekly = ruleFor(level, w.first, 'week');
    if (weekly) out.push({ rule: weekly, period: 'week', first: w.first, last: w.last });
  }
  return out;
}

/** A session as counting sees it. */
export interface CountedSession {
  date: string;
  receivedBy: 'in_person' | 'delegated';
  mode: 'in_person' | 'online';
  kind: 'regular' | 'periodic' | 'ad_hoc';
}

/** Whether a session of the head counts toward the minimum (see {@link ComplianceOptions}). */
export function counts(s: CountedSession, opts: ComplianceOptions = DEFAULT_COMPLIANCE_OPTIONS): boolean {
  if (s.receivedBy !== 'in_person') return false;
  if (s.kind === 'regular') return false;
  if (s.mode === 'online' && !opts.onlineCounts) return false;
  if (s.kind === 'ad_hoc' && !opts.adHocCounts) return false;
  return true;
}

/** Distinct days of `sessions` within [first, last] that count. */
export function heldDays(
  sessions: readonly CountedSession[],
  first: string,
  last: string,
  opts: ComplianceOptions = DEFAULT_COMPLIANCE_OPTIONS,
): number {
  return new Set(sessions.filter((s) => s.date >= first && s.date <= last && counts(s, opts)).map((s) => s.date)).size;
}
