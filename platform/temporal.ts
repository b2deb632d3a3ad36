import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  type LogLevel,
  type NativeConnectionOptions,
} from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { portInUse } from './postgres.js';
import { safeLogMeta } from './db-errors.js';
import { argvPath, guardChild, processArgv, stopProcess, unguardChild } from './processes.js';
import { SEARCH_ATTRIBUTES } from '../workflows/contract.js';

/** Paths of the binaries installed by scripts/install-temporal.mjs. */
export function temporalBinaries(toolsDir: string): { temporal: string; testServer: string } {
  return {
    temporal: path.join(toolsDir, 'bin', 'temporal'),
    testServer: path.join(toolsDir, 'bin', 'temporal-test-server'),
  };
}

export interface ServerProcess {
  readonly address: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 8000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill(signal);
  });
}

/** Waits until a Temporal frontend answers on `address` (we start servers ourselves: no 5 s core limit). */
export async function waitForTemporal(address: string, timeoutMs = 60_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`Temporal server exited with code ${child.exitCode}`);
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.workflowService.getSystemInfo({});
      await c.close();
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not become ready in ${timeoutMs} ms: ${String(last)}`);
}

export interface DevServerOptions {
  binary: string;
  port: number;
  /** Web UI port, or undefined for headless. */
  uiPort?: number;
  namespace: string;
  /** Persist to this SQLite file; undefined keeps everything in memory. */
  dbFile?: string;
  logFile?: string;
}

/** Starts the official Temporal CLI dev server (`temporal server start-dev`). */
export async function startDevServer(o: DevServerOptions): Promise<ServerProcess> {
  const pidFile = o.dbFile ? path.join(path.dirname(o.dbFile), 'server.pid') : undefined;
  if (o.dbFile && pidFile) {
    securePersistence(o.dbFile);
    await stopStaleDevServer(pidFile, o.dbFile);
  }
  for (const [p, what, env] of [
    [o.port, 'Temporal', 'TEMPORAL_DEV_PORT'],
    [o.uiPort, 'Temporal Web UI', 'TEMPORAL_UI_PORT'],
  ] as const) {
    if (p !== undefined && (await portInUse(p))) {
      throw new Error(
        `${what} port ${p} is already in use. Set ${env} to another port, or TEMPORAL_ADDRESS to use an existing cluster.`,
      );
    }
  }
  if (!fs.existsSync(o.binary)) throw new Error(`Temporal CLI not found at ${o.binary}: run npm run tools:install`);
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--namespace',
    o.namespace,
    '--log-format',
    'json',
    '--log-level',
    'warn',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=true',
  ];
  if (o.uiPort !== undefined) args.push('--ui-port', String(o.uiPort));
  else args.push('--headless');
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa.name}=${sa.cliType}`);
  const out = o.logFile ? fs.openSync(o.logFile, 'a', 0o600) : 'ignore';
  // Own session (a terminal's Ctrl-C reaches us, and we stop it in order); umask 077: the SQLite files it
  // creates (database, -wal, -shm) are its owner's alone.
  let umask: number | undefined;
  try {
    umask = process.umask(0o077);
  } catch {
    umask = undefined; // not settable in a worker thread: the files are made private once the server is up
  }
  let child: ChildProcess;
  try {
    child = spawn(o.binary, args, { stdio: ['ignore', out, out], detached: true });
  } finally {
    if (umask !== undefined) process.umask(umask);
    if (typeof out === 'number') fs.closeSync(out);
  }
  guardChild(child, 'SIGTERM', 10_000);
  if (pidFile) fs.writeFileSync(pidFile, `${child.pid}\n`, { mode: 0o600 });
  // Safety net: never leave the dev server orphaned if this process ends without a clean stop.
  const killOnExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const stop = async () => {
    await stopChild(child);
    unguardChild(child);
    if (pidFile) fs.rmSync(pidFile, { force: true });
  };
  const address = `127.0.0.1:${o.port}`;
  try {
    await waitForTemporal(address, 60_000, child);
    if (o.dbFile) securePersistence(o.dbFile);
    // `--search-attribute` only takes effect on a new database: a dev server restarted on a file
    // from before an attribute was added (npm start keeps .data/temporal) would lack it, and every
    // case's first upsert would fail its workflow task (the case stalls). Register what is missing.
    const c = await Connection.connect({ address });
    try {
      await registerSearchAttributes(c, o.namespace);
    } finally {
      await c.close();
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { address, child, stop };
}

/**
 * The persisted dev server's folder is its owner's alone (0700) and so are its files (0600): the SQLite database
 * holds every case's workflow history.
 */
export function securePersistence(dbFile: string): void {
  const dir = path.dirname(dbFile);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    try {
      if (fs.lstatSync(p).isFile()) fs.chmodSync(p, 0o600);
    } catch (e) {
      // SQLite's journal comes and goes while a server (stopping) still writes: gone is fine.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/**
 * A dev server that an earlier, crashed run left on the same database file (its pid in `server.pid`, its command
 * line still `temporal server start-dev … --db-filename <dbFile>`) is stopped; anything else is left alone.
 */
export async function stopStaleDevServer(pidFile: string, dbFile: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  const ours = (argv: string[]) =>
    argv.includes('start-dev') && argvPath(argv, '--db-filename') === path.resolve(dbFile);
  let stopped: number | undefined;
  const argv = Number.isInteger(pid) && pid > 1 ? processArgv(pid) : undefined;
  if (argv && ours(argv)) {
    const gone = await stopProcess(pid, ours, [
      ['SIGTERM', 10_000],
      ['SIGKILL', 5_000],
    ]);
    if (!gone) throw new Error(`a Temporal dev server (pid ${pid}) still runs on ${dbFile} and could not be stopped`);
    stopped = pid;
  }
  fs.rmSync(pidFile, { force: true });
  return stopped;
}

/** Starts sdk-java's time-skipping test server (`temporal-test-server <port>`). */
export async function startTimeSkippingServer(binary: string, port: number): Promise<ServerProcess> {
  const child = spawn(binary, [String(port)], { stdio: 'ignore', detached: true });
  guardChild(child, 'SIGKILL', 0);
  const address = `127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, 'SIGKILL');
    unguardChild(child);
  };
  try {
    await waitForTemporal(address, 30_000, child);
  } catch (e) {
    await stop();
    throw e;
  }
  return { address, child, stop };
}

/** Connection options for an existing cluster (TLS / mTLS / API key), or the local dev server. */
export function connectionOptions(cfg: Config, address: string): ConnectionOptions & NativeConnectionOptions {
  const t = cfg.temporal;
  const opts: ConnectionOptions & NativeConnectionOptions = { address };
  if (t.tls || t.apiKey || t.clientCertPath) {
    opts.tls = {
      serverNameOverride: t.serverNameOverride,
      clientCertPair:
        t.clientCertPath && t.clientKeyPath
          ? { crt: fs.readFileSync(t.clientCertPath), key: fs.readFileSync(t.clientKeyPath) }
          : undefined,
    };
  }
  if (t.apiKey) opts.apiKey = t.apiKey;
  return opts;
}

export async function connectClient(cfg: Config, address: string): Promise<Connection> {
  return Connection.connect(connectionOptions(cfg, address));
}

export async function connectWorker(cfg: Config, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(cfg, address));
}

const INDEXED_VALUE_TYPE: Record<string, number> = {
  // temporal.api.enums.v1.IndexedValueType
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/**
 * Registers our search attributes on a server (dev server, time-skipping test server, or an
 * existing cluster that lacks them) and returns the names it added. Only the missing ones are
 * added: attributes that already exist are left alone, whatever their number (a server that
 * rejects a batch naming an existing attribute would otherwise never get the new ones).
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  let known: Set<string> | undefined;
  try {
    const r = await connection.operatorService.listSearchAttributes({ namespace });
    known = new Set([...Object.keys(r.customAttributes ?? {}), ...Object.keys(r.systemAttributes ?? {})]);
  } catch {
    known = undefined; // a server without the listing (or not allowed to list): add them all
  }
  const missing = SEARCH_ATTRIBUTES.filter((sa) => !known?.has(sa.name));
  if (missing.length === 0) return [];
  const searchAttributes: Record<string, number> = {};
  for (const sa of missing) searchAttributes[sa.name] = INDEXED_VALUE_TYPE[sa.cliType]!;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (e) {
    if (!/already exists/i.test(String((e as Error).message))) throw e;
  }
  return missing.map((sa) => sa.name);
}

/**
 * Routes the Temporal SDK's own logs (worker, core) into our pino logger at `level` and above,
 * so `npm start` prints our structured lines rather than the bundler's chatter. Call once per process.
 */
export function installTemporalRuntimeLogger(logger: Logger, level: LogLevel = 'WARN'): void {
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        const fn = entry.level === 'ERROR' ? logger.error : entry.level === 'WARN' ? logger.warn : logger.info;
        fn.call(logger, { temporal: safeLogMeta(entry.meta) }, entry.message);
      }),
    });
  } catch {
    // a Runtime already exists in this process (tests install their own)
  }
}
