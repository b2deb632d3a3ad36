/**
 * The ten forms (biểu mẫu) on citizen reception, letters, complaints and denunciations of the
 * reporting regime, as versioned data (ADR 0031). Layouts: shared/domain/sources/
 * tt-02-2021-che-do-bao-cao.md §4.3 (column headings, secondary: the KNTC_V2 templates; 01/XLD and
 * 03/KQGQ cross-checked against copies of the official forms), rules §4.4.
 *
 * What kntc-flow records maps to the columns as follows (the mapping is ours, not the circular's):
 * - a letter (đơn) is a `letter` case; its classification is the `classify` task's variables
 *   (`letterType`, `withinCompetence`) and its handling result `letterOutcome`; a letter with no
 *   named signer is an "đơn khác";
 * - a vụ việc of 02–04/XLD is one eligible letter (kntc-flow links repeat letters through matters;
 *   letters are not yet de-duplicated into matters here);
 * - a complaint / denunciation within competence is a `complaint_first`/`complaint_second` /
 *   `denunciation` case; resolved in the period = decision / conclusion issued in the period;
 * - reception (01/TCD) counts reception sessions and visits.
 * Money, land, people disciplined, decisions executed and replies to transferred letters are not
 * recorded: those columns are `manual` (entered by the agency before submitting).
 */
import type {
  CaseCellFilter,
  CellSpec,
  ColumnDefinition,
  ColumnRule,
  FormDefinition,
  FormSummary,
  IsoDate,
  PeriodBasis,
  VisitCellFilter,
} from './types.js';

const CIRCULAR = '02/2021/TT-TTCP';
const FROM: IsoDate = '2021-05-10';
const ANNEX = 'TT 02/2021/TT-TTCP, phụ lục biểu mẫu';
const SECONDARY =
  'Evidence S: column headings from a public implementation (KNTC_V2 templates), not checked against the ' +
  'official annex (UNCONFIRMED); kept in force under 01/2024 and 06/2025 until their forms are known (source §4.5, §5)';

// ---- cell builders ----
const LETTER = { type: 'letter' };
/** A letter eligible for handling: classified into one content type and handled (not archived). */
export const ELIGIBLE: Record<string, Array<string | boolean>> = {
  letterType: ['complaint', 'denunciation', 'petition'],
  letterOutcome: ['accepted', 'guided', 'transferred', 'reported_to_head'],
};
function letters(basis: PeriodBasis, f: Omit<CaseCellFilter, 'search'> = {}): CellSpec {
  return { kind: 'query', source: 'cases', basis, filter: { search: LETTER, ...f }, measure: { kind: 'count' } };
}
function eligible(basis: PeriodBasis, vars: Record<string, Array<string | boolean>> = {}): CellSpec {
  return letters(basis, { variables: { ...ELIGIBLE, ...vars } });
}
const sum = (...of: number[]): CellSpec => ({ kind: 'sum', of });
const manual = (reason: string): CellSpec => ({ kind: 'manual', reason });
const NOTE: CellSpec = { kind: 'note' };
const visits = (filter: VisitCellFilter, m: 'count' | 'people' | 'matters' = 'count'): CellSpec => ({
  kind: 'query',
  source: 'visits',
  filter,
  measure: { kind: m },
});
const sessions = (filter: VisitCellFilter): CellSpec => ({
  kind: 'query',
  source: 'sessions',
  filter,
  measure: { kind: 'count' },
});

const MONEY = 'money recovered / returned is not recorded by kntc-flow';
const LAND = 'land area recovered / returned is not recorded by kntc-flow';
const PEOPLE = 'people and organisations concerned by the result are not recorded by kntc-flow';
const REPLIES = 'replies received to transferred letters are not recorded by kntc-flow';
const URGE = 'urging the competent body (đôn đốc) is not recorded by kntc-flow';
const EXECUTION = 'execution of decisions / conclusions is not recorded by kntc-flow';

function col(no: number, path: string[], cell: CellSpec, identity?: string): ColumnDefinition {
  return identity === undefined ? { no, path, cell } : { no, path, cell, identity };
}
function rule(
  id: string,
  left: number,
  right: Array<number | { form: string; col: number }>,
  citation: string,
  confirmed = false,
): ColumnRule {
  return { id, left, right: right.map((r) => (typeof r === 'number' ? { col: r } : r)), citation, confirmed };
}
function form(
  code: string,
  title: string,
  evidence: string,
  columns: ColumnDefinition[],
  rules: ColumnRule[] = [],
  confirmed = false,
): FormDefinition {
  return {
    code,
    version: 1,
    title,
    circular: CIRCULAR,
    effectiveFrom: FROM,
    citation: `${ANNEX}, Biểu số ${code}`,
    evidence,
    confirmed,
    unitHeading: 'Đơn vị',
    columns,
    rules,
  };
}

