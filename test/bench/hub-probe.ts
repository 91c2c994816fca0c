/**
 * Bench-only preload for the hub process: compiled to dist/bench/hub-probe.js for the compiled hub
 * (node --import dist/bench/hub-probe.js dist/server/main.js), or through tsx for the sources
 * (node --import tsx --import test/bench/hub-probe.ts server/main.ts); see hub-runner.ts. It adds
 * nothing to the hub's code: it watches from the outside and answers the benchmark driver over the
 * IPC channel.
 *
 * - event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution), event-loop utilisation
 *   and CPU time (process.cpuUsage) between a `mark` and a `measure`;
 * - the hub's own start time: performance.now() (ms since this process began) when the hub writes
 *   its "hub started" log line;
 * - fdatasync and write calls on file handles (count and duration), by wrapping FileHandle's
 *   prototype: how the journal's group commit actually batches. A write on a file opened with
 *   O_DSYNC (the journal's, on Linux; flags read from /proc/self/fdinfo) is durable when it returns:
 *   it is counted and traced as a write immediately followed by its fdatasync;
 * - Socket.IO broadcasts (BroadcastOperator.prototype.emit wrapped): how long writing one event to
 *   a room takes; and when websocket frames arrive (ws WebSocket.prototype.emit('message'));
 * - memory (process.memoryUsage).
 */
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { serveRpc } from './ipc';

const probeLoadedMs = performance.now();
let hubStartedMs: number | null = null;

// The hub logs JSON lines to stdout; note when the "hub started" line is written.
const stdoutWrite = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
process.stdout.write = ((...args: unknown[]) => {
  const chunk = args[0];
  if (hubStartedMs === null && typeof chunk === 'string' && chunk.includes('"msg":"hub started"')) hubStartedMs = performance.now();
  return stdoutWrite(...args);
}) as typeof process.stdout.write;

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();

interface FsCounters {
  datasyncs: number[];
  writes: number;
  writeBytes: number;
  writeMs: number;
}
let fsCounters: FsCounters = { datasyncs: [], writes: 0, writeBytes: 0, writeMs: 0 };
/** The last file writes and fdatasyncs, in CLOCK_MONOTONIC µs: where a command's time goes. */
let fsTrace: { op: 'write' | 'datasync'; startUs: number; endUs: number }[] = [];
const monoUs = () => Number(process.hrtime.bigint() / 1000n);
const traceOp = (op: 'write' | 'datasync', startUs: number) => {
  if (fsTrace.length >= 10_000) fsTrace.shift();
  fsTrace.push({ op, startUs, endUs: monoUs() });
};

