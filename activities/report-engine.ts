/**
 * The one place stored reports (ADR 0032) meet the report-form engine (issue 16 item 2, the
 * `reportforms` module): a later change of the engine's signatures touches this file only.
 *
 * Until a form is defined in the engine, the plan's monthly report to the provincial chairman (issue 16
 * item 3) is computed here from the case read model, with the filters of the case search (each cell's
 * drill-down is that search). Sections whose tables have not landed (reception, hotspots, central
 * gatherings, task forces, prolonged matters) are present with `value: null` and a note — never a number
 * that was not counted.
 */
import type { Db } from '../db/knex.js';
import { addDays } from '../workflows/clock/index.js';
import { startOfDayInstant } from '../workflows/clock/vn-time.js';
import type { ReportPeriod } from '../workflows/report-contract.js';

/** One cell: its number (null: not available yet, see `note`) and the case search behind it. */
export interface ReportCell {
  value: number | null;
  drillDown: string | null;
  note?: string;
}
export interface ReportRow {
  code: string;
  label: string;
  cells: Record<string, ReportCell>;
}
export interface ReportCheck {
  rule: string;
  ok: boolean;
  detail?: string;
}
/** What the engine computes (the `ReportSnapshot` of the reportforms interface). */
export interface ReportSnapshot {
  form: { code: string; version: number; title: string };
  agencyId: string;
  period: { kind: string; key: string; from: string; to: string };
  rows: ReportRow[];
  checks: ReportCheck[];
}

export interface ComputeRequest {
  formCode: string;
  /** The day the form is selected on (the period's last day). */
  at: string;
  agencyId: string;
  /** The agencies whose cases count (the agency itself; a whole subtree for a province-wide figure). */
  agencies: readonly string[];
  period: ReportPeriod;
}

const PENDING = (what: string) => `pending: ${what} not recorded by kntc-flow yet (issue 16 depends on it)`;

/** Computes a report's snapshot. */
export async function computeSnapshot(db: Db, req: ComputeRequest): Promise<ReportSnapshot> {
  return computeCaseFigures(db, req);
}

/**
 * The chairman's monthly report (and, until the regime's forms are defined in the engine, the periodic
 * report's case figures): one pass over the cases received in the period at the agencies.
 */
