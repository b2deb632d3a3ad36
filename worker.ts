import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { calendarServiceFor } from './calendar/service.js';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { createDefinitionStore } from './db/definitions.js';
import { scrubDatabaseErrorsInActivities } from './platform/db-errors.js';
import { EXAMPLE_DEFINITIONS } from './processes/examples/index.js';
import type { PinKeys } from './db/case-pins.js';
import type { Db } from './db/knex.js';

export interface CaseWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  logger: Logger;
  /** Citizen PIN keys (the PII keyring): linked cases get their own PIN (ADR 0012); without them, none. */
  pinKeys?: PinKeys | undefined;
  /** Webhook delivery: loopback receivers allowed (WEBHOOK_ALLOW_LOCALHOST; tests, local use). */
  webhooks?: { allowLocalhost?: boolean } | undefined;
  /** Pre-built bundle (tests, benchmarks); otherwise the worker bundles workflows/index.ts itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Workflow interceptor modules bundled with the workflows (tests; ignored with a pre-built bundle). */
  workflowInterceptorModules?: string[];
  /** Notification delivery (ADR 0025, platform/notifications.ts); unset: notifications are recorded, not sent. */
  notifications?: ActivityDeps['notifications'];
}

/** Path of the single workflow bundle entry. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** Builds the case worker: the interpreter workflow plus activities over injected dependencies. */
export async function createCaseWorker(deps: CaseWorkerDeps): Promise<Worker> {
  const definitions = createDefinitionStore(deps.db);
  // Call activities start linked cases under the registered definitions; the examples fill in keys
  // the registry does not have (tests, the benchmark).
  const resolvable = async () => {
    const registered = (await definitions.all()).map((r) => r.content);
    const keys = new Set(registered.map((d) => d.key));
    return [...registered, ...EXAMPLE_DEFINITIONS.filter((d) => !keys.has(d.key))];
  };
  // Workflows count their clocks on the stored calendar (seed + days announced through the admin API).
  const calendar = calendarServiceFor(deps.db);
  const activities = createActivities({
    db: deps.db,
    logger: deps.logger,
    definitions: resolvable,
    calendarEntries: () => calendar.entries(),
    pinKeys: deps.pinKeys,
    webhooks: deps.webhooks,
    notifications: deps.notifications,
  });
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities,
    interceptors: {
      // An activity failing on a PostgreSQL error fails without the input the error quotes (logs, history).
      activity: [scrubDatabaseErrorsInActivities],
      ...(deps.workflowInterceptorModules && !deps.workflowBundle
        ? { workflowModules: deps.workflowInterceptorModules }
        : {}),
    },
  });
}
