/**
 * Notifications delivered (issue 13.2, ADR 0025) on the real stack: Temporal dev server, PostgreSQL,
 * the worker, the HTTP API, a real SMTP server in-process (smtp-server + mailparser) and a real HTTP
 * SMS gateway receiver. Done when: a breached deadline lands in the head's mailbox and in-app inbox.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLifecycleActivities } from '../../activities/lifecycle.js';
import { startNotificationDelivery } from '../../activities/notifications.js';
import * as migration from '../../db/migrations/20261203020000_notification_deliveries.js';
import { createLogger } from '../../platform/logger.js';
import { resolveRecipients } from '../../directory/recipients.js';
import { vnDateTime } from '../../notifications/templates.js';
import { createEmailTransport, createSmsTransport } from '../../notifications/transports.js';
import { notificationWorkflowId, type DeliverNotificationResult } from '../../workflows/notification-contract.js';
import { apiCaller, poll, seedCase, startTestApi, type Json, type TestApi } from '../support/api.js';
import { authHeader } from '../support/auth.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

const RETRY = { initialIntervalMs: 200, maximumIntervalMs: 500, periodMs: 4000 };
const BASE = 'https://kntc.example.gov.vn';
const SUBJECT = 'Tố cáo ông Nguyễn Văn Bí Mật về đất đai';

let api: TestApi;
let smtp: TestSmtp;
let gateway: http.Server;
const sms: Array<{
  auth: string | undefined;
  key: string | undefined;
  body: { id: string; to: string; text: string };
}> = [];
const call = apiCaller(() => api.url);

beforeAll(async () => {
  smtp = await startTestSmtp({
    rcpt: (a, n) =>
      a.startsWith('bounce') ? 550 : a.startsWith('flaky') && n <= 2 ? 451 : a.startsWith('down') ? 451 : null,
  });
  gateway = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => {
      data += c.toString();
    });
    req.on('end', () => {
      const body = JSON.parse(data) as { id: string; to: string; text: string };
      sms.push({ auth: req.headers.authorization, key: req.headers['idempotency-key'] as string | undefined, body });
      res.writeHead(body.to === '+84900000400' ? 400 : 202).end();
    });
  });
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
  api = await startTestApi({
    worker: true,
    notifications: {
      resolveRecipients,
      email: createEmailTransport({ smtpUrl: smtp.url, from: 'KNTC <no-reply@kntc.test>' }),
      sms: createSmsTransport({
        url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`,
        token: 'sms-secret',
      }),
      publicBaseUrl: BASE,
      retry: RETRY,
    },
  });
  const db = api.tdb.db;
  const people = [
    { id: 'p-flaky', email: 'flaky@ubnd-xa-a.test' },
    { id: 'p-bounce', email: 'bounce@ubnd-xa-a.test' },
    { id: 'p-down', email: 'down@ubnd-xa-a.test' },
    { id: 'p-sms', email: null, phone: '+84901234567' },
    { id: 'p-sms-bad', email: null, phone: '+84900000400' },
  ];
  await db('people').insert(
    people.map((p) => ({ id: p.id, display_name: `Cán bộ ${p.id}`, email: p.email, phone: p.phone ?? null })),
  );
  await db('agency_staff').insert(
    people.map((p) => ({ person_id: p.id, agency_id: 'ubnd-xa-a', roles: ['officer'], position: 'member' })),
  );
  await db('notification_preferences').insert([
    { person_id: 'p-sms', channel: 'sms', kind: '*', enabled: true },
    { person_id: 'p-sms-bad', channel: 'sms', kind: '*', enabled: true },
  ]);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await smtp?.close();
  await new Promise<void>((r) => (gateway ? gateway.close(() => r()) : r()));
});

/** A notification on a seeded case, delivered by its workflow (started as recordNotification does). */
async function deliver(
  to: string[],
  kind = 'deadline_breach',
): Promise<{ caseId: string; id: string; result: DeliverNotificationResult }> {
  const caseId = randomUUID();
  await seedCase(api.tdb.db, { id: caseId, agencyId: 'ubnd-xa-a', caseType: 'petition' });
  const id = `ntf-${randomUUID()}`;
  await api.tdb
    .db('case_notifications')
    .insert({ id, case_id: caseId, idem_key: 'overdue.notify:t1', node_id: 'overdue.notify', kind, recipients: to });
  await startNotificationDelivery(api.dev.client, api.deps.taskQueue, id, RETRY);
  // Started twice (a retried recording): still one delivery.
  await startNotificationDelivery(api.dev.client, api.deps.taskQueue, id, RETRY);
  const result = (await api.dev.client.workflow
    .getHandle(notificationWorkflowId(id))
    .result()) as DeliverNotificationResult;
  return { caseId, id, result };
}

