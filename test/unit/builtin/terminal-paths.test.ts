/**
 * Every built-in lifecycle ends cleanly on each of its terminal paths (issue #5, ADR 0007 "When a
 * case is legally finished"): driven on the interpreter's pure runner, each path ends with status
 * `completed`, the path's outcome, the terminate end event that closed it, and no token, task or
 * timer left — a citizen's window (K6, K7) or an overdue review still open is cancelled with the
 * case. Where the law makes the agency wait (the C8 retention of an archived letter, the T12 report
 * to the forwarder of a denunciation), the test asserts what the case waits for before it ends.
 */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../workflows/engine/index.js';
import { Driver } from './driver.js';
import { DEFS } from './helpers.js';

/** The case ended at `endId` with `outcome`; nothing is left behind. */
function expectClosed(d: Driver, outcome: string, endId: string): void {
  const s = d.runner.state;
  expect({ status: s.status, outcome: s.outcome, terminatedBy: s.terminatedBy }).toEqual({
    status: 'completed',
    outcome,
    terminatedBy: endId,
  });
  expect(s.tokens.map((t) => t.nodeId)).toEqual([]);
  expect(s.timers.map((t) => t.nodeId)).toEqual([]);
  expect(s.tasks.filter((t) => t.status === 'open').map((t) => t.nodeId)).toEqual([]);
}

/** Ids of the open timers by rule (or node) — what a running case still waits for. */
const waitsFor = (d: Driver): string[] => d.runner.state.timers.map((t) => t.clock?.clock.ruleId ?? t.nodeId).sort();

const accept = (on: string, extra: Record<string, JsonValue> = {}) => ({
  acceptanceDecision: 'accept',
  acceptanceNoticeOn: on,
  acceptedOn: on,
  ...extra,
});
const decision = (issuedOn: string, extra: Record<string, JsonValue> = {}) => ({
  decisionNumber: '12/QĐ-UBND',
  decisionIssuedOn: issuedOn,
  complaintContent: 'c',
  verificationResult: 'v',
  legalBasisCited: 'KN',
  conclusion: 'partly_right',
  disposition: 'amend',
  rightsStated: true,
  ...extra,
});
const sent = (on: string, received: string, instance: 'first' | 'second') => ({
  decisionSentOn: on,
  decisionReceivedOn: received,
  decisionRecipients:
    instance === 'first' ? ['complainant_or_representative'] : ['complainant_or_representative', 'respondent'],
});

describe('every built-in ends its legal terminal paths with a terminate end event citing its article', () => {
  const expected: Record<string, string[]> = {
    'letter-handling': [
      'end.anonymous',
      'end.accepted',
      'end.guided',
      'end.transferred',
      'end.reported',
      'end.archived',
    ],
    'complaint-first': [
      'end.withdrawnEarly',
      'end.notAccepted',
      'end.challenged',
      'end.effective',
      'end.terminated',
      'remote.end.challenged',
      'remote.end.effective',
      'remote.end.terminated',
    ],
    'complaint-second': [
      'end.withdrawnEarly',
      'end.notAccepted',
      'end.effective',
      'end.terminated',
      'remote.end.effective',
      'remote.end.terminated',
    ],
    denunciation: [
      'end.notAccepted',
      'notProcessed.end',
      'end.criminal',
      'end.transferred',
      'end.anonymous',
      'end.concluded',
      'end.terminated',
      'end.reviewed',
      'end.monitored',
    ],
    petition: ['end.transferred', 'end.answered'],
  };
  it.each(DEFS.map((d) => [`${d.key} v${d.version}`, d] as const))('%s', (_l, d) => {
    const ends = d.nodes.filter((n) => n.type === 'endEvent');
    const terminating = ends.filter((n) => n.type === 'endEvent' && n.terminate);
    expect(terminating.map((n) => n.id).sort()).toEqual([...expected[d.key]!].sort());
    for (const n of terminating) expect(n.legalBasis, n.id).toMatch(/Art \d+/);
    // The other ends close a side branch only (a record, a decision sent, a window closed, an overdue review).
    for (const n of ends.filter((x) => !terminating.includes(x))) {
      expect(n.type === 'endEvent' && n.outcome, n.id).not.toMatch(
        /^(terminated|withdrawn|not_accepted|legally_effective|concluded|answered|transferred|archived)$/,
      );
    }
  });
});

