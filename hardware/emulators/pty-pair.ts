/**
 * A pair of pseudo-terminals joined by socat: the application opens `appPath` as if it were the
 * device's serial port, and an emulator sits on `devPath`. Killing socat is unplugging the device;
 * restart() plugs it back on the same paths.
 *
 *   socat -d -d pty,raw,echo=0,link=<dir>/app pty,raw,echo=0,link=<dir>/dev
 *
 * For tests and the simulator; needs socat (Debian package `socat`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SerialPort } from 'serialport';

export interface PtyPair {
  /** The folder holding both links. */
  readonly dir: string;
  /** The application's end (what a DeviceConfig's `path` names). */
  readonly appPath: string;
  /** The device's end (where an emulator listens). */
  readonly devPath: string;
  /** Whether socat is running. */
  readonly running: boolean;
  /** Unplugs: stops socat (its links disappear). Resolves when it has exited. */
  kill(): Promise<void>;
  /** Plugs back: kills socat if it runs, starts a new one on the same link paths. */
  restart(): Promise<void>;
  /** Kills socat and removes the folder if this pair made it. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Where the links go, made if missing (default: a new folder under the system's temp folder). */
  dir?: string;
  /** The socat binary (default: found on PATH, or /usr/bin/socat). */
  socat?: string;
  /** How long socat has to print both "PTY is" lines (default 5 s). */
  readyTimeoutMs?: number;
}

/** The path of socat, or null when it is not installed. */
export function findSocat(): string | null {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== '').map((d) => join(d, 'socat')), '/usr/bin/socat'];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test run or simulator that ends without close() must not leave socat behind.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export async function startPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const socat = options.socat ?? findSocat();
  if (socat === null) throw new Error('socat is not installed (Debian package "socat")');
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'luot-pty-'));
  mkdirSync(dir, { recursive: true });
  const appPath = join(dir, 'app');
  const devPath = join(dir, 'dev');
  const readyTimeoutMs = options.readyTimeoutMs ?? 5000;
  let child: ChildProcess | null = null;
  installExitHook();

  const launch = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // Links left by a socat that could not clean up would make the new one fail.
      rmSync(appPath, { force: true });
      rmSync(devPath, { force: true });
      const proc = spawn(socat, ['-d', '-d', `pty,raw,echo=0,link=${appPath}`, `pty,raw,echo=0,link=${devPath}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = proc;
      running.add(proc);
      let output = '';
      let seen = 0;
      let settled = false;
      const settle = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === null) resolve();
        else {
          proc.kill('SIGKILL');
          reject(error);
        }
      };
      const timer = setTimeout(() => settle(new Error(`socat did not start in ${readyTimeoutMs} ms: ${output.slice(-500)}`)), readyTimeoutMs);
      proc.stderr?.setEncoding('utf8');
      proc.stderr?.on('data', (text: string) => {
        if (settled) return; // keep draining the pipe, but stop collecting
        output += text;
        seen = (output.match(/PTY is /g) ?? []).length;
        if (seen >= 2) void waitForLinks().then(() => settle(null), settle);
      });
      proc.once('error', (error) => settle(error));
      proc.once('exit', (code, signal) => {
        running.delete(proc);
        settle(new Error(`socat exited (${code ?? signal}) before it was ready: ${output.slice(-500)}`));
      });
    });

  const waitForLinks = async (): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    while (!(existsSync(appPath) && existsSync(devPath))) {
      if (Date.now() > deadline) throw new Error('socat printed its PTY lines but the links did not appear');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => proc.kill('SIGKILL'), 2000);
      proc.once('exit', () => {
        clearTimeout(force);
        running.delete(proc);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  };

  await launch();

  return {
    dir,
    appPath,
    devPath,
    get running() {
      const proc = child as ChildProcess | null;
      return proc !== null && proc.exitCode === null && proc.signalCode === null;
    },
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async close() {
      await kill();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The device end of a pty (or any serial path) opened for an emulator. */
export interface DevicePort {
  readonly port: SerialPort;
  close(): Promise<void>;
}

/**
 * Opens a serial path for an emulator with the real binding. Errors (EIO once socat is gone) are
 * swallowed: an emulator's port dies with its pty, and the test makes a new one after restart().
 */
export function openDevicePort(path: string, baudRate = 9600): Promise<DevicePort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.on('error', () => undefined);
    port.open((error) => {
      if (error) {
        reject(error);
        return;
      }
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            if (!port.isOpen) {
              done();
              return;
            }
            port.close(() => done());
          }),
      });
    });
  });
}
