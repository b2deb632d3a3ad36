/**
 * Turns the query-string form of the case filter (db/case-filter.ts) into the parsed filter of a caller:
 * `agencyId` must lie within the caller's agency subtree (else 404, as for any agency they cannot see) and
 * narrows to its subtree, or to that agency alone with `exactAgency=true`.
 */
import { caseFilterOf, type CaseFilter, type CaseFilterQuery } from '../../db/case-filter.js';
import { problems } from '../problem.js';

export async function resolveCaseFilter(
  query: CaseFilterQuery,
  subtree: string[],
  agencies: { subtree(id: string): Promise<string[]> },
): Promise<CaseFilter> {
  if (query.exactAgency !== undefined && !query.agencyId)
    throw problems.validation([{ path: 'query.exactAgency', message: 'needs agencyId' }]);
  let scope = subtree;
  if (query.agencyId) {
    // Narrowing to an agency outside the caller's subtree finds nothing that exists for them: 404.
    if (!subtree.includes(query.agencyId)) throw problems.notFound(`Agency ${query.agencyId}`);
    scope = query.exactAgency === 'true' ? [query.agencyId] : await agencies.subtree(query.agencyId);
  }
  return caseFilterOf(query, scope);
}