describe.each([1, 2])('complaint-first v%i', (version) => {
  // v1 cases are received before 01/07/2026; their 2026-only events happen from 01/07/2026 (NĐ 155 Art 22(1)).
  const received = version === 1 ? '2026-06-01' : '2026-07-01';
  const acceptOn = version === 1 ? '2026-06-03' : '2026-07-03';
  const open = () => Driver.of('complaint-first', version, received);

  it('withdrawn before acceptance (KN Art 10): recorded, closed', () => {
    const d = open();
    d.send('withdraw', { date: version === 1 ? '2026-06-05' : '2026-07-06' });
    expect(d.documents).toEqual(['withdrawal_record']);
    expectClosed(d, 'withdrawn', 'end.withdrawnEarly');
  });

  it('not accepted (KN Art 11, 27): notice, closed', () => {
    const d = open();
    d.complete('accept', { acceptanceDecision: 'refuse', refusalGround: 'time_barred', acceptanceNoticeOn: acceptOn });
    expect(d.documents).toEqual(['non_acceptance_notice']);
    expectClosed(d, 'not_accepted', 'end.notAccepted');
  });

  it('decision, sending, legal effect 30 days after issuance (KN Art 44(1)): closed', () => {
    const d = open();
    d.complete('accept', accept(acceptOn));
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    const issued = version === 1 ? '2026-06-20' : '2026-07-20';
    d.complete('decide', decision(issued));
    d.complete('sendDecision', sent(issued, issued, 'first'));
    expect(waitsFor(d)).toEqual(['K12']);
    d.at(version === 1 ? '2026-07-21T09:00:00' : '2026-08-20T09:00:00');
    expect(d.runner.state.caseEvents.legalEffect).toBeDefined();
    expectClosed(d, 'legally_effective', 'end.effective');
  });

  it('a second complaint before the decision takes effect (KN Art 33(1), 44(1)): the linked case starts, this one closes', () => {
    const d = open();
    d.complete('accept', accept(acceptOn));
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    const issued = version === 1 ? '2026-06-20' : '2026-07-20';
    d.complete('decide', decision(issued));
    d.complete('sendDecision', sent(issued, issued, 'first'));
    d.complete('awaitEffect', {
      secondComplaintLodgedOn: version === 1 ? '2026-07-01' : '2026-08-01',
      challengeKind: 'second_complaint',
    });
    expect(d.calls).toContain('startCase:complaint-second');
    expectClosed(d, 'decision_challenged', 'end.challenged');
  });

  it('a second complaint lodged directly with the superior (message): closed', () => {
    const d = open();
    d.complete('accept', accept(acceptOn));
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    const issued = version === 1 ? '2026-06-20' : '2026-07-20';
    d.complete('decide', decision(issued));
    d.complete('sendDecision', sent(issued, issued, 'first'));
    expect(d.send('secondComplaintLodged', { date: version === 1 ? '2026-07-02' : '2026-08-02' })).toBe(1);
    expectClosed(d, 'decision_challenged', 'end.challenged');
  });

  it('remote area: legal effect after 45 days closes the remote branch', () => {
    const d = Driver.of('complaint-first', version, received, { remoteArea: true });
    d.complete('accept', accept(acceptOn, { remoteArea: true }));
    d.complete('remote.verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    d.complete('remote.decide', decision('2026-07-20'));
    d.complete('remote.sendDecision', sent('2026-07-21', '2026-07-22', 'first'));
    expect(waitsFor(d)).toEqual(['K12_remote']);
    d.at('2026-09-05T09:00:00');
    expectClosed(d, 'legally_effective', 'remote.end.effective');
  });

  it('full withdrawal on or after 01/07/2026: termination decision issued and sent in 3 WD (K15), closed', () => {
    const d = open();
    d.complete('accept', accept(acceptOn));
    d.at('2026-07-08T09:00:00').send('withdraw', { date: '2026-07-08' });
    d.complete('termination.issue', { termination_issuedOn: '2026-07-09', terminationGround: 'full_withdrawal' });
    expect(d.due('termination.send')).toBe('2026-07-14');
    d.complete('termination.send', { termination_sentOn: '2026-07-10', termination_receivedOn: '2026-07-11' });
    expect(d.documents.at(-1)).toBe('termination_decision');
    expectClosed(d, 'terminated', 'end.terminated');
  });

  it('termination on another ground (death, no heir: KN Art 11a) by the terminate message: closed', () => {
    const d = open();
    d.complete('accept', accept(acceptOn));
    d.at('2026-07-08T09:00:00').send('terminate', { date: '2026-07-08' });
    d.complete('termination.issue', { termination_issuedOn: '2026-07-08', terminationGround: 'death_no_heir' });
    d.complete('termination.send', { termination_sentOn: '2026-07-09' });
    expectClosed(d, 'terminated', 'end.terminated');
  });

  it('after a decision issued past the K3 breach, legal effect closes the case: the 1-year K7 window does not keep it open', () => {
    const d = open();
    d.complete('accept', accept(acceptOn));
    d.at(version === 1 ? '2026-07-04T09:00:00' : '2026-08-04T09:00:00'); // K3 breached
    expect(waitsFor(d)).toEqual(expect.arrayContaining(['K6', 'K7']));
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    d.complete('decide', decision(version === 1 ? '2026-07-10' : '2026-08-10'));
    d.complete(
      'sendDecision',
      sent(version === 1 ? '2026-07-10' : '2026-08-10', version === 1 ? '2026-07-11' : '2026-08-11', 'first'),
    );
    expect(d.open).toEqual(['breach.headReview', 'awaitEffect']);
    expect(waitsFor(d)).toEqual(['K12', 'K6', 'K7']);
    d.at(version === 1 ? '2026-08-11T09:00:00' : '2026-09-11T09:00:00'); // K6 closes first, then K12 fires
    expect(d.runner.state.outcomes).toContain('window_closed'); // K6 closed while the case was open
    expectClosed(d, 'legally_effective', 'end.effective');
    expect(d.runner.state.tasks.find((t) => t.nodeId === 'breach.headReview')?.status).toBe('cancelled');
  });
});

describe('complaint-first v2: the finding — K3 breach, then withdrawal and termination', () => {
  it('the termination decision sent ends the case: K6/K7 cancelled, their start kept as a case event', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-03'));
    d.at('2026-08-04T09:00:00'); // K3 due Mon 03/08/2026
    expect(d.open).toEqual(['verify', 'breach.headReview']);
    const windows = Object.fromEntries(
      d.runner.state.timers
        .filter((t) => t.nodeId.startsWith('window.'))
        .map((t) => [t.clock!.clock.ruleId, t.clock!.due]),
    );
    expect(windows).toEqual({ K6: '2026-09-03', K7: '2027-08-03' });
    d.complete('breach.headReview', { overdueAction: 'direct_resolution' });
    d.at('2026-08-10T09:00:00').send('withdraw', { date: '2026-08-10' });
    d.complete('termination.issue', { termination_issuedOn: '2026-08-11', terminationGround: 'full_withdrawal' });
    expect(d.due('termination.send')).toBe('2026-08-14'); // K15: 3 WD
    d.complete('termination.send', { termination_sentOn: '2026-08-12', termination_receivedOn: '2026-08-13' });
    expectClosed(d, 'terminated', 'end.terminated');
    expect(d.runner.state.caseEvents).toMatchObject({
      accepted: '2026-07-03',
      resolutionDeadlineExpired: '2026-08-03',
      terminationIssued: '2026-08-11',
    });
    expect(
      d.runner.state.history
        .filter((h) => h.type === 'cancelled' && h.detail?.reason === 'terminated')
        .map((h) => h.nodeId),
    ).toEqual(['window.K6', 'window.K7']);
  });

  it("with the head's review still open, the termination closes it too", () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-03'));
    d.at('2026-08-04T09:00:00').send('withdraw', { date: '2026-08-04' });
    expect(d.open).toEqual(['breach.headReview', 'termination.issue']);
    d.complete('termination.issue', { termination_issuedOn: '2026-08-04', terminationGround: 'full_withdrawal' });
    d.complete('termination.send', { termination_sentOn: '2026-08-05' });
    expectClosed(d, 'terminated', 'end.terminated');
    expect(d.runner.state.tasks.find((t) => t.nodeId === 'breach.headReview')?.status).toBe('cancelled');
  });
});

