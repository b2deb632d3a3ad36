import type { Knex } from 'knex';
import * as m20261127000000 from './20261127000000_create_cases.js';

/**
 * Every migration, in order. A static list (instead of knex scanning a folder) so migrations load the
 * same way under tsx, vitest and a bundled build. Never edit a landed migration: add a new one.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261127000000_create_cases': m20261127000000,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const m = migrations[name];
    if (!m) throw new Error(`unknown migration ${name}`);
    return m;
  },
};
