/**
 * `npm start` keeps the dev server's SQLite file (.data/temporal/temporal.db). The CLI's
 * `--search-attribute` flags only apply to a new database, so a server restarted on a file from
 * before an attribute was added lacked it, and every case's first upsert failed its workflow task
 * (ADR 0005 follow-up: KntcStatus, KntcDefinition, KntcOutcome, KntcOverdue). startDevServer now
 * registers the missing ones. Real dev server binary, restarted on a temporary database file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../platform/postgres.js';
import { startDevServer, temporalBinaries, waitForTemporal, type ServerProcess } from '../../platform/temporal.js';
import { SA, SEARCH_ATTRIBUTES } from '../../workflows/contract.js';
import type { ProcessDefinitionInput } from '../../workflows/engine/index.js';
import { fakeActivities, processInput } from '../support/process.js';
import { uniqueQueue, workflowBundle } from '../support/temporal.js';

const binary = temporalBinaries(path.resolve('.tools')).temporal;
/** The attributes `npm start` registered before the ADR 0005 follow-up. */
const OLD = [
  'KntcCaseType=Keyword',
  'KntcAgencyId=Keyword',
  'KntcStage=Keyword',
  'KntcReceivedAt=Datetime',
  'KntcDueAt=Datetime',
];

const def: ProcessDefinitionInput = {
  key: 'sa-restart',
  version: 1,
  name: 'Search attributes after a restart',
  caseType: 'petition',
  effectiveFrom: '2026-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'userTask', id: 'review', name: 'Review', candidateRoles: ['officer'], agencyScope: 'receiving' },
    { type: 'endEvent', id: 'end', outcome: 'answered' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'review' },
    { id: 'f2', source: 'review', target: 'end' },
  ],
};

async function customAttributes(address: string): Promise<string[]> {
  const c = await Connection.connect({ address });
  try {
    const r = await c.operatorService.listSearchAttributes({ namespace: 'default' });
    return Object.keys(r.customAttributes ?? {})
      .filter((k) => k.startsWith('Kntc'))
      .sort();
  } finally {
    await c.close();
  }
}

describe('dev server restarted on a persisted database gets the new search attributes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-sa-'));
  const dbFile = path.join(dir, 'temporal.db');
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers the missing attributes on restart, and a case runs and upserts them', async () => {
    // 1. The database as an earlier npm start left it: only the old attribute set.
    const port = await freePort();
    const old = spawn(
      binary,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--headless',
        '--namespace',
        'default',
        '--db-filename',
        dbFile,
        '--log-level',
        'error',
        ...OLD.flatMap((a) => ['--search-attribute', a]),
      ],
      { stdio: 'ignore' },
    );
    try {
      await waitForTemporal(`127.0.0.1:${port}`, 60_000, old);
      expect(await customAttributes(`127.0.0.1:${port}`)).toEqual(OLD.map((a) => a.split('=')[0]).sort());
    } finally {
      const exited = new Promise((r) => old.once('exit', r));
      old.kill('SIGTERM');
      await exited;
    }

    // 2. Restarted on the same file as npm start does it now.
    server = await startDevServer({ binary, port: await freePort(), namespace: 'default', dbFile });
    expect(await customAttributes(server.address)).toEqual(SEARCH_ATTRIBUTES.map((a) => a.name).sort());

    // 3. A case on it does not stall on its first upsert: KntcStatus/KntcDefinition are set.
    const connection = await Connection.connect({ address: server.address });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    try {
      const client = new Client({ connection, namespace: 'default' });
      const taskQueue = uniqueQueue('sa-restart');
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: fakeActivities().activities,
      });
      const input = processInput(def, {
        caseEvents: { received: new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10) },
      });
      await worker.runUntil(async () => {
        const h = await client.workflow.start('processWorkflow', {
          taskQueue,
          workflowId: `case-${input.caseId}`,
          args: [input],
        });
        let sa = (await h.describe()).typedSearchAttributes;
        for (let i = 0; i < 200 && sa.get(SA.status) === undefined; i++) {
          await new Promise((r) => setTimeout(r, 50));
          sa = (await h.describe()).typedSearchAttributes;
        }
        expect({ status: sa.get(SA.status), definition: sa.get(SA.definition), stage: sa.get(SA.stage) }).toEqual({
          status: 'running',
          definition: 'sa-restart@1',
          stage: 'Review',
        });
        await h.terminate('test done');
      });
    } finally {
      await connection.close();
      await nativeConnection.close();
    }

    // 4. A further restart with everything present is a no-op (nothing to add, no error).
    await server.stop();
    server = await startDevServer({ binary, port: await freePort(), namespace: 'default', dbFile });
    expect(await customAttributes(server.address)).toEqual(SEARCH_ATTRIBUTES.map((a) => a.name).sort());
  }, 120_000);
});
