/**
 * Complaint, second instance (complaint-second v2) through processWorkflow on the time-skipping
 * server with the real lifecycle activities: the K6 window (KN Art 33(1)) computed by the
 * computeDeadline activity on the agency calendar of the throwaway database (law audit DF3).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../support/db.js';
import { closeLifecycleFixture, LifeCase, openLifecycleFixture, records, withWorker } from './harness.js';

const accept = (on: string, extra: Record<string, string | boolean>) => ({
  acceptanceDecision: 'accept',
  acceptanceNoticeOn: on,
  acceptedOn: on,
  ...extra,
});

describe('complaint, second instance, on Temporal: the K6 window decides acceptance', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  it('decision received Fri 31/07/2026, lodged Thu 03/09/2026: late (ends Mon 31/08) -> refused; remote (ends Mon 14/09) -> accepted', async () => {
    await withWorker(env, activities, async (tq) => {
      // Day 30 after 31/07 = Sun 30/08 -> Mon 31/08 (BLDS Art 148(5)); day 45 = Mon 14/09/2026.
      const late = await LifeCase.start(env, tq, 'complaint-second', 2, '2026-09-03');
      const remote = await LifeCase.start(env, tq, 'complaint-second', 2, '2026-09-03', { remoteArea: true });
      await late.complete('accept', accept('2026-09-07', { firstDecisionReceivedOn: '2026-07-31' }));
      await remote.complete(
        'accept',
        accept('2026-09-07', { firstDecisionReceivedOn: '2026-07-31', remoteArea: true }),
      );

      const l = await late.settled((s) => s.status === 'completed', 'refused');
      expect({ status: l.status, outcome: l.outcome, due: l.variables.secondComplaintWindowDue }).toEqual({
        status: 'completed',
        outcome: 'not_accepted',
        due: '2026-08-31',
      });
      expect((await records(tdb, late.caseId)).documents.map((d) => d.type)).toEqual(['non_acceptance_notice']);

      const r = await remote.settled((s) => s.openTasks.some((t) => t.nodeId === 'remote.verify'), 'accepted');
      expect({ status: r.status, due: r.variables.secondComplaintWindowDue }).toEqual({
        status: 'running',
        due: '2026-09-14',
      });
      expect((await records(tdb, remote.caseId)).documents.map((d) => d.type)).toEqual(['acceptance_notice']);
    });
  });
});
