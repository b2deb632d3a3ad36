/**
 * One reception visit: its content and outcome (a refusal with its ground and the article in force), the case
 * its letter started and its matter (linked both ways: the case page links back here), its people on demand
 * (the API redacts a denouncer's identity without `identity:read` and audits every read), and the matters the
 * API suggests, to confirm or reject (the officer's decision, audited by the API).
 */
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, ok } from '../api.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { useOpsT } from '../ops.js';
import { hasRole, useSession } from '../session.js';

export function Component() {
  const { id } = useParams() as { id: string };
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const qc = useQueryClient();
  const v = useQuery({
    queryKey: ['reception-visit', id],
    queryFn: async () => ok(await api().GET('/v1/reception/visits/{id}', { params: { path: { id } } })),
  });
  const parties = useMutation({
    mutationFn: async () => ok(await api().GET('/v1/reception/visits/{id}/parties', { params: { path: { id } } })),
  });
  const links = hasRole(claims, 'reception_officer', 'intake', 'officer', 'admin');
  const seesPeople = hasRole(claims, 'reception_officer', 'intake', 'officer', 'supervisor', 'admin');
  const sugg = useQuery({
    queryKey: ['visit-suggestions', id],
    enabled: links && Boolean(v.data) && !v.data?.matterId,
    queryFn: async () =>
      ok(
        await api().GET('/v1/reception/visits/{id}/matter-suggestions', {
          params: { path: { id }, query: { limit: 10 } },
        }),
      ),
  });
  const decide = useMutation({
    mutationFn: async (x: { matterId: string; decision: 'confirmed' | 'rejected' }) =>
      ok(
        await api().POST('/v1/matters/{id}/links', {
          params: { path: { id: x.matterId } },
          body: { kind: 'visit', refId: id, decision: x.decision },
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['reception-visit', id] });
      await qc.invalidateQueries({ queryKey: ['visit-suggestions', id] });
    },
  });
  const d = v.data;
  return (
    <Stack>
      <Title order={1} size="h2">
        {o('visit')}
      </Title>
      <QueryState q={v}>
        {d && (
          <Card withBorder data-testid="visit">
            <Group gap="xl" mb="sm">
              <Text>
                {o('visitedAt')}: {fmt.dateTime(d.visitedAt)}
              </Text>
              <Anchor component={Link} to={`/reception/sessions/${d.sessionId}`}>
                {o('session')}
              </Anchor>
              <Badge variant="light">{o(`ct_${d.contentType}`)}</Badge>
              <Badge variant="light" color={d.outcome === 'refused' ? 'red' : 'blue'}>
                {o(`out_${d.outcome}`)}
              </Badge>
              <Text>
                {o('peopleCount')}: {d.peopleCount}
                {d.isDelegation ? ` · ${o('isDelegation')}` : ''}
              </Text>
            </Group>
            <Text>{d.summary}</Text>
            {d.outcome === 'refused' && (
              <Alert color="orange" mt="sm" title={o('refusalGround')}>
                {d.refusalGround}
                {d.refusalBasis && (
                  <Text size="sm" mt="xs">
                    {o('refusalBasis')}: {d.refusalBasis}
                  </Text>
                )}
              </Alert>
            )}
            {d.outcome === 'transferred' && (
              <Text mt="sm">
                {o('transferTarget')}: {d.transferAgencyId ?? ''} {d.transferTarget ?? ''}
              </Text>
            )}
            {d.caseId && (
              <Text mt="sm">
                {o('caseOfVisit')}:{' '}
                {hasRole(claims, 'intake', 'officer', 'supervisor', 'auditor', 'admin') ? (
                  <Anchor component={Link} to={`/cases/${d.caseId}`} data-testid="visit-case">
                    {t('case')} {d.caseId.slice(0, 8)}
                  </Anchor>
                ) : (
                  <span data-testid="visit-case">{d.caseId.slice(0, 8)}</span>
                )}
              </Text>
            )}
            {d.matterId && (
              <Text mt="sm">
                {o('matters')}:{' '}
                <Anchor component={Link} to={`/matters/${d.matterId}`} data-testid="visit-matter">
                  {o('matters')}
                </Anchor>
              </Text>
            )}
          </Card>
        )}
      </QueryState>
      {seesPeople && (
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {o('visitors')}
          </Title>
          {!parties.data && (
            <Button variant="default" onClick={() => parties.mutate()} loading={parties.isPending}>
              {o('showPeople')}
            </Button>
          )}
          <ProblemAlert error={parties.error} />
          {parties.data && (
            <div className="table-wrap">
              <Table data-testid="visit-people">
                <Table.Tbody>
                  {parties.data.items.map((p) => (
                    <Table.Tr key={p.id}>
                      <Table.Td>{o(p.role === 'representative' ? 'representatives' : 'visitors')}</Table.Td>
                      <Table.Td>{p.redacted ? t('redacted') : p.name}</Table.Td>
                      <Table.Td>{p.idNumber ?? ''}</Table.Td>
                      <Table.Td>{p.phone ?? ''}</Table.Td>
                      <Table.Td>{p.address ?? ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          )}
        </Card>
      )}
      {links && d && !d.matterId && (
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {o('suggestions')}
          </Title>
          <ProblemAlert error={decide.error} />
          <QueryState q={sugg}>
            <div className="table-wrap">
              <Table data-testid="visit-suggestions">
                <Table.Tbody>
                  {(sugg.data?.items ?? []).map((s) => (
                    <Table.Tr key={s.matter.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/matters/${s.matter.id}`}>
                          {s.matter.title}
                        </Anchor>
                        {s.samePerson && <Badge ml="xs">{o('samePerson')}</Badge>}
                        {s.sameRespondent && <Badge ml="xs">{o('sameRespondent')}</Badge>}
                      </Table.Td>
                      <Table.Td>
                        {o('similarity')} {Math.round(s.similarity * 100)}%
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs">
                          <Button
                            size="xs"
                            onClick={() => decide.mutate({ matterId: s.matter.id, decision: 'confirmed' })}
                          >
                            {o('confirm')}
                          </Button>
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => decide.mutate({ matterId: s.matter.id, decision: 'rejected' })}
                          >
                            {o('reject')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
            {sugg.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
          </QueryState>
        </Card>
      )}
    </Stack>
  );
}
