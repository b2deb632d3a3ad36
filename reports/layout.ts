/**
 * Header layout of a form: the column paths laid out on a grid with merged cells, shared by the XLSX
 * and HTML renderers. Column 0 is the unit column ("Đơn vị"), spanning every header row; leaf
 * columns start at grid column 1, in the form's order.
 */
import type { ColumnDefinition, FormDefinition, HeaderCell } from './types.js';

export function leafLabel(c: ColumnDefinition): string {
  return c.path[c.path.length - 1] ?? '';
}

export function headerDepth(form: Pick<FormDefinition, 'columns'>): number {
  return Math.max(1, ...form.columns.map((c) => c.path.length));
}

export function headerLayout(form: Pick<FormDefinition, 'columns' | 'unitHeading'>): HeaderCell[] {
  const depth = headerDepth(form);
  const cols = form.columns;
  const cells: HeaderCell[] = [{ row: 0, col: 0, rowSpan: depth, colSpan: 1, text: form.unitHeading }];
  // Two columns share a group cell at `level` when neither ends there and their paths agree up to it.
  const samePrefix = (a: ColumnDefinition, b: ColumnDefinition, level: number) =>
    a.path.length - 1 > level &&
    b.path.length - 1 > level &&
    a.path.slice(0, level + 1).join('\u0000') === b.path.slice(0, level + 1).join('\u0000');
  for (let level = 0; level < depth; level++) {
    let i = 0;
    while (i < cols.length) {
      const c = cols[i]!;
      if (level >= c.path.length) {
        i++;
        continue;
      }
      const leaf = level === c.path.length - 1;
      let j = i + 1;
      if (!leaf) while (j < cols.length && samePrefix(c, cols[j]!, level)) j++;
      cells.push({
        row: level,
        col: i + 1,
        rowSpan: leaf ? depth - level : 1,
        colSpan: j - i,
        text: c.path[level]!,
      });
      i = j;
    }
  }
  return cells;
}
