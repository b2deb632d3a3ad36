/**
 * A terminate end event and an interrupted call activity (test fixture, not a statutory lifecycle).
 *
 * Verification and an expert opinion (a linked case) run in parallel. A withdrawal (message
 * boundary on verification) reaches a *terminate* end event: the whole case ends at once — the
 * expert-opinion case is cancelled, every task, timer and clock is cancelled — instead of only
 * the verification branch ending (a plain end event would leave the other branch running). If the
 * opinion takes longer than 15 days, an interrupting boundary timer cancels the linked case and the
 * resolver decides without it.
 */
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';

export const withdrawalTerminates: ProcessDefinitionInput = {
  key: 'withdrawal-terminates',
  version: 1,
  name: 'Withdrawal terminates the case (test fixture)',
  caseType: 'complaint_first',
  effectiveFrom: '2026-07-01',
  legalBasis: 'Luật Khiếu nại 2011',
  nodes: [
    { type: 'startEvent', id: 'start', name: 'Complaint accepted' },
    { type: 'parallelGateway', id: 'fork' },
    {
      type: 'userTask',
      id: 'verify',
      name: 'Verify the complaint',
      candidateRoles: ['inspector'],
      agencyScope: 'resolving',
      form: { fields: [{ name: 'findings', type: 'string', required: true }] },
      due: {
        ruleId: 'verification',
        legalBasis: 'Luật Khiếu nại 2011 Art 28',
        amount: 10,
        unit: 'working_days',
        from: 'received',
      },
    },
    // The complainant may withdraw at any time; the resolver then terminates the case (Luật Khiếu nại 2011 Art 10).
    {
      type: 'boundaryEvent',
      id: 'withdrawn',
      attachedTo: 'verify',
      legalBasis: 'Luật Khiếu nại 2011 Art 10',
      trigger: { kind: 'message', messageName: 'withdraw' },
    },
    {
      type: 'endEvent',
      id: 'endWithdrawn',
      name: 'Terminated (withdrawn)',
      outcome: 'withdrawn',
      terminate: true,
      legalBasis: 'Luật Khiếu nại 2011 Art 10',
    },
    {
      type: 'callActivity',
      id: 'consult',
      name: 'Expert opinion',
      calledKey: 'expert-opinion',
      wait: true,
      input: { receivedOn: 'receivedOn' },
      output: { opinion: 'opinion' },
    },
    {
      type: 'boundaryEvent',
      id: 'consultTimeout',
      attachedTo: 'consult',
      interrupting: true,
      trigger: { kind: 'timer', timer: { duration: 'P15D' } },
    },
    { type: 'parallelGateway', id: 'join' },
    {
      type: 'userTask',
      id: 'decide',
      name: 'Decide the complaint',
      candidateRoles: ['head'],
      agencyScope: 'resolving',
    },
    { type: 'endEvent', id: 'endResolved', name: 'Resolved', outcome: 'resolved' },
  ],
  flows: [
    { id: 'f_start', source: 'start', target: 'fork' },
    { id: 'f_verify', source: 'fork', target: 'verify' },
    { id: 'f_consult', source: 'fork', target: 'consult' },
    { id: 'f_withdrawn', source: 'withdrawn', target: 'endWithdrawn' },
    { id: 'f_verified', source: 'verify', target: 'join' },
    { id: 'f_consulted', source: 'consult', target: 'join' },
    { id: 'f_timeout', source: 'consultTimeout', target: 'join' },
    { id: 'f_decide', source: 'join', target: 'decide' },
    { id: 'f_decided', source: 'decide', target: 'endResolved' },
  ],
};

/** The linked case `consult` starts: an officer writes the opinion. */
export const expertOpinion: ProcessDefinitionInput = {
  key: 'expert-opinion',
  version: 1,
  name: 'Expert opinion (test fixture)',
  caseType: 'petition',
  effectiveFrom: '2026-07-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'write',
      name: 'Write the opinion',
      candidateRoles: ['expert'],
      agencyScope: 'resolving',
      form: { fields: [{ name: 'opinion', type: 'string', required: true }] },
    },
    { type: 'endEvent', id: 'end', outcome: 'given' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'write' },
    { id: 'f2', source: 'write', target: 'end' },
  ],
};
