/**
 * Published decisions and conclusions in a real browser (ADR 0043; issue 17 item 8), as the other console tests
 * do (Debian Chromium through playwright-core, the API serving the built console, a case worker, PostgreSQL): an
 * officer previews the redacted conclusion of a denunciation on its case page, publishes it, a citizen finds it on
 * the public page (filters) without signing in and reads it — no denouncer anywhere —, in Vietnamese and in
 * English; the officer withdraws it with a reason and it is gone. axe-core: no serious or critical violation.
 * Screenshots: docs/screenshots/public-decisions.png, decision-publish.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_PATH } from '../../processes/bpmn/render.js';
import { ROOT } from '../../platform/config.js';
import { authHeader, mintToken } from '../support/auth.js';
import { apiCaller, startTestApi, type TestApi } from '../support/api.js';

const HOME = 'so-tnmt';
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const DENOUNCER = { name: 'Hoàng Văn Mật', idNumber: '079188004321', phone: '0987123456', address: '5 Hai Bà Trưng' };
const TEXT =
  'KẾT LUẬN NỘI DUNG TỐ CÁO số 45/KL-STNMT\n\nNgày 02/11/2026, Sở Tài nguyên và Môi trường nhận đơn của ông ' +
  'Hoàng Văn Mật (CCCD 079188004321, điện thoại 0987 123 456), trú tại 5 Hai Bà Trưng, tố cáo bà Đinh Thị Lan, ' +
  'cán bộ địa chính, về việc nhận tiền khi cấp giấy chứng nhận quyền sử dụng đất.\n\nKết quả xác minh: ông Mật ' +
  'cung cấp chứng cứ đúng một phần.\n\nKết luận: nội dung tố cáo đúng một phần. Kiến nghị xử lý kỷ luật theo quy định.';

let api: TestApi;
let browser: Browser;
const call = apiCaller(() => api.url);
let caseId: string;
/** The conclusion's day of issue (Vietnam), taken once: the public search later asks for its year. */
let issuedOn: string;

