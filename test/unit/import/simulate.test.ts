/**
 * The import of cases under way on the pure runner (ADR 0027): the step the facts reach, clocks from
 * the facts' dates, past breaches recorded without escalation, refused facts naming the field.
 */
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../../../calendar/build.js';
import { caseEventsFor } from '../../../processes/builtin/index.js';
import { msOf, type EstablishedStep } from '../../../workflows/engine/runtime/index.js';
import { simulateImport } from '../../../api/import/simulate.js';
import { computeDeadline } from '../../support/clock.js';
import { def } from '../builtin/helpers.js';

const calendar = async (from: string, to: string) => buildCalendar({ from, to });
const cal = (start: string, n: number) => computeDeadline(start, n, 'calendar_days').due;
const wd = (start: string, n: number) => computeDeadline(start, n, 'working_days').due;

function task(
  key: string,
  version: number,
  nodeId: string,
  on: string,
  data: Record<string, unknown>,
): EstablishedStep {
  return { kind: 'task', nodeId, on, data: data as never, caseEvents: caseEventsFor(def(key, version), nodeId, data) };
}
const accept = (on: string) => ({ acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on });

async function run(key: string, version: number, received: string, steps: EstablishedStep[], now: string) {
  return simulateImport({
    definition: def(key, version),
    caseId: 'c-1',
    caseType: def(key, version).caseType,
    variables: {
      caseId: 'c-1',
      receivedOn: received,
      channel: 'reception_desk',
      remoteArea: false,
      signerRefs: ['p1'],
      representativeRefs: [],
      signersCount: 1,
      massCase: false,
    },
    caseEvents: { received },
    facts: { source: 'legacy-db', sourceId: 'KN-1', steps },
    nowMs: msOf(now),
    calendar,
  });
}

describe('importing a complaint under way (pure runner)', () => {
  it('accepted within K2: at verification, K3 counted from the acceptance, no breach, the derivation says imported', async () => {
    const r = await run(
      'complaint-first',
      2,
      '2026-07-01',
      [task('complaint-first', 2, 'accept', '2026-07-06', accept('2026-07-06'))],
      '2026-07-20T10:00:00',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.preview.openTasks.map((t) => t.nodeId)).toEqual(['verify']);
    const k3 = r.preview.clocks.find((c) => c.ruleId === 'K3')!;
    expect(k3.due).toBe(cal('2026-07-06', 30));
    expect(k3.derivation![0]!.text).toMatch(/^imported: accepted on 06\/07\/2026 per source legacy-db#KN-1/);
    expect(r.preview.pastBreaches).toEqual([]);
  });

  it('accepted after K2: a past breach recorded, no escalation task opened', async () => {
    const r = await run(
      'complaint-first',
      2,
      '2026-07-01',
      [task('complaint-first', 2, 'accept', '2026-07-20', accept('2026-07-20'))],
      '2026-07-25T10:00:00',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.preview.pastBreaches).toMatchObject([
      { ruleId: 'K2', due: wd('2026-07-01', 7), status: 'breached', imported: true },
    ]);
    expect(r.preview.openTasks.map((t) => t.nodeId)).toEqual(['verify']);
  });

  it('a limit still running at the import but past today is a past breach too (no escalation)', async () => {
    const r = await run(
      'complaint-first',
      2,
      '2026-07-01',
      [task('complaint-first', 2, 'accept', '2026-07-06', accept('2026-07-06'))],
      '2026-09-20T10:00:00',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.preview.pastBreaches.map((b) => b.ruleId)).toEqual(['K3']);
    expect(r.preview.openTasks.map((t) => t.nodeId)).toEqual(['verify']);
  });

  it('refuses an extension beyond the law, a fact in the future, facts out of order, a missing form field', async () => {
    const acc = task('complaint-first', 2, 'accept', '2026-07-06', accept('2026-07-06'));
    const ext = await run(
      'complaint-first',
      2,
      '2026-07-01',
      [acc, { kind: 'event', name: 'extend', date: '2026-07-10', amount: 40, ruleId: 'K3' }],
      '2026-07-20T10:00:00',
    );
    expect(ext).toMatchObject({ ok: false, field: 'established.steps[1]' });
    const future = await run(
      'complaint-first',
      2,
      '2026-07-01',
      [task('complaint-first', 2, 'accept', '2026-08-06', accept('2026-08-06'))],
      '2026-07-20T10:00:00',
    );
    expect(future).toMatchObject({ ok: false, field: 'established.steps[0].on' });
    const order = await run(
      'complaint-first',
      2,
      '2026-07-01',
      [
        acc,
        { kind: 'event', name: 'suspend', date: '2026-07-03', variables: { suspensionGround: 'awaiting_other_body' } },
      ],
      '2026-07-20T10:00:00',
    );
    expect(order).toMatchObject({ ok: false, field: 'established.steps[1].date' });
    const missing = await run(
      'complaint-first',
      2,
      '2026-07-01',
      [task('complaint-first', 2, 'accept', '2026-07-06', { acceptanceDecision: 'accept' })],
      '2026-07-20T10:00:00',
    );
    expect(missing).toMatchObject({ ok: false, field: 'established.steps[0].data' });
    expect(!missing.ok && missing.message).toMatch(/acceptanceNoticeOn/);
  });

  const intake = { channel: 'post', forwardedBy: 'none', signerRefs: ['p1'] };
  it('a letter left unclassified past C4a (45 days): a past breach in the preview, its boundary not fired', async () => {
    const r = await run(
      'letter-handling',
      2,
      '2026-09-01',
      [task('letter-handling', 2, 'intake', '2026-09-02', intake)],
      '2026-11-01T10:00:00',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.preview.pastBreaches.map((b) => b.ruleId)).toContain('C4a');
    expect(r.preview.pastBreaches.find((b) => b.ruleId === 'C4a')).toMatchObject({
      due: cal('2026-09-01', 45),
      imported: true,
    });
    expect(r.preview.openTasks.map((t) => t.nodeId)).toEqual(['classify']);
  });

  it('refuses a fact on a step only a timer (C4a) would open, naming the field', async () => {
    const r = await run(
      'letter-handling',
      2,
      '2026-09-01',
      [
        task('letter-handling', 2, 'intake', '2026-09-02', intake),
        { kind: 'task', nodeId: 'letterBreach.headReview', on: '2026-10-30', data: {} },
      ],
      '2026-11-01T10:00:00',
    );
    expect(r).toMatchObject({ ok: false, field: 'established.steps[1].task' });
    expect(!r.ok && r.message).toMatch(/classify\.breach45/);
  });
});
