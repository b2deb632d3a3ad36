/**
 * Matters (vụ việc, issue 14.3, ADR 0028): repeat letters and visits about one matter, their counts and
 * flags, the officer's confirmed/rejected links and the identity-hash index used for suggestions.
 * Migration 20261204020000_reception.
 */
export const MATTER_STATUSES = ['open', 'closed'] as const;
export type MatterStatus = (typeof MATTER_STATUSES)[number];
export const MATTER_LINK_KINDS = ['visit', 'case'] as const;
export type MatterLinkKind = (typeof MATTER_LINK_KINDS)[number];
export const MATTER_LINK_DECISIONS = ['confirmed', 'rejected'] as const;
export type MatterLinkDecision = (typeof MATTER_LINK_DECISIONS)[number];
export const MATTER_FLAGS = ['prolonged', 'complex', 'mass'] as const;
export type MatterFlag = (typeof MATTER_FLAGS)[number];
export const FLAG_CRITERIA = ['received_after_final_decision', 'open_months', 'times_received', 'people_max'] as const;
export type FlagCriterion = (typeof FLAG_CRITERIA)[number];

export interface MatterRecord {
  id: string;
  agencyId: string;
  title: string;
  contentType: string | null;
  firstReceivedAt: string;
  lastReceivedAt: string;
  timesReceived: number;
  lettersCount: number;
  peopleMax: number;
  prolonged: boolean;
  complex: boolean;
  mass: boolean;
  /** Rule ids (matter_flag_rules) that set the flags at the last evaluation. */
  flagReasons: string[];
  status: MatterStatus;
  finalDecisionAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface MatterLinkRecord {
  id: string;
  matterId: string;
  kind: MatterLinkKind;
  refId: string;
  decision: MatterLinkDecision;
  reason: string | null;
  linkedBy: string;
  at: string;
}

export interface FlagRule {
  id: string;
  flag: 'prolonged' | 'complex';
  criterion: FlagCriterion;
  threshold: number | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  source: string;
  unconfirmed: boolean;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

export function matterOf(r: Record<string, unknown>): MatterRecord {
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    title: r.title as string,
    contentType: (r.content_type as string | null) ?? null,
    firstReceivedAt: iso(r.first_received_at),
    lastReceivedAt: iso(r.last_received_at),
    timesReceived: r.times_received as number,
    lettersCount: r.letters_count as number,
    peopleMax: r.people_max as number,
    prolonged: r.prolonged as boolean,
    complex: r.complex as boolean,
    mass: r.mass as boolean,
    flagReasons: (r.flag_reasons as string[] | null) ?? [],
    status: r.status as MatterStatus,
    finalDecisionAt: isoOrNull(r.final_decision_at),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function matterLinkOf(r: Record<string, unknown>): MatterLinkRecord {
  return {
    id: r.id as string,
    matterId: r.matter_id as string,
    kind: r.kind as MatterLinkKind,
    refId: r.ref_id as string,
    decision: r.decision as MatterLinkDecision,
    reason: (r.reason as string | null) ?? null,
    linkedBy: r.linked_by as string,
    at: iso(r.at),
  };
}

/**
 * Normalises a subject for similarity: lower case, Vietnamese diacritics and `đ` folded, punctuation
 * to spaces, single spaces. The same function feeds the stored `subject_norm` and the query.
 */
export function normaliseSubject(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