async function computeCaseFigures(db: Db, req: ComputeRequest): Promise<ReportSnapshot> {
  const from = startOfDayInstant(req.period.from);
  const to = startOfDayInstant(addDays(req.period.to, 1));
  const closed = `(cs.status IN ('completed', 'cancelled') OR c.status = 'closed')`;
  const overdue = `COALESCE(cs.overdue, false)`;
  const mass = `(COALESCE((cs.state->'variables'->>'massCase') = 'true', false) OR EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag IN ('mass_case', 'massCase') AND f.value = 'true'::jsonb))`;
  const complex = `(COALESCE((cs.state->'variables'->>'complex') = 'true', false) OR COALESCE(cs.state->'variables'->>'complexity', 'normal') <> 'normal' OR EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'complex' AND f.value = 'true'::jsonb))`;
  const complaint = `c.case_type IN ('complaint_first', 'complaint_second')`;
  const denunciation = `c.case_type = 'denunciation'`;
  const { rows } = await db.raw<{ rows: Array<Record<string, string>> }>(
    `SELECT count(*) AS total,
       count(*) FILTER (WHERE c.case_type = 'letter') AS letter,
       count(*) FILTER (WHERE ${complaint}) AS complaint,
       count(*) FILTER (WHERE ${denunciation}) AS denunciation,
       count(*) FILTER (WHERE c.case_type = 'petition') AS petition,
       count(*) FILTER (WHERE ${closed}) AS handled,
       count(*) FILTER (WHERE ${complaint} AND ${closed}) AS complaint_resolved,
       count(*) FILTER (WHERE ${complaint} AND ${closed} AND NOT ${overdue}) AS complaint_on_time,
       count(*) FILTER (WHERE ${complaint} AND ${overdue}) AS complaint_overdue,
       count(*) FILTER (WHERE ${denunciation} AND ${closed}) AS denunciation_resolved,
       count(*) FILTER (WHERE ${denunciation} AND ${closed} AND NOT ${overdue}) AS denunciation_on_time,
       count(*) FILTER (WHERE ${denunciation} AND ${overdue}) AS denunciation_overdue,
       count(*) FILTER (WHERE ${mass}) AS mass,
       count(*) FILTER (WHERE ${complex}) AS complex
     FROM cases c LEFT JOIN case_states cs ON cs.case_id = c.id
     WHERE c.agency_id = ANY(?::text[]) AND c.received_at >= ? AND c.received_at < ?`,
    [[...req.agencies], from, to],
  );
  const n = (k: string): number => Number(rows[0]?.[k] ?? 0);
  const base = `receivedFrom=${encodeURIComponent(from)}&receivedTo=${encodeURIComponent(to)}`;
  const link = (extra: string) => `/v1/cases?${base}${extra ? `&${extra}` : ''}`;
  const cell = (value: number | null, drill: string | null, note?: string): Record<string, ReportCell> => ({
    value: { value, drillDown: drill, ...(note ? { note } : {}) },
  });
  const counted = (code: string, label: string, key: string, drill: string): ReportRow => ({
    code,
    label,
    cells: cell(n(key), link(drill)),
  });
  const pending = (code: string, label: string, what: string): ReportRow => ({
    code,
    label,
    cells: cell(null, null, PENDING(what)),
  });
  const out: ReportRow[] = [
    pending('I.1', 'Số buổi tiếp công dân', 'reception sessions'),
    pending('I.2', 'Số ngày tiếp công dân định kỳ của lãnh đạo đã thực hiện', "leaders' reception days"),
    pending('I.3', 'Số ngày tiếp công dân định kỳ của lãnh đạo phải thực hiện', "leaders' reception days"),
    pending('I.4', 'Số lượt tiếp', 'reception visits'),
    pending('I.5', 'Số người được tiếp', 'reception visits'),
    pending('I.6', 'Số đoàn đông người', 'reception visits'),
    counted('II.1', 'Tổng số đơn tiếp nhận trong kỳ', 'total', ''),
    counted('II.1.a', 'Đơn (chưa phân loại)', 'letter', 'type=letter'),
    counted('II.1.b', 'Đơn khiếu nại', 'complaint', ''),
    counted('II.1.c', 'Đơn tố cáo', 'denunciation', 'type=denunciation'),
    counted('II.1.d', 'Đơn kiến nghị, phản ánh', 'petition', 'type=petition'),
    counted('II.2', 'Số đơn đã xử lý', 'handled', 'status=closed'),
    pending('II.3', 'Đơn thuộc thẩm quyền', 'competence of letters'),
    counted('III.1', 'Khiếu nại: số vụ việc thụ lý', 'complaint', ''),
    counted('III.2', 'Khiếu nại: đã giải quyết', 'complaint_resolved', 'status=closed'),
    counted('III.3', 'Khiếu nại: giải quyết đúng hạn', 'complaint_on_time', 'status=closed&overdue=false'),
    counted('III.4', 'Khiếu nại: quá hạn', 'complaint_overdue', 'overdue=true'),
    counted('IV.1', 'Tố cáo: số vụ việc thụ lý', 'denunciation', 'type=denunciation'),
    counted('IV.2', 'Tố cáo: đã giải quyết', 'denunciation_resolved', 'type=denunciation&status=closed'),
    counted(
      'IV.3',
      'Tố cáo: giải quyết đúng hạn',
      'denunciation_on_time',
      'type=denunciation&status=closed&overdue=false',
    ),
    counted('IV.4', 'Tố cáo: quá hạn', 'denunciation_overdue', 'type=denunciation&overdue=true'),
    counted('V.1', 'Vụ việc đông người', 'mass', 'mass=true'),
    counted('V.2', 'Vụ việc phức tạp', 'complex', 'complex=true'),
    pending('V.3', 'Vụ việc tồn đọng, kéo dài', 'prolonged matters'),
    pending('VI.1', 'Điểm nóng', 'hotspots'),
    pending('VI.2', 'Đoàn đông người lên Trung ương', 'central gatherings'),
    pending('VII.1', 'Tổ công tác: số tổ và tiến độ', 'task forces'),
  ];
  // The complaint rows span two case types: their drill-down is one search per type.
  for (const r of out) {
    if (r.code === 'II.1.b' || r.code === 'III.1') r.cells.value!.note = 'type=complaint_first + type=complaint_second';
  }
  const sumTypes = n('letter') + n('complaint') + n('denunciation') + n('petition');
  const checks: ReportCheck[] = [
    { rule: 'II.1 = II.1.a + II.1.b + II.1.c + II.1.d', ok: sumTypes === n('total') },
    { rule: 'III.3 + III.4 <= III.1', ok: n('complaint_on_time') + n('complaint_overdue') <= n('complaint') },
    { rule: 'IV.3 + IV.4 <= IV.1', ok: n('denunciation_on_time') + n('denunciation_overdue') <= n('denunciation') },
  ];
  return {
    form: {
      code: req.formCode,
      version: 1,
      title:
        req.formCode === 'KH-BC-THANG'
          ? 'Báo cáo tháng gửi Chủ tịch UBND tỉnh về công tác tiếp công dân, giải quyết khiếu nại, tố cáo'
          : 'Báo cáo định kỳ công tác tiếp công dân, xử lý đơn, giải quyết khiếu nại, tố cáo',
    },
    agencyId: req.agencyId,
    period: { kind: req.period.kind, key: req.period.key, from: req.period.from, to: req.period.to },
    rows: out,
    checks,
  };
}

/**
 * The consolidation of submitted snapshots: cell by cell, the sum of the numbers (a null cell stays null
 * only when every input has it null). Rows are those of the first snapshot, in its order.
 */
export function sumSnapshots(snapshots: readonly ReportSnapshot[]): ReportRow[] {
  const first = snapshots[0];
  if (!first) return [];
  return first.rows.map((r) => {
    const cells: Record<string, ReportCell> = {};
    for (const col of Object.keys(r.cells)) {
      let value: number | null = null;
      for (const s of snapshots) {
        const v = s.rows.find((x) => x.code === r.code)?.cells[col]?.value;
        if (typeof v === 'number') value = (value ?? 0) + v;
      }
      cells[col] = { value, drillDown: null };
    }
    return { code: r.code, label: r.label, cells };
  });
}
