import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { domainContext, localDayOf, localInstantOf } from '../../server/app/local-time';
import type { CentreConfigInput } from '../../server/config/centre-config';
import { parseCentreConfig } from '../../server/config/load-config';
import { addDays } from '../../server/domain/working-calendar';
import type { BookingStaffRow } from '../../server/protocol/booking-protocol';
import { centreProfileOf } from '../../server/protocol/centre-profile';
import type { CentreLiveState } from '../../server/protocol/link-protocol';
import { PORTAL_NAMESPACE } from '../../server/protocol/portal-protocol';
import type { PublicView, Snapshot, Versioned } from '../../server/protocol/views';
import { CentreRegistry } from '../../server/province/centre-registry';
import { openDatabase, type Db } from '../../server/province/db/database';
import { migrate } from '../../server/province/db/migrations';
import { LinkProxy } from '../helpers/adapter-cluster';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../helpers/database-servers';
import { killHard as killHub, spawnHub, type HubProcess } from '../helpers/hub-process';
import { killHard as killProvince, spawnProvince, type ProvinceProcess } from '../helpers/province-process';
import { SUPERVISOR_PASSWORD } from '../helpers/test-centre';
import { benchCentre, COUNTER, OFFICER, SERVICE, TZ } from './fixtures';
import { ROOT } from './hub-runner';
import { forkChild, type Child } from './ipc';
import { percentile, round, sleep } from './stats';

/**
 * The province tier under load (issue 13; docs/performance.md, "After issue 13 (province)"). Real
 * province processes (`spawnProvince`: node --import tsx server/province/province-main.ts, as
 * `npm run province`) on the configured PostgreSQL and Redis (test/helpers/database-servers.ts),
 * a database of their own for each part, and Redis database BENCH_REDIS_DB (emptied before and
 * after each part) so that their streams meet nobody else's; real hubs (`spawnHub`) where a part needs one; citizens' phones in worker
 * processes (province-phone-worker.ts). Three parts, each checked apart from the answers it got:
 *
 * 1. booking: `processes` province processes, one centre registered directly (CentreRegistry.add
 *    and setProfile, no hub) offering `slots` x `placesPerSlot` places on one day; `attempts`
 *    holds due evenly over `seconds` (an open load: attempt n is due at n * seconds / attempts and
 *    made by phone n % phones; phone p books at process p % processes) on a random slot, each by a
 *    phone number of its own from an address of its own (X-Forwarded-For, as nginx passes it),
 *    confirmed at once when held. The ack is the hold's answer, timed from
 *    when the attempt was due. Afterwards PostgreSQL is read: confirmed and checked-in bookings
 *    beyond a slot's capacity (`overbooked`), `booking_slots.taken` over capacity, and the codes
 *    confirmed against those the phones were given.
 * 2. follow: a hub linked to process 1 (its own clock: a centre open all day every day), `tickets`
 *    numbers taken at its kiosk socket, `phones` Socket.IO phones spread over every process, phone
 *    g following ticket g % tickets; an officer calls `calls` times, `callEveryMs` apart (after one
 *    call not measured). For each call and each phone whose ticket still waits (or is the one
 *    called), the time from sending `counter:call-next` to the `follow:update` that shows the call
 *    (peopleAhead one less, or called). Every process uses CLOCK_MONOTONIC (process.hrtime),
 *    the same clock on one machine. Then the floor in the same worker processes: plain `ws`
 *    servers, one per province process, sending a frame of the same size to each phone at once.
 * 3. catchup: a hub linked to process 1 through a TCP proxy (LinkProxy); the link cut, then
 *    `bookings` bookings made at the province over the portal API (spread over every process) and
 *    `tickets` numbers taken at the hub (`served` of them called), and the cut kept for at least
 *    `cutSeconds` (a day's cut: the hub's reconnection back-off at its ceiling); restored.
 *    `seconds` runs from the restore until the hub has applied every province message (its
 *    provinceSeq is the province's out_seq, which the province has as acknowledged) and the
 *    province's `centre_live` has the hub's public queue (waiting per field). `lost` and
 *    `duplicated` compare the bookings the hub's supervisor lists (booking:list) with the
 *    province's bookings table, and the province messages in the hub's journal with 1..out_seq.
 *
 * CPU of the province processes and of this part's PostgreSQL backends is read from /proc around
 * each measured window (the servers run on this machine). With --hub-prof every province process
 * and hub writes a CPU profile (cpu-profile-preload.mjs), the phone workers too (--cpu-prof), and
 * the windows to give profile-summary.ts are printed.
 */
export interface ProvinceBenchPlan {
  processes: number;
  booking: { attempts: number; seconds: number; slots: number; placesPerSlot: number; phones: number; workers: number };
  follow: { phones: number; tickets: number; calls: number; callEveryMs: number; workers: number };
  catchup: { tickets: number; served: number; bookings: number; cutSeconds: number };
}

/** The Redis database the bench's province processes use (their adapter's stream, apart from the tests'). */
const BENCH_REDIS_DB = 13;
const UNLIMITED = { burst: 1_000_000, perMinute: 10_000_000 };
const monoMs = () => Number(process.hrtime.bigint()) / 1e6;
type Log = (...args: unknown[]) => void;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = null;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------- CPU of the processes involved

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in ms (null when it cannot be read). */
function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/**
 * CPU used during a window by the province processes and by the PostgreSQL backends serving this
 * part's database (read from /proc: the servers run on this machine), and the machine's idle time.
 */
