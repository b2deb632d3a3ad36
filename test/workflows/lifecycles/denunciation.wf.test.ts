/**
 * Denunciation (denunciation v2) through processWorkflow on the time-skipping server with the
 * real lifecycle activities: extensions (TC Art 30(2)-(3)) and withdrawal with its exceptions
 * (TC Art 33(3)), asserting the due dates each step produces.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  cal,
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

describe('denunciation on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  it('especially complex: two extensions of 30 days, each with its decision; a third is refused', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'denunciation', 2, t);
      expect(await c.dueClock('initial')).toMatchObject({ ruleId: 'T1', due: wd(t, 7) });
      await c.complete('initial', initial(t, 'especially_complex'));
      expect(await c.due('notifyAcceptance')).toBe(wd(t, 5));
      await c.complete('notifyAcceptance', { acceptanceNoticeSentOn: addDays(t, 2) });
      expect(await c.dueClock('verify')).toMatchObject({ ruleId: 'T5', due: cal(t, 30) });

      await c.at(addDays(t, 24));
      expect(await c.send('extend', { date: addDays(t, 24), amount: 30, ruleId: 'T5' })).toEqual({
        caught: 1,
        clocksChanged: 1,
      });
      expect(await c.due('verify')).toBe(cal(t, 60));
      await c.complete('extension.decision.issue', {
        extension_decision_issuedOn: addDays(t, 24),
        complexity: 'especially_complex',
        complexityCriteria: ['a_several_places', 'b_several_contents'],
        extensionDays: 30,
      });
      await c.complete('extension.decision.send', {
        extension_decision_sentOn: addDays(t, 26),
        extension_decision_receivedOn: addDays(t, 27),
      });

      await c.at(addDays(t, 50));
      expect(await c.send('extend', { date: addDays(t, 50), amount: 30, ruleId: 'T5' })).toEqual({
        caught: 1,
        clocksChanged: 1,
      });
      expect(await c.due('verify')).toBe(cal(t, 90));
      await c.complete('extension.decision.issue', {
        extension_decision_issuedOn: addDays(t, 50),
        complexity: 'especially_complex',
        complexityCriteria: ['a_several_places', 'b_several_contents'],
        extensionDays: 30,
      });
      await c.complete('extension.decision.send', { extension_decision_sentOn: addDays(t, 51) });

      await c.at(addDays(t, 80));
      // A third is refused up front (Update validator), with the article: nothing enters the history.
      const messages = (await c.state()).history.filter((h) => h.type === 'message').length;
      expect(await c.send('extend', { date: addDays(t, 80), amount: 10, ruleId: 'T5' })).toMatch(
        /at most 2 extension.*Luật Tố cáo 2018 Art 30\(3\)/,
      );
      expect((await c.state()).history.filter((h) => h.type === 'message')).toHaveLength(messages);
      expect(await c.due('verify')).toBe(cal(t, 90));
      expect(await c.open()).toEqual(['verify']);
      const r = await records(tdb, c.caseId);
      expect(r.flags).toMatchObject({ extensions_granted: 2 });
      expect(
        r.documents.filter((d) => d.type === 'denunciation_extension_decision').map((d) => [d.issued_on, d.sent_on]),
      ).toEqual([
        [addDays(t, 24), addDays(t, 26)],
        [addDays(t, 50), addDays(t, 51)],
      ]);
      expect(r.documents.find((d) => d.type === 'denunciation_extension_decision')!.received_on).toBe(addDays(t, 27));
      expect(r.events.filter((e) => e.kind === 'warning')).toEqual([]); // refused before the definition saw it
      // The denouncer's identity is never stored: recipients are roles.
      expect(JSON.stringify(r)).not.toMatch(/party-|denouncerRef/);
    });
  });

  it('full withdrawal: terminated, unless there are signs of violation (the case continues on its clock)', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const cont = await LifeCase.start(env, tq, 'denunciation', 2, t);
      const stop = await LifeCase.start(env, tq, 'denunciation', 2, t);
      for (const c of [cont, stop]) {
        await c.complete('initial', initial(t, 'complex'));
        await c.complete('notifyAcceptance', { acceptanceNoticeSentOn: t });
        expect(await c.send('withdraw', { date: addDays(t, 5) })).toMatchObject({ caught: 1 });
        expect(await c.open()).toEqual(['withdrawal']);
      }
      await cont.complete('withdrawal', {
        signsOfViolation: true,
        withdrawalCoerced: false,
        abuseToSlander: false,
        withdrawnOn: addDays(t, 5),
      });
      expect(await cont.open()).toEqual(['verify']);
      expect(await cont.dueClock('verify')).toMatchObject({ ruleId: 'T5', due: cal(t, 30) });

      await stop.complete('withdrawal', {
        signsOfViolation: false,
        withdrawalCoerced: false,
        abuseToSlander: false,
        withdrawnOn: addDays(t, 5),
      });
      expect(await stop.open()).toEqual(['termination.decision.issue']);
      await stop.complete('termination.decision.issue', {
        termination_decision_issuedOn: addDays(t, 6),
        terminationGround: 'full_withdrawal',
      });
      expect(await stop.dueClock('termination.decision.send')).toMatchObject({ due: wd(addDays(t, 6), 5) }); // T6: 5 WD
      await stop.complete('termination.decision.send', { termination_decision_sentOn: addDays(t, 7) });
      // TC Art 34(3)-(4): the termination decision sent ends the case (terminate end event: nothing left behind).
      expect(await stop.settled()).toMatchObject({
        status: 'completed',
        outcome: 'terminated',
        terminatedBy: 'end.terminated',
        openTasks: [],
        clocks: [],
      });
      expect((await cont.settled()).status).toBe('running');

      for (const [c, n] of [
        [cont, 1],
        [stop, 2],
      ] as const) {
        const docs = (await records(tdb, c.caseId)).documents.filter(
          (d) => !d.type.startsWith('denunciation_acceptance'),
        );
        expect(docs.map((d) => d.type)).toEqual(
          ['denunciation_withdrawal_record', 'denunciation_termination_decision'].slice(0, n),
        );
        expect(docs[0]!.received_on).toBe(addDays(t, 5));
      }
    });
  });
  it('forwarded by the press (TC Art 26(2)): every initial outcome is reported to the forwarder within 20 days of receipt before the case ends', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const transferred = await LifeCase.start(env, tq, 'denunciation', 2, t, { forwardedBy: 'press' });
      const accepted = await LifeCase.start(env, tq, 'denunciation', 2, t, { forwardedBy: 'press' });
      await transferred.complete('initial', {
        ...initial(t, 'normal'),
        initialDecision: 'transfer',
        withinCompetence: false,
      });
      await transferred.complete('transfer', { transferredOn: addDays(t, 2), competentBodyRef: 'body-1' });
      // Transferred, but the forwarder has not been told: the case waits for the report (T12), it does not end.
      const waiting = await transferred.settled();
      expect(waiting.status).toBe('running');
      expect(await transferred.open()).toEqual(['reportForwarder']);
      expect(await transferred.dueClock('reportForwarder')).toMatchObject({ ruleId: 'T12', due: cal(t, 20) });
      await transferred.complete('reportForwarder', {
        forwarderReportedOn: addDays(t, 3),
        forwarderReportRef: 'CV-12',
      });
      expect(await transferred.settled()).toMatchObject({
        status: 'completed',
        outcome: 'transferred',
        terminatedBy: 'end.transferred',
        clocks: [],
      });
      const r = await records(tdb, transferred.caseId);
      expect(r.documents.map((d) => [d.type, d.issued_on])).toEqual([
        ['denunciation_transfer', addDays(t, 2)],
        ['report_to_forwarder', addDays(t, 3)],
      ]);
      expect(r.flags).toMatchObject({ initial_outcome: 'transferred' });

      // Accepted: the acceptance is reported (T12), then verification; T5 still counts from acceptance.
      await accepted.complete('initial', initial(t, 'normal'));
      expect(await accepted.open()).toEqual(['reportForwarder']);
      await accepted.complete('reportForwarder', { forwarderReportedOn: addDays(t, 1), forwarderReportRef: 'CV-13' });
      expect(await accepted.open()).toEqual(['notifyAcceptance']);
      await accepted.complete('notifyAcceptance', { acceptanceNoticeSentOn: addDays(t, 1) });
      expect(await accepted.dueClock('verify')).toMatchObject({ ruleId: 'T5', due: cal(t, 30) });
    });
  });

  it('complex (not especially complex): one extension of 30 days; the second is refused up front citing Art 30(2)', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'denunciation', 2, t);
      await c.complete('initial', initial(t, 'complex'));
      await c.complete('notifyAcceptance', { acceptanceNoticeSentOn: addDays(t, 1) });
      expect(await c.dueClock('verify')).toMatchObject({ ruleId: 'T5', due: cal(t, 30) });
      await c.at(addDays(t, 20));
      expect(await c.send('extend', { date: addDays(t, 20), amount: 30, ruleId: 'T5' })).toEqual({
        caught: 1,
        clocksChanged: 1,
      });
      expect(await c.due('verify')).toBe(cal(t, 60));
      await c.complete('extension.decision.issue', {
        extension_decision_issuedOn: addDays(t, 20),
        complexity: 'complex',
        complexityCriteria: ['a_several_places'],
        extensionDays: 30,
      });
      await c.complete('extension.decision.send', { extension_decision_sentOn: addDays(t, 21) });

      await c.at(addDays(t, 50));
      const before = await c.handle.fetchHistory();
      const refused = await c.send('extend', { date: addDays(t, 50), amount: 10, ruleId: 'T5' });
      expect(refused).toMatch(/Refused: at most 1 extension/);
      expect(refused).toContain('Luật Tố cáo 2018 Art 30(2)');
      // Refused by the validator: no accepted Update, no history event, no decision task, due unchanged.
      const after = await c.handle.fetchHistory();
      const accepted = (h: typeof before) =>
        h.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
      expect(accepted(after)).toBe(accepted(before));
      expect(await c.due('verify')).toBe(cal(t, 60));
      expect(await c.open()).toEqual(['verify']);
      const r = await records(tdb, c.caseId);
      expect(r.flags).toMatchObject({ extensions_granted: 1 });
      expect(r.documents.filter((d) => d.type === 'denunciation_extension_decision')).toHaveLength(1);
    });
  });

  it('anonymous information with concrete evidence (TC Art 25, spec §4.2): not processed as a denunciation — inspected within powers, no acceptance, no T5', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'denunciation', 2, t);
      // Initial processing T1: 7 WD from receipt, also for anonymous information (TC Art 24(1)).
      expect(await c.dueClock('initial')).toMatchObject({ ruleId: 'T1', due: wd(t, 7) });
      await c.complete('initial', {
        initialDecision: 'anonymous_concrete',
        formComplete: false,
        denouncerHasCapacity: false,
        withinCompetence: true,
        violationIdentifiable: true,
      });
      expect(await c.open()).toEqual(['anonymous']);
      const s = await c.settled();
      expect(s.clocks.filter((k) => k.ruleId === 'T4' || k.ruleId === 'T5')).toEqual([]); // no acceptance, no resolution clock
      expect(s.caseEvents.accepted).toBeUndefined();
      await c.complete('anonymous', { anonymousAction: 'inspect_within_powers', anonymousHandledOn: addDays(t, 3) });
      expect((await c.settled()).outcome).toBe('anonymous_handled');
      const r = await records(tdb, c.caseId);
      expect(r.documents.map((d) => [d.type, d.issued_on, d.recipients])).toEqual([
        ['anonymous_information_handling', addDays(t, 3), ['case_file']],
      ]);
      expect(r.documents.some((d) => d.type.includes('acceptance'))).toBe(false);
      expect(JSON.stringify(r)).not.toMatch(/denouncerRef|party-/);
    });
  });
});
