import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CentreConfigInput } from '../../server/config/centre-config';
import { domainContext, localInstantOf } from '../../server/app/local-time';
import { CODE_ALPHABET, CODE_LENGTH } from '../../server/domain/booking';
import { addDays } from '../../server/domain/working-calendar';
import type { BookingStaffRow } from '../../server/protocol/booking-protocol';
import type { CentreLiveState } from '../../server/protocol/link-protocol';
import type { PublicView, Snapshot, Versioned } from '../../server/protocol/views';
import { CentreRegistry } from '../../server/province/centre-registry';
import { openDatabase, type Db } from '../../server/province/db/database';
import { migrate } from '../../server/province/db/migrations';
import { ProvinceBookings } from '../../server/province/province-bookings';
import { LinkProxy } from '../helpers/adapter-cluster';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../helpers/database-servers';
import { expectOk, newCommandId, send, type HubClient } from '../helpers/hub-fixture';
import { killHard as killHub, spawnHub, type HubProcess } from '../helpers/hub-process';
import { killHard as killProvince, spawnProvince, type ProvinceProcess } from '../helpers/province-process';
import { SUPERVISOR_PASSWORD, testCentreInput } from '../helpers/test-centre';

/**
 * The link's catch-up across real processes (issue 13): one PostgreSQL, Redis, two province
 * processes (A and B), three real hubs as their own processes on the real clock (hubs 1 and 3
 * linked to A, hub 2 to B, each through its own TCP proxy). The test books at the province as the
 * portal would, on its own pool; commits nudge the hubs by PostgreSQL NOTIFY. Then: a steady run,
 * province A killed with SIGKILL in the middle of it (started again, its hubs' proxies pointed at
 * the new process), a hub killed with SIGKILL while it pulls a burst (started again on its data
 * folder), a hub's link cut for a stretch of bookings, cancellations and a check-in. After each,
 * every hub holds every booking of its centre once with the province's status, no slot is
 * overbooked, both directions are acknowledged, and each centre's live state at the province is
 * the hub's public queue.
 */

const TZ = 'Asia/Ho_Chi_Minh';
const SLOT = 30 * 60_000;
const CENTRES = ['xa-1', 'xa-2', 'xa-3'] as const;
type CentreId = (typeof CENTRES)[number];
/** Which province process each hub links to. */
const HOME: Record<CentreId, 'A' | 'B'> = { 'xa-1': 'A', 'xa-2': 'B', 'xa-3': 'A' };
const TU_PHAP_PLACES = 3;

/** Bookable and open at any hour of any day: every weekday, 00:00-24:00, no field hours or daily limits. */
function anyTimeCentre(): CentreConfigInput {
  const input = testCentreInput();
  input.services = input.services.map(({ hours: _hours, dailyLimit: _limit, ...service }) => service);
  input.dossiers = { calendar: { weekend: [], holidays: [], workdays: [] } };
  const allDay = (places: number) => [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00', slotMinutes: 30, places }];
  input.booking = {
    enabled: true,
    phoneCheck: 'off',
    closeBeforeMinutes: 0,
    services: [
      { serviceId: 'ho-tich', slots: allDay(500) },
      // Few places: the province must refuse the rest whatever the rush.
      { serviceId: 'tu-phap', slots: allDay(TU_PHAP_PLACES) },
    ],
  };
  return input;
}

// ---------------------------------------------------------------------------------------------
// The parts

let database: TestDatabase;
let db: Db;
let bookings: ProvinceBookings;
let redisUrl: string;
const provinces: Partial<Record<'A' | 'B', ProvinceProcess>> = {};
const allProvinces: ProvinceProcess[] = [];
const proxies = {} as Record<CentreId, LinkProxy>;
const tokens = {} as Record<CentreId, string>;
const dataDirs = {} as Record<CentreId, string>;
const hubs = {} as Record<CentreId, HubProcess>;
const allHubs: HubProcess[] = [];
const config = anyTimeCentre();

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = null;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startProvinceProcess(name: 'A' | 'B'): Promise<ProvinceProcess> {
  const started = await spawnProvince({ databaseUrl: database.url, redisUrl });
  provinces[name] = started;
  allProvinces.push(started);
  return started;
}

async function startHubProcess(centre: CentreId): Promise<HubProcess> {
  const hub = await spawnHub(dataDirs[centre], config, { LUOT_PROVINCE_URL: `http://127.0.0.1:${proxies[centre].port}`, LUOT_PROVINCE_TOKEN: tokens[centre] });
  hubs[centre] = hub;
  allHubs.push(hub);
  return hub;
}

// ---------------------------------------------------------------------------------------------
// Sockets to the hubs: a supervisor's (bookings, the link's status) and a kiosk's (numbers, check-ins)

const sockets = new Map<string, Promise<HubClient>>();

function hubSocket(url: string, app: 'counter' | 'kiosk'): Promise<HubClient> {
  const key = `${app} ${url}`;
  let socket = sockets.get(key);
  if (!socket) {
    socket = (async () => {
      const s: HubClient = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app } });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      if (app === 'counter') expectOk(await send(s, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
      return s;
    })();
    socket.catch(() => sockets.delete(key));
    sockets.set(key, socket);
  }
  return socket;
}

