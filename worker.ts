import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from './activities/index.js';
import type { Db } from './db/knex.js';

export interface CaseWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  logger: Logger;
  /** Pre-built bundle (tests, benchmarks); otherwise the worker bundles workflows/index.ts itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** Path of the single workflow bundle entry. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** Builds the case worker: the interpreter workflow plus activities over injected dependencies. */
export async function createCaseWorker(deps: CaseWorkerDeps): Promise<Worker> {
  const activities = createActivities({ db: deps.db, logger: deps.logger });
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities,
  });
}

// Standalone worker process: `tsx worker.ts` (scale-out: run as many as needed against one cluster).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { runStandaloneWorker } = await import('./scripts/standalone-worker.js');
  await runStandaloneWorker();
}
