/**
 * Versions of the reporting regime (chế độ báo cáo), selected by effective date, and the data
 * periods they define. Source: shared/domain/sources/tt-02-2021-che-do-bao-cao.md (§1.3, §1.4, §3,
 * §5). What the sources do not give is marked `confirmed: false` (UNCONFIRMED) and is configuration.
 */
import type { IsoDate, PeriodKind, RegimeVersion, SendingDeadline, Sourced } from './types.js';

const c = <T>(value: T, source: string): Sourced<T> => ({ value, source, confirmed: true });
const u = <T>(value: T, source: string): Sourced<T> => ({ value, source, confirmed: false });

const ART7 = 'TT 02/2021/TT-TTCP Điều 7 khoản 1 điểm a';
const MONTH = u(
  { startDay: 15, cutOffDay: 14 },
  'UNCONFIRMED: the monthly report to the chairman is the plan’s own; periods 15th–14th as the quarters ' +
    '(the Hoàng Mai local scheme, source §1.8, also uses 15th of the previous month to 14th)',
);
const FORMS_2021 = [
  '01/TCD',
  '02/TCD',
  '01/XLD',
  '02/XLD',
  '03/XLD',
  '04/XLD',
  '01/KQGQ',
  '02/KQGQ',
  '03/KQGQ',
  '04/KQGQ',
];

/**
 * Sending deadlines by level. The sources give none of the values (source §5 item 1): these are
 * defaults chosen inside the known bounds — NĐ 09/2019/NĐ-CP Điều 8 khoản 5 (at least one working
 * day after the cut-off) and Điều 13 (ministries and provinces to the Government by the 25th of the
 * last month); TT 03/2013 Điều 9 had the 20th to Thanh tra Chính phủ.
 */
function deadlines(circular: string, twoTier: boolean): SendingDeadline[] {
  const why = (d: number) =>
    `UNCONFIRMED: ${circular} deadline for this level not retrieved (source §5.1); default day ${d}, ` +
    'within NĐ 09/2019 Điều 8(5) and Điều 13 (25th), after TT 03/2013 Điều 9 (20th to TTCP)';
  const rows: SendingDeadline[] = [
    {
      level: 'commune',
      recipient: twoTier ? 'UBND cấp tỉnh (qua Thanh tra tỉnh)' : 'UBND cấp huyện',
      dayOfLastMonth: u(16, why(16)),
    },
    { level: 'department', recipient: 'UBND cấp tỉnh (qua Thanh tra tỉnh)', dayOfLastMonth: u(18, why(18)) },
    { level: 'province', recipient: 'Thanh tra Chính phủ', dayOfLastMonth: u(20, why(20)) },
    { level: 'ministry', recipient: 'Thanh tra Chính phủ', dayOfLastMonth: u(20, why(20)) },
  ];
  if (!twoTier) rows.splice(1, 0, { level: 'district', recipient: 'UBND cấp tỉnh', dayOfLastMonth: u(18, why(18)) });
  return rows;
}

