import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest, migrateRollbackAll } from '../../db/migrate.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('migrations', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await createTestDb({ migrate: false });
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('run up over an empty database, hold real rows, roll back completely, and run up again', async () => {
    const applied = await migrateLatest(tdb.db);
    expect(applied.length).toBeGreaterThan(0);
    await tdb.db('cases').insert({
      id: 'c1',
      reference: 'KN1-2026-C1',
      workflow_id: 'case-c1',
      case_type: 'complaint_first',
      channel: 'portal',
      agency_id: 'a',
      subject: 's',
      received_at: '2026-07-01T02:30:00Z',
      stage: 'received',
      status: 'open',
    });
    expect(await tdb.db('cases').count('* as n').first()).toMatchObject({ n: 1 });
    expect(await migrateLatest(tdb.db)).toEqual([]); // idempotent
    const rolled = await migrateRollbackAll(tdb.db);
    expect(rolled.sort()).toEqual(applied.sort());
    expect(await tdb.db.schema.hasTable('cases')).toBe(false);
    expect(await migrateLatest(tdb.db)).toEqual(applied);
  });
});
