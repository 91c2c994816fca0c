/**
 * Which Socket.IO adapter between province processes (a diagnostic beside `npm run bench`, not part of it):
 *   node --import tsx test/bench/adapter-compare.ts [--clients 300] [--only redis-streams,redis-pubsub,postgres]
 *
 * For each adapter: 3 Socket.IO servers in this process (port 0, websocket only), each reaching
 * Redis/PostgreSQL through its own TCP proxy (test/helpers/adapter-cluster.ts), and socket.io-client
 * clients spread over them. Server A emits a numbered 'tick' every 10 ms.
 *   baseline       1,000 ticks, no cut: broadcast-to-client latency.
 *   receiverCut    1,000 ticks; before tick 351 server B's adapter link is cut (every proxied
 *                  connection reset, new ones refused) and before tick 651 (3 s later) restored.
 *                  Per client: lost, duplicated, out of order; latency before / during / after.
 *   publisherCut   500 ticks; A's own link is cut for 2 s (ticks 101-300): what the emitter's
 *                  own clients and the others see.
 * postgres also: pgProbes.withoutErrorListener (a child process, the adapter used as its README
 * shows, with no 'error' listener on the pool's clients: does a lost LISTEN connection end the
 * process?) and pgProbes.repeatedCuts (pool max 2, B cut three times: does B hear A afterwards?).
 * Progress on stderr, one JSON object on stdout. All in one process on loopback: latencies include
 * this process's event-loop queueing of 300 clients and 3 servers sharing two cores.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient } from 'redis';
import {
  ADAPTER_KINDS,
  closeFollowers,
  delivery,
  drain,
  emitTicks,
  followAll,
  resetFollowers,
  startCluster,
  untilLinked,
  type AdapterKind,
  type Cluster,
  type ClusterNode,
  type Follower,
  type TickRun,
} from '../helpers/adapter-cluster';
import { createTestDatabase, testRedisUrl, uniqueName, type TestDatabase } from '../helpers/database-servers';
import { percentile, round, sleep } from './stats';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INTERVAL_MS = 10;
const BASELINE_TICKS = 1_000;
const CUT_RUN = { ticks: 1_000, cutBeforeTick: 351, restoreBeforeTick: 651 };
const PUBLISHER_CUT_RUN = { ticks: 500, cutBeforeTick: 101, restoreBeforeTick: 301 };

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const log = (...args: unknown[]) => console.error('[adapter-compare]', ...args);

// ---------------------------------------------------------------------------------------------
// Child mode: the postgres adapter without an 'error' listener on the pool's clients.

if (process.argv.includes('--pg-crash-probe')) {
  const pgUrl = option('--pg-crash-probe')!;
  const cluster = await startCluster({ kind: 'postgres', servers: 2, pgUrl, prefix: uniqueName('adapter-bench-probe'), pgClientErrorListener: false });
  const followers = await followAll(cluster, 4);
  await untilLinked(cluster.nodes[0]!.io, followers);
  console.error('cutting B');
  cluster.nodes[1]!.proxy.cut();
  await sleep(3_000);
  cluster.nodes[1]!.proxy.restore();
  console.error('survived the cut');
  closeFollowers(followers);
  await cluster.close();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Unhandled rejections. @socket.io/redis-adapter publishes without handling the promise
// (dist/index.js, broadcast(): `this.pubClient.publish(channel, msg);`), so a PUBLISH that
// node-redis rejects when the link drops is an unhandled rejection, which ends a Node 20 process
// by default. The bench counts them per scenario instead, so that the other figures can be had;
// they are in the JSON as `unhandledRejections` (a real server would have died there).

let scenario = 'setup';
const unhandled: { scenario: string; message: string }[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push({ scenario, message: reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason) });
});
function unhandledIn(name: string) {
  const mine = unhandled.filter((u) => u.scenario === name);
  return { count: mine.length, messages: [...new Set(mine.map((u) => u.message))] };
}

// ---------------------------------------------------------------------------------------------
// Figures

type Phase = 'before' | 'during' | 'after';
interface Window {
  cutAt: number;
  restoredAt: number;
}

function latency(values: number[]) {
  if (values.length === 0) return { n: 0 };
  return { n: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(values.reduce((m, v) => Math.max(m, v), -Infinity)) };
}

function phaseOf(sentAt: number, w: Window | undefined): Phase {
  if (!w || sentAt < w.cutAt) return 'before';
  return sentAt < w.restoredAt ? 'during' : 'after';
}

/** What a group of followers got of a run; `w` splits by when each tick was sent. */
function summarise(followers: Follower[], run: TickRun, w?: Window, cutGroup = false) {
  const lat: Record<Phase, number[]> = { before: [], during: [], after: [] };
  const lostBy: Record<Phase, number> = { before: 0, during: 0, after: 0 };
  let duplicated = 0;
  let outOfOrder = 0;
  let lost = 0;
  let minLost = Infinity;
  let maxLost = 0;
  let recovered = 0;
  const firstAfterRestore: number[] = [];
  let backlogDelivered = 0;
  for (const f of followers) {
    const d = delivery(f, run.count);
    duplicated += d.duplicated;
    outOfOrder += d.outOfOrder;
    lost += d.lost.length;
    minLost = Math.min(minLost, d.lost.length);
    maxLost = Math.max(maxLost, d.lost.length);
    for (const n of d.lost) lostBy[phaseOf(run.sent[n - 1]!, w)]++;
    const seen = new Set<number>();
    for (const a of f.arrivals) {
      if (seen.has(a.n)) continue; // latency of first arrivals only
      seen.add(a.n);
      const phase = phaseOf(a.sentAt, w);
      lat[phase].push(a.at - a.sentAt);
      if (w && phase === 'during') backlogDelivered = Math.max(backlogDelivered, a.at - w.restoredAt);
    }
    if (d.lost.length === 0) recovered++;
    if (w) {
      const first = f.arrivals.find((a) => a.at >= w.restoredAt && a.sentAt >= w.cutAt);
      if (first) firstAfterRestore.push(first.at - w.restoredAt);
    }
  }
  const result: Record<string, unknown> = {
    clients: followers.length,
    ticksPerClient: run.count,
    lost: w ? { total: lost, perClientMin: minLost, perClientMax: maxLost, sentBeforeCut: lostBy.before, sentDuringCut: lostBy.during, sentAfterRestore: lostBy.after } : { total: lost, perClientMax: maxLost },
    duplicated,
    outOfOrder,
    latencyMs: w ? { beforeCut: latency(lat.before), sentDuringCut: latency(lat.during), afterRestore: latency(lat.after) } : latency(lat.before),
    clientsWithEveryTick: recovered,
    socketIoDisconnects: followers.reduce((s, f) => s + f.disconnects, 0),
  };
  if (w && cutGroup) {
    result.firstTickAfterRestoreMs = firstAfterRestore.length ? { p50: round(percentile(firstAfterRestore, 50)), max: round(firstAfterRestore.reduce((m, v) => Math.max(m, v), -Infinity)), clients: firstAfterRestore.length } : null;
    result.backlogDeliveredByMsAfterRestore = lat.during.length ? round(backlogDelivered) : null;
  }
  return result;
}


