/**
 * Letter handling (letter-handling v2) through processWorkflow on the time-skipping server with
 * the real lifecycle activities: representatives of several signers (TCD Art 29), the mass-case
 * flag, classification into a linked complaint case that counts from the letter's receipt.
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
  yr,
} from './harness.js';

const signers = Array.from({ length: 12 }, (_, i) => `party-${i + 1}`);
const eligibleComplaint = {
  letterType: 'complaint',
  language: 'vietnamese',
  dated: true,
  hasNameAddress: true,
  hasSignature: true,
  contentElementsComplete: true,
  withinCompetence: true,
};

describe('letter handling on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let tdb: TestDb;
  let activities: Record<string, unknown>;
  beforeAll(async () => {
    ({ env, tdb, activities } = await openLifecycleFixture());
  });
  afterAll(() => closeLifecycleFixture(env, tdb));

  it("12 signers: 6 representatives refused, 5 accepted and flagged mass; accepted into a linked complaint counting from the letter's receipt", async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const letter = await LifeCase.start(env, tq, 'letter-handling', 2, t);
      expect(await letter.dueClock('intake')).toMatchObject({ ruleId: 'C1', due: wd(t, 10) });
      await letter.complete('intake', {
        channel: 'post',
        forwardedBy: 'none',
        signerRefs: signers,
        representativeRefs: signers.slice(0, 6),
      });
      // TCD Art 29: more than 10 signers appoint at most 5 representatives.
      expect(await letter.open()).toEqual(['requestRepresentatives']);
      const refused = await letter.state();
      expect(refused.variables.representativesOk).toBe(false);
      expect(String((refused.variables.representativeErrors as string[])[0])).toMatch(/at most 5/);
      expect(await letter.due('requestRepresentatives')).toBe(wd(t, 10));

      await letter.complete('requestRepresentatives', {
        representativeRefs: signers.slice(0, 5),
        appointmentDocumentRef: 'VB-cu-dai-dien',
      });
      expect(await letter.open()).toEqual(['classify']);
      expect((await letter.state()).variables).toMatchObject({ representativesOk: true, massCase: true });
      expect(await letter.dueClock('classify')).toMatchObject({ ruleId: 'C4', due: wd(t, 10) });
      const r1 = await records(tdb, letter.caseId);
      expect(r1.flags).toMatchObject({ mass_case: true });
      expect(r1.notifications.map((n) => [n.kind, n.recipients])).toEqual([['mass_case_received', ['agency_head']]]);

      // Classified three days later: the linked complaint still counts from the letter's receipt.
      await letter.at(addDays(t, 3));
      await letter.complete('classify', eligibleComplaint);
      const complaint = await LifeCase.linked(letter, 'complaint-first');
      expect((await complaint.state()).caseEvents.received).toBe(t);
      expect((await complaint.state()).variables).toMatchObject({
        receivedOn: t,
        massCase: true,
        letterCaseId: letter.caseId,
      });
      expect(await complaint.dueClock('accept')).toMatchObject({ ruleId: 'K2', due: wd(t, 7) });

      expect(await letter.open()).toEqual(['inform']);
      expect(await letter.due('inform')).toBe(wd(t, 10));
      await letter.complete('inform', {
        outcomeNoticeSentOn: addDays(t, 4),
        noticeForm: 'written',
        noticeRecipientRef: 'party-1',
      });
      // The letter's handling ends once the citizen is told (TCD Art 28(1)); the linked complaint is not
      // awaited, so the terminate end event leaves it running.
      expect(await letter.settled()).toMatchObject({
        status: 'completed',
        outcome: 'accepted_linked_case_started',
        terminatedBy: 'end.accepted',
        clocks: [],
      });
      expect((await complaint.state()).status).toBe('running');
      const docs = (await records(tdb, letter.caseId)).documents;
      expect(docs.map((d) => [d.type, d.issued_on, d.sent_on])).toEqual([
        ['letter_outcome_notice', addDays(t, 4), addDays(t, 4)],
      ]);
    });
  });

  it('an ineligible letter is archived: the case keeps it 1 year (C8, TT 07/2014 Art 28(2)), then the head decides and it closes', async () => {
    await withWorker(env, activities, async (tq) => {
      const t = await serverDay(env);
      const letter = await LifeCase.start(env, tq, 'letter-handling', 2, t);
      await letter.complete('intake', { channel: 'post', forwardedBy: 'none', signerRefs: ['party-1'] });
      await letter.complete('classify', { ...eligibleComplaint, hasSignature: false });
      await letter.complete('inform', {
        outcomeNoticeSentOn: addDays(t, 2),
        noticeForm: 'written',
        noticeRecipientRef: 'party-1',
      });
      // The law makes the agency wait: the retention timer is the only thing left, counted from archiving.
      const kept = await letter.settled();
      expect(kept.status).toBe('running');
      expect(kept.openTasks).toEqual([]);
      const c8 = yr(addDays(t, 2), 1);
      expect(kept.clocks.map((k) => [k.ruleId, k.due])).toEqual([['C8', c8]]);
      expect(kept.caseEvents.archived).toBe(addDays(t, 2));
      await letter.at(addDays(c8, 1));
      expect(await letter.open()).toEqual(['destroyArchived']);
      await letter.complete('destroyArchived', { archiveDecision: 'destroy' });
      expect(await letter.settled()).toMatchObject({
        status: 'completed',
        outcome: 'archived',
        terminatedBy: 'end.archived',
        clocks: [],
        openTasks: [],
      });
      expect((await records(tdb, letter.caseId)).documents.map((d) => d.type)).toEqual([
        'archive_record',
        'letter_outcome_notice',
      ]);
    });
  });
});
