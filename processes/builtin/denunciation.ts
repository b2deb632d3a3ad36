/**
 * Denunciations (tố cáo), spec §4, master table T1-T12. Two versions: v1 (law until 30/06/2026)
 * and v2 (from 01/07/2026: NĐ 156/2026 — the expertise request also goes to the denouncer,
 * protection ends on deliberate breach). Durations are the same in both.
 *
 * Confidentiality (TC Art 8(3), 47, 56): the denouncer's identity never enters variables; forms
 * and documents carry opaque references (`denouncerRef`) and role names only.
 */
import type { ClockRule, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { DUE_BREACH_ESCALATION_CODE } from '../../workflows/engine/index.js';
import {
  ACTIVITY,
  GraphBuilder,
  ROLE,
  addOverdueHandler,
  breachSteps,
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
  userTask,
  when,
} from './build.js';
import { COMPLEXITY_CRITERIA } from './complaint.js';
import { ART, PERIOD_LABEL, REFORM_2026, type LawPeriod } from './law.js';

/** T1/T1a: initial processing in 7 WD, up to 10 WD when checks span several places (one +3 WD extension). */
export const T1: ClockRule = clock('T1', ART.tcInitial, 7, 'working_days', 'received', {
  extension: {
    maxExtensions: 1,
    maxAmountEach: 3,
    legalBasis: `${ART.tcInitial}: several places or delegated checks, <= 10 working days in total (T1a)`,
  },
});
/** T3: transfer to the competent body within 5 WD of receipt. */
export const T3: ClockRule = clock('T3', ART.tcTransfer, 5, 'working_days', 'received');
/** T4: notify acceptance (denouncer) and the content (accused) within 5 WD. */
export const T4: ClockRule = clock('T4', ART.tcAcceptanceNotice, 5, 'working_days', 'accepted');
/**
 * T5/T5a/T5b: resolve within 30 days of acceptance; complex: one extension <= 30; especially
 * complex: two (TC Art 30; NĐ 31 Art 3). The policy carries the legal maximum (2) and the levels
 * of the law over the variable `complexity` (data, ADR 0018): the interpreter refuses up front any
 * extension of a normal case (Art 30(1)), a second one of a merely complex case (Art 30(2)), a
 * third (Art 30(3)). The complexity may be determined after the intake (`markComplex`).
 */
export const T5: ClockRule = clock('T5', ART.tcResolution, 30, 'calendar_days', 'accepted', {
  suspensionBasis: 'Luật Tố cáo 2018 Art 34(2)',
  extension: {
    maxExtensions: 2,
    maxAmountEach: 30,
    legalBasis: 'Luật Tố cáo 2018 Art 30(2)-(3); NĐ 31/2019 Art 3(2)-(3)',
    byLevel: {
      variable: 'complexity',
      levels: [
        { value: 'complex', maxExtensions: 1, maxAmountEach: 30, legalBasis: 'Luật Tố cáo 2018 Art 30(2)' },
        { value: 'especially_complex', maxExtensions: 2, maxAmountEach: 30, legalBasis: 'Luật Tố cáo 2018 Art 30(3)' },
      ],
      otherwise: 'Luật Tố cáo 2018 Art 30(1)',
    },
  },
});
/** T6: suspension / termination decisions sent within 5 WD. */
export const T6 = (event: string): ClockRule => clock('T6', ART.tcSendSuspension, 5, 'working_days', event);
/** T7: conclusion sent within 5 WD of issuance. */
export const T7: ClockRule = clock('T7', ART.tcSendConclusion, 5, 'working_days', 'conclusionIssued');
/** T8: conclusion acted upon within 7 WD. */
export const T8: ClockRule = clock('T8', ART.tcHandling, 7, 'working_days', 'conclusionIssued');
/** T9: conclusion published within 7 WD. */
export const T9: ClockRule = clock('T9', 'Luật Tố cáo 2018 Art 40(1)', 7, 'working_days', 'conclusionIssued');
/** T10: review of a follow-up denunciation (wrongful resolution) within 20 days. */
export const T10: ClockRule = clock('T10', ART.tcReview, 20, 'calendar_days', 'received');
/** T11: the higher head demands a report within 5 WD of the follow-up denunciation on an overdue case. */
export const T11: ClockRule = clock('T11', ART.tcOverdueDemand, 5, 'working_days', 'received');
/** T11a: the lower level reports within 5 WD of the demand. */
export const T11a: ClockRule = clock('T11a', ART.tcOverdueReport, 5, 'working_days', 'reportDemanded');
/** T12: report the outcome to the press/authority that forwarded the denunciation within 20 days. */
export const T12: ClockRule = clock('T12', ART.tcForwarded, 20, 'calendar_days', 'received');

const DENOUNCER = 'denouncer_ref';
const ACCUSED = 'accused';

/** Builds the denunciation definition for one period of law. */
export function denunciationDefinition(period: LawPeriod): ProcessDefinitionInput {
  const g = new GraphBuilder();
  g.add({ type: 'startEvent', id: 'start', name: 'Denunciation received' });

  // Follow-up denunciations to the higher head (TC Art 37, 38) start here too (variable followUp).
  g.choice(
    'kind',
    'Original denunciation or follow-up?',
    [
      { to: 'review', when: 'followUp = "wrongful_resolution"', legalBasis: ART.tcReview },
      { to: 'demandReport', when: 'followUp = "overdue"', legalBasis: ART.tcOverdueDemand },
    ],
    { to: 'initial', name: 'original' },
  );
  // Several denouncers on one content name their representatives (Luật Tố cáo 2018 Art 23(1)-(2); Luật Tiếp
  // công dân 2013 Art 29: 5-10 people 1 or 2, more than 10 up to 5): checked before the initial processing.
  g.flow(
    'start',
    representativesStep(g, 'kind', 'Luật Tố cáo 2018 Art 23(1)-(2); Luật Tiếp công dân 2013 Art 29', [
      ROLE.letterOfficer,
      ROLE.resolver,
    ]),
  );

  // T12 (TC Art 26(2)): the result of the initial processing (accepted, transferred, not accepted,
  // inspected) is reported to the press or authority that forwarded the denunciation within 20 days
  // of receipt. Every outcome of the initial processing records itself (`initialOutcome`) and passes
  // through the report, so no outcome ends the case before the forwarder is told; the accepted one
  // then goes on to verification.
  g.merge('report.merge', 'forwarded');
  g.choice(
    'forwarded',
    'Forwarded by the press or an authority?',
    [{ to: 'reportForwarder', when: 'forwardedBy != null and forwardedBy != "none"', legalBasis: ART.tcForwarded }],
    { to: 'forwarded.merge' },
  );
  g.add(
    userTask(
      'reportForwarder',
      'Report the handling result to the forwarding press/authority',
      [ROLE.letterOfficer, ROLE.resolver],
      'resolving',
      [
        field.date('forwarderReportedOn', 'Ngày báo cáo', true, when.past()),
        field.str('forwarderReportRef', 'Văn bản (tham chiếu)', true),
      ],
      { due: T12 },
    ),
    recordDocument('reportForwarder.doc', {
      type: 'report_to_forwarder',
      recipients: ['forwarding_body'],
      legalBasis: ART.tcForwarded,
      issuedOn: 'forwarderReportedOn',
      sentOn: 'forwarderReportedOn',
      extra: { outcome: 'initialOutcome' },
    }),
  );
  g.merge('forwarded.merge', 'initialOutcome');
  g.chain('reportForwarder', 'reportForwarder.doc', 'forwarded.merge');
  const setOutcome = (id: string, value: string) => ({
    type: 'serviceTask' as const,
    id,
    name: `Outcome: ${value}`,
    activity: ACTIVITY.setCaseFlag,
    input: { flag: lit('initial_outcome'), value: lit(value) },
    output: { initialOutcome: 'value' },
  });
  g.choice(
    'initialOutcome',
    'Outcome of the initial processing',
    [
      { to: 'notifyAcceptance', when: 'initialOutcome = "accepted"', name: 'accepted: notify and verify' },
      { to: 'end.notAccepted', when: 'initialOutcome = "not_accepted"' },
      { to: 'notProcessed.end', when: 'initialOutcome = "not_processed"' },
      { to: 'end.criminal', when: 'initialOutcome = "referred_criminal"' },
      { to: 'end.transferred', when: 'initialOutcome = "transferred"' },
    ],
    { to: 'end.anonymous', name: 'anonymous information handled' },
  );

  // T1: initial processing (TC Art 24(1)); acceptance conditions (TC Art 29(1)).
  g.add(
    userTask(
      'initial',
      'Register, classify and check the denunciation (7 WD; 10 WD for several places)',
      [ROLE.letterOfficer, ROLE.resolver],
      'resolving',
      [
        field.oneOf(
          'initialDecision',
          ['accept', 'refuse', 'transfer', 'not_processed', 'anonymous_concrete', 'refer_criminal'],
          'Kết quả xử lý ban đầu',
          true,
        ),
        field.bool('formComplete', 'Đơn đúng hình thức (TC Art 23)', true),
        field.bool('denouncerHasCapacity', 'Người tố cáo có năng lực hành vi dân sự hoặc người đại diện', true),
        field.bool('withinCompetence', 'Thuộc thẩm quyền', true),
        field.bool('violationIdentifiable', 'Có cơ sở xác định người vi phạm, hành vi vi phạm', true),
        field.bool('severalPlaces', 'Cần kiểm tra nhiều địa điểm / ủy quyền (T1a)'),
        field.bool('alsoSentToCompetentBody', 'Đồng thời gửi cơ quan có thẩm quyền / đã được hướng dẫn (TC Art 24(3))'),
        field.bool('signsOfCrime', 'Có dấu hiệu tội phạm (TC Art 27)'),
        field.str('refusalReason', 'Lý do không thụ lý'),
        field.date('acceptedOn', 'Ngày thụ lý', false, when.past()),
        field.str('acceptedContent', 'Nội dung thụ lý'),
        field.str('denouncerRef', 'Người tố cáo (tham chiếu, không ghi thông tin cá nhân)'),
        field.oneOf('complexity', ['normal', 'complex', 'especially_complex'], 'Mức độ phức tạp (NĐ 31 Art 3)'),
      ],
      { due: T1 },
    ),
  );
  g.flow('initial', 'route');
  g.choice(
    'route',
    'Initial decision',
    [
      {
        to: 'accepted',
        when: 'initialDecision = "accept" and formComplete = true and denouncerHasCapacity = true and withinCompetence = true and violationIdentifiable = true',
        legalBasis: ART.tcAcceptance,
      },
      { to: 'transfer', when: 'initialDecision = "transfer" or withinCompetence = false', legalBasis: ART.tcTransfer },
      {
        to: 'criminal.doc',
        when: 'initialDecision = "refer_criminal" or signsOfCrime = true',
        legalBasis: ART.tcCrime,
      },
      { to: 'anonymous', when: 'initialDecision = "anonymous_concrete"', legalBasis: ART.tcAnonymous },
      {
        to: 'outcome.notProcessed',
        when: 'initialDecision = "not_processed" or alsoSentToCompetentBody = true',
        legalBasis: 'Luật Tố cáo 2018 Art 24(3)',
      },
    ],
    { to: 'refused.doc', name: 'refuse (notify at once with reasons, T2)' },
  );
  g.add(
    // T2: refusal notified "ngay" (at once): no day count, recorded with its date.
    recordDocument('refused.doc', {
      type: 'denunciation_refusal_notice',
      recipients: [DENOUNCER],
      legalBasis: ART.tcInitial,
      issuedOn: 'null',
      extra: { reason: 'refusalReason' },
    }),
    setOutcome('outcome.notAccepted', 'not_accepted'),
    caseEnd('end.notAccepted', 'not_accepted', `${ART.tcInitial}; ${ART.tcAcceptance}`),
    setOutcome('outcome.notProcessed', 'not_processed'),
    caseEnd('notProcessed.end', 'not_processed', 'Luật Tố cáo 2018 Art 24(3)'),
    recordDocument('criminal.doc', {
      type: 'criminal_referral',
      recipients: ['investigation_body_or_procuracy'],
      legalBasis: ART.tcCrime,
      issuedOn: 'null',
    }),
    setOutcome('outcome.criminal', 'referred_criminal'),
    caseEnd('end.criminal', 'referred_criminal', ART.tcCrime),
    userTask(
      'transfer',
      'Transfer to the competent body and notify the denouncer',
      [ROLE.letterOfficer],
      'resolving',
      [
        field.date('transferredOn', 'Ngày chuyển', true, when.past()),
        field.str('competentBodyRef', 'Cơ quan có thẩm quyền', true),
      ],
      { due: T3 },
    ),
    recordDocument('transfer.doc', {
      type: 'denunciation_transfer',
      recipients: ['competent_body', DENOUNCER],
      legalBasis: ART.tcTransfer,
      issuedOn: 'transferredOn',
      sentOn: 'transferredOn',
    }),
    setOutcome('outcome.transferred', 'transferred'),
    caseEnd('end.transferred', 'transferred', ART.tcTransfer),
    // TC Art 25: anonymous/unverifiable information with concrete evidence: inspect within powers or pass on.
    userTask(
      'anonymous',
      'Anonymous information with concrete evidence: inspect or pass on (TC Art 25)',
      [ROLE.resolver, ROLE.inspectorate],
      'resolving',
      [
        field.oneOf('anonymousAction', ['inspect_within_powers', 'pass_to_competent_body', 'archive'], 'Xử lý', true),
        field.date('anonymousHandledOn', 'Ngày xử lý', true, when.past()),
      ],
      { legalBasis: ART.tcAnonymous },
    ),
    recordDocument('anonymous.doc', {
      type: 'anonymous_information_handling',
      recipients: ['case_file'],
      legalBasis: ART.tcAnonymous,
      issuedOn: 'anonymousHandledOn',
    }),
    setOutcome('outcome.anonymous', 'anonymous_handled'),
    caseEnd('end.anonymous', 'anonymous_handled', ART.tcAnonymous),
  );
  g.chain('refused.doc', 'outcome.notAccepted', 'report.merge');
  g.flow('outcome.notProcessed', 'report.merge');
  g.chain('criminal.doc', 'outcome.criminal', 'report.merge');
  g.chain('transfer', 'transfer.doc', 'outcome.transferred', 'report.merge');
  g.chain('anonymous', 'anonymous.doc', 'outcome.anonymous', 'report.merge');

  // Acceptance (TC Art 29; NĐ 31 Art 9): decision, then notices in 5 WD (T4).
  g.add(
    recordEvent('accepted', 'accepted', 'acceptedOn', ART.tcAcceptance),
    recordDocument('accepted.decision', {
      type: 'denunciation_acceptance_decision',
      recipients: ['case_file'],
      legalBasis: `${ART.tcAcceptance} (Mẫu 04)`,
      issuedOn: 'acceptedOn',
    }),
    userTask(
      'notifyAcceptance',
      'Notify the denouncer (acceptance) and the accused (content)',
      [ROLE.letterOfficer, ROLE.resolver],
      'resolving',
      [field.date('acceptanceNoticeSentOn', 'Ngày gửi thông báo', true, when.past('accepted'))],
      { due: T4 },
    ),
    recordDocument('notifyAcceptance.doc', {
      type: 'denunciation_acceptance_notices',
      recipients: [DENOUNCER, ACCUSED],
      legalBasis: `${ART.tcAcceptanceNotice} (Mẫu 05, 06)`,
      issuedOn: 'acceptedOn',
      sentOn: 'acceptanceNoticeSentOn',
    }),
  );
  // The higher body's own acceptance (NĐ 31 Art 5, from reAccept) takes the same path: it is an acceptance too.
  g.add(setOutcome('outcome.accepted', 'accepted'));
  g.chain('accepted', 'accepted.decision', 'outcome.accepted', 'report.merge');
  g.chain('notifyAcceptance', 'notifyAcceptance.doc', 'verify');

  const phase = ['verify', 'conclude'];
  g.add(
    userTask(
      'verify',
      'Verify the denunciation (tổ xác minh ≥ 2 members; the accused explains)',
      [ROLE.verifier, ROLE.inspectorate],
      'resolving',
      [
        field.str('verificationReportRef', 'Báo cáo kết quả xác minh (tham chiếu)', true),
        field.num('verificationTeamSize', 'Số thành viên tổ xác minh (≥ 2)', true),
        field.bool('accusedExplained', 'Người bị tố cáo đã giải trình (TC Art 31(4))', true),
        field.bool('expertiseRequested', 'Trưng cầu giám định'),
        ...(period === 'from2026'
          ? [field.bool('expertiseRequestSentToDenouncer', 'Văn bản trưng cầu gửi người tố cáo (NĐ 156/2026)')]
          : []),
        field.bool('signsOfCrimeFound', 'Phát hiện dấu hiệu tội phạm (NĐ 31 Art 16(3))'),
        field.oneOf('proposedFinding', ['true', 'partly_true', 'false'], 'Đề xuất kết luận'),
      ],
      { due: T5, legalBasis: ART.tcVerification },
    ),
    userTask(
      'conclude',
      'Issue the conclusion (kết luận nội dung tố cáo)',
      [ROLE.resolver],
      'resolving',
      [
        field.str('conclusionNumber', 'Số kết luận', true),
        field.date('conclusionIssuedOn', 'Ngày ban hành', true, when.past('accepted')),
        field.str('verificationResult', 'Kết quả xác minh', true),
        field.str('legalBasisCited', 'Căn cứ pháp luật', true),
        field.oneOf('finding', ['true', 'partly_true', 'false'], 'Kết luận đúng / đúng một phần / sai', true),
        field.str('responsibility', 'Trách nhiệm của từng cá nhân, cơ quan'),
        field.str('measures', 'Biện pháp xử lý, kiến nghị'),
        field.bool('reResolution', 'Giải quyết lại (NĐ 31 Art 17(2))'),
      ],
      { due: T5, legalBasis: ART.tcConclusion },
    ),
    recordEvent('conclude.issued', 'conclusionIssued', 'conclusionIssuedOn', ART.tcConclusion),
    recordDocument('conclude.doc', {
      type: 'denunciation_conclusion',
      recipients: ['case_file'],
      legalBasis: `${ART.tcConclusion} (Mẫu 12)`,
      issuedOn: 'conclusionIssuedOn',
      extra: { number: 'conclusionNumber' },
    }),
    { type: 'parallelGateway', id: 'after.fork' },
    userTask(
      'sendConclusion',
      'Send the conclusion (accused, managing body, related parties) and notify the denouncer',
      [ROLE.letterOfficer, ROLE.resolver],
      'resolving',
      [
        field.date('conclusionSentOn', 'Ngày gửi', true, when.past('conclusionIssuedOn')),
        field.date('denouncerNotifiedOn', 'Ngày thông báo người tố cáo', true, when.past('conclusionIssuedOn')),
      ],
      { due: T7 },
    ),
    recordDocument('sendConclusion.doc', {
      type: 'denunciation_conclusion_dispatch',
      recipients: [ACCUSED, 'accused_managing_body', 'related_parties', DENOUNCER],
      legalBasis: ART.tcSendConclusion,
      issuedOn: 'conclusionIssuedOn',
      sentOn: 'conclusionSentOn',
    }),
    userTask(
      'handleConclusion',
      'Act on the conclusion (sanction, restore rights, refer)',
      [ROLE.resolver, ROLE.head],
      'resolving',
      [
        field.oneOf(
          'handlingAction',
          ['sanction', 'recommend_sanction', 'restore_rights', 'act_against_false_accuser', 'refer_criminal', 'none'],
          'Xử lý',
          true,
        ),
        field.date('handledOn', 'Ngày xử lý', true, when.past('conclusionIssuedOn')),
      ],
      { due: T8 },
    ),
    recordDocument('handleConclusion.doc', {
      type: 'conclusion_handling',
      recipients: ['case_file', ACCUSED],
      legalBasis: ART.tcHandling,
      issuedOn: 'handledOn',
    }),
    userTask(
      'publishConclusion',
      'Publish the conclusion (never revealing the denouncer)',
      [ROLE.resolver],
      'resolving',
      [
        field.manyOf(
          'publicationMethods',
          ['meeting', 'posting', 'portal', 'media_print', 'media_broadcast', 'online_newspaper'],
          'Hình thức công khai',
          true,
        ),
        field.date('publishedOn', 'Ngày công khai', true, when.past('conclusionIssuedOn')),
        field.date('postingFrom', 'Niêm yết từ', false, when.planned('conclusionIssuedOn')),
        field.date('postingTo', 'Niêm yết đến', false, when.planned('postingFrom')),
        field.num('mediaCount', 'Số lần đăng / phát liên tiếp'),
        field.bool('denouncerIdentityRedacted', 'Không tiết lộ người tố cáo (TC Art 40(3))', true),
      ],
      { due: T9 },
    ),
    recordDocument('publishConclusion.doc', {
      type: 'conclusion_publication',
      recipients: ['public'],
      legalBasis: ART.tcDisclosure,
      issuedOn: 'conclusionIssuedOn',
      sentOn: 'publishedOn',
    }),
    { type: 'parallelGateway', id: 'after.join' },
    // Conclusion sent, acted on and published (TC Art 35(3), 36(1), 40): the denunciation is resolved.
    caseEnd('end.concluded', 'concluded', `${ART.tcConclusion}; ${ART.tcHandling}; ${ART.tcDisclosure}`),
  );
  g.chain('verify', 'conclude', 'conclude.issued', 'conclude.doc', 'after.fork');
  g.chain('after.fork', 'sendConclusion', 'sendConclusion.doc', 'after.join');
  g.chain('after.fork', 'handleConclusion', 'handleConclusion.doc', 'after.join');
  g.chain('after.fork', 'publishConclusion', 'publishCheck');
  // T9a/T9b minimums: posting/portal >= 15 consecutive days ("ít nhất 15 ngày liên tục", NĐ 31/2019 Art 6(2)(b)-(d));
  // media >= 2 consecutive times; identity never shown. The posting day itself is not counted (BLDS 2015 Art 147(2)-(3):
  // day 1 is the next day), so a posting from 01/08 must last until the end of 16/08: postingTo - postingFrom >= 15.
  // NĐ 31 has no "kể từ ngày niêm yết" (unlike NĐ 75/2012 Art 12(3)-(4) for complaints): whether its "15 ngày liên tục"
  // counts the posting day is UNCONFIRMED, so the number is the variable publicationMinDays, default 15 = the stricter
  // reading (14 would be the inclusive one).
  const m = (x: string) => `list contains(publicationMethods, "${x}")`;
  g.choice(
    'publishCheck',
    'Publication meets the minimums? (T9a-T9b)',
    [
      {
        to: 'publishConclusion',
        name: 'below the minimum: publish again',
        legalBasis: 'NĐ 31/2019 Art 6(2); Luật Tố cáo 2018 Art 40(3)',
        when: `denouncerIdentityRedacted != true or ((${m('posting')} or ${m('portal')} or ${m('online_newspaper')}) and date(postingTo) - date(postingFrom) < duration("P" + string(publicationMinDays) + "D")) or ((${m('media_print')} or ${m('media_broadcast')}) and mediaCount < 2)`,
      },
    ],
    { to: 'publishConclusion.doc' },
  );
  g.chain('publishConclusion.doc', 'after.join', 'end.concluded');

  // Overdue resolution: escalate once (TC Art 38 gives the denouncer the right to go to the head above).
  g.boundaries(
    phase,
    'breach',
    { kind: 'escalation', escalationCode: DUE_BREACH_ESCALATION_CODE },
    false,
    'breach',
    ART.tcResolution,
  );
  g.add({ type: 'exclusiveGateway', id: 'breach', name: 'Resolution deadline breached' });
  g.flow('breach', 'breach.once');
  g.choice('breach.once', 'Already escalated?', [{ to: 'breach.duplicate', when: 'resolutionOverdue = true' }], {
    to: 'resolutionBreach.flag',
  });
  g.add(
    { type: 'endEvent', id: 'breach.duplicate', outcome: 'breach_already_escalated' },
    ...breachSteps('resolutionBreach', 'denunciation_resolution_breach'),
  );
  g.nodes.splice(
    g.nodes.findIndex((n) => n.id === 'resolutionBreach.flag'),
    1,
    {
      type: 'serviceTask',
      id: 'resolutionBreach.flag',
      name: 'Flag case resolution_overdue',
      activity: 'setCaseFlag',
      input: { flag: '"resolution_overdue"', value: 'true' },
      output: { resolutionOverdue: 'value' },
      legalBasis: ART.tcResolution,
    },
  );
  g.chain('resolutionBreach.flag', 'resolutionBreach.notify', 'resolutionBreach.headReview', 'resolutionBreach.end');

  // Extension (TC Art 30(2)-(3)): a decision with notices; the `extend` message extends T5 within policy.
  g.boundaries(phase, 'extend', { kind: 'message', messageName: 'extend' }, false, 'extension', ART.tcExtension);
  g.add({ type: 'exclusiveGateway', id: 'extension', name: 'Extension requested' });
  const [extFirst, extLast] = issueAndSend(g, 'extension.decision', {
    title: 'extension decision (Mẫu 01)',
    docType: 'denunciation_extension_decision',
    recipients: [DENOUNCER, ACCUSED, 'related_parties'],
    legalBasis: ART.tcExtension,
    event: 'extensionIssued',
    issueFields: [
      field.oneOf('complexity', ['complex', 'especially_complex'], 'Mức độ phức tạp', true),
      field.manyOf('complexityCriteria', COMPLEXITY_CRITERIA, 'Tiêu chí (NĐ 31 Art 3(2))', true),
      field.num('extensionDays', 'Số ngày gia hạn (≤ 30)', true),
    ],
  });
  // One extension for complex, two for especially complex (≥ 2 criteria): a third, or a second for a
  // merely complex case, is refused here as well as by the clock's policy.
  g.choice(
    'extension.allowed',
    'Extension within the legal count?',
    [
      {
        to: extFirst,
        legalBasis: ART.tcExtension,
        when: '(complexity = "complex" and (extensionsGranted = null or extensionsGranted < 1)) or (complexity = "especially_complex" and (extensionsGranted = null or extensionsGranted < 2))',
      },
    ],
    { to: 'extension.refused', name: 'refused' },
  );
  g.flow('extension', 'extension.allowed');
  g.add(
    {
      type: 'serviceTask',
      id: 'extension.count',
      name: 'Count the extension',
      activity: 'setCaseFlag',
      input: { flag: '"extensions_granted"', value: 'if extensionsGranted = null then 1 else extensionsGranted + 1' },
      output: { extensionsGranted: 'value' },
    },
    { type: 'endEvent', id: 'extension.end', outcome: 'extension_granted' },
    {
      type: 'serviceTask',
      id: 'extension.refused',
      name: 'Record: extension refused',
      activity: 'recordWarning',
      input: {
        message:
          '"extension refused: Luật Tố cáo 2018 Art 30(2)-(3) allow one (complex) or two (especially complex) extensions"',
      },
      output: {},
    },
    { type: 'endEvent', id: 'extension.refused.end', outcome: 'extension_refused' },
  );
  g.chain(extLast, 'extension.count', 'extension.end');
  g.chain('extension.refused', 'extension.refused.end');

  // Complexity determined after the initial processing (API `events/mark-complex`, message variables
  // `complexity`, `complexityCriteria`): from receipt until the conclusion (NĐ 31/2019 Art 3(2)-(3)).
  // Its effect on the limit: T5 may then be extended once (complex) or twice (especially complex),
  // TC Art 30(2)-(3) — each extension still decided within the limit (`extend`).
  g.boundaries(
    ['initial', 'notifyAcceptance', ...phase],
    'markComplex',
    { kind: 'message', messageName: 'markComplex' },
    false,
    'markComplex.flag',
    ART.tcExtension,
  );
  g.add(
    setFlag('markComplex.flag', 'complex', 'complex', 'NĐ 31/2019 Art 3(2)-(3)'),
    recordDocument('markComplex.doc', {
      type: 'complexity_determination',
      recipients: ['case_file'],
      legalBasis: 'NĐ 31/2019 Art 3(2)-(3); Luật Tố cáo 2018 Art 30(2)-(3)',
      issuedOn: 'eventOn',
      extra: { complexity: 'complexity', criteria: 'complexityCriteria', number: 'complexityDeterminationRef' },
    }),
    { type: 'endEvent', id: 'markComplex.end', outcome: 'complexity_recorded' },
  );
  g.chain('markComplex.flag', 'markComplex.doc', 'markComplex.end');

  // Withdrawal (TC Art 33): before the conclusion; full withdrawal terminates unless signs of violation,
  // coercion or slander — then the case continues (back to verification).
  g.boundaries(phase, 'withdraw', { kind: 'message', messageName: 'withdraw' }, true, 'withdrawal', ART.tcWithdrawal);
  g.add(
    userTask(
      'withdrawal',
      'Assess the withdrawal (TC Art 33(3) exceptions)',
      [ROLE.resolver],
      'resolving',
      [
        field.bool('signsOfViolation', 'Hành vi bị tố cáo có dấu hiệu vi phạm', true),
        field.bool('withdrawalCoerced', 'Rút tố cáo do bị đe dọa, mua chuộc', true),
        field.bool('abuseToSlander', 'Lợi dụng tố cáo để vu khống', true),
        field.date('withdrawnOn', 'Ngày rút tố cáo', true, when.past()),
      ],
      { legalBasis: ART.tcWithdrawal },
    ),
    recordDocument('withdrawal.doc', {
      type: 'denunciation_withdrawal_record',
      recipients: ['case_file'],
      legalBasis: `${ART.tcWithdrawal} (Mẫu 02, 03)`,
      receivedOn: 'withdrawnOn',
    }),
  );
  g.chain('withdrawal', 'withdrawal.doc', 'withdrawal.exception');
  g.choice(
    'withdrawal.exception',
    'Exception: the case must continue?',
    [
      {
        to: 'verify',
        name: 'continue',
        legalBasis: 'Luật Tố cáo 2018 Art 33(3)',
        when: 'signsOfViolation = true or withdrawalCoerced = true or abuseToSlander = true',
      },
    ],
    { to: 'termination', name: 'terminate' },
  );
  g.boundaries(
    phase,
    'terminate',
    { kind: 'message', messageName: 'terminate' },
    true,
    'termination',
    ART.tcSuspension,
  );
  g.add({ type: 'exclusiveGateway', id: 'termination', name: 'Termination (đình chỉ, TC Art 34(3))' });
  const [termFirst, termLast] = issueAndSend(g, 'termination.decision', {
    title: 'termination decision',
    docType: 'denunciation_termination_decision',
    recipients: [DENOUNCER, ACCUSED],
    legalBasis: ART.tcSuspension,
    event: 'terminationIssued',
    send: T6('terminationIssued'),
    issueFields: [
      field.oneOf(
        'terminationGround',
        ['full_withdrawal', 'accused_died', 'decided_by_court_or_body'],
        'Căn cứ đình chỉ',
        true,
      ),
    ],
  });
  // The termination decision issued and sent (5 WD, T6) ends the case (TC Art 34(3)-(4)).
  g.add(caseEnd('end.terminated', 'terminated', `${ART.tcSuspension}(3)-(4)`));
  g.flow('termination', termFirst);
  g.flow(termLast, 'end.terminated');

  // Partial withdrawal: the rest continues (TC Art 33(1)).
  g.boundaries(
    phase,
    'withdrawPartial',
    { kind: 'message', messageName: 'withdrawPartial' },
    false,
    'partial',
    ART.tcWithdrawal,
  );
  g.add(
    recordDocument('partial', {
      type: 'denunciation_partial_withdrawal',
      recipients: ['case_file'],
      legalBasis: ART.tcWithdrawal,
      receivedOn: 'eventOn',
      extra: { withdrawnContents: 'withdrawnContents' },
    }),
    { type: 'endEvent', id: 'partial.end', outcome: 'partial_withdrawal_recorded' },
  );
  g.flow('partial', 'partial.end');

  // Suspension / continuation (TC Art 34(1)-(2), (4)): the clock stops; decisions sent in 5 WD (T6).
  for (const [msg, id, title, event] of [
    ['suspend', 'suspension', 'suspension decision (tạm đình chỉ)', 'suspensionIssued'],
    ['resume', 'continuation', 'decision to continue', 'continuationIssued'],
  ] as const) {
    g.boundaries(phase, msg, { kind: 'message', messageName: msg }, false, id, ART.tcSuspension);
    g.add({ type: 'exclusiveGateway', id, name: title });
    const [first, last] = issueAndSend(g, `${id}.decision`, {
      title,
      docType: `denunciation_${id}_decision`,
      recipients: [DENOUNCER, ACCUSED],
      legalBasis: ART.tcSuspension,
      event,
      send: T6(event),
      issueFields:
        msg === 'suspend'
          ? [
              field.oneOf(
                'suspensionGround',
                ['awaiting_other_body', 'awaiting_expertise'],
                'Căn cứ tạm đình chỉ',
                true,
              ),
            ]
          : [],
    });
    g.add({ type: 'endEvent', id: `${id}.end`, outcome: `${id}_recorded` });
    g.flow(id, first);
    g.flow(last, `${id}.end`);
  }

  // Follow-up denunciation claiming wrongful resolution (TC Art 37): review within 20 days.
  g.add(
    userTask(
      'review',
      'Higher head reviews the claim of wrongful resolution',
      [ROLE.higherHead],
      'parent',
      [
        field.oneOf(
          'reviewOutcome',
          ['lawful_no_re_resolution', 'not_competent_resolve_or_forward', 're_resolve'],
          'Kết quả xem xét',
          true,
        ),
        field.date('reviewedOn', 'Ngày', true, when.past()),
        field.bool('metDenouncer', 'Đã làm việc với người tố cáo'),
      ],
      { due: T10 },
    ),
    recordDocument('review.doc', {
      type: 'follow_up_review_notice',
      recipients: [DENOUNCER],
      legalBasis: ART.tcReview,
      issuedOn: 'reviewedOn',
      extra: { outcome: 'reviewOutcome' },
    }),
    // TC Art 37(2)(a)-(b): lawful resolution notified, or forwarded to the competent body: the follow-up ends.
    caseEnd('end.reviewed', 'follow_up_reviewed', ART.tcReview),
  );
  g.chain('review', 'review.doc', 'review.outcome');
  g.choice(
    'review.outcome',
    'Re-resolve?',
    [
      {
        to: 'reAccept',
        when: 'reviewOutcome = "re_resolve"',
        legalBasis: 'Luật Tố cáo 2018 Art 37(2)(c); NĐ 31/2019 Art 5',
      },
    ],
    { to: 'end.reviewed' },
  );
  // Overdue case (TC Art 38): demand a report in 5 WD; the lower level reports in 5 WD; take over if needed.
  g.add(
    userTask(
      'demandReport',
      'Higher head demands a report on the overdue denunciation',
      [ROLE.higherHead],
      'parent',
      [field.date('reportDemandedOn', 'Ngày yêu cầu báo cáo', true, when.past())],
      { due: T11 },
    ),
    recordEvent('demandReport.event', 'reportDemanded', 'reportDemandedOn', ART.tcOverdueDemand),
    recordDocument('demandReport.doc', {
      type: 'report_demand',
      recipients: ['lower_resolver'],
      legalBasis: ART.tcOverdueDemand,
      issuedOn: 'reportDemandedOn',
      sentOn: 'reportDemandedOn',
    }),
    userTask(
      'awaitReport',
      "Receive the lower level's report; continue monitoring or take over",
      [ROLE.higherHead],
      'parent',
      [
        field.date('reportReceivedOn', 'Ngày nhận báo cáo', true, when.past('reportDemandedOn')),
        field.bool('takeOver', 'Trực tiếp giải quyết (vi phạm nghiêm trọng, thiếu khách quan)', true),
      ],
      { due: T11a },
    ),
    recordDocument('awaitReport.doc', {
      type: 'lower_level_report',
      recipients: ['case_file'],
      legalBasis: ART.tcOverdueReport,
      receivedOn: 'reportReceivedOn',
    }),
    // TC Art 38(3): the lower level reported and continues; the higher head does not take over.
    caseEnd('end.monitored', 'overdue_monitored', ART.tcOverdueReport),
    // Take-over / re-resolution: the higher body issues its own acceptance; the clock restarts (NĐ 31 Art 5).
    userTask(
      'reAccept',
      'Issue the acceptance decision of the higher body',
      [ROLE.higherHead, ROLE.resolver],
      'parent',
      [
        field.date('acceptedOn', 'Ngày thụ lý', true, when.past()),
        field.str('acceptedContent', 'Nội dung thụ lý', true),
      ],
      { legalBasis: 'NĐ 31/2019 Art 5' },
    ),
  );
  g.chain('demandReport', 'demandReport.event', 'demandReport.doc', 'awaitReport', 'awaitReport.doc', 'takeOver');
  g.choice(
    'takeOver',
    'Take over?',
    [{ to: 'reAccept', when: 'takeOver = true', legalBasis: 'Luật Tố cáo 2018 Art 38(3); NĐ 31/2019 Art 5' }],
    { to: 'end.monitored' },
  );
  g.flow('reAccept', 'accepted');

  addOverdueHandler(g);
  return definition(
    {
      key: 'denunciation',
      version: period === 'pre2026' ? 1 : 2,
      name: `Giải quyết tố cáo (${PERIOD_LABEL[period]})`,
      caseType: 'denunciation',
      effectiveFrom: period === 'pre2026' ? '2019-05-28' : REFORM_2026,
      ...(period === 'pre2026' ? { effectiveTo: REFORM_2026 } : {}),
      legalBasis:
        period === 'pre2026'
          ? 'Luật Tố cáo 2018; NĐ 31/2019/NĐ-CP'
          : 'Luật Tố cáo 2018 as amended (Luật 136/2025/QH15); NĐ 31/2019 as amended by NĐ 156/2026',
      variables: {
        lawPeriod: period,
        followUp: 'none',
        forwardedBy: 'none',
        complexity: 'normal',
        extensionsGranted: 0,
        // T9a/T9b: minimum days of a posting / portal / e-newspaper publication after its first day (NĐ 31/2019 Art 6(2)).
        publicationMinDays: 15,
        resolutionOverdue: false,
        overdue: false,
        eventOn: null,
      },
    },
    g,
  );
}
