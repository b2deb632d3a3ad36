/**
 * The console's compliance task (ADR 0039; ADR 0029 amendment of session 9) in a real browser (Debian Chromium
 * through playwright-core) against the real stack (the API serving the built console, PostgreSQL, the Temporal
 * dev server): a supervisor of the supervising agency — working case tasks as a business role (`task-role:`) —
 * opens a head's shortfall from the inbox, sees the agency, rule, citation, period and days, submits the form
 * empty and sees the API's message on the field, closes it with an outcome and sees it leave the inbox; an
 * auditor reads it but is refused the form; a reception officer and another agency's supervisor are refused the
 * task. axe-core on the page. The other kinds open where they are worked: a period task its period on the task's
 * day (the report submitted there), a review the open reviews (its outcome recorded there); both leave the inbox.
 */
import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_PATH } from '../../processes/bpmn/render.js';
import { mintToken } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

const CITATION = 'Luật Tiếp công dân 2013 Art 18(2): "ít nhất 01 ngày trong 01 tháng" at the agency\'s reception place';
let api: TestApi;
let browser: Browser;
let taskId: string;

async function open(token: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await ctx.newPage();
  await page.goto(`${api.url}/signin`);
  await page.getByLabel('Mã truy cập (token)').fill(token);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
  return { ctx, page };
}
const visible = (l: Locator, timeout = 30_000) => l.first().waitFor({ state: 'visible', timeout });
const textOf = (l: Locator, timeout = 30_000) =>
  expect.poll(
    () =>
      l.textContent({ timeout: 1000 }).then(
        (x) => x ?? '',
        () => '',
      ),
    { timeout },
  );