// ---- 01/TCD ----
function tcdGroup(base: number, top: string[], f: VisitCellFilter, withSessions: boolean): ColumnDefinition[] {
  const out: ColumnDefinition[] = [];
  let n = base;
  if (withSessions) out.push(col(n++, [...top, 'Số kỳ tiếp'], sessions(f)));
  out.push(
    col(n++, [...top, 'Số lượt tiếp'], visits(f)),
    col(n++, [...top, 'Số người được tiếp'], visits(f, 'people')),
    col(n++, [...top, 'Số vụ việc', 'Tiếp lần đầu'], visits({ ...f, repeat: false }, 'matters')),
    col(n++, [...top, 'Số vụ việc', 'Tiếp nhiều lần'], visits({ ...f, repeat: true }, 'matters')),
    col(n++, [...top, 'Trong đó đoàn đông người', 'Số đoàn được tiếp'], visits({ ...f, delegation: true })),
    col(n++, [...top, 'Trong đó đoàn đông người', 'Số người được tiếp'], visits({ ...f, delegation: true }, 'people')),
    col(
      n++,
      [...top, 'Trong đó đoàn đông người', 'Tiếp lần đầu'],
      visits({ ...f, delegation: true, repeat: false }, 'matters'),
    ),
    col(
      n,
      [...top, 'Trong đó đoàn đông người', 'Tiếp nhiều lần'],
      visits({ ...f, delegation: true, repeat: true }, 'matters'),
    ),
  );
  return out;
}
const HEAD = 'Tiếp định kỳ và đột xuất của Thủ trưởng';
const F01_TCD = form(
  '01/TCD',
  'TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN THƯỜNG XUYÊN, ĐỊNH KỲ VÀ ĐỘT XUẤT',
  `Code: evidence A (Mẫu số 02); title and columns: ${SECONDARY}`,
  [
    col(1, ['Tổng số lượt tiếp'], sum(4, 13, 22), '1=4+13+22'),
    col(2, ['Tổng số người được tiếp'], sum(5, 14, 23), '2=5+14+23'),
    col(3, ['Tổng số vụ việc tiếp'], sum(6, 7, 15, 16, 24, 25), '3=6+7+15+16+24+25'),
    ...tcdGroup(4, ['Tiếp thường xuyên'], { sessionKind: ['regular'] }, false),
    ...tcdGroup(12, [HEAD, 'Thủ trưởng tiếp'], { sessionKind: ['periodic', 'ad_hoc'], receivedBy: 'in_person' }, true),
    ...tcdGroup(21, [HEAD, 'Ủy quyền tiếp'], { sessionKind: ['periodic', 'ad_hoc'], receivedBy: 'delegated' }, true),
    col(30, ['Ghi chú'], NOTE),
  ],
);

// ---- 02/TCD ----
const AT_DESK = { channel: ['reception_desk'] };
const deskLetters = (vars: Record<string, Array<string | boolean>> = {}): CellSpec =>
  letters('received', { ...AT_DESK, ...(Object.keys(vars).length ? { variables: vars } : {}) });
const F02_TCD = form(
  '02/TCD',
  'TỔNG HỢP KẾT QUẢ PHÂN LOẠI, XỬ LÝ ĐƠN QUA TIẾP CÔNG DÂN',
  `Code: evidence A (Mẫu số 02); title and columns: ${SECONDARY}`,
  [
    col(1, ['Tổng số đơn nhận được qua tiếp công dân'], deskLetters(), '1=3+5+7=9+11'),
    col(2, ['Tổng số vụ việc được tiếp'], visits({}, 'matters'), '2=4+6+8=10+12'),
    col(3, ['Phân loại theo nội dung', 'Khiếu nại', 'Số đơn'], deskLetters({ letterType: ['complaint'] })),
    col(4, ['Phân loại theo nội dung', 'Khiếu nại', 'Số vụ việc'], visits({ contentType: ['complaint'] }, 'matters')),
    col(5, ['Phân loại theo nội dung', 'Tố cáo', 'Số đơn'], deskLetters({ letterType: ['denunciation'] })),
    col(6, ['Phân loại theo nội dung', 'Tố cáo', 'Số vụ việc'], visits({ contentType: ['denunciation'] }, 'matters')),
    col(7, ['Phân loại theo nội dung', 'Phản ánh, kiến nghị', 'Số đơn'], deskLetters({ letterType: ['petition'] })),
    col(
      8,
      ['Phân loại theo nội dung', 'Phản ánh, kiến nghị', 'Số vụ việc'],
      visits({ contentType: ['petition', 'feedback'] }, 'matters'),
    ),
    col(9, ['Phân loại theo thẩm quyền', 'Thuộc thẩm quyền', 'Số đơn'], deskLetters({ withinCompetence: [true] })),
    col(
      10,
      ['Phân loại theo thẩm quyền', 'Thuộc thẩm quyền', 'Số vụ việc'],
      visits({ outcome: ['answered', 'letter_received'] }, 'matters'),
    ),
    col(
      11,
      ['Phân loại theo thẩm quyền', 'Không thuộc thẩm quyền', 'Số đơn'],
      deskLetters({ withinCompetence: [false] }),
    ),
    col(12, ['Phân loại theo thẩm quyền', 'Không thuộc thẩm quyền', 'Số vụ việc', 'Tổng'], sum(13, 14, 15)),
    col(
      13,
      ['Phân loại theo thẩm quyền', 'Không thuộc thẩm quyền', 'Số vụ việc', 'Hướng dẫn'],
      visits({ outcome: ['guided'] }, 'matters'),
    ),
    col(
      14,
      ['Phân loại theo thẩm quyền', 'Không thuộc thẩm quyền', 'Số vụ việc', 'Chuyển đơn'],
      visits({ outcome: ['transferred'] }, 'matters'),
    ),
    col(15, ['Phân loại theo thẩm quyền', 'Không thuộc thẩm quyền', 'Số vụ việc', 'Đôn đốc giải quyết'], manual(URGE)),
    col(16, ['Số văn bản phúc đáp nhận được do chuyển đơn'], manual(REPLIES)),
    col(17, ['Ghi chú'], NOTE),
  ],
  [
    rule('02/TCD: 1=3+5+7', 1, [3, 5, 7], 'Biểu 02/TCD code row (secondary)'),
    rule('02/TCD: 1=9+11', 1, [9, 11], 'Biểu 02/TCD code row (secondary)'),
    rule('02/TCD: 2=4+6+8', 2, [4, 6, 8], 'Biểu 02/TCD code row (secondary)'),
  ],
);

