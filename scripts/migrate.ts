// `npm run migrate`: brings the configured database's schema up to date (DATABASE_URL, else the embedded one)
// and grants the application role its rights, exactly as `npm start` does before starting anything else.
import { loadConfigOrExit } from '../platform/config.js';
import { migrateConfiguredDatabase } from '../platform/database.js';

const cfg = loadConfigOrExit();
try {
  const r = await migrateConfiguredDatabase(cfg);
  const where = r.embedded
    ? `the embedded database (${cfg.dataDir})`
    : new URL(r.databaseUrl).host + new URL(r.databaseUrl).pathname;
  console.log(
    r.applied.length === 0 ? `${where}: migrations up to date` : `${where}: applied ${r.applied.length} migration(s)`,
  );
  for (const name of r.applied) console.log(`  ${name}`);
} catch (e) {
  console.error(`migration failed: ${(e as Error).message}`);
  process.exit(1);
}
