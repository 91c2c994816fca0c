import { afterEach, describe, expect, it } from 'vitest';
import type { CentreConfigInput } from '../../server/config/centre-config';
import type { BookingCheckInView, BookingDayView, BookingHoldView, BookingView } from '../../server/protocol/booking-protocol';
import type { CounterView, PublicView, Versioned } from '../../server/protocol/views';
import { expectOk, newCommandId, nextEvent, officerAtCounter, send, startTestHub, type TestClock, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre, vnTime } from '../helpers/test-centre';
import { startSmsGateway, startSmtpServer, waitFor } from '../notifications/notification-fixtures';

const MIN = 60_000;
const THU = '2026-11-26';
const FRI = '2026-11-27';

function bookingCentre(patch?: (input: CentreConfigInput) => void) {
  return testCentre((input) => {
    input.booking = {
      enabled: true,
      phoneCheck: 'off',
      services: [
        { serviceId: 'ho-tich', slots: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 30, places: 2 }] },
        { serviceId: 'dat-dai', policy: 'remote', slots: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '11:00', slotMinutes: 60, places: 5 }] },
      ],
    };
    patch?.(input);
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function hubWith(config = bookingCentre(), clock: TestClock = { now: vnTime('07:00', THU) }): Promise<TestHub> {
  const hub = await startTestHub({ config, clock });
  cleanups.push(() => hub.stop());
  return hub;
}

