import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG_PATH, DEMO_PROCEDURES_PATH, loadCentreConfig } from '../../server/config/load-config';
import { morningClock, openScreen, setUpBrowserTests, severeViolations, SHOTS, skipBrowserTests, visible } from './browser';
import { startWebHub } from './web-hub';

/**
 * The procedures on a phone (Chromium at 390x844), on the demo centre with its real catalog: found
 * by words typed without marks, opened at a link that can be shared, and a link to a code that is
 * not in the catalog. Run `vite build` first.
 */
describe.skipIf(skipBrowserTests)('the phone: procedures', () => {
  const { browser, cleanups } = setUpBrowserTests();

  async function textMatches(locator: Locator, pattern: RegExp): Promise<void> {
    await expect.poll(async () => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim(), { timeout: 10_000 }).toMatch(pattern);
  }

  it('finds a procedure typed without marks, opens it at a link to share, and says so for a code not in the catalog', { timeout: 60_000 }, async () => {
    const hub = await startWebHub(cleanups, { config: loadCentreConfig(DEMO_CONFIG_PATH), proceduresFile: DEMO_PROCEDURES_PATH, clock: morningClock(), name: 'phone-procedures' });
    const screen = await openScreen(browser(), `${hub.url}/display/procedures.html`, { width: 390, height: 844, context: { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } });
    cleanups.add('screen', () => screen.context.close());
    const { page, errors } = screen;
    await visible(page.getByRole('heading', { name: 'Thủ tục hành chính', level: 1 }));
    await page.getByTestId('procedure-search').fill('chung thuc ban sao');
    const first = page.getByTestId('procedure-results').locator('.pprocs__item-name').first();
    await textMatches(first, /^Chứng thực bản sao từ bản chính/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await severeViolations(page, 'phone procedures')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'phone-procedures-search.png') });

    await first.click();
    await visible(page.getByTestId('procedure'));
    expect(new URL(page.url()).searchParams.get('code')).toBe('2.000815');
    await textMatches(page.getByTestId('procedure-fees'), /2,000 Việt Nam Đồng/);
    await visible(page.getByRole('heading', { name: 'Căn cứ pháp lý' }));
    await textMatches(page.locator('.pprocs__source'), /đọc ngày 10\/06\/2026/);
    expect(await severeViolations(page, 'phone procedure')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'phone-procedure.png') });

    // The link works by itself (shared, or opened again later), and back returns to the search.
    await page.goto(`${hub.url}/display/procedures.html?code=1.001193`);
    await textMatches(page.getByRole('heading', { level: 1 }), /^Thủ tục đăng ký khai sinh$/);
    await page.goto(`${hub.url}/display/procedures.html?code=9.999999`);
    await visible(page.getByTestId('procedure-unknown'));
    expect(errors).toEqual([]);
  });
});