export const REGIMES: readonly RegimeVersion[] = [
  {
    circular: '02/2021/TT-TTCP',
    title: 'Chế độ báo cáo công tác thanh tra, tiếp công dân, giải quyết khiếu nại, tố cáo và phòng, chống tham nhũng',
    scope: 'national',
    effectiveFrom: u('2021-05-10', 'in force 10/5/2021 per a summary (source §1.5); the article was not retrieved'),
    effectiveTo: '2024-03-05',
    citation: 'TT 02/2021/TT-TTCP (22/3/2021), Điều 3, Điều 7',
    dataPeriod: { startDay: c(15, ART7), cutOffDay: c(14, ART7), month: MONTH },
    narrativeFor: c(['quarter', 'half', 'nine_months', 'year'], 'TT 02/2021 Điều 3 khoản 1 (periodic reports)'),
    deadlines: deadlines('02/2021', false),
    forms: c(FORMS_2021, 'TT 02/2021 annex (codes: source §4.1, evidence A/B/S)'),
  },
  {
    circular: '01/2024/TT-TTCP',
    title:
      'Chế độ báo cáo công tác thanh tra, tiếp công dân, giải quyết khiếu nại, tố cáo và phòng, chống tham nhũng, tiêu cực',
    scope: 'national',
    effectiveFrom: u('2024-03-05', 'from a secondary page title only (source §3.1)'),
    effectiveTo: '2025-09-30',
    citation: 'TT 01/2024/TT-TTCP (20/01/2024), Điều 3, Điều 7',
    dataPeriod: {
      startDay: c(15, 'TT 01/2024 Điều 7 (summary, th389.vn, source §3.1): unchanged from 02/2021'),
      cutOffDay: c(14, 'TT 01/2024 Điều 7 (summary, th389.vn, source §3.1)'),
      month: MONTH,
    },
    narrativeFor: c(['quarter', 'half', 'nine_months', 'year'], 'TT 01/2024 (summary, source §3.1)'),
    deadlines: deadlines('01/2024', false),
    forms: u(FORMS_2021, 'UNCONFIRMED: form list of 01/2024 not retrieved; codes kept in software (source §4.5)'),
  },
  {
    circular: '02/2025/TT-TTCP',
    title: 'Hướng dẫn thực hiện một số quy định … liên quan đến chính quyền địa phương 02 cấp (chế độ báo cáo cấp xã)',
    scope: 'commune',
    effectiveFrom: c('2025-07-01', 'TT 02/2025/TT-TTCP, in force 01/7/2025 (source §3.2)'),
    citation: 'TT 02/2025/TT-TTCP (25/6/2025)',
    dataPeriod: {
      startDay: u(15, 'UNCONFIRMED: commune cut-off not retrieved (source §5.6); assumed as 01/2024'),
      cutOffDay: u(14, 'UNCONFIRMED: commune cut-off not retrieved (source §5.6); assumed as 01/2024'),
      month: MONTH,
    },
    narrativeFor: u(['quarter', 'half', 'nine_months', 'year'], 'UNCONFIRMED (source §5.6)'),
    deadlines: deadlines('02/2025', true).filter((d) => d.level === 'commune'),
    forms: u(FORMS_2021, 'UNCONFIRMED: which forms communes send is not retrieved (source §5.6)'),
  },
  {
    circular: '06/2025/TT-TTCP',
    title:
      'Chế độ thông tin, báo cáo công tác thanh tra, tiếp công dân, giải quyết khiếu nại, tố cáo và phòng, chống tham nhũng, tiêu cực',
    scope: 'national',
    effectiveFrom: c('2025-09-30', 'TT 06/2025/TT-TTCP, in force 30/9/2025 (source §3.3)'),
    citation: 'TT 06/2025/TT-TTCP (29/9/2025); TTCP Công văn 3247/TTCP-KHTC (Q4/2025 under 06/2025)',
    dataPeriod: {
      startDay: u(15, 'UNCONFIRMED: 06/2025 periods not retrieved (source §5.7); assumed unchanged'),
      cutOffDay: u(14, 'UNCONFIRMED: 06/2025 periods not retrieved (source §5.7); assumed unchanged'),
      month: MONTH,
    },
    narrativeFor: u(['quarter', 'half', 'nine_months', 'year'], 'UNCONFIRMED (source §5.7)'),
    deadlines: deadlines('06/2025', true),
    forms: u(FORMS_2021, 'UNCONFIRMED: 06/2025 forms and codes not retrieved (source §4.1, §5.7)'),
  },
];

