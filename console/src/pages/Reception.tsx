/**
 * Citizen reception, read screens: a month's compliance per agency (supervisors, auditors, admins: the heads'
 * legal minimum of reception days), the sessions and the visits of each, and the leaders' schedule.
 */
import { Anchor, Badge, Button, Card, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { ReceptionActions } from '../components/ReceptionActions.js';
import { useT, type Key } from '../i18n.js';
import { hasRole, useSession } from '../session.js';

type Tab = 'compliance' | 'sessions' | 'schedule';
const thisMonth = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7); // Vietnam month

export function Component() {
  const { t } = useT();
  const { claims } = useSession();
  const [params, setParams] = useSearchParams();
  const supervises = hasRole(claims, 'supervisor', 'auditor', 'admin');
  const seesSchedule = hasRole(claims, 'officer', 'supervisor', 'auditor', 'admin');
  const tabs = [
    ...(supervises ? [{ value: 'compliance', label: t('compliance') }] : []),
    { value: 'sessions', label: t('sessions') },
    ...(seesSchedule ? [{ value: 'schedule', label: t('schedule') }] : []),
  ];
  const tab = (tabs.find((x) => x.value === params.get('tab'))?.value ?? tabs[0]!.value) as Tab;
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('reception')}
      </Title>
      <ReceptionActions />
      <SegmentedControl
        aria-label={t('reception')}
        value={tab}
        onChange={(v) => setParams({ tab: v }, { replace: true })}
        data={tabs}
        className="self-start"
      />
      {tab === 'compliance' && <Compliance />}
      {tab === 'sessions' && <Sessions />}
      {tab === 'schedule' && <Schedule />}
    </Stack>
  );
}

