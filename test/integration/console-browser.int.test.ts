/**
 * The web console in a real browser (Debian Chromium through playwright-core) against the real stack: the API
 * serving the built console, a case worker on the run's Temporal dev server, PostgreSQL. An officer completes a
 * task through its form, a supervisor sees the case move on the dashboard and the diagram heatmap, a refused
 * legal event shows the case's reason, another agency cannot see the case, the public status page answers with
 * the PIN and refuses a wrong one, an auditor verifies the chain and replays the case. axe-core checks each main
 * page (no serious or critical violation); the screenshots in docs/screenshots/ come from these runs.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_PATH } from '../../processes/bpmn/render.js';
import { ROOT } from '../../platform/config.js';
import { mintToken } from '../support/auth.js';
import { startTestApi, type TestApi } from '../support/api.js';

const HOME = 'so-tnmt';
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
/** Today in Vietnam, read when used (a run may cross midnight, 17:00 UTC, while servers start). */
const vnToday = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

let api: TestApi;
let browser: Browser;
let created: { id: string; reference: string; pin: string };
/** Content-Security-Policy violations the browser reported, per page. */
const cspViolations: string[] = [];

async function signedIn(
  token: string,
  viewport = { width: 1366, height: 900 },
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  if (token) {
    await page.goto(`${api.url}/signin`);
    await page.getByLabel('Mã truy cập (token)').fill(token);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/inbox$/);
  }
  return { ctx, page };
}

/** axe-core on the page as shown: no serious or critical violation. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  );
}

/** Polls what a locator shows (the page updates on its own: queries, navigation). */
const textOf = (l: Locator, timeout = 20_000) =>
  expect.poll(() => l.innerText({ timeout: 1000 }).catch(() => ''), { timeout });
