/**
 * Records the replay fixtures test/histories/*.json: runs every scenario of
 * test/support/scenarios.ts on a fresh time-skipping server and writes each workflow's history
 * (the case and its linked cases). Run after a deliberate workflow change, keep old fixtures:
 *   npx tsx scripts/record-histories.ts
 */
import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { freePort } from '../platform/postgres.js';
import { startTimeSkippingServer } from '../platform/temporal.js';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from './install-temporal.mjs';
import { SCENARIOS } from '../test/support/scenarios.js';

const dir = new URL('../test/histories/', import.meta.url);
fs.mkdirSync(dir, { recursive: true });
const bins = ensureTemporal({ quiet: true }) as { testServer: string };
const server = await startTimeSkippingServer(bins.testServer, await freePort());
const create = (TestWorkflowEnvironment as unknown as {
  create(o: { supportsTimeSkipping: boolean; address: string; server: { type: 'existing' } }): Promise<TestWorkflowEnvironment>;
}).create.bind(TestWorkflowEnvironment);
const env = await create({ supportsTimeSkipping: true, address: server.address, server: { type: 'existing' } });
try {
  const only = process.argv.slice(2);
  for (const s of SCENARIOS.filter((x) => only.length === 0 || only.includes(x.name))) {
    const { handles, result } = await s.run(env);
    const write = async (name: string, h: (typeof handles)[number]) => {
      const json = historyToJSON(await h.fetchHistory());
      fs.writeFileSync(new URL(`${name}.json`, dir), json.endsWith('\n') ? json : `${json}\n`);
    };
    for (const [i, h] of handles.entries()) {
      const name = i === 0 ? s.name : `${s.name}.child-${i}`;
      // The first run of a continued-as-new case (its history ends with ContinuedAsNew) and the last run.
      const firstRunId = (h as { firstExecutionRunId?: string }).firstExecutionRunId;
      await write(name, env.client.workflow.getHandle(h.workflowId, firstRunId));
      const latest = (await h.describe()).runId;
      if (firstRunId && latest !== firstRunId) await write(`${name}.last-run`, env.client.workflow.getHandle(h.workflowId, latest));
    }
    console.log(`${s.name}: outcome ${result.outcome}, ${handles.length} histories`);
  }
} finally {
  await env.teardown();
  await server.stop();
}
process.exit(0);
