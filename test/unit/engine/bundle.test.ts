import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';

const engineEntry = fileURLToPath(new URL('../../../workflows/engine/index.ts', import.meta.url));
const nodeModules = fileURLToPath(new URL('../../../node_modules', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kntc-engine-bundle-'));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('workflows/engine in the Temporal workflow sandbox', () => {
  it('bundles with bundleWorkflowCode (no Node-side imports, feelin included)', async () => {
    const entry = path.join(dir, 'engine-probe.ts');
    fs.writeFileSync(
      entry,
      [
        `import { validateDefinition, evaluateCondition, hashDefinition, selectDefinition } from ${JSON.stringify(engineEntry)};`,
        'export async function engineProbe(input: unknown): Promise<unknown> {',
        '  const result = validateDefinition(input);',
        '  if (!result.ok) return result.errors;',
        '  return [hashDefinition(result.definition), evaluateCondition("x > 1", { x: 2 }), selectDefinition([result.definition], { caseType: "petition", receivedOn: "2026-07-01" })];',
        '}',
        '',
      ].join('\n'),
    );
    const errors: string[] = [];
    const quiet = () => undefined;
    const { code } = await bundleWorkflowCode({
      workflowsPath: entry,
      logger: {
        log: quiet,
        info: quiet,
        warn: quiet,
        debug: quiet,
        trace: quiet,
        error: (message: string) => {
          errors.push(message);
        },
      },
      // The probe lives in the OS temp dir: let it resolve @temporalio/workflow from the repo.
      webpackConfigHook: (config) => ({
        ...config,
        resolve: { ...config.resolve, modules: [nodeModules, 'node_modules'] },
      }),
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${errors.join('\n')}`);
    });
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).toContain('engineProbe');
    expect(code).toContain('sha256');
  });
});
