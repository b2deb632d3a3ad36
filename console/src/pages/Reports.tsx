/** Stored reports of the caller's agency subtree (monthly and periodic): filters, status, deadline; one opens. */
import { Anchor, Badge, Group, NativeSelect, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { useT, type Key } from '../i18n.js';

export const REPORT_KINDS = ['monthly', 'quarter', 'half', 'nine_months', 'year'] as const;
export const REPORT_STATUSES = ['draft', 'in_review', 'submitted', 'reopened'] as const;
export const statusColour = (s: string) => (s === 'submitted' ? 'green' : s === 'reopened' ? 'orange' : 'blue');

export function Component() {
  const { t, fmt } = useT();
  const [params, setParams] = useSearchParams();
  const get = (k: string) => params.get(k) ?? '';
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const period = get('period').trim();
  const query = {
    limit: 200,
    ...(get('kind') ? { kind: get('kind') as (typeof REPORT_KINDS)[number] } : {}),
    ...(get('status') ? { status: get('status') as (typeof REPORT_STATUSES)[number] } : {}),
    ...(get('agencyId') ? { agencyId: get('agencyId') } : {}),
    ...(/^\d{4}-(M\d{2}|Q\d|H\d|9M|Y)$/.test(period) ? { period } : {}),
  };
  const q = useQuery({
    queryKey: ['reports', query],
    queryFn: async () => ok(await api().GET('/v1/reports', { params: { query } })),
  });
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {t('reports')}
      </Title>
      <Group align="end" mb="md" gap="sm" role="search" aria-label={t('filters')}>
        <NativeSelect
          label={t('kind')}
          value={get('kind')}
          onChange={(e) => set('kind', e.currentTarget.value)}
          data={[
            { value: '', label: t('all') },
            ...REPORT_KINDS.map((k) => ({ value: k, label: t(`kind_${k}` as Key) })),
          ]}
        />
        <NativeSelect
          label={t('status')}
          value={get('status')}
          onChange={(e) => set('status', e.currentTarget.value)}
          data={[
            { value: '', label: t('all') },
            ...REPORT_STATUSES.map((k) => ({ value: k, label: t(`rs_${k}` as Key) })),
          ]}
        />
        <TextInput
          label={t('period')}
          placeholder="2026-M03, 2026-Q1"
          value={get('period')}
          onChange={(e) => set('period', e.currentTarget.value)}
        />
        <TextInput
          label={t('agency')}
          value={get('agencyId')}
          onChange={(e) => set('agencyId', e.currentTarget.value.trim())}
        />
      </Group>
      <QueryState q={q}>
        <div className="table-wrap">
          <Table striped highlightOnHover data-testid="reports">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('agency')}</Table.Th>
                <Table.Th>{t('kind')}</Table.Th>
                <Table.Th>{t('period')}</Table.Th>
                <Table.Th>{t('status')}</Table.Th>
                <Table.Th>{t('dueOn')}</Table.Th>
                <Table.Th>{t('version')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((r) => (
                <Table.Tr key={r.id} data-report={r.id} data-agency={r.agencyId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/reports/${r.id}`}>
                      {r.agencyId}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`kind_${r.kind}` as Key)}</Table.Td>
                  <Table.Td>
                    {r.period}{' '}
                    <Text span size="xs">
                      ({fmt.date(r.periodFrom)}–{fmt.date(r.periodTo)})
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={statusColour(r.status)}>{t(`rs_${r.status}` as Key)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    {fmt.date(r.dueOn)} {r.overdue && <Badge color="red">{t('overdue')}</Badge>}
                  </Table.Td>
                  <Table.Td>{r.currentVersion}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
      </QueryState>
    </>
  );
}
