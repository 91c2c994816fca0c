import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createPubSubAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import pg from 'pg';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';

/**
 * Several Socket.IO servers in one process, joined by one of Socket.IO's official adapters, each
 * reaching Redis or PostgreSQL through its own TCP proxy so that one server's adapter link can be
 * cut and restored (test/province/adapter-resume.test.ts, test/bench/adapter-compare.ts).
 */

// ---------------------------------------------------------------------------------------------
// The TCP proxy

/**
 * Forwards TCP connections to `target`. `cut()` resets every forwarded connection and refuses
 * (accepts, then resets) new ones until `restore()`: to the client library this looks like a
 * Redis or PostgreSQL that went away with a reset, not like a silent black hole.
 */
export class LinkProxy {
  /** performance.now() of every connection forwarded. */
  readonly acceptedAt: number[] = [];
  /** Connections reset by cut(), and connection attempts refused while down. */
  resetByCut = 0;
  refused = 0;
  #down = false;
  readonly #pairs = new Set<[Socket, Socket]>();

  #target: { host: string; port: number };

  private constructor(
    readonly server: TcpServer,
    target: { host: string; port: number },
  ) {
    this.#target = target;
    server.on('connection', (client) => this.#forward(client));
  }

  static async start(target: { host: string; port: number }): Promise<LinkProxy> {
    const server = createTcpServer();
    const proxy = new LinkProxy(server, target);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Where new connections are forwarded. */
  get target(): { host: string; port: number } {
    return this.#target;
  }

  /**
   * Forwards new connections to another address from now on (as a reverse proxy fails over to
   * another upstream); connections already forwarded are left as they are.
   */
  retarget(target: { host: string; port: number }): void {
    this.#target = target;
  }

  get isDown(): boolean {
    return this.#down;
  }

  /** How many connections are forwarded now. */
  get open(): number {
    return this.#pairs.size;
  }

  #forward(client: Socket): void {
    if (this.#down) {
      this.refused++;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    this.acceptedAt.push(performance.now());
    const upstream = tcpConnect({ host: this.#target.host, port: this.#target.port });
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const end = () => {
      if (!this.#pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    for (const s of pair) {
      s.on('error', end);
      s.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Resets every forwarded connection and refuses new ones. Returns how many were reset. */
  cut(): number {
    this.#down = true;
    const pairs = [...this.#pairs];
    this.#pairs.clear();
    for (const [client, upstream] of pairs) {
      // RST towards the library (ECONNRESET), and the server side closed too.
      if (!client.destroyed) client.resetAndDestroy();
      upstream.destroy();
    }
    this.resetByCut += pairs.length;
    return pairs.length;
  }

  restore(): void {
    this.#down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
}

function throughProxy(url: string, proxy: LinkProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

// ---------------------------------------------------------------------------------------------
// Servers joined by an adapter

export type AdapterKind = 'redis-streams' | 'redis-pubsub' | 'postgres';
export const ADAPTER_KINDS: readonly AdapterKind[] = ['redis-streams', 'redis-pubsub', 'postgres'];

/**
 * node-redis's reconnect strategy for the adapter's clients. The default (redis 6.4,
 * @redis/client/dist/lib/client/socket.js defaultReconnectStrategy) is 50 ms * 2^retries capped
 * at 2 s, plus 0-200 ms, and it gives up on a socket timeout. Capping at 500 ms means a server
 * is back on Redis within about half a second of Redis coming back; three connections per
 * process retrying twice a second cost Redis nothing. It never gives up: a province process
 * without Redis is useless, and giving up would leave it silently cut off for good.
 */
export function redisReconnectStrategy(retries: number): number {
  return Math.min(50 * 2 ** retries, 500) + Math.floor(Math.random() * 100);
}

export interface StreamsSettings {
  /** XADD MAXLEN ~ (approximate trimming): how many broadcasts Redis keeps for a cut server to resume from. */
  maxLen: number;
  /** Entries per XREAD while catching up. */
  readCount: number;
  /** XREAD BLOCK. */
  blockTimeInMs: number;
}

export const DEFAULT_STREAMS_SETTINGS: StreamsSettings = { maxLen: 10_000, readCount: 100, blockTimeInMs: 5_000 };

export interface ClusterOptions {
  kind: AdapterKind;
  servers: number;
  /** Needed for the redis kinds. */
  redisUrl?: string;
  /** Needed for postgres: an (empty) database the adapter may use. */
  pgUrl?: string;
  /** Unique prefix for the stream, channels and keys (uniqueName()). */
  prefix: string;
  streams?: Partial<StreamsSettings>;
  /**
   * postgres only: attach an 'error' listener to every pg client the pool creates. Without it a
   * lost LISTEN connection throws an unhandled 'error' event and ends the process (see
   * test/bench/adapter-compare.ts, "pg crash probe"). Default true.
   */
  pgClientErrorListener?: boolean;
  /** postgres only: pg.Pool max (default 4). */
  pgPoolMax?: number;
}

export interface ClusterNode {
  name: string;
  io: Server;
  http: HttpServer;
  /** http://127.0.0.1:port of this Socket.IO server. */
  url: string;
  /** The proxy between this server's adapter and Redis/PostgreSQL. */
  proxy: LinkProxy;
  /** Errors the adapter's Redis/pg clients reported (reconnections show here). */
  linkErrors: number;
  /** postgres: the pool's counts (pg-pool totalCount/idleCount/waitingCount). */
  pool?: pg.Pool;
  /** postgres: whether pool.end() failed to finish within a second at close (a leaked client). */
  poolEndHung?: boolean;
  close(): Promise<void>;
}

export interface Cluster {
  kind: AdapterKind;
  nodes: ClusterNode[];
  /** The adapter options in force, for reports. */
  settings: Record<string, unknown>;
  /** Stops every server and its clients; removes the Redis stream (the caller drops the database). */
  close(): Promise<void>;
}

async function listen(io: Server): Promise<{ http: HttpServer; url: string }> {
  const http = createHttpServer();
  io.attach(http);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  return { http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

interface Closable {
  close(): Promise<unknown>;
  destroy(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Closes gracefully (pending commands, e.g. the adapter's UNSUBSCRIBEs, finish), then for good. */
async function closeRedis(client: Closable): Promise<void> {
  await Promise.race([client.close().catch(() => undefined), sleep(1_000)]);
  try {
    client.destroy();
  } catch {
    /* closed already */
  }
}

async function redisClientThrough(redisUrl: string, proxy: LinkProxy, onError: () => void) {
  const client = createClient({ url: throughProxy(redisUrl, proxy), socket: { reconnectStrategy: redisReconnectStrategy } });
  // node-redis emits 'error' on every lost connection (and retries); without a listener it throws.
  client.on('error', onError);
  await client.connect();
  return client;
}

/** The table the postgres adapter uses for payloads over 8000 bytes (its README's schema). */
export async function preparePostgresAdapterTable(pgUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`);
  } finally {
    await client.end();
  }
}

async function startNode(options: ClusterOptions, index: number, settings: Record<string, unknown>): Promise<ClusterNode> {
  const name = String.fromCharCode(65 + index);
  const { kind, prefix } = options;
  const upstreamUrl = kind === 'postgres' ? options.pgUrl : options.redisUrl;
  if (!upstreamUrl) throw new Error(`${kind} needs ${kind === 'postgres' ? 'pgUrl' : 'redisUrl'}`);
  const proxy = await LinkProxy.start(hostPort(upstreamUrl, kind === 'postgres' ? 5432 : 6379));
  const node = { linkErrors: 0 } as ClusterNode;
  const onError = () => void node.linkErrors++;
  const io = new Server({ transports: ['websocket'], serveClient: false });
  const closers: (() => Promise<unknown> | unknown)[] = [];

  if (kind === 'redis-streams') {
    const client = await redisClientThrough(upstreamUrl, proxy, onError);
    const s = { ...DEFAULT_STREAMS_SETTINGS, ...options.streams };
    // The adapter duplicates this client twice (one blocking XREAD loop, one Pub/Sub client for
    // the ephemeral messages); duplicates keep the URL (so the proxy) and the reconnect strategy.
    io.adapter(createStreamsAdapter(client, { streamName: `${prefix}:stream`, channelPrefix: `${prefix}:ch`, sessionKeyPrefix: `${prefix}:session:`, maxLen: s.maxLen, readCount: s.readCount, blockTimeInMs: s.blockTimeInMs, onlyPlaintext: true }));
    closers.push(() => closeRedis(client));
  } else if (kind === 'redis-pubsub') {
    const pub = await redisClientThrough(upstreamUrl, proxy, onError);
    const sub = pub.duplicate();
    sub.on('error', onError);
    await sub.connect();
    io.adapter(createPubSubAdapter(pub, sub, { key: `${prefix}:pubsub` }));
    closers.push(() => closeRedis(sub), () => closeRedis(pub));
  } else {
    const pool = new pg.Pool({ connectionString: throughProxy(upstreamUrl, proxy), max: options.pgPoolMax ?? 4, connectionTimeoutMillis: 2_000 });
    // An idle pool client that loses its connection makes the pool emit 'error': throws if unheard.
    pool.on('error', onError);
    if (options.pgClientErrorListener ?? true) {
      // The adapter keeps one client checked out for LISTEN and never listens for its 'error'.
      pool.on('connect', (client) => client.on('error', onError));
    }
    io.adapter(createPostgresAdapter(pool, { channelPrefix: `${prefix}:pg`, errorHandler: onError }));
    node.pool = pool;
    // pool.end() waits for every checked-out client to be released; the adapter never releases a
    // LISTEN client whose connection died (util.js, 'end' handler), so after a cut it never ends.
    closers.push(() =>
      Promise.race([
        pool.end().then(() => (node.poolEndHung = false)),
        sleep(1_000).then(() => (node.poolEndHung ??= true)),
      ]),
    );
  }

  const { http, url } = await listen(io);
  return Object.assign(node, {
    name,
    io,
    http,
    url,
    proxy,
    async close() {
      // Aborts the adapter's loops (the streams adapter disconnects its XREAD client once the
      // pending XREAD returns, which the proxy's close below forces).
      await io.close();
      http.closeAllConnections();
      for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
      await proxy.close();
    },
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const settings: Record<string, unknown> = { servers: options.servers, transports: ['websocket'] };
  if (options.kind === 'redis-streams') Object.assign(settings, DEFAULT_STREAMS_SETTINGS, options.streams, { reconnectStrategy: 'min(50 ms * 2^retries, 500 ms) + 0-100 ms, never gives up' });
  if (options.kind === 'redis-pubsub') settings.reconnectStrategy = 'min(50 ms * 2^retries, 500 ms) + 0-100 ms, never gives up';
  if (options.kind === 'postgres') {
    if (!options.pgUrl) throw new Error('postgres needs pgUrl');
    await preparePostgresAdapterTable(options.pgUrl);
    Object.assign(settings, { poolMax: options.pgPoolMax ?? 4, connectionTimeoutMillis: 2_000, clientErrorListener: options.pgClientErrorListener ?? true, adapterReconnect: 'built in: 1-3 s after the LISTEN client ends' });
  }
  const nodes: ClusterNode[] = [];
  try {
    for (let i = 0; i < options.servers; i++) nodes.push(await startNode(options, i, settings));
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.close()));
    throw err;
  }
  return {
    kind: options.kind,
    nodes,
    settings,
    async close() {
      await Promise.allSettled(nodes.map((n) => n.close()));
      if (options.kind === 'redis-streams' && options.redisUrl) {
        const admin = createClient({ url: options.redisUrl });
        admin.on('error', () => undefined);
        await admin.connect();
        try {
          await admin.del(`${options.prefix}:stream`);
          for await (const keys of admin.scanIterator({ MATCH: `${options.prefix}:*`, COUNT: 100 })) {
            if (keys.length > 0) await admin.del(keys);
          }
        } finally {
          admin.destroy();
        }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Clients and what they receive

export interface Tick {
  n: number;
  /** performance.now() on the emitting server (same process). */
  sentAt: number;
}

export interface Follower {
  socket: ClientSocket;
  /** The server it is connected to. */
  node: string;
  /** n and arrival time (performance.now()) of every 'tick', in arrival order. */
  arrivals: { n: number; sentAt: number; at: number }[];
  /** The distinct n received (since the last resetFollowers). */
  seen: Set<number>;
  disconnects: number;
}

/**
 * A socket.io-client that records every 'tick'. Reconnection on (it is not what we cut, but a
 * screen must survive a lost server): 0.5-1.5 s first delay, doubling up to 5 s, randomised
 * so that a thousand phones do not come back in the same millisecond.
 */
export function follow(url: string, node: string): Promise<Follower> {
  const socket = connectClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.5,
    timeout: 10_000,
  });
  const follower: Follower = { socket, node, arrivals: [], seen: new Set(), disconnects: 0 };
  socket.on('tick', (tick: Tick) => {
    follower.arrivals.push({ n: tick.n, sentAt: tick.sentAt, at: performance.now() });
    follower.seen.add(tick.n);
  });
  socket.on('disconnect', () => follower.disconnects++);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(follower));
    socket.once('connect_error', reject);
  });
}

/** `count` followers spread round-robin over the cluster's servers, connected `batch` at a time. */
export async function followAll(cluster: Cluster, count: number, batch = 50): Promise<Follower[]> {
  const followers: Follower[] = [];
  for (let i = 0; i < count; i += batch) {
    const wave = [];
    for (let j = i; j < Math.min(count, i + batch); j++) {
      const node = cluster.nodes[j % cluster.nodes.length]!;
      wave.push(follow(node.url, node.name));
    }
    followers.push(...(await Promise.all(wave)));
  }
  return followers;
}

export function closeFollowers(followers: Follower[]): void {
  for (const f of followers) {
    f.socket.removeAllListeners();
    f.socket.disconnect();
  }
}

/**
 * Emits 'probe' from `from` until every follower has one: the adapters subscribe asynchronously
 * after the server starts (the streams adapter's XREAD starts at '$'), so a broadcast sent before
 * that is not for everyone. Throws after `timeoutMs`.
 */
export async function untilLinked(from: Server, followers: Follower[], timeoutMs = 10_000): Promise<void> {
  const got = new Set<Follower>();
  const listeners = followers.map((f) => {
    const l = () => got.add(f);
    f.socket.on('probe', l);
    return () => f.socket.off('probe', l);
  });
  const deadline = performance.now() + timeoutMs;
  try {
    while (got.size < followers.length) {
      if (performance.now() > deadline) throw new Error(`only ${got.size} of ${followers.length} clients hear the cluster`);
      from.emit('probe');
      await sleep(100);
    }
    await sleep(200); // let the last probes land before counting ticks
  } finally {
    for (const off of listeners) off();
  }
}

export interface TickRun {
  count: number;
  /** sentAt of tick n is sent[n - 1]. */
  sent: number[];
  startedAt: number;
  endedAt: number;
}

/**
 * Emits `count` numbered ticks from `from`, one every `intervalMs` on an absolute schedule (no
 * drift), calling `at[k]` just before tick k (to cut or restore a link at a known point).
 */
export async function emitTicks(from: Server, count: number, intervalMs: number, at: Record<number, () => void> = {}): Promise<TickRun> {
  const sent: number[] = [];
  const startedAt = performance.now();
  for (let n = 1; n <= count; n++) {
    const due = startedAt + (n - 1) * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    at[n]?.();
    const sentAt = performance.now();
    sent.push(sentAt);
    from.emit('tick', { n, sentAt } satisfies Tick);
  }
  return { count, sent, startedAt, endedAt: performance.now() };
}

/** Forgets what the followers received (between runs). */
export function resetFollowers(followers: Follower[]): void {
  for (const f of followers) {
    f.arrivals.length = 0;
    f.seen.clear();
  }
}

/**
 * Waits until every follower has every tick 1..count, or nothing arrived anywhere for `quietMs`
 * (what was lost stays lost), or `timeoutMs`; then `graceMs` more for duplicates to show.
 * Not "until the last tick": an adapter that reorders delivers the last tick before others.
 * Returns whether every follower had every tick.
 */
export async function drain(followers: Follower[], count: number, timeoutMs: number, quietMs = 1_000, graceMs = 300): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  const complete = () => followers.every((f) => f.seen.size >= count);
  const lastArrival = () => followers.reduce((t, f) => Math.max(t, f.arrivals.at(-1)?.at ?? 0), 0);
  let all = complete();
  while (!all && performance.now() < deadline && performance.now() - lastArrival() < quietMs) {
    await sleep(50);
    all = complete();
  }
  await sleep(graceMs);
  return complete();
}

export interface Delivery {
  received: number;
  lost: number[];
  duplicated: number;
  outOfOrder: number;
}

/** What one follower got of ticks 1..count. */
export function delivery(f: Follower, count: number): Delivery {
  const seen = new Set<number>();
  let duplicated = 0;
  let outOfOrder = 0;
  let highest = 0;
  for (const { n } of f.arrivals) {
    if (seen.has(n)) duplicated++;
    else if (n < highest) outOfOrder++;
    seen.add(n);
    highest = Math.max(highest, n);
  }
  const lost: number[] = [];
  for (let n = 1; n <= count; n++) if (!seen.has(n)) lost.push(n);
  return { received: f.arrivals.length, lost, duplicated, outOfOrder };
}