function linkBackMs(node: ClusterNode, w: Window): number | null {
  const first = node.proxy.acceptedAt.find((t) => t >= w.restoredAt);
  return first === undefined ? null : round(first - w.restoredAt);
}

/** Runs `ticks` from A, cutting `cut`'s link between the two given ticks. */
async function cutRun(cluster: Cluster, followers: Follower[], cut: ClusterNode, plan: { ticks: number; cutBeforeTick: number; restoreBeforeTick: number }, drainMs: number) {
  const a = cluster.nodes[0]!;
  const w: Window = { cutAt: NaN, restoredAt: NaN };
  let reset = 0;
  const errorsBefore = cut.linkErrors;
  const run = await emitTicks(a.io, plan.ticks, INTERVAL_MS, {
    [plan.cutBeforeTick]: () => {
      w.cutAt = performance.now();
      reset = cut.proxy.cut();
    },
    [plan.restoreBeforeTick]: () => {
      w.restoredAt = performance.now();
      cut.proxy.restore();
    },
  });
  const everyTick = await drain(followers, plan.ticks, drainMs, 1_500);
  const link = {
    cutMs: round(w.restoredAt - w.cutAt),
    connectionsReset: reset,
    connectAttemptsRefusedWhileCut: cut.proxy.refused,
    firstAdapterReconnectMsAfterRestore: linkBackMs(cut, w),
    clientLibraryErrors: cut.linkErrors - errorsBefore,
    everyClientGotEveryTick: everyTick,
  };
  return { run, w, link };
}

/** This process's CPU use and the machine's load while an adapter was measured (2 cores, shared). */
function machine(t0: number, cpu0: NodeJS.CpuUsage, load0: number) {
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  return { loadavg1mStart: round(load0), loadavg1mEnd: round(loadavg()[0]!), thisProcessCpuPercentOfOneCore: round(((cpu.user + cpu.system) / 1000 / wall) * 100, 0) };
}

