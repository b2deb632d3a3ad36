/**
 * Deadlines the built-ins compute with the computeDeadline service task rather than tick by hand: the
 * second-complaint window (K6), posting and portal periods (K11b-K11c, T9a-T9b) and the meeting notice
 * (K11a). Driven on the interpreter's pure runner with the seed calendar (the service task answered as
 * activities/lifecycle.ts does). These are the law audit's definition findings DF1-DF3 (docs/law-audit.md).
 * Every date below is hand-derived in its comment.
 */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../workflows/engine/index.js';
import { Driver } from './driver.js';

const accept = (on: string, extra: Record<string, JsonValue> = {}) => ({
  acceptanceDecision: 'accept',
  acceptanceNoticeOn: on,
  acceptedOn: on,
  ...extra,
});
const decision = (issuedOn: string) => ({
  decisionNumber: '7/QĐ-UBND',
  decisionIssuedOn: issuedOn,
  complaintContent: 'c',
  verificationResult: 'v',
  legalBasisCited: 'KN',
  conclusion: 'partly_right',
  disposition: 'amend',
  rightsStated: true,
  dialogueResultSummary: 'd',
  firstInstanceResult: 'f',
});

/** A second-instance case received (= the second complaint lodged) on `lodgedOn`. */
const second = (version: number, lodgedOn: string, vars: Record<string, JsonValue> = {}) =>
  Driver.of('complaint-second', version, lodgedOn, vars);
const state = (d: Driver) => ({ status: d.runner.state.status, outcome: d.runner.state.outcome ?? null });
const v = (d: Driver, name: string) => d.runner.state.variables[name];

