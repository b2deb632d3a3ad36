/**
 * `npm run replay -- <files...> | --all | --server`: replays workflow histories against the current
 * workflow code and prints a table. Exit code 0 when every history replays deterministically, 1 on
 * any non-determinism or failed replay, 2 on a usage error.
 *
 *   npm run replay -- case-123-history.json other.json   history files (Temporal JSON or API exports)
 *   npm run replay -- --all                               every test/histories/*.json
 *   TEMPORAL_ADDRESS=host:7233 npm run replay -- --server [--query '<visibility query>'] [--limit N]
 *                                                         executions on a server (default: every processWorkflow run)
 *   --workflows <path>                                    replay against another workflow entry (default workflows/index.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { historiesInDocument } from '../platform/history.js';
import { DEFAULT_WORKFLOWS_PATH, replayHistories, type ReplayItem, type ReplayOutcome } from '../platform/replay.js';
import { PROCESS_WORKFLOW } from '../workflows/contract.js';

const HISTORIES_DIR = fileURLToPath(new URL('../test/histories/', import.meta.url));

const USAGE = `usage: npm run replay -- <history.json...> | --all | --server [--query Q] [--limit N] [--workflows PATH]`;

interface Row {
  source: string;
  item?: ReplayItem;
  events: number;
  failure?: string;
}

function rowsFromFile(file: string): Row[] {
  const source = path.relative(process.cwd(), file) || file;
  try {
    const entries = historiesInDocument(JSON.parse(fs.readFileSync(file, 'utf8')));
    return entries.map((e, i) => ({
      source: entries.length > 1 ? `${source}#${i + 1}` : source,
      events: Array.isArray((e.history as { events?: unknown[] })?.events)
        ? (e.history as { events: unknown[] }).events.length
        : 0,
      item: { workflowId: e.workflowId ?? path.basename(file, '.json'), runId: e.runId, history: e.history },
    }));
  } catch (err) {
    return [{ source, events: 0, failure: `cannot read: ${(err as Error).message}` }];
  }
}

async function rowsFromServer(query: string, limit: number): Promise<Row[]> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new UsageError('--server needs TEMPORAL_ADDRESS (host:port)');
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
    const rows: Row[] = [];
    // Every execution (continue-as-new runs included: each run is its own execution in visibility).
    for await (const wf of client.workflow.list({ query, pageSize: 100 })) {
      if (rows.length >= limit) break;
      const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      rows.push({
        source: `${wf.workflowId}/${wf.runId.slice(0, 8)}`,
        events: history.events?.length ?? 0,
        item: { workflowId: wf.workflowId, runId: wf.runId, history },
      });
    }
    return rows;
  } finally {
    await connection.close();
  }
}

class UsageError extends Error {}

function table(rows: Row[], outcomes: Map<Row, ReplayOutcome>): string {
  const lines = rows.map((r) => {
    const o = outcomes.get(r);
    const result = r.failure ? 'FAILED' : o?.result === 'deterministic' ? 'ok' : (o?.result ?? 'failed').toUpperCase();
    const detail = r.failure ?? o?.error?.split('\n')[0]?.slice(0, 160) ?? '';
    return [r.source, r.item?.runId?.slice(0, 12) ?? o?.runId.slice(0, 12) ?? '', String(r.events), result, detail];
  });
  const head = ['history', 'run', 'events', 'result', 'detail'];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...lines.map((l) => l[i]!.length))));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [fmt(head), fmt(widths.map((w, i) => '-'.repeat(i === 4 ? head[4]!.length : w))), ...lines.map(fmt)].join(
    '\n',
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      all: { type: 'boolean', default: false },
      server: { type: 'boolean', default: false },
      query: { type: 'string', default: `WorkflowType="${PROCESS_WORKFLOW}"` },
      limit: { type: 'string', default: '1000' },
      workflows: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
  const files = [...positionals];
  if (values.all) {
    if (fs.existsSync(HISTORIES_DIR)) {
      files.push(
        ...fs
          .readdirSync(HISTORIES_DIR)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => path.join(HISTORIES_DIR, f)),
      );
    }
  }
  if (files.length === 0 && !values.server && !values.all)
    throw new UsageError('give history files, --all or --server');
  const rows = files.flatMap(rowsFromFile);
  if (values.server) rows.push(...(await rowsFromServer(values.query!, limit)));
  if (rows.length === 0) {
    console.log('No histories to replay.');
    return 0;
  }

  const workflowsPath = values.workflows ? path.resolve(values.workflows) : DEFAULT_WORKFLOWS_PATH;
  const replayable = rows.filter((r) => r.item);
  const t0 = performance.now();
  const { codeHash, outcomes } = await replayHistories(
    replayable.map((r) => r.item!),
    { workflowsPath },
  );
  const byRow = new Map(replayable.map((r, i) => [r, outcomes[i]!]));
  console.log(table(rows, byRow));
  const bad = rows.filter((r) => r.failure || byRow.get(r)?.deterministic !== true);
  console.log(
    `\n${rows.length} histories replayed against ${path.relative(process.cwd(), workflowsPath)} (${codeHash}) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
      (bad.length === 0 ? 'all deterministic.' : `${bad.length} NOT deterministic or failed.`),
  );
  return bad.length === 0 ? 0 : 1;
}

// The table is the output: the SDK's own lines (worker state, the core's nondeterminism warnings) are noise here.
Runtime.install({ logger: new DefaultLogger('ERROR') });
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(e);
    process.exitCode = 1;
  }
}
// The replay worker's native runtime keeps the event loop alive: leave once the report is out.
process.exit(process.exitCode);
