/**
 * Report forms of the reporting regime (chế độ báo cáo) as versioned data, and the snapshot a
 * computed form gives (ADR 0031). Source: shared/domain/sources/tt-02-2021-che-do-bao-cao.md
 * (TT 02/2021/TT-TTCP, 01/2024/TT-TTCP, 02/2025/TT-TTCP, 06/2025/TT-TTCP). Types only: safe to
 * import anywhere (the report lifecycle workflow included).
 */

/** A civil date `YYYY-MM-DD` (Vietnam calendar day). */
export type IsoDate = string;

/**
 * A value the law sets, with where it comes from. `confirmed: false` = UNCONFIRMED: the sources
 * are silent or secondary, so the value is configuration (override it, see `reports/regimes.ts`).
 */
export interface Sourced<T> {
  value: T;
  /** The article (or secondary source) the value comes from, or why it is assumed. */
  source: string;
  confirmed: boolean;
}

/** Kinds of periodic data period. `month` is the plan's monthly report to the chairman. */
export type PeriodKind = 'month' | 'quarter' | 'half' | 'nine_months' | 'year';

/** Who sends a report to whom (agency levels of the directory). */
export type ReportLevel = 'commune' | 'district' | 'department' | 'province' | 'ministry';

/** A sending deadline for one level: day of the last month of the data period (null: unknown). */
export interface SendingDeadline {
  level: ReportLevel;
  /** Recipient, in words (e.g. "UBND cấp tỉnh (qua Thanh tra tỉnh)"). */
  recipient: string;
  dayOfLastMonth: Sourced<number | null>;
}

/**
 * One version of the reporting regime (a circular), selected by effective date. The data periods,
 * the sending deadline per level and the forms it uses are configuration of this version.
 */
export interface RegimeVersion {
  /** e.g. `02/2021/TT-TTCP`. */
  circular: string;
  title: string;
  /** Agency levels the version governs (02/2025 governs communes under two-tier local government). */
  scope: 'national' | 'commune';
  effectiveFrom: Sourced<IsoDate>;
  /** Exclusive end (the next version's start), absent while in force. */
  effectiveTo?: IsoDate;
  citation: string;
  /**
   * Data period rule: a quarter runs from `startDay` of the last month of the previous quarter to
   * `cutOffDay` of the last month of the quarter; 6 / 9 months and the year start with Q1.
   */
  dataPeriod: {
    startDay: Sourced<number>;
    cutOffDay: Sourced<number>;
    /** Month report (the plan's own): `startDay` of the previous month to `cutOffDay` of the month. */
    month: Sourced<{ startDay: number; cutOffDay: number }>;
  };
  /** Periodic kinds that need a narrative report besides the tables (01/2024: Q2–Q4 tables only). */
  narrativeFor: Sourced<PeriodKind[]>;
  deadlines: SendingDeadline[];
  /** Form codes of this version (e.g. `01/TCD`); a form's own versions are selected by date. */
  forms: Sourced<string[]>;
}

/**
 * Which records of the period a cell counts, relative to the data period [from, to]:
 * - `received`: received within the period;
 * - `carried_over`: received before the period and not closed before it began (kỳ trước chuyển sang);
 * - `on_hand`: either of the two (tổng số đơn/vụ việc);
 * - `closed`: closed (handled / resolved) within the period.
 */
export type PeriodBasis = 'received' | 'carried_over' | 'on_hand' | 'closed';

/**
 * The filter of a cell over cases: the case-search filter (`GET /v1/cases` query parameters, so the
 * cell's drill-down is that search) plus predicates on projected workflow variables and outcome
 * that the search may not offer (then the cell has no drill-down link).
 */
