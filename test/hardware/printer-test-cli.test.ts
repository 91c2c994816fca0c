/**
 * `npm run printer:test` as a real process: as the README says on the demo centre (no printers:
 * the emulated printer), on a configured printer (a pty with the emulator on it), and the cases
 * that must fail rather than pretend.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrinterEmulator } from '../../hardware/emulators/printer-emulator';
import { findSocat, openDevicePort, startPtyPair, type DevicePort, type PtyPair } from '../../hardware/emulators/pty-pair';
import type { CentreConfigInput } from '../../server/config/centre-config';
import { testCentreInput } from '../helpers/test-centre';
import { runCli, runProcess, type CliProcess } from './cli-process';

const socat = findSocat();
if (!socat && process.env.CI === 'true') throw new Error('socat is missing: CI must install it (apt-get install -y socat)');
const describeWithSocat = socat ? describe : describe.skip;

const CLI = 'hardware/printer-test-cli.ts';
/** The demo centre: no LUOT_CONFIG. */
const DEMO_ENV = { LUOT_CONFIG: undefined };

let running: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((p) => p.kill()));
  running = [];
});
const track = (p: CliProcess) => (running.push(p), p);

function configFile(patch: (c: CentreConfigInput) => void): string {
  const input = testCentreInput();
  patch(input);
  const file = join(mkdtempSync(join(tmpdir(), 'luot-printer-test-')), 'centre.json');
  writeFileSync(file, JSON.stringify(input));
  return file;
}

describeWithSocat('npm run printer:test', () => {
  it('as the README says, on the demo centre: the test page goes to an emulated printer and is shown decoded', async () => {
    const cli = track(runProcess('npm', ['run', 'printer:test', '--', 'printer-1'], DEMO_ENV));
    expect(await cli.exited(30_000)).toBe(0);
    const out = cli.stdout();
    // It says plainly that there is no such printer and where the page went instead.
    expect(out).toContain('No printer "printer-1" in the demo centre');
    expect(out).toContain('it has no printers');
    expect(out).toContain('emulated printer on a pseudo-terminal');
    expect(out).toContain('Printer status: ok');
    // What the emulator decoded: every block under its label; the Epson tables read right.
    const tcvn3 = out.indexOf('1. TCVN-3: ESC t 30, capitals ESC t 31');
    const cp1258 = out.indexOf('3. CP1258: ESC t 52');
    expect(out.indexOf('LUOT - PRINTER TEST PAGE')).toBeGreaterThan(-1);
    expect(tcvn3).toBeGreaterThan(-1);
    expect(out.indexOf('Lĩnh vực: Hộ tịch - Số thứ tự A025 - Kính mời', tcvn3)).toBeGreaterThan(tcvn3);
    expect(out).toContain('ÔỐỒỔỖỘ');
    expect(out.indexOf('Lĩnh vực: Hộ tịch — Số thứ tự A025 — Kính', cp1258)).toBeGreaterThan(cp1258);
    for (const label of ['2. TCVN-3: ESC t 27 (no capitals page)', '4. CP1258: ESC t 27', '5. CP1258: ESC t 35', '6. CP1258: ESC t 41'])
      expect(out).toContain(label);
    // A table the emulated Epson does not have reads as U+FFFD, as on paper.
    expect(out).toContain('L\uFFFDnh v\uFFFDc');
    expect(out).toContain('7. RASTER: text as an image (any printer)');
    expect(out).toMatch(/\[image 576x\d+\]/);
    expect(out).toContain('└─ [cut]');
    expect(out).toContain('nothing came out on paper');
  });

  it('a printer of the configuration: its path, and the page arrives whole', async () => {
    const pty: PtyPair = await startPtyPair();
    let port: DevicePort | null = null;
    try {
      port = await openDevicePort(pty.devPath);
      const printer = new PrinterEmulator();
      printer.attach(port.port);
      const file = configFile((c) => {
        c.devices = [{ kind: 'printer', id: 'printer-1', path: pty.appPath, paperWidth: 58 }];
      });
      const cli = track(runCli(CLI, ['printer-1'], { LUOT_CONFIG: file }));
      expect(await cli.exited(30_000)).toBe(0);
      expect(cli.stdout()).toContain('Printer status: ok');
      expect(cli.stdout()).not.toContain('emulated');
      const [job] = await printer.waitForJobs(1);
      expect(job!.lines).toContain('LUOT - PRINTER TEST PAGE');
      // 58 mm paper from the configuration: 32 columns.
      expect(job!.lines.every((l) => l.length <= 32)).toBe(true);
      expect(job!.description.at(-1)).toBe('[cut]');
      expect(printer.violations).toEqual([]);
    } finally {
      await port?.close();
      await pty.close();
    }
  });

  it('an id that is not there, in a configuration that has printers: an error naming them, no emulated page', async () => {
    const file = configFile((c) => {
      c.devices = [{ kind: 'printer', id: 'may-in-sanh', path: '/nonexistent/luot-printer' }];
    });
    const cli = track(runCli(CLI, ['printer-1'], { LUOT_CONFIG: file }));
    expect(await cli.exited()).toBe(1);
    expect(cli.stderr()).toContain(`no printer "printer-1" in ${file} (its printers: may-in-sanh)`);
    expect(cli.stdout()).not.toContain('emulated');
  });

  it('a serial path that does not exist: no such serial port, exit 1', async () => {
    const cli = track(runCli(CLI, ['/dev/luot-no-such-port'], DEMO_ENV));
    expect(await cli.exited()).toBe(1);
    expect(cli.stderr()).toContain('/dev/luot-no-such-port: no such serial port');
  });
});
