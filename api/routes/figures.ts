/**
 * Case figures (issue 16 item 1, ADR 0030): the count of the cases a case-search filter selects and its
 * counts grouped by up to three dimensions, within the caller's agency subtree (the scoping of
 * `GET /v1/cases`). The filter is the search's own (db/case-filter.ts); every group carries its drill-down,
 * the case search URL with the filter that selects exactly its cases.
 */
import { z } from 'zod';
import {
  FIGURE_DIMENSION_NAMES,
  FIGURE_DIMENSIONS,
  type FigureDimension,
  type FigureDimensionName,
  type FigureKey,
} from '../../db/case-figures.js';
import { CASE_FILTER_FIELDS, caseFilterParams, CaseFilterQuery } from '../../db/case-filter.js';
import { resolveCaseFilter } from '../services/case-filter.js';
import { defineRoute, type RouteSpec } from '../routing/define-route.js';

/** Who may count: whoever may search (`GET /v1/cases`), over the same subtree. */
const READERS = ['intake', 'officer', 'supervisor', 'auditor', 'admin'] as const;
const MAX_DIMENSIONS = 3;

const GroupBy = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const list = s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    for (const d of list)
      if (!(FIGURE_DIMENSION_NAMES as string[]).includes(d))
        ctx.addIssue({
          code: 'custom',
          message: `${d.slice(0, 40)} is not a dimension (one of ${FIGURE_DIMENSION_NAMES.join(', ')})`,
        });
    if (new Set(list).size !== list.length) ctx.addIssue({ code: 'custom', message: 'a dimension is named twice' });
    if (list.length > MAX_DIMENSIONS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_DIMENSIONS} dimensions` });
    return list as FigureDimensionName[];
  })
  .meta({
    description:
      `Comma-separated dimensions, at most ${MAX_DIMENSIONS}: ` +
      FIGURE_DIMENSION_NAMES.map((d) => `\`${d}\` (${FIGURE_DIMENSIONS[d].description})`).join('; '),
    example: 'agency,type',
  });

export const CaseFiguresQuery = CaseFilterQuery.extend({ groupBy: GroupBy.optional() });

const FigureGroupView = z
  .object({
    key: z
      .record(z.string(), z.string().nullable())
      .meta({ description: 'The value of each dimension (null: the cases without one)' }),
    count: z.number().int(),
    link: z.string().nullable().meta({
      description:
        'The case search with the filter that selects exactly these cases (null: no filter can, e.g. cases never closed)',
    }),
  })
  .meta({ id: 'FigureGroup' });

const CaseFigures = z
  .object({
    total: z.number().int().meta({ description: 'Cases the filter selects (what the case search pages through)' }),
    link: z.string().meta({ description: 'The case search with the same filter' }),
    groupBy: z.array(z.string()),
    groups: z.array(FigureGroupView).meta({
      description:
        'One row per combination of dimension values that has cases, ordered by the values (null last). A case at ' +
        'several steps counts in each of its `stage` groups; otherwise the counts add up to `total`.',
    }),
  })
  .meta({ id: 'CaseFigures' });

/** The filter part of the query (the fields of the case search), as given. */
function filterPart(q: Record<string, unknown>): Partial<CaseFilterQuery> {
  return Object.fromEntries(CASE_FILTER_FIELDS.flatMap((k) => (q[k] === undefined ? [] : [[k, q[k]]])));
}
const searchLink = (q: Partial<CaseFilterQuery>) => {
  const s = caseFilterParams(q).toString();
  return s === '' ? '/v1/cases' : `/v1/cases?${s}`;
};

/** The drill-down of a group: the request's filter narrowed by each dimension to its key (null: not expressible). */
export function groupLink(
  q: Partial<CaseFilterQuery>,
  dims: readonly FigureDimensionName[],
  key: Record<string, FigureKey>,
): string | null {
  let out: Partial<CaseFilterQuery> = { ...q };
  for (const d of dims) {
    const dim: FigureDimension = FIGURE_DIMENSIONS[d];
    const narrow = dim.narrow(key[d] ?? null, q as CaseFilterQuery);
    if (narrow === null) return null;
    out = { ...out, ...narrow };
  }
  return searchLink(out);
}

export const figureRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/v1/figures/cases',
    operationId: 'caseFigures',
    tags: ['Figures'],
    summary: "Count cases of the caller's agency subtree, in total and grouped (agency, type, stage, status, …)",
    description:
      'Takes exactly the filters of `GET /v1/cases` (the same filter model, so a count equals the number of items ' +
      'the search returns for it) plus `groupBy`. Answers from the read model (see README "Read model & ' +
      'consistency"). Each group links to the case search that lists its cases.',
    auth: { roles: READERS, scope: { kind: 'subtree' } },
    request: {
      query: CaseFiguresQuery,
      queryExample: { groupBy: 'agency,status', receivedFrom: '2026-01-01T00:00:00+07:00' },
    },
    responses: { 200: { description: 'The total and the group counts', schema: CaseFigures } },
    handler: async ({ query, subtree, services }) => {
      const filter = await resolveCaseFilter(query, subtree, services.agencies);
      const dims = query.groupBy ?? [];
      const q = filterPart(query);
      // Without a many-valued dimension (stage) the groups add up to the total: one query, not two.
      const summable = dims.length > 0 && !dims.some((d) => (FIGURE_DIMENSIONS[d] as FigureDimension).lateral);
      const [total, groups] = summable
        ? await services.caseFigures.groupBy(filter, dims).then((g) => [g.reduce((a, x) => a + x.count, 0), g] as const)
        : await Promise.all([
            services.caseFigures.count(filter),
            dims.length === 0 ? [] : services.caseFigures.groupBy(filter, dims),
          ]);
      return {
        body: {
          total,
          link: searchLink(q),
          groupBy: dims,
          groups: groups.map((g) => ({ key: g.key, count: g.count, link: groupLink(q, dims, g.key) })),
        },
      };
    },
  }),
];
