/** Who is calling: a person (JWT) or an integrating system (API key). */
export const ROLES = ['intake', 'officer', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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
