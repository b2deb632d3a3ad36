import type { Db } from './knex.js';

/** One trivial round trip to PostgreSQL (the readiness check). */
export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}
