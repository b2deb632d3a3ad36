/**
 * Builds the web console (console/, Vite) into console/dist when it is missing or its sources changed (a sha256
 * of the sources is kept in console/dist/.source-hash). Run by `npm start` and once per test run (global setup).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './config.js';

export const CONSOLE_SRC = path.join(ROOT, 'console');
export const CONSOLE_DIST = path.join(CONSOLE_SRC, 'dist');
const HASH_FILE = '.source-hash';

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** sha256 of everything the bundle is built from: the console sources, the typed client, the lockfile. */
export function consoleSourceHash(): string {
  const h = createHash('sha256');
  h.update('mode:production\0');
  const inputs = [
    ...files(path.join(CONSOLE_SRC, 'src')),
    path.join(CONSOLE_SRC, 'index.html'),
    path.join(CONSOLE_SRC, 'vite.config.ts'),
    ...files(path.join(ROOT, 'clients', 'typescript')),
    path.join(ROOT, 'package-lock.json'),
  ];
  for (const f of inputs) {
    h.update(path.relative(ROOT, f));
    h.update('\0');
    h.update(fs.existsSync(f) ? fs.readFileSync(f) : '');
    h.update('\0');
  }
  return h.digest('hex');
}

/** True when console/dist holds a build of the current sources. */
export function consoleIsFresh(hash = consoleSourceHash()): boolean {
  try {
    return (
      fs.readFileSync(path.join(CONSOLE_DIST, HASH_FILE), 'utf8').trim() === hash &&
      fs.existsSync(path.join(CONSOLE_DIST, 'index.html'))
    );
  } catch {
    return false;
  }
}

/**
 * Builds the console unless the build in console/dist is of the current sources; returns the folder to serve.
 * `log` receives one line when a build runs.
 */
export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<string> {
  const hash = consoleSourceHash();
  if (consoleIsFresh(hash)) return CONSOLE_DIST;
  const started = Date.now();
  log('building the web console (console/ → console/dist)…');
  const { build } = await import('vite');
  // A production bundle whoever builds it: Vite takes NODE_ENV from the environment when set, and the test runner
  // sets `test` — which bundled React's development build and JSX dev runtime (≈ 3× slower to render, ADR 0033
  // amendment 2). Restored after the build; nothing else runs in this process meanwhile.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(CONSOLE_SRC, 'vite.config.ts'),
      root: CONSOLE_SRC,
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  fs.writeFileSync(path.join(CONSOLE_DIST, HASH_FILE), `${hash}\n`);
  log(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return CONSOLE_DIST;
}
