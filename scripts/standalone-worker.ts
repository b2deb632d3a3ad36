// A worker process on its own (`tsx worker.ts`): for scale-out against an existing cluster and database.
import { createDb } from '../db/knex.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createPiiKeyring } from '../platform/pii.js';
import { connectWorker } from '../platform/temporal.js';
import { createCaseWorker } from '../worker.js';

export async function runStandaloneWorker(): Promise<void> {
  const cfg = loadConfig();
  const logger = createLogger(cfg.logLevel, 'kntc-worker');
  if (!cfg.temporal.address || !cfg.database.url) {
    throw new Error('A standalone worker needs TEMPORAL_ADDRESS and DATABASE_URL (npm start runs everything together).');
  }
  const db = createDb(cfg.database.url);
  const connection = await connectWorker(cfg, cfg.temporal.address);
  const worker = await createCaseWorker({ connection, namespace: cfg.temporal.namespace, taskQueue: cfg.temporal.taskQueue, db, logger,
    // Linked cases get their own citizen PIN only under the API's keys (PII_KEYS), never a locally generated one.
    ...(cfg.piiKeys ? { pinKeys: createPiiKeyring(cfg.piiKeys) } : {}) });
  process.once('SIGINT', () => worker.shutdown());
  process.once('SIGTERM', () => worker.shutdown());
  await worker.run();
  await connection.close();
  await db.destroy();
}
