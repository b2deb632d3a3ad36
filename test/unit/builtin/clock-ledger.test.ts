/**
 * The runner's clock ledger, checked on the built-in definitions: the suspension/extension ledger
 * follows the phase (one clock per ruleId per case), and a non-interrupting message boundary stays
 * armed while its host task is open.
 */
import { describe, expect, it } from 'vitest';
import { Driver } from './driver.js';

const accept = (on: string) => ({ acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on });

describe('runner: clock ledger per ruleId', () => {
  it('a 12-day suspension during verification still counts at the decision task', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-01'));
    d.at('2026-07-10T10:00:00').send('suspend', {
      date: '2026-07-10',
      variables: { suspensionGround: 'awaiting_other_body' },
    });
    d.at('2026-07-22T10:00:00').send('resume', { date: '2026-07-22' });
    expect(d.due('verify')).toBe('2026-08-12');
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    expect(d.due('decide')).toBe('2026-08-12');
    expect(d.runner.state.ledgers?.K3?.suspensions).toEqual([
      {
        from: '2026-07-10',
        to: '2026-07-22',
        decision: 'suspend-2026-07-10',
        continuationDecision: 'resume-2026-07-22',
      },
    ]);
  });

  it('an extension granted during verification still counts at the conclusion task (denunciation T5)', () => {
    const d = Driver.of('denunciation', 2, '2026-07-01');
    d.complete('initial', {
      initialDecision: 'accept',
      formComplete: true,
      denouncerHasCapacity: true,
      withinCompetence: true,
      violationIdentifiable: true,
      acceptedOn: '2026-07-01',
      complexity: 'complex',
    });
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: '2026-07-03' });
    d.at('2026-07-25T09:00:00').send('extend', { date: '2026-07-25', amount: 30, ruleId: 'T5' });
    expect(d.due('verify')).toBe('2026-08-31');
    d.complete('verify', { verificationReportRef: 'v', verificationTeamSize: 2, accusedExplained: true });
    expect(d.due('conclude')).toBe('2026-08-31');
  });
});

describe('runner: non-interrupting message boundaries stay armed', () => {
  it('a second extension during the same task is caught again and gets its own decision task', () => {
    const d = Driver.of('denunciation', 2, '2026-07-01');
    d.complete('initial', {
      initialDecision: 'accept',
      formComplete: true,
      denouncerHasCapacity: true,
      withinCompetence: true,
      violationIdentifiable: true,
      acceptedOn: '2026-07-01',
      complexity: 'especially_complex',
    });
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: '2026-07-03' });
    expect(d.at('2026-07-25T09:00:00').send('extend', { date: '2026-07-25', amount: 30, ruleId: 'T5' })).toBe(1);
    d.complete('extension.decision.issue', {
      extension_decision_issuedOn: '2026-07-25',
      complexity: 'especially_complex',
      complexityCriteria: ['a_several_places'],
      extensionDays: 30,
    });
    d.complete('extension.decision.send', { extension_decision_sentOn: '2026-07-27' });
    expect(d.at('2026-08-20T09:00:00').send('extend', { date: '2026-08-20', amount: 30, ruleId: 'T5' })).toBe(1);
    expect(d.open).toContain('extension.decision.issue');
  });
});
