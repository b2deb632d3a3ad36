/**
 * PostgreSQL errors quote the input they refuse (issue 11.10: "database errors in the log quote about 50
 * characters of the JSON around a bad character"). Real errors from the real server: logged through our logger,
 * serialized from Temporal log metadata, and thrown out of an activity, they carry no input text any more.
 */
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeLogMeta, scrubDatabaseErrorsInActivities } from '../../platform/db-errors.js';
import { createLogger } from '../../platform/logger.js';
import { createTestDb, type TestDb } from '../support/db.js';

const SECRET = 'Nguyen-Van-To-Cao-0912345678';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb({ migrate: false });
  await tdb.db.raw('create table t (j jsonb, d date)');
});
afterAll(async () => {
  await tdb?.drop();
});

/** The errors PostgreSQL gives for a NUL in JSON text (quotes it in `where`) and for a bad date (in its message). */
async function realErrors(): Promise<Error[]> {
  const errors: Error[] = [];
  for (const row of [{ j: JSON.stringify({ competentBodyRef: `${SECRET}\u0000b` }) }, { d: `${SECRET}-2026` }]) {
    await tdb
      .db('t')
      .insert(row)
      .then(
        () => errors.push(new Error('no error')),
        (e: Error) => errors.push(e),
      );
  }
  return errors;
}

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  return {
    lines,
    stream: new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  };
}

describe('database errors carry no input', () => {
  it('PostgreSQL really quotes the input (the premise)', async () => {
    const [json, date] = await realErrors();
    expect(JSON.stringify(json) + json!.message).toContain(SECRET); // `where`: JSON data, line 1: {"competentBodyRef":"Nguyen…
    expect(date!.message).toContain(SECRET); // invalid input syntax for type date: "Nguyen…"
  });

  it('our logger writes them without it, keeping SQLSTATE and stack', async () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', 'test', stream);
    for (const e of await realErrors()) {
      logger.error({ err: e }, 'insert failed');
      logger.warn({ error: e }, 'insert failed');
      logger.warn({ temporal: safeLogMeta({ error: e, durationMs: 3 }) }, 'Activity failed');
      logger.error({ err: new Error('projection failed', { cause: e }) }, 'wrapped');
    }
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('competentBodyRef');
    }
    const first = JSON.parse(lines[0]!) as { err: { type: string; code: string; message: string; stack: string } };
    expect(first.err).toMatchObject({ type: 'DatabaseError', code: '22P05' });
    expect(first.err.message).toBe('unsupported Unicode escape sequence (SQLSTATE 22P05)');
    expect(first.err.stack).toMatch(/\n\s+at /);
    expect((JSON.parse(lines[4]!) as { err: { code: string } }).err.code).toBe('22007');
  });

  it('an activity failing on one fails without it (the SDK log line and the history see the scrubbed error)', async () => {
    const logged: string[] = [];
    const record = (level: string) => (message: string, meta?: Record<string, unknown>) => {
      logged.push(`${level} ${message} ${JSON.stringify(meta)} ${String((meta?.error as Error | undefined)?.stack)}`);
    };
    const logger = {
      log: (level: string, m: string, meta?: Record<string, unknown>) => record(level)(m, meta),
      trace: record('trace'),
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const env = new MockActivityEnvironment({}, { interceptors: [scrubDatabaseErrorsInActivities], logger });
    const failure = await env
      .run(async () => {
        await tdb.db('t').insert({ d: `${SECRET}-2026` });
      })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toBe('invalid input syntax for type date: "…" (SQLSTATE 22007)');
    expect(`${failure!.stack} ${JSON.stringify(failure)}`).not.toContain(SECRET);
    expect(logged.filter((l) => l.includes('Activity failed') && l.includes('SQLSTATE 22007'))).toHaveLength(1); // the SDK's own line
    expect(logged.join('\n')).not.toContain(SECRET);
    // Other errors pass through unchanged.
    const plain = await env
      .run(async () => {
        throw new TypeError('plain');
      })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(plain).toBeInstanceOf(TypeError);
  });
});
