import { describe, expect, it } from 'vitest';
import {
  historiesInDocument,
  historyExportJson,
  HISTORY_EXPORT_FORMAT,
  type RunHistory,
} from '../../platform/history.js';

const started = (n: number) => ({
  eventId: n,
  workflowExecutionStartedEventAttributes: { workflowType: { name: 'processWorkflow' } },
});
const run = (runId: string, events: number): RunHistory => ({
  runId,
  workflowType: 'processWorkflow',
  history: {
    events: Array.from({ length: events }, (_, i) => (i === 0 ? started(1) : { eventId: i + 1 })),
  } as unknown as RunHistory['history'],
});

describe('history export body', () => {
  it('is valid JSON carrying every run, in order, with its history as Temporal JSON', () => {
    const body = JSON.parse(
      historyExportJson({ caseId: 'c', workflowId: 'case-c', exportedAt: '2026-11-27T00:00:00.000Z' }, [
        run('r1', 3),
        run('r2', 2),
      ]),
    );
    expect(body).toMatchObject({ format: HISTORY_EXPORT_FORMAT, caseId: 'c', workflowId: 'case-c', retained: true });
    expect(body.runs.map((r: { runId: string; events: number }) => [r.runId, r.events])).toEqual([
      ['r1', 3],
      ['r2', 2],
    ]);
    // historyToJSON writes event ids as strings (int64), as `temporal workflow show -o json` does.
    expect(body.runs[0].history.events[0]).toMatchObject({
      eventId: '1',
      workflowExecutionStartedEventAttributes: { workflowType: { name: 'processWorkflow' } },
    });
  });

  it('says when no history is retained', () => {
    expect(JSON.parse(historyExportJson({ caseId: 'c', workflowId: 'case-c', exportedAt: 'x' }, []))).toMatchObject({
      retained: false,
      runs: [],
    });
  });
});

describe('historiesInDocument (what the replay CLI accepts)', () => {
  const raw = { events: [started(1)] };
  it('reads an export (every run, with the workflow id), a raw history, or an array of either', () => {
    const exp = {
      format: HISTORY_EXPORT_FORMAT,
      workflowId: 'case-c',
      runs: [
        { runId: 'r1', history: raw },
        { runId: 'r2', history: raw },
      ],
    };
    expect(historiesInDocument(exp)).toEqual([
      { workflowId: 'case-c', runId: 'r1', history: raw },
      { workflowId: 'case-c', runId: 'r2', history: raw },
    ]);
    expect(historiesInDocument(raw)).toEqual([{ history: raw }]);
    expect(historiesInDocument([raw, exp])).toHaveLength(3);
  });

  it.each([[null], [42], ['x'], [{}], [{ events: 'no' }]])('refuses %j', (doc) => {
    expect(() => historiesInDocument(doc)).toThrow(/not a history/);
  });
});
