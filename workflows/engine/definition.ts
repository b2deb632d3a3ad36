/**
 * The process-definition model: zod schemas and the types inferred from them.
 * A definition is data: versioned, hashed, pinned by each case, exportable to BPMN 2.0 XML.
 * Structural rules across elements (reachability, gateways, ...) live in validate.ts.
 */
import { z } from 'zod';
import { nodeSchema } from './nodes.js';
import {
  definitionKeySchema,
  elementIdSchema,
  identifierSchema,
  isoDateSchema,
  jsonValueSchema,
  legalBasisSchema,
} from './primitives.js';

export * from './clock-rule.js';
export * from './form-schema.js';
export * from './nodes.js';
export type { JsonValue } from './primitives.js';

/** Case types of the statutory lifecycles. Agencies may add their own (any lower-case identifier). */
export const BUILT_IN_CASE_TYPES = [
  'letter',
  'complaint_first',
  'complaint_second',
  'denunciation',
  'petition',
] as const;
export type BuiltInCaseType = (typeof BUILT_IN_CASE_TYPES)[number];
/** A built-in case type or an agency-defined one (lower-case identifier). */
export type CaseType = BuiltInCaseType | (string & {});

export const caseTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case identifier such as complaint_first');

export const sequenceFlowSchema = z.strictObject({
  id: elementIdSchema,
  name: z.string().optional(),
  source: elementIdSchema,
  target: elementIdSchema,
  /** FEEL condition; allowed only on flows leaving an exclusive gateway. */
  condition: z.string().trim().min(1, 'must be a non-empty FEEL expression').optional(),
  legalBasis: legalBasisSchema.optional(),
});
/** A directed edge of the graph. */
export type SequenceFlow = z.infer<typeof sequenceFlowSchema>;

const headerShape = {
  key: definitionKeySchema,
  version: z.int().min(1, 'must be an integer >= 1'),
  name: z.string().trim().min(1, 'must not be empty'),
  caseType: caseTypeSchema,
  /** First day (inclusive) on which a case received may use this version. */
  effectiveFrom: isoDateSchema,
  /** First day on which it may no longer be used (EXCLUSIVE); absent = open-ended. */
  effectiveTo: isoDateSchema.optional(),
  legalBasis: legalBasisSchema.optional(),
  /** Default values of case variables, set when a case starts. */
  variables: z.record(identifierSchema, jsonValueSchema).default({}),
};

function checkEffectivePeriod(
  d: { effectiveFrom: string; effectiveTo?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (d.effectiveTo !== undefined && d.effectiveTo <= d.effectiveFrom) {
    ctx.addIssue({
      code: 'custom',
      path: ['effectiveTo'],
      message: `must be after effectiveFrom (${d.effectiveFrom}); effectiveTo is exclusive`,
    });
  }
}

/** Header fields with unparsed graph: used by validateDefinition to report per-element errors. */
export const definitionHeaderSchema = z
  .strictObject({ ...headerShape, nodes: z.array(z.unknown()), flows: z.array(z.unknown()) })
  .superRefine(checkEffectivePeriod);

/** The full definition schema (shape only; use validateDefinition for graph rules). */
export const processDefinitionSchema = z
  .strictObject({ ...headerShape, nodes: z.array(nodeSchema), flows: z.array(sequenceFlowSchema) })
  .superRefine(checkEffectivePeriod);

/** A normalised (validated, defaults applied) process definition. */
export type ProcessDefinition = z.infer<typeof processDefinitionSchema>;
/** A process definition as authored: defaults may be omitted. */
export type ProcessDefinitionInput = z.input<typeof processDefinitionSchema>;
