import { describe, expect, it } from 'vitest';
import { periodOfReceipt, rulesForEvent, RULE_TOPICS, TRANSITIONAL_TOPICS } from '../../../processes/builtin/index.js';

describe('NĐ 155/2026 Art 22 transition: which rules apply to an event', () => {
  it('the period of a case is fixed by its receipt date', () => {
    expect(periodOfReceipt('2026-06-30')).toBe('pre2026');
    expect(periodOfReceipt('2026-07-01')).toBe('from2026');
    expect(() => periodOfReceipt('30/06/2026')).toThrow(RangeError);
  });

  it.each(TRANSITIONAL_TOPICS.complaint.map((t) => [t]))(
    'complaint received 15/05/2026, %s on 10/08/2026: new rules',
    (topic) => {
      expect(rulesForEvent('complaint', '2026-05-15', '2026-08-10', topic)).toMatchObject({
        period: 'from2026',
        available: true,
        basis: expect.stringContaining('NĐ 155/2026'),
      });
    },
  );

  it.each([
    'acceptance',
    'resolution_period',
    'decision',
    'sending',
    'disclosure',
    'legal_effect',
    'extension',
  ] as const)('complaint received 15/05/2026, %s on 10/08/2026: the old rules of the case', (topic) => {
    expect(rulesForEvent('complaint', '2026-05-15', '2026-08-10', topic)).toMatchObject({
      period: 'pre2026',
      available: true,
    });
  });

  it('events before 01/07/2026 in an old case follow the old rules; suspension and partial withdrawal did not exist', () => {
    expect(rulesForEvent('complaint', '2026-05-15', '2026-06-30', 'withdrawal')).toMatchObject({
      period: 'pre2026',
      available: true,
    });
    expect(rulesForEvent('complaint', '2026-05-15', '2026-06-30', 'suspension')).toMatchObject({
      period: 'pre2026',
      available: false,
    });
    expect(rulesForEvent('complaint', '2026-05-15', '2026-06-30', 'partial_withdrawal')).toMatchObject({
      period: 'pre2026',
      available: false,
    });
    expect(rulesForEvent('complaint', '2026-05-15', '2026-07-01', 'suspension')).toMatchObject({
      period: 'from2026',
      available: true,
    });
  });

  it('a complaint decided before 01/07/2026 is outside Art 22(1): it keeps the old rules', () => {
    expect(
      rulesForEvent('complaint', '2026-03-02', '2026-07-20', 'withdrawal', { decisionIssuedOn: '2026-06-15' }),
    ).toMatchObject({ period: 'pre2026' });
    expect(
      rulesForEvent('complaint', '2026-03-02', '2026-07-20', 'withdrawal', { decisionIssuedOn: '2026-07-10' }),
    ).toMatchObject({ period: 'from2026' });
  });

  it('a case received from 01/07/2026 always uses the new rules', () => {
    for (const topic of RULE_TOPICS)
      expect(rulesForEvent('complaint', '2026-07-01', '2026-07-20', topic)).toMatchObject({
        period: 'from2026',
        available: true,
      });
  });

  it('denunciations: no transition clause read (NĐ 156 UNCONFIRMED) — the case keeps its rules; suspension always existed (TC Art 34)', () => {
    expect(rulesForEvent('denunciation', '2026-05-15', '2026-08-10', 'withdrawal')).toMatchObject({
      period: 'pre2026',
      available: true,
    });
    expect(rulesForEvent('denunciation', '2026-05-15', '2026-08-10', 'suspension')).toMatchObject({
      period: 'pre2026',
      available: true,
    });
  });

  it('rejects malformed dates and events before receipt', () => {
    expect(() => rulesForEvent('complaint', '2026-07-10', '2026-07-01', 'dialogue')).toThrow(RangeError);
    expect(() => rulesForEvent('complaint', '2026-07-10', '2026/07/11', 'dialogue')).toThrow(RangeError);
  });
});
