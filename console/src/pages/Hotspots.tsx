/** Hotspots of the caller's subtree: level, status, where and what, how many items; one opens its explanation. */
import { Anchor, Badge, Group, NativeSelect, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api.js';
import { QueryState } from '../components/Problem.js';
import { useT, type Key } from '../i18n.js';

export const LEVELS = ['watch', 'warning', 'hot'] as const;
const STATUSES = ['open', 'acknowledged', 'closed'] as const;
export const levelColour = (l: string | null) => (l === 'hot' ? 'red' : l === 'warning' ? 'orange' : 'yellow');

/** Where and what a hotspot is about: commune (or province), sector, respondent. */
export function hotspotLabel(h: {
  place: { provinceCode: string; communeCode: string | null };
  sector: string | null;
  respondent: string | null;
}) {
  return [h.place.communeCode ?? h.place.provinceCode, h.sector, h.respondent].filter(Boolean).join(' · ');
}

export function Component() {
  const { t, fmt } = useT();
  const [params, setParams] = useSearchParams();
  const get = (k: string) => params.get(k) ?? '';
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };
  const query = {
    limit: 100,
    ...(get('level') ? { level: get('level') as (typeof LEVELS)[number] } : {}),
    ...(get('status') ? { status: get('status') as (typeof STATUSES)[number] } : {}),
  };
  const q = useQuery({
    queryKey: ['hotspots', query],
    queryFn: async () => ok(await api().GET('/v1/hotspots', { params: { query } })),
  });
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {t('hotspots')}
      </Title>
      <Group align="end" mb="md" gap="sm" role="search" aria-label={t('filters')}>
        <NativeSelect
          label={t('level')}
          value={get('level')}
          onChange={(e) => set('level', e.currentTarget.value)}
          data={[{ value: '', label: t('all') }, ...LEVELS.map((l) => ({ value: l, label: t(`lvl_${l}` as Key) }))]}
        />
        <NativeSelect
          label={t('status')}
          value={get('status')}
          onChange={(e) => set('status', e.currentTarget.value)}
          data={[{ value: '', label: t('all') }, ...STATUSES.map((s) => ({ value: s, label: t(`st_${s}` as Key) }))]}
        />
      </Group>
      <QueryState q={q}>
        <div className="table-wrap">
          <Table striped highlightOnHover data-testid="hotspots">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('level')}</Table.Th>
                <Table.Th>{t('place')}</Table.Th>
                <Table.Th>{t('status')}</Table.Th>
                <Table.Th>{t('items')}</Table.Th>
                <Table.Th>{t('lastItem')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(q.data?.items ?? []).map((h) => (
                <Table.Tr key={h.id} data-hotspot={h.id}>
                  <Table.Td>
                    <Badge color={levelColour(h.level)}>{h.level ? t(`lvl_${h.level}` as Key) : '—'}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/hotspots/${h.id}`}>
                      {hotspotLabel(h)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`st_${h.status}` as Key)}</Table.Td>
                  <Table.Td>{h.itemCount}</Table.Td>
                  <Table.Td>{fmt.dateTime(h.lastItemAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
        {q.data?.items.length === 0 && <Text>{t('noItems')}</Text>}
      </QueryState>
    </>
  );
}
