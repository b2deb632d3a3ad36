/**
 * Global reference data belongs to those who govern it (issue 11 item 1, ADR 0013), on the real
 * stack (API + PostgreSQL + Temporal dev server): a commune's admin governs its commune only, a
 * province's admin its province, and only the system level (`system_admin`) the national calendar and
 * the definitions that apply everywhere. Every admin route is exercised from outside its subtree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyStore } from '../../db/api-keys.js';
import { appendAudit } from '../../db/audit.js';
import { createDefinitionStore } from '../../db/definitions.js';
import * as ownersMigration from '../../db/migrations/20261202010000_definition_owners.js';
import type { Role } from '../../api/auth/principal.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
const h = (roles: Role[], agency: string, sub?: string) => authHeader({ roles, agency, ...(sub ? { sub } : {}) });

/** A minimal petition lifecycle under its own key and version. */
const petitionDef = (key: string, version: number) => ({
  key,
  version,
  name: `Petition of ${key}`,
  caseType: 'petition',
  effectiveFrom: '2026-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    {
      type: 'userTask',
      id: 'answer',
      name: 'Answer',
      candidateRoles: ['resolver', 'officer'],
      agencyScope: 'resolving',
    },
    { type: 'endEvent', id: 'end', outcome: 'answered' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'answer' },
    { id: 'f2', source: 'answer', target: 'end' },
  ],
});

