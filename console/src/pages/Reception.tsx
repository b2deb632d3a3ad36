/**
 * Citizen reception, read screens: a month's compliance per agency (supervisors, auditors, admins: the heads'
 * legal minimum of reception days), the sessions and the visits of each, and the leaders' schedule. A list screen
 * (components/ListPage.tsx): the tab and the compliance month are filters kept in the address.
 */
import { Anchor, Badge, Button, Card, SegmentedControl, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { DataTable, ListPage, useUrlFilters, type Column } from '../components/ListPage.js';
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
  const f = useUrlFilters();
  const supervises = hasRole(claims, 'supervisor', 'auditor', 'admin');
  const seesSchedule = hasRole(claims, 'officer', 'supervisor', 'auditor', 'admin');
  const tabs = [
    ...(supervises ? [{ value: 'compliance', label: t('compliance') }] : []),
    { value: 'sessions', label: t('sessions') },
    ...(seesSchedule ? [{ value: 'schedule', label: t('schedule') }] : []),
  ];
  const tab = (tabs.find((x) => x.value === f.get('tab'))?.value ?? tabs[0]!.value) as Tab;
  const month = f.get('month') || thisMonth();
  return (
    <ListPage
      title={t('reception')}
      actions={<ReceptionActions />}
      filters={
        <>
          <SegmentedControl aria-label={t('reception')} value={tab} onChange={(v) => f.set('tab', v)} data={tabs} />
          {tab === 'compliance' && (
            <TextInput
              type="month"
              label={t('month')}
              value={month}
              onChange={(e) => f.set('month', e.currentTarget.value)}
            />
          )}
        </>
      }
    >
      <Card withBorder>
        {tab === 'compliance' && <Compliance month={month} />}
        {tab === 'sessions' && <Sessions />}
        {tab === 'schedule' && <Schedule />}
      </Card>
    </ListPage>
  );
}

function Compliance({ month }: { month: string }) {
  const { t } = useT();
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const q = useQuery({
    queryKey: ['reception-compliance', month],
    enabled: valid,
    queryFn: async () => ok(await api().GET('/v1/reception/compliance', { params: { query: { month } } })),
  });
  type Row = NonNullable<typeof q.data>['items'][number];
  const columns: Array<Column<Row>> = [
    { header: t('agency'), cell: (a) => a.agencyName },
    { header: t('head'), cell: (a) => a.head?.name ?? '—' },
    { header: t('daysHeld'), cell: (a) => a.leaderDaysHeld },
    {
      header: t('required'),
      cell: (a) =>
        a.obligations.map((o) => (
          <div key={`${o.first}-${o.last}`} title={o.citation}>
            {o.held}/{o.required} ({o.first.slice(5)}–{o.last.slice(5)})
          </div>
        )),
    },
    { header: t('daysDelegated'), cell: (a) => a.leaderDaysDelegated },
    { header: t('sessions'), cell: (a) => a.sessions },
    { header: t('visits'), cell: (a) => a.visits },
    { header: t('people'), cell: (a) => a.people },
    {
      header: t('status'),
      cell: (a) => <Badge color={a.kept ? 'green' : 'red'}>{a.kept ? t('kept') : t('notKept')}</Badge>,
    },
  ];
  if (!valid) return null;
  return (
    <QueryState q={q}>
      <DataTable
        testId="compliance"
        columns={columns}
        rows={q.data?.items ?? []}
        rowKey={(a) => a.agencyId}
        rowProps={(a) => ({ 'data-agency': a.agencyId })}
        highlightOnHover={false}
      />
    </QueryState>
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
  type Row = NonNullable<typeof q.data>['items'][number];
  const columns: Array<Column<Row>> = [
    { header: t('date'), cell: (s) => `${fmt.date(s.sessionDate)} ${fmt.dateTime(s.startedAt).slice(11)}` },
    { header: t('agency'), cell: (s) => s.agencyId },
    { header: t('kind'), cell: (s) => `${s.kind} · ${s.mode}` },
    { header: t('leader'), cell: (s) => s.leaderPersonId ?? s.delegatePersonId ?? '—' },
    { header: t('visits'), cell: (s) => s.visits ?? '—' },
    {
      header: '',
      cell: (s) => (
        <>
          <Button size="xs" variant="default" onClick={() => setOpen(open === s.id ? null : s.id)}>
            {t('visits')}
          </Button>{' '}
          <Anchor component={Link} to={`/reception/sessions/${s.id}`} size="sm">
            {t('open')}
          </Anchor>
        </>
      ),
    },
  ];
  return (
    <>
      <DrillFilters names={DRILL_FILTERS.sessions} />
      <QueryState q={q}>
        <DataTable
          testId="sessions"
          columns={columns}
          rows={q.data?.items ?? []}
          rowKey={(s) => s.id}
          rowProps={(s) => ({ 'data-session': s.id })}
          highlightOnHover={false}
        />
      </QueryState>
      {open && <Visits sessionId={open} />}
    </>
  );
}

function Visits({ sessionId }: { sessionId: string }) {
  const { t, fmt } = useT();
  const q = useQuery({
    queryKey: ['reception-visits', sessionId],
    queryFn: async () => ok(await api().GET('/v1/reception/visits', { params: { query: { sessionId, limit: 200 } } })),
  });
  type Row = NonNullable<typeof q.data>['items'][number];
  const columns: Array<Column<Row>> = [
    { header: t('time'), cell: (v) => fmt.dateTime(v.visitedAt) },
    { header: t('people'), cell: (v) => v.peopleCount },
    { header: t('subject'), cell: (v) => v.summary },
    { header: t('result'), cell: (v) => v.outcome },
    {
      header: t('case'),
      cell: (v) =>
        v.caseId && (
          <Anchor component={Link} to={`/cases/${v.caseId}`}>
            {v.caseId.slice(0, 8)}
          </Anchor>
        ),
    },
  ];
  return (
    <QueryState q={q}>
      <Title order={2} size="h4" mt="md">
        {t('visits')}
      </Title>
      <DataTable
        testId="visits"
        columns={columns}
        rows={q.data?.items ?? []}
        rowKey={(v) => v.id}
        highlightOnHover={false}
      />
    </QueryState>
  );
}

function Schedule() {
  const { t, fmt } = useT();
  const q = useQuery({
    queryKey: ['reception-schedule'],
    queryFn: async () => ok(await api().GET('/v1/reception/schedule', { params: { query: { limit: 200 } } })),
  });
  type Row = NonNullable<typeof q.data>['items'][number];
  const columns: Array<Column<Row>> = [
    { header: t('date'), cell: (e) => fmt.date(e.date) },
    { header: t('time'), cell: (e) => `${fmt.dateTime(e.startsAt).slice(11)}–${fmt.dateTime(e.endsAt).slice(11)}` },
    { header: t('agency'), cell: (e) => e.agencyName },
    {
      header: t('leader'),
      cell: (e) => (
        <>
          {e.leader.name}{' '}
          <Text span size="xs">
            ({e.leader.title})
          </Text>
        </>
      ),
    },
    { header: t('kind'), cell: (e) => t(`kind_${e.kind}` as Key) },
    {
      header: t('status'),
      cell: (e) => (
        <Badge color={e.status === 'cancelled' ? 'red' : 'green'}>
          {e.status === 'cancelled' ? t('cancelled') : t('scheduled')}
        </Badge>
      ),
    },
  ];
  return (
    <QueryState q={q}>
      <DataTable
        testId="leader-schedule"
        columns={columns}
        rows={q.data?.items ?? []}
        rowKey={(e) => e.id}
        highlightOnHover={false}
      />
    </QueryState>
  );
}
