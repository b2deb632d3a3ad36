/**
 * The parts the list screens share (hotspots, reports, case search, reception): a title, filters kept in the address (a link
 * or a report's drill-down lands on the same list; back and forward work), and a table of rows with an empty
 * message. A screen declares its filters and columns; its query and rows stay its own.
 */
import { Button, Checkbox, Group, NativeSelect, Table, Text, TextInput, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useT } from '../i18n.js';

export interface UrlFilters {
  params: URLSearchParams;
  setParams: ReturnType<typeof useSearchParams>[1];
  /** The filter's value in the address ('' when absent). */
  get(name: string): string;
  /** Sets (or, when empty, removes) one filter, replacing the history entry. */
  set(name: string, value: string): void;
}

export function useUrlFilters(): UrlFilters {
  const [params, setParams] = useSearchParams();
  return {
    params,
    setParams,
    get: (k) => params.get(k) ?? '',
    set: (k, v) => {
      const p = new URLSearchParams(params);
      if (v) p.set(k, v);
      else p.delete(k);
      setParams(p, { replace: true });
    },
  };
}

/** The page title, the screen's actions if any, and its filter bar (a labelled search landmark). */
export function ListPage({
  title,
  actions,
  filters,
  children,
}: {
  title: string;
  actions?: ReactNode;
  filters: ReactNode;
  children: ReactNode;
}) {
  const { t } = useT();
  return (
    <>
      <Title order={1} size="h2" mb="md">
        {title}
      </Title>
      {actions && <div className="list-actions">{actions}</div>}
      <Group align="end" mb="md" gap="sm" role="search" aria-label={t('filters')}>
        {filters}
      </Group>
      {children}
    </>
  );
}

/** A choice among `options`, with "all" first (the empty value) unless `noAll`. */
export function SelectFilter(props: {
  f: UrlFilters;
  name: string;
  label: string;
  options: Array<{ value: string; label: string }>;
  noAll?: boolean;
  defaultValue?: string;
}) {
  const { t } = useT();
  const { f, name } = props;
  return (
    <NativeSelect
      label={props.label}
      value={f.get(name) || (props.defaultValue ?? '')}
      onChange={(e) => f.set(name, e.currentTarget.value)}
      data={[...(props.noAll ? [] : [{ value: '', label: t('all') }]), ...props.options]}
    />
  );
}

/** Free text; `trim`: spaces dropped as typed (codes such as an agency id). */
export function TextFilter(props: {
  f: UrlFilters;
  name: string;
  label: string;
  placeholder?: string;
  trim?: boolean;
}) {
  const { f, name } = props;
  return (
    <TextInput
      label={props.label}
      {...(props.placeholder ? { placeholder: props.placeholder } : {})}
      value={f.get(name)}
      onChange={(e) => f.set(name, props.trim ? e.currentTarget.value.trim() : e.currentTarget.value)}
    />
  );
}

/** A yes/no filter: `true` in the address when checked, absent otherwise. */
export function CheckFilter(props: { f: UrlFilters; name: string; label: string }) {
  const { f, name } = props;
  return (
    <Checkbox
      label={props.label}
      checked={!!f.get(name)}
      onChange={(e) => f.set(name, e.currentTarget.checked ? 'true' : '')}
    />
  );
}

export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
}

/**
 * Rows as a table (scrolling sideways on a narrow screen). With no row, "no items" — below the empty table, or
 * instead of it (`emptyInstead`).
 */
export function DataTable<T>(props: {
  testId: string;
  columns: Array<Column<T>>;
  rows: readonly T[];
  rowKey(row: T): string;
  rowProps?(row: T): Record<string, string | undefined>;
  highlightOnHover?: boolean;
  emptyInstead?: boolean;
}) {
  const { t } = useT();
  if (props.rows.length === 0 && props.emptyInstead) return <Text>{t('noItems')}</Text>;
  return (
    <>
      <div className="table-wrap">
        <Table striped highlightOnHover={props.highlightOnHover ?? true} data-testid={props.testId}>
          <Table.Thead>
            <Table.Tr>
              {props.columns.map((c) => (
                <Table.Th key={c.header}>{c.header}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.rows.map((r) => (
              <Table.Tr key={props.rowKey(r)} {...(props.rowProps?.(r) ?? {})}>
                {props.columns.map((c) => (
                  <Table.Td key={c.header}>{c.cell(r)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {props.rows.length === 0 && <Text>{t('noItems')}</Text>}
    </>
  );
}

/** "More": reads the next page of a `useCursorList` (../cursor-list.ts), shown while there is one. */
export function MoreButton(props: {
  q: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage(): unknown };
  variant?: 'default' | 'light';
}) {
  const { t } = useT();
  if (!props.q.hasNextPage) return null;
  return (
    <Button
      mt="sm"
      variant={props.variant ?? 'default'}
      onClick={() => void props.q.fetchNextPage()}
      loading={props.q.isFetchingNextPage}
    >
      {t('more')}
    </Button>
  );
}
