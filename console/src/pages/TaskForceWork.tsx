/**
 * The matters and cases assigned to task forces of the caller's subtree (`GET /v1/task-forces/assignments`), newest
 * assignment first, a page at a time; the monthly report's rows VII.1.a–c land here with their filters (agency,
 * period, state). Each row opens its task force and its case or matter.
 */
import { Anchor, Badge, Button } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { DataTable, ListPage, SelectFilter, useUrlFilters, type Column } from '../components/ListPage.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { useT } from '../i18n.js';

const afterOf = (next: string | null) =>
  next ? (new URL(next, 'http://x').searchParams.get('after') ?? undefined) : undefined;

export function Component() {
  const { t, fmt } = useT();
  const f = useUrlFilters();
  const drill = useDrillQuery(DRILL_FILTERS.taskForceWork);
  const query = { limit: 100, ...(drill as object) } as { limit: number; state?: 'done' | 'undone' | 'lapsed' };
  const q = useInfiniteQuery({
    queryKey: ['task-force-work', query],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      ok(
        await api().GET('/v1/task-forces/assignments', {
          params: { query: { ...query, ...(pageParam ? { after: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => afterOf(last.next),
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
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
        {q.hasNextPage && (
          <Button mt="sm" variant="default" onClick={() => q.fetchNextPage()} loading={q.isFetchingNextPage}>
            {t('more')}
          </Button>
        )}
      </QueryState>
    </ListPage>
  );
}
