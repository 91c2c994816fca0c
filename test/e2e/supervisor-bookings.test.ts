import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../server/hub';
import type { BookingDayView, BookingHoldView, BookingStaffRow, BookingView } from '../../server/protocol/booking-protocol';
import type { HubClient } from '../helpers/hub-fixture';
import { SUPERVISOR_PASSWORD, testCentre, vnTime } from '../helpers/test-centre';
import { logInOnPad, openScreen, setUpBrowserTests, severeViolations, SHOTS, skipBrowserTests, until, visible, type Screen } from './browser';
import { startWebHub, staffSocket } from './web-hub';

/**
 * The supervisor's bookings in Debian's Chromium against a real hub (run `vite build` first): the
 * day's list, a booking made for a citizen on the phone, one cancelled with a reason, a day closed
 * for one field (its bookings cancelled) and reopened, the no-show list with its ban, a slot
 * template changed in the configuration, and the export as CSV. Assertions are on what a person
 * sees, checked against the hub.
 */

/**
 * The hub's day: the next Monday to Thursday (in Vietnam) after the real one, so that the next day
 * is a working day too, and sessions the browser checks against its own clock never look expired.
 * Its clock runs in real time from 07:00, and jumps when the test says so.
 */
function nextWorkingDay(): string {
  for (let i = 1; i <= 8; i++) {
    const day = new Date(Date.now() + 7 * 3_600_000 + i * 86_400_000);
    if (day.getUTCDay() >= 1 && day.getUTCDay() <= 4) return day.toISOString().slice(0, 10);
  }
  throw new Error('no working day ahead');
}
const TODAY = nextWorkingDay();
const TOMORROW = new Date(Date.parse(`${TODAY}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const started = Date.now();
const skew = { ms: 0 };
const clock = () => vnTime('07:00', TODAY) + (Date.now() - started) + skew.ms;

const config = testCentre((input) => {
  input.booking = {
    enabled: true,
    phoneCheck: 'off',
    // One no-show bars the phone: the list shows a ban.
    noShow: { limit: 1, windowDays: 30, banDays: 14 },
    services: [
      { serviceId: 'ho-tich', slots: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 30, places: 2 }] },
      { serviceId: 'dat-dai', policy: 'remote', slots: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 60, places: 5 }] },
    ],
  };
});

/** A CSV as the hub writes it (UTF-8 with a BOM, quoted cells, CRLF) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\ufeff/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell.replace(/\r$/, '')), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe.skipIf(skipBrowserTests)("the supervisor's bookings", () => {
  const { browser, cleanups } = setUpBrowserTests({ builtPage: 'counter/index.html', cleanUpAfter: 'all' });
  let hub: RunningHub;
  let sup: HubClient;
  let screen: Screen;
  const codes: Record<string, string> = {};

  async function api<T>(path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${hub.url}/api/booking${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'vi' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** A booking as a citizen makes it on the booking page (no SMS code at this centre). */
  async function book(serviceId: string, day: string, time: string, phone: string, name: string): Promise<BookingView> {
    const hold = await api<BookingHoldView>('/holds', { commandId: randomUUID(), serviceId, slotStart: vnTime(time, day), phone, name, email: null, cccd: null });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    const confirmed = await api<BookingView>('/confirm', { commandId: randomUUID(), holdId: hold.body.holdId });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
    codes[phone] = confirmed.body.code;
    return confirmed.body;
  }

  async function listed(day: string): Promise<BookingStaffRow[]> {
    const answer = (await sup.emitWithAck('booking:list', { from: day, to: day })) as { ok: true; data: { bookings: BookingStaffRow[] } };
    expect(answer.ok).toBe(true);
    return answer.data.bookings;
  }

  async function day(serviceId: string, wanted: string): Promise<BookingDayView> {
    const answer = await api<{ days: BookingDayView[] }>(`/days?serviceId=${serviceId}`);
    return answer.body.days.find((d) => d.day === wanted)!;
  }

  const row = (phone: string) => screen.page.getByTestId(`booking-${phone}`);

  beforeAll(async () => {
    hub = await startWebHub(cleanups, { config, name: 'bookings', clock });
    // Today at 08:00, then the clock jumps past its check-in window: a no-show, and a ban.
    await book('ho-tich', TODAY, '08:00', '0944444444', 'Phạm Thị Dung');
    skew.ms = 2 * 3_600_000;
    await book('ho-tich', TODAY, '10:00', '0966666666', 'Hoàng Văn Giang');
    await book('ho-tich', TOMORROW, '08:00', '0911111111', 'Nguyễn Văn An');
    await book('ho-tich', TOMORROW, '08:30', '0922222222', 'Trần Thị Bình');
    await book('dat-dai', TOMORROW, '09:00', '0933333333', 'Lê Văn Cường');
    sup = await staffSocket(cleanups, hub, 'sup', SUPERVISOR_PASSWORD);
  });

  it('(a) lists the day, and the no-shows with their ban; in Vietnamese and in English; no serious axe findings', { timeout: 60_000 }, async () => {
    screen = await openScreen(browser(), `${hub.url}/counter/`, { width: 1280, height: 800, context: { acceptDownloads: true } });
    cleanups.add('screen', () => screen.context.close().catch(() => undefined));
    const { page } = screen;
    await logInOnPad(page, 'sup', SUPERVISOR_PASSWORD);
    await page.getByTestId('open-supervisor').click();
    await page.getByTestId('sup-tab-bookings').click();

    // Today: one who did not come, one still to come.
    await visible(row('0966666666'));
    expect(await row('0944444444').innerText()).toContain('Không đến');
    expect(await row('0966666666').innerText()).toMatch(/10:00[\s\S]*Hộ tịch[\s\S]*Hoàng Văn Giang[\s\S]*0966666666[\s\S]*Đã đặt[\s\S]*Người dân tự đặt/);
    const noShow = page.getByTestId('no-show-0944444444');
    await visible(noShow);
    expect(await noShow.innerText()).toContain('Phạm Thị Dung');
    expect(await noShow.innerText()).toMatch(/Bị chặn đến \d{2}\/\d{2}\/\d{4}/);

    // Tomorrow: the three the citizens booked.
    await page.getByTestId(`book-day-${TOMORROW}`).click();
    await visible(row('0933333333'));
    expect(await page.getByTestId('bookings-summary').innerText()).toBe('3 lịch hẹn: 3 đã đặt');
    expect(await row('0911111111').innerText()).toContain('Nguyễn Văn An');
    expect(await row('0911111111').innerText()).toContain(codes['0911111111']!);
    expect(await row('0933333333').innerText()).toContain('Đất đai');
    // The field filter.
    await page.getByTestId('book-filter').selectOption('dat-dai');
    await until(async () => (await page.getByTestId('booking-table').locator('tbody tr').count()) === 1);
    await page.getByTestId('book-filter').selectOption('');
    await until(async () => (await page.getByTestId('booking-table').locator('tbody tr').count()) === 3);
    await page.screenshot({ path: join(SHOTS, 'supervisor-bookings.png') });
    await page.getByTestId('no-shows').screenshot({ path: join(SHOTS, 'supervisor-bookings-no-shows.png') });
    await page.getByTestId('bookings-export').screenshot({ path: join(SHOTS, 'supervisor-bookings-export.png') });
    expect(await severeViolations(page, 'bookings')).toEqual([]);

    await page.getByRole('button', { name: 'English' }).click();
    await visible(page.getByRole('button', { name: 'Book for a citizen' }));
    expect(await row('0911111111').innerText()).toContain('Booked');
    expect(await page.getByTestId('no-shows').innerText()).toContain('Banned until');
    await page.screenshot({ path: join(SHOTS, 'supervisor-bookings-en.png') });
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await visible(page.getByRole('button', { name: 'Đặt lịch giúp người dân' }));
  });

  it('(b) books for a citizen on the phone: a slot with its places left, confirmed at once with a code', { timeout: 60_000 }, async () => {
    const { page } = screen;
    await page.getByRole('button', { name: 'Đặt lịch giúp người dân' }).click();
    const dialog = page.getByRole('dialog');
    const slots = dialog.getByTestId('book-slots');
    await visible(slots);
    expect(await slots.innerText()).toContain('còn 1/2 chỗ'); // 08:00 and 08:30 have one booking each
    await slots.getByText('10:00').click();
    // Problems are said beside their fields.
    await dialog.getByTestId('book-phone').fill('12345');
    await dialog.getByRole('button', { name: 'Đặt lịch', exact: true }).click();
    await visible(dialog.getByText('Số điện thoại di động Việt Nam gồm 10 chữ số, ví dụ 0912 345 678.'));
    await visible(dialog.getByText('Hãy nhập họ và tên (ít nhất 2 ký tự).'));
    await dialog.getByTestId('book-phone').fill('0955 555 555');
    await dialog.getByTestId('book-name').fill('Võ Minh Em');
    await dialog.getByTestId('book-email').fill('em@example.vn');
    await page.screenshot({ path: join(SHOTS, 'supervisor-bookings-book.png') });
    expect(await severeViolations(page, 'book for a citizen')).toEqual([]);
    await dialog.getByRole('button', { name: 'Đặt lịch', exact: true }).click();
    const code = dialog.getByTestId('booked-code');
    await visible(code);
    const madeCode = await code.innerText();
    expect(madeCode).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(await dialog.getByTestId('booked').innerText()).toContain('Hộ tịch · 10:00');
    await page.screenshot({ path: join(SHOTS, 'supervisor-bookings-booked.png') });
    await dialog.getByRole('button', { name: 'Đóng' }).click();

    await visible(row('0955555555'));
    expect(await row('0955555555').innerText()).toContain('Cán bộ Võ Thanh Hà đặt giúp');
    const made = (await listed(TOMORROW)).find((b) => b.phone === '0955555555')!;
    expect(made).toMatchObject({ status: 'confirmed', by: 'officer:sup', time: '10:00', email: 'em@example.vn', code: madeCode });
    expect((await day('ho-tich', TOMORROW)).slots.find((s) => s.time === '10:00')!.left).toBe(1);
  });

  it('(c) cancels a booking with a reason: the citizen is told, the list says who cancelled', { timeout: 30_000 }, async () => {
    const { page } = screen;
    await row('0922222222').getByRole('button', { name: 'Hủy lịch', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Trần Thị Bình (0922222222), lĩnh vực Hộ tịch, lúc 08:30');
    await dialog.getByRole('button', { name: 'Hủy lịch hẹn' }).click();
    await visible(dialog.getByText('Hãy nhập lý do bằng tiếng Việt.'));
    await dialog.getByLabel('Lý do (tiếng Việt)').fill('Cán bộ phụ trách đi công tác');
    await dialog.getByLabel('Lý do (tiếng Anh, không bắt buộc)').fill('The officer in charge is away');
    await dialog.getByRole('button', { name: 'Hủy lịch hẹn' }).click();
    await visible(page.getByTestId('book-outcome').getByText('Đã hủy lịch hẹn của Trần Thị Bình lúc 08:30; người dân được nhắn tin báo.'));
    await until(async () => (await row('0922222222').innerText()).includes('Trung tâm hủy'));
    expect(await row('0922222222').innerText()).toContain('Đã hủy');
    expect(await row('0922222222').getByRole('button', { name: 'Hủy lịch', exact: true }).count()).toBe(0);
    expect((await listed(TOMORROW)).find((b) => b.phone === '0922222222')).toMatchObject({ status: 'cancelled', cancelledBy: 'centre' });
  });

  it('(d) closes the day for one field: the dialog counts what it cancels, its bookings are cancelled; then reopens it', { timeout: 30_000 }, async () => {
    const { page } = screen;
    await page.getByTestId('open-close-day').click();
    const dialog = page.getByRole('dialog');
    // The whole centre first: the three bookings still standing.
    expect(await dialog.getByTestId('close-consequence').innerText()).toBe(
      '3 lịch hẹn sẽ bị hủy. Mỗi người dân được nhắn tin báo lịch hẹn bị hủy, kèm lý do.',
    );
    await dialog.getByText('Đất đai', { exact: true }).click();
    expect(await dialog.getByTestId('close-consequence').innerText()).toBe(
      '1 lịch hẹn sẽ bị hủy. Mỗi người dân được nhắn tin báo lịch hẹn bị hủy, kèm lý do.',
    );
    await dialog.getByLabel('Lý do (tiếng Việt)').fill('Mất điện khu vực một cửa');
    await dialog.getByLabel('Lý do (tiếng Anh, không bắt buộc)').fill('A power cut');
    await page.screenshot({ path: join(SHOTS, 'supervisor-bookings-close.png') });
    expect(await severeViolations(page, 'close a day')).toEqual([]);
    await dialog.getByRole('button', { name: 'Đóng nhận lịch' }).click();
    await visible(page.getByTestId('book-outcome').getByText(/Đất đai\): 1 lịch hẹn bị hủy/));
    const closure = page.getByTestId('closure-dat-dai');
    await visible(closure);
    expect(await closure.innerText()).toContain('Mất điện khu vực một cửa');
    await until(async () => (await row('0933333333').innerText()).includes('Trung tâm hủy'));
    expect(await row('0911111111').innerText()).toContain('Đã đặt'); // Hộ tịch is still open
    expect((await listed(TOMORROW)).find((b) => b.phone === '0933333333')).toMatchObject({ status: 'cancelled', cancelledBy: 'centre' });
    expect((await day('dat-dai', TOMORROW)).closed).toEqual({ reason: { vi: 'Mất điện khu vực một cửa', en: 'A power cut' } });
    await page.screenshot({ path: join(SHOTS, 'supervisor-bookings-closed.png') });

    await closure.getByRole('button', { name: 'Mở lại' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Mở lại' }).click();
    await until(async () => (await closure.count()) === 0);
    expect((await day('dat-dai', TOMORROW)).closed).toBeNull();
  });

  it('(e) a slot template changed in the configuration: refused with a clear message, then saved; the booking page offers the new places', { timeout: 30_000 }, async () => {
    const { page } = screen;
    await page.getByTestId('sup-tab-config').click();
    await page.getByRole('button', { name: 'Đặt lịch', exact: true }).click();
    const card = page.getByTestId('cfg-booking-ho-tich');
    await visible(card);
    await page.screenshot({ path: join(SHOTS, 'supervisor-config-booking-rules.png') });
    expect(await card.innerText()).toContain('6 lượt × 2 chỗ = 12 chỗ mỗi ngày');
    const places = card.getByTestId('cfg-slot-ho-tich-0').getByLabel('Số chỗ mỗi lượt');
    await places.fill('0');
    await visible(card.getByText('Hộ tịch, khung giờ 1: số chỗ mỗi lượt từ 1 đến 500.'));
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    await visible(page.getByTestId('config-problems').getByText('Hộ tịch, khung giờ 1: số chỗ mỗi lượt từ 1 đến 500.'));
    await places.fill('3');
    await visible(card.getByText('6 lượt × 3 chỗ = 18 chỗ mỗi ngày'));
    await card.screenshot({ path: join(SHOTS, 'supervisor-config-booking.png') });
    expect(await severeViolations(page, 'configuration booking')).toEqual([]);
    await page.getByRole('button', { name: 'Lưu và áp dụng' }).click();
    await until(async () => (await page.getByTestId('config-outcome').innerText()).includes('Đã lưu'));
    const slots = (await day('ho-tich', TOMORROW)).slots;
    expect(slots.map((s) => [s.time, s.places, s.left])).toEqual([
      ['08:00', 3, 2],
      ['08:30', 3, 3],
      ['09:00', 3, 3],
      ['09:30', 3, 3],
      ['10:00', 3, 2],
      ['10:30', 3, 3],
    ]);
  });

  it('(f) exports the bookings of a period as CSV: its rows are the hub\'s', { timeout: 30_000 }, async () => {
    const { page } = screen;
    await page.getByTestId('sup-tab-bookings').click();
    await page.getByTestId('export-from').fill(TOMORROW);
    await page.getByTestId('export-to').fill(TOMORROW);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bookings-export').getByRole('button', { name: 'Tải CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`luot-bookings-${TOMORROW}-${TOMORROW}.csv`);
    const [head, ...rows] = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(head).toEqual(['Mã lịch hẹn', 'Ngày', 'Giờ', 'Lĩnh vực', 'Trạng thái', 'Họ tên', 'Số điện thoại', 'Thư điện tử', 'Người đặt', 'Đặt lúc', 'Xác nhận có mặt lúc', 'Số thứ tự']);
    const hubRows = (await listed(TOMORROW)).filter((b) => b.code !== null);
    expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[8]])).toEqual(
      hubRows.map((b) => [
        b.code,
        b.day,
        b.time,
        b.serviceId,
        { confirmed: 'Đã đặt', cancelled: 'Đã hủy' }[b.status as 'confirmed' | 'cancelled'],
        b.name,
        b.phone,
        b.by === 'citizen' ? 'Người dân tự đặt' : 'sup',
      ]),
    );
    expect(rows.map((r) => r[6])).toEqual(['0911111111', '0922222222', '0933333333', '0955555555']);
    expect(screen.errors).toEqual([]);
  });
});
