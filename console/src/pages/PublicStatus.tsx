/** Public page (no sign-in): a case's status by its reference and the PIN printed on the receipt. */
import { Alert, Button, Card, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { createKntcClient } from '../../../clients/typescript/index.js';
import { ApiError, ok } from '../api.js';
import { ProblemAlert } from '../components/Problem.js';
import { stageText, useT, type Key } from '../i18n.js';

export function Component() {
  const { t, fmt, lang } = useT();
  const [reference, setReference] = useState('');
  const [pin, setPin] = useState('');
  const look = useMutation({
    mutationFn: async () =>
      ok(
        // No token: the public look-up needs none.
        await createKntcClient(window.location.origin, '').GET('/v1/public/cases/{reference}', {
          params: { path: { reference: reference.trim().toUpperCase() }, query: { pin: pin.trim() } },
        }),
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    look.mutate();
  };
  const s = look.data;
  const notFound = look.error instanceof ApiError && look.error.status === 404;
  return (
    <Stack maw={640}>
      <Title order={1} size="h2">
        {t('publicStatus')}
      </Title>
      <Card withBorder>
        <form onSubmit={submit}>
          <Stack>
            <TextInput
              label={t('reference')}
              value={reference}
              onChange={(e) => setReference(e.currentTarget.value)}
              required
            />
            <TextInput
              label={t('pin')}
              value={pin}
              onChange={(e) => setPin(e.currentTarget.value)}
              required
              inputMode="numeric"
              autoComplete="off"
            />
            <Button type="submit" loading={look.isPending}>
              {t('lookUp')}
            </Button>
          </Stack>
        </form>
      </Card>
      {look.error && (
        <>
          {notFound && (
            <Alert color="red" role="alert">
              {t('notFoundOrPin')}
            </Alert>
          )}
          <ProblemAlert error={look.error} />
        </>
      )}
      {s && (
        <Card withBorder data-testid="public-status">
          <Text fw={700}>
            {s.reference} — {t(`type_${s.caseType}` as Key)}
          </Text>
          <Text>
            {t('status')}: {s.status === 'open' ? t('statusOpen') : t('statusClosed')}
          </Text>
          <Text>
            {t('stage')}: {stageText(lang, s)}
          </Text>
          <Text>
            {t('received')}: {fmt.dateTime(s.receivedAt)}
          </Text>
          {s.nextDueAt && (
            <Text>
              {t('nextDue')}: {fmt.dateTime(s.nextDueAt)}
            </Text>
          )}
          {s.linkedCases && s.linkedCases.length > 0 && (
            <List>
              {s.linkedCases.map((l) => (
                <List.Item key={l.reference}>
                  {l.reference}: {stageText(lang, l)}
                </List.Item>
              ))}
            </List>
          )}
        </Card>
      )}
    </Stack>
  );
}
