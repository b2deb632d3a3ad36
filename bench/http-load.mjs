// HTTP load generator of the API benchmark, run as a child process (bench/api.ts forks it) so that the
// integrator's HTTP client does not run on the API's event loop: on the raw side the caller is a loop around
// `client.workflow.start`, and an HTTP client parsing responses on the server's thread would charge the API
// for CPU its callers spend. Messages: {url, headers, body} once, then {run: n, concurrency} → {seconds, cpuMs}.
/* global fetch */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

let target;
process.on('message', async (m) => {
  if (m.url) {
    target = m;
    process.send({ ready: true });
    return;
  }
  if (m.run === undefined) return;
  try {
    let next = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: m.concurrency }, async () => {
      while (next < m.run) {
        next++;
        const r = await fetch(target.url, {
          method: 'POST', headers: { ...target.headers, 'Idempotency-Key': randomUUID() }, body: target.body,
        });
        if (r.status !== 201) throw new Error(`POST → ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    process.send({ seconds, cpuMs: (c.user + c.system) / 1000 });
  } catch (e) {
    process.send({ error: String(e) });
  }
});
process.on('disconnect', () => process.exit(0));
