/**
 * Public page (no sign-in): the leaders' citizen-reception schedule of an agency as it is posted
 * (`GET /v1/public/reception-schedule`): day, time in Vietnam, leader, place, kind; cancelled days shown as such.
 */
import { Badge, Button, Card, Checkbox, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { createKntcClient } from '../../../clients/typescript/index.js';
import { ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { useT, type Key } from '../i18n.js';

export function Component() {
  const { t, fmt } = useT();
  const [params, setParams] = useSearchParams();
  const agencyId = params.get('agencyId') ?? '';
  const subtree = params.get('includeSubtree') === 'true';
  const [draft, setDraft] = useState({ agencyId, subtree, from: params.get('from') ?? '', to: params.get('to') ?? '' });
  const q = useQuery({
    queryKey: ['public-schedule', params.toString()],
    enabled: Boolean(agencyId),
    queryFn: async () =>
      ok(
        // No token: the public schedule needs none.
        await createKntcClient(window.location.origin, '').GET('/v1/public/reception-schedule', {
          params: {
            query: {
              agencyId,
              includeSubtree: subtree ? 'true' : 'false',
              ...(params.get('from') ? { from: params.get('from')! } : {}),
              ...(params.get('to') ? { to: params.get('to')! } : {}),
            },
          },
        }),
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (draft.agencyId.trim()) p.set('agencyId', draft.agencyId.trim());
    if (draft.subtree) p.set('includeSubtree', 'true');
    if (draft.from) p.set('from', draft.from);
    if (draft.to) p.set('to', draft.to);
    setParams(p);
  };
  const time = (iso: string) => fmt.dateTime(iso).slice(11);
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('schedule')}
      </Title>
      <Text>{t('scheduleHelp')}</Text>
      <Card withBorder>
        <form onSubmit={submit}>
          <Group align="end" role="search" aria-label={t('filters')}>
            <TextInput
              label={t('agencyCode')}
              required
              value={draft.agencyId}
              onChange={(e) => setDraft({ ...draft, agencyId: e.currentTarget.value })}
            />
            <TextInput
              type="date"
              label={t('fromDate')}
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
            />
            <TextInput
              type="date"
              label={t('toDate')}
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
            />
            <Checkbox
              label={t('includeSubtree')}
              checked={draft.subtree}
              onChange={(e) => setDraft({ ...draft, subtree: e.currentTarget.checked })}
            />
            <Button type="submit">{t('lookUp')}</Button>
          </Group>
        </form>
      </Card>
      {agencyId && (
        <QueryState q={q}>
          <div className="table-wrap">
            <Table striped data-testid="schedule">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('date')}</Table.Th>
                  <Table.Th>{t('time')}</Table.Th>
                  <Table.Th>{t('agency')}</Table.Th>
                  <Table.Th>{t('leader')}</Table.Th>
                  <Table.Th>{t('place')}</Table.Th>
                  <Table.Th>{t('kind')}</Table.Th>
                  <Table.Th>{t('status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(q.data?.items ?? []).map((e) => (
                  <Table.Tr key={e.id} data-entry={e.id} className={e.status === 'cancelled' ? 'cancelled' : ''}>
                    <Table.Td>{fmt.date(e.date)}</Table.Td>
                    <Table.Td>
                      {time(e.startsAt)}–{time(e.endsAt)}
                    </Table.Td>
                    <Table.Td>{e.agencyName}</Table.Td>
                    <Table.Td>
                      {e.leaderName}
                      <Text size="xs">{e.leaderTitle}</Text>
                    </Table.Td>
                    <Table.Td>
                      {e.placeName}
                      {e.placeAddress && <Text size="xs">{e.placeAddress}</Text>}
                    </Table.Td>
                    <Table.Td>{t(`kind_${e.kind}` as Key)}</Table.Td>
                    <Table.Td>
                      {e.status === 'cancelled' ? (
                        <Badge color="red">{t('cancelled')}</Badge>
                      ) : (
                        <Badge color="green">{t('scheduled')}</Badge>
                      )}
                      {e.note && <Text size="xs">{e.note}</Text>}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
          <Text size="sm">
            <a href={`/v1/public/reception-schedule.ics?${params.toString()}`}>iCalendar (.ics)</a>
          </Text>
        </QueryState>
      )}
    </Stack>
  );
}