async function api<T>(hub: TestHub, path: string, body?: unknown, lang = 'vi'): Promise<{ status: number; body: T & { error?: string; message?: string; details?: Record<string, unknown> } }> {
  const res = await fetch(`${hub.hub.url}/api/booking${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': lang },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

const person = (phone: string) => ({ phone, name: 'Nguyễn Văn An', email: null, cccd: null });

async function book(hub: TestHub, slotStart: number, phone = '0912345678', serviceId = 'ho-tich'): Promise<BookingView> {
  const hold = await api<BookingHoldView>(hub, '/holds', { commandId: newCommandId(), serviceId, slotStart, ...person(phone) });
  expect(hold.status, JSON.stringify(hold.body)).toBe(201);
  const confirmed = await api<BookingView>(hub, '/confirm', { commandId: newCommandId(), holdId: hold.body.holdId });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
  return confirmed.body;
}

describe('booking on a real hub', () => {
  it('a citizen books with an SMS code, gets a code and QR, looks it up, moves and cancels it; each step is messaged once', async () => {
    const gateway = await startSmsGateway();
    const smtp = await startSmtpServer(null);
    cleanups.push(() => gateway.close(), () => smtp.close());
    const hub = await hubWith(
      bookingCentre((input) => {
        input.booking!.phoneCheck = 'sms';
        input.notifications = { sms: { url: `${gateway.url}/send` }, email: { smtp: { host: '127.0.0.1', port: smtp.port }, from: 'luot@example.gov.vn' }, retry: { initialMs: 50, maxMs: 200 } };
      }),
    );
    const days = await api<{ days: BookingDayView[] }>(hub, '/days?serviceId=ho-tich');
    expect(days.body.days.map((d) => d.day)).toEqual(['2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']);
    expect(days.body.days[2]!.closed).toBe('day-off');
    const friday = days.body.days[1]!;
    expect(friday.slots[0]).toMatchObject({ time: '08:00', places: 2, left: 2, open: true });

    const hold = await api<BookingHoldView>(hub, '/holds', {
      commandId: newCommandId(),
      serviceId: 'ho-tich',
      slotStart: friday.slots[0]!.start,
      phone: '+84 912 345 678',
      name: 'Nguyễn Văn An',
      email: 'an@example.vn',
      cccd: '001203012345',
    });
    expect(hold.status).toBe(201);
    expect(hold.body).toMatchObject({ codeRequired: true, codeSentTo: '091****678' });
    await waitFor(() => gateway.accepted().length === 1, 'the code by SMS');
    const sms = JSON.parse(gateway.accepted()[0]!.body) as { to: string; text: string };
    expect(sms.to).toBe('0912345678');
    const otp = /\b(\d{6})\b/.exec(sms.text)![1]!;
    expect(sms.text).not.toContain('Nguyễn');
    // The hold takes a place while the citizen types the code.
    const during = await api<{ days: BookingDayView[] }>(hub, '/days?serviceId=ho-tich');
    expect(during.body.days[1]!.slots[0]!.left).toBe(1);

    const wrong = await api(hub, '/confirm', { commandId: newCommandId(), holdId: hold.body.holdId, otp: otp === '000000' ? '111111' : '000000' }, 'en');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'OTP_WRONG', message: expect.stringContaining('code is wrong') });
    const confirmId = newCommandId();
    const confirmed = await api<BookingView>(hub, '/confirm', { commandId: confirmId, holdId: hold.body.holdId, otp });
    expect(confirmed.status).toBe(201);
    const booking = confirmed.body;
    expect(booking).toMatchObject({ status: 'confirmed', day: FRI, time: '08:00', name: 'Nguyễn Văn An', phoneMasked: '091****678', canChange: true });
    expect(booking.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(booking.qr).toMatch(new RegExp(`/book/\\?b=${booking.code.replace('-', '')}\\.[\\w-]{10}$`));
    // The same command again gets the first answer.
    const again = await api<BookingView>(hub, '/confirm', { commandId: confirmId, holdId: hold.body.holdId, otp });
    expect(again.body).toEqual(booking);

    await waitFor(() => gateway.accepted().length === 2 && smtp.received.length === 1, 'the confirmation by SMS and e-mail');
    expect(JSON.parse(gateway.accepted()[1]!.body).text).toContain(booking.code);
    expect(smtp.received[0]!.mail.text).toContain('08:00');

    // Looked up with the code and phone; a wrong phone and a wrong code get the same answer.
    const found = await api<BookingView>(hub, '/lookup', { code: booking.code.toLowerCase(), phone: '0912345678' });
    expect(found.body.code).toBe(booking.code);
    const wrongPhone = await api(hub, '/lookup', { code: booking.code, phone: '0912345679' });
    const wrongCode = await api(hub, '/lookup', { code: 'ZZZZZ-ZZZZZ', phone: '0912345678' });
    expect(wrongPhone.status).toBe(404);
    expect({ ...wrongPhone.body }).toEqual({ ...wrongCode.body });

    const later = friday.slots[2]!;
    const moved = await api<BookingView>(hub, '/move', { commandId: newCommandId(), code: booking.code, phone: '0912345678', slotStart: later.start });
    expect(moved.body).toMatchObject({ time: '09:00', code: booking.code });
    const cancelled = await api<BookingView>(hub, '/cancel', { commandId: newCommandId(), code: booking.code, phone: '0912345678' });
    expect(cancelled.body.status).toBe('cancelled');
    await waitFor(() => gateway.accepted().length === 4, 'the move and the cancellation by SMS');
    expect(JSON.parse(gateway.accepted()[2]!.body).text).toContain('09:00');
    expect(JSON.parse(gateway.accepted()[3]!.body).text).toMatch(/huy/);
    const after = await api<{ days: BookingDayView[] }>(hub, '/days?serviceId=ho-tich');
    expect(after.body.days[1]!.slots.map((s) => s.left)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('two phones take the last place at once: exactly one gets it, the other is told the slot is full and shown the next free ones', async () => {
    const hub = await hubWith();
    const slot = vnTime('08:00', FRI);
    await book(hub, slot, '0911111111');
    const [a, b] = await Promise.all(
      ['0922222222', '0933333333'].map((phone) => api<BookingHoldView>(hub, '/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: slot, ...person(phone) })),
    );
    const statuses = [a!.status, b!.status].sort();
    expect(statuses).toEqual([201, 409]);
    const loser = a!.status === 409 ? a! : b!;
    expect(loser.body.error).toBe('SLOT_FULL');
    expect((loser.body.details!.nextSlots as { time: string; day: string }[])[0]).toMatchObject({ day: FRI, time: '08:30' });
  });

  it('limits per phone, a ban after three no-shows shown with its end', async () => {
    const clock = { now: vnTime('07:00', '2026-11-23') };
    const hub = await hubWith(bookingCentre(), clock);
    await book(hub, vnTime('08:00', '2026-11-24'));
    const second = await api(hub, '/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: vnTime('09:00', '2026-11-24'), ...person('0912345678') });
    expect(second.body.error).toBe('BOOKING_LIMIT_SERVICE');
    await book(hub, vnTime('08:00', '2026-11-25'));
    await book(hub, vnTime('08:00', '2026-11-26'));
    clock.now = vnTime('09:00', '2026-11-26');
    const banned = await api(hub, '/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: vnTime('08:00', FRI), ...person('0912345678') });
    expect(banned.status).toBe(403);
    expect(banned.body.error).toBe('BOOKING_BANNED');
    expect(banned.body.message).toBe('Số điện thoại này tạm thời không đặt lịch được vì đã 3 lần đặt mà không đến. Có thể đặt lại từ 10/12/2026.');
  });

  it('check-in at the kiosk: too early says when, inside the window a booked ticket called ahead of walk-ins, once, too late offers a walk-in', async () => {
    const clock = { now: vnTime('07:00', THU) };
    const hub = await hubWith(bookingCentre(), clock);
    const booking = await book(hub, vnTime('09:00', THU));
    const late = await book(hub, vnTime('08:00', THU), '0987654321');
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const early = await send(kiosk, 'booking:check-in', { commandId: newCommandId(), code: booking.code, phoneLast4: '5678' });
    expect(early).toMatchObject({ ok: false, error: 'CHECK_IN_TOO_EARLY', message: 'Ông/Bà đến sớm. Vui lòng quay lại xác nhận từ 08:30.' });
    clock.now = vnTime('08:20', THU);
    // Two walk-ins before.
    for (const id of [newCommandId(), newCommandId()]) expectOk(await send(kiosk, 'ticket:take', { commandId: id, serviceId: 'ho-tich' }));
    clock.now = vnTime('08:40', THU);
    const wrongDigits = await send(kiosk, 'booking:check-in', { commandId: newCommandId(), code: booking.code, phoneLast4: '0000' });
    expect(wrongDigits).toMatchObject({ ok: false, error: 'BOOKING_NOT_FOUND' });
    const scanned = expectOk(await send<BookingCheckInView>(kiosk, 'booking:check-in', { commandId: newCommandId(), scan: booking.qr }));
    expect(scanned.ticket).toMatchObject({ number: 'A003', serviceId: 'ho-tich', booked: { slotStart: vnTime('09:00', THU) } });
    expect(scanned.booking.time).toBe('09:00');
    const twice = await send(kiosk, 'booking:check-in', { commandId: newCommandId(), code: booking.code, phoneLast4: '5678' });
    expect(twice).toMatchObject({ ok: false, error: 'BOOKING_CHECKED_IN', message: expect.stringContaining('A003') });
    const tooLate = await send(kiosk, 'booking:check-in', { commandId: newCommandId(), code: late.code, phoneLast4: '4321' });
    expect(tooLate).toMatchObject({ ok: false, error: 'CHECK_IN_TOO_LATE', message: expect.stringContaining('lấy số thường') });

    // Before the slot the walk-ins go first; from the slot start the booked ticket does.
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const first = expectOk(await send<CounterView>(officer, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    expect(first.current?.number).toBe('A001');
    clock.now = vnTime('09:00', THU);
    const second = expectOk(await send<CounterView>(officer, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    expect(second.current?.number).toBe('A003');
    // Nothing personal on the public view.
    const view = (await fetch(`${hub.hub.url}/api/queue`).then((r) => r.json())) as Versioned<PublicView>;
    const text = JSON.stringify(view);
    expect(text).not.toContain('Nguyễn');
    expect(text).not.toContain('5678');
    expect(text).not.toContain(booking.code);
  });

  it('the evening-before and hour-before reminders go once each, also across a restart', async () => {
    const gateway = await startSmsGateway();
    cleanups.push(() => gateway.close());
    const config = bookingCentre((input) => (input.notifications = { sms: { url: `${gateway.url}/send` }, retry: { initialMs: 50, maxMs: 200 } }));
    const clock = { now: vnTime('07:00', THU) };
    const hub = await startTestHub({ config, clock });
    await book(hub, vnTime('09:00', FRI));
    await waitFor(() => gateway.accepted().length === 1, 'the confirmation');
    clock.now = vnTime('17:59', THU);
    expect(await hub.hub.bookings.sendDueReminders()).toBe(0);
    clock.now = vnTime('18:00', THU);
    await hub.hub.bookings.sendDueReminders();
    await hub.hub.bookings.sendDueReminders();
    await waitFor(() => gateway.accepted().length === 2, 'the evening reminder');
    expect(JSON.parse(gateway.accepted()[1]!.body).text).toMatch(/ngay mai 27\/11\/2026/);
    await hub.stop();
    const again = await startTestHub({ config, clock, dataDir: hub.dataDir });
    cleanups.push(() => again.stop());
    clock.now = vnTime('08:00', FRI);
    await again.hub.bookings.sendDueReminders();
    await again.hub.bookings.sendDueReminders();
    await waitFor(() => gateway.accepted().length === 3, 'the reminder an hour before');
    expect(JSON.parse(gateway.accepted()[2]!.body).text).toMatch(/09:00 hom nay/);
    await new Promise((r) => setTimeout(r, 300));
    expect(gateway.accepted()).toHaveLength(3);
  });

  it('the supervisor closes a day: its bookings are cancelled and each citizen told; lists, no-shows, booking on behalf', async () => {
    const gateway = await startSmsGateway();
    cleanups.push(() => gateway.close());
    const hub = await hubWith(bookingCentre((input) => (input.notifications = { sms: { url: `${gateway.url}/send` }, retry: { initialMs: 50, maxMs: 200 } })));
    await book(hub, vnTime('08:00', FRI), '0911111111');
    await book(hub, vnTime('08:30', FRI), '0922222222');
    const sup = await hub.connect({ app: 'counter' });
    const login = await send<{ token: string }>(sup, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD });
    expectOk(login);
    const onBehalf = expectOk(await send<BookingView>(sup, 'booking:book', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: vnTime('10:00', FRI), ...person('0933333333') }));
    expect(onBehalf.status).toBe('confirmed');
    const listed = expectOk(await send<{ bookings: { phone: string; status: string; by: string }[] }>(sup, 'booking:list', { from: FRI, to: FRI }));
    expect(listed.bookings.map((b) => [b.phone, b.status, b.by])).toEqual([
      ['0911111111', 'confirmed', 'citizen'],
      ['0922222222', 'confirmed', 'citizen'],
      ['0933333333', 'confirmed', 'officer:sup'],
    ]);
    const closed = expectOk(await send<{ cancelled: number }>(sup, 'booking:close-day', { commandId: newCommandId(), day: FRI, reason: { vi: 'mất điện', en: 'a power cut' } }));
    expect(closed.cancelled).toBe(3);
    await waitFor(() => gateway.accepted().filter((r) => /mat dien/.test(r.body)).length === 3, 'three cancellations');
    const days = await api<{ days: BookingDayView[] }>(hub, '/days?serviceId=ho-tich');
    expect(days.body.days[1]).toMatchObject({ day: FRI, closed: { reason: { vi: 'mất điện' } }, slots: [] });
    // An officer is not a supervisor.
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    expect(await send(officer, 'booking:list', { from: FRI, to: FRI })).toMatchObject({ ok: false, error: 'FORBIDDEN' });
  });

  it('reports: booked against walk-in visits, check-in and no-show rates, the wait from the slot start', async () => {
    const clock = { now: vnTime('07:00', THU) };
    const hub = await hubWith(bookingCentre(), clock);
    const came = await book(hub, vnTime('09:00', THU), '0911111111');
    await book(hub, vnTime('09:00', THU), '0922222222');
    const cancelled = await book(hub, vnTime('10:00', THU), '0933333333');
    await api(hub, '/cancel', { commandId: newCommandId(), code: cancelled.code, phone: '0933333333' });
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    clock.now = vnTime('08:40', THU);
    expectOk(await send(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    expectOk(await send(kiosk, 'booking:check-in', { commandId: newCommandId(), scan: came.qr }));
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    clock.now = vnTime('09:05', THU);
    expect(expectOk(await send<CounterView>(officer, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' })).current?.booking).toMatchObject({
      slotStart: vnTime('09:00', THU),
      details: { name: 'Nguyễn Văn An', phone: '0911111111', time: '09:00' },
    });
    clock.now = vnTime('09:25', THU);
    expectOk(await send<CounterView>(officer, 'counter:call-next', { commandId: newCommandId(), counterId: 'c1' }));
    const sup = await hub.connect({ app: 'counter' });
    expectOk(await send(sup, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const report = expectOk(await send<{ bookings: Record<string, number | null> }>(sup, 'report:get', { from: THU, to: THU, groupBy: 'service' }));
    expect(report.bookings).toEqual({
      bookedTickets: 1,
      walkInTickets: 1,
      bookedWaitAverageMinutes: 5,
      bookedWaitP90Minutes: 5,
      walkInWaitAverageMinutes: 45,
      walkInWaitP90Minutes: 45,
      expected: 2,
      checkedIn: 1,
      noShows: 1,
      cancelledByCitizen: 1,
      cancelledByCentre: 0,
      checkInRate: 0.5,
      noShowRate: 0.5,
    });
  });

  it('a holiday added to the calendar cancels the bookings on it and tells each citizen', async () => {
    const gateway = await startSmsGateway();
    cleanups.push(() => gateway.close());
    const hub = await hubWith(bookingCentre((input) => (input.notifications = { sms: { url: `${gateway.url}/send` }, retry: { initialMs: 50, maxMs: 200 } })));
    const friday = await book(hub, vnTime('08:00', FRI), '0911111111');
    const monday = await book(hub, vnTime('08:00', '2026-11-30'), '0922222222');
    const sup = await hub.connect({ app: 'counter' });
    expectOk(await send(sup, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const { version, config } = expectOk(await send<{ version: number; config: Record<string, unknown> & { dossiers: { calendar: { holidays: string[] } } } }>(sup, 'config:get', {}));
    config.dossiers.calendar.holidays = [FRI];
    expectOk(await send(sup, 'config:replace', { commandId: newCommandId(), baseVersion: version, config }));
    await waitFor(() => gateway.accepted().some((r) => r.body.includes(friday.code) && /huy/.test(r.body)), 'the cancellation of the Friday booking');
    expect((await api<BookingView>(hub, '/lookup', { code: friday.code, phone: '0911111111' })).body).toMatchObject({ status: 'cancelled', cancelledBy: 'centre' });
    expect((await api<BookingView>(hub, '/lookup', { code: monday.code, phone: '0922222222' })).body.status).toBe('confirmed');
    const days = await api<{ days: BookingDayView[] }>(hub, '/days?serviceId=ho-tich');
    expect(days.body.days[1]).toMatchObject({ day: FRI, closed: 'day-off', slots: [] });
  });

  it('the page is limited: holds per phone, 5 tries per SMS code, wrong code-and-phone pairs slowed down', async () => {
    const gateway = await startSmsGateway();
    cleanups.push(() => gateway.close());
    const hub = await hubWith(
      bookingCentre((input) => {
        input.booking!.phoneCheck = 'sms';
        input.booking!.perPhonePerDay = 10;
        input.booking!.perServicePerDay = 10;
        input.notifications = { sms: { url: `${gateway.url}/send` }, retry: { initialMs: 50, maxMs: 200 } };
      }),
    );
    const slots = [8, 9, 10].map((h) => vnTime(`${String(h).padStart(2, '0')}:00`, FRI)).concat([vnTime('08:30', FRI), vnTime('09:30', FRI), vnTime('10:30', FRI)]);
    const statuses: number[] = [];
    for (const slotStart of slots) statuses.push((await api(hub, '/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart, ...person('0912345678') })).status);
    // A burst of 5 holds per phone, then one a minute.
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    const other = await api<BookingHoldView>(hub, '/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: vnTime('08:00', '2026-11-30'), ...person('0987654321') });
    expect(other.status).toBe(201);
    const tries: string[] = [];
    for (let i = 0; i < 6; i++) tries.push((await api(hub, '/confirm', { commandId: newCommandId(), holdId: other.body.holdId, otp: `99999${i}` })).body.error!);
    expect(tries).toEqual(['OTP_WRONG', 'OTP_WRONG', 'OTP_WRONG', 'OTP_WRONG', 'OTP_WRONG', 'OTP_TRIES_EXCEEDED']);
    // The right code no longer helps: a new one must be sent.
    await waitFor(() => gateway.accepted().length >= 6, 'the codes');
    const code = /\b(\d{6})\b/.exec(JSON.parse(gateway.accepted().find((r) => r.body.includes('0987654321'))!.body).text)![1]!;
    expect((await api(hub, '/confirm', { commandId: newCommandId(), holdId: other.body.holdId, otp: code })).body.error).toBe('OTP_TRIES_EXCEEDED');
    expect((await api(hub, `/holds/${other.body.holdId}/code`, {})).status).toBe(200);
    await waitFor(() => gateway.accepted().filter((r) => r.body.includes('0987654321')).length === 2, 'a second code');
    const second = /\b(\d{6})\b/.exec(JSON.parse(gateway.accepted().filter((r) => r.body.includes('0987654321'))[1]!.body).text)![1]!;
    const booked = await api<BookingView>(hub, '/confirm', { commandId: newCommandId(), holdId: other.body.holdId, otp: second });
    expect(booked.status).toBe(201);
    // Guessing phones for a code: after 5 wrong pairs, the next try waits (even the right pair).
    const guesses: number[] = [];
    for (let i = 0; i < 6; i++) guesses.push((await api(hub, '/lookup', { code: booked.body.code, phone: `091111111${i}` })).status);
    expect(guesses).toEqual([404, 404, 404, 404, 404, 429]);
    expect((await api(hub, '/lookup', { code: booked.body.code, phone: '0987654321' })).status).toBe(429);
  });

  it("when a booked ticket's slot starts, the counter pad is told what Next calls now", async () => {
    const clock = { now: vnTime('08:00', THU) };
    const hub = await hubWith(bookingCentre(), clock);
    const booking = await book(hub, vnTime('09:00', THU));
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const walkIn = expectOk(await send<{ ticketId: string }>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    clock.now = vnTime('08:40', THU);
    const booked = expectOk(await send<BookingCheckInView>(kiosk, 'booking:check-in', { commandId: newCommandId(), scan: booking.qr }));
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const before = expectOk(await send<{ counter: Versioned<CounterView> }>(officer, 'state:request', { counterId: 'c1' }));
    expect(before.counter.view.nextTicketId).toBe(walkIn.ticketId);
    hub.hub.service.slotsStarted();
    clock.now = vnTime('09:00', THU);
    const told = nextEvent<Versioned<CounterView>>(officer, 'queue:counter', (v) => v.view.nextTicketId === booked.ticket.ticketId);
    hub.hub.service.slotsStarted();
    expect((await told).view.waiting.find((t) => t.ticketId === booked.ticket.ticketId)?.booking).toMatchObject({ policy: 'slot', details: { time: '09:00' } });
  });

  it('bad input changes nothing and gets a clear error; booking off says so', async () => {
    const hub = await hubWith();
    const bad = await api(hub, '/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: vnTime('08:00', FRI), ...person('12345') });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'INVALID_PAYLOAD', issues: [{ field: 'phone' }] });
    const badCccd = await api(hub, '/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: vnTime('08:00', FRI), ...person('0912345678'), cccd: '999999999999' });
    expect(badCccd.status).toBe(400);
    const notASlot = await api(hub, '/holds', { commandId: newCommandId(), serviceId: 'ho-tich', slotStart: vnTime('08:10', FRI), ...person('0912345678') });
    expect(notASlot.body.error).toBe('SLOT_NOT_OFFERED');
    const off = await hubWith(testCentre());
    expect((await api(off, '/days?serviceId=ho-tich')).body.error).toBe('BOOKING_OFF');
    expect((await api<{ enabled: boolean }>(off, '/options')).body.enabled).toBe(false);
  });
});
