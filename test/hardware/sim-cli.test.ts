/**
 * `npm run sim` as a real process, on the demo centre: what it prints is configuration that the
 * demo centre's schema accepts and names only the demo centre's counters, it says where it goes,
 * and a hub started as it says prints the kiosk's tickets on the simulated printer and takes the
 * simulated keypad's presses.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findSocat } from '../../hardware/emulators/pty-pair';
import type { CentreConfigInput } from '../../server/config/centre-config';
import { DEMO_CONFIG_PATH, loadCentreConfig, parseCentreConfig } from '../../server/config/load-config';
import type { TicketIssued } from '../../server/protocol/views';
import { expectOk, newCommandId, officerAtCounter, send, startTestHub, type TestHub } from '../helpers/hub-fixture';
import { runCli, type CliProcess } from './cli-process';

const socat = findSocat();
if (!socat && process.env.CI === 'true') throw new Error('socat is missing: CI must install it (apt-get install -y socat)');
const describeWithSocat = socat ? describe : describe.skip;

const SIM = 'hardware/sim.ts';
const READY = /other: +h this help +q quit/;
const demoInput = (): CentreConfigInput => JSON.parse(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as CentreConfigInput;
const demoCounters = new Set(demoInput().counters.map((c) => c.id));

let sims: CliProcess[] = [];
let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.stop();
  hub = null;
  // SIGTERM: the simulator stops its socat processes itself.
  await Promise.all(sims.map((s) => s.kill('SIGTERM')));
  sims = [];
});

/** The simulator on the demo centre (no LUOT_CONFIG), with its links in a new folder. */
function startSim(args: string[] = []): { sim: CliProcess; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'luot-sim-test-'));
  const sim = runCli(SIM, ['--dir', dir, ...args], { LUOT_CONFIG: undefined, LUOT_DATA_DIR: join(dir, 'hub-data') });
  sims.push(sim);
  return { sim, dir };
}

/** The JSON list printed after a heading line, up to the blank line after it. */
function listAfter(out: string, heading: string): unknown[] {
  const start = out.indexOf(`${heading}\n`);
  expect(start, `"${heading}" in the output`).toBeGreaterThan(-1);
  const body = out.slice(start + heading.length + 1);
  return JSON.parse(body.slice(0, body.indexOf('\n]\n') + 2)) as unknown[];
}

