/**
 * `npm run bench [-- --quick] [--out file.json] [--only fanout,take,history,startup,bundles,booking,province,catalog]
 *                [--hub bundle|tsx] [--hub-prof <dir>] [--keep]`
 *
 * A program, not a test. It starts the real hub as its own process on 127.0.0.1, as `npm start`
 * does (the compiled dist/server/main.js, built first if missing or stale; `--hub tsx`: the sources
 * through tsx), with a bench-only preload (hub-probe.ts), drives it with Socket.IO clients in this process and in
 * worker processes, prints a table and writes the figures as JSON. See docs/performance.md for the
 * method of every figure. Loopback only; every load is bounded in count and time.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { bundleSizes, type BundleSize } from './bundles';
import { benchCentre, COUNTER, OFFICER, SERVICE, todayInCentre, writeDayJournal, writeYear } from './fixtures';
import { prepareHub, ROOT, startBenchHub, type BenchHub, type HubRuntime, type ProbeMeasure } from './hub-runner';
import { Inbox } from './inbox';
import { forkChild, type Child } from './ipc';
import { median, percentile, round, sleep } from './stats';
import { bookingPhase } from './booking-bench';
import { provincePhase } from './province-bench';
import { catalogPhase } from './catalog-bench';

// ---------------------------------------------------------------- options

interface Options {
  quick: boolean;
  out: string;
  only: Set<string> | null;
  hubProf: string | null;
  keep: boolean;
  hub: HubRuntime;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { quick: false, out: 'bench-results.json', only: null, hubProf: null, keep: false, hub: 'bundle' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') options.quick = true;
    else if (a === '--out') options.out = value();
    else if (a.startsWith('--out=')) options.out = a.slice(6);
    else if (a === '--only') options.only = new Set(value().split(','));
    else if (a === '--hub-prof') options.hubProf = resolve(value());
    else if (a === '--keep') options.keep = true;
    else if (a === '--hub') {
      const v = value();
      if (v !== 'bundle' && v !== 'tsx') throw new Error('--hub is bundle or tsx');
      options.hub = v;
    }
    else if (a === '--help' || a === '-h') {
      console.log('npm run bench -- [--quick] [--out file.json] [--only fanout,take,history,startup,bundles,booking,province,catalog] [--hub bundle|tsx] [--hub-prof dir] [--keep]');
      console.log('  (--only province:booking,province:follow,province:catchup runs parts of the province phase)');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return options;
}

const options = parseOptions(process.argv.slice(2));
const Q = options.quick;
const PLAN = {
  fanoutClients: [10, 100, 500],
  fanoutRounds: Q ? 12 : 200,
  fanoutWarmup: Q ? 2 : 10,
  takeKiosks: 10,
  takeTotal: Q ? 1_000 : 20_000,
  takeWarmup: Q ? 100 : 500,
  historySizes: { served: [1_000, 10_000, 40_000], waiting: Q ? [1_000, 40_000] : [1_000, 10_000, 40_000] },
  historyTakes: Q ? 60 : 1_000,
  historyWarmup: Q ? 10 : 100,
  historyScenarios: ['served', 'waiting'] as const,
  historyRepeats: Q ? 1 : 2,
  idleBaselineMs: Q ? 500 : 1_500,
  startupRuns: Q ? 1 : 3,
  year: { archivedDays: 250, archivedTickets: 37_000, todayTickets: 148, dossiers: 37_000 },
  booking: { attempts: Q ? 2_000 : 10_000, clients: 200, seconds: Q ? 2 : 10, slots: 6, placesPerSlot: 50 },
  province: {
    processes: 3,
    booking: { attempts: Q ? 4_000 : 20_000, seconds: Q ? 4 : 20, slots: 100, placesPerSlot: 10, phones: 300, workers: 2 },
    follow: { phones: Q ? 1_000 : 10_000, tickets: Q ? 500 : 2_000, calls: Q ? 3 : 10, callEveryMs: Q ? 2_000 : 3_000, workers: Q ? 2 : 4 },
    catchup: { tickets: Q ? 300 : 2_000, served: Q ? 30 : 200, bookings: Q ? 50 : 300, cutSeconds: Q ? 10 : 60 },
  },
  catalog: { procedures: 2_000, repetitions: Q ? 10 : 40, throttles: [4] },
};

const DATA_ROOT = mkdtempSync(join(tmpdir(), 'luot-bench-'));
const cleanups: (() => Promise<void> | void)[] = [];
const log = (...args: unknown[]) => console.log(...args);
const ms = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));

function freshDataDir(name: string): string {
  const dir = join(DATA_ROOT, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface Idle {
  /** CPU the idle hub uses anyway (GC and libuv threads, timers, this probe's 1 ms sampler). */
  cpuMsPerS: number;
  /** Event-loop delay of the idle hub: the machine's own noise. */
  loopDelayP99: number;
  loopDelayMax: number;
}
const idleOf = new WeakMap<BenchHub, Idle>();

async function hubFor(name: string, prepare?: (dataDir: string) => void): Promise<{ hub: BenchHub; dataDir: string }> {
  const dataDir = freshDataDir(name);
  prepare?.(dataDir);
  const hub = await startBenchHub({ dataDir, config: benchCentre(), runtime: options.hub, cpuProfDir: options.hubProf });
  cleanups.push(() => hub.stop());
  // The idle baseline, subtracted from CPU per operation and printed beside the loop delay.
  await sleep(300);
  await hub.probe.mark();
  await sleep(PLAN.idleBaselineMs);
  const idle = await hub.probe.measure();
  idleOf.set(hub, {
    cpuMsPerS: ((idle.cpu.userMs + idle.cpu.systemMs) / idle.wallMs) * 1000,
    loopDelayP99: idle.loopDelay.p99,
    loopDelayMax: idle.loopDelay.max,
  });
  return { hub, dataDir };
}

/** CPU of the hub process (all threads) per operation, less what it uses when idle. */
function cpuPerOp(hub: BenchHub, m: ProbeMeasure, operations: number): number {
  const idle = idleOf.get(hub)?.cpuMsPerS ?? 0;
  return round(Math.max(0, m.cpu.userMs + m.cpu.systemMs - (idle * m.wallMs) / 1000) / operations, 3);
}

const profileWindows: { label: string; pid: number; window: string }[] = [];

/** The probe's figures since its last mark; with --hub-prof, also where to look in the profile. */
async function measureHub(hub: BenchHub, label: string): Promise<ProbeMeasure> {
  const m = await hub.probe.measure();
  if (options.hubProf) {
    const window = `${m.window.fromUs}-${m.window.toUs}`;
    profileWindows.push({ label, pid: m.window.pid, window });
    log(`  [profile] ${label}: CPU.*.${m.window.pid}.*.cpuprofile --window=${window}`);
  }
  return m;
}

// ---------------------------------------------------------------- Socket.IO clients of the hub

type Ack<T = unknown> = { ok: true; data: T } | { ok: false; error: string; message: string };

