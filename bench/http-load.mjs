// HTTP load generator of the API benchmark, run as a child process (bench/api.ts forks it) so that the
// integrator's HTTP client does not run on the API's event loop: on the raw side the caller is a loop around
// `client.workflow.start`, and an HTTP client parsing responses on the server's thread would charge the API
// for CPU its callers spend. Messages: {url, headers, body, client} once, then {run: n, concurrency} → {seconds, cpuMs}.
// `client`: 'http' (node:http with a keep-alive agent, one socket per concurrent caller: the leanest client, so
// that the load generator — which shares the machine's cores only because this is a benchmark — takes as
// little CPU as possible from the API, PostgreSQL and Temporal) or 'fetch' (undici, as before 2026-11-28T01:10Z).
/* global fetch */
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

let target;
let agent;

function postHttp(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function postFetch(url, headers, body) {
  const r = await fetch(url, { method: 'POST', headers, body });
  return { status: r.status, text: await r.text() };
}

process.on('message', async (m) => {
  if (m.url) {
    target = m;
    process.send({ ready: true });
    return;
  }
  if (m.run === undefined) return;
  try {
    const post = target.client === 'fetch' ? postFetch : postHttp;
    agent ??= new http.Agent({ keepAlive: true, maxSockets: m.concurrency });
    let next = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: m.concurrency }, async () => {
        while (next < m.run) {
          next++;
          const r = await post(target.url, { ...target.headers, 'Idempotency-Key': randomUUID() }, target.body);
          if (r.status !== 201) throw new Error(`POST → ${r.status} ${r.text}`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    process.send({ seconds, cpuMs: (c.user + c.system) / 1000 });
  } catch (e) {
    process.send({ error: String(e) });
  }
});
process.on('disconnect', () => process.exit(0));
