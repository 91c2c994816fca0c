import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CentreConfigInput } from '../../server/config/centre-config';

const ROOT = join(import.meta.dirname, '..', '..');

export interface HubProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * Runs the real hub as its own process (npx tsx server/main.ts), as in production, so a test can
 * kill it with SIGKILL. Resolves when the hub has logged that it started.
 */
export function spawnHub(dataDir: string, config: CentreConfigInput, env: Record<string, string> = {}): Promise<HubProcess> {
  const configFile = join(dataDir, '..', `centre-${process.pid}.json`);
  writeFileSync(configFile, JSON.stringify(config));
  // node --import tsx, not the tsx command: that one forks, and SIGKILL would orphan the real hub.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LUOT_DATA_DIR: dataDir, LUOT_CONFIG: configFile, LUOT_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out}`)), 50_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"hub started","port":(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${match[1]}`, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}:\n${out}`));
    });
  });
}

export function killHard(hub: HubProcess): Promise<void> {
  return new Promise((resolve) => {
    if (hub.child.exitCode !== null || hub.child.signalCode !== null) return resolve();
    hub.child.once('exit', () => resolve());
    hub.child.kill('SIGKILL');
  });
}
