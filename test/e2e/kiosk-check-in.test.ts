import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createDeviceHost } from '../../hardware/device-host';
import type { PrinterEmulator } from '../../hardware/emulators/printer-emulator';
import { findSocat } from '../../hardware/emulators/pty-pair';
import type { RunningHub } from '../../server/hub';
import type { BookingHoldView, BookingView } from '../../server/protocol/booking-protocol';
import { OFFICER_PASSWORD, testCentre } from '../helpers/test-centre';
import {
  attributeIs,
  clippedText,
  logInOnPad,
  morningClock,
  openScreen,
  pageShows,
  scanWithUsbScanner,
  setUpBrowserTests,
  severeViolations,
  SHOTS,
  skipBrowserTests,
  textIs,
  typeOnScreen,
  until,
  visible,
  type Screen,
} from './browser';
import { emulatedPrinter, startWebHub } from './web-hub';

/**
 * "Tôi đã đặt lịch" at the kiosk, in Debian's Chromium against a real hub with booking on and its
 * kiosk's printer emulated on a pseudo-terminal: bookings made through the booking page's REST
 * API; at the kiosk, too early (when to come back), the QR held to the scanner inside the window
 * (the ticket on the screen and on paper marked "Đặt lịch"), the same QR again (already checked
 * in, with the number), too late (a regular number instead), the code and the phone's last 4
 * digits typed on the on-screen keyboard; then the counter pad (the booked mark and who booked)
 * and the wall display (the call marked "Đặt lịch"). Run `vite build` first. Assertions are on
 * what a person sees (and what the printer prints).
 */

const socat = findSocat();
if (!socat && process.env.CI === 'true') throw new Error('socat is missing: CI must install it (apt-get install -y socat)');

/** The hub's clock: real time from a chosen hour of a working morning, moved on when the test says. */
function movableClock(hhmm: string) {
  let current = morningClock(hhmm);
  const day = () => new Date(current() + 7 * 3_600_000).toISOString().slice(0, 10);
  return {
    now: () => current(),
    set(to: string) {
      current = morningClock(to);
    },
    /** That time of the clock's day, in Vietnam. */
    at: (time: string) => Date.parse(`${day()}T${time}:00+07:00`),
  };
}

const AN = { phone: '0912345678', name: 'Nguyễn Văn An' };
const BINH = { phone: '0987654321', name: 'Trần Thị Bình' };
const CUONG = { phone: '0933333333', name: 'Lê Văn Cường' };

