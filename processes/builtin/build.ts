/**
 * Small builders for the built-in definitions: they keep the definitions readable as data
 * (one line per element) and make the recurring statutory patterns — a clock with rungs, a
 * document record, a case event, the escalation of a breach, legal-event boundaries — identical
 * everywhere. Output is plain {@link ProcessDefinitionInput} data; nothing here runs a case.
 */
import type {
  BoundaryEvent,
  ClockExtensionPolicy,
  ClockRule,
  ClockUnit,
  DefinitionNodeInput,
  FormField,
  ProcessDefinitionInput,
  SequenceFlow,
} from '../../workflows/engine/index.js';
import { BREACH_SUPERSEDED_ESCALATION_CODE, DUE_BREACH_ESCALATION_CODE } from '../../workflows/engine/index.js';

/** Activities the built-in definitions call (implemented in activities/, listed in ADR 0007). */
export const ACTIVITY = {
  /** Records a named case event and its date; clocks with `from: <event>` count from it. */
  recordCaseEvent: 'recordCaseEvent',
  /** Records a notice/decision: type, recipients (role references), issued/sent/received dates. */
  recordDocument: 'recordDocument',
  /** Sets a case flag (overdue, mass_case, ...) in the projection and returns it as a variable. */
  setCaseFlag: 'setCaseFlag',
  /** Records a notification (who is told what; delivery is the notification service's job). */
  recordNotification: 'recordNotification',
  /** Wraps processes/builtin/representatives.ts validateRepresentatives (party refs resolved Node-side). */
  checkRepresentatives: 'checkRepresentatives',
  /** Wraps processes/builtin/limitation.ts complaintLimitation with the agency calendar. */
  checkComplaintLimitation: 'checkComplaintLimitation',
  /**
   * A statutory limit on the agency calendar ({start, amount, unit} -> {due}; BLDS 2015 Art 147-148), for a
   * definition's own date checks: K6 second-complaint window (KN Art 33(1)), K11a meeting notice.
   */
  computeDeadline: 'computeDeadline',
  /** Records an assumption/warning on the case (e.g. the stricter acceptance unit was applied). */
  recordWarning: 'recordWarning',
} as const;

/** Roles used by the built-in tasks. */
export const ROLE = {
  reception: 'reception_officer',
  letterOfficer: 'letter_officer',
  resolver: 'resolver',
  verifier: 'verifier',
  head: 'agency_head',
  higherHead: 'higher_agency_head',
  inspectorate: 'inspector',
} as const;

/**
 * The API's coarse role (api/auth/principal.ts ROLES) of each functional role. Every built-in task
 * lists both, so an inbox can filter by function while authorisation can match the API role.
 */
export const API_ROLE_OF: Readonly<Record<string, string>> = {
  reception_officer: 'intake',
  letter_officer: 'intake',
  resolver: 'officer',
  verifier: 'officer',
  inspector: 'officer',
  case_officer: 'officer',
  agency_head: 'supervisor',
  higher_agency_head: 'supervisor',
};

/** Functional roles followed by their API roles (deduplicated, order kept). */
export function withApiRoles(roles: readonly string[]): string[] {
  return [...new Set([...roles, ...roles.flatMap((r) => (API_ROLE_OF[r] ? [API_ROLE_OF[r]] : []))])];
}

/**
 * Default rungs: a reminder at about a third of the budget left, "at risk" near the end. Month/year
 * limits (citizens' windows, retention) get none.
 */
export function defaultRungs(amount: number, unit: ClockUnit = 'calendar_days'): NonNullable<ClockRule['rungs']> {
  if (unit === 'months' || unit === 'years') return [];
  if (amount <= 1) return [];
  if (amount === 2) return [{ name: 'at_risk', daysBefore: 1 }];
  const reminder = Math.max(2, Math.round(amount / 3));
  const atRisk = Math.max(1, Math.round(amount / 10));
  return [
    { name: 'reminder', daysBefore: reminder },
    { name: 'at_risk', daysBefore: Math.min(atRisk, reminder - 1) },
  ];
}

