/**
 * One hotspot: its level and why (the thresholds it crossed, the items and their weights, per window), its cases,
 * its history, and — for a supervisor — acknowledging it with a plan (owner, task force, note).
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, newKey, ok } from '../api.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { useT, type Key } from '../i18n.js';
import { hasRole, useSession } from '../session.js';
import { hotspotLabel, levelColour } from './Hotspots.js';

export function Component() {
  const { id = '' } = useParams();
  const { t, fmt } = useT();
  const { claims } = useSession();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['hotspot', id],
    queryFn: async () => ok(await api().GET('/v1/hotspots/{id}', { params: { path: { id } } })),
  });
  const [plan, setPlan] = useState({ ownerPersonId: '', taskForceId: '', note: '' });
  const ack = useMutation({
    mutationFn: async () =>
      ok(
        await api().POST('/v1/hotspots/{id}/acknowledge', {
          params: { path: { id }, header: { 'Idempotency-Key': newKey() } },
          body: {
            ownerPersonId: plan.ownerPersonId.trim(),
            taskForceId: plan.taskForceId.trim() || null,
            note: plan.note.trim() || null,
          },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['hotspot', id] }),
  });
  const h = q.data;
  return (
    <QueryState q={q}>
      {h && (
        <Stack>
          <Title order={1} size="h2">
            {t('hotspots')}: {hotspotLabel(h)}
          </Title>
          <Group gap="xs">
            <Badge color={levelColour(h.level)} data-testid="hotspot-level">
              {h.level ? t(`lvl_${h.level}` as Key) : '—'}
            </Badge>
            <Badge variant="light" color="dark" data-testid="hotspot-status">
              {t(`st_${h.status}` as Key)}
            </Badge>
            <Text size="sm">
              {t('items')}: {h.itemCount} · {t('lastItem')}: {fmt.dateTime(h.lastItemAt)}
            </Text>
          </Group>
          {h.plan && (
            <Alert color="blue" title={t('plan')} data-testid="hotspot-plan">
              {h.plan.ownerPersonId}
              {h.plan.taskForceId ? ` · ${h.plan.taskForceId}` : ''} · {fmt.dateTime(h.plan.acknowledgedAt)}
              {h.plan.note && <div>{h.plan.note}</div>}
            </Alert>
          )}
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              {t('explanation')}
            </Title>
            <Text size="sm" mb="xs">
              {Object.entries(h.scores)
                .map(([days, score]) => `${days} ${t('window').toLowerCase()}: ${t('score')} ${score}`)
                .join(' · ')}
            </Text>
            <div className="table-wrap">
              <Table data-testid="crossings">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('crossings')}</Table.Th>
                    <Table.Th>{t('window')}</Table.Th>
                    <Table.Th>{t('threshold')}</Table.Th>
                    <Table.Th>{t('score')}</Table.Th>
                    <Table.Th>{t('time')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {h.explanation.crossings.map((c, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{t(`lvl_${c.level}` as Key)}</Table.Td>
                      <Table.Td>{c.windowDays}</Table.Td>
                      <Table.Td>{c.threshold}</Table.Td>
                      <Table.Td>{c.score}</Table.Td>
                      <Table.Td>{fmt.dateTime(c.at)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
            <div className="table-wrap">
              <Table mt="sm" striped data-testid="hotspot-items">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('case')}</Table.Th>
                    <Table.Th>{t('agency')}</Table.Th>
                    <Table.Th>{t('time')}</Table.Th>
                    <Table.Th>{t('weight')}</Table.Th>
                    <Table.Th>{t('window')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {h.explanation.items.map((it, i) => (
                    <Table.Tr key={`${it.id}-${i}`}>
                      <Table.Td>
                        {it.kind === 'case' && it.id ? (
                          <Anchor component={Link} to={`/cases/${it.id}`}>
                            {it.reference ?? it.id.slice(0, 8)}
                          </Anchor>
                        ) : (
                          (it.reference ?? it.kind)
                        )}
                        {it.mass && <Badge ml="xs">{t('flag_mass')}</Badge>}
                      </Table.Td>
                      <Table.Td>{it.agencyId}</Table.Td>
                      <Table.Td>{fmt.dateTime(it.at)}</Table.Td>
                      <Table.Td>{it.weight}</Table.Td>
                      <Table.Td>{it.inWindows.join(', ')}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          </Card>
          {hasRole(claims, 'supervisor') && h.status !== 'closed' && (
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">
                {t('acknowledge')}
              </Title>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  ack.mutate();
                }}
              >
                <Stack>
                  <TextInput
                    label={t('owner')}
                    required
                    value={plan.ownerPersonId}
                    onChange={(e) => setPlan({ ...plan, ownerPersonId: e.currentTarget.value })}
                  />
                  <TextInput
                    label={t('taskForce')}
                    value={plan.taskForceId}
                    onChange={(e) => setPlan({ ...plan, taskForceId: e.currentTarget.value })}
                  />
                  <Textarea
                    label={t('plan')}
                    value={plan.note}
                    onChange={(e) => setPlan({ ...plan, note: e.currentTarget.value })}
                  />
                  <Group>
                    <Button type="submit" loading={ack.isPending}>
                      {t('acknowledge')}
                    </Button>
                  </Group>
                </Stack>
              </form>
              <ProblemAlert error={ack.error} />
            </Card>
          )}
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              {t('timeline')}
            </Title>
            {h.history.map((x, i) => (
              <Text size="sm" key={i}>
                {fmt.dateTime(x.at)} · {x.action} {x.from ?? ''} → {x.to ?? ''}
              </Text>
            ))}
          </Card>
        </Stack>
      )}
    </QueryState>
  );
}
