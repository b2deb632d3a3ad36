/**
 * Which case documents are published on the agency's portal, on what legal basis and for how long (ADR 0043),
 * selected by the document's issue date. The workflow's disclosure tasks (complaint-second `disclose`, K11;
 * denunciation `publishConclusion`, T9) keep recording the forms the resolver chose; this table governs the
 * portal posting the API makes.
 */
export type PublicationKind = 'complaint_decision' | 'denunciation_conclusion';

export interface PublicationRule {
  /** The `case_documents.type` the lifecycle records when the decision or conclusion is issued. */
  documentType: string;
  kind: PublicationKind;
  instance: 'first' | 'second' | null;
  /** Title on the public page (Vietnamese, as the document is named). */
  title: string;
  /** The law requires publication (false: allowed, not required — see `note`). */
  required: boolean;
  legalBasis: string;
  /** Least number of days the text stays on the portal, counted from the day after posting (BLDS 2015 Art 147). */
  minimumDays: number;
  /** First issue date the rule applies to (inclusive). */
  effectiveFrom: string;
  /** Last issue date (inclusive); null: still in force. */
  effectiveTo: string | null;
  note?: string;
}

const KN_41 = 'Luật Khiếu nại 2011 Art 41(2)-(3); NĐ 75/2012 Art 12(1), 12(3); NĐ 124/2020 (article UNCONFIRMED)';
const TC_40 = 'Luật Tố cáo 2018 Art 40(1)-(3); NĐ 31/2019 Art 6(1), 6(2)(c)';

export const PUBLICATION_RULES: readonly PublicationRule[] = [
  {
    documentType: 'complaint_decision_second',
    kind: 'complaint_decision',
    instance: 'second',
    title: 'Quyết định giải quyết khiếu nại lần hai',
    required: true,
    legalBasis: KN_41,
    minimumDays: 15,
    effectiveFrom: '2012-07-01',
    effectiveTo: '2026-06-30',
  },
  {
    documentType: 'complaint_decision_second',
    kind: 'complaint_decision',
    instance: 'second',
    title: 'Quyết định giải quyết khiếu nại lần hai',
    required: true,
    legalBasis: `${KN_41}; Luật 136/2025/QH15 (amends Art 41(3); changes in substance UNCONFIRMED)`,
    minimumDays: 15,
    effectiveFrom: '2026-07-01',
    effectiveTo: null,
  },
  {
    documentType: 'complaint_decision_first',
    kind: 'complaint_decision',
    instance: 'first',
    title: 'Quyết định giải quyết khiếu nại lần đầu',
    // UNCONFIRMED (spec §3.9, open item 2): KN Art 41(2) and NĐ 75/2012 require only the second instance; whether
    // NĐ 124/2020 extends it is not known. Publishing is allowed, not required: configuration, not a deadline.
    required: false,
    legalBasis: 'Luật Khiếu nại 2011 Art 41(2) (second instance only); NĐ 124/2020 (first instance UNCONFIRMED)',
    minimumDays: 15,
    effectiveFrom: '2012-07-01',
    effectiveTo: null,
    note: 'UNCONFIRMED: whether first-instance decisions must be published',
  },
  {
    documentType: 'denunciation_conclusion',
    kind: 'denunciation_conclusion',
    instance: null,
    title: 'Kết luận nội dung tố cáo',
    required: true,
    legalBasis: TC_40,
    minimumDays: 15,
    effectiveFrom: '2019-01-01',
    effectiveTo: null,
  },
];

/** The rule for a document of `type` issued on `issuedOn` (YYYY-MM-DD), if it may be published. */
export function publicationRule(
  type: string,
  issuedOn: string,
  rules: readonly PublicationRule[] = PUBLICATION_RULES,
): PublicationRule | undefined {
  return rules.find(
    (r) =>
      r.documentType === type && r.effectiveFrom <= issuedOn && (r.effectiveTo === null || issuedOn <= r.effectiveTo),
  );
}

export const PUBLISHABLE_TYPES: readonly string[] = [...new Set(PUBLICATION_RULES.map((r) => r.documentType))];
