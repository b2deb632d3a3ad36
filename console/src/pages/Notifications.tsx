/** The signed-in person's in-app notifications (their inbox of messages). */
import { Anchor, Badge, Button, List, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { useT } from '../i18n.js';

/**
 * Where a message leads in the console: its case, else the path of its link (a compliance task, a report…, the
 * API builds it on the public base URL), else nowhere.
 */
function targetOf(n: { caseId: string | null; link: string | null }): string | null {
  if (n.caseId) return `/cases/${encodeURIComponent(n.caseId)}`;
  if (!n.link) return null;
  try {
    const u = new URL(n.link, window.location.origin);
    return u.pathname + u.search;
  } catch {
    return null;
  }
}

export function Component() {
  const { t, fmt } = useT();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['me-notifications'],
    queryFn: async () => ok(await api().GET('/v1/me/notifications', { params: { query: { limit: 100 } } })),
  });
  const read = useMutation({
    mutationFn: async (id: string) =>
      ok(await api().POST('/v1/me/notifications/{id}/read', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['me-notifications'] }),
  });
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {t('notifications')}
      </Title>
      <QueryState q={q}>
        {q.data?.items.length ? (
          <List spacing="sm">
            {q.data.items.map((n) => (
              <List.Item key={n.id}>
                <Text fw={n.read ? 400 : 700}>
                  {fmt.dateTime(n.createdAt)} · {n.subject}
                </Text>
                <Text size="sm">{n.text}</Text>
                {targetOf(n) && (
                  <Anchor component={Link} to={targetOf(n)!} size="sm">
                    {n.caseId ? t('case') : t('open')}
                  </Anchor>
                )}{' '}
                {n.read ? (
                  <Badge color="gray">{t('read')}</Badge>
                ) : (
                  <Button size="xs" variant="default" onClick={() => read.mutate(n.id)}>
                    {t('markRead')}
                  </Button>
                )}
              </List.Item>
            ))}
          </List>
        ) : (
          <Text>{t('noItems')}</Text>
        )}
      </QueryState>
    </>
  );
}
