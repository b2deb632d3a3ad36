/**
 * One task force: its mandate, members (supervisors add and remove) and the matters and cases assigned to it
 * (supervisors assign more; their tasks then go to the members).
 */
import { Anchor, Badge, Button, Card, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ok } from '../api.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { fieldError, useOpsT, useSubmit } from '../ops.js';
import { hasRole, useSession } from '../session.js';

export function Component() {
  const { id } = useParams() as { id: string };
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const acts = hasRole(claims, 'supervisor');
  const q = useQuery({
    queryKey: ['task-force', id],
    queryFn: async () => ok(await api().GET('/v1/task-forces/{id}', { params: { path: { id } } })),
  });
  const inv = { invalidate: [['task-force', id], ['task-forces']] };
  const [person, setPerson] = useState('');
  const add = useSubmit(
    async () =>
      ok(await api().POST('/v1/task-forces/{id}/members', { params: { path: { id } }, body: { personId: person } })),
    { ...inv, onDone: () => setPerson('') },
  );
  const remove = useSubmit(
    async (_k, personId: string) =>
      ok(await api().DELETE('/v1/task-forces/{id}/members/{personId}', { params: { path: { id, personId } } })),
    inv,
  );
  const [kind, setKind] = useState<'matter' | 'case'>('matter');
  const [ref, setRef] = useState('');
  const assign = useSubmit(
    async () =>
      ok(
        await api().POST('/v1/task-forces/{id}/assignments', { params: { path: { id } }, body: { kind, refId: ref } }),
      ),
    { ...inv, onDone: () => setRef('') },
  );
  const d = q.data;
  return (
    <Stack className="ops">
      <QueryState q={q}>
        {d && (
          <>
            <Title order={1} size="h2">
              {d.name}
            </Title>
            <Card withBorder data-testid="task-force">
              <Group gap="xl">
                <Text>
                  {o('governingAgency')}: {d.governingAgencyId}
                </Text>
                <Text>
                  {o('lead')}: {d.leadPersonId}
                </Text>
                <Text>
                  {o('endsOn')}: {fmt.date(d.endsOn)}
                </Text>
                <Badge color={d.active ? 'green' : 'gray'}>{o(d.active ? 'active' : 'completed')}</Badge>
              </Group>
              <Text mt="xs">{d.mandate}</Text>
            </Card>
            <div className="grid-2">
              <Card withBorder>
                <Title order={2} size="h4" mb="sm">
                  {o('memberList')}
                </Title>
                <Table data-testid="task-force-members">
                  <Table.Tbody>
                    {d.members
                      .filter((m) => !m.removedAt)
                      .map((m) => (
                        <Table.Tr key={m.personId}>
                          <Table.Td>{m.personId}</Table.Td>
                          <Table.Td>{m.agencyId}</Table.Td>
                          <Table.Td>
                            {acts && m.personId !== d.leadPersonId && (
                              <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(m.personId)}>
                                {o('remove')}
                              </Button>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                  </Table.Tbody>
                </Table>
                <ProblemAlert error={remove.error} />
                {acts && (
                  <Group mt="sm" align="flex-start">
                    <TextInput
                      aria-label={o('addMember')}
                      placeholder={o('addMember')}
                      value={person}
                      onChange={(e) => setPerson(e.currentTarget.value)}
                      error={fieldError(add.error, 'personId') ?? add.error?.message}
                    />
                    <Button onClick={() => add.mutate()} loading={add.isPending}>
                      {o('addMember')}
                    </Button>
                  </Group>
                )}
              </Card>
              <Card withBorder>
                <Title order={2} size="h4" mb="sm">
                  {o('assignments')}
                </Title>
                <Table data-testid="task-force-assignments">
                  <Table.Tbody>
                    {d.assignments.map((a) => (
                      <Table.Tr key={`${a.kind}-${a.refId}`}>
                        <Table.Td>{o(`ak_${a.kind}`)}</Table.Td>
                        <Table.Td>
                          <Anchor component={Link} to={a.kind === 'case' ? `/cases/${a.refId}` : `/matters/${a.refId}`}>
                            {a.refId.slice(0, 8)}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{a.agencyId}</Table.Td>
                        <Table.Td>{fmt.date(a.assignedAt)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {d.assignments.length === 0 && <Text>{t('noItems')}</Text>}
                {acts && (
                  <Group mt="sm" align="flex-start">
                    <NativeSelect
                      aria-label={o('kind')}
                      value={kind}
                      onChange={(e) => setKind(e.currentTarget.value === 'case' ? 'case' : 'matter')}
                      data={[
                        { value: 'matter', label: o('ak_matter') },
                        { value: 'case', label: o('ak_case') },
                      ]}
                    />
                    <TextInput
                      aria-label={o('ref')}
                      placeholder={o('ref')}
                      value={ref}
                      onChange={(e) => setRef(e.currentTarget.value)}
                      error={fieldError(assign.error, 'refId') ?? assign.error?.message}
                    />
                    <Button onClick={() => assign.mutate()} loading={assign.isPending}>
                      {o('assign')}
                    </Button>
                  </Group>
                )}
              </Card>
            </div>
          </>
        )}
      </QueryState>
    </Stack>
  );
}
