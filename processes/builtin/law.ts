/**
 * Periods of law and the citations the built-in definitions quote, in one place so every
 * definition, clock and coverage row cites the same wording. Paraphrases and confidence markers:
 * shared/domain/lifecycle-spec.md (§0.2 sources, §2 master table).
 */

/** First day of the 2026 reform (Luật 136/2025/QH15; NĐ 154/155/156/2026). */
export const REFORM_2026 = '2026-07-01';

/** A period of law a built-in definition encodes. */
export type LawPeriod = 'pre2026' | 'from2026';

/** Human labels of the periods (used in definition names). */
export const PERIOD_LABEL: Record<LawPeriod, string> = {
  pre2026: 'luật đến 30/06/2026',
  from2026: 'luật từ 01/07/2026',
};

/** Article citations. [S] = secondary source in the spec (verify before relying on it). */
export const ART = {
  // Luật Khiếu nại 2011 (KN)
  knLimitation: 'Luật Khiếu nại 2011 Art 9',
  knWithdrawal: 'Luật Khiếu nại 2011 Art 10',
  knPartialWithdrawal: 'Luật Khiếu nại 2011 Art 2(3), Art 10 (Luật 136/2025/QH15, from 01/07/2026) [S]',
  knNonAcceptance: 'Luật Khiếu nại 2011 Art 11',
  knTerminationBar: 'Luật Khiếu nại 2011 Art 11(8)',
  knSuspension: 'Luật Khiếu nại 2011 Art 11a (Luật 136/2025/QH15, from 01/07/2026) [S]',
  knTermination: 'Luật Khiếu nại 2011 Art 11a (Luật 136/2025/QH15); NĐ 124/2020 Art 28b (NĐ 155/2026) [S]',
  knTerminationPre2026: 'Luật Khiếu nại 2011 Art 10; TT 07/2013/TT-TTCP Art 19',
  knRepresentatives: 'Luật Khiếu nại 2011 Art 8(4)-(5); Luật Tiếp công dân 2013 Art 29',
  knAcceptanceLaw: 'Luật Khiếu nại 2011 Art 27 ("10 ngày")',
  knAcceptanceRules: 'TT 07/2013/TT-TTCP Art 5(1); NĐ 124/2020 Art 16(1) ("10 ngày làm việc")',
  knAcceptance2026: 'NĐ 124/2020 Art 16(1) as amended by NĐ 155/2026 Art 10 ("07 ngày làm việc") [S]',
  knResolutionFirst: 'Luật Khiếu nại 2011 Art 28',
  knVerificationFirst: 'Luật Khiếu nại 2011 Art 29',
  knDialogueFirst: 'Luật Khiếu nại 2011 Art 30',
  knDialogueNotice2026:
    'Luật Khiếu nại 2011 Art 30(2); NĐ 124/2020 Art 28(1) as amended by NĐ 155/2026 Art 11 (≥5 days) [S]',
  knDialogueAbsence2026: 'Luật Khiếu nại 2011 Art 30(6) (Luật 136/2025/QH15); NĐ 124/2020 Art 28(5) [S]',
  knDialogueAbsencePre2026: 'TT 07/2013/TT-TTCP Art 21(2)(a)',
  knDecisionFirst: 'Luật Khiếu nại 2011 Art 31',
  knSendFirst: 'Luật Khiếu nại 2011 Art 32',
  knSecondComplaintWindow: 'Luật Khiếu nại 2011 Art 33(1)',
  knStay: 'Luật Khiếu nại 2011 Art 35',
  knAcceptanceSecond: 'Luật Khiếu nại 2011 Art 36(1)',
  knResolutionSecond: 'Luật Khiếu nại 2011 Art 37',
  knVerificationSecond: 'Luật Khiếu nại 2011 Art 38',
  knDialogueSecond: 'Luật Khiếu nại 2011 Art 39',
  knDecisionSecond: 'Luật Khiếu nại 2011 Art 40',
  knSendSecond: 'Luật Khiếu nại 2011 Art 41(1)',
  knDisclosure: 'Luật Khiếu nại 2011 Art 41(2); NĐ 124/2020 (article UNCONFIRMED), predecessor NĐ 75/2012 Art 12',
  knLawsuitAfterSecond: 'Luật Khiếu nại 2011 Art 42',
  knLegalEffectFirst: 'Luật Khiếu nại 2011 Art 44(1)',
  knLegalEffectSecond: 'Luật Khiếu nại 2011 Art 44(2)',
  knSendSuspension2026: 'NĐ 124/2020 Art 28b (NĐ 155/2026, from 01/07/2026) [S]',
  knComplex2026: 'NĐ 124/2020 Art 3a (NĐ 155/2026) [S]',
  knTransition: 'NĐ 155/2026/NĐ-CP Art 22(1) [S]',
  lawsuit: 'Luật Tố tụng hành chính 2015 Art 116(3)',
  // Luật Tố cáo 2018 (TC)
  tcInitial: 'Luật Tố cáo 2018 Art 24(1)',
  tcTransfer: 'Luật Tố cáo 2018 Art 24(2)',
  tcAnonymous: 'Luật Tố cáo 2018 Art 25',
  tcForwarded: 'Luật Tố cáo 2018 Art 26(2)',
  tcCrime: 'Luật Tố cáo 2018 Art 27',
  tcAcceptance: 'Luật Tố cáo 2018 Art 29; NĐ 31/2019 Art 9',
  tcAcceptanceNotice: 'Luật Tố cáo 2018 Art 29(3); NĐ 31/2019 Art 9(2)',
  tcResolution: 'Luật Tố cáo 2018 Art 30(1)',
  tcExtension: 'Luật Tố cáo 2018 Art 30(2)-(3); NĐ 31/2019 Art 3',
  tcVerification: 'Luật Tố cáo 2018 Art 31; NĐ 31/2019 Arts 10-16',
  tcWithdrawal: 'Luật Tố cáo 2018 Art 33; NĐ 31/2019 Art 4',
  tcSuspension: 'Luật Tố cáo 2018 Art 34',
  tcSendSuspension: 'Luật Tố cáo 2018 Art 34(4)',
  tcConclusion: 'Luật Tố cáo 2018 Art 35',
  tcSendConclusion: 'Luật Tố cáo 2018 Art 35(3)',
  tcHandling: 'Luật Tố cáo 2018 Art 36(1)',
  tcReview: 'Luật Tố cáo 2018 Art 37(2)',
  tcOverdueDemand: 'Luật Tố cáo 2018 Art 38(2)',
  tcOverdueReport: 'Luật Tố cáo 2018 Art 38(3)',
  tcDisclosure: 'Luật Tố cáo 2018 Art 40; NĐ 31/2019 Art 6',
  tcConfidentiality: 'Luật Tố cáo 2018 Art 8(3), Art 47, Art 56',
  tcExpertise2026: 'NĐ 31/2019 as amended by NĐ 156/2026 Art 2 (expertise request sent to the denouncer) [S]',
  // Luật Tiếp công dân 2013 (TCD) and letter handling
  tcdClassification: 'Luật Tiếp công dân 2013 Art 26',
  tcdOutcomeNotice: 'Luật Tiếp công dân 2013 Art 28(1)',
  tcdRepresentatives: 'Luật Tiếp công dân 2013 Art 29',
  letterSources: 'TT 07/2014/TT-TTCP Art 5 (TT 05/2021/TT-TTCP equivalent UNCONFIRMED)',
  letterClassification: 'TT 07/2014/TT-TTCP Art 6; TT 05/2021/TT-TTCP [S]',
  letterProcessing: 'TT 05/2021/TT-TTCP (article UNCONFIRMED); by analogy Luật Tiếp công dân 2013 Art 28(1)',
  letterBreach45: 'NĐ 154/2026/NĐ-CP Art 41(3)(b) [S]',
  letterRefusalNotice2026: 'NĐ 154/2026/NĐ-CP Art 4(3) [S]',
  letterArchive: 'TT 07/2014/TT-TTCP Art 28(2) (TT 05/2021 equivalent UNCONFIRMED)',
  letterGuideOnce: 'TT 07/2014/TT-TTCP Art 7-8 (Mẫu 03)',
  letterMassReport: 'TT 07/2014/TT-TTCP Art 6; Luật Tiếp công dân 2013 Art 30',
  petitionResponse: 'UNCONFIRMED: no general statutory deadline (spec §5.4, C7)',
  escalationHead:
    'TT 07/2014/TT-TTCP Art 7(3); Luật Tiếp công dân 2013 Art 26(1)(b); NĐ 124/2020 Art 41 and NĐ 31/2019 Art 22 as amended [S]',
  nationalDatabase: 'NĐ 154/2026 Art 27; NĐ 124/2020 Art 30a; NĐ 31/2019 Art 19a [S]',
} as const;
