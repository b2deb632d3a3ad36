/**
 * The console's working screens of reception, special periods and mass matters in a real browser (Debian
 * Chromium through playwright-core) against the real stack (the API serving the built console, a worker on the
 * run's Temporal dev server, PostgreSQL), as console-screens.int.test.ts does: a reception officer records a
 * session and a visit whose letter starts a case (linked both ways); a supervisor declares a special period and
 * sees its roster gaps; a supervisor records a central gathering and sees its first step due; task forces and
 * review campaigns; the dashboard's mass-matter figures. axe-core on each new page; screenshots for the README.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_PATH } from '../../processes/bpmn/render.js';
import { ROOT } from '../../platform/config.js';
import { workingDays } from '../../reception/periods.js';
import { authHeader, mintToken } from '../support/auth.js';
import { apiCaller, startTestApi, type TestApi } from '../support/api.js';

const HOME = 'so-tnmt';
const PLACE = 'rp_5c00000000000a01';
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const vnDay = (plusDays: number) =>
  new Date(Date.now() + 7 * 3600_000 + plusDays * 86_400_000).toISOString().slice(0, 10);
/**
 * From the Monday after next (Vietnam), the first week whose five weekdays are all working days on the stored
 * calendar (a holiday, e.g. 1/1 or Tết, would take a day out of the roster).
 */
async function nextWeek(): Promise<{ monday: string; friday: string }> {
  const today = new Date(`${vnDay(0)}T00:00:00Z`);
  for (let toMonday = ((8 - today.getUTCDay()) % 7 || 7) + 7; ; toMonday += 7) {
    const week = { monday: vnDay(toMonday), friday: vnDay(toMonday + 4) };
    if ((await workingDays(api.tdb.db, week.monday, week.friday)).length === 5) return week;
  }
}

let api: TestApi;
let browser: Browser;
const call = apiCaller(() => api.url);
let matterId: string;
const cspViolations: string[] = [];

async function open(
  token: string,
  viewport = { width: 1366, height: 900 },
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await ctx.newPage();
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().includes('/v1/'))
      void r.text().then(
        (b) => console.log(`[console-mass] ${r.status()} ${r.request().method()} ${r.url()} ${b}`),
        () => undefined,
      );
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await page.goto(`${api.url}/signin`);
  await page.getByLabel('Mã truy cập (token)').fill(token);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
  return { ctx, page };
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  );
}

const textOf = (l: Locator, timeout = 30_000) =>
  expect.poll(
    () =>
      l.textContent({ timeout: 1000 }).then(
        (x) => x ?? '',
        () => '',
      ),
    { timeout },
  );
