/**
 * The servers this process starts must not outlive it (ADR 0015): a child guard stops them if we die without
 * stopping them, and a server left behind anyway (the guard killed too, a power cut) is recognised by its
 * command line on the next start and stopped before a new one is started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GUARD = fileURLToPath(new URL('../scripts/child-guard.mjs', import.meta.url));

let guard: ChildProcess | undefined;

function guardProcess(): ChildProcess | undefined {
  if (guard?.stdin?.writable) return guard;
  try {
    // Own session: a terminal's Ctrl-C reaches us (we stop in order), not the guard. Unref'd: it never keeps us alive.
    guard = spawn(process.execPath, [GUARD], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    guard.on('error', () => {
      guard = undefined;
    });
    guard.stdin!.on('error', () => undefined);
    guard.unref();
    (guard.stdin as unknown as { unref?: () => void }).unref?.();
    return guard;
  } catch {
    return undefined;
  }
}

/**
 * Registers a child with the guard: if this process ends without `unguardChild`, the guard sends `signal`,
 * then SIGKILL after `graceMs`.
 */
export function guardChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): void {
  if (child.pid === undefined) return;
  guardProcess()?.stdin?.write(`watch ${child.pid} ${signal} ${graceMs}\n`);
}

export function unguardChild(child: ChildProcess): void {
  if (child.pid === undefined || !guard?.stdin?.writable) return;
  guard.stdin.write(`unwatch ${child.pid}\n`);
}

/** The command line of a running process (Linux /proc), or undefined when it is gone or cannot be read. */
export function processArgv(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined; // a zombie is gone
    return raw.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  } catch {
    return undefined;
  }
}

/** The value after `flag` in an argv (`-D dir`, `--db-filename file`), resolved as a path. */
export function argvPath(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  const v = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  return v === undefined ? undefined : path.resolve(v);
}

/**
 * Stops the process `pid` while `isSame(argv)` still holds for it: each signal in turn, waiting up to its
 * grace period for the process to end. Resolves true when it is gone.
 */
export async function stopProcess(
  pid: number,
  isSame: (argv: string[]) => boolean,
  steps: Array<[NodeJS.Signals, number]>,
): Promise<boolean> {
  for (const [signal, graceMs] of steps) {
    const argv = processArgv(pid);
    if (!argv || !isSame(argv)) return true;
    try {
      process.kill(pid, signal);
    } catch {
      return processArgv(pid) === undefined;
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      const now = processArgv(pid);
      if (!now || !isSame(now)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return processArgv(pid) === undefined;
}
