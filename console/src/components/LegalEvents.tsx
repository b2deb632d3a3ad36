/** Legal events from the case page: each posts to the API and shows the case's refusal reason (409/422) as given. */
import { Alert, Button, Card, Group, NumberInput, Stack, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, newKey, ok } from '../api.js';
import { useT, type Key } from '../i18n.js';
import { ProblemAlert } from './Problem.js';

const EVENTS = ['suspend', 'resume', 'extend', 'mark-complex', 'withdraw'] as const;
type Ev = (typeof EVENTS)[number];

export function LegalEvents({ caseId }: { caseId: string }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [ev, setEv] = useState<Ev | null>(null);
  const [date, setDate] = useState('');
  const [decision, setDecision] = useState('');
  const [amount, setAmount] = useState<number | string>(15);
  const send = useMutation({
    mutationFn: async (which: Ev) => {
      const common = { ...(date ? { date } : {}), ...(decision ? { decision } : {}) };
      const params = { path: { id: caseId }, header: { 'Idempotency-Key': newKey() } };
      const c = api();
      switch (which) {
        case 'suspend':
          return ok(await c.POST('/v1/cases/{id}/events/suspend', { params, body: common }));
        case 'resume':
          return ok(await c.POST('/v1/cases/{id}/events/resume', { params, body: common }));
        case 'extend':
          return ok(
            await c.POST('/v1/cases/{id}/events/extend', { params, body: { ...common, amount: Number(amount) } }),
          );
        case 'mark-complex':
          return ok(await c.POST('/v1/cases/{id}/events/mark-complex', { params, body: { ...common } }));
        case 'withdraw':
          return ok(await c.POST('/v1/cases/{id}/events/withdraw', { params, body: { ...common } }));
      }
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['case', caseId] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ev) send.mutate(ev);
  };
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('legalEvents')}
      </Title>
      <Group gap="xs" mb="sm">
        {EVENTS.map((x) => (
          <Button
            key={x}
            size="xs"
            variant={ev === x ? 'filled' : 'default'}
            onClick={() => {
              setEv(x);
              send.reset();
            }}
          >
            {t(`ev_${x}` as Key)}
          </Button>
        ))}
      </Group>
      {ev && (
        <form onSubmit={submit} aria-label={t(`ev_${ev}` as Key)}>
          <Stack gap="xs" maw={420}>
            <TextInput type="date" label={t('date')} value={date} onChange={(e) => setDate(e.currentTarget.value)} />
            <TextInput label={t('decision')} value={decision} onChange={(e) => setDecision(e.currentTarget.value)} />
            {ev === 'extend' && (
              <NumberInput label={t('amount')} min={1} max={365} value={amount} onChange={setAmount} />
            )}
            <Button type="submit" loading={send.isPending}>
              {t('submit')}: {t(`ev_${ev}` as Key)}
            </Button>
          </Stack>
        </form>
      )}
      {send.error && <ProblemAlert error={send.error} title={t('refused')} />}
      {send.isSuccess && (
        <Alert color="green" mt="sm" role="status">
          {t('done')}
        </Alert>
      )}
    </Card>
  );
}
