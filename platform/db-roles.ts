import type { Db } from '../db/knex.js';

/**
 * The application's database role (ADR 0014). Migrations run as the owner of the tables (the embedded
 * server's superuser, or the role of DATABASE_URL); the API and the workers connect as a role that holds
 * only DML on the application's tables. It owns no table, so it can neither ALTER TABLE (no `DISABLE
 * TRIGGER` on audit_log) nor drop anything, and on the audit tables it holds only what appending needs:
 * `audit_log` and `audit_checkpoints` SELECT + INSERT, `audit_chain_head` SELECT + UPDATE.
 */
export const APP_ROLE = 'kntc_app';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function ident(role: string): string {
  if (!ROLE_NAME.test(role))
    throw new Error(`database role "${role}" must be lower-case letters, digits and underscores`);
  return `"${role}"`;
}

/**
 * Creates (or updates) the application role with `password` — LOGIN, and none of SUPERUSER, CREATEDB,
 * CREATEROLE, REPLICATION, BYPASSRLS — and grants it the application's privileges (`grantAppRole`).
 * Needs a connection that may create roles (the embedded server's superuser). Idempotent; safe when
 * several processes of a test run do it at once on one server.
 */
export async function ensureAppRole(owner: Db, opts: { role?: string; password: string }): Promise<void> {
  const role = ident(opts.role ?? APP_ROLE);
  const attrs = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT';
  const pw = `'${opts.password.replace(/'/g, "''")}'`;
  for (let attempt = 0; ; attempt++) {
    try {
      // Roles are per server: two databases of one test run may race to create it.
      const { rows } = await owner.raw<{ rows: unknown[] }>('SELECT 1 FROM pg_roles WHERE rolname = ?', [
        opts.role ?? APP_ROLE,
      ]);
      await owner.raw(`${rows.length ? 'ALTER' : 'CREATE'} ROLE ${role} WITH ${attrs} PASSWORD ${pw}`);
      break;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt < 3 && (code === '42710' || code === '23505' || code === 'XX000' || code === '40001')) continue; // created concurrently, tuple concurrently updated
      throw e;
    }
  }
  await grantAppRole(owner, opts.role ?? APP_ROLE);
}

/**
 * Grants `role` what the API and the workers need on the current database, and nothing more: CONNECT,
 * USAGE on schema public, SELECT/INSERT/UPDATE/DELETE on the application's tables and USAGE/SELECT on
 * their sequences — except the audit tables (append-only: see above) and knex's migration bookkeeping
 * (none). Run after the migrations by the owner of the tables, so that every table is covered.
 */
export async function grantAppRole(owner: Db, roleName: string = APP_ROLE): Promise<void> {
  const role = ident(roleName);
  const { rows } = await owner.raw<{ rows: Array<{ db: string; usr: string }> }>(
    'SELECT current_database() AS db, current_user AS usr',
  );
  // Revoking the audit privileges from the owner itself would stop its own appends, and protect nothing.
  if (rows[0]!.usr === roleName)
    throw new Error(
      `the application role "${roleName}" is the role that runs the migrations: DATABASE_APP_URL must name another role (ADR 0014)`,
    );
  await owner.raw(`GRANT CONNECT, TEMPORARY ON DATABASE "${rows[0]!.db.replace(/"/g, '""')}" TO ${role}`);
  await owner.raw(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await owner.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  await owner.raw(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  await owner.raw(`REVOKE ALL ON knex_migrations, knex_migrations_lock FROM ${role}`);
  await owner.raw(`REVOKE ALL ON audit_log FROM ${role}`);
  await owner.raw(`GRANT SELECT, INSERT ON audit_log TO ${role}`);
  await owner.raw(`REVOKE ALL ON audit_chain_head FROM ${role}`);
  await owner.raw(`GRANT SELECT, UPDATE ON audit_chain_head TO ${role}`);
  await owner.raw(`REVOKE ALL ON audit_checkpoints FROM ${role}`);
  await owner.raw(`GRANT SELECT, INSERT ON audit_checkpoints TO ${role}`);
  // The once-keys of acknowledged actions' entries (ADR 0013) are append-only like the entries they name.
  await owner.raw(`REVOKE ALL ON audit_keys FROM ${role}`);
  await owner.raw(`GRANT SELECT, INSERT ON audit_keys TO ${role}`);
}

/** The connection string `url` with another user and password. */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/**
 * What the connected role may do that the application role must not: be a superuser, or own audit_log
 * (and so disable its triggers). An empty list is the expected state; start-up logs a warning otherwise.
 */
export async function roleWarnings(db: Db): Promise<string[]> {
  const { rows } = await db.raw<{ rows: Array<{ usr: string; sup: boolean; owns: boolean }> }>(
    `SELECT current_user AS usr, r.rolsuper AS sup,
            EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename = 'audit_log' AND pg_has_role(current_user, t.tableowner, 'USAGE')) AS owns
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const r = rows[0];
  if (!r) return [];
  const out: string[] = [];
  if (r.sup) out.push(`the application connects as "${r.usr}", a superuser: it can disable the audit log's triggers`);
  else if (r.owns)
    out.push(`the application connects as "${r.usr}", which owns audit_log: it can disable its triggers`);
  return out;
}
