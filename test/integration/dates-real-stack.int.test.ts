/**
 * Issue 10 item 1 on the real stack (API, dev server, worker, PostgreSQL; ADR 0017): the
 * reproduction — acceptance dated before the receipt — answers 422 naming the field and the rule,
 * nothing enters the case, and the case stays consistent; then a smaller property run than the pure
 * one (test/unit/builtin/dates.property.test.ts): random dates decades back to decades ahead on the
 * acceptance form and on legal events end in a 4xx or a case the workflow still answers for.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, VN_ZONE } from '../../workflows/clock/index.js';
import { authHeader } from '../support/auth.js';
import { apiCaller, startTestApi, type Json, type TestApi } from '../support/api.js';

let api: TestApi;
let officer: Record<string, string>;
const call = apiCaller(() => api.url);
const TODAY = DateTime.now().setZone(VN_ZONE).toISODate()!;
const RECEIVED = addDays(TODAY, -12);

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  officer = await authHeader({ roles: ['officer'], agency: 'so-tnmt' });
});
afterAll(async () => {
  await api?.close();
});

async function complaint(): Promise<{ caseId: string; acceptTask: string }> {
  const admin = await authHeader({ roles: ['admin'], agency: 'so-tnmt' });
  const r = await call('POST', '/v1/cases', admin, {
    type: 'complaint_first',
    channel: 'portal',
    receivedAt: `${RECEIVED}T09:00:00+07:00`,
    agencyId: 'so-tnmt',
    subject: 'Khiếu nại',
  });
  expect(r.status, r.text).toBe(201);
  const caseId = String(r.json.id);
  for (let i = 0; i < 300; i++) {
    const items = ((await call('GET', `/v1/tasks?caseId=${caseId}`, officer)).json.items ?? []) as Array<{
      id: string;
      nodeId: string;
    }>;
    const accept = items.find((t) => t.nodeId === 'accept');
    if (accept) return { caseId, acceptTask: accept.id };
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`case ${caseId}: no accept task`);
}

/** The workflow still answers and its live state matches what was accepted. */
async function consistent(caseId: string): Promise<Json> {
  const live = await call('GET', `/v1/cases/${caseId}?consistent=true`, officer);
  expect(live.status, live.text).toBe(200);
  return live.json;
}

describe('dates on the real stack', () => {
  it('the reproduction: acceptedOn before the receipt answers 422 naming the field and the rule; the case is unchanged and moves on a lawful date', async () => {
    const { caseId, acceptTask } = await complaint();
    const bad = await call('POST', `/v1/tasks/${acceptTask}/complete`, officer, {
      data: {
        acceptanceDecision: 'accept',
        acceptedOn: addDays(RECEIVED, -319),
        acceptanceNoticeOn: addDays(RECEIVED, -319),
      },
    });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.json.detail).toContain(
      `acceptedOn: ${addDays(RECEIVED, -319)} is before received (${RECEIVED}); the rule notBefore received allows no earlier day`,
    );
    const far = await call('POST', `/v1/tasks/${acceptTask}/complete`, officer, {
      data: { acceptanceDecision: 'accept', acceptedOn: '2046-01-05', acceptanceNoticeOn: '2046-01-05' },
    });
    expect(far.status, far.text).toBe(422);
    expect(far.json.detail).toContain('acceptedOn: 2046-01-05 is in the future');
    const early = await call('POST', `/v1/cases/${caseId}/events/suspend`, officer, {
      date: addDays(RECEIVED, -1),
      decision: '15/QĐ-TTr',
      ground: 'awaiting_other_body',
    });
    expect(early.status, early.text).toBe(422);
    expect(early.json.detail).toMatch(/^date: .* is before the case was received .*rule notBefore received/);
    const before = await consistent(caseId);
    expect((before.openTasks as Array<{ nodeId: string }>).map((t) => t.nodeId)).toContain('accept');

    const ok = await call('POST', `/v1/tasks/${acceptTask}/complete`, officer, {
      data: {
        acceptanceDecision: 'accept',
        acceptedOn: addDays(RECEIVED, 1),
        acceptanceNoticeOn: addDays(RECEIVED, 1),
      },
    });
    expect(ok.status, ok.text).toBe(200);
    for (let i = 0; i < 200; i++) {
      const live = await consistent(caseId);
      if ((live.openTasks as Array<{ nodeId: string }>).some((t) => t.nodeId === 'verify')) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('verify never opened');
  });

  it('random dates on the acceptance form and on legal events: a 4xx or a case the workflow answers for, never a 5xx or a stuck case', async () => {
    const dateArb = fc.oneof(
      fc.integer({ min: -40 * 366, max: 40 * 366 }).map((d) => addDays(TODAY, d)),
      fc.integer({ min: -20, max: 5 }).map((d) => addDays(TODAY, d)),
    );
    const events = ['suspend', 'extend', 'supplement', 'withdraw', 'mark-complex', 'stay-execution'] as const;
    await fc.assert(
      fc.asyncProperty(
        dateArb,
        dateArb,
        fc.constantFrom(...events),
        dateArb,
        async (acceptedOn, noticeOn, event, eventOn) => {
          const { caseId, acceptTask } = await complaint();
          const done = await call('POST', `/v1/tasks/${acceptTask}/complete`, officer, {
            data: { acceptanceDecision: 'accept', acceptedOn, acceptanceNoticeOn: noticeOn },
          });
          expect([200, 422], done.text).toContain(done.status);
          if (done.status === 200)
            expect(acceptedOn >= RECEIVED && acceptedOn <= TODAY && noticeOn >= acceptedOn && noticeOn <= TODAY).toBe(
              true,
            );
          const body: Json = {
            date: eventOn,
            decision: 'QĐ-1',
            ...(event === 'suspend' ? { ground: 'awaiting_other_body' } : {}),
            ...(event === 'extend' ? { amount: 10 } : {}),
            ...(event === 'supplement' ? { documents: ['BS-01'] } : {}),
            ...(event === 'mark-complex' ? { complexity: 'complex' } : {}),
          };
          const ev = await call('POST', `/v1/cases/${caseId}/events/${event}`, officer, body);
          expect(ev.status, ev.text).toBeLessThan(500);
          if (ev.status === 200) expect(eventOn >= RECEIVED && eventOn <= TODAY).toBe(true);
          await consistent(caseId);
        },
      ),
      { numRuns: 6, seed: 20261202 },
    );
  });
});