// ---- 01/XLD ----
const SIGNERS = [
  ['Đơn có nhiều người đứng tên', 'many'],
  ['Đơn một người đứng tên', 'one'],
  ['Đơn khác', 'other'],
] as const;
const F01_XLD = form(
  '01/XLD',
  'TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN',
  'Evidence A: code, title and column numbers match a copy of the official form (tailieu.vn); diacritics restored',
  [
    col(1, ['Tổng số đơn'], sum(2, 3, 4, 5, 6, 7), '1=2+3+4+5+6+7'),
    ...SIGNERS.map(([label, signers], i) =>
      col(2 + i, ['Kỳ trước chuyển sang', label], letters('carried_over', { signers })),
    ),
    ...SIGNERS.map(([label, signers], i) =>
      col(5 + i, ['Tiếp nhận trong kỳ', label], letters('received', { signers })),
    ),
    col(
      8,
      ['Số đơn đã xử lý'],
      letters('on_hand', {
        variables: { letterOutcome: ['accepted', 'guided', 'transferred', 'reported_to_head', 'archived'] },
      }),
    ),
    col(9, ['Đủ điều kiện xử lý', 'Số đơn'], eligible('on_hand'), '9=11+12+13=14+15+16+17=18+22'),
    col(10, ['Đủ điều kiện xử lý', 'Số vụ việc'], eligible('on_hand')),
    col(11, ['Phân loại đơn theo nội dung', 'Khiếu nại'], eligible('on_hand', { letterType: ['complaint'] })),
    col(12, ['Phân loại đơn theo nội dung', 'Tố cáo'], eligible('on_hand', { letterType: ['denunciation'] })),
    col(13, ['Phân loại đơn theo nội dung', 'Kiến nghị, phản ánh'], eligible('on_hand', { letterType: ['petition'] })),
    col(
      14,
      ['Phân loại đơn theo tình trạng giải quyết', 'Đã giải quyết', 'Lần đầu'],
      eligible('on_hand', { finalDecisionExists: [true] }),
    ),
    col(
      15,
      ['Phân loại đơn theo tình trạng giải quyết', 'Đã giải quyết', 'Nhiều lần'],
      manual('whether a matter was resolved several times is not recorded on the letter'),
    ),
    col(
      16,
      ['Phân loại đơn theo tình trạng giải quyết', 'Đang giải quyết'],
      manual('whether another body is resolving the matter is not recorded on the letter'),
    ),
    col(
      17,
      ['Phân loại đơn theo tình trạng giải quyết', 'Chưa giải quyết'],
      eligible('on_hand', { finalDecisionExists: [false] }),
    ),
    col(18, ['Kết quả xử lý đơn', 'Đơn thuộc thẩm quyền', 'Tổng số'], sum(19, 20, 21), '18=19+20+21'),
    col(
      19,
      ['Kết quả xử lý đơn', 'Đơn thuộc thẩm quyền', 'Khiếu nại'],
      eligible('on_hand', { letterType: ['complaint'], withinCompetence: [true] }),
    ),
    col(
      20,
      ['Kết quả xử lý đơn', 'Đơn thuộc thẩm quyền', 'Tố cáo'],
      eligible('on_hand', { letterType: ['denunciation'], withinCompetence: [true] }),
    ),
    col(
      21,
      ['Kết quả xử lý đơn', 'Đơn thuộc thẩm quyền', 'Kiến nghị, phản ánh'],
      eligible('on_hand', { letterType: ['petition'], withinCompetence: [true] }),
    ),
    col(22, ['Kết quả xử lý đơn', 'Đơn không thuộc thẩm quyền', 'Tổng số'], sum(23, 24, 25), '22=23+24+25'),
    col(
      23,
      ['Kết quả xử lý đơn', 'Đơn không thuộc thẩm quyền', 'Hướng dẫn'],
      eligible('on_hand', { withinCompetence: [false], letterOutcome: ['guided'] }),
    ),
    col(
      24,
      ['Kết quả xử lý đơn', 'Đơn không thuộc thẩm quyền', 'Chuyển đơn'],
      eligible('on_hand', { withinCompetence: [false], letterOutcome: ['transferred'] }),
    ),
    col(25, ['Kết quả xử lý đơn', 'Đơn không thuộc thẩm quyền', 'Đôn đốc giải quyết'], manual(URGE)),
    col(26, ['Số văn bản phúc đáp nhận được do chuyển đơn'], manual(REPLIES)),
    col(27, ['Ghi chú'], NOTE),
  ],
  [
    rule('01/XLD: 9=11+12+13', 9, [11, 12, 13], 'Biểu 01/XLD code row (copy of the official form)', true),
    rule('01/XLD: 9=14+15+16+17', 9, [14, 15, 16, 17], 'Biểu 01/XLD code row (copy of the official form)', true),
    rule('01/XLD: 9=18+22', 9, [18, 22], 'Biểu 01/XLD code row (copy of the official form)', true),
    rule(
      '01/XLD(11)=02/XLD(9)',
      11,
      [{ form: '02/XLD', col: 9 }],
      '01/XLD: "tổng hợp từ các biểu 02/XLD, 03/XLD, 04/XLD"',
      true,
    ),
    rule(
      '01/XLD(12)=03/XLD(11)',
      12,
      [{ form: '03/XLD', col: 11 }],
      '01/XLD: "tổng hợp từ các biểu 02/XLD, 03/XLD, 04/XLD"',
      true,
    ),
    rule(
      '01/XLD(13)=04/XLD(11)',
      13,
      [{ form: '04/XLD', col: 11 }],
      '01/XLD: "tổng hợp từ các biểu 02/XLD, 03/XLD, 04/XLD"',
      true,
    ),
    rule(
      '01/XLD(1)=02/XLD(1)+03/XLD(1)+04/XLD(1)',
      1,
      [
        { form: '02/XLD', col: 1 },
        { form: '03/XLD', col: 1 },
        { form: '04/XLD', col: 1 },
      ],
      '01/XLD: "tổng hợp từ các biểu 02/XLD, 03/XLD, 04/XLD" (holds when every letter is classified; UNCONFIRMED per column)',
    ),
  ],
  true,
);

