/**
 * Special periods (e.g. a provincial Party congress): the list of the caller's subtree and, for supervisors and
 * admins, the declaration form (the API checks the governing level and names the refused field).
 */
import { Anchor, Badge, Card, NativeSelect, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ok, type components } from '../api.js';
import { DateField, FormCard } from '../components/FormCard.js';
import { QueryState } from '../components/Problem.js';
import { fieldError, idList, useOpsT, useSubmit, vnToday } from '../ops.js';
import { hasRole, useSession } from '../session.js';

const KINDS = ['party_congress', 'national_assembly_session', 'election', 'national_event', 'other'] as const;

export function Component() {
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const q = useQuery({
    queryKey: ['periods'],
    queryFn: async () => ok(await api().GET('/v1/reception/periods', { params: { query: {} as never } })),
  });
  return (
    <Stack className="ops">
      <Title order={1} size="h2">
        {o('periods')}
      </Title>
      <Card withBorder>
        <QueryState q={q}>
          <div className="table-wrap">
            <Table striped data-testid="periods">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{o('name')}</Table.Th>
                  <Table.Th>{t('kind')}</Table.Th>
                  <Table.Th>{o('startsOn')}</Table.Th>
                  <Table.Th>{o('endsOn')}</Table.Th>
                  <Table.Th>{o('governingAgency')}</Table.Th>
                  <Table.Th>{t('status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(q.data?.items ?? []).map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/periods/${p.id}`}>
                        {p.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{o(`pk_${p.kind}`)}</Table.Td>
                    <Table.Td>{fmt.date(p.startsOn)}</Table.Td>
                    <Table.Td>{fmt.date(p.endsOn)}</Table.Td>
                    <Table.Td>{p.governingAgencyId}</Table.Td>
                    <Table.Td>
                      <Badge color={p.status === 'active' ? 'green' : 'gray'}>
                        {o(p.status === 'active' ? 'active' : 'cancelled')}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
        </QueryState>
      </Card>
      {hasRole(claims, 'supervisor', 'admin') && <Declare />}
    </Stack>
  );
}

function Declare() {
  const { o } = useOpsT();
  const { claims } = useSession();
  const navigate = useNavigate();
  const [f, setF] = useState({
    name: '',
    kind: 'party_congress',
    startsOn: vnToday(),
    endsOn: vnToday(),
    governingAgencyId: claims?.agency ?? '',
    agencyIds: claims?.agency ?? '',
    designatedAgencyId: claims?.agency ?? '',
    flaggedTargetDays: 5 as string | number,
    reportDueTime: '16:00',
  });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  const submit = useSubmit(
    async (key) => {
      const body = {
        ...f,
        agencyIds: idList(f.agencyIds),
        flaggedTargetDays: Number(f.flaggedTargetDays),
      } as components['schemas']['CreateReceptionPeriod'];
      return ok(await api().POST('/v1/reception/periods', { params: { header: { 'Idempotency-Key': key } }, body }));
    },
    { invalidate: [['periods']], onDone: (p) => void navigate(`/periods/${p.id}`) },
  );
  const err = (k: string) => fieldError(submit.error, k);
  return (
    <FormCard title={o('declarePeriod')} testId="declare-period" submit={submit}>
      <div className="grid-2">
        <TextInput label={o('name')} value={f.name} onChange={set('name')} error={err('name')} />
        <NativeSelect
          label={o('kind')}
          value={f.kind}
          onChange={set('kind')}
          error={err('kind')}
          data={KINDS.map((k) => ({ value: k, label: o(`pk_${k}`) }))}
        />
        <DateField label={o('startsOn')} value={f.startsOn} onChange={set('startsOn')} error={err('startsOn')} />
        <DateField label={o('endsOn')} value={f.endsOn} onChange={set('endsOn')} error={err('endsOn')} />
        <TextInput
          label={o('governingAgency')}
          value={f.governingAgencyId}
          onChange={set('governingAgencyId')}
          error={err('governingAgencyId')}
        />
        <TextInput label={o('agencyIds')} value={f.agencyIds} onChange={set('agencyIds')} error={err('agencyIds')} />
        <TextInput
          label={o('designatedAgency')}
          value={f.designatedAgencyId}
          onChange={set('designatedAgencyId')}
          error={err('designatedAgencyId')}
        />
        <NumberInput
          label={o('flaggedTargetDays')}
          min={1}
          max={90}
          value={f.flaggedTargetDays}
          onChange={(v) => setF({ ...f, flaggedTargetDays: v })}
          error={err('flaggedTargetDays')}
        />
        <TextInput
          type="time"
          label={o('reportDueTime')}
          value={f.reportDueTime}
          onChange={set('reportDueTime')}
          error={err('reportDueTime')}
        />
      </div>
    </FormCard>
  );
}
