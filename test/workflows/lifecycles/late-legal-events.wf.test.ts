/**
 * Legal events recorded after the limit they concern ran out (ADR 0018), through processWorkflow on
 * the time-skipping server with the real lifecycle activities: an extension or suspension dated
 * within the limit applies from its date (the due date moves, the breach is superseded: its record,
 * the overdue flags and the head's review); one dated after the limit ran out is refused citing the
 * article; the number of extensions holds either way.
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
  records,
  serverDay,
  withWorker,
} from './harness.js';

const initial = (acceptedOn: string, complexity: string) => ({
  initialDecision: 'accept',
  formComplete: true,
  denouncerHasCapacity: true,
  withinCompetence: true,
  violationIdentifiable: true,
  acceptedOn,
  complexity,
});

describe('legal events recorded after the limit ran out', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  it('denunciation: extensions dated within T5 but entered after it ran out move it and supersede the breach; one dated after is refused (TC Art 30)', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'denunciation', 2, t);
      await c.complete('initial', initial(t, 'especially_complex'));
      await c.complete('notifyAcceptance', { acceptanceNoticeSentOn: addDays(t, 1) });
      expect(await c.dueClock('verify')).toMatchObject({ ruleId: 'T5', due: cal(t, 30) });

      // T5 runs out; nobody entered the extension decisions yet.
      await c.at(addDays(t, 40));
      const breached = await c.settled(
        (s) => s.openTasks.some((x) => x.nodeId === 'resolutionBreach.headReview'),
        'the head review',
      );
      expect(breached.flags.overdue).toBe(true);
      expect(breached.breaches).toMatchObject([
        { nodeId: 'verify', ruleId: 'T5', due: cal(t, 30), status: 'breached' },
      ]);
      expect((await records(tdb, c.caseId)).flags).toMatchObject({ resolution_overdue: true });

      // Dated after the limit ran out (the day after its last day: t+35 may still be within it when
      // the 30th day falls on Tết and rolls forward): refused with the article, nothing changes.
      const afterT5 = addDays(cal(t, 30), 1);
      const late = await c.send('extend', { date: afterT5, amount: 30, ruleId: 'T5' });
      expect(late).toMatch(/already ended on/);
      expect(late).toContain('Luật Tố cáo 2018 Art 30');
      expect(await c.send('suspend', { date: afterT5 })).toMatch(/already ended on .*cannot stop it/);
      expect((await c.settled()).breaches).toMatchObject([{ status: 'breached' }]);

      // Dated within the limit, entered now: the limit moves from its date and the breach is superseded.
      expect(await c.send('extend', { date: addDays(t, 20), amount: 30, ruleId: 'T5' })).toEqual({
        caught: 1,
        clocksChanged: 1,
        breachesSuperseded: 1,
      });
      expect(await c.due('verify')).toBe(cal(t, 60));
      const s = await c.settled(
        (x) => !x.currentNodes.some((n) => n.nodeId.startsWith('overdue.superseded')),
        'the supersession handler',
      );
      expect(s.flags.overdue).toBe(false);
      expect(s.breaches).toMatchObject([
        {
          ruleId: 'T5',
          due: cal(t, 30),
          status: 'superseded',
          supersededBy: { event: 'extend', date: addDays(t, 20), due: cal(t, 60) },
        },
      ]);
      const review = s.tasks.find((x) => x.nodeId === 'resolutionBreach.headReview')!;
      expect(review).toMatchObject({ status: 'cancelled', closedReason: 'breach_superseded' });
      expect(s.openTasks.map((x) => x.nodeId).sort()).toEqual(['extension.decision.issue', 'verify']);
      expect(s.history.map((h) => h.type)).toContain('breach_superseded');
      const r = await records(tdb, c.caseId);
      expect(r.flags).toMatchObject({ resolution_overdue: false });
      expect(r.notifications.map((n) => n.kind)).toContain('deadline_breach_superseded');

      // The second, dated within the extended limit: granted; a third is refused (Art 30(3)), late or not.
      expect(await c.send('extend', { date: addDays(t, 38), amount: 30, ruleId: 'T5' })).toEqual({
        caught: 1,
        clocksChanged: 1,
      });
      expect(await c.due('verify')).toBe(cal(t, 90));
      expect(await c.send('extend', { date: addDays(t, 39), amount: 10, ruleId: 'T5' })).toMatch(
        /at most 2 extension.*Art 30\(3\)/,
      );
      expect(await c.due('verify')).toBe(cal(t, 90));

      // The moved limit breaches again when it runs out: escalated again through the task's boundary.
      await c.at(addDays(cal(t, 90), 1));
      const again = await c.settled(
        (x) => x.openTasks.some((o) => o.nodeId === 'resolutionBreach.headReview'),
        'the second breach',
      );
      expect(again.flags.overdue).toBe(true);
      expect(again.breaches?.map((b) => [b.due, b.status])).toEqual([
        [cal(t, 30), 'superseded'],
        [cal(t, 90), 'breached'],
      ]);
    });
  });

  it('denunciation: a suspension dated within T5 but entered after it ran out stops it; resumption restarts the rest (TC Art 34(2))', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'denunciation', 2, t);
      await c.complete('initial', initial(t, 'normal'));
      await c.complete('notifyAcceptance', { acceptanceNoticeSentOn: addDays(t, 1) });
      // Past T5 (its last day may roll forward over Tết to t+39) and past the resumption dated t+34.
      await c.at([addDays(t, 35), addDays(cal(t, 30), 1)].sort().at(-1)!);
      await c.settled((s) => s.flags.overdue === true, 'the breach');
      // Normal complexity: no extension at all (Art 30(1)), late or not.
      expect(await c.send('extend', { date: addDays(t, 10), amount: 10, ruleId: 'T5' })).toMatch(/Art 30/);

      expect(await c.send('suspend', { date: addDays(t, 20) })).toEqual({
        caught: 1,
        clocksChanged: 1,
        breachesSuperseded: 1,
      });
      const suspended = await c.dueClock('verify');
      expect(suspended).toMatchObject({ ruleId: 'T5', status: 'suspended', due: null });
      expect((await c.settled()).flags.overdue).toBe(false);
      // 20 days used before the suspension: resumed on t+34, 10 days remain.
      expect(await c.send('resume', { date: addDays(t, 34) })).toEqual({ caught: 1, clocksChanged: 1 });
      expect(await c.dueClock('verify')).toMatchObject({ status: 'running', due: cal(addDays(t, 34), 10) });
      expect((await c.settled()).breaches).toMatchObject([
        { status: 'superseded', supersededBy: { event: 'suspend', date: addDays(t, 20) } },
      ]);
    });
  });
});
