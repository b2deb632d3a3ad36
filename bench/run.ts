/**
 * `npm run bench [-- interpreter|api|api-starts|load ...] [--duration 10m ...]`: runs every benchmark but `load`
 * (or the named ones) and prints markdown tables.
 * Interpreter: BENCH_CASES (per round, default 100), BENCH_CONCURRENCY (50), BENCH_ROUNDS (4).
 * API: see bench/api.ts (BENCH_API_*); its table is also written to bench/results/api.md.
 * Load: see bench/load.ts (`--duration`, `--workers`, `--concurrency`, `--poll-ms`); written to bench/results/load.md.
 * Figures: see bench/figures.ts (BENCH_FIGURES_*); written to bench/results/figures.md.
 * Hotspots: see bench/hotspots.ts (BENCH_HOTSPOT_ITEMS, BENCH_HOTSPOT_SAMPLES); written to bench/results/hotspots.md.
 * Reports: bench/reports.ts (BENCH_REPORT_CASES, BENCH_REPORT_RUNS); written to bench/results/reports.md.
 * Webhooks: see bench/webhooks.ts (BENCH_WEBHOOK_RATE, BENCH_WEBHOOK_SECONDS, BENCH_FEED_EVENTS); written to bench/results/webhooks.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import { apiBenchTable, runAndWriteApiBench, runApiBench } from './api.js';
import { runFiguresBench } from './figures.js';
import { runFilterFactsBench } from './filter-facts.js';
import { benchTable, runInterpreterBench } from './interpreter.js';
import { runAndWriteLoadBench } from './load.js';
import { runAndWriteWebhookBench } from './webhooks.js';
import { runConsoleBench } from './console.js';
import { runHotspotBench } from './hotspots.js';
import { runAndWriteReportBench } from './reports.js';

/** `--name value` flags (for the load benchmark); the other arguments name benchmarks. */
const argv = process.argv.slice(2);
const flags = argv.flatMap((a, i) => (a.startsWith('--') ? [a, argv[i + 1]!] : []));

const BENCHES: Record<string, () => Promise<void>> = {
  async interpreter() {
    const rows = await runInterpreterBench((s) => console.error(s));
    console.log(
      `\n### Interpreter vs hand-written workflow (10 steps, Temporal dev server, ${os.cpus().length} CPUs, Node ${process.version})\n`,
    );
    console.log(benchTable(rows));
    const ratio = rows[1]!.casesPerSecond / rows[0]!.casesPerSecond;
    console.log(`\nInterpreter / hand-written: ${(ratio * 100).toFixed(0)}% (target >= 80%)`);
  },
  async api() {
    console.log(`\n${await runAndWriteApiBench((s) => console.error(s))}`);
  },
  /** The start-rate part of the API benchmark alone (no 100k read model, no task part); writes no file. */
  async 'api-starts'() {
    const load = os.loadavg()[0]!;
    const { rows, notes } = await runApiBench((s) => console.error(s), ['starts']);
    console.log(
      `\n### API start rate (${os.cpus().length} CPUs, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load ${load.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)})\n`,
    );
    console.log(apiBenchTable(rows));
    console.log(notes.map((n) => `\n- ${n}`).join(''));
  },
  /** Webhook delivery latency at 50 events/s and the feed's read rate (about 3 minutes). */
  async webhooks() {
    console.log(`\n${await runAndWriteWebhookBench((s) => console.error(s))}`);
  },
  /** Case figures (counts, group-by) over one million cases in the read model (about 3 minutes with the seeding). */
  async figures() {
    const md = await runFiguresBench((s) => console.error(s));
    fs.writeFileSync(new URL('./results/figures.md', import.meta.url), `${md}\n`);
    console.log(`\n${md}`);
  },
  /** The report filters over case_facts columns, before/after (EXPLAIN ANALYZE BUFFERS; 200,000 cases). */
  async 'filter-facts'() {
    const md = await runFilterFactsBench((s) => console.error(s));
    fs.writeFileSync(new URL('./results/filter-facts.md', import.meta.url), `${md}\n`);
    console.log(`\n${md}`);
  },
  /** The web console: initial bundle size and LCP of the inbox and dashboard with 100,000 cases (ADR 0033). */
  async console() {
    console.log(`\n${await runConsoleBench((s) => console.error(s))}`);
  },
  /** The hotspot detector: full recompute and incremental update over 1,000,000 cases and visits (~3 minutes). */
  async hotspots() {
    console.log(`\n${await runHotspotBench((s) => console.error(s))}`);
  },
  /** The monthly report for a whole province over one million cases (issue 16 item 8; ADR 0032). */
  async reports() {
    console.log(`\n${await runAndWriteReportBench((s) => console.error(s))}`);
  },
  /** Sustained load with 1 and 2 worker processes, 10 minutes each by default (not part of the default run). */
  async load() {
    console.log(`\n${await runAndWriteLoadBench(flags, (s) => console.error(s))}`);
  },
};

const wanted = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
// `api-starts` is a part of `api`: not run again when every benchmark runs; `load` takes 20 minutes: only when named.
for (const name of wanted.length ? wanted : Object.keys(BENCHES).filter((b) => b !== 'api-starts' && b !== 'load'))
  await BENCHES[name]!();
process.exit(0);
