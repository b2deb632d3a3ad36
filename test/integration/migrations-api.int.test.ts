import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyStore } from '../../db/api-keys.js';
import { createAuditStore } from '../../db/audit.js';
import { createCasePinStore } from '../../db/case-pins.js';
import { migrateLatest, migrateRollbackAll } from '../../db/migrate.js';
import { createPartyStore } from '../../db/parties.js';
import { testPii } from '../support/auth.js';
import { createTestDb, type TestDb } from '../support/db.js';

describe('API platform migrations (agencies, api_keys, audit_log, parties, case_pins)', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await createTestDb({ migrate: false });
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('seed the demo province, hold real rows, roll back completely (audit triggers included) and run up again', async () => {
    const db = tdb.db;
    await migrateLatest(db);
    expect((await db('agencies').orderBy('id')).map((a: { id: string }) => a.id)).toEqual([
      'so-tnmt',
      'thanh-tra-tinh',
      'tinh-demo',
      'ubnd-xa-a',
      'ubnd-xa-b',
    ]);
    await createApiKeyStore(db).create({ name: 'k', agencyId: 'so-tnmt', roles: ['intake'], createdBy: 't' });
    await createAuditStore(db).append({ actor: { type: 'system', id: 't', agency: null }, action: 'x' });
    await createPartyStore(db, testPii()).addAll('c1', [{ role: 'denouncer', identity: { name: 'A' } }]);
    await createCasePinStore(db).put('TC-2026-0000000001', 'c1', '12345678');
    await expect(db('agencies').insert({ id: 'bad', name: 'x', level: 'village' })).rejects.toThrow(
      /agencies_level_check/,
    );
    await expect(db('parties').where({ case_id: 'c1' }).update({ role: 'witness' })).rejects.toThrow(
      /parties_role_check/,
    );

    await migrateRollbackAll(db);
    for (const t of ['agencies', 'api_keys', 'audit_log', 'parties', 'case_pins'])
      expect(await db.schema.hasTable(t), t).toBe(false);
    const { rows } = await db.raw<{ rows: unknown[] }>(
      `SELECT 1 FROM pg_proc WHERE proname = 'audit_log_forbid_change'`,
    );
    expect(rows).toHaveLength(0);

    await migrateLatest(db);
    expect(await db('agencies').count<Array<{ n: number }>>('* as n')).toEqual([{ n: 5 }]);
    await expect(db.raw('DELETE FROM audit_log')).resolves.toBeDefined(); // empty table: no row trigger fires
    await createAuditStore(db).append({ actor: { type: 'system', id: 't', agency: null }, action: 'y' });
    await expect(db('audit_log').delete()).rejects.toThrow(/append-only/);
  });
});