/** A statutory clock rule with default rungs. */
export function clock(
  ruleId: string,
  legalBasis: string,
  amount: number,
  unit: ClockUnit,
  from: string,
  opts: { suspensionBasis?: string; suspendableFrom?: string; extension?: ClockExtensionPolicy } = {},
): ClockRule {
  const rungs = defaultRungs(amount, unit);
  return {
    ruleId,
    legalBasis,
    amount,
    unit,
    from,
    ...(rungs.length > 0 ? { rungs } : {}),
    ...(opts.suspensionBasis ? { suspensionBasis: opts.suspensionBasis } : {}),
    ...(opts.suspensionBasis && opts.suspendableFrom ? { suspendableFrom: opts.suspendableFrom } : {}),
    ...(opts.extension ? { extension: opts.extension } : {}),
  };
}

export type FieldInput = Omit<FormField, 'required'> & { required?: boolean };

/** The date rules of a form's date field (ADR 0017): which days the law allows it to hold. */
export type DateRule = Pick<FormField, 'notBefore' | 'notAfter'>;
/** Date-rule shorthands: every date of a case falls on or after its receipt (`received`). */
export const when = {
  /** Records an act already done: not before receipt nor the earlier steps named, not after today (Vietnam). */
  past: (...after: string[]): DateRule => ({ notBefore: ['received', ...after], notAfter: ['today'] }),
  /** A day set ahead (a scheduled dialogue, a posting's end, a stay's limit): not before receipt nor the steps named. */
  planned: (...after: string[]): DateRule => ({ notBefore: ['received', ...after] }),
  /** A day of an earlier proceeding (it may precede this case's receipt): not after today. */
  before: (): DateRule => ({ notAfter: ['today'] }),
};

/** Form-field shorthands. */
export const field = {
  str: (name: string, label?: string, required = false): FieldInput => ({
    name,
    type: 'string',
    required,
    ...(label ? { label } : {}),
  }),
  num: (name: string, label?: string, required = false): FieldInput => ({
    name,
    type: 'number',
    required,
    ...(label ? { label } : {}),
  }),
  bool: (name: string, label?: string, required = false): FieldInput => ({
    name,
    type: 'boolean',
    required,
    ...(label ? { label } : {}),
  }),
  date: (name: string, label?: string, required = false, rule: DateRule = {}): FieldInput => ({
    name,
    type: 'date',
    required,
    ...(label ? { label } : {}),
    ...rule,
  }),
  oneOf: (name: string, values: readonly string[], label?: string, required = false): FieldInput => ({
    name,
    type: 'enum',
    values: [...values],
    required,
    ...(label ? { label } : {}),
  }),
  manyOf: (name: string, values: readonly string[], label?: string, required = false): FieldInput => ({
    name,
    type: 'array',
    itemType: 'enum',
    values: [...values],
    required,
    ...(label ? { label } : {}),
  }),
  refs: (name: string, label?: string, required = false): FieldInput => ({
    name,
    type: 'array',
    itemType: 'string',
    required,
    ...(label ? { label } : {}),
  }),
};

/** FEEL string literal. */
export const lit = (s: string): string => JSON.stringify(s);
/** FEEL list of string literals. */
export const litList = (xs: readonly string[]): string => `[${xs.map(lit).join(', ')}]`;

/** Accumulates nodes and flows; flow ids are derived from their ends. */
export class GraphBuilder {
  readonly nodes: DefinitionNodeInput[] = [];
  readonly flows: SequenceFlow[] = [];
  private readonly flowIds = new Set<string>();

  add(...nodes: DefinitionNodeInput[]): this {
    this.nodes.push(...nodes);
    return this;
  }

