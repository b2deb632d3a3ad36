// A worker process on its own (`npm run worker`, `tsx scripts/standalone-worker.ts`): for scale-out against an
// existing cluster and database. The entry point; worker.ts is the library it runs.
import { fileURLToPath } from 'node:url';
import { configureAuditKeys } from '../db/audit-keys.js';
import { createDb } from '../db/knex.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createPiiKeyring } from '../platform/pii.js';
import { notificationDeps } from '../platform/notifications.js';
import { connectWorker } from '../platform/temporal.js';
import { createCaseWorker } from '../worker.js';

export async function runStandaloneWorker(): Promise<void> {
  const cfg = loadConfig();
  const logger = createLogger(cfg.logLevel, 'kntc-worker');
  if (!cfg.temporal.address || !cfg.database.url) {
    throw new Error(
      'A standalone worker needs TEMPORAL_ADDRESS and DATABASE_URL (npm start runs everything together).',
    );
  }
  // The application role (DATABASE_APP_URL) when set; the audit chain's keys must be the API's (ADR 0014).
  const db = createDb(cfg.database.appUrl ?? cfg.database.url);
  if (cfg.auditHmacKeys) configureAuditKeys(cfg.auditHmacKeys);
  const connection = await connectWorker(cfg, cfg.temporal.address);
  const worker = await createCaseWorker({
    connection,
    namespace: cfg.temporal.namespace,
    taskQueue: cfg.temporal.taskQueue,
    db,
    logger,
    webhooks: { allowLocalhost: cfg.webhooks.allowLocalhost },
    // Notifications to SMTP_URL / SMS_GATEWAY_URL (a standalone worker runs no mail catcher; in-app always).
    notifications: notificationDeps(cfg.notifications),
    // Linked cases get their own citizen PIN only under the API's keys (PII_KEYS), never a locally generated one.
    ...(cfg.piiKeys ? { pinKeys: createPiiKeyring(cfg.piiKeys) } : {}),
  });
  process.once('SIGINT', () => worker.shutdown());
  process.once('SIGTERM', () => worker.shutdown());
  await worker.run();
  await connection.close();
  await db.destroy();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await runStandaloneWorker();
  } catch (e) {
    console.error(e);
    process.exitCode = 1;
  }
}