describe('complaint-first v1: a withdrawal before 01/07/2026 follows the old rules (Mẫu 12-KN, NĐ 155 Art 22(1))', () => {
  it('terminationOld issued and sent: closed', () => {
    const d = Driver.of('complaint-first', 1, '2026-06-01');
    d.complete('accept', accept('2026-06-03'));
    d.at('2026-06-10T09:00:00').send('withdraw', { date: '2026-06-10' });
    expect(d.open).toEqual(['terminationOld.issue']);
    d.complete('terminationOld.issue', { terminationOld_issuedOn: '2026-06-11', terminationGround: 'full_withdrawal' });
    d.complete('terminationOld.send', { terminationOld_sentOn: '2026-06-12' });
    expectClosed(d, 'terminated', 'end.terminated');
  });
});

describe.each([1, 2])('complaint-second v%i', (version) => {
  const received = version === 1 ? '2026-06-01' : '2026-07-01';
  const acceptOn = version === 1 ? '2026-06-03' : '2026-07-03';
  const open = (vars: Record<string, JsonValue> = {}) => Driver.of('complaint-second', version, received, vars);
  const resolve = (d: Driver, P: string, issued: string) => {
    d.complete(`${P}verify`, { verificationReportRef: 'BC-2' });
    d.complete(`${P}dialogueInvite`, {
      dialogueOn: '2026-07-20',
      invitationSentOn: '2026-07-10',
      invitationNumber: 'first',
    });
    d.complete(`${P}dialogue`, { dialogueHeldOn: '2026-07-20', complainantAttended: true, dialogueMinutesRef: 'BB-2' });
    d.complete(`${P}decide`, decision(issued, { dialogueResultSummary: 'd', firstInstanceResult: 'f' }));
    d.complete(`${P}sendDecision`, sent(issued, issued, 'second'));
    d.complete(`${P}disclose`, { disclosureMethods: ['posting'], postingFrom: '2026-07-28', postingTo: '2026-08-12' });
  };

  it('not accepted: lodged outside the K6 window (KN Art 33(1), 36(1)), closed', () => {
    const d = open();
    // First decision received 20 days before the 30-day window (KN Art 33(1)) ... lodged on day 31+.
    d.complete('accept', { ...accept(acceptOn), firstDecisionReceivedOn: version === 1 ? '2026-04-01' : '2026-05-01' });
    expectClosed(d, 'not_accepted', 'end.notAccepted');
  });

  it('withdrawn before acceptance: closed', () => {
    const d = open();
    d.send('withdraw', { date: version === 1 ? '2026-06-02' : '2026-07-02' });
    expectClosed(d, 'withdrawn', 'end.withdrawnEarly');
  });

  it('decision, sending (K10), disclosure (K11), legal effect after 30 days (KN Art 44(2)): closed', () => {
    const d = open();
    d.complete('accept', { ...accept(acceptOn), firstDecisionReceivedOn: received });
    resolve(d, '', '2026-07-25');
    expect(waitsFor(d)).toEqual(['K13']);
    d.at('2026-08-25T09:00:00');
    expectClosed(d, 'legally_effective', 'end.effective');
  });

  it('remote area, after a K9a breach: legal effect closes the case, the K7 window with it', () => {
    const d = open({ remoteArea: true });
    d.complete('accept', { ...accept('2026-05-01'), firstDecisionReceivedOn: '2026-05-20', remoteArea: true });
    d.at('2026-07-01T09:00:00'); // K9a: 60 days from 01/05/2026
    expect(waitsFor(d)).toContain('K7');
    resolve(d, 'remote.', '2026-07-25');
    expect(d.open).toEqual(['remote.breach.headReview']);
    expect(waitsFor(d)).toEqual(['K13_remote', 'K7']);
    d.at('2026-09-09T09:00:00'); // K13 remote: 45 days after 25/07 = Tue 08/09
    expectClosed(d, 'legally_effective', 'remote.end.effective');
  });

  it('full withdrawal from 01/07/2026: termination decision sent, closed', () => {
    const d = open();
    d.complete('accept', { ...accept(acceptOn), firstDecisionReceivedOn: received });
    d.at('2026-07-06T09:00:00').send('withdraw', { date: '2026-07-06' });
    d.complete('termination.issue', { termination_issuedOn: '2026-07-06', terminationGround: 'full_withdrawal' });
    d.complete('termination.send', { termination_sentOn: '2026-07-07' });
    expectClosed(d, 'terminated', 'end.terminated');
  });
});

