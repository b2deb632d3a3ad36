/**
 * On a case page: the reception visit its letter was received at and the matter it belongs to (the other
 * direction of the visit page's case link). Nothing is shown for a case that did not come from a visit.
 */
import { Anchor, Card, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { useOpsT } from '../ops.js';

export function CaseReception({ caseId }: { caseId: string }) {
  const { o, fmt } = useOpsT();
  const q = useQuery({
    queryKey: ['case-reception', caseId],
    queryFn: async () => ok(await api().GET('/v1/cases/{id}/reception', { params: { path: { id: caseId } } })),
  });
  const d = q.data;
  if (!d || (!d.visit && !d.matter)) return null;
  return (
    <Card withBorder data-testid="case-reception">
      <Group gap="xl">
        {d.visit && (
          <Text>
            {o('visitOfCase')}:{' '}
            <Anchor component={Link} to={`/reception/visits/${d.visit.id}`} data-testid="case-visit">
              {fmt.dateTime(d.visit.visitedAt)}
            </Anchor>
          </Text>
        )}
        {d.matter && (
          <Text>
            {o('matters')}:{' '}
            <Anchor component={Link} to={`/matters/${d.matter.id}`}>
              {d.matter.title}
            </Anchor>
          </Text>
        )}
      </Group>
    </Card>
  );
}