async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(api.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Starts a petition at `agencyId` (as the province's intake) and answers the definition it pinned. */
async function petitionAt(agencyId: string): Promise<string> {
  const r = await send('POST', '/v1/cases', await h(['intake'], 'tinh-demo'), {
    type: 'petition',
    channel: 'portal',
    receivedAt: '2026-11-30T09:00:00+07:00',
    agencyId,
    subject: 'scope probe',
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  const d = r.json.definition as { key: string; version: number };
  return `${d.key}@${d.version}`;
}

const count = async (table: string, where: Record<string, string> = {}): Promise<number> =>
  Number((await api.tdb.db(table).where(where).count<Array<{ n: number }>>('* as n'))[0]!.n);

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('definitions: a version applies to the subtree of the agency that governs it', () => {
  it("reproduction: a commune admin's petition definition no longer runs the province's cases", async () => {
    const commune = await h(['admin'], 'ubnd-xa-b');
    const reg = await send('POST', '/v1/definitions', commune, petitionDef('zz-commune-petition', 99));
    expect(reg.status).toBe(201);
    expect(reg.json.ownerAgencyId).toBe('ubnd-xa-b');
    // The province creates a petition for its department: the built-in petition runs it.
    expect(await petitionAt('so-tnmt')).toBe('petition@1');
    expect(await petitionAt('ubnd-xa-a')).toBe('petition@1');
    // The commune's own case runs the commune's definition.
    expect(await petitionAt('ubnd-xa-b')).toBe('zz-commune-petition@99');
    const audited = await api.tdb
      .db('audit_log')
      .where({ action: 'definition.registered' })
      .orderBy('seq', 'desc')
      .first();
    expect(audited.after).toMatchObject({ key: 'zz-commune-petition', version: 99, ownerAgencyId: 'ubnd-xa-b' });
  });

  it('a commune admin cannot register for its province, a sibling, the system level, or a key governed by another', async () => {
    const commune = await h(['admin'], 'ubnd-xa-b');
    const before = await count('process_definitions');
    const province = await send('POST', '/v1/definitions?owner=tinh-demo', commune, petitionDef('zz-commune-2', 1));
    expect(province.status).toBe(404);
    expect((await send('POST', '/v1/definitions?owner=so-tnmt', commune, petitionDef('zz-commune-2', 1))).status).toBe(
      404,
    );
    const system = await send('POST', '/v1/definitions?owner=system', commune, petitionDef('zz-commune-2', 1));
    expect(system.status).toBe(403);
    // A new version of the built-in key (system level) is refused: the key is not the commune's.
    const builtin = await send('POST', '/v1/definitions', commune, petitionDef('petition', 99));
    expect(builtin.status).toBe(409);
    expect(builtin.json.type).toBe('https://kntc-flow.vn/problems/definition-key-owned');
    // The same for a key another agency governs (so-tnmt's), even with the content it registered.
    const dept = await send('POST', '/v1/definitions', await h(['admin'], 'so-tnmt'), petitionDef('dept-petition', 1));
    expect(dept.status).toBe(201);
    const hijack = await send('POST', '/v1/definitions', commune, petitionDef('dept-petition', 1));
    expect(hijack.status).toBe(409);
    expect(JSON.stringify(hijack.json)).not.toContain('so-tnmt'); // the governing agency is not named
    expect((await send('POST', '/v1/definitions', commune, petitionDef('dept-petition', 2))).status).toBe(409);
    expect(await count('process_definitions')).toBe(before + 1); // only so-tnmt's
    // Non-admins register nothing at all.
    expect(
      (await send('POST', '/v1/definitions', await h(['supervisor'], 'tinh-demo'), petitionDef('zz-sup', 1))).status,
    ).toBe(403);
  });

  it("the province's admin registers what its whole province runs; a commune's own version still wins there by version", async () => {
    const province = await h(['admin'], 'tinh-demo');
    const r = await send('POST', '/v1/definitions', province, petitionDef('province-petition', 50));
    expect(r.status).toBe(201);
    expect(r.json.ownerAgencyId).toBe('tinh-demo');
    expect(await petitionAt('so-tnmt')).toBe('province-petition@50');
    expect(await petitionAt('ubnd-xa-a')).toBe('province-petition@50');
    expect(await petitionAt('ubnd-xa-b')).toBe('zz-commune-petition@99');
    // A province admin may also name an agency of its subtree.
    const forCommune = await send(
      'POST',
      '/v1/definitions?owner=ubnd-xa-a',
      province,
      petitionDef('xa-a-petition', 60),
    );
    expect(forCommune.status).toBe(201);
    expect(forCommune.json.ownerAgencyId).toBe('ubnd-xa-a');
    expect(await petitionAt('ubnd-xa-a')).toBe('xa-a-petition@60');
    expect(await petitionAt('so-tnmt')).toBe('province-petition@50');
  });

  it('only the system level registers what applies everywhere', async () => {
    const sys = await h(['system_admin'], 'tinh-demo');
    const r = await send('POST', '/v1/definitions?owner=system', sys, petitionDef('national-petition', 1));
    expect(r.status).toBe(201);
    expect(r.json.ownerAgencyId).toBeNull();
    // Readable by every agency.
    expect(
      (await send('GET', '/v1/definitions/national-petition/versions/1', await h(['intake'], 'ubnd-xa-b'))).status,
    ).toBe(200);
  });

  it("reads: an agency sees system-level versions, its own subtree's and its ancestors', not a sibling's", async () => {
    const siblingAdmin = await h(['admin'], 'ubnd-xa-a');
    expect((await send('GET', '/v1/definitions/zz-commune-petition/versions/99', siblingAdmin)).status).toBe(404);
    expect((await send('GET', '/v1/definitions/zz-commune-petition/versions/99/bpmn', siblingAdmin)).status).toBe(404);
    expect((await send('GET', '/v1/definitions/zz-commune-petition/versions', siblingAdmin)).status).toBe(404);
    const listed = await send('GET', '/v1/definitions?limit=200', siblingAdmin);
    const keys = (listed.json.items as Array<{ key: string }>).map((d) => d.key);
    expect(keys).toContain('petition');
    expect(keys).toContain('province-petition'); // its ancestor's
    expect(keys).toContain('xa-a-petition'); // its own
    expect(keys).not.toContain('zz-commune-petition');
    expect(keys).not.toContain('dept-petition');
    // The province sees everything below it.
    const province = await send('GET', '/v1/definitions?limit=200', await h(['auditor'], 'tinh-demo'));
    expect((province.json.items as Array<{ key: string }>).map((d) => d.key)).toEqual(
      expect.arrayContaining(['zz-commune-petition', 'dept-petition', 'xa-a-petition']),
    );
    expect(
      (await send('GET', '/v1/definitions/zz-commune-petition/versions/99', await h(['intake'], 'ubnd-xa-b'))).status,
    ).toBe(200);
    // The system level sees every version, whatever its agency claim.
    expect(
      (await send('GET', '/v1/definitions/zz-commune-petition/versions/99', await h(['system_admin'], 'ubnd-xa-a')))
        .status,
    ).toBe(200);
  });
});

describe('the national calendar: the system level only', () => {
  const dayOff = { date: '2026-12-31', name: 'Extra day off', source: 'Thông báo …/TB-VPCP', reason: 'announced' };

  it('a commune admin and the province admin are refused (403), nothing stored, nobody signalled; system_admin adds it', async () => {
    const before = await count('calendar_entries', { origin: 'admin' });
    for (const [roles, agency] of [
      [['admin'], 'ubnd-xa-b'],
      [['admin'], 'tinh-demo'],
      [['supervisor'], 'tinh-demo'],
    ] as Array<[Role[], string]>) {
      expect((await send('POST', '/v1/admin/calendar/days-off', await h(roles, agency), dayOff)).status).toBe(403);
      expect(
        (
          await send('POST', '/v1/admin/calendar/working-days', await h(roles, agency), {
            ...dayOff,
            date: '2027-01-02',
          })
        ).status,
      ).toBe(403);
    }
    expect(await count('calendar_entries', { origin: 'admin' })).toBe(before);
    // Admins may still read the table.
    expect((await send('GET', '/v1/admin/calendar/entries', await h(['admin'], 'ubnd-xa-b'))).status).toBe(200);
    const ok = await send(
      'POST',
      '/v1/admin/calendar/days-off',
      await h(['system_admin'], 'tinh-demo', 'national-admin'),
      dayOff,
    );
    expect(ok.status).toBe(202); // stored; open cases are told in the background (ADR 0019)
    expect(await count('calendar_entries', { origin: 'admin' })).toBe(before + 1);
  });
});

describe("API keys: within the admin's subtree, never the system level", () => {
  it('a commune admin cannot create, list or revoke keys outside its commune, nor a system-level key', async () => {
    const commune = await h(['admin'], 'ubnd-xa-b');
    const deptKey = (
      await createApiKeyStore(api.tdb.db).create({
        name: 'dept portal',
        agencyId: 'so-tnmt',
        roles: ['intake'],
        createdBy: 'test',
      })
    ).record;
    const before = await count('api_keys');
    expect(
      (await send('POST', '/v1/api-keys', commune, { name: 'x', agencyId: 'so-tnmt', roles: ['intake'] })).status,
    ).toBe(404);
    expect(
      (await send('POST', '/v1/api-keys', commune, { name: 'x', agencyId: 'tinh-demo', roles: ['admin'] })).status,
    ).toBe(404);
    const sys = await send('POST', '/v1/api-keys', commune, {
      name: 'x',
      agencyId: 'ubnd-xa-b',
      roles: ['system_admin'],
    });
    expect(sys.status).toBe(400);
    expect(JSON.stringify(sys.json)).toContain('roles');
    // Not even the system level hands its role to a key.
    expect(
      (
        await send('POST', '/v1/api-keys', await h(['admin', 'system_admin'], 'tinh-demo'), {
          name: 'x',
          agencyId: 'tinh-demo',
          roles: ['system_admin'],
        })
      ).status,
    ).toBe(400);
    expect(await count('api_keys')).toBe(before);
    const listed = await send('GET', '/v1/api-keys', commune);
    expect((listed.json.items as Array<{ id: string }>).map((k) => k.id)).not.toContain(deptKey.id);
    expect((await send('DELETE', `/v1/api-keys/${deptKey.id}`, commune)).status).toBe(404);
    expect((await api.tdb.db('api_keys').where({ id: deptKey.id }).first()).revoked_at).toBeNull();
    // Its own commune: fine. The province over the department: fine.
    expect(
      (await send('POST', '/v1/api-keys', commune, { name: 'xa portal', agencyId: 'ubnd-xa-b', roles: ['intake'] }))
        .status,
    ).toBe(201);
    expect((await send('DELETE', `/v1/api-keys/${deptKey.id}`, await h(['admin'], 'tinh-demo'))).status).toBe(204);
  });
});

describe('agencies, history export and replay: within the subtree', () => {
  it("a commune sees only itself; its auditor cannot export or replay a department's case", async () => {
    const agencies = await send('GET', '/v1/agencies', await h(['admin'], 'ubnd-xa-b'));
    expect((agencies.json.items as Array<{ id: string }>).map((a) => a.id)).toEqual(['ubnd-xa-b']);
    const created = await send('POST', '/v1/cases', await h(['intake'], 'so-tnmt'), {
      type: 'petition',
      channel: 'portal',
      receivedAt: '2026-11-30T09:00:00+07:00',
      agencyId: 'so-tnmt',
      subject: 'history probe',
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const communeAuditor = await h(['auditor', 'admin'], 'ubnd-xa-b');
    expect((await send('GET', `/v1/cases/${id}/history`, communeAuditor)).status).toBe(404);
    expect((await send('POST', '/v1/audit/replay', communeAuditor, { caseId: id })).status).toBe(404);
    expect(
      (
        await send('POST', '/v1/audit/replay', communeAuditor, {
          definitionKey: 'province-petition',
          definitionVersion: 50,
        })
      ).json,
    ).toMatchObject({ matched: 0 });
    expect((await send('GET', `/v1/cases/${id}/history`, await h(['auditor'], 'tinh-demo'))).status).toBe(200);
  });
});

describe('migration 20261202010000: earlier API registrations keep the agency that made them', () => {
  it('backfills the owner from the definition.registered audit entry; built-ins and unknown stay system level', async () => {
    const db = api.tdb.db;
    // Registered as before the migration: no owner row.
    const store = createDefinitionStore(db);
    for (const [key, by] of [
      ['legacy-commune', 'user:attacker'],
      ['legacy-unaudited', 'user:someone'],
      ['legacy-builtin', 'system:builtin'],
    ] as const) {
      await store.register(petitionDef(key, 1), by);
    }
    await db.schema.dropTable('definition_owners');
    await db.raw('DROP FUNCTION definition_owners_immutable()');
    await appendAudit(db, {
      actor: { type: 'user', id: 'attacker', agency: 'ubnd-xa-b' },
      action: 'definition.registered',
      after: { key: 'legacy-commune', version: 1 },
    });
    await appendAudit(db, {
      actor: { type: 'user', id: 'x', agency: 'ubnd-xa-a' },
      action: 'definition.registered',
      after: { key: 'legacy-builtin', version: 1 },
    });
    await ownersMigration.up(db);
    const owners = await db('definition_owners')
      .whereIn('key', ['legacy-commune', 'legacy-unaudited', 'legacy-builtin'])
      .select('key', 'agency_id');
    expect(owners).toEqual([{ key: 'legacy-commune', agency_id: 'ubnd-xa-b' }]);
    // Rows written before the migration (this file's registrations above) were backfilled too.
    expect((await db('definition_owners').where({ key: 'zz-commune-petition' }).first())?.agency_id).toBe('ubnd-xa-b');
    expect((await db('definition_owners').where({ key: 'province-petition' }).first())?.agency_id).toBe('tinh-demo');
    // The audit entry's ownerAgencyId (entries written since ADR 0013) wins over the actor's agency.
    expect((await db('definition_owners').where({ key: 'xa-a-petition' }).first())?.agency_id).toBe('ubnd-xa-a');
    expect(await db('definition_owners').where({ key: 'national-petition' }).first()).toBeUndefined();
    await expect(db('definition_owners').where({ key: 'legacy-commune' }).delete()).rejects.toThrow(/immutable/);
  });
});
