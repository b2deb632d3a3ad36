/**
 * Reviews of a backlog campaign, one per matter, with the form that records the outcome (officers and
 * supervisors: resolved; a resolution plan with its date; terminated with its legal ground; referred to a task
 * force). The API checks the outcome's fields and names the one it refuses.
 */
import { Anchor, Badge, Button, Group, NativeSelect, Table, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type components } from '../api.js';
import { compact, fieldError, useOpsT, useSubmit } from '../ops.js';
import { hasRole, useSession } from '../session.js';
import { DateField } from './FormCard.js';
import { ProblemAlert, QueryState } from './Problem.js';

type Review = components['schemas']['Review'];
const OUTCOMES = ['resolved', 'resolution_plan', 'terminated', 'referred_to_task_force'] as const;

export function ReviewRows({ campaignId, status }: { campaignId?: string; status?: 'open' }) {
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const q = useQuery({
    queryKey: ['reviews', campaignId ?? '', status ?? ''],
    queryFn: async () =>
      ok(
        await api().GET('/v1/reviews', {
          params: { query: { limit: 200, ...(campaignId ? { campaignId } : {}), ...(status ? { status } : {}) } },
        }),
      ),
  });
  const reviews = hasRole(claims, 'officer', 'supervisor');
  return (
    <QueryState q={q}>
      <div className="table-wrap">
        <Table striped data-testid="reviews">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{o('matters')}</Table.Th>
              <Table.Th>{t('agency')}</Table.Th>
              <Table.Th>{t('due')}</Table.Th>
              <Table.Th>{t('status')}</Table.Th>
              <Table.Th>{o('outcome')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(q.data?.items ?? []).map((r) => (
              <Table.Tr key={r.id} className={r.overdue ? 'row-overdue' : undefined} data-review={r.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/matters/${r.matterId}`}>
                    {r.matterTitle}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {r.agencyId}
                  {r.escalatedTo && (
                    <Badge color="red" ml="xs">
                      {o('escalated')} → {r.escalatedTo}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{fmt.dateTime(r.dueAt)}</Table.Td>
                <Table.Td>
                  <Badge color={r.status === 'reviewed' ? 'green' : r.overdue ? 'red' : 'blue'}>
                    {r.status === 'reviewed' ? o('reviewed') : r.overdue ? t('overdue') : o('open')}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {r.outcome ? (
                    <Text size="sm">
                      {o(`oc_${r.outcome}`)}
                      {r.planDate ? ` · ${fmt.date(r.planDate)}` : ''}
                      {r.legalGround ? ` · ${r.legalGround}` : ''}
                      {r.taskForceId ? ` · ${r.taskForceId}` : ''}
                    </Text>
                  ) : reviews && r.status === 'open' ? (
                    <Outcome r={r} />
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
    </QueryState>
  );
}

function Outcome({ r }: { r: Review }) {
  const { o } = useOpsT();
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('resolved');
  const [f, setF] = useState({ planDate: '', legalGround: '', taskForceId: '', note: '' });
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  const submit = useSubmit(
    async () => {
      const extra =
        outcome === 'resolution_plan'
          ? { planDate: f.planDate }
          : outcome === 'terminated'
            ? { legalGround: f.legalGround }
            : outcome === 'referred_to_task_force'
              ? { taskForceId: f.taskForceId }
              : {};
      const body = { outcome, ...compact({ ...extra, note: f.note }) } as components['schemas']['ReviewOutcome'];
      return ok(await api().POST('/v1/reviews/{id}/outcome', { params: { path: { id: r.id } }, body }));
    },
    { invalidate: [['reviews'], ['review-campaign', r.campaignId], ['tasks']] },
  );
  const err = (k: string) => fieldError(submit.error, k);
  return (
    <Group gap="xs" align="flex-start">
      <NativeSelect
        aria-label={o('outcome')}
        size="xs"
        value={outcome}
        onChange={(e) => setOutcome(e.currentTarget.value as (typeof OUTCOMES)[number])}
        data={OUTCOMES.map((x) => ({ value: x, label: o(`oc_${x}`) }))}
      />
      {outcome === 'resolution_plan' && (
        <DateField
          size="xs"
          aria-label={o('planDate')}
          value={f.planDate}
          onChange={set('planDate')}
          error={err('planDate')}
        />
      )}
      {outcome === 'terminated' && (
        <TextInput
          size="xs"
          aria-label={o('legalGround')}
          placeholder={o('legalGround')}
          value={f.legalGround}
          onChange={set('legalGround')}
          error={err('legalGround')}
        />
      )}
      {outcome === 'referred_to_task_force' && (
        <TextInput
          size="xs"
          aria-label={o('taskForceId')}
          placeholder={o('taskForceId')}
          value={f.taskForceId}
          onChange={set('taskForceId')}
          error={err('taskForceId')}
        />
      )}
      <TextInput
        size="xs"
        aria-label={o('note')}
        placeholder={o('note')}
        value={f.note}
        onChange={set('note')}
        error={err('note')}
      />
      <Button size="xs" onClick={() => submit.mutate()} loading={submit.isPending}>
        {o('recordOutcome')}
      </Button>
      <ProblemAlert error={submit.error} />
    </Group>
  );
}
