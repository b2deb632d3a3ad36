/**
 * Issue 17 item 8 on the real stack (ADR 0043): an officer of the deciding agency previews the redacted text of a
 * denunciation's conclusion, publishes exactly what was reviewed (audited, no text or identity in the audit log),
 * the public lists and reads it without logging in (filters, cursor), never seeing a party or the case; the
 * officer withdraws it with a reason and it disappears; bad input is a 4xx problem naming the field; public reads
 * are rate-limited.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartyStore } from '../../db/parties.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, seedCase, startTestApi, type Json, type TestApi } from '../support/api.js';

let api: TestApi;
const call = apiCaller(() => api.url);
let officer: Record<string, string>;
let otherOfficer: Record<string, string>;
const caseId = randomUUID();
const complaintId = randomUUID();
const bare = randomUUID();
const DOC = `doc-${randomUUID()}`;

const TEXT =
  'KẾT LUẬN NỘI DUNG TỐ CÁO\nNgày 02/11/2026, ông Nguyễn Văn An (CCCD 001203004567, điện thoại 0912 345 678), ' +
  'trú tại 12 Lê Lợi, phường Bến Nghé, tố cáo bà Trần Thị Bình, cán bộ địa chính. Ông An cho rằng bà Bình đã ' +
  'nhận tiền của hộ ông Lê Văn Cường.\nKết luận: tố cáo đúng một phần.';

beforeAll(async () => {
  api = await startTestApi();
  officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt' });
  otherOfficer = await authHeader({ roles: ['officer'], agency: 'ubnd-xa-b' });
  await seedCase(api.tdb.db, { id: caseId, agencyId: 'so-tnmt', caseType: 'denunciation' });
  await seedCase(api.tdb.db, { id: complaintId, agencyId: 'so-tnmt', caseType: 'complaint_second' });
  await seedCase(api.tdb.db, { id: bare, agencyId: 'so-tnmt', caseType: 'denunciation' });
  await createPartyStore(api.tdb.db, api.deps.pii).addAll(caseId, [
    {
      role: 'denouncer',
      identity: {
        name: 'Nguyễn Văn An',
        idNumber: '001203004567',
        phone: '0912345678',
        address: '12 Lê Lợi, phường Bến Nghé',
      },
    },
    { role: 'accused', identity: { name: 'Trần Thị Bình' } },
  ]);
  await api.tdb.db('case_documents').insert([
    {
      id: DOC,
      case_id: caseId,
      idem_key: 'conclude.doc',
      type: 'denunciation_conclusion',
      reference: '45/KL-STNMT',
      recipients: ['case_file'],
      issued_on: '2026-11-20',
    },
    {
      id: `doc-${randomUUID()}`,
      case_id: complaintId,
      idem_key: 'second.decide.doc',
      type: 'complaint_decision_second',
      reference: '7/QĐ-UBND',
      recipients: ['case_file'],
      issued_on: '2025-03-02',
    },
  ]);
});
afterAll(async () => {
  await api?.close();
});

describe('published decisions and conclusions (ADR 0043)', () => {
  let preview: Json;
  let published: Json;

  it('previews the redacted text: no denouncer, no party, no ID or phone; nothing stored', async () => {
    const r = await call('POST', `/v1/cases/${caseId}/publications/preview`, officer, {
      text: TEXT,
      extraTerms: ['Lê Văn Cường'],
    });
    expect(r.status, r.text).toBe(200);
    preview = r.json;
    expect(preview).toMatchObject({
      documentId: DOC,
      decisionNumber: '45/KL-STNMT',
      issuedOn: '2026-11-20',
      kind: 'denunciation_conclusion',
      required: true,
      minimumDays: 15,
    });
    expect(preview.legalBasis).toContain('Luật Tố cáo 2018 Art 40');
    const text = preview.redactedText as string;
    for (const secret of ['Nguyễn', 'Ông An', '001203004567', '0912', 'Lê Lợi', 'Bình', 'Cường'])
      expect(text).not.toContain(secret);
    expect(text).toContain('ông [Người tố cáo] (CCCD [số giấy tờ tùy thân], điện thoại [số điện thoại])');
    expect(text).toContain('Ông [Người tố cáo] cho rằng bà [Người bị tố cáo]');
    expect(text).toContain('hộ ông [đã che]');
    const rows = await api.tdb.db('published_decisions').where({ case_id: caseId }).count({ n: '*' });
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('publishes only the reviewed text, once per document; audited without text or identity', async () => {
    const stale = await call('POST', `/v1/cases/${caseId}/publications`, officer, {
      text: `${TEXT} Thêm.`,
      extraTerms: ['Lê Văn Cường'],
      reviewedSha256: preview.textSha256,
    });
    expect(stale.status, stale.text).toBe(409);
    expect(stale.text).toContain('reviewedSha256');

    const key = randomUUID();
    const body = { text: TEXT, extraTerms: ['Lê Văn Cường'], reviewedSha256: preview.textSha256 };
    const r = await call('POST', `/v1/cases/${caseId}/publications`, officer, body, key);
    expect(r.status, r.text).toBe(201);
    published = r.json;
    expect(published).toMatchObject({ status: 'published', redactedText: preview.redactedText, documentId: DOC });
    expect(published.publishedAt).toMatch(/\+07:00$/);
    const replay = await call('POST', `/v1/cases/${caseId}/publications`, officer, body, key);
    expect(replay.json.id).toBe(published.id);
    const twice = await call('POST', `/v1/cases/${caseId}/publications`, officer, body);
    expect(twice.status, twice.text).toBe(409);

    const audit = await api.tdb.db('audit_log').where({ case_id: caseId, action: 'decision.published' });
    expect(audit).toHaveLength(1);
    const stored =
      JSON.stringify(audit) + JSON.stringify(await api.tdb.db('published_decisions').where({ case_id: caseId }));
    for (const secret of ['Nguyễn', '001203004567', 'Lê Lợi', 'Cường']) expect(stored).not.toContain(secret);
  });

  it('the public lists and reads it without logging in: no case, no party', async () => {
    const list = await call('GET', '/v1/public/decisions?agencyId=so-tnmt&type=denunciation_conclusion&year=2026', {});
    expect(list.status, list.text).toBe(200);
    const items = list.json.items as Json[];
    expect(items.map((i) => i.id)).toEqual([published.id]);
    expect(items[0]).toMatchObject({
      decisionNumber: '45/KL-STNMT',
      agencyId: 'so-tnmt',
      title: 'Kết luận nội dung tố cáo',
    });
    const one = await call('GET', `/v1/public/decisions/${published.id as string}`, {});
    expect(one.status).toBe(200);
    expect(one.json.text).toBe(preview.redactedText);
    for (const t of [list.text, one.text]) {
      for (const secret of ['Nguyễn', caseId, 'TC-2026', 'seeded', 'publishedBy']) expect(t).not.toContain(secret);
    }
    // Filters: another year, another type, another agency's subtree.
    for (const q of ['year=2025', 'type=complaint_decision', 'agencyId=ubnd-xa-b&includeSubtree=true']) {
      const r = await call('GET', `/v1/public/decisions?${q}`, {});
      expect(r.status, q).toBe(200);
      expect(
        (r.json.items as Json[]).map((i) => i.id),
        q,
      ).not.toContain(published.id);
    }
    const province = await call('GET', '/v1/public/decisions?agencyId=tinh-demo&includeSubtree=true', {});
    expect((province.json.items as Json[]).map((i) => i.id)).toContain(published.id);
  });

  it('pages by cursor, newest first', async () => {
    const p = await call('POST', `/v1/cases/${complaintId}/publications/preview`, officer, {
      text: 'Quyết định số 7.',
    });
    expect(p.status, p.text).toBe(200);
    expect(p.json).toMatchObject({ kind: 'complaint_decision', required: true, issuedOn: '2025-03-02' });
    const second = await call('POST', `/v1/cases/${complaintId}/publications`, officer, {
      text: 'Quyết định số 7.',
      reviewedSha256: p.json.textSha256,
    });
    expect(second.status, second.text).toBe(201);
    const page1 = await call('GET', '/v1/public/decisions?agencyId=so-tnmt&limit=1', {});
    expect((page1.json.items as Json[]).map((i) => i.id)).toEqual([second.json.id]);
    expect(page1.json.next).toEqual(expect.stringContaining('after='));
    const page2 = await call('GET', page1.json.next as string, {});
    expect((page2.json.items as Json[]).map((i) => i.id)).toEqual([published.id]);
  });

  it('bad input is a 4xx problem naming the field; another agency does not see the case', async () => {
    const cases: Array<[string, string, Record<string, string>, unknown, number, string]> = [
      ['POST', `/v1/cases/${caseId}/publications/preview`, officer, { text: '' }, 400, 'text'],
      ['POST', `/v1/cases/${caseId}/publications/preview`, officer, { text: 'x', extra: 1 }, 400, 'extra'],
      [
        'POST',
        `/v1/cases/${caseId}/publications/preview`,
        officer,
        { text: 'x', documentId: 'doc-x' },
        422,
        'documentId',
      ],
      [
        'POST',
        `/v1/cases/${caseId}/publications`,
        officer,
        { text: 'x', reviewedSha256: 'abc' },
        400,
        'reviewedSha256',
      ],
      ['POST', `/v1/cases/${bare}/publications/preview`, officer, { text: 'x' }, 409, 'no issued decision'],
      ['POST', `/v1/cases/${caseId}/publications/preview`, otherOfficer, { text: 'x' }, 404, 'not-found'],
      ['GET', '/v1/public/decisions?year=1999', {}, undefined, 400, 'year'],
      ['GET', '/v1/public/decisions?type=letter', {}, undefined, 400, 'type'],
      ['GET', '/v1/public/decisions?after=zzz', {}, undefined, 400, 'after'],
      ['GET', '/v1/public/decisions?agencyId=khong-co', {}, undefined, 404, 'khong-co'],
      ['GET', '/v1/public/decisions/pdc_0000000000000000', {}, undefined, 404, 'not-found'],
    ];
    for (const [method, path, headers, body, status, needle] of cases) {
      const r = await fetch(api.url + path, {
        method,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      expect(r.status, `${method} ${path}: ${text}`).toBe(status);
      expect(r.headers.get('content-type'), path).toContain('application/problem+json');
      expect(text, path).toContain(needle);
    }
  });

  it('withdraws with a reason (audited); the public no longer sees it; twice → 409', async () => {
    const path = `/v1/cases/${caseId}/publications/${published.id as string}/withdraw`;
    expect((await call('POST', path, officer, {})).status).toBe(400);
    const r = await call('POST', path, officer, { reason: 'Còn sót thông tin cần che' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ status: 'withdrawn', withdrawnReason: 'Còn sót thông tin cần che' });
    expect((await call('POST', path, officer, { reason: 'lần nữa' })).status).toBe(409);
    expect((await call('GET', `/v1/public/decisions/${published.id as string}`, {})).status).toBe(404);
    const list = await call('GET', '/v1/public/decisions?agencyId=so-tnmt', {});
    expect((list.json.items as Json[]).map((i) => i.id)).not.toContain(published.id);
    const staff = await call('GET', `/v1/cases/${caseId}/publications`, officer);
    expect((staff.json.items as Json[]).map((i) => i.status)).toEqual(['withdrawn']);
    const audit = await api.tdb.db('audit_log').where({ case_id: caseId, action: 'decision.publication_withdrawn' });
    expect(audit).toHaveLength(1);
    expect(audit[0].after).toMatchObject({ reason: 'Còn sót thông tin cần che', minimumMet: false });
    // Published again after the correction: a new publication of the same document.
    const again = await call('POST', `/v1/cases/${caseId}/publications`, officer, {
      text: TEXT,
      extraTerms: ['Lê Văn Cường'],
      reviewedSha256: preview.textSha256,
    });
    expect(again.status, again.text).toBe(201);
  });

  it('rate-limits public reads per client (429 with Retry-After)', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 130; i++) {
      last = await fetch(`${api.url}/v1/public/decisions?limit=1`);
      if (last.status === 429) break;
      await last.text();
    }
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.headers.get('content-type')).toContain('application/problem+json');
  });
});
