import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Where Debian's Chromium lives (override with CHROMIUM_PATH). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RenderedDiagram {
  svg: string;
  /** Import warnings reported by bpmn-js (unknown elements, missing DI, …). Empty for a clean import. */
  warnings: string[];
  /** Number of shapes and connections drawn. */
  shapes: number;
  connections: number;
}

/**
 * Renders BPMN 2.0 XML with **bpmn-js** (the bpmn.io viewer, the same engine as Camunda Modeler) in headless
 * Chromium, loaded from node_modules (no CDN). Used to prove that exports open in a real BPMN viewer and to
 * produce the diagrams in docs/diagrams/.
 */
export async function renderBpmn(xmls: string[]): Promise<RenderedDiagram[]> {
  const viewerJs = fs.readFileSync(require.resolve('bpmn-js/dist/bpmn-viewer.production.min.js'), 'utf8');
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(
      '<!doctype html><html><body><div id="canvas" style="width:1600px;height:900px"></div></body></html>',
    );
    await page.addScriptTag({ content: viewerJs });
    const out: RenderedDiagram[] = [];
    for (const xml of xmls) {
      out.push(
        await page.evaluate(async (x: string) => {
          const w = globalThis as unknown as {
            BpmnJS: new (o: unknown) => {
              importXML(x: string): Promise<{ warnings: Array<{ message: string }> }>;
              saveSVG(): Promise<{ svg: string }>;
              get(n: string): { getAll(): Array<{ waypoints?: unknown }> };
              destroy(): void;
            };
          };
          const viewer = new w.BpmnJS({ container: '#canvas' });
          const { warnings } = await viewer.importXML(x);
          const { svg } = await viewer.saveSVG();
          const all = viewer.get('elementRegistry').getAll();
          const connections = all.filter((e) => e.waypoints).length;
          viewer.destroy();
          return { svg, warnings: warnings.map((wa) => wa.message), shapes: all.length - connections, connections };
        }, xml),
      );
    }
    return out;
  } finally {
    await browser.close();
  }
}
