/**
 * Records the replay fixtures test/histories/*.json: runs every recording of
 * test/support/scenarios.ts (RECORDINGS), each on its own fresh time-skipping server, and writes
 * each workflow's history (the case and its linked cases). Run after a deliberate workflow change
 * for the new scenarios only, keeping old fixtures (they are what replay protects):
 *   npx tsx scripts/record-histories.ts <name> [<name>...]
 * An existing fixture is never overwritten unless `--overwrite` is given.
 * A fresh server per recording: the Java test server leaks a time-skipping lock when a linked case
 * ends after its parent closed, and a later recording's sleeps would then run in real time.
 */
import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { freePort } from '../platform/postgres.js';
import { registerSearchAttributes, startTimeSkippingServer } from '../platform/temporal.js';
// @ts-expect-error plain .mjs script without types
import { ensureTemporal } from './install-temporal.mjs';
import { RECORDINGS } from '../test/support/scenarios.js';

const dir = new URL('../test/histories/', import.meta.url);
fs.mkdirSync(dir, { recursive: true });
const bins = ensureTemporal({ quiet: true }) as { testServer: string };
const create = (
  TestWorkflowEnvironment as unknown as {
    create(o: {
      supportsTimeSkipping: boolean;
      address: string;
      server: { type: 'existing' };
    }): Promise<TestWorkflowEnvironment>;
  }
).create.bind(TestWorkflowEnvironment);
const overwrite = process.argv.includes('--overwrite');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = only.filter((n) => !RECORDINGS.some((r) => r.name === n));
if (unknown.length > 0)
  throw new Error(`no recording named ${unknown.join(', ')} (known: ${RECORDINGS.map((r) => r.name).join(', ')})`);
for (const s of RECORDINGS.filter((x) => only.length === 0 || only.includes(x.name))) {
  const server = await startTimeSkippingServer(bins.testServer, await freePort());
  const env = await create({ supportsTimeSkipping: true, address: server.address, server: { type: 'existing' } });
  try {
    // The interpreter upserts the Kntc* search attributes (ADR 0005): the test server needs them.
    await registerSearchAttributes(env.connection, 'default');
    const { handles, summary } = await s.record(env);
    const write = async (name: string, h: (typeof handles)[number]) => {
      if (!overwrite && fs.existsSync(new URL(`${name}.json`, dir))) {
        console.log(`${name}.json exists: kept (old fixtures are what replay protects; --overwrite to replace)`);
        return;
      }
      const json = historyToJSON(await h.fetchHistory());
      fs.writeFileSync(new URL(`${name}.json`, dir), json.endsWith('\n') ? json : `${json}\n`);
    };
    for (const [i, h] of handles.entries()) {
      const name = i === 0 ? s.name : `${s.name}.child-${i}`;
      // The first run of a continued-as-new case (its history ends with ContinuedAsNew) and the last run.
      const firstRunId = (h as { firstExecutionRunId?: string }).firstExecutionRunId;
      await write(name, env.client.workflow.getHandle(h.workflowId, firstRunId));
      const latest = (await h.describe()).runId;
      if (firstRunId && latest !== firstRunId)
        await write(`${name}.last-run`, env.client.workflow.getHandle(h.workflowId, latest));
    }
    console.log(`${s.name}: ${summary}; ${handles.length} histories`);
  } finally {
    await env.teardown();
    await server.stop();
  }
}
process.exit(0);
