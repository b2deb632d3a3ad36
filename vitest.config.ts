import { defineConfig } from 'vitest/config';

/**
 * Three layers, one run:
 *  - unit:        pure code (`*.test.ts` next to it or under test/unit)
 *  - workflow:    Temporal workflows on the time-skipping test server (`*.wf.test.ts`)
 *  - integration: dev server + PostgreSQL + HTTP API (`*.int.test.ts`)
 * Servers start once per run in test/support/global-setup.ts.
 */
export default defineConfig({
  test: {
    pool: 'forks', // threads segfault with Temporal's native core-bridge (sdk-typescript#876)
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-file.ts'],
    maxWorkers: 2, // = MAX_WORKERS in global-setup.ts (each workflow test file starts its own time-skipping server)
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // `expect.poll` waits for something another process does (a worker, a browser): 1 s (vitest's default) is too short
    // on a loaded CI machine (stop 22's browser test polled the inbox with it).
    expect: { poll: { timeout: 20_000 } },
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.tools/**', '.data/**'],
    reporters: ['default'],
  },
});
