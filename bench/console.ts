/**
 * The web console's speed (ADR 0033; not asserted anywhere): the initial JavaScript and CSS the browser loads
 * before the first screen (compressed: gzip and brotli), the diagram chunk loaded only where a diagram is shown,
 * and the largest contentful paint of the inbox and the dashboard in Chromium with BENCH_CONSOLE_CASES cases
 * (default 100,000) in the read model (SQL seed, as the API benchmark; one open task per open case), with the
 * frame that paints the table / the figures and the element of the largest paint. `BENCH_CONSOLE_TRACE=1` logs each
 * run's resource waterfall; `BENCH_CONSOLE_SQL=1` the server time of the pages' first calls, their SQL and plans.
 * `npm run bench -- console`; results in bench/results/console.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { Client } from '@temporalio/client';
import { chromium } from 'playwright-core';
import { createApp } from '../api/app.js';
import type { AppDeps } from '../api/deps.js';
import { signToken } from '../api/auth/dev-token.js';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../platform/console-build.js';
import { ROOT } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createPiiKeyring } from '../platform/pii.js';
import { CHROMIUM_PATH } from '../processes/bpmn/render.js';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from '../scripts/install-temporal.mjs';
import { seedReadModel } from './api.js';
import { startBenchStack } from './stack.js';
import { formatProfile, profileMainThread } from './console-profile.js';

const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/** Sizes of what index.html loads up front (scripts, module preloads, stylesheets) and of the lazy chunks. */
export function bundleSizes(dir = CONSOLE_DIST) {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const initial = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!))];
  const size = (f: string) => {
    const b = fs.readFileSync(path.join(dir, f));
    return { raw: b.length, gzip: gzipSync(b, { level: 9 }).length, brotli: brotliCompressSync(b).length };
  };
  const sum = (files: string[]) =>
    files.map(size).reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli }), {
      raw: 0,
      gzip: 0,
      brotli: 0,
    });
  const all = fs.readdirSync(path.join(dir, 'assets')).map((f) => `/assets/${f}`);
  // Inline scripts of the page (the early requests, ADR 0033 amendment 5) count with the initial JavaScript.
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => Buffer.from(m[1]!));
  const initialJs = inline.reduce(
    (a, b) => ({
      raw: a.raw + b.length,
      gzip: a.gzip + gzipSync(b, { level: 9 }).length,
      brotli: a.brotli + brotliCompressSync(b).length,
    }),
    sum(initial.filter((f) => f.endsWith('.js'))),
  );
  return {
    initialJs,
    initialCss: sum(initial.filter((f) => f.endsWith('.css'))),
    diagram: sum(all.filter((f) => /\/Diagram-[^/]+\.(js|css)$/.test(f))),
    allJs: sum(all.filter((f) => f.endsWith('.js'))),
    initialFiles: initial,
    inlineScripts: inline.length,
  };
}

export async function seedTasks(db: AppDeps['db']): Promise<void> {
  await db.raw(`INSERT INTO case_tasks (case_id, task_id, node_id, name, candidate_roles, agency_scope, status, opened_at,
                                        due_at, form, target_agency_id)
    SELECT c.id, 'verify-1', 'verify', 'Xác minh nội dung', ARRAY['officer', 'resolver'], 'resolving', 'open',
           c.received_at, c.received_at + interval '30 days', '{"fields": []}'::jsonb, c.agency_id
      FROM cases c WHERE c.status = 'open'`);
  await db.raw('VACUUM ANALYZE case_tasks');
}

/**
 * Records in the page: the largest contentful paint (time and element) and the frame that paints the `ready`
 * element (two animation frames after it enters the document).
 */
