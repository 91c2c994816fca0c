import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { verifyBookingToken } from '../../server/app/booking-token-crypto';
import { followKey } from '../../server/app/follow-key';
import { localInstantOf } from '../../server/app/local-time';
import { tokenInScan } from '../../server/domain/booking-token';
import { createLogger } from '../../server/logger';
import type { BookingDayView, BookingHoldView, BookingOptionsView, BookingView } from '../../server/protocol/booking-protocol';
import { LINK_NAMESPACE, type CentreLiveState } from '../../server/protocol/link-protocol';
import { PORTAL_NAMESPACE } from '../../server/province/portal-follow';
import { startProvince, type RunningProvince } from '../../server/province/province-server';
import { until } from '../helpers/poll';
import { createTestDatabase, type TestDatabase } from '../helpers/database-servers';
import { bookingProfile } from '../helpers/province-fixture';
import { startSmsGateway } from '../notifications/notification-fixtures';

/**
 * The citizens' portal on a real province process and PostgreSQL: the hub's booking API for any
 * linked centre (same bodies, same answers), SMS through the province's outbox, limits shared by
 * every process, and a phone following a ticket through the province.
 */

const TZ = 'Asia/Ho_Chi_Minh';
const at = (day: string, hhmm: string) => localInstantOf(day, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), TZ);
const clock = { now: at('2026-12-07', '07:00') };
let database: TestDatabase;
let province: RunningProvince;
let gateway: Awaited<ReturnType<typeof startSmsGateway>>;
let centreToken = '';
const sockets: Socket[] = [];
/** The centre checks phones by SMS (at the province, with the province's gateway). */
const smsProfile = () => {
  const profile = bookingProfile(2);
  profile.booking.phoneCheck = 'sms';
  return profile;
};

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${province.url}/api/portal${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}
const booking = (path: string) => `/centres/xa-p/booking${path}`;
let n = 0;
const commandId = () => `portal-test-${++n}-${Date.now()}`;

const codeSentTo = (phone: string) =>
  gateway.requests
    .map((r) => JSON.parse(r.body) as { to: string; text: string })
    .filter((m) => m.to === phone)
    .map((m) => /là (\d{6})\./.exec(m.text)?.[1])
    .filter((c): c is string => c !== undefined);

beforeAll(async () => {
  database = await createTestDatabase('portal');
  gateway = await startSmsGateway();
  province = await startProvince({
    databaseUrl: database.url,
    port: 0,
    host: '127.0.0.1',
    log: createLogger('silent'),
    clock: () => clock.now,
    portal: { publicUrl: 'https://datlich.example.gov.vn', reminderCheckMs: 100, sms: { url: gateway.url, method: 'POST', headers: {}, bodyTemplate: '{"to":"{phone}","text":"{text}","id":"{id}"}', contentType: 'application/json', phoneFormat: 'as-given', timeoutMs: 5_000 } },
  });
  await province.registry.add({ id: 'xa-p', name: { vi: 'Xã Phú Xuyên', en: 'Phu Xuyen commune' }, area: 'Hà Nội' }, 'admin', clock.now);
  await province.registry.setProfile('xa-p', smsProfile());
  await province.registry.add({ id: 'xa-q', name: { vi: 'Xã Quảng Bị', en: 'Quang Bi commune' }, area: 'Hà Nội' }, 'admin', clock.now);
  const issued = await province.registry.issueToken('xa-p', 'admin', clock.now);
  if (!issued.ok) throw new Error('no token');
  centreToken = issued.token;
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await province?.stop();
  await gateway?.close();
  await database?.drop();
});

