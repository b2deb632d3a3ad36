/** Rows of an import (ADR 0027): CSV / JSON reading, row validation and facts → steps, each error naming its field. */
import { describe, expect, it } from 'vitest';
import { parseRow, rowsFromCsv, rowsFromJson, stepsOf } from '../../../api/import/rows.js';
import { def } from '../builtin/helpers.js';

const base = {
  sourceId: 'KN-1',
  type: 'complaint_first',
  channel: 'post',
  receivedAt: '2026-07-01T09:00:00+07:00',
  agencyId: 'so-tnmt',
  subject: 'Khiếu nại',
};

describe('import rows', () => {
  it('reads CSV with JSON cells, booleans and numbers; empty cells are absent', () => {
    const csv =
      'sourceId,type,channel,receivedAt,agencyId,subject,remoteArea,signersCount,steps,respondent\n' +
      'KN-1,complaint_first,post,2026-07-01T09:00:00+07:00,so-tnmt,"Khiếu nại, đất đai",true,3,"[{""task"":""accept"",""on"":""2026-07-03"",""data"":{}}]",\n';
    expect(rowsFromCsv(csv)).toEqual([
      {
        ...base,
        subject: 'Khiếu nại, đất đai',
        remoteArea: true,
        signersCount: 3,
        steps: [{ task: 'accept', on: '2026-07-03', data: {} }],
      },
    ]);
  });

  it('reads JSON as an array or { source, rows }, and refuses anything else', () => {
    expect(rowsFromJson('[{"a":1}]')).toEqual({ rows: [{ a: 1 }] });
    expect(rowsFromJson('{"source":"x","rows":[]}')).toEqual({ source: 'x', rows: [] });
    expect(() => rowsFromJson('{"a":1}')).toThrow(/array of rows/);
  });

  it('names the field of each row error', () => {
    const r = parseRow({
      ...base,
      sourceId: 'bad id',
      receivedAt: 'yesterday',
      steps: [{ task: 'accept', on: '2026-02-30' }],
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.field).sort()).toEqual(['receivedAt', 'sourceId', 'steps[0].on']);
  });

  it('turns facts into steps on the pinned definition: case events derived, the day from the data, legal events through their routes', () => {
    const d = def('complaint-first', 2);
    const row = parseRow({
      ...base,
      steps: [
        {
          task: 'accept',
          data: { acceptanceDecision: 'accept', acceptanceNoticeOn: '2026-07-03', acceptedOn: '2026-07-04' },
        },
        { event: 'extend', date: '2026-07-10', amount: 15, ruleId: 'K3', decision: '20/QĐ-UBND' },
        { event: 'suspend', date: '2026-07-12', ground: 'awaiting_other_body' },
      ],
    });
    if (!row.ok) throw new Error(JSON.stringify(row.errors));
    expect(stepsOf(row.row, d)).toEqual({
      ok: true,
      steps: [
        {
          kind: 'task',
          nodeId: 'accept',
          on: '2026-07-04',
          data: { acceptanceDecision: 'accept', acceptanceNoticeOn: '2026-07-03', acceptedOn: '2026-07-04' },
          caseEvents: { accepted: '2026-07-04' },
        },
        {
          kind: 'event',
          name: 'extend',
          date: '2026-07-10',
          amount: 15,
          ruleId: 'K3',
          decision: '20/QĐ-UBND',
          variables: { eventOn: '2026-07-10', extensionDays: 15 },
        },
        {
          kind: 'event',
          name: 'suspend',
          date: '2026-07-12',
          decision: 'suspend-2026-07-12',
          variables: { eventOn: '2026-07-12', suspensionGround: 'awaiting_other_body' },
        },
      ],
    });
  });

  it("refuses a task the definition lacks, a task without a day, an event without its route's fields", () => {
    const row = parseRow({
      ...base,
      steps: [
        { task: 'nosuch', on: '2026-07-03' },
        { task: 'verify', data: { verificationReportRef: 'BC' } },
        { event: 'extend', date: '2026-07-10' },
      ],
    });
    if (!row.ok) throw new Error(JSON.stringify(row.errors));
    const r = stepsOf(row.row, def('complaint-first', 2));
    expect(!r.ok && r.errors.map((e) => e.field)).toEqual(['steps[0].task', 'steps[1].on', 'steps[2].amount']);
  });
});
