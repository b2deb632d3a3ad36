import { describe, expect, it } from 'vitest';
import { caseEventsFor, drivingContract } from '../../../processes/builtin/index.js';
import { clocksOf } from './helpers.js';
import { def, DEFS } from './helpers.js';

describe('driving contract (task ids, form fields, messages) for the scenario tests', () => {
  it('complaint-first v2: the main path and its legal events', () => {
    const c = drivingContract(def('complaint-first', 2));
    const ids = c.tasks.map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'accept',
        'verify',
        'dialogueInvite',
        'dialogue',
        'decide',
        'sendDecision',
        'awaitEffect',
        'remote.verify',
        'breach.headReview',
      ]),
    );
    expect(c.tasks.find((t) => t.id === 'decide')).toMatchObject({
      due: 'K3',
      required: expect.arrayContaining([
        'decisionIssuedOn',
        'conclusion',
        'disposition',
        'legalBasisCited',
        'rightsStated',
      ]),
    });
    expect(c.tasks.find((t) => t.id === 'sendDecision')).toMatchObject({ due: 'K5', optional: ['decisionReceivedOn'] });
    expect(Object.keys(c.messages).sort()).toEqual([
      'extend',
      'markComplex',
      'resume',
      'secondComplaintLodged',
      'stayExecution',
      'supplement',
      'suspend',
      'terminate',
      'withdraw',
      'withdrawPartial',
    ]);
    // Complexity may be determined from receipt until the decision (ADR 0018), on either area's branch.
    expect(c.messages.markComplex).toEqual({
      on: [
        'accept',
        'verify',
        'dialogueInvite',
        'dialogue',
        'decide',
        'remote.verify',
        'remote.dialogueInvite',
        'remote.dialogue',
        'remote.decide',
      ],
      interrupting: false,
    });
    expect(c.messages.withdraw).toEqual({
      on: [
        'accept',
        'verify',
        'dialogueInvite',
        'dialogue',
        'decide',
        'remote.verify',
        'remote.dialogueInvite',
        'remote.dialogue',
        'remote.decide',
      ],
      interrupting: true,
    });
    expect(c.messages.suspend?.interrupting).toBe(false);
    expect(c.events).toEqual(
      expect.arrayContaining(['accepted', 'decisionIssued', 'decisionReceived', 'resolutionDeadlineExpired']),
    );
  });

  it('every built-in definition is drivable: unique task ids, every task has a role, activities are the documented ones', () => {
    const documented = new Set([
      'recordCaseEvent',
      'recordDocument',
      'setCaseFlag',
      'recordNotification',
      'checkRepresentatives',
      'checkComplaintLimitation',
      'recordWarning',
      'computeDeadline',
    ]);
    for (const d of DEFS) {
      const c = drivingContract(d);
      expect(new Set(c.tasks.map((t) => t.id)).size).toBe(c.tasks.length);
      // Every task can be matched to an API role (api/auth/principal.ts).
      for (const t of c.tasks)
        expect(
          t.roles.some((r) => ['intake', 'officer', 'supervisor'].includes(r)),
          `${d.key} ${t.id}: ${t.roles.join(',')}`,
        ).toBe(true);
      expect(c.activities.filter((a) => !documented.has(a))).toEqual([]);
    }
  });

  it('completing a task yields the case events its clocks count from (interpreter: completeTask caseEvents)', () => {
    const d = def('complaint-first', 2);
    expect(
      caseEventsFor(d, 'accept', {
        acceptanceDecision: 'accept',
        acceptedOn: '2026-07-03',
        acceptanceNoticeOn: '2026-07-03',
      }),
    ).toEqual({ accepted: '2026-07-03' });
    expect(caseEventsFor(d, 'decide', { decisionIssuedOn: '2026-07-20' })).toEqual({ decisionIssued: '2026-07-20' });
    expect(
      caseEventsFor(d, 'sendDecision', { decisionSentOn: '2026-07-21', decisionReceivedOn: '2026-07-22' }),
    ).toEqual({ decisionReceived: '2026-07-22' });
    expect(caseEventsFor(d, 'suspension.decision.issue', { suspension_decision_issuedOn: '2026-07-10' })).toEqual({
      suspensionIssued: '2026-07-10',
    });
    expect(caseEventsFor(def('denunciation', 2), 'demandReport', { reportDemandedOn: '2026-08-03' })).toEqual({
      reportDemanded: '2026-08-03',
    });
  });

  it('every clock start event other than received is supplied by a task form or armed on the day it happens', () => {
    // Events dated by the interpreter itself (on: null) are armed right after they happen: the
    // interpreter's fallback start date (the arming day) is then the event day.
    const armedOnTheDay = new Set(['received', 'resolutionDeadlineExpired', 'archived']);
    for (const d of DEFS) {
      const supplied = new Set(drivingContract(d).tasks.flatMap((t) => t.caseEvents.map((e) => e.event)));
      const missing = clocksOf(d)
        .map(({ rule }) => rule.from)
        .filter((e) => !supplied.has(e) && !armedOnTheDay.has(e));
      expect(missing, `${d.key} v${d.version}`).toEqual([]);
    }
  });
});
