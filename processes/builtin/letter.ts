/**
 * Reception and letter handling (tiếp nhận, phân loại, xử lý đơn), spec §5.1-5.3, master table
 * C1, C4, C4a, C5, C8. Two versions: v1 (until 30/06/2026) and v2 (from 01/07/2026: the 45-day
 * breach of NĐ 154/2026 Art 41(3)(b) and the written refusal notice in 3 WD of NĐ 154 Art 4(3)).
 *
 * Outcomes: accept -> a linked case of the matching lifecycle (call activity, not awaited);
 * guide once; transfer (denunciations within 5 WD, TC Art 24(2)); archive (kept 1 year).
 * The citizen is told the outcome within 10 WD (TCD Art 28(1)) — a representative in a mass case.
 */
import type { ClockRule, ProcessDefinitionInput } from '../../workflows/engine/index.js';
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
  lit,
  notify,
  recordDocument,
  recordEvent,
  setFlag,
  userTask,
  when,
} from './build.js';
import { T3 } from './denunciation.js';
import { ART, PERIOD_LABEL, REFORM_2026, type LawPeriod } from './law.js';

/** C1: tell the citizen the outcome within 10 WD of receipt (TCD Art 28(1)). */
export const C1: ClockRule = clock('C1', ART.tcdOutcomeNotice, 10, 'working_days', 'received');
/** C4: process the letter within 10 WD (TT 05/2021 article UNCONFIRMED; "10 ngày" per dichvucong [S]). */
export const C4: ClockRule = clock('C4', ART.letterProcessing, 10, 'working_days', 'received');
/** C4a: a letter left unprocessed 45 days is a disciplinary breach (from 01/07/2026). */
export const C4a: ClockRule = clock('C4a', ART.letterBreach45, 45, 'calendar_days', 'received');
/** C5: written refusal notice within 3 WD of the grounds being complete (from 01/07/2026). */
export const C5: ClockRule = clock('C5', ART.letterRefusalNotice2026, 3, 'working_days', 'refusalGroundsComplete');
/**
 * C8: archived ineligible letters are kept 1 year, then destroyed on the head's decision
 * (TT 07/2014 Art 28(2)): 1 year from archiving, ending on the corresponding day of the next year
 * (BLDS 2015 Art 148(4)), rolled forward to a working day (Art 148(5)).
 */
export const C8: ClockRule = clock('C8', ART.letterArchive, 1, 'years', 'archived');

/** Channels of receipt (TT 07/2014 Art 5; online from 2026, TCD Art 3a [S]). */
export const CHANNELS = [
  'reception_desk',
  'post',
  'mailbox',
  'portal',
  'online_reception',
  'forwarded',
  'national_database',
] as const;
/** Who forwarded the letter (TT 07/2014 Art 5; TCD Art 27(2)). */
export const FORWARDERS = [
  'none',
  'national_assembly_deputy',
  'people_council_deputy',
  'fatherland_front',
  'press',
  'agency',
  'party_or_state_leader',
  'reception_board',
] as const;

