/**
 * Fault drill (issue 11 item 11): restart PostgreSQL while petitions are being started, worked and
 * projected. A dedicated embedded PostgreSQL (not the run's shared one: other test files keep
 * theirs), the run's Temporal dev server, the case worker in a separate process, the HTTP API in
 * this one. While the database is down, projections and lifecycle activities fail and are retried,
 * and the API answers 5xx to what it cannot store; the officers retry those with the same
 * Idempotency-Key.
 *
 * Ends with the checks of every drill (test/support/drills.ts `checkDrill`).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerBuiltinDefinitions } from '../../db/builtin-definitions.js';
import { createDb } from '../../db/knex.js';
import { migrateLatest } from '../../db/migrate.js';
import { freePort, startEmbeddedPostgres, type PostgresHandle } from '../../platform/postgres.js';
import { authHeader, testPii } from '../support/auth.js';
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
  type WorkerProcess,
} from '../support/drills.js';
import { devServer, uniqueQueue } from '../support/temporal.js';

const CASES = 16;
const CONCURRENCY = 8;
const OFFICER = 'drill-officer@so-tnmt';
const DOWN_MS = 8000;

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('fault drill: PostgreSQL restart', () => {
  it('during projections loses nothing acknowledged, and the read model catches up with every case', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-drill-pg-'));
    fs.chmodSync(tmp, 0o755); // the embedded server runs as the `postgres` user when we are root
    cleanup.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
    const pgOpts = { dataDir: path.join(tmp, 'pg'), port: await freePort(), database: 'kntc_drill', persistent: true };
    let pg: PostgresHandle = await startEmbeddedPostgres(pgOpts);
    cleanup.push(() => pg.stop());
    const db = createDb(pg.url, { max: 10 });
    cleanup.push(() => db.destroy());
    await migrateLatest(db);
    await registerBuiltinDefinitions(db);

    const dev = await devServer();
    cleanup.push(() => dev.close());
    const piiKeys = `drill2:${randomBytes(32).toString('base64')}`;
    const taskQueue = uniqueQueue('drill-pg');
    const api = await startDrillApi({ db, temporal: dev.client, taskQueue, pii: testPii(piiKeys) });
    cleanup.push(() => api.close());
    const worker: WorkerProcess = spawnWorker({
      temporalAddress: dev.address,
      databaseUrl: pg.url,
      taskQueue,
      piiKeys,
      logFile: path.join(tmp, 'worker.log'),
    });
    cleanup.push(() => worker.stop());
    await worker.ready(dev.client);

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

    // Projections are being written: completions acknowledged, their steps projected by the worker, and one in flight.
    await faultMoment(ledger, 8);
    const ackedBefore = ledger.acknowledgedCompletions;
    const stoppedAt = Date.now();
    await pg.stop();
    await new Promise((r) => setTimeout(r, DOWN_MS));
    pg = await startEmbeddedPostgres(pgOpts);
    const restartedAt = Date.now();
    await load;
    console.info(
      `[drill postgres] stopped at ${ackedBefore} completions; down ${restartedAt - stoppedAt} ms; load done ${Date.now() - restartedAt} ms after the restart`,
    );

    const report = await checkDrill({ db, temporal: dev.client, ledger, actorId: OFFICER, settleMs: 120_000 });
    const retries = await retriesInHistories(dev.client, ledger.started.keys());
    console.info(
      `[drill postgres] ${JSON.stringify({ ...report, acrossTheRestart: acrossFault(ledger, stoppedAt).length, retries })}`,
    );
    expect(report.started).toBe(CASES);
    expect(ledger.finished.size).toBe(CASES);
    expect(report.completions).toBe(2 * CASES);
    // The outage hit work in flight: activities writing to PostgreSQL (projections, lifecycle records) failed and were retried.
    expect(
      Object.values(retries.activities).reduce((a, b) => a + b, 0),
      'activity attempts retried after the outage',
    ).toBeGreaterThan(0);
  }, 420_000);
});