function forgetSockets(url: string): void {
  for (const [key, socket] of sockets)
    if (key.endsWith(` ${url}`)) {
      sockets.delete(key);
      void socket.then((s) => s.disconnect(), () => undefined);
    }
}

const supervisor = (centre: CentreId) => hubSocket(hubs[centre].url, 'counter');
const kiosk = (centre: CentreId) => hubSocket(hubs[centre].url, 'kiosk');

async function hubBookings(centre: CentreId): Promise<BookingStaffRow[]> {
  const today = domainContext(Date.now(), TZ).day;
  const listed = expectOk(await send<{ bookings: BookingStaffRow[] }>(await supervisor(centre), 'booking:list', { from: addDays(today, -1), to: addDays(today, 8) }));
  return listed.bookings;
}

async function hubLink(centre: CentreId) {
  const snapshot = expectOk(await send<Snapshot>(await supervisor(centre), 'state:request', {}));
  return snapshot.staff!.view.provinceLink!;
}

/** The day each hub last issued a number. */
const tickets = new Map<CentreId, string>();

async function takeTicket(centre: CentreId, serviceId: string): Promise<string> {
  const issued = expectOk(await send<{ number: string }>(await kiosk(centre), 'ticket:take', { commandId: newCommandId(), serviceId }));
  tickets.set(centre, domainContext(Date.now(), TZ).day);
  return issued.number;
}

/** A booked visitor checks in at the hub's kiosk (the window opens 30 minutes before the slot: at most seconds to wait). */
async function checkInAtHub(centre: CentreId, booking: Booked): Promise<string> {
  const answer = await until(`the check-in of ${booking.id}`, async () => {
    const ack = await send<{ ticket: { number: string } }>(await kiosk(centre), 'booking:check-in', { commandId: newCommandId(), code: booking.code, phoneLast4: booking.phone.slice(-4) });
    if (!ack.ok && ack.error === 'CHECK_IN_TOO_EARLY') return null;
    return expectOk(ack);
  });
  return answer.ticket.number;
}

// ---------------------------------------------------------------------------------------------
// Booking at the province, as the portal would (hold, then confirm), on the test's own pool

interface Booked {
  centre: CentreId;
  id: string;
  code: string;
  phone: string;
  serviceId: string;
  slotStart: number;
}

const booked = new Map<string, Booked>();
let people = 0;
const newCode = () => [...randomBytes(CODE_LENGTH)].map((b) => CODE_ALPHABET[b & 31]).join('');

/** The booking, or null when the slot is full. Every booking has its own phone (no per-person limit). */
async function book(centre: CentreId, serviceId: string, slotStart: number): Promise<Booked | null> {
  people += 1;
  const id = `${centre}-b${people}`;
  const phone = `09${String(people).padStart(8, '0')}`;
  const held = await bookings.hold(centre, { bookingId: id, serviceId, slotStart, phone, name: 'Nguyễn Văn An', email: null, idHash: null, otpHash: null, by: 'citizen' }, Date.now());
  if (!held.ok) {
    if (held.error === 'SLOT_FULL') return null;
    throw new Error(`hold refused at ${centre}: ${held.error}`);
  }
  const confirmed = await bookings.confirm(centre, { bookingId: id, newCode, otpMatches: () => true }, Date.now());
  if (!confirmed.ok) throw new Error(`confirm refused at ${centre}: ${confirmed.error}`);
  const made = { centre, id, code: confirmed.data.code!, phone, serviceId, slotStart };
  booked.set(id, made);
  return made;
}

async function cancel(booking: Booked): Promise<void> {
  const cancelled = await bookings.cancel(booking.centre, { bookingId: booking.id, by: 'citizen', reason: null }, Date.now());
  if (!cancelled.ok) throw new Error(`cancel refused: ${cancelled.error}`);
}

