/**
 * The device host over real pseudo-terminals made by socat, with the emulators on the device ends:
 * what a printer prints, read back; a printer out of paper, unplugged and plugged back; a port that
 * does not exist; keypads. Skipped where socat is missing, except on CI (CI=true), where it fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceConfig, PrinterDeviceConfig } from '../../hardware/device-contract';
import { createDeviceHost, type DeviceHost } from '../../hardware/device-host';
import { KeypadEmulator } from '../../hardware/emulators/keypad-emulator';
import { PrinterEmulator, type PrintedJob } from '../../hardware/emulators/printer-emulator';
import { findSocat, openDevicePort, startPtyPair, type DevicePort, type PtyPair } from '../../hardware/emulators/pty-pair';
import type { Bitmap, RenderStyle } from '../../hardware/escpos/encoder';
import { encodeKeypadRequest } from '../../hardware/keypad/keypad-protocol';
import { createRasterRenderer } from '../../hardware/printer/raster-renderer';
import { SerialLink, SerialLinkError } from '../../hardware/serial/serial-link';
import { ascii, recordingHub, recordingLog, SAMPLE_TICKET, type RecordingHub } from './hardware-fixtures';

const runPtyTests = findSocat() !== null || process.env.CI === 'true';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch {
      // keep cleaning
    }
  }
});

// Short retries and polls; a status timeout long enough for a busy CI machine (no test here waits for it).
const FAST = { backoff: { initialMs: 50, maxMs: 200 }, pollMs: 100, statusTimeoutMs: 1000, watchMs: 50 } as const;
const renderer = createRasterRenderer();

interface Rig {
  pair: PtyPair;
  hub: RecordingHub;
  host: DeviceHost;
  printer: PrinterEmulator;
  /** Opens the device end again (after pair.restart()) and puts the emulator on it. */
  replug(): Promise<void>;
}

async function printerRig(settings: Partial<PrinterDeviceConfig>): Promise<Rig> {
  const pair = await startPtyPair();
  cleanups.push(() => pair.close());
  const printer = new PrinterEmulator({ codePages: { 30: 'tcvn3', 31: 'tcvn3capitals', 52: 'cp1258' } });
  let dev: DevicePort = await openDevicePort(pair.devPath);
  printer.attach(dev.port);
  cleanups.push(() => dev.close());
  const hub = recordingHub();
  const config: PrinterDeviceConfig = {
    kind: 'printer',
    id: 'printer-1',
    bridge: 'hub',
    path: pair.appPath,
    baudRate: 9600,
    paperWidth: 80,
    textMode: 'tcvn3',
    codePage: 30,
    capitalsCodePage: 31,
    ...settings,
  };
  const host = createDeviceHost({ devices: [config], hub, renderer, ...FAST });
  cleanups.push(() => host.stop());
  host.start();
  await hub.waitFor('printer-1', 'ok');
  return {
    pair,
    hub,
    host,
    printer,
    async replug() {
      await dev.close().catch(() => undefined);
      dev = await openDevicePort(pair.devPath);
      printer.attach(dev.port);
    },
  };
}

/** The lines a person reads on the ticket, for every text mode. */
const EXPECTED_LINES = [
  'PHIẾU SỐ THỨ TỰ / QUEUE TICKET',
  'A025',
  'Lĩnh vực: Hộ tịch / Field: Civil status',
  'Số người chờ trước: 12 / People ahead: 12',
  'Dự kiến: ~25 phút / Estimated: ~25 min',
  '08:15 26/11/2026',
];
/** Lines that wrap differently per mode (CP1258 counts a separate tone mark as a cell). */
const EXPECTED_PHRASES = [
  'UBND Phường Bến Nghé - Trung tâm Phục vụ Hành chính công',
  'Quét mã để theo dõi lượt',
  'Scan to follow your turn',
  'Vui lòng giữ phiếu và chờ gọi số. Xin cảm ơn!',
  'Please keep this ticket and wait for your number. Thank you!',
];