const visible = (l: Locator, timeout = 30_000) => l.first().waitFor({ state: 'visible', timeout });
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  api = await startTestApi({ worker: true, consoleDir: inject('consoleDir') });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  await api.tdb.db('reception_places').insert({
    id: PLACE,
    agency_id: HOME,
    name: 'Phòng tiếp công dân Sở TN&MT',
    kind: 'department_point',
    address: '1 Đường Lê Lợi',
    created_by: 'test',
  });
  const officer = await authHeader({ roles: ['officer'], agency: HOME });
  const m = await call('POST', '/v1/matters', officer, {
    agencyId: HOME,
    title: 'Tranh chấp đất đai dự án khu đô thị mới (đông người)',
    contentType: 'complaint',
  });
  expect(m.status, m.text).toBe(201);
  matterId = m.json.id as string;
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('reception, special periods and mass matters in Chromium', () => {
  it('a reception officer records a session and a visit whose letter starts a case, linked both ways', async () => {
    const token = await mintToken({ roles: ['reception_officer'], agency: HOME, sub: 'rec-1' });
    const { ctx, page } = await open(token, { width: 1024, height: 1366 }); // a tablet, upright
    const nav = page.getByRole('navigation', { name: 'menu' });
    await visible(nav.getByRole('link', { name: 'Vụ việc đông người, phức tạp' }));
    await textOf(nav).not.toContain('Tổ công tác');
    await page.goto(`${api.url}/reception`);
    await page.getByRole('link', { name: 'Ghi nhận buổi tiếp công dân' }).click();
    await page.waitForURL(/\/reception\/sessions\/new$/);
    const form = page.getByTestId('session-form');
    await expect.poll(() => form.getByLabel('Địa điểm tiếp').inputValue(), { timeout: 20_000 }).toBe(PLACE);
    await form.getByLabel('Loại buổi tiếp').selectOption('ad_hoc');
    await form.getByLabel('Thủ trưởng (mã người)').fill('head-so-tnmt');
    await expectAccessible(page, 'new session');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await page.waitForURL(/\/reception\/sessions\/[0-9a-f-]{36}$/);
    await textOf(page.getByTestId('session')).toContain('Đột xuất');

    // The API's field messages land on the fields: a visitor without a name.
    const visit = page.getByTestId('visit-form');
    await visit.getByLabel('Nội dung', { exact: true }).fill('Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND');
    await visit.getByLabel('Kết quả').selectOption('letter_received');
    await visit.getByRole('button', { name: 'Ghi nhận lượt tiếp' }).click();
    const nameField = visit.locator('[data-person="visitors-0"]').getByLabel('Họ tên');
    await expect.poll(() => nameField.getAttribute('aria-invalid'), { timeout: 20_000 }).toBe('true');
    await nameField.fill('Trần Thị B');
    await visit.locator('[data-person="visitors-0"]').getByLabel('Số CCCD').fill('001203004567');
    await visit.getByLabel('Trích yếu đơn').fill('Khiếu nại quyết định thu hồi đất');
    await visit.getByRole('button', { name: 'Ghi nhận lượt tiếp' }).click();
    const created = page.getByTestId('visit-created');
    await visible(created.getByTestId('started-case'), 60_000);
    await textOf(created.getByTestId('pin')).toMatch(/\S{4,}/);
    await textOf(page.getByTestId('session-visits')).toContain('Tiếp nhận đơn');
    await expectAccessible(page, 'session with its visit');
    await shot(page, 'reception-session');
    const reference = (await created.getByTestId('started-case').textContent())!;

    // The visit page names the case; its people are fetched only on request (an audited read).
    await page.getByTestId('session-visits').locator('tbody tr a').first().click();
    await page.waitForURL(/\/reception\/visits\/[0-9a-f-]{36}$/);
    const visitUrl = new URL(page.url()).pathname;
    await textOf(page.getByTestId('visit')).toContain('Tiếp nhận đơn');
    await textOf(page.getByTestId('visit-case')).toMatch(/[0-9a-f]{8}/);
    await page.getByRole('button', { name: 'Hiện người đến (được ghi nhật ký)' }).click();
    await textOf(page.getByTestId('visit-people')).toContain('Trần Thị B');
    await expectAccessible(page, 'visit');
    await ctx.close();

    // The intake officer who works the case sees the visit it was received at, and the visit links back.
    const intake = await open(await mintToken({ roles: ['intake'], agency: HOME, sub: 'intake-1' }));
    const caseId = (await api.tdb.db('reception_visits').whereNotNull('case_id').first('case_id')).case_id as string;
    await intake.page.goto(`${api.url}/cases/${caseId}`);
    await visible(intake.page.getByText(reference), 30_000);
    await expect.poll(() => intake.page.getByTestId('case-visit').getAttribute('href')).toBe(visitUrl);
    await intake.page.getByTestId('case-visit').click();
    await intake.page.waitForURL((u) => u.pathname === visitUrl);
    await expect.poll(() => intake.page.getByTestId('visit-case').getAttribute('href')).toBe(`/cases/${caseId}`);
    await intake.ctx.close();
  });

  it('a supervisor declares a special period and sees the roster gaps, then fills one', async () => {
    const token = await mintToken({ roles: ['supervisor'], agency: 'tinh-demo', sub: 'sup-tinh' });
    const { ctx, page } = await open(token);
    await page.goto(`${api.url}/periods`);
    const form = page.getByTestId('declare-period');
    const { monday, friday } = await nextWeek();
    await form.getByLabel('Tên', { exact: true }).fill('Đại hội đại biểu Đảng bộ tỉnh (kiểm thử giao diện)');
    await form.getByLabel('Từ ngày').fill(monday);
    await form.getByLabel('Đến ngày').fill(friday);
    await form.getByLabel('Các cơ quan liên quan (mã, cách nhau bởi dấu phẩy)').fill(HOME);
    await form.getByLabel('Cơ quan tiếp nhận đơn liên quan nhân sự đại hội (mã)').fill('ubnd-xa-khac-khong-co');
    await expectAccessible(page, 'periods');
    await form.getByRole('button', { name: 'Công bố thời kỳ đặc biệt' }).click();
    // The refusal names the field, shown on it.
    const designated = form.getByLabel('Cơ quan tiếp nhận đơn liên quan nhân sự đại hội (mã)');
    await expect.poll(() => designated.getAttribute('aria-invalid'), { timeout: 20_000 }).toBe('true');
    await designated.fill(HOME);
    await form.getByRole('button', { name: 'Công bố thời kỳ đặc biệt' }).click();
    await page.waitForURL(/\/periods\/rpd_[0-9a-f]{16}$/);
    const gaps = page.getByTestId('roster-gaps');
    await visible(gaps.locator(`tr[data-gap="${monday}|${PLACE}"]`));
    const before = await gaps.locator('tbody tr').count();
    expect(before).toBeGreaterThanOrEqual(5); // every working day of the week × the place
    const [y, mo, d] = monday.split('-');
    await textOf(gaps.locator(`tr[data-gap="${monday}|${PLACE}"]`)).toContain(`${d}/${mo}/${y}`);
    await expectAccessible(page, 'period');
    await shot(page, 'period');
    const row = gaps.locator(`tr[data-gap="${monday}|${PLACE}"]`);
    await row.getByRole('textbox').fill('head-so-tnmt');
    await row.getByRole('button', { name: 'Phân công trực' }).click();
    await expect.poll(() => gaps.locator('tbody tr').count(), { timeout: 20_000 }).toBe(before - 1);
    await textOf(page.getByTestId('roster')).toContain(`${d}/${mo}/${y}`);
    await ctx.close();
  });

  it('a supervisor records a central gathering on a matter and sees its first step due', async () => {
    const token = await mintToken({ roles: ['supervisor'], agency: HOME, sub: 'sup-so' });
    const { ctx, page } = await open(token);
    await page.goto(`${api.url}/matters`);
    await page.getByRole('link', { name: 'Tranh chấp đất đai dự án khu đô thị mới (đông người)' }).click();
    await page.waitForURL(new RegExp(`/matters/${matterId}$`));
    await textOf(page.getByTestId('matter')).toContain('Số lần tiếp nhận');
    const form = page.getByTestId('gathering-form');
    await form.getByLabel('Số người').fill('40');
    // Without a representative the API refuses (Art 29), on the field.
    await form.locator('[data-person="representatives-0"]').getByRole('button', { name: 'Bỏ' }).click();
    await form.getByRole('button', { name: 'Ghi nhận vụ tụ tập tại Trung ương' }).click();
    await textOf(form).toContain('representative');
    await form.getByRole('button', { name: 'Thêm người' }).click();
    await form.locator('[data-person="representatives-0"]').getByLabel('Họ tên').fill('Lê Văn C');
    await form.getByRole('button', { name: 'Ghi nhận vụ tụ tập tại Trung ương' }).click();
    const first = page.locator('[data-gathering] tr[data-step="dispatch"]');
    let polls = 0;
    await expect
      .poll(
        async () => {
          const text = (await first.textContent({ timeout: 2000 }).catch(() => '')) ?? '';
          if (!/Đang thực hiện/.test(text) && ++polls % 10 === 0) await page.reload(); // the page also polls
          return text;
        },
        { timeout: 90_000, interval: 2000 },
      )
      .toMatch(/Đang thực hiện.*\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    await expectAccessible(page, 'matter');
    await shot(page, 'matter-gathering');

    // The dashboard counts it and links to the list of gatherings.
    await page.goto(`${api.url}/dashboard`);
    const fig = page.getByTestId('mass-panel').locator('[data-figure="gatherings"]');
    await textOf(fig, 60_000).toMatch(/^[1-9]/);
    await expectAccessible(page, 'dashboard with matters');
    await fig.click();
    await page.waitForURL(/\/matters\?tab=gatherings$/);
    await textOf(page.getByTestId('gatherings')).toContain('Trụ sở Tiếp công dân Trung ương');
    await expectAccessible(page, 'gatherings');
    await ctx.close();
  });

  it('a supervisor sets up a task force with the matter and launches a review campaign', async () => {
    const token = await mintToken({ roles: ['supervisor'], agency: HOME, sub: 'sup-so' });
    const { ctx, page } = await open(token);
    await page.goto(`${api.url}/task-forces`);
    const form = page.getByTestId('task-force-form');
    await form.getByLabel('Tên', { exact: true }).fill('Tổ công tác giải quyết vụ việc khu đô thị');
    await form.getByLabel('Tổ trưởng (mã người)').fill('head-so-tnmt');
    await form.getByLabel('Thành viên (mã người, cách nhau bởi dấu phẩy)').fill('head-so-tnmt');
    await form.getByLabel('Đến ngày').fill(vnDay(60));
    await form.getByLabel('Vụ việc (Mã)').fill(matterId);
    await form.getByLabel('Nhiệm vụ').fill('Rà soát, đề xuất phương án giải quyết dứt điểm');
    await expectAccessible(page, 'task forces');
    await form.getByRole('button', { name: 'Thành lập tổ công tác' }).click();
    await page.waitForURL(/\/task-forces\/tf-[0-9a-f-]{36}$/);
    await textOf(page.getByTestId('task-force-members')).toContain('head-so-tnmt');
    await textOf(page.getByTestId('task-force-assignments')).toContain(matterId.slice(0, 8));
    await expectAccessible(page, 'task force');

    await page.goto(`${api.url}/review-campaigns`);
    const launch = page.getByTestId('launch-review');
    await launch.getByLabel('Tên', { exact: true }).fill('Rà soát vụ việc tồn đọng (kiểm thử giao diện)');
    await launch.getByLabel('Tồn đọng ít nhất (tháng)').fill('0');
    await launch.getByLabel('Hạn hoàn thành').fill(vnDay(30));
    await expectAccessible(page, 'review campaigns');
    await launch.getByRole('button', { name: 'Mở đợt rà soát' }).click();
    await page.waitForURL(/\/review-campaigns\/rc-[0-9a-f-]{36}$/);
    await textOf(page.getByTestId('review-progress')).toContain('∑');
    await expectAccessible(page, 'review campaign');
    await ctx.close();
  });

  it("an admin adds a leader's reception day and changes it with a reason", async () => {
    const { ctx, page } = await open(await mintToken({ roles: ['admin'], agency: 'tinh-demo', sub: 'admin-1' }));
    await page.goto(`${api.url}/reception`);
    await page.getByRole('link', { name: 'Quản lý lịch tiếp' }).click();
    await page.waitForURL(/\/reception\/schedule-entries$/);
    await page.getByLabel('Cơ quan', { exact: true }).fill(HOME);
    const form = page.getByTestId('schedule-entry-form');
    const day = vnDay(21); // 5 working days of notice even across Tết (else a late-notice reason is required)
    await form.getByLabel('Thủ trưởng (mã người)').fill('head-so-tnmt');
    await form.getByLabel('Chức vụ').fill('Giám đốc Sở');
    await form.getByLabel('Địa điểm tiếp').fill(PLACE);
    await form.getByLabel('Ngày', { exact: true }).fill(day);
    await form.getByRole('button', { name: 'Tạo' }).click();
    const [y, mo, d] = day.split('-');
    const row = page.getByTestId('schedule-entries').locator('tr', { hasText: `${d}/${mo}/${y}` });
    await textOf(row).toContain('08:00–11:30');
    await expectAccessible(page, 'schedule entries');
    await row.getByRole('button', { name: 'Thay đổi' }).click();
    await form.getByLabel('Từ giờ').fill('13:30');
    await form.getByLabel('Đến giờ').fill('16:30');
    await form.getByRole('button', { name: 'Thay đổi' }).click();
    // No reason: the API refuses, on the field.
    const reason = form.getByLabel('Lý do thay đổi');
    await expect.poll(() => reason.getAttribute('aria-invalid'), { timeout: 20_000 }).toBe('true');
    await reason.fill('Lãnh đạo họp đột xuất buổi sáng');
    await form.getByRole('button', { name: 'Thay đổi' }).click();
    await textOf(row).toContain('13:30–16:30');
    await ctx.close();
  });

  it('no Content-Security-Policy violation on these pages', () => {
    expect(cspViolations).toEqual([]);
  });
});
