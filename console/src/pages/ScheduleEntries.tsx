/**
 * The leaders' reception days of an agency (admins): add a day, change one (a reason is required: it is kept in
 * the entry's history and the audit log, and the public feed shows the new revision) or cancel it with a reason.
 */
import { Badge, Button, Card, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok, type components } from '../api.js';
import { DateField, FormCard } from '../components/FormCard.js';
import { QueryState } from '../components/Problem.js';
import { compact, fieldError, useOpsT, useSubmit } from '../ops.js';
import { hasRole, useSession } from '../session.js';

type Entry = components['schemas']['ReceptionScheduleEntry'];
const KINDS = ['periodic', 'ad_hoc', 'online'] as const;
const EMPTY = {
  leaderPersonId: '',
  leaderTitle: '',
  placeId: '',
  date: '',
  startTime: '08:00',
  endTime: '11:30',
  kind: 'periodic',
  note: '',
};

export function Component() {
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const [agencyId, setAgency] = useState(claims?.agency ?? '');
  const [editing, setEditing] = useState<Entry | null>(null);
  const admin = hasRole(claims, 'admin');
  const q = useQuery({
    queryKey: ['schedule-entries', agencyId],
    enabled: /^[a-z0-9-]+$/.test(agencyId),
    queryFn: async () =>
      ok(await api().GET('/v1/reception/schedule', { params: { query: { agencyId, limit: 200 } as never } })),
  });
  return (
    <Stack className="ops">
      <Title order={1} size="h2">
        {o('manageSchedule')}
      </Title>
      <TextInput label={t('agency')} value={agencyId} onChange={(e) => setAgency(e.currentTarget.value)} w={260} />
      <Card withBorder>
        <QueryState q={q}>
          <div className="table-wrap">
            <Table striped data-testid="schedule-entries">
              <Table.Tbody>
                {(q.data?.items ?? []).map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{fmt.date(e.date)}</Table.Td>
                    <Table.Td>
                      {fmt.dateTime(e.startsAt).slice(11)}–{fmt.dateTime(e.endsAt).slice(11)}
                    </Table.Td>
                    <Table.Td>
                      {e.leader.name} ({e.leader.title})
                    </Table.Td>
                    <Table.Td>{e.placeId}</Table.Td>
                    <Table.Td>
                      <Badge color={e.status === 'scheduled' ? 'green' : 'gray'}>
                        {e.status === 'scheduled' ? o('active') : o('cancelled')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {admin && e.status === 'scheduled' && (
                        <Button size="xs" variant="default" onClick={() => setEditing(e)}>
                          {o('change')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
          {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
        </QueryState>
      </Card>
      {admin && (
        <EntryForm key={editing?.id ?? 'new'} agencyId={agencyId} entry={editing} onDone={() => setEditing(null)} />
      )}
    </Stack>
  );
}

function EntryForm({ agencyId, entry, onDone }: { agencyId: string; entry: Entry | null; onDone: () => void }) {
  const { t, o } = useOpsT();
  const [f, setF] = useState(
    entry
      ? {
          leaderPersonId: entry.leader.personId,
          leaderTitle: entry.leader.title,
          placeId: entry.placeId,
          date: entry.date,
          startTime: entry.startsAt.slice(11, 16),
          endTime: entry.endsAt.slice(11, 16),
          kind: entry.kind,
          note: entry.note ?? '',
        }
      : EMPTY,
  );
  const [reason, setReason] = useState('');
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  const inv = { invalidate: [['schedule-entries', agencyId]], onDone };
  const save = useSubmit(async (key) => {
    if (entry)
      return ok(
        await api().PATCH('/v1/agencies/{agencyId}/reception-schedule/{entryId}', {
          params: { path: { agencyId, entryId: entry.id } },
          body: { ...compact(f), reason } as never,
        }),
      );
    return ok(
      await api().POST('/v1/agencies/{agencyId}/reception-schedule', {
        params: { path: { agencyId }, header: { 'Idempotency-Key': key } } as never,
        body: compact(f) as components['schemas']['CreateReceptionScheduleEntry'],
      }),
    );
  }, inv);
  const cancel = useSubmit(
    async () =>
      ok(
        await api().POST('/v1/agencies/{agencyId}/reception-schedule/{entryId}/cancel', {
          params: { path: { agencyId, entryId: entry!.id } },
          body: { reason },
        }),
      ),
    inv,
  );
  const err = (k: string) => fieldError(save.error ?? cancel.error, k);
  return (
    <FormCard
      title={entry ? `${o('change')} — ${entry.date}` : `${o('create')} — ${o('scheduleEntry')}`}
      testId="schedule-entry-form"
      submit={save}
      error={save.error ?? cancel.error}
      submitLabel={entry ? o('change') : o('create')}
      actions={
        entry && (
          <>
            <Button color="red" variant="light" onClick={() => cancel.mutate()} loading={cancel.isPending}>
              {o('cancelEntry')}
            </Button>
            <Button variant="default" onClick={onDone}>
              {o('no')}
            </Button>
          </>
        )
      }
    >
      <div className="grid-2">
        <TextInput
          label={o('leaderPerson')}
          value={f.leaderPersonId}
          onChange={set('leaderPersonId')}
          error={err('leaderPersonId')}
        />
        <TextInput
          label={o('leaderTitle')}
          value={f.leaderTitle}
          onChange={set('leaderTitle')}
          error={err('leaderTitle')}
        />
        <TextInput label={o('place')} value={f.placeId} onChange={set('placeId')} error={err('placeId')} />
        <DateField label={t('date')} value={f.date} onChange={set('date')} error={err('date')} />
        <TextInput
          type="time"
          label={o('startTime')}
          value={f.startTime}
          onChange={set('startTime')}
          error={err('startTime')}
        />
        <TextInput
          type="time"
          label={o('endTime')}
          value={f.endTime}
          onChange={set('endTime')}
          error={err('endTime')}
        />
        <NativeSelect
          label={o('kind')}
          value={f.kind}
          onChange={set('kind')}
          error={err('kind')}
          data={KINDS.map((k) => ({ value: k, label: k === 'online' ? o('mode_online') : o(`kind_${k}`) }))}
        />
        <TextInput label={o('note')} value={f.note} onChange={set('note')} error={err('note')} />
        {entry && (
          <TextInput
            label={o('changeReason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={err('reason')}
          />
        )}
      </div>
    </FormCard>
  );
}
