/**
 * The auditor's screen: the audit log search with every filter `GET /v1/audit` offers (pages by cursor), chain
 * verification with its result, export (NDJSON / CSV) of the same filters, a case's Temporal history as a file,
 * and replay of a case or of a definition (every case pinned to it) with the result shown per case.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ok, saveAttachment, vnDayStart, type components } from '../api.js';
import { useCursorList } from '../cursor-list.js';
import { MoreButton } from '../components/ListPage.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { useT, type Key } from '../i18n.js';

type ReplayReport = components['schemas']['ReplayReport'];
const ACTOR_TYPES = ['user', 'api_key', 'system', 'anonymous'] as const;
const EMPTY = { action: '', actorId: '', actorType: '', caseId: '', agencyId: '', from: '', to: '' };

/** The API's query from the form: empty fields left out, days as Vietnam instants (`to` inclusive of its day). */
function auditQuery(f: typeof EMPTY) {
  return {
    ...(f.action ? { action: f.action.trim() } : {}),
    ...(f.actorId ? { actorId: f.actorId.trim() } : {}),
    ...(f.actorType ? { actorType: f.actorType as (typeof ACTOR_TYPES)[number] } : {}),
    ...(f.caseId ? { caseId: f.caseId.trim() } : {}),
    ...(f.agencyId ? { agencyId: f.agencyId.trim() } : {}),
    ...(f.from ? { from: vnDayStart(f.from) } : {}),
    ...(f.to ? { to: vnDayStart(f.to, true) } : {}),
  };
}

export function Component() {
  const { t, fmt } = useT();
  const [draft, setDraft] = useState(EMPTY);
  const [filters, setFilters] = useState(EMPTY);
  const query = auditQuery(filters);
  const { q: log, items } = useCursorList(['audit', query], async (after) =>
    ok(await api().GET('/v1/audit', { params: { query: { ...query, limit: 100, ...(after ? { after } : {}) } } })),
  );
  const verify = useMutation({
    meta: { reads: true },
    mutationFn: async () => ok(await api().GET('/v1/audit/verify')),
  });
  // Not a read: the export is audited (`audit.exported`), which the list below shows.
  const exportLog = useMutation({
    mutationFn: async (format: 'ndjson' | 'csv') =>
      saveAttachment(
        await api().GET('/v1/audit/export', { params: { query: { ...query, format } }, parseAs: 'blob' }),
        `audit.${format}`,
      ),
  });
  const field = (k: keyof typeof EMPTY) => ({
    value: draft[k],
    onChange: (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [k]: e.currentTarget.value }),
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
        <Replay />
      </div>
      <HistoryExport />
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          {t('filters')}
        </Title>
        <form onSubmit={search}>
          <Group align="end" role="search" aria-label={t('filters')} gap="sm">
            <TextInput label={t('action')} placeholder="case.* " {...field('action')} />
            <TextInput label={t('actor')} {...field('actorId')} />
            <NativeSelect
              label={t('actorType')}
              {...field('actorType')}
              data={[
                { value: '', label: t('all') },
                ...ACTOR_TYPES.map((a) => ({ value: a, label: t(`actor_${a}` as Key) })),
              ]}
            />
            <TextInput label={t('caseId')} {...field('caseId')} />
            <TextInput label={t('agency')} {...field('agencyId')} />
            <TextInput type="date" label={t('fromDate')} {...field('from')} />
            <TextInput type="date" label={t('toDate')} {...field('to')} />
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
                {items.map((e) => (
                  <Table.Tr key={e.seq} data-action={e.action}>
                    <Table.Td>{e.seq}</Table.Td>
                    <Table.Td>{fmt.dateTime(e.at)}</Table.Td>
                    <Table.Td>
                      <code>{e.action}</code> {e.summary}
                    </Table.Td>
                    <Table.Td>
                      {e.actor.id}{' '}
                      <Text span size="xs" c="dimmed">
                        ({e.actor.type})
                      </Text>
                    </Table.Td>
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
          {items.length === 0 && <Text>{t('noItems')}</Text>}
          <MoreButton q={log} />
        </QueryState>
      </Card>
    </Stack>
  );
}

/** A case's raw Temporal history (every run), downloaded as the API sends it (the API audits the export). */
function HistoryExport() {
  const { t } = useT();
  const [caseId, setCaseId] = useState('');
  const get = useMutation({
    mutationFn: async () =>
      saveAttachment(
        await api().GET('/v1/cases/{id}/history', { params: { path: { id: caseId.trim() } }, parseAs: 'blob' }),
        `history-${caseId.trim()}.json`,
      ),
  });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('historyExport')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          get.mutate();
        }}
      >
        <Group align="end">
          <TextInput
            label={t('caseId')}
            id="history-case"
            value={caseId}
            onChange={(e) => setCaseId(e.currentTarget.value)}
          />
          <Button type="submit" loading={get.isPending} variant="default">
            {t('download')}
          </Button>
        </Group>
      </form>
      <ProblemAlert error={get.error} />
      {get.isSuccess && (
        <Text size="sm" mt="xs" role="status" data-testid="history-done">
          {t('done')}
        </Text>
      )}
    </Card>
  );
}

