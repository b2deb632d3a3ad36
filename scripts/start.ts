// `npm start`: the whole system on embedded defaults (see README). Ctrl-C stops everything cleanly.
import { loadConfigOrExit } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { startSystem } from './system.js';

const started = Date.now();
const cfg = loadConfigOrExit();
const logger = createLogger(cfg.logLevel);

let system: Awaited<ReturnType<typeof startSystem>>;
try {
  system = await startSystem(cfg, logger);
} catch (e) {
  console.error(`\nkntc-flow could not start: ${(e as Error).message}\n`);
  process.exit(1);
}

const line = (k: string, v: string) => console.log(`  ${k.padEnd(18)} ${v}`);
console.log(`\nkntc-flow is running (started in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
line('Console', `${system.consoleUrl}   (sign in with the admin token below)`);
line('API', system.apiUrl);
line('Health', `${system.apiUrl}/healthz   ${system.apiUrl}/readyz`);
line('Temporal', `${system.temporalAddress} (namespace ${cfg.temporal.namespace})`);
if (system.temporalUiUrl) line('Temporal Web UI', system.temporalUiUrl);
line('PostgreSQL', `${system.databaseUrl}${system.embeddedPostgres ? ' (embedded)' : ''}`);
line('Data folder', cfg.dataDir);
line('API docs', `${system.apiUrl}/docs/`);
if (system.mailCatcherUrl)
  line('Mail catcher', `${system.mailCatcherUrl}   (every email sent goes here: SMTP ${system.smtpUrl})`);
if (system.adminToken)
  line(
    'Admin token',
    `${system.adminToken}\n${' '.repeat(21)}(local use: Authorization: Bearer <token>; valid JWT_MAX_LIFETIME, 24 h by default, a new one each start; agency tinh-demo)`,
  );
console.log('\nPress Ctrl-C to stop.\n');

// Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP) stop everything in order: API, worker, Temporal,
// PostgreSQL; "stopped." is the last line. The servers run in their own sessions, so a terminal's Ctrl-C reaches
// only us. npm forwards the signal it got too: a repeat within 2 s is the same Ctrl-C; a later one forces the exit
// (the child guard then stops what is left, ADR 0015).
let stopping = 0;
const shutdown = async (signal: string) => {
  if (stopping) {
    if (Date.now() - stopping < 2000) return;
    console.log(`${signal} again: exiting without waiting for the ordered stop.`);
    process.exit(130);
  }
  stopping = Date.now();
  console.log(`\n${signal}: stopping kntc-flow…`);
  await system.stop();
  console.log('stopped.');
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
