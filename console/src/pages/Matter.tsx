/**
 * One matter: its flags (mass, complex, prolonged) with the criteria that hold, its counts, the visits and cases
 * linked to it (each decision), its delegations, and its central gatherings with their process steps and their
 * limits (the steps are tasks of the inbox: the link opens the task). Recording a central gathering is offered
 * to the roles the API accepts.
 */
import { Anchor, Badge, Card, Group, NativeSelect, NumberInput, Stack, Table, Text } from '@mantine/core';
import { TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ok, type components } from '../api.js';
import { DateField, FormCard } from '../components/FormCard.js';
import { Flags } from '../components/MatterFlags.js';
import { blank, People, type Person } from '../components/VisitForm.js';
import { QueryState } from '../components/Problem.js';
import { compact, fieldError, useOpsT, useSubmit, vnInstant, vnNowLocal } from '../ops.js';
import { hasRole, useSession } from '../session.js';

type Gathering = components['schemas']['CentralGathering'];

export function Component() {
  const { id } = useParams() as { id: string };
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const path = { id };
  const m = useQuery({
    queryKey: ['matter', id],
    queryFn: async () => ok(await api().GET('/v1/matters/{id}', { params: { path } })),
  });
  const visits = useQuery({
    queryKey: ['matter-visits', id],
    queryFn: async () =>
      ok(await api().GET('/v1/reception/visits', { params: { query: { matterId: id, limit: 100 } as never } })),
  });
  const gatherings = useQuery({
    queryKey: ['matter-gatherings', id],
    queryFn: async () => ok(await api().GET('/v1/matters/{id}/gatherings', { params: { path } })),
    // A gathering just recorded has no step open until its process has started: look again shortly.
    refetchInterval: (q) =>
      q.state.data?.items.some((g) => g.status !== 'closed' && !g.steps.some((s) => s.status !== 'pending'))
        ? 3000
        : false,
  });
  const delegations = useQuery({
    queryKey: ['matter-delegations', id],
    queryFn: async () => ok(await api().GET('/v1/matters/{id}/delegations', { params: { path } })),
  });
  const d = m.data;
  const records = hasRole(claims, 'reception_officer', 'intake', 'officer', 'supervisor', 'admin');
  return (
    <Stack className="ops">
      <QueryState q={m}>
        {d && (
          <>
            <Title order={1} size="h2">
              {d.title}
            </Title>
            <Card withBorder data-testid="matter">
              <Group gap="xl">
                <Flags m={d} />
                <Text>
                  {t('agency')}: {d.agencyId}
                </Text>
                <Text>
                  {o('timesReceived')}: <b>{d.timesReceived}</b>
                </Text>
                <Text>
                  {o('lettersCount')}: <b>{d.lettersCount}</b>
                </Text>
                <Text>
                  {o('peopleMax')}: <b>{d.peopleMax}</b>
                </Text>
                <Text>
                  {o('firstReceived')}: {fmt.date(d.firstReceivedAt)}
                </Text>
                <Text>
                  {o('lastReceived')}: {fmt.date(d.lastReceivedAt)}
                </Text>
                <Badge variant="light">{o(`ms_${d.status}`)}</Badge>
              </Group>
              {d.flagRules.length > 0 && (
                <Text size="sm" mt="xs">
                  {o('flagRules')}: {d.flagRules.join(', ')}
                </Text>
              )}
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">
                {o('linkDecisions')}
              </Title>
              <div className="table-wrap">
                <Table striped data-testid="matter-links">
                  <Table.Tbody>
                    {d.decisions.map((l) => (
                      <Table.Tr key={l.id}>
                        <Table.Td>{l.kind === 'case' ? t('case') : o('visit')}</Table.Td>
                        <Table.Td>
                          <Anchor
                            component={Link}
                            to={l.kind === 'case' ? `/cases/${l.refId}` : `/reception/visits/${l.refId}`}
                          >
                            {l.refId.slice(0, 8)}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>
                          <Badge color={l.decision === 'confirmed' ? 'green' : 'gray'}>{o(l.decision)}</Badge>
                        </Table.Td>
                        <Table.Td>{fmt.dateTime(l.at)}</Table.Td>
                        <Table.Td>{l.reason ?? ''}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </div>
              {d.decisions.length === 0 && <Text>{t('noItems')}</Text>}
            </Card>
          </>
        )}
      </QueryState>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('visits')}
        </Title>
        <QueryState q={visits}>
          <div className="table-wrap">
            <Table striped data-testid="matter-visits">
              <Table.Tbody>
                {(visits.data?.items ?? []).map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/reception/visits/${v.id}`}>
                        {fmt.dateTime(v.visitedAt)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{v.peopleCount}</Table.Td>
                    <Table.Td>{o(`out_${v.outcome}`)}</Table.Td>
                    <Table.Td>
                      {v.caseId && (
                        <Anchor component={Link} to={`/cases/${v.caseId}`}>
                          {t('case')}
                        </Anchor>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          {visits.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
        </QueryState>
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {o('delegations')}
        </Title>
        <QueryState q={delegations}>
          <div className="table-wrap">
            <Table striped data-testid="matter-delegations">
              <Table.Tbody>
                {(delegations.data?.items ?? []).map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td>{fmt.dateTime(x.createdAt)}</Table.Td>
                    <Table.Td>{x.peopleCount}</Table.Td>
                    <Table.Td>{o(`ds_${x.status}`)}</Table.Td>
                    <Table.Td>
                      {x.task && (
                        <Anchor component={Link} to={`/tasks/${encodeURIComponent(x.task.id)}`}>
                          {t('due')}: {fmt.dateTime(x.task.dueAt)}
                        </Anchor>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          {delegations.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
        </QueryState>
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {o('gatherings')}
        </Title>
        <QueryState q={gatherings}>
          <Stack>
            {(gatherings.data?.items ?? []).map((g) => (
              <GatheringCard key={g.id} g={g} />
            ))}
            {gatherings.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
          </Stack>
        </QueryState>
      </Card>
      {records && <RecordGathering matterId={id} />}
    </Stack>
  );
}

function GatheringCard({ g }: { g: Gathering }) {
  const { t, o, oAny, fmt } = useOpsT();
  return (
    <Card withBorder data-gathering={g.id}>
      <Group gap="xl" mb="xs">
        <Text fw={600}>{fmt.dateTime(g.gatheredAt)}</Text>
        <Text>
          {g.place.name} · {o(g.place.city === 'hcmc' ? 'city_hcmc' : 'city_hanoi')}
        </Text>
        <Text>
          {o('peopleCount')}: {g.peopleCount}
        </Text>
        <Badge variant="light">{o(`gs_${g.status}`)}</Badge>
        <Anchor component={Link} to={`/cases/${g.processCaseId}`}>
          {o('process')}
        </Anchor>
      </Group>
      <div className="table-wrap">
        <Table data-testid="gathering-steps">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{o('step')}</Table.Th>
              <Table.Th>{t('status')}</Table.Th>
              <Table.Th>{t('due')}</Table.Th>
              <Table.Th>{t('task')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {g.steps.map((s) => {
              const overdue = s.status !== 'completed' && s.dueAt && Date.parse(s.dueAt) < Date.now();
              return (
                <Table.Tr key={s.step} data-step={s.step} className={overdue ? 'row-overdue' : undefined}>
                  <Table.Td>{oAny(`step_${s.step}`, s.name)}</Table.Td>
                  <Table.Td>
                    <Badge color={s.status === 'completed' ? 'green' : s.status === 'pending' ? 'gray' : 'blue'}>
                      {o(`st_${s.status}`)}
                    </Badge>
                    {s.escalated && (
                      <Badge color="red" ml="xs">
                        {o('escalated')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td className={s.status === 'open' ? 'step-due' : undefined}>
                    {s.dueAt ? fmt.dateTime(s.dueAt) : '—'}
                  </Table.Td>
                  <Table.Td>
                    {s.taskId && s.status !== 'completed' && (
                      <Anchor component={Link} to={`/tasks/${encodeURIComponent(s.taskId)}`}>
                        {t('open')}
                      </Anchor>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </div>
    </Card>
  );
}

function RecordGathering({ matterId }: { matterId: string }) {
  const { o } = useOpsT();
  const [f, setF] = useState({
    gatheredAt: vnNowLocal(),
    kind: 'central_reception_office',
    name: 'Trụ sở Tiếp công dân Trung ương',
    city: 'hanoi',
    peopleCount: 20 as string | number,
    reporter: 'central_reception_office',
    reference: '',
  });
  const [reps, setReps] = useState<Person[]>([blank()]);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  const submit = useSubmit(
    async (key) => {
      const body = {
        gatheredAt: vnInstant(f.gatheredAt),
        place: { kind: f.kind, name: f.name, city: f.city },
        peopleCount: Number(f.peopleCount),
        representatives: reps.map((p) => compact(p)),
        reportedBy: compact({ kind: f.reporter, reference: f.reference }),
      } as components['schemas']['CreateCentralGathering'];
      return ok(
        await api().POST('/v1/matters/{id}/gatherings', {
          params: { path: { id: matterId }, header: { 'Idempotency-Key': key } },
          body,
        }),
      );
    },
    {
      invalidate: [['matter-gatherings', matterId], ['matter', matterId], ['gatherings']],
      onDone: () => setReps([blank()]),
    },
  );
  const err = (k: string) => fieldError(submit.error, k);
  return (
    <FormCard title={o('recordGathering')} testId="gathering-form" submit={submit}>
      <div className="grid-2">
        <DateField
          withTime
          label={o('gatheredAt')}
          value={f.gatheredAt}
          onChange={set('gatheredAt')}
          error={err('gatheredAt')}
        />
        <NumberInput
          label={o('peopleCount')}
          min={1}
          value={f.peopleCount}
          onChange={(v) => setF({ ...f, peopleCount: v })}
          error={err('peopleCount')}
        />
        <NativeSelect
          label={o('gatheringPlace')}
          value={f.kind}
          onChange={set('kind')}
          error={err('place.kind')}
          data={(['central_reception_office', 'central_agency'] as const).map((k) => ({
            value: k,
            label: o(`gp_${k}`),
          }))}
        />
        <TextInput label={o('placeName')} value={f.name} onChange={set('name')} error={err('place.name')} />
        <NativeSelect
          label={o('city')}
          value={f.city}
          onChange={set('city')}
          error={err('place.city')}
          data={(['hanoi', 'hcmc'] as const).map((k) => ({ value: k, label: o(`city_${k}`) }))}
        />
        <NativeSelect
          label={o('reportedBy')}
          value={f.reporter}
          onChange={set('reporter')}
          error={err('reportedBy.kind')}
          data={(['central_reception_office', 'central_agency', 'police', 'officer', 'other'] as const).map((k) => ({
            value: k,
            label: o(`rb_${k}`),
          }))}
        />
        <TextInput
          label={o('reportedRef')}
          value={f.reference}
          onChange={set('reference')}
          error={err('reportedBy.reference')}
        />
      </div>
      <People label={o('representatives')} field="representatives" list={reps} setList={setReps} error={submit.error} />
    </FormCard>
  );
}
