/**
 * Imports cases already under way from a CSV or JSON file (ADR 0027) through `POST /v1/cases/import`:
 * the same validation, facts and idempotency as the API (rows go in batches; a row already imported
 * with the same content answers `existing`, so a file can be imported again after an interruption).
 *
 *   npm run import -- cases.csv [--dry-run] [--source NAME] [--json] [--batch 100]
 *
 * KNTC_API_URL (default http://127.0.0.1:3000) and KNTC_TOKEN (an admin's token: `npm start` prints one)
 * say where and as whom. CSV: a header line naming the fields of a row (`sourceId`, `type`, `channel`,
 * `receivedAt`, `agencyId`, `subject`, …), `steps` / `parties` / `attachments` as JSON in their cells.
 * JSON: an array of rows or `{ "source": "...", "rows": [...] }`. Exit code 0 when every row was
 * imported (or is valid, with --dry-run), 1 when a row was refused, 2 when the file or the API could not be used.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { rowsFromCsv, rowsFromJson } from '../api/import/rows.js';
import type { ImportSummary, RowResult } from '../api/import/service.js';

interface Options {
  file: string;
  dryRun: boolean;
  source?: string;
  json: boolean;
  batch: number;
  api: string;
  token: string;
}

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run import -- <file.csv|file.json> [--dry-run] [--source NAME] [--json] [--batch N]\n`,
  );
  process.exit(2);
}

function options(argv: string[]): Options {
  let file: string | undefined;
  let dryRun = false;
  let json = false;
  let source: string | undefined;
  let batch = 100;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--dry-run') dryRun = true;
    else if (a === '--json') json = true;
    else if (a === '--source') source = argv[++i] ?? usage('--source needs a name');
    else if (a === '--batch') batch = Number(argv[++i]);
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else usage(`one file at a time (got ${file} and ${a})`);
  }
  if (!file) usage('which file?');
  if (!Number.isInteger(batch) || batch < 1 || batch > 500) usage('--batch is 1..500');
  const token = process.env.KNTC_TOKEN;
  if (!token) usage('KNTC_TOKEN is not set (an admin token: npm start prints one)');
  return {
    file,
    dryRun,
    json,
    batch,
    token,
    api: (process.env.KNTC_API_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    ...(source ? { source } : {}),
  };
}

function line(r: RowResult): string {
  const who = `row ${r.index + 1}${r.sourceId ? ` (${r.sourceId})` : ''}`;
  if (r.errors?.length) return `${who}: ${r.outcome} — ${r.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
  const open =
    r.preview?.openTasks.map((t) => `${t.nodeId}${t.dueAt ? ` due ${t.dueAt.slice(0, 10)}` : ''}`).join(', ') ||
    r.preview?.stage ||
    '';
  const breaches = r.preview?.pastBreaches.length
    ? `; past breaches ${r.preview.pastBreaches.map((b) => `${b.ruleId} (${b.due})`).join(', ')}`
    : '';
  return `${who}: ${r.outcome}${r.caseId ? ` case ${r.caseId} ${r.reference ?? ''}` : ''} at ${open}${breaches}`;
}

async function main(): Promise<number> {
  const o = options(process.argv.slice(2));
  let text: string;
  try {
    text = await readFile(o.file, 'utf8');
  } catch (err) {
    process.stderr.write(`cannot read ${o.file}: ${(err as Error).message}\n`);
    return 2;
  }
  let rows: unknown[];
  let source = o.source;
  try {
    if (extname(o.file).toLowerCase() === '.csv') rows = rowsFromCsv(text);
    else {
      const doc = rowsFromJson(text);
      rows = doc.rows;
      source ??= doc.source;
    }
  } catch (err) {
    process.stderr.write(`cannot read ${o.file} as ${extname(o.file) || 'JSON'}: ${(err as Error).message}\n`);
    return 2;
  }
  source ??= basename(o.file);
  const all: RowResult[] = [];
  for (let start = 0; start < rows.length; start += o.batch) {
    const chunk = rows.slice(start, start + o.batch);
    const r = await fetch(`${o.api}/v1/cases/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source, dryRun: o.dryRun, rows: chunk }),
    }).catch((err: unknown) => {
      process.stderr.write(`cannot reach ${o.api}: ${(err as Error).message}\n`);
      return undefined;
    });
    if (!r) return 2;
    const body = await r.text();
    if (r.status !== 200) {
      process.stderr.write(`the API answered ${r.status}: ${body}\n`);
      return 2;
    }
    const summary = JSON.parse(body) as ImportSummary;
    for (const res of summary.results) all.push({ ...res, index: res.index + start });
  }
  const counts: Record<string, number> = {};
  for (const r of all) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ dryRun: o.dryRun, source, total: all.length, counts, results: all }, null, 2)}\n`,
    );
  else {
    for (const r of all) process.stdout.write(`${line(r)}\n`);
    process.stdout.write(
      `${o.dryRun ? 'dry run: ' : ''}${all.length} rows: ${Object.entries(counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}\n`,
    );
  }
  return all.every((r) => r.outcome === 'imported' || r.outcome === 'existing' || r.outcome === 'valid') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