  /** A flow source -> target (optionally conditional). Returns the flow id. */
  flow(
    source: string,
    target: string,
    opts: { condition?: string; name?: string; legalBasis?: string; id?: string } = {},
  ): string {
    let id = opts.id ?? `f.${source}.${target}`;
    for (let i = 2; this.flowIds.has(id); i++) id = `f.${source}.${target}.${i}`;
    this.flowIds.add(id);
    this.flows.push({
      id,
      source,
      target,
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.condition ? { condition: opts.condition } : {}),
      ...(opts.legalBasis ? { legalBasis: opts.legalBasis } : {}),
    });
    return id;
  }

  /** Flows a -> b -> c ... */
  chain(...ids: string[]): this {
    for (let i = 1; i < ids.length; i++) this.flow(ids[i - 1]!, ids[i]!);
    return this;
  }

  /**
   * An exclusive gateway with ordered conditional branches and a default branch.
   * Conditions are evaluated in order; the default is taken last.
   */
  choice(
    id: string,
    name: string,
    branches: ReadonlyArray<{ to: string; when: string; name?: string; legalBasis?: string }>,
    otherwise: { to: string; name?: string },
  ): this {
    const defaultId = `f.${id}.default`;
    this.add({ type: 'exclusiveGateway', id, name, default: defaultId });
    for (const b of branches) {
      this.flow(id, b.to, {
        condition: b.when,
        ...(b.name ? { name: b.name } : {}),
        ...(b.legalBasis ? { legalBasis: b.legalBasis } : {}),
      });
    }
    this.flow(id, otherwise.to, { id: defaultId, name: otherwise.name ?? 'otherwise' });
    return this;
  }

  /** A plain merge (exclusive gateway, one outgoing flow). */
  merge(id: string, to: string): this {
    this.add({ type: 'exclusiveGateway', id, name: 'merge' });
    this.flow(id, to);
    return this;
  }

  /**
   * Boundary events with the same trigger on several hosts, all flowing to `target`
   * (usually a merge gateway). Ids: `<host>.<suffix>`.
   */
  boundaries(
    hosts: readonly string[],
    suffix: string,
    trigger: BoundaryEvent['trigger'],
    interrupting: boolean,
    target: string,
    legalBasis?: string,
  ): this {
    for (const host of hosts) {
      const id = `${host}.${suffix}`;
      this.add({
        type: 'boundaryEvent',
        id,
        attachedTo: host,
        interrupting,
        trigger,
        ...(legalBasis ? { legalBasis } : {}),
      });
      this.flow(id, target);
    }
    return this;
  }
}

/** A user task. */
export function userTask(
  id: string,
  name: string,
  roles: string[],
  scope: 'receiving' | 'resolving' | 'parent' | 'inspectorate',
  fields: FieldInput[],
  opts: { due?: ClockRule; legalBasis?: string } = {},
): DefinitionNodeInput {
  return {
    type: 'userTask',
    id,
    name,
    candidateRoles: withApiRoles(roles),
    agencyScope: scope,
    form: { fields: fields as FormField[] },
    ...(opts.due ? { due: opts.due } : {}),
    ...(opts.legalBasis ? { legalBasis: opts.legalBasis } : opts.due ? { legalBasis: opts.due.legalBasis } : {}),
  };
}

/** Service task recording case event `event` on the date given by FEEL expression `on`. */
export function recordEvent(id: string, event: string, on: string, legalBasis?: string): DefinitionNodeInput {
  return {
    type: 'serviceTask',
    id,
    name: `Record case event ${event}`,
    activity: ACTIVITY.recordCaseEvent,
    input: { event: lit(event), on },
    output: {},
    ...(legalBasis ? { legalBasis } : {}),
  };
}

/** What a document record says (FEEL expressions for the dates; null when not yet known). */
export interface DocumentSpec {
  type: string;
  recipients: readonly string[];
  legalBasis: string;
  issuedOn?: string;
  sentOn?: string;
  receivedOn?: string;
  /** Extra inputs (FEEL), e.g. the number of the decision. */
  extra?: Record<string, string>;
}