async function cpuWindow(db: Db, database: string, provinces: ProvinceProcess[]) {
  const backends = async () => (await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database])).rows.map((r) => r.pid);
  const idle = () => {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
    return { idle: ((cpu[3]! + cpu[4]!) * 1000) / CLK_TCK, total: (cpu.reduce((a, b) => a + b, 0) * 1000) / CLK_TCK };
  };
  const before = new Map<number, number>();
  for (const pid of await backends()) before.set(pid, procCpuMs(pid) ?? 0);
  const provincesBefore = provinces.map((p) => procCpuMs(p.child.pid!) ?? 0);
  const machineBefore = idle();
  const t0 = monoMs();
  return async () => {
    const wallMs = monoMs() - t0;
    const machine = idle();
    let pgMs = 0;
    for (const pid of await backends()) pgMs += (procCpuMs(pid) ?? 0) - (before.get(pid) ?? 0);
    const provinceMs = provinces.map((p, i) => (procCpuMs(p.child.pid!) ?? 0) - provincesBefore[i]!);
    return {
      wall_s: round(wallMs / 1000, 1),
      province_processes_cpu_s: provinceMs.map((v) => round(v / 1000, 1)),
      postgres_backends_cpu_s: round(pgMs / 1000, 1),
      machine_busy_fraction: round(1 - (machine.idle - machineBefore.idle) / (machine.total - machineBefore.total), 2),
    };
  };
}

// ---------------------------------------------------------------- a province cluster for one part

/**
 * With --hub-prof: a CPU profile of every province process and hub, written when it stops
 * (NODE_OPTIONS refuses --cpu-prof; the preload starts V8's profiler through the inspector).
 */
function profileEnv(cpuProfDir: string | null | undefined): Record<string, string> {
  if (!cpuProfDir) return {};
  return { NODE_OPTIONS: `--import ${join(import.meta.dirname, 'cpu-profile-preload.mjs')}`, LUOT_BENCH_CPU_PROF_DIR: cpuProfDir };
}

interface Cluster {
  database: TestDatabase;
  dbName: string;
  db: Db;
  registry: CentreRegistry;
  provinces: ProvinceProcess[];
  stop(): Promise<void>;
}

async function redisUrl(): Promise<string> {
  const url = new URL(await testRedisUrl());
  url.pathname = `/${BENCH_REDIS_DB}`;
  return url.toString();
}

/** Empties the bench's Redis database (the adapter's stream of the last part: its batches are large). */
async function clearRedis(url: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.flushDb();
  } finally {
    await client.quit().catch(() => undefined);
  }
}

async function startCluster(label: string, processes: number, cpuProfDir: string | null | undefined): Promise<Cluster> {
  const database = await createTestDatabase(label);
  const dbName = new URL(database.url).pathname.slice(1);
  const db = openDatabase(database.url, 4);
  const redis = await redisUrl();
  const env = profileEnv(cpuProfDir);
  const provinces: ProvinceProcess[] = [];
  try {
    // Migrated before any process starts (they find it so), so the bench can register centres first.
    await migrate(db);
    await clearRedis(redis);
    await Promise.all(Array.from({ length: processes }, async () => provinces.push(await spawnProvince({ databaseUrl: database.url, redisUrl: redis }, env))));
  } catch (error) {
    await Promise.all(provinces.map((p) => killProvince(p)));
    await db.end();
    await database.drop().catch(() => undefined);
    throw error;
  }
  return {
    database,
    dbName,
    db,
    registry: new CentreRegistry(db),
    provinces,
    async stop() {
      // A gentle stop when profiling (the profile is written on the way out), SIGKILL otherwise.
      await Promise.all(
        provinces.map((p) =>
          cpuProfDir
            ? new Promise<void>((resolve) => {
                if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
                p.child.once('exit', () => resolve());
                p.child.kill('SIGTERM');
              })
            : killProvince(p),
        ),
      );
      await db.end();
      await database.drop().catch(() => undefined);
      await clearRedis(redis).catch(() => undefined);
    },
  };
}

function startWorkers(n: number, cpuProfDir: string | null | undefined): Child[] {
  const execArgv = ['--import', 'tsx', ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [])];
  return Array.from({ length: n }, () => forkChild(join(import.meta.dirname, 'province-phone-worker.ts'), { cwd: ROOT, execArgv }));
}

async function stopWorkers(workers: Child[]): Promise<void> {
  await Promise.all(workers.map((w) => w.call('close').catch(() => null)));
  // They exit by themselves (writing their CPU profile, with --hub-prof); SIGTERM if they do not.
  await Promise.all(workers.map((w) => Promise.race([w.exited, sleep(10_000)])));
  await Promise.all(workers.map((w) => w.stop('SIGTERM', 3_000)));
}

/** [first, count] of `total` items for worker w of n. */
const share = (total: number, w: number, n: number): [number, number] => {
  const first = Math.floor((total * w) / n);
  return [first, Math.floor((total * (w + 1)) / n) - first];
};

// ---------------------------------------------------------------- hub sockets

type Ack<T> = { ok: true; data: T } | { ok: false; error: string; message?: string };

async function hubSocket(url: string, app: 'kiosk' | 'counter'): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function send<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(30_000).emitWithAck(event, payload)) as Ack<T>;
  if (!ack.ok) throw new Error(`${event}: ${ack.error} ${ack.message ?? ''}`);
  return ack.data;
}

