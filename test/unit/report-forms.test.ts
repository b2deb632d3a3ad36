/**
 * Issue 16 items 2 and 6: report forms as versioned data (data periods by regime, form selection by
 * date, form consistency) and the exports (XLSX opened with exceljs, CSV, JSON, HTML).
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { FORMS, listForms, selectForm } from '../../reports/forms.js';
import { headerDepth, headerLayout } from '../../reports/layout.js';
import {
  dataPeriod,
  periodOf,
  REGIMES,
  regimeByCircular,
  selectRegime,
  sendingDeadline,
} from '../../reports/regimes.js';
import { renderCsv, renderHtml, renderJson, renderXlsx, XLSX_HEADER_ROW } from '../../reports/render.js';
import { cellCaseQuery, periodInstants, snapshotHash } from '../../reports/engine.js';
import { CaseFilterQuery } from '../../db/case-filter.js';
import type { ReportSnapshot } from '../../reports/types.js';
import { parsePeriodKey, periodsEndingOn, reportPeriod } from '../../workflows/report-contract.js';

const tt2021 = regimeByCircular('02/2021/TT-TTCP')!;

describe('data periods (TT 02/2021 Điều 7 khoản 1; source §1.4)', () => {
  it('gives the table of §1.4 for every periodic report', () => {
    expect(dataPeriod('quarter', 2023, 1, tt2021)).toEqual({ from: '2022-12-15', to: '2023-03-14' });
    expect(dataPeriod('quarter', 2023, 2, tt2021)).toEqual({ from: '2023-03-15', to: '2023-06-14' });
    expect(dataPeriod('quarter', 2023, 3, tt2021)).toEqual({ from: '2023-06-15', to: '2023-09-14' });
    expect(dataPeriod('quarter', 2023, 4, tt2021)).toEqual({ from: '2023-09-15', to: '2023-12-14' });
    expect(dataPeriod('half', 2023, 1, tt2021)).toEqual({ from: '2022-12-15', to: '2023-06-14' });
    expect(dataPeriod('nine_months', 2023, 1, tt2021)).toEqual({ from: '2022-12-15', to: '2023-09-14' });
    expect(dataPeriod('year', 2023, 1, tt2021)).toEqual({ from: '2022-12-15', to: '2023-12-14' });
    expect(dataPeriod('month', 2023, 1, tt2021)).toEqual({ from: '2022-12-15', to: '2023-01-14' });
    expect(dataPeriod('month', 2023, 7, tt2021)).toEqual({ from: '2023-06-15', to: '2023-07-14' });
    expect(() => dataPeriod('quarter', 2023, 5, tt2021)).toThrow(RangeError);
  });

  it('quarters of a year tile the year with no gap or overlap', () => {
    for (const r of REGIMES) {
      const qs = [1, 2, 3, 4].map((i) => dataPeriod('quarter', 2026, i, r));
      const year = dataPeriod('year', 2026, 1, r);
      expect(qs[0]!.from).toBe(year.from);
      expect(qs[3]!.to).toBe(year.to);
      for (let i = 1; i < 4; i++) {
        const prevEnd = new Date(`${qs[i - 1]!.to}T00:00:00Z`);
        prevEnd.setUTCDate(prevEnd.getUTCDate() + 1);
        expect(qs[i]!.from).toBe(prevEnd.toISOString().slice(0, 10));
      }
    }
  });

  it('selects the regime by date: 02/2021 → 01/2024 → 06/2025, and 02/2025 for communes', () => {
    expect(() => selectRegime('2021-05-09', 'national')).toThrow(RangeError);
    expect(selectRegime('2023-12-14').circular).toBe('02/2021/TT-TTCP');
    expect(selectRegime('2024-06-14').circular).toBe('01/2024/TT-TTCP');
    expect(selectRegime('2025-09-14').circular).toBe('01/2024/TT-TTCP');
    expect(selectRegime('2025-12-14').circular).toBe('06/2025/TT-TTCP');
    expect(selectRegime('2025-08-01', 'commune').circular).toBe('02/2025/TT-TTCP');
    expect(selectRegime('2025-06-01', 'commune').circular).toBe('01/2024/TT-TTCP');
  });

  it('marks what the sources do not give as UNCONFIRMED (deadlines by level, 06/2025 periods)', () => {
    for (const r of REGIMES) for (const d of r.deadlines) expect(d.dayOfLastMonth.confirmed).toBe(false);
    expect(regimeByCircular('06/2025/TT-TTCP')!.dataPeriod.cutOffDay.confirmed).toBe(false);
    expect(tt2021.dataPeriod.cutOffDay).toMatchObject({ value: 14, confirmed: true });
    expect(sendingDeadline('quarter', 2023, 2, 'province', tt2021)).toMatchObject({
      on: '2023-06-20',
      confirmed: false,
    });
  });
});

describe('periods of stored reports', () => {
  it('one period rule for the form routes and the stored reports; before the first regime there is none', () => {
    expect(periodOf('quarter', 2026, 1)).toMatchObject({ from: '2025-12-15', to: '2026-03-14' });
    expect(reportPeriod('quarter', 2026, 1)).toMatchObject({ from: '2025-12-15', to: '2026-03-14', key: '2026-Q1' });
    expect(parsePeriodKey('2026-M03')).toMatchObject({ from: '2026-02-15', to: '2026-03-14' });
    // TT 02/2021 took effect in 2021: a key or a day before it is not a period (no throw, so no 500 and no
    // workflow task failing forever).
    expect(() => periodOf('quarter', 2019, 1)).toThrow(RangeError);
    expect(parsePeriodKey('2019-Q1')).toBeUndefined();
    expect(parsePeriodKey('0000-Y')).toBeUndefined();
    expect(periodsEndingOn('2019-03-14')).toEqual([]);
    expect(periodsEndingOn('2026-03-14').map((p) => p.key)).toEqual(['2026-M03', '2026-Q1']);
  });
});

describe('forms as versioned data', () => {
  it('ships the ten forms, each with unique, consecutive column numbers and valid references', () => {
    expect(listForms('2026-06-14').map((f) => f.code)).toEqual([
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
    ]);
    for (const f of FORMS) {
      const nos = f.columns.map((c) => c.no);
      expect(nos, f.code).toEqual(nos.map((_, i) => i + 1));
      for (const c of f.columns)
        if (c.cell.kind === 'sum') for (const n of c.cell.of) expect(nos, `${f.code}(${c.no})`).toContain(n);
      for (const r of f.rules) {
        expect(nos).toContain(r.left);
        for (const x of r.right) {
          const other = x.form ? selectForm(x.form, f.effectiveFrom) : f;
          expect(other, r.id).toBeDefined();
          expect(
            other!.columns.map((c) => c.no),
            r.id,
          ).toContain(x.col);
        }
      }
    }
    // Column counts of the source (§4.3).
    const count = (code: string) => selectForm(code, '2026-01-01')!.columns.length;
    expect([
      count('01/TCD'),
      count('02/TCD'),
      count('01/XLD'),
      count('02/XLD'),
      count('03/XLD'),
      count('04/XLD'),
    ]).toEqual([30, 17, 27, 31, 34, 25]);
    expect([count('01/KQGQ'), count('02/KQGQ'), count('03/KQGQ'), count('04/KQGQ')]).toEqual([27, 20, 32, 25]);
  });

  it('selects a form by date: none before TT 02/2021 took effect', () => {
    expect(selectForm('01/XLD', '2021-05-09')).toBeUndefined();
    expect(selectForm('01/XLD', '2021-05-10')?.version).toBe(1);
    expect(selectForm('99/XXX', '2024-01-01')).toBeUndefined();
  });

  it('lays out merged header cells from the column paths', () => {
    const f = selectForm('01/XLD', '2024-01-01')!;
    const h = headerLayout(f);
    expect(headerDepth(f)).toBe(3);
    expect(h[0]).toEqual({ row: 0, col: 0, rowSpan: 3, colSpan: 1, text: 'Đơn vị' });
    expect(h).toContainEqual({ row: 0, col: 1, rowSpan: 3, colSpan: 1, text: 'Tổng số đơn' });
    expect(h).toContainEqual({ row: 0, col: 2, rowSpan: 1, colSpan: 3, text: 'Kỳ trước chuyển sang' });
    expect(h).toContainEqual({ row: 1, col: 2, rowSpan: 2, colSpan: 1, text: 'Đơn có nhiều người đứng tên' });
    expect(h).toContainEqual({ row: 0, col: 18, rowSpan: 1, colSpan: 8, text: 'Kết quả xử lý đơn' });
    expect(h).toContainEqual({ row: 1, col: 18, rowSpan: 1, colSpan: 4, text: 'Đơn thuộc thẩm quyền' });
    // Every grid cell of the header is covered exactly once.
    const seen = new Set<string>();
    for (const c of h)
      for (let r = c.row; r < c.row + c.rowSpan; r++)
        for (let k = c.col; k < c.col + c.colSpan; k++) {
          expect(seen.has(`${r}:${k}`)).toBe(false);
          seen.add(`${r}:${k}`);
        }
    expect(seen.size).toBe(3 * (f.columns.length + 1));
  });
});

function sample(): ReportSnapshot {
  const f = selectForm('03/KQGQ', '2024-01-01')!;
  const cells = (k: number) =>
    Object.fromEntries(
      f.columns.map((c) => [
        String(c.no),
        { value: c.cell.kind === 'manual' || c.cell.kind === 'note' ? null : c.no * k },
      ]),
    );
  return {
    form: { code: f.code, version: f.version, title: f.title, circular: f.circular },
    agencyId: 'tinh-demo',
    agencyName: 'UBND tỉnh Demo',
    period: { from: '2023-12-15', to: '2024-03-14' },
    header: headerLayout(f),
    columns: f.columns.map((c) => ({
      no: c.no,
      label: c.path[c.path.length - 1]!,
      ...(c.identity ? { identity: c.identity } : {}),
    })),
    rows: [
      { code: 'so-a', label: 'Sở A, "phòng 1"', cells: cells(1) },
      {
        code: 'total',
        label: 'Tổng',
        cells: { ...cells(2), '3': { value: 6, drillDown: '/v1/cases?type=denunciation' } },
      },
    ],
    checks: [{ rule: '03/KQGQ(1)=01/XLD(20)', ok: true, detail: 'holds' }],
    computedAt: '2024-03-15T08:00:00.000+07:00',
  };
}

describe('case cells as case-search filters (issue 16 item 6)', () => {
  const period = { from: '2026-06-15', to: '2026-07-14' };
  const { start, end } = periodInstants(period);
  it('every case cell of every form is a valid filter of the case search (its drill-down)', () => {
    let n = 0;
    for (const f of FORMS)
      for (const c of f.columns)
        if (c.cell.kind === 'query' && c.cell.source === 'cases') {
          const q = cellCaseQuery(c.cell.filter, c.cell.basis, period);
          const parsed = CaseFilterQuery.safeParse(q);
          expect(parsed.success, `${f.code} (${c.no}): ${JSON.stringify(q)}`).toBe(true);
          n++;
        }
    expect(n).toBeGreaterThan(70);
  });
  it('maps each period basis, a letter outcome, a yes/no variable and a decision day onto the search', () => {
    const letter = { search: { type: 'letter' } };
    expect(cellCaseQuery(letter, 'received', period)).toEqual({ type: 'letter', receivedFrom: start, receivedTo: end });
    expect(cellCaseQuery(letter, 'carried_over', period)).toEqual({ type: 'letter', receivedTo: start, openAt: start });
    expect(cellCaseQuery(letter, 'on_hand', period)).toEqual({ type: 'letter', receivedTo: end, openAt: start });
    expect(cellCaseQuery(letter, 'closed', period)).toEqual({
      type: 'letter',
      receivedTo: end,
      doneFrom: start,
      doneTo: end,
    });
    expect(
      cellCaseQuery(
        { ...letter, signers: 'other', variables: { withinCompetence: [false], letterOutcome: ['guided'] } },
        'received',
        period,
      ),
    ).toEqual({
      type: 'letter',
      signers: 'other',
      'var.withinCompetence': 'false,null',
      'var.letterOutcome': 'guided',
      doneTo: end,
      receivedFrom: start,
      receivedTo: end,
    });
    expect(
      cellCaseQuery(
        { types: ['complaint_first', 'complaint_second'], dateInPeriod: 'decisionIssuedOn', overdue: true },
        'on_hand',
        period,
      ),
    ).toEqual({
      type: 'complaint_first,complaint_second',
      decisionIssuedFrom: '2026-06-15',
      decisionIssuedTo: '2026-07-15',
      overdue: 'true',
      receivedTo: end,
      openAt: start,
    });
    expect(cellCaseQuery({ types: ['denunciation'], outcome: ['withdrawn'] }, 'closed', period)).toEqual({
      type: 'denunciation',
      outcome: 'withdrawn',
      status: 'closed',
      receivedTo: end,
      doneFrom: start,
      doneTo: end,
    });
  });
  it('the search takes only whitelisted variables, each with its own values', () => {
    expect(CaseFilterQuery.safeParse({ 'var.finding': 'true,partly_true' }).success).toBe(true);
    expect(CaseFilterQuery.safeParse({ 'var.withinCompetence': 'true,null' }).success).toBe(true);
    expect(CaseFilterQuery.safeParse({ 'var.withinCompetence': 'partly_true' }).success).toBe(false);
    expect(CaseFilterQuery.safeParse({ 'var.denouncerName': 'x' }).success).toBe(false);
    expect(CaseFilterQuery.safeParse({ type: 'letter,petition' }).success).toBe(true);
    expect(CaseFilterQuery.safeParse({ type: 'letter,' }).success).toBe(false);
    expect(CaseFilterQuery.safeParse({ outcome: 'withdrawn,terminated' }).success).toBe(true);
    expect(CaseFilterQuery.safeParse({ outcome: 'withdrawn,null' }).success).toBe(false);
  });
});

describe('exports', () => {
  it('XLSX: Vietnamese headings, merged header cells, numbers as numbers', async () => {
    const s = sample();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(s)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell(2, 1).value).toBe('TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO THUỘC THẨM QUYỀN');
    expect(ws.getCell(3, 1).value).toBe('Số liệu tính từ ngày 15/12/2023 đến ngày 14/03/2024');
    // "Đơn tố cáo thuộc thẩm quyền" spans columns (1)-(3): grid columns 2-4 of the first header row.
    expect(ws.getCell(XLSX_HEADER_ROW, 2).value).toBe('Đơn tố cáo thuộc thẩm quyền');
    expect(ws.getCell(XLSX_HEADER_ROW, 4).isMerged).toBe(true);
    expect(ws.getCell(XLSX_HEADER_ROW, 4).master.address).toBe(ws.getCell(XLSX_HEADER_ROW, 2).address);
    expect(ws.getCell(XLSX_HEADER_ROW, 1).value).toBe('Đơn vị');
    const depth = headerDepth(selectForm('03/KQGQ', '2024-01-01')!);
    const msRow = XLSX_HEADER_ROW + depth;
    expect(ws.getCell(msRow, 1).value).toBe('MS');
    expect(ws.getCell(msRow, 2).value).toBe('1=2+3');
    expect(ws.getCell(msRow + 1, 1).value).toBe('Sở A, "phòng 1"');
    expect(ws.getCell(msRow + 1, 5).value).toBe(4); // column (4) of the first unit: a number
    expect(typeof ws.getCell(msRow + 2, 4).value).toBe('number');
    expect(ws.getCell(msRow + 1, 6).value).toBeNull(); // (5) manual: left blank
    expect(wb.getWorksheet('Kiểm tra')!.getCell(2, 1).value).toBe('03/KQGQ(1)=01/XLD(20)');
  });

  it('CSV, JSON and HTML carry the same figures', () => {
    const s = sample();
    const csv = renderCsv(s);
    expect(csv.startsWith('\ufeffĐơn vị,(1) Đơn tố cáo thuộc thẩm quyền / Tổng số,')).toBe(true);
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]!.startsWith('"Sở A, ""phòng 1""",1,2,3,4,,')).toBe(true);
    expect(JSON.parse(renderJson(s))).toEqual(s);
    // A unit named like a formula is not run by a spreadsheet program.
    const evil = renderCsv({ ...s, rows: s.rows.map((r, i) => (i === 0 ? { ...r, label: '=HYPERLINK("x")' } : r)) });
    expect(evil.trim().split('\r\n')[1]!.startsWith(`"'=HYPERLINK(""x"")",1,`)).toBe(true);
    const html = renderHtml(s);
    expect(html).toContain('<a href="/v1/cases?type=denunciation">6</a>');
    expect(html).toContain('colspan="3">Đơn tố cáo thuộc thẩm quyền</th>');
    expect(snapshotHash(s)).toBe(snapshotHash({ ...s, computedAt: 'later' }));
    expect(snapshotHash(s)).not.toBe(snapshotHash({ ...s, period: { ...s.period, to: '2024-03-13' } }));
  });
});
