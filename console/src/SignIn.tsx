import { Alert, Button, Card, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { createKntcClient } from '../../clients/typescript/index.js';
import { useT } from './i18n.js';
import { useSession } from './session.js';

/** Local sign-in: a bearer token (the admin token `npm start` prints, or a JWT from the identity provider). */
export function SignIn() {
  const { t } = useT();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const value = token.trim().replace(/^Bearer\s+/i, '');
    // The API decides whether the token is good: one authenticated read (the caller's own notification inbox).
    const r = await createKntcClient(window.location.origin, value).GET('/v1/me/notifications', {
      params: { query: { limit: 1 } },
    });
    setBusy(false);
    if (r.response.status === 401) {
      setError(r.error?.detail ?? t('tokenInvalid'));
      return;
    }
    signIn(value);
    const next = params.get('next');
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
  }
  return (
    <div className="signin">
      <Card withBorder shadow="sm" padding="lg" maw={520} w="100%">
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h3">
              {t('appName')}
            </Title>
            <Text size="sm">{t('tokenHelp')}</Text>
            <PasswordInput
              label={t('token')}
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              required
              autoComplete="off"
            />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              {t('signIn')}
            </Button>
          </Stack>
        </form>
      </Card>
    </div>
  );
}
