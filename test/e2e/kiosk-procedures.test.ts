import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createDeviceHost } from '../../hardware/device-host';
import { findSocat } from '../../hardware/emulators/pty-pair';
import { DEMO_CONFIG_PATH, DEMO_PROCEDURES_PATH, loadCentreConfig, parseCentreConfig } from '../../server/config/load-config';
import type { RunningHub } from '../../server/hub';
import { logInOnPad, morningClock, setUpBrowserTests, until, openScreen, severeViolations, SHOTS, skipBrowserTests, textIs, visible, type Screen } from './browser';
import { emulatedPrinter, startWebHub } from './web-hub';

/**
 * The kiosk's "Thủ tục hành chính" in Debian's Chromium, on the demo centre with its real catalog
 * (server/config/demo-procedures.json): browse by field, search as one types on the on-screen
 * keyboard (with and without marks, abbreviations, a typo), a procedure's page, and a number
 * taken for it. Run `vite build` first. Assertions are on what a person sees.
 */

describe.skipIf(skipBrowserTests)('the kiosk: procedures', () => {
  const { browser, cleanups } = setUpBrowserTests();

  const demoHub = () => startWebHub(cleanups, { config: loadCentreConfig(DEMO_CONFIG_PATH), proceduresFile: DEMO_PROCEDURES_PATH, clock: morningClock(), name: 'procedures' });

  async function kiosk(hub: RunningHub, width = 1080, height = 1920): Promise<Screen> {
    const screen = await openScreen(browser(), `${hub.url}/kiosk/`, { width, height });
    cleanups.add('screen', () => screen.context.close());
    return screen;
  }

  /** Types on the kiosk's own keyboard, a key at a time, as a visitor would. */
  async function typeKeys(page: Page, text: string): Promise<void> {
    const keyboard = page.getByTestId('procedure-keyboard');
    for (const ch of text) await keyboard.getByRole('button', { name: ch === ' ' ? 'Dấu cách' : ch, exact: true }).click();
  }

  /** The element's text (white space as one space) comes to match, within 10 s. */
  async function textMatches(locator: Locator, pattern: RegExp): Promise<void> {
    await expect.poll(async () => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim(), { timeout: 10_000 }).toMatch(pattern);
  }

  const results = (page: Page) => page.getByTestId('procedure-results').locator('.procs__item-name');

  /** Every visible text on the page at least this large (CSS px). */
  async function smallestText(page: Page): Promise<{ size: number; text: string }> {
    return page.evaluate(() => {
      let smallest = { size: Infinity, text: '' };
      const walker = document.createTreeWalker(document.querySelector('main') ?? document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent?.trim() ?? '';
        const el = node.parentElement;
        if (!text || !el || el.closest('[aria-hidden="true"]') || el.closest('.osk')) continue;
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < smallest.size) smallest = { size, text };
      }
      return smallest;
    });
  }

  it('finds a procedure by field or as one types, shows what to bring, and takes a number for it', { timeout: 90_000 }, async () => {
    const hub = await demoHub();
    const { page, errors } = await kiosk(hub);
    await page.getByTestId('start-procedures').click();
    await visible(page.getByRole('heading', { name: 'Thủ tục hành chính', level: 1 }));
    // Browsing: the centre's fields with how many procedures each.
    await textMatches(page.getByTestId('procedure-fields').getByRole('button').first(), /Hộ tịch ?22 thủ tục/);
    expect(await smallestText(page)).toMatchObject({ size: expect.any(Number) });
    expect((await smallestText(page)).size).toBeGreaterThanOrEqual(22);
    expect(await severeViolations(page, 'procedures')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-procedures-fields.png') });

    await page.getByTestId('procedure-fields').getByRole('button', { name: /Chứng thực/ }).click();
    await visible(page.getByRole('heading', { name: 'Chứng thực', level: 2 }));
    expect(await results(page).count()).toBe(12);
    await page.getByTestId('procedures-back').click();
    await visible(page.getByTestId('procedure-fields'));

    // Browsing needs no keyboard; a tap on the search box brings it up.
    expect(await page.getByTestId('procedure-keyboard').isVisible()).toBe(false);
    await page.getByTestId('procedure-search').click();
    await visible(page.getByTestId('procedure-keyboard'));
    // Typing: results come with each key, without marks too.
    await typeKeys(page, 'dang ky ket h');
    await textIs(results(page).first(), 'Thủ tục đăng ký kết hôn');
    await page.getByRole('button', { name: 'Xóa chữ đã gõ' }).click();
    await typeKeys(page, 'khai sinh');
    await textMatches(results(page).first(), /đăng ký khai sinh/i);
    expect((await smallestText(page)).size).toBeGreaterThanOrEqual(22);
    expect(await severeViolations(page, 'procedures search')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-procedures-search.png') });

    // A procedure's page: the time, the fees, the papers as a checklist.
    await results(page).first().click();
    const procedure = page.getByTestId('procedure');
    await visible(procedure);
    const code = await procedure.getAttribute('data-code');
    expect(code).toBe('1.001193');
    await textMatches(page.getByTestId('procedure-fees'), /Phí, lệ phí ?Không mất phí/);
    await textMatches(page.getByTestId('procedure-ways'), /Nộp trực tiếp tại bộ phận một cửa/);
    await textMatches(page.getByTestId('procedure-counters'), /^Giải quyết tại quầy ?1, 2$/);
    expect(await page.getByTestId('procedure-documents').locator('li').count()).toBeGreaterThan(3);
    // The papers to hand in come first, under their published heading.
    await textMatches(page.getByTestId('procedure-documents').locator('h3').first(), /^Giấy tờ phải nộp$/);
    await textMatches(page.getByRole('heading', { level: 2 }).first(), /^Giấy tờ cần mang \(\d+\)$/);
    expect((await smallestText(page)).size).toBeGreaterThanOrEqual(22);
    expect(await severeViolations(page, 'procedure')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-procedure.png') });

    // Back keeps the search; then a number for the procedure, which the ticket names.
    await page.getByTestId('procedure-back').click();
    expect(await page.getByTestId('procedure-search').inputValue()).toBe('khai sinh');
    await results(page).first().click();
    await page.getByTestId('procedure-take').click();
    // The demo centre has priority groups: the visitor says whether one applies.
    await page.getByRole('button', { name: 'Không', exact: true }).click();
    await visible(page.getByTestId('ticket-number'));
    await textIs(page.getByTestId('ticket-procedure'), 'Thủ tục: Thủ tục đăng ký khai sinh');
    const number = (await page.getByTestId('ticket-number').textContent())!.trim();
    const ticket = hub.service.followAll().find((t) => t.number === number);
    expect(ticket).toBeDefined();
    await page.screenshot({ path: join(SHOTS, 'kiosk-procedure-ticket.png') });
    expect(errors).toEqual([]);

    // The officer who calls it sees the procedure, and its papers when opened.
    const pad = await openScreen(browser(), `${hub.url}/counter/`, { width: 1366, height: 768 });
    cleanups.add('screen', () => pad.context.close());
    await logInOnPad(pad.page, 'canbo1', 'canbo123');
    await pad.page.getByRole('button', { name: /^Quầy 1\b/ }).click();
    await pad.page.getByRole('button', { name: /Gọi số tiếp/ }).click();
    await textIs(pad.page.getByTestId('current-ticket-number'), number);
    await textMatches(pad.page.getByTestId('ticket-procedure'), /^Thủ tục: Thủ tục đăng ký khai sinh 1\.001193/);
    await pad.page.getByTestId('ticket-procedure').getByText(/Giấy tờ cần mang/).click();
    await visible(pad.page.getByTestId('ticket-procedure').getByText(/Giấy chứng sinh/).first());
    expect(await severeViolations(pad.page, 'counter pad with a procedure')).toEqual([]);
    await pad.page.screenshot({ path: join(SHOTS, 'counter-procedure.png') });
    // The visitor came to register the birth again: the officer corrects the procedure.
    await pad.page.getByTestId('ticket-procedure-edit').click();
    await pad.page.getByTestId('ticket-procedure-select').selectOption('1.004884');
    await textMatches(pad.page.getByTestId('ticket-procedure'), /^Thủ tục: Thủ tục đăng ký lại khai sinh 1\.004884/);
    expect(hub.service.counterView('quay-1')?.current?.procedureCode).toBe('1.004884');
  });

  it.skipIf(!findSocat())('prints the papers to bring on the kiosk\'s printer (TCVN-3), with a QR to the procedure on the phone', { timeout: 60_000 }, async () => {
    const { printer, appPath } = await emulatedPrinter(cleanups);
    const input = JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
    input.kiosks = [{ id: 'k1', printerId: 'printer-1' }];
    input.devices = [{ kind: 'printer', id: 'printer-1', path: appPath, paperWidth: 80, textMode: 'tcvn3', codePage: 30, capitalsCodePage: 31 }];
    const hub = await startWebHub(cleanups, {
      config: parseCentreConfig(input),
      proceduresFile: DEMO_PROCEDURES_PATH,
      clock: morningClock(),
      name: 'procedures-print',
      createDeviceHost: (devices, link) => createDeviceHost({ devices, hub: link, pollMs: 200, backoff: { initialMs: 100, maxMs: 400 }, watchMs: 100 }),
    });
    await until(() => hub.devices.deviceViews().find((d) => d.id === 'printer-1')?.condition === 'ok', 10_000, 20);
    const screen = await openScreen(browser(), `${hub.url}/kiosk/?kiosk=k1`, { width: 1080, height: 1920 });
    cleanups.add('screen', () => screen.context.close());
    const { page } = screen;
    await page.getByTestId('start-procedures').click();
    await page.getByTestId('procedure-search').click();
    await typeKeys(page, 'ket hon');
    await textIs(results(page).first(), 'Thủ tục đăng ký kết hôn');
    await results(page).first().click();
    await page.getByTestId('procedure-print').click();
    await textIs(page.getByTestId('procedure-print-state'), 'Đã in. Xin nhận phiếu ở khe máy in.');
    const [paper] = await printer.waitForJobs(1);
    const text = paper!.lines.join('\n');
    expect(paper!.lines).toContain('DANH SÁCH GIẤY TỜ CẦN MANG');
    expect(text).toContain('Thủ tục đăng ký kết hôn');
    expect(paper!.lines).toContain('Mã thủ tục 1.000894');
    expect(paper!.lines.some((l) => l.startsWith('[ ] '))).toBe(true);
    expect(paper!.lines).toContain('Giấy tờ phải xuất trình');
    const qr = paper!.transcript.items.find((i) => i.kind === 'qr') as { data: string } | undefined;
    // The same address the tickets' QR codes use: the one phones reach the hub by.
    expect(qr?.data).toBe(`${hub.devices.publicUrl()}/display/procedures.html?code=1.000894`);
    expect(printer.violations).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-procedure-printed.png') });
  });

  it('the supervisor replaces the catalog from a spreadsheet: the problems first, then the changes to confirm', { timeout: 60_000 }, async () => {
    const hub = await demoHub();
    const sup = await openScreen(browser(), `${hub.url}/counter/`, { width: 1280, height: 800 });
    cleanups.add('screen', () => sup.context.close());
    const { page } = sup;
    await logInOnPad(page, 'giamsat', 'giamsat123');
    await page.getByTestId('open-supervisor').click();
    await page.getByTestId('sup-tab-procedures').click();
    await textMatches(page.getByTestId('sup-procedures-summary'), /Số thủ tục ?80/);
    // Which service gives the numbers of a published field: chosen in the configuration.
    await page.getByTestId('sup-tab-config').click();
    await page.getByRole('button', { name: 'Thủ tục và lĩnh vực' }).click();
    const mapping = page.getByTestId('cfg-procedures');
    await textMatches(mapping.locator('label', { hasText: 'Hộ tịch' }).first().locator('option').first(), /^Theo tên: Hộ tịch$/);
    await mapping.getByLabel(/^Giảm nghèo/).selectOption('tu-phap');
    expect(await severeViolations(page, 'configuration: procedures')).toEqual([]);
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    await visible(page.getByTestId('config-outcome'));
    const offered = (await (await fetch(`${hub.url}/api/procedures`)).json()) as { procedures: { field: string; serviceId: string | null }[] };
    expect(new Set(offered.procedures.filter((p) => p.field === 'Giảm nghèo').map((p) => p.serviceId))).toEqual(new Set(['tu-phap']));
    await page.getByTestId('sup-tab-procedures').click();
    const header = 'Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết,Nguồn,Ngày đọc,Cách thức thực hiện,Địa chỉ trực tuyến';
    const file = (rows: string[]) => ({ name: 'thu-tuc.csv', mimeType: 'text/csv', buffer: Buffer.from([header, ...rows].join('\n')) });
    await page.getByTestId('sup-procedures-file').setInputFiles(file(['1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,05 ngày làm việc,https://example.org,32/12/2026']));
    await visible(page.getByTestId('sup-procedures-problems'));
    await textMatches(page.getByTestId('sup-procedures-problems').locator('tbody tr').first(), /^2 ?Ngày đọc ?ngày viết dd\/mm\/yyyy hoặc yyyy-mm-dd$/);
    expect(await severeViolations(page, 'supervisor procedures problems')).toEqual([]);
    await page.getByTestId('sup-procedures-file').setInputFiles(
      file(['1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,05 ngày làm việc,https://example.org,01/12/2026,Trực tuyến toàn trình; Trực tiếp,https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.001193']),
    );
    await textMatches(page.getByTestId('sup-procedures-counts'), /^Thêm 0, bỏ 79, thay đổi 1, giữ nguyên 0\.$/);
    await page.screenshot({ path: join(SHOTS, 'supervisor-procedures-preview.png') });
    await page.getByTestId('sup-procedures-apply').click();
    await textMatches(page.getByTestId('sup-procedures-message'), /^Đã thay danh mục \(lần cập nhật 2, 1 thủ tục\)\.$/);
    // Every screen follows the new version.
    await textMatches(page.getByTestId('sup-procedures-summary'), /Số thủ tục ?1 ?Lần cập nhật ?2/);
    expect(await severeViolations(page, 'supervisor procedures')).toEqual([]);

    // At the kiosk the new catalog is there: done fully online, it says no visit is needed, with a QR.
    const kiosk = await openScreen(browser(), `${hub.url}/kiosk/`, { width: 1080, height: 1920 });
    cleanups.add('screen', () => kiosk.context.close());
    await kiosk.page.getByTestId('start-procedures').click();
    await kiosk.page.getByTestId('procedure-fields').getByRole('button', { name: /Hộ tịch/ }).click();
    await results(kiosk.page).first().click();
    await textIs(kiosk.page.getByTestId('procedure-online').locator('.proc__online-text'), 'Thủ tục này làm được hoàn toàn trên mạng: không cần đến trung tâm.');
    await visible(kiosk.page.getByTestId('procedure-portal-qr'));
    expect(await severeViolations(kiosk.page, 'kiosk procedure online')).toEqual([]);
    await kiosk.page.screenshot({ path: join(SHOTS, 'kiosk-procedure-online.png') });
  });

  it('fits a landscape kiosk: search beside the keyboard, the procedure in two columns', { timeout: 60_000 }, async () => {
    const hub = await demoHub();
    const { page } = await kiosk(hub, 1920, 1080);
    await page.getByTestId('start-procedures').click();
    await typeKeys(page, 'dkkd');
    await textMatches(results(page).first(), /hộ kinh doanh/i);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1920);
    // "Back" stays on the screen however many results there are.
    const back = await page.getByTestId('procedures-back').boundingBox();
    expect(back!.y + back!.height).toBeLessThanOrEqual(1080);
    await page.screenshot({ path: join(SHOTS, 'kiosk-procedures-landscape.png') });
    await results(page).first().click();
    await visible(page.getByTestId('procedure-documents'));
    expect(await severeViolations(page, 'procedure landscape')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-procedure-landscape.png') });
  });
});
