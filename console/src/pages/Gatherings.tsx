/**
 * Central gatherings of the caller's subtree (the supervisor's list, `GET /v1/gatherings`), newest first; the
 * monthly report's rows VI.2 land here with their filters (agency, period, brought home). Each opens its matter.
 */
import { Anchor, Badge, Card, Stack, Table, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { useOpsT } from '../ops.js';

export function Component() {
  const { t, o, fmt } = useOpsT();
  const drill = useDrillQuery(DRILL_FILTERS.gatherings);
  const q = useQuery({
    queryKey: ['gatherings', drill],
    queryFn: async () =>
      ok(await api().GET('/v1/gatherings', { params: { query: { limit: 200, ...(drill as object) } } })),
  });
  return (
    <Stack className="ops">
      <Title order={1} size="h2">
        {o('gatherings')}
      </Title>
      <Card withBorder>
        <DrillFilters names={DRILL_FILTERS.gatherings} />
        <QueryState q={q}>
          <div className="table-wrap">
            <Table striped data-testid="gatherings">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{o('gatheredAt')}</Table.Th>
                  <Table.Th>{t('agency')}</Table.Th>
                  <Table.Th>{t('place')}</Table.Th>
                  <Table.Th>{o('peopleCount')}</Table.Th>
                  <Table.Th>{t('status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(q.data?.items ?? []).map((g) => (
                  <Table.Tr key={g.id} data-gathering={g.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/matters/${g.matterId}`}>
                        {fmt.dateTime(g.gatheredAt)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{g.agencyId}</Table.Td>
                    <Table.Td>{g.place.name}</Table.Td>
                    <Table.Td>{g.peopleCount}</Table.Td>
                    <Table.Td>
                      <Badge variant="light">{g.status}</Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        </QueryState>
      </Card>
    </Stack>
  );
}
