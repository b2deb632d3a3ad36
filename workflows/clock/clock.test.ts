import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../calendar/build';
import { createClock, evaluateClock } from './clock';
import { ClockError, type Clock } from './clock-types';
import { extendClock, ExtensionRefusedError } from './extensions';
import { resumeClock, stopClock, suspendClock } from './ledger';
import { denunciationResolutionClock } from './rules';

const cal = buildCalendar({ from: '2025-01-01', to: '2028-12-31' });

/** T5 accepted Mon 02/03/2026: 30 days → Wed 01/04/2026. */
const t5 = (complexity: 'normal' | 'complex' | 'especially_complex' = 'normal', acceptedOn = '2026-03-02'): Clock =>
  denunciationResolutionClock({ acceptedOn, complexity });

const mustExtend = (clock: Clock, amount: number, date: string, ref: string): Clock => {
  const r = extendClock(clock, { amount, unit: 'calendar_days', decisionRef: ref, date }, cal);
  if (!r.ok) throw new ExtensionRefusedError(r.refusal);
  return r.clock;
};

describe('evaluateClock — running clock', () => {
  it('T5 denunciation: 30 days from acceptance', () => {
    const e = evaluateClock(t5(), cal);
    expect(e).toMatchObject({ status: 'running', due: '2026-04-01', dueAt: '2026-04-01T23:59:59.999+07:00' });
    expect(e.budget).toEqual({ amount: 30, unit: 'calendar_days', base: 30, extended: 0 });
    expect(e.derivation[0]?.text).toBe(
      'Accepted (thụ lý) Mon 02/03/2026; counting starts Tue 03/03/2026 (BLDS 2015 Art 147(2))',
    );
  });

  it('status follows `now`: running up to 24:00 of the due day, breached after', () => {
    const clock = t5();
    expect(evaluateClock(clock, cal, '2026-04-01T23:59:59.999+07:00').status).toBe('running');
    expect(evaluateClock(clock, cal, '2026-04-01T17:00:00.000Z').status).toBe('breached'); // = 02/04 00:00 +07
    expect(evaluateClock(clock, cal, Date.UTC(2026, 3, 1, 16, 59, 59)).status).toBe('running');
    expect(evaluateClock(clock, cal).status).toBe('running');
  });

  it('resolves rungs in calendar and working days, sorted, at 00:00 local', () => {
    const clock = createClock({
      ruleId: 'T5',
      legalBasis: 'Luật Tố cáo 2018 Art 30(1)',
      budget: { amount: 30, unit: 'calendar_days' },
      startEvent: { name: 'Accepted', date: '2026-03-02' },
      rungs: [
        { name: 'overdue_escalation', daysBefore: -1 },
        { name: 'reminder', daysBefore: 5 },
        { name: 'at_risk', daysBefore: 2, unit: 'working_days' },
        { name: 'due_day', daysBefore: 0 },
      ],
    });
    expect(evaluateClock(clock, cal).rungs).toEqual([
      { name: 'reminder', date: '2026-03-27', at: '2026-03-27T00:00:00.000+07:00' },
      { name: 'at_risk', date: '2026-03-30', at: '2026-03-30T00:00:00.000+07:00' },
      { name: 'due_day', date: '2026-04-01', at: '2026-04-01T00:00:00.000+07:00' },
      { name: 'overdue_escalation', date: '2026-04-02', at: '2026-04-02T00:00:00.000+07:00' },
    ]);
  });

  it('working-day rungs step back over holidays', () => {
    // 3 WD from Wed 29/04/2026 → Wed 06/05. Three working days back: Tue 05/05 (1), Mon 04/05 (2),
    // then 30/04–03/05 are off, so Wed 29/04 (3).
    const clock = createClock({
      ruleId: 'T4',
      legalBasis: 'Luật Tố cáo 2018 Art 29(3)',
      budget: { amount: 3, unit: 'working_days' },
      startEvent: { name: 'Acceptance decision', date: '2026-04-29' },
      rungs: [{ name: 'reminder', daysBefore: 3, unit: 'working_days' }],
    });
    const e = evaluateClock(clock, cal);
    expect(e.due).toBe('2026-05-06');
    expect(e.rungs).toEqual([{ name: 'reminder', date: '2026-04-29', at: '2026-04-29T00:00:00.000+07:00' }]);
  });

  it('is pure: same input, same output; input not mutated', () => {
    const clock = Object.freeze(t5('complex'));
    const a = evaluateClock(clock, cal, '2026-03-10T00:00:00+07:00');
    const b = evaluateClock(clock, cal, '2026-03-10T00:00:00+07:00');
    expect(a).toEqual(b);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a); // serializable
  });
});

