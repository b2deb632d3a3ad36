/**
 * Starts the real servers once per test run (not per file):
 *  - an embedded PostgreSQL (throwaway data dir); each integration file creates its own database;
 *  - the Temporal CLI dev server (in memory, headless) for integration tests;
 *  - not the time-skipping test servers: each workflow test file starts its own (test/support/temporal.ts
 *    timeSkippingEnv), since time on one only moves forward and files sharing one inherited its skipped years.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from '../../scripts/install-temporal.mjs';
import { freePort, startEmbeddedPostgres } from '../../platform/postgres.js';
import { startDevServer } from '../../platform/temporal.js';
import { ensureConsoleBuilt } from '../../platform/console-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    temporalDevAddress: string;
    timeSkippingBinary: string;
    consoleDir: string;
  }
}

export const MAX_WORKERS = 2;

export default async function setup(project: TestProject) {
  const bins = ensureTemporal({ quiet: true }) as { temporal: string; testServer: string };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-test-'));
  fs.chmodSync(tmp, 0o755); // the embedded server runs as the `postgres` user when we are root
  const [pgPort, devPort] = [await freePort(), await freePort()];
  // The web console for the browser tests: built once per run, and only when its sources changed (ADR 0033).
  const consoleDir = await ensureConsoleBuilt();
  project.provide('consoleDir', consoleDir);
  const [pg, dev] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: pgPort, database: 'kntc_admin', persistent: false }),
    startDevServer({
      binary: bins.temporal,
      port: devPort,
      namespace: 'default',
      logFile: path.join(tmp, 'temporal.log'),
    }),
  ]);
  project.provide('pgAdminUrl', pg.url);
  project.provide('temporalDevAddress', dev.address);
  project.provide('timeSkippingBinary', bins.testServer);

  return async () => {
    await Promise.allSettled([dev.stop()]);
    await pg.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
}