// ---------------------------------------------------------------------------------------------
// One adapter

async function measure(kind: AdapterKind, clients: number, redisUrl: string) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const load0 = loadavg()[0]!;
  let db: TestDatabase | null = null;
  let cluster: Cluster | null = null;
  let followers: Follower[] = [];
  try {
    if (kind === 'postgres') db = await createTestDatabase('adapter_bench');
    cluster = await startCluster({ kind, servers: 3, redisUrl, pgUrl: db?.url, prefix: uniqueName(`adapter-bench-${kind}`) });
    const [A, B, C] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    followers = await followAll(cluster, clients);
    await untilLinked(A.io, followers);
    const on = (...names: string[]) => followers.filter((f) => names.includes(f.node));
    log(kind, `${followers.length} clients on ${cluster.nodes.length} servers; baseline`);

    scenario = `${kind} baseline`;
    const base = await emitTicks(A.io, BASELINE_TICKS, INTERVAL_MS);
    const baselineComplete = await drain(followers, BASELINE_TICKS, 8_000, 1_500);
    const baseline = { everyClientGotEveryTick: baselineComplete, unhandledRejections: unhandledIn(scenario), all: summarise(followers, base), onEmitter: latency(on('A').flatMap((f) => f.arrivals.map((x) => x.at - x.sentAt))), onOthers: latency(on('B', 'C').flatMap((f) => f.arrivals.map((x) => x.at - x.sentAt))) };
    resetFollowers(followers);

    log(kind, 'receiver cut (B, 3 s)');
    scenario = `${kind} receiverCut`;
    const rc = await cutRun(cluster, followers, B, CUT_RUN, 7_000);
    const receiverCut = { unhandledRejections: unhandledIn(scenario), link: rc.link, cutServerClients: summarise(on('B'), rc.run, rc.w, true), otherClients: summarise(on('A', 'C'), rc.run, rc.w) };
    const pgAfterCut = B.pool ? { totalCount: B.pool.totalCount, idleCount: B.pool.idleCount, waitingCount: B.pool.waitingCount } : undefined;
    resetFollowers(followers);
    await sleep(500);

    log(kind, 'publisher cut (A, 2 s)');
    scenario = `${kind} publisherCut`;
    const pc = await cutRun(cluster, followers, A, PUBLISHER_CUT_RUN, 7_000);
    const publisherCut = { unhandledRejections: unhandledIn(scenario), link: pc.link, emitterClients: summarise(on('A'), pc.run, pc.w, true), otherClients: summarise(on('B', 'C'), pc.run, pc.w, true) };
    resetFollowers(followers);

    scenario = `${kind} close`;
    closeFollowers(followers);
    followers = [];
    await cluster.close();
    const closedCluster = cluster;
    cluster = null;
    const postgres =
      kind === 'postgres'
        ? {
            poolAfterReceiverCutOnB: pgAfterCut,
            poolEndHungAtClose: Object.fromEntries(closedCluster.nodes.map((n) => [n.name, n.poolEndHung ?? null])),
          }
        : undefined;
    return { settings: closedCluster.settings, baseline, receiverCut, publisherCut, ...(postgres ? { postgres } : {}), machine: machine(t0, cpu0, load0), seconds: round((performance.now() - t0) / 1000, 1) };
  } finally {
    closeFollowers(followers);
    if (cluster) await cluster.close();
    if (db) await db.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// postgres probes

async function pgWithoutErrorListener() {
  const db = await createTestDatabase('adapter_probe');
  try {
    const self = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--pg-crash-probe', db.url], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, signal] = (await new Promise((resolve) => child.once('exit', (c, s) => resolve([c, s])))) as [number | null, string | null];
    clearTimeout(timer);
    const lines = stderr.split('\n');
    const unhandled = lines.findIndex((l) => l.includes("Unhandled 'error' event"));
    return {
      exitCode: code,
      signal,
      cutReached: stderr.includes('cutting B'),
      survived: stderr.includes('survived the cut') && code === 0,
      error: unhandled < 0 ? null : lines.slice(unhandled, unhandled + 10).map((l) => l.trim()).filter((l) => /Error|Emitted|_handleErrorEvent|Unhandled/.test(l)),
    };
  } finally {
    await db.drop();
  }
}

async function pgRepeatedCuts() {
  const db = await createTestDatabase('adapter_probe');
  const cluster = await startCluster({ kind: 'postgres', servers: 2, pgUrl: db.url, prefix: uniqueName('adapter-bench-repeat'), pgPoolMax: 2 });
  const followers = await followAll(cluster, 4);
  try {
    await untilLinked(cluster.nodes[0]!.io, followers);
    const B = cluster.nodes[1]!;
    const onB = followers.filter((f) => f.node === 'B');
    const rounds = [];
    for (let i = 1; i <= 3; i++) {
      B.proxy.cut();
      await sleep(500);
      B.proxy.restore();
      const t = performance.now();
      let heard: number | null = null;
      try {
        await untilLinked(cluster.nodes[0]!.io, onB, 5_000);
        heard = round(performance.now() - t);
      } catch {
        heard = null;
      }
      rounds.push({ cut: i, bHearsAgainAfterMs: heard, bPool: { totalCount: B.pool!.totalCount, idleCount: B.pool!.idleCount, waitingCount: B.pool!.waitingCount } });
      log('postgres repeated cut', i, heard === null ? 'B deaf after 5 s' : `B hears A after ${heard} ms`);
    }
    return { poolMax: 2, cutMs: 500, rounds };
  } finally {
    closeFollowers(followers);
    await cluster.close();
    await db.drop();
  }
}

// ---------------------------------------------------------------------------------------------

function version(pkg: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

const started = performance.now();
const clients = Number(option('--clients') ?? 300);
const only = option('--only')?.split(',') as AdapterKind[] | undefined;
const kinds = only ?? [...ADAPTER_KINDS];
const redisUrl = await testRedisUrl();

const admin = createClient({ url: redisUrl });
admin.on('error', () => undefined);
await admin.connect();
const redisVersion = /redis_version:(\S+)/.exec(await admin.info('server'))?.[1] ?? null;
const pgAdmin = await createTestDatabase('adapter_version');
const pgClient = new pg.Client({ connectionString: pgAdmin.url });
await pgClient.connect();
const pgVersion = ((await pgClient.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
await pgClient.end();
await pgAdmin.drop();

const adapters: Record<string, unknown> = {};
for (const kind of kinds) {
  adapters[kind] = await measure(kind, clients, redisUrl);
  log(kind, 'done');
}
scenario = 'pg probes';
const pgProbes = kinds.includes('postgres') ? { withoutErrorListener: await pgWithoutErrorListener(), repeatedCuts: await pgRepeatedCuts() } : undefined;

let leftoverRedisKeys = 0;
for await (const keys of admin.scanIterator({ MATCH: 'luot-test:adapter-bench*', COUNT: 1000 })) leftoverRedisKeys += keys.length;
admin.destroy();
await sleep(3_500); // long enough for a pending reconnection to show
const leftHandles = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');

console.log(
  JSON.stringify(
    {
      bench: 'adapter-compare',
      at: new Date().toISOString(),
      node: process.version,
      versions: {
        'socket.io': version('socket.io'),
        'socket.io-client': version('socket.io-client'),
        'socket.io-adapter': version('socket.io-adapter'),
        '@socket.io/redis-streams-adapter': version('@socket.io/redis-streams-adapter'),
        '@socket.io/redis-adapter': version('@socket.io/redis-adapter'),
        '@socket.io/postgres-adapter': version('@socket.io/postgres-adapter'),
        redis: version('redis'),
        pg: version('pg'),
        'pg-pool': version('pg-pool'),
        redisServer: redisVersion,
        postgresServer: pgVersion,
      },
      setup: { servers: 3, clients, intervalMs: INTERVAL_MS, baselineTicks: BASELINE_TICKS, receiverCut: CUT_RUN, publisherCut: PUBLISHER_CUT_RUN, cut: 'proxy resets every connection of that server (RST) and resets new ones until restored' },
      adapters,
      ...(pgProbes ? { pgProbes } : {}),
      unhandledRejectionsOutsideScenarios: unhandled.filter((u) => !/(baseline|receiverCut|publisherCut)$/.test(u.scenario)),
      leftoverRedisKeys,
      handlesLeftAtEnd: leftHandles,
      seconds: round((performance.now() - started) / 1000, 1),
    },
    null,
    2,
  ),
);
// Everything this script started is closed above. What still keeps the event loop alive is the
// postgres adapter's reconnection loop: PubSubClient.close() (util.js) clears the timer it knows of,
// but an initClient() still waiting in pool.connect() schedules a new one when it fails, for ever
// (handlesLeftAtEnd shows it). Hence the explicit exit.
if (leftHandles.length > 0) log('still alive at the end:', leftHandles.join(', '), '- exiting');
process.exit(0);
