/**
 * The element registry: one zod schema per supported node type. `nodeSchemas` *is* the list of
 * supported element types; anything else is rejected by validateDefinition.
 */
import { z } from 'zod';
import { clockRuleSchema, timerSpecSchema } from './clock-rule.js';
import { formSchemaSchema } from './form-schema.js';
import {
  definitionKeySchema,
  elementIdSchema,
  identifierSchema,
  isoDurationSchema,
  legalBasisSchema,
} from './primitives.js';

/** Agencies a user task can be assigned within, relative to the case. */
export const AGENCY_SCOPES = ['receiving', 'resolving', 'parent', 'inspectorate'] as const;
export type AgencyScope = (typeof AGENCY_SCOPES)[number];

/** Legal events that arrive as messages. Other identifiers are allowed for agency procedures. */
export const LEGAL_MESSAGES = [
  'withdraw',
  'withdrawPartial',
  'suspend',
  'resume',
  'supplement',
  'extend',
  'markComplex',
  'holidayDecreed',
] as const;

/**
 * Escalation code the interpreter raises in a user task's scope when the task's `due` rule
 * breaches. It is caught by an escalation boundary on the task (this code or catch-all), else by
 * a process-level escalation start event, else it propagates to the parent case.
 */
export const DUE_BREACH_ESCALATION_CODE = 'overdue';

/**
 * Escalation code the interpreter raises at process level when a legal event decided within a
 * limit but recorded after it ran out (an extension or suspension dated on or before the expiry
 * day) supersedes the breach: caught only by a process-level escalation start event with exactly
 * this code (e.g. the built-ins' handler that clears the overdue flags and tells the head).
 */
export const BREACH_SUPERSEDED_ESCALATION_CODE = 'overdue_superseded';

/** A non-empty FEEL expression (syntax is checked by validateDefinition, not here). */
export const feelExpressionSchema = z.string().trim().min(1, 'must be a non-empty FEEL expression');