/** Runs the tasks `width` at a time; `each` is told how many are done. */
async function inParallel<T>(width: number, tasks: (() => Promise<T>)[], each: (done: number) => void = () => undefined): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
        each(++done);
      }
    }),
  );
  return results;
}

/**
 * The first slot starting after `after`, in the centre's zone (past midnight: the next day's first).
 * Check-in for it opens 30 minutes before it starts.
 */
function nextSlot(after: number): number {
  const { day, minuteOfDay } = domainContext(after, TZ);
  return localInstantOf(day, (Math.floor(minuteOfDay / 30) + 1) * 30, TZ);
}

// ---------------------------------------------------------------------------------------------
// What must hold after each phase

const sequences = async (centre: CentreId) =>
  (await db.query<{ out_seq: number; out_acked: number; in_seq: number }>('SELECT out_seq, out_acked, in_seq FROM link_sequences WHERE centre_id = $1', [centre])).rows[0]!;

/** Hub-to-province messages expected: the check-ins made at each hub. */
const checkedInAtHub = new Map<string, { centre: CentreId; ticket: string }>();

async function everyLinkCaughtUp(label: string): Promise<void> {
  await until(
    `${label}: every link caught up`,
    async () => {
      for (const centre of CENTRES) {
        const seq = await sequences(centre);
        if (seq.out_acked !== seq.out_seq) return false;
        const link = await hubLink(centre);
        if (!link.connected || link.provinceSeq !== seq.out_seq || link.outAcked !== link.outSeq || seq.in_seq !== link.outSeq) return false;
      }
      return true;
    },
    25_000,
  );
}

async function sameBookingsEverywhere(label: string): Promise<void> {
  for (const centre of CENTRES) {
    const { rows } = await db.query<{ id: string; state: string; ticket_number: string | null }>(
      `SELECT id, state, ticket_number FROM bookings WHERE centre_id = $1 AND state IN ('confirmed', 'cancelled', 'checked-in') ORDER BY id`,
      [centre],
    );
    const atHub = await hubBookings(centre);
    const hubIds = atHub.map((b) => b.bookingId);
    expect(new Set(hubIds).size, `${label}: ${centre} lists a booking twice`).toBe(hubIds.length);
    const atProvince = Object.fromEntries(rows.map((r) => [r.id, r.state]));
    const heldByHub = Object.fromEntries(atHub.map((b) => [b.bookingId, b.status]));
    expect(heldByHub, `${label}: ${centre}'s bookings at its hub and at the province`).toEqual(atProvince);
    // Every booking the test made is there (none lost on the way to the province either).
    const made = [...booked.values()].filter((b) => b.centre === centre).map((b) => b.id);
    expect(made.filter((id) => !(id in atProvince)), `${label}: ${centre}'s bookings missing at the province`).toEqual([]);
    // Check-ins made at the hub reached the province, with the hub's ticket.
    for (const [id, c] of checkedInAtHub) {
      if (c.centre !== centre) continue;
      expect(atProvince[id], `${label}: check-in of ${id}`).toBe('checked-in');
      expect(rows.find((r) => r.id === id)!.ticket_number).toBe(c.ticket);
      expect(atHub.find((b) => b.bookingId === id)!.ticketNumber).toBe(c.ticket);
    }
  }
}

