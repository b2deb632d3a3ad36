/**
 * The dashboard's figures: open / overdue / at-risk cases by agency and by type, exact, from the figures API
 * (`GET /v1/figures/cases`, the case search's own filter): two requests in parallel — the open cases grouped by
 * agency, type and overdue (the monthly roll-up answers it) and the open cases at risk grouped by agency and type
 * (the partial index `case_facts_open_at_risk`). For the first load they start before the application (early.ts).
 * The dashboard reads `useCaseFigures()` only.
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, ok } from './api.js';
import { FIGURES_URLS, takeEarly } from './early.js';

export type Measure = 'open' | 'overdue' | 'atRisk';
export interface Figures {
  byAgency: Record<string, Record<Measure, number>>;
  byType: Record<string, Record<Measure, number>>;
  totals: Record<Measure, number>;
  /** false: a figure is a lower bound (never, since the figures API counts). */
  exact: boolean;
}

export const figuresQuery = {
  queryKey: ['figures'] as const,
  queryFn: async (): Promise<Figures> => {
    const c = api();
    const openQ = () =>
      c.GET('/v1/figures/cases', { params: { query: { status: 'open', groupBy: 'agency,type,overdue' } } }).then(ok);
    const atRiskQ = () =>
      c
        .GET('/v1/figures/cases', { params: { query: { status: 'open', atRisk: 'true', groupBy: 'agency,type' } } })
        .then(ok);
    type Answer = Awaited<ReturnType<typeof openQ>>;
    // Their answers may already be on their way (early.ts, started before this code ran).
    const [open, atRisk] = await Promise.all([
      takeEarly<Answer>(FIGURES_URLS[0]).then((a) => a ?? openQ()),
      takeEarly<Answer>(FIGURES_URLS[1]).then((a) => a ?? atRiskQ()),
    ]);
    const zero = (): Record<Measure, number> => ({ open: 0, overdue: 0, atRisk: 0 });
    const f: Figures = { byAgency: {}, byType: {}, totals: zero(), exact: true };
    const add = (key: Record<string, string | null>, m: Measure, n: number) => {
      (f.byAgency[key.agency ?? '—'] ??= zero())[m] += n;
      (f.byType[key.type ?? '—'] ??= zero())[m] += n;
      f.totals[m] += n;
    };
    for (const g of open.groups) {
      add(g.key, 'open', g.count);
      if (g.key.overdue === 'true') add(g.key, 'overdue', g.count);
    }
    for (const g of atRisk.groups) add(g.key, 'atRisk', g.count);
    return f;
  },
};

/** Starts the figures' requests when the router enters the dashboard (alongside its code). */
export function prefetchFigures(qc: QueryClient): void {
  void qc.prefetchQuery(figuresQuery);
}

export function useCaseFigures() {
  return useQuery(figuresQuery);
}
