import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartyStore } from '../../db/parties.js';
import { createPiiKeyring } from '../../platform/pii.js';
import { authHeader } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

const denouncer = {
  role: 'denouncer',
  name: 'Trần Thị Bí Mật',
  idNumber: '079188001234',
  phone: '0987654321',
  address: '12 Lê Lợi, xã A',
  email: 'bimat@example.vn',
};
const accused = { role: 'accused', name: 'Lê Văn Bị', address: 'Sở TNMT' };
const body = {
  type: 'denunciation',
  channel: 'reception_desk',
  receivedAt: '2026-08-03T09:00:00+07:00',
  agencyId: 'so-tnmt',
  subject: 'Tố cáo cán bộ nhận hối lộ',
  parties: [denouncer, accused],
};
const SECRETS = [denouncer.name, denouncer.idNumber, denouncer.phone, denouncer.email];

describe('personal data: encrypted parties, protected denouncer identity, citizen PIN', () => {
  let api: TestApi;
  // Every log line the API writes (debug level: the most it would ever say).
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  );
  const keySpec = `kid1:${randomBytes(32).toString('base64')}`;
  let created: {
    id: string;
    reference: string;
    pin: string;
    workflowId: string;
    parties: Array<{ id: string; role: string }>;
  };

  beforeAll(async () => {
    api = await startTestApi({ pii: createPiiKeyring(keySpec), logger });
    const r = await fetch(`${api.url}/v1/cases`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        'Idempotency-Key': 'pii-1',
        ...(await authHeader({ roles: ['intake'], agency: 'so-tnmt' })),
      },
    });
    expect(r.status).toBe(201);
    created = (await r.json()) as typeof created;
  });
  afterAll(async () => {
    await api?.close();
  });

  const partiesAs = async (opts: Parameters<typeof authHeader>[0]) =>
    fetch(`${api.url}/v1/cases/${created.id}/parties`, { headers: await authHeader(opts) });

  it('stores parties encrypted before the workflow starts: no plaintext in the database', async () => {
    expect(created.parties.map((p) => p.role)).toEqual(['denouncer', 'accused']);
    const rows = await api.tdb.db('parties').where({ case_id: created.id }).orderBy('position');
    expect(rows).toHaveLength(2);
    const dump =
      JSON.stringify(rows) +
      rows.map((r: { ciphertext: Buffer }) => r.ciphertext.toString('latin1') + r.ciphertext.toString('utf8')).join('');
    for (const s of SECRETS) expect(dump).not.toContain(s);
    expect(rows[0]).toMatchObject({ kid: 'kid1', role: 'denouncer' });
  });

  it('no personal data reaches Temporal (history, search attributes, memo), the audit log, the logs, or non-privileged responses', async () => {
    const handle = api.dev.client.workflow.getHandle(created.workflowId);
    const history = JSON.stringify(await handle.fetchHistory());
    const desc = await handle.describe();
    const temporalMeta = JSON.stringify({ sa: desc.typedSearchAttributes, memo: desc.memo ?? null });
    const audit = JSON.stringify(await api.tdb.db('audit_log').select());
    const officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt' });
    const responses: string[] = [];
    for (const path of [
      `/v1/cases/${created.id}`,
      `/v1/cases/${created.id}/parties`,
      `/v1/cases/${created.id}/timeline`,
    ]) {
      responses.push(await (await fetch(api.url + path, { headers: officer })).text());
    }
    responses.push(await (await fetch(`${api.url}/v1/public/cases/${created.reference}?pin=${created.pin}`)).text());
    const logs = logLines.join('');
    expect(logs).toContain(`/v1/cases/${created.id}`); // the logs did capture these requests
    for (const s of SECRETS) {
      expect(history).not.toContain(s);
      expect(temporalMeta).not.toContain(s);
      expect(audit).not.toContain(s);
      expect(logs).not.toContain(s);
      for (const r of responses) expect(r).not.toContain(s);
    }
    expect(logs).not.toContain(created.pin);
  });

  it('without identity:read the denouncer is redacted (the accused is not); nothing is audited', async () => {
    const before = await api.tdb
      .db('audit_log')
      .where({ action: 'party.identity_read' })
      .count<Array<{ n: number }>>('* as n');
    for (const role of ['officer', 'supervisor', 'admin'] as const) {
      const r = await partiesAs({ roles: [role], agency: 'so-tnmt' });
      expect(r.status).toBe(200);
      const text = await r.text();
      for (const s of SECRETS) expect(text).not.toContain(s);
      const { items } = JSON.parse(text) as { items: Array<Record<string, unknown>> };
      expect(items[0]).toMatchObject({
        role: 'denouncer',
        redacted: true,
        name: '[redacted]',
        phone: '[redacted]',
        idNumber: '[redacted]',
      });
      expect(items[1]).toMatchObject({ role: 'accused', redacted: false, name: accused.name });
    }
    const after = await api.tdb
      .db('audit_log')
      .where({ action: 'party.identity_read' })
      .count<Array<{ n: number }>>('* as n');
    expect(after).toEqual(before);
  });

  it("identity:read on the case's agency reveals it, and each read is audited", async () => {
    for (let i = 1; i <= 2; i++) {
      const r = await partiesAs({
        roles: ['officer'],
        agency: 'so-tnmt',
        permissions: ['identity:read'],
        sub: 'thanh-tra-vien-1',
      });
      const { items } = (await r.json()) as { items: Array<Record<string, unknown>> };
      expect(items[0]).toMatchObject({ redacted: false, name: denouncer.name, phone: denouncer.phone });
      const reads = await api.tdb
        .db('audit_log')
        .where({ action: 'party.identity_read', case_id: created.id })
        .orderBy('seq');
      expect(reads).toHaveLength(i);
      expect(reads[i - 1]).toMatchObject({
        actor: { type: 'user', id: 'thanh-tra-vien-1', agency: 'so-tnmt' },
        after: { partyIds: [created.parties[0]!.id] },
      });
    }
  });

  it("identity:read@<agency> counts only for that agency's subtree", async () => {
    const r1 = await partiesAs({
      roles: ['supervisor'],
      agency: 'tinh-demo',
      permissions: ['identity:read@thanh-tra-tinh'],
    });
    expect(((await r1.json()) as { items: Array<{ redacted: boolean }> }).items[0]!.redacted).toBe(true);
    const r2 = await partiesAs({ roles: ['supervisor'], agency: 'tinh-demo', permissions: ['identity:read@so-tnmt'] });
    expect(((await r2.json()) as { items: Array<{ redacted: boolean }> }).items[0]!.redacted).toBe(false);
    // The permission does not widen the agency scope: another commune still gets 404.
    expect((await partiesAs({ roles: ['officer'], agency: 'ubnd-xa-b', permissions: ['identity:read'] })).status).toBe(
      404,
    );
  });

  it('data sealed under a key id that is no longer configured fails with a clear error', async () => {
    const other = createPartyStore(api.tdb.db, createPiiKeyring(`kid2:${randomBytes(32).toString('base64')}`));
    await expect(other.forCase(created.id)).rejects.toThrow(/no PII key with id "kid1" is configured/);
  });

  it('an idempotent replay returns the same PIN without storing it', async () => {
    const r = await fetch(`${api.url}/v1/cases`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        'Idempotency-Key': 'pii-1',
        ...(await authHeader({ roles: ['intake'], agency: 'so-tnmt' })),
      },
    });
    expect(r.headers.get('idempotent-replayed')).toBe('true');
    expect(((await r.json()) as { pin: string }).pin).toBe(created.pin);
    expect(JSON.stringify(await api.tdb.db('idempotency_keys').select())).not.toContain(created.pin);
    expect(JSON.stringify(await api.tdb.db('case_pins').select())).not.toContain(created.pin);
  });

  it('public look-up: the right PIN gives status without personal data; wrong PIN = unknown reference', async () => {
    const ok = await fetch(`${api.url}/v1/public/cases/${created.reference}?pin=${created.pin}`);
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(JSON.parse(text)).toEqual({
      reference: created.reference,
      caseType: 'denunciation',
      stage: 'received',
      stageLabel: 'Đã tiếp nhận',
      status: 'open',
      receivedAt: '2026-08-03T09:00:00.000+07:00',
    });
    expect(text).not.toContain(body.subject);
    for (const s of SECRETS) expect(text).not.toContain(s);

    const wrongPin = String((Number(created.pin) + 1) % 100_000_000).padStart(8, '0');
    const wrong = await fetch(`${api.url}/v1/public/cases/${created.reference}?pin=${wrongPin}`);
    const unknown = await fetch(`${api.url}/v1/public/cases/TC-2026-0000000000?pin=${created.pin}`);
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    const strip = (p: Record<string, unknown>) => ({
      ...p,
      instance: undefined,
      requestId: undefined,
      detail: undefined,
    });
    expect(strip((await wrong.json()) as Record<string, unknown>)).toEqual(
      strip((await unknown.json()) as Record<string, unknown>),
    );
    expect((await fetch(`${api.url}/v1/public/cases/${created.reference}?pin=abc`)).status).toBe(400);
  });

  it('an unknown case id stays 404 for the parties route', async () => {
    expect((await fetch(`${api.url}/v1/cases/${randomUUID()}/parties`, { headers: await authHeader() })).status).toBe(
      404,
    );
  });
});
