/**
 * The matters and cases assigned to task forces of the caller's subtree (`GET /v1/task-forces/assignments`), newest
 * assignment first, a page at a time; the monthly report's rows VII.1.a–c land here with their filters (agency,
 * period, state). Each row opens its task force and its case or matter.
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
  const drill = useDrillQuery(DRILL_FILTERS.taskForceWork);
  const query = { limit: 100, ...(drill as object) } as { limit: number; state?: 'done' | 'undone' | 'lapsed' };
  const { q, items } = useCursorList(['task-force-work', query], async (after) =>
    ok(
      await api().GET('/v1/task-forces/assignments', { params: { query: { ...query, ...(after ? { after } : {}) } } }),
    ),
  );
  type Row = (typeof items)[number];
  const columns: Array<Column<Row>> = [
    {
      header: t('nav_taskForces'),
      cell: (w) => (
        <Anchor component={Link} to={`/task-forces/${w.taskForceId}`}>
          {w.taskForceName}
        </Anchor>
      ),
    },
    {
      header: t('workItem'),
      cell: (w) => (
        <Anchor component={Link} to={w.kind === 'case' ? `/cases/${w.refId}` : `/matters/${w.refId}`}>
          {w.kind === 'case' ? t('case') : t('matter')} {w.refId.slice(0, 8)}
        </Anchor>
      ),
    },
    { header: t('agency'), cell: (w) => w.agencyId },
    { header: t('assignedAt'), cell: (w) => fmt.dateTime(w.assignedAt) },
    { header: t('endsOn'), cell: (w) => fmt.date(w.endsOn) },
    {
      header: t('status'),
      cell: (w) => <Badge variant="light">{w.done ? t('workDone') : t('workOpen')}</Badge>,
    },
  ];
  return (
    <ListPage
      title={t('taskForceWork')}
      filters={
        <SelectFilter
          f={f}
          name="state"
          label={t('status')}
          options={[
            { value: 'done', label: t('workDone') },
            { value: 'undone', label: t('workOpen') },
            { value: 'lapsed', label: t('workLapsed') },
          ]}
        />
      }
    >
      <DrillFilters names={DRILL_FILTERS.taskForceWork} />
      <QueryState q={q}>
        <DataTable
          testId="task-force-work"
          columns={columns}
          rows={items}
          rowKey={(w) => `${w.kind}:${w.refId}`}
          rowProps={(w) => ({ 'data-ref': w.refId })}
          highlightOnHover={false}
        />
        <MoreButton q={q} />
      </QueryState>
    </ListPage>
  );
}
