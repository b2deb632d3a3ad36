/**
 * `npm run replay`: spawned as a separate process on real histories (produced on the dev server and
 * written as the API exports them), on the committed test/histories, on a corrupted copy, and
 * against the server itself.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRunChain, historyExportJson } from '../../platform/history.js';
import { benchTenSteps } from '../../processes/examples/index.js';
import { caseWorkflowId, PROCESS_WORKFLOW } from '../../workflows/contract.js';
import { fakeActivities, processInput } from '../support/process.js';
import { devServer, uniqueQueue, workflowBundle } from '../support/temporal.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function replayCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['scripts/replay.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

let dev: Awaited<ReturnType<typeof devServer>>;
let tmp: string;
let exportFile: string;
let rawFile: string;
let workflowId: string;

beforeAll(async () => {
  dev = await devServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-replay-'));
  const taskQueue = uniqueQueue('replay-cli');
  const worker = await Worker.create({
    connection: dev.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: fakeActivities().activities,
  });
  const input = processInput(benchTenSteps, { options: { continueAsNewAfterEvents: 20 } });
  workflowId = caseWorkflowId(input.caseId);
  await worker.runUntil(dev.client.workflow.execute(PROCESS_WORKFLOW, { taskQueue, workflowId, args: [input] }));
  const runs = await fetchRunChain(dev.client, workflowId);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  exportFile = path.join(tmp, 'export.json');
  fs.writeFileSync(
    exportFile,
    historyExportJson({ caseId: input.caseId, workflowId, exportedAt: new Date().toISOString() }, runs),
  );
  rawFile = path.join(tmp, 'raw.json');
  fs.writeFileSync(rawFile, historyToJSON(runs[0]!.history));
});
afterAll(async () => {
  await dev?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm run replay', () => {
  it('replays an API export (every run) and a raw Temporal history: exit 0 and a table', async () => {
    const { code, out } = await replayCli([exportFile, rawFile]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/\| history\s+\| run\s+\| events \| result \| detail \|/);
    expect(out.match(/\| ok /g)?.length).toBeGreaterThanOrEqual(3);
    expect(out).toContain('all deterministic');
  });

  it('replays every committed history with --all: exit 0', async () => {
    const { code, out } = await replayCli(['--all']);
    expect(code, out).toBe(0);
  });

  it('a corrupted copy (another activity type recorded) is non-deterministic: exit 1', async () => {
    const doc = JSON.parse(fs.readFileSync(rawFile, 'utf8')) as {
      events: Array<Record<string, { activityType?: { name: string } }>>;
    };
    const scheduled = doc.events.find((e) => e.activityTaskScheduledEventAttributes)!;
    scheduled.activityTaskScheduledEventAttributes!.activityType!.name = 'somethingElse';
    const corrupted = path.join(tmp, 'corrupted.json');
    fs.writeFileSync(corrupted, JSON.stringify(doc));
    const { code, out } = await replayCli([rawFile, corrupted]);
    expect(code, out).toBe(1);
    expect(out).toMatch(/corrupted\.json.*NONDETERMINISTIC/);
    expect(out).toMatch(/raw\.json.*\| ok /);
    expect(out).toContain('1 NOT deterministic');
  });

  it('an unreadable file fails (exit 1); no arguments is a usage error (exit 2)', async () => {
    const junk = path.join(tmp, 'junk.json');
    fs.writeFileSync(junk, '{"events": "nope"');
    expect((await replayCli([junk])).code).toBe(1);
    expect((await replayCli([])).code).toBe(2);
  });

  it('--server replays executions listed by visibility (TEMPORAL_ADDRESS)', async () => {
    const { code, out } = await replayCli(['--server', '--query', `WorkflowId = "${workflowId}"`], {
      TEMPORAL_ADDRESS: dev.address,
    });
    expect(code, out).toBe(0);
    expect(out.match(/\| ok /g)?.length).toBeGreaterThanOrEqual(2);
  });
});
