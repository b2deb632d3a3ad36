/**
 * Issue 5 scenarios driven on the interpreter's pure runner (no Temporal), asserting the due
 * dates each step produces. The same steps will run on the time-skipping server once the
 * workflow-level scenario suite lands.
 */
import { describe, expect, it } from 'vitest';
import { Driver } from './driver.js';

const accept = (on: string) => ({ acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on });
const decision = (issuedOn: string) => ({
  decisionNumber: '12/QĐ-UBND',
  decisionIssuedOn: issuedOn,
  complaintContent: 'c',
  verificationResult: 'v',
  legalBasisCited: 'KN Art 31',
  conclusion: 'partly_right',
  disposition: 'amend',
  rightsStated: true,
});

describe('complaint, first instance', () => {
  it('received Tue 30/06/2026 (v1, stricter default 10 days) vs Wed 01/07/2026 (v2, 07 WD)', () => {
    const v1 = Driver.of('complaint-first', 1, '2026-06-30');
    expect(v1.open).toEqual(['accept']);
    expect(v1.due('accept')).toBe('2026-07-10');
    expect(v1.calls).toContain('recordWarning:acceptUnit.warning');
    expect(Driver.of('complaint-first', 1, '2026-06-30', { acceptanceUnit: 'working_days' }).due('accept.wd')).toBe(
      '2026-07-14',
    );
    expect(Driver.of('complaint-first', 2, '2026-07-01').due('accept')).toBe('2026-07-10');
  });

  it('main path: acceptance, verification, dialogue (short notice refused), decision, sending, legal effect', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-03'));
    expect(d.due('verify')).toBe('2026-08-03'); // 30 days: Sun 02/08 -> Mon 03/08
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: false });
    d.complete('dialogueInvite', {
      dialogueOn: '2026-07-10',
      invitationSentOn: '2026-07-07',
      invitationNumber: 'first',
    });
    expect(d.open).toEqual(['dialogueInvite']); // K4: fewer than 5 days' notice
    d.complete('dialogueInvite', {
      dialogueOn: '2026-07-15',
      invitationSentOn: '2026-07-07',
      invitationNumber: 'first',
    });
    d.complete('dialogue', {
      dialogueHeldOn: '2026-07-15',
      complainantAttended: false,
      absenceReason: 'no_valid_reason',
      dialogueMinutesRef: 'BB-1',
    });
    expect(d.open).toEqual(['decide']); // an unexcused no-show does not block (KN Art 30(6))
    d.complete('decide', decision('2026-07-20'));
    expect(d.due('sendDecision')).toBe('2026-07-23'); // 3 WD
    d.complete('sendDecision', {
      decisionSentOn: '2026-07-21',
      decisionReceivedOn: '2026-07-22',
      decisionRecipients: ['complainant_or_representative', 'same_level_inspectorate'],
    });
    expect(d.open).toEqual(['awaitEffect']);
    expect(d.runner.state.timers.map((t) => [t.nodeId, t.clock?.due])).toEqual([
      ['awaitEffect.effective', '2026-08-19'],
    ]);
    d.at('2026-08-20T09:00:00');
    expect(d.runner.state.outcomes).toEqual(['legally_effective']);
    expect(d.documents).toEqual([
      'acceptance_notice',
      'dialogue_invitation',
      'dialogue_invitation',
      'dialogue_minutes',
      'complaint_decision_first',
      'complaint_decision_first_dispatch',
    ]);
  });

  it('remote-area complex complaint: 45 days, extended by 15 to 60', () => {
    const d = Driver.of('complaint-first', 2, '2026-08-03', { remoteArea: true });
    d.complete('accept', { ...accept('2026-08-03'), remoteArea: true, complex: true });
    expect(d.due('remote.verify')).toBe('2026-09-17');
    expect(d.send('extend', { date: '2026-09-01', amount: 15, ruleId: 'K3b' })).toBe(1);
    expect(d.due('remote.verify')).toBe('2026-10-02');
    expect(d.open).toContain('remote.complexity');
  });

  it('a suspension of 12 days moves the resolution deadline by 12 days and issues the decisions', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-01'));
    expect(d.due('verify')).toBe('2026-07-31');
    d.at('2026-07-10T10:00:00').send('suspend', {
      date: '2026-07-10',
      variables: { suspensionGround: 'awaiting_other_body' },
    });
    expect(d.open).toEqual(['verify', 'suspension.decision.issue']);
    d.complete('suspension.decision.issue', {
      suspension_decision_issuedOn: '2026-07-10',
      suspensionGround: 'awaiting_other_body',
    });
    expect(d.due('suspension.decision.send')).toBe('2026-07-15'); // K15: 3 WD
    d.at('2026-07-22T10:00:00').send('resume', { date: '2026-07-22' });
    expect(d.due('verify')).toBe('2026-08-12');
  });

  it('a partial withdrawal is recorded and the case continues', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-01'));
    d.send('withdrawPartial', { date: '2026-07-08', variables: { withdrawnContents: 'nội dung 2' } });
    expect(d.runner.state.outcomes).toEqual(['partial_withdrawal_recorded']);
    expect(d.documents).toContain('partial_withdrawal_record');
    expect(d.open).toEqual(['verify']);
  });

  it('a full withdrawal terminates with a decision sent in 3 WD', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-01'));
    d.send('withdraw', { date: '2026-07-08' });
    expect(d.open).toEqual(['termination.issue']);
    d.complete('termination.issue', { termination_issuedOn: '2026-07-09', terminationGround: 'full_withdrawal' });
    expect(d.due('termination.send')).toBe('2026-07-14');
    d.complete('termination.send', { termination_sentOn: '2026-07-10' });
    expect(d.runner.state.outcomes).toEqual(['terminated']);
  });

  it('a breach of the resolution deadline escalates once and opens the second-complaint and lawsuit windows', () => {
    const d = Driver.of('complaint-first', 2, '2026-07-01');
    d.complete('accept', accept('2026-07-03'));
    d.at('2026-08-03T23:59:59.999'); // K3 due Mon 03/08/2026, end of day
    expect(d.open).toEqual(['verify', 'breach.headReview']);
    expect(d.runner.state.variables.resolutionOverdue).toBe(true);
    // The windows count from the breach day (the interpreter arms them that day: its fallback start).
    expect(
      Object.fromEntries(
        d.runner.state.timers
          .filter((t) => t.nodeId.startsWith('window.'))
          .map((t) => [t.clock!.clock.ruleId, t.clock!.due]),
      ),
    ).toEqual({
      K6: '2026-09-03', // day 30 = Wed 02/09 (Quốc khánh) -> Thu 03/09, the next working day
      K7: '2027-08-03',
    });
    d.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
    d.at('2026-08-04T09:00:00'); // the decision task opened after the due day breaches at once
    expect(d.open).toEqual(['breach.headReview', 'decide']); // ... but does not escalate twice
    expect(d.runner.state.outcomes).toEqual(['breach_already_escalated']);
  });
});

