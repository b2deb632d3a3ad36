/**
 * Complaints about administrative decisions or acts (khiếu nại), first and second instance
 * (spec §3; master table K2-K17). One generator, four definitions:
 * complaint-first v1/v2 and complaint-second v1/v2 (v1 = law until 30/06/2026, v2 = from 01/07/2026).
 *
 * Shape: acceptance (K2/K8) -> by area (remote: K3b/K9a ceilings) -> verify -> dialogue
 * (first instance when demands and findings differ, KN Art 30; second always, KN Art 39) -> decision
 * (KN Art 31/40) -> sending (K5/K10) -> [second: disclosure K11] -> legal effect (K12/K13).
 * The resolution clock runs from acceptance on every task of the resolution phase (same ruleId:
 * one clock per case); its breach escalates to the head and opens the citizen's windows (K6, K7).
 */
import type { ClockRule, DefinitionNodeInput, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { DUE_BREACH_ESCALATION_CODE } from '../../workflows/engine/index.js';
import {
  ACTIVITY,
  GraphBuilder,
  ROLE,
  addOverdueHandler,
  caseEnd,
  clock,
  definition,
  field,
  issueAndSend,
  lit,
  recordDocument,
  recordEvent,
  representativesStep,
  setFlag,
  notify,
  userTask,
  when,
} from './build.js';
import { ART, PERIOD_LABEL, REFORM_2026, type LawPeriod } from './law.js';
import { topicAvailableFrom } from './transition.js';

/** First or second instance. */
export type Instance = 'first' | 'second';

/** FEEL: the event date variable `v` is on or after 01/07/2026 (NĐ 155/2026 Art 22 transition). */
const onOrAfterReform = (v: string): string => `date(${v}) >= date(${lit(REFORM_2026)})`;

/** KN Art 11 grounds for refusing acceptance (form values). */
export const NON_ACCEPTANCE_GROUNDS = [
  'internal_or_normative_act',
  'not_directly_affected',
  'no_capacity_no_representative',
  'unlawful_representative',
  'no_signature',
  'time_barred',
  'second_instance_decided',
  'termination_not_continued',
  'court_seized',
  'not_competent',
  // Not an Art 11 ground: a second complaint lodged before the right to it exists (KN Art 33(1)).
  'first_instance_pending',
] as const;

/** Complexity criteria (a)-(g) of NĐ 124/2020 Art 3a (NĐ 155/2026) / NĐ 31/2019 Art 3(2). */
export const COMPLEXITY_CRITERIA = [
  'a_several_places',
  'b_several_contents',
  'c_many_people',
  'd_foreign_element',
  'e_several_bodies',
  'f_bodies_disagree',
  'g_conflicting_evidence',
] as const;

interface Params {
  instance: Instance;
  period: LawPeriod;
}

/** Acceptance clocks (K2 / K8). */
export function acceptanceClocks(
  instance: Instance,
  period: LawPeriod,
): { strict: ClockRule; alternative?: ClockRule } {
  const id = instance === 'first' ? 'K2' : 'K8';
  const law = instance === 'first' ? ART.knAcceptanceLaw : 'Luật Khiếu nại 2011 Art 36(1) ("10 ngày")';
  if (period === 'from2026') {
    // NĐ 155/2026 Art 10: "07 ngày làm việc" from 01/07/2026 [S].
    return {
      strict: clock(
        id,
        `${ART.knAcceptance2026}${instance === 'second' ? '; Luật Khiếu nại 2011 Art 36(1)' : ''}`,
        7,
        'working_days',
        'received',
      ),
    };
  }
  // The Law says "10 ngày" (calendar); TT 07/2013 Art 5(1) / NĐ 124 Art 16(1) say 10 working days.
  // Spec §1.2: unit configurable, default the stricter (the one that ends earlier: calendar days).
  return {
    strict: clock(id, law, 10, 'calendar_days', 'received'),
    alternative: clock(`${id}_wd`, ART.knAcceptanceRules, 10, 'working_days', 'received'),
  };
}

/** Resolution clock (K3/K3b first, K9/K9a second) per area; complex cases extend within the policy. */
export function resolutionClock(instance: Instance, period: LawPeriod, remote: boolean): ClockRule {
  const suspensionBasis =
    period === 'from2026' ? ART.knSuspension : `${ART.knSuspension}, for open cases via ${ART.knTransition}`;
  // KN Art 11a exists from 01/07/2026 only: a v1 clock refuses a suspension dated earlier
  // (NĐ 155/2026 Art 22(1), rulesForEvent in transition.ts).
  const from = topicAvailableFrom('complaint', period, 'suspension');
  const suspension = from === null ? {} : { suspensionBasis, ...(from === undefined ? {} : { suspendableFrom: from }) };
  if (instance === 'first') {
    // KN Art 28: 30 days (complex <= 45); remote area 45 (complex <= 60), from acceptance.
    return remote
      ? clock('K3b', `${ART.knResolutionFirst} (remote area)`, 45, 'calendar_days', 'accepted', {
          ...suspension,
          extension: {
            maxExtensions: 1,
            maxAmountEach: 15,
            legalBasis: `${ART.knResolutionFirst}: complex case in a remote area <= 60 days`,
          },
        })
      : clock('K3', ART.knResolutionFirst, 30, 'calendar_days', 'accepted', {
          ...suspension,
          extension: {
            maxExtensions: 1,
            maxAmountEach: 15,
            legalBasis: `${ART.knResolutionFirst}: complex case <= 45 days (K3a)`,
          },
        });
  }
  // KN Art 37: 45 days (complex <= 60); remote area 60 (complex <= 70).
  return remote
    ? clock('K9a', `${ART.knResolutionSecond} (remote area)`, 60, 'calendar_days', 'accepted', {
        ...suspension,
        extension: {
          maxExtensions: 1,
          maxAmountEach: 10,
          legalBasis: `${ART.knResolutionSecond}: complex case in a remote area <= 70 days`,
        },
      })
    : clock('K9', ART.knResolutionSecond, 45, 'calendar_days', 'accepted', {
        ...suspension,
        extension: {
          maxExtensions: 1,
          maxAmountEach: 15,
          legalBasis: `${ART.knResolutionSecond}: complex case <= 60 days`,
        },
      });
}

/** Clock of sending the decision (K5: 3 WD, KN Art 32; K10: 7 days, KN Art 41(1)). */
export function sendDecisionClock(instance: Instance): ClockRule {
  return instance === 'first'
    ? clock('K5', ART.knSendFirst, 3, 'working_days', 'decisionIssued')
    : clock('K10', ART.knSendSecond, 7, 'calendar_days', 'decisionIssued');
}

/** Legal effect (K12/K13, KN Art 44): 30 days after issuance, remote up to 45. */
export function legalEffectClock(instance: Instance, remote: boolean): ClockRule {
  const id = instance === 'first' ? 'K12' : 'K13';
  const basis = instance === 'first' ? ART.knLegalEffectFirst : ART.knLegalEffectSecond;
  return clock(
    remote ? `${id}_remote` : id,
    remote ? `${basis} (remote area)` : basis,
    remote ? 45 : 30,
    'calendar_days',
    'decisionIssued',
  );
}

/** C2: inform the forwarding deputy / National Assembly body / reception board within 7 WD of the resolution. */
export const C2 = (from: string): ClockRule =>
  clock('C2', 'Luật Tiếp công dân 2013 Art 27(2)', 7, 'working_days', from);

/** K15 (from 2026): send suspension / termination / continuation decisions within 3 WD. */
export function suspensionSendClock(event: string): ClockRule {
  return clock('K15', ART.knSendSuspension2026, 3, 'working_days', event);
}

/**
 * K6: second complaint within 30 days (remote 45) of the first-instance limit expiring with no
 * decision (KN Art 33(1): "kể từ ngày hết thời hạn giải quyết khiếu nại quy định tại Điều 28").
 * `resolutionDeadlineExpired` is the expiry day — the breached clock's due day, at whose end the
 * limit ran out (BLDS 2015 Art 148(1)) — and is itself not counted: day 1 is the next day
 * (BLDS 2015 Art 147(2)).
 */
export function secondComplaintWindowClock(remote: boolean): ClockRule {
  return clock(
    remote ? 'K6_remote' : 'K6',
    remote ? `${ART.knSecondComplaintWindow} (remote area)` : ART.knSecondComplaintWindow,
    remote ? 45 : 30,
    'calendar_days',
    'resolutionDeadlineExpired',
  );
}

/**
 * K7: lawsuit within 1 year (Luật TTHC 2015 Art 116(3)) of the resolution limit expiring: ends on
 * the corresponding day of the next year (BLDS 2015 Art 148(4); 28/02 when it started on 29/02),
 * rolled forward to a working day (Art 148(5)). Not suspendable, no rungs (a citizen's window).
 */
export function lawsuitWindowClock(): ClockRule {
  return clock('K7', `${ART.lawsuit}; ${ART.knLawsuitAfterSecond}`, 1, 'years', 'resolutionDeadlineExpired');
}

/** The case variable holding the day the breached clock `ruleId` expired (set by the interpreter on a due breach). */
export const expiryDayOf = (ruleId: string): string => `deadlineExpiredOn.${ruleId}`;

const DECISION_RECIPIENTS = {
  // KN Art 32
  first: [
    'complainant_or_representative',
    'resolver_superior',
    'related_parties',
    'transferring_body',
    'same_level_inspectorate',
  ],
  // KN Art 41(1)
  second: [
    'complainant_or_representative',
    'respondent',
    'first_instance_resolver',
    'related_parties',
    'transferring_body',
  ],
} as const;

/** Nodes of the resolution phase for one area (prefix '' or 'remote.'). */
function resolutionBranch(g: GraphBuilder, p: Params, remote: boolean): string {
  const P = remote ? 'remote.' : '';
  const { instance, period } = p;
  const R = resolutionClock(instance, period, remote);
  const verifyBasis = instance === 'first' ? ART.knVerificationFirst : ART.knVerificationSecond;
  const dialogueBasis = instance === 'first' ? ART.knDialogueFirst : ART.knDialogueSecond;
  const phase = resolutionPhase(P);

  g.add(
    userTask(
      `${P}verify`,
      'Verify the complaint (xác minh)',
      [ROLE.verifier, ROLE.resolver],
      'resolving',
      [
        field.str('verificationReportRef', 'Báo cáo kết quả xác minh (tham chiếu)', true),
        field.str('findings', 'Kết quả xác minh'),
        field.bool('complaintRightOnSelfReview', 'Tự kiểm tra: khiếu nại đúng, ra quyết định ngay'),
        ...(instance === 'first'
          ? [field.bool('demandsMatchFindings', 'Yêu cầu của người khiếu nại và kết quả xác minh thống nhất', true)]
          : []),
        field.bool('complex', 'Vụ việc phức tạp'),
        field.manyOf('complexityCriteria', COMPLEXITY_CRITERIA, 'Tiêu chí phức tạp (NĐ 124 Art 3a)'),
        field.str('complexityDeterminationRef', 'Văn bản xác định vụ việc phức tạp'),
        field.bool('expertiseRequested', 'Trưng cầu giám định'),
        ...(instance === 'second' ? [field.bool('advisoryCouncil', 'Hội đồng tư vấn (KN Art 36(2))')] : []),
      ],
      { due: R, legalBasis: verifyBasis },
    ),
  );

  // Dialogue: first instance only when demands and findings differ (KN Art 30(1)); second always (KN Art 39).
  if (instance === 'first') {
    g.choice(
      `${P}needDialogue`,
      'Demands and findings differ?',
      [
        {
          to: `${P}dialogueInvite`,
          when: 'demandsMatchFindings = false',
          name: 'differ: dialogue',
          legalBasis: ART.knDialogueFirst,
        },
      ],
      { to: `${P}decide`, name: 'no dialogue needed' },
    );
    g.flow(`${P}verify`, `${P}needDialogue`);
  } else {
    g.flow(`${P}verify`, `${P}dialogueInvite`, { legalBasis: ART.knDialogueSecond });
  }

  g.add(
    userTask(
      `${P}dialogueInvite`,
      'Invite the parties to the dialogue (đối thoại)',
      [ROLE.resolver],
      'resolving',
      [
        field.date('dialogueOn', 'Ngày đối thoại', true, when.planned('invitationSentOn')),
        field.date('invitationSentOn', 'Ngày gửi giấy mời', true, when.past('accepted')),
        field.oneOf('invitationNumber', ['first', 'second'], 'Lần mời', true),
      ],
      { due: R, legalBasis: dialogueBasis },
    ),
    recordDocument(`${P}dialogueInvite.doc`, {
      type: 'dialogue_invitation',
      recipients: ['complainant_or_representative', 'respondent', 'related_parties', 'related_agencies'],
      legalBasis: `${dialogueBasis}(2)`,
      issuedOn: 'invitationSentOn',
      sentOn: 'invitationSentOn',
    }),
  );
  g.flow(`${P}dialogueInvite`, `${P}dialogueInvite.doc`);
  // K4 (from 01/07/2026; for open cases via NĐ 155 Art 22): invitation at least 5 days before.
  const shortNotice = 'date(dialogueOn) - date(invitationSentOn) < duration("P5D")';
  g.choice(
    `${P}noticeCheck`,
    'Invitation at least 5 days before? (K4)',
    [
      {
        to: `${P}dialogueInvite`,
        name: 'notice too short: invite again',
        legalBasis: ART.knDialogueNotice2026,
        when: period === 'from2026' ? shortNotice : `${onOrAfterReform('dialogueOn')} and ${shortNotice}`,
      },
    ],
    { to: `${P}dialogue` },
  );
  g.flow(`${P}dialogueInvite.doc`, `${P}noticeCheck`);

  g.add(
    userTask(
      `${P}dialogue`,
      'Hold the dialogue and sign the minutes',
      [ROLE.resolver],
      'resolving',
      [
        field.date('dialogueHeldOn', 'Ngày đối thoại', true, when.past('invitationSentOn')),
        field.bool('complainantAttended', 'Người khiếu nại có mặt', true),
        field.oneOf('absenceReason', ['none', 'valid_reason', 'no_valid_reason'], 'Lý do vắng mặt'),
        field.str('dialogueMinutesRef', 'Biên bản đối thoại (tham chiếu)', true),
        field.str('dialogueResult', 'Kết quả đối thoại'),
      ],
      { due: R, legalBasis: dialogueBasis },
    ),
    recordDocument(`${P}dialogue.minutes`, {
      type: 'dialogue_minutes',
      recipients: ['complainant_or_representative', 'respondent', 'case_file'],
      legalBasis: `${dialogueBasis}(4)`,
      issuedOn: 'dialogueHeldOn',
    }),
  );
  g.flow(`${P}dialogue`, `${P}dialogue.minutes`);
  // Absence: before 2026 a second written invitation (TT 07/2013 Art 21(2)(a)); from 2026 only an
  // absence with a valid reason reschedules, an unexcused no-show does not block (KN Art 30(6)).
  const absentValid = 'complainantAttended = false and absenceReason = "valid_reason"';
  const absentFirst = 'complainantAttended = false and invitationNumber = "first"';
  const rescheduleWhen =
    period === 'from2026'
      ? absentValid
      : `(${onOrAfterReform('dialogueHeldOn')} and ${absentValid}) or (not(${onOrAfterReform('dialogueHeldOn')}) and ${absentFirst})`;
  g.choice(
    `${P}afterDialogue`,
    'Complainant absent?',
    [
      {
        to: `${P}dialogueInvite`,
        when: rescheduleWhen,
        name: 'reschedule',
        legalBasis:
          period === 'from2026'
            ? ART.knDialogueAbsence2026
            : `${ART.knDialogueAbsencePre2026}; ${ART.knDialogueAbsence2026} via ${ART.knTransition}`,
      },
    ],
    { to: `${P}decide`, name: 'continue to decision' },
  );
  g.flow(`${P}dialogue.minutes`, `${P}afterDialogue`);

  const decisionBasis = instance === 'first' ? ART.knDecisionFirst : ART.knDecisionSecond;
  g.add(
    userTask(
      `${P}decide`,
      `Issue the ${instance}-instance complaint decision`,
      [ROLE.resolver],
      'resolving',
      [
        field.str('decisionNumber', 'Số quyết định', true),
        field.date('decisionIssuedOn', 'Ngày ban hành', true, when.past('accepted')),
        field.str('complaintContent', 'Nội dung khiếu nại', true),
        field.str('verificationResult', 'Kết quả xác minh', true),
        field.str(
          'dialogueResultSummary',
          instance === 'first' ? 'Kết quả đối thoại (nếu có)' : 'Kết quả đối thoại',
          instance === 'second',
        ),
        field.str('legalBasisCited', 'Căn cứ pháp luật', true),
        ...(instance === 'second' ? [field.str('firstInstanceResult', 'Kết quả giải quyết lần đầu', true)] : []),
        field.oneOf('conclusion', ['right', 'partly_right', 'wrong'], 'Kết luận', true),
        field.oneOf(
          'disposition',
          ['keep', 'amend', 'supplement', 'cancel_part', 'cancel_all', 'stop_act', 'order_compliance'],
          'Giữ nguyên, sửa đổi, bổ sung, hủy bỏ...',
          true,
        ),
        field.str('specificIssues', 'Giải quyết các vấn đề cụ thể'),
        field.str('compensation', 'Bồi thường (nếu có)'),
        field.bool(
          'rightsStated',
          instance === 'first' ? 'Quyền khiếu nại lần hai / khởi kiện' : 'Quyền khởi kiện',
          true,
        ),
        field.bool('complainantListAttached', 'Danh sách người khiếu nại kèm theo (KN Art 31(3))'),
      ],
      { due: R, legalBasis: decisionBasis },
    ),
    recordEvent(`${P}decide.issued`, 'decisionIssued', 'decisionIssuedOn', decisionBasis),
    recordDocument(`${P}decide.doc`, {
      type: `complaint_decision_${instance}`,
      recipients: ['case_file'],
      legalBasis: decisionBasis,
      issuedOn: 'decisionIssuedOn',
      extra: { number: 'decisionNumber' },
    }),
    userTask(
      `${P}sendDecision`,
      'Send the decision to the required recipients',
      [ROLE.letterOfficer, ROLE.resolver],
      'resolving',
      [
        field.date('decisionSentOn', 'Ngày gửi', true, when.past('decisionIssuedOn')),
        field.date('decisionReceivedOn', 'Ngày người khiếu nại nhận được', false, when.past('decisionSentOn')),
        field.manyOf('decisionRecipients', DECISION_RECIPIENTS[instance], 'Nơi nhận', true),
      ],
      { due: sendDecisionClock(instance) },
    ),
    recordEvent(`${P}sendDecision.received`, 'decisionReceived', 'decisionReceivedOn', ART.knSecondComplaintWindow),
    recordDocument(`${P}sendDecision.doc`, {
      type: `complaint_decision_${instance}_dispatch`,
      recipients: DECISION_RECIPIENTS[instance],
      legalBasis: sendDecisionClock(instance).legalBasis,
      issuedOn: 'decisionIssuedOn',
      sentOn: 'decisionSentOn',
      receivedOn: 'decisionReceivedOn',
    }),
  );
  g.chain(
    `${P}decide`,
    `${P}decide.issued`,
    `${P}decide.doc`,
    `${P}sendDecision`,
    `${P}sendDecision.received`,
    `${P}sendDecision.doc`,
  );

  // C2: a complaint forwarded by a deputy / National Assembly body / reception board: inform the
  // forwarder of the result within 7 WD of the resolution (TCD Art 27(2)).
  g.choice(
    `${P}forwarded`,
    'Forwarded by a deputy or an elected body?',
    [
      {
        to: `${P}informForwarder`,
        legalBasis: 'Luật Tiếp công dân 2013 Art 27(2)',
        when: 'list contains(["national_assembly_deputy", "people_council_deputy", "reception_board"], forwardedBy)',
      },
    ],
    { to: `${P}forwarded.merge` },
  );
  g.add(
    userTask(
      `${P}informForwarder`,
      'Inform the forwarding deputy / body of the result',
      [ROLE.letterOfficer],
      'resolving',
      [field.date('forwarderInformedOn', 'Ngày thông báo', true, when.past('decisionIssuedOn'))],
      { due: C2('decisionIssued') },
    ),
    recordDocument(`${P}informForwarder.doc`, {
      type: 'result_to_forwarder',
      recipients: ['forwarding_body'],
      legalBasis: 'Luật Tiếp công dân 2013 Art 27(2)',
      issuedOn: 'forwarderInformedOn',
      sentOn: 'forwarderInformedOn',
    }),
    { type: 'exclusiveGateway', id: `${P}forwarded.merge`, name: 'merge' },
  );
  g.flow(`${P}sendDecision.doc`, `${P}forwarded`);
  g.chain(`${P}informForwarder`, `${P}informForwarder.doc`, `${P}forwarded.merge`);
  let afterSend = `${P}forwarded.merge`;
  if (instance === 'second') {
    // K11: disclose within 15 days of issuance (KN Art 41(2); NĐ 124, article UNCONFIRMED; unit UNCONFIRMED).
    g.add(
      userTask(
        `${P}disclose`,
        'Publicly disclose the second-instance decision (công khai)',
        [ROLE.resolver],
        'resolving',
        [
          field.manyOf(
            'disclosureMethods',
            ['meeting', 'posting', 'media_broadcast', 'media_print', 'online'],
            'Hình thức công khai',
            true,
          ),
          field.date('meetingNoticeSentOn', 'Ngày thông báo họp (K11a)', false, when.past('decisionIssuedOn')),
          field.date('meetingOn', 'Ngày họp công bố', false, when.planned('decisionIssuedOn', 'meetingNoticeSentOn')),
          field.date('postingFrom', 'Niêm yết từ ngày', false, when.planned('decisionIssuedOn')),
          field.date('postingTo', 'Niêm yết đến ngày', false, when.planned('postingFrom')),
          field.num('broadcastCount', 'Số lần phát sóng / số báo liên tiếp'),
          field.date('onlineFrom', 'Đăng trên cổng thông tin từ ngày', false, when.planned('decisionIssuedOn')),
          field.date('onlineTo', 'Đăng trên cổng thông tin đến ngày', false, when.planned('onlineFrom')),
        ],
        {
          due: clock(
            'K11',
            `${ART.knDisclosure} (unit UNCONFIRMED: calendar days)`,
            15,
            'calendar_days',
            'decisionIssued',
          ),
        },
      ),
    );
    g.flow(afterSend, `${P}disclose`);
    const m = (x: string) => `list contains(disclosureMethods, ${lit(x)})`;
    // K11a: the meeting notice "trước 03 ngày làm việc" (NĐ 75/2012 Art 12(2); TT 07/2013 Art 22(3)(a) [P]); NĐ 124/2020
    // (in force for both periods; NĐ 155/2026 does not amend it) says "3 days" [S], its unit UNCONFIRMED. Default: the
    // stricter 3 working days (spec §1.2), counted on the agency calendar from the day after the notice (BLDS 2015
    // Art 147(3)); the meeting may be held on that day at the earliest. Configurable: disclosureMeetingNoticeDays,
    // disclosureMeetingNoticeUnit ("working_days" | "calendar_days").
    g.add({
      type: 'serviceTask',
      id: `${P}disclose.notice`,
      name: 'Compute the earliest meeting day (K11a)',
      activity: ACTIVITY.computeDeadline,
      legalBasis: 'NĐ 75/2012 Art 12(2); TT 07/2013 Art 22(3)(a); NĐ 124/2020 [S]',
      input: {
        start: `if ${m('meeting')} then meetingNoticeSentOn else null`,
        amount: 'disclosureMeetingNoticeDays',
        unit: 'disclosureMeetingNoticeUnit',
      },
      output: { meetingNoticeDue: 'due' },
    });
    // K11b/K11c: posting and portal "ít nhất là 15 ngày, kể từ ngày niêm yết / đăng" (NĐ 75/2012 Art 12(3)-(4); TT 07/2013
    // Art 22(3)(b)-(c)): the posting day is not counted (BLDS 2015 Art 147(3)), so a posting from 01/08 must last until
    // the end of 16/08 (Art 148(1)): postingTo - postingFrom >= 15 days.
    const insufficient = [
      'count(disclosureMethods) = 0',
      `(${m('meeting')} and (meetingOn = null or meetingNoticeDue = null or date(meetingOn) < date(meetingNoticeDue)))`,
      `(${m('posting')} and date(postingTo) - date(postingFrom) < duration("P15D"))`,
      `((${m('media_broadcast')} or ${m('media_print')}) and broadcastCount < 2)`,
      `(${m('online')} and date(onlineTo) - date(onlineFrom) < duration("P15D"))`,
    ].join(' or ');
    g.choice(
      `${P}disclosureCheck`,
      'Disclosure meets the minimums? (K11a-K11c)',
      [
        {
          to: `${P}disclose`,
          when: insufficient,
          name: 'below the minimum: disclose again',
          legalBasis: 'NĐ 75/2012 Art 12(2)-(4); TT 07/2013 Art 22(3); NĐ 124/2020 [S]; BLDS 2015 Art 147(3)',
        },
      ],
      { to: `${P}disclose.doc` },
    );
    g.add(
      recordDocument(`${P}disclose.doc`, {
        type: 'complaint_decision_disclosure',
        recipients: ['public'],
        legalBasis: ART.knDisclosure,
        issuedOn: 'decisionIssuedOn',
        sentOn: 'if postingFrom != null then postingFrom else if meetingOn != null then meetingOn else onlineFrom',
      }),
    );
    g.chain(`${P}disclose`, `${P}disclose.notice`, `${P}disclosureCheck`);
    afterSend = `${P}disclose.doc`;
  }

  // Legal effect (K12 / K13).
  const effect = legalEffectClock(instance, remote);
  if (instance === 'first') {
    // The first decision takes effect 30 (45) days after issuance unless a second complaint is lodged.
    g.add(
      userTask(
        `${P}awaitEffect`,
        'Record a second complaint or lawsuit against the decision (until it takes legal effect)',
        ['case_officer', ROLE.resolver],
        'resolving',
        [
          field.date(
            'secondComplaintLodgedOn',
            'Ngày khiếu nại lần hai / khởi kiện',
            true,
            when.past('decisionIssuedOn'),
          ),
          field.oneOf('challengeKind', ['second_complaint', 'lawsuit'], 'Hình thức', true),
          field.str('linkedCaseRef', 'Hồ sơ liên quan'),
        ],
        { legalBasis: ART.knSecondComplaintWindow },
      ),
      {
        type: 'boundaryEvent',
        id: `${P}awaitEffect.effective`,
        attachedTo: `${P}awaitEffect`,
        interrupting: true,
        legalBasis: effect.legalBasis,
        trigger: { kind: 'timer', timer: effect },
      },
      {
        type: 'boundaryEvent',
        id: `${P}awaitEffect.secondComplaint`,
        attachedTo: `${P}awaitEffect`,
        interrupting: true,
        legalBasis: ART.knSecondComplaintWindow,
        trigger: { kind: 'message', messageName: 'secondComplaintLodged' },
      },
      // KN Art 44(1): a first decision challenged in time does not take effect here; the second
      // instance (a linked complaint-second case, KN Art 36) or the court (KN Art 11(9)) takes over.
      caseEnd(`${P}end.challenged`, 'decision_challenged', `${ART.knSecondComplaintWindow}; ${ART.knLegalEffectFirst}`),
    );
    g.flow(afterSend, `${P}awaitEffect`);
    // A second complaint recorded here starts the second-instance case as a linked case
    // (KN Art 7, 33); one lodged directly with the superior arrives as secondComplaintLodged.
    g.choice(
      `${P}challenge`,
      'Second complaint or lawsuit?',
      [
        {
          to: `${P}startSecond`,
          when: 'challengeKind = "second_complaint" and (linkedCaseRef = null or linkedCaseRef = "")',
          legalBasis: ART.knSecondComplaintWindow,
        },
      ],
      { to: `${P}end.challenged` },
    );
    g.add({
      type: 'callActivity',
      id: `${P}startSecond`,
      name: 'Start the linked second-instance case',
      calledKey: 'complaint-second',
      wait: false,
      legalBasis: ART.knSecondComplaintWindow,
      input: {
        firstCaseId: 'caseId',
        firstDecisionRef: 'decisionNumber',
        firstDecisionIssuedOn: 'decisionIssuedOn',
        firstDecisionReceivedOn: 'decisionReceivedOn',
        receivedOn: 'secondComplaintLodgedOn',
        remoteArea: 'remoteArea',
        massCase: 'massCase',
      },
    });
    g.chain(`${P}awaitEffect`, `${P}challenge`);
    g.flow(`${P}startSecond`, `${P}end.challenged`);
    // Lodged directly with the superior (its own case there): the lodging day is this case's last event.
    g.add(recordEvent(`${P}challenged.lodged`, 'secondComplaintLodged', 'eventOn', ART.knSecondComplaintWindow));
    g.chain(`${P}awaitEffect.secondComplaint`, `${P}challenged.lodged`, `${P}end.challenged`);
    // KN Art 44(1): the decision is final and enforceable (Art 44(4)); the case ends. The lawsuit
    // window (KN Art 44(3); Luật TTHC Art 116) is the citizen's and keeps nothing open.
    g.add(
      recordEvent(`${P}effective`, 'legalEffect', 'null', effect.legalBasis),
      caseEnd(`${P}end.effective`, 'legally_effective', effect.legalBasis),
    );
    g.chain(`${P}awaitEffect.effective`, `${P}effective`, `${P}end.effective`);
  } else {
    g.add(
      {
        type: 'intermediateCatchEvent',
        id: `${P}legalEffect`,
        name: 'Decision takes legal effect',
        legalBasis: effect.legalBasis,
        trigger: { kind: 'timer', timer: effect },
      },
      recordEvent(`${P}effective`, 'legalEffect', 'null', effect.legalBasis),
      // KN Art 44(2): the second decision is final and enforceable (Art 44(4)); the case ends.
      caseEnd(`${P}end.effective`, 'legally_effective', effect.legalBasis),
    );
    g.chain(afterSend, `${P}legalEffect`, `${P}effective`, `${P}end.effective`);
  }

  // Breach of the resolution clock: escalate once to the head, open the citizen's windows (spec §6.1).
  g.boundaries(
    phase,
    'breach',
    { kind: 'escalation', escalationCode: DUE_BREACH_ESCALATION_CODE },
    false,
    `${P}breach`,
    R.legalBasis,
  );
  g.add({ type: 'exclusiveGateway', id: `${P}breach`, name: 'Resolution deadline breached' });
  g.choice(
    `${P}breach.once`,
    'Already escalated?',
    [{ to: `${P}breach.duplicate`, when: 'resolutionOverdue = true' }],
    { to: `${P}breach.flag` },
  );
  g.flow(`${P}breach`, `${P}breach.once`);
  g.add(
    { type: 'endEvent', id: `${P}breach.duplicate`, outcome: 'breach_already_escalated' },
    setFlag(`${P}breach.flag`, 'resolution_overdue', 'resolutionOverdue', ART.escalationHead),
    notify(
      `${P}breach.notify`,
      'resolution_deadline_breach',
      ['agency_head', 'complainant_or_representative', 'same_level_inspectorate'],
      ART.escalationHead,
    ),
    { type: 'parallelGateway', id: `${P}breach.fork` },
    userTask(
      `${P}breach.headReview`,
      'Head: the complaint was not resolved in time',
      [ROLE.head],
      'resolving',
      [
        field.oneOf(
          'overdueAction',
          ['direct_resolution', 'reassign', 'take_over', 'discipline_referral', 'noted'],
          'Chỉ đạo xử lý',
          true,
        ),
        field.str('overdueInstruction', 'Nội dung chỉ đạo'),
      ],
      { legalBasis: ART.escalationHead },
    ),
    { type: 'endEvent', id: `${P}breach.end`, outcome: 'overdue_reviewed' },
    // Dated with the expiry day of R (its due day), not the day the breach is processed (KN Art 33(1)).
    recordEvent(
      `${P}breach.expired`,
      'resolutionDeadlineExpired',
      expiryDayOf(R.ruleId),
      `${R.legalBasis}; ${ART.knSecondComplaintWindow}`,
    ),
    { type: 'parallelGateway', id: `${P}windows.fork` },
  );
  g.chain(`${P}breach.flag`, `${P}breach.notify`, `${P}breach.fork`);
  g.chain(`${P}breach.fork`, `${P}breach.headReview`, `${P}breach.end`);
  g.chain(`${P}breach.fork`, `${P}breach.expired`, `${P}windows.fork`);
  const windows: ClockRule[] =
    instance === 'first' ? [secondComplaintWindowClock(remote), lawsuitWindowClock()] : [lawsuitWindowClock()];
  for (const w of windows) {
    const id = `${P}window.${w.ruleId}`;
    g.add(
      {
        type: 'intermediateCatchEvent',
        id,
        name: `Citizen window ${w.ruleId} closes`,
        legalBasis: w.legalBasis,
        trigger: { kind: 'timer', timer: w },
      },
      recordEvent(`${id}.closed`, `window${w.ruleId.replace(/\W/g, '')}Closed`, 'null', w.legalBasis),
      { type: 'endEvent', id: `${id}.end`, outcome: 'window_closed' },
    );
    g.chain(`${P}windows.fork`, id, `${id}.closed`, `${id}.end`);
  }
  // With one window the fork would have a single outgoing flow: add a no-op record branch.
  if (windows.length === 1) {
    g.add(
      notify(`${P}window.notice`, 'right_to_sue_opened', ['complainant_or_representative'], ART.knLawsuitAfterSecond),
      { type: 'endEvent', id: `${P}window.notice.end`, outcome: 'window_opened' },
    );
    g.chain(`${P}windows.fork`, `${P}window.notice`, `${P}window.notice.end`);
  }

  legalEvents(g, p, P, phase, R);
  return `${P}verify`;
}

/** Tasks of the resolution phase of a branch (prefix '' or 'remote.'). */
function resolutionPhase(P: string): string[] {
  return [`${P}verify`, `${P}dialogueInvite`, `${P}dialogue`, `${P}decide`];
}

/** Service task: the case is complex (case flag `complex`, variable `complex` = true). */
function markComplexFlag(id: string, period: LawPeriod): DefinitionNodeInput {
  return setFlag(
    id,
    'complex',
    'complex',
    period === 'from2026' ? ART.knComplex2026 : 'Luật Khiếu nại 2011 Art 28, 37',
  );
}

/**
 * The `markComplex` legal event (API `events/mark-complex`): the written determination that the
 * complaint is complex (NĐ 124/2020 Art 3a from 2026; KN Art 28, 37 "vụ việc phức tạp"), from
 * receipt until the decision: caught on the acceptance and on every task of the resolution phase,
 * it flags the case complex and records the determination. Its effect on the limit: a complex case
 * may be resolved in the longer time the resolver decides by extending the resolution clock (K3/K3b
 * <= 45/60 days, K9/K9a <= 60/70 days): the `extend` event, within the clock's policy.
 */
function markComplexEvent(g: GraphBuilder, period: LawPeriod, hosts: string[]): void {
  const basis = period === 'from2026' ? ART.knComplex2026 : 'Luật Khiếu nại 2011 Art 28, 37';
  g.boundaries(hosts, 'markComplex', { kind: 'message', messageName: 'markComplex' }, false, 'markComplex.flag', basis);
  g.add(
    markComplexFlag('markComplex.flag', period),
    recordDocument('markComplex.doc', {
      type: 'complexity_determination',
      recipients: ['case_file'],
      legalBasis: basis,
      issuedOn: 'eventOn',
      extra: { complexity: 'complexity', criteria: 'complexityCriteria', number: 'complexityDeterminationRef' },
    }),
    { type: 'endEvent', id: 'markComplex.end', outcome: 'complexity_recorded' },
  );
  g.chain('markComplex.flag', 'markComplex.doc', 'markComplex.end');
}

/** Message boundaries for the legal events on the resolution-phase tasks. */
function legalEvents(g: GraphBuilder, p: Params, P: string, phase: string[], R: ClockRule): void {
  const { period } = p;
  const k15 = (event: string): ClockRule | undefined =>
    period === 'from2026' ? suspensionSendClock(event) : undefined;
  const recipients = [
    'complainant_or_representative',
    'respondent',
    'verifier',
    'related_parties',
    'transferring_body',
    'same_level_inspectorate',
  ];

  // Withdrawal / termination (KN Art 10; from 2026 KN Art 11a): interrupting.
  g.boundaries(
    phase,
    'withdraw',
    { kind: 'message', messageName: 'withdraw' },
    true,
    `${P}terminate`,
    ART.knWithdrawal,
  );
  g.boundaries(
    phase,
    'terminate',
    { kind: 'message', messageName: 'terminate' },
    true,
    `${P}terminate`,
    ART.knTermination,
  );
  g.add({ type: 'exclusiveGateway', id: `${P}terminate`, name: 'Case terminated (đình chỉ)' });
  const terminationFields = [
    field.oneOf(
      'terminationGround',
      ['full_withdrawal', 'death_no_heir', 'organisation_dissolved', 'other'],
      'Căn cứ đình chỉ',
      true,
    ),
  ];
  const endTerminated = `${P}end.terminated`;
  // The termination decision issued and sent ends the case (KN Art 10; from 2026 KN Art 11a, NĐ 124
  // Art 28b): the citizen's windows opened by a breach (K6, K7) are cancelled with it. The complaint
  // may be lodged again only within 30 days of the termination notice (KN Art 11(8)) — a new case,
  // whose acceptance checks that bar against this case's termination_decision document dates.
  g.add(
    caseEnd(
      endTerminated,
      'terminated',
      period === 'from2026'
        ? `${ART.knWithdrawal}; ${ART.knTermination}; ${ART.knTerminationBar}`
        : `${ART.knTerminationPre2026}; ${ART.knTermination} via ${ART.knTransition}; ${ART.knTerminationBar}`,
    ),
  );
  const [t26First, t26Last] = issueAndSend(g, `${P}termination`, {
    title: 'termination decision (quyết định đình chỉ)',
    docType: 'termination_decision',
    recipients,
    legalBasis: ART.knTermination,
    issueFields: terminationFields,
    event: 'terminationIssued',
    send: suspensionSendClock('terminationIssued'),
  });
  g.flow(t26Last, endTerminated);
  if (period === 'from2026') {
    g.flow(`${P}terminate`, t26First);
  } else {
    const [oldFirst, oldLast] = issueAndSend(g, `${P}terminationOld`, {
      title: 'termination decision (Mẫu 12-KN)',
      docType: 'termination_decision',
      recipients,
      legalBasis: ART.knTerminationPre2026,
      issueFields: terminationFields,
      event: 'terminationIssued',
    });
    g.flow(oldLast, endTerminated);
    // NĐ 155/2026 Art 22(1): open cases follow the new withdrawal/termination rules for events from 01/07/2026.
    g.flow(`${P}terminate`, `${P}terminate.when`);
    g.choice(
      `${P}terminate.when`,
      'Event on or after 01/07/2026?',
      [{ to: t26First, when: onOrAfterReform('eventOn'), legalBasis: ART.knTransition }],
      { to: oldFirst },
    );
  }

  // Partial withdrawal (from 2026; KN Art 2(3), 10 as amended): the rest continues.
  g.boundaries(
    phase,
    'withdrawPartial',
    { kind: 'message', messageName: 'withdrawPartial' },
    false,
    `${P}partial`,
    ART.knPartialWithdrawal,
  );
  g.add(
    { type: 'exclusiveGateway', id: `${P}partial`, name: 'Partial withdrawal' },
    recordEvent(`${P}partial.event`, 'partialWithdrawal', 'eventOn', ART.knPartialWithdrawal),
    recordDocument(`${P}partial.doc`, {
      type: 'partial_withdrawal_record',
      recipients: ['case_file', 'complainant_or_representative'],
      legalBasis: ART.knPartialWithdrawal,
      issuedOn: 'eventOn',
      extra: {
        withdrawnContents: 'withdrawnContents',
        withdrawingComplainants: 'withdrawingComplainantRefs',
        coerced: 'coerced',
      },
    }),
    { type: 'endEvent', id: `${P}partial.end`, outcome: 'partial_withdrawal_recorded' },
  );
  g.chain(`${P}partial.event`, `${P}partial.doc`, `${P}partial.end`);
  notBefore2026(
    g,
    period,
    `${P}partial`,
    `${P}partial.event`,
    'partial withdrawal is provided for from 01/07/2026 only',
  );

  // Suspension and continuation (KN Art 11a from 2026): the interpreter stops / restarts every
  // clock with a suspensionBasis on the `suspend` / `resume` messages; K15: decisions sent in 3 WD.
  for (const [msg, id, title, docType, event] of [
    ['suspend', 'suspension', 'suspension decision (tạm đình chỉ)', 'suspension_decision', 'suspensionIssued'],
    [
      'resume',
      'continuation',
      'decision to continue (tiếp tục giải quyết)',
      'continuation_decision',
      'continuationIssued',
    ],
  ] as const) {
    g.boundaries(phase, msg, { kind: 'message', messageName: msg }, false, `${P}${id}`, ART.knSuspension);
    g.add({ type: 'exclusiveGateway', id: `${P}${id}`, name: title });
    const [first, last] = issueAndSend(g, `${P}${id}.decision`, {
      title,
      docType,
      recipients,
      legalBasis: ART.knSuspension,
      event,
      send: k15(event) ?? suspensionSendClock(event),
      issueFields:
        msg === 'suspend'
          ? [
              field.oneOf(
                'suspensionGround',
                ['force_majeure_or_obstacle', 'awaiting_other_body'],
                'Căn cứ tạm đình chỉ',
                true,
              ),
            ]
          : [],
    });
    g.add({ type: 'endEvent', id: `${P}${id}.end`, outcome: `${id}_recorded` });
    g.flow(last, `${P}${id}.end`);
    notBefore2026(
      g,
      period,
      `${P}${id}`,
      first,
      `${msg}: suspension of a complaint exists from 01/07/2026 only (KN Art 11a)`,
    );
  }

  // Complexity determined in writing (NĐ 124 Art 3a from 2026): the `extend` message extends the
  // resolution clock within its policy (KN Art 28/37 ceilings); the determination is recorded.
  g.boundaries(phase, 'extend', { kind: 'message', messageName: 'extend' }, false, `${P}complexity`, ART.knComplex2026);
  g.add(
    userTask(
      `${P}complexity`,
      'Record the written complexity determination',
      [ROLE.resolver],
      'resolving',
      [
        field.manyOf('complexityCriteria', COMPLEXITY_CRITERIA, 'Tiêu chí phức tạp', period === 'from2026'),
        field.str('complexityDeterminationRef', 'Văn bản xác định', true),
        field.date('complexityDeterminedOn', 'Ngày xác định', true, when.past()),
      ],
      {
        legalBasis:
          period === 'from2026'
            ? ART.knComplex2026
            : 'Luật Khiếu nại 2011 Art 28, 37 (no statutory criteria before 2026: UNCONFIRMED)',
      },
    ),
    recordDocument(`${P}complexity.doc`, {
      type: 'complexity_determination',
      recipients: ['case_file', 'complainant_or_representative'],
      legalBasis: ART.knComplex2026,
      issuedOn: 'complexityDeterminedOn',
    }),
    // The extended limit is the complex case's (KN Art 28, 37): the case is complex from now on (flag + read model).
    markComplexFlag(`${P}complexity.flag`, period),
    { type: 'endEvent', id: `${P}complexity.end`, outcome: 'complexity_recorded' },
  );
  g.chain(`${P}complexity`, `${P}complexity.flag`, `${P}complexity.doc`, `${P}complexity.end`);

  // Supplement of documents and stay of execution (KN Art 35): recorded, the process continues.
  g.boundaries(phase, 'supplement', { kind: 'message', messageName: 'supplement' }, false, `${P}supplement`);
  g.add(
    recordDocument(`${P}supplement`, {
      type: 'supplement_received',
      recipients: ['case_file'],
      legalBasis: 'Luật Khiếu nại 2011 Art 12',
      receivedOn: 'eventOn',
    }),
    { type: 'endEvent', id: `${P}supplement.end`, outcome: 'supplement_recorded' },
  );
  g.flow(`${P}supplement`, `${P}supplement.end`);
  g.boundaries(phase, 'stay', { kind: 'message', messageName: 'stayExecution' }, false, `${P}stay`, ART.knStay);
  g.add({ type: 'exclusiveGateway', id: `${P}stay`, name: 'Stay of execution' });
  const [stayFirst, stayLast] = issueAndSend(g, `${P}stay.decision`, {
    title: 'stay of execution of the contested decision (KN Art 35)',
    docType: 'stay_of_execution_decision',
    legalBasis: ART.knStay,
    recipients: ['complainant_or_representative', 'respondent', 'related_parties'],
    event: 'stayIssued',
    issueFields: [
      field.date(
        'stayLiftedBy',
        'Thời hạn tạm đình chỉ thi hành (≤ thời hạn giải quyết còn lại)',
        false,
        when.planned(),
      ),
    ],
  });
  // K17 (KN Art 35): the stay lasts at most the time remaining to resolve the complaint and is lifted as soon as its
  // reason ends. The lift is a task due with the resolution limit itself — the same start (acceptance), amount and
  // unit as R, with R's suspension and extension policies, following R (a suspension or extension addressed to R
  // moves both alike) — and its breach escalates like any other (flag, notification, head's review).
  const k17: ClockRule = {
    ...R,
    ruleId: `K17_${R.ruleId}`,
    follows: R.ruleId,
    legalBasis: `${ART.knStay}; TT 07/2013 Art 17(2): at most the time remaining of ${R.ruleId}`,
  };
  g.add(
    userTask(
      `${P}stay.lift`,
      'Lift the stay of execution (as soon as its reason ends; at the latest when the resolution time runs out)',
      [ROLE.resolver],
      'resolving',
      [
        field.date('stayLiftedOn', 'Ngày hủy bỏ quyết định tạm đình chỉ thi hành', true, when.past('stayIssued')),
        field.str('stayLiftDecisionRef', 'Quyết định hủy bỏ (số, ký hiệu)'),
      ],
      { due: k17, legalBasis: ART.knStay },
    ),
    recordDocument(`${P}stay.lift.doc`, {
      type: 'stay_of_execution_lifted',
      recipients: ['complainant_or_representative', 'respondent', 'related_parties'],
      legalBasis: ART.knStay,
      issuedOn: 'stayLiftedOn',
    }),
    { type: 'endEvent', id: `${P}stay.end`, outcome: 'stay_lifted' },
  );
  g.flow(`${P}stay`, stayFirst);
  g.chain(stayLast, `${P}stay.lift`, `${P}stay.lift.doc`, `${P}stay.end`);
}

/**
 * In v1 (law until 30/06/2026) a 2026-only legal event applies only when it happens on or after
 * 01/07/2026 (NĐ 155/2026 Art 22(1), see transition.ts); earlier events are recorded as a warning.
 */
function notBefore2026(g: GraphBuilder, period: LawPeriod, gate: string, then: string, warning: string): void {
  if (period === 'from2026') {
    g.flow(gate, then);
    return;
  }
  const warn = `${gate}.refused`;
  g.flow(gate, `${gate}.when`);
  g.choice(
    `${gate}.when`,
    'Event on or after 01/07/2026?',
    [{ to: then, when: onOrAfterReform('eventOn'), legalBasis: ART.knTransition }],
    { to: warn },
  );
  g.add(
    {
      type: 'serviceTask',
      id: warn,
      name: 'Record: not available before 01/07/2026',
      activity: ACTIVITY.recordWarning,
      input: { message: lit(warning) },
      output: {},
    },
    { type: 'endEvent', id: `${warn}.end`, outcome: 'event_not_applicable' },
  );
  g.flow(warn, `${warn}.end`);
}

/** Builds complaint-first / complaint-second for one period of law. */
export function complaintDefinition(instance: Instance, period: LawPeriod): ProcessDefinitionInput {
  const p: Params = { instance, period };
  const g = new GraphBuilder();
  const clocks = acceptanceClocks(instance, period);
  const acceptBasis = instance === 'first' ? ART.knAcceptanceLaw : ART.knAcceptanceSecond;
  const acceptFields = [
    field.oneOf('acceptanceDecision', ['accept', 'refuse'], 'Thụ lý / không thụ lý', true),
    field.oneOf('refusalGround', NON_ACCEPTANCE_GROUNDS, 'Lý do không thụ lý (KN Art 11)'),
    field.date('acceptanceNoticeOn', 'Ngày thông báo thụ lý / không thụ lý', true, when.past('acceptedOn')),
    field.date('acceptedOn', 'Ngày thụ lý', false, when.past()),
    field.bool('remoteArea', 'Vùng sâu, vùng xa đi lại khó khăn'),
    field.bool('complex', 'Vụ việc phức tạp'),
    field.bool('allSignaturesAndAppointment', 'Đơn nhiều người: đủ chữ ký và văn bản cử người đại diện'),
    field.str('representativeRef', 'Người đại diện nhận thông báo (tham chiếu)'),
    ...(instance === 'second'
      ? [
          field.str('firstDecisionRef', 'Quyết định giải quyết lần đầu'),
          field.date('firstDecisionReceivedOn', 'Ngày nhận quyết định lần đầu (K6)', false, when.before()),
          field.bool('firstInstanceLapsed', 'Hết thời hạn giải quyết lần đầu mà không được giải quyết'),
          field.date('firstInstanceExpiredOn', 'Ngày hết thời hạn giải quyết lần đầu (K6, khi không có quyết định)'),
          field.str('lateLegitimateReason', 'Quá thời hạn khiếu nại lần hai có lý do chính đáng (KN Art 11(6), Art 9)'),
        ]
      : []),
  ];

  g.add({
    type: 'startEvent',
    id: 'start',
    name: instance === 'first' ? 'Complaint received (first instance)' : 'Second complaint received',
  });
  g.add(
    userTask(
      'accept',
      'Accept or refuse the complaint (thụ lý)',
      [ROLE.resolver, ROLE.letterOfficer],
      'resolving',
      acceptFields,
      { due: clocks.strict, legalBasis: acceptBasis },
    ),
  );
  g.merge('accepted.merge', instance === 'second' ? 'window.start' : 'acceptDecision');
  if (clocks.alternative) {
    // Configurable unit (spec §1.2): acceptanceUnit = "working_days" uses the implementing rules;
    // the default is the stricter calendar-day count, with a warning on the case.
    g.add(
      userTask(
        'accept.wd',
        'Accept or refuse the complaint (thụ lý) — working-day count',
        [ROLE.resolver, ROLE.letterOfficer],
        'resolving',
        acceptFields,
        { due: clocks.alternative },
      ),
    );
    g.add({
      type: 'serviceTask',
      id: 'acceptUnit.warning',
      name: 'Warn: stricter acceptance unit applied',
      activity: ACTIVITY.recordWarning,
      input: {
        message: lit(
          'Acceptance limit: the Law says 10 ngày, TT 07/2013 Art 5(1) / NĐ 124 Art 16(1) say 10 ngày làm việc; the stricter calendar-day count is applied (spec §1.2). Set acceptanceUnit = "working_days" to use working days.',
        ),
      },
      output: {},
    });
    g.choice(
      'acceptUnit',
      'Acceptance unit (configurable)',
      [{ to: 'accept.wd', when: 'acceptanceUnit = "working_days"', legalBasis: ART.knAcceptanceRules }],
      { to: 'acceptUnit.warning', name: 'stricter: calendar days' },
    );
    g.flow('start', representativesStep(g, 'acceptUnit', ART.knRepresentatives, [ROLE.resolver, ROLE.letterOfficer]));
    g.chain('acceptUnit.warning', 'accept');
    g.flow('accept.wd', 'accepted.merge');
  } else {
    g.flow('start', representativesStep(g, 'accept', ART.knRepresentatives, [ROLE.resolver, ROLE.letterOfficer]));
  }
  g.flow('accept', 'accepted.merge');
  // Withdrawal before acceptance (KN Art 10): recorded, the case ends.
  g.boundaries(
    clocks.alternative ? ['accept', 'accept.wd'] : ['accept'],
    'withdraw',
    { kind: 'message', messageName: 'withdraw' },
    true,
    'withdrawnEarly.doc',
    ART.knWithdrawal,
  );
  g.add(
    recordDocument('withdrawnEarly.doc', {
      type: 'withdrawal_record',
      recipients: ['case_file'],
      legalBasis: ART.knWithdrawal,
      receivedOn: 'eventOn',
    }),
    // KN Art 10: withdrawn before acceptance — nothing is being resolved; recorded, the case ends.
    caseEnd('end.withdrawnEarly', 'withdrawn', ART.knWithdrawal),
  );
  g.flow('withdrawnEarly.doc', 'end.withdrawnEarly');

  const noticeRecipients = ['complainant_or_representative', 'transferring_body', 'same_level_inspectorate'];
  // Second instance: the second complaint must be lodged within the K6 window (KN Art 33(1)).
  // Collective complaints need every signature and the written appointment of representatives
  // (TT 07/2013 Art 5(1); NĐ 124 Art 16(1)).
  const collectiveOk = '(massCase != true or allSignaturesAndAppointment = true)';
  // K6 (KN Art 33(1)): 30 days (remote area <= 45) from receipt of the first decision, or from the day the first-instance
  // limit expired with no decision; computed on the agency calendar (BLDS 2015 Art 147-148, Art 148(5) roll-forward)
  // and compared with the day the second complaint was lodged (receivedOn). A late complaint is refused unless the
  // officer records a legitimate reason (KN Art 11(6): "đã hết mà không có lý do chính đáng"; Art 9 para 2 obstacles).
  const lateReasonGiven = '(lateLegitimateReason != null and lateLegitimateReason != "")';
  const inWindow = `(date(receivedOn) <= date(secondComplaintWindowDue) or ${lateReasonGiven})`;
  // KN Art 33(1): the right to a second complaint arises when the first decision is received (the
  // complainant disagrees with it) or when the first-instance limit has passed with no decision. One
  // lodged before that (before receiving the decision, or on or before the limit's expiry day, when
  // the first instance may still decide) is not a second complaint yet: refused, first_instance_pending.
  const premature =
    '(if firstInstanceLapsed = true then (firstInstanceExpiredOn != null and date(receivedOn) <= date(firstInstanceExpiredOn))' +
    ' else (firstDecisionReceivedOn != null and date(receivedOn) < date(firstDecisionReceivedOn)))';
  const acceptWhen =
    instance === 'first'
      ? `acceptanceDecision = "accept" and ${collectiveOk}`
      : `acceptanceDecision = "accept" and not(${premature}) and ${inWindow} and ${collectiveOk}`;
  if (instance === 'second') {
    const windowStart = 'if firstInstanceLapsed = true then firstInstanceExpiredOn else firstDecisionReceivedOn';
    const missing = `acceptanceDecision = "accept" and (${windowStart}) = null`;
    g.choice(
      'window.start',
      'Start of the second-complaint window known? (K6)',
      [
        ...(clocks.alternative
          ? [
              {
                to: 'accept.wd',
                when: `${missing} and acceptanceUnit = "working_days"`,
                name: 'date missing: complete the acceptance',
                legalBasis: ART.knSecondComplaintWindow,
              },
            ]
          : []),
        {
          to: 'accept',
          when: missing,
          name: 'date missing: complete the acceptance',
          legalBasis: ART.knSecondComplaintWindow,
        },
        { to: 'window', when: 'acceptanceDecision = "accept"', legalBasis: ART.knSecondComplaintWindow },
      ],
      { to: 'acceptDecision', name: 'refused: no window to compute' },
    );
    g.add({
      type: 'serviceTask',
      id: 'window',
      name: 'Compute the second-complaint window (K6)',
      activity: ACTIVITY.computeDeadline,
      legalBasis: `${ART.knSecondComplaintWindow}; BLDS 2015 Art 147-148`,
      input: { start: windowStart, amount: 'if remoteArea = true then 45 else 30', unit: lit('calendar_days') },
      output: { secondComplaintWindowDue: 'due' },
    });
    g.flow('window', 'acceptDecision');
  }
  g.choice(
    'acceptDecision',
    'Accepted?',
    [
      {
        to: 'accepted',
        when: acceptWhen,
        legalBasis:
          instance === 'first'
            ? acceptBasis
            : `${acceptBasis}; ${ART.knSecondComplaintWindow}; ${ART.knNonAcceptance}(6)`,
      },
    ],
    { to: 'refused.doc', name: 'refused with reasons' },
  );
  // The ground on the notice: the officer's; else, for a second complaint accepted but premature, first_instance_pending
  // (KN Art 33(1)); accepted but late, time_barred (KN Art 11(6)).
  const ground =
    instance === 'first'
      ? 'refusalGround'
      : `if refusalGround != null then refusalGround else if acceptanceDecision = "accept" and ${premature} then "first_instance_pending" else if acceptanceDecision = "accept" and not(${inWindow}) then "time_barred" else null`;
  g.add(
    recordDocument('refused.doc', {
      type: 'non_acceptance_notice',
      recipients: noticeRecipients,
      legalBasis: `${acceptBasis}; ${ART.knNonAcceptance}`,
      issuedOn: 'acceptanceNoticeOn',
      extra: { ground },
    }),
    caseEnd('end.notAccepted', 'not_accepted', `${acceptBasis}; ${ART.knNonAcceptance}`),
    recordEvent('accepted', 'accepted', 'acceptedOn', acceptBasis),
    recordDocument('accepted.doc', {
      type: 'acceptance_notice',
      recipients: noticeRecipients,
      legalBasis: acceptBasis,
      issuedOn: 'acceptanceNoticeOn',
    }),
  );
  g.chain('refused.doc', 'end.notAccepted');
  g.chain('accepted', 'accepted.doc', 'area');
  const normal = resolutionBranch(g, p, false);
  const remote = resolutionBranch(g, p, true);
  markComplexEvent(g, period, [
    ...(clocks.alternative ? ['accept', 'accept.wd'] : ['accept']),
    ...resolutionPhase(''),
    ...resolutionPhase('remote.'),
  ]);
  g.choice(
    'area',
    'Remote area? (vùng sâu, vùng xa)',
    [
      {
        to: remote,
        when: 'remoteArea = true',
        legalBasis: instance === 'first' ? ART.knResolutionFirst : ART.knResolutionSecond,
      },
    ],
    { to: normal },
  );
  addOverdueHandler(g);

  const title = instance === 'first' ? 'Giải quyết khiếu nại lần đầu' : 'Giải quyết khiếu nại lần hai';
  return definition(
    {
      key: instance === 'first' ? 'complaint-first' : 'complaint-second',
      version: period === 'pre2026' ? 1 : 2,
      name: `${title} (${PERIOD_LABEL[period]})`,
      caseType: instance === 'first' ? 'complaint_first' : 'complaint_second',
      effectiveFrom: period === 'pre2026' ? '2020-12-10' : REFORM_2026,
      ...(period === 'pre2026' ? { effectiveTo: REFORM_2026 } : {}),
      legalBasis:
        period === 'pre2026'
          ? 'Luật Khiếu nại 2011; NĐ 124/2020/NĐ-CP; TT 07/2013/TT-TTCP; transition NĐ 155/2026 Art 22'
          : 'Luật Khiếu nại 2011 as amended by Luật 136/2025/QH15; NĐ 124/2020 as amended by NĐ 155/2026',
      variables: {
        lawPeriod: period,
        remoteArea: false,
        complex: false,
        massCase: false,
        resolutionOverdue: false,
        overdue: false,
        // K11a (NĐ 75/2012 Art 12(2); TT 07/2013 Art 22(3)(a): 3 working days [P]; NĐ 124: "3 days" [S], unit UNCONFIRMED).
        disclosureMeetingNoticeDays: 3,
        disclosureMeetingNoticeUnit: 'working_days',
        ...(period === 'pre2026' ? { acceptanceUnit: 'calendar_days' } : {}),
        forwardedBy: 'none',
        eventOn: null,
      },
    },
    g,
  );
}