// ---- 02–04/XLD ----
type Kind = 'complaint' | 'denunciation' | 'petition';
const typed = (kind: Kind) => ({ letterType: [kind] });
function xldHead(kind: Kind, withOther: boolean): ColumnDefinition[] {
  const kinds = withOther ? SIGNERS : SIGNERS.slice(0, 2);
  const n = kinds.length;
  const out: ColumnDefinition[] = [
    col(1, ['Tổng số đơn'], sum(...Array.from({ length: 2 * n }, (_, i) => 2 + i)), `1=2+..+${1 + 2 * n}`),
    ...kinds.map(([label, signers], i) =>
      col(2 + i, ['Đơn kỳ trước chuyển sang', label], letters('carried_over', { signers, variables: typed(kind) })),
    ),
    ...kinds.map(([label, signers], i) =>
      col(2 + n + i, ['Đơn tiếp nhận trong kỳ', label], letters('received', { signers, variables: typed(kind) })),
    ),
  ];
  const h = 2 + 2 * n;
  const handled = {
    ...typed(kind),
    letterOutcome: ['accepted', 'guided', 'transferred', 'reported_to_head', 'archived'],
  };
  out.push(
    col(h, ['Đơn đã xử lý', 'Tổng'], sum(h + 1, h + 2), `${h}=${h + 1}+${h + 2}`),
    col(h + 1, ['Đơn đã xử lý', 'Đơn kỳ trước chuyển sang'], letters('carried_over', { variables: handled })),
    col(h + 2, ['Đơn đã xử lý', 'Đơn tiếp nhận trong kỳ'], letters('received', { variables: handled })),
    col(h + 3, ['Đủ điều kiện xử lý', 'Số đơn'], eligible('on_hand', typed(kind))),
  );
  return out;
}
const competence = (kind: Kind, within: boolean, extra: Record<string, Array<string | boolean>> = {}) =>
  eligible('on_hand', { ...typed(kind), withinCompetence: [within], ...extra });

