/**
 * The webhook fast path (`pumpWebhookEvents`, ADR 0026 session-7 amendment) on real PostgreSQL with a real
 * HTTP receiver verifying every signature, run as the activity it is (Temporal's mock activity context for
 * heartbeats and retries): events of several cases are recorded while windows end and start again.
 *
 * - Per-case order across window boundaries: a window ends with events not started; the next one reads them
 *   again (the feed position rewound) and skips what was delivered: each event once, in order per case.
 * - A receiver failing (or slow) for one case does not hold the others; the failing case's events are held
 *   behind the failure and handed to the workflow, the failed one first, with its failure.
 * - A case the workflow holds is held until the workflow settled it, then delivered here, in order.
 * - A crash mid-window (the activity's database gone) loses nothing: the retry resumes at the last heartbeat's
 *   position and repeats only attempts not logged at the crash, with the same webhook-id.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookActivities } from '../../activities/webhooks.js';
import { appendEvents } from '../../db/events.js';
import { createDb } from '../../db/knex.js';
import { createWebhookStore } from '../../db/webhooks.js';
import type { PiiKeyring } from '../../platform/pii.js';
import { testPii } from '../support/auth.js';
import { createTestDb, type TestDb } from '../support/db.js';

const AGENCY = 'so-tnmt';
let tdb: TestDb;
let pii: PiiKeyring;

interface Arrival {
  id: string;
  seq: number;
  caseId: string;
}

/** A receiver: verifies signatures, records arrivals; per-case answers (status, delay) can be set. */
class Receiver {
  server!: Server;
  secret = '';
  arrivals: Arrival[] = [];
  badSignatures = 0;
  statusFor = new Map<string, number>();
  delayFor = new Map<string, number>();
  delayAll = 0;
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let ev: { id: string; sequence: string; data: { caseId: string } };
        try {
          ev = new Webhook(this.secret).verify(body, req.headers as Record<string, string>) as typeof ev;
        } catch {
          this.badSignatures += 1;
          res.writeHead(400).end();
          return;
        }
        const caseId = ev.data.caseId;
        const status = this.statusFor.get(caseId) ?? 204;
        const delay = this.delayFor.get(caseId) ?? Math.random() * this.delayAll;
        setTimeout(() => {
          if (status < 300) this.arrivals.push({ id: ev.id, seq: Number(ev.sequence), caseId });
          res.writeHead(status).end();
        }, delay);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
  /** First arrivals of a case's events, as seqs, in arrival order. */
  firstSeqs(caseId: string): number[] {
    const seen = new Set<string>();
    const out: number[] = [];
    for (const a of this.arrivals)
      if (a.caseId === caseId && !seen.has(a.id)) {
        seen.add(a.id);
        out.push(a.seq);
      }
    return out;
  }
  duplicates(): string[] {
    const seen = new Set<string>();
    return this.arrivals.flatMap((a) => (seen.has(a.id) ? [a.id] : (seen.add(a.id), [])));
  }
}

beforeAll(async () => {
  tdb = await createTestDb();
  pii = testPii();
}, 120_000);
afterAll(async () => {
  await tdb?.drop();
});

async function subscribe(rx: Receiver): Promise<string> {
  const { record, secret } = await createWebhookStore(tdb.appDb).create(
    { name: 'fast path', url: rx.url, eventTypes: [], agencyId: AGENCY, retryPeriodSeconds: 3600, createdBy: 't' },
    pii,
  );
  rx.secret = secret;
  return record.id;
}

/** Records one event of each case in `cases` (one transaction), answers their seqs. */
async function record(cases: string[], n: number): Promise<number[]> {
  return tdb.appDb.transaction((trx) =>
    appendEvents(
      trx,
      cases.map((caseId) => ({
        type: 'vn.kntc.test.fast_path',
        caseId,
        agencyId: AGENCY,
        time: new Date().toISOString(),
        data: { caseId, n },
      })),
    ),
  );
}

const activities = (db = tdb.appDb) =>
  createWebhookActivities({ db, pinKeys: pii, allowLocalhost: true, requestTimeoutMs: 5000 });

type Pump = ReturnType<typeof activities>['pumpWebhookEvents'];
type PumpInput = Parameters<Pump>[0];

