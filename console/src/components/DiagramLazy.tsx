import { Loader } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { api } from '../api.js';
import type { DiagramProps } from './Diagram.js';
import { ProblemAlert } from './Problem.js';

const Diagram = lazy(() => import('./Diagram.js'));

/** The diagram of `key`@`version` (BPMN export of the API), its viewer code fetched on first use. */
export function DefinitionDiagram(props: { defKey: string; version: number } & Omit<DiagramProps, 'xml'>) {
  const { defKey, version, ...rest } = props;
  const q = useQuery({
    queryKey: ['bpmn', defKey, version],
    staleTime: Infinity,
    queryFn: async () => {
      const r = await api().GET('/v1/definitions/{key}/versions/{version}/bpmn', {
        params: { path: { key: defKey, version } },
        parseAs: 'text',
      });
      if (!r.response.ok) throw new Error(`HTTP ${r.response.status}`);
      return r.data as unknown as string;
    },
  });
  if (q.error) return <ProblemAlert error={q.error} />;
  if (!q.data) return <Loader size="sm" />;
  return (
    <Suspense fallback={<Loader size="sm" />}>
      <Diagram xml={q.data} {...rest} />
    </Suspense>
  );
}