describe('suspension (Luật TC 2018 Art 34(2); Luật KN Art 11a)', () => {
  it('closed suspension: days up to the decision count, resume after the continuation decision', () => {
    // 03/03–12/03 = 10 days used; 13/03–20/03 not counted; day 11 = 21/03 … day 30 = Thu 09/04/2026.
    let c = suspendClock(t5(), { from: '2026-03-12', decision: 'QĐ 5/QĐ-TTr' });
    c = resumeClock(c, { to: '2026-03-20', decision: 'QĐ 9/QĐ-TTr' });
    const e = evaluateClock(c, cal);
    expect(e.status).toBe('running');
    expect(e.due).toBe('2026-04-09');
    const s = e.derivation.find((d) => d.kind === 'suspension');
    expect(s).toMatchObject({
      from: '2026-03-13',
      to: '2026-03-20',
      days: 8,
      legalBasis: 'Luật Tố cáo 2018 Art 34(2)',
    });
    expect(s?.text).toContain('10 of 30 calendar days used, counting resumes Sat 21/03/2026');
    expect(e.derivation.filter((d) => d.kind === 'count').map((d) => [d.from, d.to])).toEqual([
      ['2026-03-03', '2026-03-12'],
      ['2026-03-21', '2026-04-09'],
    ]);
  });

  it('open suspension: status suspended, no due date, used/remaining reported', () => {
    const c = suspendClock(t5(), { from: '2026-03-12', decision: 'QĐ 5/QĐ-TTr' });
    const e = evaluateClock(c, cal, '2026-12-01T00:00:00+07:00');
    expect(e).toMatchObject({
      status: 'suspended',
      due: null,
      dueAt: null,
      daysUsed: 10,
      daysRemaining: 20,
      rungs: [],
    });
    expect(e.derivation[e.derivation.length - 1]?.kind).toBe('suspension');
  });

  it('calendar-day clock suspended across Tết 2026', () => {
    // Accepted Tue 20/01/2026; 21/01–10/02 = 21 days; suspended until Wed 25/02; 9 left: 26/02 … Fri 06/03/2026.
    const base = t5('normal', '2026-01-20');
    expect(evaluateClock(base, cal).due).toBe('2026-02-23'); // day 30 = Thu 19/02 (Tết) → Mon 23/02
    let c = suspendClock(base, { from: '2026-02-10', decision: 'S1' });
    c = resumeClock(c, { to: '2026-02-25', decision: 'R1' });
    expect(evaluateClock(c, cal).due).toBe('2026-03-06');
  });

  it('working-day clock suspended across Tết 2026', () => {
    // 10 WD accepted Mon 09/02: Tue 10 (1), Wed 11 (2), Thu 12 (3) — suspended Thu 12/02, continued Wed 25/02;
    // Thu 26 (4), Fri 27 (5), Mon 02/03 … Fri 06/03 (10).
    let c = createClock({
      ruleId: 'C1',
      legalBasis: 'Luật TCD 2013 Art 28(1)',
      budget: { amount: 10, unit: 'working_days' },
      startEvent: { name: 'Received', date: '2026-02-09' },
      suspensionBasis: 'test basis',
    });
    c = resumeClock(suspendClock(c, { from: '2026-02-12', decision: 'S' }), { to: '2026-02-25', decision: 'R' });
    expect(evaluateClock(c, cal).due).toBe('2026-03-06');
  });

  it('after resumption the last day still rolls forward (BLDS 2015 Art 148(5))', () => {
    // 30 days from 02/03/2026, suspended 12/03 → continued 15/03 (3 days lost): day 30 = Sat 04/04/2026.
    let c = suspendClock(t5(), { from: '2026-03-12', decision: 'S' });
    c = resumeClock(c, { to: '2026-03-15', decision: 'R' });
    const e = evaluateClock(c, cal);
    expect(e.due).toBe('2026-04-06'); // day 30 = Sat 04/04/2026 → Mon 06/04
    expect(e.derivation.some((d) => d.kind === 'roll_forward' && d.from === '2026-04-04')).toBe(true);
  });

  it('several suspensions add up; a same-day continuation loses no day', () => {
    let c = suspendClock(t5(), { from: '2026-03-05', decision: 'S1' });
    c = resumeClock(c, { to: '2026-03-07', decision: 'R1' }); // 2 days
    c = suspendClock(c, { from: '2026-03-10', decision: 'S2' });
    c = resumeClock(c, { to: '2026-03-13', decision: 'R2' }); // 3 days
    c = suspendClock(c, { from: '2026-03-16', decision: 'S3' });
    c = resumeClock(c, { to: '2026-03-16', decision: 'R3' }); // 0 days
    expect(evaluateClock(c, cal).due).toBe('2026-04-06'); // 01/04 + 5 = Mon 06/04/2026
  });

  it('a suspension decided after the last day has no effect', () => {
    let c = suspendClock(t5(), { from: '2026-04-03', decision: 'late' });
    c = resumeClock(c, { to: '2026-04-20', decision: 'R' });
    const e = evaluateClock(c, cal);
    expect(e.due).toBe('2026-04-01');
    expect(e.derivation.some((d) => d.reason === 'suspension_after_last_day')).toBe(true);
  });

  it('a suspension decided on the last day itself has no effect (that day was already counted)', () => {
    const c = resumeClock(suspendClock(t5(), { from: '2026-04-01', decision: 'S' }), {
      to: '2026-04-10',
      decision: 'R',
    });
    expect(evaluateClock(c, cal).due).toBe('2026-04-01');
    // …but the day before the last day leaves one day to count after the continuation decision.
    const d = resumeClock(suspendClock(t5(), { from: '2026-03-31', decision: 'S' }), {
      to: '2026-04-10',
      decision: 'R',
    });
    expect(evaluateClock(d, cal).due).toBe('2026-04-13'); // day 30 = Sat 11/04 → Mon 13/04/2026
  });

  it('ledger misuse throws typed ClockError', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof ClockError ? e.code : 'OTHER';
      }
      return undefined;
    };
    const c = t5();
    expect(code(() => resumeClock(c, { to: '2026-03-05', decision: 'R' }))).toBe('NOT_SUSPENDED');
    const s = suspendClock(c, { from: '2026-03-05', decision: 'S' });
    expect(code(() => suspendClock(s, { from: '2026-03-06', decision: 'S2' }))).toBe('ALREADY_SUSPENDED');
    expect(code(() => resumeClock(s, { to: '2026-03-04', decision: 'R' }))).toBe('INVALID_LEDGER');
    expect(code(() => suspendClock(c, { from: '2026-03-01', decision: 'S' }))).toBe('INVALID_LEDGER');
    const noBasis = createClock({
      ruleId: 'K5',
      legalBasis: 'Luật KN Art 32',
      budget: { amount: 3, unit: 'working_days' },
      startEvent: { name: 'Decision issued', date: '2026-03-02' },
    });
    expect(code(() => suspendClock(noBasis, { from: '2026-03-03', decision: 'S' }))).toBe('SUSPENSION_NOT_ALLOWED');
    const stopped = stopClock(c, { date: '2026-03-10', reason: 'conclusion issued' });
    expect(code(() => suspendClock(stopped, { from: '2026-03-11', decision: 'S' }))).toBe('CLOCK_STOPPED');
  });
});

