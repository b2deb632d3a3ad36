import { describe, expect, it } from 'vitest';
import { containsIdentity, redactText } from '../../../publication/redact.js';
import { publicationRule } from '../../../publication/rules.js';

const parties = [
  {
    role: 'denouncer' as const,
    identity: {
      name: 'Nguyễn Văn An',
      idNumber: '001203004567',
      phone: '0912345678',
      address: '12 Lê Lợi, phường Bến Nghé',
      email: 'an.nguyen@example.vn',
    },
  },
  { role: 'accused' as const, identity: { name: 'Trần Thị Bình', address: 'xã Phú Mỹ' } },
];

describe('redactText', () => {
  it('replaces names, addresses, ID numbers, phones and emails by role labels', () => {
    const text =
      'Ông Nguyễn Văn An (CCCD 001203004567, ĐT 0912 345 678, an.nguyen@example.vn), trú tại 12 Lê Lợi, phường ' +
      'Bến Nghé, tố cáo bà Trần Thị Bình, trú tại xã Phú Mỹ. Ông An cho rằng bà Bình đã vi phạm.';
    const r = redactText(text, parties);
    for (const secret of ['Nguyễn', 'An ', '001203004567', '0912', 'an.nguyen', 'Lê Lợi', 'Bình', 'Phú Mỹ'])
      expect(r.text).not.toContain(secret);
    expect(r.text).toContain('Ông [Người tố cáo] (CCCD [số giấy tờ tùy thân]');
    expect(r.text).toContain('tố cáo bà [Người bị tố cáo]');
    expect(r.text).toContain('Ông [Người tố cáo] cho rằng bà [Người bị tố cáo] đã vi phạm');
    expect(r.replacements.find((x) => x.label === '[Người tố cáo]')?.count).toBe(2);
    expect(JSON.stringify(r.replacements)).not.toContain('Nguyễn');
    expect(containsIdentity(r.text, parties)).toBe(false);
    expect(containsIdentity(text, parties)).toBe(true);
  });

  it('ignores case, diacritics and spacing; leaves other words alone', () => {
    const r = redactText('NGUYEN VAN  AN và nguyễn văn an; Anh hùng; Văn An; Ancestry 2026', parties);
    expect(r.text).toBe('[Người tố cáo] và [Người tố cáo]; Anh hùng; [Người tố cáo]; Ancestry 2026');
  });

  it('redacts ID-card, phone and email patterns of anyone, and terms the publisher adds', () => {
    const r = redactText(
      'Người làm chứng Lê C, CMND 123456789, số 0987654321, c@x.vn; số tiền 150.000.000 đồng',
      [],
      ['Lê C'],
    );
    expect(r.text).toBe(
      'Người làm chứng [đã che], CMND [số giấy tờ tùy thân], số [số điện thoại], [thư điện tử]; số tiền 150.000.000 đồng',
    );
  });

  it('finds an email inside and after a long token without `@`, the token left as it is', () => {
    const long = 'x'.repeat(100_000);
    const r = redactText(`${long} ghi chú: a.b@so-tnmt.gov.vn ${long}@`, []);
    expect(r.text).toBe(`${long} ghi chú: [thư điện tử] ${long}@`);
  });

  it('numbers the parties of one role', () => {
    const two = [
      { role: 'complainant' as const, identity: { name: 'Phạm Văn Ba' } },
      { role: 'complainant' as const, identity: { name: 'Đỗ Thị Tư' } },
    ];
    expect(redactText('Phạm Văn Ba và Đỗ Thị Tư', two).text).toBe('[Người khiếu nại 1] và [Người khiếu nại 2]');
  });
});

describe('publicationRule', () => {
  it('selects by type and issue date (ADR 0043)', () => {
    expect(publicationRule('complaint_decision_second', '2026-05-01')?.effectiveTo).toBe('2026-06-30');
    expect(publicationRule('complaint_decision_second', '2026-07-01')?.legalBasis).toContain('136/2025');
    expect(publicationRule('denunciation_conclusion', '2026-07-01')?.legalBasis).toContain('Art 40');
    expect(publicationRule('denunciation_conclusion', '2018-12-31')).toBeUndefined();
    expect(publicationRule('acceptance_notice', '2026-07-01')).toBeUndefined();
  });
});