const pageProbe = (ready: string) => `
  window.__lcp = 0; window.__painted = 0;
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) {
      window.__lcp = e.startTime;
      window.__lcpElement = e.element
        ? e.element.tagName.toLowerCase() + ' "' + (e.element.textContent || '').slice(0, 24) + '"' : '?';
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  const mo = new MutationObserver(() => {
    if (window.__painted || !document.querySelector(${JSON.stringify(ready)})) return;
    mo.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => (window.__painted = performance.now())));
  });
  mo.observe(document, { childList: true, subtree: true });
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The most frequent value. */
const mode = (xs: string[]) =>
  [...new Set(xs)].map((x) => [x, xs.filter((y) => y === x).length] as const).sort((a, b) => b[1] - a[1])[0]![0];

/** What the two pages ask first (the inbox; the dashboard's figures and its second row). */
const PAGE_CALLS: Record<'officer' | 'supervisor', string[]> = {
  officer: ['/v1/tasks?status=open&limit=200'],
  supervisor: [
    '/v1/figures/cases?status=open&groupBy=agency%2Ctype%2Coverdue',
    '/v1/figures/cases?status=open&atRisk=true&groupBy=agency%2Ctype',
    '/v1/cases?status=open&limit=200&sort=nextDueAt',
    '/v1/matters?mass=true&status=open&limit=200',
    '/v1/hotspots?level=hot&limit=200',
    '/v1/gatherings?limit=200',
    '/v1/reception/compliance?month=2026-12',
  ],
};

/**
 * BENCH_CONSOLE_SQL=1: the server time of each call the two pages make first (3 sequential runs, the last one's
 * SQL statements with their times) and the EXPLAIN (ANALYZE, BUFFERS) of each statement slower than 5 ms.
 */
async function serverTimes(db: AppDeps['db'], base: string, jwtSecret: string, log: (s: string) => void) {
  const started = new Map<string, { sql: string; bindings: unknown[]; t: number }>();
  let statements: Array<{ sql: string; bindings: unknown[]; ms: number }> = [];
  type Q = { __knexQueryUid: string; sql: string; bindings: unknown[] };
  db.on('query', (q: Q) => started.set(q.__knexQueryUid, { sql: q.sql, bindings: q.bindings, t: performance.now() }));
  db.on('query-response', (_r: unknown, q: Q) => {
    const s = started.get(q.__knexQueryUid);
    if (s) statements.push({ sql: s.sql, bindings: s.bindings, ms: performance.now() - s.t });
  });
  for (const role of ['officer', 'supervisor'] as const) {
    const token = await signToken(jwtSecret, {
      sub: `bench-${role}`,
      agency: role === 'officer' ? 'so-tnmt' : 'tinh-demo',
      roles: [role],
      permissions: [],
    });
    for (const url of PAGE_CALLS[role]) {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        statements = [];
        const t0 = performance.now();
        const r = await fetch(base + url, { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        times.push(performance.now() - t0);
        if (!r.ok) log(`  ${url}: HTTP ${r.status}`);
      }
      log(`${url}: ${times.map((t) => t.toFixed(0)).join(' / ')} ms (load ${os.loadavg()[0]!.toFixed(1)})`);
      for (const st of statements) {
        log(`    ${st.ms.toFixed(1)} ms  ${st.sql.replace(/\s+/g, ' ').slice(0, 150)}`);
        if (st.ms < 5) continue;
        const conn = (await db.client.acquireConnection()) as import('pg').Client;
        try {
          const plan = await conn.query(`EXPLAIN (ANALYZE, BUFFERS) ${st.sql}`, st.bindings as unknown[]);
          log(plan.rows.map((x: Record<string, string>) => `      ${x['QUERY PLAN']}`).join('\n'));
        } finally {
          await db.client.releaseConnection(conn);
        }
      }
    }
  }
  db.removeAllListeners('query');
  db.removeAllListeners('query-response');
}

/**
 * One cold load of `url` in a fresh browser context (empty cache) with the session's token: the largest contentful
 * paint, the frame that paints `ready`, when the page's first data had arrived. `BENCH_CONSOLE_TRACE=1` logs the
 * resource waterfall, `BENCH_CONSOLE_PROFILE=1` the main thread's time by kind of work (a Chromium trace; written to
 * BENCH_CONSOLE_TRACE_DIR when set), `BENCH_CONSOLE_CPUPROFILE=1` the page's hottest JavaScript functions.
 */
async function measureRun(
  browser: import('playwright-core').Browser,
  url: string,
  ready: string,
  token: string,
  name: string,
  log: (s: string) => void,
) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } }); // cold cache each run
  await ctx.addInitScript((t) => {
    (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem(
      'kntc.token',
      t,
    );
  }, token);
  // As text: tsx would wrap named functions in a helper the page does not have.
  await ctx.addInitScript({ content: pageProbe(ready) });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  const profile = Boolean(process.env.BENCH_CONSOLE_PROFILE);
  if (profile)
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'],
    });
  const cdp = process.env.BENCH_CONSOLE_CPUPROFILE ? await ctx.newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await page.goto(url);
  await page.waitForSelector(ready, { timeout: 60_000 }).catch((e: Error) => {
    throw new Error(`${url}: ${e.message}; errors in the page: ${errors.join(' | ') || 'none'}`);
  });
  await page.waitForFunction(() => (globalThis as unknown as { __painted: number }).__painted > 0);
  await page.waitForTimeout(500);
  const m = await page.evaluate(() => {
    const w = globalThis as unknown as { __lcp: number; __painted: number; __lcpElement?: string };
    type Timing = { name: string; startTime: number; responseEnd: number };
    const perf = performance as unknown as { getEntriesByType(t: string): Timing[] };
    const steps = [...perf.getEntriesByType('navigation'), ...perf.getEntriesByType('resource')].map((r) => {
      const name = r.name.replace(/^https?:\/\/[^/]+/, '').slice(0, 60);
      return `${name} ${r.startTime.toFixed(0)}→${r.responseEnd.toFixed(0)}`;
    });
    // When the page's data had arrived: the last answer of its first API calls (those early.ts starts).
    const answered = Math.max(
      0,
      ...perf
        .getEntriesByType('resource')
        .filter((r) => /\/v1\/(tasks|figures)/.test(r.name))
        .map((r) => r.responseEnd),
    );
    return { lcp: w.__lcp, painted: w.__painted, element: w.__lcpElement ?? '?', steps, answered };
  });
  const trace = profile ? await browser.stopTracing() : undefined;
  if (cdp) {
    const { profile: prof } = await cdp.send('Profiler.stop');
    type N = (typeof prof.nodes)[number];
    const byId = new Map(prof.nodes.map((n) => [n.id, n] as [number, N]));
    const self = new Map<string, number>();
    const dts = prof.timeDeltas ?? [];
    prof.samples?.forEach((id, k) => {
      const f = byId.get(id)!.callFrame;
      const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + (dts[k + 1] ?? 0) / 1000);
    });
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 30);
    log(top.map(([k, v]) => `      ${v.toFixed(1)} ${k}`).join('\n'));
  }
  if (process.env.BENCH_CONSOLE_TRACE)
    log(
      `  ${name}: LCP ${m.lcp.toFixed(0)} ms on ${m.element}, painted ${m.painted.toFixed(0)} ms, data answered ` +
        `${m.answered.toFixed(0)} ms (load ${os.loadavg()[0]!.toFixed(1)})\n    ${m.steps.join('\n    ')}`,
    );
  if (trace && process.env.BENCH_CONSOLE_TRACE_DIR)
    fs.writeFileSync(path.join(process.env.BENCH_CONSOLE_TRACE_DIR, `${name}.json`), trace);
  if (trace) log(`    ${name}: ${formatProfile(profileMainThread(trace, url, m.painted))}`);
  await ctx.close();
  return m;
}

export async function runConsoleBench(log: (s: string) => void = console.error): Promise<string> {
  const N = Number(process.env.BENCH_CONSOLE_CASES ?? 100_000);
  const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 5);
  await ensureConsoleBuilt(log);
  const sizes = bundleSizes();
  const bins = ensureTemporal({ quiet: true }) as { temporal: string };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-console-'));
  fs.chmodSync(tmp, 0o755);
  const stops: Array<() => Promise<unknown>> = [];
  const rows: string[] = [];
  try {
    log('starting embedded PostgreSQL and the Temporal dev server…');
    const { db, connection } = await startBenchStack(tmp, bins.temporal, stops);
    log(`seeding ${N} cases into the read model…`);
    const t0 = Date.now();
    await seedReadModel(db, N);
    await seedTasks(db);
    log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const jwtSecret = randomUUID();
    const deps: AppDeps = {
      db,
      temporal: new Client({ connection, namespace: 'default' }),
      taskQueue: `bench-console-${randomUUID().slice(0, 8)}`,
      logger: createLogger('silent'),
      auth: { jwtSecret },
      pii: createPiiKeyring(`bench1:${Buffer.alloc(32, 7).toString('base64')}`),
      consoleDir: CONSOLE_DIST,
    };
    // BENCH_CONSOLE_BASELINE=<a console build folder>: that build too, served by a second app on the same database
    // and measured run for run alternately with this one (same machine load for both: a fair before/after).
    const dirs = [
      { label: '', dir: CONSOLE_DIST },
      ...(process.env.BENCH_CONSOLE_BASELINE
        ? [{ label: ' — baseline build', dir: process.env.BENCH_CONSOLE_BASELINE }]
        : []),
    ];
    const builds: Array<{ label: string; base: string }> = [];
    for (const d of dirs) {
      const server = await new Promise<import('node:http').Server>((resolve) => {
        const s = createApp({ ...deps, consoleDir: d.dir }).listen(0, '127.0.0.1', () => resolve(s));
      });
      stops.push(() => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())));
      const addr = server.address();
      builds.push({ label: d.label, base: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
    }
    const base = builds[0]!.base;
    if (process.env.BENCH_CONSOLE_SQL) await serverTimes(db, base, jwtSecret, log);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
    stops.push(() => browser.close());
    const pages = [
      { name: 'inbox (officer, so-tnmt)', url: '/inbox', ready: '[data-testid="inbox"]', roles: ['officer'] },
      {
        name: 'dashboard (supervisor, tinh-demo)',
        url: '/dashboard',
        ready: '[data-testid="figures-agencyId"]',
        roles: ['supervisor'],
      },
    ];
    const only = process.env.BENCH_CONSOLE_PAGES?.split(',');
    for (const p of pages.filter((x) => !only || only.includes(x.url.slice(1)))) {
      const token = await signToken(jwtSecret, {
        sub: `bench-${p.roles[0]}`,
        agency: p.roles[0] === 'officer' ? 'so-tnmt' : 'tinh-demo',
        roles: p.roles as Parameters<typeof signToken>[1]['roles'],
        permissions: [],
      });
      const runs = builds.map((b) => ({
        ...b,
        lcps: [] as number[],
        shown: [] as number[],
        elements: [] as string[],
        answered: [] as number[],
        loads: [] as number[],
      }));
      for (let i = 0; i < RUNS; i++)
        for (const r of runs) {
          const m = await measureRun(
            browser,
            r.base + p.url,
            p.ready,
            token,
            `${p.url.slice(1)}-${i + 1}${r.label ? '-baseline' : ''}`,
            log,
          );
          r.lcps.push(m.lcp);
          r.shown.push(m.painted);
          r.answered.push(m.answered);
          r.elements.push(m.element);
          r.loads.push(os.loadavg()[0]!);
        }
      for (const r of runs) {
        rows.push(
          `| ${p.name}${r.label} | ${N.toLocaleString('en')} | ${RUNS} | ${median(r.lcps).toFixed(0)} ms | ${Math.max(...r.lcps).toFixed(0)} ms | ${median(r.shown).toFixed(0)} ms | ${Math.max(...r.shown).toFixed(0)} ms | ${median(r.answered).toFixed(0)} / ${Math.max(...r.answered).toFixed(0)} ms | ${mode(r.elements)} | ${Math.min(...r.loads).toFixed(1)}–${Math.max(...r.loads).toFixed(1)} |`,
        );
        log(rows[rows.length - 1]!);
      }
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const load = os.loadavg()[0]!.toFixed(1);
  const out = [
    `### Web console (${os.cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load ${load})`,
    '',
    '| what | raw | gzip | brotli |',
    '| --- | --- | --- | --- |',
    `| initial JavaScript (${sizes.initialFiles.filter((f) => f.endsWith('.js')).length} files + ${sizes.inlineScripts} inline) | ${kB(sizes.initialJs.raw)} | ${kB(sizes.initialJs.gzip)} | ${kB(sizes.initialJs.brotli)} |`,
    `| initial CSS | ${kB(sizes.initialCss.raw)} | ${kB(sizes.initialCss.gzip)} | ${kB(sizes.initialCss.brotli)} |`,
    `| diagram chunk (bpmn-js, lazy) | ${kB(sizes.diagram.raw)} | ${kB(sizes.diagram.gzip)} | ${kB(sizes.diagram.brotli)} |`,
    `| all JavaScript | ${kB(sizes.allJs.raw)} | ${kB(sizes.allJs.gzip)} | ${kB(sizes.allJs.brotli)} |`,
    '',
    'Largest contentful paint in headless Chromium (cold cache per run; "painted": the frame that paints the table / the',
    'figures, from navigation start; "data answered": when the last answer of the page\'s first API calls (the tasks /',
    'the two figures) had arrived, median / max — what comes after it is the browser\'s own work; "LCP element": the',
    'element of the largest paint, most runs; load: the 1-min load average after each run, lowest–highest):',
    '',
    '| page | cases | runs | LCP median | LCP max | painted median | painted max | data answered | LCP element | load |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'console.md'), `${out}\n`);
  return out;
}