{
  const handle = await open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(handle) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  await handle.close();
  const datasync = proto.datasync!;
  proto.datasync = async function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    const startUs = monoUs();
    try {
      return await datasync.apply(this, args);
    } finally {
      traceOp('datasync', startUs);
      if (fsCounters.datasyncs.length < 1_000_000) fsCounters.datasyncs.push(performance.now() - t0);
    }
  };
  const O_DSYNC = 0o10000; // Linux
  const synced = new Map<number, boolean>();
  const isSynced = (fd: number): boolean => {
    let known = synced.get(fd);
    if (known === undefined) {
      try {
        const flags = /flags:\s*([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
        known = flags !== undefined && (parseInt(flags, 8) & O_DSYNC) !== 0;
      } catch {
        known = false;
      }
      synced.set(fd, known);
    }
    return known;
  };
  // A closed descriptor's number is given to the next file opened: forget what it was.
  const close = proto.close!;
  proto.close = function (this: { fd: number }, ...args: unknown[]) {
    synced.delete(this.fd);
    return close.apply(this, args);
  };
  const write = proto.write!;
  proto.write = async function (this: { fd: number }, ...args: unknown[]) {
    const t0 = performance.now();
    const startUs = monoUs();
    const dsync = isSynced(this.fd);
    try {
      return await write.apply(this, args);
    } finally {
      if (dsync) {
        // The write and its fdatasync in one: a zero-length write, then the sync for its duration.
        if (fsTrace.length >= 10_000) fsTrace.shift();
        fsTrace.push({ op: 'write', startUs, endUs: startUs });
        traceOp('datasync', startUs);
        if (fsCounters.datasyncs.length < 1_000_000) fsCounters.datasyncs.push(performance.now() - t0);
      } else traceOp('write', startUs);
      fsCounters.writes += 1;
      const data = args[0];
      fsCounters.writeBytes += Buffer.isBuffer(data) ? data.length : typeof data === 'string' ? Buffer.byteLength(data) : 0;
      fsCounters.writeMs += performance.now() - t0;
    }
  };
}

// Socket.IO broadcasts (io.to(room).emit): how long the hub spends writing one event to a room.
let emitTrace: { event: string; startUs: number; endUs: number }[] = [];
{
  const { Server } = await import('socket.io');
  const scratch = new Server();
  const proto = Object.getPrototypeOf(scratch.to('probe')) as { emit: (...args: unknown[]) => boolean };
  // Not closed: a Server that was never attached to an HTTP server holds no handle.
  const emit = proto.emit;
  proto.emit = function (this: unknown, ...args: unknown[]) {
    const startUs = monoUs();
    try {
      return emit.apply(this, args);
    } finally {
      if (emitTrace.length >= 10_000) emitTrace.shift();
      emitTrace.push({ event: String(args[0]), startUs, endUs: monoUs() });
    }
  };
}

// Frames the hub receives (ws 'message' events of engine.io's sockets): when a command arrived.
let receiveTrace: number[] = [];
{
  const { default: WebSocket } = await import('ws');
  const proto = WebSocket.prototype as unknown as { emit: (...args: unknown[]) => boolean };
  const emit = proto.emit;
  proto.emit = function (this: unknown, ...args: unknown[]) {
    if (args[0] === 'message') {
      if (receiveTrace.length >= 10_000) receiveTrace.shift();
      receiveTrace.push(monoUs());
    }
    return emit.apply(this, args);
  };
}

let markElu: EventLoopUtilization = performance.eventLoopUtilization();
let markCpu = process.cpuUsage();
let markAt = performance.now();
let markMonoUs = process.hrtime.bigint() / 1000n;

const ns = (v: number) => v / 1e6;

if (process.send) {
  serveRpc({
    startup: () => ({ probeLoadedMs, hubStartedMs, timeOrigin: performance.timeOrigin }),
    mark: () => {
      delay.reset();
      markElu = performance.eventLoopUtilization();
      markCpu = process.cpuUsage();
      markAt = performance.now();
      markMonoUs = process.hrtime.bigint() / 1000n;
      fsCounters = { datasyncs: [], writes: 0, writeBytes: 0, writeMs: 0 };
      return null;
    },
    measure: () => {
      const elu = performance.eventLoopUtilization(markElu);
      const cpu = process.cpuUsage(markCpu);
      const syncs = [...fsCounters.datasyncs].sort((a, b) => a - b);
      const pick = (p: number) => (syncs.length ? syncs[Math.min(syncs.length - 1, Math.ceil((p / 100) * syncs.length) - 1)]! : null);
      return {
        wallMs: performance.now() - markAt,
        // CLOCK_MONOTONIC in µs, the clock of V8's CPU profiles: the window to look at in a profile.
        window: { pid: process.pid, fromUs: Number(markMonoUs), toUs: Number(process.hrtime.bigint() / 1000n) },
        loopDelay: {
          count: delay.count,
          p50: ns(delay.percentile(50)),
          p90: ns(delay.percentile(90)),
          p99: ns(delay.percentile(99)),
          max: ns(delay.max),
          mean: ns(delay.mean),
        },
        elu: { activeMs: elu.active, idleMs: elu.idle, utilization: elu.utilization },
        cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
        fs: {
          datasyncs: syncs.length,
          datasyncMsTotal: syncs.reduce((s, v) => s + v, 0),
          datasyncP50: pick(50),
          datasyncP99: pick(99),
          writes: fsCounters.writes,
          writeBytes: fsCounters.writeBytes,
          writeMsTotal: fsCounters.writeMs,
        },
      };
    },
    mem: () => process.memoryUsage(),
    /** The file operations since the last call (and forget them). */
    fsTrace: () => {
      const out = fsTrace;
      fsTrace = [];
      return out;
    },
    emitTrace: () => {
      const out = emitTrace;
      emitTrace = [];
      return out;
    },
    receiveTrace: () => {
      const out = receiveTrace;
      receiveTrace = [];
      return out;
    },
  });
  // The channel must not keep the hub alive or change how it stops; but if the benchmark driver
  // goes away without stopping it, stop the hub the way an operator would (SIGTERM, main.ts).
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.channel?.unref();
}
