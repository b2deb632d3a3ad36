/**
 * Fault drill (issue 11 items 7 and 11): a completion the workflow applies while the API cannot
 * record it. The worker process is `kill -9`ed, so completions sent next wait in their Updates; then
 * PostgreSQL (a dedicated one) is stopped and a new worker started: the workflows apply the waiting
 * completions, and the API, back from the Update, cannot write its audit entry or its idempotency
 * record and answers 5xx. PostgreSQL comes back; the officers retry with the same Idempotency-Key.
 * What the issue asks: the retry gets the original answer, and the completion has exactly one
 * `task.completed` audit entry with the actor — checked by `checkDrill` with the rest.
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
  checkDrill,
  describeExchanges,
  Ledger,
  runLoad,
  spawnWorker,
  startDrillApi,
  todayVn,
  waitFor,
  type WorkerProcess,
} from '../support/drills.js';
import { devServer, uniqueQueue } from '../support/temporal.js';

const CASES = 12;
const CONCURRENCY = 6;
const OFFICER = 'drill-officer@so-tnmt';

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

describe('fault drill: a completion applied by the workflow while the API cannot record it', () => {
  it('is answered on retry with its original answer, and audited once with its actor', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-drill-mid-'));
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
    const piiKeys = `drill4:${randomBytes(32).toString('base64')}`;
    const taskQueue = uniqueQueue('drill-mid');
    const api = await startDrillApi({ db, temporal: dev.client, taskQueue, pii: testPii(piiKeys) });
    cleanup.push(() => api.close());
    const workerOpts = {
      temporalAddress: dev.address,
      databaseUrl: pg.url,
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
      thinkMs: 2000,
      forms: {
        accept: { petitionDecision: 'accept', decidedOn: today },
        respond: { respondedOn: today, responseRef: 'CV-diễn-tập' },
      },
    });

    // Officers take 2 s with a task: when the worker dies, several hold a task they will complete next.
    await waitFor(
      'completions acknowledged, and officers holding tasks',
      () => ledger.acknowledgedCompletions >= 4 && ledger.holding >= 2,
      120_000,
      20,
    );
    const killedAt = Date.now();
    await workers[0]!.kill9();
    // Completions sent since wait in their Updates (nobody runs the workflows): past the API's reads.
    await waitFor(
      'completions waiting in their Updates',
      () => ledger.inFlight('complete').filter((x) => x.sentAt > killedAt && Date.now() - x.sentAt > 3000).length >= 2,
      60_000,
      50,
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}; requests since the kill: ${describeExchanges(ledger.exchanges.filter((x) => x.sentAt > killedAt)).join('; ')}`,
      );
    });
    const waiting = ledger
      .inFlight('complete')
      .filter((x) => x.sentAt > killedAt)
      .map((x) => x.taskId);
    await pg.stop();
    workers.push(spawnWorker(workerOpts));
    await workers[1]!.ready(dev.client);
    // The new worker applies the waiting completions; the API cannot record them: 5xx, retried.
    await waitFor(
      'a waiting completion answered 5xx',
      () =>
        ledger.exchanges.some(
          (x) => waiting.includes(x.taskId) && x.attempts.some((a) => typeof a.status === 'number' && a.status >= 500),
        ),
      60_000,
      50,
    );
    await new Promise((r) => setTimeout(r, 2000));
    pg = await startEmbeddedPostgres(pgOpts);
    await load;
    console.info(
      `[drill mid-completion] waiting at the PostgreSQL stop: ${waiting.length}; their requests: ${JSON.stringify(ledger.exchanges.filter((x) => waiting.includes(x.taskId)).map((x) => x.attempts.map((a) => `${a.status}${a.reason ? ` ${a.reason}` : ''}`).join(' → ')))}`,
    );

    const report = await checkDrill({ db, temporal: dev.client, ledger, actorId: OFFICER, settleMs: 120_000 });
    console.info(`[drill mid-completion] ${JSON.stringify(report)}`);
    expect(report.started).toBe(CASES);
    expect(report.completions).toBe(2 * CASES);
  }, 420_000);
});