export interface CaseCellFilter {
  /** Case-search parameters (`type`, `status`, `overdue`, `mass`, `complex`, …) as strings. */
  search?: Record<string, string>;
  /** Case type is one of these (beside `search.type`). */
  types?: string[];
  /** Workflow variables (projected state) equal to one of the values. */
  variables?: Record<string, Array<string | boolean | number>>;
  /** Final outcome of the case (`case_states.outcome`) is one of these. */
  outcome?: string[];
  /** Who signed the letter: several people, one person, or nobody named (đơn khác). */
  signers?: 'many' | 'one' | 'other';
  /** A date variable (e.g. `decisionIssuedOn`) that must fall within the data period. */
  dateInPeriod?: string;
  /** Closed (status completed/cancelled) or still open at the time of computing. */
  closed?: boolean;
  /** Overdue flag of the read model (a statutory clock breached). */
  overdue?: boolean;
  /** Channel of receipt (`cases.channel`). */
  channel?: string[];
}

/** The filter of a cell over reception visits (and their sessions) or sessions alone. */
export interface VisitCellFilter {
  /** Session kind: `regular` (tiếp thường xuyên), `periodic`, `ad_hoc` (the head's days). */
  sessionKind?: Array<'regular' | 'periodic' | 'ad_hoc'>;
  /** The head received in person, or delegated (ủy quyền). */
  receivedBy?: 'in_person' | 'delegated';
  /** A delegation (đoàn đông người). */
  delegation?: boolean;
  /** A matter received before (the visit's matter was received more than once). */
  repeat?: boolean;
  contentType?: Array<'complaint' | 'denunciation' | 'petition' | 'feedback'>;
  outcome?: Array<'guided' | 'answered' | 'letter_received' | 'transferred' | 'refused'>;
}

/** What a cell measures over the records its filter selects. */
export type Measure =
  /** Records (cases, visits = lượt tiếp, sessions = kỳ tiếp). */
  | { kind: 'count' }
  /** People received (visits: `people_count`). */
  | { kind: 'people' }
  /** Matters (vụ việc): distinct matters of the visits, a visit without a matter counting as one. */
  | { kind: 'matters' };

export type CellSpec =
  /** Counted from the database. */
  | { kind: 'query'; source: 'cases'; basis: PeriodBasis; filter: CaseCellFilter; measure: { kind: 'count' } }
  | { kind: 'query'; source: 'visits' | 'sessions'; filter: VisitCellFilter; measure: Measure }
  /** Arithmetic over other columns of the same row (the form's "1=2+3"). */
  | { kind: 'sum'; of: number[] }
  /**
   * Not recorded by kntc-flow (money, land, people disciplined…): null in a computed snapshot, to be
   * entered by the agency before submitting. `reason` says why.
   */
  | { kind: 'manual'; reason: string }
  /** The "Ghi chú" column (free text, no number). */
  | { kind: 'note' };

/** One leaf column of a form. */
export interface ColumnDefinition {
  /** The number in the form's code row ("MS"), e.g. 9. */
  no: number;
  /** Header path from the top group to the leaf label; equal prefixes of adjacent columns merge. */
  path: string[];
  /** The identity printed in the code row (e.g. `9=11+12+13=14+15+16+17=18+22`), when any. */
  identity?: string;
  cell: CellSpec;
}

/**
 * A rule between columns, checked on every row of a computed snapshot:
 * `left` (a column of this form) equals the sum of `right` (columns of this form or, with `form`,
 * of another form computed for the same agency and period).
 */
export interface ColumnRule {
  id: string;
  left: number;
  right: Array<{ form?: string; col: number }>;
  citation: string;
  confirmed: boolean;
}

/** A report form (biểu mẫu), one version of it. Keyed by (code, version). */
export interface FormDefinition {
  /** e.g. `01/TCD`. */
  code: string;
  version: number;
  title: string;
  /** Circular whose annex the form is (e.g. `02/2021/TT-TTCP`). */
  circular: string;
  effectiveFrom: IsoDate;
  /** Exclusive. */
  effectiveTo?: IsoDate;
  citation: string;
  /** How sure the layout is (A/B/S evidence levels of the source file) and what is UNCONFIRMED. */
  evidence: string;
  confirmed: boolean;
  /** Heading of the unit column. */
  unitHeading: string;
  columns: ColumnDefinition[];
  rules: ColumnRule[];
}