/** Each province message in the hub's booking journal once, in order, none missing: 1, 2, ... out_seq. */
async function appliedOnceInOrder(label: string): Promise<void> {
  for (const centre of CENTRES) {
    const applied: number[] = [];
    for (const line of readFileSync(join(dataDirs[centre], 'bookings', 'journal.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      for (const e of (JSON.parse(line) as { events: { type: string; seq?: number }[] }).events)
        if (e.type === 'booking-synced' || e.type === 'province-seq-passed') applied.push(e.seq!);
    }
    const { out_seq } = await sequences(centre);
    expect(applied, `${label}: ${centre}'s journal of province messages`).toEqual(Array.from({ length: out_seq }, (_, i) => i + 1));
  }
}

async function noSlotOverbooked(label: string): Promise<void> {
  const { rows } = await db.query<{ centre_id: string; service_id: string; slot_start: number; capacity: number; taken: number; active: number; holds: number }>(
    `SELECT s.centre_id, s.service_id, s.slot_start, s.capacity, s.taken,
            (SELECT count(*) FROM bookings b WHERE b.centre_id = s.centre_id AND b.service_id = s.service_id AND b.slot_start = s.slot_start
               AND (b.state IN ('confirmed', 'checked-in') OR (b.state = 'held' AND b.held_until > $1)))::int AS active,
            (SELECT count(*) FROM bookings b WHERE b.centre_id = s.centre_id AND b.service_id = s.service_id AND b.slot_start = s.slot_start AND b.state = 'held')::int AS holds
     FROM booking_slots s ORDER BY 1, 2, 3`,
    [Date.now()],
  );
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    const where = `${label}: ${r.centre_id} ${r.service_id} ${new Date(r.slot_start).toISOString()}`;
    expect(r.taken, `${where} overbooked`).toBeLessThanOrEqual(r.capacity);
    // With no hold in the slot (live or lapsed), the places taken are exactly its active bookings.
    if (r.holds === 0) expect(r.active, `${where}: active bookings and places taken`).toBe(r.taken);
  }
}

/** The centre's public queue as its hub shows it, and as the province stores it. */
async function liveStatesMatch(label: string): Promise<void> {
  for (const centre of CENTRES) {
    const view = ((await (await fetch(`${hubs[centre].url}/api/queue`)).json()) as Versioned<PublicView>).view;
    // Numbers were taken just before (unless the day ended since: a new day starts empty).
    if (view.day === tickets.get(centre)) expect(view.services.reduce((n, s) => n + s.waiting, 0), `${label}: ${centre} has people waiting`).toBeGreaterThan(0);
    await until(`${label}: ${centre}'s live state at the province`, async () => {
      const now = ((await (await fetch(`${hubs[centre].url}/api/queue`)).json()) as Versioned<PublicView>).view;
      const live = (await db.query<{ state: CentreLiveState }>('SELECT state FROM centre_live WHERE centre_id = $1', [centre])).rows[0]?.state;
      if (!live) return false;
      const shown = (v: { day: string; services: { id: string; waiting: number }[] }) => JSON.stringify([v.day, v.services.map((s) => [s.id, s.waiting])]);
      // The link's numbers in it too (the province's view of the lag, both ways): none once caught up.
      const seq = await sequences(centre);
      return (
        shown(live) === shown(now) &&
        live.counters.total === now.counters.length &&
        live.calls.length === Math.min(20, now.recentCalls.length) &&
        live.provinceSeq === seq.out_seq &&
        live.outSeq === seq.in_seq
      );
    });
  }
}

async function everythingHolds(label: string): Promise<void> {
  await everyLinkCaughtUp(label);
  await sameBookingsEverywhere(label);
  await appliedOnceInOrder(label);
  await noSlotOverbooked(label);
  await liveStatesMatch(label);
  // Nothing went wrong that a process noticed (warnings, e.g. a pull cut short by a kill, are expected).
  for (const proc of [...allHubs, ...allProvinces]) expect(proc.output().split('\n').filter((l) => l.includes('"level":"error"')), `${label}: errors logged`).toEqual([]);
  const odd = await db.query(`SELECT action, details FROM audit WHERE action IN ('link.check-in-unknown', 'link.message-rejected', 'link.message-unknown')`);
  expect(odd.rows, `${label}: link messages the province could not use`).toEqual([]);
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  database = await createTestDatabase('linkcrash');
  redisUrl = await testRedisUrl();
  db = openDatabase(database.url, 12);
  bookings = new ProvinceBookings(db);
  // The province's schema before anyone starts (the processes find it migrated).
  await migrate(db);
  const registry = new CentreRegistry(db);
  for (const centre of CENTRES) {
    const added = await registry.add({ id: centre, name: { vi: `Xã ${centre}`, en: `Commune ${centre}` }, area: 'Hà Nội' }, 'test-admin', Date.now());
    if (!added.ok) throw new Error(added.error);
    const issued = await registry.issueToken(centre, 'test-admin', Date.now());
    if (!issued.ok) throw new Error(issued.error);
    tokens[centre] = issued.token;
    // Each hub its own folder (spawnHub writes the configuration beside the data folder).
    dataDirs[centre] = join(mkdtempSync(join(tmpdir(), 'luot-linkcrash-')), 'data');
  }
  await Promise.all([startProvinceProcess('A'), startProvinceProcess('B')]);
  for (const centre of CENTRES) proxies[centre] = await LinkProxy.start({ host: '127.0.0.1', port: provinces[HOME[centre]]!.port });
  await Promise.all(CENTRES.map((centre) => startHubProcess(centre)));
  // Linked: each hub said hello (the province has its profile, which bookings need).
  await until(
    'every hub linked',
    async () => (await db.query(`SELECT id FROM centres WHERE profile IS NOT NULL`)).rowCount === CENTRES.length && (await Promise.all(CENTRES.map(hubLink))).every((l) => l.connected),
    30_000,
  );
}, 90_000);

