/**
 * Backlog review campaigns (rà soát): the campaigns of the caller's subtree (supervisors, auditors, admins), the
 * launch form with its criteria (supervisors), and the reviews still open for the caller's agencies (officers and
 * supervisors record their outcomes).
 */
import { Anchor, Badge, Card, Checkbox, Group, NumberInput, Stack, Table, Text } from '@mantine/core';
import { TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ok, type components } from '../api.js';
import { DateField, FormCard } from '../components/FormCard.js';
import { QueryState } from '../components/Problem.js';
import { DRILL_FILTERS, DrillFilters, useDrillQuery } from '../drill.js';
import { ReviewRows } from '../components/ReviewRows.js';
import { fieldError, idList, useOpsT, useSubmit } from '../ops.js';
import { hasRole, useSession } from '../session.js';

const FLAGS = ['mass', 'complex', 'prolonged'];

export function Component() {
  const { t, o, fmt } = useOpsT();
  const { claims } = useSession();
  const reads = hasRole(claims, 'supervisor', 'auditor', 'admin');
  const drill = useDrillQuery(DRILL_FILTERS.reviewCampaigns);
  const q = useQuery({
    queryKey: ['review-campaigns', drill],
    enabled: reads,
    queryFn: async () => ok(await api().GET('/v1/review-campaigns', { params: { query: drill as never } })),
  });
  return (
    <Stack className="ops">
      <Title order={1} size="h2">
        {o('reviews')}
      </Title>
      {reads && (
        <Card withBorder>
          <DrillFilters names={DRILL_FILTERS.reviewCampaigns} />
          <QueryState q={q}>
            <div className="table-wrap">
              <Table striped data-testid="review-campaigns">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{o('name')}</Table.Th>
                    <Table.Th>{t('agency')}</Table.Th>
                    <Table.Th>{o('criteriaFlags')}</Table.Th>
                    <Table.Th>{t('due')}</Table.Th>
                    <Table.Th>{t('status')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(q.data?.items ?? []).map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/review-campaigns/${c.id}`}>
                          {c.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{c.agencyId}</Table.Td>
                      <Table.Td>{c.criteria.flags.join(', ')}</Table.Td>
                      <Table.Td>{fmt.dateTime(c.dueAt)}</Table.Td>
                      <Table.Td>
                        <Badge color={c.status === 'running' ? 'blue' : 'green'}>{o(c.status)}</Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
            {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
          </QueryState>
        </Card>
      )}
      {hasRole(claims, 'supervisor') && <Launch />}
      {hasRole(claims, 'officer', 'supervisor') && (
        <Card withBorder>
          <Title order={2} size="h4" mb="sm">
            {o('open')}
          </Title>
          <ReviewRows status="open" />
        </Card>
      )}
    </Stack>
  );
}

function Launch() {
  const { t, o } = useOpsT();
  const { claims } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [agencyId, setAgency] = useState(claims?.agency ?? '');
  const [agencyIds, setAgencies] = useState(claims?.agency ?? '');
  const [flags, setFlags] = useState<string[]>([...FLAGS]);
  const [months, setMonths] = useState<string | number>(6);
  const [dueOn, setDue] = useState('');
  const submit = useSubmit(
    async (key) => {
      const body = {
        name,
        agencyId,
        dueOn,
        criteria: { flags, openLongerThanMonths: Number(months), agencyIds: idList(agencyIds) },
      } as components['schemas']['LaunchReviewCampaign'];
      return ok(await api().POST('/v1/review-campaigns', { params: { header: { 'Idempotency-Key': key } }, body }));
    },
    { invalidate: [['review-campaigns']], onDone: (c) => void navigate(`/review-campaigns/${c.id}`) },
  );
  const err = (k: string) => fieldError(submit.error, k);
  return (
    <FormCard title={o('launchReview')} testId="launch-review" submit={submit}>
      <div className="grid-2">
        <TextInput
          label={o('name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={err('name')}
        />
        <TextInput
          label={o('governingAgency')}
          value={agencyId}
          onChange={(e) => setAgency(e.currentTarget.value)}
          error={err('agencyId')}
        />
        <TextInput
          label={o('agencyIds')}
          value={agencyIds}
          onChange={(e) => setAgencies(e.currentTarget.value)}
          error={err('criteria.agencyIds')}
        />
        <NumberInput
          label={o('openLongerThanMonths')}
          min={0}
          value={months}
          onChange={setMonths}
          error={err('criteria.openLongerThanMonths')}
        />
        <DateField
          label={o('dueOn')}
          value={dueOn}
          onChange={(e) => setDue(e.currentTarget.value)}
          error={err('dueOn')}
        />
        <Checkbox.Group label={o('criteriaFlags')} value={flags} onChange={setFlags} error={err('criteria.flags')}>
          <Group mt="xs">
            <Checkbox value="mass" label={t('flag_mass')} />
            <Checkbox value="complex" label={t('flag_complex')} />
            <Checkbox value="prolonged" label={o('flag_prolonged')} />
          </Group>
        </Checkbox.Group>
      </div>
    </FormCard>
  );
}
