import { describe, expect, it } from 'vitest';
import type { ModdleElement } from 'bpmn-moddle';
import {
  hashDefinition,
  validateDefinition,
  type ProcessDefinition,
  type ProcessDefinitionInput,
} from '../../../workflows/engine/index.js';
import {
  createModdle,
  fromBpmnXml,
  InvalidDefinitionError,
  KNTC_NAMESPACE,
  toBpmnXml,
} from '../../../processes/bpmn/index.js';
import { EXAMPLE_DEFINITIONS } from '../../../processes/examples/index.js';
import { end, flow, graph, linear, loopWithExit, start, task } from './fixtures.js';

function valid(input: unknown): ProcessDefinition {
  const result = validateDefinition(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.definition;
}

const tricky: ProcessDefinitionInput = {
  ...graph(
    [
      start,
      { ...task('xet_duyet'), name: 'Xét duyệt "đơn" <khiếu nại> & tố cáo' },
      { type: 'exclusiveGateway', id: 'gate', default: 'otherwise' },
      end(),
      end('end2', 'other'),
    ],
    [
      flow('f1', 'start', 'xet_duyet'),
      flow('f2', 'xet_duyet', 'gate'),
      flow('cond', 'gate', 'end', 'a < 3 and b = "x & y" or c > 1'),
      { id: 'otherwise', source: 'gate', target: 'end2', name: 'không' },
    ],
  ),
  key: 'tricky-text',
  legalBasis: 'Luật Tố cáo 2018 Điều 8(3) — "bảo vệ người tố cáo"',
  variables: { note: 'a "quoted" <value> & more', nested: { list: [1, null, true, 'x'] } },
};

const DEFINITIONS: ProcessDefinitionInput[] = [
  ...EXAMPLE_DEFINITIONS,
  linear(),
  tricky,
  { ...loopWithExit(), key: 'loop-with-exit' },
];

async function diagramOf(xml: string): Promise<{ shapes: string[]; edges: string[]; warnings: number }> {
  const { rootElement, warnings } = await createModdle().fromXML(xml);
  const plane: ModdleElement = rootElement.diagrams[0].plane;
  const elements = plane.planeElement as ModdleElement[];
  const ids = (type: string) =>
    elements
      .filter((e) => e.$type === type)
      .map((e) => e.bpmnElement.id as string)
      .sort();
  return { shapes: ids('bpmndi:BPMNShape'), edges: ids('bpmndi:BPMNEdge'), warnings: warnings.length };
}

describe('BPMN round trip: fromBpmnXml(toBpmnXml(d)) equals d', () => {
  it.each(DEFINITIONS.map((d) => [d.key, d] as const))('%s', async (_key, input) => {
    const def = valid(input);
    const xml = await toBpmnXml(def);
    const back = await fromBpmnXml(xml);
    expect(back.ok ? [] : back.errors).toEqual([]);
    if (!back.ok) return;
    expect(back.definition).toEqual(def);
    expect(hashDefinition(back.definition)).toBe(hashDefinition(def));
  });

  it.each(DEFINITIONS.map((d) => [d.key, d] as const))(
    '%s: export has a shape per node and an edge per flow',
    async (_key, input) => {
      const def = valid(input);
      const diagram = await diagramOf(await toBpmnXml(def));
      expect(diagram.warnings).toBe(0);
      expect(diagram.shapes).toEqual(def.nodes.map((n) => n.id).sort());
      expect(diagram.edges).toEqual(def.flows.map((f) => f.id).sort());
    },
  );

  it('is deterministic and idempotent', async () => {
    const def = valid(EXAMPLE_DEFINITIONS[1]);
    const xml = await toBpmnXml(def);
    expect(await toBpmnXml(def)).toBe(xml);
    const back = await fromBpmnXml(xml);
    expect(back.ok).toBe(true);
    if (back.ok) expect(await toBpmnXml(back.definition)).toBe(xml);
  });

  it('writes standard BPMN for the standard parts and kntc extensions for the rest', async () => {
    const xml = await toBpmnXml(EXAMPLE_DEFINITIONS[1]!);
    expect(xml).toContain(`xmlns:kntc="${KNTC_NAMESPACE}"`);
    expect(xml).toMatch(/<bpmn:exclusiveGateway id="classify" name="Is it a complaint\?" default="toReject"/);
    expect(xml).toMatch(/<bpmn:boundaryEvent id="verifyOverdue" cancelActivity="false" attachedToRef="verify"/);
    expect(xml).toContain('<bpmn:message id="Message_withdraw" name="withdraw" />');
    expect(xml).toContain('<bpmn:escalation id="Escalation_overdue" name="overdue" escalationCode="overdue" />');
    expect(xml).toMatch(
      /<kntc:clockRule ruleId="letter_handling" legalBasis="Luật Khiếu nại 2011 Art 27" amount="10" unit="working_days" from="received">/,
    );
    expect(xml).toContain('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P3D</bpmn:timeDuration>');
    expect(xml).toContain(
      '<bpmn:callActivity id="secondInstance" name="Second-instance complaint" calledElement="complaint-second" kntc:wait="true">',
    );
  });

  it('refuses to export an invalid definition', async () => {
    const bad = { ...linear(), flows: [] };
    await expect(toBpmnXml(bad)).rejects.toBeInstanceOf(InvalidDefinitionError);
    await expect(toBpmnXml(bad)).rejects.toThrow(/is unreachable from the start event/);
  });
});
