/**
 * Mass and complex matters (issue 15 items 1-2, ADR 0036) as versioned process definitions run by the same
 * interpreter as the statutory lifecycles: the head's reception of a delegation (`delegation-reception`) and
 * the province's answer to citizens gathered at a central place (`central-gathering`). The steps, their limits
 * and escalations are data: an agency changes them by registering a new version, never by changing code.
 * Every limit in hours is UNCONFIRMED (the sources say "kịp thời", "ngay" without a number).
 */
import type { DefinitionNodeInput, ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { ACTIVITY, definition, GraphBuilder, lit, litList, notify, ROLE, userTask, type FieldInput } from './build.js';

/** Luật Tiếp công dân 2013 Art 30(1): the head where many people gather receives their representatives. */
export const ART_MASS_RECEPTION = 'Luật Tiếp công dân 2013 Art 30(1)';
/** Art 30(3): the head asks the police to keep order when a crowd disturbs it. */
export const ART_SECURITY = 'Luật Tiếp công dân 2013 Art 30(3)';
/** Art 31(1): the agencies concerned receive the representatives, give information, resolve the matter. */
export const ART_COORDINATION = 'Luật Tiếp công dân 2013 Art 31(1)';
/** The province's duty for matters of many people ("đông người, phức tạp, kéo dài"). */
export const ART_MASS_MATTERS = 'Luật Tiếp công dân 2013 Art 9(3) [complex, prolonged]; NĐ 154/2026 Art 20(1)';

/** Case types of the two processes (their `cases` rows and definition selection). */
export const DELEGATION_CASE_TYPE = 'delegation';
export const GATHERING_CASE_TYPE = 'central_gathering';

/** The escalation of a missed step: recorded notification for the head above. */
const ESCALATED_NOTICE = 'mass_step_escalated';

const HEADS = [ROLE.head];
const ABOVE = [ROLE.higherHead];

interface Step {
  id: string;
  name: string;
  /** ISO-8601 limit from the step's opening (UNCONFIRMED default). */
  within: string;
  fields: FieldInput[];
  legalBasis: string;
}

/**
 * One step of a mass-matter process: the task of the competent agency's head, an interrupting timer at its
 * limit that records a notification and hands the same task to the head of the agency above (scope `parent`).
 * Both tasks lead to `next`. Returns the step's task id.
 */
function step(g: GraphBuilder, s: Step, next: string): string {
  const late = `${s.id}.late`;
  const tell = `${s.id}.escalate`;
  const above = `${s.id}.above`;
  g.add(
    userTask(s.id, s.name, HEADS, 'receiving', s.fields, { legalBasis: s.legalBasis }),
    {
      type: 'boundaryEvent',
      id: late,
      name: `${s.name}: limit ${s.within} missed`,
      attachedTo: s.id,
      interrupting: true,
      trigger: { kind: 'timer', timer: { duration: s.within } },
      legalBasis: s.legalBasis,
    },
    {
      type: 'serviceTask',
      id: tell,
      name: `Notify the head above: ${s.name} missed`,
      activity: ACTIVITY.recordNotification,
      input: { kind: lit(ESCALATED_NOTICE), to: litList(ABOVE), step: lit(s.id) },
      output: {},
      legalBasis: s.legalBasis,
    },
    userTask(above, `${s.name} (escalated to the agency above)`, ABOVE, 'parent', s.fields, {
      legalBasis: s.legalBasis,
    }),
  );
  g.flow(s.id, next);
  g.chain(late, tell, above, next);
  return s.id;
}

/** The limits of the built-in versions (hours as ISO-8601 durations; UNCONFIRMED). */
export const MASS_LIMITS = {
  delegation: { receive: 'PT24H' },
  gathering: {
    dispatch: 'PT4H',
    coordinate: 'PT12H',
    bringHome: 'PT72H',
    report: 'PT24H',
    plan: 'P15D',
  },
} as const;

const receiveFields: FieldInput[] = [
  { name: 'sessionId', type: 'string', label: 'An existing reception session of the head (else one is created)' },
  { name: 'placeId', type: 'string', label: 'Reception place (when no session is given)' },
  { name: 'leaderPersonId', type: 'string', label: 'The head who received the delegation in person' },
  { name: 'receivedOn', type: 'date', required: true, notAfter: ['today'] },
  { name: 'sessionKind', type: 'enum', values: ['periodic', 'ad_hoc'] },
  { name: 'dialogueHeld', type: 'boolean', required: true },
];

/**
 * `delegation-reception` v1: a crowd (visit of many people, or a mass letter) at the competent agency. The head
 * receives the delegation in person and holds a dialogue within 24 h (UNCONFIRMED), else the head above does;
 * the reception is recorded as a reception session (`recordDelegationReception`). With `securityLiaison` the
 * police are told first (a recorded notification, Art 30(3)).
 */
export function delegationDefinition(): ProcessDefinitionInput {
  const g = new GraphBuilder();
  g.add({ type: 'startEvent', id: 'start', name: 'Delegation flagged' });
  g.flow('start', 'liaison');
  g.choice('liaison', 'Security liaison requested?', [{ to: 'tellPolice', when: 'securityLiaison = true' }], {
    to: 'receive',
  });
  g.add(notify('tellPolice', 'security_liaison', ['police'], ART_SECURITY));
  g.flow('tellPolice', 'receive');
  step(
    g,
    {
      id: 'receive',
      name: 'Receive the delegation in person and hold a dialogue',
      within: MASS_LIMITS.delegation.receive,
      fields: receiveFields,
      legalBasis: ART_MASS_RECEPTION,
    },
    'recordSession',
  );
  g.add(
    {
      type: 'serviceTask',
      id: 'recordSession',
      name: 'Record the reception session',
      activity: 'recordDelegationReception',
      input: {
        sessionId: 'sessionId',
        placeId: 'placeId',
        leaderPersonId: 'leaderPersonId',
        receivedOn: 'receivedOn',
        sessionKind: 'sessionKind',
      },
      output: { receptionSessionId: 'sessionId' },
      legalBasis: ART_MASS_RECEPTION,
    } satisfies DefinitionNodeInput,
    { type: 'endEvent', id: 'received', name: 'Delegation received', outcome: 'received' },
  );
  g.flow('recordSession', 'received');
  return definition(
    {
      key: 'delegation-reception',
      version: 1,
      name: 'Reception of a delegation by the head of the competent agency',
      caseType: DELEGATION_CASE_TYPE,
      effectiveFrom: '2014-07-01',
      legalBasis: ART_MASS_RECEPTION,
      variables: { securityLiaison: false },
    },
    g,
  );
}

/**
 * `central-gathering` v1: citizens of the province gathered at a central place (the central citizen reception
 * office or a central agency, in Hà Nội or TP HCM). Dispatch a competent officer (4 h), coordinate with the
 * central reception office (12 h), persuade and bring them home (72 h, recording when they are home), report to
 * the provincial chairman (24 h) and agree a resolution plan for the matter (15 days) — every limit UNCONFIRMED,
 * each missed one escalated to the head of the agency above.
 */
export function gatheringDefinition(): ProcessDefinitionInput {
  const L = MASS_LIMITS.gathering;
  const g = new GraphBuilder();
  g.add({ type: 'startEvent', id: 'start', name: 'Gathering reported' });
  g.flow('start', 'dispatch');
  const steps: Step[] = [
    {
      id: 'dispatch',
      name: 'Dispatch a competent officer to the central place',
      within: L.dispatch,
      fields: [
        { name: 'officerPersonId', type: 'string', required: true },
        { name: 'dispatchedOn', type: 'date', required: true, notAfter: ['today'] },
      ],
      legalBasis: ART_COORDINATION,
    },
    {
      id: 'coordinate',
      name: 'Coordinate with the central citizen reception office',
      within: L.coordinate,
      fields: [
        { name: 'coordinatedOn', type: 'date', required: true, notAfter: ['today'] },
        { name: 'contact', type: 'string' },
      ],
      legalBasis: ART_COORDINATION,
    },
    {
      id: 'bringHome',
      name: 'Persuade the citizens and bring them home',
      within: L.bringHome,
      fields: [
        { name: 'homeOn', type: 'date', required: true, notAfter: ['today'] },
        { name: 'homeAt', type: 'string', label: 'When they were home (ISO date-time)' },
        { name: 'peopleReturned', type: 'number' },
      ],
      legalBasis: ART_MASS_MATTERS,
    },
    {
      id: 'report',
      name: 'Report to the provincial chairman',
      within: L.report,
      fields: [
        { name: 'reportedOn', type: 'date', required: true, notAfter: ['today'] },
        { name: 'reportReference', type: 'string', required: true },
      ],
      legalBasis: ART_MASS_MATTERS,
    },
    {
      id: 'plan',
      name: 'Agree a resolution plan for the matter',
      within: L.plan,
      fields: [
        { name: 'planAgreedOn', type: 'date', required: true, notAfter: ['today'] },
        { name: 'planDueOn', type: 'date', required: true },
        { name: 'planReference', type: 'string' },
      ],
      legalBasis: ART_MASS_MATTERS,
    },
  ];
  steps.forEach((s, i) => step(g, s, steps[i + 1]?.id ?? 'done'));
  g.add({ type: 'endEvent', id: 'done', name: 'Citizens home, report filed, plan agreed', outcome: 'resolved' });
  return definition(
    {
      key: 'central-gathering',
      version: 1,
      name: 'Citizens gathered at a central place: bring them home and report',
      caseType: GATHERING_CASE_TYPE,
      effectiveFrom: '2014-07-01',
      legalBasis: `${ART_COORDINATION}; ${ART_MASS_MATTERS}`,
    },
    g,
  );
}

/** The gathering's steps in order (the API shows them with their tasks, limits and status). */
export const GATHERING_STEPS = ['dispatch', 'coordinate', 'bringHome', 'report', 'plan'] as const;

export const delegationReceptionV1 = delegationDefinition();
export const centralGatheringV1 = gatheringDefinition();

/** Seeded with the statutory lifecycles (db/builtin-definitions.ts). */
export const MASS_MATTER_DEFINITIONS: readonly ProcessDefinitionInput[] = [delegationReceptionV1, centralGatheringV1];
