import knex, { type Knex } from 'knex';
import pg from 'pg';

// Return DATE columns as 'YYYY-MM-DD' strings (statutory dates are calendar dates, not instants).
pg.types.setTypeParser(1082, (v) => v);
// BIGINT counters as numbers (they stay far below 2^53).
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = Knex;

/** Creates a knex instance on PostgreSQL. */
export function createDb(url: string, pool: { min?: number; max?: number } = {}): Db {
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
  });
}