describe('extensions (Luật TC 2018 Art 30(2)-(3))', () => {
  it('complex case: one extension of ≤ 30 days is granted and moves the due date', () => {
    const c = mustExtend(t5('complex'), 30, '2026-03-25', 'QĐ 12/QĐ-GH');
    const e = evaluateClock(c, cal);
    // day 60 = Fri 01/05/2026 (Labour Day) → weekend → Mon 04/05/2026.
    expect(e.due).toBe('2026-05-04');
    expect(e.budget).toEqual({ amount: 60, unit: 'calendar_days', base: 30, extended: 30 });
    const step = e.derivation.find((d) => d.kind === 'extension');
    expect(step).toMatchObject({ date: '2026-03-25', days: 30, legalBasis: 'Luật Tố cáo 2018 Art 30(2)' });
    expect(step?.text).toContain('limit now 60 calendar days');
  });

  it('complex case: a second extension is refused naming Art 30(2)', () => {
    const c = mustExtend(t5('complex'), 30, '2026-03-25', 'QĐ 12');
    const r = extendClock(c, { amount: 10, unit: 'calendar_days', decisionRef: 'QĐ 20', date: '2026-04-20' }, cal);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal.code).toBe('EXTENSION_LIMIT_REACHED');
    expect(r.refusal.legalBasis).toBe('Luật Tố cáo 2018 Art 30(2)');
    expect(r.refusal.message).toContain('Art 30(2)');
  });

  it('especially complex case: two extensions granted, the third refused naming Art 30(3)', () => {
    let c = mustExtend(t5('especially_complex'), 30, '2026-03-25', 'E1');
    c = mustExtend(c, 30, '2026-04-25', 'E2');
    expect(evaluateClock(c, cal).due).toBe('2026-06-01'); // day 90 = Sun 31/05/2026 → Mon 01/06
    const r = extendClock(c, { amount: 5, unit: 'calendar_days', decisionRef: 'E3', date: '2026-05-20' }, cal);
    expect(r).toMatchObject({
      ok: false,
      refusal: { code: 'EXTENSION_LIMIT_REACHED', legalBasis: 'Luật Tố cáo 2018 Art 30(3)' },
    });
  });

  it.each([
    ['normal case: no extension', 'normal', 10, 'calendar_days', '2026-03-20', 'EXTENSION_NOT_ALLOWED'],
    ['more than 30 days', 'complex', 31, 'calendar_days', '2026-03-20', 'EXTENSION_TOO_LONG'],
    ['wrong unit', 'complex', 10, 'working_days', '2026-03-20', 'EXTENSION_UNIT_MISMATCH'],
    ['after the limit expired', 'complex', 30, 'calendar_days', '2026-04-02', 'EXTENSION_AFTER_DUE'],
    ['dated before acceptance', 'complex', 30, 'calendar_days', '2026-03-01', 'EXTENSION_INVALID'],
  ] as const)('refuses: %s', (_l, complexity, amount, unit, date, code) => {
    const r = extendClock(t5(complexity), { amount, unit, decisionRef: 'X', date }, cal);
    expect(r).toMatchObject({ ok: false, refusal: { code } });
  });

  it('refusal converts to a typed error', () => {
    const r = extendClock(
      t5('normal'),
      { amount: 10, unit: 'calendar_days', decisionRef: 'X', date: '2026-03-10' },
      cal,
    );
    if (r.ok) throw new Error('expected refusal');
    const err = new ExtensionRefusedError(r.refusal);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('EXTENSION_NOT_ALLOWED');
    expect(err.legalBasis).toBe('Luật Tố cáo 2018 Art 30(1)');
  });

  it('extension during a suspension is allowed and counts after resumption', () => {
    let c = suspendClock(t5('complex'), { from: '2026-03-12', decision: 'S' });
    c = mustExtend(c, 30, '2026-03-15', 'E1');
    c = resumeClock(c, { to: '2026-03-20', decision: 'R' });
    // 10 used; 50 left from 21/03: day 60 = Sat 09/05/2026 → Mon 11/05.
    expect(evaluateClock(c, cal).due).toBe('2026-05-11');
  });
});

