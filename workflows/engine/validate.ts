/**
 * validateDefinition: the single gate every definition passes (authored data, BPMN import,
 * registration). Three phases, each reporting every problem it finds:
 *  1. header shape (key, version, dates, ...);
 *  2. each element on its own, against the schema of its type (unknown types rejected);
 *  3. structural rules over the graph (rules/).
 */
import {
  definitionHeaderSchema,
  sequenceFlowSchema,
  type DefinitionNode,
  type ProcessDefinition,
  type SequenceFlow,
} from './definition.js';
import { NODE_TYPES, nodeSchemas, type NodeType } from './nodes.js';
import { buildGraph, STRUCTURAL_RULES, type ValidationError } from './rules/index.js';
import { fromZodIssues } from './zod-errors.js';

export type { ValidationError } from './rules/index.js';

/** Outcome of {@link validateDefinition}. */
export type ValidationResult = { ok: true; definition: ProcessDefinition } | { ok: false; errors: ValidationError[] };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseNode(raw: unknown, index: number, errors: ValidationError[]): DefinitionNode | undefined {
  const path = `nodes[${index}]`;
  if (!isRecord(raw)) {
    errors.push({ path, message: `${path}: an element must be an object` });
    return undefined;
  }
  const id = typeof raw.id === 'string' ? raw.id : undefined;
  const label = `${typeof raw.type === 'string' ? raw.type : 'element'} '${id ?? `#${index}`}'`;
  const withId = (e: ValidationError): ValidationError => (id === undefined ? e : { ...e, elementId: id });
  if (typeof raw.type !== 'string' || !(NODE_TYPES as string[]).includes(raw.type)) {
    errors.push(
      withId({
        path: `${path}.type`,
        message: `${label}: unknown element type ${JSON.stringify(raw.type)} (supported: ${NODE_TYPES.join(', ')})`,
      }),
    );
    return undefined;
  }
  const parsed = nodeSchemas[raw.type as NodeType].safeParse(raw);
  if (parsed.success) return parsed.data;
  errors.push(...fromZodIssues(parsed.error.issues, ['nodes', index], id, label));
  return undefined;
}

function parseFlow(raw: unknown, index: number, errors: ValidationError[]): SequenceFlow | undefined {
  const parsed = sequenceFlowSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
  errors.push(...fromZodIssues(parsed.error.issues, ['flows', index], id, `sequence flow '${id ?? `#${index}`}'`));
  return undefined;
}

/**
 * Validates and normalises (applies defaults to) a process definition.
 * Never throws for bad input: every problem comes back as an error naming the element.
 */
export function validateDefinition(input: unknown): ValidationResult {
  const header = definitionHeaderSchema.safeParse(input);
  if (!header.success) return { ok: false, errors: fromZodIssues(header.error.issues, []) };

  const errors: ValidationError[] = [];
  const nodes = header.data.nodes.map((raw, i) => parseNode(raw, i, errors));
  const flows = header.data.flows.map((raw, i) => parseFlow(raw, i, errors));
  if (errors.length > 0) return { ok: false, errors };

  const definition: ProcessDefinition = {
    ...header.data,
    nodes: nodes as DefinitionNode[],
    flows: flows as SequenceFlow[],
  };
  const graph = buildGraph(definition);
  const structural = STRUCTURAL_RULES.flatMap((rule) => rule(graph));
  return structural.length > 0 ? { ok: false, errors: structural } : { ok: true, definition };
}
