/**
 * Webhook delivery (ADR 0026) across continue-as-new: a redelivery signalled while a run drains is carried
 * into the next run in its case's lane, so it stays behind the case's earlier events (per-case order).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redeliverWebhook, type QueuedDelivery, type WebhookDeliveryInput } from '../../workflows/webhook-contract.js';
import { withWorker } from '../support/process.js';
import { timeSkippingEnv } from '../support/temporal.js';

describe('webhookDeliveryWorkflow: redeliveries across continue-as-new', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it("carries a redelivery signalled while draining in its case's lane, after that case's queued event", async () => {
    const delivered: number[] = [];
    let started!: () => void;
    const firstStarted = new Promise<void>((r) => {
      started = r;
    });
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const activities = {
      async deliverWebhook(d: { seq: number }) {
        if (d.seq === 1) {
          started();
          await released;
        }
        delivered.push(d.seq);
        return { statusCode: 204 };
      },
      // A lane sends its queued events in one call (ADR 0026): seq 1 holds the batch in flight.
      async deliverWebhookBatch(b: { seqs: number[] }) {
        for (const seq of b.seqs) {
          if (seq === 1) {
            started();
            await released;
          }
          delivered.push(seq);
        }
        return { done: b.seqs.length };
      },
      async markWebhookDead() {
        /* nothing dies here */
      },
      async awaitWebhookEvents(q: { after: number }) {
        await new Promise((r) => setTimeout(r, 50));
        return { deleted: false, events: [], scannedUpTo: q.after };
      },
      async pumpWebhookEvents(q: { after: number }) {
        await new Promise((r) => setTimeout(r, 50));
        return { deleted: false, scannedUpTo: q.after, delivered: 0, handover: [] };
      },
      async webhookEventLane(d: { seq: number }) {
        return d.seq === 7 ? 'case-A' : '_';
      },
      // A redelivery taken on between two windows (kntc-webhook-redelivery-lane-v1): waiting, its case's lane.
      async claimWebhookRedelivery(d: { seq: number }) {
        return d.seq === 7 ? 'case-A' : '_';
      },
    };
    await withWorker(env, activities, async (taskQueue) => {
      const input: WebhookDeliveryInput = {
        subscriptionId: 'wh_0000000000000001',
        after: 10,
        retryPeriodSeconds: 60,
        maxBackoffSeconds: 5,
        pollWaitMs: 10,
        pending: [
          { seq: 1, lane: 'case-A' },
          { seq: 2, lane: 'case-A' },
        ],
        historyLimit: 0, // drain at once: seq 1 is in flight, seq 2 queued
      };
      const h = await env.client.workflow.start('webhookDeliveryWorkflow', {
        taskQueue,
        workflowId: `webhook-lanes-${Date.now()}`,
        args: [input],
      });
      await firstStarted;
      await h.signal(redeliverWebhook, { seq: 7 });
      release();
      const first = env.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId);
      const carried = await (async () => {
        for (let i = 0; i < 200; i++) {
          const hist = await first.fetchHistory();
          const can = hist.events?.find(
            (e) => e.workflowExecutionContinuedAsNewEventAttributes,
          )?.workflowExecutionContinuedAsNewEventAttributes;
          if (can) return defaultPayloadConverter.fromPayload<WebhookDeliveryInput>(can.input!.payloads![0]!);
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('the first run did not continue as new');
      })();
      const pending: QueuedDelivery[] = carried.pending ?? [];
      // The redelivery keeps its case's lane, after whatever of that case was still queued.
      expect(pending.at(-1)).toEqual({ seq: 7, lane: 'case-A', redelivery: true });
      expect(pending.every((p) => p.lane === 'case-A')).toBe(true);
      await h.terminate('test over');
    });
  }, 120_000);

  it('retries what the fast path handed back in its lane, then sends the lane on in order; busy lanes stay with it', async () => {
    const calls: string[] = [];
    const busySeen: string[][] = [];
    let pumps = 0;
    const activities = {
      async pumpWebhookEvents(q: { after: number; busyLanes: string[] }) {
        pumps += 1;
        busySeen.push(q.busyLanes);
        if (pumps === 1)
          // seq 11 of case-A failed its first attempt; 12 was held behind it; case-B went through in the activity.
          return {
            deleted: false,
            scannedUpTo: 13,
            delivered: 1,
            handover: [
              { seq: 11, lane: 'case-A', failed: { reason: 'WebhookAttemptFailed: HTTP 503', retryable: true } },
              { seq: 12, lane: 'case-A' },
            ],
          };
        if (pumps === 2)
          return { deleted: false, scannedUpTo: 14, delivered: 0, handover: [{ seq: 14, lane: 'case-A' }] };
        await new Promise((r) => setTimeout(r, 50));
        return { deleted: false, scannedUpTo: q.after, delivered: 0, handover: [] };
      },
      async deliverWebhook(d: { seq: number; priorAttempts?: number }) {
        calls.push(`retry ${d.seq} after ${d.priorAttempts}`);
        return { statusCode: 204 };
      },
      async deliverWebhookBatch(b: { seqs: number[] }) {
        calls.push(`batch ${b.seqs.join(',')}`);
        return { done: b.seqs.length };
      },
      async markWebhookDead() {
        calls.push('dead');
      },
      async awaitWebhookEvents(q: { after: number }) {
        calls.push('polled');
        return { deleted: false, events: [], scannedUpTo: q.after };
      },
      async webhookEventLane() {
        return '_';
      },
    };
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('webhookDeliveryWorkflow', {
        taskQueue,
        workflowId: `webhook-fast-${Date.now()}`,
        args: [{ subscriptionId: 'wh_0000000000000002', after: 10, retryPeriodSeconds: 60, maxBackoffSeconds: 5 }],
      });
      for (let i = 0; i < 200 && calls.filter((c) => c.startsWith('batch')).length < 1; i++)
        await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 100 && !calls.join(' ').includes('14'); i++) await new Promise((r) => setTimeout(r, 50));
      await h.terminate('test over');
    });
    // 11 retried alone (its first attempt was the fast path's), then 12 and 14 in order, never 12 before 11.
    expect(calls[0]).toBe('retry 11 after 1');
    expect(calls.slice(1).join(' ')).toMatch(/^batch 12(,14| batch 14)/);
    expect(calls).not.toContain('polled');
    // While case-A's lane held events, the next read was told so (its events come back instead of going out).
    expect(busySeen[1]).toEqual(['case-A']);
  }, 120_000);

  it('leaves a redelivery signalled during an open window to that window; takes on after it only what it did not send', async () => {
    const calls: string[] = [];
    let pumps = 0;
    let endWindow!: () => void;
    const windowEnded = new Promise<void>((r) => {
      endWindow = r;
    });
    const activities = {
      async pumpWebhookEvents(q: { after: number; waitMs: number; takeRedeliveries?: boolean }) {
        pumps += 1;
        calls.push(`pump ${q.waitMs} ${q.takeRedeliveries === true}`);
        if (pumps === 1)
          await windowEnded; // a long window: open until the test ends it
        else await new Promise((r) => setTimeout(r, 50));
        return { deleted: false, scannedUpTo: q.after, delivered: 0, handover: [] };
      },
      async deliverWebhook() {
        return { statusCode: 204 };
      },
      async deliverWebhookBatch(b: { seqs: number[] }) {
        calls.push(`batch ${b.seqs.join(',')}`);
        return { done: b.seqs.length };
      },
      async markWebhookDead() {},
      async awaitWebhookEvents(q: { after: number }) {
        return { deleted: false, events: [], scannedUpTo: q.after };
      },
      async webhookEventLane() {
        calls.push('lane (unclaimed)');
        return 'case-R';
      },
      // The window sent seq 4 (no longer waiting); seq 5 was not sent and is taken on here.
      async claimWebhookRedelivery(d: { seq: number; upTo: number }) {
        calls.push(`claim ${d.seq} upTo ${d.upTo}`);
        return d.seq === 5 ? 'case-R' : null;
      },
    };
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('webhookDeliveryWorkflow', {
        taskQueue,
        workflowId: `webhook-redeliver-${Date.now()}`,
        args: [{ subscriptionId: 'wh_0000000000000003', after: 10, retryPeriodSeconds: 60, maxBackoffSeconds: 5 }],
      });
      for (let i = 0; i < 200 && pumps === 0; i++) await new Promise((r) => setTimeout(r, 50));
      await h.signal(redeliverWebhook, { seq: 4 });
      await h.signal(redeliverWebhook, { seq: 5 });
      // The workflow has handled both signals (a query is answered after them) and started nothing of its own.
      await h.query('__stack_trace');
      await new Promise((r) => setTimeout(r, 500));
      expect(calls).toEqual(['pump 120000 true']);
      endWindow();
      for (let i = 0; i < 200 && !calls.includes('batch 5'); i++) await new Promise((r) => setTimeout(r, 50));
      await h.terminate('test over');
    });
    // New runs read in long windows (kntc-webhook-pump-window-v2) that take redeliveries on themselves.
    expect(calls[0]).toBe('pump 120000 true');
    expect(calls.filter((c) => !c.startsWith('pump')).slice(0, 3)).toEqual([
      'claim 4 upTo 10',
      'claim 5 upTo 10',
      'batch 5',
    ]);
    expect(calls).not.toContain('lane (unclaimed)');
    expect(calls).not.toContain('batch 4');
  }, 120_000);
  it('takes on, before its first window, a redelivery still waiting when it was started from the database', async () => {
    const calls: string[] = [];
    const activities = {
      async pumpWebhookEvents(q: { after: number }) {
        calls.push('pump');
        await new Promise((r) => setTimeout(r, 50));
        return { deleted: false, scannedUpTo: q.after, delivered: 0, handover: [] };
      },
      async deliverWebhook() {
        return { statusCode: 204 };
      },
      async deliverWebhookBatch(b: { seqs: number[] }) {
        calls.push(`batch ${b.seqs.join(',')}`);
        return { done: b.seqs.length };
      },
      async markWebhookDead() {},
      async awaitWebhookEvents(q: { after: number }) {
        return { deleted: false, events: [], scannedUpTo: q.after };
      },
      async webhookEventLane() {
        return 'case-W';
      },
      async claimWebhookRedelivery(d: { seq: number }) {
        calls.push(`claim ${d.seq}`);
        return 'case-W';
      },
    };
    await withWorker(env, activities, async (taskQueue) => {
      const h = await env.client.workflow.start('webhookDeliveryWorkflow', {
        taskQueue,
        workflowId: `webhook-waiting-${Date.now()}`,
        args: [
          {
            subscriptionId: 'wh_0000000000000004',
            after: 10,
            retryPeriodSeconds: 60,
            maxBackoffSeconds: 5,
            pending: [
              { seq: 2, lane: 'case-W' },
              { seq: 3, lane: 'case-W', waiting: true },
            ],
          },
        ],
      });
      for (let i = 0; i < 200 && !calls.some((c) => c.startsWith('batch')); i++)
        await new Promise((r) => setTimeout(r, 50));
      await h.terminate('test over');
    });
    // Claimed (the request cleared: no window sends it too) before the first window; sent once, in its lane.
    expect(calls.indexOf('claim 3')).toBe(0);
    expect(calls.filter((c) => c.startsWith('batch'))[0]).toBe('batch 2,3');
  }, 120_000);
});
