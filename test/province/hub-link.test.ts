import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localInstantOf } from '../../server/app/local-time';
import { CODE_ALPHABET, CODE_LENGTH } from '../../server/domain/booking';
import { createLogger } from '../../server/logger';
import { openDatabase, type Db } from '../../server/province/db/database';
import { startProvince, type RunningProvince } from '../../server/province/province-server';
import { LinkProxy } from '../helpers/adapter-cluster';
import { until } from '../helpers/poll';
import { createTestDatabase, type TestDatabase } from '../helpers/database-servers';
import { startTestHub, type TestClock, type TestHub } from '../helpers/hub-fixture';
import { bookingCentre } from '../helpers/province-fixture';

/**
 * One real hub linked to a real province process on a real PostgreSQL, through a TCP proxy that
 * cuts the link: bookings made at the province reach the hub, check-ins and closed days reach the
 * province, each once, and a cut in the middle changes nothing of that.
 */

const TZ = 'Asia/Ho_Chi_Minh';
const DAY = '2026-12-07';
const at = (hhmm: string, day = DAY) => localInstantOf(day, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), TZ);
const clock: TestClock = { now: at('07:30') };

let database: TestDatabase;
let db: Db;
let province: RunningProvince;
let proxy: LinkProxy;
let hub: TestHub;


const code = () => [...randomBytes(CODE_LENGTH)].map((b) => CODE_ALPHABET[b & 31]).join('');

/** A citizen books at the province: held and confirmed in two commands, as on the portal. */
async function bookAtProvince(id: string, slot: string, phone: string, day = DAY): Promise<{ id: string; code: string; phone: string }> {
  const held = await province.bookings.hold(
    'xa-a',
    { bookingId: id, serviceId: 'ho-tich', slotStart: at(slot, day), phone, name: 'Phạm Văn Đức', email: null, idHash: null, otpHash: null, by: 'citizen' },
    clock.now,
  );
  if (!held.ok) throw new Error(`hold refused: ${held.error}`);
  const confirmed = await province.bookings.confirm('xa-a', { bookingId: id, newCode: code, otpMatches: () => true }, clock.now);
  if (!confirmed.ok) throw new Error(`confirm refused: ${confirmed.error}`);
  return { id, code: confirmed.data.code!, phone };
}

const provinceRow = async (id: string) =>
  (await db.query<{ state: string; ticket_number: string | null; no_show: boolean }>('SELECT state, ticket_number, no_show FROM bookings WHERE id = $1', [id])).rows[0];
const sequences = async () => (await db.query<{ out_seq: number; in_seq: number; out_acked: number }>(`SELECT out_seq, in_seq, out_acked FROM link_sequences WHERE centre_id = 'xa-a'`)).rows[0]!;
const hubBooking = (id: string) => hub.hub.bookings.list('2026-12-01', '2026-12-31').find((b) => b.bookingId === id);

async function checkIn(booking: { code: string; phone: string }) {
  const result = await hub.hub.bookings.checkIn({ commandId: `check-in-${booking.code}`, code: booking.code, phoneLast4: booking.phone.slice(-4) }, null);
  if (!result.ok) throw new Error(`check-in refused: ${result.error}`);
  return result.data;
}

beforeAll(async () => {
  database = await createTestDatabase('hublink');
  db = openDatabase(database.url, 2);
  province = await startProvince({ databaseUrl: database.url, port: 0, host: '127.0.0.1', log: createLogger('silent'), clock: () => clock.now });
  await province.registry.add({ id: 'xa-a', name: { vi: 'Xã A', en: 'A commune' }, area: 'Hà Nội' }, 'admin', clock.now);
  const issued = await province.registry.issueToken('xa-a', 'admin', clock.now);
  if (!issued.ok) throw new Error('no token');
  proxy = await LinkProxy.start({ host: '127.0.0.1', port: province.port });
  hub = await startTestHub({ config: bookingCentre(5, { closeBeforeMinutes: 0 }), clock, province: { url: `http://127.0.0.1:${proxy.port}`, token: issued.token, pullEveryMs: 300, compactAfterRecords: 6 } });
  await until('the link', () => hub.hub.provinceLink!.status().connected);
});

afterAll(async () => {
  await hub?.stop();
  await proxy?.close();
  await province?.stop();
  await db?.end();
  await database?.drop();
});