describe.each([1, 2])('denunciation v%i', (version) => {
  const received = version === 1 ? '2026-06-01' : '2026-07-01';
  const ok = { formComplete: true, denouncerHasCapacity: true, withinCompetence: true, violationIdentifiable: true };
  const acceptedOn = version === 1 ? '2026-06-03' : '2026-07-03';
  const accepted = (vars: Record<string, JsonValue> = {}) => {
    const d = Driver.of('denunciation', version, received, vars);
    d.complete('initial', { ...ok, initialDecision: 'accept', acceptedOn });
    return d;
  };

  it.each([
    [
      'refused',
      { ...ok, initialDecision: 'refuse', formComplete: false, refusalReason: 'r' },
      'not_accepted',
      'end.notAccepted',
    ],
    ['not processed (TC Art 24(3))', { ...ok, initialDecision: 'not_processed' }, 'not_processed', 'notProcessed.end'],
    [
      'referred (signs of a crime, TC Art 27)',
      { ...ok, initialDecision: 'refer_criminal' },
      'referred_criminal',
      'end.criminal',
    ],
  ] as const)('%s: closed at once', (_l, form, outcome, endId) => {
    const d = Driver.of('denunciation', version, received);
    d.complete('initial', form);
    expectClosed(d, outcome, endId);
  });

  it('transferred in 5 WD (T3): closed', () => {
    const d = Driver.of('denunciation', version, received);
    d.complete('initial', { ...ok, initialDecision: 'transfer', withinCompetence: false });
    d.complete('transfer', { transferredOn: version === 1 ? '2026-06-03' : '2026-07-03', competentBodyRef: 'body-1' });
    expectClosed(d, 'transferred', 'end.transferred');
  });

  it('anonymous information with concrete evidence (TC Art 25): closed', () => {
    const d = Driver.of('denunciation', version, received);
    d.complete('initial', { ...ok, initialDecision: 'anonymous_concrete' });
    d.complete('anonymous', { anonymousAction: 'inspect_within_powers', anonymousHandledOn: received });
    expectClosed(d, 'anonymous_handled', 'end.anonymous');
  });

  it('forwarded by the press and transferred: the case waits for the T12 report to the forwarder, then closes', () => {
    const d = Driver.of('denunciation', version, received, { forwardedBy: 'press' });
    d.complete('initial', { ...ok, initialDecision: 'transfer', withinCompetence: false });
    d.complete('transfer', { transferredOn: version === 1 ? '2026-06-03' : '2026-07-03', competentBodyRef: 'body-1' });
    expect(d.runner.state.status).toBe('running');
    expect(d.open).toEqual(['reportForwarder']); // TC Art 26(2): 20 days from receipt
    expect(d.due('reportForwarder')).toBe(version === 1 ? '2026-06-22' : '2026-07-21');
    d.complete('reportForwarder', {
      forwarderReportedOn: version === 1 ? '2026-06-05' : '2026-07-06',
      forwarderReportRef: 'BC',
    });
    expect(d.documents.slice(-2)).toEqual(['denunciation_transfer', 'report_to_forwarder']);
    expectClosed(d, 'transferred', 'end.transferred');
  });

  it('conclusion sent, acted on and published (TC Art 35, 36, 40): closed, an open overdue review with it', () => {
    const d = accepted();
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: acceptedOn });
    d.at(version === 1 ? '2026-07-04T09:00:00' : '2026-08-04T09:00:00'); // T5 breached
    expect(d.open).toEqual(['verify', 'resolutionBreach.headReview']);
    d.complete('verify', { verificationReportRef: 'v', verificationTeamSize: 2, accusedExplained: true });
    const issued = version === 1 ? '2026-07-06' : '2026-08-05';
    d.complete('conclude', {
      conclusionNumber: '1',
      conclusionIssuedOn: issued,
      verificationResult: 'v',
      legalBasisCited: 'l',
      finding: 'false',
    });
    d.complete('sendConclusion', { conclusionSentOn: issued, denouncerNotifiedOn: issued });
    d.complete('handleConclusion', { handlingAction: 'restore_rights', handledOn: issued });
    d.complete('publishConclusion', {
      publicationMethods: ['portal'],
      publishedOn: issued,
      postingFrom: issued,
      postingTo: version === 1 ? '2026-07-25' : '2026-08-25',
      denouncerIdentityRedacted: true,
    });
    expectClosed(d, 'concluded', 'end.concluded');
    expect(d.runner.state.tasks.find((t) => t.nodeId === 'resolutionBreach.headReview')?.status).toBe('cancelled');
  });

  it('full withdrawal without a TC Art 33(3) exception: termination decision sent in 5 WD (T6), closed', () => {
    const d = accepted();
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: acceptedOn });
    d.send('withdraw', { date: acceptedOn });
    d.complete('withdrawal', {
      signsOfViolation: false,
      withdrawalCoerced: false,
      abuseToSlander: false,
      withdrawnOn: acceptedOn,
    });
    d.complete('termination.decision.issue', {
      termination_decision_issuedOn: acceptedOn,
      terminationGround: 'full_withdrawal',
    });
    d.complete('termination.decision.send', { termination_decision_sentOn: acceptedOn });
    expectClosed(d, 'terminated', 'end.terminated');
  });

  it('a withdrawal with signs of violation does not end the case (TC Art 33(3))', () => {
    const d = accepted();
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: acceptedOn });
    d.send('withdraw', { date: acceptedOn });
    d.complete('withdrawal', {
      signsOfViolation: true,
      withdrawalCoerced: false,
      abuseToSlander: false,
      withdrawnOn: acceptedOn,
    });
    expect(d.runner.state.status).toBe('running');
    expect(d.open).toEqual(['verify']);
    expect(waitsFor(d)).toEqual(['T5']);
  });

  it('terminated on another ground (the accused died, TC Art 34(3)(b)): closed', () => {
    const d = accepted();
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: acceptedOn });
    d.send('terminate', { date: acceptedOn });
    d.complete('termination.decision.issue', {
      termination_decision_issuedOn: acceptedOn,
      terminationGround: 'accused_died',
    });
    d.complete('termination.decision.send', { termination_decision_sentOn: acceptedOn });
    expectClosed(d, 'terminated', 'end.terminated');
  });

  it('follow-up claiming wrongful resolution, found lawful (TC Art 37(2)(a)): closed', () => {
    const d = Driver.of('denunciation', version, received, { followUp: 'wrongful_resolution' });
    d.complete('review', { reviewOutcome: 'lawful_no_re_resolution', reviewedOn: received });
    expectClosed(d, 'follow_up_reviewed', 'end.reviewed');
  });

  it('follow-up on an overdue case, report received, no take-over (TC Art 38): closed', () => {
    const d = Driver.of('denunciation', version, received, { followUp: 'overdue' });
    d.complete('demandReport', { reportDemandedOn: received });
    d.complete('awaitReport', { reportReceivedOn: received, takeOver: false });
    expectClosed(d, 'overdue_monitored', 'end.monitored');
  });
});

