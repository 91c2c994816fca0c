import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import type { Browser, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CentreConfigInput } from '../../server/config/centre-config';
import type { RunningHub } from '../../server/hub';
import type { BookingDayView, BookingHoldView, BookingView } from '../../server/protocol/booking-protocol';
import { testCentre } from '../helpers/test-centre';
import { startSmsGateway } from '../notifications/notification-fixtures';
import { morningClock, newScreen, pageShows, setUpBrowserTests, severeViolations, SHOTS, skipBrowserTests, textIs, until, visible, type Screen, type ScreenOptions } from './browser';
import { startWebHub } from './web-hub';

/**
 * The booking page on a citizen's phone (390x844, touch) in Debian's Chromium against a real hub:
 * the field, a day, a time with its places left, the details (checked before they are sent), the
 * SMS code from the gateway, the answer with its QR (decoded from a screenshot, as a scanner would)
 * and its calendar file; then the look-up by code and phone (a wrong pair gets one answer that
 * tells nothing), a move and a cancel; a slot taken meanwhile (the next free times offered, one tap
 * books one); English one tap away; a centre without booking. Run `vite build` first.
 */

/** A cheap Android phone held upright. */
const PHONE_390: ScreenOptions = { width: 390, height: 844, context: { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } };

const AN = { phone: '0912 345 678', name: 'Nguyễn Văn An', cccd: '001203012345' };

/** Hộ tịch by appointment: half-hour slots of two places from 08:00 to 11:00, Monday to Friday. */
function bookingCentre(patch?: (input: CentreConfigInput) => void) {
  return testCentre((input) => {
    const slots = [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 30, places: 2 }];
    input.booking = { enabled: true, phoneCheck: 'off', services: [{ serviceId: 'ho-tich', slots }] };
    patch?.(input);
  });
}

/** Decodes the QR on the screen from a screenshot of it, in a blank page (no CSP), with jsQR. */
async function readQr(browser: Browser, qr: Locator): Promise<string | null> {
  const png = (await qr.screenshot()).toString('base64');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const image = await page.evaluate(async (b64) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = canvas.getContext('2d')!;
      g.drawImage(bitmap, 0, 0);
      const data = g.getImageData(0, 0, bitmap.width, bitmap.height);
      return { width: data.width, height: data.height, pixels: Array.from(data.data) };
    }, png);
    return jsQR(Uint8ClampedArray.from(image.pixels), image.width, image.height)?.data ?? null;
  } finally {
    await context.close();
  }
}