describe('a hub linked to its province', () => {
  const booked: Record<string, { id: string; code: string; phone: string }> = {};

  it('gets every booking made at the province, and the province its profile', async () => {
    const { rows } = await db.query<{ profile: { services: unknown[] } }>(`SELECT profile FROM centres WHERE id = 'xa-a'`);
    expect(rows[0]!.profile.services).toHaveLength(4);
    for (const [n, phone] of [['1', '0912000001'], ['2', '0912000002'], ['3', '0912000003']] as const) booked[n] = await bookAtProvince(`b-${n}`, '09:00', phone);
    // No timer in between: the commit's notification nudges the hub, which pulls.
    await until('the bookings at the hub', () => hub.hub.bookings.provinceSeq() === 3);
    expect(hubBooking('b-1')).toMatchObject({ status: 'confirmed', serviceId: 'ho-tich', day: DAY });
    await until('the acknowledgement', async () => (await sequences()).out_acked === 3);
  });

  it('sends citizens to the province to book, and refuses bookings of its own (places are counted there)', async () => {
    const redirect = await fetch(`${hub.hub.url}/book/`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(`http://127.0.0.1:${proxy.port}/display/book.html?centre=xa-a`);
    const own = await hub.hub.bookings.hold({ commandId: 'own-hold', serviceId: 'ho-tich', slotStart: at('10:00'), phone: '0912000099', name: 'Đỗ Văn Em', email: null, cccd: null });
    expect(own).toEqual({ ok: false, error: 'BOOKING_AT_PROVINCE', details: { url: `http://127.0.0.1:${proxy.port}/display/book.html?centre=xa-a` } });
  });

  it('tells the province of a check-in, and shows it the live queue', async () => {
    clock.now = at('08:45');
    const ticket = await checkIn(booked['1']!);
    await until('the check-in at the province', async () => (await provinceRow('b-1'))?.state === 'checked-in');
    expect(await provinceRow('b-1')).toMatchObject({ ticket_number: ticket.ticket.number });
    // The hub's public state at the province: the checked-in visitor waits for Hộ tịch.
    const live = await until('the live state', async () => {
      const state = (await province.inbox.states()).get('xa-a')?.state;
      return state?.services.find((s) => s.id === 'ho-tich')?.waiting === 1 ? state : null;
    });
    const view = hub.hub.service.publicView();
    expect(live.services.map((s) => [s.id, s.waiting])).toEqual(view.services.map((s) => [s.id, s.waiting]));
    expect(live.counters.total).toBe(view.counters.length);
    expect(JSON.stringify(live)).not.toContain('0912000001');
    expect(JSON.stringify(live)).not.toContain('Phạm');
  });

  it('catches up after a cut in both directions; a check-in made during it wins over a cancellation', async () => {
    proxy.cut();
    await until('the link down', () => !hub.hub.provinceLink!.status().connected);
    // At the province: booking 2 cancelled by its citizen, a new booking 4.
    const cancelled = await province.bookings.cancel('xa-a', { bookingId: 'b-2', by: 'citizen', reason: null }, clock.now);
    expect(cancelled.ok).toBe(true);
    booked['4'] = await bookAtProvince('b-4', '09:30', '0912000004');
    // At the centre, which has not heard: the citizen of booking 2 comes and checks in.
    clock.now = at('08:50');
    await checkIn(booked['2']!);
    expect(hubBooking('b-4')).toBeUndefined();
    // Booking 5, made during the cut, never reached the hub: its QR, signed by the province for
    // this centre, is enough to check it in. A forged or another centre's token is not.
    booked['5'] = await bookAtProvince('b-5', '09:00', '0912000005');
    const five = (await province.bookings.byCode(booked['5'].code))!;
    const token = province.signingKeys.tokenFor('xa-a', five);
    const scan = (t: string) => hub.hub.bookings.checkIn({ commandId: `scan-${t.slice(-12)}`, scan: `https://datlich.example.gov.vn/b?t=${t}` }, null);
    const forged = token.replace('~ho-tich~', '~dat-dai~');
    expect(forged).not.toBe(token);
    expect(await scan(forged)).toMatchObject({ ok: false, error: 'BOOKING_NOT_FOUND' });
    expect(await scan(province.signingKeys.tokenFor('xa-z', five))).toMatchObject({ ok: false, error: 'BOOKING_NOT_FOUND' });
    const offline = await scan(token);
    expect(offline).toMatchObject({ ok: true, data: { ticket: { serviceId: 'ho-tich' }, booking: { slotStart: at('09:00') } } });
    expect(hubBooking('b-5')).toMatchObject({ status: 'checked-in' });

    proxy.restore();
    await until('the hub caught up', () => hub.hub.bookings.provinceSeq() === 6);
    expect(hubBooking('b-4')).toMatchObject({ status: 'confirmed' });
    // The province's own record of booking 5 replaced the one taken from the QR; its check-in stands.
    expect(hubBooking('b-5')).toMatchObject({ status: 'checked-in', phone: '0912000005' });
    await until('booking 5 checked in at the province', async () => (await provinceRow('b-5'))?.state === 'checked-in');
    // The hub keeps its check-in; the province takes it over its cancellation, and says so.
    expect(hubBooking('b-2')).toMatchObject({ status: 'checked-in' });
    await until('the province caught up', async () => (await provinceRow('b-2'))?.state === 'checked-in');
    const audit = await db.query(`SELECT action, details FROM audit WHERE action = 'booking.check-in-over-cancellation'`);
    expect(audit.rows).toEqual([{ action: 'booking.check-in-over-cancellation', details: expect.objectContaining({ bookingId: 'b-2' }) }]);
    expect(hub.log.lines.some((l) => l.msg === 'province: a booking checked in here was changed at the province; the check-in stands')).toBe(true);
    // Each side applied each message once: the hub's three check-ins are its numbers 1 to 3.
    await until('all acknowledged', async () => (await sequences()).in_seq === 3 && hub.hub.provinceLink!.status().outAcked === 3);
    expect(await sequences()).toEqual({ out_seq: 6, in_seq: 3, out_acked: 6 });
    expect(hub.hub.provinceLink!.status()).toMatchObject({ connected: true, outSeq: 3, outAcked: 3, provinceSeq: 6 });
  });

  it('tells the province of a day the centre closes to bookings and of a booking it cancels; the province cancels them there too', async () => {
    const TUESDAY = '2026-12-08';
    await bookAtProvince('b-6', '09:00', '0912000006', TUESDAY);
    await bookAtProvince('b-7', '09:30', '0912000007', TUESDAY);
    await until('both at the hub', () => hubBooking('b-6') && hubBooking('b-7'));
    const reason = { vi: 'Mất điện', en: 'Power cut' };
    const closed = await hub.hub.bookings.closeDay({ commandId: 'close-1', day: TUESDAY, serviceId: 'ho-tich', reason }, 'sup');
    expect(closed).toMatchObject({ ok: true, data: { cancelled: 2 } });
    await until('the closure at the province', async () => (await provinceRow('b-6'))?.state === 'cancelled' && (await provinceRow('b-7'))?.state === 'cancelled');
    const { rows } = await db.query(`SELECT cancelled_by, cancel_reason FROM bookings WHERE id = 'b-7'`);
    expect(rows[0]).toEqual({ cancelled_by: 'centre', cancel_reason: reason });
    // Nobody books there at the province now.
    const refused = await province.bookings.hold('xa-a', { bookingId: 'b-8', serviceId: 'ho-tich', slotStart: at('10:30', TUESDAY), phone: '0912000008', name: 'Vũ Thị Giang', email: null, idHash: null, otpHash: null, by: 'citizen' }, clock.now);
    expect(refused).toMatchObject({ ok: false });
    // Opened again at the centre: open at the province too.
    const closures = hub.hub.bookings.closures();
    expect((await hub.hub.bookings.reopenDay({ commandId: 'reopen-1', closureId: closures[0]!.closureId }, 'sup')).ok).toBe(true);
    await until('the reopening at the province', async () => (await db.query(`SELECT 1 FROM booking_closures WHERE centre_id = 'xa-a'`)).rowCount === 0);
    expect((await province.bookings.hold('xa-a', { bookingId: 'b-8', serviceId: 'ho-tich', slotStart: at('10:30', TUESDAY), phone: '0912000008', name: 'Vũ Thị Giang', email: null, idHash: null, otpHash: null, by: 'citizen' }, clock.now)).ok).toBe(true);
  });

  it("takes the province's days off and its notice; bookings on a new day off are cancelled there and here", async () => {
    const WEDNESDAY = '2026-12-09';
    await bookAtProvince('b-9', '09:00', '0912000009', WEDNESDAY);
    await until('booking 9 at the hub', () => hubBooking('b-9'));
    // A dossier due on Thursday: its working days left count the province's day off once it is one.
    const upserted = await hub.hub.dossiers.upsert({
      code: '000.00.00.T01-261207-0001',
      lookupKey: 'AB12CD',
      procedure: 'Đăng ký khai sinh',
      field: 'Hộ tịch',
      applicant: { name: 'Phạm Văn Đức', phone: null, email: null, lang: 'vi' },
      receivedAt: '2026-12-07T08:00:00+07:00',
      dueAt: '2026-12-10T17:00:00+07:00',
      status: 2,
      delivery: 'centre',
      collectAt: null,
      note: null,
    });
    expect(upserted.ok).toBe(true);
    const daysLeft = () => {
      const t = hub.hub.dossiers.lookup('000.00.00.T01-261207-0001', 'AB12CD')?.timeliness;
      return t?.kind === 'in-time' ? t.workingDaysLeft : null;
    };
    const before = daysLeft();
    expect(before).not.toBeNull();
    const notice = { vi: 'Ngày 09/12 các trung tâm nghỉ làm việc.', en: 'All centres are closed on 9 December.' };
    const set = await province.settings.set({ holidays: [WEDNESDAY], workdays: [], notice, booking: { perPhonePerDay: 1, perServicePerDay: null, horizonDays: 4 } }, 'province:admin', clock.now);
    expect(set.version).toBe(1);
    expect(await provinceRow('b-9')).toMatchObject({ state: 'cancelled' });
    await until('the settings at the hub', () => hub.hub.bookings.provinceNotice() !== null && hubBooking('b-9')?.status === 'cancelled');
    const days = hub.hub.bookings.days('ho-tich');
    if (!days.ok) throw new Error(days.error);
    expect(days.data.find((d) => d.day === WEDNESDAY)?.closed).toBe('day-off');
    expect(daysLeft()).toBe(before! - 1);
    // Every display shows the province's notice (this centre has none of its own).
    const queue = (await (await fetch(`${hub.hub.url}/api/queue`)).json()) as { view: { display: { notice: unknown } } };
    expect(queue.view.display.notice).toEqual(notice);
    // The province's limits over the centre's own (2 a day, 7 days ahead): the smaller applies.
    expect(hub.hub.bookings.options()).toMatchObject({ horizonDays: 4, limits: { perPhonePerDay: 1, perServicePerDay: 1 } });
    // Nobody books that day at the province.
    const refused = await province.bookings.hold('xa-a', { bookingId: 'b-10', serviceId: 'ho-tich', slotStart: at('09:30', WEDNESDAY), phone: '0912000010', name: 'Lý Văn Hùng', email: null, idHash: null, otpHash: null, by: 'citizen' }, clock.now);
    expect(refused).toMatchObject({ ok: false });
  });

  it('reports the closed day with its no-shows', async () => {
    clock.now = at('07:00', '2026-12-08');
    await hub.hub.service.checkDay();
    const day = await until('the closed day at the province', async () => (await db.query<{ report: { total: { tickets: number }; noShows: number } }>(`SELECT report FROM centre_days WHERE centre_id = 'xa-a' AND day = $1`, [DAY])).rows[0]);
    expect(day.report.total.tickets).toBe(3);
    // Bookings 3 and 4 were confirmed and nobody came.
    expect(day.report.noShows).toBe(2);
    expect(await provinceRow('b-3')).toMatchObject({ state: 'confirmed', no_show: true });
    expect(await provinceRow('b-1')).toMatchObject({ no_show: false });
    // Every message of the hub applied, once: 3 check-ins, the closure, its 2 cancellations, the reopening, the day.
    await until('all applied', async () => (await sequences()).in_seq === hub.hub.provinceLink!.status().outSeq);
    expect((await sequences()).in_seq).toBe(8);
    // The outbox file was rewritten without what the province applied (a snapshot of their keys first).
    const file = (await readFile(join(hub.dataDir, 'link', 'outbox.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string; seq?: number });
    expect(file[0]).toMatchObject({ type: 'snapshot' });
    expect(file.length).toBeLessThan(8);
  });
});
