/**
 * The servers a benchmark runs on: a throwaway embedded PostgreSQL (migrated, built-ins registered, the
 * audit chain keyed like the API's) and a Temporal dev server, with both kinds of Temporal connection.
 * Each started part pushes its stop onto `stops` (the caller runs them in reverse in its `finally`).
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { configureAuditKeys, generateAuditKeySpec } from '../db/audit-keys.js';
import { registerBuiltinDefinitions } from '../db/builtin-definitions.js';
import { createDb, type Db } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { freePort, startEmbeddedPostgres } from '../platform/postgres.js';
import { startDevServer } from '../platform/temporal.js';

export interface BenchStack {
  db: Db;
  /** The database's URL (a second pool, e.g. a worker's own as in production). */
  url: string;
  connection: Connection;
  native: NativeConnection;
}

export async function startBenchStack(
  tmp: string,
  temporalBinary: string,
  stops: Array<() => Promise<unknown>>,
): Promise<BenchStack> {
  const [pg, dev] = await Promise.all([
    startEmbeddedPostgres({
      dataDir: path.join(tmp, 'pg'),
      port: await freePort(),
      database: 'kntc_bench',
      persistent: false,
    }),
    startDevServer({
      binary: temporalBinary,
      port: await freePort(),
      namespace: 'default',
      logFile: path.join(tmp, 'temporal.log'),
    }),
  ]);
  stops.push(
    () => pg.stop(),
    () => dev.stop(),
  );
  const db = createDb(pg.url, { max: 10 });
  stops.push(() => db.destroy());
  await migrateLatest(db);
  await registerBuiltinDefinitions(db); // POST /v1/cases starts the definition in force for the case type
  configureAuditKeys(process.env.AUDIT_HMAC_KEYS ?? generateAuditKeySpec('bench')); // the audit chain's HMAC (ADR 0014)
  const connection = await Connection.connect({ address: dev.address });
  const native = await NativeConnection.connect({ address: dev.address });
  stops.push(
    () => connection.close(),
    () => native.close(),
  );
  return { db, url: pg.url, connection, native };
}
