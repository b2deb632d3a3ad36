/**
 * Exports of a computed form (ADR 0031): XLSX laid out like the paper form (title, data period,
 * merged header cells, the code row "MS", numbers as numbers; a second sheet lists the checks), CSV,
 * canonical JSON, HTML with drill-down links, and PDF (that HTML printed by headless Chromium, the
 * browser the diagram checks use).
 */
import ExcelJS from 'exceljs';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../processes/bpmn/render.js';
import { canonicalJson } from '../workflows/engine/canonical-json.js';
import type { ReportRenderers, ReportSnapshot, SnapshotRow } from './types.js';

const vnDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const periodLine = (s: ReportSnapshot) =>
  `Số liệu tính từ ngày ${vnDate(s.period.from)} đến ngày ${vnDate(s.period.to)}`;
const depthOf = (s: ReportSnapshot) => Math.max(1, ...s.header.map((h) => h.row + h.rowSpan));

/**
 * What a row says besides its numbers: its cells' notes (how a figure is counted, its source), a figure resting on
 * an UNCONFIRMED rule marked as such. Empty when none.
 */
export function rowNote(r: SnapshotRow): string {
  const parts: string[] = [];
  for (const c of Object.values(r.cells)) {
    const mark = c.unconfirmed && !(c.note ?? '').includes('UNCONFIRMED') ? 'UNCONFIRMED' : '';
    const text = [mark, c.note ?? ''].filter(Boolean).join(' — ');
    if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.join('; ');
}
const hasNotes = (s: ReportSnapshot) => s.rows.some((r) => rowNote(r) !== '');

/** Where the header starts in the XLSX sheet (1-based row): after the title block. */
export const XLSX_HEADER_ROW = 6;

export async function renderXlsx(s: ReportSnapshot): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'kntc-flow';
  const ws = wb.addWorksheet(s.form.code.replace('/', '-'));
  const width = s.columns.length + 1;
  const bold = { bold: true };
  const center: Partial<ExcelJS.Alignment> = { horizontal: 'center', vertical: 'middle', wrapText: true };
  ws.getCell(1, width).value = `Biểu số: ${s.form.code}`;
  ws.getCell(1, width).font = bold;
  ws.mergeCells(2, 1, 2, width);
  ws.getCell(2, 1).value = s.form.title;
  ws.getCell(2, 1).font = { bold: true, size: 13 };
  ws.getCell(2, 1).alignment = center;
  ws.mergeCells(3, 1, 3, width);
  ws.getCell(3, 1).value = periodLine(s);
  ws.getCell(3, 1).alignment = center;
  ws.mergeCells(4, 1, 4, width);
  ws.getCell(4, 1).value = `${s.agencyName} — ${s.form.circular}, biểu ${s.form.code} phiên bản ${s.form.version}`;
  ws.getCell(4, 1).alignment = center;
  const border: Partial<ExcelJS.Borders> = {
    top: { style: 'thin' },
    left: { style: 'thin' },
    bottom: { style: 'thin' },
    right: { style: 'thin' },
  };
  for (const h of s.header) {
    const r = XLSX_HEADER_ROW + h.row;
    const c = 1 + h.col;
    if (h.rowSpan > 1 || h.colSpan > 1) ws.mergeCells(r, c, r + h.rowSpan - 1, c + h.colSpan - 1);
    const cell = ws.getCell(r, c);
    cell.value = h.text;
    cell.font = bold;
    cell.alignment = center;
    for (let rr = r; rr < r + h.rowSpan; rr++)
      for (let cc = c; cc < c + h.colSpan; cc++) ws.getCell(rr, cc).border = border;
  }
  const codeRow = XLSX_HEADER_ROW + depthOf(s);
  const notes = hasNotes(s);
  ws.getCell(codeRow, 1).value = 'MS';
  s.columns.forEach((col, i) => {
    const cell = ws.getCell(codeRow, i + 2);
    cell.value = col.identity ?? String(col.no);
    cell.alignment = center;
    cell.font = { italic: true };
  });
  s.rows.forEach((row, ri) => {
    const r = codeRow + 1 + ri;
    ws.getCell(r, 1).value = row.label;
    if (row.code === 'total') ws.getCell(r, 1).font = bold;
    s.columns.forEach((col, i) => {
      const v = row.cells[String(col.no)]?.value ?? null;
      const cell = ws.getCell(r, i + 2);
      if (v !== null) {
        cell.value = v;
        cell.numFmt = '#,##0';
      }
      cell.border = border;
    });
    ws.getCell(r, 1).border = border;
    if (notes) ws.getCell(r, width + 1).value = rowNote(row) || null;
  });
  if (notes) {
    const h = ws.getCell(XLSX_HEADER_ROW, width + 1);
    h.value = 'Ghi chú (cách tính, nguồn)';
    h.font = bold;
    ws.getColumn(width + 1).width = 80;
  }
  ws.getColumn(1).width = 34;
  for (let c = 2; c <= width; c++) ws.getColumn(c).width = 12;
  const checks = wb.addWorksheet('Kiểm tra');
  checks.addRow(['Quy tắc', 'Kết quả', 'Chi tiết']);
  checks.getRow(1).font = bold;
  for (const ch of s.checks) checks.addRow([ch.rule, ch.ok ? 'Đúng' : 'Sai', ch.detail]);
  checks.getColumn(1).width = 40;
  checks.getColumn(3).width = 100;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
/** A text cell (a unit's name, a heading): one a spreadsheet would run as a formula is quoted with `'` (OWASP). */
const csvText = (v: string) => csvField(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** CSV (UTF-8 with BOM so spreadsheet programs read Vietnamese): one line per unit, total last. */
export function renderCsv(s: ReportSnapshot): string {
  const pathOf = (no: number) => {
    const leafCol = s.columns.findIndex((c) => c.no === no) + 1;
    return s.header
      .filter((h) => h.col <= leafCol && leafCol < h.col + h.colSpan && h.col > 0)
      .sort((a, b) => a.row - b.row)
      .map((h) => h.text)
      .join(' / ');
  };
  const notes = hasNotes(s);
  const head = ['Đơn vị', ...s.columns.map((c) => `(${c.no}) ${pathOf(c.no)}`), ...(notes ? ['Ghi chú'] : [])];
  const lines = [
    head.map(csvText),
    ...s.rows.map((r) => [
      csvText(r.label),
      ...s.columns.map((c) => csvField(String(r.cells[String(c.no)]?.value ?? ''))),
      ...(notes ? [csvText(rowNote(r))] : []),
    ]),
  ];
  return `\ufeff${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

/** Canonical JSON (the same text the lifecycle hashes, `computedAt` included). */
export function renderJson(s: ReportSnapshot): string {
  return canonicalJson(s);
}

const esc = (v: string) => v.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A printable HTML page of the form; every number with cases behind it links to the case search. */
export function renderHtml(s: ReportSnapshot, opts: { baseUrl?: string } = {}): string {
  const depth = depthOf(s);
  const head: string[] = [];
  for (let r = 0; r < depth; r++) {
    const cells = s.header
      .filter((h) => h.row === r)
      .sort((a, b) => a.col - b.col)
      .map((h) => `<th rowspan="${h.rowSpan}" colspan="${h.colSpan}">${esc(h.text)}</th>`);
    head.push(`<tr>${cells.join('')}</tr>`);
  }
  head.push(
    `<tr class="ms"><th>MS</th>${s.columns.map((c) => `<th>${esc(c.identity ?? String(c.no))}</th>`).join('')}</tr>`,
  );
  const body = s.rows.map((r) => {
    const tds = s.columns.map((c) => {
      const cell = r.cells[String(c.no)];
      const mark = cell?.unconfirmed ? ' <span class="unconfirmed">UNCONFIRMED</span>' : '';
      const note = cell?.note ? `<div class="note">${esc(cell.note)}</div>` : '';
      if (!cell || cell.value === null) return `<td>${mark}${note}</td>`;
      const text = cell.value.toLocaleString('vi-VN');
      return cell.drillDown
        ? `<td><a href="${esc((opts.baseUrl ?? '') + cell.drillDown)}">${text}</a>${mark}${note}</td>`
        : `<td>${text}${mark}${note}</td>`;
    });
    return `<tr class="${r.code === 'total' ? 'total' : ''}"><th class="unit">${esc(r.label)}</th>${tds.join('')}</tr>`;
  });
  const checks = s.checks.map(
    (c) => `<li class="${c.ok ? 'ok' : 'fail'}">${c.ok ? '✓' : '✗'} ${esc(c.rule)}: ${esc(c.detail)}</li>`,
  );
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${esc(s.form.code)} — ${esc(s.form.title)}</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:9px;margin:12px}
h1{font-size:13px;text-align:center;margin:4px 0}.sub{text-align:center;margin:2px 0}.code{text-align:right;font-weight:bold}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:2px;text-align:center}
th.unit{text-align:left;font-weight:normal}tr.total th,tr.total td{font-weight:bold}tr.ms th{font-style:italic;font-weight:normal}
td a{color:inherit}li.fail{color:#a00}.note{font-size:7px;text-align:left}.unconfirmed{color:#a60}
</style></head><body>
<div class="code">Biểu số: ${esc(s.form.code)}</div>
<h1>${esc(s.form.title)}</h1>
<p class="sub">${esc(periodLine(s))}</p>
<p class="sub">${esc(s.agencyName)} — ${esc(s.form.circular)}, phiên bản ${s.form.version}</p>
<table><thead>${head.join('\n')}</thead><tbody>${body.join('\n')}</tbody></table>
<h2 style="font-size:11px">Kiểm tra</h2><ul>${checks.join('')}</ul>
</body></html>`;
}

/** PDF (A4 landscape) of the HTML page, printed by Chromium (`CHROMIUM_PATH`). */
export async function renderPdf(s: ReportSnapshot): Promise<Buffer> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(renderHtml(s), { waitUntil: 'load' });
    return Buffer.from(await page.pdf({ format: 'A4', landscape: true, printBackground: true }));
  } finally {
    await browser.close();
  }
}

/** The export formats of a computed form and their media types. */
export const EXPORT_FORMATS = ['json', 'csv', 'xlsx', 'html', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_CONTENT: Record<ExportFormat, { contentType: string; extension: string }> = {
  json: { contentType: 'application/json', extension: 'json' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
  pdf: { contentType: 'application/pdf', extension: 'pdf' },
};

/** A rendered form: its bytes, media type and file extension. */
export interface RenderedReport {
  body: Buffer;
  contentType: string;
  extension: string;
}

/** Renders a form in one of the export formats (JSON: the canonical JSON). */
export async function renderAs(format: ExportFormat, s: ReportSnapshot): Promise<RenderedReport> {
  const body =
    format === 'json'
      ? Buffer.from(renderJson(s))
      : format === 'csv'
        ? Buffer.from(renderCsv(s))
        : format === 'xlsx'
          ? await renderXlsx(s)
          : format === 'html'
            ? Buffer.from(renderHtml(s))
            : await renderPdf(s);
  return { body, ...EXPORT_CONTENT[format] };
}

export const renderers: ReportRenderers = { renderXlsx, renderCsv, renderJson, renderHtml, renderPdf };
