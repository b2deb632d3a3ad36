/**
 * The reviews of the caller's subtree's matters across campaigns (`GET /v1/review-campaigns/reviews`), due first, a
 * page at a time; the monthly report's rows VIII.1.a–d land here with their filters (agency, period, state). Each
 * row opens its campaign and its matter.
 */
import { Anchor, Badge } from '@mantine/core';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { useCursorList } from '../cursor-list.js';
import { DataTable, ListPage, MoreButton, SelectFilter, useUrlFilters, type Column } from '../components/ListPage.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { useT } from '../i18n.js';

export function Component() {
  const { t, fmt } = useT();
  const f = useUrlFilters();
  const drill = useDrillQuery(DRILL_FILTERS.campaignReviews);
  const query = { limit: 100, ...(drill as object) } as { limit: number; state?: 'reviewed' | 'overdue' | 'escalated' };
  const { q, items } = useCursorList(['campaign-reviews', query], async (after) =>
    ok(
      await api().GET('/v1/review-campaigns/reviews', { params: { query: { ...query, ...(after ? { after } : {}) } } }),
    ),
  );
  type Row = (typeof items)[number];
  const columns: Array<Column<Row>> = [
    {
      header: t('matter'),
      cell: (r) => (
        <Anchor component={Link} to={`/matters/${r.matterId}`}>
          {r.matterTitle}
        </Anchor>
      ),
    },
    {
      header: t('campaign'),
      cell: (r) => (
        <Anchor component={Link} to={`/review-campaigns/${r.campaignId}`}>
          {r.campaignName}
        </Anchor>
      ),
    },
    { header: t('agency'), cell: (r) => r.agencyId },
    { header: t('due'), cell: (r) => fmt.dateTime(r.dueAt) },
    { header: t('reviewedAt'), cell: (r) => (r.reviewedAt ? fmt.dateTime(r.reviewedAt) : '—') },
    {
      header: t('status'),
      cell: (r) => (
        <>
          <Badge variant="light">{r.status}</Badge>
          {r.escalatedTo && (
            <Badge variant="light" color="orange" ml={4}>
              {t('escalated')} {r.escalatedTo}
            </Badge>
          )}
        </>
      ),
    },
  ];
  return (
    <ListPage
      title={t('campaignReviews')}
      filters={
        <SelectFilter
          f={f}
          name="state"
          label={t('status')}
          options={[
            { value: 'reviewed', label: t('reviewDone') },
            { value: 'overdue', label: t('overdue') },
            { value: 'escalated', label: t('escalated') },
          ]}
        />
      }
    >
      <DrillFilters names={DRILL_FILTERS.campaignReviews} />
      <QueryState q={q}>
        <DataTable
          testId="campaign-reviews"
          columns={columns}
          rows={items}
          rowKey={(r) => r.id}
          rowProps={(r) => ({ 'data-review': r.id })}
          highlightOnHover={false}
        />
        <MoreButton q={q} />
      </QueryState>
    </ListPage>
  );
}
