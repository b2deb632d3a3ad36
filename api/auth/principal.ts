/**
 * Who is calling: a person (JWT) or an integrating system (API key). `admin` administers its agency's
 * subtree; `system_admin` is the system level (ADR 0013): it alone changes national reference data
 * (the public-agency calendar) and registers definitions that apply everywhere. It comes only from
 * the identity provider's tokens: no API key carries it ({@link AGENCY_ROLES}). `reception_officer` records
 * citizen reception — sessions, visits, matter links (ADR 0028) — and reads its subtree's reception records.
 */
export const ROLES = [
  'intake',
  'officer',
  'supervisor',
  'auditor',
  'admin',
  'system_admin',
  'reception_officer',
] as const;
export type Role = (typeof ROLES)[number];
/** The roles bound to an agency (every role but the system level): what an API key may carry. */
export const AGENCY_ROLES = [
  'intake',
  'officer',
  'supervisor',
  'auditor',
  'admin',
  'reception_officer',
] as const satisfies readonly Role[];
/** The system-level role (national reference data). */
export const SYSTEM_ROLES = ['system_admin'] as const satisfies readonly Role[];

/** Permission to read a denouncer's identity (Luật Tố cáo 2018 Art 8(3), 47, 56). */
export const IDENTITY_READ = 'identity:read';

export interface Principal {
  type: 'user' | 'api_key';
  /** JWT `sub` or the API key id. */
  id: string;
  name?: string;
  /** The agency the principal belongs to; it sees that agency's subtree only. */
  agencyId: string;
  roles: Role[];
  /**
   * Extra permissions. `identity:read` applies to the principal's own subtree;
   * `identity:read@<agencyId>` narrows it to that agency's subtree.
   */
  permissions: string[];
}

/** The actor recorded in the audit log. */
export function actorOf(p: Principal | undefined): { type: string; id: string; agency: string | null } {
  return p ? { type: p.type, id: p.id, agency: p.agencyId } : { type: 'anonymous', id: 'anonymous', agency: null };
}
