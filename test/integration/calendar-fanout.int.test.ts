/**
 * Issue 11.5: the calendar fan-out workflow pages through the open cases of the read model, signals
 * each, records each page, and continues as new over large sets (real dev server, real PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarServiceFor } from '../../calendar/service.js';
import { PAGES_PER_RUN } from '../../workflows/calendar-fanout.js';
import { seedCase, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ worker: true });
});
afterAll(async () => {
  await api?.close();
});

describe('calendarFanOutWorkflow', () => {
  it('pages through every open case, continues as new past PAGES_PER_RUN pages, and keeps the counters', async () => {
    // Open cases of the read model whose workflows are not running: each signal fails and is counted as skipped.
    const n = 2 * PAGES_PER_RUN + 3;
    for (let i = 0; i < n; i++) await seedCase(api.tdb.db, { id: randomUUID(), agencyId: 'so-tnmt' });
    const closed = randomUUID();
    await seedCase(api.tdb.db, { id: closed, agencyId: 'so-tnmt' });
    await api.tdb.db('cases').where({ id: closed }).update({ status: 'closed' });
    const open = Number(
      ((await api.tdb.db('cases').where({ status: 'open' }).count('* as n').first()) as { n: string }).n,
    );
    expect(open).toBeGreaterThanOrEqual(n);

    await calendarServiceFor(api.tdb.db).entries(); // the seed: a stored entry version the change can name
    const { max } = (await api.tdb.db('calendar_entries').max('seq as max').first()) as { max: number };
    const id = randomUUID();
    const workflowId = `calendar-change-${id}`;
    await api.tdb.db('calendar_changes').insert({
      id,
      entry_seq: max,
      entry_id: 'fanout-test',
      action: 'added',
      version: `entries:${max}`,
      changed_dates: '[]',
      workflow_id: workflowId,
      status: 'running',
      requested_by: JSON.stringify({ type: 'user', id: 'test', agency: null }),
    });
    const handle = await api.dev.client.workflow.start('calendarFanOutWorkflow', {
      taskQueue: api.deps.taskQueue,
      workflowId,
      args: [
        {
          changeId: id,
          entrySeq: max,
          pageSize: 1,
          change: { version: `entries:${max}`, changedDates: [], entryId: 'fanout-test', reason: 'test' },
        },
      ],
    });
    const totals = (await handle.result()) as { notified: number; skipped: number; pages: number };
    expect(totals.notified + totals.skipped).toBe(open);
    expect(totals.skipped).toBeGreaterThanOrEqual(n);
    expect(totals.pages).toBe(open + 1); // the last page is the empty one that ends the walk

    // Continued as new: more than one run of the same workflow id.
    let runs: string[] = [];
    for (let i = 0; i < 100 && runs.length < 2; i++) {
      // visibility is eventually consistent
      runs = [];
      for await (const w of api.dev.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(w.runId);
      if (runs.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs.length).toBeGreaterThanOrEqual(2);

    const row = await api.tdb.db('calendar_changes').where({ id }).first();
    expect(row).toMatchObject({
      status: 'completed',
      notified: totals.notified,
      skipped: totals.skipped,
      pages: totals.pages,
    });
    expect(row.finished_at).not.toBeNull();
  });
});
