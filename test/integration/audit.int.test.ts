import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonical, createAuditStore, entryHash, GENESIS_HASH } from '../../db/audit.js';
import { authHeader } from '../support/auth.js';
import { seedCase, startTestApi, type TestApi } from '../support/api.js';

const actor = { type: 'system', id: 'test', agency: null };

/** A stored row as the entry that is hashed (what an attacker with the table recomputes). */
function rowEntry(row: Record<string, unknown>) {
  return {
    seq: Number(row.seq),
    at: (row.at as Date).toISOString(),
    actor: row.actor as typeof actor,
    action: row.action as string,
    caseId: row.case_id as string | null,
    before: row.before,
    after: row.after,
    legalBasis: row.legal_basis as string | null,
    requestId: row.request_id as string | null,
    prevHash: row.prev_hash as string,
  };
}

describe('audit log: append-only, hash-chained', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  const verify = async () => {
    const r = await fetch(`${api.url}/v1/audit/verify`, { headers: await authHeader({ roles: ['auditor'] }) });
    expect(r.status).toBe(200);
    return (await r.json()) as { ok: boolean; checked: number; firstBrokenSeq: number | null; reason?: string };
  };

  it('hashes canonical JSON: key order does not matter, values do', () => {
    expect(canonical({ b: 1, a: { d: [1, { f: 2, e: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"e":null,"f":2}]},"b":1}',
    );
    const e = {
      seq: 1,
      at: '2026-11-27T00:00:00.000Z',
      actor,
      action: 'x',
      caseId: null,
      before: null,
      after: { a: 1 },
      legalBasis: null,
      requestId: null,
      prevHash: GENESIS_HASH,
    };
    expect(entryHash(e)).toBe(entryHash({ ...e, after: { a: 1 } }));
    expect(entryHash(e)).not.toBe(entryHash({ ...e, after: { a: 2 } }));
    expect(entryHash(e)).not.toBe(entryHash({ ...e, prevHash: 'f'.repeat(64) }));
  });

  it('concurrent appends keep one valid chain with no forks', async () => {
    const store = createAuditStore(api.tdb.db);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.append({ actor, action: 'test.concurrent', after: { i, note: 'Tiếng Việt có dấu' } }),
      ),
    );
    const rows = await api.tdb.db('audit_log').orderBy('seq');
    const prevs = new Set(rows.map((r: { prev_hash: string }) => r.prev_hash));
    expect(prevs.size).toBe(rows.length); // every entry extends a different predecessor
    expect(await verify()).toMatchObject({ ok: true, checked: rows.length, firstBrokenSeq: null });
  });

  it('an append inside a rolled-back transaction leaves no trace and the chain stays valid', async () => {
    const store = createAuditStore(api.tdb.db);
    await api.tdb.db
      .transaction(async (trx) => {
        await store.append({ actor, action: 'test.rolled-back' }, trx);
        await trx.rollback();
      })
      .catch(() => undefined);
    await store.append({ actor, action: 'test.after-rollback' });
    expect(await api.tdb.db('audit_log').where({ action: 'test.rolled-back' }).first()).toBeUndefined();
    expect((await verify()).ok).toBe(true);
  });

  it('UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const db = api.tdb.db;
    await expect(db('audit_log').update({ action: 'rewritten' })).rejects.toThrow(/append-only/);
    await expect(db('audit_log').delete()).rejects.toThrow(/append-only/);
    await expect(db.raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  it('tampering with one row (trigger bypassed by a superuser) is detected at that seq', async () => {
    const db = api.tdb.db;
    const store = createAuditStore(db);
    for (let i = 0; i < 5; i++) await store.append({ actor, action: 'test.tamper', after: { i } });
    const target = await db('audit_log').where({ action: 'test.tamper' }).orderBy('seq').offset(2).first();
    await db.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
    try {
      await db('audit_log')
        .where({ seq: target.seq })
        .update({ after: JSON.stringify({ i: 99 }) });
    } finally {
      await db.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
    }
    const v = await verify();
    expect(v).toMatchObject({ ok: false, firstBrokenSeq: target.seq, reason: 'hash does not match the entry' });

    // Re-hashing the tampered row with plain SHA-256 (the v1 scheme, which needs no key) does not hide it:
    // the row is keyed (v2), and without the HMAC key its hash cannot be recomputed.
    await db.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete');
    try {
      const row = await db('audit_log').where({ seq: target.seq }).first();
      await db('audit_log')
        .where({ seq: target.seq })
        .update({ hash: entryHash(rowEntry(row)) });
    } finally {
      await db.raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete');
    }
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: target.seq,
      reason: 'hash does not match the entry',
    });
  });

  it('the timeline of a case is its audit entries, readable, in order, with a cursor', async () => {
    const caseId = randomUUID();
    await seedCase(api.tdb.db, { id: caseId, agencyId: 'ubnd-xa-a' });
    const store = createAuditStore(api.tdb.db);
    await store.append({ actor, action: 'case.received', caseId });
    await store.append({
      actor,
      action: 'case.stage_changed',
      caseId,
      before: { stage: 'received' },
      after: { stage: 'accepted' },
      legalBasis: 'Luật Khiếu nại 2011 Art 27',
    });
    await store.append({ actor, action: 'other', caseId: randomUUID() });
    const h = await authHeader({ roles: ['officer'], agency: 'ubnd-xa-a' });
    const r = await fetch(`${api.url}/v1/cases/${caseId}/timeline?limit=1`, { headers: h });
    expect(r.status).toBe(200);
    const page1 = (await r.json()) as { items: Array<Record<string, unknown>>; next: string };
    expect(page1.items).toHaveLength(1);
    expect(page1.items[0]).toMatchObject({
      action: 'case.received',
      summary: 'Case received and its workflow started',
    });
    const page2 = (await (await fetch(api.url + page1.next, { headers: h })).json()) as {
      items: Array<Record<string, unknown>>;
    };
    expect(page2.items[0]).toMatchObject({
      action: 'case.stage_changed',
      before: { stage: 'received' },
      after: { stage: 'accepted' },
      legalBasis: 'Luật Khiếu nại 2011 Art 27',
    });
    // Another commune's officer: the case does not exist for them.
    expect(
      (
        await fetch(`${api.url}/v1/cases/${caseId}/timeline`, {
          headers: await authHeader({ roles: ['officer'], agency: 'ubnd-xa-b' }),
        })
      ).status,
    ).toBe(404);
  });
});
