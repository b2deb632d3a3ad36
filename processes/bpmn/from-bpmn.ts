/**
 * BPMN 2.0 XML import of the subset toBpmnXml writes. Unsupported content is reported element
 * by element; what is read then goes through validateDefinition like any authored definition.
 */
import type { ModdleElement } from 'bpmn-moddle';
import { validateDefinition, type ValidationError, type ValidationResult } from '../../workflows/engine/index.js';
import { createModdle } from './moddle.js';
import { compact, extensionsOf } from './read-extensions.js';
import { readFlow, readNode } from './read-nodes.js';
import { checkFlowElement, checkProcess, unsupported } from './unsupported.js';

const SUPPORTED_ROOTS = ['bpmn:Process', 'bpmn:Message', 'bpmn:Escalation'];

function readVariables(info: ModdleElement | undefined, errors: ValidationError[]): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const v of (info?.variables ?? []) as ModdleElement[]) {
    try {
      variables[v.name] = JSON.parse(v.value ?? '');
    } catch {
      errors.push({
        path: `process.variables.${v.name}`,
        message: `kntc:variable '${v.name}': value is not JSON (${v.value})`,
      });
    }
  }
  return variables;
}

function readProcess(process: ModdleElement, errors: ValidationError[]): Record<string, unknown> {
  const info = extensionsOf(process, 'kntc:ProcessInfo')[0];
  if (!info)
    errors.push({
      path: 'process',
      elementId: process.id,
      message: `bpmn:Process '${process.id}' has no kntc:processInfo extension (version, caseType, effectiveFrom)`,
    });
  errors.push(...checkProcess('process', process));
  const nodes: unknown[] = [];
  const flows: unknown[] = [];
  ((process.flowElements ?? []) as ModdleElement[]).forEach((el, i) => {
    const problems = checkFlowElement(`process.flowElements[${i}]`, el);
    errors.push(...problems);
    if (problems.length > 0) return;
    if (el.$type === 'bpmn:SequenceFlow') flows.push(readFlow(el));
    else nodes.push(readNode(el));
  });
  return compact({
    key: process.id,
    version: info?.version,
    name: process.name,
    caseType: info?.caseType,
    effectiveFrom: info?.effectiveFrom,
    effectiveTo: info?.effectiveTo,
    legalBasis: process.legalBasis,
    variables: readVariables(info, errors),
    nodes,
    flows,
  });
}

/**
 * Imports a definition from BPMN 2.0 XML (one process; the diagram is ignored).
 * Never throws for bad input: malformed XML, unsupported elements (each listed with type and
 * id) and validation failures all come back as errors.
 */
export async function fromBpmnXml(xml: string): Promise<ValidationResult> {
  let parsed;
  try {
    parsed = await createModdle().fromXML(xml);
  } catch (err) {
    return {
      ok: false,
      errors: [
        { path: '', message: `not a readable BPMN 2.0 document: ${err instanceof Error ? err.message : String(err)}` },
      ],
    };
  }
  const errors: ValidationError[] = parsed.warnings.map((w) => {
    const e: ValidationError = { path: '', message: `unsupported or unreadable XML: ${w.message.split('\n')[0]}` };
    if (typeof w.element?.id === 'string') e.elementId = w.element.id;
    return e;
  });
  const roots = (parsed.rootElement.rootElements ?? []) as ModdleElement[];
  roots.forEach((r, i) => {
    if (!SUPPORTED_ROOTS.includes(r.$type)) errors.push(unsupported(`rootElements[${i}]`, r));
  });
  const processes = roots.filter((r) => r.$type === 'bpmn:Process');
  if (processes.length !== 1) {
    errors.push({ path: 'rootElements', message: `expected exactly one bpmn:Process, found ${processes.length}` });
    return { ok: false, errors };
  }
  const raw = readProcess(processes[0]!, errors);
  if (errors.length > 0) return { ok: false, errors };
  return validateDefinition(raw);
}
