/**
 * POST /v1/cases/import and `npm run import` on the real stack (ADR 0027): a batch with a bad row
 * imports the others and reports it (nothing of it stored), a re-import answers the same cases (other
 * content under a source id: 409), a dry run writes nothing, a missed limit is a past breach without
 * an escalation, and the CLI imports a CSV file through the same service.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importScope } from '../../api/import/service.js';
import { addDays, diffDays } from '../../workflows/clock/index.js';
import { vnDate } from '../../workflows/engine/runtime/index.js';
import { authHeader, mintToken } from '../support/auth.js';
import { computeDeadline } from '../support/clock.js';
import { apiCaller, poll, startTestApi, type Json, type TestApi } from '../support/api.js';

const run = promisify(execFile);
const HOME = 'so-tnmt';
let api: TestApi;
const call = apiCaller(() => api.url);
let admin: Record<string, string>;

const today = vnDate(Date.now());
const day = (n: number) => addDays(today, n);
const accept = (on: string) => ({
  task: 'accept',
  on,
  data: { acceptanceDecision: 'accept', acceptanceNoticeOn: on, acceptedOn: on },
});
const complaint = (sourceId: string, received: string, steps: unknown[], extra: Json = {}) => ({
  sourceId,
  type: 'complaint_first',
  channel: 'reception_desk',
  receivedAt: `${received}T09:30:00+07:00`,
  agencyId: HOME,
  subject: `Khiếu nại ${sourceId}`,
  parties: [{ role: 'complainant', name: 'Trần Thị B', phone: '0912345678' }],
  steps,
  ...extra,
});

beforeAll(async () => {
  api = await startTestApi({ worker: true });
  admin = await authHeader({ roles: ['admin'], agency: HOME });
});
afterAll(async () => {
  await api?.close();
});

type Result = {
  index: number;
  sourceId: string;
  outcome: string;
  status: number;
  caseId?: string;
  errors?: Array<{ field: string; message: string }>;
  preview?: Json;
};
const importRows = async (rows: unknown[], dryRun = false, who = admin) => {
  const r = await call('POST', '/v1/cases/import', who, { source: 'legacy-db', dryRun, rows });
  expect(r.status, r.text).toBe(200);
  return r.json as { results: Result[]; counts: Record<string, number> };
};
const counts = async () => {
  const out: Record<string, number> = {};
  for (const t of ['cases', 'parties', 'case_pins', 'idempotency_keys', 'audit_log'])
    out[t] = Number(((await api.tdb.db(t).count('* as n').first()) as { n: number }).n);
  return out;
};
/**
 * The counts once the cases of earlier tests stopped writing: their workflows project (and append
 * their trail to the audit log) in the background, which is not the dry run's doing.
 */
const quietCounts = async () => {
  let last = await counts();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 400));
    const now = await counts();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  return last;
};
const caseView = (id: string) => call('GET', `/v1/cases/${id}`, admin).then((r) => r.json);