/** A dotted path into an activity result (`decision.number`), or `$` for the whole result. */
export const resultPathSchema = z
  .string()
  .regex(
    /^(\$|[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)$/,
    "must be a dotted path such as 'decision.number', or '$' for the whole result",
  );

const common = {
  id: elementIdSchema,
  name: z.string().optional(),
  legalBasis: legalBasisSchema.optional(),
};

const inputMappings = z.record(identifierSchema, feelExpressionSchema).default({});
const outputMappings = z.record(identifierSchema, resultPathSchema).default({});

const timerTrigger = z.strictObject({ kind: z.literal('timer'), timer: timerSpecSchema });
const messageTrigger = z.strictObject({ kind: z.literal('message'), messageName: identifierSchema });
/** Catching escalation: no code = catch every escalation. */
const escalationCatchTrigger = z.strictObject({
  kind: z.literal('escalation'),
  escalationCode: identifierSchema.optional(),
});
const escalationThrowTrigger = z.strictObject({ kind: z.literal('escalation'), escalationCode: identifierSchema });

export const retryPolicySchema = z.strictObject({
  maximumAttempts: z.int().min(1).optional(),
  initialInterval: isoDurationSchema.optional(),
  backoffCoefficient: z.number().min(1).optional(),
  maximumInterval: isoDurationSchema.optional(),
  nonRetryableErrorTypes: z.array(identifierSchema).optional(),
});
/** Temporal retry policy of a service task's activity (durations as ISO-8601). */
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const startEventSchema = z.strictObject({
  ...common,
  type: z.literal('startEvent'),
  /**
   * Absent: the process's single none start. Escalation: a process-level escalation handler
   * (the event-subprocess-like scope that catches escalations no boundary event caught).
   */
  trigger: z.strictObject({ ...escalationCatchTrigger.shape, interrupting: z.boolean().default(true) }).optional(),
});

export const endEventSchema = z.strictObject({
  ...common,
  type: z.literal('endEvent'),
  /** The case outcome recorded when a token reaches this end, e.g. resolved, withdrawn. */
  outcome: identifierSchema,
  /**
   * Terminate end event (BPMN terminateEventDefinition): reaching it ends the whole case at once —
   * every other token is discarded, open tasks, timers and clocks are cancelled, waited-for linked
   * cases are cancelled — and the case outcome is this end's outcome. Absent = a plain end event
   * (only its own token ends). Only `true` is accepted, so a definition has one spelling (and hash).
   */
  terminate: z
    .literal(true, { error: 'must be true (a terminate end event) or be left out (a plain end event)' })
    .optional(),
});

export const userTaskSchema = z.strictObject({
  ...common,
  type: z.literal('userTask'),
  name: z.string().trim().min(1, 'a user task needs a name'),
  candidateRoles: z.array(identifierSchema).min(1, 'a user task needs at least one candidate role'),
  agencyScope: z.enum(AGENCY_SCOPES),
  form: formSchemaSchema.default({ fields: [] }),
  /** Due rule of the task: drives reminder/at-risk rungs and the breach escalation. */
  due: clockRuleSchema.optional(),
});

export const serviceTaskSchema = z.strictObject({
  ...common,
  type: z.literal('serviceTask'),
  activity: identifierSchema,
  /** Activity argument name -> FEEL expression over the case variables. */
  input: inputMappings,
  /** Case variable -> path into the activity result. */
  output: outputMappings,
  retry: retryPolicySchema.optional(),
});

export const exclusiveGatewaySchema = z.strictObject({
  ...common,
  type: z.literal('exclusiveGateway'),
  /** Id of the outgoing flow taken when no condition holds (evaluated last). */
  default: elementIdSchema.optional(),
});

export const parallelGatewaySchema = z.strictObject({ ...common, type: z.literal('parallelGateway') });

export const intermediateCatchEventSchema = z.strictObject({
  ...common,
  type: z.literal('intermediateCatchEvent'),
  trigger: z.discriminatedUnion('kind', [timerTrigger, messageTrigger]),
});

export const intermediateThrowEventSchema = z.strictObject({
  ...common,
  type: z.literal('intermediateThrowEvent'),
  trigger: escalationThrowTrigger,
});

export const boundaryEventSchema = z.strictObject({
  ...common,
  type: z.literal('boundaryEvent'),
  attachedTo: elementIdSchema,
  /** Interrupting boundary events cancel the activity; non-interrupting ones fork a token. */
  interrupting: z.boolean().default(true),
  trigger: z.discriminatedUnion('kind', [timerTrigger, messageTrigger, escalationCatchTrigger]),
});

export const callActivitySchema = z.strictObject({
  ...common,
  type: z.literal('callActivity'),
  /** Key of the definition to start (selected by receipt date like any case). */
  calledKey: definitionKeySchema,
  /** Wait for the linked case to end (its escalations then reach this activity's boundary). */
  wait: z.boolean().default(true),
  input: inputMappings,
  /** Only with wait: parent variable -> path into the child's final variables. */
  output: outputMappings,
});

/** Registry of supported element types. */
export const nodeSchemas = {
  startEvent: startEventSchema,
  endEvent: endEventSchema,
  userTask: userTaskSchema,
  serviceTask: serviceTaskSchema,
  exclusiveGateway: exclusiveGatewaySchema,
  parallelGateway: parallelGatewaySchema,
  intermediateCatchEvent: intermediateCatchEventSchema,
  intermediateThrowEvent: intermediateThrowEventSchema,
  boundaryEvent: boundaryEventSchema,
  callActivity: callActivitySchema,
} as const;

export type NodeType = keyof typeof nodeSchemas;
export const NODE_TYPES = Object.keys(nodeSchemas) as NodeType[];

/** Activities: the elements boundary events can attach to. */
export const ACTIVITY_TYPES = ['userTask', 'serviceTask', 'callActivity'] as const;

export const nodeSchema = z.discriminatedUnion('type', [
  startEventSchema,
  endEventSchema,
  userTaskSchema,
  serviceTaskSchema,
  exclusiveGatewaySchema,
  parallelGatewaySchema,
  intermediateCatchEventSchema,
  intermediateThrowEventSchema,
  boundaryEventSchema,
  callActivitySchema,
]);

export type StartEvent = z.infer<typeof startEventSchema>;
export type EndEvent = z.infer<typeof endEventSchema>;
export type UserTask = z.infer<typeof userTaskSchema>;
export type ServiceTask = z.infer<typeof serviceTaskSchema>;
export type ExclusiveGateway = z.infer<typeof exclusiveGatewaySchema>;
export type ParallelGateway = z.infer<typeof parallelGatewaySchema>;
export type IntermediateCatchEvent = z.infer<typeof intermediateCatchEventSchema>;
export type IntermediateThrowEvent = z.infer<typeof intermediateThrowEventSchema>;
export type BoundaryEvent = z.infer<typeof boundaryEventSchema>;
export type CallActivity = z.infer<typeof callActivitySchema>;
/** Any node of a definition graph (normalised: defaults applied). */
export type DefinitionNode = z.infer<typeof nodeSchema>;
/** Node as authored (defaults optional). */
export type DefinitionNodeInput = z.input<typeof nodeSchema>;
export type Activity = UserTask | ServiceTask | CallActivity;

/** True for nodes boundary events may attach to. */
export function isActivity(node: DefinitionNode): node is Activity {
  return (ACTIVITY_TYPES as readonly string[]).includes(node.type);
}