/** Service task `recordDocument`: every notice or decision the law requires leaves a record. */
export function recordDocument(id: string, spec: DocumentSpec): DefinitionNodeInput {
  return {
    type: 'serviceTask',
    id,
    name: `Record document ${spec.type}`,
    activity: ACTIVITY.recordDocument,
    legalBasis: spec.legalBasis,
    input: {
      type: lit(spec.type),
      recipients: litList(spec.recipients),
      legalBasis: lit(spec.legalBasis),
      issuedOn: spec.issuedOn ?? 'null',
      sentOn: spec.sentOn ?? 'null',
      receivedOn: spec.receivedOn ?? 'null',
      ...(spec.extra ?? {}),
    },
    output: { [`${id.replace(/\W/g, '_')}_documentId`]: 'documentId' },
  };
}

/** Service task setting case flag `flag` (stored in variable `flagVariable` = true). */
export function setFlag(id: string, flag: string, flagVariable: string, legalBasis?: string): DefinitionNodeInput {
  return {
    type: 'serviceTask',
    id,
    name: `Flag case ${flag}`,
    activity: ACTIVITY.setCaseFlag,
    input: { flag: lit(flag), value: 'true' },
    output: { [flagVariable]: 'value' },
    ...(legalBasis ? { legalBasis } : {}),
  };
}

/** Service task recording a notification. */
export function notify(id: string, kind: string, to: readonly string[], legalBasis?: string): DefinitionNodeInput {
  return {
    type: 'serviceTask',
    id,
    name: `Notify ${to.join(', ')}: ${kind}`,
    activity: ACTIVITY.recordNotification,
    input: { kind: lit(kind), to: litList(to) },
    output: {},
    ...(legalBasis ? { legalBasis } : {}),
  };
}

/**
 * The generic breach escalation of every definition (spec §6.1): a process-level, non-interrupting
 * handler of the `overdue` escalation that every user task's due breach raises: flag the case
 * overdue, record a notification to the head, open a task for the head.
 */
export function addOverdueHandler(g: GraphBuilder, prefix = 'overdue'): void {
  g.add(
    {
      type: 'startEvent',
      id: `${prefix}.start`,
      name: 'A statutory deadline was breached',
      legalBasis: ART_ESCALATION,
      trigger: { kind: 'escalation', escalationCode: DUE_BREACH_ESCALATION_CODE, interrupting: false },
    },
    ...breachSteps(prefix, 'deadline_breach'),
  );
  g.chain(`${prefix}.start`, `${prefix}.flag`, `${prefix}.notify`, `${prefix}.headReview`, `${prefix}.end`);
  // A legal event decided within the limit but recorded after it ran out (an extension, TC Art 30 /
  // KN Art 28, 37; a suspension, TC Art 34(2) / KN Art 11a) moved the limit past the breach: the
  // interpreter cancels the breach's own path (the head's review, windows counted from the expiry)
  // and raises this; the resolution-overdue flag is cleared and the head is told the breach no longer
  // stands (the case's `overdue` flag is the interpreter's: cleared when no breach stands, ADR 0018).
  const clear = (id: string, flag: string, variable: string): DefinitionNodeInput => ({
    type: 'serviceTask',
    id,
    name: `Clear case flag ${flag}`,
    activity: ACTIVITY.setCaseFlag,
    input: { flag: lit(flag), value: 'false' },
    output: { [variable]: 'value' },
    legalBasis: ART_SUPERSEDED,
  });
  g.add(
    {
      type: 'startEvent',
      id: `${prefix}.superseded.start`,
      name: 'A breach was superseded by a legal event decided within the limit',
      legalBasis: ART_SUPERSEDED,
      trigger: { kind: 'escalation', escalationCode: BREACH_SUPERSEDED_ESCALATION_CODE, interrupting: false },
    },
    clear(`${prefix}.superseded.resolution`, 'resolution_overdue', 'resolutionOverdue'),
    notify(
      `${prefix}.superseded.notify`,
      'deadline_breach_superseded',
      ['agency_head', 'case_officer'],
      ART_SUPERSEDED,
    ),
    { type: 'endEvent', id: `${prefix}.superseded.end`, outcome: 'breach_superseded' },
  );
  g.chain(
    `${prefix}.superseded.start`,
    `${prefix}.superseded.resolution`,
    `${prefix}.superseded.notify`,
    `${prefix}.superseded.end`,
  );
}