describe('stop', () => {
  it('stopped clock reports whether the obligation was met in time', () => {
    const onTime = evaluateClock(
      stopClock(t5(), { date: '2026-03-31', reason: 'conclusion issued' }),
      cal,
      '2026-06-01T00:00:00+07:00',
    );
    expect(onTime).toMatchObject({ status: 'stopped', due: '2026-04-01', stoppedOnTime: true, rungs: [] });
    const late = evaluateClock(stopClock(t5(), { date: '2026-04-02', reason: 'conclusion issued' }), cal);
    expect(late).toMatchObject({ status: 'stopped', stoppedOnTime: false });
  });
});

describe('clocks in months / years (BLDS 2015 Art 148(3)-(5))', () => {
  const yearClock = (start: string, rungs: Clock['rungs'] = []) =>
    createClock({
      ruleId: 'K7',
      legalBasis: 'Luật TTHC 2015 Art 116(3)',
      budget: { amount: 1, unit: 'years' },
      startEvent: { name: 'resolutionDeadlineExpired', date: start },
      rungs,
    });

  it('1 year from Mon 15/03/2027 ends Wed 15/03/2028 (365 days would end 14/03: 2028 has a 29/02)', () => {
    const e = evaluateClock(
      yearClock('2027-03-15', [{ name: 'reminder', daysBefore: 30 }]),
      cal,
      '2027-04-01T09:00:00+07:00',
    );
    expect(e).toMatchObject({
      status: 'running',
      due: '2028-03-15',
      dueAt: '2028-03-15T23:59:59.999+07:00',
      budget: { amount: 1, unit: 'years' },
    });
    expect(e.rungs).toEqual([{ name: 'reminder', date: '2028-02-14', at: '2028-02-14T00:00:00.000+07:00' }]);
    expect(e.derivation.map((s) => s.kind)).toEqual(['start', 'count', 'due']);
    expect(e.derivation[1]!.legalBasis).toBe('BLDS 2015 Art 148(4)');
  });

  it('from 29/02/2028: 28/02/2029; a last day on a weekend rolls forward (Art 148(5))', () => {
    expect(evaluateClock(yearClock('2028-02-29'), buildCalendar({ from: '2028-01-01', to: '2029-12-31' })).due).toBe(
      '2029-02-28',
    );
    // 1 month from Fri 31/10/2025 -> 30/11/2025 is a Sunday -> Mon 01/12/2025.
    const month = createClock({
      ruleId: 'M',
      legalBasis: 'x',
      budget: { amount: 1, unit: 'months' },
      startEvent: { name: 'e', date: '2025-10-31' },
    });
    expect(evaluateClock(month, cal).due).toBe('2025-12-01');
  });

  it('a month/year clock cannot be suspended or extended (both are counted in days)', () => {
    const base = {
      ruleId: 'K7',
      legalBasis: 'x',
      budget: { amount: 1, unit: 'years' as const },
      startEvent: { name: 'e', date: '2026-07-31' },
    };
    expect(() => createClock({ ...base, suspensionBasis: 'y' })).toThrow(/cannot be suspended/);
    expect(() =>
      createClock({
        ...base,
        extensionPolicy: { maxExtensions: 1, maxAmountEach: 5, unit: 'calendar_days', legalBasis: 'y' },
      }),
    ).toThrow(/cannot be extended/);
  });
});

