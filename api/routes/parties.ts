import { z } from 'zod';
import { PARTY_ROLES, type PartyRecord } from '../../db/parties.js';
import { actorOf, IDENTITY_READ, type Principal } from '../auth/principal.js';
import type { AgencyScope } from '../auth/agencies.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';
import { CaseId } from '../schemas.js';

import { REDACTED, redactedIdentity } from '../redaction.js';

export { REDACTED, redactedIdentity };

/**
 * Whose identity the law protects: the denouncer (Luật Tố cáo 2018 Art 8(3), 47, 56) and whoever
 * represents them — also in an unclassified letter, which may turn out to be a denunciation.
 */
export function isProtected(p: Pick<PartyRecord, 'role'>, caseType: string): boolean {
  return (
    p.role === 'denouncer' || (p.role === 'representative' && (caseType === 'denunciation' || caseType === 'letter'))
  );
}

/** `identity:read` covers the caller's subtree; `identity:read@<agency>` covers that agency's subtree. */
export async function mayReadIdentity(
  principal: Principal,
  caseAgencyId: string,
  agencies: AgencyScope,
): Promise<boolean> {
  for (const perm of principal.permissions) {
    if (perm === IDENTITY_READ) return true; // the route's scope check already put the case in the caller's subtree
    if (
      perm.startsWith(`${IDENTITY_READ}@`) &&
      (await agencies.isWithin(caseAgencyId, perm.slice(IDENTITY_READ.length + 1)))
    )
      return true;
  }
  return false;
}

const PartyView = z
  .object({
    id: z.string(),
    role: z.enum(PARTY_ROLES),
    redacted: z.boolean(),
    name: z.string(),
    idNumber: z.string().optional(),
    phone: z.string().optional(),
    address: z.string().optional(),
    email: z.string().optional(),
    isRepresentative: z.boolean().optional(),
  })
  .meta({ id: 'Party' });

function redact(p: PartyRecord) {
  const i = p.identity;
  return { id: p.id, role: p.role, redacted: true, ...redactedIdentity(i), isRepresentative: i.isRepresentative };
}

export const partyRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/cases/:id/parties',
    operationId: 'listCaseParties',
    tags: ['Cases'],
    summary: 'Parties of a case (denouncer identity redacted without identity:read)',
    description:
      "A denouncer's identity (and their representative's) is returned only to callers holding `identity:read` for the case's agency; each such read is written to the audit log (Luật Tố cáo 2018 Art 8(3), 47, 56). Everyone else gets `[redacted]` values.",
    auth: { roles: ['intake', 'officer', 'supervisor', 'admin'], scope: { kind: 'case', param: 'id' } },
    request: { params: z.object({ id: CaseId }) },
    responses: { 200: { description: 'The parties', schema: z.object({ items: z.array(PartyView) }) } },
    handler: async ({ case: c, principal, services, requestId }) => {
      const all = await services.parties.forCase(c.id);
      const protectedOnes = all.filter((p) => isProtected(p, c.caseType));
      const reveal = protectedOnes.length > 0 && (await mayReadIdentity(principal, c.agencyId, services.agencies));
      if (reveal) {
        // Written before the data leaves: no audit entry, no identity.
        await services.audit.append({
          actor: actorOf(principal),
          action: 'party.identity_read',
          caseId: c.id,
          requestId,
          legalBasis: 'Luật Tố cáo 2018 Art 8(3), 47, 56',
          after: { partyIds: protectedOnes.map((p) => p.id) },
        });
      }
      const items = all.map((p) =>
        isProtected(p, c.caseType) && !reveal ? redact(p) : { id: p.id, role: p.role, redacted: false, ...p.identity },
      );
      return { body: { items } };
    },
  }),
];
