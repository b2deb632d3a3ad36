// Load generator of the sustained-load benchmark (bench/load.ts forks it), in its own process so that
// the officers' HTTP client does not run on the API's event loop. One message {url, headers, body, forms,
// concurrency, durationMs, pollMs} starts the run: `concurrency` officers each receive a case
// (POST /v1/cases), then complete every task their case shows open (GET /v1/cases/:id, every `pollMs`)
// until it is closed, and take the next case, until `durationMs` has passed; cases under way then finish.
// Each acknowledged completion is reported at once ({ack: {caseId, taskId, at}}, for the read-model lag);
// the end is reported as {done: {starts, completions, finished, errors}} with each sample's time and latency.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout } from 'node:timers';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function request(agent, url, method, headers, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(data === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : {};
          } catch {
            json = { text };
          }
          resolve({ status: res.statusCode, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

process.on('message', async (m) => {
  if (!m.url) return;
  const agent = new http.Agent({ keepAlive: true, maxSockets: m.concurrency * 2 });
  const starts = [];
  const completions = [];
  const finished = [];
  const errors = [];
  const t0 = Date.now();
  const until = t0 + m.durationMs;
  const post = async (path, body) => {
    const s = performance.now();
    const r = await request(agent, m.url + path, 'POST', { ...m.headers, 'Idempotency-Key': randomUUID() }, body);
    return { ...r, ms: performance.now() - s };
  };
  const officer = async () => {
    let n = 0;
    while (Date.now() < until) {
      const start = await post('/v1/cases', { ...m.body, subject: `${m.body.subject} ${n++}` });
      if (start.status !== 201) {
        errors.push(`POST /v1/cases → ${start.status} ${JSON.stringify(start.json).slice(0, 200)}`);
        await sleep(1000);
        continue;
      }
      starts.push([Date.now() - t0, start.ms]);
      const caseId = start.json.id;
      const done = new Set();
      for (;;) {
        const c = await request(agent, `${m.url}/v1/cases/${caseId}`, 'GET', m.headers);
        if (c.status !== 200) {
          errors.push(`GET /v1/cases/:id → ${c.status}`);
          await sleep(m.pollMs);
          continue;
        }
        if (c.json.status === 'closed') {
          finished.push(Date.now() - t0);
          break;
        }
        const task = (c.json.openTasks ?? []).find((t) => !done.has(t.id));
        if (!task) {
          await sleep(m.pollMs);
          continue;
        }
        done.add(task.id);
        const r = await post(`/v1/tasks/${task.id}/complete`, { data: m.forms[task.nodeId] ?? {} });
        if (r.status !== 200) {
          errors.push(`complete ${task.nodeId} → ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
          continue;
        }
        const at = Date.now();
        completions.push([at - t0, r.ms]);
        process.send({ ack: { caseId, taskId: task.id.slice(caseId.length + 1), at } });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: m.concurrency }, officer));
    process.send({
      done: { t0, starts, completions, finished, errors: errors.slice(0, 50), errorCount: errors.length },
    });
  } catch (e) {
    process.send({ error: String(e) });
  }
});
process.on('disconnect', () => process.exit(0));
