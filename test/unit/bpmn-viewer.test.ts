import { describe, expect, it } from 'vitest';
import { toBpmnXml } from '../../processes/bpmn/index.js';
import { renderBpmn } from '../../processes/bpmn/render.js';
import { EXAMPLE_DEFINITIONS } from '../../processes/examples/index.js';
import { validateDefinition } from '../../workflows/engine/index.js';

describe('exported BPMN opens in bpmn.io (bpmn-js in headless Chromium)', () => {
  it('every example definition imports without warnings and draws every node and flow', async () => {
    const defs = EXAMPLE_DEFINITIONS.map((d) => {
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