async function login(url: string, user: { username: string; password: string }): Promise<Socket> {
  const socket = await hubSocket(url, 'counter');
  await send(socket, 'session:login', user);
  return socket;
}

/** Takes n numbers for `SERVICE`, `parallel` at a time; the ticket ids in the order answered. */
async function takeTickets(kiosk: Socket, n: number, parallel = 10): Promise<string[]> {
  const ids: string[] = [];
  let left = n;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (left > 0) {
        left -= 1;
        ids.push((await send<{ ticketId: string }>(kiosk, 'ticket:take', { commandId: randomUUID(), serviceId: SERVICE })).ticketId);
      }
    }),
  );
  return ids;
}

/** A centre open all day every day (the bench runs at any hour), with bookings all day. */
function hubCentre(): CentreConfigInput {
  const input = benchCentre();
  input.dossiers = { calendar: { weekend: [], holidays: [], workdays: [] } };
  input.booking = {
    enabled: true,
    phoneCheck: 'off',
    closeBeforeMinutes: 0,
    limits: { perPhone: UNLIMITED, perAddress: UNLIMITED },
    services: [{ serviceId: SERVICE, slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00', slotMinutes: 30, places: 20 }] }],
  };
  return input;
}

async function startLinkedHub(cluster: Cluster, dataDir: string, centreId: string, provinceUrl: string, cpuProfDir: string | null | undefined): Promise<HubProcess> {
  const added = await cluster.registry.add({ id: centreId, name: { vi: 'Phường Thử nghiệm', en: 'Bench ward' }, area: 'Hà Nội' }, 'bench', Date.now());
  if (!added.ok) throw new Error(added.error);
  const issued = await cluster.registry.issueToken(centreId, 'bench', Date.now());
  if (!issued.ok) throw new Error(issued.error);
  mkdirSync(join(dataDir, '..'), { recursive: true });
  const env: Record<string, string> = { LUOT_PROVINCE_URL: provinceUrl, LUOT_PROVINCE_TOKEN: issued.token };
  return spawnHub(dataDir, hubCentre(), { ...env, ...profileEnv(cpuProfDir) });
}

async function provinceLink(supervisor: Socket) {
  return (await send<Snapshot>(supervisor, 'state:request', {})).staff!.view.provinceLink!;
}

// ---------------------------------------------------------------- 1. booking

function bookingCentre(plan: ProvinceBenchPlan['booking']): CentreConfigInput {
  const input = benchCentre();
  input.dossiers = { calendar: { weekend: [], holidays: [], workdays: [] } };
  const minutes = 5;
  const from = 8 * 60;
  const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  input.booking = {
    enabled: true,
    phoneCheck: 'off',
    closeBeforeMinutes: 0,
    horizonDays: 7,
    // Every hold comes from an address and a phone of its own; the limiter still runs (its two
    // bucket upserts are part of every hold) but refuses nothing.
    limits: { perPhone: UNLIMITED, perAddress: UNLIMITED },
    services: [{ serviceId: SERVICE, slots: [{ days: [1, 2, 3, 4, 5, 6, 7], from: clock(from), to: clock(from + plan.slots * minutes), slotMinutes: minutes, places: plan.placesPerSlot }] }],
  };
  return input;
}

async function bookingPart(plan: ProvinceBenchPlan, log: Log, cpuProfDir: string | null | undefined) {
  const p = plan.booking;
  const places = p.slots * p.placesPerSlot;
  log(
    `\n== province, booking: ${plan.processes} province processes, ${p.phones} phones (HTTP keep-alive, ${p.workers} worker processes), ${p.attempts} holds due over ${p.seconds} s` +
      ` on ${places} places (${p.slots} slots x ${p.placesPerSlot}), confirmed at once when held; PostgreSQL read afterwards`,
  );
  const cluster = await startCluster('bench_province_booking', plan.processes, cpuProfDir);
  const workers = startWorkers(p.workers, cpuProfDir);
  const centreId = 'bench-booking';
  try {
    const added = await cluster.registry.add({ id: centreId, name: { vi: 'Phường Đặt lịch', en: 'Booking ward' }, area: 'Hà Nội' }, 'bench', Date.now());
    if (!added.ok) throw new Error(added.error);
    await cluster.registry.setProfile(centreId, centreProfileOf(parseCentreConfig(bookingCentre(p), 'bench booking centre')));
    // Two days ahead on the real clock: no slot closes and no hold lapses during the run.
    const day = addDays(localDayOf(Date.now(), TZ), 2);
    const slots = Array.from({ length: p.slots }, (_, i) => localInstantOf(day, 8 * 60 + i * 5, TZ));
    const ports = cluster.provinces.map((x) => x.port);
    // Each phone's connection open before the clock starts (a page that loaded).
    await Promise.all(workers.map((w, i) => w.call('bookingPhones', { ports, first: share(p.phones, i, p.workers)[0], count: share(p.phones, i, p.workers)[1], centreId }, 120_000)));
    await sleep(500);
    const spacingMs = (p.seconds * 1000) / p.attempts;
    const cpu = await cpuWindow(cluster.db, cluster.dbName, cluster.provinces);
    const startAt = monoMs() + 300;
    type Run = { holdMs: number[]; confirmMs: number[]; answers: Record<string, number>; confirmed: { attempt: number; bookingCode: string }[]; lastAnswerAt: number; cpuMs: number };
    if (cpuProfDir) log(`  [profile] booking: province pids ${cluster.provinces.map((x) => x.child.pid).join(', ')}: --window=${Math.round(startAt * 1000)}-${Math.round((startAt + p.seconds * 1000) * 1000)} (the attempts' due times)`);
    const runs = await Promise.all(
      workers.map((w) => w.call<Run>('book', { centreId, serviceId: SERVICE, slots, attempts: p.attempts, phones: p.phones, spacingMs, startAt, run: 1 }, p.seconds * 1000 + 1_200_000)),
    );
    const usage = await cpu();
    const holdMs = runs.flatMap((r) => r.holdMs);
    const confirmMs = runs.flatMap((r) => r.confirmMs);
    const answers: Record<string, number> = {};
    for (const r of runs) for (const [k, v] of Object.entries(r.answers)) answers[k] = (answers[k] ?? 0) + v;
    const codes = runs.flatMap((r) => r.confirmed.map((c) => c.bookingCode.replace(/-/g, '')));

    // What PostgreSQL holds, whatever the phones were told.
    const { rows } = await cluster.db.query<{ slot_start: number; capacity: number; taken: number; booked: number }>(
      `SELECT s.slot_start, s.capacity, s.taken,
              (SELECT count(*) FROM bookings b WHERE b.centre_id = s.centre_id AND b.service_id = s.service_id AND b.slot_start = s.slot_start
                 AND b.state IN ('confirmed', 'checked-in'))::int AS booked
       FROM booking_slots s WHERE s.centre_id = $1`,
      [centreId],
    );
    const stored = (await cluster.db.query<{ code: string }>(`SELECT code FROM bookings WHERE centre_id = $1 AND state IN ('confirmed', 'checked-in')`, [centreId])).rows.map((r) => r.code);
    const storedSet = new Set(stored);
    const result = {
      processes: plan.processes,
      booking: {
        attempts: p.attempts,
        places,
        succeeded: codes.length,
        overbooked: rows.reduce((n, r) => n + Math.max(0, r.booked - r.capacity), 0),
        ack_p99_ms: round(percentile(holdMs, 99)),
        ack_p50_ms: round(percentile(holdMs, 50)),
        ack_max_ms: round(Math.max(...holdMs)),
        confirm_p50_ms: round(percentile(confirmMs, 50)),
        confirm_p99_ms: round(percentile(confirmMs, 99)),
        spread_over_s: p.seconds,
        wall_ms: round(Math.max(...runs.map((r) => r.lastAnswerAt)) - startAt, 0),
        phones: p.phones,
        answers: Object.fromEntries(Object.entries(answers).sort((a, b) => b[1] - a[1])),
        slots_in_db: rows.length,
        capacity_in_db: rows.reduce((n, r) => n + r.capacity, 0),
        confirmed_in_db: stored.length,
        slots_taken_over_capacity: rows.filter((r) => r.taken > r.capacity).length,
        codes_answered_not_in_db: codes.filter((c) => !storedSet.has(c)).length,
        cpu: { ...usage, phone_workers_cpu_s: round(runs.reduce((n, r) => n + r.cpuMs, 0) / 1000, 1) },
      },
    };
    const b = result.booking;
    log(
      `  ${b.succeeded}/${places} booked, ${b.overbooked} overbooked (PostgreSQL: ${b.confirmed_in_db} confirmed, ${b.slots_taken_over_capacity} slots with taken > capacity, ${b.codes_answered_not_in_db} codes answered but not stored);` +
        ` hold ack p50 ${b.ack_p50_ms} p99 ${b.ack_p99_ms} max ${b.ack_max_ms} ms; confirm p50 ${b.confirm_p50_ms} p99 ${b.confirm_p99_ms} ms; ${b.attempts} attempts answered in ${b.wall_ms} ms`,
    );
    log(`  answers ${JSON.stringify(b.answers)}; CPU ${JSON.stringify(b.cpu)}`);
    return result;
  } finally {
    await stopWorkers(workers);
    await cluster.stop();
  }
}

// ---------------------------------------------------------------- 2. follow

interface PhoneUpdates {
  index: number;
  ticket: number;
  ahead: number | null;
  updates: number[];
  connected: boolean;
}

async function followPart(plan: ProvinceBenchPlan, dataDir: string, log: Log, cpuProfDir: string | null | undefined) {
  const f = plan.follow;
  log(
    `\n== province, follow: ${plan.processes} province processes, a hub linked to the first, ${f.tickets} tickets waiting, ${f.phones} phones (Socket.IO, ${f.workers} worker processes) each following one;` +
      ` ${f.calls} calls ${f.callEveryMs} ms apart: call -> each phone's follow:update`,
  );
  const cluster = await startCluster('bench_province_follow', plan.processes, cpuProfDir);
  const workers = startWorkers(f.workers, cpuProfDir);
  const centreId = 'bench-follow';
  let hub: HubProcess | null = null;
  const sockets: Socket[] = [];
  try {
    hub = await startLinkedHub(cluster, join(dataDir, 'follow', 'data'), centreId, cluster.provinces[0]!.url, cpuProfDir);
    const supervisor = await login(hub.url, { username: 'sup', password: SUPERVISOR_PASSWORD });
    sockets.push(supervisor);
    await until('the hub linked', async () => (await provinceLink(supervisor)).connected, 60_000);
    const kiosk = await hubSocket(hub.url, 'kiosk');
    sockets.push(kiosk);
    const t0 = monoMs();
    const tickets = await takeTickets(kiosk, f.tickets);
    const takeMs = monoMs() - t0;
    const officer = await login(hub.url, OFFICER);
    sockets.push(officer);
    await send(officer, 'counter:open', { commandId: randomUUID(), counterId: COUNTER });
    // The province has the whole queue, with the counter open, before any phone follows.
    await until(
      'the queue at the province',
      async () => {
        const state = (await cluster.db.query<{ state: CentreLiveState }>('SELECT state FROM centre_live WHERE centre_id = $1', [centreId])).rows[0]?.state;
        return state && state.tickets.filter((t) => t.status === 'waiting').length === f.tickets && state.counters.open === 1;
      },
      60_000,
    );
    const stateBytes = (await cluster.db.query<{ n: number }>('SELECT octet_length(state::text) AS n FROM centre_live WHERE centre_id = $1', [centreId])).rows[0]!.n;

    const urls = cluster.provinces.map((x) => `${x.url}${PORTAL_NAMESPACE}`);
    const connectCpu = await cpuWindow(cluster.db, cluster.dbName, cluster.provinces);
    const c0 = monoMs();
    type Followed = { following: number; answerMs: number[]; failures: Record<string, number>; ms: number };
    const followed = await Promise.all(
      workers.map((w, i) => {
        const [first, count] = share(f.phones, i, f.workers);
        return w.call<Followed>('follow', { urls, first, count, centreId, tickets, parallel: 25 }, 600_000);
      }),
    );
    const connectMs = monoMs() - c0;
    const connectUsage = await connectCpu();
    const following = followed.reduce((n, x) => n + x.following, 0);
    const failures: Record<string, number> = {};
    for (const x of followed) for (const [k, v] of Object.entries(x.failures)) failures[k] = (failures[k] ?? 0) + v;
    const answerMs = followed.flatMap((x) => x.answerMs);
    log(
      `  ${f.tickets} tickets taken in ${round(takeMs, 0)} ms; live state at the province ${round(stateBytes / 1024, 0)} kB; ${following}/${f.phones} phones following after ${round(connectMs / 1000, 1)} s` +
        ` (follow:ticket answer p50 ${round(percentile(answerMs, 50))} p99 ${round(percentile(answerMs, 99))} ms)${Object.keys(failures).length ? `, failures ${JSON.stringify(failures)}` : ''}`,
    );
    await sleep(1_000);
    // The calls: one first, not measured (the first call's code paths are cold), then `calls`.
    const callAt: number[] = [];
    const callAckMs: number[] = [];
    const cpu = await cpuWindow(cluster.db, cluster.dbName, cluster.provinces);
    const workerCpu0 = await Promise.all(workers.map((w) => w.call<number>('cpu')));
    for (let c = 0; c <= f.calls; c++) {
      const t = monoMs();
      callAt.push(t);
      await send(officer, 'counter:call-next', { commandId: randomUUID(), counterId: COUNTER });
      callAckMs.push(monoMs() - t);
      await sleep(Math.max(0, t + f.callEveryMs - monoMs()));
    }
    const usage = await cpu();
    if (cpuProfDir)
      log(`  [profile] follow, the calls: province pids ${cluster.provinces.map((x) => x.child.pid).join(', ')}, hub pid ${hub.child.pid}, phone worker pids ${workers.map((w) => w.process.pid).join(', ')}: --window=${Math.round(callAt[0]! * 1000)}-${Math.round(monoMs() * 1000)}`);
    const workerCpu = (await Promise.all(workers.map((w) => w.call<number>('cpu')))).reduce((n, v, i) => n + v - workerCpu0[i]!, 0);
    const phones = (await Promise.all(workers.map((w) => w.call<PhoneUpdates[]>('followUpdates', null, 120_000)))).flat();

    // Call c (0: the one not measured) is the (c+1)th: a ticket that had `ahead` people before it
    // now has ahead - c - 1, or is the one called (ahead = c). Its phone's update for the call is
    // the first after the call was sent that shows that.
    const latencies: number[] = [];
    const byProcess: number[][] = cluster.provinces.map(() => []);
    const perCall: { call: number; expected: number; received: number; p50_ms: number; p99_ms: number; max_ms: number; first_ms: number }[] = [];
    let expected = 0;
    let missing = 0;
    for (let c = 1; c <= f.calls; c++) {
      const from = callAt[c]!;
      const to = callAt[c + 1] ?? Number.POSITIVE_INFINITY;
      const these: number[] = [];
      let want = 0;
      for (const phone of phones) {
        if (phone.ahead === null || phone.ahead < c) continue;
        want += 1;
        const calledNow = phone.ahead === c;
        for (let i = 0; i < phone.updates.length; i += 3) {
          const at = phone.updates[i]!;
          if (at < from || at >= to) continue;
          const ahead = phone.updates[i + 1]!;
          const status = phone.updates[i + 2]!;
          if ((calledNow && status === 1) || (!calledNow && status === 0 && ahead === phone.ahead - c - 1)) {
            these.push(at - from);
            byProcess[phone.index % cluster.provinces.length]!.push(at - from);
            break;
          }
        }
      }
      expected += want;
      missing += want - these.length;
      latencies.push(...these);
      perCall.push({
        call: c,
        expected: want,
        received: these.length,
        p50_ms: round(percentile(these, 50)),
        p99_ms: round(percentile(these, 99)),
        max_ms: round(Math.max(...these)),
        first_ms: round(Math.min(...these)),
      });
    }
    // The floor, on the same machine with the same worker processes: plain ws servers, one per
    // province process, each sending a follow:update-sized frame to each of its phones at once.
    await Promise.all(workers.map((w) => w.call('unfollow')));
    const floor = await floorRun(workers, f, cluster.provinces.length);
    log(`  floor (plain ws, ${cluster.provinces.length} server processes, the same phones' workers): send -> phone p50 ${floor.p50_ms} p99 ${floor.p99_ms} ms (${floor.missing} of ${floor.expected} missing)`);

    const result = {
      phones: following,
      call_to_phone_p50_ms: round(percentile(latencies, 50)),
      call_to_phone_p99_ms: round(percentile(latencies, 99)),
      call_to_phone_max_ms: round(Math.max(...latencies)),
      /** Per call, the first phone to hear of it: the hub, the link and one province process, no fan-out. */
      call_to_first_phone_p50_ms: round(percentile(perCall.map((x) => x.first_ms), 50)),
      by_process_p50_ms: byProcess.map((v) => round(percentile(v, 50))),
      by_process_p99_ms: byProcess.map((v) => round(percentile(v, 99))),
      updates_expected: expected,
      updates_missing: missing,
      phones_asked: f.phones,
      tickets: f.tickets,
      calls: f.calls,
      call_every_ms: f.callEveryMs,
      call_ack_p50_ms: round(percentile(callAckMs, 50)),
      state_kb: round(stateBytes / 1024, 1),
      connect_s: round(connectMs / 1000, 1),
      follow_answer_p50_ms: round(percentile(answerMs, 50)),
      follow_answer_p99_ms: round(percentile(answerMs, 99)),
      follow_failures: failures,
      connect_cpu: connectUsage,
      phones_still_connected: phones.filter((x) => x.connected).length,
      per_call: perCall,
      cpu: { ...usage, phone_workers_cpu_s: round(workerCpu / 1000, 1) },
      floor_p50_ms: floor.p50_ms,
      floor_p99_ms: floor.p99_ms,
      floor_missing: floor.missing,
      floor_cpu: floor.cpu,
    };
    log(
      `  call -> phone p50 ${result.call_to_phone_p50_ms} p99 ${result.call_to_phone_p99_ms} max ${result.call_to_phone_max_ms} ms over ${latencies.length} updates (${missing} of ${expected} missing);` +
        ` first phone per call p50 ${result.call_to_first_phone_p50_ms} ms; by process (the hub's first) p99 ${result.by_process_p99_ms.join(' / ')} ms`,
    );
    log(`  per call p99: ${perCall.map((x) => x.p99_ms).join(', ')} ms; CPU ${JSON.stringify(result.cpu)}`);
    return result;
  } finally {
    sockets.forEach((s) => s.disconnect());
    await stopWorkers(workers);
    if (hub) await (cpuProfDir ? stopGently(hub) : killHub(hub));
    await cluster.stop();
  }
}

/**
 * The follow fan-out's floor: `processes` plain ws servers (province-floor-server.ts), the phones
 * on them from the same worker processes; `calls` rounds, each a frame to every phone at once
 * (the driver's IPC to the servers included, a fraction of a millisecond).
 */
async function floorRun(workers: Child[], f: ProvinceBenchPlan['follow'], processes: number) {
  const servers = Array.from({ length: processes }, () => forkChild(join(import.meta.dirname, 'province-floor-server.ts'), { cwd: ROOT }));
  try {
    const urls = await Promise.all(servers.map(async (s) => `ws://127.0.0.1:${(await s.call<{ port: number }>('info')).port}/`));
    await Promise.all(workers.map((w, i) => w.call('floorConnect', { urls, first: share(f.phones, i, workers.length)[0], count: share(f.phones, i, workers.length)[1], parallel: 25 }, 300_000)));
    await sleep(1_000);
    const cpu0 = await Promise.all(workers.map((w) => w.call<number>('cpu')));
    const serverCpu0 = servers.map((s) => procCpuMs(s.process.pid!) ?? 0);
    const sentAt: number[] = [];
    const rounds = f.calls;
    for (let r = 0; r < rounds; r++) {
      const t = monoMs();
      sentAt.push(t);
      await Promise.all(servers.map((s) => s.call('fire', { seq: r })));
      await sleep(Math.max(0, t + Math.min(f.callEveryMs, 2_000) - monoMs()));
    }
    const workerCpu = (await Promise.all(workers.map((w) => w.call<number>('cpu')))).reduce((n, v, i) => n + v - cpu0[i]!, 0);
    const serverCpu = servers.reduce((n, s, i) => n + (procCpuMs(s.process.pid!) ?? 0) - serverCpu0[i]!, 0);
    const arrivals = (await Promise.all(workers.map((w) => w.call<number[]>('floorUpdates', null, 60_000)))).flat();
    const latencies: number[] = [];
    for (let i = 0; i < arrivals.length; i += 2) latencies.push(arrivals[i]! - sentAt[arrivals[i + 1]!]!);
    const expected = rounds * f.phones;
    return {
      p50_ms: round(percentile(latencies, 50)),
      p99_ms: round(percentile(latencies, 99)),
      missing: expected - latencies.length,
      expected,
      cpu: { servers_cpu_s: round(serverCpu / 1000, 1), phone_workers_cpu_s: round(workerCpu / 1000, 1) },
    };
  } finally {
    await Promise.all(servers.map((s) => s.call('close').catch(() => null)));
    await Promise.all(servers.map((s) => s.stop('SIGTERM', 3_000)));
  }
}

function stopGently(hub: HubProcess): Promise<void> {
  return new Promise((resolve) => {
    if (hub.child.exitCode !== null || hub.child.signalCode !== null) return resolve();
    hub.child.once('exit', () => resolve());
    hub.child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- 3. catchup

async function catchupPart(plan: ProvinceBenchPlan, dataDir: string, log: Log, cpuProfDir: string | null | undefined) {
  const k = plan.catchup;
  log(
    `\n== province, catch-up: a hub linked to the first of ${plan.processes} processes through a TCP proxy; cut; ${k.bookings} bookings at the province and ${k.tickets} tickets at the hub (${k.served} served);` +
      ` cut kept ${k.cutSeconds} s at least; restored: time until both sides agree`,
  );
  const cluster = await startCluster('bench_province_catchup', plan.processes, cpuProfDir);
  const centreId = 'bench-catchup';
  const proxy = await LinkProxy.start({ host: '127.0.0.1', port: cluster.provinces[0]!.port });
  const hubDir = join(dataDir, 'catchup', 'data');
  let hub: HubProcess | null = null;
  const sockets: Socket[] = [];
  try {
    hub = await startLinkedHub(cluster, hubDir, centreId, `http://127.0.0.1:${proxy.port}`, cpuProfDir);
    const supervisor = await login(hub.url, { username: 'sup', password: SUPERVISOR_PASSWORD });
    const kiosk = await hubSocket(hub.url, 'kiosk');
    const officer = await login(hub.url, OFFICER);
    sockets.push(supervisor, kiosk, officer);
    await until('the hub linked', async () => (await provinceLink(supervisor)).connected, 60_000);
    await send(officer, 'counter:open', { commandId: randomUUID(), counterId: COUNTER });

    // Bookings over the portal API, as phones make them (hold, confirm), spread over every process.
    const today = domainContext(Date.now(), TZ).day;
    let made = 0;
    const book = async (n: number, day: string): Promise<number> => {
      let booked = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (next < n) {
            const i = next++;
            const person = ++made;
            const base = cluster.provinces[person % cluster.provinces.length]!.url;
            const headers = { 'content-type': 'application/json', 'x-forwarded-for': `10.1.${(person >> 8) & 255}.${person & 255}` };
            const post = async (path: string, body: unknown) => {
              const res = await fetch(`${base}/api/portal/centres/${centreId}/booking${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
              return { status: res.status, body: (await res.json()) as Record<string, unknown> };
            };
            const held = await post('/holds', {
              commandId: `bench-catchup-hold-${person}`,
              serviceId: SERVICE,
              slotStart: localInstantOf(day, (i % 48) * 30, TZ),
              phone: `093${String(person).padStart(7, '0')}`,
              name: 'Trần Thị Bình',
              email: null,
              cccd: null,
            });
            if (held.status !== 201) throw new Error(`hold refused: ${JSON.stringify(held.body)}`);
            const confirmed = await post('/confirm', { commandId: `bench-catchup-confirm-${person}`, holdId: held.body.holdId });
            if (confirmed.status !== 201) throw new Error(`confirm refused: ${JSON.stringify(confirmed.body)}`);
            booked += 1;
          }
        }),
      );
      return booked;
    };
    const sequences = async () =>
      (await cluster.db.query<{ out_seq: number; out_acked: number; in_seq: number }>('SELECT out_seq, out_acked, in_seq FROM link_sequences WHERE centre_id = $1', [centreId])).rows[0]!;
    const waitingOf = (services: { id: string; waiting: number }[], day: string) => JSON.stringify([day, services.map((s) => [s.id, s.waiting])]);
    /** Both conditions of "in sync", apart. */
    const check = async () => {
      const seq = await sequences();
      const link = await provinceLink(supervisor);
      const bookings = link.connected && link.provinceSeq === seq.out_seq && seq.out_acked === seq.out_seq;
      const view = ((await (await fetch(`${hub!.url}/api/queue`)).json()) as Versioned<PublicView>).view;
      const live = (await cluster.db.query<{ state: CentreLiveState }>('SELECT state FROM centre_live WHERE centre_id = $1', [centreId])).rows[0]?.state;
      return { connected: link.connected, bookings, live: live !== undefined && waitingOf(live.services, live.day) === waitingOf(view.services, view.day) };
    };

    // A linked centre in service before the cut.
    const tomorrow = addDays(today, 1);
    await book(20, addDays(today, 2));
    await takeTickets(kiosk, 50);
    await until('in sync before the cut', async () => {
      const c = await check();
      return c.bookings && c.live;
    });

    // The cut: the centre's internet goes; the day goes on at both ends.
    proxy.cut();
    const cutAt = monoMs();
    await until('the link seen down at the hub', async () => !(await provinceLink(supervisor)).connected, 30_000);
    const refusedAt: number[] = [];
    let refused = proxy.refused;
    const watch = setInterval(() => {
      while (refused < proxy.refused) {
        refused += 1;
        refusedAt.push(monoMs());
      }
    }, 20);
    const duringBookings = book(k.bookings, tomorrow);
    const duringDay = (async () => {
      await takeTickets(kiosk, k.tickets);
      for (let i = 0; i < k.served; i++) await send(officer, 'counter:call-next', { commandId: randomUUID(), counterId: COUNTER });
    })();
    const booked = await duringBookings;
    await duringDay;
    const trafficS = (monoMs() - cutAt) / 1000;
    await sleep(Math.max(0, cutAt + k.cutSeconds * 1000 - monoMs()));
    const before = await sequences();

    // Back.
    const restoredAt = monoMs();
    proxy.restore();
    let linkUpAt: number | null = null;
    let bookingsAt: number | null = null;
    let liveAt: number | null = null;
    await until(
      'in sync after the cut',
      async () => {
        const c = await check();
        const now = monoMs();
        if (c.connected) linkUpAt ??= now;
        bookingsAt = c.bookings ? (bookingsAt ?? now) : null;
        liveAt = c.live ? (liveAt ?? now) : null;
        return c.bookings && c.live;
      },
      120_000,
      100,
    );
    const syncedAt = monoMs();
    clearInterval(watch);

    // Every booking once at the hub, against the province's table.
    const atHub = (await send<{ bookings: BookingStaffRow[] }>(supervisor, 'booking:list', { from: addDays(today, -1), to: addDays(today, 8) })).bookings;
    const { rows } = await cluster.db.query<{ id: string; state: string }>(`SELECT id, state FROM bookings WHERE centre_id = $1 AND state IN ('confirmed', 'cancelled', 'checked-in')`, [centreId]);
    const hubIds = new Map<string, number>();
    for (const b of atHub) hubIds.set(b.bookingId, (hubIds.get(b.bookingId) ?? 0) + 1);
    const provinceIds = new Set(rows.map((r) => r.id));
    // The province's messages as the hub's journal has them: each of 1 .. out_seq once.
    const applied = new Map<number, number>();
    for (const line of readFileSync(join(hubDir, 'bookings', 'journal.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      for (const e of (JSON.parse(line) as { events: { type: string; seq?: number }[] }).events)
        if (e.type === 'booking-synced' || e.type === 'province-seq-passed') applied.set(e.seq!, (applied.get(e.seq!) ?? 0) + 1);
    }
    const { out_seq: outSeq } = await sequences();
    const gaps = refusedAt.slice(1).map((t, i) => t - refusedAt[i]!);
    const result = {
      tickets: k.tickets,
      bookings: booked,
      seconds: round((syncedAt - restoredAt) / 1000, 2),
      lost: [...provinceIds].filter((id) => !hubIds.has(id)).length,
      duplicated: [...hubIds.values()].filter((n) => n > 1).length,
      served: k.served,
      cut_s: round((restoredAt - cutAt) / 1000, 1),
      traffic_during_cut_s: round(trafficS, 1),
      link_up_after_s: linkUpAt === null ? null : round(((linkUpAt as number) - restoredAt) / 1000, 2),
      bookings_in_sync_after_s: bookingsAt === null ? null : round(((bookingsAt as number) - restoredAt) / 1000, 2),
      live_in_sync_after_s: liveAt === null ? null : round(((liveAt as number) - restoredAt) / 1000, 2),
      messages_behind_at_restore: outSeq - before.out_acked,
      hub_reconnect_attempts_during_cut: refusedAt.length,
      hub_reconnect_gaps_s: gaps.map((g) => round(g / 1000, 1)),
      hub_bookings_not_at_province: [...hubIds.keys()].filter((id) => !provinceIds.has(id)).length,
      status_mismatches: atHub.filter((b) => rows.find((r) => r.id === b.bookingId)?.state !== b.status).length,
      journal_messages_missing: Array.from({ length: outSeq }, (_, i) => i + 1).filter((s) => !applied.has(s)).length,
      journal_messages_applied_twice: [...applied.values()].filter((n) => n > 1).length,
    };
    log(
      `  in sync ${result.seconds} s after the restore (link up after ${result.link_up_after_s} s, bookings ${result.bookings_in_sync_after_s} s, live state ${result.live_in_sync_after_s} s);` +
        ` ${result.messages_behind_at_restore} messages behind; ${result.lost} lost, ${result.duplicated} duplicated (journal: ${result.journal_messages_missing} missing, ${result.journal_messages_applied_twice} twice)`,
    );
    log(`  cut ${result.cut_s} s (traffic ${result.traffic_during_cut_s} s); the hub tried again ${result.hub_reconnect_attempts_during_cut} times, gaps ${result.hub_reconnect_gaps_s.join(', ')} s`);
    return result;
  } finally {
    sockets.forEach((s) => s.disconnect());
    if (hub) await (cpuProfDir ? stopGently(hub) : killHub(hub));
    await proxy.close();
    await cluster.stop();
  }
}

// ---------------------------------------------------------------- the phase

export async function provincePhase(options: { plan: ProvinceBenchPlan; dataDir: string; log: Log; cpuProfDir?: string | null; parts?: ('booking' | 'follow' | 'catchup')[] }) {
  const { plan, dataDir, log } = options;
  const parts = new Set(options.parts ?? ['booking', 'follow', 'catchup']);
  const out: Record<string, unknown> = { processes: plan.processes };
  if (parts.has('booking')) out.booking = (await bookingPart(plan, log, options.cpuProfDir)).booking;
  if (parts.has('follow')) out.follow = await followPart(plan, dataDir, log, options.cpuProfDir);
  if (parts.has('catchup')) out.catchup = await catchupPart(plan, dataDir, log, options.cpuProfDir);
  return out;
}