function connect(url: string, app: 'kiosk' | 'display' | 'counter'): Promise<Socket> {
  return new Promise((resolveSocket, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { app } });
    const timer = setTimeout(() => reject(new Error('no snapshot within 30 s')), 30_000);
    socket.once('queue:public', () => {
      clearTimeout(timer);
      resolveSocket(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function send<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(20_000).emitWithAck(event, payload)) as Ack<T>;
  if (!ack.ok) throw new Error(`${event}: ${ack.error} ${ack.message}`);
  return ack.data;
}

async function counterPad(url: string): Promise<Socket> {
  const socket = await connect(url, 'counter');
  await send(socket, 'session:login', { username: OFFICER.username, password: OFFICER.password });
  await send(socket, 'counter:open', { commandId: randomUUID(), counterId: COUNTER });
  return socket;
}

const take = (kiosk: Socket) => send<{ number: string }>(kiosk, 'ticket:take', { commandId: randomUUID(), serviceId: SERVICE });

async function takeMany(kiosk: Socket, n: number, parallel = 10): Promise<void> {
  let left = n;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (left > 0) {
        left -= 1;
        await take(kiosk);
      }
    }),
  );
}

// ---------------------------------------------------------------- fan-out

interface Done {
  key: string;
  mono: string;
  firstMono: string;
  arrivedAt: number;
}

interface Worker {
  child: Child;
  count: number;
  dones: Inbox<Done>;
  views: Inbox<number>;
}

async function startWorkers(n: number, sioUrl: string, wsUrl: string): Promise<Worker[]> {
  const processes = n >= 500 ? 2 : 1;
  const workers: Worker[] = [];
  for (let i = 0; i < processes; i++) {
    const child = forkChild(join(import.meta.dirname, 'display-worker.ts'), { cwd: ROOT });
    const worker: Worker = { child, count: n / processes, dones: new Inbox(), views: new Inbox() };
    child.on('done', (data) => worker.dones.push({ ...(data as Omit<Done, 'arrivedAt'>), arrivedAt: performance.now() }));
    child.on('view', (data) => worker.views.push((data as { seq: number }).seq));
    workers.push(worker);
  }
  // One worker at a time: connection storms are not what is measured.
  for (const w of workers) await w.child.call('connect', { sioUrl, wsUrl, count: w.count }, 180_000);
  return workers;
}

type Kind = 'hub' | 'ws' | 'ws_fsync' | 'ws_fsync_view';

interface RoundResult {
  /** Driver clock only: latest (arrival of a worker's "done" minus half that worker's IPC round trip) minus the send. */
  rt: number;
  /** Cross-check: latest worker CLOCK_MONOTONIC receive time minus the driver's CLOCK_MONOTONIC send time. */
  mono: number;
  /** First client to last client, inside one worker. */
  spread: number;
  hop: number;
  ack: number | null;
  /** Hub rounds: send -> the hub starts the journal write (inbound, decide, apply). */
  inbound?: number;
  /** Hub rounds: send -> the hub's ws socket emits the command's frame (the wire and the wake-up). */
  wire?: number;
  /** Hub rounds: the journal write + fdatasync. */
  disk?: number;
  /** Hub rounds: fdatasync done -> the last display has the call. */
  outbound?: number;
  /** Hub rounds: fdatasync done -> the hub starts broadcasting ticket:called. */
  toEmit?: number;
  /** Hub rounds: the hub's synchronous io.to('public').emit('ticket:called') (all sockets written). */
  emit?: number;
}

