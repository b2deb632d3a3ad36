/**
 * Fault drill (issue 11 item 11): `kill -9` the Temporal dev server while cases wait on timers, and
 * start it again on the same SQLite file (a dedicated server, not the run's shared one). Cases run
 * a drill definition for petitions — a task, a 20-second timer, a task — so that timers are due
 * while the server is down and after it is back. The case worker runs in a separate process, the
 * HTTP API in this one; both reconnect by themselves. The officers retry what was not acknowledged
 * with the same Idempotency-Key.
 *
 * Ends with the checks of every drill (test/support/drills.ts `checkDrill`).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { registerBuiltinDefinitions } from '../../db/builtin-definitions.js';
import { createDefinitionStore } from '../../db/definitions.js';
import { ROOT } from '../../platform/config.js';
import { freePort } from '../../platform/postgres.js';
import { startDevServer, temporalBinaries, type ServerProcess } from '../../platform/temporal.js';
import { authHeader, testPii } from '../support/auth.js';
import { createTestDb } from '../support/db.js';
import {
  acrossFault,
  checkDrill,
  faultMoment,
  Ledger,
  runLoad,
  spawnWorker,
  startDrillApi,
  type WorkerProcess,
} from '../support/drills.js';
import { uniqueQueue } from '../support/temporal.js';

const CASES = 12;
const OFFICER = 'drill-officer@so-tnmt';
const DOWN_MS = 8000;
const TIMER = 'PT20S';

/** Petitions received from 2026 run this here (highest version for the case type). */
const TIMER_DRILL = {
  key: 'drill-timers',
  version: 90,
  name: 'Fault drill: a task, a timer, a task',
  caseType: 'petition',
  effectiveFrom: '2026-01-01',
  nodes: [
    { type: 'startEvent', id: 'start' },
    { type: 'userTask', id: 'open', name: 'Open the file', candidateRoles: ['resolver'], agencyScope: 'resolving' },
    {
      type: 'intermediateCatchEvent',
      id: 'wait',
      name: 'Wait for the answer period',
      trigger: { kind: 'timer', timer: { duration: TIMER } },
    },
    { type: 'userTask', id: 'close', name: 'Close the file', candidateRoles: ['resolver'], agencyScope: 'resolving' },
    { type: 'endEvent', id: 'end', outcome: 'closed' },
  ],
  flows: [
    { id: 'f1', source: 'start', target: 'open' },
    { id: 'f2', source: 'open', target: 'wait' },
    { id: 'f3', source: 'wait', target: 'close' },
    { id: 'f4', source: 'close', target: 'end' },
  ],
};

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('fault drill: Temporal server restart', () => {
  it('while cases wait on timers loses nothing acknowledged, and every timer fires', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-drill-temporal-'));
    cleanup.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
    const devOpts = {
      binary: temporalBinaries(path.join(ROOT, '.tools')).temporal,
      port: await freePort(),
      namespace: 'default',
      dbFile: path.join(tmp, 'temporal.db'),
      logFile: path.join(tmp, 'temporal.log'),
    };
    let server: ServerProcess = await startDevServer(devOpts);
    cleanup.push(() => server.stop());
    const connection = await Connection.connect({ address: server.address });
    cleanup.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });

    const tdb = await createTestDb();
    cleanup.push(() => tdb.drop());
    await registerBuiltinDefinitions(tdb.db);
    await createDefinitionStore(tdb.db).register(TIMER_DRILL, 'test');
    const piiKeys = `drill3:${randomBytes(32).toString('base64')}`;
    const taskQueue = uniqueQueue('drill-temporal');
    const api = await startDrillApi({ db: tdb.db, temporal: client, taskQueue, pii: testPii(piiKeys) });
    cleanup.push(() => api.close());
    const worker: WorkerProcess = spawnWorker({
      temporalAddress: server.address,
      databaseUrl: tdb.url,
      taskQueue,
      piiKeys,
      logFile: path.join(tmp, 'worker.log'),
    });
    cleanup.push(() => worker.stop());
    await worker.ready(client);

    const headers = await authHeader({
      roles: ['officer'],
      agency: 'so-tnmt',
      sub: OFFICER,
      permissions: ['task-role:resolver'],
    });
    const ledger = new Ledger();
    const load = runLoad(ledger, {
      url: api.url,
      headers,
      agencyId: 'so-tnmt',
      cases: CASES,
      concurrency: CASES,
      deadline: Date.now() + 180_000,
      startGapMs: 150,
      forms: {},
    });

    // Timers armed: half the cases are past their first task and wait on their timer.
    await faultMoment(ledger, CASES / 2);
    const armed = ledger.acknowledgedCompletions;
    const killedAt = Date.now();
    server.child.kill('SIGKILL');
    await new Promise<void>((r) =>
      server.child.exitCode !== null || server.child.signalCode !== null ? r() : server.child.once('exit', () => r()),
    );
    await new Promise((r) => setTimeout(r, DOWN_MS));
    server = await startDevServer(devOpts);
    const restartedAt = Date.now();
    await load;
    console.info(
      `[drill temporal] killed with ${armed} timers armed; down ${restartedAt - killedAt} ms; load done ${Date.now() - restartedAt} ms after the restart`,
    );

    const report = await checkDrill({ db: tdb.db, temporal: client, ledger, actorId: OFFICER, settleMs: 120_000 });
    console.info(
      `[drill temporal] ${JSON.stringify({ ...report, acrossTheKill: acrossFault(ledger, killedAt).length })}`,
    );
    expect(report.started).toBe(CASES);
    expect(ledger.finished.size).toBe(CASES);
    expect(report.completions).toBe(2 * CASES);
    expect(worker.child.exitCode, 'the worker process survived the outage').toBeNull();
    // The timers of the cases armed before the kill fired after it (some were due while the server was down).
    const dueDuringOutage = (
      await Promise.all(
        [...ledger.started.keys()].map(async (id) => {
          const s = await tdb.db('case_states').where({ case_id: id }).first('state');
          const opened = (s.state.tasks as Array<{ nodeId: string; openedAt: string }>).find(
            (t) => t.nodeId === 'close',
          )?.openedAt;
          return opened !== undefined && Date.parse(opened) >= killedAt && Date.parse(opened) - killedAt < 40_000;
        }),
      )
    ).filter(Boolean).length;
    expect(dueDuringOutage, 'timers that fired after the restart').toBeGreaterThan(0);
  }, 420_000);
});
