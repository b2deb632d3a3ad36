/**
 * `npm run bench`: runs every benchmark and prints markdown tables.
 * Environment: BENCH_CASES (per round, default 300), BENCH_CONCURRENCY (50), BENCH_ROUNDS (2).
 */
import os from 'node:os';
import { benchTable, runInterpreterBench } from './interpreter.js';

const rows = await runInterpreterBench((s) => console.error(s));
console.log(`\n### Interpreter vs hand-written workflow (10 steps, Temporal dev server, ${os.cpus().length} CPUs, Node ${process.version})\n`);
console.log(benchTable(rows));
const ratio = rows[1]!.casesPerSecond / rows[0]!.casesPerSecond;
console.log(`\nInterpreter / hand-written: ${(ratio * 100).toFixed(0)}% (target >= 80%)`);
process.exit(0);