beforeAll(async () => {
  api = await startTestApi({ consoleDir: inject('consoleDir') });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  // The department's head held no reception day in November; the province supervises it.
  taskId = `rct_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await api.tdb.db('reception_compliance_tasks').insert({
    id: taskId,
    agency_id: 'so-tnmt',
    supervising_agency_id: 'tinh-demo',
    rule_id: 'department-head-monthly',
    citation: CITATION,
    period_first: '2026-11-01',
    period_last: '2026-11-30',
    required_days: 1,
    held_days: 0,
    delegated_days: 2,
  });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('a compliance task in Chromium', () => {
  it('a supervisor opens it from the inbox, sees the field message, closes it and it leaves the inbox', async () => {
    const token = await mintToken({
      roles: ['supervisor'],
      agency: 'tinh-demo',
      sub: 'sup-tinh',
      permissions: ['task-role:resolver'],
    });
    const { ctx, page } = await open(token);
    await page.goto(`${api.url}/inbox`);
    const row = page.locator(`[data-task="compliance:${taskId}"]`);
    await visible(row);
    await row.getByRole('link').first().click();
    await page.waitForURL(new RegExp(`/compliance-tasks/${taskId}$`));
    const facts = page.getByTestId('compliance-task');
    await textOf(facts).toContain('so-tnmt');
    const text = (await facts.textContent()) ?? '';
    expect(text).toContain('department-head-monthly');
    expect(text).toContain('Art 18(2)');
    expect(text).toContain('01/11/2026');
    expect(text).toContain('30/11/2026');
    const days = async (label: string) =>
      (await facts.locator('tr', { hasText: label }).locator('td').textContent())?.trim();
    expect(await days('Số ngày tối thiểu')).toBe('1');
    expect(await days('Số ngày thủ trưởng trực tiếp tiếp')).toBe('0');
    await textOf(page.getByTestId('compliance-task-status')).toBe('Mới');

    const r = await new AxeBuilder({ page }).analyze();
    const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    // Empty: the API's 400 names `outcome`; the message sits on the field.
    const form = page.getByTestId('close-compliance-task');
    const outcome = form.getByLabel('Cấp trên đã xử lý thế nào', { exact: false });
    await outcome.fill('   ');
    await form.getByRole('button', { name: 'Đóng việc' }).click();
    await expect.poll(() => outcome.getAttribute('aria-invalid'), { timeout: 20_000 }).toBe('true');
    const describedBy = (await outcome.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((x) => x.includes('error'));
    expect(errorId).toBeTruthy();
    expect(((await page.locator(`[id="${errorId}"]`).textContent()) ?? '').length).toBeGreaterThan(0);
    expect((await api.tdb.db('reception_compliance_tasks').where({ id: taskId }).first()).status).toBe('open');

    // Closed with what the province did: the page shows it closed, with the outcome; the audit entry cites the rule.
    const said = 'Đã nhắc nhở Giám đốc Sở; tháng 12 bố trí đủ ngày tiếp công dân';
    await outcome.fill(said);
    await form.getByRole('button', { name: 'Đóng việc' }).click();
    await textOf(page.getByTestId('compliance-task-status')).toBe('Đã đóng');
    await textOf(facts).toContain(said);
    await expect.poll(() => form.count()).toBe(0);
    const entry = await api.tdb.db('audit_log').where({ action: 'reception.compliance_task_closed' }).first();
    expect(entry.after).toMatchObject({ taskId, status: 'closed', outcome: said });
    expect(entry.legal_basis).toBe(CITATION);

    // Back in the inbox: the task has left it.
    await page.getByRole('navigation', { name: 'menu' }).getByRole('link', { name: 'Công việc', exact: true }).click();
    await page.waitForURL(/\/inbox$/);
    await visible(page.getByTestId('inbox').or(page.getByText('Không có công việc.'))); // the list, not its loader
    await expect.poll(() => page.locator(`[data-task="compliance:${taskId}"]`).count(), { timeout: 20_000 }).toBe(0);
    await ctx.close();
  });

  it('refuses who may not close it: an auditor reads it without the form; others are refused the task', async () => {
    const second = `rct_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await api.tdb.db('reception_compliance_tasks').insert({
      id: second,
      agency_id: 'so-tnmt',
      supervising_agency_id: 'tinh-demo',
      rule_id: 'department-head-monthly',
      citation: CITATION,
      period_first: '2026-10-01',
      period_last: '2026-10-31',
      required_days: 1,
      held_days: 0,
      delegated_days: 0,
    });
    const auditor = await open(await mintToken({ roles: ['auditor'], agency: 'tinh-demo', sub: 'aud-tinh' }));
    await auditor.page.goto(`${api.url}/compliance-tasks/${second}`);
    await textOf(auditor.page.getByTestId('close-refused')).toContain('supervisor, admin');
    expect(await auditor.page.getByTestId('close-compliance-task').count()).toBe(0);
    await auditor.ctx.close();
    // A reception officer of the province (not a reader of compliance) and the department's own supervisor (the
    // task is the province's): the API's refusal is shown, no task.
    for (const [role, agency] of [
      ['reception_officer', 'tinh-demo'],
      ['supervisor', 'so-tnmt'],
    ] as const) {
      const { ctx, page } = await open(await mintToken({ roles: [role], agency }));
      await page.goto(`${api.url}/compliance-tasks/${second}`);
      await visible(page.getByTestId('problem'));
      expect(await page.getByTestId('compliance-task').count()).toBe(0);
      expect(await page.getByTestId('close-compliance-task').count()).toBe(0);
      await ctx.close();
    }
    expect((await api.tdb.db('reception_compliance_tasks').where({ id: second }).first()).status).toBe('open');
  });

  it("a period task opens its period on the task's day, where the agency's report is submitted", async () => {
    const db = api.tdb.db;
    const periodId = `rpd_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await db('reception_periods').insert({
      id: periodId,
      name: 'Đại hội Đảng bộ tỉnh',
      starts_on: '2026-11-01',
      ends_on: '2027-01-31',
      governing_agency_id: 'tinh-demo',
      designated_agency_id: 'tinh-demo',
      flagged_target_days: 5,
      report_due_time: '23:59',
      created_by: '{}',
    });
    await db('reception_period_agencies').insert({ period_id: periodId, agency_id: 'so-tnmt' });
    // A past day's report still owed (not today's: the page must open on the task's day).
    const taskId = `rpt_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await db('reception_period_tasks').insert({
      id: taskId,
      period_id: periodId,
      kind: 'daily_report',
      agency_id: 'so-tnmt',
      subject_agency_id: 'so-tnmt',
      task_date: '2026-11-20',
      due_at: '2026-11-20T16:59:00Z',
    });
    const { ctx, page } = await open(await mintToken({ roles: ['reception_officer'], agency: 'so-tnmt' }));
    await page.goto(`${api.url}/inbox`);
    const row = page.locator(`[data-task="period:${taskId}"]`);
    await visible(row);
    await row.getByRole('link').first().click();
    await page.waitForURL(new RegExp(`/periods/${periodId}\\?date=2026-11-20$`));
    await expect.poll(() => page.getByLabel('Ngày báo cáo').inputValue(), { timeout: 20_000 }).toBe('2026-11-20');
    const report = page.locator('[data-report="so-tnmt"]');
    await visible(report);
    await report.getByRole('button', { name: 'Nộp báo cáo' }).click();
    await expect
      .poll(async () => (await db('reception_period_tasks').where({ id: taskId }).first()).status, {
        timeout: 20_000,
      })
      .toBe('closed');
    await page.getByRole('navigation', { name: 'menu' }).getByRole('link', { name: 'Công việc', exact: true }).click();
    await page.waitForURL(/\/inbox$/);
    await visible(page.getByTestId('inbox').or(page.getByText('Không có công việc.'))); // the list, not its loader
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    await ctx.close();
  });
  it("a review opens the open reviews, where its outcome is recorded (the API's message on the plan date)", async () => {
    const db = api.tdb.db;
    const matter = randomUUID();
    await db('matters').insert({
      id: matter,
      agency_id: 'so-tnmt',
      title: 'Khiếu nại kéo dài về bồi thường giải phóng mặt bằng',
      subject_norm: 'khieu nai keo dai ve boi thuong giai phong mat bang',
      first_received_at: '2026-07-01T01:00:00Z',
      last_received_at: '2026-07-01T01:00:00Z',
      created_by: 'test',
    });
    const campaign = `rc-${randomUUID()}`;
    await db('review_campaigns').insert({
      id: campaign,
      name: 'Rà soát vụ việc tồn đọng',
      agency_id: 'tinh-demo',
      criteria: JSON.stringify({ flags: ['prolonged'], openLongerThanMonths: 0, agencyIds: ['so-tnmt'] }),
      due_at: '2099-01-01T00:00:00Z',
      workflow_id: `review-campaign-${campaign}`,
      created_by: '{}',
    });
    const review = `rv-${randomUUID()}`;
    await db('review_items').insert({
      id: review,
      campaign_id: campaign,
      matter_id: matter,
      agency_id: 'so-tnmt',
      due_at: '2099-01-01T00:00:00Z',
      status: 'open',
      opened_at: db.fn.now(),
    });
    const { ctx, page } = await open(await mintToken({ roles: ['officer'], agency: 'so-tnmt', sub: 'officer-so' }));
    await page.goto(`${api.url}/inbox`);
    const row = page.locator(`[data-task="review:${review}"]`);
    await visible(row);
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/review-campaigns$/);
    const item = page.locator(`[data-review="${review}"]`);
    await visible(item);
    await item.getByLabel('Kết quả').selectOption('resolution_plan');
    await item.getByRole('button', { name: 'Ghi kết quả' }).click();
    const plan = item.getByLabel('Ngày hoàn thành theo kế hoạch');
    await expect.poll(() => plan.getAttribute('aria-invalid'), { timeout: 20_000 }).toBe('true');
    await plan.fill('2027-03-31');
    await item.getByRole('button', { name: 'Ghi kết quả' }).click();
    // The date field shows '31/03/2027' under it as soon as it is typed, and a recorded review leaves the list of
    // open reviews when it refreshes: wait for the stored outcome itself.
    await expect
      .poll(async () => (await db('review_items').where({ id: review }).first()).status, { timeout: 20_000 })
      .toBe('reviewed');
    expect((await db('review_items').where({ id: review }).first(db.raw('plan_date::text AS d'))).d).toBe('2027-03-31');
    await page.getByRole('navigation', { name: 'menu' }).getByRole('link', { name: 'Công việc', exact: true }).click();
    await page.waitForURL(/\/inbox$/);
    await visible(page.getByTestId('inbox').or(page.getByText('Không có công việc.'))); // the list, not its loader
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    await ctx.close();
  });
});