function Compliance() {
  const { t } = useT();
  const [month, setMonth] = useState(thisMonth());
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const q = useQuery({
    queryKey: ['reception-compliance', month],
    enabled: valid,
    queryFn: async () => ok(await api().GET('/v1/reception/compliance', { params: { query: { month } } })),
  });
  return (
    <Card withBorder>
      <TextInput type="month" label={t('month')} value={month} onChange={(e) => setMonth(e.currentTarget.value)} />
      <QueryState q={q}>
        <div className="table-wrap">
          <Table mt="sm" striped data-testid="compliance">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('agency')}</Table.Th>
                <Table.Th>{t('head')}</Table.Th>
                <Table.Th>{t('daysHeld')}</Table.Th>
                <Table.Th>{t('required')}</Table.Th>
                <Table.Th>{t('daysDelegated')}</Table.Th>
                <Table.Th>{t('sessions')}</Table.Th>
                <Table.Th>{t('visits')}</Table.Th>
                <Table.Th>{t('people')}</Table.Th>
                <Table.Th>{t('status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((a) => (
                <Table.Tr key={a.agencyId} data-agency={a.agencyId}>
                  <Table.Td>{a.agencyName}</Table.Td>
                  <Table.Td>{a.head?.name ?? '—'}</Table.Td>
                  <Table.Td>{a.leaderDaysHeld}</Table.Td>
                  <Table.Td>
                    {a.obligations.map((o) => (
                      <div key={`${o.first}-${o.last}`} title={o.citation}>
                        {o.held}/{o.required} ({o.first.slice(5)}–{o.last.slice(5)})
                      </div>
                    ))}
                  </Table.Td>
                  <Table.Td>{a.leaderDaysDelegated}</Table.Td>
                  <Table.Td>{a.sessions}</Table.Td>
                  <Table.Td>{a.visits}</Table.Td>
                  <Table.Td>{a.people}</Table.Td>
                  <Table.Td>
                    <Badge color={a.kept ? 'green' : 'red'}>{a.kept ? t('kept') : t('notKept')}</Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </QueryState>
    </Card>
  );
}

function Sessions() {
  const { t, fmt } = useT();
  const [open, setOpen] = useState<string | null>(null);
  const drill = useDrillQuery(DRILL_FILTERS.sessions);
  const q = useQuery({
    queryKey: ['reception-sessions', drill],
    queryFn: async () =>
      ok(await api().GET('/v1/reception/sessions', { params: { query: { limit: 100, ...(drill as object) } } })),
  });
  return (
    <Card withBorder>
      <DrillFilters names={DRILL_FILTERS.sessions} />
      <QueryState q={q}>
        <div className="table-wrap">
          <Table striped data-testid="sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('date')}</Table.Th>
                <Table.Th>{t('agency')}</Table.Th>
                <Table.Th>{t('kind')}</Table.Th>
                <Table.Th>{t('leader')}</Table.Th>
                <Table.Th>{t('visits')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((s) => (
                <Table.Tr key={s.id} data-session={s.id}>
                  <Table.Td>
                    {fmt.date(s.sessionDate)} {fmt.dateTime(s.startedAt).slice(11)}
                  </Table.Td>
                  <Table.Td>{s.agencyId}</Table.Td>
                  <Table.Td>
                    {s.kind} · {s.mode}
                  </Table.Td>
                  <Table.Td>{s.leaderPersonId ?? s.delegatePersonId ?? '—'}</Table.Td>
                  <Table.Td>{s.visits ?? '—'}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="default" onClick={() => setOpen(open === s.id ? null : s.id)}>
                      {t('visits')}
                    </Button>{' '}
                    <Anchor component={Link} to={`/reception/sessions/${s.id}`} size="sm">
                      {t('open')}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
      </QueryState>
      {open && <Visits sessionId={open} />}
    </Card>
  );
}

function Visits({ sessionId }: { sessionId: string }) {
  const { t, fmt } = useT();
  const q = useQuery({
    queryKey: ['reception-visits', sessionId],
    queryFn: async () => ok(await api().GET('/v1/reception/visits', { params: { query: { sessionId, limit: 200 } } })),
  });
  const items = q.data?.items ?? [];
  return (
    <QueryState q={q}>
      <Title order={2} size="h4" mt="md">
        {t('visits')}
      </Title>
      <div className="table-wrap">
        <Table striped data-testid="visits">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('time')}</Table.Th>
              <Table.Th>{t('people')}</Table.Th>
              <Table.Th>{t('subject')}</Table.Th>
              <Table.Th>{t('result')}</Table.Th>
              <Table.Th>{t('case')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td>{fmt.dateTime(v.visitedAt)}</Table.Td>
                <Table.Td>{v.peopleCount}</Table.Td>
                <Table.Td>{v.summary}</Table.Td>
                <Table.Td>{v.outcome}</Table.Td>
                <Table.Td>
                  {v.caseId && (
                    <Anchor component={Link} to={`/cases/${v.caseId}`}>
                      {v.caseId.slice(0, 8)}
                    </Anchor>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {items.length === 0 && <Text>{t('noItems')}</Text>}
    </QueryState>
  );
}

function Schedule() {
  const { t, fmt } = useT();
  const q = useQuery({
    queryKey: ['reception-schedule'],
    queryFn: async () => ok(await api().GET('/v1/reception/schedule', { params: { query: { limit: 200 } } })),
  });
  return (
    <Card withBorder>
      <QueryState q={q}>
        <div className="table-wrap">
          <Table striped data-testid="leader-schedule">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('date')}</Table.Th>
                <Table.Th>{t('time')}</Table.Th>
                <Table.Th>{t('agency')}</Table.Th>
                <Table.Th>{t('leader')}</Table.Th>
                <Table.Th>{t('kind')}</Table.Th>
                <Table.Th>{t('status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>{fmt.date(e.date)}</Table.Td>
                  <Table.Td>
                    {fmt.dateTime(e.startsAt).slice(11)}–{fmt.dateTime(e.endsAt).slice(11)}
                  </Table.Td>
                  <Table.Td>{e.agencyName}</Table.Td>
                  <Table.Td>
                    {e.leader.name}{' '}
                    <Text span size="xs">
                      ({e.leader.title})
                    </Text>
                  </Table.Td>
                  <Table.Td>{t(`kind_${e.kind}` as Key)}</Table.Td>
                  <Table.Td>
                    <Badge color={e.status === 'cancelled' ? 'red' : 'green'}>
                      {e.status === 'cancelled' ? t('cancelled') : t('scheduled')}
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
  );
}