/** Replay against the running workflow code: one case, or every case of a definition (optionally one version). */
function Replay() {
  const { t } = useT();
  const [mode, setMode] = useState<'case' | 'definition'>('case');
  const [caseId, setCaseId] = useState('');
  const [defKey, setDefKey] = useState('');
  const [defVersion, setDefVersion] = useState('');
  const replay = useMutation({
    mutationFn: async () =>
      ok(
        await api().POST('/v1/audit/replay', {
          body:
            mode === 'case'
              ? { caseId: caseId.trim() }
              : {
                  definitionKey: defKey.trim(),
                  ...(defVersion.trim() ? { definitionVersion: Number(defVersion) } : {}),
                },
        }),
      ),
  });
  return (
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
          <SegmentedControl
            aria-label={t('replayWhat')}
            value={mode}
            onChange={(v) => setMode(v === 'definition' ? 'definition' : 'case')}
            data={[
              { value: 'case', label: t('case') },
              { value: 'definition', label: t('definition') },
            ]}
          />
          {mode === 'case' ? (
            <TextInput
              label={t('caseId')}
              id="replay-case"
              value={caseId}
              onChange={(e) => setCaseId(e.currentTarget.value)}
            />
          ) : (
            <>
              <TextInput label={t('definitionKey')} value={defKey} onChange={(e) => setDefKey(e.currentTarget.value)} />
              <TextInput
                label={t('definitionVersion')}
                inputMode="numeric"
                value={defVersion}
                onChange={(e) => setDefVersion(e.currentTarget.value)}
              />
            </>
          )}
          <Button type="submit" loading={replay.isPending}>
            {mode === 'case' ? t('replay') : t('replayDefinition')}
          </Button>
        </Group>
      </form>
      <ProblemAlert error={replay.error} />
      {replay.data && <ReplayResults r={replay.data} />}
    </Card>
  );
}

function ReplayResults({ r }: { r: ReplayReport }) {
  const { t } = useT();
  const colour = (x: string) => (x === 'deterministic' ? 'green' : x === 'missing' ? 'gray' : 'red');
  return (
    <Stack gap="xs" mt="sm" data-testid="replay">
      <Group gap="xs">
        <Badge color={r.deterministic ? 'green' : 'red'}>
          {r.deterministic ? t('res_deterministic') : t('res_nondeterministic')}
        </Badge>
        <Text size="sm">
          {t('replayMatched')}: {r.matched} · {t('res_deterministic')} {r.counts.deterministic} ·{' '}
          {t('res_nondeterministic')} {r.counts.nondeterministic} · {t('res_failed')} {r.counts.failed} ·{' '}
          {t('res_missing')} {r.counts.missing}
        </Text>
      </Group>
      {r.truncated && <Alert color="yellow">{t('replayTruncated')}</Alert>}
      <div className="table-wrap">
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('case')}</Table.Th>
              <Table.Th>{t('result')}</Table.Th>
              <Table.Th>{t('runs')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.results.map((c) => (
              <Table.Tr key={c.caseId} data-case={c.caseId}>
                <Table.Td>
                  <Anchor component={Link} to={`/cases/${c.caseId}`}>
                    {c.caseId.slice(0, 8)}
                  </Anchor>{' '}
                  <Text span size="xs" c="dimmed">
                    {c.workflowId}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={colour(c.result)}>{t(`res_${c.result}` as Key)}</Badge> {c.result}
                  {c.error && <Text size="xs">{c.error}</Text>}
                </Table.Td>
                <Table.Td>
                  {c.runs.map((run) => (
                    <div key={run.runId}>
                      <code>{run.runId.slice(0, 8)}</code>: {t(`res_${run.result}` as Key)} {run.error ?? ''}
                    </div>
                  ))}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {r.results.length === 0 && <Text>{t('noItems')}</Text>}
    </Stack>
  );
}
