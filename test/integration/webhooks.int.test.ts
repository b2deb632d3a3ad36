/**
 * Issue 13 items 3, 4 and 6 on the real stack (PostgreSQL, the Temporal dev server, a case worker, the
 * HTTP API, a real HTTP receiver on a local port): an integrating system subscribes through the
 * generated client, a petition is driven from receipt to its end through the client, and the receiver
 * gets every event of the case once, in order, signed (verified with the `standardwebhooks` package);
 * a receiver that is down gets everything once it is back, once each and in order per case, and a
 * reader catches up from the feed (and its SSE stream) after downtime; a delivery that keeps failing is
 * dead-lettered after the retry period and can be delivered again by hand.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKntcClient, type KntcClient } from '../../clients/typescript/index.js';
import { mintToken } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

const AGENCY = 'so-tnmt';
let api: TestApi;
let admin: KntcClient;
let intake: KntcClient;
let officer: KntcClient;
let reader: KntcClient;

interface Received {
  id: string;
  type: string;
  subject?: string;
  sequence: string;
  data: Record<string, unknown>;
}

/** A webhook receiver on a local port: verifies each request's signature, records the events; can go down and come back on the same port. */
class Receiver {
  server: Server | undefined;
  port = 0;
  secret = '';
  status = 200;
  events: Received[] = [];
  ids: string[] = [];
  badSignatures = 0;
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => {
      this.server!.close(() => r());
      this.server!.closeAllConnections();
    });
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (this.status !== 200) {
      res.writeHead(this.status).end();
      return;
    }
    try {
      const ev = new Webhook(this.secret).verify(body, req.headers as Record<string, string>) as Received;
      expect(req.headers['webhook-id']).toBe(ev.id);
      this.ids.push(ev.id);
      this.events.push(ev);
      res.writeHead(204).end();
    } catch {
      this.badSignatures += 1;
      res.writeHead(400).end();
    }
  }
  ofCase(caseId: string): Received[] {
    return this.events.filter((e) => e.subject === `cases/${caseId}`);
  }
}

beforeAll(async () => {
  // Loopback receivers allowed here only; a short backoff cap so a receiver back up is reached within seconds.
  api = await startTestApi({ worker: true, webhooks: { allowLocalhost: true, maxBackoffS: 1 } });
  admin = createKntcClient(api.url, await mintToken({ roles: ['admin'], agency: AGENCY, sub: 'admin-hooks' }));
  intake = createKntcClient(api.url, await mintToken({ roles: ['intake'], agency: AGENCY, sub: 'clerk-hooks' }));
  officer = createKntcClient(
    api.url,
    await mintToken({
      roles: ['officer'],
      agency: AGENCY,
      sub: 'officer-hooks',
      permissions: ['task-role:letter_officer', 'task-role:resolver'],
    }),
  );
  reader = createKntcClient(api.url, await mintToken({ roles: ['auditor'], agency: AGENCY, sub: 'reader-hooks' }));
}, 300_000);
afterAll(async () => {
  await api?.close();
});

