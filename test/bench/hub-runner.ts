import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { CentreConfigInput } from '../../server/config/centre-config';
import { ensureHubBuilt, HUB_MAIN } from '../../server/tools/build-hub';
import { forkChild, type Child } from './ipc';

export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * How the benchmark runs the hub. `bundle` (the default) as `npm start` does: the compiled hub
 * (`node --enable-source-maps dist/server/main.js`), built first if missing or older than its
 * sources. `tsx`: the sources through tsx (`npm run start:tsx`; the tests start the hub this way).
 */
export type HubRuntime = 'bundle' | 'tsx';

export interface PreparedHub {
  runtime: HubRuntime;
  script: string;
  execArgv: string[];
  /** The bundle was (re)built for this run. */
  built: boolean;
}

let prepared: Promise<PreparedHub> | null = null;
let preparedFor: HubRuntime | null = null;

/**
 * Builds what the runtime needs, once per benchmark run (the working tree may change while it
 * runs: every hub of a run is the same build). For the bundle the probe is compiled too, into
 * dist/bench/ (inside the project, so its `import('socket.io')` finds the hub's own copy): loading
 * it through tsx would put tsx's loader hooks back in front of every module the hub loads.
 */
export function prepareHub(runtime: HubRuntime): Promise<PreparedHub> {
  if (prepared && preparedFor === runtime) return prepared;
  preparedFor = runtime;
  prepared = (async (): Promise<PreparedHub> => {
    if (runtime === 'tsx') {
      const probe = pathToFileURL(join(import.meta.dirname, 'hub-probe.ts')).href;
      return { runtime, script: join(ROOT, 'server', 'main.ts'), execArgv: ['--import', 'tsx', '--import', probe], built: false };
    }
    const built = await ensureHubBuilt();
    const probeOut = join(ROOT, 'dist', 'bench', 'hub-probe.js');
    mkdirSync(join(ROOT, 'dist', 'bench'), { recursive: true });
    await build({
      entryPoints: [join(import.meta.dirname, 'hub-probe.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: probeOut,
      logLevel: 'warning',
    });
    return { runtime, script: HUB_MAIN, execArgv: ['--enable-source-maps', '--import', pathToFileURL(probeOut).href], built };
  })();
  return prepared;
}

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
 * Starts the real hub as its own process on 127.0.0.1, port 0, as `npm start` runs it (or from
 * the sources through tsx: `runtime`), with the bench probe preloaded and an IPC channel to it.
 * Resolves when the hub has logged "hub started".
 */
export async function startBenchHub(options: {
  dataDir: string;
  config: CentreConfigInput;
  /** Default: the compiled bundle, as `npm start`. */
  runtime?: HubRuntime;
  /** Folder for a V8 CPU profile of the hub (node --cpu-prof), written when it stops. */
  cpuProfDir?: string | null;
  timeoutMs?: number;
}): Promise<BenchHub> {
  // Before the clock starts: building is not part of starting.
  const hubRun = await prepareHub(options.runtime ?? 'bundle');
  const configFile = join(options.dataDir, '..', `${options.dataDir.split('/').pop()}-centre.json`);
  writeFileSync(configFile, JSON.stringify(options.config));
  const prof = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  let resolveReady!: (port: number) => void;
  const ready = new Promise<number>((resolve) => (resolveReady = resolve));
  let seen = '';
  const t0 = performance.now();
  const child = forkChild(hubRun.script, {
    execArgv: [...hubRun.execArgv, ...prof],
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