// A failed phase says what the processes noticed (their warnings and errors), to tell a bug from a slow machine.
afterEach((context) => {
  if (context.task.result?.state !== 'fail') return;
  const procs = [...allHubs.map((h, i) => [`hub ${i}`, h] as const), ...allProvinces.map((p, i) => [`province ${i}`, p] as const)];
  for (const [name, proc] of procs) {
    const lines = proc.output().split('\n').filter((l) => /"level":"(warn|error)"|Error/.test(l));
    if (lines.length > 0) console.error(`${name}:\n  ${lines.slice(-30).join('\n  ')}`);
  }
});

afterAll(async () => {
  for (const key of [...sockets.keys()]) forgetSockets(key.slice(key.indexOf(' ') + 1));
  await Promise.all(allHubs.map((h) => killHub(h)));
  await Promise.all(allProvinces.map((p) => killProvince(p)));
  await Promise.all(Object.values(proxies).map((p) => p.close()));
  await db?.end();
  await database?.drop().catch(() => undefined);
  for (const dir of Object.values(dataDirs)) rmSync(dirname(dir), { recursive: true, force: true });
});

describe('the link across real processes: kill -9 and cuts on either side', () => {
  /** Bookings of each centre for the slot starting next: checked in at the hubs as the phases go. */
  const soon = {} as Record<CentreId, Booked[]>;
  /** That slot (at least a few seconds ahead, so it is still bookable when booked), and the next ones: one per phase. */
  let first = 0;
  const later = (phase: number) => first + phase * SLOT;

  it('steady: concurrent bookings reach every hub once, a small slot is never overbooked, check-ins come back', async () => {
    first = nextSlot(Date.now() + 5_000);
    for (const centre of CENTRES) soon[centre] = await Promise.all([0, 1, 2].map(async () => (await book(centre, 'ho-tich', first))!));
    const slot = later(1);
    const tasks = CENTRES.flatMap((centre) => Array.from({ length: 20 }, () => () => book(centre, 'ho-tich', slot)));
    // Six people for three places in one slot, at once, at every centre.
    const rush = CENTRES.flatMap((centre) => Array.from({ length: 6 }, () => () => book(centre, 'tu-phap', slot)));
    const results = await inParallel(10, [...tasks, ...rush]);
    expect(results.slice(0, tasks.length).every((b) => b !== null)).toBe(true);
    for (const centre of CENTRES) expect(results.slice(tasks.length).filter((b) => b?.centre === centre)).toHaveLength(TU_PHAP_PLACES);

    // People at every hub: walk-ins, and one booking of each checked in (a message to the province).
    for (const centre of CENTRES) {
      await takeTicket(centre, 'ho-tich');
      await takeTicket(centre, 'tu-phap');
      const booking = soon[centre][0]!;
      checkedInAtHub.set(booking.id, { centre, ticket: await checkInAtHub(centre, booking) });
    }
    await everythingHolds('steady');
  }, 45_000);

  it('province process A killed with SIGKILL while bookings are made: its hubs link again to its restart and catch up', async () => {
    const slot = later(2);
    const earlier = [...booked.values()].filter((b) => b.serviceId === 'ho-tich' && !checkedInAtHub.has(b.id) && !soon[b.centre].includes(b));
    const tasks = CENTRES.flatMap((centre) => Array.from({ length: 20 }, () => () => book(centre, 'ho-tich', slot)));
    // Some cancellations in the stream too.
    for (const centre of CENTRES) for (const b of earlier.filter((x) => x.centre === centre).slice(0, 2)) tasks.push(() => cancel(b).then(() => null));
    tasks.sort(() => Math.random() - 0.5);

    const old = provinces.A!;
    const restart: { done?: Promise<ProvinceProcess>; checkIns?: Promise<void> } = {};
    await inParallel(4, tasks, (done) => {
      if (done !== Math.floor(tasks.length / 3)) return;
      // Booked visitors check in at A's hubs (messages for A to apply) as A goes down.
      restart.checkIns = Promise.all(
        CENTRES.filter((c) => HOME[c] === 'A').map(async (c) => {
          checkedInAtHub.set(soon[c][1]!.id, { centre: c, ticket: await checkInAtHub(c, soon[c][1]!) });
        }),
      ).then(() => undefined);
      // In the middle of the stream: A goes down hard (its hubs were pulling), and is started again.
      restart.done = killProvince(old).then(async () => {
        const again = await startProvinceProcess('A');
        for (const centre of CENTRES) if (HOME[centre] === 'A') proxies[centre].retarget({ host: '127.0.0.1', port: again.port });
        return again;
      });
    });
    const again = await restart.done!;
    await restart.checkIns;
    expect(old.child.signalCode).toBe('SIGKILL');
    expect(again.processId).not.toBe(old.processId);
    for (const centre of CENTRES) await takeTicket(centre, 'ho-tich');
    await everythingHolds('province A killed');
  }, 45_000);

  it('a hub killed with SIGKILL while it pulls a burst of 100 bookings catches up when started again on its data folder', async () => {
    const centre: CentreId = 'xa-3';
    const slot = later(3);
    const before = (await sequences(centre)).out_seq;
    const burst = Array.from({ length: 100 }, () => () => book(centre, 'ho-tich', slot));
    const others = CENTRES.filter((c) => c !== centre).flatMap((c) => Array.from({ length: 10 }, () => () => book(c, 'ho-tich', slot)));
    const tasks = [...burst, ...others].sort(() => Math.random() - 0.5);
    const old = hubs[centre];
    // A third of the burst made (the hub pulls it as nudged), then the rest comes while it is killed.
    await inParallel(6, tasks.slice(0, 40));
    const rest = inParallel(6, tasks.slice(40));
    await until('the hub pulling the burst', async () => (await sequences(centre)).out_acked > before, 10_000);
    // A visitor checks in, and the hub is killed at once: before, while or after it tells the province.
    checkedInAtHub.set(soon[centre][2]!.id, { centre, ticket: await checkInAtHub(centre, soon[centre][2]!) });
    await killHub(old);
    forgetSockets(old.url);
    const killedAt = await sequences(centre);
    await rest;
    expect(killedAt.out_acked, 'killed before it had the whole burst').toBeLessThan((await sequences(centre)).out_seq);
    // Started again on the same folder, it catches up from what its journal says it applied.
    await startHubProcess(centre);
    expect(old.child.signalCode).toBe('SIGKILL');
    expect(hubs[centre].output()).not.toMatch(/damaged lines dropped|does not apply/);
    await takeTicket(centre, 'tu-phap');
    await everythingHolds('hub killed');
  }, 45_000);

  it("a hub's link cut for a stretch of bookings, cancellations and a check-in catches up both ways when restored", async () => {
    const centre: CentreId = 'xa-2';
    const slot = later(4);
    proxies[centre].cut();
    await until('the link seen down at the hub', async () => !(await hubLink(centre)).connected, 10_000);
    const during = await inParallel(
      6,
      CENTRES.flatMap((c) => Array.from({ length: c === centre ? 20 : 10 }, () => () => book(c, 'ho-tich', slot))),
    );
    const mine = during.filter((b): b is Booked => b?.centre === centre);
    const earlier = [...booked.values()].filter((b) => b.centre === centre && b.slotStart < slot && b.serviceId === 'tu-phap');
    await inParallel(4, [...mine.slice(0, 5), ...earlier.slice(0, 2)].map((b) => () => cancel(b)));
    // At the centre, which hears nothing: walk-ins, and a booked visitor checks in.
    await takeTicket(centre, 'ho-tich');
    const visitor = soon[centre][1]!;
    checkedInAtHub.set(visitor.id, { centre, ticket: await checkInAtHub(centre, visitor) });
    // Neither side has heard of the other's changes.
    expect((await db.query(`SELECT state FROM bookings WHERE id = $1`, [visitor.id])).rows[0]).toEqual({ state: 'confirmed' });
    const seq = await sequences(centre);
    expect(seq.out_acked).toBeLessThan(seq.out_seq);
    expect((await hubBookings(centre)).some((b) => b.bookingId === mine[0]!.id)).toBe(false);
    // A stretch: the hub has tried again (and been refused) twice before the link comes back.
    await until('the hub trying again', () => proxies[centre].refused >= 2, 15_000);

    proxies[centre].restore();
    await everythingHolds('link cut');
  }, 45_000);
});