describe('DF3 / K6: the second-complaint window is computed (KN Art 33(1); BLDS 2015 Art 147-148), not ticked', () => {
  it.each([1, 2])(
    'v%i: decision received Fri 31/07/2026, lodged Thu 03/09/2026: late (window ended Mon 31/08), refused time_barred',
    (version) => {
      // Day 1 = 01/08; day 30 = Sun 30/08/2026 -> Mon 31/08 (Art 148(5)). 03/09 > 31/08: late, no legitimate reason.
      const d = second(version, '2026-09-03');
      d.complete('accept', accept('2026-09-07', { firstDecisionReceivedOn: '2026-07-31' }));
      expect(v(d, 'secondComplaintWindowDue')).toBe('2026-08-31');
      expect(state(d)).toEqual({ status: 'completed', outcome: 'not_accepted' });
      expect(d.documents).toContain('non_acceptance_notice');
      expect(d.calls).toContain('computeDeadline:window');
    },
  );

  it.each([1, 2])('v%i: the same dates in a remote area: in time (45 days end Mon 14/09/2026), accepted', (version) => {
    // Day 31 = 31/08, day 45 = Mon 14/09/2026, a working day. 03/09 <= 14/09.
    const d = second(version, '2026-09-03', { remoteArea: true });
    d.complete('accept', accept('2026-09-07', { firstDecisionReceivedOn: '2026-07-31', remoteArea: true }));
    expect(v(d, 'secondComplaintWindowDue')).toBe('2026-09-14');
    expect(state(d).status).toBe('running');
    expect(d.open).toEqual(['remote.verify']);
  });

  it('lodged on the last day (Mon 31/08/2026) is in time', () => {
    const d = second(2, '2026-08-31');
    d.complete('accept', accept('2026-09-03', { firstDecisionReceivedOn: '2026-07-31' }));
    expect(d.open).toEqual(['verify']);
  });

  it('late with a legitimate reason recorded by the officer is accepted (KN Art 11(6) "mà không có lý do chính đáng"; Art 9)', () => {
    const d = second(2, '2026-09-03');
    d.complete(
      'accept',
      accept('2026-09-07', {
        firstDecisionReceivedOn: '2026-07-31',
        lateLegitimateReason: 'nằm viện 10/08-02/09, giấy ra viện',
      }),
    );
    expect(v(d, 'secondComplaintWindowDue')).toBe('2026-08-31');
    expect(d.open).toEqual(['verify']);
  });

  it('no first decision: 30 days from the first-instance expiry day (K3 expired Mon 03/08/2026 -> Thu 03/09/2026)', () => {
    // Day 30 = Wed 02/09/2026 (National Day; the adjacent day is the default Tue 01/09, UNCONFIRMED) -> Thu 03/09.
    const inTime = second(2, '2026-09-03');
    inTime.complete(
      'accept',
      accept('2026-09-07', { firstInstanceLapsed: true, firstInstanceExpiredOn: '2026-08-03' }),
    );
    expect(v(inTime, 'secondComplaintWindowDue')).toBe('2026-09-03');
    expect(inTime.open).toEqual(['verify']);
    const late = second(2, '2026-09-04');
    late.complete('accept', accept('2026-09-07', { firstInstanceLapsed: true, firstInstanceExpiredOn: '2026-08-03' }));
    expect(state(late)).toEqual({ status: 'completed', outcome: 'not_accepted' });
  });

  it("accepting without the window's start date reopens the acceptance task; a refusal needs none", () => {
    const d = second(2, '2026-09-03');
    d.complete('accept', accept('2026-09-07'));
    expect(d.open).toEqual(['accept']);
    expect(d.calls).not.toContain('computeDeadline:window');
    const refused = second(2, '2026-09-03');
    refused.complete('accept', {
      acceptanceDecision: 'refuse',
      refusalGround: 'not_competent',
      acceptanceNoticeOn: '2026-09-07',
    });
    expect(state(refused)).toEqual({ status: 'completed', outcome: 'not_accepted' });
  });

  it.each([1, 2])(
    'v%i: lodged before the first decision was received (Thu 30/07 < Fri 31/07/2026): not a second complaint yet, refused first_instance_pending (KN Art 33(1)); the same day is accepted',
    (version) => {
      const early = second(version, '2026-07-30');
      early.complete('accept', accept('2026-08-03', { firstDecisionReceivedOn: '2026-07-31' }));
      expect(state(early)).toEqual({ status: 'completed', outcome: 'not_accepted' });
      const notice = early.documentArgs.find((a) => a.type === 'non_acceptance_notice')!;
      expect(JSON.stringify(notice)).toContain('first_instance_pending');
      const sameDay = second(version, '2026-07-31');
      sameDay.complete('accept', accept('2026-08-03', { firstDecisionReceivedOn: '2026-07-31' }));
      expect(state(sameDay).status).toBe('running');
      expect(sameDay.open).toEqual(['verify']);
    },
  );

  it('no first decision: lodged on the expiry day itself (Mon 03/08/2026) is premature (the first instance may still decide); the day after is in time', () => {
    const onExpiry = second(2, '2026-08-03');
    onExpiry.complete(
      'accept',
      accept('2026-08-05', { firstInstanceLapsed: true, firstInstanceExpiredOn: '2026-08-03' }),
    );
    expect(state(onExpiry)).toEqual({ status: 'completed', outcome: 'not_accepted' });
    expect(JSON.stringify(onExpiry.documentArgs.find((a) => a.type === 'non_acceptance_notice'))).toContain(
      'first_instance_pending',
    );
    const next = second(2, '2026-08-04');
    next.complete('accept', accept('2026-08-05', { firstInstanceLapsed: true, firstInstanceExpiredOn: '2026-08-03' }));
    expect(next.open).toEqual(['verify']);
  });

  it('a late complaint is refused time_barred, not first_instance_pending', () => {
    const d = second(2, '2026-09-03');
    d.complete('accept', accept('2026-09-07', { firstDecisionReceivedOn: '2026-07-31' }));
    const notice = JSON.stringify(d.documentArgs.find((a) => a.type === 'non_acceptance_notice'));
    expect(notice).toContain('time_barred');
    expect(notice).not.toContain('first_instance_pending');
  });

  it('v1 with the working-day acceptance unit returns to its own task when the date is missing', () => {
    const d = second(1, '2026-06-01', { acceptanceUnit: 'working_days' });
    d.complete('accept.wd', accept('2026-06-03'));
    expect(d.open).toEqual(['accept.wd']);
  });
});

/** Drives a second-instance case to the disclosure task (decision issued `issued`). */
function toDisclosure(version: number, lodgedOn: string, issued: string, vars: Record<string, JsonValue> = {}): Driver {
  const d = second(version, lodgedOn, vars);
  d.complete('accept', accept(lodgedOn, { firstDecisionReceivedOn: lodgedOn }));
  d.complete('verify', { verificationReportRef: 'BC' });
  d.complete('dialogueInvite', { dialogueOn: issued, invitationSentOn: lodgedOn, invitationNumber: 'first' });
  d.complete('dialogue', { dialogueHeldOn: issued, complainantAttended: true, dialogueMinutesRef: 'BB' });
  d.complete('decide', decision(issued));
  d.complete('sendDecision', {
    decisionSentOn: issued,
    decisionReceivedOn: issued,
    decisionRecipients: ['complainant_or_representative'],
  });
  expect(d.open).toEqual(['disclose']);
  return d;
}