describeWithSocat('npm run sim', () => {
  it('prints devices and a kiosk that the demo centre accepts, for its counters, and says where they go', async () => {
    const { sim, dir } = startSim();
    await sim.waitFor(READY, 15_000);
    const out = sim.stdout();

    const devices = listAfter(out, 'Thiết bị (devices):') as NonNullable<CentreConfigInput['devices']>;
    const kiosks = listAfter(out, 'Kiosk (kiosks):') as NonNullable<CentreConfigInput['kiosks']>;
    expect(devices.map((d) => [d.kind, d.id, d.bridge])).toEqual([
      ['printer', 'sim-printer', 'hub'],
      ['keypad', 'sim-keypads', 'hub'],
    ]);
    expect(devices.map((d) => d.path)).toEqual([join(dir, 'printer', 'app'), join(dir, 'keypad', 'app')]);
    expect(kiosks).toEqual([{ id: 'sim-kiosk', name: 'Simulator kiosk', printerId: 'sim-printer' }]);

    // Merged into the demo centre, the real schema takes it (devices, kiosk, counter references).
    const merged = parseCentreConfig({ ...demoInput(), devices, kiosks }, 'demo centre + sim');
    expect(merged.devices.map((d) => d.id)).toEqual(['sim-printer', 'sim-keypads']);

    // Only counters the demo centre has, in the entries and in the words around them.
    const keypad = devices.find((d) => d.kind === 'keypad');
    expect(keypad?.kind === 'keypad' && keypad.keypads).toEqual([{ keypadId: 'K1', counterId: 'quay-1' }]);
    const named = [...out.matchAll(/counter (?!app\b)([a-z0-9][a-z0-9-]*)|"counterId": "([^"]*)"/g)].map((m) => m[1] ?? m[2]);
    expect(named.length).toBeGreaterThan(0);
    for (const id of named) expect(demoCounters, `counter "${id}"`).toContain(id);
    expect(out).not.toContain('counter-1');

    // Where it goes: the file and command for a hub of its own, or the supervisor's screen and a restart.
    const centreFile = join(dir, 'centre.json');
    expect(out).toContain(`LUOT_CONFIG=${centreFile} LUOT_DATA_DIR=${join(dir, 'data')} npm start`);
    expect(out).toContain('Cấu hình > Thiết bị (JSON)');
    expect(out).toContain('"Thiết bị" and "Kiosk"');
    expect(out).toContain('Lưu và áp dụng');
    expect(out).toContain('giamsat / giamsat123');
    expect(out).toContain('must be restarted');
    expect(out).toContain(`LUOT_CONFIG=${centreFile} npm start\n`);
    expect(out).toContain('/kiosk/?kiosk=sim-kiosk');

    // The file it wrote is the demo centre with exactly these entries added, and only its owner reads it.
    expect(existsSync(centreFile)).toBe(true);
    expect(statSync(centreFile).mode & 0o077).toBe(0);
    const written = loadCentreConfig(centreFile);
    expect(written).toEqual(parseCentreConfig({ ...demoInput(), devices, kiosks }));

    sim.write('q');
    expect(await sim.exited()).toBe(0);
    expect(existsSync(join(dir, 'printer', 'app'))).toBe(false);
  });

  it('--counter must be a counter of the centre', async () => {
    const { sim } = startSim(['--counter', 'counter-1']);
    expect(await sim.exited()).toBe(2);
    expect(sim.stderr()).toContain('has no counter "counter-1" (its counters: quay-1, quay-2, quay-3, quay-4, quay-5)');
  });

  it('a hub started as it says prints the kiosk tickets on the simulated printer and takes keypad presses', async () => {
    const { sim, dir } = startSim(['--counter', 'quay-2', '--keypad', 'K7']);
    await sim.waitFor(READY, 15_000);
    // Way 1 of the printed instructions: a hub on the written file and a new data folder.
    hub = await startTestHub({ config: loadCentreConfig(join(dir, 'centre.json')), dataDir: mkdtempSync(join(tmpdir(), 'luot-sim-hub-')) });
    const running = hub;
    await expect
      .poll(() => running.hub.devices.deviceViews().map((d) => `${d.id}:${d.condition}`), { timeout: 10_000 })
      .toEqual(['sim-printer:ok', 'sim-keypads:ok']);

    const kiosk = await running.connect({ app: 'kiosk', kioskId: 'sim-kiosk' });
    const ticket = expectOk(await send<TicketIssued>(kiosk, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' }));
    expect(ticket.number).toBe('A001');
    await sim.waitFor(/ticket 1 \(\d+ bytes\)[\s\S]*A001[\s\S]*Lĩnh vực: Hộ tịch[\s\S]*\[cut\]/);

    await officerAtCounter(running, 'canbo1', 'canbo123', 'quay-2');
    sim.write('n');
    await sim.waitFor(/keypad K7 <- OK \d+ A001/);
    expect(running.hub.service.counterView('quay-2')?.current?.number).toBe('A001');
  });

  it('the second way: pasted in Cấu hình on the demo hub, the devices run once the hub restarts on the written file', async () => {
    const { sim, dir } = startSim();
    await sim.waitFor(READY, 15_000);
    const devices = listAfter(sim.stdout(), 'Thiết bị (devices):');
    const kiosks = listAfter(sim.stdout(), 'Kiosk (kiosks):');
    const dataDir = mkdtempSync(join(tmpdir(), 'luot-sim-hub-'));
    hub = await startTestHub({ config: loadCentreConfig(DEMO_CONFIG_PATH), dataDir });
    const supervisor = await hub.connect({ app: 'counter' });
    expectOk(await send(supervisor, 'session:login', { username: 'giamsat', password: 'giamsat123' }));
    const { version, config } = expectOk(await send<{ version: number; config: Record<string, unknown> }>(supervisor, 'config:get', {}));
    expectOk(await send(supervisor, 'config:replace', { commandId: newCommandId(), baseVersion: version, config: { ...config, devices, kiosks } }));
    await hub.stop();
    hub = null;
    hub = await startTestHub({ config: loadCentreConfig(join(dir, 'centre.json')), dataDir });
    const running = hub;
    await expect
      .poll(() => running.hub.devices.deviceViews().map((d) => `${d.id}:${d.condition}`), { timeout: 10_000 })
      .toEqual(['sim-printer:ok', 'sim-keypads:ok']);
  });
});
