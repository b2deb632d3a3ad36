/** The supervisor's dashboard: open / overdue / at-risk by agency and type (exact counts), each linking to the list. */
import { Anchor, Card, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { MassPanel } from '../components/MassPanel.js';
import { QueryState } from '../components/Problem.js';
import { useCaseFigures, type Measure } from '../figures.js';
import { useT, type Key } from '../i18n.js';

const MEASURES: Measure[] = ['open', 'overdue', 'atRisk'];
const FILTER: Record<Measure, string> = {
  open: 'status=open',
  overdue: 'status=open&overdue=true',
  atRisk: 'status=open&atRisk=true',
};

export function Component() {
  const { t } = useT();
  const q = useCaseFigures();
  const f = q.data;
  const label = (m: Measure) => t(m === 'open' ? 'openCases' : m);
  const n = (v: number) => (f && !f.exact && v >= 200 ? `≥ ${v}` : String(v));
  const table = (title: Key, rows: Record<string, Record<Measure, number>>, param: 'agencyId' | 'type') => (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm">
        {t(title)}
      </Title>
      <div className="table-wrap">
        <Table data-testid={`figures-${param}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t(param === 'agencyId' ? 'agency' : 'type')}</Table.Th>
              {MEASURES.map((m) => (
                <Table.Th key={m}>{label(m)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {Object.entries(rows)
              .sort((a, b) => b[1].open - a[1].open)
              .map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td>{param === 'type' ? t(`type_${k}` as Key) : k}</Table.Td>
                  {MEASURES.map((m) => (
                    <Table.Td key={m}>
                      <Anchor component={Link} to={`/cases?${FILTER[m]}&${param}=${encodeURIComponent(k)}`}>
                        {n(v[m])}
                      </Anchor>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </div>
    </Card>
  );
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {t('dashboard')}
      </Title>
      <QueryState q={q}>
        {f && (
          <>
            <div className="grid-3" data-testid="totals">
              {MEASURES.map((m) => (
                <Card withBorder key={m}>
                  <Text size="sm">{label(m)}</Text>
                  <Anchor component={Link} to={`/cases?${FILTER[m]}`} size="xl" fw={700} data-measure={m}>
                    {n(f.totals[m])}
                  </Anchor>
                </Card>
              ))}
            </div>
            <div className="grid-2" style={{ marginTop: 16 }}>
              {table('byAgency', f.byAgency, 'agencyId')}
              {table('byType', f.byType, 'type')}
            </div>
            {!f.exact && (
              <Text size="xs" mt="sm">
                {t('countsNote')}
              </Text>
            )}
          </>
        )}
      </QueryState>
      <MassPanel />
    </>
  );
}
