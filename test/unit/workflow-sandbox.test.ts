import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../platform/config.js';
import { WORKFLOWS_PATH } from '../../worker.js';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never;

describe('workflow sandbox guard', () => {
  it('bundles workflows/index.ts with Temporal’s bundler (a Node-side import anywhere below it fails here)', async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
    expect(bundle.code).toContain('processWorkflow');
  });

  it('the bundler rejects a workflow module that imports a Node built-in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-bad-wf-'));
    const entry = path.join(dir, 'index.ts');
    fs.writeFileSync(entry, "import fs from 'fs';\nexport async function bad() { return fs.existsSync('/'); }\n");
    await expect(bundleWorkflowCode({ workflowsPath: entry, logger: quiet })).rejects.toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lint forbids Node-side imports under workflows/ and allows them elsewhere', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const bad =
      "import { Pool } from 'pg';\nimport fs from 'node:fs';\nimport { createDb } from '../db/knex.js';\nexport const x = [Pool, fs, createDb];\n";
    const [inWorkflows] = await eslint.lintText(bad, { filePath: path.join(ROOT, 'workflows/bad.ts') });
    const msgs = inWorkflows!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    expect(msgs).toHaveLength(3);
    const [inActivities] = await eslint.lintText(bad, { filePath: path.join(ROOT, 'activities/ok.ts') });
    expect(inActivities!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toHaveLength(0);
    const typeOnly = "import type { Activities } from '../activities/index.js';\nexport type A = Activities;\n";
    const [typeImport] = await eslint.lintText(typeOnly, { filePath: path.join(ROOT, 'workflows/ok.ts') });
    expect(typeImport!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toHaveLength(0);
  });
});
