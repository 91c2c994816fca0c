import { fork, type ChildProcess } from 'node:child_process';

/**
 * Request/answer over the Node IPC channel between the benchmark driver and its child processes
 * (the hub's probe, the display-client workers, the raw ws server). Children may also push events.
 */

interface Request {
  rpc: number;
  cmd: string;
  args: unknown;
}
interface Answer {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
interface Push {
  event: string;
  data: unknown;
}

export interface Child {
  readonly process: ChildProcess;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  on(event: string, listener: (data: unknown) => void): () => void;
  /** stdout + stderr so far (when piped). */
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface ForkOptions {
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  args?: string[];
  cwd?: string;
  /** Called with every chunk of output (stdout and stderr). */
  onOutput?: (chunk: string) => void;
}

export function forkChild(script: string, options: ForkOptions = {}): Child {
  const child = fork(script, options.args ?? [], {
    execArgv: options.execArgv ?? ['--import', 'tsx'],
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  let out = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    if (out.length > 200_000) out = out.slice(-100_000);
    options.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  child.on('message', (message: unknown) => {
    const m = message as Partial<Answer & Push>;
    if (typeof m.rpc === 'number') {
      const w = waiting.get(m.rpc);
      if (!w) return;
      waiting.delete(m.rpc);
      clearTimeout(w.timer);
      if (m.ok) w.resolve(m.result);
      else w.reject(new Error(m.error ?? 'child failed'));
    } else if (typeof m.event === 'string') {
      for (const l of listeners.get(m.event) ?? []) l(m.data);
    }
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      for (const w of waiting.values()) {
        clearTimeout(w.timer);
        w.reject(new Error(`child ${script} exited (${code}) before answering\n${out.slice(-4000)}`));
      }
      waiting.clear();
      resolve(code);
    });
  });
  return {
    process: child,
    exited,
    output: () => out,
    call<T>(cmd: string, args: unknown = null, timeoutMs = 60_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`child ${script} is not connected`));
        const rpc = next++;
        const timer = setTimeout(() => {
          waiting.delete(rpc);
          reject(new Error(`child ${script}: ${cmd} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(rpc, { resolve: resolve as (v: unknown) => void, reject, timer });
        child.send({ rpc, cmd, args } satisfies Request);
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child's side: answers requests with the given handlers. */
export function serveRpc(handlers: Record<string, (args: never) => unknown>): void {
  process.on('message', (message: unknown) => {
    const m = message as Partial<Request>;
    if (typeof m.rpc !== 'number' || typeof m.cmd !== 'string') return;
    const rpc = m.rpc;
    const handler = handlers[m.cmd];
    const reply = (answer: Answer) => {
      if (process.connected) process.send!(answer);
    };
    if (!handler) return reply({ rpc, ok: false, error: `unknown command ${m.cmd}` });
    Promise.resolve()
      .then(() => handler(m.args as never))
      .then(
        (result) => reply({ rpc, ok: true, result }),
        (error: unknown) => reply({ rpc, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
}

export function pushEvent(event: string, data: unknown): void {
  if (process.connected) process.send!({ event, data } satisfies Push);
}
