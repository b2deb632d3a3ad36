import type { CaseStateView } from '../../workflows/contract.js';

/**
 * Petitions run this here (registered as `petition` v99, so a letter accepted as a petition starts it
 * too): the commune resolves, and the provincial inspectorate verifies (scope `inspectorate`, ADR 0010).
 */
export const PETITION_FIXTURE = {
  key: 'petition',
  version: 99,
  name: 'Petition with an inspectorate step (fixture)',
  caseType: 'petition',
  effectiveFrom: '2000-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'parallelGateway', id: 'fork' },
    {
      type: 'userTask',
      id: 'work',
      name: 'Answer the petition',
      candidateRoles: ['resolver', 'officer'],
      agencyScope: 'resolving',
    },
    {
      type: 'userTask',
      id: 'inspect',
      name: 'Inspectorate verifies',
      candidateRoles: ['inspector', 'officer'],
      agencyScope: 'inspectorate',
    },
    { type: 'endEvent', id: 'end.work', outcome: 'answered' },
    { type: 'endEvent', id: 'end.inspect', outcome: 'inspected' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'fork' },
    { id: 'f2', source: 'fork', target: 'work' },
    { id: 'f3', source: 'fork', target: 'inspect' },
    { id: 'f4', source: 'work', target: 'end.work' },
    { id: 'f5', source: 'inspect', target: 'end.inspect' },
  ],
};

/** A minimal projected state of a linked case (what the interpreter projects, trimmed to what the row derives from). */
export const linkedState = (caseId: string, parentCaseId: string, received: string): CaseStateView => ({
  caseId,
  pin: 'complaint-second@2+sha256:0000',
  status: 'running',
  stage: 'Accept',
  currentNodes: [],
  openTasks: [],
  tasks: [],
  clocks: [],
  nextDueAt: null,
  variables: { parentCaseId, firstCaseId: parentCaseId, receivedOn: received },
  caseEvents: { received },
  flags: {},
  history: [],
  children: [],
});
