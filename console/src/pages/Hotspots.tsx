/** Hotspots of the caller's subtree: level, status, where and what, how many items; one opens its explanation. */
import { Anchor, Badge } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { DataTable, ListPage, SelectFilter, useUrlFilters, type Column } from '../components/ListPage.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { useT, type Key } from '../i18n.js';

export const LEVELS = ['watch', 'warning', 'hot'] as const;
const STATUSES = ['open', 'acknowledged', 'closed'] as const;
export const levelColour = (l: string | null) => (l === 'hot' ? 'red' : l === 'warning' ? 'orange' : 'yellow');

/** Where and what a hotspot is about: commune (or province), sector, respondent. */
export function hotspotLabel(h: {
  place: { provinceCode: string; communeCode: string | null };
  sector: string | null;
  respondent: string | null;
}) {
  return [h.place.communeCode ?? h.place.provinceCode, h.sector, h.respondent].filter(Boolean).join(' · ');
}

export function Component() {
  const { t, fmt } = useT();
  const f = useUrlFilters();
  const drill = useDrillQuery(DRILL_FILTERS.hotspots);
  const query = {
    limit: 100,
    ...(drill as Record<string, never>),
    ...(f.get('level') ? { level: f.get('level') as (typeof LEVELS)[number] } : {}),
    ...(f.get('status') ? { status: f.get('status') as (typeof STATUSES)[number] } : {}),
  };
  const q = useQuery({
    queryKey: ['hotspots', query],
    queryFn: async () => ok(await api().GET('/v1/hotspots', { params: { query } })),
  });
  type Row = NonNullable<typeof q.data>['items'][number];
  const columns: Array<Column<Row>> = [
    {
      header: t('level'),
      cell: (h) => <Badge color={levelColour(h.level)}>{h.level ? t(`lvl_${h.level}` as Key) : '—'}</Badge>,
    },
    {
      header: t('place'),
      cell: (h) => (
        <Anchor component={Link} to={`/hotspots/${h.id}`}>
          {hotspotLabel(h)}
        </Anchor>
      ),
    },
    { header: t('status'), cell: (h) => t(`st_${h.status}` as Key) },
    { header: t('items'), cell: (h) => h.itemCount },
    { header: t('lastItem'), cell: (h) => fmt.dateTime(h.lastItemAt) },
  ];
  return (
    <ListPage
      title={t('hotspots')}
      filters={
        <>
          <SelectFilter
            f={f}
            name="level"
            label={t('level')}
            options={LEVELS.map((l) => ({ value: l, label: t(`lvl_${l}` as Key) }))}
          />
          <SelectFilter
            f={f}
            name="status"
            label={t('status')}
            options={STATUSES.map((s) => ({ value: s, label: t(`st_${s}` as Key) }))}
          />
        </>
      }
    >
      <DrillFilters names={DRILL_FILTERS.hotspots} />
      <QueryState q={q}>
        <DataTable
          testId="hotspots"
          columns={columns}
          rows={q.data?.items ?? []}
          rowKey={(h) => h.id}
          rowProps={(h) => ({ 'data-hotspot': h.id })}
        />
      </QueryState>
    </ListPage>
  );
}
