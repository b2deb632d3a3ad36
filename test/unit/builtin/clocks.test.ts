/**
 * Every clock rule of the built-in definitions, computed with workflows/clock on the agency
 * calendar for a fixed start date, plus the lifecycle scenarios at the clock level (the same
 * scenarios on Temporal: test/workflows/lifecycles/*.wf.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../../calendar/build.js';
import {
  computeDeadline,
  evaluateClock,
  extendClock,
  resumeClock,
  suspendClock,
} from '../../../workflows/clock/index.js';
import { complaintLimitation, petitionDefinition } from '../../../processes/builtin/index.js';
import { clocksOf, def, DEFS, node, toClock, valid } from './helpers.js';

const cal = buildCalendar({ from: '2024-01-01', to: '2030-12-31' });
const START = '2026-07-01'; // Wed; no holiday in July 2026

/**
 * ruleId (or ruleId/vN when versions differ) -> [amount, unit, due for an event on 01/07/2026].
 * Hand-checked: +30 cal = Fri 31/07; +45 cal = Sat 15/08 -> Mon 17/08 (BLDS Art 148(5));
 * +60 cal = Sun 30/08 -> Mon 31/08; 10 WD = Wed 15/07; 7 WD = Fri 10/07; 5 WD = Wed 08/07.
 */
const EXPECTED: Record<string, [number, 'calendar_days' | 'working_days' | 'months' | 'years', string]> = {
  C1: [10, 'working_days', '2026-07-15'],
  C2: [7, 'working_days', '2026-07-10'],
  C4: [10, 'working_days', '2026-07-15'],
  C4a: [45, 'calendar_days', '2026-08-17'],
  C5: [3, 'working_days', '2026-07-06'],
  C8: [1, 'years', '2027-07-01'],
  'K2/v1': [10, 'calendar_days', '2026-07-13'],
  'K2/v2': [7, 'working_days', '2026-07-10'],
  K2_wd: [10, 'working_days', '2026-07-15'],
  K3: [30, 'calendar_days', '2026-07-31'],
  K3b: [45, 'calendar_days', '2026-08-17'],
  K5: [3, 'working_days', '2026-07-06'],
  K6: [30, 'calendar_days', '2026-07-31'],
  K6_remote: [45, 'calendar_days', '2026-08-17'],
  K7: [1, 'years', '2027-07-01'],
  'K8/v1': [10, 'calendar_days', '2026-07-13'],
  'K8/v2': [7, 'working_days', '2026-07-10'],
  K8_wd: [10, 'working_days', '2026-07-15'],
  K9: [45, 'calendar_days', '2026-08-17'],
  K9a: [60, 'calendar_days', '2026-08-31'],
  K10: [7, 'calendar_days', '2026-07-08'],
  K11: [15, 'calendar_days', '2026-07-16'],
  K12: [30, 'calendar_days', '2026-07-31'],
  K12_remote: [45, 'calendar_days', '2026-08-17'],
  K13: [30, 'calendar_days', '2026-07-31'],
  K13_remote: [45, 'calendar_days', '2026-08-17'],
  K15: [3, 'working_days', '2026-07-06'],
  // K17 (KN Art 35): the stay's lift is due with the resolution limit it may not outlast.
  K17_K3: [30, 'calendar_days', '2026-07-31'],
  K17_K3b: [45, 'calendar_days', '2026-08-17'],
  K17_K9: [45, 'calendar_days', '2026-08-17'],
  K17_K9a: [60, 'calendar_days', '2026-08-31'],
  T1: [7, 'working_days', '2026-07-10'],
  T3: [5, 'working_days', '2026-07-08'],
  T4: [5, 'working_days', '2026-07-08'],
  T5: [30, 'calendar_days', '2026-07-31'],
  T6: [5, 'working_days', '2026-07-08'],
  T7: [5, 'working_days', '2026-07-08'],
  T8: [7, 'working_days', '2026-07-10'],
  T9: [7, 'working_days', '2026-07-10'],
  T10: [20, 'calendar_days', '2026-07-21'],
  T11: [5, 'working_days', '2026-07-08'],
  T11a: [5, 'working_days', '2026-07-08'],
  T12: [20, 'calendar_days', '2026-07-21'],
};

