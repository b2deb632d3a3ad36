/**
 * How the runtime runs the built-ins' statutory clocks: the case events that start them (dated by
 * recordCaseEvent results), breach windows counted from the expiry day, month/year units, extensions
 * limited by complexity and suspension allowed by date. Checked on the pure runner (the driver mirrors
 * processWorkflow: legal refusals are refused up front). The same paths on Temporal:
 * test/workflows/lifecycles/*.wf.test.ts. The stay of execution (K17): stay-of-execution.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../../calendar/build.js';
import { computeDeadline } from '../../../workflows/clock/index.js';
import { clockRuleSchema, validateDefinition, type ProcessDefinitionInput } from '../../../workflows/engine/index.js';
import { effectiveExtensionPolicy, recordedCaseEvent, withExpiry } from '../../../workflows/engine/runtime/clocks.js';
import { LIFECYCLE_LAW } from '../../../processes/case-law.js';
import { createClock } from '../../../workflows/clock/index.js';
import { topicAvailableFrom } from '../../../processes/builtin/transition.js';
import { Driver } from './driver.js';
import { def, node } from './helpers.js';

const cal = buildCalendar({ from: '2024-01-01', to: '2030-12-31' });
const days = (start: string, n: number) => computeDeadline({ start, amount: n, unit: 'calendar_days' }, cal).due;
const years = (start: string, n: number) => computeDeadline({ start, amount: n, unit: 'years' }, cal).due;
const accept = (on: string) => ({ acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on });
const initial = (acceptedOn: string, complexity: string) => ({
  initialDecision: 'accept',
  formComplete: true,
  denouncerHasCapacity: true,
  withinCompetence: true,
  violationIdentifiable: true,
  acceptedOn,
  complexity,
});

describe('recordCaseEvent results date the case events (no caseEvents with the completion)', () => {
  it('accept completed without caseEvents: K3 still counts from acceptedOn, not from the day the task was completed', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.at('2026-07-08T10:00:00').complete('accept', accept('2026-07-03'), { withCaseEvents: false });
    expect(d.runner.state.caseEvents.accepted).toBe('2026-07-03');
    expect(d.due('verify')).toBe(days('2026-07-03', 30)); // 02/08/2026 (Sun) -> Mon 03/08
    expect(d.due('verify')).toBe('2026-08-03');
  });

  it('only a recordCaseEvent result with an event name and a YYYY-MM-DD day counts', () => {
    expect(recordedCaseEvent('recordCaseEvent', { event: 'accepted', on: '2026-07-03' })).toEqual({
      accepted: '2026-07-03',
    });
    expect(recordedCaseEvent('recordDocument', { event: 'accepted', on: '2026-07-03' })).toEqual({});
    expect(recordedCaseEvent('recordCaseEvent', { event: 'accepted', on: '03/07/2026' })).toEqual({});
    expect(recordedCaseEvent('recordCaseEvent', { event: 'a b', on: '2026-07-03' })).toEqual({});
    expect(recordedCaseEvent('recordCaseEvent', null)).toEqual({});
  });
});

describe('breach windows count from the expiry day of the resolution limit (KN Art 33(1); BLDS Art 147(2))', () => {
  it('K3 due Fri 31/07/2026, breached after midnight: K6 and K7 start from 31/07, not 01/08', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-01'));
    expect(d.due('verify')).toBe('2026-07-31');
    d.at('2026-08-01T09:00:00');
    expect(d.open).toContain('breach.headReview');
    expect(d.runner.state.variables.deadlineExpiredOn).toEqual({ K3: '2026-07-31' });
    expect(d.runner.state.caseEvents.resolutionDeadlineExpired).toBe('2026-07-31');
    const windows = Object.fromEntries(
      d.runner.state.timers
        .filter((t) => t.nodeId.startsWith('window.'))
        .map((t) => [t.clock!.clock.ruleId, t.clock!.due]),
    );
    // K6: day 1 = 01/08, day 30 = Sun 30/08 -> Mon 31/08 (BLDS Art 148(5)); K7: 31/07/2027 (Sat) -> Mon 02/08/2027.
    expect(windows).toEqual({ K6: '2026-08-31', K7: '2027-08-02' });
    expect(windows.K6).toBe(days('2026-07-31', 30));
    expect(windows.K7).toBe(years('2026-07-31', 1));
  });

  it("withExpiry keeps the other rules' expiry days", () => {
    expect(withExpiry(undefined, 'K3', '2026-07-31')).toEqual({ K3: '2026-07-31' });
    expect(withExpiry({ K2: '2026-07-10' }, 'K3', '2026-07-31')).toEqual({ K2: '2026-07-10', K3: '2026-07-31' });
    expect(withExpiry('junk', 'K3', '2026-07-31')).toEqual({ K3: '2026-07-31' });
  });
});

describe('month/year units (BLDS 2015 Art 148(3)-(5))', () => {
  it('K7 and C8 are 1 year; a window across 29/02/2028 ends on the corresponding day, one day after 365 days', () => {
    const k7 = node(def('complaint-first', 2), 'window.K7');
    const c8 = node(def('letter-handling', 2), 'archive.retention');
    for (const n of [k7, c8]) {
      expect(n.type === 'intermediateCatchEvent' && n.trigger.kind === 'timer' && n.trigger.timer).toMatchObject({
        amount: 1,
        unit: 'years',
      });
    }
    // From Mon 15/03/2027: 365 days end Tue 14/03/2028 (2028 has a 29/02); 1 year ends Wed 15/03/2028.
    expect(days('2027-03-15', 365)).toBe('2028-03-14');
    expect(years('2027-03-15', 1)).toBe('2028-03-15');
    // From the leap day: 28/02/2029 (no 29/02 that year; Art 148(3) by analogy).
    expect(years('2028-02-29', 1)).toBe('2029-02-28');
  });

  it('the engine model takes months/years, refuses suspension/extension on them and rungs longer than the limit', () => {
    const base: ProcessDefinitionInput = {
      key: 'units',
      version: 1,
      name: 'units',
      caseType: 'test',
      effectiveFrom: '2026-01-01',
      variables: {},
      nodes: [
        { type: 'startEvent', id: 'start' },
        {
          type: 'intermediateCatchEvent',
          id: 'wait',
          trigger: {
            kind: 'timer',
            timer: {
              ruleId: 'Y',
              legalBasis: 'BLDS 2015 Art 148(4)',
              amount: 1,
              unit: 'years',
              from: 'received',
              rungs: [{ name: 'reminder', daysBefore: 30 }],
            },
          },
        },
        { type: 'endEvent', id: 'end', outcome: 'done' },
      ],
      flows: [
        { id: 'f1', source: 'start', target: 'wait' },
        { id: 'f2', source: 'wait', target: 'end' },
      ],
    };
    expect(validateDefinition(base).ok).toBe(true);
    const withTimer = (timer: Record<string, unknown>) =>
      ({
        ...base,
        nodes: base.nodes.map((n) => (n.id === 'wait' ? { ...n, trigger: { kind: 'timer', timer } } : n)),
      }) as ProcessDefinitionInput;
    const rule = { ruleId: 'M', legalBasis: 'BLDS 2015 Art 148(3)', amount: 2, unit: 'months', from: 'received' };
    expect(validateDefinition(withTimer(rule)).ok).toBe(true);
    const messages = (input: ProcessDefinitionInput) => {
      const r = validateDefinition(input);
      return r.ok ? [] : r.errors.map((e) => e.message).join(' | ');
    };
    expect(messages(withTimer({ ...rule, suspensionBasis: 'x' }))).toMatch(/cannot be suspended/);
    expect(
      messages(withTimer({ ...rule, extension: { maxExtensions: 1, maxAmountEach: 5, legalBasis: 'x' } })),
    ).toMatch(/cannot be extended/);
    expect(messages(withTimer({ ...rule, rungs: [{ name: 'reminder', daysBefore: 56 }] }))).toMatch(
      /length in days \(56/,
    );
    expect(messages(withTimer({ ...rule, unit: 'weeks' }))).not.toEqual([]);
    expect(messages(withTimer({ ...rule, unit: 'calendar_days', suspendableFrom: '2026-07-01' }))).toMatch(
      /needs suspensionBasis/,
    );
    // `follows` names another rule (a clock addressed with that rule's id too); never itself.
    expect(messages(withTimer({ ...rule, follows: 'K3' }))).toMatch(
      /follows 'K3', which is no clock rule of this definition/,
    );
    expect(messages(withTimer({ ...rule, follows: 'M' }))).toMatch(/cannot follow itself/);
    expect(messages(withTimer({ ...rule, follows: 'not an id' }))).not.toEqual([]);
  });
});

describe('a merely complex denunciation: the second extension is refused up front (Luật Tố cáo 2018 Art 30(2))', () => {
  it('complex: one extension granted, the second refused before anything happens; normal: none', () => {
    const d = Driver.of('denunciation', 2, '2026-07-01');
    d.complete('initial', initial('2026-07-01', 'complex'));
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: '2026-07-03' });
    expect(d.due('verify')).toBe('2026-07-31');
    expect(d.at('2026-07-25T09:00:00').send('extend', { date: '2026-07-25', amount: 30, ruleId: 'T5' })).toBe(1);
    expect(d.due('verify')).toBe('2026-08-31');
    d.complete('extension.decision.issue', {
      extension_decision_issuedOn: '2026-07-25',
      complexity: 'complex',
      complexityCriteria: ['a_several_places'],
      extensionDays: 30,
    });
    d.complete('extension.decision.send', { extension_decision_sentOn: '2026-07-27' });
    const history = d.runner.state.history.length;
    const second = d.at('2026-08-20T09:00:00').send('extend', { date: '2026-08-20', amount: 30, ruleId: 'T5' });
    expect(second).toMatch(/^refused: .*at most 1 extension.*Luật Tố cáo 2018 Art 30\(2\)/);
    expect(d.runner.state.history.length).toBe(history); // nothing entered the case history
    expect(d.due('verify')).toBe('2026-08-31');
    expect(d.open).toEqual(['verify']);

    const n = Driver.of('denunciation', 2, '2026-07-01');
    n.complete('initial', initial('2026-07-01', 'normal'));
    n.complete('notifyAcceptance', { acceptanceNoticeSentOn: '2026-07-03' });
    expect(n.send('extend', { date: '2026-07-20', amount: 10, ruleId: 'T5' })).toMatch(
      /^refused: .*allows no extension.*Art 30\(1\)/,
    );
    // The extension request may state the complexity (the extension decision does): then it is granted.
    expect(
      n.send('extend', { date: '2026-07-20', amount: 10, ruleId: 'T5', variables: { complexity: 'complex' } }),
    ).toBe(1);
  });

  it('effectiveExtensionPolicy follows denunciationExtensionPolicy(complexity)', () => {
    const t5 = node(def('denunciation', 2), 'verify');
    if (t5.type !== 'userTask' || !t5.due) throw new Error('T5');
    const clock = createClock({
      ruleId: 'T5',
      legalBasis: 'x',
      budget: { amount: 30, unit: 'calendar_days' },
      startEvent: { name: 'accepted', date: '2026-07-01' },
      extensionPolicy: { maxExtensions: 2, maxAmountEach: 30, unit: 'calendar_days', legalBasis: 'x' },
    });
    expect(effectiveExtensionPolicy(clock, t5.due, { complexity: 'normal' }, LIFECYCLE_LAW)?.maxExtensions).toBe(0);
    expect(effectiveExtensionPolicy(clock, t5.due, { complexity: 'complex' }, LIFECYCLE_LAW)).toMatchObject({
      maxExtensions: 1,
      maxAmountEach: 30,
    });
    expect(effectiveExtensionPolicy(clock, t5.due, { complexity: 'especially_complex' }, LIFECYCLE_LAW)).toMatchObject({
      maxExtensions: 2,
      maxAmountEach: 30,
    });
    expect(effectiveExtensionPolicy(clock, t5.due, {}, LIFECYCLE_LAW)?.maxExtensions).toBe(0); // unknown = normal
    // The law is data in the definition (ADR 0018: byLevel, not a preset in the engine), with its articles.
    expect(t5.due.extension?.preset).toBeUndefined();
    expect(t5.due.extension?.byLevel?.levels.map((l) => [l.value, l.maxExtensions, l.legalBasis])).toEqual([
      ['complex', 1, 'Luật Tố cáo 2018 Art 30(2)'],
      ['especially_complex', 2, 'Luật Tố cáo 2018 Art 30(3)'],
    ]);
    expect(effectiveExtensionPolicy(clock, t5.due, { complexity: 'normal' }, LIFECYCLE_LAW)?.legalBasis).toBe(
      'Luật Tố cáo 2018 Art 30(1) (complexity: normal)',
    );
    // The legacy preset still reads the same limits (definitions pinned before).
    const legacy = {
      ...t5.due,
      extension: {
        maxExtensions: 2,
        maxAmountEach: 30,
        legalBasis: 'x',
        preset: 'denunciation_complexity' as const,
        presetVariable: 'complexity',
      },
    };
    expect(effectiveExtensionPolicy(clock, legacy, { complexity: 'complex' }, LIFECYCLE_LAW)).toMatchObject({
      maxExtensions: 1,
      maxAmountEach: 30,
    });
    // A level beyond the rule's legal maximum is not a valid definition.
    const bad = clockRuleSchema.safeParse({
      ...t5.due,
      extension: {
        ...t5.due.extension,
        byLevel: {
          ...t5.due.extension!.byLevel!,
          levels: [{ value: 'complex', maxExtensions: 3, maxAmountEach: 30, legalBasis: 'x' }],
        },
      },
    });
    expect(bad.success).toBe(false);
  });
});

describe('suspension window by date (NĐ 155/2026 Art 22(1); KN Art 11a from 01/07/2026)', () => {
  it('the v1 resolution clocks are suspendable from 01/07/2026 only, as rulesForEvent decides', () => {
    expect(topicAvailableFrom('complaint', 'pre2026', 'suspension')).toBe('2026-07-01');
    expect(topicAvailableFrom('complaint', 'from2026', 'suspension')).toBeUndefined();
    for (const [key, id] of [
      ['complaint-first', 'verify'],
      ['complaint-first', 'remote.verify'],
      ['complaint-second', 'verify'],
    ] as const) {
      const v1 = node(def(key, 1), id);
      const v2 = node(def(key, 2), id);
      expect(v1.type === 'userTask' && v1.due?.suspendableFrom).toBe('2026-07-01');
      expect(v2.type === 'userTask' && v2.due?.suspendableFrom).toBeUndefined();
    }
  });

  it('a v1 complaint: a suspend dated 25/06/2026 is refused up front; one dated 02/07/2026 stops the clock', () => {
    const d = Driver.of('complaint-first', 1, '2026-06-10');
    d.complete('accept', accept('2026-06-12'));
    expect(d.due('verify')).toBe(days('2026-06-12', 30));
    const early = d
      .at('2026-06-25T09:00:00')
      .send('suspend', { date: '2026-06-25', variables: { suspensionGround: 'awaiting_other_body' } });
    expect(early).toMatch(/^refused: .*precedes Wed 01\/07\/2026.*Art 11a.*NĐ 155\/2026/);
    expect(d.open).toEqual(['verify']);
    expect(
      d
        .at('2026-07-02T09:00:00')
        .send('suspend', { date: '2026-07-02', variables: { suspensionGround: 'awaiting_other_body' } }),
    ).toBe(1);
    expect(d.runner.state.timers.find((t) => t.nodeId === 'verify')?.clock?.status).toBe('suspended');
  });
});