describe.each([1, 2])('letter-handling v%i', (version) => {
  const received = version === 1 ? '2026-06-01' : '2026-07-01';
  const letter = (classify: Record<string, JsonValue>) => {
    const d = Driver.of('letter-handling', version, received);
    d.complete('intake', { channel: 'post', forwardedBy: 'none', signerRefs: ['party-1'] });
    d.complete('classify', {
      letterType: 'complaint',
      language: 'vietnamese',
      dated: true,
      hasNameAddress: true,
      hasSignature: true,
      contentElementsComplete: true,
      withinCompetence: true,
      ...classify,
    });
    return d;
  };
  const inform = (d: Driver) =>
    d.complete('inform', {
      outcomeNoticeSentOn: version === 1 ? '2026-06-05' : '2026-07-06',
      noticeForm: 'written',
      noticeRecipientRef: 'party-1',
    });

  it.each([
    ['accepted: the linked complaint starts', {}, 'accepted_linked_case_started', 'end.accepted'],
    ['complaint not within competence: guided once', { withinCompetence: false }, 'guided', 'end.guided'],
    [
      'petition not within competence: transferred',
      { letterType: 'petition', withinCompetence: false },
      'transferred',
      'end.transferred',
    ],
  ] as const)('%s, the citizen told (TCD Art 28(1)): closed', (_l, classify, outcome, endId) => {
    const d = letter(classify);
    inform(d);
    expectClosed(d, outcome, endId);
  });

  it('denunciation not within competence: transferred in 5 WD, closed', () => {
    const d = letter({ letterType: 'denunciation', withinCompetence: false });
    d.complete('transferDenunciation', { transferredOn: received, competentBodyRef: 'body-1' });
    inform(d);
    expectClosed(d, 'transferred', 'end.transferred');
  });

  it('final decision with new facts: reported to the head, closed', () => {
    const d = letter({ finalDecisionExists: true, newFactsOrSignsOfIllegality: true });
    d.complete('finalReview', { finalReviewOutcome: 'reopen_review' });
    inform(d);
    expectClosed(d, 'reported_to_head', 'end.reported');
  });

  it('anonymous information (TC Art 25): closed', () => {
    const d = letter({ anonymous: true });
    d.complete('anonymous', { anonymousAction: 'archive' });
    expectClosed(d, 'anonymous_handled', 'end.anonymous');
  });

  it('ineligible: archived — the case waits out the 1-year retention (C8), then the head decides and it closes', () => {
    const d = letter({ hasSignature: false });
    inform(d);
    expect(d.runner.state.status).toBe('running');
    expect(waitsFor(d)).toEqual(['C8']);
    const archivedOn = version === 1 ? '2026-06-05' : '2026-07-06';
    expect(d.runner.state.caseEvents.archived).toBe(archivedOn);
    expect(d.runner.state.timers[0]!.clock!.due).toBe(version === 1 ? '2027-06-07' : '2027-07-06'); // 05/06/2027 is a Saturday
    d.at(version === 1 ? '2027-06-08T09:00:00' : '2027-07-07T09:00:00');
    expect(d.open).toEqual(['destroyArchived']);
    d.complete('destroyArchived', { archiveDecision: 'destroy' });
    expectClosed(d, 'archived', 'end.archived');
  });

  if (version === 2) {
    it("a letter processed after the 45-day breach (C4a): closed, the head's open review with it", () => {
      const d = Driver.of('letter-handling', 2, received);
      d.complete('intake', { channel: 'post', forwardedBy: 'none', signerRefs: ['party-1'] });
      d.at('2026-08-18T09:00:00'); // C4a: 45 days = Sat 15/08 -> Mon 17/08
      expect(d.open).toEqual(expect.arrayContaining(['classify', 'letterBreach.headReview']));
      d.complete('classify', {
        letterType: 'petition',
        language: 'vietnamese',
        dated: true,
        hasNameAddress: true,
        hasSignature: true,
        contentElementsComplete: true,
        withinCompetence: true,
      });
      d.complete('inform', { outcomeNoticeSentOn: '2026-08-18', noticeForm: 'written', noticeRecipientRef: 'party-1' });
      expectClosed(d, 'accepted_linked_case_started', 'end.accepted');
      expect(d.runner.state.flags.overdue ?? d.runner.state.variables.overdue).toBe(true);
    });

    it('a repeat letter with nothing new: written refusal (C5), archived, retention', () => {
      const d = letter({ repeatNothingNew: true, refusalGroundsCompleteOn: '2026-07-02' });
      d.complete('refusalNotice', { refusalNoticeIssuedOn: '2026-07-03', refusalNoticeSentOn: '2026-07-03' });
      inform(d);
      expect(waitsFor(d)).toEqual(['C8']);
    });
  }
});

describe('petition v1', () => {
  it('transferred (TCD Art 26(2)): closed', () => {
    const d = Driver.of('petition', 1, '2026-07-01');
    d.complete('accept', { petitionDecision: 'transfer', decidedOn: '2026-07-02', competentBodyRef: 'body-1' });
    expectClosed(d, 'transferred', 'end.transferred');
  });

  it('answered, the forwarding deputy informed in 7 WD (C2): closed', () => {
    const d = Driver.of('petition', 1, '2026-07-01', { forwardedBy: 'national_assembly_deputy' });
    d.complete('accept', { petitionDecision: 'accept', decidedOn: '2026-07-02' });
    d.at('2026-07-15T09:00:00'); // C1 breached on the way: an overdue review opens beside
    d.complete('respond', { respondedOn: '2026-07-20', responseRef: 'TL-1' });
    d.complete('informForwarder', { forwarderInformedOn: '2026-07-22' });
    expectClosed(d, 'answered', 'end.answered');
  });
});
