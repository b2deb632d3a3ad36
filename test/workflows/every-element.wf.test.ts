import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../support/scenarios.js';
import { timeSkippingEnv } from '../support/temporal.js';

const byName = (n: string) => SCENARIOS.find((s) => s.name === n)!;

describe('every-element example end to end', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs the complaint path through every element type to resolved', async () => {
    const { result, state: s } = await byName('every-element-resolved').run(env);
    expect(result.outcome).toBe('resolved');
    expect(result.variables).toMatchObject({
      letterType: 'complaint',
      findings: 'confirmed',
      secondOutcome: 'decided',
    });
    expect(s.children.map((c) => [c.calledKey, c.wait])).toEqual([
      ['complaint-second', true],
      ['petition', false],
    ]);
  });

  it('ends withdrawn when the withdraw message interrupts verification', async () => {
    const { result, state } = await byName('every-element-withdrawn').run(env);
    expect(result.outcomes).toContain('withdrawn');
    expect(state.tasks.find((t) => t.nodeId === 'verify')!.status).toBe('cancelled');
  });
});
