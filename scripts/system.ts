import path from 'node:path';
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createApp } from '../api/app.js';
import { issueDevAdminToken } from '../api/auth/dev-token.js';
import { registerBuiltinDefinitions } from '../db/builtin-definitions.js';
import { DefinitionVersionExists } from '../db/definitions.js';
import { createDb, type Db } from '../db/knex.js';
import { createCaseWorker } from '../worker.js';
import type { Config } from '../platform/config.js';
import { resolveSecrets } from '../platform/local-secrets.js';
import { roleWarnings } from '../platform/db-roles.js';
import { prepareDatabase, startConfiguredEmbeddedPostgres } from '../platform/database.js';
import { configureAuditKeys } from '../db/audit-keys.js';
import { sealAuditChain } from '../db/audit.js';
import { ChainBroken, configureAuditSigner, createCheckpointStore } from '../db/audit-checkpoints.js';
import { ensureReceptionComplianceSchedules } from '../reception/compliance-schedules.js';
import { ensureReceptionPeriodReconcileSchedule } from '../reception/period-schedules.js';
import { notificationDeps, startMailCatcher, type MailCatcher } from '../platform/notifications.js';
import { createPiiKeyring } from '../platform/pii.js';
import { ensureConsoleBuilt } from '../platform/console-build.js';
import { ensureReportSchedule } from '../platform/report-schedule.js';
import { ensureMassProcessReconcileSchedule } from '../platform/mass-process-schedule.js';
import { ensureReviewCampaignReconcileSchedule } from '../platform/review-campaign-schedule.js';
import { portInUse, type PostgresHandle } from '../platform/postgres.js';
import {
  connectClient,
  connectWorker,
  installTemporalRuntimeLogger,
  registerSearchAttributes,
  startDevServer,
  temporalBinaries,
  type ServerProcess,
} from '../platform/temporal.js';