/** Builds letter-handling for one period of law. */
export function letterDefinition(period: LawPeriod): ProcessDefinitionInput {
  const g = new GraphBuilder();
  g.add(
    { type: 'startEvent', id: 'start', name: 'Letter or visit received' },
    userTask(
      'intake',
      'Register the letter or visit (sổ tiếp nhận)',
      [ROLE.reception, ROLE.letterOfficer],
      'receiving',
      [
        field.oneOf('channel', CHANNELS, 'Nguồn đơn', true),
        field.oneOf('forwardedBy', FORWARDERS, 'Cơ quan, người chuyển đơn', true),
        field.refs('signerRefs', 'Người đứng tên (tham chiếu)', true),
        field.refs('representativeRefs', 'Người đại diện (tham chiếu)'),
        field.bool('originalDocumentsAttached', 'Có giấy tờ bản gốc'),
        field.bool('inPerson', 'Công dân đến trực tiếp'),
      ],
      { due: C1, legalBasis: `${ART.letterSources}; Luật Tiếp công dân 2013 Art 25` },
    ),
    // TCD Art 29 / KN Art 8: representatives of several signers; mass case >= 5 signers.
    {
      type: 'serviceTask',
      id: 'representatives',
      name: 'Check the representatives (TCD Art 29)',
      activity: ACTIVITY.checkRepresentatives,
      legalBasis: ART.tcdRepresentatives,
      input: { signers: 'signerRefs', representatives: 'representativeRefs', signerCount: 'signersCount' },
      output: { representativesOk: 'ok', massCase: 'massCase', representativeErrors: 'errors' },
    },
    userTask(
      'requestRepresentatives',
      'Ask the signers to appoint representatives in writing',
      [ROLE.reception],
      'receiving',
      [
        field.refs('representativeRefs', 'Người đại diện (tham chiếu)', true),
        field.str('appointmentDocumentRef', 'Văn bản cử người đại diện', true),
      ],
      { due: C1, legalBasis: ART.knRepresentatives },
    ),
  );
  g.chain('start', 'intake', 'representatives', 'repsCheck');
  g.choice(
    'repsCheck',
    'Representatives valid?',
    [{ to: 'requestRepresentatives', when: 'representativesOk = false', legalBasis: ART.tcdRepresentatives }],
    { to: 'massGate' },
  );
  g.flow('requestRepresentatives', 'representatives');
  g.choice(
    'massGate',
    'Mass case (≥ 5 signers)?',
    [{ to: 'mass.flag', when: 'massCase = true', legalBasis: 'TT 07/2014/TT-TTCP Art 6' }],
    { to: 'classify' },
  );
  g.add(
    setFlag('mass.flag', 'mass_case', 'massCase', 'TT 07/2014/TT-TTCP Art 6; spec §6.2'),
    notify('mass.notify', 'mass_case_received', ['agency_head'], ART.letterMassReport),
  );
  g.chain('mass.flag', 'mass.notify', 'classify');

  // Classification with the eligibility checks (TT 07/2014 Art 6; TT 05/2021 [S]; KN Art 9, 11; TC Art 23-25).
  g.add(
    userTask(
      'classify',
      'Classify the letter and check eligibility',
      [ROLE.letterOfficer],
      'receiving',
      [
        field.oneOf('letterType', ['complaint', 'denunciation', 'petition', 'several_contents'], 'Loại đơn', true),
        field.oneOf('language', ['vietnamese', 'foreign_with_translation', 'foreign_untranslated'], 'Ngôn ngữ', true),
        field.bool('dated', 'Ghi ngày, tháng, năm', true),
        field.bool('hasNameAddress', 'Có họ tên, địa chỉ', true),
        field.bool('hasSignature', 'Có chữ ký hoặc điểm chỉ', true),
        field.bool('contentElementsComplete', 'Đủ nội dung theo loại đơn', true),
        field.bool('withinCompetence', 'Thuộc thẩm quyền', true),
        field.oneOf(
          'competentBodyType',
          [
            'administrative',
            'elected',
            'court_procuracy_investigation_enforcement',
            'party_or_mass_organisation',
            'public_service_unit',
            'state_enterprise',
          ],
          'Loại cơ quan có thẩm quyền',
        ),
        field.bool('sentToSeveralIncludingCompetent', 'Gửi nhiều nơi trong đó có cơ quan có thẩm quyền'),
        field.bool('alreadyGuidedOnce', 'Đã được hướng dẫn một lần cùng nội dung'),
        field.bool('prohibitedContent', 'Nội dung chống phá, chia rẽ, xúc phạm (TT 05/2021 [S])'),
        field.bool('illegible', 'Đơn rách, tẩy xóa, không đọc được'),
        field.bool('anonymous', 'Nặc danh / mạo danh / không rõ người gửi (TC Art 25)'),
        field.bool('concreteEvidence', 'Nội dung rõ ràng, chứng cứ cụ thể'),
        field.date('decisionKnownOn', 'Ngày nhận / biết quyết định, hành vi bị khiếu nại (K1)', false, when.before()),
        field.num('tolledDays', 'Số ngày trở ngại khách quan không tính vào thời hiệu (K1a)'),
        field.bool('finalDecisionExists', 'Đã có quyết định giải quyết có hiệu lực / kết luận'),
        field.bool('newFactsOrSignsOfIllegality', 'Có tình tiết mới / dấu hiệu vi phạm pháp luật'),
        field.bool('courtSeized', 'Tòa án đã thụ lý hoặc giải quyết (KN Art 11(9))'),
        field.bool('repeatNothingNew', 'Đơn trùng, đã được trả lời, không có nội dung mới'),
        field.date('refusalGroundsCompleteOn', 'Ngày đủ căn cứ từ chối (C5)', false, when.past()),
        field.bool('remoteArea', 'Vùng sâu, vùng xa'),
      ],
      { due: C4, legalBasis: ART.letterClassification },
    ),
    // KN Art 9: 90 days with tolling, computed on the agency calendar (limitation.ts).
    {
      type: 'serviceTask',
      id: 'limitation',
      name: 'Compute the complaint limitation (KN Art 9)',
      activity: ACTIVITY.checkComplaintLimitation,
      legalBasis: ART.knLimitation,
      input: { knownOn: 'decisionKnownOn', lodgedOn: 'receivedOn', tolledDays: 'tolledDays' },
      output: { limitationExpired: 'expired', limitationDue: 'due' },
    },
  );
  g.chain('classify', 'limitation', 'route');
  if (period === 'from2026') {
    // C4a: unprocessed 45 days -> escalate (non-interrupting: the letter must still be handled).
    g.add(
      {
        type: 'boundaryEvent',
        id: 'classify.breach45',
        attachedTo: 'classify',
        interrupting: false,
        legalBasis: ART.letterBreach45,
        trigger: { kind: 'timer', timer: C4a },
      },
      ...breachSteps('letterBreach', 'letter_unprocessed_45_days', ART.letterBreach45),
    );
    g.chain(
      'classify.breach45',
      'letterBreach.flag',
      'letterBreach.notify',
      'letterBreach.headReview',
      'letterBreach.end',
    );
  }

  const finalNoNew = 'finalDecisionExists = true and newFactsOrSignsOfIllegality != true';
  const ineligible = [
    'hasSignature = false',
    'illegible = true',
    'prohibitedContent = true',
    'alreadyGuidedOnce = true',
    'sentToSeveralIncludingCompetent = true',
    'language = "foreign_untranslated"',
    'contentElementsComplete = false',
    '(letterType = "complaint" and (limitationExpired = true or courtSeized = true))',
    `(${finalNoNew})`,
  ].join(' or ');
  const branches: Array<{ to: string; when: string; name?: string; legalBasis?: string }> = [
    { to: 'anonymous', when: 'anonymous = true', name: 'anonymous information', legalBasis: ART.tcAnonymous },
  ];
  if (period === 'from2026') {
    // NĐ 154/2026 Art 4(3): written refusal notice in 3 WD for a settled-persistent case or a repeat petition.
    branches.push({
      to: 'refusalGrounds',
      when: `repeatNothingNew = true or (${finalNoNew})`,
      name: 'settled / repeat: written refusal',
      legalBasis: ART.letterRefusalNotice2026,
    });
  }
  branches.push(
    {
      to: 'finalReview',
      when: 'finalDecisionExists = true and newFactsOrSignsOfIllegality = true',
      name: 'final decision with new facts: report to head',
      legalBasis: 'TT 07/2014/TT-TTCP Art 7',
    },
    {
      to: 'outcome.archived',
      when: ineligible,
      name: 'ineligible: archive',
      legalBasis: `${ART.letterClassification}; ${ART.knLimitation}; ${ART.knNonAcceptance}`,
    },
    {
      to: 'outcome.split',
      when: 'letterType = "several_contents"',
      name: 'several contents: guide to split (Mẫu 07)',
      legalBasis: 'TT 07/2014/TT-TTCP Art 6',
    },
    {
      to: 'transferDenunciation',
      when: 'letterType = "denunciation" and withinCompetence = false',
      legalBasis: ART.tcTransfer,
    },
    {
      to: 'outcome.transferred',
      when: 'letterType = "petition" and withinCompetence = false',
      name: 'petition: transfer (Mẫu 06)',
      legalBasis: ART.tcdClassification,
    },
    {
      to: 'outcome.guided',
      when: 'letterType = "complaint" and withinCompetence = false',
      name: 'complaint: guide once (Mẫu 03) / return to forwarder',
      legalBasis: ART.letterGuideOnce,
    },
    { to: 'outcome.complaint', when: 'letterType = "complaint"', legalBasis: ART.knAcceptanceLaw },
    { to: 'outcome.denunciation', when: 'letterType = "denunciation"', legalBasis: ART.tcAcceptance },
  );
  g.choice('route', 'Route the letter', branches, { to: 'outcome.petition', name: 'petition within competence' });

  const setOutcome = (id: string, value: string) => ({
    type: 'serviceTask' as const,
    id,
    name: `Outcome: ${value}`,
    activity: ACTIVITY.setCaseFlag,
    input: { flag: lit('letter_outcome'), value: lit(value) },
    output: { letterOutcome: 'value' },
  });
  const childInput = {
    letterCaseId: 'caseId',
    receivedOn: 'receivedOn',
    channel: 'channel',
    forwardedBy: 'forwardedBy',
    signerRefs: 'signerRefs',
    representativeRefs: 'representativeRefs',
    massCase: 'massCase',
    remoteArea: 'remoteArea',
  };
  for (const [kind, key] of [
    ['complaint', 'complaint-first'],
    ['denunciation', 'denunciation'],
    ['petition', 'petition'],
  ] as const) {
    g.add(setOutcome(`outcome.${kind}`, 'accepted'), {
      type: 'callActivity',
      id: `start.${kind}`,
      name: `Start the linked ${kind} case`,
      calledKey: key,
      wait: false,
      input: childInput,
      legalBasis:
        kind === 'complaint' ? ART.knAcceptanceLaw : kind === 'denunciation' ? ART.tcAcceptance : ART.tcdClassification,
    });
    g.chain(`outcome.${kind}`, `start.${kind}`, 'inform.merge');
  }
  g.add(
    setOutcome('outcome.guided', 'guided'),
    recordDocument('guided.doc', {
      type: 'guidance_notice',
      recipients: ['citizen_or_representative', 'forwarding_body'],
      legalBasis: `${ART.letterGuideOnce}; Luật Tiếp công dân 2013 Art 26`,
      issuedOn: 'null',
    }),
    setOutcome('outcome.split', 'guided'),
    recordDocument('split.doc', {
      type: 'split_guidance_notice',
      recipients: ['citizen_or_representative'],
      legalBasis: 'TT 07/2014/TT-TTCP Art 6 (Mẫu 07)',
      issuedOn: 'null',
    }),
    setOutcome('outcome.transferred', 'transferred'),
    recordDocument('transferred.doc', {
      type: 'letter_transfer',
      recipients: ['competent_body', 'citizen_or_representative'],
      legalBasis: `${ART.tcdClassification}(2) (Mẫu 06)`,
      issuedOn: 'null',
    }),
    userTask(
      'transferDenunciation',
      'Transfer the denunciation to the competent body (5 WD)',
      [ROLE.letterOfficer],
      'receiving',
      [
        field.date('transferredOn', 'Ngày chuyển', true, when.past()),
        field.str('competentBodyRef', 'Cơ quan có thẩm quyền', true),
      ],
      { due: T3 },
    ),
    setOutcome('outcome.transferredDenunciation', 'transferred'),
    recordDocument('transferDenunciation.doc', {
      type: 'denunciation_transfer',
      recipients: ['competent_body', 'denouncer_ref'],
      legalBasis: ART.tcTransfer,
      issuedOn: 'transferredOn',
      sentOn: 'transferredOn',
    }),
    setOutcome('outcome.archived', 'archived'),
    recordDocument('archived.doc', {
      type: 'archive_record',
      recipients: ['case_file'],
      legalBasis: ART.letterArchive,
      issuedOn: 'null',
    }),
    userTask(
      'finalReview',
      'Head reviews a final decision with new facts or signs of illegality',
      [ROLE.head],
      'resolving',
      [field.oneOf('finalReviewOutcome', ['reopen_review', 'no_grounds'], 'Kết quả', true)],
      { legalBasis: 'TT 07/2014/TT-TTCP Art 7' },
    ),
    setOutcome('outcome.reported', 'reported_to_head'),
  );
  g.chain('outcome.guided', 'guided.doc', 'inform.merge');
  g.chain('outcome.split', 'split.doc', 'inform.merge');
  g.chain('outcome.transferred', 'transferred.doc', 'inform.merge');
  g.chain('transferDenunciation', 'outcome.transferredDenunciation', 'transferDenunciation.doc', 'inform.merge');
  g.chain('outcome.archived', 'archived.doc', 'inform.merge');
  g.chain('finalReview', 'outcome.reported', 'inform.merge');
  if (period === 'from2026') {
    g.add(
      recordEvent('refusalGrounds', 'refusalGroundsComplete', 'refusalGroundsCompleteOn', ART.letterRefusalNotice2026),
      userTask(
        'refusalNotice',
        'Head issues the written refusal notice (Mẫu 01/TCD)',
        [ROLE.head],
        'receiving',
        [
          field.date('refusalNoticeIssuedOn', 'Ngày ban hành', true, when.past()),
          field.date('refusalNoticeSentOn', 'Ngày gửi', false, when.past('refusalNoticeIssuedOn')),
        ],
        { due: C5 },
      ),
      recordDocument('refusalNotice.doc', {
        type: 'reception_refusal_notice',
        recipients: ['citizen_or_representative'],
        legalBasis: ART.letterRefusalNotice2026,
        issuedOn: 'refusalNoticeIssuedOn',
        sentOn: 'refusalNoticeSentOn',
      }),
    );
    g.add(setOutcome('outcome.refused', 'archived'));
    g.chain('refusalGrounds', 'refusalNotice', 'refusalNotice.doc', 'outcome.refused', 'inform.merge');
  }

  // Anonymous information (TC Art 25): no notice to anyone (there is no known sender).
  g.add(
    userTask(
      'anonymous',
      'Anonymous information: inspect within powers, pass on, or archive (TC Art 25)',
      [ROLE.letterOfficer, ROLE.head],
      'receiving',
      [field.oneOf('anonymousAction', ['inspect_within_powers', 'pass_to_competent_body', 'archive'], 'Xử lý', true)],
      { due: C4, legalBasis: ART.tcAnonymous },
    ),
    recordDocument('anonymous.doc', {
      type: 'anonymous_information_handling',
      recipients: ['case_file'],
      legalBasis: ART.tcAnonymous,
      issuedOn: 'null',
    }),
    caseEnd('end.anonymous', 'anonymous_handled', ART.tcAnonymous),
  );
  g.chain('anonymous', 'anonymous.doc', 'end.anonymous');

  // C1: tell the citizen (a representative in a mass case) the outcome within 10 WD.
  g.merge('inform.merge', 'inform');
  g.add(
    userTask(
      'inform',
      'Tell the citizen the outcome (in person or in writing)',
      [ROLE.letterOfficer, ROLE.reception],
      'receiving',
      [
        field.date('outcomeNoticeSentOn', 'Ngày thông báo', true, when.past()),
        field.oneOf('noticeForm', ['in_person', 'written'], 'Hình thức', true),
        field.str('noticeRecipientRef', 'Người nhận (người đại diện nếu đơn nhiều người)', true),
      ],
      { due: C1 },
    ),
    recordDocument('inform.doc', {
      type: 'letter_outcome_notice',
      recipients: ['citizen_or_representative', 'forwarding_body'],
      legalBasis: ART.tcdOutcomeNotice,
      issuedOn: 'outcomeNoticeSentOn',
      sentOn: 'outcomeNoticeSentOn',
      extra: { outcome: 'letterOutcome', recipientRef: 'noticeRecipientRef' },
    }),
  );
  g.chain('inform', 'inform.doc', 'outcome');
  g.choice(
    'outcome',
    'Outcome',
    [
      { to: 'end.accepted', when: 'letterOutcome = "accepted"' },
      { to: 'end.guided', when: 'letterOutcome = "guided"' },
      { to: 'end.transferred', when: 'letterOutcome = "transferred"' },
      { to: 'end.reported', when: 'letterOutcome = "reported_to_head"' },
    ],
    { to: 'archived.event', name: 'archived' },
  );
  g.add(
    // The letter's handling ends once the citizen is told the outcome (TCD Art 28(1)); the linked case
    // started on acceptance runs on its own (not awaited, so not cancelled by the terminate end).
    caseEnd('end.accepted', 'accepted_linked_case_started', `${ART.tcdOutcomeNotice}; ${ART.tcdClassification}`),
    caseEnd('end.guided', 'guided', `${ART.tcdOutcomeNotice}; ${ART.letterGuideOnce}`),
    caseEnd(
      'end.transferred',
      'transferred',
      `${ART.tcdOutcomeNotice}; ${ART.tcdClassification}(2); ${ART.tcTransfer}`,
    ),
    caseEnd('end.reported', 'reported_to_head', `${ART.tcdOutcomeNotice}; TT 07/2014/TT-TTCP Art 7`),
    // C8: keep archived letters 1 year, then the head decides on destruction.
    recordEvent('archived.event', 'archived', 'outcomeNoticeSentOn', ART.letterArchive),
    {
      type: 'intermediateCatchEvent',
      id: 'archive.retention',
      name: 'Archive retention (1 year) ends',
      legalBasis: ART.letterArchive,
      trigger: { kind: 'timer', timer: C8 },
    },
    userTask(
      'destroyArchived',
      'Head decides on destroying the archived letter',
      [ROLE.head],
      'receiving',
      [field.oneOf('archiveDecision', ['destroy', 'keep'], 'Quyết định', true)],
      { legalBasis: ART.letterArchive },
    ),
    // Archived letters wait out the 1-year retention (C8) and the head's decision; then the case ends.
    caseEnd('end.archived', 'archived', ART.letterArchive),
  );
  g.chain('archived.event', 'archive.retention', 'destroyArchived', 'end.archived');

  addOverdueHandler(g);
  return definition(
    {
      key: 'letter-handling',
      version: period === 'pre2026' ? 1 : 2,
      name: `Tiếp nhận, phân loại, xử lý đơn (${PERIOD_LABEL[period]})`,
      caseType: 'letter',
      effectiveFrom: period === 'pre2026' ? '2021-11-15' : REFORM_2026,
      ...(period === 'pre2026' ? { effectiveTo: REFORM_2026 } : {}),
      legalBasis:
        period === 'pre2026'
          ? 'Luật Tiếp công dân 2013; NĐ 64/2014; TT 05/2021/TT-TTCP (predecessor TT 07/2014 read)'
          : 'Luật Tiếp công dân 2013 as amended by Luật 136/2025/QH15; NĐ 154/2026/NĐ-CP; TT 05/2021/TT-TTCP',
      variables: {
        lawPeriod: period,
        channel: null,
        forwardedBy: 'none',
        signerRefs: [],
        representativeRefs: [],
        massCase: false,
        representativesOk: true,
        letterOutcome: null,
        remoteArea: false,
        overdue: false,
      },
    },
    g,
  );
}
