/**
 * Hotspot early warning on the real stack (issue 15.4/15.7, ADR 0034): cases received through the API with
 * a structured place, sector and respondent; a rising land dispute in one commune becomes watch → warning
 * → hot, with its explanation; the area's supervisors get an in-app message (deliverNotificationWorkflow);
 * acknowledge and close; the full recompute agrees with the incremental updates (random items, random
 * order, concurrent transactions).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRecipients } from '../../directory/recipients.js';
import { createHotspotStore, ingestHotspotItems, recordVisitPlace } from '../../db/hotspots.js';
import { createReceptionStore } from '../../db/reception.js';
import { DEFAULT_HOTSPOT_CONFIG } from '../../hotspots/config.js';
import { detect, type DetectorItem } from '../../hotspots/score.js';
import { createEmailTransport } from '../../notifications/transports.js';
import type { MassProcessReconcileResult } from '../../workflows/mass-process-contract.js';
import { apiCaller, poll, startTestApi, type Json, type TestApi } from '../support/api.js';
import { authHeader } from '../support/auth.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

let api: TestApi;
let smtp: TestSmtp;
const call = apiCaller(() => api.url);
const KEY = 'pl:01/00070|s:land|r:name:nguyen van a';

beforeAll(async () => {
  smtp = await startTestSmtp();
  api = await startTestApi({
    worker: true,
    notifications: {
      resolveRecipients,
      email: createEmailTransport({ smtpUrl: smtp.url, from: 'KNTC <no-reply@kntc.test>' }),
      publicBaseUrl: 'https://kntc.example.gov.vn',
      retry: { initialIntervalMs: 200, maximumIntervalMs: 500, periodMs: 4000 },
    },
  });
});
afterAll(async () => {
  await api?.close();
  await smtp?.close();
});

const intake = () => authHeader({ roles: ['intake'], agency: 'so-tnmt' });
const supervisor = () => authHeader({ roles: ['supervisor'], agency: 'so-tnmt', sub: 'head-so-tnmt' });

/** The names a clerk types for one official: all one respondent once normalised. */
const SPELLINGS = ['Ông Nguyễn Văn A', 'nguyen van a', 'NGUYỄN  VĂN A (cán bộ địa chính)', 'Đồng chí Nguyễn Văn A'];

function letter(i: number, extra: Json = {}): Json {
  return {
    type: 'petition',
    channel: 'reception_desk',
    receivedAt: new Date(Date.now() - (30 - i) * 60_000).toISOString(),
    agencyId: 'so-tnmt',
    subject: `Phản ánh thu hồi đất ${i}`,
    place: { provinceCode: '01', communeCode: '00070' },
    sector: 'land',
    respondent: SPELLINGS[i % SPELLINGS.length],
    ...extra,
  };
}

async function hotspotOf(key: string) {
  return api.tdb.db('hotspots').where({ cluster_key: key }).first();
}

