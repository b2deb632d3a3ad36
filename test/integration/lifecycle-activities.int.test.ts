/**
 * The lifecycle activities (activities/lifecycle.ts) against a throwaway database: records,
 * idempotency under retries (same case + node + token), no personal data stored, the two legal
 * checks, and the migration's down step over real rows.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLifecycleActivities } from '../../activities/lifecycle.js';
import { buildCalendar } from '../../calendar/index.js';
import * as migration from '../../db/migrations/20261127500000_create_case_records.js';
import { createTestDb, type TestDb } from '../support/db.js';

const ctx = (tokenId: string, nodeId = 'n1', caseId = 'case-a') => ({ caseId, nodeId, tokenId });

describe('lifecycle activities', () => {
  let tdb: TestDb;
  let acts: ReturnType<typeof createLifecycleActivities>;
  beforeAll(async () => {
    tdb = await createTestDb();
    acts = createLifecycleActivities({
      db: tdb.db,
      logger: pino({ level: 'silent' }),
      calendar: async (from, to) => buildCalendar({ from, to }),
    });
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('recordDocument keeps type, basis, recipients and the three dates; a retry returns the same record', async () => {
    const input = {
      type: 'complaint_decision_first',
      recipients: ['complainant_or_representative', 'same_level_inspectorate'],
      legalBasis: 'Luật Khiếu nại 2011 Art 32',
      issuedOn: '2026-07-20',
      sentOn: '2026-07-21',
      receivedOn: '2026-07-22',
      number: '12/QĐ-UBND',
    };
    const a = await acts.recordDocument(input, ctx('tk7', 'sendDecision.doc'));
    const b = await acts.recordDocument(input, ctx('tk7', 'sendDecision.doc'));
    expect(b.documentId).toBe(a.documentId);
    const rows = await tdb.db('case_documents').where({ case_id: 'case-a' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'complaint_decision_first',
      reference: '12/QĐ-UBND',
      recipients: ['complainant_or_representative', 'same_level_inspectorate'],
      issued_on: '2026-07-20',
      sent_on: '2026-07-21',
      received_on: '2026-07-22',
      legal_basis: 'Luật Khiếu nại 2011 Art 32',
    });
    // Another token of the same node is another document.
    expect((await acts.recordDocument(input, ctx('tk9', 'sendDecision.doc'))).documentId).not.toBe(a.documentId);
  });

  it('drops free text and anything naming the denouncer', async () => {
    await acts.recordDocument(
      {
        type: 'denunciation_partial_withdrawal',
        recipients: ['case_file', 'denouncer-ref-17'],
        legalBasis: 'Luật Tố cáo 2018 Art 33',
        receivedOn: '2026-07-08',
        withdrawnContents: 'Nguyễn Văn A, 12 Lý Thường Kiệt',
        denouncerRef: 'party-9',
        denouncerName: 'Nguyễn Văn A',
        coerced: false,
      },
      ctx('tk3', 'partial', 'case-tc'),
    );
    const row = await tdb.db('case_documents').where({ case_id: 'case-tc' }).first();
    expect(row.recipients).toEqual(['case_file']);
    expect(row.detail).toEqual({ coerced: false });
    expect(JSON.stringify(row)).not.toMatch(/Nguyễn|party-9|denouncer-ref/);
  });

  it('rejects bad dates as non-retryable and needs the service-task context', async () => {
    await expect(acts.recordDocument({ type: 'x', issuedOn: '20/07/2026' }, ctx('tk1', 'bad'))).rejects.toMatchObject({
      type: 'InvalidDate',
      nonRetryable: true,
    });
    await expect(acts.recordCaseEvent({ event: 'accepted', on: '2026-07-03' })).rejects.toMatchObject({
      type: 'MissingContext',
    });
  });

  it('recordCaseEvent, setCaseFlag, recordNotification, notify and recordWarning are idempotent', async () => {
    expect(
      await acts.recordCaseEvent({ event: 'accepted', on: '2026-07-03' }, ctx('tk2', 'accepted', 'case-b')),
    ).toEqual({ event: 'accepted', on: '2026-07-03' });
    await acts.recordCaseEvent({ event: 'accepted', on: '2026-07-04' }, ctx('tk2', 'accepted', 'case-b')); // retry: first write stands
    expect(
      await tdb.db('case_events').where({ case_id: 'case-b', kind: 'case_event' }).select('name', 'occurred_on'),
    ).toEqual([{ name: 'accepted', occurred_on: '2026-07-03' }]);

    expect(await acts.setCaseFlag({ flag: 'overdue', value: true }, ctx('tk4', 'overdue.flag', 'case-b'))).toEqual({
      flag: 'overdue',
      value: true,
    });
    await acts.setCaseFlag({ flag: 'extensions_granted', value: 1 }, ctx('tk5', 'extension.count', 'case-b'));
    await acts.setCaseFlag({ flag: 'extensions_granted', value: 2 }, ctx('tk8', 'extension.count', 'case-b'));
    await acts.setCaseFlag({ flag: 'extensions_granted', value: 2 }, ctx('tk8', 'extension.count', 'case-b'));
    expect(
      Object.fromEntries((await tdb.db('case_flags').where({ case_id: 'case-b' })).map((r) => [r.flag, r.value])),
    ).toEqual({ overdue: true, extensions_granted: 2 });

    const n1 = await acts.recordNotification(
      { kind: 'deadline_breach', to: ['agency_head', 'case_officer'] },
      ctx('tk6', 'overdue.notify', 'case-b'),
    );
    const n2 = await acts.recordNotification(
      { kind: 'deadline_breach', to: ['agency_head', 'case_officer'] },
      ctx('tk6', 'overdue.notify', 'case-b'),
    );
    expect(n2).toEqual(n1);
    await acts.notify({ to: 'head' }, ctx('tk10', 'tellHead', 'case-b'));
    expect(
      await tdb.db('case_notifications').where({ case_id: 'case-b' }).orderBy('node_id').select('kind', 'recipients'),
    ).toEqual([
      { kind: 'deadline_breach', recipients: ['agency_head', 'case_officer'] },
      { kind: 'notice', recipients: ['head'] },
    ]);

    await acts.recordWarning(
      { message: 'stricter acceptance unit applied' },
      ctx('tk11', 'acceptUnit.warning', 'case-b'),
    );
    await acts.recordWarning(
      { message: 'stricter acceptance unit applied' },
      ctx('tk11', 'acceptUnit.warning', 'case-b'),
    );
    expect(await tdb.db('case_events').where({ case_id: 'case-b', kind: 'warning' }).select('name', 'message')).toEqual(
      [{ name: 'acceptUnit.warning', message: 'stricter acceptance unit applied' }],
    );
  });

  it('checkRepresentatives: 12 signers with 6 representatives refused, with 5 accepted as a mass case', async () => {
    const signers = Array.from({ length: 12 }, (_, i) => `party-${i + 1}`);
    const six = await acts.checkRepresentatives({ signers, representatives: signers.slice(0, 6) });
    expect(six).toMatchObject({ ok: false, massCase: true, allowed: { min: 1, max: 5 } });
    expect(six.errors[0]).toMatch(/at most 5/);
    expect(await acts.checkRepresentatives({ signers, representatives: signers.slice(0, 5) })).toMatchObject({
      ok: true,
      massCase: true,
      errors: [],
    });
    // 12 people signed, 6 listed (the intake's signersCount, ADR 0018): the count rule is the one for 12.
    const listed = await acts.checkRepresentatives({
      signers: signers.slice(0, 6),
      representatives: signers.slice(0, 6),
      signerCount: 12,
    });
    expect(listed).toMatchObject({ ok: false, massCase: true, allowed: { min: 1, max: 5 } });
  });

  it('checkComplaintLimitation: 90 days with tolling; no known date is not expired', async () => {
    expect(
      await acts.checkComplaintLimitation({ knownOn: '2026-03-02', lodgedOn: '2026-06-01', tolledDays: null }),
    ).toMatchObject({ expired: false, due: '2026-06-01' });
    expect(
      await acts.checkComplaintLimitation({ knownOn: '2026-03-02', lodgedOn: '2026-06-02', tolledDays: null }),
    ).toMatchObject({ expired: true });
    expect(
      await acts.checkComplaintLimitation({ knownOn: '2026-03-02', lodgedOn: '2026-06-10', tolledDays: 10 }),
    ).toMatchObject({ expired: false, due: '2026-06-10' });
    expect(await acts.checkComplaintLimitation({ knownOn: null, lodgedOn: '2026-06-10' })).toEqual({
      expired: false,
      due: null,
      legalBasis: 'Luật Khiếu nại 2011 Art 9',
    });
  });

  it('the migration rolls back over real rows and runs up again', async () => {
    await migration.down(tdb.db);
    expect(await tdb.db.schema.hasTable('case_documents')).toBe(false);
    await migration.up(tdb.db);
    expect(await tdb.db.schema.hasTable('case_documents')).toBe(true);
  });
});
