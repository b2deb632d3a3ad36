/** A matter's flags as badges (mass, complex, prolonged). */
import { Badge, Group } from '@mantine/core';
import { useOpsT } from '../ops.js';

export function Flags({ m }: { m: { mass: boolean; complex: boolean; prolonged: boolean } }) {
  const { t, o } = useOpsT();
  return (
    <Group gap={4}>
      {m.mass && <Badge color="grape">{t('flag_mass')}</Badge>}
      {m.complex && <Badge color="orange">{t('flag_complex')}</Badge>}
      {m.prolonged && <Badge color="red">{o('flag_prolonged')}</Badge>}
    </Group>
  );
}
