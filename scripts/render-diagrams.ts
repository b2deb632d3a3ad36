// Renders every built-in and example definition with bpmn-js (headless Chromium) into docs/diagrams/*.svg.
// `npx tsx scripts/render-diagrams.ts`
import fs from 'node:fs';
import path from 'node:path';
import { toBpmnXml } from '../processes/bpmn/index.js';
import { renderBpmn } from '../processes/bpmn/render.js';
import { BUILTIN_DEFINITIONS } from '../processes/builtin/index.js';
import { EXAMPLE_DEFINITIONS } from '../processes/examples/index.js';
import { ROOT } from '../platform/config.js';
import { validateDefinition } from '../workflows/engine/index.js';

const out = path.join(ROOT, 'docs', 'diagrams');
fs.mkdirSync(out, { recursive: true });
const defs = [...BUILTIN_DEFINITIONS, ...EXAMPLE_DEFINITIONS].map((d) => {
  const r = validateDefinition(d);
  if (!r.ok) throw new Error(`${(d as { key?: string }).key}: ${JSON.stringify(r.errors)}`);
  return r.definition;
});
const xmls = await Promise.all(defs.map((d) => toBpmnXml(d)));
const rendered = await renderBpmn(xmls);
rendered.forEach((r, i) => {
  const d = defs[i]!;
  const base = `${d.key}-v${d.version}`;
  fs.writeFileSync(path.join(out, `${base}.svg`), r.svg);
  fs.writeFileSync(path.join(out, `${base}.bpmn`), xmls[i]!);
  console.log(
    `${base}: ${r.shapes} shapes, ${r.connections} flows${r.warnings.length ? `, warnings: ${r.warnings.join('; ')}` : ''}`,
  );
});
