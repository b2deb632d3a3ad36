/**
 * The supervisor dashboard's second row (issue 17 item 5): mass, complex and prolonged matters, hotspots, central
 * gatherings not closed and reception compliance of the month, each a count that links to its filtered list.
 * Counted from the lists the API returns (at most 200 each: a count at the limit shows "≥"), like the case figures.
 */
import { Anchor, Card, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, ok } from '../api.js';
import { useOpsT } from '../ops.js';

const LIMIT = 200;
const thisMonth = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
const count = (n: number | null | undefined) =>
  n === null ? '—' : n === undefined ? '…' : n >= LIMIT ? `≥ ${LIMIT}` : String(n);

function Figure(p: { label: string; q: { data?: number; isError: boolean }; to: string; id: string }) {
  const { label, to, id } = p;
  const n = p.q.isError ? null : p.q.data;
  return (
    <Card withBorder>
      <Text size="sm">{label}</Text>
      <Anchor component={Link} to={to} size="xl" fw={700} data-figure={id}>
        {count(n)}
      </Anchor>
    </Card>
  );
}

export function MassPanel() {
  const { t, o } = useOpsT();
  const matters = (flag: 'mass' | 'complex' | 'prolonged') => ({
    queryKey: ['dash-matters', flag],
    queryFn: async () =>
      ok(
        await api().GET('/v1/matters', {
          params: { query: { [flag]: 'true', status: 'open', limit: LIMIT } as never },
        }),
      ).items.length,
  });
  const mass = useQuery(matters('mass'));
  const complex = useQuery(matters('complex'));
  const prolonged = useQuery(matters('prolonged'));
  const hot = useQuery({
    queryKey: ['dash-hotspots'],
    queryFn: async () =>
      ok(await api().GET('/v1/hotspots', { params: { query: { level: 'hot', limit: LIMIT } as never } })).items.length,
  });
  const gatherings = useQuery({
    queryKey: ['dash-gatherings'],
    queryFn: async () =>
      ok(await api().GET('/v1/gatherings', { params: { query: { limit: LIMIT } } })).items.filter(
        (g) => g.status !== 'closed',
      ).length,
  });
  const compliance = useQuery({
    queryKey: ['dash-compliance', thisMonth()],
    queryFn: async () =>
      ok(await api().GET('/v1/reception/compliance', { params: { query: { month: thisMonth() } } })).items.filter(
        (a) => !a.kept,
      ).length,
  });
  return (
    <Card withBorder mt="md" data-testid="mass-panel">
      <Title order={2} size="h4" mb="sm">
        {o('massOverview')}
      </Title>
      <div className="grid-3">
        <Figure id="mass" label={t('flag_mass')} q={mass} to="/matters?mass=true&status=open" />
        <Figure id="complex" label={t('flag_complex')} q={complex} to="/matters?complex=true&status=open" />
        <Figure id="prolonged" label={o('flag_prolonged')} q={prolonged} to="/matters?prolonged=true&status=open" />
        <Figure id="hotspots" label={o('hotspotsHot')} q={hot} to="/hotspots?level=hot" />
        <Figure id="gatherings" label={o('gatheringsOpen')} q={gatherings} to="/matters?tab=gatherings" />
        <Figure id="compliance" label={o('complianceNotKept')} q={compliance} to="/reception?tab=compliance" />
      </div>
    </Card>
  );
}