const countOf = (l: Locator) => expect.poll(() => l.count(), { timeout: 20_000 });
const visible = (l: Locator) => l.first().waitFor({ state: 'visible', timeout: 20_000 });

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  api = await startTestApi({ worker: true, consoleDir: inject('consoleDir') });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  const r = await fetch(`${api.url}/v1/cases`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await mintToken({ roles: ['intake'], agency: HOME })}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      type: 'petition',
      channel: 'portal',
      receivedAt: new Date().toISOString(),
      agencyId: HOME,
      subject: 'Phản ánh tình trạng ô nhiễm tiếng ồn',
      parties: [{ role: 'complainant', name: 'Trần Thị B' }],
    }),
  });
  expect(r.status).toBe(201);
  created = (await r.json()) as typeof created;
  // The first task is projected to the inbox.
  for (let waited = 0; ; waited += 100) {
    if (await api.tdb.db('case_tasks').where({ case_id: created.id, status: 'open' }).first('task_id')) break;
    if (waited > 60_000) throw new Error(`case ${created.id}: no open task projected within 60 s`);
    await new Promise((res) => setTimeout(res, 100));
  }
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('the console served by the API', () => {
  it('serves the app at / and its routes, never in place of the API paths; cache headers and a self-only CSP', async () => {
    const root = await fetch(`${api.url}/`, { headers: { accept: 'text/html' } });
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(root.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(root.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const html = await root.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(api.url + asset!);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    // The build's compressed copy for a client that accepts one (Node's fetch sends `gzip, deflate`; decodes it).
    expect(js.headers.get('content-encoding')).toBe('gzip');
    const br = await fetch(api.url + asset!, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(js.headers.get('vary')).toContain('Accept-Encoding');
    expect(js.headers.get('content-type')).toContain('javascript');
    const plain = await fetch(api.url + asset!, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await js.text()).toBe(await plain.text());
    // A screen's address names its chunks as module preloads (route-preloads.json, written by the build); the
    // page is index.html otherwise.
    const routes = (await (await fetch(`${api.url}/route-preloads.json`)).json()) as Array<{
      path: string;
      js: string[];
    }>;
    const casePage = routes.find((r) => r.path === 'cases/:id')!;
    expect(casePage.js[0]).toMatch(/^\/assets\/Case-[\w-]+\.js$/);
    const deep = await (await fetch(`${api.url}/cases/${created.id}`, { headers: { accept: 'text/html' } })).text();
    expect(deep).toContain(`<link rel="modulepreload" crossorigin href="${casePage.js[0]}">`);
    expect(html).toContain(`href="${routes.find((r) => r.path === 'inbox')!.js[0]}"`); // `/` opens the inbox
    const page = (h: string) => h.replace(/(<link [^>]+>)+<\/head>/, '</head>');
    expect(page(deep)).toBe(page(html));
    const unknownApi = await fetch(`${api.url}/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toContain('application/problem+json');
    for (const p of ['/healthz', '/openapi.json']) {
      const r = await fetch(api.url + p, { headers: { accept: 'text/html' } });
      expect(r.headers.get('content-type'), p).toContain('application/json');
    }
    expect(
      (await fetch(`${api.url}/metrics`, { headers: { accept: 'text/html' } })).headers.get('content-type'),
    ).toContain('text/plain');
    const docs = await fetch(`${api.url}/docs/`, { headers: { accept: 'text/html' } });
    expect(await docs.text()).toContain('swagger');
    const missing = await fetch(`${api.url}/assets/nope.js`);
    expect(missing.status).toBe(404);
  });
});

describe('the console in Chromium', () => {
  it('an officer signs in, claims the task and completes it through its form (422 messages next to the field)', async () => {
    const { ctx, page } = await signedIn(await mintToken({ roles: ['officer'], agency: HOME, sub: 'officer-1' }));
    const diagramLoads: string[] = [];
    page.on('request', (r) => {
      if (/Diagram-[^/]*\.js$/.test(r.url())) diagramLoads.push(r.url());
    });
    const row = page.locator(`tr[data-task^="${created.id}."]`);
    await expect.poll(() => row.count()).toBe(1);
    await textOf(row).toContain(created.reference);
    await shot(page, 'inbox');
    await expectAccessible(page, 'inbox');
    expect(diagramLoads).toEqual([]); // the diagram code is not part of the inbox

    // The task in Vietnamese (processes/builtin/labels-vi.ts); its node name stays in the title.
    const first = row.getByRole('link', { name: 'Tiếp nhận xử lý hoặc chuyển đơn kiến nghị, phản ánh' });
    expect(await first.getAttribute('title')).toBe('Accept or transfer the petition');
    await textOf(row).not.toContain('Accept or transfer the petition');
    await first.click();
    // The inbox row has its own claim button: the task's page must be the one shown before it is clicked.
    await page.waitForURL(new RegExp(`/tasks/${created.id}\\.`));
    await visible(page.getByRole('heading', { level: 1, name: 'Tiếp nhận xử lý hoặc chuyển đơn kiến nghị, phản ánh' }));
    await page.getByRole('button', { name: 'Nhận việc' }).click();
    await visible(page.getByRole('button', { name: 'Trả lại' }));
    // Nothing filled: the case refuses (422) and its messages stand next to the fields they name.
    await page.getByRole('button', { name: 'Hoàn thành' }).click();
    const decision = page.locator('[data-field="petitionDecision"]');
    await expect.poll(() => decision.getAttribute('aria-invalid')).toBe('true');
    await visible(page.getByText(/required field 'petitionDecision' is missing/));
    await shot(page, 'task-form');
    await expectAccessible(page, 'task form');
    await decision.selectOption('accept');
    await page.locator('[data-field="decidedOn"]').fill(vnToday());
    await page.getByRole('button', { name: 'Hoàn thành' }).click();
    const refused = page.getByRole('alert');
    await page.waitForURL(new RegExp(`/cases/${created.id}$`)).catch(async (e: Error) => {
      throw new Error(`${e.message}; shown: ${await refused.allInnerTexts().catch(() => [])}`);
    });
    // The step in Vietnamese (processes/builtin/labels-vi.ts); its node name stays in the title.
    await textOf(page.getByTestId('stage')).toBe('Trả lời kiến nghị, phản ánh');
    expect(await page.getByTestId('stage').getAttribute('title')).toBe('Answer the petition / feedback');
    // Its open task too, in Vietnamese.
    const next = page.getByRole('link', { name: 'Trả lời kiến nghị, phản ánh' });
    await visible(next);
    expect(await next.getAttribute('title')).toBe('Answer the petition / feedback');
    await countOf(page.getByTestId('diagram').locator('.djs-element.current')).toBeGreaterThan(0);
    await countOf(page.getByTestId('diagram').locator('.djs-element.completed')).toBeGreaterThan(0);
    await textOf(page.getByTestId('timeline')).toContain('officer-1');
    await shot(page, 'case');
    await expectAccessible(page, 'case');
    await ctx.close();
  });

  it('a claim made in the inbox while the task page opens shows on that page (CI saw the page keep the old task); a 503 keeps the form as filled', async () => {
    const { ctx, page } = await signedIn(await mintToken({ roles: ['officer'], agency: HOME, sub: 'officer-1' }));
    const row = page.locator(`tr[data-task^="${created.id}."]`);
    await textOf(row).toContain('Trả lời kiến nghị, phản ánh');
    // The claim is slow to answer, so the task's page reads the task before the claim commits.
    await page.route(/\/v1\/tasks\/[^/]+\/claim$/, async (r) => {
      await new Promise((done) => setTimeout(done, 1500));
      await r.continue();
    });
    await row.getByRole('button', { name: 'Nhận việc' }).click();
    await row.getByRole('link', { name: 'Trả lời kiến nghị, phản ánh' }).click();
    await page.waitForURL(new RegExp(`/tasks/${created.id}\\.`));
    // The task's page, not the inbox (whose row has a "Trả lại" of its own once it re-reads).
    await visible(page.getByRole('heading', { level: 1, name: 'Trả lời kiến nghị, phản ánh' }));
    await visible(page.getByRole('button', { name: 'Trả lại' }));
    await page.getByRole('button', { name: 'Trả lại' }).click();
    await visible(page.getByRole('button', { name: 'Nhận việc' }));
    // The server fails (503): the change is refused, the page's re-read fails too, and the form stays as filled,
    // with both errors shown above it (the re-read's error used to replace the page, losing what was typed).
    const ref = page.locator('[data-field="responseRef"]');
    await ref.fill('Số 12/TL-STNMT');
    const down = JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 503, detail: 'test' });
    await page.route(/\/v1\//, (r) => r.fulfill({ status: 503, contentType: 'application/problem+json', body: down }));
    await page.getByRole('button', { name: 'Hoàn thành' }).click();
    await countOf(page.getByTestId('problem')).toBe(2);
    expect(await ref.inputValue()).toBe('Số 12/TL-STNMT');
    await page.unroute(/\/v1\//);
    await ctx.close();
  });

  it('the inbox lists a backlog review with its kind and a link to the page where it is worked (ADR 0039)', async () => {
    const db = api.tdb.db;
    const matter = randomUUID();
    await db('matters').insert({
      id: matter,
      agency_id: HOME,
      title: 'Tranh chấp ranh giới đất',
      subject_norm: 'tranh chap ranh gioi dat',
      first_received_at: '2026-07-01T01:00:00Z',
      last_received_at: '2026-07-01T01:00:00Z',
      created_by: 'test',
    });
    const campaign = `rc-${randomUUID()}`;
    await db('review_campaigns').insert({
      id: campaign,
      name: 'Rà soát vụ việc tồn đọng',
      agency_id: HOME,
      criteria: JSON.stringify({ flags: ['prolonged'], openLongerThanMonths: 0, agencyIds: [HOME] }),
      due_at: '2099-01-01T00:00:00Z',
      workflow_id: `review-campaign-${campaign}`,
      created_by: '{}',
    });
    const review = `rv-${randomUUID()}`;
    await db('review_items').insert({
      id: review,
      campaign_id: campaign,
      matter_id: matter,
      agency_id: HOME,
      due_at: '2099-01-01T00:00:00Z',
      status: 'open',
      opened_at: db.fn.now(),
    });
    const { ctx, page } = await signedIn(await mintToken({ roles: ['officer'], agency: HOME, sub: 'officer-2' }));
    const row = page.locator(`tr[data-task="review:${review}"]`);
    await expect.poll(() => row.count()).toBe(1);
    // The badge's words (Mantine shows them in capitals).
    await expect.poll(() => row.locator('[data-kind="review"]').textContent(), { timeout: 20_000 }).toBe('Rà soát');
    await textOf(row).toContain('Tranh chấp ranh giới đất');
    // Not claimed here: worked on its own page.
    expect(await row.getByRole('button', { name: 'Nhận việc' }).count()).toBe(0);
    await expectAccessible(page, 'inbox with a review');
    await row.getByRole('link', { name: /Tranh chấp ranh giới đất/ }).click();
    await page.waitForURL(/\/review-campaigns$/);
    await ctx.close();
  });

  it('a legal event the case cannot take shows the reason the API gives', async () => {
    const token = await mintToken({ roles: ['officer'], agency: HOME, sub: 'officer-1' });
    const direct = await fetch(`${api.url}/v1/cases/${created.id}/events/resume`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(direct.status).toBe(409);
    const { detail } = (await direct.json()) as { detail: string };
    const { ctx, page } = await signedIn(token);
    await page.goto(`${api.url}/cases/${created.id}`);
    await page.getByRole('button', { name: 'Tiếp tục giải quyết' }).click();
    await page.getByRole('button', { name: /Gửi: Tiếp tục giải quyết/ }).click();
    const alert = page.getByTestId('problem');
    await textOf(alert).toContain('Không thực hiện được');
    await textOf(alert).toContain(detail);
    await ctx.close();
  });

  it('a supervisor sees the case move: dashboard counts and the heatmap on the diagram', async () => {
    const { ctx, page } = await signedIn(await mintToken({ roles: ['supervisor'], agency: HOME, sub: 'sup-1' }));
    await page.goto(`${api.url}/dashboard`);
    await textOf(page.locator('[data-measure="open"]')).toBe('1');
    await textOf(page.getByTestId('figures-agencyId')).toContain(HOME);
    await shot(page, 'dashboard');
    await expectAccessible(page, 'dashboard');
    await page.goto(`${api.url}/heatmap?def=petition@1`);
    await textOf(page.locator('tr[data-node="respond"]')).toContain('1');
    await textOf(page.getByTestId('diagram').locator('.heat-badge[data-node="respond"]')).toBe('1');
    await textOf(page.getByTestId('heat-total')).toContain('1');
    await shot(page, 'heatmap');
    await expectAccessible(page, 'heatmap');
    await page.goto(`${api.url}/cases?status=open`);
    await textOf(page.getByTestId('cases')).toContain(created.reference);
    await textOf(page.getByTestId('cases')).toContain('Trả lời kiến nghị, phản ánh');
    await expectAccessible(page, 'case search');
    // English is one switch away; dates stay in Vietnam time; a step reads as its (English) node name.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await visible(page.getByRole('heading', { name: 'Case search' }));
    await textOf(page.getByTestId('cases')).toContain('Answer the petition / feedback');
    await ctx.close();
  });

  it('a person of another agency cannot see the case', async () => {
    const { ctx, page } = await signedIn(await mintToken({ roles: ['officer'], agency: 'ubnd-xa-b', sub: 'other-1' }));
    await visible(page.getByText('Không có công việc.'));
    await countOf(page.locator(`tr[data-task^="${created.id}."]`)).toBe(0);
    await page.goto(`${api.url}/cases/${created.id}`);
    await visible(page.getByTestId('problem'));
    await countOf(page.getByTestId('stage')).toBe(0);
    await textOf(page.locator('body')).not.toContain(created.reference);
    await ctx.close();
  });

  it('an auditor verifies the chain and replays the case', async () => {
    const { ctx, page } = await signedIn(await mintToken({ roles: ['auditor'], agency: HOME, sub: 'aud-1' }));
    await page.goto(`${api.url}/audit`);
    await textOf(page.getByTestId('audit-log')).toContain('officer-1');
    await page.getByRole('button', { name: 'Kiểm tra chuỗi nhật ký' }).click();
    await textOf(page.getByTestId('verify')).toContain('Chuỗi nhật ký nguyên vẹn');
    await page.getByLabel('Mã hồ sơ (UUID)').first().fill(created.id);
    await page.getByRole('button', { name: 'Chạy lại (replay) hồ sơ' }).click();
    await page.getByTestId('replay').or(page.getByTestId('problem')).first().waitFor({ timeout: 120_000 });
    await textOf(page.getByTestId('replay').or(page.getByTestId('problem')).first()).toContain('deterministic');
    await shot(page, 'audit');
    await expectAccessible(page, 'audit');
    await ctx.close();
  }, 300_000); // the replay bundles the workflow code first

  it('the public status page answers with the PIN and refuses a wrong one (no sign-in)', async () => {
    const { ctx, page } = await signedIn('', { width: 1024, height: 768 }); // a tablet
    await page.goto(`${api.url}/status`);
    await page.getByLabel('Số hồ sơ').fill(created.reference);
    const wrong = created.pin === '00000000' ? '11111111' : '00000000';
    await page.getByLabel('Mã PIN (8 chữ số)').fill(wrong);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await visible(page.getByText('Không tìm thấy hồ sơ, hoặc mã PIN không đúng.'));
    await page.getByLabel('Mã PIN (8 chữ số)').fill(created.pin);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await textOf(page.getByTestId('public-status')).toContain(created.reference);
    await textOf(page.getByTestId('public-status')).toContain('Trả lời kiến nghị, phản ánh');
    await textOf(page.getByTestId('public-status')).not.toContain('Answer the petition / feedback');
    await textOf(page.getByTestId('public-status')).not.toContain('Trần Thị B');
    await shot(page, 'public-status');
    await expectAccessible(page, 'public status');
    await ctx.close();
  });

  it('the browser reported no Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
