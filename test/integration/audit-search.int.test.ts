/**
 * Issue 10 item 7: auditors read the audit log — search (actor, action, case, agency, time range, cursor) and
 * a streamed NDJSON/CSV export — within their agency subtree; calendar changes are searchable by every auditor.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore, keyedEntryHash } from '../../db/audit.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, seedCase, startTestApi, type Json, type TestApi } from '../support/api.js';

type Item = {
  seq: number;
  action: string;
  caseId: string | null;
  agencyId: string | null;
  actor: { id: string; agency: string | null };
  after: Json;
};

describe('GET /v1/audit and /v1/audit/export', () => {
  let api: TestApi;
  const call = apiCaller(() => api.url);
  const homeCase = randomUUID(); // so-tnmt
  const siblingCase = randomUUID(); // ubnd-xa-b
  const auditor = (agency: string) => authHeader({ roles: ['auditor'], agency, sub: `auditor@${agency}` });
  const search = async (agency: string, qs = '') => {
    const r = await call('GET', `/v1/audit${qs ? `?${qs}` : ''}`, await auditor(agency));
    expect(r.status, r.text).toBe(200);
    return r.json as { items: Item[]; next: string | null };
  };
  /** Every page of a search, following `next`. */
  const all = async (agency: string, qs: string) => {
    const items: Item[] = [];
    let path: string | null = `/v1/audit?${qs}`;
    while (path) {
      const r = await call('GET', path, await auditor(agency));
      expect(r.status, r.text).toBe(200);
      const page = r.json as { items: Item[]; next: string | null };
      items.push(...page.items);
      path = page.next;
    }
    return items;
  };

  beforeAll(async () => {
    api = await startTestApi();
    await seedCase(api.tdb.db, { id: homeCase, agencyId: 'so-tnmt' });
    await seedCase(api.tdb.db, { id: siblingCase, agencyId: 'ubnd-xa-b' });
    const store = createAuditStore(api.tdb.appDb);
    const officer = { type: 'user', id: 'officer-1', agency: 'so-tnmt' };
    for (let i = 0; i < 5; i++)
      await store.append({ actor: officer, action: 'case.note_added', caseId: homeCase, after: { i } });
    await store.append({
      actor: { type: 'user', id: 'officer-b', agency: 'ubnd-xa-b' },
      action: 'case.note_added',
      caseId: siblingCase,
      after: { i: 0 },
    });
    await store.append({
      actor: { type: 'user', id: 'admin-a', agency: 'ubnd-xa-a' },
      action: 'api_key.created',
      after: { id: 'k1', agencyId: 'ubnd-xa-a' },
    });
    await store.append({
      actor: { type: 'system', id: 'kntc-flow', agency: null },
      action: 'system.maintenance',
      after: { note: 'engine' },
    });
    await store.append({
      actor: { type: 'user', id: '=HYPERLINK("x")', agency: 'so-tnmt' },
      action: 'case.note_added',
      caseId: homeCase,
      after: { text: 'a, "quoted"\nline' },
    });
    // A real calendar change through its route (the system level, ADR 0013): only in the chain until now.
    const cal = await call(
      'POST',
      '/v1/admin/calendar/days-off',
      await authHeader({ roles: ['system_admin'], agency: 'tinh-demo' }),
      {
        date: '2027-12-31',
        name: 'Extra day off (test)',
        source: 'Thông báo số 1/TB-VPCP (test)',
        reason: 'test',
      },
    );
    expect(cal.status, cal.text).toBe(202); // answered at once; the fan-out runs in the background (ADR 0019)
  });
  afterAll(async () => {
    await api?.close();
  });

  it('an auditor sees the entries of cases and actors in their subtree, the calendar changes, and nothing else', async () => {
    const home = await all('so-tnmt', 'limit=3');
    const actions = (items: Item[]) => new Set(items.map((i) => `${i.action}@${i.caseId ?? i.actor.agency}`));
    expect(home.every((i) => i.caseId === homeCase || i.action.startsWith('calendar.'))).toBe(true);
    expect(actions(home)).toEqual(new Set([`case.note_added@${homeCase}`, 'calendar.entry.added@tinh-demo']));
    expect(home.filter((i) => i.caseId === homeCase)).toHaveLength(6);
    expect(home.find((i) => i.caseId === homeCase)).toMatchObject({ agencyId: 'so-tnmt' });
    // Newest first, no entry twice across pages.
    expect(home.map((i) => i.seq)).toEqual([...home.map((i) => i.seq)].sort((a, b) => b - a));
    expect(new Set(home.map((i) => i.seq)).size).toBe(home.length);

    const sibling = await all('ubnd-xa-b', 'limit=100');
    expect(actions(sibling)).toEqual(new Set([`case.note_added@${siblingCase}`, 'calendar.entry.added@tinh-demo']));
    expect(JSON.stringify(sibling)).not.toContain(homeCase);

    // The province (a root agency: system level) sees everything, the engine's own entries included.
    const root = await all('tinh-demo', 'limit=500');
    expect(new Set(root.map((i) => i.action))).toEqual(
      new Set(['case.note_added', 'api_key.created', 'system.maintenance', 'calendar.entry.added']),
    );
    expect(root.filter((i) => i.action === 'case.note_added')).toHaveLength(7);
  });

  it('filters: actor, action (exact and prefix), case, agency subtree, time range', async () => {
    expect((await search('tinh-demo', 'actorId=officer-1')).items).toHaveLength(5);
    expect((await search('tinh-demo', 'actorType=system&action=system.*')).items.map((i) => i.action)).toEqual([
      'system.maintenance',
    ]);
    expect((await search('tinh-demo', 'action=api_key.created')).items).toHaveLength(1);
    expect((await search('so-tnmt', 'action=calendar.*')).items).toMatchObject([
      { action: 'calendar.entry.added', caseId: null, after: { date: '2027-12-31' } },
    ]);
    expect((await search('tinh-demo', `caseId=${siblingCase}`)).items).toMatchObject([
      { actor: { id: 'officer-b' }, agencyId: 'ubnd-xa-b' },
    ]);
    expect((await search('so-tnmt', `caseId=${siblingCase}`)).items).toEqual([]);
    const byAgency = await all('tinh-demo', 'agencyId=ubnd-xa-a');
    expect(byAgency.map((i) => i.action)).toEqual(['api_key.created']);
    // Narrowing to an agency outside one's subtree: not found, like /v1/cases.
    const outside = await call('GET', '/v1/audit?agencyId=ubnd-xa-a', await auditor('so-tnmt'));
    expect(outside.status).toBe(404);
    const first = (await all('tinh-demo', 'actorId=officer-1')).reverse();
    const mid = await api.tdb.db('audit_log').where({ seq: first[2]!.seq }).first('at');
    const from = encodeURIComponent((mid.at as Date).toISOString());
    expect((await all('tinh-demo', `actorId=officer-1&from=${from}`)).map((i) => i.seq).sort()).toEqual(
      first
        .slice(2)
        .map((i) => i.seq)
        .sort(),
    );
    expect((await all('tinh-demo', `actorId=officer-1&to=${from}`)).map((i) => i.seq).sort()).toEqual(
      first
        .slice(0, 2)
        .map((i) => i.seq)
        .sort(),
    );
    expect((await search('tinh-demo', 'from=2090-01-01T00:00:00%2B07:00')).items).toEqual([]);
  });

  it('bad input is a 400 naming the parameter, never a 500: malformed and well-formed-but-wrong cursors, odd instants, unknown filters', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const h = await auditor('tinh-demo');
    for (const [qs, field] of [
      ['after=%%%', 'after'],
      ['after=bm90LWpzb24', 'after'],
      [`after=${b64({ k: '2026-W05-3' })}`, 'after'],
      [`after=${b64({ k: '2026-W05-3', id: 'x' })}`, 'after'],
      [`after=${b64({ s: -1 })}`, 'after'],
      [`after=${b64({ s: 'x' })}`, 'after'],
      [`after=${b64({ s: 1.5 })}`, 'after'],
      [`after=${b64({ s: 1e300 })}`, 'after'],
      ['from=0000-01-01T00:00:00Z', 'from'],
      ['to=2026-01-01T00:00:00%2B23:59', 'to'],
      ['from=2026-02-30T00:00:00Z', 'from'],
      ['from=yesterday', 'from'],
      ['action=DROP%20TABLE', 'action'],
      ['action=a%25', 'action'],
      ['caseId=not-a-uuid', 'caseId'],
      ['actorType=root', 'actorType'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['actorId=a%00b', 'actorId'],
      ['agencyId=..%2F', 'agencyId'],
      ['unknown=1', 'unknown'],
    ] as const) {
      for (const path of ['/v1/audit', '/v1/audit/export']) {
        if (path.endsWith('export') && (qs.startsWith('limit') || qs.startsWith('after'))) continue;
        const r = await call('GET', `${path}?${qs}`, h);
        expect(r.status, `${path}?${qs}: ${r.text}`).toBe(400);
        expect(r.text, qs).toContain(field);
      }
    }
    // A cursor of another query is well-formed: it pages on (a seq is a seq).
    expect((await call('GET', `/v1/audit?after=${b64({ s: 1 })}`, h)).status).toBe(200);
  });

  it('exports NDJSON in chain order, as stored: every line re-hashes to its keyed hash; the export is itself audited', async () => {
    const r = await fetch(`${api.url}/v1/audit/export?format=ndjson`, { headers: await auditor('so-tnmt') });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="audit-log.ndjson"/);
    const lines = (await r.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Json & { seq: number; hash: string; hashKid: string });
    // The export's own entry (actor: this auditor, no case, so-tnmt) was appended before the first byte: it is in it, last.
    const searched = await all('so-tnmt', 'limit=500');
    expect(lines.map((l) => l.seq)).toEqual(searched.map((i) => i.seq).sort((a, b) => a - b));
    expect(lines[lines.length - 1]).toMatchObject({
      action: 'audit.exported',
      actor: { id: 'auditor@so-tnmt' },
      after: { format: 'ndjson' },
    });
    for (const l of lines) {
      const { hash, hashKid, agencyId: _a, ...entry } = l;
      expect(keyedEntryHash(entry as never, hashKid), `seq ${l.seq}`).toBe(hash);
    }
  });

  it('exports CSV: a header, one row per entry, fields quoted per RFC 4180 and formula-like text neutralised', async () => {
    const r = await fetch(`${api.url}/v1/audit/export?format=csv&caseId=${homeCase}`, {
      headers: await auditor('tinh-demo'),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await r.text();
    expect(
      text.startsWith(
        'seq,at,action,actorType,actorId,actorAgency,caseId,agencyId,legalBasis,requestId,before,after,prevHash,hash,hashKid\r\n',
      ),
    ).toBe(true);
    const rows = text.split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(1 + 6);
    const last = rows[rows.length - 1]!;
    expect(last).toContain(`"'=HYPERLINK(""x"")"`);
    expect(last).toContain('"{""text"":""a, \\""quoted\\""\\nline""}"');
  });

  it("a denouncer's identity is never in an audit entry, a search result or an export", async () => {
    const identity = { name: 'Trần Thị Bí Mật', idNumber: '079123456789', phone: '0987654321' };
    const created = await call('POST', '/v1/cases', await authHeader({ roles: ['intake'], agency: 'so-tnmt' }), {
      type: 'denunciation',
      channel: 'portal',
      receivedAt: '2026-07-01T09:30:00+07:00',
      agencyId: 'so-tnmt',
      subject: 'Tố cáo (test)',
      parties: [{ role: 'denouncer', ...identity }],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    // A revealing read (identity:read): audited, with party references only.
    const read = await call(
      'GET',
      `/v1/cases/${id}/parties`,
      await authHeader({ roles: ['officer'], agency: 'so-tnmt', permissions: ['identity:read'] }),
    );
    expect(read.status).toBe(200);
    expect(read.text).toContain(identity.name);
    const h = await auditor('tinh-demo');
    const texts = [
      (await call('GET', `/v1/audit?caseId=${id}`, h)).text,
      await (await fetch(`${api.url}/v1/audit/export?format=ndjson&caseId=${id}`, { headers: h })).text(),
      await (await fetch(`${api.url}/v1/audit/export?format=csv`, { headers: h })).text(),
      JSON.stringify(await api.tdb.db('audit_log').select()),
    ];
    expect(texts[0]).toContain('party.identity_read');
    expect(texts[0]).toContain('case.received');
    for (const t of texts) for (const v of Object.values(identity)) expect(t).not.toContain(v);
  });
});
