/**
 * Complaint, first instance (complaint-first v1/v2) through processWorkflow on the time-skipping
 * server with the real lifecycle activities: the due dates each step produces.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../support/db.js';
import {
  addDays,
  LifeCase,
  records,
  serverDay,
  sleepUntil,
  withWorker,
  openLifecycleFixture,
  closeLifecycleFixture,
  wd,
  cal,
  yr,
} from './harness.js';
import { closedStatus } from '../../support/temporal.js';

const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const accept = (on: string) => ({ acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on });

describe('complaint, first instance, on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  it('received 30/06/2026 (v1: 10 days, or 10 WD when configured) vs 01/07/2026 (v2: 07 WD); a late entry breaches at once and escalates', async () => {
    await withWorker(env, activities, async (tq) => {
      const v1 = await LifeCase.start(env, tq, 'complaint-first', 1, '2026-06-30');
      const v1wd = await LifeCase.start(env, tq, 'complaint-first', 1, '2026-06-30', {
        acceptanceUnit: 'working_days',
      });
      const v2 = await LifeCase.start(env, tq, 'complaint-first', 2, '2026-07-01');
      const armed = async (c: LifeCase, nodeId: string) => {
        const s = await c.settled(
          (x) => x.openTasks.some((t) => t.nodeId === 'overdue.headReview'),
          'overdue escalation',
        );
        const e = s.history.find((h) => h.type === 'timer_armed' && h.nodeId === nodeId);
        return {
          ruleId: e?.detail?.ruleId,
          due: e?.detail?.due,
          dueAt: s.tasks.find((t) => t.nodeId === nodeId)?.dueAt?.slice(0, 10),
        };
      };
      // The server's "now" is after these dates: the acceptance clocks are already breached.
      expect(await armed(v1, 'accept')).toEqual({ ruleId: 'K2', due: '2026-07-10', dueAt: '2026-07-10' });
      expect(await armed(v1wd, 'accept.wd')).toEqual({ ruleId: 'K2_wd', due: '2026-07-14', dueAt: '2026-07-14' });
      expect(await armed(v2, 'accept')).toEqual({ ruleId: 'K2', due: '2026-07-10', dueAt: '2026-07-10' });
      for (const c of [v1, v1wd, v2]) {
        const s = await c.state();
        expect(s.flags.overdue).toBe(true);
        expect(s.history.find((h) => h.type === 'due_breached')?.detail).toMatchObject({
          ruleId: c === v1wd ? 'K2_wd' : 'K2',
        });
        const r = await records(tdb, c.caseId);
        expect(r.flags).toMatchObject({ overdue: true });
        expect(r.notifications).toEqual([
          { ...r.notifications[0], kind: 'deadline_breach', recipients: ['agency_head', 'case_officer'] },
        ]);
      }
      // v1's default is the stricter calendar count, with a warning recorded on the case.
      expect((await records(tdb, v1.caseId)).events.filter((e) => e.kind === 'warning').map((e) => e.name)).toEqual([
        'acceptUnit.warning',
      ]);
      expect((await records(tdb, v1wd.caseId)).events.filter((e) => e.kind === 'warning')).toEqual([]);
    });
  });

  it('remote-area complex complaint: 45 days from acceptance, extended by 15 (to 60)', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t, { remoteArea: true });
      expect(await c.due('accept')).toBe(wd(t, 7));
      await c.complete('accept', { ...accept(t), remoteArea: true, complex: true });
      expect(await c.dueClock('remote.verify')).toMatchObject({ ruleId: 'K3b', due: cal(t, 45) });
      expect(await c.send('extend', { date: addDays(t, 20), amount: 15, ruleId: 'K3b' })).toMatchObject({
        clocksChanged: 1,
      });
      expect(await c.due('remote.verify')).toBe(cal(t, 60));
      expect(await c.open()).toContain('remote.complexity');
      expect((await records(tdb, c.caseId)).documents.map((d) => d.type)).toEqual(['acceptance_notice']);
    });
  });

  it('a suspension of 12 days moves the resolution due date by 12 days, also for the next task of the phase', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.complete('accept', accept(t));
      expect(await c.dueClock('verify')).toMatchObject({ ruleId: 'K3', due: cal(t, 30) });
      await c.at(addDays(t, 9));
      expect(
        await c.send('suspend', { date: addDays(t, 9), variables: { suspensionGround: 'awaiting_other_body' } }),
      ).toMatchObject({ clocksChanged: 1 });
      expect(await c.open()).toEqual(['suspension.decision.issue', 'verify']);
      expect((await c.dueClock('verify')).status).toBe('suspended');
      await c.complete('suspension.decision.issue', {
        suspension_decision_issuedOn: addDays(t, 9),
        suspensionGround: 'awaiting_other_body',
      });
      expect(await c.due('suspension.decision.send')).toBe(wd(addDays(t, 9), 3)); // K15: 3 WD
      await c.at(addDays(t, 21));
      expect(await c.send('resume', { date: addDays(t, 21) })).toMatchObject({ clocksChanged: 1 });
      expect(await c.due('verify')).toBe(cal(t, 42));
      await c.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
      expect(await c.open()).toContain('decide');
      expect(await c.due('decide')).toBe(cal(t, 42)); // the ledger follows the phase (ADR 0007 gap, fixed)
    });
  });

  it('a partial withdrawal is recorded and the case continues on its clock', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.complete('accept', accept(t));
      expect(
        await c.send('withdrawPartial', {
          date: addDays(t, 7),
          variables: { withdrawnContents: 'nội dung 2', withdrawingComplainantRefs: ['party-2'] },
        }),
      ).toMatchObject({ caught: 1 });
      const s = await c.settled();
      expect(s.outcome).toBeUndefined();
      expect(await c.open()).toEqual(['verify']);
      expect(await c.due('verify')).toBe(cal(t, 30));
      const docs = (await records(tdb, c.caseId)).documents;
      expect(docs.map((d) => d.type)).toEqual(['acceptance_notice', 'partial_withdrawal_record']);
      expect(docs[1]).toMatchObject({
        issued_on: addDays(t, 7),
        recipients: ['case_file', 'complainant_or_representative'],
      });
      expect(JSON.stringify(docs[1])).not.toContain('nội dung 2'); // free text is not stored
    });
  });

  it('a breach of the resolution deadline escalates to the head, flags the case and opens the 30-day and 1-year windows', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.complete('accept', accept(t));
      const k3 = cal(t, 30);
      expect(await c.due('verify')).toBe(k3);
      await c.at(addDays(k3, 1), '09:00:00');
      const s = await c.settled((x) => x.openTasks.some((o) => o.nodeId === 'breach.headReview'), 'breach escalation');
      expect(s.variables.resolutionOverdue).toBe(true);
      expect(s.history.find((h) => h.type === 'due_breached')?.detail).toMatchObject({ ruleId: 'K3', due: k3 });
      const expired = (await records(tdb, c.caseId)).events.find(
        (e) => e.name === 'resolutionDeadlineExpired',
      )!.occurred_on!;
      // KN 2011 Art 33(1): the windows run "kể từ ngày hết thời hạn giải quyết" — from the day K3
      // expired, its due day (the limit ends at 24:00 of it, BLDS Art 148(1)), although the breach is
      // processed after midnight; that day is not counted (BLDS Art 147(2)): day 1 is the next day.
      expect(expired).toBe(k3);
      expect(s.variables.deadlineExpiredOn).toEqual({ K3: k3 });
      expect((await c.state()).caseEvents.resolutionDeadlineExpired).toBe(k3);
      expect(await c.timerClocks('window.')).toEqual({ K6: cal(k3, 30), K7: yr(k3, 1) });
      const r = await records(tdb, c.caseId);
      // The case is flagged overdue (runner flag, projected) and the resolution breach recorded.
      expect(s.flags.overdue).toBe(true);
      expect(r.flags).toMatchObject({ resolution_overdue: true });
      expect(r.notifications.map((n) => n.kind)).toContain('resolution_deadline_breach');
      expect(await c.open()).toEqual(expect.arrayContaining(['breach.headReview', 'verify']));
    });
  });

  it('decision sent in 3 WD, legal effect 30 days after issuance; a second complaint starts the linked second instance from its lodging day', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.complete('accept', accept(t));
      await c.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
      await c.complete('decide', {
        decisionNumber: '12/QĐ-UBND',
        decisionIssuedOn: addDays(t, 20),
        complaintContent: 'c',
        verificationResult: 'v',
        legalBasisCited: 'KN Art 31',
        conclusion: 'partly_right',
        disposition: 'amend',
        rightsStated: true,
      });
      expect(await c.dueClock('sendDecision')).toMatchObject({ ruleId: 'K5', due: wd(addDays(t, 20), 3) });
      await c.complete('sendDecision', {
        decisionSentOn: addDays(t, 21),
        decisionReceivedOn: addDays(t, 22),
        decisionRecipients: ['complainant_or_representative', 'same_level_inspectorate'],
      });
      expect(await c.open()).toEqual(['awaitEffect']);
      expect(await c.timerClocks('awaitEffect.')).toEqual({ K12: cal(addDays(t, 20), 30) });
      const decision = (await records(tdb, c.caseId)).documents.find(
        (d) => d.type === 'complaint_decision_first_dispatch',
      );
      expect(decision).toMatchObject({
        issued_on: addDays(t, 20),
        sent_on: addDays(t, 21),
        received_on: addDays(t, 22),
      }); // spec §3.10

      await c.at(addDays(t, 26));
      await c.complete('awaitEffect', { secondComplaintLodgedOn: addDays(t, 25), challengeKind: 'second_complaint' });
      const second = await LifeCase.linked(c, 'complaint-second');
      expect((await second.state()).caseEvents.received).toBe(addDays(t, 25));
      expect(await second.dueClock('accept')).toMatchObject({ ruleId: 'K8', due: wd(addDays(t, 25), 7) });
      expect((await c.settled()).outcome).toBe('decision_challenged');
    });
  });

  it('after a K3 breach, a withdrawal and the termination decision sent end the case: completed, K6/K7 cancelled, the dates kept', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.complete('accept', accept(t));
      const k3 = cal(t, 30);
      await c.at(addDays(k3, 1));
      await c.settled((x) => x.openTasks.some((o) => o.nodeId === 'breach.headReview'), 'breach escalation');
      expect(await c.timerClocks('window.')).toEqual({ K6: cal(k3, 30), K7: yr(k3, 1) });
      await c.complete('breach.headReview', { overdueAction: 'direct_resolution' });
      const w = addDays(k3, 3);
      await c.at(w);
      expect(await c.send('withdraw', { date: w })).toMatchObject({ caught: 1 });
      expect(await c.open()).toEqual(['termination.issue']);
      await c.complete('termination.issue', {
        termination_issuedOn: w,
        termination_number: '03/QĐ-ĐC',
        terminationGround: 'full_withdrawal',
      });
      expect(await c.dueClock('termination.send')).toMatchObject({ ruleId: 'K15', due: wd(w, 3) });
      await c.complete('termination.send', {
        termination_sentOn: addDays(w, 1),
        termination_receivedOn: addDays(w, 2),
      });
      // KN Art 10 / 11a: the case is finished; the windows the breach opened are the citizen's, not the agency's.
      const s = await c.settled();
      expect({ status: s.status, outcome: s.outcome, terminatedBy: s.terminatedBy }).toEqual({
        status: 'completed',
        outcome: 'terminated',
        terminatedBy: 'end.terminated',
      });
      expect(s.openTasks).toEqual([]);
      expect(s.clocks).toEqual([]);
      expect(s.nextDueAt).toBeNull();
      expect(await closedStatus(c.handle)).toBe('COMPLETED');
      // What remains is dated: the expiry day the windows counted from, the termination's issue, send and receipt days
      // (KN Art 11(8): a complaint lodged again more than 30 days after the termination notice is not accepted).
      expect(s.caseEvents).toMatchObject({ accepted: t, resolutionDeadlineExpired: k3, terminationIssued: w });
      const r = await records(tdb, c.caseId);
      expect(r.events.filter((e) => e.kind === 'case_event').map((e) => [e.name, e.occurred_on])).toEqual([
        ['accepted', t],
        ['resolutionDeadlineExpired', k3],
        ['terminationIssued', w],
      ]);
      expect(r.documents.find((d) => d.type === 'termination_decision')).toMatchObject({
        issued_on: w,
        sent_on: addDays(w, 1),
        received_on: addDays(w, 2),
      });
      expect(
        s.history.filter((h) => h.type === 'cancelled' && h.detail?.reason === 'terminated').map((h) => h.nodeId),
      ).toEqual(['window.K6', 'window.K7']);
    });
  });

  it('after a K3 breach, a decision that takes legal effect ends the case: the 1-year K7 window does not keep it open', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.complete('accept', accept(t));
      const k3 = cal(t, 30);
      await c.at(addDays(k3, 1));
      await c.settled((x) => x.openTasks.some((o) => o.nodeId === 'breach.headReview'), 'breach escalation');
      await c.complete('verify', { verificationReportRef: 'BC-1', demandsMatchFindings: true });
      // Issued 12 days after the expiry: K12 (issue + 30) ends after K6 (expiry + 30, however far a holiday rolls it).
      const issued = addDays(k3, 12);
      await c.at(issued);
      await c.complete('decide', {
        decisionNumber: '13/QĐ-UBND',
        decisionIssuedOn: issued,
        complaintContent: 'c',
        verificationResult: 'v',
        legalBasisCited: 'KN Art 31',
        conclusion: 'right',
        disposition: 'cancel_all',
        rightsStated: true,
      });
      await c.complete('sendDecision', {
        decisionSentOn: issued,
        decisionReceivedOn: addDays(issued, 1),
        decisionRecipients: ['complainant_or_representative'],
      });
      expect(await c.open()).toEqual(['awaitEffect', 'breach.headReview']);
      const effective = cal(issued, 30);
      expect((await c.settled()).clocks.map((k) => [k.ruleId, k.due]).sort()).toEqual([
        ['K12', effective],
        ['K6', cal(k3, 30)],
        ['K7', yr(k3, 1)],
      ]);
      await c.at(addDays(effective, 1));
      const s = await c.settled();
      // KN Art 44(1), (4): final and enforceable; K6 had closed on its day, K7 and the head's open review close with the case.
      expect({ status: s.status, outcome: s.outcome, terminatedBy: s.terminatedBy }).toEqual({
        status: 'completed',
        outcome: 'legally_effective',
        terminatedBy: 'end.effective',
      });
      expect(s.clocks).toEqual([]);
      expect(s.tasks.find((x) => x.nodeId === 'breach.headReview')?.status).toBe('cancelled');
      const events = (await records(tdb, c.caseId)).events
        .filter((e) => e.kind === 'case_event')
        .map((e) => [e.name, e.occurred_on]);
      expect(events).toEqual([
        ['accepted', t],
        ['resolutionDeadlineExpired', k3],
        ['decisionIssued', issued],
        ['decisionReceived', addDays(issued, 1)],
        ['windowK6Closed', addDays(cal(k3, 30), 1)],
        ['legalEffect', addDays(effective, 1)],
      ]);
    });
  });

  it('remote area: the K3b breach (45 days) opens the 45-day second-complaint window', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t, { remoteArea: true });
      await c.complete('accept', { ...accept(t), remoteArea: true });
      const k3b = cal(t, 45);
      expect(await c.dueClock('remote.verify')).toMatchObject({ ruleId: 'K3b', due: k3b });
      await c.at(addDays(k3b, 1));
      await c.settled(
        (x) => x.openTasks.some((o) => o.nodeId === 'remote.breach.headReview'),
        'remote breach escalation',
      );
      const expired = (await records(tdb, c.caseId)).events.find(
        (e) => e.name === 'resolutionDeadlineExpired',
      )!.occurred_on!;
      expect(expired).toBe(k3b); // KN Art 33(1): from the expiry day of K3b
      expect(await c.timerClocks('remote.window.')).toEqual({ K6_remote: cal(k3b, 45), K7: yr(k3b, 1) });
    });
  });
  it('an acceptance completed without caseEvents (as an API completion may be) still counts K3 from acceptedOn', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.at(addDays(t, 4));
      // Accepted on t+1, entered on t+4, no case events with the completion: the recordCaseEvent
      // result dates `accepted` (before, K3 counted from the day the service task ran).
      await c.complete('accept', accept(addDays(t, 1)), { withCaseEvents: false });
      expect((await c.state()).caseEvents.accepted).toBe(addDays(t, 1));
      expect(await c.dueClock('verify')).toMatchObject({ ruleId: 'K3', due: cal(addDays(t, 1), 30) });
      // The new command path is behind patched(): its marker is in the history (old histories replay without it).
      const markers = (await c.handle.fetchHistory())
        .events!.flatMap((e) => Object.values(e.markerRecordedEventAttributes?.details ?? {}))
        .flatMap((p) => p.payloads ?? [])
        .map((p) => Buffer.from(p.data ?? []).toString());
      expect(markers.some((m) => m.includes('kntc-case-events-from-activity-v1'))).toBe(true);
    });
  });

  it('a v1 complaint refuses a suspension dated before 01/07/2026 up front (no suspension in the old law); a later one stops K3', async () => {
    await withWorker(env, activities, async (tq) => {
      // The time-skipping server's time only moves forward from today's date, so the v1 case
      // (received 20/06/2026) is accepted late (K2 breached) to keep its K3 running now.
      const t = await serverDay(env);
      const c = await LifeCase.start(env, tq, 'complaint-first', 1, '2026-06-20');
      await c.complete('accept', accept(addDays(t, -5)));
      expect(await c.dueClock('verify')).toMatchObject({ ruleId: 'K3', due: cal(addDays(t, -5), 30) });
      const refused = await c.send('suspend', {
        date: '2026-06-30',
        variables: { suspensionGround: 'awaiting_other_body' },
      });
      expect(refused).toMatch(
        /Refused: a suspension of K3 dated Tue 30\/06\/2026 precedes Wed 01\/07\/2026.*Art 11a.*NĐ 155\/2026/,
      );
      expect(await c.open()).toEqual(expect.arrayContaining(['verify']));
      expect((await c.state()).history.filter((h) => h.type === 'message')).toEqual([]); // never entered the case
      expect(
        await c.send('suspend', { date: t, variables: { suspensionGround: 'awaiting_other_body' } }),
      ).toMatchObject({ clocksChanged: 1 });
      expect((await c.dueClock('verify')).status).toBe('suspended');
    });
  });

  it('a lawsuit window across a 29 February is 1 year (the corresponding day), one day longer than 365 days', async () => {
    await withWorker(env, activities, async (tq) => {
      // K3 must expire between 01/03 of the year before a leap year and 28/02 of the leap year for K7
      // to span its 29/02. The first leap year a K3 counted from the server's date can still reach,
      // with two months to spare (a roll-forward may hide the extra day for a few acceptance days).
      const now = await serverDay(env);
      let y = Number(now.slice(0, 4));
      while (!isLeapYear(y) || addDays(cal(now, 30), 60) > `${y}-02-28`) y++;
      const leapDay = `${y}-02-29`;
      await sleepUntil(env, `${y - 1}-03-01`);
      const t = await serverDay(env);
      // First acceptance day from t whose K3 expiry + 1 year differs from + 365 days (no roll-forward hiding it).
      let a = t;
      while (yr(cal(a, 30), 1) === cal(cal(a, 30), 365)) a = addDays(a, 1);
      const c = await LifeCase.start(env, tq, 'complaint-first', 2, t);
      await c.at(a);
      await c.complete('accept', accept(a));
      const k3 = cal(a, 30);
      expect(await c.due('verify')).toBe(k3);
      await c.at(addDays(k3, 1));
      await c.settled((x) => x.openTasks.some((o) => o.nodeId === 'breach.headReview'), 'breach escalation');
      const windows = await c.timerClocks('window.');
      expect(windows).toEqual({ K6: cal(k3, 30), K7: yr(k3, 1) });
      expect(windows.K7! > cal(k3, 365)).toBe(true);
      expect(k3 < leapDay && windows.K7! > leapDay).toBe(true);
      const derivation = (await c.settled()).clocks
        .find((x) => x.ruleId === 'K7')!
        .derivation!.map((d) => d.legalBasis ?? '')
        .join(' ');
      expect(derivation).toContain('BLDS 2015 Art 148(4)');
    });
  });
});
