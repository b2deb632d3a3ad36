/**
 * Issue 11 item 8: the audit chain's tail is protected (ADR 0014). Tampering is done the way an attacker
 * with the database would: as the superuser that owns the tables, triggers disabled. The application
 * itself runs as `kntc_app`, which cannot do any of it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureAuditKeys, createAuditKeyring } from '../../db/audit-keys.js';
import { createAuditStore, entryHash, GENESIS_HASH, sealAuditChain } from '../../db/audit.js';
import type { Db } from '../../db/knex.js';
import { grantAppRole, roleWarnings } from '../../platform/db-roles.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { createTestDb, type TestDb } from '../support/db.js';

const actor = { type: 'system', id: 'test', agency: null };
const TEST_KEYS = process.env.AUDIT_HMAC_KEYS!;

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

/** Runs `fn` as the superuser with the audit log's row trigger disabled (the attack). */
async function asAttacker(db: Db, fn: () => Promise<unknown>): Promise<void> {
  await db.raw('ALTER TABLE audit_log DISABLE TRIGGER ALL');
  try {
    await fn();
  } finally {
    await db.raw('ALTER TABLE audit_log ENABLE TRIGGER ALL');
  }
}

describe('audit chain tail: verify against the head, keyed hashes, an application role that cannot disable triggers', () => {
  let api: TestApi;
  const dbs: TestDb[] = [];
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterEach(() => configureAuditKeys(TEST_KEYS));
  afterAll(async () => {
    for (const t of dbs) await t.drop();
    await api?.close();
  });
  const fresh = async () => {
    const t = await createTestDb();
    dbs.push(t);
    return t;
  };
  const verifyOverHttp = async () => {
    const r = await fetch(`${api.url}/v1/audit/verify`, { headers: await authHeader({ roles: ['auditor'] }) });
    expect(r.status).toBe(200);
    return (await r.json()) as {
      ok: boolean;
      checked: number;
      firstBrokenSeq: number | null;
      reason?: string;
      head?: { seq: number };
    };
  };

  it('deleting the last entry (triggers disabled) is reported: the log ends before its head', async () => {
    const db = api.tdb.db;
    const store = createAuditStore(api.tdb.appDb);
    for (let i = 0; i < 4; i++) await store.append({ actor, action: 'test.tail', after: { i } });
    expect(await verifyOverHttp()).toMatchObject({ ok: true, firstBrokenSeq: null });
    const last = await db('audit_log').orderBy('seq', 'desc').first();
    await asAttacker(db, () => db('audit_log').where({ seq: last.seq }).delete());
    const v = await verifyOverHttp();
    expect(v).toMatchObject({ ok: false, firstBrokenSeq: Number(last.seq), head: { seq: Number(last.seq) } });
    expect(v.reason).toMatch(/ends at seq \d+ but the chain head says \d+: entries were removed/);
  });

  it('rewriting the last entry with a recomputed plain SHA-256 hash is detected (as v2, downgraded to v1, head moved along)', async () => {
    const { db, appDb } = await fresh();
    const store = createAuditStore(appDb);
    for (let i = 0; i < 3; i++) await store.append({ actor, action: 'test.rewrite', after: { amount: i } });
    expect(await store.verify()).toMatchObject({ ok: true, checked: 3, schemes: { sha256: 0, hmac: 3 } });
    const last = await db('audit_log').orderBy('seq', 'desc').first();
    const forged = { ...rowEntry(last), after: { amount: 1000 } };
    const plain = entryHash(forged);
    // 1. Content and hash rewritten, still labelled keyed; the head updated to match, as a careful attacker would.
    await asAttacker(db, async () => {
      await db('audit_log')
        .where({ seq: last.seq })
        .update({ after: JSON.stringify(forged.after), hash: plain });
      await db('audit_chain_head').where({ id: 1 }).update({ hash: plain });
    });
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: Number(last.seq),
      reason: 'hash does not match the entry',
    });
    // 2. Downgraded to the v1 scheme (no key id), which needs no key: a v1 entry after v2 ones is refused.
    await asAttacker(db, () => db('audit_log').where({ seq: last.seq }).update({ hash_kid: null }));
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: Number(last.seq),
      reason: 'an unkeyed (SHA-256) entry follows keyed (HMAC) entries',
    });
  });

  it('rewriting the whole chain as v1 entries does not verify: the end of the chain must be keyed', async () => {
    const { db, appDb } = await fresh();
    const store = createAuditStore(appDb);
    for (let i = 0; i < 3; i++) await store.append({ actor, action: 'test.downgrade', after: { i } });
    await asAttacker(db, async () => {
      let prev = GENESIS_HASH;
      for (const row of await db('audit_log').orderBy('seq')) {
        const hash = entryHash({ ...rowEntry(row), prevHash: prev });
        await db('audit_log')
          .where({ seq: row.seq })
          .update({ prev_hash: prev, hash: `tmp-${row.seq}` });
        await db('audit_log').where({ seq: row.seq }).update({ hash, hash_kid: null });
        prev = hash;
      }
      await db('audit_chain_head').where({ id: 1 }).update({ hash: prev });
    });
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: 3,
      reason: 'the last entry is not keyed (HMAC): the end of the chain cannot be authenticated',
    });
  });

  it('entries written before the keyed scheme (v1, plain SHA-256) still verify once the chain is sealed; tampering with them is still caught', async () => {
    const { db, appDb } = await fresh();
    // A chain as the code before ADR 0014 wrote it.
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const e = {
        seq,
        at: new Date(Date.UTC(2026, 10, seq)).toISOString(),
        actor,
        action: 'legacy',
        caseId: null,
        before: null,
        after: { seq },
        legalBasis: null,
        requestId: null,
        prevHash: prev,
      };
      const hash = entryHash(e);
      await db('audit_log').insert({
        seq,
        at: e.at,
        actor: JSON.stringify(actor),
        action: e.action,
        after: JSON.stringify(e.after),
        prev_hash: prev,
        hash,
      });
      await db('audit_chain_head').where({ id: 1 }).update({ seq, prev_hash: prev, hash });
      prev = hash;
    }
    const store = createAuditStore(appDb);
    expect(await store.verify()).toMatchObject({
      ok: false,
      reason: 'the last entry is not keyed (HMAC): the end of the chain cannot be authenticated',
    });
    const seal = await sealAuditChain(appDb);
    expect(seal).toMatchObject({
      seq: 4,
      action: 'audit.chain_keyed',
      prevHash: prev,
      hashKid: 'test-audit',
      after: { unkeyedUpToSeq: 3 },
    });
    expect(await sealAuditChain(appDb)).toBeUndefined(); // once
    await store.append({ actor, action: 'after-seal' });
    expect(await store.verify()).toMatchObject({ ok: true, checked: 5, lastSeq: 5, schemes: { sha256: 3, hmac: 2 } });
    await asAttacker(db, () =>
      db('audit_log')
        .where({ seq: 2 })
        .update({ after: JSON.stringify({ seq: 20 }) }),
    );
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: 2,
      reason: 'hash does not match the entry',
    });
  });

  it('keys rotate: new entries take the first key, old ones verify while their key is listed; a missing key is named', async () => {
    const { appDb } = await fresh();
    const store = createAuditStore(appDb);
    await store.append({ actor, action: 'under-old-key' });
    const next = `rotated:${randomBytes(32).toString('base64')}`;
    configureAuditKeys(`${next},${TEST_KEYS}`);
    const e = await store.append({ actor, action: 'under-new-key' });
    expect(e.hashKid).toBe('rotated');
    expect(await store.verify()).toMatchObject({ ok: true, checked: 2, schemes: { hmac: 2 } });
    configureAuditKeys(next);
    expect(await store.verify()).toMatchObject({
      ok: false,
      firstBrokenSeq: 1,
      reason: 'the entry is keyed with "test-audit", which is not configured (AUDIT_HMAC_KEYS): it cannot be verified',
    });
    // The same entries under a wrong key of the same id: every hash fails.
    expect(
      await store.verify(
        1000,
        createAuditKeyring(
          `test-audit:${randomBytes(32).toString('base64')},rotated:${randomBytes(32).toString('base64')}`,
        ),
      ),
    ).toMatchObject({ ok: false, firstBrokenSeq: 1, reason: 'hash does not match the entry' });
  });

  it('the application role cannot disable the triggers, rewrite, delete, truncate, or move the chain head outside an append', async () => {
    const app = api.tdb.appDb;
    const { rows } = await app.raw<{ rows: Array<{ usr: string; sup: boolean }> }>(
      'SELECT current_user AS usr, rolsuper AS sup FROM pg_roles WHERE rolname = current_user',
    );
    expect(rows[0]).toEqual({ usr: 'kntc_app', sup: false });
    expect(await roleWarnings(app)).toEqual([]);
    expect(await roleWarnings(api.tdb.db)).toEqual([expect.stringContaining('a superuser')]);
    await createAuditStore(app).append({ actor, action: 'test.app-role' });
    await expect(app.raw('ALTER TABLE audit_log DISABLE TRIGGER ALL')).rejects.toThrow(
      /must be owner of table audit_log/,
    );
    await expect(app.raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete')).rejects.toThrow(
      /must be owner of table audit_log/,
    );
    await expect(app.raw('ALTER TABLE audit_chain_head DISABLE TRIGGER ALL')).rejects.toThrow(
      /must be owner of table audit_chain_head/,
    );
    await expect(app('audit_log').update({ action: 'rewritten' })).rejects.toThrow(
      /permission denied for table audit_log/,
    );
    await expect(app('audit_log').delete()).rejects.toThrow(/permission denied for table audit_log/);
    await expect(app.raw('TRUNCATE audit_log')).rejects.toThrow(/permission denied for table audit_log/);
    await expect(app('audit_chain_head').delete()).rejects.toThrow(/permission denied for table audit_chain_head/);
    await expect(app.raw('DROP TABLE audit_log')).rejects.toThrow(/must be owner of table audit_log/);
    await expect(app.raw('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
    await expect(app.raw('CREATE ROLE kntc_escalate SUPERUSER')).rejects.toThrow(/permission denied/);
    // Its everyday work is unaffected: the read model and the migrations' bookkeeping.
    await expect(app('cases').count('* as n')).resolves.toBeDefined();
    await expect(app('knex_migrations').select()).rejects.toThrow(/permission denied/);
  });
});

