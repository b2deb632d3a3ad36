/**
 * Deadline coverage: every row of the master deadline table (spec §2) mapped to the built-in
 * definition / node / clock that enforces it, or to the reason it is not enforced by a clock.
 * test/unit/builtin/coverage.test.ts checks that each reference points at a real node carrying
 * that clock in the named definition versions.
 */

/** How a row is enforced. */
export type CoverageStatus =
  /** A statutory clock (user-task due rule or timer) in the named node(s). */
  | 'clock'
  /** Not a day count to enforce: a form field / gateway check (eligibility, minimum period). */
  | 'check'
  /** Not an obligation of the agency running the case, or outside the built-in lifecycles. */
  | 'not_applicable'
  /** The rule itself is UNCONFIRMED in law: configurable, no default guessed. */
  | 'unconfirmed';

/** A node of a built-in definition. */
export interface CoverageRef {
  key: string;
  versions: readonly number[];
  node: string;
  /** The clock ruleId the node carries (due rule or timer), when status is 'clock'. */
  ruleId?: string;
}

export interface CoverageRow {
  row: string;
  rule: string;
  legalBasis: string;
  status: CoverageStatus;
  refs: readonly CoverageRef[];
  note?: string;
}

const V12 = [1, 2] as const;
const both = (key: string, node: string, ruleId?: string): CoverageRef => ({
  key,
  versions: V12,
  node,
  ...(ruleId ? { ruleId } : {}),
});
const v = (key: string, versions: readonly number[], node: string, ruleId?: string): CoverageRef => ({
  key,
  versions,
  node,
  ...(ruleId ? { ruleId } : {}),
});
const CF = 'complaint-first';
const CS = 'complaint-second';
const DN = 'denunciation';
const LH = 'letter-handling';

