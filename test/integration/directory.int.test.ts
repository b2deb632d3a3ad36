/**
 * The agency and staff directory (issue 13.1, ADR 0024) on the real stack (API + PostgreSQL + Temporal
 * dev server + a case worker): agencies created, renamed, moved and closed — a closed agency's open
 * cases moving to its successor through agencyClosureWorkflow —, a file imported (dry run, all or
 * nothing, JSON and CSV), staff and preferences, task candidates, and the subtree every route keeps to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth/principal.js';
import { Client, Connection } from '@temporalio/client';
import { createAuditStore } from '../../db/audit.js';
import { createDirectoryService } from '../../api/services/directory.js';
import { resolveRecipients } from '../../directory/recipients.js';
import { SA } from '../../workflows/contract.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, tableCounts, type TestApi } from '../support/api.js';

let api: TestApi;
const h = (roles: Role[], agency: string, sub?: string) => authHeader({ roles, agency, ...(sub ? { sub } : {}) });
type Res = { status: number; json: Record<string, unknown>; text: string; type: string | null };

async function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  contentType?: string,
): Promise<Res> {
  const r = await fetch(api.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    text,
    type: r.headers.get('content-type'),
  };
}
const fields = (r: Res) => ((r.json.errors ?? []) as Array<{ path: string }>).map((e) => e.path);

async function until<T>(f: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  api = await startTestApi({ worker: true });
});
afterAll(async () => {
  await api?.close();
});

describe("agencies: create, rename, move — within the caller's subtree", () => {
  it('a province admin creates a commune and a department; placement and ids are checked before any write', async () => {
    const prov = await h(['admin'], 'tinh-demo');
    const c = await send('POST', '/v1/agencies', prov, {
      id: 'ubnd-xa-d',
      parentId: 'tinh-demo',
      name: 'UBND xã D',
      level: 'commune',
    });
    expect(c.status, c.text).toBe(201);
    expect(c.json).toMatchObject({
      id: 'ubnd-xa-d',
      parentId: 'tinh-demo',
      level: 'commune',
      kind: null,
      closedAt: null,
    });
    expect(c.json.createdAt).toMatch(/\+07:00$/);
    expect(
      (
        await send('POST', '/v1/agencies', prov, {
          id: 'phong-kt-xa-d',
          parentId: 'ubnd-xa-d',
          name: 'Phòng Kinh tế',
          level: 'department',
        })
      ).status,
    ).toBe(201);

    const dup = await send('POST', '/v1/agencies', prov, {
      id: 'ubnd-xa-d',
      parentId: 'tinh-demo',
      name: 'again',
      level: 'commune',
    });
    expect(dup.status).toBe(409);
    expect(fields(dup)).toEqual(['id']);
    const badPlace = await send('POST', '/v1/agencies', prov, {
      id: 'xa-under-so',
      parentId: 'so-tnmt',
      name: 'x',
      level: 'commune',
    });
    expect(badPlace.status).toBe(422);
    expect(badPlace.type).toContain('application/problem+json');
    expect(fields(badPlace)).toEqual(['level']);
    const badLevel = await send('POST', '/v1/agencies', prov, {
      id: 'x-1',
      parentId: 'tinh-demo',
      name: 'x',
      level: 'district',
    });
    expect(badLevel.status).toBe(400);
    expect(fields(badLevel)).toEqual(['level']);
    expect(await api.tdb.db('agencies').whereIn('id', ['xa-under-so', 'x-1']).count('* as n').first()).toMatchObject({
      n: 0,
    });
    // The new agency is in the creator's subtree at once (the cached tree was invalidated).
    const list = await send('GET', '/v1/agencies', prov);
    expect((list.json.items as Array<{ id: string }>).map((a) => a.id)).toContain('phong-kt-xa-d');
  });

  it('only system_admin creates a top-level agency; a commune admin cannot touch its parent or siblings', async () => {
    const top = { id: 'tinh-moi', parentId: null, name: 'UBND tỉnh Mới', level: 'province' };
    expect((await send('POST', '/v1/agencies', await h(['admin'], 'tinh-demo'), top)).status).toBe(403);
    const sys = await send('POST', '/v1/agencies', await h(['system_admin'], 'tinh-demo'), top);
    expect(sys.status, sys.text).toBe(201);

    const commune = await h(['admin'], 'ubnd-xa-a');
    expect((await send('PATCH', '/v1/agencies/tinh-demo', commune, { name: 'x' })).status).toBe(404);
    expect((await send('PATCH', '/v1/agencies/ubnd-xa-b', commune, { name: 'x' })).status).toBe(404);
    expect(
      (
        await send('POST', '/v1/agencies', commune, {
          id: 'xa-a-2',
          parentId: 'tinh-demo',
          name: 'x',
          level: 'commune',
        })
      ).status,
    ).toBe(404);
    expect((await send('POST', '/v1/agencies/ubnd-xa-a/move', commune, { parentId: 'tinh-demo' })).status).toBe(403);
    expect(
      (await send('POST', '/v1/agencies/ubnd-xa-a/close', commune, { successorId: 'ubnd-xa-a', reason: 'x' })).status,
    ).toBe(403);
    expect((await send('GET', '/v1/agencies/ubnd-xa-b', commune)).status).toBe(404);
    // A commune admin renames its own commune; an officer cannot.
    expect(
      (await send('PATCH', '/v1/agencies/ubnd-xa-a', await h(['officer'], 'ubnd-xa-a'), { name: 'x' })).status,
    ).toBe(403);
    const renamed = await send('PATCH', '/v1/agencies/ubnd-xa-a', commune, { name: 'UBND xã A (mới)' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json.name).toBe('UBND xã A (mới)');
    const audit = await api.tdb.db('audit_log').where({ action: 'agency.updated' }).orderBy('seq', 'desc').first();
    expect(audit.before).toMatchObject({ id: 'ubnd-xa-a', name: 'UBND xã A' });
    expect(audit.after).toMatchObject({ id: 'ubnd-xa-a', name: 'UBND xã A (mới)' });
  });

  it('moves a department under a commune; refuses a move under itself, a misplacement and a parent outside the subtree', async () => {
    const prov = await h(['admin'], 'tinh-demo');
    await send('POST', '/v1/agencies', prov, {
      id: 'ban-tiep-dan',
      parentId: 'tinh-demo',
      name: 'Ban Tiếp công dân',
      level: 'department',
    });
    await send('POST', '/v1/agencies', prov, {
      id: 'to-tiep-dan',
      parentId: 'ban-tiep-dan',
      name: 'Tổ',
      level: 'department',
    }).then((r) => expect(r.status).toBe(201));
    const moved = await send('POST', '/v1/agencies/ban-tiep-dan/move', prov, { parentId: 'ubnd-xa-b' });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json.parentId).toBe('ubnd-xa-b');
    expect(
      (await api.tdb.db('audit_log').where({ action: 'agency.moved' }).orderBy('seq', 'desc').first()).before,
    ).toEqual({ id: 'ban-tiep-dan', parentId: 'tinh-demo' });
    // Now within ubnd-xa-b's subtree.
    expect((await send('GET', '/v1/agencies/ban-tiep-dan', await h(['officer'], 'ubnd-xa-b'))).status).toBe(200);

    const cycle = await send('POST', '/v1/agencies/ubnd-xa-d/move', prov, { parentId: 'phong-kt-xa-d' });
    expect(cycle.status).toBe(422);
    expect(fields(cycle)).toEqual(['parentId']);
    const misplaced = await send('POST', '/v1/agencies/ubnd-xa-d/move', prov, { parentId: 'so-tnmt' });
    expect(misplaced.status).toBe(422);
    expect(fields(misplaced)).toEqual(['parentId']);
    const outside = await send('POST', '/v1/agencies/ban-tiep-dan/move', await h(['admin'], 'ubnd-xa-b'), {
      parentId: 'tinh-demo',
    });
    expect(outside.status).toBe(422);
    expect(fields(outside)).toEqual(['parentId']);
  });
});

describe('closing an agency: its open cases move to the successor (real Temporal)', () => {
  it('moves each open case — read model, task routing, one audit entry per case — and refuses new cases there', async () => {
    const prov = await h(['admin'], 'tinh-demo');
    expect(
      (
        await send('POST', '/v1/agencies', prov, {
          id: 'ubnd-xa-c',
          parentId: 'tinh-demo',
          name: 'UBND xã C',
          level: 'commune',
        })
      ).status,
    ).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await send('POST', '/v1/cases', await h(['intake'], 'ubnd-xa-c'), {
        type: 'petition',
        channel: 'portal',
        receivedAt: new Date().toISOString(),
        agencyId: 'ubnd-xa-c',
        subject: `kiến nghị ${i}`,
      });
      expect(c.status, c.text).toBe(201);
      ids.push(c.json.id as string);
    }
    for (const id of ids) {
      await until(
        async () => (await api.tdb.db('case_tasks').where({ case_id: id, status: 'open' }).first()) ?? undefined,
        `task of ${id}`,
      );
    }

    // Refusals first: a successor outside the subtree, below it, closed children, own agency.
    const dept = await h(['admin'], 'so-tnmt');
    expect(
      (await send('POST', '/v1/agencies/ubnd-xa-c/close', dept, { successorId: 'so-tnmt', reason: 'x' })).status,
    ).toBe(404);
    const self = await send('POST', '/v1/agencies/ubnd-xa-c/close', prov, { successorId: 'ubnd-xa-c', reason: 'x' });
    expect(self.status).toBe(422);
    expect(fields(self)).toEqual(['successorId']);
    const noReason = await send('POST', '/v1/agencies/ubnd-xa-c/close', prov, { successorId: 'ubnd-xa-a' });
    expect(noReason.status).toBe(400);
    expect(fields(noReason)).toEqual(['reason']);
    await send('POST', '/v1/agencies', prov, {
      id: 'ubnd-xa-e',
      parentId: 'tinh-demo',
      name: 'UBND xã E',
      level: 'commune',
    });
    await send('POST', '/v1/agencies', prov, {
      id: 'phong-xa-e',
      parentId: 'ubnd-xa-e',
      name: 'Văn phòng xã E',
      level: 'department',
    });
    const withChildren = await send('POST', '/v1/agencies/ubnd-xa-e/close', prov, {
      successorId: 'ubnd-xa-a',
      reason: 'x',
    });
    expect(withChildren.status).toBe(409);
    expect(await api.tdb.db('agencies').whereNotNull('closed_at').count('* as n').first()).toMatchObject({ n: 0 });

    const seqBefore = Number((await api.tdb.db('case_states').where({ case_id: ids[0] }).first()).seq);
    const closed = await send('POST', '/v1/agencies/ubnd-xa-c/close', prov, {
      successorId: 'ubnd-xa-a',
      reason: 'Sáp nhập xã C vào xã A (NQ 1234/NQ-UBTVQH15)',
    });
    expect(closed.status, closed.text).toBe(202);
    expect(closed.json.agency).toMatchObject({ id: 'ubnd-xa-c', successorId: 'ubnd-xa-a' });
    const closure = closed.json.closure as { id: string; status: string; links: { self: string } };
    expect(closure.links.self).toBe('/v1/agencies/ubnd-xa-c/closure');

    const done = await until(async () => {
      const r = await send('GET', closure.links.self, prov);
      return r.json.status === 'completed' ? r.json : undefined;
    }, 'the closure to complete');
    expect(done).toMatchObject({ agencyId: 'ubnd-xa-c', successorId: 'ubnd-xa-a', moved: 3, skipped: 0 });

    for (const id of ids) {
      expect((await api.tdb.db('cases').where({ id }).first()).agency_id).toBe('ubnd-xa-a');
      expect((await api.tdb.db('case_states').where({ case_id: id }).first()).agency_id).toBe('ubnd-xa-a');
      const tasks = await api.tdb.db('case_tasks').where({ case_id: id, status: 'open' }).select('target_agency_id');
      expect(tasks.map((t) => t.target_agency_id)).toEqual(tasks.map(() => 'ubnd-xa-a'));
      const entries = await api.tdb.db('audit_log').where({ action: 'case.agency_moved', case_id: id });
      expect(entries).toHaveLength(1);
      expect(entries[0].actor).toMatchObject({ type: 'user', agency: 'tinh-demo' });
      expect(entries[0].before).toEqual({ agencyId: 'ubnd-xa-c' });
      expect(entries[0].after).toMatchObject({ agencyId: 'ubnd-xa-a', closureId: closure.id });
    }
    // Each case workflow took the successor: its search attribute, and its own next projection keeps it.
    for (const id of ids) {
      const handle = api.dev.client.workflow.getHandle(`case-${id}`);
      await until(async () => {
        const d = await handle.describe();
        return d.typedSearchAttributes.get(SA.agencyId) === 'ubnd-xa-a' ? true : undefined;
      }, `KntcAgencyId of ${id}`);
      const h0 = await handle.fetchHistory();
      expect(JSON.stringify(h0.events?.filter((e) => e.workflowExecutionSignaledEventAttributes))).toContain(
        'caseAgencyChanged',
      );
    }
    await until(
      async () =>
        Number((await api.tdb.db('case_states').where({ case_id: ids[0] }).first()).seq) > seqBefore ? true : undefined,
      'a projection by the workflow',
    );
    expect((await api.tdb.db('case_states').where({ case_id: ids[0] }).first()).agency_id).toBe('ubnd-xa-a');
    // The successor's staff see the cases and their tasks; the closed commune's do not any more.
    const xaA = await h(['officer'], 'ubnd-xa-a');
    expect((await send('GET', `/v1/cases/${ids[0]}`, xaA)).status).toBe(200);
    const inbox = await send('GET', '/v1/tasks', xaA);
    expect((inbox.json.items as Array<{ caseId: string }>).map((t) => t.caseId)).toEqual(expect.arrayContaining(ids));
    expect((await send('GET', `/v1/cases/${ids[0]}`, await h(['officer'], 'ubnd-xa-c'))).status).toBe(404);

    const refused = await send('POST', '/v1/cases', await h(['intake'], 'tinh-demo'), {
      type: 'petition',
      channel: 'portal',
      receivedAt: new Date().toISOString(),
      agencyId: 'ubnd-xa-c',
      subject: 'late',
    });
    expect(refused.status).toBe(422);
    expect(fields(refused)).toEqual(['agencyId']);
    expect((await send('PATCH', '/v1/agencies/ubnd-xa-c', prov, { name: 'x' })).status).toBe(409);
    expect(
      (await send('POST', '/v1/agencies/ubnd-xa-c/close', prov, { successorId: 'ubnd-xa-a', reason: 'again' })).status,
    ).toBe(409);
    // Notifications addressed to the closed commune reach its successor's head.
    expect(
      (await resolveRecipients(api.tdb.db, { agencyId: 'ubnd-xa-c', to: ['agency_head'] })).map((r) => r.personId),
    ).toEqual(['head-ubnd-xa-a']);
  });
});

describe('import from a file: dry run, all or nothing, JSON and CSV', () => {
  const file = {
    agencies: [
      { id: 'ubnd-phuong-1', parentId: 'tinh-demo', name: 'UBND phường 1', level: 'commune' },
      { id: 'vp-phuong-1', parentId: 'ubnd-phuong-1', name: 'Văn phòng HĐND và UBND phường 1', level: 'department' },
      { id: 'so-tnmt', parentId: 'tinh-demo', name: 'Sở Nông nghiệp và Môi trường', level: 'department' },
    ],
    staff: [
      {
        personId: 'ct-phuong-1',
        displayName: 'Đỗ Văn Giang',
        email: 'chu-tich@phuong-1.kntc.local',
        agencyId: 'ubnd-phuong-1',
        roles: ['supervisor', 'admin'],
        position: 'head',
      },
      {
        personId: 'cb-phuong-1',
        displayName: 'Vũ Thị Hạnh',
        phone: '+84912000111',
        agencyId: 'vp-phuong-1',
        roles: ['intake', 'officer'],
      },
    ],
  };

  it('a dry run reports what would change and writes nothing', async () => {
    const before = await tableCounts(api.tdb.db);
    const r = await send('POST', '/v1/agencies/import?dryRun=true', await h(['admin'], 'tinh-demo'), file);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({
      dryRun: true,
      applied: false,
      under: 'tinh-demo',
      agencies: {
        created: ['ubnd-phuong-1', 'vp-phuong-1'],
        changed: [
          {
            id: 'so-tnmt',
            changes: { name: { from: 'Sở Tài nguyên và Môi trường', to: 'Sở Nông nghiệp và Môi trường' } },
          },
        ],
        unchanged: 0,
      },
      people: { created: ['ct-phuong-1', 'cb-phuong-1'], changed: [], unchanged: 0 },
      memberships: {
        created: [
          { personId: 'ct-phuong-1', agencyId: 'ubnd-phuong-1' },
          { personId: 'cb-phuong-1', agencyId: 'vp-phuong-1' },
        ],
      },
    });
    expect(await tableCounts(api.tdb.db)).toEqual(before);
  });

  it('a file with one bad row is rejected whole, naming the rows; nothing changes', async () => {
    const before = await tableCounts(api.tdb.db);
    const bad = {
      agencies: [...file.agencies, { id: 'xa-lac', parentId: 'khong-co', name: 'x', level: 'commune' }],
      staff: [
        ...file.staff,
        { personId: 'ct-2', displayName: 'Hai chủ tịch', agencyId: 'ubnd-phuong-1', roles: [], position: 'head' },
      ],
    };
    const r = await send('POST', '/v1/agencies/import', await h(['admin'], 'tinh-demo'), bad);
    expect(r.status).toBe(422);
    expect(r.type).toContain('application/problem+json');
    expect(fields(r)).toEqual(['agencies[3].parentId', 'staff[0].position']);
    expect(await tableCounts(api.tdb.db)).toEqual(before);
    // Outside the caller's subtree: a commune admin cannot import a sibling's agency, nor under the province.
    const commune = await send('POST', '/v1/agencies/import', await h(['admin'], 'ubnd-xa-b'), {
      agencies: [file.agencies[2]],
    });
    expect(commune.status).toBe(422);
    expect(fields(commune)).toEqual(['agencies[0].id']);
    expect(
      (await send('POST', '/v1/agencies/import?under=tinh-demo', await h(['admin'], 'ubnd-xa-b'), file)).status,
    ).toBe(404);
    expect((await send('POST', '/v1/agencies/import?under=system', await h(['admin'], 'tinh-demo'), file)).status).toBe(
      403,
    );
    expect(await tableCounts(api.tdb.db)).toEqual(before);
  });

  it('imports the file, then again as unchanged; one audit entry each', async () => {
    const prov = await h(['admin'], 'tinh-demo');
    const r = await send('POST', '/v1/agencies/import', prov, file);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ dryRun: false, applied: true });
    expect(await api.tdb.db('agencies').where({ id: 'vp-phuong-1' }).first()).toMatchObject({
      parent_id: 'ubnd-phuong-1',
      level: 'department',
    });
    expect((await api.tdb.db('agencies').where({ id: 'so-tnmt' }).first()).name).toBe('Sở Nông nghiệp và Môi trường');
    expect(await api.tdb.db('agency_staff').where({ person_id: 'ct-phuong-1' }).first()).toMatchObject({
      position: 'head',
      roles: ['supervisor', 'admin'],
    });
    const again = await send('POST', '/v1/agencies/import', prov, file);
    expect(again.json).toMatchObject({
      agencies: { created: [], changed: [], unchanged: 3 },
      people: { unchanged: 2 },
      memberships: { unchanged: 2 },
    });
    expect(await api.tdb.db('audit_log').where({ action: 'directory.imported' }).count('* as n').first()).toMatchObject(
      { n: 2 },
    );
    expect(
      (await resolveRecipients(api.tdb.db, { agencyId: 'vp-phuong-1', to: ['intake', 'parent'] })).map(
        (x) => x.personId,
      ),
    ).toEqual(['cb-phuong-1', 'ct-phuong-1']);
  });

  it('reads CSV: agencies, then staff (a head change in one file is fine)', async () => {
    const prov = await h(['admin'], 'tinh-demo');
    const agencies =
      'id,parentId,name,level,kind\nubnd-phuong-2,tinh-demo,UBND phường 2,commune,\nthanh-tra-p2,ubnd-phuong-2,"Thanh tra, phường 2",department,inspectorate\n';
    const dry = await send('POST', '/v1/agencies/import?dryRun=true', prov, agencies, 'text/csv');
    expect(dry.status, dry.text).toBe(200);
    expect((dry.json.agencies as { created: string[] }).created).toEqual(['ubnd-phuong-2', 'thanh-tra-p2']);
    expect((await send('POST', '/v1/agencies/import', prov, agencies, 'text/csv')).status).toBe(200);
    expect(await api.tdb.db('agencies').where({ id: 'thanh-tra-p2' }).first()).toMatchObject({
      name: 'Thanh tra, phường 2',
      kind: 'inspectorate',
    });

    const staff =
      'person_id,display_name,email,phone,agency_id,roles,position\n' +
      'ct-phuong-2,Ngô Văn Khánh,ct@phuong-2.kntc.local,,ubnd-phuong-2,supervisor admin,head\n' +
      'ct-phuong-1,,,,ubnd-phuong-1,supervisor,member\n' +
      'pct-phuong-1,Bùi Thị Lan,pct@phuong-1.kntc.local,,ubnd-phuong-1,supervisor;officer,head\n';
    const r = await send('POST', '/v1/agencies/import', prov, staff, 'text/csv');
    expect(r.status, r.text).toBe(200);
    expect(
      (await api.tdb.db('agency_staff').where({ agency_id: 'ubnd-phuong-1', position: 'head' }).first()).person_id,
    ).toBe('pct-phuong-1');
    expect((await api.tdb.db('people').where({ id: 'ct-phuong-1' }).first()).email).toBe(
      'chu-tich@phuong-1.kntc.local',
    );

    const broken = await send('POST', '/v1/agencies/import', prov, 'id,parentId,name,colour\na,b,c,d\n', 'text/csv');
    expect(broken.status).toBe(400);
    expect(fields(broken)).toEqual(['header[3]']);
  });
});

describe('staff, people and notification preferences', () => {
  it('adds staff (creating the person), one head per agency, updates contacts and preferences; all audited', async () => {
    const admin = await h(['admin'], 'so-tnmt');
    const noName = await send('PUT', '/v1/agencies/so-tnmt/staff/new-person', admin, { roles: ['officer'] });
    expect(noName.status).toBe(422);
    expect(fields(noName)).toEqual(['person.displayName']);
    const add = await send('PUT', '/v1/agencies/so-tnmt/staff/hoa-nt', admin, {
      roles: ['officer', 'supervisor'],
      position: 'deputy',
      person: { displayName: 'Nguyễn Thị Hoa', email: 'hoa@so-tnmt.kntc.local' },
    });
    expect(add.status, add.text).toBe(201);
    expect(add.json).toMatchObject({
      personId: 'hoa-nt',
      agencyId: 'so-tnmt',
      position: 'deputy',
      person: { displayName: 'Nguyễn Thị Hoa' },
    });
    const badEmail = await send('PUT', '/v1/agencies/so-tnmt/staff/hoa-nt', admin, {
      roles: ['officer'],
      person: { displayName: 'x', email: 'not-an-email' },
    });
    expect(badEmail.status).toBe(400);
    expect(fields(badEmail)).toEqual(['person.email']);
    const badRole = await send('PUT', '/v1/agencies/so-tnmt/staff/hoa-nt', admin, { roles: ['system_admin'] });
    expect(badRole.status).toBe(400);
    expect(fields(badRole)).toEqual(['roles.0']);
    const twoHeads = await send('PUT', '/v1/agencies/so-tnmt/staff/hoa-nt', admin, {
      roles: ['supervisor'],
      position: 'head',
    });
    expect(twoHeads.status).toBe(409);
    expect(fields(twoHeads)).toEqual(['position']);

    const staff = await send('GET', '/v1/agencies/so-tnmt/staff', await h(['supervisor'], 'so-tnmt'));
    expect(
      (staff.json.items as Array<{ personId: string; position: string }>).map((s) => [s.personId, s.position]),
    ).toEqual([
      ['head-so-tnmt', 'head'],
      ['hoa-nt', 'deputy'],
    ]);
    const detail = await send('GET', '/v1/agencies/so-tnmt', await h(['officer'], 'so-tnmt'));
    expect(detail.json).toMatchObject({
      head: { id: 'head-so-tnmt' },
      deputies: [{ id: 'hoa-nt', displayName: 'Nguyễn Thị Hoa' }],
    });
    expect((await send('GET', '/v1/agencies/so-tnmt/staff', await h(['officer'], 'so-tnmt'))).status).toBe(403);

    const patch = await send('PATCH', '/v1/people/hoa-nt', admin, { phone: '+84912345678' });
    expect(patch.status, patch.text).toBe(200);
    expect(patch.json).toMatchObject({ phone: '+84912345678', email: 'hoa@so-tnmt.kntc.local' });
    const prefs = await send('PUT', '/v1/people/hoa-nt/notification-preferences', admin, {
      items: [
        { channel: 'sms', kind: '*', enabled: true },
        { channel: 'email', kind: 'deadline_breach', enabled: false },
      ],
    });
    expect(prefs.status, prefs.text).toBe(200);
    expect(prefs.json.defaults).toEqual({ email: true, sms: false, inapp: true });
    const badPref = await send('PUT', '/v1/people/hoa-nt/notification-preferences', admin, {
      items: [{ channel: 'fax', kind: '*', enabled: true }],
    });
    expect(badPref.status).toBe(400);
    expect(fields(badPref)).toEqual(['items.0.channel']);
    const r = await resolveRecipients(api.tdb.db, { agencyId: 'so-tnmt', to: ['deputies'], kind: 'deadline_breach' });
    expect(r).toEqual([
      {
        personId: 'hoa-nt',
        displayName: 'Nguyễn Thị Hoa',
        email: 'hoa@so-tnmt.kntc.local',
        phone: '+84912345678',
        channels: ['sms', 'inapp'],
      },
    ]);

    const people = await send('GET', '/v1/people?agencyId=so-tnmt', await h(['auditor'], 'tinh-demo'));
    expect((people.json.items as Array<{ id: string }>).map((p) => p.id)).toEqual(['head-so-tnmt', 'hoa-nt']);
    const person = await send('GET', '/v1/people/hoa-nt', await h(['supervisor'], 'tinh-demo'));
    expect(person.json.memberships).toMatchObject([{ agencyId: 'so-tnmt', roles: ['officer', 'supervisor'] }]);

    // Outside the subtree: the person and the agency do not exist for a commune's admin.
    const commune = await h(['admin'], 'ubnd-xa-b');
    expect((await send('GET', '/v1/people/hoa-nt', commune)).status).toBe(404);
    expect((await send('PATCH', '/v1/people/hoa-nt', commune, { active: false })).status).toBe(404);
    expect((await send('PUT', '/v1/people/hoa-nt/notification-preferences', commune, { items: [] })).status).toBe(404);
    expect((await send('PUT', '/v1/agencies/so-tnmt/staff/hoa-nt', commune, { roles: [] })).status).toBe(404);
    expect((await send('DELETE', '/v1/agencies/so-tnmt/staff/hoa-nt', commune)).status).toBe(404);
    expect(
      ((await send('GET', '/v1/people', commune)).json.items as unknown[]).map((p) => (p as { id: string }).id),
    ).toEqual(['head-ubnd-xa-b']);

    expect((await send('DELETE', '/v1/agencies/so-tnmt/staff/hoa-nt', admin)).status).toBe(204);
    expect(await api.tdb.db('agency_staff').where({ person_id: 'hoa-nt' })).toEqual([]);
    const actions = (
      await api.tdb
        .db('audit_log')
        .whereIn('action', ['staff.added', 'staff.removed', 'person.updated', 'person.preferences_set'])
        .orderBy('seq')
        .select('action')
    ).map((a) => a.action);
    expect(actions).toEqual(['staff.added', 'person.updated', 'person.preferences_set', 'staff.removed']);
  });

  it('a person sets their own preferences (added to the directory by their token when new)', async () => {
    const me = await h(['officer'], 'ubnd-xa-b', 'officer-xa-b-1');
    expect((await send('GET', '/v1/me/notification-preferences', me)).json).toMatchObject({
      personId: 'officer-xa-b-1',
      items: [],
    });
    const put = await send('PUT', '/v1/me/notification-preferences', me, {
      items: [{ channel: 'email', kind: '*', enabled: false }],
    });
    expect(put.status, put.text).toBe(200);
    expect((await send('GET', '/v1/me/notification-preferences', me)).json.items).toEqual([
      { channel: 'email', kind: '*', enabled: false },
    ]);
    const dup = await send('PUT', '/v1/me/notification-preferences', me, {
      items: [
        { channel: 'email', kind: '*', enabled: false },
        { channel: 'email', kind: '*', enabled: true },
      ],
    });
    expect(dup.status).toBe(400);
    expect(fields(dup)).toEqual(['items']);
  });
});

describe('task candidates from the directory', () => {
  it('lists staff holding a candidate role at the target agency or above, target agency first', async () => {
    const c = await send('POST', '/v1/cases', await h(['intake'], 'ubnd-xa-b'), {
      type: 'petition',
      channel: 'portal',
      receivedAt: new Date().toISOString(),
      agencyId: 'ubnd-xa-b',
      subject: 'ứng viên',
    });
    expect(c.status, c.text).toBe(201);
    const id = c.json.id as string;
    const task = await until(
      async () => (await api.tdb.db('case_tasks').where({ case_id: id, status: 'open' }).first()) ?? undefined,
      'a task',
    );
    const admin = await h(['admin'], 'tinh-demo');
    await send('PUT', '/v1/agencies/ubnd-xa-b/staff/cb-xa-b', admin, {
      roles: task.candidate_roles.filter((r: string) => ['intake', 'officer'].includes(r)).slice(0, 1),
      person: { displayName: 'Cán bộ xã B' },
    });
    await send('PUT', '/v1/agencies/ubnd-xa-b/staff/auditor-xa-b', admin, {
      roles: ['auditor'],
      person: { displayName: 'Kiểm tra xã B' },
    });
    const r = await send(
      'GET',
      `/v1/tasks/${id}.${task.task_id as string}/candidates`,
      await h(['supervisor'], 'ubnd-xa-b'),
    );
    expect(r.status, r.text).toBe(200);
    const items = r.json.items as Array<{ personId: string; atTargetAgency: boolean }>;
    expect(items[0]).toMatchObject({ personId: 'cb-xa-b', atTargetAgency: true });
    expect(items.map((i) => i.personId)).not.toContain('auditor-xa-b');
    expect(
      (await send('GET', `/v1/tasks/${id}.${task.task_id as string}/candidates`, await h(['supervisor'], 'ubnd-xa-a')))
        .status,
    ).toBe(404);
  });
});

describe('what other agencies share is changed from above only', () => {
  it('a commune admin cannot rewrite or silence a person who also works above it (the province head)', async () => {
    const prov = await h(['admin'], 'tinh-demo');
    const commune = await h(['admin'], 'ubnd-xa-a');
    const member = await send('PUT', '/v1/agencies/ubnd-xa-a/staff/head-tinh-demo', prov, {
      roles: ['supervisor'],
      position: 'member',
    });
    expect(member.status, member.text).toBe(201);
    const takeover = await send('PUT', '/v1/agencies/ubnd-xa-a/staff/head-tinh-demo', commune, {
      roles: ['officer'],
      position: 'member',
      person: { displayName: 'x', email: 'attacker@evil.example' },
    });
    expect(takeover.status, takeover.text).toBe(403);
    expect((await send('PATCH', '/v1/people/head-tinh-demo', commune, { active: false })).status).toBe(403);
    const silence = await send('PUT', '/v1/people/head-tinh-demo/notification-preferences', commune, {
      items: [{ channel: 'email', kind: '*', enabled: false }],
    });
    expect(silence.status).toBe(403);
    const person = await send('GET', '/v1/people/head-tinh-demo', prov);
    expect(person.json).toMatchObject({ email: 'chu-tich@tinh-demo.kntc.local', active: true });
    // The commune admin still manages the membership itself, and the province admin the person.
    expect(
      (
        await send('PUT', '/v1/agencies/ubnd-xa-a/staff/head-tinh-demo', commune, {
          roles: ['officer'],
          position: 'member',
        })
      ).status,
    ).toBe(200);
    expect((await send('PATCH', '/v1/people/head-tinh-demo', prov, { phone: '+84911111111' })).status).toBe(200);
  });

  it('an agency does not make itself the inspectorate; one inspectorate per level', async () => {
    const prov = await h(['admin'], 'tinh-demo');
    const created = await send('POST', '/v1/agencies', prov, {
      id: 'so-kind-test',
      parentId: 'tinh-demo',
      name: 'Sở Thử',
      level: 'department',
    });
    expect(created.status, created.text).toBe(201);
    const own = await send('PATCH', '/v1/agencies/so-kind-test', await h(['admin'], 'so-kind-test'), {
      kind: 'inspectorate',
    });
    expect(own.status, own.text).toBe(403);
    const second = await send('PATCH', '/v1/agencies/so-kind-test', prov, { kind: 'inspectorate' });
    expect(second.status, second.text).toBe(409);
    expect(fields(second)).toEqual(['kind']);
    expect(
      (await send('PATCH', '/v1/agencies/so-kind-test', await h(['admin'], 'so-kind-test'), { name: 'Sở Thử Nghiệm' }))
        .status,
    ).toBe(200);
  });
});

describe('closures that race: a start that fails, a case started against a stale tree (ADR 0024)', () => {
  const prov = () => h(['admin'], 'tinh-demo');
  async function commune(id: string) {
    const r = await send('POST', '/v1/agencies', await prov(), {
      id,
      parentId: 'tinh-demo',
      name: id,
      level: 'commune',
    });
    expect(r.status, r.text).toBe(201);
  }
  async function petition(agencyId: string) {
    return send('POST', '/v1/cases', await h(['intake'], agencyId), {
      type: 'petition',
      channel: 'portal',
      receivedAt: new Date().toISOString(),
      agencyId,
      subject: 'kiến nghị',
    });
  }

  it('a closure whose move could not start (Temporal unreachable) is recorded not_started and started again', async () => {
    await commune('ubnd-xa-r1');
    const c = await petition('ubnd-xa-r1');
    expect(c.status, c.text).toBe(201);
    const caseId = c.json.id as string;
    await until(
      async () => (await api.tdb.db('case_tasks').where({ case_id: caseId, status: 'open' }).first()) ?? undefined,
      'the case task',
    );
    // The same service over a Temporal address nobody listens on: the closure commits, its start fails.
    const dead = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) });
    const offline = createDirectoryService({
      db: api.deps.db,
      audit: createAuditStore(api.deps.db),
      temporal: dead,
      taskQueue: api.deps.taskQueue,
      logger: { warn: () => undefined },
      closureRetryMs: 3_600_000, // its own background retry stays out of the way: the API's service resumes it
    });
    const principal = { type: 'user', id: 'admin-r1', agencyId: 'tinh-demo', roles: ['admin'], permissions: [] };
    const { start } = await offline.closeAgency(
      'ubnd-xa-r1',
      { successorId: 'ubnd-xa-a', reason: 'Sáp nhập' },
      ['tinh-demo', 'ubnd-xa-r1', 'ubnd-xa-a'],
      { principal: principal as never, requestId: 'req-r1' },
    );
    const row = await start();
    expect(row).toMatchObject({ status: 'not_started', start_attempts: 1, reason: 'Sáp nhập' });
    expect(row.last_start_error).toBeTruthy();
    const shown = await send('GET', '/v1/agencies/ubnd-xa-r1/closure', await prov());
    expect(shown.json.status).toBe('not_started');
    // What an API process does at start and in the background: the move starts, the case moves.
    const online = createDirectoryService({
      db: api.deps.db,
      audit: createAuditStore(api.deps.db),
      temporal: api.deps.temporal,
      taskQueue: api.deps.taskQueue,
      logger: { warn: () => undefined },
    });
    expect(await online.resumeClosures()).toEqual({ started: 1, left: 0 });
    const done = await until(async () => {
      const r = await send('GET', '/v1/agencies/ubnd-xa-r1/closure', await prov());
      return r.json.status === 'completed' ? r.json : undefined;
    }, 'the resumed closure to complete');
    expect(done).toMatchObject({ moved: 1 });
    expect((await api.tdb.db('cases').where({ id: caseId }).first()).agency_id).toBe('ubnd-xa-a');
    expect((await api.tdb.db('agency_closures').where({ agency_id: 'ubnd-xa-r1' }).first()).start_attempts).toBe(2);
    await dead.connection.close().catch(() => undefined);
  }, 120_000);

  it('a case started while the cached tree still shows its agency open is refused, and nothing of it stays', async () => {
    await commune('ubnd-xa-r2');
    // The API's tree now holds ubnd-xa-r2 open (a case there was accepted).
    const first = await petition('ubnd-xa-r2');
    expect(first.status, first.text).toBe(201);
    // Closed by another process (its cache is not this API's): within the TTL this API still thinks it open.
    await api.tdb
      .db('agencies')
      .where({ id: 'ubnd-xa-r2' })
      .update({ closed_at: api.tdb.db.fn.now(), successor_id: 'ubnd-xa-a' });
    const before = await api.tdb.db('cases').where({ agency_id: 'ubnd-xa-r2' }).count<{ n: string }[]>('* as n');
    const lateId = '0192f5e0-7c1a-7000-8000-00000000r2r2'.replace(/r/g, 'a');
    api.deps.newCaseId = () => lateId;
    const late = await petition('ubnd-xa-r2').finally(() => {
      delete api.deps.newCaseId;
    });
    expect(late.status, late.text).toBe(422);
    expect(late.json.type).toMatch(/agency-closed$/);
    expect(fields(late)).toEqual(['agencyId']);
    expect(late.text).toContain('ubnd-xa-a');
    const after = await api.tdb.db('cases').where({ agency_id: 'ubnd-xa-r2' }).count<{ n: string }[]>('* as n');
    expect(after[0]!.n).toBe(before[0]!.n);
    // Its workflow (started before the read-model row was refused) was ended.
    const d = await api.dev.client.workflow.getHandle(`case-${lateId}`).describe();
    expect(d.status.name).toBe('TERMINATED');
    expect(await api.tdb.db('parties').where({ case_id: lateId })).toHaveLength(0);
  }, 120_000);
});
