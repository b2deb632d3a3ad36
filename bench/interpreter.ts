/**
 * Interpreter benchmark: cases started and driven to completion per second for the 10-step
 * definition (processes/examples/bench-ten-steps.ts) through processWorkflow vs the hand-written
 * benchTenStepsWorkflow — same run, same dev server, same worker and settings. Rounds alternate
 * the order of the variants so neither profits from warm-up.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createGenericActivities } from '../activities/process.js';
import { freePort } from '../platform/postgres.js';
import { startDevServer } from '../platform/temporal.js';
import { benchTenSteps } from '../processes/examples/index.js';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from '../scripts/install-temporal.mjs';
import { WORKFLOWS_PATH } from '../worker.js';
import type { ProcessInput } from '../workflows/contract.js';
import { formatPin, pinDefinition, validateDefinition } from '../workflows/engine/index.js';
import { drive } from './drive.js';

/** One measured variant. */
export interface BenchRow {
  variant: string;
  cases: number;
  seconds: number;
  casesPerSecond: number;
}

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** Runs the benchmark and returns its rows (hand-written first). */
export async function runInterpreterBench(log: (s: string) => void = console.log): Promise<BenchRow[]> {
  // Many short rounds in alternating order spread background load evenly over the variants.
  const cases = env('BENCH_CASES', 100);
  const concurrency = env('BENCH_CONCURRENCY', 50);
  const rounds = env('BENCH_ROUNDS', 4);
  const bins = ensureTemporal({ quiet: true }) as { temporal: string };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bench-'));
  const server = await startDevServer({
    binary: bins.temporal,
    port: await freePort(),
    namespace: 'default',
    logFile: path.join(tmp, 'temporal.log'),
  });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
    });
    const generic = createGenericActivities();
    const activities = {
      ...generic,
      async projectCaseState() {
        return { applied: true };
      },
    };
    const worker = await Worker.create({
      connection: native,
      namespace: 'default',
      taskQueue,
      workflowBundle,
      activities,
    });

    const v = validateDefinition(benchTenSteps);
    if (!v.ok) throw new Error('bench-ten-steps is invalid');
    const pin = pinDefinition(v.definition);
    const input = (project: boolean): ProcessInput => ({
      caseId: randomUUID(),
      caseType: v.definition.caseType,
      definition: v.definition,
      pin: { ...pin, label: formatPin(pin) },
      caseEvents: { received: '2026-11-27' },
      options: { project },
    });
    const variants: Record<string, () => Promise<unknown>> = {
      'hand-written (benchTenStepsWorkflow)': () =>
        client.workflow.execute('benchTenStepsWorkflow', {
          taskQueue,
          workflowId: `bench-${randomUUID()}`,
          args: [{ caseId: randomUUID() }],
        }),
      'interpreter (processWorkflow)': () => {
        const i = input(false);
        return client.workflow.execute('processWorkflow', { taskQueue, workflowId: `case-${i.caseId}`, args: [i] });
      },
      'interpreter + projection per step': () => {
        const i = input(true);
        return client.workflow.execute('processWorkflow', { taskQueue, workflowId: `case-${i.caseId}`, args: [i] });
      },
    };
    const historyOf = async (workflowId: string) =>
      (await client.workflow.getHandle(workflowId).fetchHistory()).events!.length;
    const totals = new Map<string, { cases: number; seconds: number }>();
    await worker.runUntil(async () => {
      // Warm-up: bundle load, connections, caches.
      for (const run of Object.values(variants)) await drive(Math.min(20, cases), 10, run);
      const hw = `bench-${randomUUID()}`;
      await client.workflow.execute('benchTenStepsWorkflow', { taskQueue, workflowId: hw, args: [{ caseId: hw }] });
      const i = input(false);
      await client.workflow.execute('processWorkflow', { taskQueue, workflowId: `case-${i.caseId}`, args: [i] });
      log(
        `history events per case: hand-written ${await historyOf(hw)}, interpreter ${await historyOf(`case-${i.caseId}`)}`,
      );
      for (let r = 0; r < rounds; r++) {
        const names = Object.keys(variants);
        const order = r % 2 === 0 ? names : [...names].reverse();
        for (const name of order) {
          const seconds = await drive(cases, concurrency, variants[name]!);
          const t = totals.get(name) ?? { cases: 0, seconds: 0 };
          totals.set(name, { cases: t.cases + cases, seconds: t.seconds + seconds });
          log(`round ${r + 1}: ${name}: ${cases} cases in ${seconds.toFixed(2)} s`);
        }
      }
    });
    return [...totals].map(([variant, t]) => ({
      variant,
      cases: t.cases,
      seconds: t.seconds,
      casesPerSecond: t.cases / t.seconds,
    }));
  } finally {
    await connection.close();
    await native.close();
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Markdown table; the ratio is against the hand-written row. */
export function benchTable(rows: BenchRow[]): string {
  const base = rows[0]!.casesPerSecond;
  const lines = [
    '| variant | cases | seconds | cases/s | vs hand-written |',
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.variant} | ${r.cases} | ${r.seconds.toFixed(2)} | ${r.casesPerSecond.toFixed(1)} | ${((r.casesPerSecond / base) * 100).toFixed(0)}% |`,
    ),
  ];
  return lines.join('\n');
}
