import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ProvinceProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** The id the process gave itself (its health answer and its logs carry it). */
  processId: string;
  output: () => string;
}

/**
 * Runs the real province process (node --import tsx server/province/province-main.ts), as in
 * production, so a test can kill it with SIGKILL. Resolves when it has logged that it started
 * (after its migrations, with its Redis adapter and its outbox listener in place).
 */
export function spawnProvince(settings: { databaseUrl: string; redisUrl?: string }, env: Record<string, string> = {}): Promise<ProvinceProcess> {
  // node --import tsx, not the tsx command: that one forks, and SIGKILL would orphan the real process.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'province', 'province-main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      LUOT_PROVINCE_DATABASE_URL: settings.databaseUrl,
      LUOT_REDIS_URL: settings.redisUrl ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LUOT_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind the test that gave up on it.
      child.kill('SIGKILL');
      reject(new Error(`province did not start:\n${out}`));
    }, 50_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"province started","port":(\d+),"processId":"([^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${match[1]}`, port: Number(match[1]), processId: match[2]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`province exited with ${code ?? signal}:\n${out}`));
    });
  });
}

/** SIGKILL: no shutdown hook runs, its sockets and PostgreSQL connections drop as in a crash. */
export function killHard(proc: { child: ChildProcess }): Promise<void> {
  return new Promise((resolve) => {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return resolve();
    proc.child.once('exit', () => resolve());
    proc.child.kill('SIGKILL');
  });
}