/** The master table, row by row. */
export const deadlineCoverage: readonly CoverageRow[] = [
  {
    row: 'K1',
    rule: 'Complaint limitation 90 days',
    legalBasis: 'Luật Khiếu nại 2011 Art 9',
    status: 'check',
    refs: [both(LH, 'limitation')],
    note: "The citizen's limit, not the agency's: computed on the calendar by limitation.ts (checkComplaintLimitation) and routes time-barred complaints to archive.",
  },
  {
    row: 'K1a',
    rule: 'Tolling of the limitation',
    legalBasis: 'Luật Khiếu nại 2011 Art 9 para 2',
    status: 'check',
    refs: [both(LH, 'classify'), both(LH, 'limitation')],
    note: 'Form field tolledDays (documented obstacle) shifts the count.',
  },
  {
    row: 'K2',
    rule: 'Accept the first complaint',
    legalBasis: 'KN Art 27; TT 07/2013 Art 5(1); NĐ 124 Art 16(1); NĐ 155 Art 10',
    status: 'clock',
    refs: [v(CF, [1], 'accept', 'K2'), v(CF, [1], 'accept.wd', 'K2_wd'), v(CF, [2], 'accept', 'K2')],
    note: 'v1: 10 calendar days (the stricter, default, with a warning) or 10 WD when acceptanceUnit = "working_days"; v2: 7 WD.',
  },
  {
    row: 'K3',
    rule: 'Resolve (first) 30 days',
    legalBasis: 'KN Art 28',
    status: 'clock',
    refs: ['verify', 'dialogueInvite', 'dialogue', 'decide'].map((n) => both(CF, n, 'K3')),
  },
  {
    row: 'K3a',
    rule: 'Complex case <= 45 days',
    legalBasis: 'KN Art 28',
    status: 'clock',
    refs: [both(CF, 'verify', 'K3')],
    note: 'Extension policy of K3: one extension of <= 15 days (message extend + written complexity determination task).',
  },
  {
    row: 'K3b',
    rule: 'Remote area 45 (complex 60)',
    legalBasis: 'KN Art 28',
    status: 'clock',
    refs: ['remote.verify', 'remote.dialogueInvite', 'remote.dialogue', 'remote.decide'].map((n) => both(CF, n, 'K3b')),
    note: 'Chosen by remoteArea at acceptance; complex: one extension of <= 15 days.',
  },
  {
    row: 'K4',
    rule: 'Dialogue invitation >= 5 days before',
    legalBasis: 'NĐ 124 Art 28(1) as amended by NĐ 155 Art 11',
    status: 'check',
    refs: [
      both(CF, 'noticeCheck'),
      both(CF, 'remote.noticeCheck'),
      both(CS, 'noticeCheck'),
      both(CS, 'remote.noticeCheck'),
    ],
    note: 'A minimum notice, not a deadline: the gateway re-opens the invitation when shorter. v1 applies it to dialogues from 01/07/2026 (NĐ 155 Art 22).',
  },
  {
    row: 'K5',
    rule: 'Send the first decision in 3 WD',
    legalBasis: 'KN Art 32',
    status: 'clock',
    refs: [both(CF, 'sendDecision', 'K5'), both(CF, 'remote.sendDecision', 'K5')],
  },
  {
    row: 'K6',
    rule: 'Second complaint within 30 (45) days',
    legalBasis: 'KN Art 33(1)',
    status: 'clock',
    refs: [
      both(CF, 'window.K6', 'K6'),
      both(CF, 'remote.window.K6_remote', 'K6_remote'),
      both(CS, 'accept'),
      both(CS, 'window'),
      both(CS, 'acceptDecision'),
    ],
    note: "After a breach of K3: window timer from the K3 expiry day (its due day). After a decision: the citizen's window, computed at second-instance acceptance (service task window: computeDeadline from firstDecisionReceivedOn, or firstInstanceExpiredOn when the first instance lapsed; 30/45 days, BLDS Art 148(5)) and compared with receivedOn; late only with a legitimate reason (lateLegitimateReason, KN Art 11(6)).",
  },
  {
    row: 'K7',
    rule: 'Lawsuit within 1 year',
    legalBasis: 'Luật TTHC Art 116(3); KN Art 33(2), 42',
    status: 'clock',
    refs: [
      both(CF, 'window.K7', 'K7'),
      both(CF, 'remote.window.K7', 'K7'),
      both(CS, 'window.K7', 'K7'),
      both(CS, 'remote.window.K7', 'K7'),
    ],
    note: '1 year (BLDS 2015 Art 148(4)) from the expiry day of the resolution limit (its due day).',
  },
  {
    row: 'K8',
    rule: 'Accept the second complaint',
    legalBasis: 'KN Art 36(1); NĐ 155 Art 10',
    status: 'clock',
    refs: [v(CS, [1], 'accept', 'K8'), v(CS, [1], 'accept.wd', 'K8_wd'), v(CS, [2], 'accept', 'K8')],
  },
  {
    row: 'K9',
    rule: 'Resolve (second) 45 / complex 60',
    legalBasis: 'KN Art 37',
    status: 'clock',
    refs: ['verify', 'dialogueInvite', 'dialogue', 'decide'].map((n) => both(CS, n, 'K9')),
  },
  {
    row: 'K9a',
    rule: 'Remote area 60 / complex 70',
    legalBasis: 'KN Art 37',
    status: 'clock',
    refs: ['remote.verify', 'remote.dialogueInvite', 'remote.dialogue', 'remote.decide'].map((n) => both(CS, n, 'K9a')),
  },
  {
    row: 'K10',
    rule: 'Send the second decision in 7 days',
    legalBasis: 'KN Art 41(1)',
    status: 'clock',
    refs: [both(CS, 'sendDecision', 'K10'), both(CS, 'remote.sendDecision', 'K10')],
  },
  {
    row: 'K11',
    rule: 'Disclose within 15 days',
    legalBasis: 'KN Art 41(2); NĐ 124 (article UNCONFIRMED)',
    status: 'clock',
    refs: [both(CS, 'disclose', 'K11'), both(CS, 'remote.disclose', 'K11')],
    note: 'Unit UNCONFIRMED: calendar days. First-instance disclosure UNCONFIRMED: not modelled.',
  },
  {
    row: 'K11a',
    rule: 'Meeting notice >= 3 days',
    legalBasis: 'NĐ 75/2012 Art 12(2); NĐ 124 [S]',
    status: 'unconfirmed',
    refs: [both(CS, 'disclose.notice'), both(CS, 'disclosureCheck')],
    note: 'NĐ 75/2012 Art 12(2), TT 07/2013 Art 22(3)(a): 3 WD [P]; NĐ 124 "3 days" [S], unit UNCONFIRMED: variables disclosureMeetingNoticeDays (3) and disclosureMeetingNoticeUnit (default working_days, the stricter), computed on the calendar by service task disclose.notice.',
  },
  {
    row: 'K11b',
    rule: 'Posting >= 15 days',
    legalBasis: 'NĐ 75/2012 Art 12(4); NĐ 124 [S]',
    status: 'check',
    refs: [both(CS, 'disclosureCheck')],
    note: 'A minimum duration, not a deadline: 15 days after the posting day ("kể từ ngày niêm yết", BLDS Art 147(3)): the gateway re-opens the disclosure task when postingTo - postingFrom < 15 days.',
  },
  {
    row: 'K11c',
    rule: 'Media 2x / portal 15 days',
    legalBasis: 'NĐ 75/2012 Art 12(3); NĐ 124 [S]',
    status: 'check',
    refs: [both(CS, 'disclosureCheck')],
    note: 'Minimums checked by the gateway (broadcasts/issues >= 2; online 15 days after the first day, onlineTo - onlineFrom >= 15, BLDS Art 147(3)).',
  },
  {
    row: 'K12',
    rule: 'First decision effective 30 (45) days after issuance',
    legalBasis: 'KN Art 44(1)',
    status: 'clock',
    refs: [both(CF, 'awaitEffect.effective', 'K12'), both(CF, 'remote.awaitEffect.effective', 'K12_remote')],
  },
  {
    row: 'K13',
    rule: 'Second decision effective 30 (45) days after issuance',
    legalBasis: 'KN Art 44(2)',
    status: 'clock',
    refs: [both(CS, 'legalEffect', 'K13'), both(CS, 'remote.legalEffect', 'K13_remote')],
  },
  {
    row: 'K14',
    rule: 'Barred 30 days after a termination notice',
    legalBasis: 'KN Art 11(8)',
    status: 'check',
    refs: [both(CF, 'accept'), both(CS, 'accept')],
    note: "The citizen's bar: refusal ground termination_not_continued at acceptance.",
  },
  {
    row: 'K15',
    rule: 'Send suspension/termination/continuation decisions in 3 WD',
    legalBasis: 'NĐ 124 Art 28b (NĐ 155/2026)',
    status: 'clock',
    refs: ['termination.send', 'suspension.decision.send', 'continuation.decision.send'].flatMap((n) => [
      both(CF, n, 'K15'),
      both(CS, n, 'K15'),
    ]),
    note: 'v1 applies it to events from 01/07/2026 (NĐ 155 Art 22).',
  },
  {
    row: 'K16',
    rule: 'Third party supplies documents in 7 days',
    legalBasis: 'KN Art 12(1)(đ)',
    status: 'not_applicable',
    refs: [],
    note: 'An obligation of a third party towards the complainant, not a step of the resolver; received documents are recorded via the supplement message.',
  },
  {
    row: 'K17',
    rule: 'Stay of execution <= remaining time',
    legalBasis: 'KN Art 35',
    status: 'clock',
    refs: [
      both(CF, 'stay.lift', 'K17_K3'),
      both(CF, 'remote.stay.lift', 'K17_K3b'),
      both(CS, 'stay.lift', 'K17_K9'),
      both(CS, 'remote.stay.lift', 'K17_K9a'),
    ],
    note: 'The lift of the stay is due with the resolution limit itself (same start, amount, unit, suspension and extension policy as K3/K3b/K9/K9a): the stay can last at most the time remaining to resolve; its breach escalates. K17_<R> follows R: a suspension or extension addressed to R moves it too.',
  },
  ...['K-D1', 'K-D2', 'K-D3', 'K-D4'].map((row): CoverageRow => ({
    row,
    rule: 'Disciplinary complaints of cadres and civil servants',
    legalBasis: 'Luật Khiếu nại 2011 Arts 48-57',
    status: 'not_applicable',
    refs: [],
    note: 'Separate procedure (KN Chapter IV) with its own limits and mandatory dialogue: no built-in definition yet (agency-defined or a later key).',
  })),
  {
    row: 'T1',
    rule: 'Initial processing 7 WD',
    legalBasis: 'TC Art 24(1)',
    status: 'clock',
    refs: [both(DN, 'initial', 'T1')],
  },
  {
    row: 'T1a',
    rule: 'Up to 10 WD for several places',
    legalBasis: 'TC Art 24(1)',
    status: 'clock',
    refs: [both(DN, 'initial', 'T1')],
    note: 'Extension policy of T1: one extension of <= 3 WD.',
  },
  {
    row: 'T2',
    rule: 'Refusal notified at once',
    legalBasis: 'TC Art 24(1)',
    status: 'check',
    refs: [both(DN, 'refused.doc')],
    note: '"Ngay": no day count; the notice is recorded on the refusal path.',
  },
  {
    row: 'T3',
    rule: 'Transfer in 5 WD',
    legalBasis: 'TC Art 24(2)',
    status: 'clock',
    refs: [both(DN, 'transfer', 'T3'), both(LH, 'transferDenunciation', 'T3')],
  },
  {
    row: 'T4',
    rule: 'Acceptance notices in 5 WD',
    legalBasis: 'TC Art 29(3)',
    status: 'clock',
    refs: [both(DN, 'notifyAcceptance', 'T4')],
  },
  {
    row: 'T5',
    rule: 'Resolve in 30 days',
    legalBasis: 'TC Art 30(1)',
    status: 'clock',
    refs: [both(DN, 'verify', 'T5'), both(DN, 'conclude', 'T5')],
  },
  {
    row: 'T5a',
    rule: 'Complex: one extension <= 30',
    legalBasis: 'TC Art 30(2); NĐ 31 Art 3(2)',
    status: 'clock',
    refs: [both(DN, 'verify', 'T5'), both(DN, 'extension.allowed')],
  },
  {
    row: 'T5b',
    rule: 'Especially complex: two extensions',
    legalBasis: 'TC Art 30(3); NĐ 31 Art 3(3)',
    status: 'clock',
    refs: [both(DN, 'verify', 'T5'), both(DN, 'extension.allowed')],
  },
  {
    row: 'T6',
    rule: 'Suspension/termination decision sent in 5 WD',
    legalBasis: 'TC Art 34(4)',
    status: 'clock',
    refs: [
      both(DN, 'suspension.decision.send', 'T6'),
      both(DN, 'continuation.decision.send', 'T6'),
      both(DN, 'termination.decision.send', 'T6'),
    ],
  },
  {
    row: 'T7',
    rule: 'Conclusion sent in 5 WD',
    legalBasis: 'TC Art 35(3)',
    status: 'clock',
    refs: [both(DN, 'sendConclusion', 'T7')],
  },
  {
    row: 'T8',
    rule: 'Conclusion handled in 7 WD',
    legalBasis: 'TC Art 36(1)',
    status: 'clock',
    refs: [both(DN, 'handleConclusion', 'T8')],
  },
  {
    row: 'T8a',
    rule: 'Body acting on a recommendation reports back in 5 WD',
    legalBasis: 'TC Art 36(3)',
    status: 'not_applicable',
    refs: [],
    note: 'An obligation of the other body; its report arrives as a supplement (not tracked by a clock here).',
  },
  {
    row: 'T9',
    rule: 'Publish in 7 WD',
    legalBasis: 'TC Art 40(1)',
    status: 'clock',
    refs: [both(DN, 'publishConclusion', 'T9')],
  },
  {
    row: 'T9a',
    rule: 'Posting / portal >= 15 days',
    legalBasis: 'NĐ 31 Art 6(2)(b)-(c)',
    status: 'check',
    refs: [both(DN, 'publishCheck')],
    note: 'A minimum duration: the gateway re-opens publication when postingTo - postingFrom < publicationMinDays (default 15: the posting day not counted, BLDS Art 147; whether "15 ngày liên tục" counts it is UNCONFIRMED, 14 = inclusive reading).',
  },
  {
    row: 'T9b',
    rule: 'Media 2x / e-newspaper 15 days',
    legalBasis: 'NĐ 31 Art 6(2)(d)',
    status: 'check',
    refs: [both(DN, 'publishCheck')],
    note: 'Minimums checked by the gateway (media >= 2 consecutive times); the denouncer is never revealed.',
  },
  {
    row: 'T10',
    rule: 'Review a follow-up denunciation in 20 days',
    legalBasis: 'TC Art 37(2)',
    status: 'clock',
    refs: [both(DN, 'review', 'T10')],
  },
  {
    row: 'T11',
    rule: 'Demand a report in 5 WD',
    legalBasis: 'TC Art 38(2)',
    status: 'clock',
    refs: [both(DN, 'demandReport', 'T11')],
  },
  {
    row: 'T11a',
    rule: 'Lower level reports in 5 WD',
    legalBasis: 'TC Art 38(3)',
    status: 'clock',
    refs: [both(DN, 'awaitReport', 'T11a')],
  },
  {
    row: 'T12',
    rule: 'Report to the forwarding press/authority in 20 days',
    legalBasis: 'TC Art 26(2)',
    status: 'clock',
    refs: [both(DN, 'reportForwarder', 'T12')],
  },
  {
    row: 'C1',
    rule: 'Tell the citizen the outcome in 10 WD',
    legalBasis: 'TCD Art 28(1)',
    status: 'clock',
    refs: [both(LH, 'inform', 'C1'), both(LH, 'intake', 'C1'), v('petition', [1], 'accept', 'C1')],
  },
  {
    row: 'C2',
    rule: 'Inform the forwarding deputy in 7 WD',
    legalBasis: 'TCD Art 27(2)',
    status: 'clock',
    refs: [
      both(CF, 'informForwarder', 'C2'),
      both(CS, 'informForwarder', 'C2'),
      v('petition', [1], 'informForwarder', 'C2'),
    ],
  },
  {
    row: 'C3',
    rule: 'Forwarder informs the citizen in 5 WD',
    legalBasis: 'TCD Art 28(2)',
    status: 'not_applicable',
    refs: [],
    note: 'An obligation of the forwarding deputy/body, not of the agency running the case.',
  },
  {
    row: 'C4',
    rule: 'Process a letter in 10 WD',
    legalBasis: 'TT 05/2021 (article UNCONFIRMED)',
    status: 'clock',
    refs: [both(LH, 'classify', 'C4')],
    note: 'Article UNCONFIRMED; 10 WD assumed by analogy with TCD Art 28(1).',
  },
  {
    row: 'C4a',
    rule: 'Letter unprocessed 45 days: breach',
    legalBasis: 'NĐ 154/2026 Art 41(3)(b)',
    status: 'clock',
    refs: [v(LH, [2], 'classify.breach45', 'C4a')],
    note: 'In force from 01/07/2026 only (v2).',
  },
  {
    row: 'C5',
    rule: 'Written refusal notice in 3 WD',
    legalBasis: 'NĐ 154/2026 Art 4(3)',
    status: 'clock',
    refs: [v(LH, [2], 'refusalNotice', 'C5')],
    note: 'From 01/07/2026 only (v2).',
  },
  {
    row: 'C6',
    rule: 'Online reception notice >= 5 WD / test >= 1 WD',
    legalBasis: 'NĐ 154/2026 Art 23',
    status: 'not_applicable',
    refs: [],
    note: 'Scheduling of an online reception session, not a step of a case lifecycle.',
  },
  {
    row: 'C7',
    rule: 'Substantive answer to a petition',
    legalBasis: 'UNCONFIRMED',
    status: 'unconfirmed',
    refs: [v('petition', [1], 'respond')],
    note: 'No statutory default: agencies register a version with petitionDefinition({ responseDeadline }) (clock C7).',
  },
  {
    row: 'C8',
    rule: 'Archive kept 1 year',
    legalBasis: 'TT 07/2014 Art 28(2)',
    status: 'clock',
    refs: [both(LH, 'archive.retention', 'C8')],
    note: '1 year from archiving (BLDS 2015 Art 148(4)).',
  },
];