const ALL = DEFS.flatMap((d) => clocksOf(d).map(({ node: n, rule }) => ({ d, n, rule })));
const keyOf = (ruleId: string, version: number) =>
  EXPECTED[`${ruleId}/v${version}`] ? `${ruleId}/v${version}` : ruleId;

describe('every clock rule of the built-in definitions, from an event on Wed 01/07/2026', () => {
  it.each(ALL.map(({ d, n, rule }) => [`${d.key} v${d.version} ${n.id} ${rule.ruleId}`, d.version, rule] as const))(
    '%s',
    (_l, version, rule) => {
      const expected = EXPECTED[keyOf(rule.ruleId, version)];
      expect(expected, `no expectation for ${rule.ruleId}`).toBeDefined();
      const [amount, unit, due] = expected!;
      expect([rule.amount, rule.unit]).toEqual([amount, unit]);
      expect(computeDeadline({ start: START, amount: rule.amount, unit: rule.unit }, cal).due).toBe(due);
      // The interpreter's clock (createClock from the rule) agrees with computeDeadline.
      expect(evaluateClock(toClock(rule, START), cal, '2026-07-01T12:00:00+07:00').due).toBe(due);
    },
  );

  it('every expectation is used (no stale rows)', () => {
    const used = new Set(ALL.map(({ d, rule }) => keyOf(rule.ruleId, d.version)));
    expect(Object.keys(EXPECTED).filter((k) => !used.has(k))).toEqual([]);
  });
});

describe('acceptance of a first complaint: received Tue 30/06/2026 (v1) vs Wed 01/07/2026 (v2)', () => {
  const dueOf = (key: string, version: number, task: string, start: string) => {
    const n = node(def(key, version), task);
    if (n.type !== 'userTask' || !n.due) throw new Error('no due');
    return computeDeadline({ start, amount: n.due.amount, unit: n.due.unit }, cal).due;
  };
  it('v1 default (stricter "10 ngày" of KN Art 27): Fri 10/07/2026', () =>
    expect(dueOf('complaint-first', 1, 'accept', '2026-06-30')).toBe('2026-07-10'));
  it('v1 with acceptanceUnit = working_days (TT 07/2013 Art 5(1)): 10 WD = Tue 14/07/2026', () =>
    expect(dueOf('complaint-first', 1, 'accept.wd', '2026-06-30')).toBe('2026-07-14'));
  it('v2 (NĐ 155/2026 Art 10): 07 WD = Fri 10/07/2026', () =>
    expect(dueOf('complaint-first', 2, 'accept', '2026-07-01')).toBe('2026-07-10'));
  it('second instance, same rule (K8): v1 10 WD Tue 14/07, v2 7 WD Fri 10/07', () => {
    expect(dueOf('complaint-second', 1, 'accept.wd', '2026-06-30')).toBe('2026-07-14');
    expect(dueOf('complaint-second', 2, 'accept', '2026-07-01')).toBe('2026-07-10');
  });
});