/** The regime version in force on `at` for `scope` (commune falls back to national). */
export function selectRegime(at: IsoDate, scope: 'national' | 'commune' = 'national'): RegimeVersion {
  const inForce = (r: RegimeVersion) =>
    r.effectiveFrom.value <= at && (r.effectiveTo === undefined || at < r.effectiveTo);
  const found =
    (scope === 'commune' ? REGIMES.find((r) => r.scope === 'commune' && inForce(r)) : undefined) ??
    REGIMES.find((r) => r.scope === 'national' && inForce(r));
  if (!found) throw new RangeError(`no reporting regime in force on ${at}`);
  return found;
}

export function regimeByCircular(circular: string): RegimeVersion | undefined {
  return REGIMES.find((r) => r.circular === circular);
}

const pad = (n: number) => String(n).padStart(2, '0');
function ymd(year: number, month: number, day: number): IsoDate {
  // month may be 0 (December of the previous year)
  const y = month < 1 ? year - 1 : year;
  const m = month < 1 ? month + 12 : month;
  return `${y}-${pad(m)}-${pad(day)}`;
}

/** How many periods of a kind a year has (`index` runs 1..count). */
export const PERIODS_PER_YEAR: Record<PeriodKind, number> = { month: 12, quarter: 4, half: 1, nine_months: 1, year: 1 };

/**
 * The data period (thời kỳ lấy số liệu) of a periodic report, both ends inclusive (source §1.4):
 * Q1 = 15/12 of the previous year to 14/3; Qn = 15th of the last month of the previous quarter to
 * the 14th of the quarter's last month; 6 months, 9 months and the year start on 15/12 of the
 * previous year. `index`: month 1–12, quarter 1–4, otherwise 1.
 */
export function dataPeriod(
  kind: PeriodKind,
  year: number,
  index: number,
  regime: RegimeVersion,
): { from: IsoDate; to: IsoDate } {
  if (!Number.isInteger(index) || index < 1 || index > PERIODS_PER_YEAR[kind])
    throw new RangeError(`${kind} index must be 1..${PERIODS_PER_YEAR[kind]}`);
  const s = regime.dataPeriod.startDay.value;
  const e = regime.dataPeriod.cutOffDay.value;
  if (kind === 'month') {
    const m = regime.dataPeriod.month.value;
    return { from: ymd(year, index - 1, m.startDay), to: ymd(year, index, m.cutOffDay) };
  }
  const lastMonth = kind === 'quarter' ? index * 3 : kind === 'half' ? 6 : kind === 'nine_months' ? 9 : 12;
  const firstMonthBefore = kind === 'quarter' ? lastMonth - 3 : 0;
  return { from: ymd(year, firstMonthBefore, s), to: ymd(year, lastMonth, e) };
}

/**
 * The data period of a periodic report under the regime in force on the period's last day: that day is
 * found with the latest regime's cut-off, then the regime in force on it gives the period (no cut-off day
 * assumed). Throws a RangeError for an index out of range or a period before the first regime.
 */
export function periodOf(
  kind: PeriodKind,
  year: number,
  index: number,
  scope: 'national' | 'commune' = 'national',
): { from: IsoDate; to: IsoDate; regime: RegimeVersion } {
  const probe = dataPeriod(kind, year, index, REGIMES[REGIMES.length - 1]!);
  const regime = selectRegime(probe.to, scope);
  return { ...dataPeriod(kind, year, index, regime), regime };
}

/** The sending deadline (a civil date) of a periodic report for `level`, or null when unknown. */
export function sendingDeadline(
  kind: PeriodKind,
  year: number,
  index: number,
  level: SendingDeadline['level'],
  regime: RegimeVersion,
): { on: IsoDate; source: string; confirmed: boolean } | null {
  const d = regime.deadlines.find((x) => x.level === level);
  if (!d || d.dayOfLastMonth.value === null) return null;
  const to = dataPeriod(kind, year, index, regime).to;
  return {
    on: `${to.slice(0, 8)}${pad(d.dayOfLastMonth.value)}`,
    source: d.dayOfLastMonth.source,
    confirmed: d.dayOfLastMonth.confirmed,
  };
}
