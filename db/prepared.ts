/**
 * Named prepared statements on knex's pool (ADR 0011, follow-up): a hot path's statements (the case
 * start's two, db/case-intake.ts) have a handful of shapes, each parsed and planned once per pooled
 * connection instead of on every request.
 */
import { createHash } from 'node:crypto';
import type { Db } from './knex.js';

const statementNames = new Map<string, string>();
/** The `$n` text of each prepared statement (same bound as the names: one entry per prepared text). */
const statementTexts = new Map<string, { text: string; n: number }>();
const MAX_PREPARED = 200;

/**
 * `db.raw` as a named prepared statement. The name is derived from the text (prefix `<prefix>_`), so one
 * name always means one text. Bounded: each name is a prepared statement on every pooled connection; past
 * the bound, statements run unnamed.
 */
export function prepared<R>(db: Db, sql: string, bindings: readonly unknown[], prefix = 'kntc_start'): Promise<R> {
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= MAX_PREPARED) return direct<R>(db, sql, bindings, undefined);
    name = `${prefix}_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    statementNames.set(sql, name);
  }
  return direct<R>(db, sql, bindings, name);
}

interface PgClient {
  query(q: { name?: string; text: string; values: readonly unknown[] }): Promise<unknown>;
}
interface KnexClient {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(c: PgClient): Promise<unknown>;
}

/**
 * The statement on a connection of knex's pool, without knex's query compilation and runner (≈ 0.2 ms of
 * CPU per statement on this path): `?` placeholders become `$n` as knex's PostgreSQL dialect does, values go
 * to pg unchanged as knex passes them, an undefined value is refused as knex refuses it, and knex's `query`
 * event is emitted so that observers (statement counts in tests and the benchmark) see every statement.
 */
async function direct<R>(db: Db, sql: string, bindings: readonly unknown[], name: string | undefined): Promise<R> {
  // A prepared text was checked and converted when it was first run.
  let converted = name === undefined ? undefined : statementTexts.get(sql);
  if (converted === undefined) {
    if (sql.includes('??') || sql.includes('\\?')) return db.raw(sql, bindings as never[]) as unknown as Promise<R>;
    let n = 0;
    converted = { text: sql.replace(/\?/g, () => `$${++n}`), n };
    if (name !== undefined) statementTexts.set(sql, converted);
  }
  const { text, n } = converted;
  if (n !== bindings.length) throw new Error(`start statement: ${n} placeholders, ${bindings.length} bindings`);
  if (bindings.some((b) => b === undefined)) throw new Error('start statement: undefined binding');
  const client = db.client as unknown as KnexClient;
  // On the client, as knex's runner emits: a transaction's client passes it on to the root instance's observers.
  (db.client as unknown as { emit(e: string, o: unknown): void }).emit('query', {
    method: 'raw',
    sql,
    bindings,
    options: name ? { name } : {},
  });
  const conn = await client.acquireConnection();
  try {
    return (await conn.query(name ? { name, text, values: bindings } : { text, values: bindings })) as R;
  } finally {
    await client.releaseConnection(conn);
  }
}
