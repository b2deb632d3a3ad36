/**
 * BPMN 2.0 XML export with diagram interchange (bpmn-auto-layout), so a definition opens in
 * bpmn.io / Camunda Modeler. kntc-specific data travels as `kntc:` extensions.
 */
import type { ModdleElement } from 'bpmn-moddle';
import { layoutProcess } from 'bpmn-auto-layout';
import { validateDefinition, type ProcessDefinition, type ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { InvalidDefinitionError } from './errors.js';
import { createModdle, KNTC_NAMESPACE } from './moddle.js';
import { defined, extensionElements, processInfoElement } from './write-extensions.js';
import { writeNode, type WriteContext } from './write-nodes.js';

function link(list: ModdleElement[] | undefined, item: ModdleElement): ModdleElement[] {
  return [...(list ?? []), item];
}

/** Builds the moddle tree (without DI) of a validated definition. */
function buildDefinitions(ctx: WriteContext, def: ProcessDefinition): ModdleElement {
  const { m } = ctx;
  const elements = new Map<string, ModdleElement>();
  for (const node of def.nodes) elements.set(node.id, writeNode(ctx, node));
  const flows = def.flows.map((f) => {
    const source = elements.get(f.source)!;
    const target = elements.get(f.target)!;
    const flow = m.create('bpmn:SequenceFlow', defined({
      id: f.id, name: f.name, legalBasis: f.legalBasis, sourceRef: source, targetRef: target,
      conditionExpression: f.condition === undefined ? undefined : m.create('bpmn:FormalExpression', { body: f.condition }),
    }));
    // incoming/outgoing are what bpmn-auto-layout follows to place shapes and route edges.
    source.outgoing = link(source.outgoing, flow);
    target.incoming = link(target.incoming, flow);
    return flow;
  });
  const flowById = new Map(flows.map((f) => [f.id as string, f]));
  for (const node of def.nodes) {
    const el = elements.get(node.id)!;
    if (node.type === 'boundaryEvent') el.attachedToRef = elements.get(node.attachedTo);
    if (node.type === 'exclusiveGateway' && node.default !== undefined) el.default = flowById.get(node.default);
  }
  const process = m.create('bpmn:Process', defined({
    id: def.key, name: def.name, isExecutable: true, legalBasis: def.legalBasis,
    extensionElements: extensionElements(m, [processInfoElement(m, def)]),
    flowElements: [...elements.values(), ...flows],
  }));
  return m.create('bpmn:Definitions', {
    id: `Definitions_${def.key}`, targetNamespace: KNTC_NAMESPACE, exporter: 'kntc-flow', exporterVersion: '1',
    rootElements: [...ctx.messages.values(), ...ctx.escalations.values(), process],
  });
}

/**
 * Exports a definition to BPMN 2.0 XML with an auto-laid-out diagram.
 * The definition is validated (and normalised) first.
 * @throws InvalidDefinitionError when the definition does not validate.
 */
export async function toBpmnXml(definition: ProcessDefinition | ProcessDefinitionInput): Promise<string> {
  const valid = validateDefinition(definition);
  if (!valid.ok) throw new InvalidDefinitionError(valid.errors);
  const ctx: WriteContext = { m: createModdle(), messages: new Map(), escalations: new Map() };
  const { xml } = await ctx.m.toXML(buildDefinitions(ctx, valid.definition), { format: true });
  return layoutProcess(xml);
}