function expectTicketText(job: PrintedJob | undefined): void {
  expect(job).toBeDefined();
  for (const line of EXPECTED_LINES) expect(job?.lines).toContain(line);
  for (const phrase of EXPECTED_PHRASES) expect(job?.lines.join(' ')).toContain(phrase);
  expect(job?.description).toContain('[qr https://luot.example.vn/t/A025]');
  expect(job?.lines.join('')).not.toMatch(/[\ufffd?]/);
}

const images = (job: PrintedJob | undefined): Bitmap[] =>
  (job?.transcript.items ?? []).flatMap((i) => (i.kind === 'image' ? [i.bitmap] : []));
const sameBitmap = (a: Bitmap, b: Bitmap) => a.heightDots === b.heightDots && a.data.length === b.data.length && a.data.every((v, k) => v === b.data[k]);
const lineStyle = (over: Partial<RenderStyle> = {}): RenderStyle => ({ bold: false, width: 1, height: 1, align: 'left', maxWidthDots: 576, ...over });

describe.skipIf(!runPtyTests)('devices over real pseudo-terminals (socat)', () => {
  it('a printout in TCVN-3 decodes to the right Vietnamese', async () => {
    const rig = await printerRig({ textMode: 'tcvn3', codePage: 30, capitalsCodePage: 31 });
    await expect(rig.host.print('printer-1', SAMPLE_TICKET)).resolves.toEqual({ ok: true });
    const [job] = await rig.printer.waitForJobs(1);
    expectTicketText(job);
    expect(rig.printer.violations).toEqual([]);
  });

  it('a printout in CP1258 decodes to the right Vietnamese', async () => {
    const rig = await printerRig({ textMode: 'cp1258', codePage: 52, capitalsCodePage: null });
    await expect(rig.host.print('printer-1', SAMPLE_TICKET)).resolves.toEqual({ ok: true });
    const [job] = await rig.printer.waitForJobs(1);
    expectTicketText(job);
    expect(job?.transcript.items).toContainEqual({ kind: 'codePage', n: 52 });
  });

  it('a printout in raster mode: the printed image IS "Lĩnh vực: Hộ tịch"', async () => {
    const rig = await printerRig({ textMode: 'raster' });
    await expect(rig.host.print('printer-1', SAMPLE_TICKET)).resolves.toEqual({ ok: true });
    const [job] = await rig.printer.waitForJobs(1);
    const printed = images(job);
    const expected = renderer('Lĩnh vực: Hộ tịch / Field: Civil status', lineStyle());
    expect(printed.filter((b) => sameBitmap(b, expected))).toHaveLength(1);
    // The comparison can fail: a wrong tone, or the right text elsewhere on the line, matches nothing.
    expect(printed.some((b) => sameBitmap(b, renderer('Lĩnh vực: Hồ tịch / Field: Civil status', lineStyle())))).toBe(false);
    expect(printed.some((b) => sameBitmap(b, renderer('Lĩnh vực: Hộ tịch / Field: Civil status', lineStyle({ align: 'center' }))))).toBe(false);
    // Centred title, and the Vietnamese footer.
    expect(printed.some((b) => sameBitmap(b, renderer('PHIẾU SỐ THỨ TỰ / QUEUE TICKET', lineStyle({ align: 'center' }))))).toBe(true);
    expect(printed.some((b) => sameBitmap(b, renderer('Vui lòng giữ phiếu và chờ gọi số. Xin cảm ơn!', lineStyle({ align: 'center' }))))).toBe(true);
    // Plain ASCII lines go as text in the printer's font.
    expect(job?.lines).toContain('A025');
    expect(job?.lines).toContain('08:15 26/11/2026');
    expect(rig.printer.violations).toEqual([]);
  });

  it('paper out: the status is reported and a job refused; paper back: printing resumes', async () => {
    const rig = await printerRig({});
    rig.printer.setCondition('paper-out');
    await rig.hub.waitFor('printer-1', 'paper-out');
    await expect(rig.host.print('printer-1', SAMPLE_TICKET)).resolves.toEqual({ ok: false, condition: 'paper-out', detail: 'PAPER_OUT' });
    expect(rig.printer.jobs).toHaveLength(0);
    rig.printer.setCondition('ok');
    await rig.hub.waitFor('printer-1', 'ok');
    await expect(rig.host.print('printer-1', SAMPLE_TICKET)).resolves.toEqual({ ok: true });
    expectTicketText((await rig.printer.waitForJobs(1))[0]);
  });

  it('unplugged (socat killed): disconnected is reported, jobs refused, no crash; plugged back: ok, printing resumes', async () => {
    const rig = await printerRig({});
    await rig.pair.kill();
    const lost = await rig.hub.waitFor('printer-1', 'disconnected');
    expect(['EBADF', 'EIO', 'ENOENT', 'REPLACED']).toContain(lost.detail);
    await expect(rig.host.print('printer-1', SAMPLE_TICKET)).resolves.toMatchObject({ ok: false, condition: 'disconnected' });
    expect(rig.host.statuses()[0]?.condition).toBe('disconnected');

    await rig.pair.restart();
    await rig.replug();
    await rig.hub.waitFor('printer-1', 'ok');
    await expect(rig.host.print('printer-1', SAMPLE_TICKET)).resolves.toEqual({ ok: true });
    expectTicketText((await rig.printer.waitForJobs(1))[0]);
    const conditions = rig.hub.statuses.map((s) => s.condition);
    expect(conditions.slice(conditions.indexOf('disconnected'))).not.toContain('port-missing');
  });

  it('a configured path that does not exist is the state port-missing; it opens once the device appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'luot-missing-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const hub = recordingHub();
    const config: DeviceConfig = { kind: 'printer', id: 'printer-9', bridge: 'hub', path: join(dir, 'app'), baudRate: 9600, paperWidth: 58, textMode: 'cp1258', codePage: 52, capitalsCodePage: null };
    const host = createDeviceHost({ devices: [config], hub, ...FAST });
    cleanups.push(() => host.stop());
    host.start();
    const missing = await hub.waitFor('printer-9', 'port-missing');
    expect(missing.detail).toBe('ENOENT');
    await expect(host.print('printer-9', SAMPLE_TICKET)).resolves.toEqual({ ok: false, condition: 'port-missing', detail: 'ENOENT' });

    const pair = await startPtyPair({ dir });
    cleanups.push(() => pair.close());
    const printer = new PrinterEmulator();
    const dev = await openDevicePort(pair.devPath);
    cleanups.push(() => dev.close());
    printer.attach(dev.port);
    await hub.waitFor('printer-9', 'ok');
  });

  it('a write stalled on a device that stopped reading fails cleanly when it is unplugged, and the link comes back', async () => {
    const pair = await startPtyPair();
    cleanups.push(() => pair.close());
    const states: string[] = [];
    const link = new SerialLink({ path: pair.appPath, baudRate: 9600, ...FAST, onState: (state, code) => states.push(`${state}:${code}`) });
    cleanups.push(() => link.stop());
    link.start();
    await vi.waitFor(() => expect(link.isOpen).toBe(true), { interval: 10 });
    // Nobody reads the device end: socat's buffers fill and the write cannot finish.
    const stalled = link.write(new Uint8Array(256 * 1024).fill(0x41));
    let settled = false;
    void stalled.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    await pair.kill();
    const error = await stalled.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SerialLinkError);
    await vi.waitFor(() => expect(states.at(-1)).toMatch(/^disconnected:/), { interval: 10 });
    await pair.restart();
    await vi.waitFor(() => expect(states.at(-1)).toBe('open:null'), { interval: 10 });
    await expect(link.write(ascii('again'))).resolves.toBeUndefined();
  });

  async function keypadRig(answer?: Parameters<typeof recordingHub>[0]) {
    const pair = await startPtyPair();
    cleanups.push(() => pair.close());
    const dev = await openDevicePort(pair.devPath);
    cleanups.push(() => dev.close());
    const keypad = new KeypadEmulator({ keypadId: 'K1', startSeq: 40 });
    keypad.attach(dev.port);
    const hub = recordingHub(answer);
    const log = recordingLog();
    const host = createDeviceHost({
      devices: [{ kind: 'keypad', id: 'keypads-1', bridge: 'hub', path: pair.appPath, baudRate: 9600, keypads: [{ keypadId: 'K1', counterId: 'c1' }] }],
      hub,
      log,
      ...FAST,
    });
    cleanups.push(() => host.stop());
    host.start();
    await hub.waitFor('keypads-1', 'ok');
    return { dev, keypad, hub, log };
  }

  it('a keypad NEXT reaches the hub once, and the hub’s answer reaches the keypad', async () => {
    const { keypad, hub } = await keypadRig();
    const exchange = await keypad.send({ cmd: 'NEXT' });
    expect(exchange.answer).toEqual({ kind: 'OK', seq: 40, text: 'A025' });
    expect(hub.commands).toEqual([{ deviceId: 'keypads-1', keypadId: 'K1', seq: 40, command: 'NEXT', argument: null }]);
  });

  it('a garbled line, a bad checksum and a replayed seq never reach the hub twice', async () => {
    // The hub answers only once the keypad has resent (after 500 ms without an answer): the resend
    // finds the first still in progress.
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    const { keypad, hub } = await keypadRig(async () => {
      await released;
      return { ok: true, text: 'A031' };
    });
    keypad.sendRaw(ascii('K1 5 NE\u0000XT*7E\r\n'));
    keypad.sendRaw(ascii('K1 6 NEXT*00\r\n'));
    keypad.sendRaw(ascii('K1 7 NEXT\r\n'));
    const exchange = keypad.send({ cmd: 'NEXT' });
    await vi.waitFor(() => expect(keypad.linesSent).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 20 });
    await vi.waitFor(() => expect(hub.commands).toHaveLength(1), { timeout: 5000, interval: 20 });
    release();
    const first = await exchange;
    expect(first.answer).toEqual({ kind: 'OK', seq: 40, text: 'A031' });
    expect(first.sends).toBeGreaterThan(1);
    // The same line again later (a keypad that missed the OK): the first answer, nothing carried out.
    keypad.sendRaw(encodeKeypadRequest({ keypadId: 'K1', seq: 40, command: { cmd: 'NEXT' } }));
    await new Promise((r) => setTimeout(r, 100));
    expect(keypad.answers.filter((a) => a.seq === 40).length).toBeGreaterThanOrEqual(2);
    expect(new Set(keypad.answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify({ kind: 'OK', seq: 40, text: 'A031' })]));
    expect(hub.commands.map((c) => c.seq)).toEqual([40]);
  });

  it('a flood of 100 KB of garbage does not crash anything, or flood the log, and the keypad still works', async () => {
    const { dev, keypad, hub, log } = await keypadRig();
    let seed = 12345;
    const garbage = Buffer.alloc(100 * 1024);
    for (let i = 0; i < garbage.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      garbage[i] = seed >>> 24;
    }
    await new Promise<void>((resolve, reject) => {
      dev.port.write(garbage, (error) => (error ? reject(error) : undefined));
      dev.port.drain((error) => (error ? reject(error) : resolve()));
    });
    keypad.sendRaw(ascii('\r\n'));
    const exchange = await keypad.send({ cmd: 'DONE' });
    expect(exchange.answer).toEqual({ kind: 'OK', seq: 40, text: 'A025' });
    expect(hub.commands.map((c) => c.command)).toEqual(['DONE']);
    expect(log.lines.filter((l) => l.msg === 'keypad line rejected').length).toBeLessThanOrEqual(6);
    expect(hub.latest('keypads-1')?.condition).toBe('ok');
  });
});
