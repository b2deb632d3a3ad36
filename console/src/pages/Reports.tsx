/** Stored reports of the caller's agency subtree (monthly and periodic): filters, status, deadline; one opens. */
import { Anchor, Badge, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { DataTable, ListPage, SelectFilter, TextFilter, useUrlFilters, type Column } from '../components/ListPage.js';
import { QueryState } from '../components/Problem.js';
import { useT, type Key } from '../i18n.js';

export const REPORT_KINDS = ['monthly', 'quarter', 'half', 'nine_months', 'year'] as const;
export const REPORT_STATUSES = ['draft', 'in_review', 'submitted', 'reopened'] as const;
export const statusColour = (s: string) => (s === 'submitted' ? 'green' : s === 'reopened' ? 'orange' : 'blue');

export function Component() {
  const { t, fmt } = useT();
  const f = useUrlFilters();
  const period = f.get('period').trim();
  const query = {
    limit: 200,
    ...(f.get('kind') ? { kind: f.get('kind') as (typeof REPORT_KINDS)[number] } : {}),
    ...(f.get('status') ? { status: f.get('status') as (typeof REPORT_STATUSES)[number] } : {}),
    ...(f.get('agencyId') ? { agencyId: f.get('agencyId') } : {}),
    ...(/^\d{4}-(M\d{2}|Q\d|H\d|9M|Y)$/.test(period) ? { period } : {}),
  };
  const q = useQuery({
    queryKey: ['reports', query],
    queryFn: async () => ok(await api().GET('/v1/reports', { params: { query } })),
  });
  type Row = NonNullable<typeof q.data>['items'][number];
  const columns: Array<Column<Row>> = [
    {
      header: t('agency'),
      cell: (r) => (
        <Anchor component={Link} to={`/reports/${r.id}`}>
          {r.agencyId}
        </Anchor>
      ),
    },
    { header: t('kind'), cell: (r) => t(`kind_${r.kind}` as Key) },
    {
      header: t('period'),
      cell: (r) => (
        <>
          {r.period}{' '}
          <Text span size="xs">
            ({fmt.date(r.periodFrom)}–{fmt.date(r.periodTo)})
          </Text>
        </>
      ),
    },
    { header: t('status'), cell: (r) => <Badge color={statusColour(r.status)}>{t(`rs_${r.status}` as Key)}</Badge> },
    {
      header: t('dueOn'),
      cell: (r) => (
        <>
          {fmt.date(r.dueOn)} {r.overdue && <Badge color="red">{t('overdue')}</Badge>}
        </>
      ),
    },
    { header: t('version'), cell: (r) => r.currentVersion },
  ];
  return (
    <ListPage
      title={t('reports')}
      filters={
        <>
          <SelectFilter
            f={f}
            name="kind"
            label={t('kind')}
            options={REPORT_KINDS.map((k) => ({ value: k, label: t(`kind_${k}` as Key) }))}
          />
          <SelectFilter
            f={f}
            name="status"
            label={t('status')}
            options={REPORT_STATUSES.map((k) => ({ value: k, label: t(`rs_${k}` as Key) }))}
          />
          <TextFilter f={f} name="period" label={t('period')} placeholder="2026-M03, 2026-Q1" />
          <TextFilter f={f} name="agencyId" label={t('agency')} trim />
        </>
      }
    >
      <QueryState q={q}>
        <DataTable
          testId="reports"
          columns={columns}
          rows={q.data?.items ?? []}
          rowKey={(r) => r.id}
          rowProps={(r) => ({ 'data-report': r.id, 'data-agency': r.agencyId })}
        />
      </QueryState>
    </ListPage>
  );
}
