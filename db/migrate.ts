import type { Db } from './knex.js';
import { migrationSource } from './migrations/index.js';

/** Runs all pending migrations; returns the names applied. */
export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

/** Rolls back every migration (tests of `down`). */
export async function migrateRollbackAll(db: Db): Promise<string[]> {
  const [, rolled] = (await db.migrate.rollback({ migrationSource }, true)) as [number, string[]];
  return rolled;
}
