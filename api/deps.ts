import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../db/knex.js';

/** Everything the HTTP app needs, injected by the caller (start script, tests, benchmarks). */
export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  /** Max request body size (express.json limit). */
  bodyLimit?: string;
}