describe('DF1 / K11b-K11c: posting and portal at least 15 days after the posting day (NĐ 75/2012 Art 12(3)-(4); BLDS Art 147(3))', () => {
  it.each([1, 2])('v%i: posted 01/08/2026 until 15/08 is one day short; until 16/08 is enough', (version) => {
    const d = toDisclosure(version, version === 1 ? '2026-06-01' : '2026-07-01', '2026-07-31');
    d.complete('disclose', { disclosureMethods: ['posting'], postingFrom: '2026-08-01', postingTo: '2026-08-15' });
    expect(d.open).toEqual(['disclose']);
    d.complete('disclose', { disclosureMethods: ['online'], onlineFrom: '2026-08-01', onlineTo: '2026-08-15' });
    expect(d.open).toEqual(['disclose']);
    d.complete('disclose', {
      disclosureMethods: ['posting', 'online'],
      postingFrom: '2026-08-01',
      postingTo: '2026-08-16',
      onlineFrom: '2026-08-01',
      onlineTo: '2026-08-16',
    });
    expect(d.open).toEqual([]);
    expect(d.documents).toContain('complaint_decision_disclosure');
  });
});

describe('DF2 / K11a: meeting notice 3 working days (NĐ 75/2012 Art 12(2); TT 07/2013 Art 22(3)(a)), unit configurable', () => {
  it('v1: notice Wed 29/04/2026 -> earliest meeting Wed 06/05 (30/04, 01/05 and the weekend off): Mon 04/05 refused', () => {
    // WD 1 Mon 04/05, WD 2 Tue 05/05, WD 3 Wed 06/05/2026.
    const d = toDisclosure(1, '2026-03-02', '2026-04-24');
    d.complete('disclose', {
      disclosureMethods: ['meeting'],
      meetingNoticeSentOn: '2026-04-29',
      meetingOn: '2026-05-04',
    });
    expect(v(d, 'meetingNoticeDue')).toBe('2026-05-06');
    expect(d.open).toEqual(['disclose']);
    d.complete('disclose', {
      disclosureMethods: ['meeting'],
      meetingNoticeSentOn: '2026-04-29',
      meetingOn: '2026-05-05',
    });
    expect(d.open).toEqual(['disclose']);
    d.complete('disclose', {
      disclosureMethods: ['meeting'],
      meetingNoticeSentOn: '2026-04-29',
      meetingOn: '2026-05-06',
    });
    expect(d.open).toEqual([]);
  });

  it('v2: notice Fri 28/08/2026 -> earliest meeting Fri 04/09 (01/09 default adjacent day, 02/09 off)', () => {
    // WD 1 Mon 31/08, WD 2 Thu 03/09, WD 3 Fri 04/09/2026 (2026 adjacent day UNCONFIRMED, statutory default Tue 01/09).
    const d = toDisclosure(2, '2026-07-01', '2026-08-20');
    d.complete('disclose', {
      disclosureMethods: ['meeting'],
      meetingNoticeSentOn: '2026-08-28',
      meetingOn: '2026-09-03',
    });
    expect(v(d, 'meetingNoticeDue')).toBe('2026-09-04');
    expect(d.open).toEqual(['disclose']);
    d.complete('disclose', {
      disclosureMethods: ['meeting'],
      meetingNoticeSentOn: '2026-08-28',
      meetingOn: '2026-09-04',
    });
    expect(d.open).toEqual([]);
  });

  it('the calendar-day reading of NĐ 124 ("3 days", UNCONFIRMED) is opt-in: 29/04 + 3 days = Sat 02/05 -> Mon 04/05 (Art 148(5))', () => {
    const d = toDisclosure(1, '2026-03-02', '2026-04-24', { disclosureMeetingNoticeUnit: 'calendar_days' });
    d.complete('disclose', {
      disclosureMethods: ['meeting'],
      meetingNoticeSentOn: '2026-04-29',
      meetingOn: '2026-05-04',
    });
    expect(v(d, 'meetingNoticeDue')).toBe('2026-05-04');
    expect(d.open).toEqual([]);
  });

  it('both versions default to 3 working days', () => {
    for (const version of [1, 2]) {
      const d = Driver.of('complaint-second', version, version === 1 ? '2026-06-01' : '2026-07-01');
      expect([v(d, 'disclosureMeetingNoticeDays'), v(d, 'disclosureMeetingNoticeUnit')]).toEqual([3, 'working_days']);
    }
  });
});

describe('DF1 / T9a-T9b: denunciation posting and portal (NĐ 31/2019 Art 6(2)(b)-(d))', () => {
  it.each([1, 2])(
    'v%i: the default minimum is 15 days after the posting day (stricter reading, UNCONFIRMED)',
    (version) => {
      expect(
        Driver.of('denunciation', version, version === 1 ? '2026-06-01' : '2026-07-01').runner.state.variables
          .publicationMinDays,
      ).toBe(15);
    },
  );
});