async function caseNotifications(caseId: string): Promise<Json[]> {
  const r = await call(
    'GET',
    `/v1/cases/${caseId}/notifications`,
    await authHeader({ roles: ['supervisor'], agency: 'tinh-demo' }),
  );
  expect(r.status, r.text).toBe(200);
  return r.json.items as Json[];
}

describe('notifications delivered', () => {
  it("a breached deadline lands in the head's mailbox and in-app inbox, with reference, step, due date and link", async () => {
    const admin = await authHeader({ roles: ['admin'], agency: 'so-tnmt' });
    // Received three months ago: the 10-working-day acceptance limit (C1) breached at once.
    const created = await call('POST', '/v1/cases', admin, {
      type: 'petition',
      channel: 'portal',
      receivedAt: '2026-09-01T09:00:00+07:00',
      agencyId: 'so-tnmt',
      subject: SUBJECT,
    });
    expect(created.status, created.text).toBe(201);
    const caseId = String(created.json.id);
    const reference = String(created.json.reference);
    const items = await poll(
      'the breach notification settled',
      () => caseNotifications(caseId),
      (xs) => xs.some((n) => n.kind === 'deadline_breach' && n.status !== 'queued'),
    );
    const n = items.find((x) => x.kind === 'deadline_breach')!;
    expect(n).toMatchObject({ status: 'sent', recipients: ['agency_head', 'case_officer'], reason: null });
    const deliveries = n.deliveries as Json[];
    expect(deliveries.map((d) => [d.personId, d.channel, d.status, d.attempts]).sort()).toEqual([
      ['head-so-tnmt', 'email', 'sent', 1],
      ['head-so-tnmt', 'inapp', 'sent', 1],
    ]);
    expect(deliveries.find((d) => d.channel === 'email')!.address).toBe('g***@so-tnmt.kntc.local');

    // The mailbox (the SMTP server received and parsed it).
    const mail = smtp.messages.find((m) => m.subject?.includes(reference))!;
    expect(mail).toBeDefined();
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual([
      'giam-doc@so-tnmt.kntc.local',
    ]);
    expect(mail.subject).toBe(`[KNTC] Quá hạn xử lý hồ sơ ${reference}`);
    const view = (await call('GET', `/v1/cases/${caseId}`, admin)).json as {
      breaches: Array<{ nodeId: string }>;
      openTasks: Array<{ nodeId: string; name: string; nameLabel: string; dueAt: string }>;
    };
    const breached = view.openTasks.find((t) => t.nodeId === view.breaches[0]!.nodeId)!;
    // The step is the petition's first task, named in English in the definition: the message names it in Vietnamese.
    expect(breached).toMatchObject({
      name: 'Accept or transfer the petition',
      nameLabel: 'Tiếp nhận xử lý hoặc chuyển đơn kiến nghị, phản ánh',
    });
    expect(mail.text).toContain('Bước xử lý: Tiếp nhận xử lý hoặc chuyển đơn kiến nghị, phản ánh');
    const due = vnDateTime(breached.dueAt)!;
    expect(due).toMatch(/^\d{2}\/\d{2}\/2026 23:59$/);
    for (const body of [mail.text!, String(mail.html)]) {
      expect(body).toContain(reference);
      expect(body).toContain(breached.nameLabel);
      expect(body).not.toContain(breached.name);
      expect(body).toContain(due);
      expect(body).toContain(`${BASE}/v1/cases/${caseId}`);
      expect(body).toContain('Trần Thị Bình');
      // The case's free-text subject (which may name people) is never part of a message.
      expect(body).not.toContain('Bí Mật');
    }
    expect(mail.text).toContain('Hồ sơ');

    // The in-app inbox of the head (person = token sub), unread until marked.
    const head = await authHeader({ roles: ['supervisor'], agency: 'so-tnmt', sub: 'head-so-tnmt' });
    const inbox = await call('GET', '/v1/me/notifications?unread=true', head);
    expect(inbox.status, inbox.text).toBe(200);
    const item = (inbox.json.items as Json[]).find((i) => i.caseId === caseId)!;
    expect(item).toMatchObject({
      kind: 'deadline_breach',
      subject: mail.subject,
      read: false,
      readAt: null,
      link: `${BASE}/v1/cases/${caseId}`,
    });
    expect(String(item.text)).toContain(due);
    expect(inbox.json.unread).toBeGreaterThanOrEqual(1);

    // Another person neither sees it nor can mark it.
    const other = await authHeader({ roles: ['supervisor'], agency: 'so-tnmt', sub: 'head-ubnd-xa-b' });
    expect(
      ((await call('GET', '/v1/me/notifications', other)).json.items as Json[]).some((i) => i.id === item.id),
    ).toBe(false);
    const foreign = await call('POST', `/v1/me/notifications/${String(item.id)}/read`, other);
    expect(foreign.status).toBe(404);
    expect(foreign.text).toContain('not-found');

    const read = await call('POST', `/v1/me/notifications/${String(item.id)}/read`, head);
    expect(read.status, read.text).toBe(200);
    expect(read.json).toMatchObject({ id: item.id, read: true });
    expect(String(read.json.readAt)).toMatch(/\+07:00$/);
    const again = await call('POST', `/v1/me/notifications/${String(item.id)}/read`, head);
    expect(again.json.readAt).toBe(read.json.readAt);
    const unread = await call('GET', '/v1/me/notifications?unread=true', head);
    expect((unread.json.items as Json[]).some((i) => i.id === item.id)).toBe(false);
    const all = await call('GET', '/v1/me/notifications', head);
    expect((all.json.items as Json[]).find((i) => i.id === item.id)).toMatchObject({ read: true });
    expect((await call('GET', '/v1/me/notifications?unread=maybe', head)).status).toBe(400);
  }, 90_000);

  it('an SMTP 5xx rejection bounces at once, without retry', async () => {
    const { caseId, result } = await deliver(['person:p-bounce']);
    expect(result).toEqual({ status: 'bounced', deliveries: 2 });
    const [n] = await caseNotifications(caseId);
    const email = (n!.deliveries as Json[]).find((d) => d.channel === 'email')!;
    expect(email).toMatchObject({ status: 'bounced', attempts: 1 });
    expect(String(email.lastError)).toContain('SMTP 550');
    expect(smtp.rcpts.get('bounce@ubnd-xa-a.test')).toBe(1);
    expect(n).toMatchObject({ status: 'bounced' });
  }, 60_000);

  it('a temporary SMTP failure is retried with backoff until accepted; the attempts are counted', async () => {
    const before = smtp.messages.length;
    const { caseId, result } = await deliver(['person:p-flaky'], 'mass_case_received');
    expect(result.status).toBe('sent');
    const [n] = await caseNotifications(caseId);
    expect((n!.deliveries as Json[]).find((d) => d.channel === 'email')).toMatchObject({ status: 'sent', attempts: 3 });
    expect(n).toMatchObject({ status: 'sent', attempts: 4 }); // 3 email attempts + 1 in-app
    const mails = smtp.messages.slice(before).filter((m) => m.subject?.includes('vụ việc đông người'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Thời hạn: không có');
  }, 60_000);

  it('a delivery still refused when the retry period ends is failed', async () => {
    const { caseId, result } = await deliver(['person:p-down']);
    expect(result.status).toBe('failed');
    const [n] = await caseNotifications(caseId);
    const email = (n!.deliveries as Json[]).find((d) => d.channel === 'email')!;
    expect(email.status).toBe('failed');
    expect(Number(email.attempts)).toBeGreaterThanOrEqual(3);
    expect(String(email.lastError)).toMatch(/SMTP 451.*retry period ended/);
  }, 60_000);

  it('SMS go to the HTTP gateway (JSON, bearer token, idempotency key); a 4xx refusal bounces', async () => {
    const { caseId, result } = await deliver(['person:p-sms', 'person:p-sms-bad']);
    expect(result.status).toBe('bounced');
    const [n] = await caseNotifications(caseId);
    const byPerson = Object.fromEntries(
      (n!.deliveries as Json[]).filter((d) => d.channel === 'sms').map((d) => [d.personId, d]),
    );
    expect(byPerson['p-sms']).toMatchObject({ status: 'sent', attempts: 1, address: '+849*****567' });
    expect(byPerson['p-sms-bad']).toMatchObject({ status: 'bounced', attempts: 1 });
    const got = sms.find((s) => s.body.to === '+84901234567')!;
    expect(got).toMatchObject({
      auth: 'Bearer sms-secret',
      key: byPerson['p-sms']!.id,
      body: { id: byPerson['p-sms']!.id },
    });
    expect(got.body.text).toMatch(/^KNTC: Quá hạn xử lý hồ sơ TC-2026-/);
    expect(got.body.text).toContain(`${BASE}/v1/cases/${caseId}`);
  }, 60_000);

  it('a crash between the recorded row and the start loses nothing: the retried activity starts the same delivery', async () => {
    const caseId = randomUUID();
    await seedCase(api.tdb.db, { id: caseId, agencyId: 'ubnd-xa-a', caseType: 'petition' });
    const started: string[] = [];
    const acts = createLifecycleActivities({
      db: api.tdb.appDb,
      logger: createLogger('silent'),
      startDelivery: async (id) => {
        started.push(id);
        if (started.length === 1) throw new Error('worker lost before the start'); // the row is written, the start is not
        await startNotificationDelivery(api.dev.client, api.deps.taskQueue, id, RETRY);
      },
    });
    const input = { kind: 'deadline_breach', to: ['person:p-sms'] };
    const ctx = { caseId, nodeId: 'overdue.notify', tokenId: 't9' };
    await expect(acts.recordNotification(input, ctx)).rejects.toThrow(/worker lost/);
    const again = await acts.recordNotification(input, ctx); // Temporal's retry of the same activity
    expect(started).toEqual([again.notificationId, again.notificationId]);
    expect(await api.tdb.db('case_notifications').where({ case_id: caseId })).toHaveLength(1);
    const result = await api.dev.client.workflow.getHandle(notificationWorkflowId(again.notificationId)).result();
    expect(result).toEqual({ status: 'sent', deliveries: 2 });
  }, 60_000);

  it('a notification naming nobody reachable is failed with the reason', async () => {
    const { caseId, result } = await deliver(['complainant_or_representative']);
    expect(result).toEqual({ status: 'failed', deliveries: 0 });
    expect((await caseNotifications(caseId))[0]).toMatchObject({
      status: 'failed',
      reason: 'no_recipients',
      deliveries: [],
    });
  }, 60_000);

  it('the migration rolls back over real rows and runs up again', async () => {
    const db = api.tdb.db;
    expect(Number((await db('notification_deliveries').count<Array<{ n: string }>>('* as n'))[0]!.n)).toBeGreaterThan(
      0,
    );
    await migration.down(db);
    expect(await db.schema.hasTable('notification_deliveries')).toBe(false);
    expect(await db.schema.hasColumn('case_notifications', 'attempts')).toBe(false);
    await migration.up(db);
    expect(await db.schema.hasTable('notification_deliveries')).toBe(true);
    expect(await db('case_notifications').first('status', 'attempts')).toMatchObject({ attempts: 0 });
  });
});
