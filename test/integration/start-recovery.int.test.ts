/**
 * `npm start` as a real process (`node --import tsx scripts/start.ts`, what the npm script runs) on a temporary
 * data folder and free ports: it must come back after `kill -9` with no manual step (issue 11.6, ADR 0015).
 *  1. kill -9 of the node process: the child guard stops its PostgreSQL and Temporal dev server; a new start is ready.
 *  2. kill -9 of the guard and then of the node process: the servers stay behind as orphans; the next start
 *     recognises them by their data folder (postmaster.pid, temporal/server.pid), stops them and is ready.
 *  3. SIGINT: the ordered stop ends with "stopped.", exit code 0, and no process of the run is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../platform/postgres.js';
import { processArgv } from '../../platform/processes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_MS = 240_000;

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let tmp: string;
let env: NodeJS.ProcessEnv;
let apiPort: number;
const runs: Run[] = [];
const seen = new Set<number>();

function start(): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const run = { child, output: () => out, exit };
  runs.push(run);
  return run;
}

async function ready(run: Run): Promise<void> {
  const deadline = Date.now() + READY_MS;
  let exited = false;
  void run.exit.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`npm start exited before it was ready:\n${run.output()}`);
    const status = await fetch(`http://127.0.0.1:${apiPort}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`npm start was not ready in ${READY_MS} ms:\n${run.output()}`);
}

/** Processes whose parent is `pid` (the embedded PostgreSQL, the Temporal dev server, the child guard). */
function childrenOf(pid: number): Array<{ pid: number; argv: string[] }> {
  const out: Array<{ pid: number; argv: string[] }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = processArgv(Number(name));
      if (ppid === pid && argv) out.push({ pid: Number(name), argv });
    } catch {
      // gone
    }
  }
  for (const c of out) seen.add(c.pid);
  return out;
}

const kind = (argv: string[]) =>
  argv.some((a) => a.endsWith('child-guard.mjs'))
    ? 'guard'
    : argv.includes('start-dev')
      ? 'temporal'
      : path.basename(argv[0] ?? '') === 'postgres'
        ? 'postgres'
        : 'other';

async function gone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids;
  while (Date.now() < deadline) {
    alive = pids.filter((p) => processArgv(p) !== undefined);
    if (alive.length === 0) return [];
    await new Promise((r) => setTimeout(r, 250));
  }
  return alive;
}

beforeAll(async () => {
  // Mode 700 (mkdtemp), like a home directory: as root, the data folder is out of the postgres user's reach (10.9).
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-start-'));
  apiPort = await freePort();
  env = {
    ...process.env,
    PORT: String(apiPort),
    PG_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    KNTC_DATA_DIR: path.join(tmp, 'data'),
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  for (const pid of seen) if (processArgv(pid)) process.kill(pid, 'SIGKILL');
  await gone([...seen], 10_000);
  const pgData = path.join(tmp, 'data', 'postgres');
  if (fs.lstatSync(pgData, { throwIfNoEntry: false })?.isSymbolicLink())
    fs.rmSync(fs.realpathSync(pgData), { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm start after a crash', () => {
  it('stops its servers when killed, stops orphans of its data folder on the next start, and ends a Ctrl-C with "stopped."', async () => {
    // An installation from before (folder 0755, log 0644) is made private on start (issue 11.10).
    const temporalDir = path.join(tmp, 'data', 'temporal');
    fs.mkdirSync(temporalDir, { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(temporalDir, 'server.log'), '', { mode: 0o644 });

    // 1. kill -9 of the node process: the guard stops PostgreSQL and the dev server.
    const first = start();
    await ready(first);
    expect(fs.statSync(temporalDir).mode & 0o777).toBe(0o700);
    for (const f of fs.readdirSync(temporalDir))
      expect([f, fs.statSync(path.join(temporalDir, f)).mode & 0o777]).toEqual([f, 0o600]);
    expect(fs.readdirSync(temporalDir)).toEqual(expect.arrayContaining(['temporal.db', 'server.log', 'server.pid']));
    // As root the cluster lives where the postgres user can reach it, and .data/postgres links there (ADR 0015).
    const pgData = path.join(tmp, 'data', 'postgres');
    if (process.getuid?.() === 0) {
      expect(fs.lstatSync(pgData).isSymbolicLink()).toBe(true);
      const real = fs.realpathSync(pgData);
      expect(path.dirname(real)).toBe(process.env.KNTC_PG_DATA_HOME ?? '/var/lib/kntc-flow');
      expect(fs.statSync(real).uid).not.toBe(0);
      expect(fs.existsSync(path.join(real, 'PG_VERSION'))).toBe(true);
    } else {
      expect(fs.lstatSync(pgData).isDirectory()).toBe(true);
    }
    const servers = childrenOf(first.child.pid!);
    // (tsx's esbuild service may be a child too: it ends with its parent by itself.)
    expect(
      servers
        .map((c) => kind(c.argv))
        .filter((k) => k !== 'other')
        .sort(),
    ).toEqual(['guard', 'postgres', 'temporal']);
    first.child.kill('SIGKILL');
    await first.exit;
    expect(
      await gone(
        servers.map((c) => c.pid),
        60_000,
      ),
    ).toEqual([]);

    // 2. kill -9 of the guard, then of the node process: PostgreSQL and the dev server are left behind...
    const second = start();
    await ready(second);
    const next = childrenOf(second.child.pid!);
    const guard = next.find((c) => kind(c.argv) === 'guard')!;
    process.kill(guard.pid, 'SIGKILL');
    await gone([guard.pid], 10_000);
    second.child.kill('SIGKILL');
    await second.exit;
    const orphans = next.filter((c) => kind(c.argv) === 'postgres' || kind(c.argv) === 'temporal').map((c) => c.pid);
    await new Promise((r) => setTimeout(r, 1000));
    expect(orphans.filter((p) => processArgv(p) !== undefined)).toHaveLength(2);

    // ... and the next start stops them (they run on its data folder) and comes up.
    const third = start();
    await ready(third);
    expect(await gone(orphans, 5_000)).toEqual([]);
    const last = childrenOf(third.child.pid!);

    // 3. Ctrl-C: the ordered stop finishes, says so last, exits 0 and leaves nothing running.
    third.child.kill('SIGINT');
    const { code } = await third.exit;
    expect(code).toBe(0);
    expect(third.output().trimEnd().split('\n').at(-1)).toBe('stopped.');
    expect(
      await gone(
        last.map((c) => c.pid),
        15_000,
      ),
    ).toEqual([]);
  }, 900_000);
});
