/**
 * Cases imported already under way (ADR 0027) through the real processWorkflow on the time-skipping
 * server with the real lifecycle activities: each built-in lifecycle imported at a middle step with
 * its limits met (no breach, the next clock counted from the facts) and with a limit missed (a past
 * breach on the case, no escalation: no head's review, no notification).
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEventsFor } from '../../../processes/builtin/index.js';
import { getCaseState, type CaseStateView, type ProcessInput } from '../../../workflows/contract.js';
import type { JsonValue } from '../../../workflows/engine/index.js';
import type { EstablishedStep } from '../../../workflows/engine/runtime/index.js';
import type { TestDb } from '../../support/db.js';
import { terminateWhenQuiet } from '../../support/temporal.js';
import {
  addDays,
  builtin,
  cal,
  closeLifecycleFixture,
  openLifecycleFixture,
  records,
  serverDay,
  sleepUntil,
  wd,
  withWorker,
} from './harness.js';

const task = (
  key: string,
  version: number,
  nodeId: string,
  on: string,
  data: Record<string, JsonValue>,
): EstablishedStep => ({
  kind: 'task',
  nodeId,
  on,
  data,
  caseEvents: caseEventsFor(builtin(key, version).definition, nodeId, data),
});

describe('importing cases under way, on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  /** Starts an imported case and waits until its facts are applied (the import done). */
  async function imported(
    tq: string,
    key: string,
    version: number,
    received: string,
    steps: EstablishedStep[],
    variables: Record<string, JsonValue> = {},
  ) {
    const caseId = randomUUID();
    const pinned = builtin(key, version);
    const input: ProcessInput = {
      caseId,
      caseType: pinned.definition.caseType,
      agencyId: 'ubnd-xa-test',
      caseEvents: { received },
      variables: {
        caseId,
        receivedOn: received,
        channel: 'reception_desk',
        signerRefs: ['party-1'],
        representativeRefs: [],
        signersCount: 1,
        massCase: false,
        ...variables,
      },
      ...pinned,
      established: { source: 'legacy', sourceId: `row-${caseId.slice(0, 6)}`, steps },
    };
    const handle = await env.client.workflow.start('processWorkflow', {
      taskQueue: tq,
      workflowId: `case-${caseId}`,
      args: [input],
    });
    let s: CaseStateView | undefined;
    const busy = (v: CaseStateView) =>
      v.currentNodes.some((n) => pinned.definition.nodes.find((x) => x.id === n.nodeId)?.type === 'serviceTask');
    for (let i = 0; i < 400; i++) {
      s = await handle.query(getCaseState);
      if (s.imported?.done && !busy(s)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!s?.imported?.done)
      throw new Error(
        `import of ${key} not done: ${JSON.stringify(s?.imported)} ${JSON.stringify(s?.history.slice(-3))}`,
      );
    return { caseId, handle, s };
  }

  const open = (s: CaseStateView) => s.openTasks.map((t) => t.nodeId).sort();
  const dueOf = (s: CaseStateView, nodeId: string) => {
    const t = s.openTasks.find((x) => x.nodeId === nodeId);
    return s.clocks.find((c) => c.timerId === t?.dueTimerId);
  };
  /** No escalation: no review task, no notification, only imported breaches. */
  async function noEscalation(caseId: string, s: CaseStateView) {
    expect(open(s).filter((n) => /overdue|breach|headReview/i.test(n))).toEqual([]);
    expect((await records(tdb, caseId)).notifications).toEqual([]);
    expect((s.breaches ?? []).every((b) => b.imported === true)).toBe(true);
    expect(s.history.filter((h) => h.type === 'escalation')).toEqual([]);
  }
  const done = async (...hs: Array<{ handle: Parameters<typeof terminateWhenQuiet>[0] }>) => {
    for (const h of hs)
      await terminateWhenQuiet(h.handle, 'scenario done').catch(() =>
        h.handle.terminate('scenario done').catch(() => undefined),
      );
  };

  it('complaint-first v2: accepted in time → at verification, K3 from the acceptance, no breach; accepted late → K2 a past breach, no review', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const accept = (on: string) => ({ acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on });
      const ok = await imported(tq, 'complaint-first', 2, addDays(t, -10), [
        task('complaint-first', 2, 'accept', addDays(t, -8), accept(addDays(t, -8))),
      ]);
      expect(open(ok.s)).toEqual(['verify']);
      expect(dueOf(ok.s, 'verify')).toMatchObject({ ruleId: 'K3', due: cal(addDays(t, -8), 30), status: 'running' });
      expect(dueOf(ok.s, 'verify')!.derivation![0]!.text).toMatch(
        /^imported: accepted on \d\d\/\d\d\/\d{4} per source legacy#row-/,
      );
      expect(ok.s.breaches ?? []).toEqual([]);
      expect(ok.s.flags.overdue).toBeUndefined();
      expect(ok.s.closedClocks?.find((c) => c.ruleId === 'K2')?.state).toBe('met');
      await noEscalation(ok.caseId, ok.s);

      const late = await imported(tq, 'complaint-first', 2, addDays(t, -40), [
        task('complaint-first', 2, 'accept', addDays(t, -20), accept(addDays(t, -20))),
      ]);
      expect(open(late.s)).toEqual(['verify']);
      expect(late.s.breaches).toMatchObject([
        { ruleId: 'K2', due: wd(addDays(t, -40), 7), status: 'breached', imported: true },
      ]);
      expect(late.s.flags.overdue).toBe(true);
      expect(dueOf(late.s, 'verify')).toMatchObject({ ruleId: 'K3', due: cal(addDays(t, -20), 30) });
      await noEscalation(late.caseId, late.s);
      // The clock still running goes on from the facts: its breach, when it comes, escalates as usual.
      await sleepUntil(env, addDays(cal(addDays(t, -20), 30), 1));
      let after: CaseStateView | undefined;
      for (let i = 0; i < 200 && !after?.breaches?.some((b) => b.ruleId === 'K3'); i++) {
        after = await late.handle.query(getCaseState);
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(after!.breaches!.find((b) => b.ruleId === 'K3')).toMatchObject({ status: 'breached' });
      expect(after!.breaches!.find((b) => b.ruleId === 'K3')!.imported).toBeUndefined();
      await done(ok, late);
    });
  });

  it('complaint-second v2: accepted in time → K9 (45 days) from the acceptance; accepted late → K8 a past breach', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const accept = (on: string, received: string) => ({
        acceptanceDecision: 'accept',
        acceptanceNoticeOn: on,
        acceptedOn: on,
        firstDecisionReceivedOn: addDays(received, -5),
      });
      const ok = await imported(tq, 'complaint-second', 2, addDays(t, -10), [
        task('complaint-second', 2, 'accept', addDays(t, -8), accept(addDays(t, -8), addDays(t, -10))),
      ]);
      expect(open(ok.s)).toEqual(['verify']);
      expect(dueOf(ok.s, 'verify')).toMatchObject({ ruleId: 'K9', due: cal(addDays(t, -8), 45) });
      expect(ok.s.breaches ?? []).toEqual([]);
      await noEscalation(ok.caseId, ok.s);
      const late = await imported(tq, 'complaint-second', 2, addDays(t, -40), [
        task('complaint-second', 2, 'accept', addDays(t, -20), accept(addDays(t, -20), addDays(t, -40))),
      ]);
      expect(late.s.breaches).toMatchObject([{ ruleId: 'K8', imported: true }]);
      expect(dueOf(late.s, 'verify')).toMatchObject({ ruleId: 'K9', due: cal(addDays(t, -20), 45) });
      await noEscalation(late.caseId, late.s);
      await done(ok, late);
    });
  });

  it('denunciation v2: accepted and notified in time → T5 (30 days) from the acceptance; notified late → T4 a past breach', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const initial = (on: string) => ({
        initialDecision: 'accept',
        formComplete: true,
        denouncerHasCapacity: true,
        withinCompetence: true,
        violationIdentifiable: true,
        acceptedOn: on,
        complexity: 'normal',
      });
      const steps = (acc: string, notified: string) => [
        task('denunciation', 2, 'initial', acc, initial(acc)),
        task('denunciation', 2, 'notifyAcceptance', notified, { acceptanceNoticeSentOn: notified }),
      ];
      const ok = await imported(tq, 'denunciation', 2, addDays(t, -10), steps(addDays(t, -8), addDays(t, -7)));
      expect(open(ok.s)).toEqual(['verify']);
      expect(dueOf(ok.s, 'verify')).toMatchObject({ ruleId: 'T5', due: cal(addDays(t, -8), 30) });
      expect(ok.s.breaches ?? []).toEqual([]);
      await noEscalation(ok.caseId, ok.s);
      const late = await imported(tq, 'denunciation', 2, addDays(t, -25), steps(addDays(t, -24), addDays(t, -5)));
      expect(late.s.breaches).toMatchObject([{ ruleId: 'T4', due: wd(addDays(t, -24), 5), imported: true }]);
      expect(dueOf(late.s, 'verify')).toMatchObject({ ruleId: 'T5', due: cal(addDays(t, -24), 30) });
      await noEscalation(late.caseId, late.s);
      await done(ok, late);
    });
  });

  it('petition v1: accepted within C1 → answering (no statutory clock), C1 met; accepted after C1 → C1 a past breach', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const ok = await imported(tq, 'petition', 1, addDays(t, -10), [
        task('petition', 1, 'accept', addDays(t, -8), { petitionDecision: 'accept', decidedOn: addDays(t, -8) }),
      ]);
      expect(open(ok.s)).toEqual(['respond']);
      expect(ok.s.caseEvents.accepted).toBe(addDays(t, -8));
      expect(ok.s.closedClocks?.find((c) => c.ruleId === 'C1')?.state).toBe('met');
      expect(ok.s.breaches ?? []).toEqual([]);
      await noEscalation(ok.caseId, ok.s);
      const late = await imported(tq, 'petition', 1, addDays(t, -40), [
        task('petition', 1, 'accept', addDays(t, -10), { petitionDecision: 'accept', decidedOn: addDays(t, -10) }),
      ]);
      expect(late.s.breaches).toMatchObject([{ ruleId: 'C1', due: wd(addDays(t, -40), 10), imported: true }]);
      expect(open(late.s)).toEqual(['respond']);
      await noEscalation(late.caseId, late.s);
      await done(ok, late);
    });
  });

  it('letter-handling v2: taken in in time → classifying on C4 from the receipt; taken in late → C1 a past breach', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const intake = { channel: 'post', forwardedBy: 'none', signerRefs: ['party-1'] };
      const ok = await imported(tq, 'letter-handling', 2, addDays(t, -3), [
        task('letter-handling', 2, 'intake', addDays(t, -2), intake),
      ]);
      expect(open(ok.s)).toEqual(['classify']);
      expect(dueOf(ok.s, 'classify')).toMatchObject({ ruleId: 'C4', due: wd(addDays(t, -3), 10) });
      expect(ok.s.breaches ?? []).toEqual([]);
      await noEscalation(ok.caseId, ok.s);
      const late = await imported(tq, 'letter-handling', 2, addDays(t, -30), [
        task('letter-handling', 2, 'intake', addDays(t, -2), intake),
      ]);
      expect(late.s.breaches?.map((b) => b.ruleId)).toContain('C1');
      expect((late.s.breaches ?? []).every((b) => b.imported)).toBe(true);
      expect(open(late.s)).toEqual(['classify']);
      await noEscalation(late.caseId, late.s);
      await done(ok, late);
    });
  });

  it('letter-handling v2: a mass letter left unclassified past C4a → C4a a past breach, its boundary not fired, the historical mass notice skipped', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const signers = ['party-1', 'party-2', 'party-3', 'party-4', 'party-5'];
      const intake = {
        channel: 'post',
        forwardedBy: 'none',
        signerRefs: signers,
        representativeRefs: ['party-1'],
      };
      const late = await imported(
        tq,
        'letter-handling',
        2,
        addDays(t, -60),
        [task('letter-handling', 2, 'intake', addDays(t, -59), intake)],
        { signerRefs: signers, signersCount: 5, massCase: true },
      );
      expect(late.s.history.some((h) => h.type === 'notification_skipped' && h.nodeId === 'mass.notify')).toBe(true);
      expect(late.s.breaches?.map((b) => b.ruleId)).toContain('C4a');
      expect(open(late.s)).toEqual(['classify']);
      // Quiet a moment: nothing fires after the import (the C4a boundary was recorded, not armed).
      await new Promise((r) => setTimeout(r, 300));
      const after = await late.handle.query(getCaseState);
      expect(open(after)).toEqual(['classify']);
      expect(after.history.some((h) => h.nodeId?.startsWith('letterBreach.'))).toBe(false);
      await noEscalation(late.caseId, after);
      await done(late);
    });
  });
});
