/**
 * A compliance task of the inbox (ADR 0039, ADR 0029 amendment of session 9): a head received citizens on fewer
 * days than the minimum in force. Shows the shortfall (agency, rule with its citation, period, days required and
 * held) and, to supervisors and admins (the roles of the close route; the API checks the supervising agency), the
 * form that closes it with what the supervising level did. The API's messages sit on the field.
 */
import { Alert, Anchor, Badge, Card, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ok } from '../api.js';
import { FormCard } from '../components/FormCard.js';
import { QueryState } from '../components/Problem.js';
import { fieldError, useOpsT, useSubmit } from '../ops.js';
import { hasRole, useSession } from '../session.js';

export function Component() {
  const { id } = useParams() as { id: string };
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const q = useQuery({
    queryKey: ['compliance-task', id],
    queryFn: async () => ok(await api().GET('/v1/reception/compliance/tasks/{id}', { params: { path: { id } } })),
  });
  const x = q.data;
  const rows: Array<[string, React.ReactNode]> = x
    ? [
        [o('shortfallAgency'), x.agencyName ? `${x.agencyName} (${x.agencyId})` : x.agencyId],
        [o('rule'), `${x.ruleId} — ${x.citation}`],
        [o('compliancePeriod'), `${fmt.date(x.periodFirst)} – ${fmt.date(x.periodLast)}`],
        [o('requiredDays'), x.requiredDays],
        [o('heldDays'), x.heldDays],
        [o('delegatedDays'), x.delegatedDays],
        [o('openedAt'), fmt.dateTime(x.createdAt)],
        ...(x.status === 'closed'
          ? ([
              [o('closedAt'), fmt.dateTime(x.closedAt)],
              [o('closedBy'), x.closedBy ?? '—'],
              [o('outcome'), x.outcome ?? '—'],
            ] as Array<[string, React.ReactNode]>)
          : []),
      ]
    : [];
  return (
    <Stack className="ops">
      <QueryState q={q}>
        {x && (
          <>
            <Title order={1} size="h2">
              {o('complianceTask')}{' '}
              <Badge color={x.status === 'open' ? 'blue' : 'green'} data-testid="compliance-task-status">
                {t(x.status === 'open' ? 'st_open' : 'st_closed')}
              </Badge>
            </Title>
            <Card withBorder>
              <Table data-testid="compliance-task" variant="vertical" layout="fixed">
                <Table.Tbody>
                  {rows.map(([k, v]) => (
                    <Table.Tr key={k}>
                      <Table.Th w={260}>{k}</Table.Th>
                      <Table.Td>{v}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Text size="sm" mt="sm">
                <Anchor component={Link} to={`/reception?tab=compliance&month=${x.periodFirst.slice(0, 7)}`}>
                  {o('seeMonthCompliance')}
                </Anchor>
              </Text>
            </Card>
            {x.status === 'open' &&
              (hasRole(claims, 'supervisor', 'admin') ? (
                <Close id={id} />
              ) : (
                <Alert color="yellow" data-testid="close-refused">
                  {o('closeRefused')}
                </Alert>
              ))}
          </>
        )}
      </QueryState>
    </Stack>
  );
}

function Close({ id }: { id: string }) {
  const { o } = useOpsT();
  const [outcome, setOutcome] = useState('');
  const submit = useSubmit(
    async (key) =>
      ok(
        await api().POST('/v1/reception/compliance/tasks/{id}/close', {
          params: { path: { id }, header: { 'Idempotency-Key': key } },
          body: { outcome },
        }),
      ),
    { invalidate: [['compliance-task', id], ['tasks']] },
  );
  return (
    <FormCard title={o('closeTask')} testId="close-compliance-task" submit={submit}>
      <Textarea
        label={o('closeOutcome')}
        name="outcome"
        autosize
        minRows={3}
        value={outcome}
        onChange={(e) => setOutcome(e.currentTarget.value)}
        error={fieldError(submit.error, 'outcome')}
      />
    </FormCard>
  );
}
