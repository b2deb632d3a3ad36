/**
 * Public page (no sign-in): published complaint decisions and denunciation conclusions (ADR 0043), newest first,
 * filtered by agency, type and year of issue (`GET /v1/public/decisions`), more by cursor.
 */
import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';

import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { createKntcClient } from '../../../clients/typescript/index.js';
import { ok } from '../api.js';
import { useCursorList } from '../cursor-list.js';
import { QueryState } from '../components/Problem.js';
import { useWords } from '../decision-words.js';
import '../decisions.css';
import { useT } from '../i18n.js';

type Kind = 'complaint_decision' | 'denunciation_conclusion';

export function Component() {
  const { t } = useT();
  const { w, fmt } = useWords();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState({
    agencyId: params.get('agencyId') ?? '',
    subtree: params.get('includeSubtree') === 'true',
    type: params.get('type') ?? '',
    year: params.get('year') ?? '',
  });
  const { q, items } = useCursorList(['public-decisions', params.toString()], async (after) =>
    ok(
      // No token: the public list needs none.
      await createKntcClient(window.location.origin, '').GET('/v1/public/decisions', {
        params: {
          query: {
            ...(params.get('agencyId')
              ? {
                  agencyId: params.get('agencyId')!,
                  includeSubtree: params.get('includeSubtree') === 'true' ? 'true' : 'false',
                }
              : {}),
            ...(params.get('type') ? { type: params.get('type') as Kind } : {}),
            ...(params.get('year') ? { year: Number(params.get('year')) } : {}),
            ...(after ? { after } : {}),
          },
        },
      }),
    ),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (draft.agencyId.trim()) p.set('agencyId', draft.agencyId.trim());
    if (draft.agencyId.trim() && draft.subtree) p.set('includeSubtree', 'true');
    if (draft.type) p.set('type', draft.type);
    if (draft.year.trim()) p.set('year', draft.year.trim());
    setParams(p);
  };
  return (
    <Stack>
      <Title order={1} size="h2">
        {w('title')}
      </Title>
      <Text>{w('help')}</Text>
      <Card withBorder>
        <form onSubmit={submit}>
          <Group align="end" role="search" aria-label={t('filters')}>
            <TextInput
              label={t('agencyCode')}
              value={draft.agencyId}
              onChange={(e) => setDraft({ ...draft, agencyId: e.currentTarget.value })}
            />
            <Checkbox
              label={t('includeSubtree')}
              checked={draft.subtree}
              onChange={(e) => setDraft({ ...draft, subtree: e.currentTarget.checked })}
            />
            <NativeSelect
              label={w('kind')}
              value={draft.type}
              onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value })}
              data={[
                { value: '', label: w('kindAll') },
                { value: 'complaint_decision', label: w('kind_complaint_decision') },
                { value: 'denunciation_conclusion', label: w('kind_denunciation_conclusion') },
              ]}
            />
            <TextInput
              label={w('year')}
              inputMode="numeric"
              maxLength={4}
              w={120}
              value={draft.year}
              onChange={(e) => setDraft({ ...draft, year: e.currentTarget.value })}
            />
            <Button type="submit">{t('lookUp')}</Button>
          </Group>
        </form>
      </Card>
      <QueryState q={q}>
        <Stack data-testid="decisions">
          {items.map((d) => (
            <Card withBorder key={d.id} data-decision={d.id} component="article">
              <Title order={2} size="h4">
                <Anchor component={Link} to={`/decisions/${d.id}`}>
                  {d.title}
                  {d.decisionNumber ? ` số ${d.decisionNumber}` : ''}
                </Anchor>
              </Title>
              <Group gap="xs">
                <Badge color={d.kind === 'complaint_decision' ? 'blue' : 'grape'}>{w(`kind_${d.kind}`)}</Badge>
                <Text size="sm">
                  {d.agencyName} · {w('issuedOn')}: {fmt.date(d.issuedOn)} · {w('publishedAt')}:{' '}
                  {fmt.date(d.publishedAt)}
                </Text>
              </Group>
              <Text size="sm" mt="xs" className="excerpt">
                {d.excerpt}
              </Text>
            </Card>
          ))}
          {items.length === 0 && <Text>{w('none')}</Text>}
          {q.hasNextPage && (
            <Button variant="light" onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
              {w('more')}
            </Button>
          )}
        </Stack>
      </QueryState>
    </Stack>
  );
}