describe('lifecycle scenarios at the clock level: extensions, suspension, breach windows', () => {
  const ruleOf = (key: string, version: number, id: string) => {
    const n = node(def(key, version), id);
    if (n.type !== 'userTask' || !n.due) throw new Error('no due');
    return n.due;
  };

  it('remote-area complex complaint: 45 days + one extension of 15 = 60 days; a second extension is refused', () => {
    // Accepted Mon 03/08/2026: 45 days -> Thu 17/09; + 15 -> Fri 02/10/2026 (60th day).
    let c = toClock(ruleOf('complaint-first', 2, 'remote.verify'), '2026-08-03');
    expect(evaluateClock(c, cal, '2026-08-04T09:00:00+07:00').due).toBe('2026-09-17');
    const ext = extendClock(
      c,
      { amount: 15, unit: 'calendar_days', decisionRef: 'QD-phuc-tap-1', date: '2026-09-01' },
      cal,
    );
    expect(ext.ok).toBe(true);
    if (!ext.ok) return;
    c = ext.clock;
    expect(evaluateClock(c, cal, '2026-09-02T09:00:00+07:00').due).toBe('2026-10-02');
    const again = extendClock(c, { amount: 5, unit: 'calendar_days', decisionRef: 'QD-2', date: '2026-09-10' }, cal);
    expect(again.ok ? null : again.refusal.code).toBe('EXTENSION_LIMIT_REACHED');
  });

  it('a normal complex complaint can reach 45 days, not more (KN Art 28)', () => {
    const c = toClock(ruleOf('complaint-first', 2, 'verify'), '2026-07-01');
    const tooLong = extendClock(c, { amount: 16, unit: 'calendar_days', decisionRef: 'QD', date: '2026-07-20' }, cal);
    expect(tooLong.ok ? null : tooLong.refusal.code).toBe('EXTENSION_TOO_LONG');
    const ok = extendClock(c, { amount: 15, unit: 'calendar_days', decisionRef: 'QD', date: '2026-07-20' }, cal);
    expect(ok.ok && evaluateClock(ok.clock, cal, '2026-07-21T09:00:00+07:00').due).toBe('2026-08-17'); // day 45 = Sat 15/08 -> Mon 17/08
  });

  it('a suspension of 12 days moves the complaint resolution deadline by 12 days (KN Art 11a)', () => {
    // Accepted Wed 01/07/2026: due Fri 31/07. Suspension decided Fri 10/07, continuation decided Wed 22/07:
    // 11/07-22/07 (12 days) are not counted (the clock counts again from the day after the continuation).
    const rule = ruleOf('complaint-first', 2, 'verify');
    expect(rule.suspensionBasis).toContain('Art 11a');
    let c = toClock(rule, '2026-07-01');
    c = suspendClock(c, { from: '2026-07-10', decision: 'QD-tam-dinh-chi' });
    c = resumeClock(c, { to: '2026-07-22', decision: 'QD-tiep-tuc' });
    const e = evaluateClock(c, cal, '2026-07-23T09:00:00+07:00');
    expect(e.due).toBe(computeDeadline({ start: '2026-07-01', amount: 42, unit: 'calendar_days' }, cal).due);
    expect(e.due).toBe('2026-08-12');
  });

  it('an especially complex denunciation: two extensions of 30 days (90 in all); the third is refused', () => {
    let c = toClock(ruleOf('denunciation', 2, 'verify'), '2026-07-01');
    expect(evaluateClock(c, cal, '2026-07-02T09:00:00+07:00').due).toBe('2026-07-31');
    for (const [ref, date, due] of [
      ['GH-1', '2026-07-25', '2026-08-31'],
      ['GH-2', '2026-08-20', '2026-09-29'],
    ] as const) {
      const r = extendClock(c, { amount: 30, unit: 'calendar_days', decisionRef: ref, date }, cal);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      c = r.clock;
      expect(evaluateClock(c, cal, `${date}T12:00:00+07:00`).due).toBe(due);
    }
    const third = extendClock(c, { amount: 10, unit: 'calendar_days', decisionRef: 'GH-3', date: '2026-09-15' }, cal);
    expect(third.ok ? null : third.refusal).toMatchObject({
      code: 'EXTENSION_LIMIT_REACHED',
      legalBasis: expect.stringContaining('Art 30'),
    });
  });

  it('initial processing of a denunciation: 7 WD, up to 10 WD in all for several places (TC Art 24(1))', () => {
    const c = toClock(ruleOf('denunciation', 2, 'initial'), '2026-07-01');
    const r = extendClock(
      c,
      { amount: 3, unit: 'working_days', decisionRef: 'several-places', date: '2026-07-08' },
      cal,
    );
    expect(r.ok && evaluateClock(r.clock, cal, '2026-07-08T12:00:00+07:00').due).toBe('2026-07-15');
    const tooMuch = extendClock(c, { amount: 4, unit: 'working_days', decisionRef: 'x', date: '2026-07-08' }, cal);
    expect(tooMuch.ok).toBe(false);
  });

  it('first-instance breach opens the second-complaint window (30 days) and the lawsuit window (1 year)', () => {
    // K3 from acceptance Mon 03/08/2026: day 30 = Wed 02/09 (Quốc khánh) -> rolls past the holidays.
    const d = def('complaint-first', 2);
    const k3 = toClock(ruleOf('complaint-first', 2, 'decide'), '2026-08-03');
    const expired = evaluateClock(k3, cal, '2026-08-04T09:00:00+07:00').due!;
    expect(expired > '2026-09-02').toBe(true);
    const k6 = node(d, 'window.K6');
    const k7 = node(d, 'window.K7');
    if (k6.type !== 'intermediateCatchEvent' || k6.trigger.kind !== 'timer' || !('ruleId' in k6.trigger.timer))
      throw new Error();
    if (k7.type !== 'intermediateCatchEvent' || k7.trigger.kind !== 'timer' || !('ruleId' in k7.trigger.timer))
      throw new Error();
    const w6 = computeDeadline(
      { start: expired, amount: k6.trigger.timer.amount, unit: k6.trigger.timer.unit },
      cal,
    ).due;
    const w7 = computeDeadline(
      { start: expired, amount: k7.trigger.timer.amount, unit: k7.trigger.timer.unit },
      cal,
    ).due;
    expect(k6.trigger.timer.from).toBe('resolutionDeadlineExpired');
    expect(w6 > expired && w7 > w6).toBe(true);
    expect(k6.trigger.timer.legalBasis).toContain('Art 33(1)');
    expect(k7.trigger.timer.legalBasis).toContain('Art 116(3)');
  });
});

