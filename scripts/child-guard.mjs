// Child guard (ADR 0015): stops the servers a kntc-flow process started (embedded PostgreSQL, the Temporal dev
// server) when that process dies without stopping them — `kill -9`, a crash, an OOM kill. Node has no
// prctl(PR_SET_PDEATHSIG), so the parent spawns this small process in its own session and keeps a pipe to its
// stdin open for life; the kernel closes the pipe however the parent ends, and then this process stops every
// server still registered. Protocol, one line each on stdin:
//   watch <pid> <signal> <graceMs>   stop <pid> with <signal> when the parent dies; SIGKILL after <graceMs>
//   unwatch <pid>                    the parent stopped it itself
// A pid is only signalled while it is the same process (its start time in /proc is unchanged), never a reuse.
import fs from 'node:fs';

/** @type {Map<number, { signal: NodeJS.Signals, graceMs: number, start: string | undefined }>} */
const watched = new Map();

/** Start time (clock ticks since boot) and state of a process from /proc, or undefined where there is none. */
function stat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields 3.. (the name may hold spaces)
    return { state: rest[0], start: rest[19] };
  } catch {
    return undefined;
  }
}

function alive(pid, start) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false;
  }
  const s = stat(pid);
  if (!s) return !fs.existsSync('/proc/self/stat'); // no /proc (macOS): trust kill(pid, 0)
  return s.state !== 'Z' && (start === undefined || s.start === start);
}

function signal(pid, sig, start) {
  if (!alive(pid, start)) return;
  try {
    process.kill(pid, sig);
  } catch {
    // gone in the meantime
  }
}

let stopping = false;
async function stopAll() {
  if (stopping) return;
  stopping = true;
  const list = [...watched.entries()];
  for (const [pid, w] of list) signal(pid, w.signal, w.start);
  const deadline = Date.now() + Math.max(0, ...list.map(([, w]) => w.graceMs));
  while (Date.now() < deadline && list.some(([pid, w]) => alive(pid, w.start)))
    await new Promise((r) => setTimeout(r, 100));
  for (const [pid, w] of list) signal(pid, 'SIGKILL', w.start);
  process.exit(0);
}

let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
    const [cmd, pidText, sig, grace] = buffer.slice(0, i).trim().split(' ');
    buffer = buffer.slice(i + 1);
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (cmd === 'watch')
      watched.set(pid, {
        signal: sig || 'SIGTERM',
        graceMs: Number.isFinite(Number(grace)) ? Number(grace) : 10_000,
        start: stat(pid)?.start,
      });
    else if (cmd === 'unwatch') watched.delete(pid);
  }
});
process.stdin.on('end', () => void stopAll());
process.stdin.on('error', () => void stopAll());
// Only the end of the pipe ends this process: a terminal's Ctrl-C or hang-up is the parent's to handle.
for (const s of ['SIGINT', 'SIGHUP']) process.on(s, () => {});
