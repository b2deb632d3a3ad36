/**
 * Petitions and feedback (kiến nghị, phản ánh; spec §5.4) through processWorkflow on the
 * time-skipping server with the real lifecycle activities: acceptance or transfer with the
 * 10-working-day notice (C1, Luật Tiếp công dân 2013 Art 28(1)), the forwarder informed within
 * 7 WD of the answer (C2, TCD Art 27(2)), and the agency-configured response deadline (C7: no
 * general statutory limit, so only an agency's own version has the clock). Asserts the due dates.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { petitionDefinition } from '../../../processes/builtin/index.js';
import type { TestDb } from '../../support/db.js';
import {
  addDays,
  LifeCase,
  records,
  serverDay,
  withWorker,
  openLifecycleFixture,
  closeLifecycleFixture,
  wd,
} from './harness.js';

describe('petition on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  it('accepted within the 10-WD notice period; answered (no statutory response clock); the forwarding deputy informed within 7 WD', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'petition', 1, t, { forwardedBy: 'national_assembly_deputy' });
      expect(await c.dueClock('accept')).toMatchObject({ ruleId: 'C1', due: wd(t, 10) });
      await c.at(addDays(t, 3));
      await c.complete('accept', { petitionDecision: 'accept', decidedOn: addDays(t, 2) });
      expect(await c.open()).toEqual(['respond']);
      // C7: no general statutory deadline (spec §5.4): the built-in response task has no clock.
      const s = await c.settled();
      expect(s.openTasks.find((x) => x.nodeId === 'respond')!.dueTimerId).toBeUndefined();
      expect(s.caseEvents.accepted).toBe(addDays(t, 2));
      await c.at(addDays(t, 40));
      // Completed without case events: the recordCaseEvent result dates `resolved` (C2 counts from it).
      await c.complete(
        'respond',
        { respondedOn: addDays(t, 38), responseRef: 'CV-12', measuresTaken: true },
        { withCaseEvents: false },
      );
      expect(await c.dueClock('informForwarder')).toMatchObject({ ruleId: 'C2', due: wd(addDays(t, 38), 7) });
      await c.complete('informForwarder', { forwarderInformedOn: addDays(t, 41) });
      expect((await c.settled()).outcome).toBe('answered');
      const r = await records(tdb, c.caseId);
      expect(r.documents.map((d) => [d.type, d.issued_on, d.sent_on])).toEqual([
        ['petition_acceptance_notice', addDays(t, 2), addDays(t, 2)],
        ['petition_response', addDays(t, 38), addDays(t, 38)],
        ['result_to_forwarder', addDays(t, 41), addDays(t, 41)],
      ]);
      expect(r.flags.overdue).toBeUndefined();
    });
  });

  it('transferred to the competent body: the transfer notice goes to the body and the citizen; a late decision breaches C1 and escalates', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const late = await LifeCase.start(env, tq, 'petition', 1, t);
      const c1 = wd(t, 10);
      expect(await late.due('accept')).toBe(c1);
      await late.at(addDays(c1, 1));
      const s = await late.settled(
        (x) => x.openTasks.some((o) => o.nodeId === 'overdue.headReview'),
        'C1 breach escalation',
      );
      expect(s.history.find((h) => h.type === 'due_breached')?.detail).toMatchObject({ ruleId: 'C1', due: c1 });
      expect(s.variables.deadlineExpiredOn).toEqual({ C1: c1 });
      await late.complete('accept', {
        petitionDecision: 'transfer',
        decidedOn: addDays(c1, 1),
        competentBodyRef: 'so-xay-dung',
      });
      const r = await records(tdb, late.caseId);
      expect(r.flags).toMatchObject({ overdue: true });
      expect(r.documents.map((d) => [d.type, d.issued_on, d.recipients])).toEqual([
        ['petition_transfer', addDays(c1, 1), ['competent_body', 'citizen_or_representative']],
      ]);
      // The transfer ends the case (TCD Art 26(2)): the head's review of the late notice closes with it — its
      // purpose (getting the case handled, TT 07/2014 Art 7(3)) is met; the breach stays recorded (flag, notification, history).
      const done = await late.settled();
      expect(done).toMatchObject({
        status: 'completed',
        outcome: 'transferred',
        terminatedBy: 'end.transferred',
        openTasks: [],
        clocks: [],
      });
      expect(done.tasks.find((x) => x.nodeId === 'overdue.headReview')?.status).toBe('cancelled');
      expect(r.notifications.map((n) => n.kind)).toEqual(['deadline_breach']);
    });
  });

  it('an agency version configures the response deadline (15 WD from acceptance): the clock runs and its breach escalates', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const agency = petitionDefinition({
        key: 'petition-agency-test',
        responseDeadline: {
          amount: 15,
          unit: 'working_days',
          legalBasis: 'Quy chế xử lý kiến nghị của UBND tỉnh (test)',
        },
      });
      const c = await LifeCase.startDefinition(env, tq, agency, t);
      await c.complete('accept', { petitionDecision: 'accept', decidedOn: addDays(t, 1) });
      const c7 = wd(addDays(t, 1), 15);
      expect(await c.dueClock('respond')).toMatchObject({
        ruleId: 'C7',
        due: c7,
        legalBasis: 'Quy chế xử lý kiến nghị của UBND tỉnh (test)',
      });
      await c.at(addDays(c7, 1));
      const s = await c.settled(
        (x) => x.openTasks.some((o) => o.nodeId === 'overdue.headReview'),
        'C7 breach escalation',
      );
      expect(s.history.find((h) => h.type === 'due_breached')?.detail).toMatchObject({ ruleId: 'C7', due: c7 });
      expect(await c.open()).toEqual(['overdue.headReview', 'respond']);
      expect((await records(tdb, c.caseId)).notifications.map((n) => n.kind)).toEqual(['deadline_breach']);
    });
  });
});