describe.skipIf(skipBrowserTests)('the booking page on a phone', () => {
  const { browser, cleanups } = setUpBrowserTests({ builtPage: 'display/book.html' });

  async function phone(): Promise<Screen> {
    const screen = await newScreen(browser(), PHONE_390);
    cleanups.add('screen', () => screen.context.close());
    return screen;
  }

  const audit = async (page: Page, name: string) => expect(await severeViolations(page, name)).toEqual([]);

  /** Nothing sticks out sideways and no text is cut off in its box (below the fold is fine: a phone scrolls). */
  async function fits(page: Page): Promise<void> {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const cut = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.phone-main *'))
        .filter((el) => getComputedStyle(el).overflow !== 'visible' && el.scrollWidth > el.clientWidth + 1 && el.innerText.trim() !== '')
        .map((el) => `${el.className}: ${el.innerText.slice(0, 40)}`),
    );
    expect(cut).toEqual([]);
  }

  /** The days the hub offers for Hộ tịch, and tomorrow's (a working day: the clock is Monday to Thursday). */
  async function tomorrowOf(hub: RunningHub): Promise<BookingDayView> {
    const res = await fetch(`${hub.url}/api/booking/days?serviceId=ho-tich`);
    const { days } = (await res.json()) as { days: BookingDayView[] };
    return days[1]!;
  }

  /** As another phone does, through the REST API: a place held and confirmed (no SMS in that centre). */
  async function bookByApi(hub: RunningHub, slotStart: number, phone: string): Promise<BookingView> {
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const res = await fetch(`${hub.url}/api/booking${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await res.json()) as T;
      expect(res.status, JSON.stringify(answer)).toBe(201);
      return answer;
    };
    const hold = await post<BookingHoldView>('/holds', { commandId: randomUUID(), serviceId: 'ho-tich', slotStart, phone, name: 'Trần Thị Bình', email: null, cccd: null });
    return post<BookingView>('/confirm', { commandId: randomUUID(), holdId: hold.holdId });
  }

  it('books with the SMS code, shows the code, QR and calendar file; looks it up, moves and cancels it', { timeout: 150_000 }, async () => {
    const gateway = await startSmsGateway();
    cleanups.add('folder', () => gateway.close());
    const hub = await startWebHub(cleanups, {
      name: 'booking-page',
      clock: morningClock('09:00'),
      config: bookingCentre((input) => {
        input.booking!.phoneCheck = 'sms';
        input.notifications = { sms: { url: `${gateway.url}/send` }, retry: { initialMs: 50, maxMs: 200 } };
      }),
    });
    const tomorrow = await tomorrowOf(hub);
    const { page, errors } = await phone();

    // The address on the poster: /book/.
    await page.goto(`${hub.url}/book/`);
    await visible(page.getByTestId('step-service'));
    await pageShows(page, 'Chọn lĩnh vực');
    expect(await page.title()).not.toBe('');
    await fits(page);
    await page.screenshot({ path: join(SHOTS, 'book-service.png') });
    await audit(page, 'service');

    // The field, then tomorrow, then its times with the places left.
    await page.getByTestId('service-ho-tich').tap();
    await visible(page.getByTestId('step-day'));
    const dayButton = page.getByTestId(`day-${tomorrow.day}`);
    expect(await dayButton.innerText()).toContain('Ngày mai');
    expect(await dayButton.innerText()).toContain('Còn 12 chỗ');
    await dayButton.tap();
    await visible(page.getByTestId('step-slot'));
    expect(await page.getByTestId('slot-09:00').innerText()).toContain('Còn 2 chỗ');
    await fits(page);
    await page.screenshot({ path: join(SHOTS, 'book-day.png'), fullPage: true });
    await audit(page, 'day and slot');
    await page.getByTestId('slot-09:00').tap();

    // The details: checked before anything is sent.
    await visible(page.getByTestId('step-details'));
    expect(await page.getByTestId('details-slot').innerText()).toContain('Hộ tịch · 09:00');
    await page.getByTestId('details-submit').tap();
    await visible(page.getByTestId('phone-problem'));
    await visible(page.getByTestId('name-problem'));
    expect(await page.getByTestId('phone').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByTestId('phone').fill(AN.phone);
    await page.getByTestId('name').fill(AN.name);
    await page.getByTestId('cccd').fill('123 456 789 012');
    await page.getByTestId('details-submit').tap();
    await visible(page.getByTestId('cccd-problem'));
    expect(gateway.requests).toHaveLength(0);
    await fits(page);
    await page.screenshot({ path: join(SHOTS, 'book-details-wrong.png'), fullPage: true });
    await audit(page, 'details with problems');
    await page.getByTestId('cccd').fill(AN.cccd);
    await page.getByTestId('details-submit').tap();

    // The code, by SMS to that phone (which the page shows masked).
    await visible(page.getByTestId('step-code'));
    await until(() => gateway.accepted().length === 1);
    const sms = JSON.parse(gateway.accepted()[0]!.body) as { to: string; text: string };
    expect(sms.to).toBe('0912345678');
    const otp = /\b(\d{6})\b/.exec(sms.text)![1]!;
    const sentTo = await page.getByTestId('code-sent').innerText();
    expect(sentTo).toContain('678');
    expect(sentTo).not.toContain('0912345678');
    expect(await page.getByTestId('hold-left').innerText()).toMatch(/\d:\d\d/);
    await fits(page);
    await page.screenshot({ path: join(SHOTS, 'book-code.png') });
    await audit(page, 'code');
    // A wrong code: told so, the code box still there.
    await page.getByTestId('otp').fill(otp === '000000' ? '111111' : '000000');
    await page.getByTestId('otp-submit').tap();
    await textIs(page.getByTestId('book-problem').locator('.pbook-problem__text'), 'Mã xác nhận không đúng. Vui lòng kiểm tra tin nhắn và nhập lại.');
    await page.getByTestId('otp').fill(otp);
    await page.getByTestId('otp-submit').tap();

    // The answer: the code, its QR, the slot, what to bring, when to check in, a calendar file.
    await visible(page.getByTestId('booked'));
    await textIs(page.getByTestId('booked-title'), 'Đã đặt lịch hẹn');
    const code = (await page.getByTestId('booking-code').innerText()).trim();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(await page.getByTestId('booked-service').innerText()).toBe('Hộ tịch');
    expect(await page.getByTestId('booked-when').innerText()).toBe(`09:00, ${dayName(tomorrow.day)} ${tomorrow.day.slice(8, 10)}/${tomorrow.day.slice(5, 7)}/${tomorrow.day.slice(0, 4)}`);
    expect(await page.getByTestId('check-in-window').innerText()).toContain('08:30');
    expect(await page.getByTestId('check-in-window').innerText()).toContain('09:15');
    const scanned = await readQr(browser(), page.getByTestId('booking-qr'));
    expect(scanned).toMatch(new RegExp(`/book/\\?b=${code.replace('-', '')}\\.[0-9A-Za-z_-]+$`));
    await fits(page);
    await page.screenshot({ path: join(SHOTS, 'book-done.png'), fullPage: true });
    await audit(page, 'booked');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('add-to-calendar').tap()]);
    expect(download.suggestedFilename()).toBe(`lich-hen-${code}.ics`);
    const ics = readFileSync((await download.path())!, 'utf8');
    expect(ics).toContain('BEGIN:VEVENT');
    expect(ics).toContain(`DTSTART:${icsUtc(tomorrow.slots.find((s) => s.time === '09:00')!.start)}`);
    expect(ics).toContain(code);
    expect(ics).not.toContain('Nguyễn');
    expect(ics).not.toContain('0912');

    // Look-up: a wrong phone and a wrong code get the same answer.
    await page.getByTestId('tab-lookup').tap();
    await visible(page.getByTestId('step-lookup'));
    await page.getByTestId('lookup-code').fill(code);
    await page.getByTestId('lookup-phone').fill('0987654321');
    await page.getByTestId('lookup-submit').tap();
    const notFound = page.getByTestId('book-problem').locator('.pbook-problem__text');
    await textIs(notFound, 'Không tìm thấy lịch hẹn với mã và số điện thoại này.');
    const wrongPhone = await page.getByTestId('book-problem').innerText();
    await page.getByTestId('lookup-code').fill('ABCDE-FGHJK');
    await page.getByTestId('lookup-phone').fill(AN.phone);
    await page.getByTestId('lookup-submit').tap();
    await until(async () => (await page.getByTestId('book-problem').count()) === 1);
    expect(await page.getByTestId('book-problem').innerText()).toBe(wrongPhone);
    await page.screenshot({ path: join(SHOTS, 'book-lookup-wrong.png') });
    await page.getByTestId('lookup-code').fill(code.toLowerCase().replace('-', ' '));
    await page.getByTestId('lookup-submit').tap();
    await visible(page.getByTestId('booked'));
    await textIs(page.getByTestId('booked-title'), 'Lịch hẹn đã đặt');

    // Move it to 10:00 the same day (the booking's day comes first, its own time marked).
    await page.getByTestId('move').tap();
    await visible(page.getByTestId('step-slot'));
    expect(await page.getByTestId('slot-09:00').innerText()).toContain('Giờ đang hẹn');
    await page.getByTestId('slot-10:00').tap();
    await visible(page.getByTestId('move-question'));
    await page.screenshot({ path: join(SHOTS, 'book-move.png'), fullPage: true });
    await page.getByTestId('move-yes').tap();
    await visible(page.getByTestId('booked-notice'));
    expect(await page.getByTestId('booked-notice').innerText()).toContain('10:00');
    expect(await page.getByTestId('booked-when').innerText()).toMatch(/^10:00, /);

    // Cancel it: asked first; then shown as cancelled, the QR gone.
    await page.getByTestId('cancel').tap();
    await visible(page.getByTestId('cancel-question'));
    await page.screenshot({ path: join(SHOTS, 'book-cancel.png'), fullPage: true });
    await page.getByTestId('cancel-yes').tap();
    await textIs(page.getByTestId('booked-title'), 'Lịch hẹn đã hủy');
    expect(await page.getByTestId('booked').getAttribute('data-status')).toBe('cancelled');
    expect(await page.getByTestId('booking-qr').count()).toBe(0);
    await fits(page);
    await page.screenshot({ path: join(SHOTS, 'book-cancelled.png'), fullPage: true });
    // The hub agrees: both places of 10:00 are free again, 09:00 too.
    const after = await tomorrowOf(hub);
    expect(after.slots.find((s) => s.time === '09:00')!.left).toBe(2);
    expect(after.slots.find((s) => s.time === '10:00')!.left).toBe(2);

    // The QR's address opens the look-up with the code filled in: the phone number is what to type.
    // (At the hub's own address here: the QR carries the centre's public one.)
    const fromQr = new URL(scanned!);
    await page.goto(`${hub.url}${fromQr.pathname}${fromQr.search}`);
    await visible(page.getByTestId('step-lookup'));
    expect(await page.getByTestId('lookup-code').inputValue()).toBe(code);
    expect(await page.getByTestId('lookup-phone').evaluate((el) => el === document.activeElement)).toBe(true);

    // The wrong code (400) and the two wrong look-ups (404) are the only failed requests.
    expect(errors.filter((e) => !/status of (400|404)/.test(e))).toEqual([]);
    expect(errors).toHaveLength(3);
  });

  it('a slot taken meanwhile: the nearest free times, one tap books one; English; a centre without booking', { timeout: 120_000 }, async () => {
    const hub = await startWebHub(cleanups, { name: 'booking-page-full', clock: morningClock('09:00'), config: bookingCentre() });
    const tomorrow = await tomorrowOf(hub);
    const nine = tomorrow.slots.find((s) => s.time === '09:00')!.start;
    const { page, errors } = await phone();

    await page.goto(`${hub.url}/book/`);
    await page.getByTestId('service-ho-tich').tap();
    await page.getByTestId(`day-${tomorrow.day}`).tap();
    await page.getByTestId('slot-09:00').tap();
    await page.getByTestId('phone').fill(AN.phone);
    await page.getByTestId('name').fill(AN.name);
    // While the citizen typed, two others took both places of 09:00.
    await bookByApi(hub, nine, '0901111111');
    await bookByApi(hub, nine, '0902222222');
    await page.getByTestId('details-submit').tap();
    const problem = page.getByTestId('book-problem');
    await visible(problem);
    expect(await problem.getAttribute('data-error')).toBe('SLOT_FULL');
    expect(await problem.innerText()).toContain('Khung giờ này vừa hết chỗ');
    const next = problem.getByTestId('next-slot');
    await until(async () => (await next.count()) > 0);
    expect(await next.first().innerText()).toContain('09:30');
    await fits(page);
    await page.screenshot({ path: join(SHOTS, 'book-slot-full.png'), fullPage: true });
    await audit(page, 'slot full');
    // One tap: booked at 09:30 with the same details (no SMS code in this centre).
    await next.first().tap();
    await visible(page.getByTestId('booked'));
    expect(await page.getByTestId('booked-when').innerText()).toMatch(/^09:30, /);

    // English, one tap away; back to Vietnamese.
    await page.getByRole('button', { name: 'English' }).tap();
    await textIs(page.getByTestId('booked-title'), 'Your appointment is booked');
    expect(await page.getByTestId('booked-service').innerText()).toBe('Civil status');
    await fits(page);
    await page.screenshot({ path: join(SHOTS, 'book-done-en.png'), fullPage: true });
    await page.getByTestId('booked-again').tap();
    await visible(page.getByTestId('step-service'));
    await pageShows(page, 'Civil status');
    await page.getByRole('button', { name: 'Tiếng Việt' }).tap();
    await pageShows(page, 'Hộ tịch');

    // The slots of tomorrow now: 09:00 full, 09:30 one place left.
    await page.getByTestId('service-ho-tich').tap();
    await page.getByTestId(`day-${tomorrow.day}`).tap();
    expect(await page.getByTestId('slot-09:00').innerText()).toContain('Hết chỗ');
    expect(await page.getByTestId('slot-09:00').isDisabled()).toBe(true);
    expect(await page.getByTestId('slot-09:30').innerText()).toContain('Còn 1 chỗ');
    // The refusal of the full slot is the only failed request (Chromium logs its 409).
    expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);

    // A centre that takes no booking says so, and where to go instead.
    const off = await startWebHub(cleanups, { name: 'booking-page-off', config: testCentre() });
    await page.goto(`${off.url}/book/`);
    await visible(page.getByTestId('book-off'));
    await pageShows(page, 'lấy số thứ tự tại kiosk');
    await page.screenshot({ path: join(SHOTS, 'book-off.png') });
  });
});

const WEEKDAYS_VI = ['Chủ Nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

/** "Thứ Ba" for "2026-12-08". */
function dayName(day: string): string {
  return WEEKDAYS_VI[new Date(`${day}T00:00:00Z`).getUTCDay()]!;
}

/** 20261208T020000Z. */
function icsUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
