/**
 * A 10-step linear process: start -> ten service tasks -> end. The benchmark drives it through
 * the interpreter and compares with an equivalent hand-written workflow.
 */
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';

const STEPS = 10;
const step = (i: number): string => `step${String(i).padStart(2, '0')}`;

export const benchTenSteps: ProcessDefinitionInput = {
  key: 'bench-ten-steps',
  version: 1,
  name: 'Benchmark: ten sequential steps',
  caseType: 'petition',
  effectiveFrom: '2026-01-01',
  variables: { counter: 0 },
  nodes: [
    { type: 'startEvent', id: 'start' },
    ...Array.from({ length: STEPS }, (_, i) => ({
      type: 'serviceTask' as const,
      id: step(i + 1),
      name: `Step ${i + 1}`,
      activity: 'benchStep',
      input: { step: String(i + 1), counter: 'counter' },
      output: { counter: 'counter' },
    })),
    { type: 'endEvent', id: 'end', outcome: 'done' },
  ],
  flows: [
    { id: 'f00', source: 'start', target: step(1) },
    ...Array.from({ length: STEPS - 1 }, (_, i) => ({
      id: `f${String(i + 1).padStart(2, '0')}`,
      source: step(i + 1),
      target: step(i + 2),
    })),
    { id: `f${STEPS}`, source: step(STEPS), target: 'end' },
  ],
};