describe('signed checkpoints: exported, verified outside with the published key, and the evidence that survives a rollback', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  const h = () => authHeader({ roles: ['auditor'], agency: 'ubnd-xa-b' });
  const verify = async (checkpoint?: string) => {
    const r = await fetch(`${api.url}/v1/audit/verify${checkpoint ? `?checkpoint=${checkpoint}` : ''}`, {
      headers: await h(),
    });
    expect(r.status).toBe(200);
    return (await r.json()) as {
      ok: boolean;
      firstBrokenSeq: number | null;
      reason?: string;
      checkpoint?: { seq: number; source: string };
    };
  };
  const postCheckpoint = async () => {
    const r = await fetch(`${api.url}/v1/audit/checkpoints`, { method: 'POST', headers: await h() });
    return { status: r.status, body: (await r.json()) as { seq: number; hash: string; jws: string; kid: string } };
  };

  it('a checkpoint signs the verified end of the chain; anyone verifies it with the published Ed25519 key (JOSE)', async () => {
    const store = createAuditStore(api.tdb.appDb);
    for (let i = 0; i < 3; i++) await store.append({ actor, action: 'test.cp', after: { i } });
    const made = await postCheckpoint();
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ seq: 3, kid: 'test-sign' });
    expect(await postCheckpoint()).toMatchObject({ status: 200, body: { seq: 3, jws: made.body.jws } }); // nothing moved
    const list = await fetch(`${api.url}/v1/audit/checkpoints`, { headers: await h() });
    expect(list.status).toBe(200);
    const { publicKeys, items } = (await list.json()) as {
      publicKeys: Array<{ kid: string; jwk: JWK }>;
      items: Array<{ seq: number; jws: string }>;
    };
    expect(items.map((c) => c.seq)).toEqual([3]);
    expect(JSON.stringify(publicKeys)).not.toMatch(/"d":/); // public halves only
    // Outside the system: plain jose and the published JWK.
    const key = await importJWK(publicKeys.find((k) => k.kid === 'test-sign')!.jwk, 'EdDSA');
    const { payload, protectedHeader } = await compactVerify(items[0]!.jws, key);
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: 'test-sign', typ: 'kntc-audit-checkpoint+jws' });
    const last = await api.tdb.db('audit_log').where({ seq: 3 }).first();
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ v: 1, seq: 3, hash: last.hash });
    expect(await verify()).toMatchObject({ ok: true, checkpoint: { seq: 3, source: 'stored' } });
    // The application role cannot remove its own evidence.
    await expect(api.tdb.appDb('audit_checkpoints').delete()).rejects.toThrow(/permission denied/);
    await expect(api.tdb.appDb('audit_checkpoints').update({ seq: 0 })).rejects.toThrow(/permission denied/);
  });

  it('a consistent rollback (last entry deleted, head rewound) is caught by the stored checkpoint, and by the exported one when the stored ones are gone too', async () => {
    const db = api.tdb.db;
    const store = createAuditStore(api.tdb.appDb);
    await store.append({ actor, action: 'test.cp', after: { i: 3 } });
    const exported = (await postCheckpoint()).body;
    expect(exported.seq).toBe(4);
    // The attacker removes entry 4 and rewinds the head to entry 3: chain and head agree again.
    const prev = await db('audit_log').where({ seq: 3 }).first();
    await asAttacker(db, async () => {
      await db('audit_log').where({ seq: 4 }).delete();
      await db('audit_chain_head').where({ id: 1 }).update({ seq: 3, prev_hash: prev.prev_hash, hash: prev.hash });
    });
    expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: 4, checkpoint: { seq: 4, source: 'stored' } });
    expect((await verify()).reason).toMatch(/ends at seq 3, before the stored checkpoint of seq 4/);
    expect((await postCheckpoint()).status).toBe(409); // nothing signed over a broken chain
    // ... and removes the stored checkpoints as well: the database alone now looks consistent.
    await db.raw('ALTER TABLE audit_checkpoints DISABLE TRIGGER ALL');
    try {
      await db('audit_checkpoints').where('seq', '>=', 4).delete();
    } finally {
      await db.raw('ALTER TABLE audit_checkpoints ENABLE TRIGGER ALL');
    }
    expect(await verify()).toMatchObject({ ok: true, checkpoint: { seq: 3, source: 'stored' } });
    // The checkpoint the auditor kept outside the database still tells.
    const v = await verify(exported.jws);
    expect(v).toMatchObject({ ok: false, firstBrokenSeq: 4, checkpoint: { seq: 4, source: 'presented' } });
    expect(v.reason).toMatch(/ends at seq 3, before the presented checkpoint of seq 4/);
  });

  it('a presented checkpoint that is not ours is a 400 naming the parameter', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ v: 1, seq: 1, hash: '0'.repeat(64), at: new Date().toISOString() })),
    )
      .setProtectedHeader({ alg: 'EdDSA', kid: 'test-sign', typ: 'kntc-audit-checkpoint+jws' })
      .sign(privateKey);
    for (const cp of [forged, 'a.b.c', 'not-a-jws', `${forged.slice(0, -4)}AAAA`]) {
      const r = await fetch(`${api.url}/v1/audit/verify?checkpoint=${encodeURIComponent(cp)}`, { headers: await h() });
      expect(r.status, cp).toBe(400);
      expect(await r.text()).toContain('query.checkpoint');
    }
  });
});

describe('granting the application role', () => {
  it('refuses to treat the owner of the tables as the application role (it would revoke its own audit privileges)', async () => {
    const t = await createTestDb();
    try {
      const { rows } = await t.db.raw<{ rows: Array<{ usr: string }> }>('SELECT current_user AS usr');
      await expect(grantAppRole(t.db, rows[0]!.usr)).rejects.toThrow(/DATABASE_APP_URL must name another role/);
      await expect(createAuditStore(t.db).append({ actor, action: 'owner.still-appends' })).resolves.toMatchObject({
        seq: 1,
      });
    } finally {
      await t.drop();
    }
  });
});
