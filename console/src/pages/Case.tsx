/**
 * A case: stage, status, flags, parties (redacted unless the person holds identity:read — then an audited
 * "show identity"), clocks with due dates and derivations, the audit timeline, linked cases, documents, the
 * notifications of the case, legal events, and its BPMN diagram with the current and completed steps marked.
 */
import { Anchor, Badge, Button, Card, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ok, type components } from '../api.js';
import { DefinitionDiagram } from '../components/DiagramLazy.js';
import { CaseReception } from '../components/CaseReception.js';
import { LegalEvents } from '../components/LegalEvents.js';
import { Publications } from '../components/Publications.js';
import { QueryState } from '../components/Problem.js';
import { stageText, taskText, useT, type Key } from '../i18n.js';
import { hasRole, useSession } from '../session.js';

type CaseView = components['schemas']['Case'];
/** Documents a case publishes, once issued (ADR 0043). */
const PUBLISHABLE = ['complaint_decision_first', 'complaint_decision_second', 'denunciation_conclusion'];
const FLAGS = ['overdue', 'atRisk', 'suspended', 'complex', 'mass', 'remote'] as const;

export function Component() {
  const { t, fmt, lang } = useT();
  const id = useParams().id ?? '';
  const { claims } = useSession();
  // A case moving through steps nobody works (a service step, a gateway: right after a task was completed, the
  // API's answer may predate them) is read again every 2 s for the first minute on the page, then on focus only.
  const [openedAt] = useState(() => Date.now());
  const q = useQuery({
    queryKey: ['case', id],
    queryFn: async () => ok(await api().GET('/v1/cases/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => {
      const d = query.state.data;
      const moving = d?.status === 'open' && d.currentNodes.some((n) => !d.openTasks.some((task) => task.nodeId === n));
      return moving && Date.now() - openedAt < 60_000 ? 2000 : false;
    },
  });
  const c = q.data;
  return (
    <QueryState q={q}>
      {c && (
        <Stack>
          <Title order={1} size="h2">
            {c.reference} — {t(`type_${c.caseType}` as Key)}
          </Title>
          <Text>{c.subject}</Text>
          <Group gap="xs" data-testid="case-summary">
            <Badge color={c.status === 'open' ? 'blue' : 'gray'}>
              {c.status === 'open' ? t('statusOpen') : t('statusClosed')}
            </Badge>
            <Text>
              {t('stage')}:{' '}
              <strong data-testid="stage" title={c.stage}>
                {stageText(lang, c)}
              </strong>
            </Text>
            <Text>
              · {t('received')}: {fmt.dateTime(c.receivedAt)} · {t('agency')}: {c.agencyId}
            </Text>
            {FLAGS.filter((f) => c.flags[f]).map((f) => (
              <Badge key={f} color={f === 'overdue' ? 'red' : f === 'atRisk' ? 'grape' : 'gray'}>
                {t(`flag_${f}` as Key)}
              </Badge>
            ))}
          </Group>
          {c.openTasks.length > 0 && (
            <Card withBorder>
              <Title order={2} size="h4">
                {t('inbox')}
              </Title>
              <List>
                {c.openTasks.map((x) => (
                  <List.Item key={x.id}>
                    <Anchor component={Link} to={`/tasks/${encodeURIComponent(x.id)}`} title={x.name}>
                      {taskText(lang, x)}
                    </Anchor>{' '}
                    — {t('due')}: {x.dueAt ? fmt.dateTime(x.dueAt) : t('noDue')}
                  </List.Item>
                ))}
              </List>
            </Card>
          )}
          {hasRole(claims, 'intake', 'officer', 'supervisor', 'admin') && c.status === 'open' && (
            <LegalEvents caseId={c.id} />
          )}
          {hasRole(claims, 'officer', 'supervisor', 'admin') &&
            c.documents.some((d) => PUBLISHABLE.includes(d.type) && d.issuedOn) && <Publications caseId={c.id} />}
          <CaseReception caseId={c.id} />
          <Clocks c={c} />
          {c.definition && (
            <Card withBorder>
              <Title order={2} size="h4" mb="sm">
                {t('diagram')} ({c.definition.key} v{c.definition.version})
              </Title>
              <DefinitionDiagram
                defKey={c.definition.key}
                version={c.definition.version}
                label={`${t('diagram')} ${c.definition.key}`}
                marks={Object.fromEntries([
                  ...c.completedNodes.map((n) => [n, ['completed']]),
                  ...c.currentNodes.map((n) => [n, ['current']]),
                ])}
              />
            </Card>
          )}
          <div className="grid-2">
            {hasRole(claims, 'intake', 'officer', 'supervisor', 'admin') && <Parties caseId={c.id} />}
            <Related c={c} />
          </div>
          {hasRole(claims, 'officer', 'supervisor', 'auditor', 'admin') && <Timeline caseId={c.id} />}
          <Notifications caseId={c.id} />
        </Stack>
      )}
    </QueryState>
  );
}

function Clocks({ c }: { c: CaseView }) {
  const { t, fmt } = useT();
  if (c.clocks.length === 0) return null;
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('clocks')}
      </Title>
      <Stack gap="sm" data-testid="clocks">
        {c.clocks.map((k) => (
          <div key={k.timerId}>
            <Text fw={600}>
              {k.purpose} — {t('due')}: {k.due ? fmt.date(k.due) : fmt.dateTime(k.dueAt)}{' '}
              <Badge color={k.state === 'breached' ? 'red' : k.state === 'met' ? 'green' : 'blue'}>{k.state}</Badge>
            </Text>
            {k.legalBasis && (
              <Text size="sm">
                {t('legalBasis')}: {k.legalBasis}
              </Text>
            )}
            {k.derivation && k.derivation.length > 0 && (
              <ol className="derivation" aria-label={t('derivation')}>
                {(k.derivation as Array<{ text?: string; reason?: string }>).map((s, i) => (
                  <li key={i}>{s.text ?? s.reason}</li>
                ))}
              </ol>
            )}
          </div>
        ))}
      </Stack>
    </Card>
  );
}

