/** The heatmap on the process diagram: open cases waiting at each step (colour) and where they breach (red). */
import { Card, NativeSelect, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, ok } from '../api.js';
import { DefinitionDiagram } from '../components/DiagramLazy.js';
import { QueryState } from '../components/Problem.js';
import { useT } from '../i18n.js';

export function Component() {
  const { t } = useT();
  const [params, setParams] = useSearchParams();
  const defs = useQuery({
    queryKey: ['definitions'],
    queryFn: async () => ok(await api().GET('/v1/definitions', { params: { query: { limit: 200 } } })),
  });
  const options = (defs.data?.items ?? []).map((d) => ({
    value: `${d.key}@${d.version}`,
    label: `${d.name} (v${d.version})`,
  }));
  const chosen = params.get('def') ?? options[0]?.value ?? '';
  const [key, v] = chosen.split('@');
  const version = Number(v);
  const heat = useQuery({
    queryKey: ['heatmap', chosen],
    enabled: Boolean(key && version),
    queryFn: async () =>
      ok(
        await api().GET('/v1/definitions/{key}/versions/{version}/heatmap', {
          params: { path: { key: key!, version } },
        }),
      ),
  });
  const nodes = heat.data?.nodes ?? [];
  const max = Math.max(1, ...nodes.map((n) => n.waiting));
  const marks: Record<string, string[]> = {};
  const badges: Record<string, { text: string; breach?: boolean; title?: string }> = {};
  for (const n of nodes) {
    const cls: string[] = [];
    if (n.waiting > 0) cls.push(`heat-${Math.min(3, Math.ceil((3 * n.waiting) / max))}`);
    if (n.overdue > 0 || n.breached > 0) cls.push('breach');
    marks[n.nodeId] = cls;
    if (n.waiting > 0 || n.breached > 0)
      badges[n.nodeId] = {
        text: n.overdue > 0 ? `${n.waiting} (${n.overdue}!)` : String(n.waiting),
        breach: n.overdue > 0 || n.breached > 0,
        title: `${t('waiting')}: ${n.waiting}, ${t('overdue')}: ${n.overdue}, ${t('breached')}: ${n.breached}`,
      };
  }
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {t('heatmap')}
      </Title>
      <QueryState q={defs}>
        <NativeSelect
          label={t('definition')}
          value={chosen}
          onChange={(e) => setParams({ def: e.currentTarget.value }, { replace: true })}
          data={options}
          maw={480}
          mb="md"
        />
      </QueryState>
      {key && version ? (
        <Card withBorder>
          <QueryState q={heat}>
            <Text mb="sm" data-testid="heat-total">
              {t('openCases')}: {heat.data?.openCases ?? 0}
            </Text>
            <DefinitionDiagram
              defKey={key}
              version={version}
              marks={marks}
              badges={badges}
              label={`${t('heatmap')} ${key}`}
            />
            <div className="table-wrap">
              <Table mt="md" data-testid="heat-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('step')}</Table.Th>
                    <Table.Th>{t('waiting')}</Table.Th>
                    <Table.Th>{t('overdue')}</Table.Th>
                    <Table.Th>{t('atRisk')}</Table.Th>
                    <Table.Th>{t('breached')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {nodes.map((n) => (
                    <Table.Tr key={n.nodeId} data-node={n.nodeId}>
                      <Table.Td>{n.nodeId}</Table.Td>
                      <Table.Td>{n.waiting}</Table.Td>
                      <Table.Td>{n.overdue}</Table.Td>
                      <Table.Td>{n.atRisk}</Table.Td>
                      <Table.Td>{n.breached}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </div>
          </QueryState>
        </Card>
      ) : null}
    </>
  );
}
