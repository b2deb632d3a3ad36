/**
 * The definition registry through the API: built-ins registered at start (idempotently; a changed
 * built-in without a new version is a start-up error), list/get, register (JSON and BPMN XML),
 * immutability (409, and the table refuses UPDATE/DELETE), 422 naming elements, BPMN round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBuiltinDefinitions } from '../../db/builtin-definitions.js';
import { MASS_MATTER_DEFINITIONS } from '../../processes/builtin/mass.js';
import { createDefinitionStore, DefinitionVersionExists, registerDefinitions } from '../../db/definitions.js';
import { BUILTIN_DEFINITIONS } from '../../processes/builtin/index.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
let admin: Record<string, string>;
let officer: Record<string, string>;

const custom = {
  key: 'agency-feedback',
  version: 1,
  name: 'Phản ánh — quy trình của Sở',
  caseType: 'agency_feedback',
  effectiveFrom: '2026-07-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'answer',
      name: 'Trả lời phản ánh',
      candidateRoles: ['resolver'],
      agencyScope: 'resolving',
      form: { fields: [{ name: 'answer', type: 'string', required: true }] },
    },
    { type: 'endEvent', id: 'end', outcome: 'answered' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'answer' },
    { id: 'f2', source: 'answer', target: 'end' },
  ],
};

beforeAll(async () => {
  api = await startTestApi();
  admin = await authHeader({ roles: ['admin'] });
  officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt' });
});
afterAll(async () => {
  await api?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}, contentType = 'application/json') =>
  fetch(`${api.url}/v1/definitions`, {
    method: 'POST',
    headers: { ...admin, 'content-type': contentType, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('definition registry', () => {
  it('registers every built-in once; re-registering is a no-op; a changed built-in with the same version is refused', async () => {
    expect(await api.tdb.db('process_definitions').count<Array<{ n: number }>>('* as n')).toEqual([
      { n: BUILTIN_DEFINITIONS.length + MASS_MATTER_DEFINITIONS.length },
    ]);
    const again = await registerBuiltinDefinitions(api.tdb.db);
    expect(again.registered).toEqual([]);
    expect(again.unchanged).toHaveLength(BUILTIN_DEFINITIONS.length + MASS_MATTER_DEFINITIONS.length);
    const changed = { ...BUILTIN_DEFINITIONS[0]!, name: 'changed without a new version' };
    await expect(registerDefinitions(api.tdb.db, [changed])).rejects.toBeInstanceOf(DefinitionVersionExists);
  });

  it('the table refuses UPDATE and DELETE of a registered version', async () => {
    await expect(
      api.tdb.db('process_definitions').where({ key: 'complaint-first' }).update({ name: 'x' }),
    ).rejects.toThrow(/immutable/);
    await expect(api.tdb.db('process_definitions').where({ key: 'complaint-first' }).delete()).rejects.toThrow(
      /immutable/,
    );
  });

  it('lists versions with cursor pagination and filters', async () => {
    const first = (await (await fetch(`${api.url}/v1/definitions?limit=4`, { headers: officer })).json()) as {
      items: Array<{ key: string; version: number }>;
      next: string;
    };
    expect(first.items).toHaveLength(4);
    const second = (await (await fetch(api.url + first.next, { headers: officer })).json()) as {
      items: Array<{ key: string; version: number }>;
      next: string | null;
    };
    const keys = [...first.items, ...second.items].map((d) => `${d.key}@${d.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.slice(0, 5)).toEqual([...keys.slice(0, 5)].sort());
    const versions = (await (
      await fetch(`${api.url}/v1/definitions/denunciation/versions`, { headers: officer })
    ).json()) as { items: Array<{ version: number }> };
    expect(versions.items.map((d) => d.version)).toEqual([1, 2]);
    expect((await fetch(`${api.url}/v1/definitions/nothing-here/versions`, { headers: officer })).status).toBe(404);
    const complaints = (await (
      await fetch(`${api.url}/v1/definitions?caseType=complaint_first`, { headers: officer })
    ).json()) as { items: Array<{ key: string; version: number; effectiveFrom: string; effectiveTo: string | null }> };
    expect(complaints.items.map((d) => [d.key, d.version, d.effectiveFrom, d.effectiveTo])).toEqual([
      ['complaint-first', 1, expect.any(String), '2026-07-01'],
      ['complaint-first', 2, '2026-07-01', null],
    ]);
  });

  it('gets one version with its content and pin; unknown → 404', async () => {
    const r = await fetch(`${api.url}/v1/definitions/complaint-first/versions/2`, { headers: officer });
    expect(r.status).toBe(200);
    const d = (await r.json()) as { pin: string; hash: string; content: { key: string } };
    expect(d.pin).toBe(`complaint-first@2+${d.hash}`);
    expect(d.content.key).toBe('complaint-first');
    expect((await fetch(`${api.url}/v1/definitions/complaint-first/versions/99`, { headers: officer })).status).toBe(
      404,
    );
  });

  it('registers a JSON definition (201), the same again (200, no change), other content under that version (409); only admins', async () => {
    expect(
      (
        await fetch(`${api.url}/v1/definitions`, {
          method: 'POST',
          headers: { ...officer, 'content-type': 'application/json' },
          body: JSON.stringify(custom),
        })
      ).status,
    ).toBe(403);
    const r1 = await post(custom);
    expect(r1.status).toBe(201);
    expect(r1.headers.get('location')).toBe('/v1/definitions/agency-feedback/versions/1');
    expect((await post(custom)).status).toBe(200);
    const r3 = await post({ ...custom, name: 'other' });
    expect(r3.status).toBe(409);
    expect(((await r3.json()) as { type: string }).type).toBe(
      'https://kntc-flow.vn/problems/definition-version-exists',
    );
    const audit = await api.tdb.db('audit_log').where({ action: 'definition.registered' });
    expect(audit).toHaveLength(1);
  });

  it('an invalid definition → 422 naming the elements; nothing stored', async () => {
    const before = await api.tdb.db('process_definitions').count<Array<{ n: number }>>('* as n');
    const bad = {
      ...custom,
      version: 2,
      nodes: [
        ...custom.nodes,
        { type: 'userTask', id: 'orphan', name: 'Orphan', candidateRoles: ['resolver'], agencyScope: 'resolving' },
        { type: 'weirdGateway', id: 'w' },
      ],
    };
    const r = await post(bad);
    expect(r.status).toBe(422);
    const p = (await r.json()) as { type: string; errors: Array<{ elementId?: string; message: string }> };
    expect(p.type).toBe('https://kntc-flow.vn/problems/invalid-definition');
    expect(p.errors.some((e) => e.elementId === 'w' && /unknown element type/.test(e.message))).toBe(true);
    expect(await api.tdb.db('process_definitions').count<Array<{ n: number }>>('* as n')).toEqual(before);
  });

  it('BPMN round trip: export → import as a new version gives the same definition; unsupported XML → 422', async () => {
    const xr = await fetch(`${api.url}/v1/definitions/complaint-first/versions/2/bpmn`, { headers: officer });
    expect(xr.status).toBe(200);
    expect(xr.headers.get('content-type')).toMatch(/application\/xml/);
    const xml = await xr.text();
    expect(xml).toContain('bpmn:definitions');
    expect(xml).toContain('bpmndi:BPMNDiagram');
    // Import the same XML as version 3 of the key (the version lives in the kntc:processInfo extension).
    const v3xml = xml.replace(/(<kntc:processInfo[^>]*\bversion=")2(")/, '$13$2');
    expect(v3xml).not.toBe(xml);
    // A new version of a built-in (system-level) key: the system level only (ADR 0013).
    expect((await post(v3xml, {}, 'application/xml')).status).toBe(409);
    const imported = await fetch(`${api.url}/v1/definitions?owner=system`, {
      method: 'POST',
      headers: { ...(await authHeader({ roles: ['system_admin'] })), 'content-type': 'application/xml' },
      body: v3xml,
    });
    expect(imported.status, await imported.clone().text()).toBe(201);
    const store = createDefinitionStore(api.tdb.db);
    const [v2, v3] = [await store.get('complaint-first', 2), await store.get('complaint-first', 3)];
    expect({ ...v3!.content, version: 2 }).toEqual(v2!.content);
    // Unsupported XML → 422 listing it.
    const bad = await post(
      xml.replace('<bpmn:process ', '<bpmn:collaboration id="c1" /><bpmn:process '),
      {},
      'application/xml',
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toMatch(/collaboration/i);
    expect((await post('<not-bpmn', {}, 'application/xml')).status).toBe(422);
  });
});
