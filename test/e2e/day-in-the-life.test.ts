import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../server/hub';
import { OFFICER_PASSWORD, testCentre } from '../helpers/test-centre';
import {
  clippedText,
  logInOnPad,
  openScreen,
  pageShows,
  scanWithUsbScanner,
  setUpBrowserTests,
  SHOTS,
  skipBrowserTests,
  textIs,
  typeOnScreen,
  visible,
  type Screen,
} from './browser';
import { startHubWithDossiers, takeTicket } from './web-hub';

/**
 * A day at a centre with two counters, through every screen, in Debian's Chromium against a real
 * hub: visitors take numbers (normal and priority) at a portrait and a landscape kiosk, meet a
 * closed field and a full one; officer 1 at counter 1 and officer 2 at counter 2 call next, recall,
 * start, transfer, call a number, skip, postpone, pause with a reason and resume, finish; the wall
 * display shows the calls; a visitor looks a dossier up by typing, another by scanning the receipt.
 *
 * Every screen is saved in Vietnamese and in English (test-output/screenshots/day-*.png) and
 * checked for what a person reads there. Run `vite build` first.
 */

/** Đất đai opens in the afternoon only (the hub's clock says 09:00): its tile says "closed". */
const config = testCentre((c) => {
  c.centre.authority = { vi: 'UBND phường Thử Nghiệm', en: 'Thu Nghiem Ward People’s Committee' };
  c.services = c.services.map((s) =>
    s.id === 'dat-dai' ? { ...s, icon: 'land', hours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '13:30', to: '17:00' }] } : s,
  );
  c.services.find((s) => s.id === 'ho-tich')!.icon = 'family';
  c.services.find((s) => s.id === 'chung-thuc')!.icon = 'stamp';
  c.services.find((s) => s.id === 'tu-phap')!.icon = 'scales';
  c.priorityGroups = [
    { id: 'elderly', name: { vi: 'Người cao tuổi', en: 'Elderly' }, icon: 'elderly' },
    { id: 'disabled', name: { vi: 'Người khuyết tật', en: 'Person with a disability' }, icon: 'disabled' },
  ];
});

const DOSSIER = { code: '000.00.15.H29-261120-0001', key: 'A7K9Q2' };

