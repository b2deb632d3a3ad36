/**
 * Legal events against the case's state (workflows/engine/runtime/clocks.ts `legalEventCheck`,
 * run by the `sendMessage` Update validator): the refusals the API answers 409 with, whatever
 * step of the definition would catch the message.
 */
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../calendar/index.js';
import { suspendClock } from '../../workflows/clock/index.js';
import type { ClockRule } from '../../workflows/engine/index.js';
import { clockOf, evaluate, legalEventCheck, type LegalEventRequest } from '../../workflows/engine/runtime/clocks.js';
import type { RunState, TimerRecord } from '../../workflows/engine/runtime/types.js';
import { LIFECYCLE_LAW } from '../../processes/case-law.js';

const calendar = buildCalendar({ from: '2026-06-01', to: '2027-12-31' });
const NOW = Date.parse('2026-11-27T03:00:00Z');
/** K3: 30 days, one extension of at most 15 (KN 2011 Art 28), suspendable; K2: no extension. */
const K3: ClockRule = {
  ruleId: 'K3',
  legalBasis: 'Luật Khiếu nại 2011 Art 28',
  amount: 30,
  unit: 'calendar_days',
  from: 'accepted',
  suspensionBasis: 'Luật Khiếu nại Art 11a',
  extension: { maxExtensions: 1, maxAmountEach: 15, legalBasis: 'Luật Khiếu nại 2011 Art 28' },
};
const K2: ClockRule = {
  ruleId: 'K2',
  legalBasis: 'Luật Khiếu nại 2011 Art 27',
  amount: 10,
  unit: 'working_days',
  from: 'received',
};
const events = { received: '2026-11-10', accepted: '2026-11-20' };

function timer(
  rule: ClockRule,
  nodeId: string,
  change?: (c: ReturnType<typeof clockOf>) => ReturnType<typeof clockOf>,
): TimerRecord {
  const base = clockOf(rule, events, '2026-11-20');
  const clock = evaluate(change ? change(base) : base, calendar, NOW);
  return {
    id: `tm-${nodeId}`,
    purpose: 'due',
    nodeId,
    tokenId: `tk-${nodeId}`,
    dueAtMs: clock.dueAt === null ? null : Date.parse(clock.dueAt),
    clock,
    firedRungs: [],
  };
}
const state = (timers: TimerRecord[], variables: RunState['variables'] = {}) => ({ timers, variables, calendar });
const nodes: Record<string, unknown> = {
  verify: { type: 'userTask', id: 'verify', due: K3 },
  accept: { type: 'userTask', id: 'accept', due: K2 },
};
const check = (s: ReturnType<typeof state>, req: LegalEventRequest) =>
  legalEventCheck(s, (id) => nodes[id] as never, req, '2026-11-27', LIFECYCLE_LAW)?.reason ?? null;
const running = () => timer(K3, 'verify');
const suspended = () => timer(K3, 'verify', (c) => suspendClock(c, { from: '2026-11-25', decision: '15/QĐ-TTr' }));

describe('legalEventCheck', () => {
  it('suspension: once; resumption: only of a suspended case', () => {
    expect(check(state([running()]), { name: 'suspend' })).toBeNull();
    expect(check(state([suspended()]), { name: 'suspend' })).toBe('AlreadySuspended');
    expect(
      legalEventCheck(state([suspended()]), () => undefined, { name: 'suspend' }, '2026-11-27', LIFECYCLE_LAW)?.detail,
    ).toMatch(/already suspended \(clock K3\)/);
    expect(check(state([running()]), { name: 'resume' })).toBe('NotSuspended');
    expect(check(state([suspended()]), { name: 'resume' })).toBeNull();
    // A case without any statutory clock is left to its definition's steps.
    expect(check(state([]), { name: 'resume' })).toBeNull();
    expect(check(state([]), { name: 'suspend' })).toBeNull();
  });

  it("extension: of a clock the case runs, within the rule's policy, in time", () => {
    const both = () => state([running(), timer(K2, 'accept')]);
    expect(check(both(), { name: 'extend', amount: 10, date: '2026-11-27' })).toBeNull();
    expect(check(both(), { name: 'extend', amount: 16, date: '2026-11-27' })).toBe('ExtensionTooLong');
    expect(check(both(), { name: 'extend', amount: 10, ruleId: 'K2' })).toBe('ExtensionNotAllowed');
    expect(check(both(), { name: 'extend', amount: 10, ruleId: 'K9' })).toBe('NoClock');
    const extended = timer(K3, 'verify', (c) => ({
      ...c,
      extensions: [{ amount: 10, unit: 'calendar_days', decisionRef: '20/QĐ', date: '2026-11-26' }],
    }));
    expect(check(state([extended]), { name: 'extend', amount: 5, date: '2026-11-27' })).toBe('ExtensionLimitReached');
    // K3 from 20/11 for 30 days ends on 20/12/2026: an extension decided after it is refused.
    expect(check(state([running()]), { name: 'extend', amount: 5, date: '2026-12-22' })).toBe('ExtensionAfterDue');
  });

  it('marking complex: not twice at the same level (an upgrade passes)', () => {
    const mark = (complexity: string, current?: string) =>
      check(state([], current === undefined ? {} : { complexity: current }), {
        name: 'markComplex',
        variables: { complex: true, complexity },
      });
    expect(mark('complex')).toBeNull();
    expect(mark('complex', 'normal')).toBeNull();
    expect(mark('complex', 'complex')).toBe('AlreadyComplex');
    expect(mark('especially_complex', 'complex')).toBeNull();
    expect(mark('complex', 'especially_complex')).toBe('AlreadyComplex');
    expect(mark('especially_complex', 'especially_complex')).toBe('AlreadyComplex');
  });

  it('other messages are left to the definition', () => {
    expect(check(state([suspended()]), { name: 'withdraw' })).toBeNull();
    expect(check(state([running()]), { name: 'supplement' })).toBeNull();
  });
});