describe('complaint limitation (KN Art 9) with tolling', () => {
  it('90 days from Wed 01/04/2026 = Tue 30/06/2026; lodged 01/07 is late, unless 5 days are tolled', () => {
    expect(complaintLimitation({ knownOn: '2026-04-01', lodgedOn: '2026-06-30' }, cal)).toMatchObject({
      due: '2026-06-30',
      expired: false,
    });
    expect(complaintLimitation({ knownOn: '2026-04-01', lodgedOn: '2026-07-01' }, cal)).toMatchObject({
      due: '2026-06-30',
      expired: true,
    });
    expect(complaintLimitation({ knownOn: '2026-04-01', lodgedOn: '2026-07-01', tolledDays: 5 }, cal)).toMatchObject({
      due: '2026-07-06',
      expired: false,
    });
  });
});

describe('petition: the substantive response deadline is agency configuration (C7 UNCONFIRMED)', () => {
  it('the built-in petition has no response clock; an agency version has one', () => {
    const builtIn = node(def('petition', 1), 'respond');
    expect(builtIn.type === 'userTask' && builtIn.due).toBeUndefined();
    const agency = valid(
      petitionDefinition({
        key: 'petition-agency-x',
        responseDeadline: { amount: 15, unit: 'working_days', legalBasis: 'Quy chế UBND tỉnh X' },
      }),
    );
    const respond = node(agency, 'respond');
    expect(respond.type === 'userTask' && respond.due).toMatchObject({
      ruleId: 'C7',
      amount: 15,
      unit: 'working_days',
      from: 'accepted',
    });
    expect(computeDeadline({ start: START, amount: 15, unit: 'working_days' }, cal).due).toBe('2026-07-22');
  });
});