async function fanoutRound(kind: Kind, workers: Worker[], counter: Socket, caller: WebSocket, seq: number, hub: BenchHub): Promise<RoundResult> {
  const prefix = kind === 'hub' ? 'sio:' : `ws:${seq}`;
  const done = workers.map((w) => w.dones.take((d) => (kind === 'hub' ? d.key.startsWith(prefix) : d.key === prefix), 15_000, `${kind} call`));
  let ackAt: number | null = null;
  const t0Mono = process.hrtime.bigint();
  const t0 = performance.now();
  let ackPromise: Promise<unknown> | null = null;
  if (kind === 'hub') {
    ackPromise = send(counter, 'counter:call-next', { commandId: randomUUID(), counterId: COUNTER }).then(() => (ackAt = performance.now()));
  } else {
    caller.send(JSON.stringify({ seq, fsync: kind !== 'ws', view: kind === 'ws_fsync_view' }));
  }
  const results = await Promise.all(done);
  if (ackPromise) await ackPromise;
  if (kind === 'hub') {
    // Let the view that follows every call reach all clients before the next round.
    const callSeq = Number(results[0]!.key.slice(4));
    await Promise.all(workers.map((w) => w.views.take((s) => s >= callSeq, 15_000, 'view').catch(() => null)));
  }
  // The IPC hop, measured now that everything is quiet: half a round trip driver -> worker -> driver.
  const hops: number[] = [];
  for (const w of workers) {
    const p0 = performance.now();
    await w.child.call('ping');
    hops.push((performance.now() - p0) / 2);
  }
  const rt = Math.max(...results.map((r, i) => r.arrivedAt - hops[i]!)) - t0;
  const lastMonoNs = results.reduce((m, r) => (BigInt(r.mono) > m ? BigInt(r.mono) : m), 0n);
  const mono = Number(lastMonoNs - t0Mono) / 1e6;
  const spread = Math.max(...results.map((r) => Number(BigInt(r.mono) - BigInt(r.firstMono)) / 1e6));
  const result: RoundResult = { rt, mono, spread, hop: Math.max(...hops), ack: ackAt === null ? null : ackAt - t0 };
  if (kind === 'hub') {
    // Where the time went, from the hub's file operations (CLOCK_MONOTONIC, shared by all processes
    // on Linux; a diagnostic breakdown, the headline figure above uses the driver's clock only).
    const trace = await hub.probe.fsTrace();
    const t0Us = Number(t0Mono / 1000n);
    const write = trace.find((e) => e.op === 'write' && e.startUs >= t0Us);
    const sync = trace.find((e) => e.op === 'datasync' && write && e.startUs >= write.endUs);
    const received = (await hub.probe.receiveTrace()).find((us) => us >= t0Us);
    if (received !== undefined) result.wire = (received - t0Us) / 1000;
    if (write && sync) {
      result.inbound = (write.startUs - t0Us) / 1000;
      result.disk = (sync.endUs - write.startUs) / 1000;
      result.outbound = Number(lastMonoNs / 1000n - BigInt(sync.endUs)) / 1000;
      const emits = await hub.probe.emitTrace();
      const called = emits.find((e) => e.event === 'ticket:called' && e.startUs >= sync.endUs);
      if (called) {
        result.toEmit = (called.startUs - sync.endUs) / 1000;
        result.emit = (called.endUs - called.startUs) / 1000;
      }
    }
  } else {
    await hub.probe.fsTrace();
    await hub.probe.emitTrace();
    await hub.probe.receiveTrace();
  }
  return result;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function fanoutPhase() {
  log('\n== fan-out: counter:call-next -> ticket:called on the last of N displays (and raw ws floor)');
  const { hub, dataDir } = await hubFor('fanout');
  const raw = forkChild(join(import.meta.dirname, 'raw-ws-server.ts'), { cwd: ROOT, env: { ...process.env, BENCH_DATA_DIR: dataDir } });
  cleanups.push(() => raw.stop());
  const { port: rawPort } = await raw.call<{ port: number }>('info');
  // A realistic queue: ~20 people waiting, topped up between rounds (the counter's view lists up to
  // 200 waiting tickets, and a long list would make every call cost more than a centre's does).
  const kiosk = await connect(hub.url, 'kiosk');
  let waiting = 25;
  await takeMany(kiosk, waiting);
  const counter = await counterPad(hub.url);
  const refill = async (workers: Worker[]) => {
    if (waiting >= 15) return;
    await takeMany(kiosk, 10);
    waiting += 10;
    const snapshot = await send<{ public: { seq: number } }>(counter, 'state:request', {});
    await Promise.all(workers.map((w) => w.views.take((seen) => seen >= snapshot.public.seq, 15_000, 'view').catch(() => null)));
    await sleep(20);
  };
  const caller = new WebSocket(`ws://127.0.0.1:${rawPort}/caller`);
  await new Promise((r, j) => caller.once('open', r).once('error', j));
  // The raw server's copy of the hub's public view (what the hub sends every screen after a change).
  const publicSnapshot = await send<{ public: unknown }>(counter, 'state:request', {});
  const viewBytes = await raw.call<number>('setView', { json: JSON.stringify(['queue:public', publicSnapshot.public]) });
  log(`  the public view is ${viewBytes} bytes`);
  const memIdle = await hub.probe.mem();
  const rows: Record<string, unknown>[] = [];
  let memory: Record<string, unknown> | null = null;
  let seq = 0;
  for (const n of PLAN.fanoutClients) {
    const workers = await startWorkers(n, hub.url, `ws://127.0.0.1:${rawPort}/`);
    const memConnected = n === 500 ? await hub.probe.mem() : null;
    const results: Record<Kind, RoundResult[]> = { hub: [], ws: [], ws_fsync: [], ws_fsync_view: [] };
    const started = performance.now();
    await hub.probe.mark();
    for (let r = 0; r < PLAN.fanoutWarmup + PLAN.fanoutRounds; r++) {
      for (const kind of shuffle<Kind>(['hub', 'ws', 'ws_fsync', 'ws_fsync_view'])) {
        if (kind === 'hub') {
          await refill(workers);
          waiting -= 1;
        }
        const result = await fanoutRound(kind, workers, counter, caller, ++seq, hub);
        if (r >= PLAN.fanoutWarmup) results[kind].push(result);
        await sleep(10 + Math.random() * 20);
      }
    }
    const m = await measureHub(hub, `fanout ${n}`);
    const hubRounds = PLAN.fanoutWarmup + PLAN.fanoutRounds;
    const pick = (kind: Kind, f: keyof RoundResult) => results[kind].map((x) => x[f]).filter((v): v is number => typeof v === 'number');
    const row = {
      clients: n,
      worker_processes: workers.length,
      rounds: PLAN.fanoutRounds,
      hub_p50_ms: round(percentile(pick('hub', 'rt'), 50)),
      hub_p99_ms: round(percentile(pick('hub', 'rt'), 99)),
      ws_p50_ms: round(percentile(pick('ws', 'rt'), 50)),
      ws_p99_ms: round(percentile(pick('ws', 'rt'), 99)),
      ws_fsync_p50_ms: round(percentile(pick('ws_fsync', 'rt'), 50)),
      ws_fsync_p99_ms: round(percentile(pick('ws_fsync', 'rt'), 99)),
      ws_fsync_view_p50_ms: round(percentile(pick('ws_fsync_view', 'rt'), 50)),
      ws_fsync_view_p99_ms: round(percentile(pick('ws_fsync_view', 'rt'), 99)),
      hub_over_ws_fsync_view_p50: round(percentile(pick('hub', 'rt'), 50) / percentile(pick('ws_fsync_view', 'rt'), 50)),
      hub_over_ws_p50: round(percentile(pick('hub', 'rt'), 50) / percentile(pick('ws', 'rt'), 50)),
      hub_ack_p50_ms: round(percentile(pick('hub', 'ack'), 50)),
      hub_mono_p50_ms: round(percentile(pick('hub', 'mono'), 50)),
      hub_mono_p99_ms: round(percentile(pick('hub', 'mono'), 99)),
      ws_mono_p50_ms: round(percentile(pick('ws', 'mono'), 50)),
      ws_mono_p99_ms: round(percentile(pick('ws', 'mono'), 99)),
      hub_spread_in_worker_p50_ms: round(percentile(pick('hub', 'spread'), 50)),
      ws_spread_in_worker_p50_ms: round(percentile(pick('ws', 'spread'), 50)),
      ws_fsync_view_spread_in_worker_p50_ms: round(percentile(pick('ws_fsync_view', 'spread'), 50)),
      ipc_hop_p50_ms: round(percentile([...pick('hub', 'hop'), ...pick('ws', 'hop')], 50), 3),
      hub_inbound_p50_ms: round(percentile(pick('hub', 'inbound'), 50)),
      hub_wire_p50_ms: round(percentile(pick('hub', 'wire'), 50), 3),
      hub_disk_p50_ms: round(percentile(pick('hub', 'disk'), 50)),
      hub_outbound_p50_ms: round(percentile(pick('hub', 'outbound'), 50)),
      hub_fsync_to_emit_p50_ms: round(percentile(pick('hub', 'toEmit'), 50), 3),
      hub_emit_called_p50_ms: round(percentile(pick('hub', 'emit'), 50), 3),
      hub_cpu_ms_per_call: cpuPerOp(hub, m, hubRounds),
      hub_loop_active_ms_per_call: round(m.elu.activeMs / hubRounds, 2),
      seconds: round((performance.now() - started) / 1000, 1),
    };
    rows.push(row);
    log(
      `  ${String(n).padStart(3)} displays: hub p50 ${ms(row.hub_p50_ms)} p99 ${ms(row.hub_p99_ms)} | ws p50 ${ms(row.ws_p50_ms)} p99 ${ms(row.ws_p99_ms)}` +
        ` | ws+fsync p50 ${ms(row.ws_fsync_p50_ms)} | ws+fsync+view p50 ${ms(row.ws_fsync_view_p50_ms)} | ratio ${row.hub_over_ws_p50} | ack p50 ${ms(row.hub_ack_p50_ms)} | mono hub/ws p50 ${ms(row.hub_mono_p50_ms)}/${ms(row.ws_mono_p50_ms)}`,
    );
    log(
      `       hub p50 split: to journal write ${ms(row.hub_inbound_p50_ms)} (frame in the hub after ${ms(row.hub_wire_p50_ms)}) + write/fdatasync ${ms(row.hub_disk_p50_ms)} + to last display ${ms(row.hub_outbound_p50_ms)} ms` +
        ` (of which the hub's emit to all sockets ${ms(row.hub_emit_called_p50_ms)} ms); in-worker spread hub/ws/ws+view ${ms(row.hub_spread_in_worker_p50_ms)}/${ms(row.ws_spread_in_worker_p50_ms)}/${ms(row.ws_fsync_view_spread_in_worker_p50_ms)} ms;` +
        ` hub CPU ${row.hub_cpu_ms_per_call} ms per call`,
    );
    if (n === 500) {
      const after = await hub.probe.mem();
      const rawMem = await raw.call<NodeJS.MemoryUsage>('mem');
      memory = {
        clients: 500,
        rss_mb: round(Math.max(memConnected!.rss, after.rss) / 2 ** 20, 1),
        rss_connected_mb: round(memConnected!.rss / 2 ** 20, 1),
        rss_after_rounds_mb: round(after.rss / 2 ** 20, 1),
        heap_used_mb: round(after.heapUsed / 2 ** 20, 1),
        rss_idle_mb: round(memIdle.rss / 2 ** 20, 1),
        raw_ws_server_rss_mb: round(rawMem.rss / 2 ** 20, 1),
      };
      log(`  memory: hub RSS ${memory.rss_mb} MB with 500 displays (idle ${memory.rss_idle_mb} MB; raw ws server ${memory.raw_ws_server_rss_mb} MB)`);
    }
    await Promise.all(workers.map((w) => w.child.call('close').catch(() => null)));
    await Promise.all(workers.map((w) => w.child.exited));
  }
  caller.close();
  counter.disconnect();
  kiosk.disconnect();
  await raw.call('close').catch(() => null);
  await hub.stop();
  return { fanout: rows, memory };
}

// ---------------------------------------------------------------- durable takes

function probeFigures(hub: BenchHub, m: ProbeMeasure, operations: number) {
  const idle = idleOf.get(hub);
  return {
    hub_cpu_ms_per_op: cpuPerOp(hub, m, operations),
    idle_hub_cpu_ms_per_s: idle ? round(idle.cpuMsPerS, 1) : null,
    idle_loop_delay_p99_ms: idle ? round(idle.loopDelayP99, 2) : null,
    hub_loop_active_ms_per_op: round(m.elu.activeMs / operations, 3),
    hub_loop_utilization: round(m.elu.utilization, 3),
    loop_delay_p50_ms: round(m.loopDelay.p50, 2),
    loop_delay_p99_ms: round(m.loopDelay.p99, 2),
    loop_delay_max_ms: round(m.loopDelay.max, 2),
    fdatasyncs: m.fs.datasyncs,
    fdatasync_p50_ms: m.fs.datasyncP50 === null ? null : round(m.fs.datasyncP50, 3),
    fdatasync_p99_ms: m.fs.datasyncP99 === null ? null : round(m.fs.datasyncP99, 3),
    ops_per_fdatasync: m.fs.datasyncs ? round(operations / m.fs.datasyncs, 2) : null,
  };
}

/** Throughput of successive tenths of a run: does it hold up as the day fills? */
function tenths(doneAt: number[], t0: number): number[] {
  const sorted = [...doneAt].sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(sorted.length / 10));
  const out: number[] = [];
  let prev = t0;
  for (let i = step - 1; i < sorted.length; i += step) {
    out.push(round(step / ((sorted[i]! - prev) / 1000), 0));
    prev = sorted[i]!;
  }
  return out;
}

