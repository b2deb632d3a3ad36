#!/usr/bin/env node
// Installs whatever a fresh clone is missing, before `npm start` / `npm test`:
//   1. npm dependencies (npm ci from the lock file when node_modules is missing or stale);
//   2. the Temporal binaries (scripts/install-temporal.mjs) — always needed by the test suite,
//      and by `npm start` unless TEMPORAL_ADDRESS points at an existing cluster.
// Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTemporal } from './install-temporal.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lock = path.join(ROOT, 'package-lock.json');
const installedLock = path.join(ROOT, 'node_modules', '.package-lock.json');

function needsInstall() {
  if (!fs.existsSync(installedLock)) return true;
  // npm writes node_modules/.package-lock.json on every install; an older one means the lock moved on.
  return fs.statSync(lock).mtimeMs > fs.statSync(installedLock).mtimeMs + 1000;
}

if (needsInstall()) {
  console.log('[deps] installing npm dependencies (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const lifecycle = process.env.npm_lifecycle_event ?? '';

// The test suite renders exported BPMN in bpmn-js inside Debian's Chromium (a real BPMN viewer).
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (lifecycle === 'pretest' && !fs.existsSync(chromiumPath)) {
  const root = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (root && hasApt) {
    console.log('[deps] installing Debian chromium (apt-get) for the BPMN viewer test…');
    const r = spawnSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null'],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
  } else {
    console.error(
      `[deps] Chromium is needed at ${chromiumPath} for the BPMN viewer test: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
    process.exit(1);
  }
}
const wantTemporal = lifecycle !== 'prestart' || !process.env.TEMPORAL_ADDRESS;
if (wantTemporal) {
  try {
    ensureTemporal();
  } catch (e) {
    console.error(`[tools] ${e.message}`);
    process.exit(1);
  }
}
