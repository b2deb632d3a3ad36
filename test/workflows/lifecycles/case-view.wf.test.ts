/**
 * Issue 10.6, what a case shows, on the time-skipping server with the real lifecycle activities:
 * a clock that ran out stays in the state with how it stopped and its derivation, and a case
 * overdue at verification is at a work step, not at the citizen's window whose clock runs beside it.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../support/db.js';
import {
  addDays,
  cal,
  closeLifecycleFixture,
  LifeCase,
  openLifecycleFixture,
  serverDay,
  withWorker,
} from './harness.js';

const accept = (on: string) => ({ acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on });

describe('what a case shows (complaint-first v2)', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  it('K2 met and K3 breached stay listed with their derivation; the stage is the work step, not the K7 window', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.complete('accept', accept(t));
      const afterAccept = await c.state();
      const k2 = afterAccept.closedClocks?.find((k) => k.ruleId === 'K2');
      expect(k2).toMatchObject({ state: 'met', kind: 'clock', due: expect.any(String) });
      expect(k2!.derivation!.length).toBeGreaterThan(0);
      expect(afterAccept.clocks.map((k) => k.ruleId)).not.toContain('K2');

      const k3 = cal(t, 30);
      await c.at(addDays(k3, 1), '09:00:00');
      const s = await c.settled((x) => x.openTasks.some((o) => o.nodeId === 'breach.headReview'), 'breach escalation');
      const breached = s.closedClocks?.find((k) => k.ruleId === 'K3');
      expect(breached).toMatchObject({
        state: 'breached',
        due: k3,
        legalBasis: expect.any(String),
        closedAt: expect.any(String),
      });
      expect(breached!.derivation!.some((d) => (d as { kind?: string }).kind === 'due')).toBe(true);
      // The windows' clocks run beside the work (K6, K7): the stage names a step someone works on.
      const windows = s.clocks.filter((k) => k.ruleId === 'K7' || k.ruleId === 'K6');
      expect(windows.length).toBeGreaterThan(0);
      const taskNames = s.openTasks.map((o) => o.name);
      expect(taskNames).toContain(s.stage);
      expect(s.stage).not.toMatch(/window|K7|K6/i);
    });
  });
});