async function until<T>(what: string, f: () => Promise<T | undefined>, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function subscribe(
  r: Receiver,
  body: { eventTypes?: string[]; retryPeriodSeconds?: number } = {},
): Promise<string> {
  const created = await admin.POST('/v1/webhooks', {
    body: { name: 'Cổng dịch vụ công (test)', url: r.url, agencyId: AGENCY, ...body },
  });
  expect(created.response.status, JSON.stringify(created.error)).toBe(201);
  r.secret = created.data!.secret;
  expect(r.secret).toMatch(/^whsec_/);
  return created.data!.id;
}

async function startPetition(): Promise<string> {
  const created = await intake.POST('/v1/cases', {
    body: {
      type: 'petition',
      channel: 'portal',
      receivedAt: new Date().toISOString(),
      agencyId: AGENCY,
      subject: 'Kiến nghị (webhooks)',
    },
    headers: { 'Idempotency-Key': `hooks-${Date.now()}-${Math.random()}` },
  });
  expect(created.response.status, JSON.stringify(created.error)).toBe(201);
  return created.data!.id;
}

/** Claims and completes the case's open task at `nodeId` through the client. */
async function work(caseId: string, nodeId: string, data: Record<string, unknown>): Promise<void> {
  const task = await until(`task ${nodeId}`, async () => {
    const { data: page } = await officer.GET('/v1/tasks', { params: { query: { caseId, status: 'open' } } });
    return page?.items.find((t) => t.kind === 'case' && t.nodeId === nodeId);
  });
  const claimed = await officer.POST('/v1/tasks/{id}/claim', { params: { path: { id: task.id } } });
  expect(claimed.response.status, JSON.stringify(claimed.error)).toBe(200);
  const done = await officer.POST('/v1/tasks/{id}/complete', { params: { path: { id: task.id } }, body: { data } });
  expect(done.response.status, JSON.stringify(done.error)).toBe(200);
}

const today = () => DateTime.now().setZone('Asia/Ho_Chi_Minh').toISODate()!;
const drive = async (caseId: string) => {
  await work(caseId, 'accept', { petitionDecision: 'accept', decidedOn: today() });
  await work(caseId, 'respond', { respondedOn: today(), responseRef: 'CV-9/STNMT', measuresTaken: true });
};

/** The case's events as the feed lists them (typed client), in feed order. */
async function feedOf(caseId: string, after = '0') {
  const out = [];
  let cursor = after;
  for (;;) {
    const { data, error } = await reader.GET('/v1/events', { params: { query: { after: cursor, limit: 500 } } });
    if (error) throw new Error(`GET /v1/events: ${error.status}`);
    out.push(...data.items.filter((e) => e.subject === `cases/${caseId}`));
    if (data.items.length < 500) return { events: out, next: data.next };
    cursor = data.next;
  }
}

const EXPECTED = [
  'vn.kntc.case.started',
  'vn.kntc.task.opened',
  'vn.kntc.task.claimed',
  'vn.kntc.task.completed',
  'vn.kntc.task.opened',
  'vn.kntc.task.claimed',
  'vn.kntc.task.completed',
  'vn.kntc.case.closed',
];

describe('webhooks and the event feed', () => {
  it('delivers a case from start to decision, signed and in order, to a receiver subscribed through the generated client', async () => {
    const rx = new Receiver();
    await rx.start();
    const hook = await subscribe(rx);
    const caseId = await startPetition();
    await drive(caseId);

    const got = await until('every event of the case at the receiver', async () =>
      rx.ofCase(caseId).length >= EXPECTED.length ? rx.ofCase(caseId) : undefined,
    );
    expect(got.map((e) => e.type)).toEqual(EXPECTED);
    expect(rx.badSignatures).toBe(0);
    // Increasing sequences, each event once.
    const seqs = got.map((e) => Number(e.sequence));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
    expect(got[0]!.data).toMatchObject({ caseId, caseType: 'petition', agencyId: AGENCY });
    expect(got[0]!.data.reference).toMatch(/^KNPA-/);
    expect(got[1]!.data).toMatchObject({ taskId: expect.stringContaining(`${caseId}.`), nodeId: 'accept' });
    expect(got[7]!.data).toMatchObject({ status: 'completed', outcome: 'answered' });

    // The feed holds the same events (CloudEvents 1.0), in the same order.
    const feed = await feedOf(caseId);
    expect(feed.events.map((e) => e.id)).toEqual(got.map((e) => e.id));
    expect(feed.events[0]).toMatchObject({
      specversion: '1.0',
      source: `/kntc-flow/agencies/${AGENCY}`,
      datacontenttype: 'application/json',
    });
    expect(feed.events[0]!.time).toMatch(/\+07:00$/);

    // The delivery log through the client: each delivered at the first attempt with a 204.
    const log = await reader.GET('/v1/webhooks/{id}/deliveries', {
      params: { path: { id: hook }, query: { limit: 500 } },
    });
    const mine = log.data!.items.filter((d) => d.caseId === caseId);
    expect(mine.map((d) => d.status)).toEqual(EXPECTED.map(() => 'delivered'));
    expect(mine.every((d) => d.lastStatusCode === 204)).toBe(true);
    expect(mine.map((d) => d.attempts)).toEqual(EXPECTED.map(() => 1));
    // A receiver that answers needs no activity per event: the fast path delivered them all (ADR 0035).
    const history = await api.dev.client.workflow.getHandle(`webhook-${hook}`).fetchHistory();
    const perEvent = (history.events ?? []).filter((e) =>
      ['deliverWebhook', 'deliverWebhookBatch'].includes(
        e.activityTaskScheduledEventAttributes?.activityType?.name ?? '',
      ),
    );
    expect(perEvent).toHaveLength(0);
    await admin.DELETE('/v1/webhooks/{id}', { params: { path: { id: hook } } });
    await rx.stop();
  }, 300_000);

  it('a receiver that is down gets everything once it is back, once each and in order per case; a reader catches up from the feed and its stream', async () => {
    const rx = new Receiver();
    await rx.start();
    const hook = await subscribe(rx);
    // A reader's position before the downtime.
    const { data: before } = await reader.GET('/v1/events', { params: { query: { limit: 1 } } });
    const cursor = before!.head;
    await rx.stop(); // connection refused from now on

    const cases = [await startPetition(), await startPetition()];
    await Promise.all(cases.map((c) => drive(c)));
    // Failed attempts are logged while it is down.
    await until('failed attempts in the delivery log', async () => {
      const { data } = await reader.GET('/v1/webhooks/{id}/deliveries', {
        params: { path: { id: hook }, query: { status: 'pending' } },
      });
      return data!.items.some((d) => d.attempts >= 2 && d.lastError !== null) ? true : undefined;
    });
    expect(rx.events).toHaveLength(0);

    await rx.start(); // back, on the same port
    for (const c of cases) {
      const got = await until(`case ${c} delivered`, async () =>
        rx.ofCase(c).length >= EXPECTED.length ? rx.ofCase(c) : undefined,
      );
      expect(got.map((e) => e.type)).toEqual(EXPECTED);
      const seqs = got.map((e) => Number(e.sequence));
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    }
    // Nothing twice.
    expect(new Set(rx.ids).size).toBe(rx.ids.length);
    expect(rx.badSignatures).toBe(0);
    const first = (
      await reader.GET('/v1/webhooks/{id}/deliveries/{eventSeq}', {
        params: { path: { id: hook, eventSeq: rx.ofCase(cases[0]!)[0]!.sequence } },
      })
    ).data!;
    expect(first.status).toBe('delivered');
    expect(first.attempts).toBeGreaterThanOrEqual(2);
    expect(first.attemptLog[0]!.error).toBe('ECONNREFUSED');
    expect(first.attemptLog[first.attemptLog.length - 1]!.statusCode).toBe(204);

    // The events queued behind the failing first one waited for it (held by the fast path, or handed to the
    // workflow's lane for the case) and went out after it got through: one attempt each, in feed order.
    for (const c of cases) {
      const seqs = rx.ofCase(c).map((e) => Number(e.sequence));
      for (const seq of seqs.slice(1)) {
        const d = (
          await reader.GET('/v1/webhooks/{id}/deliveries/{eventSeq}', {
            params: { path: { id: hook, eventSeq: String(seq) } },
          })
        ).data!;
        expect(d.status).toBe('delivered');
        expect(d.attempts).toBe(1);
      }
    }

    // Catch-up from the feed: everything since the reader's cursor, both cases complete and in order.
    for (const c of cases) {
      const feed = await feedOf(c, cursor);
      expect(feed.events.map((e) => e.type)).toEqual(EXPECTED);
    }
    // And from the SSE stream, resumed with Last-Event-ID.
    const res = await fetch(`${api.url}/v1/events/stream?maxSeconds=2`, {
      headers: {
        authorization: `Bearer ${await mintToken({ roles: ['auditor'], agency: AGENCY, sub: 'sse' })}`,
        'Last-Event-ID': cursor,
      },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const streamed = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as Received);
    for (const c of cases)
      expect(streamed.filter((e) => e.subject === `cases/${c}`).map((e) => e.type)).toEqual(EXPECTED);
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids[0]).toBeGreaterThan(Number(cursor));
    await admin.DELETE('/v1/webhooks/{id}', { params: { path: { id: hook } } });
    await rx.stop();
  }, 300_000);

  it('dead-letters a delivery after its retry period, and delivers it again by hand', async () => {
    const rx = new Receiver();
    rx.status = 500;
    await rx.start();
    const hook = await subscribe(rx, { eventTypes: ['vn.kntc.case.started'], retryPeriodSeconds: 10 });
    const caseId = await startPetition();
    const dead = await until('a dead-lettered delivery', async () => {
      const { data } = await reader.GET('/v1/webhooks/{id}/deliveries', {
        params: { path: { id: hook }, query: { status: 'dead' } },
      });
      return data!.items.find((d) => d.caseId === caseId);
    });
    expect(dead.attempts).toBeGreaterThanOrEqual(2);
    expect(dead.lastStatusCode).toBe(500);

    rx.status = 200;
    // Auditors read the log but may not redeliver.
    const refused = await reader.POST('/v1/webhooks/{id}/deliveries/{eventSeq}/redeliver', {
      params: { path: { id: hook, eventSeq: dead.eventSeq } },
    });
    expect(refused.response.status).toBe(403);
    const again = await admin.POST('/v1/webhooks/{id}/deliveries/{eventSeq}/redeliver', {
      params: { path: { id: hook, eventSeq: dead.eventSeq } },
    });
    expect(again.response.status, JSON.stringify(again.error)).toBe(202);
    const got = await until('the redelivered event', async () =>
      rx.ofCase(caseId).length > 0 ? rx.ofCase(caseId) : undefined,
    );
    expect(got.map((e) => e.id)).toEqual([dead.eventId]);
    // The attempt is logged once the receiver has answered: a moment after it got the event.
    const after = await until('the redelivery logged', async () => {
      const { data } = await reader.GET('/v1/webhooks/{id}/deliveries/{eventSeq}', {
        params: { path: { id: hook, eventSeq: dead.eventSeq } },
      });
      return data!.status === 'delivered' ? data! : undefined;
    });
    expect(after).toMatchObject({ status: 'delivered', rounds: 2, lastStatusCode: 204 });
    expect(after.attemptLog.some((a) => a.round === 2 && a.statusCode === 204)).toBe(true);
    const audit = await api.tdb
      .db('audit_log')
      .where({ action: 'webhook.redelivery_requested' })
      .count<Array<{ n: number }>>('* as n');
    expect(Number(audit[0]!.n)).toBe(1);
    await admin.DELETE('/v1/webhooks/{id}', { params: { path: { id: hook } } });
    await rx.stop();
  }, 300_000);

  it("shows a subscription's URL with its query values masked (a receiver token), and keeps the full URL stored", async () => {
    const url = 'https://receiver.example.vn/hooks/kntc?token=s3cr3t-receiver-token&v=2';
    const created = await admin.POST('/v1/webhooks', {
      body: { name: 'masked', url, agencyId: AGENCY, eventTypes: ['vn.kntc.case.closed'] },
    });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    const id = created.data!.id;
    const masked = 'https://receiver.example.vn/hooks/kntc?token=…&v=…';
    expect(created.data!.url).toBe(masked);
    const one = await reader.GET('/v1/webhooks/{id}', { params: { path: { id } } });
    expect(one.data!.url).toBe(masked);
    const list = await reader.GET('/v1/webhooks', { params: { query: { limit: 200 } } });
    expect(JSON.stringify(list.data)).not.toContain('s3cr3t-receiver-token');
    expect(list.data!.items.find((w) => w.id === id)!.url).toBe(masked);
    const renamed = await admin.PATCH('/v1/webhooks/{id}', { params: { path: { id } }, body: { name: 'masked 2' } });
    expect(renamed.data!.url).toBe(masked);
    const row = await api.tdb.db('webhook_subscriptions').where({ id }).first();
    expect(JSON.stringify(row)).toContain('s3cr3t-receiver-token');
    await admin.DELETE('/v1/webhooks/{id}', { params: { path: { id } } });
  }, 120_000);

  it('refuses non-http(s) and loopback URLs (when not allowed), unknown fields and types; never puts a denouncer in an event', async () => {
    const bad = await admin.POST('/v1/webhooks', { body: { name: 'x', url: 'file:///etc/passwd', agencyId: AGENCY } });
    expect(bad.response.status).toBe(400);
    expect(bad.error!.detail).toMatch(/url: only http and https/);
    const meta = await admin.POST('/v1/webhooks', {
      body: { name: 'x', url: 'http://169.254.169.254/latest', agencyId: AGENCY },
    });
    expect(meta.response.status).toBe(400);
    const type = await admin.POST('/v1/webhooks', {
      body: { name: 'x', url: 'https://a.example.vn/h', agencyId: AGENCY, eventTypes: ['case.started'] },
    });
    expect(type.response.status).toBe(400);
    const feedType = await reader.GET('/v1/events', { params: { query: { type: 'nope' } } });
    expect(feedType.response.status).toBe(400);

    const denouncer = { role: 'denouncer', name: 'Trần Thị Bí Mật', idNumber: '079188001234', phone: '0987654321' };
    const created = await intake.POST('/v1/cases', {
      body: {
        type: 'denunciation',
        channel: 'portal',
        receivedAt: new Date().toISOString(),
        agencyId: AGENCY,
        subject: 'Tố cáo (webhooks)',
        parties: [denouncer as never],
      },
      headers: { 'Idempotency-Key': `hooks-den-${Date.now()}` },
    });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    const caseId = created.data!.id;
    const feed = await until("the denunciation's first events", async () => {
      const f = await feedOf(caseId);
      return f.events.some((e) => e.type === 'vn.kntc.task.opened') ? f : undefined;
    });
    const text = JSON.stringify(feed.events);
    for (const s of [denouncer.name, denouncer.idNumber, denouncer.phone]) expect(text).not.toContain(s);
    const rows = JSON.stringify(await api.tdb.db('events').where({ case_id: caseId }));
    for (const s of [denouncer.name, denouncer.idNumber, denouncer.phone]) expect(rows).not.toContain(s);
  }, 300_000);
});
