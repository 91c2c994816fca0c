import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { CentreConfigInput } from '../../server/config/centre-config';
import { forkChild, type Child } from './ipc';

export const ROOT = join(import.meta.dirname, '..', '..');
const PROBE = pathToFileURL(join(import.meta.dirname, 'hub-probe.ts')).href;

export interface BenchHub {
  child: Child;
  url: string;
  port: number;
  /** Measured by the driver: fork() until the "hub started" line arrived on the pipe. */
  spawnToReadyMs: number;
  probe: HubProbe;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface ProbeMeasure {
  wallMs: number;
  window: { pid: number; fromUs: number; toUs: number };
  loopDelay: { count: number; p50: number; p90: number; p99: number; max: number; mean: number };
  elu: { activeMs: number; idleMs: number; utilization: number };
  cpu: { userMs: number; systemMs: number };
  fs: {
    datasyncs: number;
    datasyncMsTotal: number;
    datasyncP50: number | null;
    datasyncP99: number | null;
    writes: number;
    writeBytes: number;
    writeMsTotal: number;
  };
}

export interface HubProbe {
  startup(): Promise<{ probeLoadedMs: number; hubStartedMs: number | null; timeOrigin: number }>;
  mark(): Promise<void>;
  measure(): Promise<ProbeMeasure>;
  mem(): Promise<NodeJS.MemoryUsage>;
  fsTrace(): Promise<{ op: 'write' | 'datasync'; startUs: number; endUs: number }[]>;
  emitTrace(): Promise<{ event: string; startUs: number; endUs: number }[]>;
  receiveTrace(): Promise<number[]>;
}

/**
 * Starts the real hub (server/main.ts) as its own process on 127.0.0.1, port 0, with the bench
 * probe preloaded and an IPC channel to it. Resolves when the hub has logged "hub started".
 */
export async function startBenchHub(options: {
  dataDir: string;
  config: CentreConfigInput;
  /** Folder for a V8 CPU profile of the hub (node --cpu-prof), written when it stops. */
  cpuProfDir?: string | null;
  timeoutMs?: number;
}): Promise<BenchHub> {
  const configFile = join(options.dataDir, '..', `${options.dataDir.split('/').pop()}-centre.json`);
  writeFileSync(configFile, JSON.stringify(options.config));
  const prof = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  let resolveReady!: (port: number) => void;
  const ready = new Promise<number>((resolve) => (resolveReady = resolve));
  let seen = '';
  const t0 = performance.now();
  const child = forkChild(join(ROOT, 'server', 'main.ts'), {
    execArgv: ['--import', 'tsx', '--import', PROBE, ...prof],
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LUOT_DATA_DIR: options.dataDir,
      LUOT_CONFIG: configFile,
      LUOT_LOG_LEVEL: 'info',
    },
    onOutput(chunk) {
      seen += chunk;
      const match = /"msg":"hub started","port":(\d+)/.exec(seen);
      if (match) resolveReady(Number(match[1]));
      if (seen.length > 100_000) seen = seen.slice(-10_000);
    },
  });
  const timeout = options.timeoutMs ?? 60_000;
  const port = await Promise.race([
    ready,
    child.exited.then((code) => {
      throw new Error(`hub exited (${code}) before it started:\n${child.output().slice(-4000)}`);
    }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hub did not start within ${timeout} ms:\n${child.output().slice(-4000)}`)), timeout).unref()),
  ]);
  const spawnToReadyMs = performance.now() - t0;
  const probe: HubProbe = {
    startup: () => child.call('startup'),
    mark: () => child.call('mark'),
    measure: () => child.call('measure'),
    mem: () => child.call('mem'),
    fsTrace: () => child.call('fsTrace'),
    emitTrace: () => child.call('emitTrace'),
    receiveTrace: () => child.call('receiveTrace'),
  };
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    port,
    spawnToReadyMs,
    probe,
    stop: () => child.stop('SIGTERM', 15_000),
    kill: () => child.stop('SIGKILL', 1_000),
  };
}
