/**
 * Starts the real servers once per test run (not per file):
 *  - an embedded PostgreSQL (throwaway data dir); each integration file creates its own database;
 *  - the Temporal CLI dev server (in memory, headless) for integration tests;
 *  - one time-skipping test server per vitest worker (time is global per server, so files that run
 *    at the same time must not share one; files that run one after another in a worker do).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from '../../scripts/install-temporal.mjs';
import { freePort, startEmbeddedPostgres } from '../../platform/postgres.js';
import { Connection } from '@temporalio/client';
import { registerSearchAttributes, startDevServer, startTimeSkippingServer } from '../../platform/temporal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    temporalDevAddress: string;
    timeSkippingAddresses: string[];
  }
}

export const MAX_WORKERS = 2;

export default async function setup(project: TestProject) {
  const bins = ensureTemporal({ quiet: true }) as { temporal: string; testServer: string };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-test-'));
  fs.chmodSync(tmp, 0o755); // the embedded server runs as the `postgres` user when we are root
  const [pgPort, devPort] = [await freePort(), await freePort()];
  const [pg, dev] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: pgPort, database: 'kntc_admin', persistent: false }),
    startDevServer({ binary: bins.temporal, port: devPort, namespace: 'default', logFile: path.join(tmp, 'temporal.log') }),
  ]);
  const ts = await Promise.all(
    Array.from({ length: MAX_WORKERS }, async () => startTimeSkippingServer(bins.testServer, await freePort())),
  );
  for (const s of ts) {
    const c = await Connection.connect({ address: s.address });
    await registerSearchAttributes(c, 'default');
    await c.close();
  }
  project.provide('pgAdminUrl', pg.url);
  project.provide('temporalDevAddress', dev.address);
  project.provide('timeSkippingAddresses', ts.map((s) => s.address));

  return async () => {
    await Promise.allSettled([...ts.map((s) => s.stop()), dev.stop()]);
    await pg.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
}