describe('hotspot early warning', () => {
  it('refuses a place, sector or respondent agency the reference data does not know (422 naming it), writing nothing', async () => {
    const before = Number((await api.tdb.db('cases').count('* as n'))[0]!.n);
    const cases: Array<[Json, string]> = [
      [{ place: { provinceCode: '99' } }, 'place.provinceCode'],
      [{ place: { provinceCode: '79', communeCode: '00070' } }, 'place.communeCode'],
      [{ sector: 'astrology' }, 'sector'],
      [{ respondentAgencyId: 'no-such-agency' }, 'respondentAgencyId'],
    ];
    for (const [extra, path] of cases) {
      const r = await call('POST', '/v1/cases', await intake(), letter(0, extra));
      expect(r.status, r.text).toBe(422);
      expect(r.text).toContain('unknown-reference');
      expect((r.json.errors as Json[]).map((e) => e.path)).toEqual([path]);
    }
    const badForm = await call('POST', '/v1/cases', await intake(), letter(0, { place: { provinceCode: 'HN' } }));
    expect(badForm.status).toBe(400);
    expect(badForm.text).toContain('place.provinceCode');
    expect(Number((await api.tdb.db('cases').count('* as n'))[0]!.n)).toBe(before);
  });

  it(
    'a rising land dispute in one commune becomes watch → warning → hot as cases arrive, explained',
    { timeout: 300_000 },
    async () => {
      const ids: string[] = [];
      const levels: Array<string | null> = [];
      for (let i = 1; i <= 20; i++) {
        const r = await call('POST', '/v1/cases', await intake(), letter(i));
        expect(r.status, r.text).toBe(201);
        ids.push(String(r.json.id));
        levels.push(((await hotspotOf(KEY)) as { level: string } | undefined)?.level ?? null);
      }
      // Defaults: within 30 days 5 / 10 / 20 letters (weight 1 each) make watch / warning / hot.
      expect(levels.slice(0, 4)).toEqual([null, null, null, null]);
      expect(levels.slice(4, 9)).toEqual(Array(5).fill('watch'));
      expect(levels.slice(9, 19)).toEqual(Array(10).fill('warning'));
      expect(levels[19]).toBe('hot');
      // Coarser clusters need more (1.5× for place+sector, 3× for the commune): 20 letters make the commune a watch.
      expect(((await hotspotOf('pl:01/00070|s:land')) as { level: string }).level).toBe('warning');
      expect(((await hotspotOf('pl:01/00070')) as { level: string }).level).toBe('watch');

      // The read model holds the structured fields.
      const found = await api.tdb
        .db('cases')
        .where({ place_commune: '00070', sector: 'land' })
        .whereIn('id', ids)
        .select('id', 'respondent_key');
      expect(found.map((c) => c.id as string).sort()).toEqual([...ids].sort());
      expect(new Set(found.map((c) => c.respondent_key as string)).size).toBe(1);

      const list = await call(
        'GET',
        '/v1/hotspots?sector=land&granularity=place_sector_respondent',
        await supervisor(),
      );
      expect(list.status, list.text).toBe(200);
      const [h] = list.json.items as Json[];
      expect(h).toMatchObject({
        level: 'hot',
        status: 'open',
        place: { provinceCode: '01', communeCode: '00070' },
        sector: 'land',
        respondent: 'name:nguyen van a',
        itemCount: 20,
        scores: { '30': 20, '90': 20 },
      });
      expect((h!.cases as Json[]).length).toBe(20);
      expect(String(h!.lastItemAt)).toMatch(/\+07:00$/);

      // Another commune's supervisor sees nothing of it; the hot filter finds it.
      const other = await call('GET', '/v1/hotspots', await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-b' }));
      expect(other.status).toBe(200);
      expect(other.json.items).toEqual([]);
      const hot = await call('GET', '/v1/hotspots?level=hot', await supervisor());
      expect((hot.json.items as Json[]).map((x) => x.id)).toEqual([h!.id]);

      const detail = await call('GET', `/v1/hotspots/${String(h!.id)}`, await supervisor());
      expect(detail.status, detail.text).toBe(200);
      const ex = detail.json.explanation as Json;
      const crossings = ex.crossings as Json[];
      expect(crossings.map((c) => [c.level, c.windowDays, c.threshold, c.score])).toEqual([
        ['watch', 30, 5, 5],
        ['warning', 30, 10, 10],
        ['hot', 30, 20, 20],
      ]);
      const received = await api.tdb.db('cases').whereIn('id', ids).orderBy('received_at').select('received_at');
      expect(crossings.map((c) => new Date(String(c.at)).getTime())).toEqual(
        [4, 9, 19].map((i) => (received[i]!.received_at as Date).getTime()),
      );
      expect((ex.items as Json[]).length).toBe(20);
      expect((ex.items as Json[])[0]).toMatchObject({ kind: 'case', weight: 1, inWindows: [30, 90] });
      expect((detail.json.history as Json[]).map((x) => [x.action, x.to])).toEqual([
        ['raised', 'watch'],
        ['level_changed', 'warning'],
        ['level_changed', 'hot'],
      ]);

      // Outbox events of each rise.
      const events = await api.tdb
        .db('events')
        .where('type', 'like', 'vn.kntc.hotspot.%')
        .orderBy('seq')
        .select('type', 'data');
      const mine = events
        .filter((e) => (e.data as Json).hotspotId === h!.id)
        .map((e) => [e.type, (e.data as Json).level]);
      expect(mine).toEqual([
        ['vn.kntc.hotspot.raised', 'watch'],
        ['vn.kntc.hotspot.level_changed', 'warning'],
        ['vn.kntc.hotspot.level_changed', 'hot'],
      ]);
      // Events carry no respondent (a person may be named).
      expect(JSON.stringify(events)).not.toContain('nguyen van a');

      // The area's supervisors (so-tnmt's and the province's) got in-app messages, delivered by the workflow.
      for (const sub of ['head-so-tnmt', 'head-tinh-demo']) {
        const inbox = await poll(
          `${sub}'s hotspot messages`,
          async () =>
            (
              await call(
                'GET',
                '/v1/me/notifications',
                await authHeader({
                  roles: ['supervisor'],
                  agency: sub === 'head-so-tnmt' ? 'so-tnmt' : 'tinh-demo',
                  sub,
                }),
              )
            ).json.items as Json[],
          (items) => items.filter((x) => String(x.kind).startsWith('hotspot_')).length >= 3,
        );
        const kinds = inbox.filter((x) => String(x.kind).startsWith('hotspot_')).map((x) => x.kind);
        expect(kinds.filter((k) => k === 'hotspot_raised').length).toBeGreaterThanOrEqual(1);
        expect(kinds).toContain('hotspot_level_changed');
      }
      const subjects = await api.tdb.db('notification_deliveries').where('person_id', 'head-so-tnmt').select('subject');
      expect(subjects.some((s) => String(s.subject).includes('điểm nóng'))).toBe(true);
      // A supervisor of another commune was not told.
      expect(await api.tdb.db('notification_deliveries').where('person_id', 'head-ubnd-xa-b').first()).toBeUndefined();

      // The full recompute agrees with the incremental updates.
      const admin = await authHeader({ roles: ['system_admin'], agency: 'tinh-demo' });
      const dry = await call('POST', '/v1/admin/hotspots/recompute?dryRun=true', admin);
      expect(dry.status, dry.text).toBe(200);
      expect(dry.json).toMatchObject({ differences: [], changed: 0 });
      const full = await call('POST', '/v1/admin/hotspots/recompute', admin);
      expect(full.json).toMatchObject({ differences: [], changed: 0 });
    },
  );

  it('the list pages by its next link: every hotspot once, in the order of one page; a forged cursor is a 400', async () => {
    const sup = await supervisor();
    const all = await call('GET', '/v1/hotspots?limit=200', sup);
    expect(all.status, all.text).toBe(200);
    const ids = (all.json.items as Json[]).map((x) => x.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const paged: unknown[] = [];
    let next: string | null = '/v1/hotspots?limit=1';
    while (next) {
      const page = await call('GET', next, sup);
      expect(page.status, page.text).toBe(200);
      paged.push(...(page.json.items as Json[]).map((x) => x.id));
      next = page.json.next as string | null;
      expect(paged.length).toBeLessThanOrEqual(ids.length);
    }
    expect(paged).toEqual(ids);
    const forged = Buffer.from(JSON.stringify({ k: '2026-12-01T00:00:00Z', t: 'x', id: 'a' })).toString('base64url');
    const bad = await call('GET', `/v1/hotspots?after=${forged}`, sup);
    expect(bad.status, bad.text).toBe(400);
  });

  it('a supervisor acknowledges a hotspot with a plan and closes it; history and audit kept', async () => {
    const h = (await hotspotOf(KEY)) as { id: string };
    const sup = await supervisor();
    const badOwner = await call('POST', `/v1/hotspots/${h.id}/acknowledge`, sup, { ownerPersonId: 'nobody-here' });
    expect(badOwner.status, badOwner.text).toBe(422);
    expect((badOwner.json.errors as Json[])[0]).toMatchObject({ path: 'ownerPersonId' });
    // A control character is the client's mistake, named (not a database error).
    for (const body of [
      { ownerPersonId: 'head\u0000so-tnmt' },
      { ownerPersonId: 'head-so-tnmt', taskForceId: 'a\u0000' },
    ]) {
      const nul = await call('POST', `/v1/hotspots/${h.id}/acknowledge`, sup, body);
      expect(nul.status, nul.text).toBe(400);
      expect((nul.json.errors as Json[])[0]!.path).toBe(Object.keys(body).at(-1));
    }
    const officer = await call(
      'POST',
      `/v1/hotspots/${h.id}/acknowledge`,
      await authHeader({ roles: ['officer'], agency: 'so-tnmt' }),
      { ownerPersonId: 'head-so-tnmt' },
    );
    expect(officer.status).toBe(403);

    // The plan's task force: a running one of the caller's subtree (ADR 0037); unknown, ended or foreign: 422.
    const taskForce = async (id: string, agency: string, endsOn: string) =>
      api.tdb.db('task_forces').insert({
        id,
        name: `Tổ công tác ${id}`,
        mandate: 'Giải quyết dứt điểm',
        governing_agency_id: agency,
        lead_person_id: 'head-so-tnmt',
        ends_on: endsOn,
        created_by: JSON.stringify({ type: 'user', id: 'head-so-tnmt' }),
      });
    await taskForce('tcd-2026-07', 'so-tnmt', '2099-12-31');
    await taskForce('tcd-ended', 'so-tnmt', '2026-01-31');
    await taskForce('tcd-commune', 'ubnd-xa-b', '2099-12-31');
    for (const [id, why] of [
      ['no-such-force', 'in your subtree'],
      ['tcd-ended', 'ended'],
      ['tcd-commune', 'in your subtree'],
    ] as const) {
      const bad = await call('POST', `/v1/hotspots/${h.id}/acknowledge`, sup, {
        ownerPersonId: 'head-so-tnmt',
        taskForceId: id,
      });
      expect(bad.status, bad.text).toBe(422);
      expect((bad.json.errors as Json[])[0]).toMatchObject({ path: 'taskForceId' });
      expect(bad.text).toContain(why);
    }

    const key = randomUUID();
    const plan = { ownerPersonId: 'head-so-tnmt', taskForceId: 'tcd-2026-07', note: 'Đối thoại với các hộ dân' };
    const ack = await call('POST', `/v1/hotspots/${h.id}/acknowledge`, sup, plan, key);
    expect(ack.status, ack.text).toBe(200);
    expect(ack.json).toMatchObject({ status: 'acknowledged', plan: { ...plan } });
    const replay = await call('POST', `/v1/hotspots/${h.id}/acknowledge`, sup, plan, key);
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(ack.json);

    const close = await call('POST', `/v1/hotspots/${h.id}/close`, sup, { reason: 'Đã giải quyết dứt điểm' });
    expect(close.status, close.text).toBe(200);
    expect(close.json).toMatchObject({ status: 'closed', closeReason: 'Đã giải quyết dứt điểm', level: 'hot' });
    const again = await call('POST', `/v1/hotspots/${h.id}/close`, sup, { reason: 'lần nữa' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('hotspot-closed');
    const noReason = await call('POST', `/v1/hotspots/${h.id}/close`, sup, { reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('reason');

    const detail = await call('GET', `/v1/hotspots/${h.id}`, sup);
    expect((detail.json.history as Json[]).map((x) => x.action)).toEqual([
      'raised',
      'level_changed',
      'level_changed',
      'acknowledged',
      'closed',
    ]);
    const audit = await api.tdb.db('audit_log').where('action', 'like', 'hotspot.%').orderBy('seq').select('action');
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['hotspot.acknowledged', 'hotspot.closed', 'hotspot.recomputed']),
    );
    // Closed: another letter (no rise above hot) leaves it closed.
    const r = await call('POST', '/v1/cases', await intake(), letter(21));
    expect(r.status).toBe(201);
    expect(((await hotspotOf(KEY)) as { status: string }).status).toBe('closed');
  });

  it('a delegation at the reception office weighs more than a mass visit and feeds the same clusters as letters', async () => {
    const db = api.tdb.appDb;
    const reception = createReceptionStore(db, api.deps.pii);
    const placeId = `rp-${randomUUID()}`;
    const sessionId = `rs-${randomUUID()}`;
    await reception.insertPlace({
      id: placeId,
      agencyId: 'so-tnmt',
      name: 'Phòng tiếp công dân',
      kind: 'reception_office',
      address: null,
      onlineUrl: null,
      active: true,
      createdBy: 'test',
    });
    const now = new Date();
    await reception.insertSession({
      id: sessionId,
      agencyId: 'so-tnmt',
      placeId,
      kind: 'regular',
      leaderPersonId: null,
      receivedBy: 'in_person',
      delegatePersonId: null,
      mode: 'in_person',
      sessionDate: now.toISOString().slice(0, 10),
      startedAt: now.toISOString(),
      endedAt: null,
      periodId: null,
      scheduleEntryId: null,
      notes: null,
      createdBy: 'test',
    });
    const visit = async (people: number, delegation: boolean) => {
      const id = `rv-${randomUUID()}`;
      return db.transaction(async (trx) => {
        await reception.insertVisit(
          {
            id,
            sessionId,
            agencyId: 'so-tnmt',
            visitedAt: now.toISOString(),
            peopleCount: people,
            isDelegation: delegation,
            contentType: 'complaint',
            summary: 'Khiếu nại về bồi thường',
            outcome: 'guided',
            refusalGround: null,
            transferAgencyId: null,
            transferTarget: null,
            caseId: null,
            createdBy: 'test',
            parties: [],
          },
          trx,
        );
        return recordVisitPlace(
          trx,
          {
            visitId: id,
            place: { provinceCode: '01', communeCode: '00073' },
            sector: 'compensation_site_clearance',
            respondentKey: 'agency:ubnd-xa-b',
          },
          DEFAULT_HOTSPOT_CONFIG,
        );
      });
    };
    const key = 'pl:01/00073|s:compensation_site_clearance|r:agency:ubnd-xa-b';
    await visit(2, false); // 1
    expect(await hotspotOf(key)).toBeUndefined();
    await visit(30, true); // a delegation (ADR 0036): 4 → 5 ≥ 5: watch
    expect(await hotspotOf(key)).toMatchObject({ level: 'watch', item_count: 2, scores: { '30': 5, '90': 5 } });
    await visit(6, false); // 5 or more people: 3 → 8
    expect(await hotspotOf(key)).toMatchObject({ level: 'watch', item_count: 3, scores: { '30': 8, '90': 8 } });
    const kinds = await db('hotspot_items').where({ cluster_key: key }).orderBy('item_kind').pluck('item_kind');
    expect(kinds).toEqual(['delegation', 'visit', 'visit']);
    const visits = await db('reception_visits')
      .where({ session_id: sessionId, place_commune: '00073' })
      .count('* as n');
    expect(Number(visits[0]!.n)).toBe(3);
  });

  it('each supervisor is told once per set of rises (nested clusters, agencies sharing supervisors)', async () => {
    const db = api.tdb.appDb;
    const at = Date.now() - 3_600_000;
    // One intake of ten mass letters at two communes of the province: its three nested clusters rise at once.
    const items: DetectorItem[] = Array.from({ length: 10 }, (_v, i) => ({
      kind: 'case',
      id: `once-${i}-${randomUUID().slice(0, 8)}`,
      at: at + i * 1000,
      provinceCode: '01',
      communeCode: '00076',
      sector: 'environment',
      respondent: 'name:pham van c',
      mass: true,
      agencyId: i % 2 ? 'ubnd-xa-a' : 'ubnd-xa-b',
    }));
    const r = await db.transaction((trx) => ingestHotspotItems(trx, items, DEFAULT_HOTSPOT_CONFIG));
    expect(r.changes.filter((c) => c.rising)).toHaveLength(3);
    const rows = await db('case_notifications').whereIn('id', r.notifications);
    expect(rows).toHaveLength(1);
    expect(rows[0].kind).toBe('hotspot_raised');
    const recipients = rows.flatMap((n) => n.recipients as string[]);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toEqual(
      expect.arrayContaining(['person:head-tinh-demo', 'person:head-ubnd-xa-a', 'person:head-ubnd-xa-b']),
    );
    expect(recipients).not.toContain('person:head-so-tnmt');
  });

  it(
    'a recompute raising 180 clusters at once notifies in one bounded row (no btree overflow), rises in detail',
    {
      timeout: 120_000,
    },
    async () => {
      const db = api.tdb.appDb;
      // Items ingested under a configuration that raises nothing (as before a configuration change) …
      const quiet = {
        ...DEFAULT_HOTSPOT_CONFIG,
        windows: DEFAULT_HOTSPOT_CONFIG.windows.map((w) => ({
          days: w.days,
          thresholds: { watch: w.thresholds.watch * 1000, warning: w.thresholds.warning * 1000, hot: 1e9 },
        })),
      };
      const at = Date.now() - 3_600_000;
      const communes = Array.from({ length: 60 }, (_v, i) => `3${String(i).padStart(4, '0')}`);
      const items: DetectorItem[] = communes.flatMap((commune, c) =>
        Array.from({ length: 10 }, (_v, i) => ({
          kind: 'case' as const,
          id: `bulk-${c}-${i}-${randomUUID().slice(0, 8)}`,
          at: at + i * 1000,
          provinceCode: '02',
          communeCode: commune,
          sector: 'land',
          respondent: 'agency:ubnd-xa-a',
          mass: true,
          agencyId: 'ubnd-xa-a',
        })),
      );
      const quietRun = await db.transaction((trx) => ingestHotspotItems(trx, items, quiet));
      expect(quietRun.changes).toEqual([]);
      // … then the recompute under the defaults: 60 communes × 3 nested clusters rise in one transaction.
      const admin = await authHeader({ roles: ['system_admin'], agency: 'tinh-demo' });
      const full = await call('POST', '/v1/admin/hotspots/recompute', admin);
      expect(full.status, full.text).toBe(200);
      expect(full.json.changed).toBeGreaterThanOrEqual(180);
      const mine = await db('hotspots').where({ province_code: '02' }).whereNotNull('level').pluck('id');
      expect(mine).toHaveLength(180);
      const rows = await db('case_notifications')
        .where('kind', 'hotspot_raised')
        .whereRaw(`jsonb_array_length(detail->'rises') >= 180`)
        .select('id', 'idem_key', 'recipients', 'detail', 'subject_kind');
      expect(rows).toHaveLength(1);
      expect(rows[0].idem_key).toBe(`hotspot:${rows[0].id}`);
      expect((rows[0].detail.rises as Array<{ hotspotId: string }>).map((r) => r.hotspotId)).toEqual(
        expect.arrayContaining(mine),
      );
      expect(rows[0].recipients).toEqual(expect.arrayContaining(['person:head-tinh-demo', 'person:head-ubnd-xa-a']));
      // A second run changes nothing and succeeds.
      const again = await call('POST', '/v1/admin/hotspots/recompute', admin);
      expect(again.status, again.text).toBe(200);
      expect(again.json.changed).toBe(0);
    },
  );

  it(
    "a cluster raised by central gatherings only notifies the area's supervisors about the hotspot (SMTP, in-app); a start lost is made by the schedule's run",
    {
      timeout: 120_000,
    },
    async () => {
      const db = api.tdb.appDb;
      const at = Date.now() - 3_600_000;
      const gatherings: DetectorItem[] = [0, 1, 2].map((i) => ({
        kind: 'central_gathering' as const,
        id: `mtr-${randomUUID()}`,
        at: at + i * 60_000,
        provinceCode: '01',
        communeCode: '00082',
        sector: 'compensation',
        respondent: null,
        mass: true,
        agencyId: 'ubnd-xa-a',
      }));
      // Recorded in the gathering's transaction, and the API "crashed" before starting the delivery.
      const r = await db.transaction((trx) => ingestHotspotItems(trx, gatherings, DEFAULT_HOTSPOT_CONFIG));
      const rises = r.changes.filter((c) => c.rising);
      expect(rises.length).toBeGreaterThanOrEqual(1);
      expect(r.notifications).toHaveLength(1);
      const n = await db('case_notifications').where({ id: r.notifications[0] }).first();
      const top = rises.find((c) => c.hotspotId === n.subject_id)!;
      expect(top).toBeDefined();
      expect(n).toMatchObject({ subject_kind: 'hotspot', case_id: null, agency_id: 'ubnd-xa-a', status: 'queued' });
      expect(n.recipients).toEqual(expect.arrayContaining(['person:head-tinh-demo', 'person:head-ubnd-xa-a']));
      expect(n.detail).toMatchObject({ path: `/v1/hotspots/${n.subject_id}`, riseCount: rises.length });
      expect(await db('notification_deliveries').where({ notification_id: n.id })).toEqual([]);

      // The reconciler's run (what the mass-process-reconcile schedule starts) starts the lost delivery.
      const pass = (await api.dev.client.workflow.execute('massProcessReconcileWorkflow', {
        taskQueue: api.deps.taskQueue,
        workflowId: `reconcile-hotspot-${randomUUID()}`,
        args: [{ olderThanSeconds: 0 }],
      })) as MassProcessReconcileResult;
      expect(pass.notifications).toContain(n.id);
      const mails = await poll(
        'the hotspot emails',
        async () => smtp.messages.filter((m) => m.html && String(m.html).includes(`/v1/hotspots/${n.subject_id}`)),
        (ms) => ms.length >= 2,
      );
      const to = mails.flatMap((m) =>
        (Array.isArray(m.to) ? m.to : [m.to]).flatMap((a) => a!.value.map((v) => v.address)),
      );
      expect(to).toEqual(expect.arrayContaining(['chu-tich@tinh-demo.kntc.local']));
      expect(mails[0]!.subject).toContain('Cảnh báo sớm điểm nóng tại 01/00082');
      expect(mails[0]!.text).toContain(`https://kntc.example.gov.vn/v1/hotspots/${n.subject_id}`);
      expect(mails[0]!.text).not.toMatch(/hồ sơ mới nhất/);
      const settled = await poll(
        'the notification settled',
        async () => db('case_notifications').where({ id: n.id }).first(),
        (x) => x.status !== 'queued',
      );
      expect(settled.status).toBe('sent');
      // In-app: the supervisor's inbox names the hotspot as what the message is about.
      const inbox = await call(
        'GET',
        '/v1/me/notifications',
        await authHeader({ roles: ['supervisor'], agency: 'ubnd-xa-a', sub: 'head-ubnd-xa-a' }),
      );
      expect(inbox.status, inbox.text).toBe(200);
      const item = (inbox.json.items as Json[]).find((x) => x.notificationId === n.id)!;
      expect(item).toMatchObject({
        caseId: null,
        about: { kind: 'hotspot', id: n.subject_id },
        link: `https://kntc.example.gov.vn/v1/hotspots/${n.subject_id}`,
      });
      // A second run leaves it alone (started once).
      const again = (await api.dev.client.workflow.execute('massProcessReconcileWorkflow', {
        taskQueue: api.deps.taskQueue,
        workflowId: `reconcile-hotspot-${randomUUID()}`,
        args: [{ olderThanSeconds: 0 }],
      })) as MassProcessReconcileResult;
      expect(again.notifications ?? []).not.toContain(n.id);
    },
  );

  it('concurrent acknowledge and close of one hotspot: no lost update, audit true to the order', async () => {
    const db = api.tdb.appDb;
    const sup = await supervisor();
    for (let n = 0; n < 4; n++) {
      const commune = `0009${n}`;
      const r = await db.transaction((trx) =>
        ingestHotspotItems(
          trx,
          [0, 1].map((i) => ({
            kind: 'case' as const,
            id: `race-${n}-${i}-${randomUUID().slice(0, 8)}`,
            at: Date.now() - 60_000 + i,
            provinceCode: '01',
            communeCode: commune,
            sector: 'land',
            respondent: 'agency:so-tnmt',
            mass: true,
            agencyId: 'so-tnmt',
          })),
          DEFAULT_HOTSPOT_CONFIG,
        ),
      );
      const id = r.changes.find((c) => c.clusterKey.includes('|r:'))!.hotspotId;
      const [ack, close] = await Promise.all([
        call('POST', `/v1/hotspots/${id}/acknowledge`, sup, { ownerPersonId: 'head-so-tnmt', note: `n${n}` }),
        call('POST', `/v1/hotspots/${id}/close`, sup, { reason: `r${n}` }),
      ]);
      expect(close.status, close.text).toBe(200);
      expect([200, 409]).toContain(ack.status);
      const row = await db('hotspots').where({ id }).first();
      expect(row.status).toBe('closed');
      const history = (await db('hotspot_history').where({ hotspot_id: id }).orderBy('id')).map((x) => x.action);
      const closedAudit = await db('audit_log')
        .where({ action: 'hotspot.closed' })
        .whereRaw(`after->>'hotspotId' = ?`, [id])
        .first();
      if (ack.status === 200) {
        // The acknowledgement came first; the closure saw it (its "before" is the acknowledged row).
        expect(history.slice(-2)).toEqual(['acknowledged', 'closed']);
        expect(closedAudit.before.status).toBe('acknowledged');
        expect(row.plan).toMatchObject({ note: `n${n}` });
      } else {
        expect(history.at(-1)).toBe('closed');
        expect(history).not.toContain('acknowledged');
        expect(closedAudit.before.status).toBe('open');
      }
    }
  });

  it("the admin recompute's audit entry commits in the transaction of its effects", async () => {
    const h = (await hotspotOf(KEY)) as { id: string };
    // A stale row (as after a configuration change): the recompute rewrites it.
    await api.tdb.db('hotspots').where({ id: h.id }).update({ item_count: 0 });
    const admin = await authHeader({ roles: ['system_admin'], agency: 'tinh-demo' });
    const full = await call('POST', '/v1/admin/hotspots/recompute', admin);
    expect(full.status, full.text).toBe(200);
    expect(full.json.changed).toBe(0);
    const row = await api.tdb.db('hotspots').where({ id: h.id }).first('item_count', api.tdb.db.raw('xmin::text AS x'));
    expect(row.item_count).toBeGreaterThan(0);
    const entry = await api.tdb
      .db('audit_log')
      .where({ action: 'hotspot.recomputed' })
      .orderBy('seq', 'desc')
      .first('after', api.tdb.db.raw('xmin::text AS x'));
    expect(entry.x).toBe(row.x);
    expect(entry.after).toMatchObject({ clusters: full.json.clusters, changed: 0 });
  });

  it(
    'the incremental update equals the full recompute: random items, random order, concurrent transactions',
    { timeout: 300_000 },
    async () => {
      const db = api.tdb.appDb;
      const rnd = (n: number) => Math.floor(Math.random() * n);
      const t0 = Date.UTC(2026, 8, 1);
      const items: DetectorItem[] = Array.from({ length: 200 }, (_v, i) => ({
        kind: (['case', 'visit', 'matter'] as const)[rnd(3)]!,
        id: `rnd-${i}-${randomUUID().slice(0, 8)}`,
        at: t0 + rnd(150) * 86_400_000 + rnd(86_400_000),
        provinceCode: '79',
        communeCode: ['26734', '26737', null][rnd(3)] ?? null,
        sector: ['land', 'environment', null][rnd(3)] ?? null,
        respondent: ['agency:so-tnmt', 'name:tran van b', null][rnd(3)] ?? null,
        mass: rnd(5) === 0,
        agencyId: ['so-tnmt', 'ubnd-xa-b'][rnd(2)]!,
      }));
      // Four writers at once, each its share in its own order.
      await Promise.all(
        [0, 1, 2, 3].map(async (w) => {
          for (const it of items.filter((_x, i) => i % 4 === w).reverse())
            await db.transaction((trx) => ingestHotspotItems(trx, [it], DEFAULT_HOTSPOT_CONFIG));
        }),
      );
      const store = createHotspotStore(db, DEFAULT_HOTSPOT_CONFIG);
      expect((await store.recompute({ dryRun: true })).differences).toEqual([]);
      const expected = detect(items, DEFAULT_HOTSPOT_CONFIG);
      const rows = await db('hotspots')
        .where('province_code', '79')
        .select('cluster_key', 'level', 'scores', 'item_count');
      const atLevel = [...expected.values()].filter((c) => c.level !== null);
      expect(rows.filter((r) => r.level !== null).length).toBe(atLevel.length);
      for (const c of atLevel) {
        const row = rows.find((r) => r.cluster_key === c.key);
        expect(row, c.key).toBeDefined();
        expect([row.level, row.scores, row.item_count]).toEqual([c.level, c.scores, c.itemCount]);
      }
    },
  );
});
