/**
 * Task forces (tổ công tác) of the caller's subtree; supervisors set one up (members, lead, end date, the matters
 * and cases it works). The API checks that members and assignments are within the governing agency's subtree.
 */
import { Anchor, Badge, Card, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ok, type components } from '../api.js';
import { DateField, FormCard } from '../components/FormCard.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { fieldError, idList, useOpsT, useSubmit } from '../ops.js';
import { hasRole, useSession } from '../session.js';

export function Component() {
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const drill = useDrillQuery(DRILL_FILTERS.taskForces);
  const q = useQuery({
    queryKey: ['task-forces', drill],
    queryFn: async () => ok(await api().GET('/v1/task-forces', { params: { query: drill as never } })),
  });
  return (
    <Stack className="ops">
      <Title order={1} size="h2">
        {o('taskForces')}
      </Title>
      <Card withBorder>
        <DrillFilters names={DRILL_FILTERS.taskForces} />
        <QueryState q={q}>
          <div className="table-wrap">
            <Table striped data-testid="task-forces">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{o('name')}</Table.Th>
                  <Table.Th>{o('governingAgency')}</Table.Th>
                  <Table.Th>{o('lead')}</Table.Th>
                  <Table.Th>{o('endsOn')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(q.data?.items ?? []).map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/task-forces/${x.id}`}>
                        {x.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{x.governingAgencyId}</Table.Td>
                    <Table.Td>{x.leadPersonId}</Table.Td>
                    <Table.Td>
                      {fmt.date(x.endsOn)} {!x.active && <Badge color="gray">{o('completed')}</Badge>}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
        </QueryState>
      </Card>
      {hasRole(claims, 'supervisor') && <Create />}
    </Stack>
  );
}

function Create() {
  const { o } = useOpsT();
  const { claims } = useSession();
  const navigate = useNavigate();
  const [f, setF] = useState({
    name: '',
    mandate: '',
    governingAgencyId: claims?.agency ?? '',
    leadPersonId: '',
    members: '',
    endsOn: '',
    matterIds: '',
    caseIds: '',
  });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  const submit = useSubmit(
    async (key) => {
      const body = {
        name: f.name,
        mandate: f.mandate,
        governingAgencyId: f.governingAgencyId,
        leadPersonId: f.leadPersonId,
        members: idList(f.members).map((personId) => ({ personId })),
        endsOn: f.endsOn,
        matterIds: idList(f.matterIds),
        caseIds: idList(f.caseIds),
      } as components['schemas']['CreateTaskForce'];
      return ok(await api().POST('/v1/task-forces', { params: { header: { 'Idempotency-Key': key } }, body }));
    },
    { invalidate: [['task-forces']], onDone: (x) => void navigate(`/task-forces/${x.id}`) },
  );
  const err = (k: string) => fieldError(submit.error, k);
  return (
    <FormCard title={o('createTaskForce')} testId="task-force-form" submit={submit}>
      <div className="grid-2">
        <TextInput label={o('name')} value={f.name} onChange={set('name')} error={err('name')} />
        <TextInput
          label={o('governingAgency')}
          value={f.governingAgencyId}
          onChange={set('governingAgencyId')}
          error={err('governingAgencyId')}
        />
        <TextInput
          label={o('lead')}
          value={f.leadPersonId}
          onChange={set('leadPersonId')}
          error={err('leadPersonId')}
        />
        <TextInput label={o('members')} value={f.members} onChange={set('members')} error={err('members')} />
        <DateField label={o('endsOn')} value={f.endsOn} onChange={set('endsOn')} error={err('endsOn')} />
        <TextInput
          label={`${o('ak_matter')} (${o('ref')})`}
          value={f.matterIds}
          onChange={set('matterIds')}
          error={err('matterIds')}
        />
        <TextInput
          label={`${o('ak_case')} (${o('ref')})`}
          value={f.caseIds}
          onChange={set('caseIds')}
          error={err('caseIds')}
        />
      </div>
      <Textarea label={o('mandate')} value={f.mandate} onChange={set('mandate')} error={err('mandate')} mt="sm" />
    </FormCard>
  );
}