async function open(
  token: string,
  viewport = { width: 1366, height: 900 },
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await ctx.newPage();
  if (token) {
    await page.goto(`${api.url}/signin`);
    await page.getByLabel('Mã truy cập (token)').fill(token);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
  }
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
  issuedOn = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  fs.mkdirSync(SHOTS, { recursive: true });
  api = await startTestApi({ worker: true, consoleDir: inject('consoleDir') });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  // A denunciation received through the API (its parties sealed as intake seals them) …
  const intake = await authHeader({ roles: ['intake'], agency: HOME });
  const r = await call('POST', '/v1/cases', intake, {
    type: 'denunciation',
    channel: 'reception_desk',
    receivedAt: new Date(Date.now() - 3600_000).toISOString(),
    agencyId: HOME,
    subject: 'Tố cáo cán bộ địa chính',
    parties: [
      { role: 'denouncer', ...DENOUNCER },
      { role: 'accused', name: 'Đinh Thị Lan' },
    ],
  });
  expect(r.status, r.text).toBe(201);
  caseId = r.json.id as string;
  // … whose conclusion has been issued: the document the lifecycle's conclude step records (conclude.doc).
  await api.tdb.db('case_documents').insert({
    id: `doc-${randomUUID()}`,
    case_id: caseId,
    idem_key: 'conclude.doc',
    node_id: 'conclude.doc',
    type: 'denunciation_conclusion',
    reference: '45/KL-STNMT',
    recipients: ['case_file'],
    issued_on: issuedOn,
  });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('published decisions in Chromium (ADR 0043)', () => {
  let publicationId: string;

  it('an officer previews the redacted conclusion on the case page and publishes it', async () => {
    const { ctx, page } = await open(await mintToken({ roles: ['officer'], agency: HOME, sub: 'officer-pub' }));
    await page.goto(`${api.url}/cases/${caseId}`);
    const panel = page.getByTestId('publications');
    await visible(panel);
    await panel.getByLabel('Toàn văn quyết định / kết luận').fill(TEXT);
    await panel.getByRole('button', { name: 'Xem trước bản đã che' }).click();
    const redacted = page.getByTestId('redacted-text');
    await textOf(redacted).toContain('ông [Người tố cáo] (CCCD [số giấy tờ tùy thân], điện thoại [số điện thoại])');
    const shown = (await redacted.textContent()) ?? '';
    for (const secret of ['Hoàng', 'Mật', '079188004321', '0987', 'Hai Bà Trưng', 'Đinh Thị Lan']) {
      expect(shown).not.toContain(secret);
    }
    await expect.poll(() => page.getByTestId('publication-preview').textContent()).toContain('Bắt buộc công khai');
    await expectAccessible(page, 'case publication panel');
    await redacted.scrollIntoViewIfNeeded();
    await shot(page, 'decision-publish');
    // The timeline on the same page has no entry of this officer yet; the publication's audit entry shows on it
    // without a reload (any change re-reads what the page shows).
    const timeline = page.getByTestId('timeline');
    await visible(timeline);
    expect(await timeline.innerText()).not.toContain('officer-pub');
    await panel.getByRole('button', { name: 'Đăng công khai bản này' }).click();
    const row = panel.locator('[data-publication]');
    await textOf(row).toContain('Đã đăng');
    await textOf(timeline).toContain('officer-pub');
    publicationId = (await row.first().getAttribute('data-publication')) ?? '';
    expect(publicationId).toMatch(/^pdc_/);
    await ctx.close();
  });

  it('a citizen finds it without signing in (filters), reads it, in Vietnamese and English; no denouncer', async () => {
    const { ctx, page } = await open('', { width: 1024, height: 1300 });
    await page.goto(`${api.url}/decisions`);
    await page.getByLabel('Mã cơ quan').fill(HOME);
    await page.getByLabel('Loại văn bản').selectOption('denunciation_conclusion');
    await page.getByLabel('Năm ban hành').fill(issuedOn.slice(0, 4));
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const item = page.locator(`[data-decision="${publicationId}"]`);
    await visible(item);
    await textOf(item).toContain('Kết luận nội dung tố cáo số 45/KL-STNMT');
    await expectAccessible(page, 'public decisions');
    await shot(page, 'public-decisions');
    // Another type: not listed.
    await page.getByLabel('Loại văn bản').selectOption('complaint_decision');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await textOf(page.getByTestId('decisions')).toContain('Chưa có văn bản nào được công khai.');
    await page.getByLabel('Loại văn bản').selectOption('');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await item.getByRole('link').click();
    const text = page.getByTestId('decision-text');
    await textOf(text).toContain('Kết luận: nội dung tố cáo đúng một phần');
    const body = (await page.locator('body').textContent()) ?? '';
    for (const secret of ['Hoàng', 'Mật', '079188004321', 'Hai Bà Trưng', caseId]) expect(body).not.toContain(secret);
    await expectAccessible(page, 'public decision');
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await textOf(page.locator('main')).toContain('Denunciation conclusion');
    await textOf(page.locator('main')).toContain('Text (personal data redacted)');
    await expectAccessible(page, 'public decision (en)');
    await ctx.close();
  });

  it('the officer withdraws it with a reason; the public page no longer shows it', async () => {
    const { ctx, page } = await open(await mintToken({ roles: ['officer'], agency: HOME, sub: 'officer-pub' }));
    await page.goto(`${api.url}/cases/${caseId}`);
    const panel = page.getByTestId('publications');
    await visible(panel.locator(`[data-publication="${publicationId}"]`));
    await panel.getByLabel('Lý do gỡ').fill('Cần che thêm thông tin');
    await panel.getByRole('button', { name: 'Gỡ xuống' }).click();
    await textOf(panel.locator(`[data-publication="${publicationId}"]`)).toContain('Đã gỡ');
    await page.goto(`${api.url}/decisions/${publicationId}`);
    await visible(page.getByTestId('problem'));
    await page.goto(`${api.url}/decisions?agencyId=${HOME}`);
    await visible(page.getByTestId('decisions')); // the list as read (an absent list reads as '', which proves nothing)
    await textOf(page.getByTestId('decisions')).not.toContain('45/KL-STNMT');
    await ctx.close();
  });
});