interface TakeRun {
  latencies: number[];
  seconds: number;
  tenths: number[];
}

/** `clients` loops, each sending one take and waiting for its answer, until `total` were answered. */
async function closedLoop(clients: ((i: number) => Promise<unknown>)[], total: number): Promise<TakeRun> {
  let left = total;
  const latencies: number[] = [];
  const doneAt: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      while (left > 0) {
        left -= 1;
        const s = performance.now();
        await client(i);
        const e = performance.now();
        latencies.push(e - s);
        doneAt.push(e);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - t0) / 1000, tenths: tenths(doneAt, t0) };
}

/** The floor: 10 plain ws clients of the raw server's /taker (append + group-commit fdatasync + answer). */
async function floorTakers(port: number, n: number): Promise<{ take: (i: number) => Promise<unknown>; close: () => void }> {
  const sockets = await Promise.all(
    Array.from({ length: n }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/taker`);
      return new Promise<WebSocket>((r, j) => ws.once('open', () => r(ws)).once('error', j));
    }),
  );
  const waiting = new Map<string, () => void>();
  for (const ws of sockets) ws.on('message', (data) => waiting.get((JSON.parse(String(data)) as { id: string }).id)?.());
  return {
    take: (i) =>
      new Promise<void>((resolveTake) => {
        const id = randomUUID();
        waiting.set(id, () => {
          waiting.delete(id);
          resolveTake();
        });
        sockets[i]!.send(JSON.stringify({ id }));
      }),
    close: () => sockets.forEach((ws) => ws.close()),
  };
}

async function takePhase() {
  log(`\n== durable takes: ${PLAN.takeKiosks} kiosks, ${PLAN.takeTotal} tickets, each waiting for its ack (floor: plain ws + group-commit fdatasync, before and after)`);
  const { hub, dataDir } = await hubFor('take');
  const raw = forkChild(join(import.meta.dirname, 'raw-ws-server.ts'), { cwd: ROOT, env: { ...process.env, BENCH_DATA_DIR: dataDir } });
  cleanups.push(() => raw.stop());
  const { port: rawPort } = await raw.call<{ port: number }>('info');
  const floor = await floorTakers(rawPort, PLAN.takeKiosks);
  const floorTake = Array.from({ length: PLAN.takeKiosks }, () => floor.take);
  const kiosks = await Promise.all(Array.from({ length: PLAN.takeKiosks }, () => connect(hub.url, 'kiosk')));
  const hubTake = kiosks.map((kiosk) => () => take(kiosk));
  await closedLoop(floorTake, PLAN.takeWarmup);
  await closedLoop(hubTake, PLAN.takeWarmup);
  const floorBefore = await closedLoop(floorTake, Math.floor(PLAN.takeTotal / 2));
  await hub.probe.mark();
  const run = await closedLoop(hubTake, PLAN.takeTotal);
  const m = await measureHub(hub, 'take');
  const floorAfter = await closedLoop(floorTake, Math.floor(PLAN.takeTotal / 2));
  floor.close();
  await raw.call('close').catch(() => null);
  kiosks.forEach((k) => k.disconnect());
  // Every acknowledged ticket must be in the journal. Kill the hub hard first: nothing is flushed on
  // the way out (when profiling, stop it gently instead, or V8 cannot write the profile).
  await (options.hubProf ? hub.stop() : hub.kill());
  const journal = readFileSync(join(dataDir, 'journal', `${todayInCentre()}.jsonl`), 'utf8');
  const inJournal = journal.split('\n').filter((l) => l.includes('"ticket-taken"')).length;
  const acked = PLAN.takeWarmup + PLAN.takeTotal;
  const floorRate = (r: TakeRun) => round(r.latencies.length / r.seconds, 0);
  const result = {
    kiosks: PLAN.takeKiosks,
    tickets: PLAN.takeTotal,
    per_s: round(PLAN.takeTotal / run.seconds, 0),
    ack_p50_ms: round(percentile(run.latencies, 50)),
    ack_p99_ms: round(percentile(run.latencies, 99)),
    ack_max_ms: round(Math.max(...run.latencies)),
    durable: m.fs.datasyncs > 0 && inJournal >= acked,
    acked_in_journal_after_sigkill: `${inJournal}/${acked}${options.hubProf ? ' (graceful stop: profiling)' : ''}`,
    per_s_by_tenth: run.tenths,
    floor_per_s_before: floorRate(floorBefore),
    floor_per_s_after: floorRate(floorAfter),
    floor_ack_p50_ms: round(percentile([...floorBefore.latencies, ...floorAfter.latencies], 50)),
    floor_ack_p99_ms: round(percentile([...floorBefore.latencies, ...floorAfter.latencies], 99)),
    ...probeFigures(hub, m, PLAN.takeTotal),
  };
  log(
    `  hub:   ${result.per_s} takes/s, ack p50 ${ms(result.ack_p50_ms)} p99 ${ms(result.ack_p99_ms)} ms; ${result.fdatasyncs} fdatasyncs ` +
      `(${result.ops_per_fdatasync} takes each, p50 ${ms(result.fdatasync_p50_ms)} ms); hub CPU ${result.hub_cpu_ms_per_op} ms/take; journal ${result.acked_in_journal_after_sigkill}`,
  );
  log(`         takes/s by tenth of the run: ${result.per_s_by_tenth.join(' ')}`);
  log(`  floor: ${result.floor_per_s_before} / ${result.floor_per_s_after} takes/s (before / after), ack p50 ${ms(result.floor_ack_p50_ms)} p99 ${ms(result.floor_ack_p99_ms)} ms`);
  return result;
}

// ---------------------------------------------------------------- history

async function historyPhase() {
  log(`\n== history: one take when the day already holds N tickets (${PLAN.historyTakes} sequential takes each; 'served' sizes run ${PLAN.historyRepeats}x, in ABC CBA order)`);
  const runs: Record<string, unknown>[] = [];
  const day = todayInCentre();
  for (const scenario of PLAN.historyScenarios) {
    const sizes = PLAN.historySizes[scenario];
    const order = scenario === 'served' && PLAN.historyRepeats > 1 ? [...sizes, ...[...sizes].reverse()] : sizes;
    const takes = scenario === 'waiting' ? Math.min(PLAN.historyTakes, Q ? 30 : 300) : PLAN.historyTakes;
    for (const [i, n] of order.entries()) {
      let written = { records: 0, bytes: 0 };
      const { hub } = await hubFor(`history-${scenario}-${n}-${i}`, (dir) => (written = writeDayJournal(dir, { day, tickets: n, scenario, stillWaiting: 20 })));
      const startup = await hub.probe.startup();
      // A small centre's screens: a counter pad (staff + counter rooms), four displays, the kiosk.
      const counter = await counterPad(hub.url);
      const displays = await Promise.all(Array.from({ length: 4 }, () => connect(hub.url, 'display')));
      const kiosk = await connect(hub.url, 'kiosk');
      for (let w = 0; w < PLAN.historyWarmup; w++) await take(kiosk);
      await sleep(100);
      await hub.probe.mark();
      const latencies: number[] = [];
      for (let t = 0; t < takes; t++) {
        const s = performance.now();
        await take(kiosk);
        latencies.push(performance.now() - s);
      }
      await sleep(50);
      const m = await measureHub(hub, `history ${scenario} ${n}`);
      [counter, kiosk, ...displays].forEach((s) => s.disconnect());
      await hub.stop();
      const run = {
        day_tickets: n,
        scenario,
        takes,
        journal_records: written.records,
        take_p50_ms: round(percentile(latencies, 50)),
        take_p99_ms: round(percentile(latencies, 99)),
        loop_block_p99_ms: round(m.loopDelay.p99, 2),
        loop_block_max_ms: round(m.loopDelay.max, 2),
        hub_start_ms: startup.hubStartedMs === null ? null : round(startup.hubStartedMs, 0),
        ...probeFigures(hub, m, takes),
      };
      runs.push(run);
      log(
        `  ${scenario.padEnd(7)} ${String(n).padStart(5)} tickets: take p50 ${ms(run.take_p50_ms)} p99 ${ms(run.take_p99_ms)} ms | loop delay p99 ${ms(run.loop_block_p99_ms)} max ${ms(run.loop_block_max_ms)} ms (idle p99 ${ms(run.idle_loop_delay_p99_ms)})` +
          ` | hub CPU ${run.hub_cpu_ms_per_op} ms/take, loop busy ${run.hub_loop_active_ms_per_op} ms/take | started in ${run.hub_start_ms} ms`,
      );
    }
  }
  // One row per scenario and size: the mean of its runs (each figure), with the runs kept.
  const rows: Record<string, unknown>[] = [];
  for (const scenario of PLAN.historyScenarios) {
    for (const n of PLAN.historySizes[scenario]) {
      const same = runs.filter((r) => r.scenario === scenario && r.day_tickets === n);
      const row: Record<string, unknown> = { ...same[0]! };
      for (const [key, value] of Object.entries(row)) {
        if (typeof value === 'number' && key !== 'day_tickets' && key !== 'takes' && key !== 'journal_records')
          row[key] = round(same.reduce((sum, r) => sum + (r[key] as number), 0) / same.length, 3);
      }
      if (same.length > 1) row.runs_take_p50_ms = same.map((r) => r.take_p50_ms);
      rows.push(row);
    }
  }
  return rows;
}

// ---------------------------------------------------------------- startup with a year

async function startupPhase() {
  log(`\n== startup with a year of history (hub: ${options.hub === 'bundle' ? 'node dist/server/main.js, as npm start' : 'node --import tsx server/main.ts'})`);
  const yearDir = freshDataDir('year');
  const t0 = performance.now();
  const sizes = writeYear(yearDir, PLAN.year);
  const generateMs = performance.now() - t0;
  log(
    `  wrote ${PLAN.year.archivedDays} archived days (${PLAN.year.archivedTickets} tickets, ${round(sizes.archiveBytes / 2 ** 20, 1)} MB), today's journal (${PLAN.year.todayTickets} tickets)` +
      ` and ${PLAN.year.dossiers} dossiers (${round(sizes.registerBytes / 2 ** 20, 1)} MB) in ${round(generateMs, 0)} ms`,
  );
  const runs: { kind: string; spawnToReady: number; inProcess: number | null; probeLoaded: number; firstSnapshot: number; snapshotBlockMax: number }[] = [];
  const one = async (kind: 'empty' | 'year', dataDir: string) => {
    const hub = await startBenchHub({ dataDir, config: benchCentre(), runtime: options.hub, cpuProfDir: options.hubProf });
    const s = await hub.probe.startup();
    await hub.probe.mark();
    const c0 = performance.now();
    const display = await connect(hub.url, 'display');
    const firstSnapshot = performance.now() - c0;
    const m = await measureHub(hub, `first snapshot ${kind}`);
    display.disconnect();
    await hub.stop();
    runs.push({ kind, spawnToReady: hub.spawnToReadyMs, inProcess: s.hubStartedMs, probeLoaded: s.probeLoadedMs, firstSnapshot, snapshotBlockMax: m.loopDelay.max });
    log(
      `  ${kind.padEnd(5)}: spawn -> "hub started" ${ms(hub.spawnToReadyMs)} ms (in the hub: ${ms(s.hubStartedMs)} ms after the process began, preload at ${ms(s.probeLoadedMs)} ms);` +
        ` first display snapshot ${ms(firstSnapshot)} ms (loop blocked up to ${ms(m.loopDelay.max)} ms)`,
    );
  };
  const emptyDir = freshDataDir('empty');
  for (let i = 0; i < PLAN.startupRuns; i++) {
    // --quick skips the empty-folder baseline (one hub start less); the full run alternates them.
    if (!Q) await one('empty', emptyDir);
    await one('year', yearDir);
  }
  const of = (kind: string, f: 'spawnToReady' | 'probeLoaded' | 'firstSnapshot' | 'snapshotBlockMax') => median(runs.filter((r) => r.kind === kind).map((r) => r[f]));
  const inProc = (kind: string) => median(runs.filter((r) => r.kind === kind && r.inProcess !== null).map((r) => r.inProcess!));
  return {
    tickets: PLAN.year.archivedTickets + PLAN.year.todayTickets,
    archived_days: PLAN.year.archivedDays,
    dossiers: PLAN.year.dossiers,
    runs: PLAN.startupRuns,
    ms: round(of('year', 'spawnToReady'), 0),
    in_process_ms: round(inProc('year'), 0),
    empty_ms: round(of('empty', 'spawnToReady'), 0),
    empty_in_process_ms: round(inProc('empty'), 0),
    history_cost_ms: round(inProc('year') - inProc('empty'), 0),
    node_and_preload_ms: round(of('year', 'probeLoaded'), 0),
    first_snapshot_ms: round(of('year', 'firstSnapshot'), 1),
    first_snapshot_empty_ms: round(of('empty', 'firstSnapshot'), 1),
    first_snapshot_loop_block_ms: round(of('year', 'snapshotBlockMax'), 1),
  };
}

// ---------------------------------------------------------------- bundles

function bundlesPhase() {
  log('\n== bundles (gzip of first-load JS + CSS)');
  const webRoot = join(ROOT, 'dist', 'web');
  const apps = ['kiosk', 'display', 'counter'] as const;
  let sizes: Record<string, BundleSize> | null = null;
  for (let attempt = 0; attempt < 3 && !sizes; attempt++) {
    try {
      if (!apps.every((a) => existsSync(join(webRoot, a, 'index.html')))) {
        log('  dist/web is missing: npx vite build');
        execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
      }
      sizes = bundleSizes(webRoot, apps);
    } catch (error) {
      // Someone else may be rebuilding dist/web right now (it is emptied first): try again.
      log(`  could not read dist/web (${(error as Error).message.split('\n')[0]}), retrying`);
      execFileSync('sleep', ['3']);
    }
  }
  if (!sizes) throw new Error('could not measure the bundles');
  for (const app of apps) log(`  ${app.padEnd(8)} ${sizes[app]!.gzipKb} kB gzip (${sizes[app]!.rawKb} kB raw): ${sizes[app]!.files.join(', ')}`);
  return {
    gzip_kb: { kiosk: sizes.kiosk!.gzipKb, display: sizes.display!.gzipKb, counter: sizes.counter!.gzipKb },
    detail: sizes,
  };
}

// ---------------------------------------------------------------- main

/** Which hub code was measured (others change the working tree while we run): a hash of server/. */
function serverHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx|json)$/.test(entry.name)) hash.update(path.slice(ROOT.length)).update(readFileSync(path));
    }
  };
  walk(join(ROOT, 'server'));
  return hash.digest('hex').slice(0, 16);
}

