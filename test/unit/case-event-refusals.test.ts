/**
 * Legal events against the case's state (api/routes/case-events.ts `refusalOf`): the holes the
 * workflow validator leaves when some step catches the message anyway.
 */
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../api/routes/case-events.js';

type State = Parameters<typeof refusalOf>[3];
const clock = (over: Record<string, unknown> = {}) => ({
  timerId: 'tm1', nodeId: 'verify', purpose: 'due', kind: 'clock', dueAt: '2026-12-21T16:59:59.999Z', ruleId: 'K3', status: 'running',
  due: '2026-12-21', firedRungs: [], derivation: [{ kind: 'start' }, { kind: 'count' }, { kind: 'due' }], ...over,
});
const state = (clocks: unknown[], over: Partial<State> = {}): State => ({ status: 'running', clocks, variables: {}, ...over } as State);
/** A definition declaring K3 with one extension of at most 15 days, and K2 without extensions. */
const definition = {
  nodes: [
    { type: 'userTask', id: 'verify', due: { ruleId: 'K3', amount: 30, unit: 'calendar_days', from: 'accepted', extension: { maxExtensions: 1, maxAmountEach: 15, legalBasis: 'KN Art 28' } } },
    { type: 'userTask', id: 'accept', due: { ruleId: 'K2', amount: 10, unit: 'working_days', from: 'received' } },
  ],
};

describe('refusalOf', () => {
  it('refuses every event on a closed (or cancelled) case', () => {
    for (const ev of ['withdraw', 'suspend', 'resume', 'extend', 'supplement', 'mark-complex']) {
      expect(refusalOf(ev, {}, '2026-11-27', state([clock()], { status: 'completed' }))?.reason).toBe('CaseClosed');
    }
    expect(refusalOf('withdraw', {}, '2026-11-27', state([], { status: 'cancelled' as State['status'] }))?.reason).toBe('CaseClosed');
  });

  it('suspension: once; resumption: only of a suspended case', () => {
    expect(refusalOf('suspend', {}, '2026-11-27', state([clock()]))).toBeNull();
    expect(refusalOf('suspend', {}, '2026-11-27', state([clock({ status: 'suspended' })]))?.reason).toBe('AlreadySuspended');
    expect(refusalOf('resume', {}, '2026-11-27', state([clock()]))?.reason).toBe('NotSuspended');
    expect(refusalOf('resume', {}, '2026-11-27', state([clock({ status: 'suspended' })]))).toBeNull();
    // Plain duration timers are not statutory clocks; a case without any clock is left to its definition.
    expect(refusalOf('resume', {}, '2026-11-27', state([clock({ kind: 'duration', status: undefined })]))).toBeNull();
  });

  it('extension: within the rule\'s policy, in time', () => {
    const ok = (b: Record<string, unknown>, clocks = [clock(), clock({ timerId: 'tm2', nodeId: 'accept', ruleId: 'K2' })], date = '2026-11-27') =>
      refusalOf('extend', b, date, state(clocks), definition)?.reason ?? null;
    expect(ok({ amount: 10 })).toBeNull();
    expect(ok({ amount: 16 })).toBe('ExtensionTooLong');
    expect(ok({ amount: 10, ruleId: 'K2' })).toBe('ExtensionNotAllowed');
    expect(ok({ amount: 10, ruleId: 'K9' })).toBe('NoClock');
    expect(ok({ amount: 5 }, [clock({ derivation: [{ kind: 'start' }, { kind: 'extension' }, { kind: 'due' }] })])).toBe('ExtensionLimitReached');
    expect(ok({ amount: 5 }, [clock()], '2026-12-22')).toBe('ExtensionAfterDue');
    expect(ok({ amount: 5 }, [clock({ status: 'breached' })])).toBe('ExtensionAfterDue');
    // Without the definition (or for a case-dependent preset) the workflow decides.
    expect(refusalOf('extend', { amount: 99 }, '2026-11-27', state([clock()]))).toBeNull();
    const preset = { nodes: [{ due: { ruleId: 'K3', amount: 30, unit: 'calendar_days', extension: { maxExtensions: 1, maxAmountEach: 15, preset: 'denunciation_complexity' } } }] };
    expect(refusalOf('extend', { amount: 99 }, '2026-11-27', state([clock()]), preset)).toBeNull();
  });

  it('marking complex: not twice at the same level (an upgrade passes)', () => {
    expect(refusalOf('mark-complex', { complexity: 'complex' }, '2026-11-27', state([], { variables: {} }))).toBeNull();
    expect(refusalOf('mark-complex', { complexity: 'complex' }, '2026-11-27', state([], { variables: { complexity: 'complex' } }))?.reason).toBe('AlreadyComplex');
    expect(refusalOf('mark-complex', { complexity: 'especially_complex' }, '2026-11-27', state([], { variables: { complexity: 'complex' } }))).toBeNull();
  });
});
