import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createAgencyScope } from '../../api/auth/agencies.js';
import { createAuditStore } from '../../db/audit.js';
import { registerBuiltinDefinitions } from '../../db/builtin-definitions.js';
import { createLogger } from '../../platform/logger.js';
import { authHeader, testAuth, testPii } from '../support/auth.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { devServer, uniqueQueue } from '../support/temporal.js';

const logger = createLogger('silent');

function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` });
    });
  });
}

const body = {
  type: 'denunciation',
  channel: 'portal',
  receivedAt: '2026-07-01T09:30:00+07:00',
  agencyId: 'so-tnmt',
  subject: 'Tố cáo hành vi cấp giấy chứng nhận sai quy định',
  parties: [{ role: 'denouncer', name: 'Nguyễn Văn A', idNumber: '001203004567', phone: '0912345678' }],
};

/** POST /v1/cases: what it writes, in how many statements, and what a failed workflow start leaves behind. */
describe('POST /v1/cases: one claim + PII statement, the start, one seed + audit + response statement', () => {
  let tdb: TestDb;
  let dev: Awaited<ReturnType<typeof devServer>>;
  let server: Server;
  let url: string;
  let brokenServer: Server;
  let brokenUrl: string;
  let auth: Record<string, string>;
  const pii = testPii();
  const taskQueue = uniqueQueue('start');

  beforeAll(async () => {
    tdb = await createTestDb();
    await registerBuiltinDefinitions(tdb.db);
    dev = await devServer();
    auth = await authHeader({ roles: ['intake'], agency: 'so-tnmt' });
    ({ server, url } = await listen(
      createApp({ db: tdb.db, temporal: dev.client, taskQueue, logger, auth: testAuth, pii }),
    ));
    // The same database and keys, but a Temporal client whose every start fails (a namespace that does not exist).
    const broken = new Client({ connection: dev.connection, namespace: 'kntc-no-such-namespace' });
    ({ server: brokenServer, url: brokenUrl } = await listen(
      createApp({ db: tdb.db, temporal: broken, taskQueue, logger, auth: testAuth, pii }),
    ));
  });

  afterAll(async () => {
    server?.close();
    brokenServer?.close();
    await dev?.close();
    await tdb?.drop();
  });

  const post = (base: string, b: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth, ...headers },
      body: JSON.stringify(b),
    });

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await tdb.db(table).where(where).count<Array<{ n: number }>>('* as n'))[0]!.n);

  it('a failed workflow start leaves no visible case and no audit entry; a retry with the key finishes it under the same id', async () => {
    const before = { cases: await count('cases'), audit: await count('audit_log') };
    const failed = await post(brokenUrl, body, { 'Idempotency-Key': 'start-fails-once' });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const failedText = await failed.text();
    // The denouncer's identity is in no error either.
    for (const s of ['Nguyễn Văn A', '001203004567', '0912345678']) expect(failedText).not.toContain(s);
    expect({ cases: await count('cases'), audit: await count('audit_log') }).toEqual(before);
    const claim = await tdb.db('idempotency_keys').where({ key: 'start-fails-once' }).first();
    expect(claim).toMatchObject({ status_code: null, response: null });
    const reservedId = claim.resource_id as string;
    expect(await count('cases', { id: reservedId })).toBe(0);

    const ok = await post(url, body, { 'Idempotency-Key': 'start-fails-once' });
    expect(ok.status).toBe(201);
    const created = (await ok.json()) as { id: string; pin: string; runId: string; parties: Array<{ id: string }> };
    expect(created.id).toBe(reservedId);
    expect(await count('cases', { id: reservedId })).toBe(1);
    expect(await count('parties', { case_id: reservedId })).toBe(1);
    expect(await count('case_pins', { case_id: reservedId })).toBe(1);
    expect(await count('audit_log', { case_id: reservedId, action: 'case.received' })).toBe(1);

    // And the stored response replays exactly, PIN included.
    const again = await post(url, body, { 'Idempotency-Key': 'start-fails-once' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(created);
    expect(await count('audit_log', { case_id: reservedId })).toBe(1);
  });

  it('a failed start without a key leaves no visible case either', async () => {
    const before = { cases: await count('cases'), audit: await count('audit_log') };
    const failed = await post(brokenUrl, body);
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect({ cases: await count('cases'), audit: await count('audit_log') }).toEqual(before);
  });

  it('a receipt date no definition covers is 422 no-definition and stores nothing, with or without a key', async () => {
    const tables = ['cases', 'parties', 'case_pins', 'idempotency_keys', 'audit_log'];
    const before = await Promise.all(tables.map((t) => count(t)));
    for (const headers of [{ 'Idempotency-Key': 'no-def' }, {}] as Array<Record<string, string>>) {
      const r = await post(url, { ...body, receivedAt: '2001-01-01T09:00:00+07:00' }, headers);
      expect(r.status).toBe(422);
      expect(((await r.json()) as { type: string }).type).toBe('https://kntc-flow.vn/problems/no-definition');
    }
    expect(await Promise.all(tables.map((t) => count(t)))).toEqual(before);
  });

  it('a start costs two SQL statements, then a transaction that locks its agency row, inserts the seed and then locks the audit chain head (agency tree and definition content warm)', async () => {
    await post(url, body, { 'Idempotency-Key': 'warm-up' });
    const seen: string[] = [];
    const onQuery = (q: { sql: string }) => seen.push(q.sql);
    tdb.db.on('query', onQuery);
    try {
      const r = await post(url, body, { 'Idempotency-Key': 'counted' });
      expect(r.status).toBe(201);
    } finally {
      tdb.db.removeListener('query', onQuery);
    }
    // ADR 0014: the audit entry's keyed hash is computed in the API (the HMAC key never reaches
    // PostgreSQL), so the second statement runs after `SELECT … FOR UPDATE` of the chain head, in one transaction.
    const statements = seen.filter((s) => !/from "agencies"/.test(s)); // the agency tree may be reloaded if the cached one just turned 5 s old
    expect(statements.filter((s) => /^\s*BEGIN/i.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /^\s*COMMIT/i.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /FROM audit_chain_head WHERE id = 1 FOR UPDATE/.test(s))).toHaveLength(1);
    // ADR 0024: the agency row, shared-locked before the chain head, is still open when the case is recorded.
    expect(
      statements.filter((s) => /FROM agencies WHERE id = \S+ AND closed_at IS NULL FOR SHARE/.test(s)),
    ).toHaveLength(1);
    // ADR 0034 (session 11): the seed (its case_facts trigger: the case's facts lock, shared counter rows) before
    // the chain head, as projections take them; the seed under the head deadlocked with them.
    const seedAt = statements.findIndex((s) => /INSERT INTO cases/.test(s));
    const headAt = statements.findIndex((s) => /FROM audit_chain_head WHERE id = 1 FOR UPDATE/.test(s));
    expect(seedAt).toBeGreaterThan(-1);
    expect(seedAt).toBeLessThan(headAt);
    expect(statements).toHaveLength(7);
    expect(seen.some((s) => /advisory/i.test(s))).toBe(false);
  });

  it('concurrent starts and other audit appends keep one valid chain: one case.received per case', async () => {
    const audit = createAuditStore(tdb.db);
    const actor = { type: 'system', id: 'test', agency: null };
    const [created] = await Promise.all([
      Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          post(url, { ...body, subject: `Đơn ${i}` }, { 'Idempotency-Key': `chain-${i}` }).then(async (r) => {
            expect(r.status).toBe(201);
            return ((await r.json()) as { id: string }).id;
          }),
        ),
      ),
      Promise.all(
        Array.from({ length: 12 }, (_, i) => audit.append({ actor, action: 'test.concurrent', after: { i } })),
      ),
    ]);
    for (const id of created) expect(await count('audit_log', { case_id: id, action: 'case.received' })).toBe(1);
    const v = await audit.verify();
    expect(v).toMatchObject({ ok: true, firstBrokenSeq: null });
    const head = await tdb.db('audit_chain_head').first();
    const last = await tdb.db('audit_log').orderBy('seq', 'desc').first();
    expect({ seq: head.seq, hash: head.hash }).toEqual({ seq: last.seq, hash: last.hash });
  });

  it('concurrent requests with one key: one case, every answer 201 with its id (the conflict may surface on the id or the reference index)', async () => {
    for (let round = 0; round < 8; round++) {
      const key = `race-${round}`;
      const rs = await Promise.all([1, 2, 3, 4].map(() => post(url, body, { 'Idempotency-Key': key })));
      const answers = await Promise.all(
        rs.map(async (r) => ({ status: r.status, body: (await r.json()) as { id: string; reference: string } })),
      );
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(await count('cases', { id: answers[0]!.body.id })).toBe(1);
      expect(await count('audit_log', { case_id: answers[0]!.body.id, action: 'case.received' })).toBe(1);
    }
  });

  it('a reference already held by another case: the new case gets a longer reference, its own PIN, and a replay of its key the same', async () => {
    // Two ids whose first 10 hex digits agree (the short reference) and differ within 14.
    const ids = ['abcdef01-2300-4000-8000-000000000001', 'abcdef01-2311-4000-8000-000000000002'];
    let next = 0;
    const fixed = await listen(
      createApp({
        db: tdb.db,
        temporal: dev.client,
        taskQueue,
        logger,
        auth: testAuth,
        pii,
        newCaseId: () => ids[next++]!,
      }),
    );
    try {
      const a = await post(fixed.url, body);
      const b = await post(fixed.url, body, { 'Idempotency-Key': 'collision-b' });
      expect([a.status, b.status]).toEqual([201, 201]);
      const [ca, cb] = [await a.json(), await b.json()] as Array<{ id: string; reference: string; pin: string }>;
      expect(ca!.reference).toBe('TC-2026-ABCDEF0123');
      expect(cb!.reference).toBe('TC-2026-ABCDEF01231140'); // 14 digits
      expect(cb!.id).toBe(ids[1]);
      const pins = await tdb.db('case_pins').whereIn('case_id', ids).select('reference', 'case_id');
      expect(pins.map((p: { reference: string; case_id: string }) => [p.reference, p.case_id]).sort()).toEqual(
        [
          [ca!.reference, ids[0]],
          [cb!.reference, ids[1]],
        ].sort(),
      );
      for (const c of [ca!, cb!]) {
        const pub = await fetch(`${url}/v1/public/cases/${c.reference}?pin=${c.pin}`);
        expect(pub.status).toBe(200);
      }
      const replay = await post(fixed.url, body, { 'Idempotency-Key': 'collision-b' });
      expect(replay.status).toBe(201);
      expect(((await replay.json()) as { reference: string }).reference).toBe(cb!.reference);
      const seen = await tdb.db('cases').whereIn('id', ids).select('id', 'reference');
      expect(seen).toHaveLength(2);
    } finally {
      fixed.server.close();
    }
  });

  it('the chain head cannot be deleted', async () => {
    await expect(tdb.db('audit_chain_head').delete()).rejects.toThrow(/append-only/);
    await expect(tdb.db.raw('TRUNCATE audit_chain_head')).rejects.toThrow(/append-only/);
  });
});

describe('agency tree cache', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await createTestDb();
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  /** The recursive query the scope used before the cache: the reference. */
  async function sqlSubtree(id: string): Promise<string[]> {
    const r = await tdb.db.raw<{ rows: Array<{ id: string }> }>(
      `WITH RECURSIVE down AS (SELECT id FROM agencies WHERE id = ? UNION ALL SELECT a.id FROM agencies a JOIN down ON a.parent_id = down.id) SELECT id FROM down`,
      [id],
    );
    return r.rows.map((x) => x.id).sort();
  }

  it('answers like the recursive query, for every agency and for unknown ones', async () => {
    const scope = createAgencyScope(tdb.db);
    const ids = (await tdb.db('agencies').select<Array<{ id: string }>>('id')).map((a) => a.id);
    for (const id of [...ids, 'no-such-agency']) {
      const sub = await scope.subtree(id);
      expect(sub[0]).toBe(sub.length ? id : undefined);
      expect([...sub].sort()).toEqual(await sqlSubtree(id));
      for (const other of ids) expect(await scope.isWithin(other, id)).toBe(sub.includes(other));
    }
    expect(await scope.isWithin('no-such-agency', 'tinh-demo')).toBe(false);
  });

  it('sees a change after invalidate(), after the TTL, and a new agency named by id at once', async () => {
    let t = 1_000_000;
    const scope = createAgencyScope(tdb.db, { ttlMs: 5_000, now: () => t });
    expect(await scope.subtree('so-tnmt')).toEqual(['so-tnmt']);
    await tdb
      .db('agencies')
      .insert({ id: 'phong-test-1', parent_id: 'so-tnmt', name: 'Phòng thử', level: 'department' });
    try {
      expect(await scope.subtree('so-tnmt')).toEqual(['so-tnmt']); // cached
      scope.invalidate();
      expect(await scope.subtree('so-tnmt')).toEqual(['so-tnmt', 'phong-test-1']);

      await tdb
        .db('agencies')
        .insert({ id: 'phong-test-2', parent_id: 'so-tnmt', name: 'Phòng thử 2', level: 'department' });
      t += 2_000; // a look-up naming the unknown agency reloads at once
      expect(await scope.isWithin('phong-test-2', 'so-tnmt')).toBe(true);
      await tdb.db('agencies').where({ id: 'phong-test-2' }).update({ parent_id: 'thanh-tra-tinh' });
      t += 4_000; // within the TTL of that reload: still the cached tree
      expect(await scope.isWithin('phong-test-2', 'so-tnmt')).toBe(true);
      t += 1_001; // past it
      expect(await scope.isWithin('phong-test-2', 'so-tnmt')).toBe(false);
      expect(await scope.isWithin('phong-test-2', 'thanh-tra-tinh')).toBe(true);
    } finally {
      await tdb.db('agencies').whereIn('id', ['phong-test-1', 'phong-test-2']).delete();
    }
  });
});
