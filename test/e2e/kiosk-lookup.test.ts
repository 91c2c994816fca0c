import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../server/hub';
import {
  Cleanups,
  clippedText,
  launchBrowser,
  openScreen,
  pageShows,
  ROOT,
  scanWithUsbScanner,
  SHOTS,
  skipBrowserTests,
  textIs,
  typeOnScreen,
  visible,
  vnDay,
  vnIso,
  type Screen,
} from './browser';
import { startHubWithDossiers, takeTicket } from './web-hub';

/**
 * The kiosk in Debian's Chromium against a real hub with dossiers in its register: the idle screen,
 * the start screen's two choices, and looking a dossier up by typing on the on-screen keyboard or
 * by holding the receipt to a USB scanner. Run `vite build` first. Assertions are on what a person
 * sees.
 */

const D1 = { code: '000.00.15.H29-261120-0001', key: 'A7K9Q2' };
const D2 = { code: '000.00.15.H29-261120-0002', key: 'B2C3D4' };
const D3 = { code: '000.00.15.H29-261120-0003', key: 'C9X8Z7' };

describe.skipIf(skipBrowserTests)('the kiosk: idle screen, start screen and dossier lookup', () => {
  let browser: Browser;
  const cleanups = new Cleanups();
  const opened: Screen[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterEach(async (context) => {
    // A failed test leaves a picture of its kiosks as they were, to see why.
    if (context.task.result?.state === 'fail')
      for (const [i, screen] of opened.entries())
        await screen.page.screenshot({ path: join(SHOTS, `failed-kiosk-lookup-${i}.png`) }).catch(() => undefined);
    opened.length = 0;
    await cleanups.runAll();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A hub of the test centre, in the morning of a working day, with three dossiers. */
  const hubWithDossiers = () => startHubWithDossiers(cleanups, { name: 'lookup' });

  async function kiosk(hub: RunningHub, width = 1080, height = 1920, query = ''): Promise<Screen> {
    const screen = await openScreen(browser, `${hub.url}/kiosk/${query}`, { width, height });
    opened.push(screen);
    cleanups.add('screen', () => screen.context.close());
    return screen;
  }

  async function openLookup(page: Page): Promise<void> {
    await page.getByRole('button', { name: /Tra cứu hồ sơ/ }).click();
    await visible(page.getByRole('heading', { name: 'Tra cứu hồ sơ' }));
  }

  it('shows a dossier typed on the on-screen keyboard: status, deadline, dates, where to collect, history', { timeout: 60_000 }, async () => {
    const { hub, now } = await hubWithDossiers();
    const { page, errors } = await kiosk(hub);
    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    await openLookup(page);

    // The fields never call up a touch screen's own keyboard; the code field has the focus.
    const codeField = page.getByLabel('Mã hồ sơ');
    const keyField = page.getByLabel('Mã tra cứu');
    expect(await codeField.getAttribute('inputmode')).toBe('none');
    expect(await keyField.getAttribute('inputmode')).toBe('none');
    expect(await codeField.evaluate((el) => el === document.activeElement)).toBe(true);
    await pageShows(page, 'Ví dụ: 000.00.15.H29-261120-0001');

    // Typing, a slip, backspace, and the rest: the keys type where the caret is.
    await typeOnScreen(page, '000.00.15.H29-2611200');
    await page.getByTestId('osk-backspace').click();
    await typeOnScreen(page, '-0001');
    expect(await codeField.inputValue()).toBe(D1.code);
    // Typed letters are capitals; clear empties the field the visitor is in.
    await keyField.click();
    await typeOnScreen(page, 'XYZ');
    await page.getByTestId('osk-clear').click();
    expect(await keyField.inputValue()).toBe('');
    expect(await codeField.inputValue()).toBe(D1.code);
    await typeOnScreen(page, D1.key);
    expect(await keyField.inputValue()).toBe(D1.key);
    expect(await keyField.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-lookup-typed.png') });

    await page.getByRole('button', { name: 'Tra cứu', exact: true }).click();
    await visible(page.getByTestId('dossier'));
    const shown = await page.getByTestId('dossier').innerText();
    expect(shown).toContain('Đăng ký khai sinh');
    expect(shown).toContain(D1.code);
    expect(await page.getByTestId('dossier-applicant').innerText()).toBe('Nguyễn V. A.');
    expect(await page.getByTestId('dossier-received').innerText()).toBe(vnDay(Date.parse(vnIso(now(), -3))));
    expect(await page.getByTestId('dossier-due').innerText()).toBe(vnDay(Date.parse(vnIso(now(), 1, 8.5))));
    expect(await page.getByTestId('dossier-status').innerText()).toContain('Đang xử lý');
    expect(await page.getByTestId('deadline-badge').innerText()).toBe('Còn 1 ngày 8 giờ');
    expect(await page.getByTestId('dossier-collect').innerText()).toBe('Nhận trực tiếp tại: Quầy 1 – Bộ phận trả kết quả');
    const history = await page.getByTestId('dossier-history').locator('li').allInnerTexts();
    expect(history.map((h) => h.split('\n')[0])).toEqual(['Được tiếp nhận', 'Đang xử lý']);
    // Nothing personal beyond the masked name.
    const body = await page.locator('body').innerText();
    expect(body).not.toMatch(/Văn An|0901234567/);
    expect(body).toMatch(/Màn hình tự quay lại sau (59|60) giây/);
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-lookup-result.png') });

    // The same in English, one tap away.
    await page.getByRole('button', { name: 'English' }).click();
    await textIs(page.getByTestId('deadline-badge'), '1 day 8 hours left');
    expect(await page.getByTestId('dossier-status').innerText()).toContain('Being processed');
    expect(await page.getByTestId('dossier-collect').innerText()).toBe('In person at: Quầy 1 – Bộ phận trả kết quả');
    await page.screenshot({ path: join(SHOTS, 'kiosk-lookup-result-en.png') });

    // Another dossier: early, and one late; back to the start in Vietnamese.
    await page.getByRole('button', { name: 'Look up another dossier' }).click();
    await page.getByLabel('Dossier code').fill(D2.code);
    await page.getByLabel('Lookup key').fill(D2.key.toLowerCase());
    await page.getByRole('button', { name: 'Look up', exact: true }).click();
    await textIs(page.getByTestId('deadline-badge'), 'Early');
    expect(await page.getByTestId('dossier-status').innerText()).toContain('Result ready');
    await page.getByRole('button', { name: 'English' }).or(page.getByRole('button', { name: 'Tiếng Việt' })).click();
    await textIs(page.getByTestId('deadline-badge'), 'Trước hạn');
    expect(await page.getByTestId('dossier-collect').innerText()).toBe('Nhận trực tiếp tại: Quầy 2');
    await page.getByRole('button', { name: 'Tra cứu hồ sơ khác' }).click();
    await page.getByLabel('Mã hồ sơ').fill(D3.code);
    await page.getByLabel('Mã tra cứu').fill(D3.key);
    await page.getByLabel('Mã tra cứu').press('Enter');
    await textIs(page.getByTestId('deadline-badge'), 'Quá hạn 1 ngày');
    expect(await page.getByTestId('dossier-status').innerText()).toContain('Yêu cầu bổ sung giấy tờ');
    expect(await page.getByTestId('dossier-collect').innerText()).toBe('Gửi qua bưu điện đến địa chỉ đã đăng ký');
    await page.getByRole('button', { name: 'Về màn hình đầu' }).click();
    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    expect(errors).toEqual([]);
  });

  it('says the same friendly thing for a wrong code or key, and "please wait" when guessing', { timeout: 60_000 }, async () => {
    const { hub } = await hubWithDossiers();
    const { page, errors } = await kiosk(hub, 1920, 1080);
    await openLookup(page);
    const code = page.getByLabel('Mã hồ sơ');
    const key = page.getByLabel('Mã tra cứu');
    const submit = page.getByRole('button', { name: 'Tra cứu', exact: true });
    const problem = page.getByTestId('lookup-problem');

    // Nothing typed: say what is missing.
    await submit.click();
    await textIs(problem, 'Xin nhập mã hồ sơ.');
    await code.fill(D1.code);
    await submit.click();
    await textIs(problem, 'Xin nhập mã tra cứu.');

    const messages: string[] = [];
    for (const [c, k] of [
      [D1.code, 'WRONG1'],
      ['000.00.15.H29-261120-0999', D1.key],
      [D1.code, 'WRONG2'],
      [D1.code, 'WRONG3'],
    ] as const) {
      await code.fill(c);
      await key.fill(k);
      await submit.click();
      await visible(problem);
      await expect.poll(() => problem.getAttribute('data-kind'), { timeout: 10_000 }).toBe('not-found');
      messages.push(await problem.innerText());
    }
    // A wrong code and a wrong key read exactly alike: nothing tells which one was wrong.
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toContain('Chưa tìm thấy hồ sơ');
    expect(messages[0]).toContain('kiểm tra lại mã hồ sơ và mã tra cứu');
    await page.screenshot({ path: join(SHOTS, 'kiosk-lookup-not-found-landscape.png') });

    // Too many tries for one dossier: the hub slows them down, the screen counts down and the button waits.
    await key.fill('WRONG4');
    await submit.click();
    await expect.poll(() => problem.getAttribute('data-kind'), { timeout: 10_000 }).toBe('not-found');
    await key.fill('WRONG5');
    await submit.click();
    await expect.poll(() => problem.getAttribute('data-kind'), { timeout: 10_000 }).toBe('wait');
    expect(await problem.innerText()).toMatch(/Xin đợi [1-5] giây rồi thử lại/);
    expect(await submit.isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'kiosk-lookup-wait-landscape.png') });
    await expect.poll(() => submit.isDisabled(), { timeout: 15_000 }).toBe(false);
    await key.fill(D1.key);
    await submit.click();
    await textIs(page.getByTestId('dossier-procedure'), 'Đăng ký khai sinh');
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-lookup-result-landscape.png') });
    expect(errors).toEqual([]);
  });

  it('opens the dossier of a receipt held to the scanner: "code|key" or a link, from the start or the lookup', { timeout: 60_000 }, async () => {
    const { hub } = await hubWithDossiers();
    const { page, errors } = await kiosk(hub);
    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));

    // On the start screen, nothing focused: the scanner types fast and ends with Enter.
    await scanWithUsbScanner(page, `${D1.code}|${D1.key.toLowerCase()}`);
    await textIs(page.getByTestId('dossier-procedure'), 'Đăng ký khai sinh');

    // On the lookup screen, with the caret in a field: the link form of the QR code.
    await page.getByRole('button', { name: 'Tra cứu hồ sơ khác' }).click();
    await page.getByLabel('Mã hồ sơ').click();
    await scanWithUsbScanner(page, `http://192.168.1.10:3000/tra-cuu?code=${encodeURIComponent(D2.code)}&key=${D2.key}`);
    await textIs(page.getByTestId('deadline-badge'), 'Trước hạn');

    // A receipt whose code holds the dossier code only: the key is asked for.
    await page.getByRole('button', { name: 'Tra cứu hồ sơ khác' }).click();
    await scanWithUsbScanner(page, D3.code);
    expect(await page.getByLabel('Mã hồ sơ').inputValue()).toBe(D3.code);
    await textIs(page.getByTestId('lookup-problem'), 'Đã đọc mã hồ sơ. Xin nhập thêm mã tra cứu in trên giấy hẹn.');
    expect(await page.getByLabel('Mã tra cứu').evaluate((el) => el === document.activeElement)).toBe(true);

    // A person typing slowly on a keyboard is not a scanner: Enter just looks up what is typed.
    await page.keyboard.type(D3.key, { delay: 150 });
    await page.keyboard.press('Enter');
    await textIs(page.getByTestId('deadline-badge'), 'Quá hạn 1 ngày');
    expect(errors).toEqual([]);
  });

  it('goes idle after a while without a touch, invites a touch, and starts again in the language chosen', { timeout: 60_000 }, async () => {
    const { hub } = await hubWithDossiers();
    const { page, errors } = await kiosk(hub, 1080, 1920, '?idle=4');
    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    await page.getByRole('button', { name: 'English' }).click();
    await visible(page.getByRole('button', { name: /Look up a dossier/ }));

    // Left alone: the idle screen, in Vietnamese again, with the centre's name and a hand.
    const idle = page.getByTestId('idle');
    await visible(idle, 10_000);
    expect(await idle.innerText()).toContain('Chạm để lấy số');
    expect(await idle.innerText()).toContain('Trung tâm thử nghiệm');
    expect(await idle.innerText()).toContain('Touch to take a number');
    expect(await idle.locator('svg.pictogram').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'kiosk-idle.png') });

    // The language button switches the invitation without leaving it.
    await page.getByRole('button', { name: 'English' }).click();
    await textIs(page.locator('.idle__call'), 'Touch to take a number');
    expect(await page.getByTestId('idle').count()).toBe(1);

    // A touch anywhere: the start screen, in English.
    await page.mouse.click(540, 1500);
    await visible(page.getByText('Choose a service to take a number'));
    expect(await page.getByTestId('idle').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('answers a tap on a closed or full service with why, instead of doing nothing', { timeout: 60_000 }, async () => {
    const { hub } = await hubWithDossiers();
    // Tư pháp gives two numbers a day: take them.
    for (let i = 0; i < 2; i++)
      await takeTicket(hub, 'tu-phap');
    const { page, errors } = await kiosk(hub);
    const tile = page.locator('.tile', { hasText: 'Tư pháp' });
    await textIs(tile.locator('.tile__closed'), 'Đã hết số hôm nay');
    await tile.click();
    const notice = page.getByTestId('unavailable');
    await visible(notice);
    expect(await notice.innerText()).toContain('Lĩnh vực Tư pháp đã hết số hôm nay');
    expect(await notice.innerText()).toContain('quay lại vào ngày làm việc tiếp theo');
    await page.screenshot({ path: join(SHOTS, 'kiosk-full.png') });
    await page.getByRole('button', { name: 'Quay lại' }).click();
    await visible(page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    expect(errors).toEqual([]);
  });
  it('says plainly that no number can be had while the connection is lost, instead of a dead button', { timeout: 60_000 }, async () => {
    const { hub } = await hubWithDossiers();
    const { page } = await kiosk(hub);
    const tile = page.locator('.tile', { hasText: 'Hộ tịch' });
    await textIs(tile.locator('.tile__waiting'), 'Đang chờ: 0');
    await hub.stop();
    await visible(page.getByTestId('offline-badge'), 20_000);
    await textIs(tile.locator('.tile__closed'), 'Tạm ngưng lấy số');
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-offline-start.png') });
    await tile.click();
    const notice = page.getByTestId('unavailable');
    await visible(notice);
    expect(await notice.innerText()).toContain('Tạm thời chưa lấy được số');
    expect(await notice.innerText()).toContain('mất kết nối');
    await page.screenshot({ path: join(SHOTS, 'kiosk-offline-message.png') });
  });
  it('the Vietnamese layout of the on-screen keyboard writes names with their marks and tones', { timeout: 90_000 }, async () => {
    // The keyboard alone on a page, built with Vite like the apps (the kiosk's lookup uses its code layout).
    // Inside the project, so that its node_modules resolve.
    const root = mkdtempSync(join(ROOT, 'test-output', 'osk-page-'));
    cleanups.add('folder', () => rmSync(root, { recursive: true, force: true }));
    writeFileSync(join(root, 'index.html'), '<!doctype html><html lang="vi"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><div id="app"></div><script type="module" src="./main.tsx"></script></body></html>');
    writeFileSync(
      join(root, 'main.tsx'),
      `import ${JSON.stringify(join(ROOT, 'server/ui/base.css'))};
import { signal } from '@preact/signals';
import { render } from 'preact';
import { translate } from ${JSON.stringify(join(ROOT, 'server/i18n'))};
import { AppStateContext } from ${JSON.stringify(join(ROOT, 'server/ui/app-state'))};
import { OnScreenKeyboard } from ${JSON.stringify(join(ROOT, 'server/ui/on-screen-keyboard'))};
const lang = signal('vi');
const state = { lang, t: (key, params) => translate(lang.value, key, params) };
render(
  <AppStateContext.Provider value={state as never}>
    <main style={{ padding: '32px', display: 'grid', gap: '24px' }}>
      <label style={{ fontSize: '32px', fontWeight: 700 }}>Họ và tên
        <input id="name" inputMode="none" autocomplete="off" style={{ display: 'block', width: '100%', fontSize: '48px', padding: '12px' }} />
      </label>
      <OnScreenKeyboard layout="vietnamese" />
    </main>
  </AppStateContext.Provider>,
  document.getElementById('app')!,
);
`,
    );
    const { build } = await import('vite');
    const { default: preact } = await import('@preact/preset-vite');
    await build({ configFile: false, root, logLevel: 'silent', plugins: [preact()], build: { outDir: join(root, 'dist'), emptyOutDir: true } });
    const dist = join(root, 'dist');
    const server = createServer((req, res) => {
      const path = join(dist, decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/\/$/, '/index.html'));
      if (!path.startsWith(dist) || !existsSync(path)) return void res.writeHead(404).end();
      const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : path.endsWith('.html') ? 'text/html' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type }).end(readFileSync(path));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    cleanups.add('server', () => new Promise<void>((ok) => server.close(() => ok())));
    const { port } = server.address() as { port: number };
    const screen = await openScreen(browser, `http://127.0.0.1:${port}/`, { width: 1080, height: 1000 });
    cleanups.add('screen', () => screen.context.close());
    const { page } = screen;
    const name = page.locator('#name');
    await name.click();
    const keys = page.getByTestId('osk');
    const key = (label: string) => keys.getByRole('button', { name: label, exact: true });
    const word = async (letters: string[], tone?: string) => {
      for (const letter of letters) await key(letter).click();
      if (tone) await key(tone).click();
    };
    // Capitals for the first letter of each word, then small letters.
    await key('Chữ hoa').click();
    await word(['N', 'g', 'u', 'y', 'ê', 'n'], 'Dấu ngã');
    await key('Dấu cách').click();
    await key('Chữ hoa').click();
    await word(['T', 'h', 'i'], 'Dấu nặng');
    await key('Dấu cách').click();
    await key('Chữ hoa').click();
    await word(['H', 'ô', 'n', 'g'], 'Dấu huyền');
    expect(await name.inputValue()).toBe('Nguyễn Thị Hồng');
    // The same tone again takes it off; the tone moves when a letter follows; backspace moves it back.
    await key('Dấu huyền').click();
    expect(await name.inputValue()).toBe('Nguyễn Thị Hông');
    await key('Xóa hết').click();
    await word(['h', 'o', 'a'], 'Dấu sắc');
    expect(await name.inputValue()).toBe('hóa');
    await key('n').click();
    expect(await name.inputValue()).toBe('hoán');
    await key('Xóa ký tự cuối').click();
    expect(await name.inputValue()).toBe('hóa');
    await key('Dấu cách').click();
    await word(['đ', 'ư', 'ơ', 'n', 'g'], 'Dấu huyền');
    expect(await name.inputValue()).toBe('hóa đường');
    // The field kept the focus all along; the number pad types digits only.
    expect(await name.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'keyboard-vietnamese.png') });
    await key('Bàn phím số').click();
    expect(await keys.getByRole('button', { name: 'q', exact: true }).count()).toBe(0);
    await key('1').click();
    await key('0').click();
    expect(await name.inputValue()).toBe('hóa đường10');
    await page.screenshot({ path: join(SHOTS, 'keyboard-digits.png') });
    expect(screen.errors).toEqual([]);
  });
});
