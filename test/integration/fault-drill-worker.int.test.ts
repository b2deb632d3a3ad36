/**
 * Fault drill (issue 11 item 11): `kill -9` the case worker — a separate process, as a scale-out
 * worker runs — during a burst of petitions started and worked through the HTTP API, then start a
 * new worker process. Real Temporal dev server, real PostgreSQL, the built-in petition definition
 * (user tasks, lifecycle service tasks, a projection after every step).
 *
 * Ends with the checks of every drill (test/support/drills.ts `checkDrill`): every acknowledged
 * start and completion reflected, read model equal to the workflows, audit chain complete and
 * verifying, no case stuck.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerBuiltinDefinitions } from '../../db/builtin-definitions.js';
import { authHeader, testPii } from '../support/auth.js';
import { createTestDb, type TestDb } from '../support/db.js';
import {
  acrossFault,
  checkDrill,
  faultMoment,
  Ledger,
  retriesInHistories,
  runLoad,
  spawnWorker,
  startDrillApi,
  todayVn,
  type DrillApi,
  type WorkerProcess,
} from '../support/drills.js';
import { devServer, uniqueQueue } from '../support/temporal.js';

const CASES = 16;
const CONCURRENCY = 8;
const OFFICER = 'drill-officer@so-tnmt';

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('fault drill: kill -9 of the worker process', () => {
  it('during a burst of starts and completions loses nothing acknowledged, and every case ends', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-drill-worker-'));
    cleanup.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
    const tdb: TestDb = await createTestDb();
    cleanup.push(() => tdb.drop());
    await registerBuiltinDefinitions(tdb.db);
    const dev = await devServer();
    cleanup.push(() => dev.close());
    const piiKeys = `drill1:${randomBytes(32).toString('base64')}`;
    const taskQueue = uniqueQueue('drill-worker');
    const api: DrillApi = await startDrillApi({ db: tdb.db, temporal: dev.client, taskQueue, pii: testPii(piiKeys) });
    cleanup.push(() => api.close());
    const workerOpts = {
      temporalAddress: dev.address,
      databaseUrl: tdb.url,
      taskQueue,
      piiKeys,
      logFile: path.join(tmp, 'worker.log'),
    };
    const workers: WorkerProcess[] = [];
    cleanup.push(async () => {
      for (const w of workers) await w.stop();
    });
    workers.push(spawnWorker(workerOpts));
    await workers[0]!.ready(dev.client);

    const headers = await authHeader({
      roles: ['officer'],
      agency: 'so-tnmt',
      sub: OFFICER,
      permissions: ['task-role:letter_officer', 'task-role:resolver'],
    });
    const today = todayVn();
    const ledger = new Ledger();
    const load = runLoad(ledger, {
      url: api.url,
      headers,
      agencyId: 'so-tnmt',
      cases: CASES,
      concurrency: CONCURRENCY,
      deadline: Date.now() + 180_000,
      startGapMs: 50,
      forms: {
        accept: { petitionDecision: 'accept', decidedOn: today },
        respond: { respondedOn: today, responseRef: 'CV-diễn-tập' },
      },
    });

    // The burst is under way: completions acknowledged by the first worker, and one in flight.
    await faultMoment(ledger, 8);
    const killedAt = Date.now();
    const ackedBefore = ledger.acknowledgedCompletions;
    await workers[0]!.kill9();
    // Starts keep being acknowledged while no worker runs; completions wait in their Updates.
    await new Promise((r) => setTimeout(r, 3000));
    workers.push(spawnWorker(workerOpts));
    await workers[1]!.ready(dev.client);
    const restartedAt = Date.now();
    await load;
    console.info(
      `[drill worker] killed at ${ackedBefore} completions; new worker polling after ${restartedAt - killedAt} ms; load done ${Date.now() - killedAt} ms after the kill`,
    );

    const report = await checkDrill({ db: tdb.db, temporal: dev.client, ledger, actorId: OFFICER, settleMs: 120_000 });
    const retries = await retriesInHistories(dev.client, ledger.started.keys());
    console.info(
      `[drill worker] ${JSON.stringify({ ...report, acrossTheKill: acrossFault(ledger, killedAt).length, retries })}`,
    );
    // The drill tested something: every case was acknowledged and worked to its end, and requests were in flight across the kill.
    expect(report.started).toBe(CASES);
    expect(ledger.finished.size).toBe(CASES);
    expect(report.completions).toBe(2 * CASES);
    expect(
      acrossFault(ledger, killedAt).length,
      'requests under way across the kill, acknowledged after it',
    ).toBeGreaterThan(0);
  }, 420_000);
});
