import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBridge } from '../../hardware/bridge-client';
import type { RunningHub } from '../../server/hub';
import { ScriptedDeviceHost } from '../helpers/fake-device-host';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';
import {
  attributeIs,
  Cleanups,
  logInOnPad,
  openScreen,
  setUpBrowserTests,
  SHOTS,
  skipBrowserTests,
  textIs,
  until,
  visible,
  type Screen,
} from './browser';
import { startWebHub } from './web-hub';

/**
 * The screens' part of the devices, in Debian's Chromium against a real hub whose own devices run
 * on a scripted host (no hardware): the kiosk says whether its ticket printed, and when the printer
 * is down says so plainly with the number very large; the supervisor sees the devices, prints a test
 * page and issues a bridge token; an officer reprints a ticket; logging out closes the counter.
 * Run `vite build` first. Assertions are on what a person sees.
 */

/**
 * Kiosk k1 prints on p1, on the hub's own machine; p2 hangs off the bridge PC "kiosk-pc-2", which
 * is not connected until the supervisor issues its token. The centre is in Tokyo's zone and the
 * browsers in UTC, to see that the screens show the centre's time, not the device's.
 */
const CENTRE_ZONE = 'Asia/Tokyo';
const config = testCentre((c) => {
  c.centre.timeZone = CENTRE_ZONE;
  c.bridges = [{ id: 'kiosk-pc-2', name: 'Kiosk PC by the entrance' }];
  c.kiosks = [{ id: 'k1', printerId: 'p1' }];
  c.devices = [
    { kind: 'printer', id: 'p1', bridge: 'hub', path: '/dev/ttyS0', textMode: 'tcvn3', codePage: 30 },
    { kind: 'keypad', id: 'keypads', bridge: 'hub', path: '/dev/ttyS1', keypads: [{ keypadId: '1', counterId: 'c1' }] },
    { kind: 'led', id: 'leds', bridge: 'hub', path: '/dev/ttyS2', displays: [{ counterId: 'c1', address: 1 }] },
    { kind: 'printer', id: 'p2', bridge: 'kiosk-pc-2', path: '/dev/ttyUSB0' },
  ];
});