describe('denunciation', () => {
  it('especially complex: two extensions of 30 days granted, a third refused', () => {
    const d = Driver.of('denunciation', 2, '2026-07-01');
    expect(d.due('initial')).toBe('2026-07-10');
    d.complete('initial', {
      initialDecision: 'accept',
      formComplete: true,
      denouncerHasCapacity: true,
      withinCompetence: true,
      violationIdentifiable: true,
      acceptedOn: '2026-07-01',
      complexity: 'especially_complex',
    });
    expect(d.due('notifyAcceptance')).toBe('2026-07-08');
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: '2026-07-03' });
    expect(d.due('verify')).toBe('2026-07-31');
    expect(d.at('2026-07-25T09:00:00').send('extend', { date: '2026-07-25', amount: 30, ruleId: 'T5' })).toBe(1);
    expect(d.due('verify')).toBe('2026-08-31');
    d.complete('extension.decision.issue', {
      extension_decision_issuedOn: '2026-07-25',
      complexity: 'especially_complex',
      complexityCriteria: ['a_several_places', 'b_several_contents'],
      extensionDays: 30,
    });
    d.complete('extension.decision.send', { extension_decision_sentOn: '2026-07-27' });
    d.at('2026-08-20T09:00:00').send('extend', { date: '2026-08-20', amount: 30, ruleId: 'T5' });
    expect(d.due('verify')).toBe('2026-09-29');
    const third = d.at('2026-09-15T09:00:00').send('extend', { date: '2026-09-15', amount: 10, ruleId: 'T5' });
    expect(third).toMatch(/at most 2 extension/);
    expect(d.due('verify')).toBe('2026-09-29');
  });

  it('conclusion: sent in 5 WD, handled in 7 WD, published in 7 WD; forwarded by the press: report in 20 days', () => {
    const d = Driver.of('denunciation', 1, '2026-06-10', { forwardedBy: 'press' });
    d.complete('initial', {
      initialDecision: 'accept',
      formComplete: true,
      denouncerHasCapacity: true,
      withinCompetence: true,
      violationIdentifiable: true,
      acceptedOn: '2026-06-15',
    });
    // T12 counts from receipt: the acceptance is reported to the forwarder before verification (TC Art 26(2)).
    expect(d.open).toEqual(['reportForwarder']);
    expect(d.due('reportForwarder')).toBe('2026-06-30');
    d.complete('reportForwarder', { forwarderReportedOn: '2026-06-16', forwarderReportRef: 'BC-12' });
    d.complete('notifyAcceptance', { acceptanceNoticeSentOn: '2026-06-18' });
    d.complete('verify', { verificationReportRef: 'v', verificationTeamSize: 2, accusedExplained: true });
    d.complete('conclude', {
      conclusionNumber: '1',
      conclusionIssuedOn: '2026-07-10',
      verificationResult: 'v',
      legalBasisCited: 'l',
      finding: 'partly_true',
    });
    expect([d.due('sendConclusion'), d.due('handleConclusion'), d.due('publishConclusion')]).toEqual([
      '2026-07-17',
      '2026-07-21',
      '2026-07-21',
    ]);
  });
});

