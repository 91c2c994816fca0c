import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG_PATH, loadCentreConfig } from '../../server/config/load-config';
import type { RunningHub } from '../../server/hub';
import { logInOnPad, openScreen, setUpBrowserTests, SHOTS, skipBrowserTests, textIs, visible, type Screen } from './browser';
import { startWebHub, tempDataDir } from './web-hub';

/**
 * The whole queue loop in Debian's Chromium against a real hub serving the built screens
 * (run `vite build` first): a visitor takes a number at the kiosk, an officer calls it at the
 * counter pad, and the wall display shows it. Assertions are on what a person sees.
 */

describe.skipIf(skipBrowserTests)('the queue loop in a browser', () => {
  const { browser, cleanups } = setUpBrowserTests();
  const config = loadCentreConfig(DEMO_CONFIG_PATH);

  function hubOn(dataDir: string, port = 0): Promise<RunningHub> {
    return startWebHub(cleanups, { config, dataDir, port });
  }

  async function screen(url: string, width: number, height: number): Promise<Screen> {
    const opened = await openScreen(browser(), url, { width, height });
    cleanups.add('screen', () => opened.context.close());
    return opened;
  }

  it('takes a number at the kiosk, calls it at the counter and shows it on the display', { timeout: 90_000 }, async () => {
    const hub = await hubOn(tempDataDir(cleanups));
    const display = await screen(`${hub.url}/display/`, 1920, 1080);
    const counter = await screen(`${hub.url}/counter/`, 1280, 800);
    const kiosk = await screen(`${hub.url}/kiosk/`, 1080, 1920);

    await visible(display.page.getByText('SỐ ĐANG PHỤC VỤ'));
    await visible(display.page.getByText('Chưa có số nào được gọi hôm nay').first());

    // The officer logs in and opens counter 1.
    await logInOnPad(counter.page, 'canbo1', 'canbo123');
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
    const dataDir = tempDataDir(cleanups);
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
