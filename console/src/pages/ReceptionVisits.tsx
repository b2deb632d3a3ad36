/**
 * Visits of the caller's subtree (`GET /v1/reception/visits`), newest first, a page at a time; a report's visit
 * figures land here with their filters (the monthly report's I.4–I.6, the visit cells of 01/TCD and 02/TCD: period,
 * session kind, who received, delegation, repeat, content, outcome). Each row opens the visit, its session and case.
 */
import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { useCursorList } from '../cursor-list.js';
import { DataTable, ListPage, MoreButton, type Column } from '../components/ListPage.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { useT } from '../i18n.js';

export function Component() {
  const { t, fmt } = useT();
  const drill = useDrillQuery(DRILL_FILTERS.visits);
  const query = { limit: 100, ...(drill as object) };
  const { q, items } = useCursorList(['reception-visit-list', query], async (after) =>
    ok(await api().GET('/v1/reception/visits', { params: { query: { ...query, ...(after ? { after } : {}) } } })),
  );
  type Row = (typeof items)[number];
  const columns: Array<Column<Row>> = [
    {
      header: t('time'),
      cell: (v) => (
        <Anchor component={Link} to={`/reception/visits/${v.id}`}>
          {fmt.dateTime(v.visitedAt)}
        </Anchor>
      ),
    },
    { header: t('agency'), cell: (v) => v.agencyId },
    { header: t('people'), cell: (v) => v.peopleCount },
    { header: t('subject'), cell: (v) => v.summary },
    { header: t('result'), cell: (v) => v.outcome },
    {
      header: t('matter'),
      cell: (v) =>
        v.matterId && (
          <Anchor component={Link} to={`/matters/${v.matterId}`}>
            {v.matterId.slice(0, 8)}
          </Anchor>
        ),
    },
    {
      header: t('case'),
      cell: (v) =>
        v.caseId && (
          <Anchor component={Link} to={`/cases/${v.caseId}`}>
            {v.caseId.slice(0, 8)}
          </Anchor>
        ),
    },
  ];
  return (
    <ListPage title={t('visitList')} filters={null}>
      <DrillFilters names={DRILL_FILTERS.visits} />
      <QueryState q={q}>
        <DataTable
          testId="visit-list"
          columns={columns}
          rows={items}
          rowKey={(v) => v.id}
          rowProps={(v) => ({ 'data-visit': v.id })}
          highlightOnHover={false}
        />
        <MoreButton q={q} />
      </QueryState>
    </ListPage>
  );
}
