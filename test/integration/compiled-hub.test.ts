import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/project-root';
import { ensureHubBuilt, HUB_MAIN, HUB_OUT_DIR } from '../../server/tools/build-hub';
import { tempDataDir } from '../helpers/hub-fixture';

/**
 * The compiled hub, as `npm start` runs it (node --enable-source-maps dist/server/main.js): every
 * file it reads at run time (the demo centre, the landing page, the built screens, the voice clips)
 * is found from dist/server/ as from server/, and the device host stays out of the start.
 */

let running: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  running = [];
});

/** Starts dist/server/main.js with the demo centre (no LUOT_CONFIG), as a fresh install does; resolves once it printed its addresses. */
function startCompiled(dataDir: string): Promise<{ url: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LUOT_DATA_DIR: dataDir, LUOT_LOG_LEVEL: 'info' };
  delete env.LUOT_CONFIG;
  const child = spawn(process.execPath, ['--enable-source-maps', HUB_MAIN], {
    // Not the project's folder: the hub must not depend on where it is started from.
    cwd: dataDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the compiled hub did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"hub started","port":(\d+)/.exec(out);
      // main.ts prints the addresses, and the demo accounts of the demo centre, after that line.
      if (match && out.includes('giamsat')) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${match[1]}`, output: () => out });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the compiled hub exited with ${code}:\n${out}`));
    });
  });
}

describe('the compiled hub (npm start)', () => {
  it('starts the demo centre from dist/server and serves the landing page, the screens, the clips and the API', async () => {
    await ensureHubBuilt();
    // The device host (serialport, the canvas) is in a chunk of its own, loaded only for devices.
    const main = readFileSync(HUB_MAIN, 'utf8');
    expect(main).not.toMatch(/from "serialport"|from "@napi-rs\/canvas"|from "exceljs"|from "nodemailer"/);
    expect(readdirSync(join(HUB_OUT_DIR, 'chunks')).some((name) => name.startsWith('device-host-'))).toBe(true);

    const dataDir = tempDataDir();
    const hub = await startCompiled(dataDir);
    expect(hub.output()).toContain('Demo accounts (user / password)');

    const landing = await fetch(`${hub.url}/`);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toBe(readFileSync(join(PROJECT_ROOT, 'server', 'transport', 'landing.html'), 'utf8'));

    const screensBuilt = existsSync(join(PROJECT_ROOT, 'dist', 'web', 'kiosk', 'index.html'));
    for (const app of ['kiosk', 'display', 'counter']) {
      const page = await fetch(`${hub.url}/${app}/`);
      // `npm test` builds the screens first; alone, this test may run before any build.
      expect(page.status).toBe(screensBuilt ? 200 : 503);
      if (screensBuilt) expect(await page.text()).toBe(readFileSync(join(PROJECT_ROOT, 'dist', 'web', app, 'index.html'), 'utf8'));
    }

    const clip = await fetch(`${hub.url}/audio/clips/chime.wav`);
    expect(clip.status).toBe(200);
    expect(Buffer.from(await clip.arrayBuffer()).equals(readFileSync(join(PROJECT_ROOT, 'display', 'audio', 'clips', 'chime.wav')))).toBe(true);

    const openapi = await fetch(`${hub.url}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    expect((await openapi.json()).openapi).toMatch(/^3\./);
  }, 60_000);
});