describe('POST /v1/cases/import', () => {
  const tag = randomUUID().slice(0, 8);
  const good = complaint(`KN-${tag}-1`, day(-10), [accept(day(-8))]);
  const petition = {
    sourceId: `KN-${tag}-2`,
    type: 'petition',
    channel: 'portal',
    receivedAt: `${day(-10)}T08:00:00+07:00`,
    agencyId: HOME,
    subject: `Kiến nghị ${tag}`,
    steps: [{ task: 'accept', data: { petitionDecision: 'accept', decidedOn: day(-9) } }],
  };
  // An extension beyond the law (KN Art 28: at most 15 days more) — rejected, nothing of it stored.
  const bad = complaint(`KN-${tag}-3`, day(-10), [
    accept(day(-8)),
    { event: 'extend', date: day(-5), amount: 40, ruleId: 'K3' },
  ]);
  const noSubject = { ...complaint(`KN-${tag}-4`, day(-10), []), subject: undefined };

  it('a batch with bad rows imports the others, reports each bad row naming the field, and stores nothing of it', async () => {
    const before = await counts();
    const r = await importRows([good, bad, petition, noSubject]);
    expect(r.results.map((x) => [x.sourceId, x.outcome, x.status])).toEqual([
      [good.sourceId, 'imported', 201],
      [bad.sourceId, 'rejected', 422],
      [petition.sourceId, 'imported', 201],
      [noSubject.sourceId, 'rejected', 422],
    ]);
    expect(r.results[1]!.errors![0]!.field).toBe('steps[1]');
    expect(r.results[1]!.errors![0]!.message).toMatch(/Extension/i);
    expect(r.results[3]!.errors![0]!.field).toBe('subject');
    const after = await counts();
    expect(after.cases! - before.cases!).toBe(2);
    expect(after.parties! - before.parties!).toBe(1); // the good complaint's complainant only
    expect(
      await api.tdb
        .db('idempotency_keys')
        .where({ scope: importScope(HOME), key: bad.sourceId })
        .first(),
    ).toBeUndefined();
    expect(await api.tdb.db('cases').where({ subject: bad.subject }).first()).toBeUndefined();

    // The good complaint runs at verification, K3 counted from the imported acceptance, its derivation saying so.
    const id = r.results[0]!.caseId!;
    const v = await poll(
      'imported case projected',
      () => caseView(id),
      (j) => (j.openTasks as Array<{ nodeId: string }> | undefined)?.some((t) => t.nodeId === 'verify') === true,
    );
    const k3 = (v.clocks as Array<{ ruleId?: string; due?: string; derivation?: Array<{ text: string }> }>).find(
      (c) => c.ruleId === 'K3',
    )!;
    // 30 days from the imported acceptance, rolled to the next working day when day 30 is off
    // (BLDS 2015 Art 148(5)): on the calendar, not a plain day count, so the test holds on any run day.
    const expected = computeDeadline(day(-8), 30, 'calendar_days');
    expect(k3.due).toBe(expected.due);
    // Counted from the acceptance day, not the receipt (the two can roll to the same Monday): never
    // before day 30 after it, and the same steps after the start (day 30, any roll-forward, due).
    expect(diffDays(addDays(day(-8), 30), k3.due!)).toBeGreaterThanOrEqual(0);
    expect(k3.derivation!.slice(1).map((d) => d.text)).toEqual(expected.derivation.slice(1).map((d) => d.text));
    expect(k3.derivation![0]!.text).toContain(
      `imported: accepted on ${day(-8).split('-').reverse().join('/')} per source legacy-db#${good.sourceId}`,
    );
    expect((v.flags as Json).overdue).toBeFalsy();
    const audit = await api.tdb.db('audit_log').where({ case_id: id, action: 'case.imported' });
    expect(audit).toHaveLength(1);
  });

  it('is idempotent per source id: the same row again answers the same case; other content under it is a conflict (409)', async () => {
    const first = await importRows([good]);
    const again = await importRows([good, { ...good, subject: 'changed subject' }]);
    expect(again.results[0]).toMatchObject({ outcome: 'existing', status: 200, caseId: first.results[0]!.caseId });
    expect(again.results[1]).toMatchObject({ outcome: 'conflict', status: 409 });
    expect(again.results[1]!.errors![0]!.field).toBe('sourceId');
    expect(await api.tdb.db('cases').where({ subject: 'changed subject' }).first()).toBeUndefined();
  });

  it('source ids are keyed per agency: another agency imports the same id as its own case; a conflict names no case', async () => {
    const other = 'ubnd-xa-b';
    const adminB = await authHeader({ roles: ['admin'], agency: other });
    const rowA = complaint(`KN-${tag}-7`, day(-10), [accept(day(-8))]);
    const a = await importRows([rowA]);
    expect(a.results[0]).toMatchObject({ outcome: 'imported', status: 201 });
    const caseA = a.results[0]!.caseId!;
    // Agency B's admin uses the same source id: its own case, not a conflict naming agency A's case.
    const b = await importRows([{ ...rowA, agencyId: other, subject: `Khiếu nại B ${tag}` }], false, adminB);
    expect(b.results[0], JSON.stringify(b.results[0])).toMatchObject({ outcome: 'imported', status: 201 });
    expect(b.results[0]!.caseId).not.toBe(caseA);
    expect(JSON.stringify(b)).not.toContain(caseA);
    expect(
      await api.tdb
        .db('idempotency_keys')
        .where({ scope: importScope(other), key: rowA.sourceId })
        .first(),
    ).toMatchObject({ resource_id: b.results[0]!.caseId });
    // Within one agency a conflict names the field only, not the case the id stands for.
    const c = await importRows([{ ...rowA, subject: 'changed again' }]);
    expect(c.results[0]).toMatchObject({ outcome: 'conflict', status: 409 });
    expect(c.results[0]!.errors).toEqual([{ field: 'sourceId', message: expect.any(String) }]);
    expect(JSON.stringify(c)).not.toContain(caseA);
  });

  it('a dry run validates, reports the step and clocks it would reach, and writes and starts nothing', async () => {
    const before = await quietCounts();
    const known = (await api.tdb.db('cases').pluck('id')) as string[];
    const lastSeq = Number((await api.tdb.db('audit_log').max('seq as m').first())?.m ?? 0);
    const fresh = complaint(`KN-${tag}-5`, day(-60), [accept(day(-40))]);
    const r = await importRows([fresh, bad], true);
    expect(r.results.map((x) => x.outcome)).toEqual(['valid', 'rejected']);
    const preview = r.results[0]!.preview as {
      openTasks: Array<{ nodeId: string; name: string; nameLabel: string }>;
      pastBreaches: Array<{ ruleId: string }>;
    };
    expect(preview.openTasks.map((t) => t.nodeId)).toEqual(['verify']);
    expect(preview.openTasks[0]).toMatchObject({
      name: 'Verify the complaint (xác minh)',
      nameLabel: 'Xác minh nội dung khiếu nại',
    });
    expect(preview.pastBreaches.map((b) => b.ruleId)).toEqual(['K2', 'K3']);
    // The audit log: the earlier tests' cases may still append their trail (their workflows run on); nothing about
    // another case, nor without a case, may have been appended since (1 s more for a wrongly started workflow).
    await new Promise((res) => setTimeout(res, 1000));
    const { audit_log: _log, ...stored } = before;
    const { audit_log: _now, ...storedNow } = await counts();
    expect(storedNow).toEqual(stored);
    expect(
      await api.tdb
        .db('audit_log')
        .where('seq', '>', lastSeq)
        .andWhere((q) => q.whereNull('case_id').orWhereNotIn('case_id', known))
        .select('action', 'case_id'),
    ).toEqual([]);
    expect(
      await api.tdb
        .db('idempotency_keys')
        .where({ scope: importScope(HOME), key: fresh.sourceId })
        .first(),
    ).toBeUndefined();
  });

  it('missed limits are past breaches on the case (flagged, listed), with no escalation opened', async () => {
    const late = complaint(`KN-${tag}-6`, day(-60), [accept(day(-40))]);
    const r = await importRows([late]);
    expect(r.results[0]).toMatchObject({ outcome: 'imported' });
    const id = r.results[0]!.caseId!;
    const v = await poll(
      'imported late case',
      () => caseView(id),
      (j) => (j.openTasks as unknown[] | undefined)?.length === 1,
    );
    expect((v.breaches as Array<{ ruleId: string; imported?: boolean }>).map((b) => [b.ruleId, b.imported])).toEqual([
      ['K2', true],
      ['K3', true],
    ]);
    expect((v.flags as Json).overdue).toBe(true);
    expect((v.openTasks as Array<{ nodeId: string }>).map((t) => t.nodeId)).toEqual(['verify']);
    // Still nothing escalated a moment later: no head's review, no notification.
    await new Promise((res) => setTimeout(res, 1500));
    expect(await api.tdb.db('case_notifications').where({ case_id: id })).toEqual([]);
    expect(await api.tdb.db('case_tasks').where({ case_id: id, status: 'open' }).pluck('node_id')).toEqual(['verify']);
  });

  it("rows of an agency outside the caller's subtree are not found; only admins import", async () => {
    const other = await call('POST', '/v1/cases/import', await authHeader({ roles: ['admin'], agency: 'ubnd-xa-b' }), {
      rows: [complaint(`KN-${tag}-7`, day(-3), [])],
    });
    expect(other.status).toBe(200);
    expect((other.json.results as Result[])[0]).toMatchObject({ outcome: 'rejected', status: 404 });
    expect(
      (await call('POST', '/v1/cases/import', await authHeader({ roles: ['officer'], agency: HOME }), { rows: [good] }))
        .status,
    ).toBe(403);
  });

  it('npm run import: a CSV file, dry run then import, through the same service', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kntc-import-'));
    try {
      const steps = JSON.stringify([accept(day(-8))]).replace(/"/g, '""');
      const csv = [
        'sourceId,type,channel,receivedAt,agencyId,subject,remoteArea,steps',
        `CSV-${tag}-1,complaint_first,post,${day(-10)}T09:00:00+07:00,${HOME},Khiếu nại qua bưu điện,false,"${steps}"`,
        `CSV-${tag}-2,complaint_first,post,${day(2)}T09:00:00+07:00,${HOME},Ngày tương lai,false,`,
      ].join('\n');
      const file = join(dir, 'cases.csv');
      await writeFile(file, csv);
      const env = {
        ...process.env,
        KNTC_API_URL: api.url,
        KNTC_TOKEN: await mintToken({ roles: ['admin'], agency: HOME }),
      };
      const cli = (args: string[]) =>
        run('npx', ['tsx', 'scripts/import.ts', file, '--json', ...args], { env, cwd: process.cwd() }).then(
          (r) => ({ code: 0, out: r.stdout }),
          (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
        );
      const dry = await cli(['--dry-run']);
      expect(dry.code).toBe(1);
      const d = JSON.parse(dry.out) as { results: Result[] };
      expect(d.results.map((x) => x.outcome)).toEqual(['valid', 'rejected']);
      expect(d.results[1]!.errors![0]!.field).toBe('receivedAt');
      expect(
        await api.tdb
          .db('idempotency_keys')
          .where({ scope: importScope(HOME), key: `CSV-${tag}-1` })
          .first(),
      ).toBeUndefined();
      const real = await cli([]);
      const j = JSON.parse(real.out) as { results: Result[]; source: string };
      expect(j.source).toBe('cases.csv');
      expect(j.results.map((x) => x.outcome)).toEqual(['imported', 'rejected']);
      expect(await api.tdb.db('cases').where({ id: j.results[0]!.caseId }).first()).toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
