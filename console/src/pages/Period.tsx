/**
 * One special period: the duty roster and its gaps (a working day × reception place without duty staff; reception
 * officers and supervisors fill them), and the agencies' daily reports of a day (submitted or missing; the form is
 * pre-filled with what the agency's sessions recorded that day).
 */
import { Badge, Button, Card, Group, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { api, ok } from '../api.js';
import { DateField } from '../components/FormCard.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { fieldError, idList, useOpsT, useSubmit, vnToday } from '../ops.js';
import { hasRole, useSession } from '../session.js';

type Counts = { visits: number; people: number; delegations: number };
/** What the report form needs of a day's status row. */
type ReportStatus = {
  agencyId: string;
  recorded: Counts;
  report: (Counts & { incidents: number; note: string | null }) | null;
};

export function Component() {
  const { periodId } = useParams() as { periodId: string };
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const path = { periodId };
  const p = useQuery({
    queryKey: ['period', periodId],
    queryFn: async () => ok(await api().GET('/v1/reception/periods/{periodId}', { params: { path } })),
  });
  const gaps = useQuery({
    queryKey: ['period-gaps', periodId],
    queryFn: async () =>
      ok(await api().GET('/v1/reception/periods/{periodId}/roster/gaps', { params: { path, query: {} } })),
  });
  const roster = useQuery({
    queryKey: ['period-roster', periodId],
    queryFn: async () =>
      ok(await api().GET('/v1/reception/periods/{periodId}/roster', { params: { path, query: {} } })),
  });
  const writes = hasRole(claims, 'reception_officer', 'supervisor', 'admin');
  const d = p.data;
  return (
    <Stack className="ops">
      <QueryState q={p}>
        {d && (
          <>
            <Title order={1} size="h2">
              {d.name}
            </Title>
            <Card withBorder data-testid="period">
              <Group gap="xl">
                <Badge variant="light">{o(`pk_${d.kind}`)}</Badge>
                <Text>
                  {fmt.date(d.startsOn)} – {fmt.date(d.endsOn)}
                </Text>
                <Text>
                  {o('governingAgency')}: {d.governingAgencyId}
                </Text>
                <Text>
                  {t('agency')}: {d.agencies.join(', ')}
                </Text>
                <Text>
                  {o('reportDueTime')}: {d.reportDueTime}
                </Text>
                <Badge color={d.status === 'active' ? 'green' : 'gray'}>
                  {o(d.status === 'active' ? 'active' : 'cancelled')}
                </Badge>
              </Group>
            </Card>
          </>
        )}
      </QueryState>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {o('rosterGaps')} {gaps.data ? `(${gaps.data.count})` : ''}
        </Title>
        <QueryState q={gaps}>
          {gaps.data?.count === 0 ? (
            <Text>{o('noGaps')}</Text>
          ) : (
            <div className="table-wrap">
              <Table striped data-testid="roster-gaps">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('date')}</Table.Th>
                    <Table.Th>{t('agency')}</Table.Th>
                    <Table.Th>{o('place')}</Table.Th>
                    {writes && <Table.Th>{o('assignDuty')}</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(gaps.data?.items ?? []).map((g) => (
                    <Table.Tr key={`${g.date}-${g.placeId}`} data-gap={`${g.date}|${g.placeId}`}>
                      <Table.Td>{fmt.date(g.date)}</Table.Td>
                      <Table.Td>{g.agencyId}</Table.Td>
                      <Table.Td>{g.placeName}</Table.Td>
                      {writes && (
                        <Table.Td>
                          <Duty periodId={periodId} placeId={g.placeId} date={g.date} />
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          )}
        </QueryState>
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {o('roster')}
        </Title>
        <QueryState q={roster}>
          <div className="table-wrap">
            <Table striped data-testid="roster">
              <Table.Tbody>
                {(roster.data?.items ?? []).map((r) => (
                  <Table.Tr key={`${r.date}-${r.placeId}-${r.personId}`}>
                    <Table.Td>{fmt.date(r.date)}</Table.Td>
                    <Table.Td>{r.placeName}</Table.Td>
                    <Table.Td>{r.personName}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          {roster.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
        </QueryState>
      </Card>
      {d && <Reports periodId={periodId} first={d.startsOn} last={d.endsOn} />}
    </Stack>
  );
}

function Duty({ periodId, placeId, date }: { periodId: string; placeId: string; date: string }) {
  const { o } = useOpsT();
  const [people, setPeople] = useState('');
  const submit = useSubmit(
    async () =>
      ok(
        await api().PUT('/v1/reception/periods/{periodId}/roster', {
          params: { path: { periodId } },
          body: { placeId, date, personIds: idList(people) },
        }),
      ),
    {
      invalidate: [['period-gaps', periodId], ['period-roster', periodId], ['tasks']],
    },
  );
  return (
    <Group gap="xs" align="flex-start">
      <TextInput
        aria-label={`${o('onDuty')} ${date} ${placeId}`}
        placeholder={o('onDuty')}
        size="xs"
        value={people}
        onChange={(e) => setPeople(e.currentTarget.value)}
        error={fieldError(submit.error, 'personIds') ?? (submit.error ? submit.error.message : undefined)}
      />
      <Button size="xs" onClick={() => submit.mutate()} loading={submit.isPending}>
        {o('assignDuty')}
      </Button>
    </Group>
  );
}

function Reports({ periodId, first, last }: { periodId: string; first: string; last: string }) {
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  // The day asked for (an inbox task's day: `?date=`), else today, within the period.
  const asked = useSearchParams()[0].get('date');
  const day = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : vnToday();
  const [date, setDate] = useState(day < first ? first : day > last ? last : day);
  const q = useQuery({
    queryKey: ['period-reports', periodId, date],
    queryFn: async () =>
      ok(
        await api().GET('/v1/reception/periods/{periodId}/reports', {
          params: { path: { periodId }, query: { date } },
        }),
      ),
  });
  const reports = hasRole(claims, 'reception_officer', 'officer', 'supervisor', 'admin');
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {o('dailyReports')}
      </Title>
      <DateField
        label={o('reportDay')}
        value={date}
        min={first}
        max={last}
        onChange={(e) => setDate(e.currentTarget.value)}
        w={200}
      />
      <QueryState q={q}>
        <Stack mt="sm" data-testid="period-reports">
          {(q.data?.items ?? []).map((r) => (
            <Card withBorder key={r.agencyId} data-report={r.agencyId}>
              <Group gap="md">
                <Text fw={600}>{r.agencyId}</Text>
                <Text size="sm">
                  {t('due')}: {fmt.dateTime(r.dueAt)}
                </Text>
                <Badge color={r.status === 'submitted' ? 'green' : r.overdue ? 'red' : 'yellow'}>
                  {o(r.status === 'submitted' ? 'submitted' : 'missing')}
                </Badge>
                {r.report?.late && <Badge color="orange">{o('late')}</Badge>}
              </Group>
              {reports && <ReportForm periodId={periodId} row={r} date={date} />}
            </Card>
          ))}
        </Stack>
      </QueryState>
    </Card>
  );
}

function ReportForm({ periodId, row, date }: { periodId: string; row: ReportStatus; date: string }) {
  const { o } = useOpsT();
  const src = row.report ?? { ...row.recorded, incidents: 0, note: null };
  const [f, setF] = useState<Record<'visits' | 'people' | 'delegations' | 'incidents', string | number>>({
    visits: src.visits,
    people: src.people,
    delegations: src.delegations,
    incidents: src.incidents,
  });
  const [note, setNote] = useState(src.note ?? '');
  const submit = useSubmit(
    async () =>
      ok(
        await api().PUT('/v1/reception/periods/{periodId}/reports/{agencyId}/{date}', {
          params: { path: { periodId, agencyId: row.agencyId, date } },
          body: {
            visits: Number(f.visits),
            people: Number(f.people),
            delegations: Number(f.delegations),
            incidents: Number(f.incidents),
            note: note || null,
          },
        }),
      ),
    { invalidate: [['period-reports', periodId, date], ['tasks']] },
  );
  const err = (k: string) => fieldError(submit.error, k);
  return (
    <Stack gap="xs" mt="xs">
      <Group align="flex-end">
        {(['visits', 'people', 'delegations', 'incidents'] as const).map((k) => (
          <NumberInput
            key={k}
            label={o(k === 'people' ? 'peopleCount' : k === 'visits' ? 'visitsN' : k)}
            min={0}
            value={f[k]}
            onChange={(v) => setF({ ...f, [k]: v })}
            error={err(k)}
            w={130}
          />
        ))}
        <TextInput
          label={o('note')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          error={err('note')}
        />
        <Button onClick={() => submit.mutate()} loading={submit.isPending}>
          {o('submitReport')}
        </Button>
      </Group>
      <ProblemAlert error={submit.error} />
    </Stack>
  );
}
