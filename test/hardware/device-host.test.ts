import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import type { DeviceConfig, PrinterDeviceConfig } from '../../hardware/device-contract';
import { createDeviceHost, type DeviceHost } from '../../hardware/device-host';
import { PrinterEmulator } from '../../hardware/emulators/printer-emulator';
import { encodeKeypadRequest } from '../../hardware/keypad/keypad-protocol';
import { createRasterRenderer } from '../../hardware/printer/raster-renderer';
import { hex, MockDeviceEnd, recordingHub, SAMPLE_TICKET, watchedBinding } from './hardware-fixtures';

const hosts: DeviceHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
  SerialPortMock.binding.reset();
});

const printer = (over: Partial<PrinterDeviceConfig> = {}): PrinterDeviceConfig => ({
  kind: 'printer',
  id: 'printer-1',
  bridge: 'hub',
  path: '/dev/luot-host-printer',
  baudRate: 9600,
  paperWidth: 80,
  textMode: 'tcvn3',
  codePage: 30,
  capitalsCodePage: 31,
  ...over,
});
const keypad: DeviceConfig = { kind: 'keypad', id: 'keypads-1', bridge: 'hub', path: '/dev/luot-host-keypad', baudRate: 9600, keypads: [{ keypadId: 'K1', counterId: 'c1' }] };
const led: DeviceConfig = {
  kind: 'led',
  id: 'led-1',
  bridge: 'hub',
  path: '/dev/luot-host-led',
  baudRate: 9600,
  protocol: 'ascii',
  displays: [{ counterId: 'c1', address: 1 }],
  register: 7,
  width: 4,
};

/** A host on the mock binding with an emulated printer on the printer's port. */
function setup(devices: DeviceConfig[], extra: { renderer?: ReturnType<typeof createRasterRenderer> } = {}) {
  for (const d of devices) if (!d.path.includes('missing')) SerialPortMock.binding.createPort(d.path, { echo: false, record: true });
  const emulator = new PrinterEmulator();
  const deviceEnd = new MockDeviceEnd();
  emulator.attach(deviceEnd);
  const watched = watchedBinding((w, chunk) => {
    if (w.path === '/dev/luot-host-printer') deviceEnd.deliver(w.port, chunk);
  });
  const hub = recordingHub();
  const host = createDeviceHost({
    devices,
    hub,
    binding: watched.binding,
    backoff: { initialMs: 20, maxMs: 100 },
    pollMs: 0,
    statusTimeoutMs: 100,
    ...(extra.renderer !== undefined ? { renderer: extra.renderer } : {}),
  });
  hosts.push(host);
  return { host, hub, emulator, watched };
}

describe('device host', () => {
  it('starts every device and forwards each status change to the hub', async () => {
    const { host, hub } = setup([printer(), keypad, led, printer({ id: 'printer-2', path: '/dev/luot-missing' })]);
    expect(host.statuses().map((s) => [s.deviceId, s.condition])).toEqual([
      ['printer-1', 'starting'],
      ['keypads-1', 'starting'],
      ['led-1', 'starting'],
      ['printer-2', 'starting'],
    ]);
    host.start();
    await hub.waitFor('printer-1', 'ok');
    await hub.waitFor('keypads-1', 'ok');
    await hub.waitFor('led-1', 'ok');
    const missing = await hub.waitFor('printer-2', 'port-missing');
    expect(missing).toMatchObject({ kind: 'printer', detail: 'ENOENT' });
    expect(host.statuses().map((s) => s.condition)).toEqual(['ok', 'ok', 'ok', 'port-missing']);
  });

  it('an unknown device id is refused with port-missing / UNKNOWN_DEVICE', async () => {
    const { host } = setup([keypad]);
    host.start();
    const unknown = { ok: false, condition: 'port-missing', detail: 'UNKNOWN_DEVICE' };
    await expect(host.print('nope', SAMPLE_TICKET)).resolves.toEqual(unknown);
    await expect(host.printTestPage('nope')).resolves.toEqual(unknown);
    // A keypad is not a printer either.
    await expect(host.print('keypads-1', SAMPLE_TICKET)).resolves.toEqual(unknown);
    await expect(host.showOnLed('nope', 'c1', 'A001')).resolves.toBeUndefined();
  });

  it('prints a ticket with the printer’s own settings (TCVN-3, pages 30/31)', async () => {
    const { host, hub, emulator } = setup([printer()]);
    host.start();
    await hub.waitFor('printer-1', 'ok');
    await expect(host.print('printer-1', SAMPLE_TICKET)).resolves.toEqual({ ok: true });
    const [job] = await emulator.waitForJobs(1);
    expect(job?.lines).toContain('PHIẾU SỐ THỨ TỰ / QUEUE TICKET');
    expect(job?.lines).toContain('Lĩnh vực: Hộ tịch / Field: Civil status');
    expect(job?.transcript.items).toContainEqual({ kind: 'codePage', n: 31 });
    expect(job?.description).toContain('[qr https://luot.example.vn/t/A025]');
  });

  it('prints the test page, with the raster candidate drawn by the renderer', async () => {
    const renderer = createRasterRenderer();
    const { host, hub, emulator } = setup([printer()], { renderer });
    host.start();
    await hub.waitFor('printer-1', 'ok');
    await expect(host.printTestPage('printer-1')).resolves.toEqual({ ok: true });
    const [page] = await emulator.waitForJobs(1);
    expect(page?.lines).toContain('LUOT - PRINTER TEST PAGE');
    expect(page?.lines).toContain('1. TCVN-3: ESC t 30, capitals ESC t 31');
    expect(page?.lines.some((l) => l.startsWith('Lĩnh vực: Hộ tịch'))).toBe(true);
    expect(page?.transcript.items.filter((i) => i.kind === 'image').length).toBeGreaterThan(2);
  });

  it('passes keypad commands to the hub and shows numbers on LED displays', async () => {
    const { host, hub, watched } = setup([keypad, led]);
    host.start();
    await hub.waitFor('keypads-1', 'ok');
    await hub.waitFor('led-1', 'ok');
    watched.last('/dev/luot-host-keypad').port.emitData(Buffer.from(encodeKeypadRequest({ keypadId: 'K1', seq: 12, command: { cmd: 'NEXT' } })));
    await vi.waitFor(() => expect(String.fromCharCode(...watched.last('/dev/luot-host-keypad').port.recording)).toBe('OK 12 A025*71\r\n'), { interval: 5 });
    expect(hub.commands).toEqual([{ deviceId: 'keypads-1', keypadId: 'K1', seq: 12, command: 'NEXT', argument: null }]);

    await host.showOnLed('led-1', 'c1', 'A025');
    expect(hex(watched.last('/dev/luot-host-led').port.recording)).toBe('02 30 31 41 30 32 35 03 74');
  });

  it('refuses two devices with one id, and refuses jobs after stop()', async () => {
    expect(() => createDeviceHost({ devices: [printer(), printer()], hub: recordingHub() })).toThrow(/configured twice/);
    const { host, hub } = setup([printer()]);
    host.start();
    await hub.waitFor('printer-1', 'ok');
    await host.stop();
    await expect(host.print('printer-1', SAMPLE_TICKET)).resolves.toMatchObject({ ok: false, detail: 'STOPPED' });
  });
});
