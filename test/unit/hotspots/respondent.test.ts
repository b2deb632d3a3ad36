import { describe, expect, it } from 'vitest';
import { foldText, normaliseRespondentName, respondentKey } from '../../../hotspots/respondent.js';

describe('respondent normalisation', () => {
  it('folds case, diacritics, đ and whitespace', () => {
    expect(foldText('  NGUYỄN   Văn  Đức ')).toBe('nguyen van duc');
  });
  it('strips titles, parentheticals and what follows a comma or dash', () => {
    const same = [
      'Ông Nguyễn Văn A',
      'nguyen van a',
      'Chủ tịch UBND xã Nguyễn Văn A'.replace('xã ', ''),
      'Đồng chí  Nguyễn Văn A (cán bộ địa chính)',
      'Bà Nguyễn Văn A, cán bộ địa chính xã',
      'Ông Nguyễn Văn A - Phó Chủ tịch',
    ];
    for (const s of same) expect(normaliseRespondentName(s), s).toBe('nguyen van a');
  });
  it('an agency id wins; nothing given is no key', () => {
    expect(respondentKey({ agencyId: 'ubnd-xa-a', name: 'Ông A' })).toBe('agency:ubnd-xa-a');
    expect(respondentKey({ name: 'Ông Trần Văn B' })).toBe('name:tran van b');
    expect(respondentKey({})).toBeNull();
    expect(respondentKey({ name: '  ,  ' })).toBeNull();
  });
});