function Parties({ caseId }: { caseId: string }) {
  const { t } = useT();
  const { claims } = useSession();
  // Holders of identity:read get identities (each read audited by the API): only when they ask.
  const mayReveal = Boolean(claims?.permissions.includes('identity:read'));
  const [reveal, setReveal] = useState(!mayReveal);
  const q = useQuery({
    queryKey: ['parties', caseId],
    enabled: reveal,
    queryFn: async () => ok(await api().GET('/v1/cases/{id}/parties', { params: { path: { id: caseId } } })),
  });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('parties')}
      </Title>
      {!reveal ? (
        <Button size="xs" variant="default" onClick={() => setReveal(true)}>
          {t('showIdentity')}
        </Button>
      ) : (
        <QueryState q={q}>
          <List>
            {(q.data?.items ?? []).map((p) => (
              <List.Item key={p.id}>
                {p.role}: {p.name} {p.redacted && <Badge color="gray">{t('redacted')}</Badge>}
              </List.Item>
            ))}
          </List>
        </QueryState>
      )}
    </Card>
  );
}

function Related({ c }: { c: CaseView }) {
  const { t, fmt } = useT();
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('linkedCases')}
      </Title>
      <List>
        {c.parent && (
          <List.Item>
            <Anchor component={Link} to={`/cases/${c.parent.caseId}`}>
              {c.parent.reference}
            </Anchor>
          </List.Item>
        )}
        {c.linkedCases.map((l) => (
          <List.Item key={l.caseId}>
            <Anchor component={Link} to={`/cases/${l.caseId}`}>
              {l.reference ?? l.caseId}
            </Anchor>{' '}
            ({l.status})
          </List.Item>
        ))}
      </List>
      <Title order={2} size="h4" my="sm">
        {t('documents')}
      </Title>
      <List>
        {c.documents.map((d) => (
          <List.Item key={d.id}>
            {d.type} {d.issuedOn ? `· ${fmt.date(d.issuedOn)}` : ''} {d.legalBasis ? `· ${d.legalBasis}` : ''}
          </List.Item>
        ))}
      </List>
    </Card>
  );
}

function Timeline({ caseId }: { caseId: string }) {
  const { t, fmt } = useT();
  const q = useQuery({
    queryKey: ['timeline', caseId],
    queryFn: async () =>
      ok(await api().GET('/v1/cases/{id}/timeline', { params: { path: { id: caseId }, query: { limit: 200 } } })),
  });
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('timeline')}
      </Title>
      <QueryState q={q}>
        <div className="table-wrap">
          <Table data-testid="timeline">
            <Table.Tbody>
              {(q.data?.items ?? []).map((e) => (
                <Table.Tr key={e.seq}>
                  <Table.Td>{fmt.dateTime(e.at)}</Table.Td>
                  <Table.Td>{e.summary}</Table.Td>
                  <Table.Td>{e.actor.id}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </QueryState>
    </Card>
  );
}

function Notifications({ caseId }: { caseId: string }) {
  const { t, fmt } = useT();
  const q = useQuery({
    queryKey: ['case-notifications', caseId],
    queryFn: async () => ok(await api().GET('/v1/cases/{id}/notifications', { params: { path: { id: caseId } } })),
  });
  if (q.error || !q.data?.items.length) return null;
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t('notifications')}
      </Title>
      <List>
        {q.data.items.map((n) => (
          <List.Item key={n.id}>
            {fmt.dateTime(n.recordedAt)} · {n.kind} · {n.recipients.join(', ')} · {n.status}
          </List.Item>
        ))}
      </List>
    </Card>
  );
}