describe.skipIf(skipBrowserTests || !socat)('the kiosk checks a booking in: scanned or typed, printed and called as booked', () => {
  const { browser, cleanups } = setUpBrowserTests();

  async function screen(url: string, width: number, height: number): Promise<Screen> {
    const opened = await openScreen(browser(), url, { width, height });
    cleanups.add('screen', () => opened.context.close());
    return opened;
  }

  /** A hub with booking on (no SMS), kiosk k1 printing on an emulated printer (TCVN-3, 80 mm). */
  async function bookingHub(clock: () => number): Promise<{ hub: RunningHub; printer: PrinterEmulator }> {
    const { printer, appPath } = await emulatedPrinter(cleanups);
    const config = testCentre((input) => {
      // Hộ tịch by appointment: half-hour slots of two places, from 08:00; no SMS code (a LAN-only centre).
      const slots = [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 30, places: 2 }];
      input.booking = { enabled: true, phoneCheck: 'off', services: [{ serviceId: 'ho-tich', slots }] };
      input.kiosks = [{ id: 'k1', printerId: 'printer-1' }];
      input.devices = [{ kind: 'printer', id: 'printer-1', path: appPath, paperWidth: 80, textMode: 'tcvn3', codePage: 30, capitalsCodePage: 31 }];
    });
    const hub = await startWebHub(cleanups, {
      config,
      name: 'check-in',
      clock,
      createDeviceHost: (devices, link) => createDeviceHost({ devices, hub: link, pollMs: 200, backoff: { initialMs: 100, maxMs: 400 }, watchMs: 100 }),
    });
    await until(() => hub.devices.deviceViews().find((d) => d.id === 'printer-1')?.condition === 'ok', 10_000, 20);
    return { hub, printer };
  }

  /** As the citizen's phone does: hold a place, then confirm it (no SMS code in this centre). */
  async function book(hub: RunningHub, slotStart: number, person: { phone: string; name: string }): Promise<BookingView> {
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const res = await fetch(`${hub.url}/api/booking${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await res.json()) as T;
      expect(res.status, JSON.stringify(answer)).toBe(201);
      return answer;
    };
    const hold = await post<BookingHoldView>('/holds', { commandId: randomUUID(), serviceId: 'ho-tich', slotStart, ...person, email: null, cccd: null });
    return post<BookingView>('/confirm', { commandId: randomUUID(), holdId: hold.holdId });
  }

  const audit = async (page: Page, name: string) => expect(await severeViolations(page, name)).toEqual([]);

  const START = 'Mời chọn lĩnh vực để lấy số thứ tự';

  it('too early, scanned, printed, twice, too late, typed; then the pad and the display', { timeout: 180_000 }, async () => {
    const clock = movableClock('07:00');
    const { hub, printer } = await bookingHub(clock.now);
    const an = await book(hub, clock.at('09:00'), AN);
    const binh = await book(hub, clock.at('09:00'), BINH);
    const cuong = await book(hub, clock.at('08:00'), CUONG);

    const { page, errors } = await screen(`${hub.url}/kiosk/?kiosk=k1`, 1080, 1920);
    await visible(page.getByText(START));
    // Booking is on: the tile is there, beside the fields.
    const tile = page.getByTestId('start-booking');
    await visible(tile);
    expect(await tile.innerText()).toContain('Tôi đã đặt lịch');
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-start.png') });

    // The check-in screen: the QR first, or the code and the phone's last 4 digits.
    await tile.click();
    await visible(page.getByRole('heading', { name: 'Xác nhận lịch hẹn' }));
    await pageShows(page, 'Đưa mã QR của lịch hẹn');
    const codeField = page.getByLabel('Mã đặt lịch');
    const phoneField = page.getByLabel('4 số cuối điện thoại');
    expect(await codeField.getAttribute('inputmode')).toBe('none');
    expect(await codeField.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-screen.png') });
    await audit(page, 'check-in');
    // Every text on it is at least 22 px: read by elderly visitors standing at the kiosk.
    const smallest = await page.evaluate(() => {
      let min = Infinity;
      for (const el of Array.from(document.querySelectorAll<HTMLElement>('.kiosk__main *'))) {
        const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
        if (own && el.getClientRects().length > 0) min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
      }
      return min;
    });
    expect(smallest).toBeGreaterThanOrEqual(22);

    // 07:00, for 09:00: too early, and from when (08:30).
    await scanWithUsbScanner(page, an.qr);
    const refused = page.getByTestId('booking-refused');
    await attributeIs(refused, 'data-reason', 'CHECK_IN_TOO_EARLY');
    expect(await refused.innerText()).toContain('Ông/Bà đến sớm. Vui lòng quay lại xác nhận từ 08:30.');
    await textIs(page.locator('.booking-opens__time'), '08:30');
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-early.png') });
    await audit(page, 'too early');
    await page.getByRole('button', { name: 'Về màn hình đầu' }).click();
    await visible(page.getByText(START));

    // 08:40: the QR held to the scanner on the start screen: the ticket, marked as booked, printed.
    clock.set('08:40');
    await scanWithUsbScanner(page, an.qr);
    await textIs(page.getByTestId('ticket-number'), 'A001');
    await textIs(page.getByTestId('ticket-booked'), 'Đặt lịch lúc 09:00');
    expect(await page.locator('.ticket__service').innerText()).toBe('Hộ tịch');
    await attributeIs(page.getByTestId('print-state'), 'data-state', 'printed');
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-ticket.png') });
    const [paper] = await printer.waitForJobs(1);
    expect(paper!.lines).toContain('A001');
    expect(paper!.lines).toContain('ĐẶT LỊCH 09:00');
    expect(paper!.lines).toContain('Booked 09:00');
    expect(paper!.lines).toContain('Lĩnh vực: Hộ tịch / Field: Civil status');
    const mark = paper!.transcript.items.find((i) => i.kind === 'text' && i.text === 'ĐẶT LỊCH 09:00');
    expect(mark).toMatchObject({ bold: true, width: 2 });
    expect(printer.violations).toEqual([]);
    await page.getByRole('button', { name: 'Xong' }).click();
    await visible(page.getByText(START));

    // The same QR again: already checked in, with the number.
    await scanWithUsbScanner(page, an.qr);
    await attributeIs(refused, 'data-reason', 'BOOKING_CHECKED_IN');
    expect(await refused.innerText()).toContain('Lịch hẹn đã được xác nhận');
    expect(await refused.innerText()).toContain('A001');
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-twice.png') });

    // 08:00's booking at 08:40: too late, and a regular number instead, from the field tiles.
    await scanWithUsbScanner(page, cuong.qr);
    await attributeIs(refused, 'data-reason', 'CHECK_IN_TOO_LATE');
    expect(await refused.innerText()).toContain('Đã quá giờ hẹn');
    expect(await refused.innerText()).toContain('lấy số thường');
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-late.png') });
    await audit(page, 'too late');
    await page.getByRole('button', { name: 'Lấy số thường' }).click();
    await visible(page.getByText(START));
    await visible(page.getByText('Hộ tịch', { exact: true }));

    // Typed on the on-screen keyboard: the code as printed (with its dash), the digits, a slip first.
    await tile.click();
    await visible(page.getByRole('heading', { name: 'Xác nhận lịch hẹn' }));
    await typeOnScreen(page, binh.code);
    expect(await codeField.inputValue()).toBe(binh.code);
    await page.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    await textIs(page.getByTestId('booking-problem'), 'Xin nhập 4 số cuối của số điện thoại đã dùng để đặt lịch.');
    expect(await phoneField.evaluate((el) => el === document.activeElement)).toBe(true);
    await typeOnScreen(page, '4231');
    await page.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    await attributeIs(page.getByTestId('booking-problem'), 'data-kind', 'not-found');
    expect(await page.getByTestId('booking-problem').innerText()).toContain('kiểm tra lại mã đặt lịch và 4 số cuối điện thoại');
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-not-found.png') });
    await phoneField.click();
    await page.getByTestId('osk-clear').click();
    await typeOnScreen(page, '4321');
    expect(await phoneField.inputValue()).toBe('4321');
    await page.getByRole('button', { name: 'Xác nhận', exact: true }).click();
    await textIs(page.getByTestId('ticket-number'), 'A002');
    await textIs(page.getByTestId('ticket-booked'), 'Đặt lịch lúc 09:00');
    const [, second] = await printer.waitForJobs(2);
    expect(second!.lines).toContain('A002');
    expect(second!.lines).toContain('ĐẶT LỊCH 09:00');

    // In English, one tap away: the same screen and the ticket's mark.
    await page.getByRole('button', { name: 'English' }).click();
    await textIs(page.getByTestId('ticket-booked'), 'Booked for 09:00');
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-ticket-en.png') });
    await page.getByRole('button', { name: 'Done' }).click();
    await visible(page.getByText(START));

    // The display, then the counter pad: the officer calls the first booked visitor.
    const display = await screen(`${hub.url}/display/`, 1920, 1080);
    await visible(display.page.getByText('SỐ ĐANG PHỤC VỤ'));
    const pad = await screen(`${hub.url}/counter/`, 1280, 800);
    await logInOnPad(pad.page, 'o1', OFFICER_PASSWORD);
    await pad.page.getByRole('button', { name: /^Quầy 1\b/ }).click();
    const openCounter = pad.page.getByRole('button', { name: 'Mở quầy' });
    await visible(pad.page.getByTestId('current-ticket'));
    if (await openCounter.count()) await openCounter.click();
    // Waiting: both booked tickets, each marked with its slot.
    const waitingA001 = pad.page.locator('.waiting-item', { hasText: 'A001' });
    await visible(waitingA001);
    expect(await waitingA001.getByTestId('booked-badge').innerText()).toBe('Đặt lịch 09:00');
    await pad.page.getByRole('button', { name: /Gọi số tiếp/ }).click();
    await textIs(pad.page.getByTestId('current-ticket-number'), 'A001');
    const current = pad.page.getByTestId('current-ticket');
    expect(await current.getByTestId('booked-badge').innerText()).toBe('Đặt lịch 09:00');
    const details = await pad.page.getByTestId('booking-details').innerText();
    expect(details).toContain(AN.name);
    expect(details).toContain(AN.phone);
    expect(details).toContain(an.code);
    expect(await pad.page.locator('.waiting-item', { hasText: 'A002' }).getByTestId('booked-badge').innerText()).toBe('Đặt lịch 09:00');
    await pad.page.screenshot({ path: join(SHOTS, 'counter-booked.png') });
    expect(await clippedText(pad.page, '.pad')).toEqual([]);

    // The wall display: the call, marked "Đặt lịch", and nobody's name or phone.
    await textIs(display.page.getByTestId('current-call-number'), 'A001');
    await textIs(display.page.getByTestId('current-call-booked'), 'Đặt lịch');
    await visible(display.page.locator('.recent__item--booked', { hasText: 'A001' }));
    const wall = await display.page.locator('body').innerText();
    expect(wall).not.toContain(AN.name);
    expect(wall).not.toContain(AN.phone);
    expect(wall).not.toContain(an.code);
    await display.page.screenshot({ path: join(SHOTS, 'display-booked-call.png') });

    for (const s of [display, pad]) expect(s.errors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('portrait and landscape kiosks: the check-in screen and its notices fit, without the tile when booking is off', { timeout: 90_000 }, async () => {
    const clock = movableClock('07:00');
    const { hub } = await bookingHub(clock.now);
    const an = await book(hub, clock.at('10:00'), AN);
    const { page, errors } = await screen(`${hub.url}/kiosk/?kiosk=k1`, 1920, 1080);
    await page.getByTestId('start-booking').click();
    await visible(page.getByRole('heading', { name: 'Xác nhận lịch hẹn' }));
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-screen-landscape.png') });
    await scanWithUsbScanner(page, an.qr);
    await attributeIs(page.getByTestId('booking-refused'), 'data-reason', 'CHECK_IN_TOO_EARLY');
    await textIs(page.locator('.booking-opens__time'), '09:30');
    expect(await clippedText(page, '.kiosk')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'kiosk-booking-early-landscape.png') });
    // A QR whose check tag is wrong: not found, and what to do instead.
    await page.getByRole('button', { name: 'Về màn hình đầu' }).click();
    await scanWithUsbScanner(page, an.qr.replace(/\.[^.]+$/, '.AAAAAAAAAA'));
    await attributeIs(page.getByTestId('booking-problem'), 'data-kind', 'scan-not-found');
    expect(await page.getByTestId('booking-problem').innerText()).toContain('Mã QR vừa quét không khớp với lịch hẹn nào');
    expect(errors).toEqual([]);

    // A centre without booking: no tile on the start screen.
    const plain = await startWebHub(cleanups, { config: testCentre(), name: 'no-booking', clock: clock.now });
    const other = await screen(`${plain.url}/kiosk/`, 1080, 1920);
    await visible(other.page.getByText(START));
    await visible(other.page.getByText('Hộ tịch', { exact: true }));
    await other.page.waitForTimeout(500);
    expect(await other.page.getByTestId('start-booking').count()).toBe(0);
    expect(other.errors).toEqual([]);
  });
});
