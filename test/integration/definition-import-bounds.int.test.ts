/**
 * Issue 11.5: one BPMN import cannot stall the process. Documents outside the bounds (size → 413,
 * element count / nesting → 422) are refused before they are parsed; a document within them is
 * parsed in a worker thread while `/healthz` keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BPMN_BYTES, MAX_BPMN_DEPTH, MAX_BPMN_ELEMENTS } from '../../processes/bpmn/bounds.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let admin: Record<string, string>;
let xml: string;

beforeAll(async () => {
  api = await startTestApi();
  // complaint-first is a system-level key (ADR 0013): its versions are registered by the system level.
  admin = await authHeader({ roles: ['admin', 'system_admin'] });
  const r = await fetch(`${api.url}/v1/definitions/complaint-first/versions/2/bpmn`, { headers: admin });
  xml = await r.text();
});
afterAll(async () => {
  await api?.close();
});

const importXml = (body: string) =>
  fetch(`${api.url}/v1/definitions?owner=system`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/xml' },
    body,
  });
const withVersion = (doc: string, v: number) => doc.replace(/(<kntc:processInfo[^>]*\bversion=")2(")/, `$1${v}$2`);
const beforeStart = (doc: string, inserted: string) => doc.replace('<bpmn:startEvent ', `${inserted}<bpmn:startEvent `);

describe('BPMN import bounds and the event loop', () => {
  it('a large document within the bounds is imported in a worker thread while /healthz keeps answering', async () => {
    const doc = withVersion(xml, 7);
    expect(doc).not.toBe(xml);
    let done = false;
    const importing = importXml(doc).finally(() => {
      done = true;
    });
    let answeredMeanwhile = 0;
    while (!done) {
      const h = await fetch(`${api.url}/healthz`);
      // Counted only when the health check answered while the import had not: the loop was free.
      if (h.status === 200 && !done) answeredMeanwhile += 1;
    }
    const r = await importing;
    expect(r.status, await r.clone().text()).toBe(201);
    expect(answeredMeanwhile).toBeGreaterThan(0);
    expect(await api.tdb.db('process_definitions').where({ key: 'complaint-first', version: 7 }).first()).toBeDefined();
  });

  it(`more than ${MAX_BPMN_ELEMENTS} elements → 422 before parsing (and /healthz answers meanwhile)`, async () => {
    const tasks = Array.from({ length: MAX_BPMN_ELEMENTS + 1 }, (_, i) => `<bpmn:task id="pad${i}" />`).join('');
    const doc = beforeStart(withVersion(xml, 8), tasks);
    expect(doc.length).toBeGreaterThan(800_000);
    const [r, h] = await Promise.all([importXml(doc), fetch(`${api.url}/healthz`)]);
    expect(h.status).toBe(200);
    expect(r.status).toBe(422);
    const body = (await r.json()) as { detail: string; errors: Array<{ message: string }> };
    expect(body.detail).toContain(`more than ${MAX_BPMN_ELEMENTS} XML elements`);
    expect(
      await api.tdb.db('process_definitions').where({ key: 'complaint-first', version: 8 }).first(),
    ).toBeUndefined();
  });

  it(`nesting deeper than ${MAX_BPMN_DEPTH} → 422`, async () => {
    const n = MAX_BPMN_DEPTH + 5;
    const doc = beforeStart(withVersion(xml, 9), `${'<x:a xmlns:x="urn:x">'.repeat(n)}${'</x:a>'.repeat(n)}`);
    const r = await importXml(doc);
    expect(r.status).toBe(422);
    expect(((await r.json()) as { detail: string }).detail).toContain(`more than ${MAX_BPMN_DEPTH} deep`);
  });

  it(`more than ${MAX_BPMN_BYTES} bytes → 413`, async () => {
    const doc = beforeStart(withVersion(xml, 10), `<!-- ${'x'.repeat(MAX_BPMN_BYTES)} -->`);
    const r = await importXml(doc);
    expect(r.status).toBe(413);
    expect(r.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('a non-admin is refused before anything is parsed (403)', async () => {
    const r = await fetch(`${api.url}/v1/definitions`, {
      method: 'POST',
      headers: { ...(await authHeader({ roles: ['officer'] })), 'content-type': 'application/xml' },
      body: withVersion(xml, 11),
    });
    expect(r.status).toBe(403);
  });
});
