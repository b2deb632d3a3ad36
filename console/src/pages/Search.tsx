/** Case search: filters and sort kept in the address (links from the dashboard land here), next pages by cursor. */
import { Anchor, Badge, Button, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { useCursorList } from '../cursor-list.js';
import {
  CheckFilter,
  DataTable,
  ListPage,
  MoreButton,
  SelectFilter,
  TextFilter,
  useUrlFilters,
  type Column,
} from '../components/ListPage.js';
import { QueryState } from '../components/Problem.js';
import { stageText, useT, type Key } from '../i18n.js';

const TYPES = ['letter', 'complaint_first', 'complaint_second', 'denunciation', 'petition'] as const;
/** Filters the search takes from the address as they are (a report figure's drill-down sets them; the API checks). */
const PASSED = [
  'exactAgency',
  'channel',
  'outcome',
  'stage',
  'onTime',
  'mass',
  'complex',
  'remote',
  'suspended',
  'dueBefore',
  'dueAfter',
  'receivedFrom',
  'receivedTo',
  'accepted',
  'acceptedFrom',
  'acceptedTo',
  'closedFrom',
  'closedTo',
  'signers',
  'doneFrom',
  'doneTo',
  'openAt',
  'decisionIssuedFrom',
  'decisionIssuedTo',
  'conclusionIssuedFrom',
  'conclusionIssuedTo',
] as const;
/** Workflow-variable filters (`var.letterType=…`): passed as they are too; the API knows which exist. */
const isVariable = (k: string) => k.startsWith('var.');

export function Component() {
  const { t, fmt, lang } = useT();
  const f = useUrlFilters();
  const { get, params, setParams } = f;
  // Several types (`type=letter,petition`, a report's figure) are no single choice of the select: shown as passed.
  const types = get('type');
  const variables = [...new Set([...params.keys()].filter(isVariable))];
  const query = {
    limit: 50,
    sort: (get('sort') || '-receivedAt') as 'receivedAt' | '-receivedAt' | 'nextDueAt',
    ...(get('type') ? { type: get('type') as (typeof TYPES)[number] } : {}),
    ...(get('status') ? { status: get('status') as 'open' | 'closed' } : {}),
    ...(get('agencyId') ? { agencyId: get('agencyId') } : {}),
    ...(get('overdue') ? { overdue: (get('overdue') === 'false' ? 'false' : 'true') as 'true' } : {}),
    ...(get('atRisk') ? { atRisk: 'true' as const } : {}),
    ...Object.fromEntries([...PASSED, ...variables].filter((k) => get(k)).map((k) => [k, get(k)])),
  };
  const passed = [...(types.includes(',') ? ['type'] : []), ...PASSED.filter((k) => get(k)), ...variables];
  const clearPassed = () => {
    const p = new URLSearchParams(params);
    for (const k of [...PASSED, ...variables, 'from']) p.delete(k);
    if (types.includes(',')) p.delete('type');
    setParams(p, { replace: true });
  };
  const { q, items } = useCursorList(['cases', query], async (after) =>
    ok(await api().GET('/v1/cases', { params: { query: { ...query, ...(after ? { after } : {}) } } })),
  );
  type Row = (typeof items)[number];
  const columns: Array<Column<Row>> = [
    {
      header: t('reference'),
      cell: (c) => (
        <Anchor component={Link} to={`/cases/${c.id}`}>
          {c.reference}
        </Anchor>
      ),
    },
    { header: t('type'), cell: (c) => t(`type_${c.caseType}` as Key) },
    {
      header: t('stage'),
      cell: (c) => (
        <>
          {stageText(lang, c)} {c.flags.overdue && <Badge color="red">{t('overdue')}</Badge>}
        </>
      ),
    },
    { header: t('agency'), cell: (c) => c.agencyId },
    { header: t('received'), cell: (c) => fmt.dateTime(c.receivedAt) },
    { header: t('nextDue'), cell: (c) => fmt.dateTime(c.nextDueAt) },
  ];
  return (
    <ListPage
      title={t('search')}
      filters={
        <>
          <SelectFilter
            f={f}
            name="type"
            label={t('type')}
            options={TYPES.map((x) => ({ value: x, label: t(`type_${x}` as Key) }))}
          />
          <SelectFilter
            f={f}
            name="status"
            label={t('status')}
            options={[
              { value: 'open', label: t('statusOpen') },
              { value: 'closed', label: t('statusClosed') },
            ]}
          />
          <TextFilter f={f} name="agencyId" label={t('agency')} trim />
          <SelectFilter
            f={f}
            name="sort"
            label={t('sort')}
            noAll
            defaultValue="-receivedAt"
            options={[
              { value: '-receivedAt', label: t('sort_receivedDesc') },
              { value: 'receivedAt', label: t('sort_receivedAsc') },
              { value: 'nextDueAt', label: t('sort_dueAsc') },
            ]}
          />
          <CheckFilter f={f} name="overdue" label={t('overdue')} />
          <CheckFilter f={f} name="atRisk" label={t('atRisk')} />
        </>
      }
    >
      {passed.length > 0 && (
        <Group mb="sm" gap="xs" data-testid="passed-filters">
          <Text size="sm" fw={700}>
            {get('from') === 'report' ? t('fromReport') : t('filters')}:
          </Text>
          {passed.map((k) => (
            <Badge key={k} variant="light" color="dark">
              {k}={get(k)}
            </Badge>
          ))}
          <Button size="xs" variant="default" onClick={clearPassed}>
            {t('clearFilter')}
          </Button>
        </Group>
      )}
      <QueryState q={q}>
        <DataTable
          testId="cases"
          columns={columns}
          rows={items}
          rowKey={(c) => c.id}
          rowProps={(c) => ({ className: c.flags.overdue ? 'row-overdue' : undefined })}
          highlightOnHover={false}
          emptyInstead
        />
        <MoreButton q={q} />
      </QueryState>
    </ListPage>
  );
}