describe('suspendableFrom: a suspension dated before the suspension rule applies is refused', () => {
  it('a v1 complaint clock suspendable from 01/07/2026 (KN Art 11a via NĐ 155/2026 Art 22(1))', () => {
    const k3 = createClock({
      ruleId: 'K3',
      legalBasis: 'Luật Khiếu nại 2011 Art 28',
      budget: { amount: 30, unit: 'calendar_days' },
      startEvent: { name: 'accepted', date: '2026-06-12' },
      suspensionBasis: 'Luật Khiếu nại 2011 Art 11a, for open cases via NĐ 155/2026 Art 22(1)',
      suspendableFrom: '2026-07-01',
    });
    let err: unknown;
    try {
      suspendClock(k3, { from: '2026-06-30', decision: 'QĐ 1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ClockError);
    expect(err).toMatchObject({ code: 'SUSPENSION_NOT_ALLOWED', legalBasis: k3.suspensionBasis });
    expect((err as Error).message).toMatch(/dated Tue 30\/06\/2026 precedes Wed 01\/07\/2026.*Art 11a/);
    const s = suspendClock(k3, { from: '2026-07-01', decision: 'QĐ 2' });
    expect(evaluateClock(s, cal).status).toBe('suspended');
    expect(() => createClock({ ...k3, budget: k3.budget, suspendableFrom: '2026-7-1' })).toThrow(/suspendableFrom/);
  });
});
