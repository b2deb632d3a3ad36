/**
 * The query filters a report figure's drill-down needs on the lists behind it (issue 16 item 6): narrowing to
 * one agency's subtree or to that agency alone (`agencyId`, `exactAgency`, as on the case search), validated the
 * same way everywhere — an agency outside the caller's subtree is 404 (nothing there exists for them),
 * `exactAgency` without `agencyId` is 400 naming the field.
 */
import { z } from 'zod';
import { problems } from './problem.js';
import { AgencyId } from './schemas.js';

export const DrillBool = z.enum(['true', 'false']).optional();

/** `agencyId` and `exactAgency` of a list's query. */
export const DrillAgencyQuery = {
  agencyId: AgencyId.optional().meta({ description: "Narrow to this agency's subtree (must be within yours)" }),
  exactAgency: DrillBool.meta({ description: '`true`: that agency alone, not its subtree (needs `agencyId`)' }),
};

/** The agencies a list reads: the caller's subtree, narrowed by `agencyId` (its subtree, or it alone). */
export async function narrowAgencies(
  subtree: string[],
  q: { agencyId?: string | undefined; exactAgency?: 'true' | 'false' | undefined },
  agencies: { subtree(id: string): Promise<string[]> },
): Promise<string[]> {
  if (q.exactAgency !== undefined && !q.agencyId)
    throw problems.validation([{ path: 'query.exactAgency', message: 'needs agencyId' }]);
  if (!q.agencyId) return subtree;
  if (!subtree.includes(q.agencyId)) throw problems.notFound(`Agency ${q.agencyId}`);
  return q.exactAgency === 'true' ? [q.agencyId] : agencies.subtree(q.agencyId);
}

/**
 * One value of `values` or several separated by commas (`sessionKind=periodic,ad_hoc`): a report cell's filter
 * over several values; an unknown value is 400 naming the field.
 */
export function EnumList<T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .max(500)
    .transform((s, ctx) => {
      const parts = s.split(',');
      const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `expected one or more of ${values.join(', ')} separated by commas` });
        return z.NEVER;
      }
      return [...new Set(parts)] as Array<T[number]>;
    })
    .meta({ description: `One value, or several separated by commas: ${values.join(', ')}` });
}