describe.skipIf(skipBrowserTests)('a day at the centre, through every screen', () => {
  const { browser, cleanups } = setUpBrowserTests({ cleanUpAfter: 'all' });
  let hub: RunningHub;
  let failureShots: Record<string, Screen> = {};

  beforeAll(async () => {
    hub = (await startHubWithDossiers(cleanups, { config, name: 'day' })).hub;
  });

  afterEach(async (context) => {
    // A failed day leaves a picture of every screen as it was, to see why.
    if (context.task.result?.state !== 'fail') return;
    for (const [name, screen] of Object.entries(failureShots))
      await screen.page.screenshot({ path: join(SHOTS, `failed-day-${name}.png`) }).catch(() => undefined);
  });

  async function open(path: string, width: number, height: number, options: { lang?: 'en'; app?: 'display' } = {}): Promise<Screen> {
    const screen = await openScreen(browser(), `${hub.url}${path}`, { width, height, ...options });
    cleanups.add('screen', () => screen.context.close().catch(() => undefined));
    return screen;
  }

  /**
   * Saves the screen as it is in Vietnamese, switches to English (the language button, as a
   * visitor would; through a dialog's backdrop when one is open), checks what it says there, saves
   * it again and switches back.
   */
  async function bothLanguages(page: Page, name: string, texts: { vi: string; en: string }): Promise<void> {
    const toggle = page.locator('.lang-toggle').first();
    const modal = (await page.locator('[aria-modal="true"]').count()) > 0;
    const press = () => (modal ? toggle.dispatchEvent('click') : toggle.click());
    await pageShows(page, texts.vi);
    await page.screenshot({ path: join(SHOTS, `day-${name}-vi.png`) });
    await press();
    await pageShows(page, texts.en);
    await page.screenshot({ path: join(SHOTS, `day-${name}-en.png`) });
    await press();
    await pageShows(page, texts.vi);
  }

  /** Nothing a person should read is cut off or off the screen. */
  async function fits(page: Page, within: string): Promise<void> {
    expect(await clippedText(page, within)).toEqual([]);
  }

  /** A visitor walks up to a kiosk: the idle screen gives way to the start screen at a touch. */
  async function approach(page: Page): Promise<void> {
    const idle = page.getByTestId('idle-touch');
    if (await idle.isVisible()) await idle.click();
    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
  }

  async function takeNumber(page: Page, service: string, group: string): Promise<string> {
    await approach(page);
    await page.getByText(service, { exact: true }).click();
    await visible(page.getByText('Bạn thuộc nhóm ưu tiên?'));
    await page.getByRole('button', { name: group, exact: true }).click();
    const number = page.getByTestId('ticket-number');
    await visible(number);
    return (await number.innerText()).trim();
  }

  async function logIn(page: Page, username: string, counter: number): Promise<void> {
    await logInOnPad(page, username, OFFICER_PASSWORD);
    await page.getByRole('button', { name: new RegExp(`^Quầy ${counter}\\b`) }).click();
    await visible(page.getByRole('button', { name: /^Gọi số tiếp/ }));
  }

  const action = (page: Page, label: string): Locator => page.getByRole('button', { name: new RegExp(`^${label}`) });

  async function press(page: Page, label: string): Promise<void> {
    const button = action(page, label);
    await expect.poll(() => button.isEnabled()).toBe(true);
    await button.click();
  }

  async function current(page: Page): Promise<string> {
    const number = page.getByTestId('current-ticket-number');
    await visible(number);
    return (await number.innerText()).trim();
  }

  it('takes numbers, calls them at two counters, shows them on the display and looks a dossier up', { timeout: 150_000 }, async () => {
    const started = Date.now();
    const [portrait, landscape, counter1, counter2, display, displayEn] = await Promise.all([
      open('/kiosk/?idle=5', 1080, 1920),
      open('/kiosk/?idle=5', 1920, 1080),
      open('/counter/', 1280, 800),
      open('/counter/', 1280, 800),
      open('/display/', 1920, 1080, { app: 'display' }),
      open('/display/', 1920, 1080, { lang: 'en', app: 'display' }),
    ]);
    failureShots = { portrait, landscape, counter1, counter2, display, displayEn };
    const kiosk = portrait.page;
    const wide = landscape.page;
    const pad1 = counter1.page;
    const pad2 = counter2.page;

    // Morning: the display is empty, the officers log in and open their counters.
    await visible(display.page.getByText('SỐ ĐANG PHỤC VỤ'));
    await visible(displayEn.page.getByText('NOW SERVING'));
    await visible(pad1.getByLabel('Tên đăng nhập'));
    await bothLanguages(pad1, 'counter-login', { vi: 'Đăng nhập quầy', en: 'Counter login' });
    await logInOnPad(pad1, 'o1', OFFICER_PASSWORD);
    await bothLanguages(pad1, 'counter-picker', { vi: 'Đang trống', en: 'Free' });
    await pad1.getByRole('button', { name: /^Quầy 1\b/ }).click();
    await visible(pad1.getByText('Chưa gọi số nào'));
    expect(await pad1.getByTestId('pad-counter').innerText()).toBe('Quầy 1');
    await logIn(pad2, 'o2', 2);
    expect(await pad2.locator('body').innerText()).toContain('Trần Văn Minh');

    // Nobody has touched the kiosks yet: both invite a touch, with the centre's name.
    for (const [page, orientation] of [
      [kiosk, 'portrait'],
      [wide, 'landscape'],
    ] as const) {
      await visible(page.getByTestId('idle'), 15_000);
      expect(await page.getByTestId('idle').innerText()).toContain('Trung tâm thử nghiệm');
      await fits(page, '.idle');
      await bothLanguages(page, `kiosk-${orientation}-1-idle`, { vi: 'Chạm để lấy số', en: 'Touch to take a number\n' });
    }

    // The first visitor (portrait kiosk): the start screen has the fields and the dossier lookup.
    await approach(kiosk);
    const start = await kiosk.locator('.kiosk__main').innerText();
    expect(start).toContain('Hộ tịch');
    expect(start).toContain('Tra cứu hồ sơ');
    expect(await kiosk.locator('.tile', { hasText: 'Đất đai' }).innerText()).toContain('Ngoài giờ tiếp nhận');
    await fits(kiosk, '.kiosk');
    await bothLanguages(kiosk, 'kiosk-portrait-2-start', { vi: 'Mời chọn lĩnh vực để lấy số thứ tự', en: 'Choose a service to take a number' });
    await kiosk.getByText('Hộ tịch', { exact: true }).click();
    await visible(kiosk.getByText('Bạn thuộc nhóm ưu tiên?'));
    await fits(kiosk, '.kiosk');
    await bothLanguages(kiosk, 'kiosk-portrait-3-priority', { vi: 'Bạn thuộc nhóm ưu tiên?', en: 'Do you belong to a priority group?' });
    await kiosk.getByRole('button', { name: 'Không', exact: true }).click();
    const first = kiosk.getByTestId('ticket-number');
    await textIs(first, 'A001');
    await fits(kiosk, '.kiosk');
    await bothLanguages(kiosk, 'kiosk-portrait-4-ticket', { vi: 'Số thứ tự của bạn', en: 'Your number' });
    await kiosk.getByRole('button', { name: 'Xong' }).click();

    // An elderly visitor says so: the ticket says "priority".
    expect(await takeNumber(kiosk, 'Hộ tịch', 'Người cao tuổi')).toBe('A002');
    await pageShows(kiosk, 'Ưu tiên: Người cao tuổi');
    await kiosk.screenshot({ path: join(SHOTS, 'day-kiosk-portrait-4-ticket-priority-vi.png') });
    await kiosk.getByRole('button', { name: 'Xong' }).click();

    // Đất đai is closed this morning; Tư pháp's two numbers of the day are gone: each says why.
    await approach(kiosk);
    await kiosk.locator('.tile', { hasText: 'Đất đai' }).click();
    await visible(kiosk.getByTestId('unavailable'));
    await fits(kiosk, '.kiosk');
    await bothLanguages(kiosk, 'kiosk-portrait-5-closed', { vi: 'Lĩnh vực Đất đai đang ngoài giờ tiếp nhận', en: 'Land: outside opening hours' });
    await kiosk.getByRole('button', { name: 'Quay lại' }).click();
    for (let i = 0; i < 2; i++)
      await takeTicket(hub, 'tu-phap');
    await approach(kiosk);
    await textIs(kiosk.locator('.tile', { hasText: 'Tư pháp' }).locator('.tile__closed'), 'Đã hết số hôm nay');
    await kiosk.locator('.tile', { hasText: 'Tư pháp' }).click();
    await visible(kiosk.getByTestId('unavailable'));
    await bothLanguages(kiosk, 'kiosk-portrait-6-full', { vi: 'Lĩnh vực Tư pháp đã hết số hôm nay', en: 'Justice: no numbers left today' });
    await kiosk.getByRole('button', { name: 'Quay lại' }).click();

    // The landscape kiosk by the other door: the same screens, laid out wide.
    await approach(wide);
    await fits(wide, '.kiosk');
    await bothLanguages(wide, 'kiosk-landscape-2-start', { vi: 'Mời chọn lĩnh vực để lấy số thứ tự', en: 'Choose a service to take a number' });
    await wide.getByText('Chứng thực', { exact: true }).click();
    await visible(wide.getByText('Bạn thuộc nhóm ưu tiên?'));
    await fits(wide, '.kiosk');
    await bothLanguages(wide, 'kiosk-landscape-3-priority', { vi: 'Bạn thuộc nhóm ưu tiên?', en: 'Do you belong to a priority group?' });
    await wide.getByRole('button', { name: 'Không', exact: true }).click();
    await textIs(wide.getByTestId('ticket-number'), '1001');
    await fits(wide, '.kiosk');
    await bothLanguages(wide, 'kiosk-landscape-4-ticket', { vi: 'Số thứ tự của bạn', en: 'Your number' });
    await wide.getByRole('button', { name: 'Xong' }).click();
    expect(await takeNumber(wide, 'Hộ tịch', 'Không')).toBe('A003');
    await wide.getByRole('button', { name: 'Xong' }).click();
    await approach(wide);
    await wide.locator('.tile', { hasText: 'Đất đai' }).click();
    await visible(wide.getByTestId('unavailable'));
    await bothLanguages(wide, 'kiosk-landscape-5-closed', { vi: 'Lĩnh vực Đất đai đang ngoài giờ tiếp nhận', en: 'Land: outside opening hours' });
    await wide.getByRole('button', { name: 'Quay lại' }).click();

    // Counter 1 calls the next visitor; the display shows it, large, at counter 1.
    await visible(pad1.locator('.waiting-item', { hasText: 'A003' }));
    await press(pad1, 'Gọi số tiếp');
    const n1 = await current(pad1);
    expect(await pad1.getByTestId('current-ticket').innerText()).toContain('Đã gọi');
    await textIs(display.page.getByTestId('current-call-number'), n1);
    expect(await display.page.getByTestId('current-call-counter').innerText()).toBe('1');
    await textIs(displayEn.page.getByTestId('current-call-number'), n1);
    await bothLanguages(pad1, 'counter-1-called', { vi: 'Đã gọi, đang chờ công dân đến', en: 'Called, waiting for the visitor' });

    // Nobody comes: recall. The display says it is a recall. Then the visitor arrives.
    await press(pad1, 'Gọi lại');
    await pageShows(display.page, 'Gọi lại');
    await pageShows(pad1, 'Đã gọi lại 1 lần');
    await press(pad1, 'Bắt đầu phục vụ');
    await pageShows(pad1, 'Đang phục vụ');
    await bothLanguages(pad1, 'counter-2-serving', { vi: 'Đang phục vụ', en: 'Serving' });

    // Not this counter's papers: transfer to counter 2.
    await press(pad1, 'Chuyển');
    const dialog = pad1.getByRole('dialog');
    await visible(dialog);
    await dialog.getByText('Quầy 2', { exact: true }).click();
    await bothLanguages(pad1, 'counter-3-transfer', { vi: `Chuyển số ${n1}`, en: n1 });
    await dialog.getByRole('button', { name: 'Xác nhận' }).click();
    await visible(pad1.getByText('Chưa gọi số nào'));

    // Counter 2 calls that number by hand, serves it, and is done.
    await visible(pad2.locator('.waiting-item', { hasText: n1 }));
    await pad2.getByLabel('Gọi số cụ thể').fill(n1);
    await pad2.locator('form.call-number').getByRole('button').click();
    await textIs(pad2.getByTestId('current-ticket-number'), n1);
    await textIs(display.page.getByTestId('current-call-counter'), '2');
    await press(pad2, 'Bắt đầu phục vụ');
    await press(pad2, 'Xong');
    await visible(pad2.getByText('Chưa gọi số nào'));
    expect(await pad2.locator('.waiting-list').innerText()).not.toContain(n1);

    // Counter 2's next visitor does not come: a no-show.
    await press(pad2, 'Gọi số tiếp');
    const n2 = await current(pad2);
    await textIs(display.page.getByTestId('current-call-number'), n2);
    await press(pad2, 'Vắng mặt');
    await visible(pad2.getByText('Chưa gọi số nào'));

    // Counter 1: a visitor who must fetch a paper is postponed; the next one is served.
    await press(pad1, 'Gọi số tiếp');
    const n3 = await current(pad1);
    await press(pad1, 'Hoãn');
    await visible(pad1.getByText('Chưa gọi số nào'));
    await visible(pad1.locator('.waiting-item', { hasText: n3 }));
    await press(pad1, 'Gọi số tiếp');
    const n4 = await current(pad1);
    expect(n4).not.toBe(n3);
    await textIs(display.page.getByTestId('current-call-number'), n4);
    await press(pad1, 'Bắt đầu phục vụ');
    await press(pad1, 'Xong');
    await visible(pad1.getByText('Chưa gọi số nào'));

    // A break: counter 1 pauses with a reason; the display says so. Then work resumes.
    await press(pad1, 'Tạm dừng');
    await visible(pad1.getByRole('dialog'));
    await bothLanguages(pad1, 'counter-4-pause-reason', { vi: 'Lý do tạm dừng', en: 'Reason' });
    await pad1.getByRole('dialog').getByRole('button', { name: 'Nghỉ giải lao' }).click();
    await pageShows(pad1, 'Quầy đang tạm dừng: Nghỉ giải lao');
    await pageShows(display.page, 'Tạm dừng');
    expect(await display.page.getByTestId('counter-row-1').innerText()).toContain('Tạm dừng');
    await bothLanguages(pad1, 'counter-5-paused', { vi: 'Quầy đang tạm dừng: Nghỉ giải lao', en: 'Break' });
    await display.page.screenshot({ path: join(SHOTS, 'day-display-vi.png') });
    await displayEn.page.screenshot({ path: join(SHOTS, 'day-display-en.png') });
    const board = await display.page.locator('body').innerText();
    for (const n of [n1, n2, n4]) expect(board).toContain(n);
    await pad1.getByRole('banner').or(pad1.locator('.banner--paused')).getByRole('button', { name: 'Tiếp tục' }).first().click();
    await expect.poll(() => pad1.getByText('Quầy đang tạm dừng').count()).toBe(0);
    await expect.poll(async () => (await display.page.getByTestId('counter-row-1').innerText()).includes('Tạm dừng')).toBe(false);
    await bothLanguages(pad1, 'counter-6-pad', { vi: 'Gọi số tiếp', en: 'Call next' });

    // Afternoon: a visitor looks a dossier up at the portrait kiosk, typing on the screen's keyboard.
    await approach(kiosk);
    await kiosk.getByRole('button', { name: /Tra cứu hồ sơ/ }).click();
    await visible(kiosk.getByTestId('lookup'));
    await fits(kiosk, '.kiosk');
    await bothLanguages(kiosk, 'kiosk-portrait-7-lookup', { vi: 'Nhập mã hồ sơ và mã tra cứu', en: 'Type the dossier code' });
    await typeOnScreen(kiosk, DOSSIER.code);
    await kiosk.getByLabel('Mã tra cứu').click();
    await typeOnScreen(kiosk, 'A7K9Q3');
    await kiosk.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await visible(kiosk.getByTestId('lookup-problem'));
    await fits(kiosk, '.kiosk');
    await bothLanguages(kiosk, 'kiosk-portrait-8-not-found', { vi: 'Chưa tìm thấy hồ sơ', en: 'No dossier found' });
    await kiosk.getByTestId('osk-backspace').click();
    await typeOnScreen(kiosk, '2');
    await kiosk.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await visible(kiosk.getByTestId('dossier'));
    const dossier = await kiosk.getByTestId('dossier').innerText();
    expect(dossier).toContain('Đăng ký khai sinh');
    expect(dossier).toContain('Nguyễn V. A.');
    expect(dossier).toContain('Đang xử lý');
    expect(dossier).toContain('Còn 1 ngày 8 giờ');
    expect(dossier).toContain('Quá trình xử lý');
    await fits(kiosk, '.kiosk');
    await bothLanguages(kiosk, 'kiosk-portrait-9-dossier', { vi: 'Còn 1 ngày 8 giờ', en: '1 day 8 hours left' });
    await kiosk.getByRole('button', { name: 'Về màn hình đầu' }).click();

    // Another holds the receipt's QR code to the landscape kiosk's scanner.
    await approach(wide);
    await scanWithUsbScanner(wide, `${hub.url}/tra-cuu?code=000.00.15.H29-261120-0003&key=C9X8Z7`);
    await textIs(wide.getByTestId('deadline-badge'), 'Quá hạn 1 ngày');
    expect(await wide.getByTestId('dossier-collect').innerText()).toBe('Gửi qua bưu điện đến địa chỉ đã đăng ký');
    await fits(wide, '.kiosk');
    await bothLanguages(wide, 'kiosk-landscape-9-dossier', { vi: 'Yêu cầu bổ sung giấy tờ', en: 'More documents needed' });
    await wide.getByRole('button', { name: 'Tra cứu hồ sơ khác' }).click();
    await visible(wide.getByTestId('lookup'));
    await fits(wide, '.kiosk');
    await bothLanguages(wide, 'kiosk-landscape-7-lookup', { vi: 'Nhập mã hồ sơ và mã tra cứu', en: 'Type the dossier code' });

    for (const s of [portrait, landscape, counter1, counter2, display, displayEn]) expect(s.errors).toEqual([]);
    // The whole day in well under a minute and a half, even on a busy machine.
    expect(Date.now() - started).toBeLessThan(140_000);
  });
});
