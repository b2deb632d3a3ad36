/**
 * Citizen reception (issue 14, ADR 0028): reception places, sessions and visits — row types, mappers
 * and queries. The rules (who may record what, validation, case start, matter links) live in
 * api/services/reception.ts; the matters in db/matters.ts. Migration 20261204020000_reception.
 */
import type { Db } from './knex.js';

export const PLACE_KINDS = ['reception_office', 'committee_seat', 'department_point', 'online'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];
export const SESSION_KINDS = ['regular', 'periodic', 'ad_hoc'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];
export const RECEIVED_BY = ['in_person', 'delegated'] as const;
export type ReceivedBy = (typeof RECEIVED_BY)[number];
export const SESSION_MODES = ['in_person', 'online'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];
export const CONTENT_TYPES = ['complaint', 'denunciation', 'petition', 'feedback'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];
export const VISIT_OUTCOMES = ['guided', 'answered', 'letter_received', 'transferred', 'refused'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];
export const VISIT_PARTY_ROLES = ['visitor', 'representative', 'respondent'] as const;
export type VisitPartyRole = (typeof VISIT_PARTY_ROLES)[number];

export interface PlaceRecord {
  id: string;
  agencyId: string;
  name: string;
  kind: PlaceKind;
  address: string | null;
  onlineUrl: string | null;
  active: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface SessionRecord {
  id: string;
  agencyId: string;
  placeId: string;
  kind: SessionKind;
  leaderPersonId: string | null;
  receivedBy: ReceivedBy;
  delegatePersonId: string | null;
  mode: SessionMode;
  /** Calendar date in Vietnam (YYYY-MM-DD). */
  sessionDate: string;
  startedAt: string;
  endedAt: string | null;
  periodId: string | null;
  scheduleEntryId: string | null;
  notes: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface VisitRecord {
  id: string;
  sessionId: string;
  agencyId: string;
  visitedAt: string;
  peopleCount: number;
  isDelegation: boolean;
  contentType: ContentType;
  summary: string;
  outcome: VisitOutcome;
  refusalGround: string | null;
  transferAgencyId: string | null;
  transferTarget: string | null;
  caseId: string | null;
  matterId: string | null;
  createdBy: string;
  createdAt: string;
}

/** A sealed visit party row (personal data only ever encrypted; `identity_hash` keyed, never reversible). */
export interface SealedVisitPartyRow {
  id: string;
  visit_id: string;
  position: number;
  role: VisitPartyRole;
  kid: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
  identity_hash: Buffer | null;
  hash_kid: string | null;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

export function placeOf(r: Record<string, unknown>): PlaceRecord {
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    name: r.name as string,
    kind: r.kind as PlaceKind,
    address: str(r.address),
    onlineUrl: str(r.online_url),
    active: r.active as boolean,
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function sessionOf(r: Record<string, unknown>): SessionRecord {
  return {
    id: r.id as string,
    agencyId: r.agency_id as string,
    placeId: r.place_id as string,
    kind: r.kind as SessionKind,
    leaderPersonId: str(r.leader_person_id),
    receivedBy: r.received_by as ReceivedBy,
    delegatePersonId: str(r.delegate_person_id),
    mode: r.mode as SessionMode,
    sessionDate: r.session_date as string,
    startedAt: iso(r.started_at),
    endedAt: isoOrNull(r.ended_at),
    periodId: str(r.period_id),
    scheduleEntryId: str(r.schedule_entry_id),
    notes: str(r.notes),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function visitOf(r: Record<string, unknown>): VisitRecord {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    agencyId: r.agency_id as string,
    visitedAt: iso(r.visited_at),
    peopleCount: r.people_count as number,
    isDelegation: r.is_delegation as boolean,
    contentType: r.content_type as ContentType,
    summary: r.summary as string,
    outcome: r.outcome as VisitOutcome,
    refusalGround: str(r.refusal_ground),
    transferAgencyId: str(r.transfer_agency_id),
    transferTarget: str(r.transfer_target),
    caseId: str(r.case_id),
    matterId: str(r.matter_id),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at),
  };
}

export type { Db };
