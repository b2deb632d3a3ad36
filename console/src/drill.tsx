/**
 * A report figure's drill-down in the console (issue 16 item 6): the API list a figure links to (`drillDown`,
 * e.g. `/v1/hotspots?agencyId=…&raisedFrom=…`) opens the console's list page of the same records with the same
 * filters in its address; the page passes them on to the API and shows them.
 */
import { Badge, Group, Text } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useT } from './i18n.js';

/** API list → console page, the page's fixed parameters, and the filters the page passes back to the API. */
const PAGES: Record<string, { page: string; fixed?: Record<string, string>; keep?: readonly string[] }> = {
  '/v1/cases': { page: '/cases' },
  '/v1/hotspots': { page: '/hotspots' },
  '/v1/gatherings': { page: '/gatherings' },
  '/v1/task-forces': { page: '/task-forces' },
  '/v1/task-forces/assignments': { page: '/task-force-work' },
  '/v1/review-campaigns': { page: '/review-campaigns' },
  '/v1/review-campaigns/reviews': { page: '/campaign-reviews' },
  '/v1/matters': { page: '/matters' },
  '/v1/reception/sessions': { page: '/reception', fixed: { tab: 'sessions' } },
  '/v1/reception/visits': { page: '/reception/visits' },
};

/** The filters each list page takes from its address to the API (a report's drill-down sets them). */
export const DRILL_FILTERS = {
  hotspots: ['agencyId', 'exactAgency', 'raisedFrom', 'raisedTo', 'closed', 'includeFallen'],
  gatherings: ['agencyId', 'exactAgency', 'gatheredFrom', 'gatheredTo', 'broughtHome'],
  taskForces: ['agencyId', 'exactAgency', 'activeFrom', 'activeTo'],
  reviewCampaigns: ['agencyId', 'exactAgency', 'runningFrom', 'runningTo'],
  sessions: ['agencyId', 'exactAgency', 'from', 'to', 'kind', 'receivedBy'],
  visits: [
    'agencyId',
    'exactAgency',
    'from',
    'to',
    'visitedFrom',
    'visitedTo',
    'sessionKind',
    'receivedBy',
    'delegation',
    'repeat',
    'contentType',
    'outcome',
  ],
  matters: ['agencyId', 'exactAgency', 'firstReceivedTo'],
  taskForceWork: ['agencyId', 'exactAgency', 'activeFrom', 'activeTo', 'state'],
  campaignReviews: ['agencyId', 'exactAgency', 'runningFrom', 'runningTo', 'state'],
} as const;

/** The console page for an API drill-down link (`/v1/cases?…` → `/cases?…&from=report`). */
export function drillTo(link: string): string {
  const [path = '', query = ''] = link.split('?');
  const target = PAGES[path] ?? PAGES['/v1/cases']!;
  const params = new URLSearchParams(query);
  if (target.keep) for (const k of [...params.keys()]) if (!target.keep.includes(k)) params.delete(k);
  for (const [k, v] of Object.entries(target.fixed ?? {})) params.set(k, v);
  params.delete('limit');
  // The case search's marker is `from=report`; elsewhere `from` can be a filter (the sessions' first day): `via`.
  params.append(target.page === '/cases' ? 'from' : 'via', 'report');
  return `${target.page}?${params.toString()}`;
}

/** The address's values of `names` (the first one of each), for the API query. */
export function useDrillQuery<K extends string>(names: readonly K[]): Partial<Record<K, string>> {
  const [params] = useSearchParams();
  const out: Partial<Record<K, string>> = {};
  for (const k of names) {
    const v = params.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** The filters a report figure passed, shown above the list (nothing when the page was opened otherwise). */
export function DrillFilters({ names }: { names: readonly string[] }) {
  const { t } = useT();
  const q = useDrillQuery(names);
  const [params] = useSearchParams();
  const keys = Object.keys(q) as string[];
  if (params.get('via') !== 'report' || keys.length === 0) return null;
  return (
    <Group mb="sm" gap="xs" data-testid="passed-filters">
      <Text size="sm" fw={700}>
        {t('fromReport')}:
      </Text>
      {keys.map((k) => (
        <Badge key={k} variant="light" color="dark">
          {k}={(q as Record<string, string>)[k]}
        </Badge>
      ))}
    </Group>
  );
}
