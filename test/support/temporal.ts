import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { WORKFLOWS_PATH } from '../../worker.js';

/** A unique task queue per test file/test (servers are shared across files). */
export function uniqueQueue(prefix = 'test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never });
  return bundle;
}

/**
 * A time-skipping environment on this worker's shared test server (started once per run by the
 * global setup). The SDK only exposes time skipping for servers it spawns itself, so we use its
 * internal `create` with `server: { type: 'existing' }` — the same code path, minus the spawn.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const addresses = inject('timeSkippingAddresses');
  const poolId = Number(process.env.VITEST_POOL_ID ?? '1');
  const address = addresses[(poolId - 1) % addresses.length]!;
  const create = (TestWorkflowEnvironment as unknown as {
    create(o: { supportsTimeSkipping: boolean; address: string; server: { type: 'existing' } }): Promise<TestWorkflowEnvironment>;
  }).create.bind(TestWorkflowEnvironment);
  return create({ supportsTimeSkipping: true, address, server: { type: 'existing' } });
}

/** Client and worker connections to the run's Temporal dev server (integration tests). */
export async function devServer(): Promise<{ client: Client; connection: Connection; nativeConnection: NativeConnection; address: string; close(): Promise<void> }> {
  const address = inject('temporalDevAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default' }),
    connection,
    nativeConnection,
    address,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
