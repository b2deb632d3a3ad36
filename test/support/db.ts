import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type Db } from '../../db/knex.js';
import { migrateLatest } from '../../db/migrate.js';
import { APP_ROLE, ensureAppRole, withCredentials } from '../../platform/db-roles.js';

/** The test run's password of the application role (roles are per server; every test database grants it). */
const TEST_APP_PASSWORD = 'kntc-app-test';

export interface TestDb {
  /** The owner of the tables (the embedded server's superuser): migrations, fixtures, tampering. */
  db: Db;
  url: string;
  /**
   * The same database as the application role `kntc_app` (ADR 0014: DML only, audit tables append-only,
   * owns nothing). Only on a migrated database. What the API and workers of `startTestApi` use.
   */
  appDb: Db;
  appUrl: string;
  /** Drops the throwaway database. */
  drop(): Promise<void>;
}

/** A throwaway database on the run's PostgreSQL, migrated unless `migrate: false`. */
export async function createTestDb(opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = createDb(adminUrl, { max: 1 });
  await admin.raw(`CREATE DATABASE "${name}"`);
  await admin.destroy();
  const url = adminUrl.replace(/\/[^/]+$/, `/${name}`);
  const db = createDb(url, { max: 5 });
  if (opts.migrate !== false) {
    await migrateLatest(db);
    await ensureAppRole(db, { password: TEST_APP_PASSWORD });
  }
  const appUrl = withCredentials(url, APP_ROLE, TEST_APP_PASSWORD);
  const appDb = createDb(appUrl, { max: 10 });
  return {
    db,
    url,
    appDb,
    appUrl,
    async drop() {
      await appDb.destroy();
      await db.destroy();
      const a = createDb(adminUrl, { max: 1 });
      await a.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.destroy();
    },
  };
}