/** A header cell laid out on a grid (0-based), for XLSX merges and HTML colspan/rowspan. */
export interface HeaderCell {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  text: string;
}

/** One computed cell. `value: null` = a manual column (not recorded by kntc-flow) or the note column. */
export interface SnapshotCell {
  value: number | null;
  /**
   * The list behind the number (relative URL of the API): the case search with the same filter, or for a figure
   * of other records (reception sessions and visits, hotspots, gatherings, task forces, review campaigns) their
   * list with the same filter. Absent when no list offers the filter (never a link to a wider list).
   */
  drillDown?: string;
  /**
   * How the number is counted, when the list does not show it as a count of items: e.g. "sum of peopleCount",
   * "distinct sessionDate" — and, for a figure whose rule the sources leave open, the configuration it follows.
   */
  note?: string;
  /** The figure rests on a rule the sources do not confirm (configuration, marked UNCONFIRMED where shown). */
  unconfirmed?: boolean;
  /**
   * The ids of the records counted, for a figure a consolidation must count distinct (one record can belong to
   * several agencies: a hotspot's items): the consolidation counts the union, not the sum. No personal data.
   */
  items?: string[];
}

export interface SnapshotRow {
  /** The unit's agency id, `self` for the agency's own records, `total` for the total row. */
  code: string;
  label: string;
  /** Keyed by column number (as a string: `"1"`, `"2"`, …). */
  cells: Record<string, SnapshotCell>;
}

export interface CheckResult {
  rule: string;
  ok: boolean;
  detail: string;
}

/**
 * A computed form: pure data, JSON-serialisable, hashed with `canonicalJson` (the report lifecycle
 * freezes it). No personal data: counts and agency names only.
 */
export interface ReportSnapshot {
  form: { code: string; version: number; title: string; circular: string };
  agencyId: string;
  agencyName: string;
  period: { from: IsoDate; to: IsoDate };
  /** The header layout and the leaf columns the rows are keyed by. */
  header: HeaderCell[];
  columns: Array<{ no: number; label: string; identity?: string; manual?: boolean }>;
  rows: SnapshotRow[];
  checks: CheckResult[];
  /** When computed (ISO instant, +07:00). Not part of what the lifecycle compares. */
  computedAt: string;
}

export interface ComputeRequest {
  formCode: string;
  /** Selects the form version (default: the period's last day). */
  at?: IsoDate;
  /** The agency whose subtree is reported; its direct children are the rows. */
  agencyId: string;
  period: { from: IsoDate; to: IsoDate };
}

/** A form as listed (`GET /v1/reports/forms`). */
export interface FormSummary {
  code: string;
  version: number;
  title: string;
  circular: string;
  effectiveFrom: IsoDate;
  effectiveTo?: IsoDate;
  confirmed: boolean;
}

/**
 * The report engine (`reports/engine.ts`, `createReportEngine(db, agencies)`): what the report
 * lifecycle (drafting, submit/freeze, rollup) codes against.
 */
export interface ReportEngine {
  /** Forms in force on `at`. */
  listForms(at: IsoDate): FormSummary[];
  /** The version of form `code` in force on `at`; undefined when none. */
  selectForm(code: string, at: IsoDate): FormDefinition | undefined;
  /** Computes a form for an agency subtree and a data period (checks included). */
  computeReport(req: ComputeRequest): Promise<ReportSnapshot>;
}

/**
 * Renderers (`reports/render/*.ts`): XLSX laid out like the form (merged header cells, numbers as
 * numbers), CSV (one line per row, header = column numbers and leaf labels), JSON (canonical) and
 * PDF (the form's HTML printed by Chromium).
 */
export interface ReportRenderers {
  renderXlsx(s: ReportSnapshot): Promise<Buffer>;
  renderCsv(s: ReportSnapshot): string;
  renderJson(s: ReportSnapshot): string;
  renderHtml(s: ReportSnapshot): string;
  renderPdf(s: ReportSnapshot): Promise<Buffer>;
}
