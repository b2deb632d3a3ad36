/** One task: its case, claim/release, and its form (completion goes to the case workflow through the API). */
import { Alert, Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, newKey, ok } from '../api.js';
import { fieldErrors, fieldsOf, formData, FormFields, type FormValues } from '../components/FormFields.js';
import { ProblemAlert, QueryState } from '../components/Problem.js';
import { taskText, useT } from '../i18n.js';
import { useSession } from '../session.js';

export function Component() {
  const { t, fmt, lang } = useT();
  const { claims } = useSession();
  const id = useParams().id ?? '';
  const caseId = id.split('.')[0] ?? '';
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [values, setValues] = useState<FormValues>({});
  const q = useQuery({
    queryKey: ['task', id],
    queryFn: async () => {
      const page = ok(await api().GET('/v1/tasks', { params: { query: { caseId, status: 'open', limit: 200 } } }));
      // A case task (ADR 0039: the other kinds of the inbox are worked on their own pages).
      const task = page.items.find((x) => x.kind === 'case' && x.id === id);
      if (!task || task.kind !== 'case')
        throw new ApiError(404, { status: 404, title: t('notFound'), type: 'about:blank' });
      return task;
    },
  });
  const act = useMutation({
    mutationFn: async (action: 'claim' | 'release') =>
      ok(
        await api().POST(action === 'claim' ? '/v1/tasks/{id}/claim' : '/v1/tasks/{id}/release', {
          params: { path: { id }, header: { 'Idempotency-Key': newKey() } },
        }),
      ),
    // The answer is the task as it now stands: shown at once, then both the page and the inbox are re-read.
    onSuccess: (task) => qc.setQueryData(['task', id], task),
    onSettled: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['task', id] }),
        qc.invalidateQueries({ queryKey: ['tasks'] }),
      ]);
    },
  });
  const fields = fieldsOf(q.data?.form);
  const complete = useMutation({
    mutationFn: async () =>
      ok(
        await api().POST('/v1/tasks/{id}/complete', {
          params: { path: { id }, header: { 'Idempotency-Key': newKey() } },
          body: { data: formData(fields, values) },
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries();
      navigate(`/cases/${caseId}`);
    },
  });
  const problem = complete.error instanceof ApiError ? complete.error.problem : undefined;
  const errs = fieldErrors(
    problem,
    fields.map((f) => f.name),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    complete.mutate();
  };
  const task = q.data;
  return (
    <QueryState q={q}>
      {task && (
        <Stack>
          <Title order={1} size="h2" title={task.name}>
            {taskText(lang, task)}
          </Title>
          <Text>
            {t('case')}:{' '}
            <Anchor component={Link} to={`/cases/${task.caseId}`}>
              {task.caseReference}
            </Anchor>{' '}
            · {t('due')}: {task.dueAt ? fmt.dateTime(task.dueAt) : t('noDue')} · {t('assignee')}:{' '}
            {task.assignee ?? t('unassigned')}
          </Text>
          <Group>
            {task.assignee === null && <Button onClick={() => act.mutate('claim')}>{t('claim')}</Button>}
            {task.assignee === claims?.sub && (
              <Button variant="default" onClick={() => act.mutate('release')}>
                {t('release')}
              </Button>
            )}
          </Group>
          <ProblemAlert error={act.error} />
          <Card withBorder maw={640}>
            <form onSubmit={submit} noValidate>
              <Stack>
                <Title order={2} size="h4">
                  {t('form')}
                </Title>
                <FormFields fields={fields} values={values} onChange={setValues} errors={errs.byField} />
                {complete.error && !problem && <ProblemAlert error={complete.error} />}
                {problem && (
                  <Alert color="red" role="alert" title={problem.title} data-testid="problem">
                    {errs.rest.length > 0 ? errs.rest.join('; ') : Object.values(errs.byField).flat().join('; ')}
                  </Alert>
                )}
                <Button type="submit" loading={complete.isPending}>
                  {t('complete')}
                </Button>
              </Stack>
            </form>
          </Card>
        </Stack>
      )}
    </QueryState>
  );
}