/**
 * Representatives of several people who complain / denounce together, checked before the case can
 * be accepted (ADR 0018): `start` -> (several signers?) -> `representatives` (the
 * checkRepresentatives activity: 5-10 people appoint 1 or 2, more than 10 up to 5, each one of the
 * signers) -> while the appointment does not hold, `appointRepresentatives` (the signers are asked
 * to appoint them in writing) and check again -> `next`. Acceptance needs the signatures and the
 * written appointment (TT 07/2013 Art 5(1) / NĐ 124/2020 Art 16(1); Luật Tố cáo 2018 Art 23).
 * Returns the id of the entry gateway.
 */
export function representativesStep(g: GraphBuilder, next: string, legalBasis: string, roles: string[]): string {
  g.choice(
    'representatives.needed',
    'Several signers? (representatives)',
    [{ to: 'representatives', when: 'signersCount != null and signersCount > 1', legalBasis }],
    { to: next, name: 'one signer' },
  );
  g.add(
    {
      type: 'serviceTask',
      id: 'representatives',
      name: 'Check the representatives (number and who)',
      activity: ACTIVITY.checkRepresentatives,
      legalBasis,
      input: { signers: 'signerRefs', representatives: 'representativeRefs', signerCount: 'signersCount' },
      output: { representativesOk: 'ok', massCase: 'massCase', representativeErrors: 'errors' },
    },
    userTask(
      'appointRepresentatives',
      'Ask the signers to appoint their representatives in writing (acceptance waits)',
      roles,
      'resolving',
      [
        field.refs('representativeRefs', 'Người đại diện (tham chiếu, là người ký đơn)', true),
        field.str('appointmentDocumentRef', 'Văn bản cử người đại diện', true),
      ],
      { legalBasis },
    ),
  );
  g.flow('representatives', 'representatives.ok');
  g.choice(
    'representatives.ok',
    'Representatives valid?',
    [{ to: 'appointRepresentatives', when: 'representativesOk = false', legalBasis }],
    { to: next },
  );
  g.flow('appointRepresentatives', 'representatives');
  return 'representatives.needed';
}

/** An extension or suspension takes effect from its decision's date (the decision is dated within the limit). */
const ART_SUPERSEDED = 'Luật Tố cáo 2018 Art 30, 34(2); Luật Khiếu nại 2011 Art 28, 37, 11a (sửa đổi 2025)';

const ART_ESCALATION =
  'TT 07/2014/TT-TTCP Art 7(3); Luật Tiếp công dân 2013 Art 26(1)(b); NĐ 124/2020 Art 41, NĐ 31/2019 Art 22 as amended [S]';

/** Form of the head's overdue review. */
export const headReviewFields: FieldInput[] = [
  field.oneOf(
    'overdueAction',
    ['direct_resolution', 'reassign', 'take_over', 'discipline_referral', 'noted'],
    'Chỉ đạo xử lý',
    true,
  ),
  field.str('overdueInstruction', 'Nội dung chỉ đạo'),
];

/** flag -> notification -> head task -> end, ids `<prefix>.flag|notify|headReview|end`. */
export function breachSteps(prefix: string, kind: string, legalBasis = ART_ESCALATION): DefinitionNodeInput[] {
  return [
    setFlag(`${prefix}.flag`, 'overdue', 'overdue', legalBasis),
    notify(`${prefix}.notify`, kind, ['agency_head', 'case_officer'], legalBasis),
    userTask(`${prefix}.headReview`, 'Head reviews the overdue case', [ROLE.head], 'resolving', headReviewFields, {
      legalBasis,
    }),
    { type: 'endEvent', id: `${prefix}.end`, outcome: 'overdue_reviewed' },
  ];
}

