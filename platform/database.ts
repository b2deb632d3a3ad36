/**
 * The configured PostgreSQL made ready for the application: migrations run as the owner of the tables
 * (`DATABASE_URL`, or the embedded server's superuser), then the application role is created (embedded)
 * or granted its rights (`DATABASE_APP_URL`), ADR 0014. `npm start` and `npm run migrate` both do it here.
 */
import path from 'node:path';
import { createDb, type Db } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import type { Config } from './config.js';
import { APP_ROLE, ensureAppRole, grantAppRole, withCredentials } from './db-roles.js';
import { embeddedAppRolePassword } from './local-secrets.js';
import { portInUse, startEmbeddedPostgres, type PostgresHandle } from './postgres.js';

/** What {@link prepareDatabase} did. */
export interface PreparedDatabase {
  /** Migrations applied now (empty: the schema was up to date). */
  applied: string[];
  /** The connection the API and the workers use (the application role when there is one). */
  appUrl: string;
}

/**
 * Migrates the database at `ownerUrl` and sets up the application role: on the embedded server the role
 * `kntc_app` with the locally kept password; with `DATABASE_APP_URL`, that role's grants; otherwise the
 * application runs as the owner.
 */
export async function prepareDatabase(cfg: Config, ownerUrl: string, embedded: boolean): Promise<PreparedDatabase> {
  const owner: Db = createDb(ownerUrl, { max: 2 });
  try {
    const applied = await migrateLatest(owner);
    if (embedded) {
      const password = embeddedAppRolePassword(cfg);
      await ensureAppRole(owner, { password });
      return { applied, appUrl: withCredentials(ownerUrl, APP_ROLE, password) };
    }
    if (cfg.database.appUrl) {
      await grantAppRole(owner, decodeURIComponent(new URL(cfg.database.appUrl).username));
      return { applied, appUrl: cfg.database.appUrl };
    }
    return { applied, appUrl: ownerUrl };
  } finally {
    await owner.destroy();
  }
}

/** Starts the embedded PostgreSQL of `cfg` (persistent, in its data folder). */
export async function startConfiguredEmbeddedPostgres(cfg: Config): Promise<PostgresHandle> {
  return startEmbeddedPostgres({
    dataDir: path.join(cfg.dataDir, 'postgres'),
    port: cfg.database.embeddedPort,
    persistent: true,
  });
}

/**
 * `npm run migrate`: migrates `DATABASE_URL`, or else the embedded database in the data folder (started for
 * the purpose and stopped after; refused while something, such as `npm start`, holds its port — `npm start`
 * migrates on start anyway). Returns what was applied.
 */
export async function migrateConfiguredDatabase(
  cfg: Config,
): Promise<PreparedDatabase & { databaseUrl: string; embedded: boolean }> {
  if (cfg.database.url)
    return { ...(await prepareDatabase(cfg, cfg.database.url, false)), databaseUrl: cfg.database.url, embedded: false };
  if (await portInUse(cfg.database.embeddedPort)) {
    throw new Error(
      `port ${cfg.database.embeddedPort} of the embedded PostgreSQL is in use (is npm start running? it migrates on start); ` +
        'stop it, or set DATABASE_URL (or PG_PORT) to migrate another server',
    );
  }
  const pg = await startConfiguredEmbeddedPostgres(cfg);
  try {
    return { ...(await prepareDatabase(cfg, pg.url, true)), databaseUrl: pg.url, embedded: true };
  } finally {
    await pg.stop();
  }
}
