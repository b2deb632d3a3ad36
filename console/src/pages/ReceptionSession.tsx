/**
 * A reception session: recording a new one (`/reception/sessions/new`: regular, periodic or ad hoc; the head in
 * person or a delegate; in person or online), or one session with its visits and the form that records a visit.
 * A visit whose letter is received starts its case (the answer links it; the visit page and the case page link
 * each other).
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ok, type components } from '../api.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { VisitForm } from '../components/VisitForm.js';
import { compact, fieldError, useOpsT, useSubmit, vnInstant, vnNowLocal } from '../ops.js';
import { hasRole, useSession } from '../session.js';

type CreateSession = components['schemas']['CreateReceptionSession'];

export function Component() {
  const { id } = useParams();
  return id === 'new' ? <NewSession /> : <Session id={id!} />;
}

function NewSession() {
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const navigate = useNavigate();
  const [f, setF] = useState({
    agencyId: claims?.agency ?? '',
    placeId: '',
    kind: 'regular',
    receivedBy: 'in_person',
    leaderPersonId: '',
    delegatePersonId: '',
    mode: 'in_person',
    startedAt: vnNowLocal(),
    endedAt: '',
    periodId: '',
    scheduleEntryId: '',
    notes: '',
  });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  const places = useQuery({
    queryKey: ['reception-places', f.agencyId],
    enabled: /^[a-z0-9-]+$/.test(f.agencyId),
    queryFn: async () =>
      ok(await api().GET('/v1/reception/places', { params: { query: { agencyId: f.agencyId } as never } })),
  });
  const placeList = (places.data as { items?: { id: string; name: string; active: boolean }[] } | undefined)?.items;
  const submit = useSubmit(
    async (key) => {
      const body = compact({
        ...f,
        placeId: f.placeId || placeList?.[0]?.id || '',
        startedAt: vnInstant(f.startedAt),
        endedAt: vnInstant(f.endedAt),
      }) as CreateSession;
      return ok(await api().POST('/v1/reception/sessions', { params: { header: { 'Idempotency-Key': key } }, body }));
    },
    { invalidate: [['reception-sessions']], onDone: (s) => void navigate(`/reception/sessions/${s.id}`) },
  );
  const err = (k: string) => fieldError(submit.error, k);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate();
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        {o('recordSession')}
      </Title>
      <Card withBorder component="form" onSubmit={onSubmit} data-testid="session-form">
        <div className="grid-2">
          <TextInput label={t('agency')} value={f.agencyId} onChange={set('agencyId')} error={err('agencyId')} />
          <NativeSelect
            label={o('place')}
            value={f.placeId || placeList?.[0]?.id || ''}
            onChange={set('placeId')}
            error={err('placeId')}
            data={(placeList ?? []).filter((p) => p.active).map((p) => ({ value: p.id, label: p.name }))}
          />
          <NativeSelect
            label={o('sessionKind')}
            value={f.kind}
            onChange={set('kind')}
            error={err('kind')}
            data={(['regular', 'periodic', 'ad_hoc'] as const).map((k) => ({ value: k, label: o(`kind_${k}`) }))}
          />
          <NativeSelect
            label={o('receivedBy')}
            value={f.receivedBy}
            onChange={set('receivedBy')}
            error={err('receivedBy')}
            data={(['in_person', 'delegated'] as const).map((k) => ({ value: k, label: o(`by_${k}`) }))}
          />
          <TextInput
            label={o('leaderPerson')}
            value={f.leaderPersonId}
            onChange={set('leaderPersonId')}
            error={err('leaderPersonId')}
          />
          {f.receivedBy === 'delegated' && (
            <TextInput
              label={o('delegatePerson')}
              value={f.delegatePersonId}
              onChange={set('delegatePersonId')}
              error={err('delegatePersonId')}
            />
          )}
          <NativeSelect
            label={o('mode')}
            value={f.mode}
            onChange={set('mode')}
            error={err('mode')}
            data={(['in_person', 'online'] as const).map((k) => ({ value: k, label: o(`mode_${k}`) }))}
          />
          <TextInput
            type="datetime-local"
            label={o('startedAt')}
            value={f.startedAt}
            description={fmt.dateTime(vnInstant(f.startedAt))}
            onChange={set('startedAt')}
            error={err('startedAt')}
          />
          <TextInput
            type="datetime-local"
            label={o('endedAt')}
            value={f.endedAt}
            description={fmt.dateTime(vnInstant(f.endedAt))}
            onChange={set('endedAt')}
            error={err('endedAt')}
          />
          <TextInput label={o('periodId')} value={f.periodId} onChange={set('periodId')} error={err('periodId')} />
          <TextInput
            label={o('scheduleEntryId')}
            value={f.scheduleEntryId}
            onChange={set('scheduleEntryId')}
            error={err('scheduleEntryId')}
          />
        </div>
        <Textarea label={o('notes')} value={f.notes} onChange={set('notes')} error={err('notes')} mt="sm" />
        <ProblemAlert error={submit.error} />
        <Group mt="md">
          <Button type="submit" loading={submit.isPending}>
            {o('save')}
          </Button>
        </Group>
      </Card>
    </Stack>
  );
}

function Session({ id }: { id: string }) {
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const [created, setCreated] = useState<components['schemas']['CreatedReceptionVisit'] | null>(null);
  const s = useQuery({
    queryKey: ['reception-session', id],
    queryFn: async () => ok(await api().GET('/v1/reception/sessions/{id}', { params: { path: { id } } })),
  });
  const visits = useQuery({
    queryKey: ['reception-visits', id],
    queryFn: async () => ok(await api().GET('/v1/reception/visits', { params: { query: { sessionId: id } as never } })),
  });
  const records = hasRole(claims, 'reception_officer', 'admin');
  const readsCases = hasRole(claims, 'intake', 'officer', 'supervisor', 'auditor', 'admin');
  return (
    <Stack>
      <Title order={1} size="h2">
        {o('session')}
      </Title>
      <QueryState q={s}>
        {s.data && (
          <Card withBorder data-testid="session">
            <Group gap="xl">
              <Text>
                {t('date')}: {fmt.date(s.data.sessionDate)} {fmt.dateTime(s.data.startedAt).slice(11)}
              </Text>
              <Text>
                {t('agency')}: {s.data.agencyId}
              </Text>
              <Badge variant="light">{o(`kind_${s.data.kind}`)}</Badge>
              <Badge variant="light">{o(`by_${s.data.receivedBy}`)}</Badge>
              <Badge variant="light">{o(`mode_${s.data.mode}`)}</Badge>
              <Text>{s.data.leaderPersonId ?? s.data.delegatePersonId ?? ''}</Text>
            </Group>
          </Card>
        )}
      </QueryState>
      {created && (
        <Alert color="green" title={o('saved')} data-testid="visit-created">
          <Anchor component={Link} to={`/reception/visits/${created.id}`}>
            {o('visit')}
          </Anchor>
          {created.case && (
            <Text mt="xs">
              {o('caseStarted')}{' '}
              {readsCases ? (
                <Anchor component={Link} to={`/cases/${created.case.id}`} data-testid="started-case">
                  {created.case.reference}
                </Anchor>
              ) : (
                <b data-testid="started-case">{created.case.reference}</b>
              )}
              {created.case.pin && (
                <>
                  {' · '}
                  {o('pinNote')}: <code data-testid="pin">{created.case.pin}</code>
                </>
              )}
            </Text>
          )}
        </Alert>
      )}
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('visits')}
        </Title>
        <QueryState q={visits}>
          <div className="table-wrap">
            <Table striped data-testid="session-visits">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{o('visitedAt')}</Table.Th>
                  <Table.Th>{o('contentType')}</Table.Th>
                  <Table.Th>{o('peopleCount')}</Table.Th>
                  <Table.Th>{o('outcome')}</Table.Th>
                  <Table.Th>{t('case')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(visits.data?.items ?? []).map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/reception/visits/${v.id}`}>
                        {fmt.dateTime(v.visitedAt)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{o(`ct_${v.contentType}`)}</Table.Td>
                    <Table.Td>
                      {v.peopleCount}
                      {v.isDelegation ? ` · ${o('isDelegation')}` : ''}
                    </Table.Td>
                    <Table.Td>{o(`out_${v.outcome}`)}</Table.Td>
                    <Table.Td>
                      {v.caseId && readsCases ? (
                        <Anchor component={Link} to={`/cases/${v.caseId}`}>
                          {t('case')}
                        </Anchor>
                      ) : (
                        (v.caseId?.slice(0, 8) ?? '—')
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
      {records && s.data && <VisitForm session={s.data} onCreated={setCreated} />}
    </Stack>
  );
}
