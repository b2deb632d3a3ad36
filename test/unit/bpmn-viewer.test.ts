import { describe, expect, it } from 'vitest';
import { toBpmnXml } from '../../processes/bpmn/index.js';
import { renderBpmn } from '../../processes/bpmn/render.js';
import { EXAMPLE_DEFINITIONS } from '../../processes/examples/index.js';
import { validateDefinition, type ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { readFileSync } from 'node:fs';

/** A definition bpmn-auto-layout cannot lay out: exported with the grid diagram (test/unit/engine/bpmn-layout-fallback.test.ts). */
const AUTO_LAYOUT_CRASH = JSON.parse(
  readFileSync(new URL('./engine/fixtures/auto-layout-crash.json', import.meta.url), 'utf8'),
) as ProcessDefinitionInput;

describe('exported BPMN opens in bpmn.io (bpmn-js in headless Chromium)', () => {
  it('every example definition (and one on the grid-layout fallback) imports without warnings and draws every node and flow', async () => {
    const defs = [...EXAMPLE_DEFINITIONS, AUTO_LAYOUT_CRASH].map((d) => {
      const r = validateDefinition(d);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.definition;
    });
    const rendered = await renderBpmn(await Promise.all(defs.map((d) => toBpmnXml(d))));
    rendered.forEach((r, i) => {
      const d = defs[i]!;
      expect(r.warnings, d.key).toEqual([]);
      expect(r.connections, d.key).toBe(d.flows.length);
      // every node is drawn (boundary events included); the process itself and labels add shapes
      expect(r.shapes, d.key).toBeGreaterThanOrEqual(d.nodes.length);
      expect(r.svg).toContain('<svg');
      for (const n of d.nodes) expect(r.svg, `${d.key}/${n.id}`).toContain(`data-element-id="${n.id}"`);
    });
  });
});
