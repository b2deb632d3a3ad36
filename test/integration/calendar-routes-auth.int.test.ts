import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../api/deps.js';
import { buildOpenApi } from '../../api/openapi.js';
import { problemMiddleware } from '../../api/problem.js';
import { calendarRouteSpecs } from '../../api/routes/calendar.js';
import { mountRoutes } from '../../api/routing/mount.js';
import { createServices } from '../../api/routing/services.js';
import { createLogger } from '../../platform/logger.js';
import { authHeader, testAuth, testPii } from '../support/auth.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { devServer, uniqueQueue } from '../support/temporal.js';

/** The calendar routes as platform route specs: roles, strict validation, actor from the principal, OpenAPI. */
describe('calendar route specs (defineRoute): auth rules and OpenAPI', () => {
  let tdb: TestDb;
  let dev: Awaited<ReturnType<typeof devServer>>;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    tdb = await createTestDb();
    dev = await devServer();
    const deps: AppDeps = {
      db: tdb.db,
      temporal: dev.client,
      taskQueue: uniqueQueue('calauth'),
      logger: createLogger('silent'),
      auth: testAuth,
      pii: testPii(),
    };
    const app = express();
    app.set('query parser', 'simple');
    app.use(express.json());
    app.use(mountRoutes(calendarRouteSpecs, createServices(deps)));
    app.use(problemMiddleware);
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => {
        const a = server.address();
        url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
        resolve();
      });
    });
  });

  afterAll(async () => {
    server?.close();
    await dev?.close();
    await tdb?.drop();
  });

  const DEADLINE = '/v1/calendar/deadline?start=2026-01-30&amount=30&unit=calendar_days';
  const DAYS = '/v1/calendar/days?from=2026-02-01&to=2026-02-28';
  const ENTRIES = '/v1/admin/calendar/entries';
  const body = { date: '2027-10-15', name: 'Extra day off (test)', source: 'Thông báo (test)', reason: 'Announced' };
  const post = async (path: string, b: unknown, headers: Record<string, string>) =>
    fetch(url + path, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(b),
    });

  it('every calendar route needs a credential', async () => {
    for (const p of [DEADLINE, DAYS, ENTRIES]) expect((await fetch(url + p)).status).toBe(401);
    expect((await post('/v1/admin/calendar/days-off', body, {})).status).toBe(401);
    expect((await post('/v1/admin/calendar/working-days', body, {})).status).toBe(401);
  });

  it('any role reads deadlines and days; admins read the entries table; only the system level writes it (ADR 0013)', async () => {
    for (const role of ['intake', 'officer', 'supervisor', 'auditor', 'admin'] as const) {
      const h = await authHeader({ roles: [role], agency: 'so-tnmt' });
      const d = await fetch(url + DEADLINE, { headers: h });
      expect(d.status).toBe(200);
      expect(await d.json()).toMatchObject({ due: '2026-03-02' });
      expect((await fetch(url + DAYS, { headers: h })).status).toBe(200);
      expect((await fetch(url + ENTRIES, { headers: h })).status).toBe(role === 'admin' ? 200 : 403);
      expect((await post('/v1/admin/calendar/days-off', body, h)).status).toBe(403);
      expect((await post('/v1/admin/calendar/working-days', body, h)).status).toBe(403);
    }
    // Even the province's admin: the calendar is national.
    expect(
      (await post('/v1/admin/calendar/days-off', body, await authHeader({ roles: ['admin'], agency: 'tinh-demo' })))
        .status,
    ).toBe(403);
    expect(Number((await tdb.db('calendar_entries').where({ origin: 'admin' }).count('* as n').first())!.n)).toBe(0);
  });

  it('the system level adds a day off (actor from the token); the same request again answers 200 and writes nothing', async () => {
    const h = await authHeader({ roles: ['system_admin'], agency: 'tinh-demo', sub: 'admin-7' });
    const r = await post('/v1/admin/calendar/days-off', body, h);
    expect(r.status).toBe(202); // stored; the open cases are told in the background (ADR 0019)
    const created = (await r.json()) as {
      entry: { seq: number; createdBy: unknown };
      version: string;
      change: { status: string; links: { self: string } };
    };
    expect(created.change.links.self).toMatch(/^\/v1\/admin\/calendar\/changes\//);
    expect(created.entry.createdBy).toEqual({ type: 'user', id: 'admin-7', agency: 'tinh-demo' });
    const again = await post('/v1/admin/calendar/days-off', body, h);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      entry: { seq: created.entry.seq },
      version: created.version,
      changedDates: [],
      notifiedCases: 0,
    });
    expect(Number((await tdb.db('calendar_entries').where({ origin: 'admin' }).count('* as n').first())!.n)).toBe(1);
    const list = await fetch(url + ENTRIES + '?from=2027-10-01&to=2027-10-31', { headers: h });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { entries: unknown[] }).entries).toHaveLength(1);
  });

  it('strict validation through the platform mount (unknown query parameter, unknown field)', async () => {
    const h = await authHeader({ roles: ['officer'], agency: 'so-tnmt' });
    const q = await fetch(url + DEADLINE + '&tz=UTC', { headers: h });
    expect(q.status).toBe(400);
    expect(q.headers.get('content-type')).toContain('application/problem+json');
    const admin = await authHeader({ roles: ['system_admin'] });
    expect((await post('/v1/admin/calendar/working-days', { ...body, kind: 'public_holiday' }, admin)).status).toBe(
      400,
    );
  });

  it('documents the seven operations with their roles', () => {
    const doc = buildOpenApi(calendarRouteSpecs, { version: 'test' }) as unknown as {
      paths: Record<string, Record<string, { operationId: string; 'x-kntc-auth': { roles: string[] } }>>;
    };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/admin/calendar/changes/{id}',
      '/v1/admin/calendar/days-off',
      '/v1/admin/calendar/entries',
      '/v1/admin/calendar/entries/{id}/withdraw',
      '/v1/admin/calendar/working-days',
      '/v1/calendar/days',
      '/v1/calendar/deadline',
    ]);
    expect(doc.paths['/v1/admin/calendar/days-off']!.post!['x-kntc-auth'].roles).toEqual(['system_admin']);
    expect(doc.paths['/v1/admin/calendar/working-days']!.post!['x-kntc-auth'].roles).toEqual(['system_admin']);
    expect(doc.paths['/v1/admin/calendar/entries/{id}/withdraw']!.post!['x-kntc-auth'].roles).toEqual(['system_admin']);
    expect(doc.paths['/v1/calendar/deadline']!.get!['x-kntc-auth'].roles).toContain('intake');
  });
});
