/**
 * K17, the stay of execution of a complaint decision (KN Art 35; TT 07/2013 Art 17(2)): its clock
 * follows K3 (`follows`), so it is suspended, extended, revived and ended with K3 and never alone.
 * Driven on the pure runner; the stayExecution message over HTTP: test/integration/case-lifecycle.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../../calendar/build.js';
import { computeDeadline } from '../../../workflows/clock/index.js';
import { validateDefinition, type ProcessDefinitionInput } from '../../../workflows/engine/index.js';
import { Driver } from './driver.js';
import { def } from './helpers.js';

const cal = buildCalendar({ from: '2024-01-01', to: '2030-12-31' });
const days = (start: string, n: number) => computeDeadline({ start, amount: n, unit: 'calendar_days' }, cal).due;
const accept = (on: string) => ({ acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on });
describe('K17: a stay of execution lasts at most the time remaining to resolve (KN Art 35; TT 07/2013 Art 17(2))', () => {
  it("the stay's lift is due with K3 (accepted Fri 03/07/2026: 30 days -> Sun 02/08 -> Mon 03/08), moves with a suspension, and its lift is recorded", () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.at('2026-07-03T10:00:00').complete('accept', accept('2026-07-03'));
    expect(d.due('verify')).toBe('2026-08-03');
    expect(d.send('stayExecution', { date: '2026-07-10' })).toBe(1);
    d.complete('stay.decision.issue', { stay_decision_issuedOn: '2026-07-10', stayLiftedBy: '2026-08-03' });
    d.complete('stay.decision.send', { stay_decision_sentOn: '2026-07-11' });
    expect(d.open.sort()).toEqual(['stay.lift', 'verify']);
    expect(d.due('stay.lift')).toBe(d.due('verify'));
    const k17 = d.runner.state.timers.find((t) => t.clock?.clock.ruleId === 'K17_K3');
    expect(k17?.clock?.clock.legalBasis).toMatch(/Art 35.*TT 07\/2013 Art 17\(2\)/);
    // A 12-day suspension (KN Art 11a, from 2026) stops both clocks alike.
    d.at('2026-07-15T09:00:00');
    expect(typeof d.send('suspend', { date: '2026-07-15' })).toBe('number');
    d.at('2026-07-27T09:00:00');
    expect(typeof d.send('resume', { date: '2026-07-27' })).toBe('number');
    expect(d.due('stay.lift')).toBe(d.due('verify'));
    expect(d.due('verify')).not.toBe('2026-08-03');
    // K17_K3 follows K3: an extension addressed to K3 alone (complex case, KN Art 28) moves the stay's limit too.
    const k3Before = d.due('verify')!;
    expect(typeof d.send('extend', { date: '2026-07-28', amount: 15, ruleId: 'K3' })).toBe('number');
    expect(d.due('verify')).toBe(days(k3Before, 15));
    expect(d.due('stay.lift')).toBe(d.due('verify'));
    // A second extension is refused for both (one extension only).
    expect(String(d.send('extend', { date: '2026-07-29', amount: 5, ruleId: 'K3' }))).toMatch(/refused/);
    expect(d.due('stay.lift')).toBe(d.due('verify'));
    d.complete('stay.lift', { stayLiftedOn: '2026-07-30', stayLiftDecisionRef: '12/QĐ-HB' });
    expect(d.open).not.toContain('stay.lift');
    expect(d.open).toContain('verify');
    expect(d.documents.slice(-2)).toEqual(['stay_of_execution_decision', 'stay_of_execution_lifted']);
  });

  it("an extension of K3 entered after K3 and the stay's K17_K3 ran out revives both (ADR 0018): due together, breaches superseded, windows cancelled", () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.at('2026-07-03T10:00:00').complete('accept', accept('2026-07-03'));
    expect(d.send('stayExecution', { date: '2026-07-10' })).toBe(1);
    d.complete('stay.decision.issue', { stay_decision_issuedOn: '2026-07-10' });
    d.complete('stay.decision.send', { stay_decision_sentOn: '2026-07-11' });
    d.at('2026-08-06T09:00:00'); // K3 (and K17_K3) ran out at the end of Mon 03/08
    expect(d.runner.state.breaches?.map((b) => [b.ruleId, b.status])).toEqual([
      ['K3', 'breached'],
      ['K17_K3', 'breached'],
    ]);
    expect(d.open).toContain('breach.headReview');
    expect(d.runner.state.tokens.some((t) => t.nodeId.startsWith('window.'))).toBe(true);
    // Dated after the limit ran out: refused; dated within it: both move by 15 days from it.
    expect(String(d.send('extend', { date: '2026-08-05', amount: 15, ruleId: 'K3' }))).toMatch(
      /refused: .*already ended/,
    );
    expect(typeof d.send('extend', { date: '2026-07-28', amount: 15, ruleId: 'K3' })).toBe('number');
    expect(d.due('verify')).toBe('2026-08-17'); // 45 days from Fri 03/07 (KN Art 28)
    expect(d.due('stay.lift')).toBe('2026-08-17');
    expect(d.runner.state.breaches?.map((b) => [b.ruleId, b.status])).toEqual([
      ['K3', 'superseded'],
      ['K17_K3', 'superseded'],
    ]);
    expect(d.open).not.toContain('breach.headReview');
    // The citizen's windows counted from the expiry (K6, K7) are gone with the breach; the overdue flag with them.
    expect(d.runner.state.tokens.some((t) => t.nodeId.startsWith('window.'))).toBe(false);
    expect(d.runner.state.flags.overdue).toBe(false);
    expect(d.runner.state.variables.deadlineExpiredOn).toEqual({});
  });

  it('follows must name a clock of the definition that follows none (validation)', () => {
    const d = def('complaint-first', 2);
    const withLift = (follows: string) =>
      ({
        ...d,
        nodes: d.nodes.map((n) =>
          n.id === 'stay.lift' && n.type === 'userTask' && n.due ? { ...n, due: { ...n.due, follows } } : n,
        ),
      }) as ProcessDefinitionInput;
    expect(validateDefinition(d).ok).toBe(true);
    const chained = validateDefinition(withLift('K17_K3b'));
    expect(chained.ok ? [] : chained.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/follows 'K17_K3b', which itself follows 'K3b'/),
    ]);
    const dangling = validateDefinition(withLift('K99'));
    expect(dangling.ok ? [] : dangling.errors.map((e) => [e.elementId, e.path])).toEqual([
      ['stay.lift', expect.stringMatching(/\.due\.follows$/)],
    ]);
  });

  const stayed = (d: Driver, on: string) => {
    expect(d.send('stayExecution', { date: on })).toBe(1);
    d.complete('stay.decision.issue', { stay_decision_issuedOn: on });
    d.complete('stay.decision.send', { stay_decision_sentOn: on });
  };

  it('a stay decided after K3 was extended (complex, KN Art 28) inherits the extension: due with K3 (45 days from Fri 03/07 = Mon 17/08/2026)', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.at('2026-07-03T10:00:00').complete('accept', accept('2026-07-03'));
    expect(typeof d.send('extend', { date: '2026-07-20', amount: 15, ruleId: 'K3' })).toBe('number');
    expect(d.due('verify')).toBe('2026-08-17');
    stayed(d, '2026-07-21');
    expect(d.due('stay.lift')).toBe('2026-08-17');
    // K3's one extension is used: a second is refused, the follower does not let it pass.
    expect(String(d.send('extend', { date: '2026-07-22', amount: 5 }))).toMatch(/refused/);
    expect(String(d.send('extend', { date: '2026-07-22', amount: 5, ruleId: 'K3' }))).toMatch(/refused/);
    expect([d.due('verify'), d.due('stay.lift')]).toEqual(['2026-08-17', '2026-08-17']);
  });

  it('a stay decided while K3 is suspended is suspended with it and resumes with it', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.at('2026-07-03T10:00:00').complete('accept', accept('2026-07-03'));
    d.at('2026-07-10T09:00:00');
    expect(typeof d.send('suspend', { date: '2026-07-10' })).toBe('number');
    stayed(d, '2026-07-12');
    expect(d.runner.state.timers.find((t) => t.clock?.clock.ruleId === 'K17_K3')?.clock?.status).toBe('suspended');
    d.at('2026-07-20T09:00:00');
    expect(typeof d.send('resume', { date: '2026-07-20' })).toBe('number');
    expect(d.due('stay.lift')).toBe(d.due('verify'));
    expect(d.due('verify')).not.toBe('2026-08-03');
  });

  it("the stay's clock is never changed alone: not by its own ruleId, nor once K3 has ended (decision made)", () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.at('2026-07-03T10:00:00').complete('accept', accept('2026-07-03'));
    stayed(d, '2026-07-10');
    expect(String(d.send('extend', { date: '2026-07-11', amount: 15, ruleId: 'K17_K3' }))).toMatch(
      /refused|no running clock/,
    );
    expect(d.due('stay.lift')).toBe('2026-08-03');
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    d.complete('decide', {
      decisionNumber: '7/QĐ-UBND',
      decisionIssuedOn: '2026-07-20',
      complaintContent: 'c',
      verificationResult: 'v',
      legalBasisCited: 'KN',
      conclusion: 'partly_right',
      disposition: 'amend',
      rightsStated: true,
    });
    expect(d.open).toContain('stay.lift');
    expect(d.runner.state.timers.some((t) => t.clock?.clock.ruleId === 'K3')).toBe(false);
    const before = d.due('stay.lift');
    for (const name of ['suspend', 'extend']) {
      const r = d.send(name, { date: '2026-07-21', amount: 10 });
      expect(typeof r, `${name}: ${String(r)}`).toBe('string'); // refused: no running clock of its own rule
    }
    expect(d.due('stay.lift')).toBe(before);
  });

  it('a stay not lifted by the resolution limit breaches K17 and escalates to the head', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.at('2026-07-03T10:00:00').complete('accept', accept('2026-07-03'));
    d.send('stayExecution', { date: '2026-07-10' });
    d.complete('stay.decision.issue', { stay_decision_issuedOn: '2026-07-10' });
    d.complete('stay.decision.send', { stay_decision_sentOn: '2026-07-11' });
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    d.at('2026-08-04T09:00:00');
    expect(d.open).toContain('stay.lift');
    expect(d.open).toContain('overdue.headReview');
    expect(d.runner.state.variables.overdue).toBe(true);
  });
});
