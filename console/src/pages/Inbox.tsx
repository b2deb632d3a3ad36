/**
 * The officer's task inbox: mine, my roles, my agency; due soonest first, overdue highlighted; claim/release.
 * Besides case tasks it lists the tasks opened outside a case (ADR 0039: reception compliance, special periods,
 * backlog reviews) with a badge of their kind and a link to the page where they are worked; those are not claimed.
 */
import { Anchor, Badge, Button, Group, SegmentedControl, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { startTransition, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, newKey, ok, type components } from '../api.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { taskText, useT, type Key } from '../i18n.js';
import { useSession } from '../session.js';
import { inboxQuery, type InboxView } from '../inbox-query.js';

type InboxTask = components['schemas']['InboxTask'] | components['schemas']['OtherInboxTask'];
type OtherTask = components['schemas']['OtherInboxTask'];
type View = InboxView;

/** The console page where a task of another kind is worked (its API `links.work` is the route that page calls). */
export const pageOf = (x: OtherTask): string =>
  x.kind === 'compliance'
    ? `/compliance-tasks/${x.ref.id}`
    : x.kind === 'period'
      ? `/periods/${x.ref.periodId ?? ''}${x.ref.date ? `?date=${x.ref.date}` : ''}`
      : '/review-campaigns';

/** Due soonest first (no due date last); the API orders by due date too. */
export const byDue = (a: InboxTask, b: InboxTask) =>
  (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity);

/**
 * Rows drawn with the first paint of the data (more than a screenful); the rest of the page (up to 200) is drawn
 * right after that frame, so the officer sees the table without waiting for all of its rows (ADR 0033 amendment 4).
 */
export const FIRST_ROWS = 30;

/** False until the frame after `ready` first became true has been painted. */
function usePaintedOnce(ready: boolean): boolean {
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!ready || done) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setDone(true)), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready, done]);
  return done;
}

export function Component() {
  const { t, fmt, lang } = useT();
  const { claims } = useSession();
  const [view, setView] = useState<View>('roles');
  const qc = useQueryClient();
  const q = useQuery(inboxQuery(view));
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: 'claim' | 'release' }) =>
      ok(
        await api().POST(action === 'claim' ? '/v1/tasks/{id}/claim' : '/v1/tasks/{id}/release', {
          params: { path: { id }, header: { 'Idempotency-Key': newKey() } },
        }),
      ),
    // The task's own page is cached too: both re-read, so neither shows the task as it was.
    onSettled: async (_d, _e, { id }) => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['tasks'] }),
        qc.invalidateQueries({ queryKey: ['task', id] }),
      ]);
    },
  });
  const mine = new Set(claims?.roles ?? []);
  const items = (q.data?.items ?? [])
    .filter((x) => view !== 'roles' || x.candidateRoles.some((r) => mine.has(r)))
    .sort(byDue);
  const all = usePaintedOnce(q.data !== undefined);
  const shown = all ? items : items.slice(0, FIRST_ROWS);
  const now = Date.now();
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {t('inbox')}
      </Title>
      <SegmentedControl
        mb="md"
        value={view}
        onChange={(v) => setView(v as View)}
        data={(['mine', 'roles', 'agency'] as const).map((v) => ({
          value: v,
          label: t(({ mine: 'mine', roles: 'myRoles', agency: 'myAgency' } as const)[v] as Key),
        }))}
      />
      <ProblemAlert error={act.error} />
      <QueryState q={q}>
        {items.length === 0 ? (
          <Text>{t('noTasks')}</Text>
        ) : (
          <div className="table-wrap">
            <Table striped highlightOnHover data-testid="inbox">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('task')}</Table.Th>
                  <Table.Th>{t('kindOf')}</Table.Th>
                  <Table.Th>{t('case')}</Table.Th>
                  <Table.Th>{t('due')}</Table.Th>
                  <Table.Th>{t('assignee')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((x) => {
                  const overdue = x.dueAt !== null && Date.parse(x.dueAt) < now;
                  return (
                    <Table.Tr key={x.id} className={overdue ? 'row-overdue' : undefined} data-task={x.id}>
                      <Table.Td>
                        <Anchor
                          component={Link}
                          to={x.kind === 'case' ? `/tasks/${encodeURIComponent(x.id)}` : pageOf(x)}
                          title={x.name}
                        >
                          {taskText(lang, x)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={x.kind === 'case' ? 'gray' : 'blue'} data-kind={x.kind}>
                          {t(`kind_${x.kind}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {x.kind === 'case' ? (
                          <>
                            <Anchor component={Link} to={`/cases/${x.caseId}`}>
                              {x.caseReference}
                            </Anchor>
                            <Text size="xs">{t(`type_${x.caseType}` as Key)}</Text>
                          </>
                        ) : (
                          <Text size="sm">{x.agencyId}</Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {x.dueAt ? fmt.dateTime(x.dueAt) : t('noDue')}{' '}
                        {overdue && <Badge color="red">{t('overdue')}</Badge>}
                      </Table.Td>
                      <Table.Td>{x.assignee ?? <Text c="dimmed">{t('unassigned')}</Text>}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {x.kind === 'case' && x.assignee === null && (
                            <Button size="xs" onClick={() => act.mutate({ id: x.id, action: 'claim' })}>
                              {t('claim')}
                            </Button>
                          )}
                          {x.kind === 'case' && x.assignee === claims?.sub && (
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() => act.mutate({ id: x.id, action: 'release' })}
                            >
                              {t('release')}
                            </Button>
                          )}
                          {x.kind !== 'case' && (
                            <Button size="xs" variant="default" component={Link} to={pageOf(x)}>
                              {t('workOn')}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </QueryState>
    </>
  );
}
