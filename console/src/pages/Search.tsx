/** Case search: filters and sort kept in the address (links from the dashboard land here), next pages by cursor. */
import { Anchor, Badge, Button, Checkbox, Group, NativeSelect, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { useT, type Key } from '../i18n.js';

const TYPES = ['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition'] as const;
/** Filters the search takes from the address as they are (a report figure's drill-down sets them; the API checks). */
const PASSED = [
  'exactAgency',
  'channel',
  'outcome',
  'stage',
  'onTime',
  'mass',
  'complex',
  'remote',
  'suspended',
  'dueBefore',
  'dueAfter',
  'receivedFrom',
  'receivedTo',
  'accepted',
  'acceptedFrom',
  'acceptedTo',
  'closedFrom',
  'closedTo',
] as const;

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
  const query = {
    limit: 50,
    sort: (get('sort') || '-receivedAt') as 'receivedAt' | '-receivedAt' | 'nextDueAt',
    ...(get('type') ? { type: get('type') as (typeof TYPES)[number] } : {}),
    ...(get('status') ? { status: get('status') as 'open' | 'closed' } : {}),
    ...(get('agencyId') ? { agencyId: get('agencyId') } : {}),
    ...(get('overdue') ? { overdue: (get('overdue') === 'false' ? 'false' : 'true') as 'true' } : {}),
    ...(get('atRisk') ? { atRisk: 'true' as const } : {}),
    ...Object.fromEntries(PASSED.filter((k) => get(k)).map((k) => [k, get(k)])),
  };
  const passed = PASSED.filter((k) => get(k));
  const clearPassed = () => {
    const p = new URLSearchParams(params);
    for (const k of [...PASSED, 'from']) p.delete(k);
    setParams(p, { replace: true });
  };
  const q = useInfiniteQuery({
    queryKey: ['cases', query],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      ok(await api().GET('/v1/cases', { params: { query: { ...query, ...(pageParam ? { after: pageParam } : {}) } } })),
    getNextPageParam: (last) =>
      last.next ? (new URL(last.next, 'http://x').searchParams.get('after') ?? undefined) : undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {t('search')}
      </Title>
      <Group align="end" mb="md" gap="sm" role="search" aria-label={t('filters')}>
        <NativeSelect
          label={t('type')}
          value={get('type')}
          onChange={(e) => set('type', e.currentTarget.value)}
          data={[{ value: '', label: t('all') }, ...TYPES.map((x) => ({ value: x, label: t(`type_${x}` as Key) }))]}
        />
        <NativeSelect
          label={t('status')}
          value={get('status')}
          onChange={(e) => set('status', e.currentTarget.value)}
          data={[
            { value: '', label: t('all') },
            { value: 'open', label: t('statusOpen') },
            { value: 'closed', label: t('statusClosed') },
          ]}
        />
        <TextInput
          label={t('agency')}
          value={get('agencyId')}
          onChange={(e) => set('agencyId', e.currentTarget.value.trim())}
        />
        <NativeSelect
          label={t('sort')}
          value={get('sort') || '-receivedAt'}
          onChange={(e) => set('sort', e.currentTarget.value)}
          data={[
            { value: '-receivedAt', label: t('sort_receivedDesc') },
            { value: 'receivedAt', label: t('sort_receivedAsc') },
            { value: 'nextDueAt', label: t('sort_dueAsc') },
          ]}
        />
        <Checkbox
          label={t('overdue')}
          checked={!!get('overdue')}
          onChange={(e) => set('overdue', e.currentTarget.checked ? 'true' : '')}
        />
        <Checkbox
          label={t('atRisk')}
          checked={!!get('atRisk')}
          onChange={(e) => set('atRisk', e.currentTarget.checked ? 'true' : '')}
        />
      </Group>
      {passed.length > 0 && (
        <Group mb="sm" gap="xs" data-testid="passed-filters">
          <Text size="sm" fw={700}>
            {get('from') === 'report' ? t('fromReport') : t('filters')}:
          </Text>
          {passed.map((k) => (
            <Badge key={k} variant="light" color="dark">
              {k}={get(k)}
            </Badge>
          ))}
          <Button size="xs" variant="default" onClick={clearPassed}>
            {t('clearFilter')}
          </Button>
        </Group>
      )}
      <QueryState q={q}>
        {items.length === 0 ? (
          <Text>{t('noItems')}</Text>
        ) : (
          <div className="table-wrap">
            <Table striped data-testid="cases">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('reference')}</Table.Th>
                  <Table.Th>{t('type')}</Table.Th>
                  <Table.Th>{t('stage')}</Table.Th>
                  <Table.Th>{t('agency')}</Table.Th>
                  <Table.Th>{t('received')}</Table.Th>
                  <Table.Th>{t('nextDue')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id} className={c.flags.overdue ? 'row-overdue' : undefined}>
                    <Table.Td>
                      <Anchor component={Link} to={`/cases/${c.id}`}>
                        {c.reference}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{t(`type_${c.caseType}` as Key)}</Table.Td>
                    <Table.Td>
                      {c.stage} {c.flags.overdue && <Badge color="red">{t('overdue')}</Badge>}
                    </Table.Td>
                    <Table.Td>{c.agencyId}</Table.Td>
                    <Table.Td>{fmt.dateTime(c.receivedAt)}</Table.Td>
                    <Table.Td>{fmt.dateTime(c.nextDueAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
        {q.hasNextPage && (
          <Button mt="sm" variant="default" onClick={() => q.fetchNextPage()} loading={q.isFetchingNextPage}>
            {t('more')}
          </Button>
        )}
      </QueryState>
    </>
  );
}