describe.skipIf(skipBrowserTests)('printers, keypads and LED displays on the screens', () => {
  // Per test: browsers close first, then bridges.
  const { browser, cleanups } = setUpBrowserTests();
  // The hub, for the whole file.
  const suite = new Cleanups();
  let hub: RunningHub;
  let host: ScriptedDeviceHost | null = null;

  beforeAll(async () => {
    hub = await startWebHub(suite, {
      config,
      name: 'devices',
      createDeviceHost: (devices, link) => (host = new ScriptedDeviceHost(devices, link)),
    });
    await until(() => hub.devices.deviceViews().find((d) => d.id === 'p1')?.condition === 'ok', 10_000, 20);
  });

  afterAll(() => suite.runAll());

  const printer = () => host!;

  async function screen(path: string, width: number, height: number): Promise<Screen> {
    const opened = await openScreen(browser(), `${hub.url}${path}`, { width, height, timezoneId: 'UTC' });
    cleanups.add('screen', () => opened.context.close());
    return opened;
  }

  async function takeAtKiosk(page: Page): Promise<string> {
    await page.getByText('Hộ tịch', { exact: true }).click();
    await visible(page.getByText('Bạn thuộc nhóm ưu tiên?'));
    await page.getByRole('button', { name: 'Không', exact: true }).click();
    const number = page.getByTestId('ticket-number');
    await visible(number);
    return (await number.innerText()).trim();
  }

  it('(a) a kiosk with a working printer says the ticket is printed, in the centre time zone', { timeout: 60_000 }, async () => {
    const kiosk = await screen('/kiosk/?kiosk=k1', 1080, 1920);
    await visible(kiosk.page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    // The clock shows the centre's time (Tokyo), not the browser's (UTC).
    const shown = (await kiosk.page.locator('.kiosk-header .clock__time').innerText()).trim();
    expect([hhmm(Date.now(), CENTRE_ZONE), hhmm(Date.now() - 60_000, CENTRE_ZONE)]).toContain(shown);
    expect(await kiosk.page.getByTestId('printer-banner').count()).toBe(0);

    expect(await takeAtKiosk(kiosk.page)).toBe('A001');
    const state = kiosk.page.getByTestId('print-state');
    await attributeIs(state, 'data-state', 'printed');
    expect(await state.innerText()).toContain('Đã in phiếu. Mời nhận phiếu bên dưới.');
    expect(await kiosk.page.locator('body').innerText()).toContain('Vui lòng giữ số');
    expect(printer().printed.map((p) => [p.deviceId, p.printout.ticketNumber])).toEqual([['p1', 'A001']]);
    await kiosk.page.screenshot({ path: join(SHOTS, 'devices-kiosk-printed.png') });
    expect(kiosk.errors).toEqual([]);
  });

  it('(b) a printer out of paper: a banner before taking, then the number very large and time to write it down', { timeout: 60_000 }, async () => {
    const kiosk = await screen('/kiosk/?kiosk=k1', 1080, 1920);
    await visible(kiosk.page.getByText('Mời chọn lĩnh vực để lấy số thứ tự'));
    printer().nextPrintResult = { ok: false, condition: 'paper-out', detail: null };
    printer().setStatus('p1', 'paper-out');
    const banner = kiosk.page.getByTestId('printer-banner');
    await visible(banner);
    expect(await banner.innerText()).toContain('phiếu giấy sẽ không được in ra');
    await kiosk.page.screenshot({ path: join(SHOTS, 'devices-kiosk-banner.png') });

    expect(await takeAtKiosk(kiosk.page)).toBe('A002');
    const state = kiosk.page.getByTestId('print-state');
    await attributeIs(state, 'data-state', 'failed');
    const text = await kiosk.page.locator('body').innerText();
    expect(text).toContain('Máy in phiếu đang gặp sự cố');
    expect(text).toContain('Xin ghi lại số thứ tự của bạn');
    expect(text).not.toContain('Vui lòng giữ số');
    // The number is by far the largest thing on the screen, and fits on it.
    const box = await kiosk.page.getByTestId('ticket-number').boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(1920 * 0.15);
    const fits = await kiosk.page.getByTestId('ticket-number').evaluate((el) => el.scrollWidth <= el.clientWidth);
    expect(fits).toBe(true);
    // And the screen stays long enough to write it down.
    const seconds = Number((await kiosk.page.locator('.ticket__auto').innerText()).match(/\d+/)?.[0]);
    expect(seconds).toBeGreaterThan(35);
    // The ticket was issued all the same: it waits in the queue.
    expect(hub.service.publicView().services.find((s) => s.id === 'ho-tich')?.waiting).toBe(2);
    await kiosk.page.screenshot({ path: join(SHOTS, 'devices-kiosk-failed.png') });
    expect(kiosk.errors).toEqual([]);
  });

  it('(c) the supervisor sees the devices, prints a test page and issues a bridge token', { timeout: 90_000 }, async () => {
    const counter = await screen('/counter/', 1280, 800);
    await logInOnPad(counter.page, 'sup', SUPERVISOR_PASSWORD);
    // Printers short of paper are on every screen of the supervisor.
    const warning = counter.page.getByTestId('paper-warning');
    await visible(warning);
    expect(await warning.innerText()).toContain('Máy in p1 đã hết giấy');

    await counter.page.getByTestId('open-devices').click();
    const p1 = counter.page.getByTestId('device-p1');
    await visible(p1);
    const badge = p1.getByTestId('device-state');
    expect((await badge.innerText()).trim()).toBe('Hết giấy');
    expect(await badge.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(200, 16, 46)');
    expect(await p1.innerText()).toContain('Máy in phiếu');
    expect(await p1.innerText()).toContain('Máy chủ');
    expect((await counter.page.getByTestId('device-keypads').getByTestId('device-state').innerText()).trim()).toBe('Hoạt động tốt');
    const p2 = counter.page.getByTestId('device-p2');
    expect((await p2.getByTestId('device-state').innerText()).trim()).toBe('Mất kết nối');
    expect(await p2.innerText()).toContain('Cầu nối kiosk-pc-2');

    await p1.getByRole('button', { name: 'In trang thử' }).click();
    await visible(p1.getByTestId('test-print-result'));
    expect(await p1.getByTestId('test-print-result').innerText()).toContain('Đã in trang thử');
    expect(printer().testPages).toEqual(['p1']);
    await counter.page.screenshot({ path: join(SHOTS, 'devices-counter-devices.png') });

    // A token for the bridge PC, shown once with the command to run there.
    const bridgeCard = counter.page.getByTestId('bridge-kiosk-pc-2');
    await bridgeCard.getByRole('button', { name: 'Cấp mã cầu nối' }).click();
    await counter.page.getByRole('dialog').getByRole('button', { name: 'Cấp mã cầu nối' }).click();
    const command = counter.page.getByTestId('bridge-command');
    await visible(command);
    const commandText = (await command.innerText()).trim();
    expect(commandText).toMatch(new RegExp(`^npm run bridge -- --hub ${escapeRegExp(hub.url)} --token \\S+$`));
    expect(await counter.page.getByRole('dialog').innerText()).toContain('Mã này chỉ hiện một lần');
    await counter.page.getByRole('button', { name: 'Chép lệnh', exact: true }).click();
    await visible(counter.page.getByText('Đã chép.'));
    await counter.page.screenshot({ path: join(SHOTS, 'devices-counter-token.png') });

    // The token shown is the real one: a bridge started with it runs p2.
    const token = commandText.split('--token ')[1]!;
    const bridge = connectBridge({ hubUrl: hub.url, token, createHost: (devices, link) => new ScriptedDeviceHost(devices, link) });
    cleanups.add('client', () => bridge.stop());
    await counter.page.getByRole('button', { name: 'Tôi đã chép lệnh, đóng' }).click();
    await textIs(p2.getByTestId('device-state'), 'Hoạt động tốt', 15_000);
    expect(await bridgeCard.innerText()).toContain('Đang kết nối');

    // Revoking cuts it off at once.
    await bridgeCard.getByRole('button', { name: 'Thu hồi' }).click();
    await counter.page.getByRole('dialog').getByRole('button', { name: 'Thu hồi' }).click();
    await visible(bridgeCard.getByText('Đã thu hồi mã của cầu nối kiosk-pc-2.'));
    await textIs(p2.getByTestId('device-state'), 'Mất kết nối', 15_000);
    await counter.page.screenshot({ path: join(SHOTS, 'devices-counter-revoked.png') });

    // Every word of it in English too.
    await counter.page.getByRole('button', { name: 'English' }).click();
    await textIs(badge, 'Out of paper');
    expect(await counter.page.getByTestId('paper-warning').innerText()).toContain('Printer p1 is out of paper');
    expect(await bridgeCard.innerText()).toContain('Issue bridge token');
    await counter.page.screenshot({ path: join(SHOTS, 'devices-counter-devices-en.png') });
    expect(counter.errors).toEqual([]);
  });

  it('(d) an officer reprints a ticket; logging out closes the counter, not while it holds a ticket', { timeout: 90_000 }, async () => {
    const counter = await screen('/counter/', 1280, 800);
    await logInOnPad(counter.page, 'o1', OFFICER_PASSWORD);
    // Not a supervisor: no devices, no paper warnings.
    expect(await counter.page.getByTestId('open-devices').count()).toBe(0);
    expect(await counter.page.getByTestId('paper-warning').count()).toBe(0);
    await counter.page.getByRole('button', { name: /^Quầy 1\b/ }).click();
    await visible(counter.page.getByText('Chưa gọi số nào'));

    // With the printer still out of paper, the reprint says why it failed.
    await counter.page.getByRole('button', { name: 'In lại phiếu' }).click();
    const dialog = counter.page.getByRole('dialog');
    await dialog.getByLabel('Số thứ tự cần in lại').fill('a002');
    await dialog.getByRole('button', { name: 'In lại', exact: true }).click();
    const result = dialog.getByTestId('reprint-result');
    await visible(result);
    expect(await result.innerText()).toBe('Không in được phiếu A002. Tình trạng máy in: Hết giấy.');

    // Paper is back: it prints.
    printer().nextPrintResult = { ok: true };
    printer().setStatus('p1', 'ok');
    await dialog.getByLabel('Số thứ tự cần in lại').fill('A002');
    await dialog.getByRole('button', { name: 'In lại', exact: true }).click();
    await textIs(result, 'Đã in lại phiếu A002.');
    expect(printer().printed.map((p) => p.printout.ticketNumber)).toEqual(['A001', 'A002']);
    await counter.page.screenshot({ path: join(SHOTS, 'devices-counter-reprint.png') });
    await dialog.getByRole('button', { name: 'Đóng' }).click();

    // Holding a ticket, the officer is asked to finish it before logging out.
    await counter.page.getByRole('button', { name: /Gọi số tiếp/ }).click();
    await textIs(counter.page.getByTestId('current-ticket-number'), 'A001');
    await counter.page.getByRole('button', { name: 'Đăng xuất' }).click();
    const problem = counter.page.getByTestId('logout-problem');
    await visible(problem);
    expect(await problem.innerText()).toContain('Quầy đang phục vụ số A001');
    expect(hub.service.publicView().counters.find((c) => c.id === 'c1')?.status).toBe('open');
    await counter.page.screenshot({ path: join(SHOTS, 'devices-counter-logout-busy.png') });

    // Done with it: logging out closes the counter, so the display no longer shows it open.
    await counter.page.getByRole('button', { name: /^Xong/ }).click();
    await visible(counter.page.getByText('Chưa gọi số nào'));
    await counter.page.getByRole('button', { name: 'Đăng xuất' }).click();
    await visible(counter.page.getByText('Đăng nhập quầy'));
    expect(hub.service.publicView().counters.find((c) => c.id === 'c1')?.status).toBe('closed');
    expect(counter.errors).toEqual([]);
  });
});

function hhmm(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
