/**
 * Replays every committed history (test/histories/*.json, recorded by scripts/record-histories.ts)
 * against the current workflow code: a determinism break fails CI. Keep old fixtures.
 */
import fs from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/temporal.js';

const dir = new URL('../histories/', import.meta.url);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('replay of committed histories', () => {
  it('has fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it('replays every history without a determinism error', async () => {
    const histories = files.map((f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8'))) }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), replayName: 'fixtures' }, histories)) {
      replayed += 1;
      if (r.error) failures.push(`${r.workflowId}: ${r.error instanceof Error ? r.error.message : String(r.error)}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
