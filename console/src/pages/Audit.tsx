/** The auditor's screen: audit log search, chain verification, export (NDJSON / CSV) and replay of a case. */
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, ok } from '../api.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { useT } from '../i18n.js';

export function Component() {
  const { t, fmt } = useT();
  const [draft, setDraft] = useState({ action: '', actorId: '', caseId: '' });
  const [filters, setFilters] = useState(draft);
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Record<string, string>;
  const log = useQuery({
    queryKey: ['audit', filters],
    queryFn: async () => ok(await api().GET('/v1/audit', { params: { query: { ...query, limit: 100 } } })),
  });
  const verify = useMutation({ mutationFn: async () => ok(await api().GET('/v1/audit/verify')) });
  const [replayCase, setReplayCase] = useState('');
  const replay = useMutation({
    mutationFn: async () => ok(await api().POST('/v1/audit/replay', { body: { caseId: replayCase.trim() } })),
  });
  const exportLog = useMutation({
    mutationFn: async (format: 'ndjson' | 'csv') => {
      const r = await api().GET('/v1/audit/export', { params: { query: { ...query, format } }, parseAs: 'blob' });
      if (!r.response.ok) throw new ApiError(r.response.status, undefined);
      const url = URL.createObjectURL(r.data as unknown as Blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `audit.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('audit')}
      </Title>
      <div className="grid-2">
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('verifyChain')}
          </Title>
          <Button onClick={() => verify.mutate()} loading={verify.isPending}>
            {t('verifyChain')}
          </Button>
          <ProblemAlert error={verify.error} />
          {verify.data && (
            <Alert mt="sm" color={verify.data.ok ? 'green' : 'red'} role="status" data-testid="verify">
              {verify.data.ok ? t('chainOk') : t('chainBroken')} — {verify.data.checked} · seq{' '}
              {verify.data.lastSeq ?? '—'}
              {verify.data.firstBrokenSeq !== null && ` · #${verify.data.firstBrokenSeq}`} {verify.data.reason ?? ''}
            </Alert>
          )}
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {t('replay')}
          </Title>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              replay.mutate();
            }}
          >
            <Group align="end">
              <TextInput
                label={t('caseId')}
                value={replayCase}
                onChange={(e) => setReplayCase(e.currentTarget.value)}
              />
              <Button type="submit" loading={replay.isPending}>
                {t('replay')}
              </Button>
            </Group>
          </form>
          <ProblemAlert error={replay.error} />
          {replay.data && (
            <Stack gap={4} mt="sm" data-testid="replay">
              {replay.data.results.map((r) => (
                <div key={r.caseId}>
                  <Badge color={r.result === 'deterministic' ? 'green' : 'red'}>{r.result}</Badge> {r.workflowId}
                  {r.runs.map((run) => (
                    <div key={run.runId}>
                      · {run.runId}: {run.result} {run.error ?? ''}
                    </div>
                  ))}
                </div>
              ))}
              {replay.data.results.length === 0 && t('noItems')}
            </Stack>
          )}
        </Card>
      </div>
      <Card withBorder>
        <form onSubmit={search}>
          <Group align="end" role="search" aria-label={t('filters')}>
            <TextInput
              label={t('action')}
              value={draft.action}
              onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })}
            />
            <TextInput
              label={t('actor')}
              value={draft.actorId}
              onChange={(e) => setDraft({ ...draft, actorId: e.currentTarget.value })}
            />
            <TextInput
              label={t('caseId')}
              value={draft.caseId}
              onChange={(e) => setDraft({ ...draft, caseId: e.currentTarget.value })}
            />
            <Button type="submit">{t('search')}</Button>
            <Button variant="default" onClick={() => exportLog.mutate('ndjson')}>
              {t('export')} NDJSON
            </Button>
            <Button variant="default" onClick={() => exportLog.mutate('csv')}>
              {t('export')} CSV
            </Button>
          </Group>
        </form>
        <ProblemAlert error={exportLog.error} />
        <QueryState q={log}>
          <div className="table-wrap">
            <Table mt="md" striped data-testid="audit-log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>{t('time')}</Table.Th>
                  <Table.Th>{t('action')}</Table.Th>
                  <Table.Th>{t('actor')}</Table.Th>
                  <Table.Th>{t('case')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(log.data?.items ?? []).map((e) => (
                  <Table.Tr key={e.seq}>
                    <Table.Td>{e.seq}</Table.Td>
                    <Table.Td>{fmt.dateTime(e.at)}</Table.Td>
                    <Table.Td>{e.summary}</Table.Td>
                    <Table.Td>{e.actor.id}</Table.Td>
                    <Table.Td>
                      {e.caseId && (
                        <Anchor component={Link} to={`/cases/${e.caseId}`}>
                          {e.caseId.slice(0, 8)}
                        </Anchor>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        </QueryState>
      </Card>
    </Stack>
  );
}
