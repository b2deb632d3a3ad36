import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type Db } from '../../db/knex.js';
import { migrateLatest } from '../../db/migrate.js';

export interface TestDb {
  db: Db;
  url: string;
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
  if (opts.migrate !== false) await migrateLatest(db);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      const a = createDb(adminUrl, { max: 1 });
      await a.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.destroy();
    },
  };
}
