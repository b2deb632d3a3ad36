import { describe, expect, it } from 'vitest';
import { drivingContract } from '../../../processes/builtin/index.js';
import { def, DEFS } from './helpers.js';

describe('driving contract (task ids, form fields, messages) for the scenario tests', () => {
  it('complaint-first v2: the main path and its legal events', () => {
    const c = drivingContract(def('complaint-first', 2));
    const ids = c.tasks.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['accept', 'verify', 'dialogueInvite', 'dialogue', 'decide', 'sendDecision', 'awaitEffect', 'remote.verify', 'breach.headReview']));
    expect(c.tasks.find((t) => t.id === 'decide')).toMatchObject({
      due: 'K3', required: expect.arrayContaining(['decisionIssuedOn', 'conclusion', 'disposition', 'legalBasisCited', 'rightsStated']),
    });
    expect(c.tasks.find((t) => t.id === 'sendDecision')).toMatchObject({ due: 'K5', optional: ['decisionReceivedOn'] });
    expect(Object.keys(c.messages).sort()).toEqual(['extend', 'resume', 'secondComplaintLodged', 'stayExecution', 'supplement', 'suspend', 'terminate', 'withdraw', 'withdrawPartial']);
    expect(c.messages.withdraw).toEqual({ on: ['accept', 'verify', 'dialogueInvite', 'dialogue', 'decide', 'remote.verify', 'remote.dialogueInvite', 'remote.dialogue', 'remote.decide'], interrupting: true });
    expect(c.messages.suspend?.interrupting).toBe(false);
    expect(c.events).toEqual(expect.arrayContaining(['accepted', 'decisionIssued', 'decisionReceived', 'resolutionDeadlineExpired']));
  });

  it('every built-in definition is drivable: unique task ids, every task has a role, activities are the documented ones', () => {
    const documented = new Set(['recordCaseEvent', 'recordDocument', 'setCaseFlag', 'recordNotification', 'checkRepresentatives', 'checkComplaintLimitation', 'recordWarning']);
    for (const d of DEFS) {
      const c = drivingContract(d);
      expect(new Set(c.tasks.map((t) => t.id)).size).toBe(c.tasks.length);
      for (const t of c.tasks) expect(t.roles.length).toBeGreaterThan(0);
      expect(c.activities.filter((a) => !documented.has(a))).toEqual([]);
    }
  });
});
