/**
 * `npm run migrate` (scripts/migrate.ts) as a process: it migrates the configured database (DATABASE_URL) and
 * grants the application role (DATABASE_APP_URL) its rights, as `npm start` does before anything else.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationSource } from '../../db/migrations/index.js';
import { ROOT } from '../../platform/config.js';
import { freePort } from '../../platform/postgres.js';
import { createTestDb, type TestDb } from '../support/db.js';

function migrate(env: Record<string, string>): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'migrate.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('npm run migrate', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    // The application role exists on the run's server (a migrated test database creates it); this one starts empty.
    await (await createTestDb()).drop();
    tdb = await createTestDb({ migrate: false });
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('migrates DATABASE_URL from empty, grants DATABASE_APP_URL its rights, and is a no-op the second time', async () => {
    const all = await migrationSource.getMigrations([]);
    const first = migrate({ DATABASE_URL: tdb.url, DATABASE_APP_URL: tdb.appUrl });
    expect(first.out).toContain(`applied ${all.length} migration(s)`);
    expect(first.status).toBe(0);
    for (const name of all) expect(first.out).toContain(name);
    const done = await tdb.db('knex_migrations').orderBy('id').pluck('name');
    expect(done).toEqual(all);
    // The application role reads and writes the new tables, and appends to the audit log only (ADR 0014).
    expect(await tdb.appDb('cases').count('* as n').first()).toMatchObject({ n: 0 });
    await expect(tdb.appDb.raw('ALTER TABLE audit_log DISABLE TRIGGER ALL')).rejects.toThrow(/owner/);

    const second = migrate({ DATABASE_URL: tdb.url, DATABASE_APP_URL: tdb.appUrl });
    expect(second.out).toContain('migrations up to date');
    expect(second.status).toBe(0);
  });

  it('a database it cannot reach fails with exit code 1 and says so', async () => {
    const port = await freePort();
    const r = migrate({ DATABASE_URL: `postgres://kntc:kntc@127.0.0.1:${port}/nowhere` });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/^migration failed: .*ECONNREFUSED/m);
  });
});
