/**
 * bpmn-auto-layout throws on a few valid graphs (found by the round-trip property test: about one
 * random definition in 1,500; this fixture is the shrunk counterexample). Export falls back to a
 * plain grid diagram instead of failing: every node gets a shape, every flow an edge, and the XML
 * imports back to the same definition. The viewer test draws it in bpmn-js.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBpmnXml, toBpmnXml } from '../../../processes/bpmn/index.js';
import { hashDefinition, validateDefinition, type ProcessDefinitionInput } from '../../../workflows/engine/index.js';

const AUTO_LAYOUT_CRASH = JSON.parse(
  readFileSync(new URL('./fixtures/auto-layout-crash.json', import.meta.url), 'utf8'),
) as ProcessDefinitionInput;

describe('BPMN export when bpmn-auto-layout fails', () => {
  it('exports with the grid diagram: a shape per node, an edge per flow, and imports back unchanged', async () => {
    const v = validateDefinition(AUTO_LAYOUT_CRASH);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const xml = await toBpmnXml(v.definition);
    expect(xml).toContain(`BPMNPlane_${v.definition.key}`); // the grid diagram, not bpmn-auto-layout's
    for (const n of v.definition.nodes)
      expect(xml, n.id).toMatch(
        new RegExp(
          `<bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}">\\s*<dc:Bounds x="\\d+" y="\\d+" width="\\d+" height="\\d+"`,
        ),
      );
    for (const f of v.definition.flows)
      expect(xml, f.id).toContain(`<bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}">`);
    const back = await fromBpmnXml(xml);
    expect(back.ok ? [] : back.errors).toEqual([]);
    if (back.ok) expect(hashDefinition(back.definition)).toBe(hashDefinition(v.definition));
  });
});
