/**
 * A manual redelivery requested while a fast-path window is open (ADR 0026, session-8 amendment), on the real
 * stack: the API, the Temporal dev server, a case worker, PostgreSQL and a real HTTP receiver that holds every
 * request of one case until the test lets it go (a barrier, not a delay).
 *
 * The race this guards against: the delivery workflow used to take the redelivery on at once, in a lane of its
 * own, while the fast-path activity was still delivering that case's events — two requests of one case in flight
 * at the receiver, and the redelivered event arriving between the case's later events. Now the redelivery joins
 * the end of the case's lane in the fast path (or, if the window ended first, the workflow's lane once it has):
 * one request of a case at a time, the redelivered event after the case's events already queued.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKntcClient, type KntcClient } from '../../clients/typescript/index.js';
import { appendEvents } from '../../db/events.js';
import { mintToken } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

const AGENCY = 'so-tnmt';
let api: TestApi;
let admin: KntcClient;

/** A receiver that can hold one case's requests open: counts how many of that case are in flight at once. */
class Receiver {
  server!: Server;
  secret = '';
  /** Completed requests (2xx answered), in the order they were answered. */
  answered: Array<{ id: string; seq: number; caseId: string }> = [];
  /** Requests that arrived, in arrival order. */
  arrived: Array<{ id: string; seq: number; caseId: string }> = [];
  inFlight = new Map<string, number>();
  maxInFlight = new Map<string, number>();
  badSignatures = 0;
  /** The case whose requests are held until {@link release}. */
  holding: string | undefined;
  private held: Array<() => void> = [];
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }
  async stop(): Promise<void> {
    this.release();
    await new Promise<void>((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
  /** Answers the held requests and holds no more. */
  release(): void {
    this.holding = undefined;
    for (const go of this.held.splice(0)) go();
  }
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let ev: { id: string; sequence: string; data: { caseId: string } };
    try {
      ev = new Webhook(this.secret).verify(body, req.headers as Record<string, string>) as typeof ev;
    } catch {
      this.badSignatures += 1;
      res.writeHead(400).end();
      return;
    }
    const a = { id: ev.id, seq: Number(ev.sequence), caseId: ev.data.caseId };
    this.arrived.push(a);
    const n = (this.inFlight.get(a.caseId) ?? 0) + 1;
    this.inFlight.set(a.caseId, n);
    this.maxInFlight.set(a.caseId, Math.max(n, this.maxInFlight.get(a.caseId) ?? 0));
    if (this.holding === a.caseId) await new Promise<void>((r) => this.held.push(r));
    this.inFlight.set(a.caseId, this.inFlight.get(a.caseId)! - 1);
    this.answered.push(a);
    res.writeHead(204).end();
  }
}

beforeAll(async () => {
  api = await startTestApi({ worker: true, webhooks: { allowLocalhost: true, maxBackoffS: 1 } });
  admin = createKntcClient(api.url, await mintToken({ roles: ['admin'], agency: AGENCY, sub: 'admin-race' }));
}, 300_000);
afterAll(async () => {
  await api?.close();
});

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Records events of `caseId` in one transaction; answers their seqs. */
const record = (caseId: string, n: number): Promise<number[]> =>
  api.tdb.appDb.transaction((trx) =>
    appendEvents(
      trx,
      Array.from({ length: n }, (_x, i) => ({
        type: 'vn.kntc.test.redelivery_race',
        caseId,
        agencyId: AGENCY,
        time: new Date().toISOString(),
        data: { caseId, i },
      })),
    ),
  );

/**
 * The workflow has handled the redelivery signal and has nothing of its own under way: the signal is in its
 * history followed by a completed workflow task, no workflow task is pending, and no activity but the fast
 * path's window is scheduled. (Had it started a delivery of its own, that activity would be pending.)
 */
async function workflowSettledAfterSignal(workflowId: string): Promise<boolean> {
  const h = api.dev.client.workflow.getHandle(workflowId);
  const events = (await h.fetchHistory()).events ?? [];
  const signalled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
  if (signalled < 0) return false;
  const lastDone = events.map((e) => Boolean(e.workflowTaskCompletedEventAttributes)).lastIndexOf(true);
  if (lastDone < signalled) return false;
  if (events.slice(lastDone + 1).some((e) => e.workflowTaskScheduledEventAttributes)) return false;
  const d = await h.describe();
  const pending = d.raw.pendingActivities ?? [];
  return pending.every((a) => a.activityType?.name === 'pumpWebhookEvents');
}

describe('webhooks: a manual redelivery during an open fast-path window', () => {
  it("never runs beside the fast path on its case's lane: one request of the case at a time, after its queued events", async () => {
    const rx = new Receiver();
    await rx.start();
    const created = await admin.POST('/v1/webhooks', {
      body: { name: 'Redelivery race (test)', url: rx.url, agencyId: AGENCY },
    });
    expect(created.response.status, JSON.stringify(created.error)).toBe(201);
    rx.secret = created.data!.secret;
    const hook = created.data!.id;
    const caseId = `case-race-${Date.now()}`;

    // e1 goes out on the fast path and is delivered.
    const [e1] = await record(caseId, 1);
    await until('e1 delivered', () => (rx.answered.some((a) => a.seq === e1) ? true : undefined));
    await until('e1 logged', async () => {
      const d = await api.tdb.appDb('webhook_deliveries').where({ subscription_id: hook, event_seq: e1 }).first();
      return d?.status === 'delivered' ? true : undefined;
    });

    // From now on the receiver holds the case's requests: e2 is in flight, e3 waits behind it in the lane.
    rx.holding = caseId;
    const [e2, e3] = await record(caseId, 2);
    await until('e2 in flight', () => (rx.arrived.some((a) => a.seq === e2) ? true : undefined));

    // A redelivery of e1, while the window that is sending e2 is still open.
    const redo = await admin.POST('/v1/webhooks/{id}/deliveries/{eventSeq}/redeliver', {
      params: { path: { id: hook, eventSeq: String(e1) } },
    });
    expect(redo.response.status, JSON.stringify(redo.error)).toBe(202);

    // Either the race shows (a second request of the case arrives while e2 is held), or the workflow has
    // handled the signal without starting a delivery of its own.
    await until(
      'the redelivery handled',
      async () =>
        (rx.inFlight.get(caseId) ?? 0) > 1 || (await workflowSettledAfterSignal(`webhook-${hook}`)) ? true : undefined,
      1200,
    );
    // The fast path looks for redeliveries once a second: give it the chance to (wrongly) start one.
    await new Promise((r) => setTimeout(r, 1500));
    expect(rx.maxInFlight.get(caseId)).toBe(1);
    expect(rx.arrived.map((a) => a.seq)).toEqual([e1, e2]);

    rx.release();
    await until('e1 redelivered', () => (rx.answered.filter((a) => a.seq === e1).length === 2 ? true : undefined));
    // In order, one at a time: the redelivery joined the end of the case's lane, behind e2 and e3.
    expect(rx.answered.map((a) => a.seq)).toEqual([e1, e2, e3, e1]);
    expect(rx.maxInFlight.get(caseId)).toBe(1);
    expect(rx.badSignatures).toBe(0);
    const d1 = await until('the redelivery logged', async () => {
      const d = await api.tdb.appDb('webhook_deliveries').where({ subscription_id: hook, event_seq: e1 }).first();
      return d?.status === 'delivered' && d.rounds === 2 ? d : undefined;
    });
    expect(d1.attempts).toBe(2);
    expect(d1.redelivery_round).toBeNull(); // taken on by the fast path: the workflow has nothing to take

    const rounds = await api.tdb
      .appDb('webhook_attempts')
      .where({ subscription_id: hook, event_seq: e1 })
      .orderBy('id')
      .pluck('round');
    expect(rounds).toEqual([1, 2]);
    await admin.DELETE('/v1/webhooks/{id}', { params: { path: { id: hook } } });
    await rx.stop();
  }, 300_000);
});
