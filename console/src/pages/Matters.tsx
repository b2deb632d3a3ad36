/**
 * Matters of the caller's subtree, filtered by flag (mass, complex, prolonged: the address carries the filter,
 * so the dashboard links here), and the central gatherings (`?tab=gatherings`) with the step each one is at.
 */
import { Anchor, Card, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api.js';
import { Flags } from '../components/MatterFlags.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { useOpsT } from '../ops.js';

const FLAGS = ['mass', 'complex', 'prolonged'] as const;

export function Component() {
  const { o } = useOpsT();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'gatherings' ? 'gatherings' : 'matters';
  return (
    <Stack className="ops">
      <Title order={1} size="h2">
        {o('matters')}
      </Title>
      <SegmentedControl
        aria-label={o('matters')}
        className="self-start"
        value={tab}
        onChange={(v) => setParams(v === 'gatherings' ? { tab: v } : {}, { replace: true })}
        data={[
          { value: 'matters', label: o('matters') },
          { value: 'gatherings', label: o('gatherings') },
        ]}
      />
      {tab === 'matters' ? <MatterList /> : <Gatherings />}
    </Stack>
  );
}

function MatterList() {
  const { t, o, fmt } = useOpsT();
  const [params, setParams] = useSearchParams();
  const flag = FLAGS.find((f) => params.get(f) === 'true') ?? 'all';
  const status = params.get('status') === 'closed' ? 'closed' : params.get('status') === 'open' ? 'open' : undefined;
  // A report figure's filters (V.3: one agency's prolonged matters open at the period's end).
  const drill = useDrillQuery(DRILL_FILTERS.matters);
  const q = useQuery({
    queryKey: ['matters', flag, status, drill],
    queryFn: async () =>
      ok(
        await api().GET('/v1/matters', {
          params: {
            query: {
              limit: 200,
              ...(flag !== 'all' ? { [flag]: 'true' } : {}),
              ...(status ? { status } : {}),
              ...(drill as object),
            } as never,
          },
        }),
      ),
  });
  return (
    <Card withBorder>
      <SegmentedControl
        aria-label={t('flags')}
        value={flag}
        onChange={(v) => setParams(v === 'all' ? {} : { [v]: 'true' }, { replace: true })}
        data={[
          { value: 'all', label: o('all') },
          { value: 'mass', label: t('flag_mass') },
          { value: 'complex', label: t('flag_complex') },
          { value: 'prolonged', label: o('flag_prolonged') },
        ]}
        mb="sm"
      />
      <DrillFilters names={DRILL_FILTERS.matters} />
      <QueryState q={q}>
        <div className="table-wrap">
          <Table striped data-testid="matters">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{o('matters')}</Table.Th>
                <Table.Th>{t('agency')}</Table.Th>
                <Table.Th>{t('flags')}</Table.Th>
                <Table.Th>{o('timesReceived')}</Table.Th>
                <Table.Th>{o('peopleMax')}</Table.Th>
                <Table.Th>{o('lastReceived')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/matters/${m.id}`}>
                      {m.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{m.agencyId}</Table.Td>
                  <Table.Td>
                    <Flags m={m} />
                  </Table.Td>
                  <Table.Td>{m.timesReceived}</Table.Td>
                  <Table.Td>{m.peopleMax}</Table.Td>
                  <Table.Td>{fmt.date(m.lastReceivedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
      </QueryState>
    </Card>
  );
}

function Gatherings() {
  const { t, o, oAny, fmt } = useOpsT();
  const q = useQuery({
    queryKey: ['gatherings'],
    queryFn: async () => ok(await api().GET('/v1/gatherings', { params: { query: { limit: 200 } } })),
  });
  return (
    <Card withBorder>
      <QueryState q={q}>
        <div className="table-wrap">
          <Table striped data-testid="gatherings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{o('gatheredAt')}</Table.Th>
                <Table.Th>{o('place')}</Table.Th>
                <Table.Th>{o('peopleCount')}</Table.Th>
                <Table.Th>{t('agency')}</Table.Th>
                <Table.Th>{o('step')}</Table.Th>
                <Table.Th>{t('due')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((g) => {
                const step = g.steps.find((s) => s.status === 'open' || s.status === 'escalated');
                return (
                  <Table.Tr key={g.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/matters/${g.matterId}`}>
                        {fmt.dateTime(g.gatheredAt)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{g.place.name}</Table.Td>
                    <Table.Td>{g.peopleCount}</Table.Td>
                    <Table.Td>{g.agencyId}</Table.Td>
                    <Table.Td>{step ? oAny(`step_${step.step}`, step.name) : o(`gs_${g.status}`)}</Table.Td>
                    <Table.Td>{step?.dueAt ? fmt.dateTime(step.dueAt) : '—'}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </div>
        {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
      </QueryState>
    </Card>
  );
}