function fileSystemOf(path: string): string {
  try {
    return execFileSync('df', ['-T', path], { encoding: 'utf8' }).split('\n')[1]?.split(/\s+/)[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main() {
  const wants = (phase: string) => !options.only || options.only.has(phase);
  const started = performance.now();
  const results: Record<string, unknown> = {
    meta: {
      mode: Q ? 'quick' : 'full',
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? 'unknown',
      loadavg_at_start: loadavg().map((v) => round(v, 2)),
      data_dir_fs: fileSystemOf(DATA_ROOT),
      server_sha256_16: serverHash(),
      hub_runtime: options.hub,
      plan: PLAN,
    },
  };
  // Only the phases that start a hub need it built (the catalog and the bundles do not).
  const hubPhases = ['fanout', 'take', 'history', 'startup', 'booking', 'province'];
  if (hubPhases.some(wants) || [...(options.only ?? [])].some((x) => x.startsWith('province:'))) {
    const hubRun = await prepareHub(options.hub);
    if (hubRun.built) log(`built the hub: ${hubRun.script}`);
  }
  log(`Lượt benchmark (${Q ? 'quick' : 'full'}, hub: ${options.hub}), data in ${DATA_ROOT} (${(results.meta as { data_dir_fs: string }).data_dir_fs}), load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  if (wants('bundles')) results.bundles_gzip_kb = bundlesPhase().gzip_kb;
  if (wants('fanout')) Object.assign(results, await fanoutPhase());
  if (wants('take')) results.take = await takePhase();
  if (wants('history')) results.history = await historyPhase();
  if (wants('startup')) results.startup = await startupPhase();
  if (wants('booking')) results.booking = await bookingPhase({ plan: PLAN.booking, dataDir: freshDataDir('booking'), runtime: options.hub, log, cpuProfDir: options.hubProf });
  const provinceParts = [...(options.only ?? [])].filter((x) => x.startsWith('province:')).map((x) => x.slice(9) as 'booking' | 'follow' | 'catchup');
  if (wants('province') || provinceParts.length > 0)
    results.province = await provincePhase({ plan: PLAN.province, dataDir: freshDataDir('province'), log, cpuProfDir: options.hubProf, ...(provinceParts.length > 0 ? { parts: provinceParts } : {}) });
  if (wants('catalog')) results.catalog = await catalogPhase({ plan: PLAN.catalog, log });
  results.targets = targets(results);
  if (options.hubProf) (results.meta as Record<string, unknown>).profile_windows = profileWindows;
  (results.meta as Record<string, unknown>).loadavg_at_end = loadavg().map((v) => round(v, 2));
  (results.meta as Record<string, unknown>).seconds = round((performance.now() - started) / 1000, 1);
  writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n');
  printTable(results);
  printTargets(results.targets as Target[]);
  log(`\nwrote ${options.out} in ${round((performance.now() - started) / 1000, 1)} s`);
}

interface Target {
  name: string;
  value: number | null;
  limit: string;
  met: boolean | null;
}

function targets(r: Record<string, unknown>): Target[] {
  const out: Target[] = [];
  const fan = (r.fanout as Record<string, number>[] | undefined)?.find((x) => x.clients === 100);
  if (fan) {
    out.push({ name: 'call -> last of 100 displays, p50 / raw ws p50', value: fan.hub_over_ws_p50!, limit: '<= 1.5', met: fan.hub_over_ws_p50! <= 1.5 });
    out.push({ name: 'call -> last of 100 displays, p99 ms', value: fan.hub_p99_ms!, limit: '< 50', met: fan.hub_p99_ms! < 50 });
  }
  const t = r.take as Record<string, number> | undefined;
  if (t) {
    out.push({ name: 'durable takes per second (10 kiosks)', value: t.per_s!, limit: '>= 2000', met: t.per_s! >= 2000 });
    out.push({ name: 'take ack p99 ms', value: t.ack_p99_ms!, limit: '< 25', met: t.ack_p99_ms! < 25 });
  }
  const h = r.history as { day_tickets: number; scenario: string; take_p50_ms: number }[] | undefined;
  if (h) {
    for (const scenario of ['served', 'waiting']) {
      const a = h.find((x) => x.scenario === scenario && x.day_tickets === 1_000);
      const b = h.find((x) => x.scenario === scenario && x.day_tickets === 40_000);
      if (a && b) {
        const ratio = round(b.take_p50_ms / a.take_p50_ms);
        out.push({ name: `take p50 at 40k / at 1k (${scenario})`, value: ratio, limit: '<= 1.3', met: ratio <= 1.3 });
      }
    }
  }
  const bk = r.booking as (Record<string, number> & { burst: Record<string, number>; cold: Record<string, number> }) | undefined;
  if (bk) {
    out.push({ name: `bookings that got a place (of ${bk.places})`, value: bk.succeeded!, limit: `= ${bk.places}`, met: bk.succeeded === bk.places });
    out.push({ name: 'bookings beyond a slot\'s places', value: bk.overbooked!, limit: '= 0', met: bk.overbooked === 0 });
    out.push({ name: 'confirmed bookings in the journal after SIGKILL, and taken after a restart', value: bk.confirmed_on_disk!, limit: `= ${bk.succeeded} and ${bk.taken_after_restart}`, met: bk.confirmed_on_disk === bk.succeeded && bk.taken_after_restart === bk.succeeded });
    out.push({ name: `booking hold ack p99 ms (${bk.clients} phones)`, value: bk.ack_p99_ms!, limit: '< 50', met: bk.ack_p99_ms! < 50 });
    out.push({ name: `booking attempts, ${bk.attempts} due over ${bk.spread_over_s} s: wall time ms`, value: bk.wall_ms!, limit: `< ${bk.spread_over_s! * 1000 + 500}`, met: bk.wall_ms! < bk.spread_over_s! * 1000 + 500 });
    const b = bk.burst;
    out.push({ name: `booking burst, ${b.attempts} attempts as fast as ${bk.clients} phones go: wall time ms`, value: b.wall_ms!, limit: `< ${bk.spread_over_s! * 1000}`, met: b.wall_ms! < bk.spread_over_s! * 1000 });
    out.push({ name: 'booking burst: booked, on disk, / beyond a slot\'s places', value: b.succeeded!, limit: `= ${bk.places} / 0`, met: b.succeeded === bk.places && b.overbooked === 0 && b.confirmed_on_disk === b.succeeded && b.taken_after_restart === b.succeeded });
    const c = bk.cold;
    out.push({ name: 'booking on a cold hub: booked, on disk, / beyond a slot\'s places', value: c.succeeded!, limit: `= ${bk.places} / 0`, met: c.succeeded === bk.places && c.overbooked === 0 && c.confirmed_on_disk === c.succeeded && c.taken_after_restart === c.succeeded });
  }
  const pv = r.province as { processes: number; booking?: Record<string, number>; follow?: Record<string, number>; catchup?: Record<string, number> } | undefined;
  if (pv?.booking) {
    const b = pv.booking;
    out.push({ name: `province: bookings that got a place (of ${b.places}, ${pv.processes} processes)`, value: b.succeeded!, limit: `= ${b.places}`, met: b.succeeded === b.places && b.confirmed_in_db === b.succeeded && b.codes_answered_not_in_db === 0 });
    out.push({ name: "province: bookings beyond a slot's places (PostgreSQL)", value: b.overbooked!, limit: '= 0', met: b.overbooked === 0 && b.slots_taken_over_capacity === 0 });
    out.push({ name: `province: hold ack p99 ms (${b.attempts} attempts, ${b.phones} phones)`, value: b.ack_p99_ms!, limit: '< 100', met: b.ack_p99_ms! < 100 });
    out.push({ name: `province: ${b.attempts} attempts due over ${b.spread_over_s} s, all answered: ms`, value: b.wall_ms!, limit: `< ${b.spread_over_s! * 1000 + 500}`, met: b.wall_ms! < b.spread_over_s! * 1000 + 500 });
  }
  if (pv?.follow) {
    const f = pv.follow;
    out.push({ name: `province: phones following (${pv.processes} processes)`, value: f.phones!, limit: `= ${f.phones_asked}`, met: f.phones === f.phones_asked && f.updates_missing === 0 });
    out.push({ name: 'province: call at the centre -> phone, p99 ms', value: f.call_to_phone_p99_ms!, limit: '< 250', met: f.call_to_phone_p99_ms! < 250 });
  }
  if (pv?.catchup) {
    const c = pv.catchup;
    out.push({ name: `province: centre back after a cut (${c.tickets} tickets, ${c.bookings} bookings): s to in sync`, value: c.seconds!, limit: '< 10', met: c.seconds! < 10 });
    out.push({ name: 'province: bookings lost / duplicated after the cut', value: c.lost! + c.duplicated!, limit: '= 0 / 0', met: c.lost === 0 && c.duplicated === 0 && c.journal_messages_missing === 0 && c.journal_messages_applied_twice === 0 });
  }
  const cat = r.catalog as { procedures: number; queries: number; recall_at_3: number; search_p99_ms: number; search_p99_where: string } | undefined;
  if (cat) {
    out.push({ name: `procedure search recall at 3 (${cat.queries} queries, ${cat.procedures} procedures)`, value: cat.recall_at_3, limit: '>= 0.95', met: cat.recall_at_3 >= 0.95 });
    out.push({ name: `procedure search p99 ms (${cat.search_p99_where})`, value: cat.search_p99_ms, limit: '< 20', met: cat.search_p99_ms < 20 });
  }
  const s = r.startup as Record<string, number> | undefined;
  if (s) out.push({ name: 'start with a year of history, ms (spawn -> ready)', value: s.ms!, limit: '< 1500', met: s.ms! < 1500 });
  const m = r.memory as Record<string, number> | undefined;
  if (m) out.push({ name: 'hub RSS with 500 displays, MB', value: m.rss_mb!, limit: '< 200', met: m.rss_mb! < 200 });
  return out;
}

/** The headline figures as one table (the JSON file has everything). */
function printTable(r: Record<string, unknown>) {
  const rows: [string, string, string][] = [];
  const v = (x: unknown) => (typeof x === 'number' ? (Number.isFinite(x) ? String(x) : '-') : x === null || x === undefined ? '-' : String(x));
  for (const f of (r.fanout as Record<string, number>[] | undefined) ?? [])
    rows.push([`call -> last of ${f.clients} displays`, `hub p50 ${v(f.hub_p50_ms)} / p99 ${v(f.hub_p99_ms)} ms`, `raw ws p50 ${v(f.ws_p50_ms)} / p99 ${v(f.ws_p99_ms)} ms (ws+fsync+view p50 ${v(f.ws_fsync_view_p50_ms)})`]);
  const t = r.take as Record<string, unknown> | undefined;
  if (t) rows.push([`durable takes, ${v(t.kiosks)} kiosks`, `${v(t.per_s)}/s, ack p50 ${v(t.ack_p50_ms)} / p99 ${v(t.ack_p99_ms)} ms`, `floor ${v(t.floor_per_s_before)} / ${v(t.floor_per_s_after)} per s`]);
  for (const h of (r.history as Record<string, unknown>[] | undefined) ?? [])
    rows.push([`take, day of ${v(h.day_tickets)} (${v(h.scenario)})`, `p50 ${v(h.take_p50_ms)} ms`, `loop delay p99 ${v(h.loop_block_p99_ms)} ms, hub CPU ${v(h.hub_cpu_ms_per_op)} ms/take`]);
  const s = r.startup as Record<string, unknown> | undefined;
  if (s) rows.push([`start with a year`, `${v(s.ms)} ms (empty ${v(s.empty_ms)} ms)`, `first snapshot ${v(s.first_snapshot_ms)} ms`]);
  const bk = r.booking as Record<string, unknown> | undefined;
  if (bk) {
    rows.push([`bookings, ${v(bk.clients)} phones`, `${v(bk.succeeded)}/${v(bk.places)} booked, ${v(bk.overbooked)} overbooked`, `hold ack p50 ${v(bk.ack_p50_ms)} / p99 ${v(bk.ack_p99_ms)} ms, ${v(bk.attempts)} in ${v(bk.wall_ms)} ms`]);
    const b = bk.burst as Record<string, unknown>;
    const c = bk.cold as Record<string, unknown>;
    rows.push([`bookings, cold hub`, `${v(c.succeeded)}/${v(bk.places)} booked, ${v(c.overbooked)} overbooked`, `hold ack p50 ${v(c.ack_p50_ms)} / p99 ${v(c.ack_p99_ms)} ms`]);
    rows.push([`bookings, burst`, `${v(b.succeeded)}/${v(bk.places)} booked, ${v(b.overbooked)} overbooked`, `${v(b.attempts)} in ${v(b.wall_ms)} ms (${v(b.attempts_per_s)}/s), hold ack p50 ${v(b.ack_p50_ms)} / p99 ${v(b.ack_p99_ms)} ms`]);
  }
  const pv = r.province as { processes: unknown; booking?: Record<string, unknown>; follow?: Record<string, unknown>; catchup?: Record<string, unknown> } | undefined;
  if (pv?.booking) {
    const b = pv.booking;
    rows.push([`province bookings, ${v(pv.processes)} processes`, `${v(b.succeeded)}/${v(b.places)} booked, ${v(b.overbooked)} overbooked`, `hold ack p50 ${v(b.ack_p50_ms)} / p99 ${v(b.ack_p99_ms)} ms, ${v(b.attempts)} in ${v(b.wall_ms)} ms`]);
  }
  if (pv?.follow) {
    const f = pv.follow;
    rows.push([`province follow, ${v(f.phones)} phones`, `call -> phone p50 ${v(f.call_to_phone_p50_ms)} / p99 ${v(f.call_to_phone_p99_ms)} ms`, `${v(f.updates_missing)} of ${v(f.updates_expected)} updates missing`]);
  }
  if (pv?.catchup) {
    const c = pv.catchup;
    rows.push([`province catch-up, ${v(c.tickets)} tickets + ${v(c.bookings)} bookings`, `in sync ${v(c.seconds)} s after the restore`, `${v(c.lost)} lost, ${v(c.duplicated)} duplicated (link up after ${v(c.link_up_after_s)} s)`]);
  }
  const m = r.memory as Record<string, unknown> | undefined;
  if (m) rows.push([`hub RSS, 500 displays`, `${v(m.rss_mb)} MB`, `idle ${v(m.rss_idle_mb)} MB`]);
  const cat = r.catalog as { procedures: number; queries: number; recall_at_3: number; node: Record<string, number>; chromium: Record<string, number>[] } | undefined;
  if (cat) {
    const c1 = cat.chromium.find((x) => x.cpu_throttling === 1);
    rows.push([`procedure search, ${cat.procedures} procedures`, `recall@3 ${v(cat.recall_at_3)} over ${cat.queries} queries`, `p99 Chromium ${v(c1?.search_p99_ms)} / Node ${v(cat.node.search_p99_ms)} ms (p50 ${v(c1?.search_p50_ms)} / ${v(cat.node.search_p50_ms)})`]);
  }
  const b = r.bundles_gzip_kb as Record<string, number> | undefined;
  if (b) rows.push(['bundles, gzip', `kiosk ${b.kiosk} / display ${b.display} / counter ${b.counter} kB`, '']);
  const w = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  log('\n== summary');
  for (const row of rows) log(`  ${row[0].padEnd(w[0]!)}  ${row[1].padEnd(w[1]!)}  ${row[2]}`);
}

function printTargets(list: Target[]) {
  log('\n== targets');
  for (const t of list) log(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.value} (${t.limit})`);
}

const cleanup = async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  if (!options.keep) rmSync(DATA_ROOT, { recursive: true, force: true });
  else log(`data kept in ${DATA_ROOT}`);
};

process.once('SIGINT', () => {
  void cleanup().then(() => process.exit(130));
});

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    console.error('benchmark failed:', error);
    await cleanup();
    process.exit(1);
  });