export interface RunningSystem {
  apiUrl: string;
  /** The web console (same origin as the API). */
  consoleUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  embeddedPostgres: boolean;
  /** A 30-day admin token for local use (only when JWT_SECRET/JWKS_URL are unset and a local secret is used). */
  adminToken: string | undefined;
  /** The local mail catcher's web page (MAIL_CATCHER), and the SMTP server notifications go to. */
  mailCatcherUrl: string | undefined;
  smtpUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the whole system on the configuration: PostgreSQL (embedded unless DATABASE_URL), migrations,
 * Temporal (dev server with persisted SQLite + Web UI unless TEMPORAL_ADDRESS), the worker and the API.
 * Everything started is stopped, in reverse order, by `stop()` — also when start-up fails half-way.
 */
export async function startSystem(cfg: Config, logger: Logger): Promise<RunningSystem> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) {
      try {
        await s();
      } catch (e) {
        logger.warn({ err: e }, 'error while stopping');
      }
    }
  };
  try {
    if (await portInUse(cfg.port, cfg.host)) {
      throw new Error(`API port ${cfg.port} is already in use. Set PORT to another port.`);
    }
    // PostgreSQL
    let pg: PostgresHandle | undefined;
    let databaseUrl = cfg.database.url;
    if (!databaseUrl) {
      logger.info({ dataDir: path.join(cfg.dataDir, 'postgres') }, 'starting embedded PostgreSQL');
      pg = await startConfiguredEmbeddedPostgres(cfg);
      stops.push(() => pg!.stop());
      databaseUrl = pg.url;
    }
    // Migrations run as the owner of the tables; the API and the worker connect as the application role,
    // which owns nothing and cannot disable the audit log's triggers (ADR 0014).
    const secrets = resolveSecrets(cfg);
    if (secrets.generated.length)
      logger.info(
        { files: secrets.generated },
        'generated local secrets (set JWT_SECRET, PII_KEYS, AUDIT_HMAC_KEYS and AUDIT_SIGNING_KEYS in production)',
      );
    configureAuditKeys(secrets.auditHmacKeys);
    configureAuditSigner(secrets.auditSigningKeys);
    const { applied, appUrl } = await prepareDatabase(cfg, databaseUrl, pg !== undefined);
    logger.info({ applied }, 'migrations up to date');
    const db: Db = createDb(appUrl);
    stops.push(() => db.destroy());
    for (const w of await roleWarnings(db))
      logger.warn(`${w}; set DATABASE_APP_URL to a role without ownership (README)`);
    const sealed = await sealAuditChain(db);
    if (sealed) logger.info({ seq: sealed.seq }, 'audit chain keyed (HMAC) from here on');
    // Signed checkpoints of the audit chain: one now (in the background: it verifies the whole chain) and periodically.
    const checkpoints = createCheckpointStore(db);
    const checkpoint = () =>
      checkpoints
        .create()
        .then((r) => {
          if (r.created) logger.info({ seq: r.checkpoint.seq }, 'audit checkpoint signed');
        })
        .catch((e: unknown) =>
          logger.error(
            { err: (e as Error).message },
            e instanceof ChainBroken ? 'AUDIT CHAIN DOES NOT VERIFY: no checkpoint signed' : 'audit checkpoint failed',
          ),
        );
    const pendingCheckpoint = checkpoint();
    const timer =
      cfg.auditCheckpointMinutes > 0
        ? setInterval(() => void checkpoint(), cfg.auditCheckpointMinutes * 60_000)
        : undefined;
    timer?.unref();
    stops.push(async () => {
      clearInterval(timer);
      await pendingCheckpoint;
    });
    // Built-in definitions: idempotent; a changed built-in without a new version stops start-up.
    const defs = await registerBuiltinDefinitions(db).catch((e: unknown) => {
      // The embedded database is a local one: say how to start afresh after an upgrade changed a built-in.
      if (e instanceof DefinitionVersionExists && pg) {
        throw new Error(
          `${e.message}. The embedded database in ${path.join(cfg.dataDir, 'postgres')} holds built-in definitions of an older build ` +
            `with the same version numbers; move that folder (and ${path.join(cfg.dataDir, 'temporal')}) aside to start afresh.`,
          { cause: e },
        );
      }
      throw e;
    });
    logger.info({ registered: defs.registered, unchanged: defs.unchanged.length }, 'built-in definitions registered');

    // Temporal
    let temporalAddress = cfg.temporal.address;
    let dev: ServerProcess | undefined;
    if (!temporalAddress) {
      logger.info('starting Temporal dev server');
      dev = await startDevServer({
        binary: temporalBinaries(cfg.toolsDir).temporal,
        port: cfg.temporal.devPort,
        uiPort: cfg.temporal.uiPort,
        namespace: cfg.temporal.namespace,
        dbFile: path.join(cfg.dataDir, 'temporal', 'temporal.db'),
        logFile: path.join(cfg.dataDir, 'temporal', 'server.log'),
      });
      stops.push(() => dev!.stop());
      temporalAddress = dev.address;
    }
    const clientConn = await connectClient(cfg, temporalAddress);
    stops.push(() => clientConn.close());
    const client = new Client({ connection: clientConn, namespace: cfg.temporal.namespace });
    // An existing cluster may not know our search attributes yet (startDevServer registers the
    // missing ones itself: its flags only apply to a new database, not to a persisted .data/temporal).
    if (!dev)
      await registerSearchAttributes(clientConn, cfg.temporal.namespace).catch((e: Error) =>
        logger.warn(
          { err: e.message },
          'could not register search attributes; register them on the cluster (see README)',
        ),
      );
    installTemporalRuntimeLogger(logger.child({ component: 'temporal-sdk' }));

    // The worker needs the PII keyring for the citizen PINs of linked cases (ADR 0012)
    const pii = createPiiKeyring(secrets.piiKeys);

    // Notifications (ADR 0025): to SMTP_URL, or to a local mail catcher with a web page
    let mailCatcher: MailCatcher | undefined;
    if (cfg.notifications.mailCatcher) {
      for (const [port, name] of [
        [cfg.notifications.mailCatcherSmtpPort, 'MAIL_CATCHER_SMTP_PORT'],
        [cfg.notifications.mailCatcherWebPort, 'MAIL_CATCHER_WEB_PORT'],
      ] as const) {
        if (await portInUse(port, '127.0.0.1'))
          throw new Error(
            `Mail catcher port ${port} is already in use. Set ${name} to another port (or MAIL_CATCHER=false).`,
          );
      }
      mailCatcher = await startMailCatcher(cfg.notifications, cfg.dataDir);
      stops.push(() => mailCatcher!.stop());
    }
    const smtpUrl = cfg.notifications.smtpUrl ?? mailCatcher?.smtpUrl;

    // Worker
    const workerConn = await connectWorker(cfg, temporalAddress);
    const worker: Worker = await createCaseWorker({
      connection: workerConn,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      db,
      logger: logger.child({ component: 'worker' }),
      pinKeys: pii,
      webhooks: { allowLocalhost: cfg.webhooks.allowLocalhost },
      notifications: notificationDeps(cfg.notifications, smtpUrl),
    });
    const workerRun = worker.run();
    // Reports are drafted at the end of each data period by a Temporal Schedule (ADR 0032).
    if (await ensureReportSchedule(client, cfg.temporal.taskQueue)) logger.info('report drafting schedule created');
    // Mass-matter processes whose start was lost (a crash after the commit) are started by a reconciler (ADR 0036).
    if (await ensureMassProcessReconcileSchedule(client, cfg.temporal.taskQueue))
      logger.info('mass-matter process reconciler schedule created');
    // Review campaigns whose workflow start was lost (a crash after the launch's commit) likewise (ADR 0037).
    if (await ensureReviewCampaignReconcileSchedule(client, cfg.temporal.taskQueue))
      logger.info('review campaign reconciler schedule created');
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun.catch(() => undefined);
      await workerConn.close();
    });
    // The reception compliance check: Temporal Schedules, monthly and weekly (ADR 0029).
    await ensureReceptionComplianceSchedules(client, cfg.temporal.taskQueue).then(
      (ids) => logger.info({ schedules: ids }, 'reception compliance schedules registered'),
      (e: Error) => logger.warn({ err: e.message }, 'reception compliance schedules could not be registered'),
    );
    // Special periods whose workflow start was lost are started by a reconciler on a schedule (ADR 0035).
    await ensureReceptionPeriodReconcileSchedule(client, cfg.temporal.taskQueue).then(
      (id) => logger.info({ schedule: id }, 'special period reconciler schedule registered'),
      (e: Error) => logger.warn({ err: e.message }, 'special period reconciler schedule could not be registered'),
    );

    // API
    const auth = {
      jwtSecret: secrets.jwtSecret,
      jwksUrl: cfg.auth.jwksUrl,
      issuer: cfg.auth.jwtIssuer,
      audience: cfg.auth.jwtAudience,
      maxLifetimeS: cfg.auth.jwtMaxLifetimeS,
      clockSkewS: cfg.auth.jwtClockSkewS,
    };
    // The web console (ADR 0033): built when missing or stale, served by the API at `/`.
    const consoleDir = await ensureConsoleBuilt((line) => logger.info(line));
    const app = createApp({
      consoleDir,
      db,
      temporal: client,
      taskQueue: cfg.temporal.taskQueue,
      logger: logger.child({ component: 'api' }),
      auth,
      pii,
      webhooks: cfg.webhooks,
      // Hotspot notifications are started by the API once their intake commits (ADR 0034).
      hotspots: { notifyRetry: notificationDeps(cfg.notifications).retry },
    });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(cfg.port, cfg.host, () => resolve(s));
      s.once('error', reject);
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );

    return {
      apiUrl: `http://${cfg.host}:${cfg.port}`,
      consoleUrl: `http://${cfg.host}:${cfg.port}/`,
      databaseUrl: databaseUrl.replace(/:[^:@/]*@/, ':***@'),
      temporalAddress,
      temporalUiUrl: dev ? `http://127.0.0.1:${cfg.temporal.uiPort}` : undefined,
      embeddedPostgres: Boolean(pg),
      // Only for the locally generated secret: a deployment's own JWT_SECRET never yields a printed token.
      adminToken:
        auth.jwtSecret && !cfg.auth.jwtSecret && !auth.jwksUrl
          ? await issueDevAdminToken({
              jwtSecret: auth.jwtSecret,
              issuer: auth.issuer,
              audience: auth.audience,
              lifetimeS: auth.maxLifetimeS,
            })
          : undefined,
      mailCatcherUrl: mailCatcher?.webUrl,
      smtpUrl: smtpUrl?.replace(/:[^:@/]*@/, ':***@'),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