/** Runs the fast path as an activity in `env` (heartbeats, attempt number, details of the previous attempt). */
const runPump = (env: MockActivityEnvironment, pump: Pump, input: PumpInput) =>
  env.run(pump, input) as ReturnType<Pump>;

describe('webhook fast path (pumpWebhookEvents)', () => {
  it('keeps per-case order across window ends that leave events not started, each event once', async () => {
    const rx = new Receiver();
    rx.delayAll = 40; // attempts take a while: windows end with lanes still queued
    await rx.start();
    const sub = await subscribe(rx);
    const acts = activities();
    const cases = ['case-o1', 'case-o2', 'case-o3', 'case-o4', 'case-o5'];
    const head = await tdb.appDb('event_head').first<{ last_seq: string }>('last_seq');
    let after = Number(head!.last_seq);
    const seqs: number[] = [];
    let rewinds = 0;
    const writer = (async () => {
      for (let n = 0; n < 30; n++) {
        seqs.push(...(await record(cases, n)));
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    // Short windows, few lanes at once: most windows end with queued events a free lane had not started.
    for (let w = 0; w < 400; w++) {
      const r = await runPump(new MockActivityEnvironment(), acts.pumpWebhookEvents, {
        subscriptionId: sub,
        after,
        busyLanes: [],
        waitMs: 150,
        concurrency: 2,
      });
      expect(r.handover).toEqual([]);
      expect(r.scannedUpTo).toBeGreaterThanOrEqual(after);
      const { rows } = await tdb.appDb.raw<{ rows: Array<{ m: string | null }> }>(
        'SELECT max(event_seq) AS m FROM webhook_deliveries WHERE subscription_id = ?',
        [sub],
      );
      if (Number(rows[0]!.m ?? 0) > r.scannedUpTo) rewinds += 1;
      after = r.scannedUpTo;
      if (seqs.length === 150 && new Set(rx.arrivals.map((a) => a.id)).size === 150) break;
    }
    await writer;
    expect(rewinds).toBeGreaterThan(0); // the case this test is about happened
    expect(new Set(rx.arrivals.map((a) => a.id)).size).toBe(150);
    expect(rx.duplicates()).toEqual([]);
    expect(rx.badSignatures).toBe(0);
    for (const c of cases) {
      const got = rx.firstSeqs(c);
      expect(got).toHaveLength(30);
      expect(got).toEqual([...got].sort((a, b) => a - b));
    }
    const delivered = await tdb.appDb('webhook_deliveries').where({ subscription_id: sub, status: 'delivered' });
    expect(delivered).toHaveLength(150);
    expect(delivered.every((d: { attempts: number }) => d.attempts === 1)).toBe(true);
    await rx.stop();
  }, 120_000);

  it('a failing or slow receiver for one case holds neither the others nor the window; the failing case goes to the workflow in order', async () => {
    const rx = new Receiver();
    rx.statusFor.set('case-bad', 503);
    rx.delayFor.set('case-slow', 1500);
    await rx.start();
    const sub = await subscribe(rx);
    const acts = activities();
    const head = Number((await tdb.appDb('event_head').first<{ last_seq: string }>('last_seq'))!.last_seq);
    const bad: number[] = [];
    const good: number[] = [];
    const slow: number[] = [];
    for (let n = 0; n < 3; n++) {
      const [s, b, g] = await record(['case-slow', 'case-bad', 'case-good'], n);
      slow.push(s!);
      bad.push(b!);
      good.push(g!);
    }
    const t0 = Date.now();
    const r = await runPump(new MockActivityEnvironment(), acts.pumpWebhookEvents, {
      subscriptionId: sub,
      after: head,
      busyLanes: [],
      waitMs: 60_000,
    });
    // The failure ended the window soon (not 60 s), after the slow attempt in flight finished.
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(rx.firstSeqs('case-good')).toEqual(good);
    // The slow case's first event was in flight when the good case's went through.
    const firstSlow = rx.arrivals.findIndex((a) => a.caseId === 'case-slow');
    const lastGood = rx.arrivals.map((a) => a.caseId).lastIndexOf('case-good');
    expect(firstSlow === -1 || lastGood < firstSlow).toBe(true);
    // The failing case: its first event failed, the others were never sent, all handed over in order.
    expect(rx.firstSeqs('case-bad')).toEqual([]);
    const mine = r.handover.filter((h) => h.lane === 'case-bad');
    expect(mine.map((h) => h.seq)).toEqual(bad.filter((s) => s <= r.scannedUpTo));
    expect(mine[0]).toMatchObject({
      seq: bad[0],
      failed: { reason: 'WebhookAttemptFailed: HTTP 503', retryable: true },
    });
    expect(mine.slice(1).every((h) => h.failed === undefined)).toBe(true);
    const attempts = await tdb.appDb('webhook_attempts').where({ subscription_id: sub }).whereIn('event_seq', bad);
    expect(attempts.map((a: { event_seq: string }) => Number(a.event_seq))).toEqual([bad[0]]);
    // Nothing of the other cases is handed over; what was not started is read again by the next window.
    expect(r.handover.every((h) => h.lane === 'case-bad')).toBe(true);
    await rx.stop();
  }, 120_000);

  it('holds a case the workflow holds until the workflow settled it, then delivers its events here, in order', async () => {
    const rx = new Receiver();
    await rx.start();
    const sub = await subscribe(rx);
    const acts = activities();
    // The workflow holds the case's earlier event (a pending delivery at or below the position it passes).
    const [held] = await record(['case-busy'], 0);
    await tdb.appDb('webhook_deliveries').insert({ subscription_id: sub, event_seq: held, status: 'pending' });
    const run = runPump(new MockActivityEnvironment(), acts.pumpWebhookEvents, {
      subscriptionId: sub,
      after: held!,
      busyLanes: ['case-busy'],
      waitMs: 12_000,
    });
    const later = [...(await record(['case-busy'], 1)), ...(await record(['case-busy'], 2))];
    const [free] = await record(['case-free'], 0);
    for (let i = 0; i < 50 && rx.firstSeqs('case-free').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1500));
    // Held while the workflow's delivery is pending; the other case went out.
    expect(rx.firstSeqs('case-free')).toEqual([free]);
    expect(rx.firstSeqs('case-busy')).toEqual([]);
    // The workflow delivers its event (as its retry would): the case is free, its later events go from here.
    await tdb
      .appDb('webhook_deliveries')
      .where({ subscription_id: sub, event_seq: held })
      .update({ status: 'delivered', delivered_at: tdb.appDb.fn.now() });
    for (let i = 0; i < 60 && rx.firstSeqs('case-busy').length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(rx.firstSeqs('case-busy')).toEqual(later);
    const r = await run;
    expect(r.handover).toEqual([]);
    expect(r.delivered).toBe(3);
    await rx.stop();
  }, 60_000);

  it('takes a redelivery requested meanwhile on at the end of its case lane; leaves one of a held case waiting', async () => {
    const rx = new Receiver();
    await rx.start();
    const sub = await subscribe(rx);
    const acts = activities();
    const store = createWebhookStore(tdb.appDb);
    const head = Number((await tdb.appDb('event_head').first<{ last_seq: string }>('last_seq'))!.last_seq);
    const [r1, h1] = await record(['case-r', 'case-h'], 0);
    // Both delivered once by a first window.
    await runPump(new MockActivityEnvironment(), acts.pumpWebhookEvents, {
      subscriptionId: sub,
      after: head,
      busyLanes: [],
      waitMs: 1500,
    });
    expect(rx.firstSeqs('case-r')).toEqual([r1]);
    expect(rx.firstSeqs('case-h')).toEqual([h1]);
    // The workflow holds a later event of case-h (a pending delivery at or below the position it passes).
    const [held] = await record(['case-h'], 1);
    await tdb.appDb('webhook_deliveries').insert({ subscription_id: sub, event_seq: held, status: 'pending' });
    // Both redelivered by hand.
    await store.reopen(sub, r1!);
    await store.reopen(sub, h1!);
    const run = runPump(new MockActivityEnvironment(), acts.pumpWebhookEvents, {
      subscriptionId: sub,
      after: held!,
      busyLanes: ['case-h'],
      waitMs: 3000,
      takeRedeliveries: true,
    });
    for (let i = 0; i < 100 && rx.arrivals.filter((a) => a.seq === r1).length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    const [r2] = await record(['case-r'], 1);
    const r = await run;
    expect(r.handover).toEqual([]);
    expect(rx.arrivals.filter((a) => a.caseId === 'case-r').map((a) => a.seq)).toEqual([r1, r1, r2]);
    expect(rx.arrivals.filter((a) => a.caseId === 'case-h').map((a) => a.seq)).toEqual([h1]);
    const rows = await tdb.appDb('webhook_deliveries').where({ subscription_id: sub }).whereIn('event_seq', [r1!, h1!]);
    const by = new Map(rows.map((d: { event_seq: string }) => [Number(d.event_seq), d]));
    // Delivered in its round, no longer waiting; the held case's is still waiting (the workflow's to take).
    expect(by.get(r1!)).toMatchObject({ status: 'delivered', rounds: 2, attempts: 2, redelivery_round: null });
    expect(by.get(h1!)).toMatchObject({ status: 'pending', rounds: 2, redelivery_round: 2 });
    expect(await acts.claimWebhookRedelivery({ subscriptionId: sub, seq: h1!, upTo: r.scannedUpTo })).toBe('case-h');
    expect(await acts.claimWebhookRedelivery({ subscriptionId: sub, seq: h1!, upTo: r.scannedUpTo })).toBeNull();
    expect(await acts.claimWebhookRedelivery({ subscriptionId: sub, seq: r1!, upTo: r.scannedUpTo })).toBeNull();
    await rx.stop();
  }, 60_000);

  it('a crash mid-window loses nothing: the retry resumes at the last heartbeat and repeats only attempts not logged', async () => {
    const rx = new Receiver();
    // Slow enough (≈ 100 ms an answer, three at once: 60 events take ≈ 2 s) that the crash below comes mid-window
    // even on a loaded machine.
    rx.delayAll = 200;
    await rx.start();
    const sub = await subscribe(rx);
    const cases = ['case-c1', 'case-c2', 'case-c3'];
    const start = Number((await tdb.appDb('event_head').first<{ last_seq: string }>('last_seq'))!.last_seq);
    const all: number[] = [];
    for (let n = 0; n < 20; n++) all.push(...(await record(cases, n)));
    // Attempt 1 on its own connection pool, which "crashes" (is destroyed) once a few events went out.
    const crashDb = createDb(tdb.appUrl, { max: 3 });
    const first = new MockActivityEnvironment({ attempt: 1 });
    let lastBeat: { after: number } | undefined;
    first.on('heartbeat', (d: unknown) => {
      lastBeat = d as { after: number };
    });
    const input: PumpInput = { subscriptionId: sub, after: start, busyLanes: [], waitMs: 30_000, concurrency: 3 };
    const crashed = runPump(first, activities(crashDb).pumpWebhookEvents, input).then(
      () => undefined,
      (e: Error) => e,
    );
    for (let i = 0; i < 3000 && rx.arrivals.length < 15; i++) await new Promise((r) => setTimeout(r, 10));
    await crashDb.destroy();
    expect(await crashed).toBeInstanceOf(Error);
    const beforeRetry = rx.arrivals.length;
    expect(beforeRetry).toBeGreaterThan(0);
    expect(beforeRetry).toBeLessThan(60);
    // Temporal retries it with the last heartbeat's details (the receiver quick again).
    rx.delayAll = 5;
    const second = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: lastBeat });
    const r = await runPump(second, activities().pumpWebhookEvents, { ...input, waitMs: 1500 });
    expect(r.handover).toEqual([]);
    expect(new Set(rx.arrivals.map((a) => a.seq))).toEqual(new Set(all));
    for (const c of cases) {
      const got = rx.firstSeqs(c);
      expect(got).toEqual([...got].sort((a, b) => a - b));
      expect(got).toHaveLength(20);
    }
    // Only what was sent after the last heartbeat's position (in flight or not yet logged) came twice.
    const dup = rx.arrivals.filter((a) => rx.duplicates().includes(a.id));
    expect(dup.every((a) => a.seq > (lastBeat?.after ?? start))).toBe(true);
    expect(new Set(rx.duplicates()).size).toBeLessThanOrEqual(beforeRetry);
    expect(rx.badSignatures).toBe(0);
    await rx.stop();
  }, 120_000);
});
