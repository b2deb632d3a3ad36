/**
 * The dashboard's figures: open / overdue / at-risk cases by agency and by type. Today they are counted from
 * the case list (GET /v1/cases, 200 per figure: `exact` is false when a figure has more); when the figures API
 * (reports) lands, only this module changes — the dashboard reads `useCaseFigures()`.
 */
import { useQuery } from '@tanstack/react-query';
import { api, ok } from './api.js';

export type Measure = 'open' | 'overdue' | 'atRisk';
export interface Figures {
  byAgency: Record<string, Record<Measure, number>>;
  byType: Record<string, Record<Measure, number>>;
  totals: Record<Measure, number>;
  /** false: a figure reached the list's page size and is a lower bound. */
  exact: boolean;
}
const LIMIT = 200;

export function useCaseFigures() {
  return useQuery({
    queryKey: ['figures'],
    queryFn: async (): Promise<Figures> => {
      const c = api();
      const pages = await Promise.all(
        (['open', 'overdue', 'atRisk'] as const).map(async (m) => {
          const query = {
            status: 'open' as const,
            limit: LIMIT,
            sort: 'nextDueAt' as const,
            ...(m === 'overdue' ? { overdue: 'true' as const } : m === 'atRisk' ? { atRisk: 'true' as const } : {}),
          };
          return [m, ok(await c.GET('/v1/cases', { params: { query } }))] as const;
        }),
      );
      const zero = (): Record<Measure, number> => ({ open: 0, overdue: 0, atRisk: 0 });
      const f: Figures = { byAgency: {}, byType: {}, totals: zero(), exact: true };
      for (const [m, page] of pages) {
        if (page.next) f.exact = false;
        for (const x of page.items) {
          (f.byAgency[x.agencyId] ??= zero())[m] += 1;
          (f.byType[x.caseType] ??= zero())[m] += 1;
          f.totals[m] += 1;
        }
      }
      return f;
    },
  });
}