describe('letter handling: several signers', () => {
  const signers = Array.from({ length: 12 }, (_, i) => `party-${i + 1}`);
  it('12 signers with 6 representatives are refused; with 5 the mass case proceeds and starts the linked complaint', () => {
    const d = Driver.of('letter-handling', 2, '2026-07-01');
    expect(d.due('intake')).toBe('2026-07-15');
    d.complete('intake', {
      channel: 'post',
      forwardedBy: 'none',
      signerRefs: signers,
      representativeRefs: signers.slice(0, 6),
    });
    expect(d.open).toEqual(['requestRepresentatives']);
    d.complete('requestRepresentatives', {
      representativeRefs: signers.slice(0, 5),
      appointmentDocumentRef: 'VB-cu-dai-dien',
    });
    expect(d.open).toEqual(['classify']);
    expect(d.runner.state.variables.massCase).toBe(true);
    expect(d.calls).toContain('recordNotification:mass.notify');
    d.complete('classify', {
      letterType: 'complaint',
      language: 'vietnamese',
      dated: true,
      hasNameAddress: true,
      hasSignature: true,
      contentElementsComplete: true,
      withinCompetence: true,
    });
    expect(d.calls).toContain('startCase:complaint-first');
    d.complete('inform', { outcomeNoticeSentOn: '2026-07-06', noticeForm: 'written', noticeRecipientRef: 'party-1' });
    expect(d.runner.state.outcomes).toEqual(['accepted_linked_case_started']);
  });

  it('a letter left unprocessed 45 days escalates (v2)', () => {
    const d = Driver.of('letter-handling', 2, '2026-07-01');
    d.complete('intake', { channel: 'post', forwardedBy: 'none', signerRefs: ['party-1'] });
    d.at('2026-08-17T23:59:59.999');
    expect(d.open).toEqual(expect.arrayContaining(['classify', 'letterBreach.headReview']));
  });
});
