/** One review campaign: its criteria, progress (overall and per agency, by outcome) and its reviews. */
import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { ReviewRows } from '../components/ReviewRows.js';
import { useOpsT } from '../ops.js';

const OUTCOMES = ['resolved', 'resolution_plan', 'terminated', 'referred_to_task_force'] as const;

export function Component() {
  const { id } = useParams() as { id: string };
  const { t, o, fmt } = useOpsT();
  const q = useQuery({
    queryKey: ['review-campaign', id],
    queryFn: async () => ok(await api().GET('/v1/review-campaigns/{id}', { params: { path: { id } } })),
  });
  const c = q.data;
  const rows = c ? [{ ...c.progress, agencyId: '∑' }, ...c.progress.agencies] : [];
  return (
    <Stack className="ops">
      <QueryState q={q}>
        {c && (
          <>
            <Title order={1} size="h2">
              {c.name}
            </Title>
            <Card withBorder data-testid="review-campaign">
              <Group gap="xl">
                <Text>
                  {t('agency')}: {c.agencyId}
                </Text>
                <Text>
                  {o('criteriaFlags')}: {c.criteria.flags.join(', ')}
                </Text>
                <Text>
                  {o('openLongerThanMonths')}: {c.criteria.openLongerThanMonths}
                </Text>
                <Text>
                  {t('due')}: {fmt.dateTime(c.dueAt)}
                </Text>
                <Badge color={c.status === 'running' ? 'blue' : 'green'}>{o(c.status)}</Badge>
              </Group>
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">
                {o('progress')}
              </Title>
              <div className="table-wrap">
                <Table striped data-testid="review-progress">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('agency')}</Table.Th>
                      <Table.Th>{o('selected')}</Table.Th>
                      <Table.Th>{o('reviewed')}</Table.Th>
                      <Table.Th>{o('open')}</Table.Th>
                      <Table.Th>{t('overdue')}</Table.Th>
                      <Table.Th>{o('escalated')}</Table.Th>
                      {OUTCOMES.map((x) => (
                        <Table.Th key={x}>{o(`oc_${x}`)}</Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((r) => (
                      <Table.Tr key={r.agencyId}>
                        <Table.Td>{r.agencyId}</Table.Td>
                        <Table.Td>{r.selected}</Table.Td>
                        <Table.Td>{r.reviewed}</Table.Td>
                        <Table.Td>{r.open}</Table.Td>
                        <Table.Td>{r.overdue}</Table.Td>
                        <Table.Td>{r.escalated}</Table.Td>
                        {OUTCOMES.map((x) => (
                          <Table.Td key={x}>{r.byOutcome[x] ?? 0}</Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </div>
            </Card>
          </>
        )}
      </QueryState>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {o('reviews')}
        </Title>
        <ReviewRows campaignId={id} />
      </Card>
    </Stack>
  );
}
