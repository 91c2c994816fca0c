import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunningHub } from '../../server/hub';
import {
  expectFitsPhone,
  newScreen,
  pageShows,
  PHONE,
  setUpBrowserTests,
  SHOTS,
  skipBrowserTests,
  sleep,
  textIs,
  visible,
  vnDay,
  vnIso,
  type Screen,
} from './browser';
import { startHubWithDossiers } from './web-hub';

/**
 * The dossier lookup on a visitor's phone (360x640) in Debian's Chromium: opened from the QR code
 * on the receipt (/display/lookup.html?code=...&key=...), it looks the dossier up at once; a wrong
 * code or key gets one friendly answer that reveals nothing; too many wrong tries are slowed down.
 * Run `vite build` first.
 */

const D1 = { code: '000.00.15.H29-261120-0001', key: 'A7K9Q2' };
const D2 = { code: '000.00.15.H29-261120-0002', key: 'B2C3D4' };
const D3 = { code: '000.00.15.H29-261120-0003', key: 'C9X8Z7' };
/** What the one-stop software knows and a phone must never see. */
const PRIVATE = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Hoàng Minh Châu', '0901234567', 'Chuyển phòng Tư pháp', 'Thiếu bản vẽ'];

describe.skipIf(skipBrowserTests)('dossier lookup on a phone', () => {
  const { browser, cleanups } = setUpBrowserTests();

  /** A hub of the test centre (its centre uses the code pattern of sampleDossiers) with three dossiers. */
  const hubWithDossiers = () => startHubWithDossiers(cleanups, { name: 'phone-lookup' });

  /** A phone, at no address yet. */
  async function phone(): Promise<Screen> {
    const screen = await newScreen(browser(), PHONE);
    cleanups.add('screen', () => screen.context.close());
    return screen;
  }

  const lookupUrl = (hub: RunningHub, d: { code: string; key: string }) =>
    `${hub.url}/display/lookup.html?code=${encodeURIComponent(d.code)}&key=${encodeURIComponent(d.key)}`;

  it('opened from the receipt\'s QR code, shows the dossier at once; English is one tap away', { timeout: 90_000 }, async () => {
    const { hub, now } = await hubWithDossiers();
    const { page, errors } = await phone();

    // In time: being processed, 1 day 8 hours of working time left.
    await page.goto(lookupUrl(hub, D1));
    await visible(page.getByTestId('lookup-result'));
    await textIs(page.getByTestId('lookup-procedure'), 'Đăng ký khai sinh');
    expect(await page.getByTestId('lookup-result-code').innerText()).toBe(D1.code);
    expect(await page.getByTestId('lookup-applicant').innerText()).toBe('Nguyễn V. A.');
    expect(await page.getByTestId('lookup-status').innerText()).toBe('Đang xử lý');
    expect(await page.getByTestId('lookup-badge').innerText()).toBe('Còn 1 ngày 8 giờ');
    expect(await page.getByTestId('lookup-received').innerText()).toBe(vnDay(Date.parse(vnIso(now(), -3))));
    expect(await page.getByTestId('lookup-due').innerText()).toBe(vnDay(Date.parse(vnIso(now(), 1, 8.5))));
    expect(await page.getByTestId('lookup-collect').innerText()).toBe('Nhận trực tiếp tại: Quầy 1 – Bộ phận trả kết quả');
    const history = page.getByTestId('lookup-history').locator('li');
    expect(await history.count()).toBe(2);
    expect(await history.nth(0).innerText()).toContain('Được tiếp nhận');
    expect(await history.nth(1).innerText()).toContain('Đang xử lý');
    expect(await history.nth(1).innerText()).toMatch(/\d\d:\d\d \d\d\/\d\d\/\d{4}/);
    await expectPrivate(page);
    await expectFitsPhone(page);
    await page.screenshot({ path: join(SHOTS, 'lookup-result.png') });
    await page.screenshot({ path: join(SHOTS, 'lookup-result-full.png'), fullPage: true });

    // One tap to English.
    await page.getByRole('button', { name: 'English' }).tap();
    await textIs(page.getByTestId('lookup-status'), 'Being processed');
    expect(await page.getByTestId('lookup-badge').innerText()).toBe('1 day 8 hours left');
    expect(await page.getByTestId('lookup-collect').innerText()).toBe('In person at: Quầy 1 – Bộ phận trả kết quả');
    await pageShows(page, 'Result due on');
    await expectFitsPhone(page);
    await page.screenshot({ path: join(SHOTS, 'lookup-result-en.png'), fullPage: true });
    await page.getByRole('button', { name: 'Tiếng Việt' }).tap();
    await textIs(page.getByTestId('lookup-status'), 'Đang xử lý');

    // Finished early: the result is ready.
    await page.goto(lookupUrl(hub, D2));
    await textIs(page.getByTestId('lookup-status'), 'Đã xử lý xong');
    expect(await page.getByTestId('lookup-badge').innerText()).toBe('Trước hạn');
    expect(await page.getByTestId('lookup-badge').getAttribute('data-kind')).toBe('early');
    expect(await page.getByTestId('lookup-applicant').innerText()).toBe('Trần T. B.');
    await page.screenshot({ path: join(SHOTS, 'lookup-early.png'), fullPage: true });

    // Past its deadline, waiting for documents, the result sent by post.
    await page.goto(lookupUrl(hub, D3));
    await textIs(page.getByTestId('lookup-status'), 'Yêu cầu bổ sung giấy tờ');
    expect(await page.getByTestId('lookup-badge').innerText()).toMatch(/^Quá hạn \d+ ngày$/);
    expect(await page.getByTestId('lookup-badge').getAttribute('data-kind')).toBe('late');
    expect(await page.getByTestId('lookup-collect').innerText()).toBe('Gửi qua bưu điện đến địa chỉ đã đăng ký');
    await expectPrivate(page);
    await expectFitsPhone(page);
    await page.screenshot({ path: join(SHOTS, 'lookup-late.png'), fullPage: true });

    // "Look up another": the form, typed in by hand this time.
    await page.getByTestId('lookup-again').tap();
    await visible(page.getByTestId('lookup-form'));
    expect(await page.getByTestId('lookup-code').inputValue()).toBe('');
    await page.getByTestId('lookup-code').fill(D2.code);
    await page.getByTestId('lookup-key').fill(D2.key.toLowerCase());
    await page.getByTestId('lookup-submit').tap();
    await textIs(page.getByTestId('lookup-status'), 'Đã xử lý xong');

    expect(errors).toEqual([]);
  });

  it('a wrong key or code gets one friendly answer that reveals nothing; too many tries must wait', { timeout: 90_000 }, async () => {
    const { hub } = await hubWithDossiers();
    const { page, errors } = await phone();

    // Without code and key: the form.
    await page.goto(`${hub.url}/display/lookup.html`);
    await visible(page.getByTestId('lookup-form'));
    await pageShows(page, 'Nhập mã hồ sơ và mã tra cứu');
    await expectFitsPhone(page);
    await page.screenshot({ path: join(SHOTS, 'lookup-form.png') });
    await page.getByTestId('lookup-submit').tap();
    await visible(page.getByTestId('lookup-missing'));

    // A right code with a wrong key.
    await page.goto(lookupUrl(hub, { code: D1.code, key: 'WRONG1' }));
    const problem = page.getByTestId('lookup-problem');
    await visible(problem);
    expect(await problem.getAttribute('data-problem')).toBe('not-found');
    const wrongKey = await problem.innerText();
    expect(wrongKey).toContain('Chưa tìm thấy hồ sơ');
    // The form is there again, filled in, to correct a typing mistake.
    expect(await page.getByTestId('lookup-code').inputValue()).toBe(D1.code);
    expect(await page.getByTestId('lookup-result').count()).toBe(0);
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('Đăng ký khai sinh');
    expect(body).not.toContain('Nguyễn V. A.');
    await expectPrivate(page);
    await expectFitsPhone(page);
    await page.screenshot({ path: join(SHOTS, 'lookup-not-found.png') });

    // A code that does not exist: word for word the same answer.
    await page.goto(lookupUrl(hub, { code: '000.00.15.H29-261120-9999', key: 'A7K9Q2' }));
    await visible(problem);
    expect(await problem.innerText()).toBe(wrongKey);

    // More wrong tries from the form: the hub slows them down, the page says how long to wait.
    const wait = page.getByTestId('lookup-wait');
    for (let i = 0; i < 4 && (await wait.count()) === 0; i++) {
      await page.getByTestId('lookup-key').fill(`WRONG${i + 2}`);
      await page.getByTestId('lookup-submit').tap();
      await page.waitForFunction(() => !document.querySelector('[data-testid=lookup-submit]')?.textContent?.includes('Đang tra cứu'));
      await sleep(200);
    }
    await visible(wait);
    const text = await wait.innerText();
    expect(text).toMatch(/Vui lòng đợi \d+ giây/);
    const seconds = Number(/đợi (\d+) giây/.exec(text)?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(30);
    expect(await page.getByTestId('lookup-submit').isDisabled()).toBe(true);
    await expectFitsPhone(page);
    await page.screenshot({ path: join(SHOTS, 'lookup-wait.png') });

    // After the wait, the right key works.
    await wait.waitFor({ state: 'detached', timeout: (seconds + 5) * 1000 });
    expect(await page.getByTestId('lookup-submit').isDisabled()).toBe(false);
    await page.getByTestId('lookup-code').fill(D1.code);
    await page.getByTestId('lookup-key').fill(D1.key);
    await page.getByTestId('lookup-submit').tap();
    await textIs(page.getByTestId('lookup-procedure'), 'Đăng ký khai sinh');

    expect(errors).toEqual([]);
  });
});

/** The page holds the masked name only: no full name, phone number or officer's note. */
async function expectPrivate(page: Page): Promise<void> {
  const html = await page.content();
  for (const text of PRIVATE) expect(html).not.toContain(text);
}
