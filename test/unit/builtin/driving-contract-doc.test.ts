/**
 * docs/reference/driving-contract.md is what the current built-in definitions generate: regenerated in
 * memory by the same function `npm run docs:generate` runs; a definition changed without regenerating
 * the reference fails here (and so in CI).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DRIVING_CONTRACT_FILE, renderDrivingContract } from '../../../scripts/generate-contract.js';

describe('the driving-contract reference', () => {
  it('docs/reference/driving-contract.md is what the built-in definitions generate', () => {
    const fresh = renderDrivingContract();
    // A CRLF checkout is not drift.
    const committed = fs.existsSync(DRIVING_CONTRACT_FILE)
      ? fs.readFileSync(DRIVING_CONTRACT_FILE, 'utf8').replace(/\r\n/g, '\n')
      : '';
    if (committed !== fresh) {
      const a = committed.split('\n');
      const b = fresh.split('\n');
      const i = b.findIndex((line, n) => a[n] !== line);
      const at = i < 0 ? a.length : i;
      expect.fail(
        `docs/reference/driving-contract.md is stale: run \`npm run docs:generate\` and commit it (first difference at line ${at + 1}: ` +
          `committed ${JSON.stringify((a[at] ?? '<end>').slice(0, 200))}, generated ${JSON.stringify((b[at] ?? '<end>').slice(0, 200))})`,
      );
    }
    expect(committed).toBe(fresh);
  });

  it('names every built-in definition, task and clock rule', () => {
    const text = renderDrivingContract();
    for (const key of ['letter-handling', 'complaint-first', 'complaint-second', 'denunciation', 'petition'])
      expect(text).toContain(`## ${key} v1`);
    expect(text).toContain('| `decide` | ');
    expect(text).toMatch(/\| K17_K3 \| 30 calendar_days .* \| K3 \| `stay\.lift` \|/);
    expect(text).toContain('`acceptanceDecision`* enum: accept');
  });
});