const F02_XLD = form(
  '02/XLD',
  'TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN KHIẾU NẠI',
  `Code: evidence B (01/XLD note); ${SECONDARY}`,
  [
    ...xldHead('complaint', false),
    col(
      10,
      ['Đủ điều kiện xử lý', 'Số vụ việc'],
      eligible('on_hand', typed('complaint')),
      '10=11+15+16+17=18+..+22=23+26',
    ),
    col(11, ['Phân loại vụ việc theo nội dung', 'Lĩnh vực hành chính', 'Tổng'], sum(12, 13, 14)),
    col(
      12,
      ['Phân loại vụ việc theo nội dung', 'Lĩnh vực hành chính', 'Chế độ, chính sách'],
      manual('the sector of a letter is not recorded yet'),
    ),
    col(
      13,
      ['Phân loại vụ việc theo nội dung', 'Lĩnh vực hành chính', 'Đất đai, nhà cửa'],
      manual('the sector of a letter is not recorded yet'),
    ),
    col(
      14,
      ['Phân loại vụ việc theo nội dung', 'Lĩnh vực hành chính', 'Khác'],
      manual('the sector of a letter is not recorded yet'),
    ),
    col(
      15,
      ['Phân loại vụ việc theo nội dung', 'Lĩnh vực tư pháp'],
      manual('the sector of a letter is not recorded yet'),
    ),
    col(
      16,
      ['Phân loại vụ việc theo nội dung', 'Lĩnh vực Đảng, đoàn thể'],
      manual('the sector of a letter is not recorded yet'),
    ),
    col(17, ['Phân loại vụ việc theo nội dung', 'Lĩnh vực khác'], manual('the sector of a letter is not recorded yet')),
    col(
      18,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Đã giải quyết', 'Lần đầu'],
      eligible('on_hand', { ...typed('complaint'), finalDecisionExists: [true] }),
    ),
    col(
      19,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Đã giải quyết', 'Lần 2'],
      manual('a second-instance decision on the matter is not recorded on the letter'),
    ),
    col(
      20,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Đã giải quyết', 'Đã có bản án của tòa'],
      eligible('on_hand', { ...typed('complaint'), courtSeized: [true] }),
    ),
    col(
      21,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Đang giải quyết'],
      manual('whether another body is resolving the matter is not recorded on the letter'),
    ),
    col(
      22,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Chưa giải quyết'],
      eligible('on_hand', { ...typed('complaint'), finalDecisionExists: [false] }),
    ),
    col(23, ['Kết quả xử lý', 'Vụ việc thuộc thẩm quyền', 'Tổng'], sum(24, 25), '23=24+25'),
    col(24, ['Kết quả xử lý', 'Vụ việc thuộc thẩm quyền', 'Lần đầu'], competence('complaint', true)),
    col(
      25,
      ['Kết quả xử lý', 'Vụ việc thuộc thẩm quyền', 'Lần 2'],
      manual('second complaints arrive as cases of their own (01/KQGQ)'),
    ),
    col(26, ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Tổng'], sum(27, 28, 29), '26=27+28+29'),
    col(
      27,
      ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Hướng dẫn'],
      competence('complaint', false, { letterOutcome: ['guided'] }),
    ),
    col(
      28,
      ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Chuyển đơn'],
      competence('complaint', false, { letterOutcome: ['transferred'] }),
    ),
    col(29, ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Đôn đốc giải quyết'], manual(URGE)),
    col(30, ['Số văn bản phúc đáp nhận được do chuyển đơn'], manual(REPLIES)),
    col(31, ['Ghi chú'], NOTE),
  ],
  [rule('02/XLD: 10=23+26', 10, [23, 26], 'Biểu 02/XLD code row (secondary)')],
);

const F03_XLD = form(
  '03/XLD',
  'TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN TỐ CÁO',
  `Code: evidence B (03/KQGQ note); ${SECONDARY}`,
  [
    ...xldHead('denunciation', true),
    col(
      12,
      ['Đủ điều kiện xử lý', 'Số vụ việc'],
      eligible('on_hand', typed('denunciation')),
      '12=13+18+..+21=22+..+25=26+29',
    ),
    col(13, ['Phân loại vụ việc theo nội dung', 'Lĩnh vực hành chính', 'Tổng cộng'], sum(14, 15, 16, 17)),
    ...['Chế độ, chính sách', 'Đất đai, nhà cửa', 'Công chức, công vụ', 'Khác'].map((l, i) =>
      col(
        14 + i,
        ['Phân loại vụ việc theo nội dung', 'Lĩnh vực hành chính', l],
        manual('the sector of a letter is not recorded yet'),
      ),
    ),
    ...['Tham nhũng', 'Lĩnh vực Tư pháp', 'Lĩnh vực Đảng, đoàn thể', 'Lĩnh vực khác'].map((l, i) =>
      col(18 + i, ['Phân loại vụ việc theo nội dung', l], manual('the sector of a letter is not recorded yet')),
    ),
    col(
      22,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Chưa giải quyết, trong hạn'],
      eligible('on_hand', { ...typed('denunciation'), finalDecisionExists: [false] }),
    ),
    col(
      23,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Đang giải quyết'],
      manual('whether another body is resolving the matter is not recorded on the letter'),
    ),
    col(
      24,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Tố cáo tiếp', 'Quá thời hạn chưa giải quyết'],
      manual('a continued denunciation past its time limit is not recorded on the letter'),
    ),
    col(
      25,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Tố cáo tiếp', 'Đã có kết luận giải quyết'],
      eligible('on_hand', { ...typed('denunciation'), finalDecisionExists: [true] }),
    ),
    col(26, ['Kết quả xử lý', 'Vụ việc thuộc thẩm quyền', 'Tổng số'], sum(27, 28), '26=27+28'),
    col(
      27,
      ['Kết quả xử lý', 'Vụ việc thuộc thẩm quyền', 'Tố cáo lần đầu'],
      competence('denunciation', true, { finalDecisionExists: [false] }),
    ),
    col(
      28,
      ['Kết quả xử lý', 'Vụ việc thuộc thẩm quyền', 'Tố cáo tiếp'],
      competence('denunciation', true, { finalDecisionExists: [true] }),
    ),
    col(29, ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Tổng số'], sum(30, 31, 32), '29=30+31+32'),
    col(
      30,
      ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Hướng dẫn'],
      competence('denunciation', false, { letterOutcome: ['guided'] }),
    ),
    col(
      31,
      ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Chuyển đơn'],
      competence('denunciation', false, { letterOutcome: ['transferred'] }),
    ),
    col(32, ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Đôn đốc giải quyết'], manual(URGE)),
    col(33, ['Số văn bản phúc đáp nhận được do chuyển đơn'], manual(REPLIES)),
    col(34, ['Ghi chú'], NOTE),
  ],
  [rule('03/XLD: 12=26+29', 12, [26, 29], 'Biểu 03/XLD code row (secondary)')],
);

const F04_XLD = form(
  '04/XLD',
  'TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN KIẾN NGHỊ, PHẢN ÁNH',
  `Code: evidence B (01/XLD note); ${SECONDARY}`,
  [
    ...xldHead('petition', true),
    col(12, ['Đủ điều kiện xử lý', 'Số vụ việc'], eligible('on_hand', typed('petition')), '12=13+..+16=17+..+19=20+21'),
    ...['Chế độ, chính sách', 'Đất đai', 'Tư pháp', 'Khác'].map((l, i) =>
      col(13 + i, ['Phân loại vụ việc theo nội dung', l], manual('the sector of a letter is not recorded yet')),
    ),
    col(
      17,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Đã được giải quyết'],
      eligible('on_hand', { ...typed('petition'), finalDecisionExists: [true] }),
    ),
    col(
      18,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Đang giải quyết'],
      manual('whether another body is resolving the matter is not recorded on the letter'),
    ),
    col(
      19,
      ['Phân loại vụ việc theo tình trạng giải quyết', 'Chưa được giải quyết'],
      eligible('on_hand', { ...typed('petition'), finalDecisionExists: [false] }),
    ),
    col(20, ['Kết quả xử lý', 'Vụ việc thuộc thẩm quyền'], competence('petition', true)),
    col(21, ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Tổng số'], sum(22, 23), '21=22+23'),
    col(
      22,
      ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Chuyển đơn'],
      competence('petition', false, { letterOutcome: ['transferred'] }),
    ),
    col(23, ['Kết quả xử lý', 'Vụ việc không thuộc thẩm quyền', 'Đôn đốc giải quyết'], manual(URGE)),
    col(24, ['Số văn bản phúc đáp nhận được do chuyển đơn'], manual(REPLIES)),
    col(25, ['Ghi chú'], NOTE),
  ],
  [rule('04/XLD: 12=20+21', 12, [20, 21], 'Biểu 04/XLD code row (secondary)')],
);

// ---- 01–04/KQGQ ----
const COMPLAINTS = ['complaint_first', 'complaint_second'];
function anyType(basis: PeriodBasis, types: string[], f: Omit<CaseCellFilter, 'search'> = {}): CellSpec {
  return { kind: 'query', source: 'cases', basis, filter: { ...f, types }, measure: { kind: 'count' } };
}
const decidedFirst = { dateInPeriod: 'decisionIssuedOn' };
const F01_KQGQ = form(
  '01/KQGQ',
  'TỔNG HỢP KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI THUỘC THẨM QUYỀN',
  `Software title "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT THUỘC THẨM QUYỀN"; its columns are about complaints. ${SECONDARY}`,
  [
    col(1, ['Đơn khiếu nại thuộc thẩm quyền', 'Tổng số'], sum(2, 3), '1=2+3'),
    col(2, ['Đơn khiếu nại thuộc thẩm quyền', 'Kỳ trước chuyển sang'], anyType('carried_over', COMPLAINTS)),
    col(3, ['Đơn khiếu nại thuộc thẩm quyền', 'Tiếp nhận trong kỳ'], anyType('received', COMPLAINTS)),
    col(4, ['Tổng số vụ việc khiếu nại thuộc thẩm quyền'], anyType('on_hand', COMPLAINTS)),
    col(
      5,
      ['Kết quả giải quyết', 'Đã giải quyết', 'Số vụ việc giải quyết bằng QĐ hành chính'],
      anyType('on_hand', COMPLAINTS, decidedFirst),
      '5=20+..+24 (UNCONFIRMED)',
    ),
    col(
      6,
      ['Kết quả giải quyết', 'Đã giải quyết', 'Số vụ việc rút đơn thông qua giải thích, thuyết phục'],
      anyType('closed', COMPLAINTS, { outcome: ['withdrawn'] }),
    ),
    col(7, ['Kết quả giải quyết', 'Kiến nghị thu hồi cho NN', 'Tiền (Trđ)'], manual(MONEY)),
    col(8, ['Kết quả giải quyết', 'Kiến nghị thu hồi cho NN', 'Đất (m2)'], manual(LAND)),
    col(9, ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Tổ chức', 'Tiền (Trđ)'], manual(MONEY)),
    col(10, ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Tổ chức', 'Đất (m2)'], manual(LAND)),
    col(11, ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Cá nhân', 'Tiền (Trđ)'], manual(MONEY)),
    col(12, ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Cá nhân', 'Đất (m2)'], manual(LAND)),
    col(
      13,
      ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Số tổ chức được trả lại quyền lợi'],
      manual(PEOPLE),
    ),
    col(
      14,
      ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Số cá nhân được trả lại quyền lợi'],
      manual(PEOPLE),
    ),
    col(15, ['Kết quả giải quyết', 'Kiến nghị xử lý hành chính', 'Tổng số người bị kiến nghị xử lý'], manual(PEOPLE)),
    col(
      16,
      ['Kết quả giải quyết', 'Kiến nghị xử lý hành chính', 'Trong đó số cán bộ, công chức, viên chức'],
      manual(PEOPLE),
    ),
    col(17, ['Kết quả giải quyết', 'Chuyển cơ quan điều tra', 'Số vụ'], manual(PEOPLE)),
    col(18, ['Kết quả giải quyết', 'Chuyển cơ quan điều tra', 'Tổng số người'], manual(PEOPLE)),
    col(
      19,
      ['Kết quả giải quyết', 'Chuyển cơ quan điều tra', 'Trong đó số cán bộ, công chức, viên chức'],
      manual(PEOPLE),
    ),
    col(
      20,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Giải quyết lần đầu', 'Khiếu nại đúng'],
      anyType('on_hand', ['complaint_first'], { ...decidedFirst, variables: { conclusion: ['right'] } }),
    ),
    col(
      21,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Giải quyết lần đầu', 'Khiếu nại sai'],
      anyType('on_hand', ['complaint_first'], { ...decidedFirst, variables: { conclusion: ['wrong'] } }),
    ),
    col(
      22,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Giải quyết lần đầu', 'Khiếu nại đúng một phần'],
      anyType('on_hand', ['complaint_first'], { ...decidedFirst, variables: { conclusion: ['partly_right'] } }),
    ),
    col(
      23,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Giải quyết lần 2', 'Công nhận QĐ g/q lần đầu'],
      anyType('on_hand', ['complaint_second'], { ...decidedFirst, variables: { disposition: ['keep'] } }),
    ),
    col(
      24,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Giải quyết lần 2', 'Hủy, sửa QĐ g/q lần đầu'],
      anyType('on_hand', ['complaint_second'], {
        ...decidedFirst,
        variables: {
          disposition: ['amend', 'supplement', 'cancel_part', 'cancel_all', 'stop_act', 'order_compliance'],
        },
      }),
    ),
    col(
      25,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Chấp hành thời hạn giải quyết', 'Đúng quy định'],
      anyType('on_hand', COMPLAINTS, { ...decidedFirst, overdue: false }),
    ),
    col(
      26,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Chấp hành thời hạn giải quyết', 'Không đúng quy định'],
      anyType('on_hand', COMPLAINTS, { ...decidedFirst, overdue: true }),
    ),
    col(27, ['Ghi chú'], NOTE),
  ],
  [
    rule(
      '01/KQGQ: 5=20+..+24',
      5,
      [20, 21, 22, 23, 24],
      'Biểu 01/KQGQ code row prints "5=20+..+24" on column 5 (placement UNCONFIRMED, source §4.3)',
    ),
    rule('01/KQGQ: 5=25+26', 5, [25, 26], 'derived: every decided case was decided on time or late'),
    rule(
      '01/KQGQ(1)=01/XLD(19)',
      1,
      [{ form: '01/XLD', col: 19 }],
      'by analogy with 03/KQGQ (UNCONFIRMED, source §4.4)',
    ),
    rule(
      '01/KQGQ(4)=02/XLD(23)',
      4,
      [{ form: '02/XLD', col: 23 }],
      'by analogy with 03/KQGQ (UNCONFIRMED, source §4.4)',
    ),
  ],
);

const F02_KQGQ = form('02/KQGQ', 'TỔNG HỢP KẾT QUẢ THI HÀNH QUYẾT ĐỊNH GIẢI QUYẾT KHIẾU NẠI', SECONDARY, [
  col(1, ['Tổng số quyết định phải thực hiện trong kỳ'], manual(EXECUTION)),
  col(2, ['Số quyết định đã thực hiện xong'], manual(EXECUTION)),
  col(3, ['Thu hồi cho nhà nước', 'Phải thu', 'Tiền (Trđ)'], manual(MONEY)),
  col(4, ['Thu hồi cho nhà nước', 'Phải thu', 'Đất (m2)'], manual(LAND)),
  col(5, ['Thu hồi cho nhà nước', 'Đã thu', 'Tiền (Trđ)'], manual(MONEY)),
  col(6, ['Thu hồi cho nhà nước', 'Đã thu', 'Đất (m2)'], manual(LAND)),
  ...(['Phải trả', 'Đã trả'] as const).flatMap((g, gi) =>
    (['Tổ chức', 'Cá nhân'] as const).flatMap((who, wi) => [
      col(7 + gi * 4 + wi * 2, ['Trả lại cho tổ chức, cá nhân', g, who, 'Tiền (Trđ)'], manual(MONEY)),
      col(8 + gi * 4 + wi * 2, ['Trả lại cho tổ chức, cá nhân', g, who, 'Đất (m2)'], manual(LAND)),
    ]),
  ),
  col(15, ['Đã xử lý hành chính', 'Tổng số người bị xử lý'], manual(PEOPLE)),
  col(16, ['Đã xử lý hành chính', 'Trong đó số cán bộ, công chức, viên chức'], manual(PEOPLE)),
  col(17, ['Đã khởi tố', 'Số vụ'], manual(PEOPLE)),
  col(18, ['Đã khởi tố', 'Số người'], manual(PEOPLE)),
  col(19, ['Đã khởi tố', 'Trong đó số cán bộ, công chức, viên chức'], manual(PEOPLE)),
  col(20, ['Ghi chú'], NOTE),
]);

const DEN = ['denunciation'];
const concluded = { dateInPeriod: 'conclusionIssuedOn' };
const F03_KQGQ = form(
  '03/KQGQ',
  'TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO THUỘC THẨM QUYỀN',
  'Evidence A: matches a copy of the official form (tailieu.vn), including 6=7+..+10=24+26+28=30+31 and 8=25+27+29',
  [
    col(1, ['Đơn tố cáo thuộc thẩm quyền', 'Tổng số'], sum(2, 3), '1=2+3'),
    col(2, ['Đơn tố cáo thuộc thẩm quyền', 'Kỳ trước chuyển sang'], anyType('carried_over', DEN)),
    col(3, ['Đơn tố cáo thuộc thẩm quyền', 'Tiếp nhận trong kỳ'], anyType('received', DEN)),
    col(4, ['Tổng số vụ việc tố cáo thuộc thẩm quyền'], anyType('on_hand', DEN)),
    col(
      5,
      ['Trong đó số vụ việc tố cáo tiếp'],
      manual('a continued denunciation (tố cáo tiếp) is not told apart on the case yet'),
    ),
    col(6, ['Kết quả giải quyết', 'Đã giải quyết', 'Tổng số'], sum(7, 8, 9, 10), '6=7+..+10=24+26+28=30+31'),
    col(7, ['Kết quả giải quyết', 'Đã giải quyết', 'Số vụ việc lần đầu'], anyType('on_hand', DEN, concluded)),
    col(
      8,
      ['Kết quả giải quyết', 'Đã giải quyết', 'Số vụ việc tố cáo tiếp'],
      manual('a continued denunciation (tố cáo tiếp) is not told apart on the case yet'),
      '8=25+27+29',
    ),
    col(
      9,
      ['Kết quả giải quyết', 'Đã giải quyết', 'Số vụ việc rút toàn bộ nội dung tố cáo'],
      anyType('closed', DEN, { outcome: ['withdrawn'] }),
    ),
    col(
      10,
      ['Kết quả giải quyết', 'Đã giải quyết', 'Số vụ việc đình chỉ không do rút tố cáo'],
      anyType('closed', DEN, { outcome: ['terminated'] }),
    ),
    col(11, ['Kết quả giải quyết', 'Kiến nghị thu hồi cho NN', 'Tiền (Trđ)'], manual(MONEY)),
    col(12, ['Kết quả giải quyết', 'Kiến nghị thu hồi cho NN', 'Đất (m2)'], manual(LAND)),
    col(13, ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Tổ chức', 'Tiền (Trđ)'], manual(MONEY)),
    col(14, ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Tổ chức', 'Đất (m2)'], manual(LAND)),
    col(15, ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Cá nhân', 'Tiền (Trđ)'], manual(MONEY)),
    col(16, ['Kết quả giải quyết', 'Trả lại cho tổ chức, cá nhân', 'Cá nhân', 'Đất (m2)'], manual(LAND)),
    col(17, ['Kết quả giải quyết', 'Số tổ chức được trả lại quyền lợi'], manual(PEOPLE)),
    col(18, ['Kết quả giải quyết', 'Số cá nhân được trả lại quyền lợi'], manual(PEOPLE)),
    col(19, ['Kết quả giải quyết', 'Kiến nghị xử lý hành chính', 'Số người bị kiến nghị xử lý'], manual(PEOPLE)),
    col(
      20,
      ['Kết quả giải quyết', 'Kiến nghị xử lý hành chính', 'Trong đó số cán bộ, công chức, viên chức'],
      manual(PEOPLE),
    ),
    col(21, ['Kết quả giải quyết', 'Chuyển cơ quan điều tra', 'Số vụ'], manual(PEOPLE)),
    col(22, ['Kết quả giải quyết', 'Chuyển cơ quan điều tra', 'Số đối tượng'], manual(PEOPLE)),
    col(
      23,
      ['Kết quả giải quyết', 'Chuyển cơ quan điều tra', 'Trong đó số cán bộ, công chức, viên chức'],
      manual(PEOPLE),
    ),
    col(
      24,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Tố cáo đúng'],
      anyType('on_hand', DEN, { ...concluded, variables: { finding: ['true'] } }),
    ),
    col(
      25,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Trong đó tố cáo tiếp đúng'],
      manual('a continued denunciation (tố cáo tiếp) is not told apart on the case yet'),
    ),
    col(
      26,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Tố cáo sai'],
      anyType('on_hand', DEN, { ...concluded, variables: { finding: ['false'] } }),
    ),
    col(
      27,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Trong đó tố cáo tiếp sai'],
      manual('a continued denunciation (tố cáo tiếp) is not told apart on the case yet'),
    ),
    col(
      28,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Tố cáo có đúng, có sai'],
      anyType('on_hand', DEN, { ...concluded, variables: { finding: ['partly_true'] } }),
    ),
    col(
      29,
      ['Phân tích kết quả giải quyết (vụ việc)', 'Trong đó tố cáo tiếp có đúng, có sai'],
      manual('a continued denunciation (tố cáo tiếp) is not told apart on the case yet'),
    ),
    col(
      30,
      ['Chấp hành thời hạn giải quyết', 'Đúng quy định'],
      anyType('on_hand', DEN, { ...concluded, overdue: false }),
    ),
    col(
      31,
      ['Chấp hành thời hạn giải quyết', 'Không đúng quy định'],
      anyType('on_hand', DEN, { ...concluded, overdue: true }),
    ),
    col(32, ['Ghi chú'], NOTE),
  ],
  [
    rule(
      '03/KQGQ: 7+9+10=24+26+28',
      6,
      [24, 26, 28, 9, 10],
      'Biểu 03/KQGQ code row "6=…=24+26+28" (copy of the official form); withdrawals and terminations have no finding',
      false,
    ),
    rule(
      '03/KQGQ: 7=30+31',
      7,
      [30, 31],
      'Biểu 03/KQGQ code row "6=…=30+31" (concluded cases; copy of the official form)',
      true,
    ),
    rule(
      '03/KQGQ(1)=01/XLD(20)',
      1,
      [{ form: '01/XLD', col: 20 }],
      'Hướng dẫn cách ghi biểu 03/KQGQ: "Cột (1) = Cột (2) + (3) = Cột (20) thuộc Biểu 01/XLD"',
      true,
    ),
    rule(
      '03/KQGQ(4)=03/XLD(26)',
      4,
      [{ form: '03/XLD', col: 26 }],
      'Hướng dẫn cách ghi biểu 03/KQGQ: "Cột (4) = Cột (26) thuộc Biểu 03/XLD"',
      true,
    ),
  ],
  true,
);

const F04_KQGQ = form('04/KQGQ', 'TỔNG HỢP KẾT QUẢ THỰC HIỆN KẾT LUẬN NỘI DUNG TỐ CÁO', SECONDARY, [
  col(1, ['Tổng số kết luận phải thực hiện'], manual(EXECUTION)),
  col(2, ['Số kết luận đã thực hiện xong'], manual(EXECUTION)),
  col(3, ['Thu hồi cho Nhà nước', 'Phải thu', 'Tiền'], manual(MONEY)),
  col(4, ['Thu hồi cho Nhà nước', 'Phải thu', 'Đất'], manual(LAND)),
  col(5, ['Thu hồi cho Nhà nước', 'Đã thu', 'Tiền'], manual(MONEY)),
  col(6, ['Thu hồi cho Nhà nước', 'Đã thu', 'Đất'], manual(LAND)),
  ...(['Phải trả', 'Đã trả'] as const).flatMap((g, gi) => {
    const b = 7 + gi * 6;
    const done = gi === 0 ? 'phải được' : 'đã được';
    return [
      col(b, ['Trả lại cho tổ chức, cá nhân', g, `Số tổ chức ${done} trả lại quyền lợi`], manual(PEOPLE)),
      col(b + 1, ['Trả lại cho tổ chức, cá nhân', g, `Số cá nhân ${done} trả lại quyền lợi`], manual(PEOPLE)),
      col(b + 2, ['Trả lại cho tổ chức, cá nhân', g, 'Tổ chức', 'Tiền'], manual(MONEY)),
      col(b + 3, ['Trả lại cho tổ chức, cá nhân', g, 'Tổ chức', 'Đất'], manual(LAND)),
      col(b + 4, ['Trả lại cho tổ chức, cá nhân', g, 'Cá nhân', 'Tiền'], manual(MONEY)),
      col(b + 5, ['Trả lại cho tổ chức, cá nhân', g, 'Cá nhân', 'Đất'], manual(LAND)),
    ];
  }),
  col(19, ['Đã xử lý hành chính', 'Tổng số tổ chức bị xử lý'], manual(PEOPLE)),
  col(20, ['Đã xử lý hành chính', 'Tổng số cá nhân bị xử lý'], manual(PEOPLE)),
  col(21, ['Đã xử lý hành chính', 'Trong đó số cán bộ, công chức, viên chức'], manual(PEOPLE)),
  col(22, ['Đã khởi tố', 'Số vụ'], manual(PEOPLE)),
  col(23, ['Đã khởi tố', 'Số đối tượng'], manual(PEOPLE)),
  col(24, ['Đã khởi tố', 'Trong đó số cán bộ, công chức, viên chức'], manual(PEOPLE)),
  col(25, ['Ghi chú'], NOTE),
]);

/** Every form version shipped (add a version with its effective dates when a circular changes a form). */
export const FORMS: readonly FormDefinition[] = [
  F01_TCD,
  F02_TCD,
  F01_XLD,
  F02_XLD,
  F03_XLD,
  F04_XLD,
  F01_KQGQ,
  F02_KQGQ,
  F03_KQGQ,
  F04_KQGQ,
];

const inForce = (f: FormDefinition, at: IsoDate) =>
  f.effectiveFrom <= at && (f.effectiveTo === undefined || at < f.effectiveTo);

/** The version of form `code` in force on `at` (the latest version starting on or before `at`). */
export function selectForm(code: string, at: IsoDate): FormDefinition | undefined {
  return FORMS.filter((f) => f.code === code && inForce(f, at)).sort((a, b) => b.version - a.version)[0];
}

export function listForms(at: IsoDate): FormSummary[] {
  return FORMS.filter((f) => inForce(f, at)).map((f) => ({
    code: f.code,
    version: f.version,
    title: f.title,
    circular: f.circular,
    effectiveFrom: f.effectiveFrom,
    ...(f.effectiveTo ? { effectiveTo: f.effectiveTo } : {}),
    confirmed: f.confirmed,
  }));
}