/**
 * Issue a decision/notice, record its issuance as a case event, send it within a clock, record
 * the document. Nodes `<id>.issue`, `<id>.issued`, `<id>.send`, `<id>.doc`; returns [first, last].
 */
export function issueAndSend(
  g: GraphBuilder,
  id: string,
  spec: {
    title: string;
    docType: string;
    recipients: readonly string[];
    legalBasis: string;
    issueFields?: FieldInput[];
    event: string;
    send?: ClockRule;
    roles?: string[];
  },
): [string, string] {
  const issuedVar = `${id.replace(/\W/g, '_')}_issuedOn`;
  const sentVar = `${id.replace(/\W/g, '_')}_sentOn`;
  const receivedVar = `${id.replace(/\W/g, '_')}_receivedOn`;
  g.add(
    userTask(
      `${id}.issue`,
      `Issue: ${spec.title}`,
      spec.roles ?? [ROLE.resolver],
      'resolving',
      [
        field.date(issuedVar, 'Ngày ban hành', true, when.past()),
        field.str(`${id.replace(/\W/g, '_')}_number`, 'Số văn bản'),
        ...(spec.issueFields ?? []),
      ],
      { legalBasis: spec.legalBasis },
    ),
    recordEvent(`${id}.issued`, spec.event, issuedVar, spec.legalBasis),
    userTask(
      `${id}.send`,
      `Send: ${spec.title}`,
      [ROLE.letterOfficer, ROLE.resolver],
      'resolving',
      [
        field.date(sentVar, 'Ngày gửi', true, when.past(issuedVar)),
        field.date(receivedVar, 'Ngày người nhận nhận được', false, when.past(sentVar)),
        field.refs(`${id.replace(/\W/g, '_')}_recipientRefs`, 'Người nhận (tham chiếu)'),
      ],
      spec.send ? { due: spec.send } : { legalBasis: spec.legalBasis },
    ),
    recordDocument(`${id}.doc`, {
      type: spec.docType,
      recipients: spec.recipients,
      legalBasis: spec.send?.legalBasis ?? spec.legalBasis,
      issuedOn: issuedVar,
      sentOn: sentVar,
      receivedOn: receivedVar,
    }),
  );
  g.chain(`${id}.issue`, `${id}.issued`, `${id}.send`, `${id}.doc`);
  return [`${id}.issue`, `${id}.doc`];
}

/**
 * The legal end of a case: a *terminate* end event (BPMN terminateEventDefinition; ADR 0005
 * follow-up). Reaching it ends the whole case at once with `outcome`: what is still pending on
 * other branches — a head's review of an overdue step, a suspension decision's dispatch, a
 * citizen's window timer (K6/K7) — is cancelled. A window the law gives the citizen is not a duty
 * of the agency and does not keep the case open: its start stays recorded as a case event (e.g.
 * `resolutionDeadlineExpired`, `decisionReceived`, `terminationIssued`) and its end follows from
 * the rule (ADR 0007, "When a case is legally finished"). Use it only where the law ends the case,
 * citing the article; an agency duty still due after it (C8 retention, T12 report) must come first.
 */
export function caseEnd(id: string, outcome: string, legalBasis: string): DefinitionNodeInput {
  return {
    type: 'endEvent',
    id,
    name: `Case closed: ${outcome.replace(/_/g, ' ')}`,
    outcome,
    terminate: true,
    legalBasis,
  };
}

/** Assembles a definition from a builder. */
export function definition(
  header: Omit<ProcessDefinitionInput, 'nodes' | 'flows'>,
  g: GraphBuilder,
): ProcessDefinitionInput {
  return { ...header, nodes: g.nodes, flows: g.flows };
}
