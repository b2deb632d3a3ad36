/** Public page (no sign-in): one published decision or conclusion, its redacted text (ADR 0043). */
import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { createKntcClient } from '../../../clients/typescript/index.js';
import { ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { useWords } from '../decision-words.js';
import '../decisions.css';

export function Component() {
  const { w, fmt } = useWords();
  const id = useParams().id ?? '';
  const q = useQuery({
    queryKey: ['public-decision', id],
    queryFn: async () =>
      ok(
        await createKntcClient(window.location.origin, '').GET('/v1/public/decisions/{id}', {
          params: { path: { id } },
        }),
      ),
  });
  const d = q.data;
  return (
    <Stack maw={860}>
      <Anchor component={Link} to="/decisions">
        {w('back')}
      </Anchor>
      <QueryState q={q}>
        {d && (
          <Stack>
            <Title order={1} size="h2">
              {d.title}
              {d.decisionNumber ? ` số ${d.decisionNumber}` : ''}
            </Title>
            <Group gap="xs">
              <Badge color={d.kind === 'complaint_decision' ? 'blue' : 'grape'}>{w(`kind_${d.kind}`)}</Badge>
              <Text>{d.agencyName}</Text>
            </Group>
            <dl className="facts">
              <dt>{w('issuedOn')}</dt>
              <dd>{fmt.date(d.issuedOn)}</dd>
              <dt>{w('publishedAt')}</dt>
              <dd>{fmt.dateTime(d.publishedAt)}</dd>
              <dt>{w('minimumUntil')}</dt>
              <dd>{fmt.date(d.minimumUntil)}</dd>
              <dt>{w('legalBasis')}</dt>
              <dd>{d.legalBasis}</dd>
            </dl>
            <Card withBorder component="section" aria-label={w('text')}>
              <Title order={2} size="h4" mb="sm">
                {w('text')}
              </Title>
              <div className="decision-text" data-testid="decision-text">
                {d.text}
              </div>
            </Card>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
