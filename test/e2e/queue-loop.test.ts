import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG_PATH, loadCentreConfig } from '../../server/config/load-config';
import { startHub, type RunningHub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import { CHROMIUM, ROOT, WEB_ROOT, SHOTS, LAUNCH_ARGS } from './browser';

/**
 * The whole queue loop in Debian's Chromium against a real hub serving the built screens
 * (run `vite build` first): a visitor takes a number at the kiosk, an officer calls it at the
 * counter pad, and the wall display shows it. Assertions are on what a person sees.
 */

const CI = process.env.CI === 'true';

// On a laptop without Chromium the browser tests skip; in CI a missing browser is a failure.
const skip = !existsSync(CHROMIUM) && !CI;

describe.skipIf(skip)('the queue loop in a browser', () => {
  let browser: Browser;
  const config = loadCentreConfig(DEMO_CONFIG_PATH);
  const log = createLogger('silent');
  // Browsers close first, then hubs, then folders.
  const cleanups: { order: number; run: () => Promise<void> | void }[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
    if (!existsSync(join(WEB_ROOT, 'kiosk', 'index.html')))
      throw new Error('The screens are not built: run "npx vite build" before the e2e tests');
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).sort((a, b) => a.order - b.order)) await cleanup.run();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function hubOn(dataDir: string, port = 0): Promise<RunningHub> {
    const hub = await startHub({ config, dataDir, port, host: '127.0.0.1', log, webRoot: WEB_ROOT });
    cleanups.push({ order: 1, run: () => hub.stop() });
    return hub;
  }

  function tempDataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'luot-e2e-'));
    cleanups.push({ order: 2, run: () => rmSync(dir, { recursive: true, force: true }) });
    return dir;
  }

  async function screen(url: string, width: number, height: number): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    cleanups.push({ order: 0, run: () => context.close() });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    await page.goto(url);
    return { page, context, errors };
  }

  it('takes a number at the kiosk, calls it at the counter and shows it on the display', { timeout: 90_000 }, async () => {
    const hub = await hubOn(tempDataDir());
    const display = await screen(`${hub.url}/display/`, 1920, 1080);
    const counter = await screen(`${hub.url}/counter/`, 1280, 800);
    const kiosk = await screen(`${hub.url}/kiosk/`, 1080, 1920);

    await visible(display.page.getByText('SỐ ĐANG PHỤC VỤ'));
    await visible(display.page.getByText('Chưa có số nào được gọi hôm nay').first());

    // The officer logs in and opens counter 1.
    await counter.page.getByLabel('Tên đăng nhập').fill('canbo1');
    await counter.page.getByLabel('Mật khẩu').fill('canbo123');
    await counter.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await visible(counter.page.getByText('Chọn quầy làm việc'));
    await counter.page.getByRole('button', { name: /^Quầy 1\b/ }).click();
    await visible(counter.page.getByText('Chưa gọi số nào'));
    expect(await counter.page.getByTestId('pad-counter').innerText()).toBe('Quầy 1');
    expect(await counter.page.locator('body').innerText()).toContain('Nguyễn Thị Lan');

    // A visitor takes a number for Hộ tịch, not in a priority group.
    await kiosk.page.getByText('Hộ tịch', { exact: true }).click();
    await visible(kiosk.page.getByText('Bạn thuộc nhóm ưu tiên?'));
    await kiosk.page.getByRole('button', { name: 'Không', exact: true }).click();
    const ticketNumber = kiosk.page.getByTestId('ticket-number');
    await visible(ticketNumber);
    expect(await ticketNumber.innerText()).toBe('A001');
    const kioskText = await kiosk.page.locator('body').innerText();
    expect(kioskText).toContain('Số thứ tự của bạn');
    expect(kioskText).toContain('Vui lòng giữ số');
    // Nobody ahead and counter 1 open for Hộ tịch: the estimate is zero minutes.
    expect(kioskText).toMatch(/Số người chờ trước bạn\s+0/);
    expect(kioskText).toContain('Sắp đến lượt bạn');

    // The counter sees it waiting, marked as the next one.
    await visible(counter.page.locator('.waiting-item', { hasText: 'A001' }));
    expect(await counter.page.locator('.waiting-item--next').innerText()).toContain('A001');

    await Promise.all([
      kiosk.page.screenshot({ path: join(SHOTS, 'kiosk-ticket.png') }),
      display.page.screenshot({ path: join(SHOTS, 'display-after-take.png') }),
      counter.page.screenshot({ path: join(SHOTS, 'counter-after-take.png') }),
    ]);

    // The officer calls the next number.
    await counter.page.getByRole('button', { name: /Gọi số tiếp/ }).click();
    await textIs(counter.page.getByTestId('current-ticket-number'), 'A001');
    const current = await counter.page.getByTestId('current-ticket').innerText();
    expect(current).toContain('Hộ tịch');
    expect(current).toContain('Đã gọi');

    // The display shows it large, at counter 1, highlighted as a fresh call.
    const number = display.page.getByTestId('current-call-number');
    await textIs(number, 'A001');
    expect(await display.page.getByTestId('current-call-counter').innerText()).toBe('1');
    const box = await number.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(1080 * 0.15);
    expect(await display.page.getByTestId('current-call').getAttribute('class')).toContain('current--fresh');
    expect(await display.page.getByTestId('counter-row-1').innerText()).toMatch(/A001\s+1/);

    // The visitor is done at the kiosk: back to the tiles, nobody waiting for Hộ tịch any more.
    await kiosk.page.getByRole('button', { name: 'Xong' }).click();
    await visible(kiosk.page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    await Promise.all([
      display.page.screenshot({ path: join(SHOTS, 'display-after-call.png') }),
      counter.page.screenshot({ path: join(SHOTS, 'counter-after-call.png') }),
      kiosk.page.screenshot({ path: join(SHOTS, 'kiosk-after-call.png') }),
    ]);

    for (const s of [display, counter, kiosk]) expect(s.errors).toEqual([]);
  });

  it('shows the offline badge when the hub stops and recovers when it is back', { timeout: 90_000 }, async () => {
    const dataDir = tempDataDir();
    const first = await hubOn(dataDir);
    const port = first.port;
    const kiosk = await screen(`${first.url}/kiosk/`, 1080, 1920);
    const badge = kiosk.page.getByTestId('offline-badge');
    await visible(kiosk.page.getByText('Hộ tịch', { exact: true }));
    expect(await badge.count()).toBe(0);

    await first.stop();
    await visible(badge, 20_000);
    expect(await badge.innerText()).toContain('Mất kết nối với máy chủ. Đang kết nối lại…');
    await kiosk.page.screenshot({ path: join(SHOTS, 'kiosk-offline.png') });

    // A hub starts again on the same folder and port: the kiosk comes back by itself.
    await hubOn(dataDir, port);
    await badge.waitFor({ state: 'detached', timeout: 30_000 });
    await kiosk.page.getByText('Hộ tịch', { exact: true }).click();
    await kiosk.page.getByRole('button', { name: 'Không', exact: true }).click();
    await textIs(kiosk.page.getByTestId('ticket-number'), 'A001');
    await kiosk.page.screenshot({ path: join(SHOTS, 'kiosk-recovered.png') });
  });
});

async function visible(locator: Locator, timeout = 10_000): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout });
}

/** Waits until the element shows exactly this text (screens update after the hub answers). */
async function textIs(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let seen = '';
  while (Date.now() < deadline) {
    seen = (await locator.innerText({ timeout }).catch(() => '')).trim();
    if (seen === text) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(seen).toBe(text);
}
