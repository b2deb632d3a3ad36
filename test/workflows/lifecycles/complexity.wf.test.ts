/**
 * Marking a case complex after its intake form (the `markComplex` legal event, API
 * `events/mark-complex`), through processWorkflow on the time-skipping server with the real
 * lifecycle activities (ADR 0018): accepted from receipt until the decision / conclusion, it flags
 * the case complex and records the determination; for a denunciation it opens the extension
 * allowance of T5 (Luật Tố cáo 2018 Art 30(2)-(3)).
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
const mark = (complexity: string) => ({ complex: true, complexity });

describe('marking a case complex', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  it('denunciation accepted as normal: marked complex during verification, T5 may then be extended once; especially complex, twice', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'denunciation', 2, t);
      await c.complete('initial', initial(t, 'normal'));
      await c.complete('notifyAcceptance', { acceptanceNoticeSentOn: addDays(t, 1) });
      await c.at(addDays(t, 10));
      expect(await c.send('extend', { date: addDays(t, 10), amount: 30, ruleId: 'T5' })).toMatch(/Art 30\(1\)/);

      expect(await c.send('markComplex', { date: addDays(t, 10), variables: mark('complex') })).toEqual({
        caught: 1,
        clocksChanged: 0,
      });
      const s = await c.settled();
      expect(s.variables).toMatchObject({ complex: true, complexity: 'complex' });
      const r = await records(tdb, c.caseId);
      expect(r.flags).toMatchObject({ complex: true });
      expect(r.documents.filter((d) => d.type === 'complexity_determination').map((d) => d.issued_on)).toEqual([
        addDays(t, 10),
      ]);
      // The same determination twice is refused; nothing enters the history.
      expect(await c.send('markComplex', { date: addDays(t, 11), variables: mark('complex') })).toMatch(
        /already marked complex/,
      );

      // Its effect on the limit: one extension of <= 30 days (Art 30(2)); a second is refused.
      expect(await c.send('extend', { date: addDays(t, 12), amount: 30, ruleId: 'T5' })).toEqual({
        caught: 1,
        clocksChanged: 1,
      });
      expect(await c.due('verify')).toBe(cal(t, 60));
      expect(await c.send('extend', { date: addDays(t, 13), amount: 10, ruleId: 'T5' })).toMatch(
        /at most 1 extension.*Art 30\(2\)/,
      );
      // Found especially complex later (2+ criteria): the second extension is allowed (Art 30(3)).
      expect(await c.send('markComplex', { date: addDays(t, 14), variables: mark('especially_complex') })).toEqual({
        caught: 1,
        clocksChanged: 0,
      });
      expect(await c.send('extend', { date: addDays(t, 15), amount: 30, ruleId: 'T5' })).toEqual({
        caught: 1,
        clocksChanged: 1,
      });
      expect(await c.due('verify')).toBe(cal(t, 90));
    });
  });

  it('denunciation: not after the conclusion (nothing left to resolve: the message is not expected)', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'denunciation', 2, t);
      // During the initial processing it is taken too.
      expect(await c.send('markComplex', { date: t, variables: mark('complex') })).toEqual({
        caught: 1,
        clocksChanged: 0,
      });
      await c.complete('initial', initial(t, 'complex'));
      await c.complete('notifyAcceptance', { acceptanceNoticeSentOn: addDays(t, 1) });
      await c.complete('verify', { verificationReportRef: 'BC-1', verificationTeamSize: 2, accusedExplained: true });
      await c.complete('conclude', {
        conclusionNumber: 'KL-1',
        conclusionIssuedOn: addDays(t, 5),
        verificationResult: 'ok',
        legalBasisCited: 'TC 2018',
        finding: 'false',
      });
      expect(await c.send('markComplex', { date: addDays(t, 6), variables: mark('especially_complex') })).toMatch(
        /not expected/,
      );
    });
  });

  it('complaint: marked complex at acceptance or during the resolution phase; the flag holds in the case', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const early = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      expect(await early.send('markComplex', { date: t, variables: mark('complex') })).toEqual({
        caught: 1,
        clocksChanged: 0,
      });
      expect((await early.settled()).variables).toMatchObject({ complex: true });
      expect((await records(tdb, early.caseId)).flags).toMatchObject({ complex: true });

      const late = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await late.complete('accept', { acceptanceDecision: 'accept', acceptedOn: t, acceptanceNoticeOn: t });
      expect(await late.open()).toEqual(['verify']);
      expect(await late.send('markComplex', { date: addDays(t, 3), variables: mark('complex') })).toEqual({
        caught: 1,
        clocksChanged: 0,
      });
      expect((await late.settled()).variables).toMatchObject({ complex: true, complexity: 'complex' });
      expect(await late.send('markComplex', { date: addDays(t, 4), variables: mark('complex') })).toMatch(
        /already marked complex/,
      );
      // The longer limit of a complex complaint (KN Art 28: <= 45 days) through its extension.
      expect(await late.send('extend', { date: addDays(t, 5), amount: 15, ruleId: 'K3' })).toEqual({
        caught: 1,
        clocksChanged: 1,
      });
      expect(await late.due('verify')).toBe(cal(t, 45));
      const r = await records(tdb, late.caseId);
      expect(r.flags).toMatchObject({ complex: true });
      expect(r.documents.filter((d) => d.type === 'complexity_determination')).toHaveLength(1);
    });
  });
});