describe('the citizens portal', () => {
  let confirmed: BookingView;

  it('lists every centre, and books at one with the hub booking API and an SMS code', async () => {
    const centres = await api<{ ok: true; data: { id: string; linked: boolean; bookable: boolean; live: unknown }[] }>('GET', '/centres');
    expect(centres.body.data.map((c) => [c.id, c.linked, c.bookable, c.live])).toEqual([
      ['xa-p', true, true, null],
      ['xa-q', false, false, null],
    ]);
    const options = await api<BookingOptionsView>('GET', booking('/options'));
    expect(options.body).toMatchObject({ enabled: true, phoneCheck: 'sms', services: [{ serviceId: 'ho-tich', name: { vi: 'Hộ tịch' } }, { serviceId: 'dat-dai' }, { serviceId: 'chung-thuc' }] });
    const days = await api<{ days: BookingDayView[] }>('GET', booking('/days?serviceId=ho-tich'));
    const monday = days.body.days.find((d) => d.day === '2026-12-07')!;
    expect(monday.slots.map((s) => [s.time, s.left, s.open])).toEqual([
      ['08:00', 2, true],
      ['08:30', 2, true],
      ['09:00', 2, true],
      ['09:30', 2, true],
      ['10:00', 2, true],
      ['10:30', 2, true],
    ]);
    expect(days.body.days.find((d) => d.day === '2026-12-12')!.closed).toBe('day-off');

    const hold = { commandId: commandId(), serviceId: 'ho-tich', slotStart: at('2026-12-07', '09:00'), phone: '0912 345 678', name: 'Nguyễn Văn An', email: null, cccd: null };
    const held = await api<BookingHoldView>('POST', booking('/holds'), hold);
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ codeRequired: true, codeSentTo: '091****678', slotStart: hold.slotStart });
    const code = (await until('the SMS code', () => codeSentTo('0912345678')[0]))!;
    // The same command again: the first answer, and no second SMS.
    expect((await api<BookingHoldView>('POST', booking('/holds'), hold)).body).toEqual(held.body);

    const wrong = await api<{ error: string }>('POST', booking('/confirm'), { commandId: commandId(), holdId: held.body.holdId, otp: code === '000000' ? '111111' : '000000' });
    expect(wrong.body.error).toBe('OTP_WRONG');
    const ok = await api<BookingView>('POST', booking('/confirm'), { commandId: commandId(), holdId: held.body.holdId, otp: code });
    expect(ok.status).toBe(201);
    confirmed = ok.body;
    expect(confirmed).toMatchObject({ status: 'confirmed', time: '09:00', name: 'Nguyễn Văn An', phoneMasked: '091****678', serviceName: { vi: 'Hộ tịch' } });
    // The QR: the portal's address with a token the province signed for this centre.
    expect(confirmed.qr).toMatch(/^https:\/\/datlich\.example\.gov\.vn\/b\?t=1~xa-p~/);
    const keys = new Map((await province.signingKeys.publicKeys()).map((k) => [k.id, k.publicKey]));
    expect(verifyBookingToken(tokenInScan(confirmed.qr)!, keys)).toMatchObject({ centreId: 'xa-p', serviceId: 'ho-tich', slotStart: hold.slotStart });
    await until('the confirmation SMS', () => gateway.requests.some((r) => r.body.includes('đã đặt lịch Hộ tịch lúc 09:00 ngày 07/12/2026')));
    expect(codeSentTo('0912345678')).toHaveLength(1);
  });

  it('never gives more places than a slot has, and offers the next free ones', async () => {
    const slotStart = at('2026-12-07', '09:00');
    const second = await api<BookingHoldView>('POST', booking('/holds'), { commandId: commandId(), serviceId: 'ho-tich', slotStart, phone: '0987000001', name: 'Lê Thị Bích', email: null, cccd: null });
    expect(second.status).toBe(201);
    const third = await api<{ error: string; details: { nextSlots: { time: string; left: number }[] } }>('POST', booking('/holds'), {
      commandId: commandId(),
      serviceId: 'ho-tich',
      slotStart,
      phone: '0987000002',
      name: 'Trần Văn Cường',
      email: null,
      cccd: null,
    });
    expect(third.status).toBe(409);
    expect(third.body.error).toBe('SLOT_FULL');
    expect(third.body.details.nextSlots[0]).toMatchObject({ time: '09:30', left: 2 });
    // The next attempts on that slot are refused from what the process just learned (no locked
    // transaction), the same way; a repeated command gets its first answer.
    const fourthCommand = { commandId: commandId(), serviceId: 'ho-tich', slotStart, phone: '0987000003', name: 'Đinh Thị Dung', email: null, cccd: null };
    const fourth = await api<{ error: string; details: { nextSlots: unknown[] } }>('POST', booking('/holds'), fourthCommand);
    expect(fourth.status).toBe(409);
    expect(fourth.body).toEqual(third.body);
    expect((await api('POST', booking('/holds'), fourthCommand)).body).toEqual(fourth.body);
    expect((await api<{ error: string }>('POST', booking('/holds'), { ...fourthCommand, slotStart: at('2026-12-07', '09:30') })).body.error).toBe('IDEMPOTENCY_CONFLICT');
    const days = await api<{ days: BookingDayView[] }>('GET', booking('/days?serviceId=ho-tich'));
    expect(days.body.days[0]!.slots.find((s) => s.time === '09:00')).toMatchObject({ left: 0, open: false });
  });

  it('finds, moves and cancels a booking by code and phone only, and slows down guessing', async () => {
    const found = await api<BookingView>('POST', booking('/lookup'), { code: confirmed.code, phone: '0912345678' });
    expect(found.body).toMatchObject({ code: confirmed.code, status: 'confirmed' });
    const moved = await api<BookingView>('POST', booking('/move'), { commandId: commandId(), code: confirmed.code, phone: '0912345678', slotStart: at('2026-12-07', '10:00') });
    expect(moved.body).toMatchObject({ time: '10:00', status: 'confirmed' });
    const cancelled = await api<BookingView>('POST', booking('/cancel'), { commandId: commandId(), code: confirmed.code, phone: '0912345678' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledBy: 'citizen' });
    // The booking of one centre is not found through another.
    expect((await api<{ error: string }>('POST', '/centres/xa-q/booking/lookup', { code: confirmed.code, phone: '0912345678' })).body.error).toBe('BOOKING_NOT_FOUND');

    // Four wrong pairs go free per code; the fifth (the look-up through the other centre counted) brings a wait.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api('POST', booking('/lookup'), { code: confirmed.code, phone: '0900000000' }, { 'x-forwarded-for': '203.0.113.9' })).status);
    expect(statuses).toEqual([404, 404, 404, 404, 429]);
    // Even with the right phone, and from any address: the code is being guessed.
    expect((await api('POST', booking('/lookup'), { code: confirmed.code, phone: '0912345678' }, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);
  });

  it('limits the holds of one phone (the centre\'s limits, counted by every process together)', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${province.url}/api/portal${booking('/holds')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
        body: JSON.stringify({ commandId: commandId(), serviceId: 'dat-dai', slotStart: at('2026-12-09', '08:00'), phone: '0966000555', name: 'Mai Văn Sơn', email: null, cccd: null }),
      });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after');
    }
    // Five a phone at once (burst), then one a minute: the first holds, the next four are over the
    // person's limit for the field, the sixth is not even looked at.
    expect(statuses[0]).toBe(201);
    expect(statuses[5]).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('answers bad input with a typed error and changes nothing', async () => {
    const bad = await api<{ error: string; issues: { field: string }[] }>('POST', booking('/holds'), { commandId: 'x', serviceId: 'ho-tich' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('INVALID_PAYLOAD');
    expect(bad.body.issues.length).toBeGreaterThan(0);
    const notJson = await fetch(`${province.url}/api/portal${booking('/holds')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    expect((await api<{ error: string }>('GET', '/centres/xa-zz/booking/options')).body.error).toBe('UNKNOWN_CENTRE');
    expect((await api<{ error: string }>('GET', booking('/days?serviceId=nope'))).body.error).toBe('UNKNOWN_SERVICE');
  });

  it('lets a phone follow a ticket of a linked centre through the province, by a hash of its id', async () => {
    const hub = connect(`${province.url}${LINK_NAMESPACE}`, { transports: ['websocket'], auth: { token: centreToken }, forceNew: true, reconnection: false });
    sockets.push(hub);
    await new Promise<void>((resolve, reject) => {
      hub.once('connect', () => resolve());
      hub.once('connect_error', reject);
    });
    expect(await hub.emitWithAck('link:hello', { profile: smsProfile() })).toMatchObject({ ok: true });
    let sent = 0;
    const state = (ahead: number, status: 'waiting' | 'called', counterNumber: number | null): CentreLiveState => ({
      at: clock.now + ++sent,
      day: '2026-12-07',
      outSeq: 0,
      provinceSeq: 0,
      closing: null,
      services: [{ id: 'ho-tich', waiting: ahead + 1, estimatedWaitMinutes: ahead * 5, longestWaitSince: clock.now - 600_000, availability: 'open' }],
      counters: { open: 2, paused: 0, total: 3 },
      calls: [],
      faults: [],
      alerts: {},
      tickets: [{ key: followKey('ticket-secret-A012'), number: 'A012', serviceId: 'ho-tich', status, peopleAhead: status === 'waiting' ? ahead : null, estimatedWaitMinutes: status === 'waiting' ? ahead * 5 : null, counterNumber }],
    });
    expect(await hub.emitWithAck('link:state', { state: state(3, 'waiting', null) })).toEqual({ ok: true, data: null });

    const phone = connect(`${province.url}${PORTAL_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(phone);
    await new Promise<void>((resolve) => phone.once('connect', () => resolve()));
    const followed = await phone.emitWithAck('follow:ticket', { centreId: 'xa-p', ticketId: 'ticket-secret-A012' });
    expect(followed).toMatchObject({ ok: true, data: { number: 'A012', status: 'waiting', peopleAhead: 3, estimatedWaitMinutes: 15 } });
    expect(await phone.emitWithAck('follow:ticket', { centreId: 'xa-p', ticketId: 'someone-else' })).toEqual({ ok: false, error: 'UNKNOWN_TICKET' });
    // The province stores no ticket id: only its hash.
    const stored = await fetch(`${province.url}/api/portal/centres/xa-p`).then((r) => r.text());
    expect(stored).not.toContain('ticket-secret');

    const updates: unknown[] = [];
    phone.on('follow:update', (v) => updates.push(v));
    await hub.emitWithAck('link:state', { state: state(1, 'waiting', null) });
    // Only what changed, as a hub sends it between its full states: the ticket called.
    const called = state(1, 'called', 2);
    hub.emit('link:state', { state: { ...called, tickets: [] }, ticketsDelta: { changed: called.tickets, gone: [] } });
    await until('the call on the phone', () => updates.length === 2);
    expect(updates).toMatchObject([
      { number: 'A012', status: 'waiting', peopleAhead: 1 },
      { number: 'A012', status: 'called', counterNumber: 2 },
    ]);
    // The province keeps the tickets whole: a phone asking now is answered from them.
    const late = connect(`${province.url}${PORTAL_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(late);
    await until('the stored call', async () => {
      const answer = (await late.emitWithAck('follow:ticket', { centreId: 'xa-p', ticketId: 'ticket-secret-A012' })) as { ok: boolean; data?: { status: string } };
      return answer.ok && answer.data?.status === 'called';
    });
    const centre = await api<{ data: { live: { waiting: number; openCounters: number } } }>('GET', '/centres/xa-p');
    await until('the live state in the list', async () => (await api<{ data: { live: { waiting: number } | null } }>('GET', '/centres/xa-p')).body.data.live?.waiting === 2);
    expect(centre.status).toBe(200);
  });

  it('reminds the citizen the evening before and an hour before, once each (the hub sends none for these)', async () => {
    const slotStart = at('2026-12-08', '09:00');
    const held = await api<BookingHoldView>('POST', booking('/holds'), { commandId: commandId(), serviceId: 'ho-tich', slotStart, phone: '0977000111', name: 'Hoàng Văn Phúc', email: null, cccd: null });
    const code = await until('the code', () => codeSentTo('0977000111')[0]);
    expect((await api('POST', booking('/confirm'), { commandId: commandId(), holdId: held.body.holdId, otp: code })).status).toBe(201);
    const reminders = () => gateway.requests.map((r) => JSON.parse(r.body) as { to: string; text: string }).filter((m) => m.to === '0977000111' && m.text.includes('nhắc lịch'));
    clock.now = at('2026-12-07', '18:05');
    await until('the evening reminder', () => reminders().length === 1);
    expect(reminders()[0]!.text).toContain('lúc 09:00 ngày mai 08/12/2026');
    clock.now = at('2026-12-08', '08:01');
    await until('the reminder an hour before', () => reminders().length === 2);
    expect(reminders()[1]!.text).toContain('lúc 09:00 hôm nay');
    // Every sweep after (every 100 ms here, on every process) finds them sent.
    await new Promise((r) => setTimeout(r, 400));
    expect(reminders()).toHaveLength(2);
  });
});
