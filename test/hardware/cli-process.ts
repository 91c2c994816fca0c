/**
 * Runs one of the hardware command-line tools as its own process (node --import tsx, as the npm
 * scripts do, without the extra fork of the tsx command, so that a kill reaches the tool itself)
 * and watches what it prints. Not a test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr as they came. */
  output(): string;
  /** Resolves when the output matches (rejects if the process ends first or after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (a signal name if killed); rejects after timeoutMs. */
  exited(timeoutMs?: number): Promise<number | string>;
  write(text: string): void;
  /** Kills it (SIGKILL unless told otherwise) if it still runs, and waits for it. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const alive = new Set<ChildProcess>();
process.once('exit', () => alive.forEach((c) => c.kill('SIGKILL')));

/** Runs `node --import tsx <script> ...args` from the repository root. */
export function runCli(script: string, args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  return runProcess(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], env);
}

/** Runs a command from the repository root; an env entry set to undefined is removed. */
export function runProcess(command: string, args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(fullEnv)) if (value === undefined) delete fullEnv[key];
  const child = spawn(command, args, { cwd: ROOT, env: fullEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  alive.add(child);
  let out = '';
  let err = '';
  let all = '';
  const watchers = new Set<() => void>();
  const changed = () => watchers.forEach((w) => w());
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    all += text;
    changed();
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    err += text;
    all += text;
    changed();
  });
  const ended = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      alive.delete(child);
      resolve(code ?? signal ?? -1);
      changed();
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    output: () => all,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${all}`)), timeoutMs);
        const done = (error: Error | null) => {
          clearTimeout(timer);
          watchers.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (pattern.test(all)) done(null);
          else if (!running()) done(new Error(`exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; output:\n${all}`));
        };
        watchers.add(check);
        check();
      });
    },
    exited(timeoutMs = 10_000) {
      return Promise.race([
        ended,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms; output:\n${all}`)), timeoutMs).unref()),
      ]);
    },
    write(text) {
      child.stdin!.write(text);
    },
    async kill(signal = 'SIGKILL') {
      if (!running()) return;
      child.kill(signal);
      await ended;
    },
  };
}
