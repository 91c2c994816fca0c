import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeviceHost } from '../../hardware/device-host';
import type { DeviceCondition } from '../../hardware/device-contract';
import { KeypadEmulator } from '../../hardware/emulators/keypad-emulator';
import { PrinterEmulator } from '../../hardware/emulators/printer-emulator';
import { findSocat, openDevicePort, startPtyPair, type DevicePort, type PtyPair } from '../../hardware/emulators/pty-pair';
import type { PrintState, PublicCall, StaffView, TicketIssued, Versioned } from '../../server/protocol/views';
import { expectOk, newCommandId, nextEvent, officerAtCounter, send, startTestHub, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';

// Real pseudo-terminals need socat. A developer without it skips; CI must have it.
const socat = findSocat();
if (!socat && process.env.CI === 'true') throw new Error('socat is missing: CI must install it (apt-get install -y socat)');
const describeWithSocat = socat ? describe : describe.skip;

describeWithSocat('the hub with real serial devices on pseudo-terminals', () => {
  let hub: TestHub;
  let printerPty: PtyPair;
  let keypadPty: PtyPair;
  let printerPort: DevicePort;
  let keypadPort: DevicePort;
  let printer: PrinterEmulator;
  let keypad: KeypadEmulator;

  beforeEach(async () => {
    printerPty = await startPtyPair();
    keypadPty = await startPtyPair();
    printerPort = await openDevicePort(printerPty.devPath);
    keypadPort = await openDevicePort(keypadPty.devPath);
    printer = new PrinterEmulator();
    printer.attach(printerPort.port);
    keypad = new KeypadEmulator({ keypadId: '7', startSeq: 998 });
    keypad.attach(keypadPort.port);
    const config = testCentre((c) => {
      c.kiosks = [{ id: 'k1', printerId: 'printer-1' }];
      c.devices = [
        { kind: 'printer', id: 'printer-1', path: printerPty.appPath, paperWidth: 80, textMode: 'tcvn3', codePage: 30, capitalsCodePage: 31 },
        { kind: 'keypad', id: 'keypad-bus', path: keypadPty.appPath, keypads: [{ keypadId: '7', counterId: 'c1' }] },
      ];
    });
    hub = await startTestHub({
      config,
      createDeviceHost: (devices, link) =>
        createDeviceHost({ devices, hub: link, pollMs: 200, backoff: { initialMs: 100, maxMs: 400 }, watchMs: 100 }),
    });
    await until(() => conditionOf('printer-1') === 'ok' && conditionOf('keypad-bus') === 'ok');
  });

  afterEach(async () => {
    printer.detach();
    keypad.detach();
    await hub?.stop();
    await Promise.allSettled([printerPort.close(), keypadPort.close()]);
    await Promise.allSettled([printerPty.close(), keypadPty.close()]);
  });

  const conditionOf = (id: string): DeviceCondition | undefined => hub.hub.devices.deviceViews().find((d) => d.id === id)?.condition;

  async function until(condition: () => boolean, timeoutMs = 8_000): Promise<void> {
    const start = Date.now();
    while (!condition()) {
      if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const take = (socket: Parameters<typeof send>[0]) => send<TicketIssued>(socket, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' });

  it('a ticket taken over Socket.IO prints, and reads back in Vietnamese', async () => {
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const printed = nextEvent<PrintState>(kiosk, 'ticket:print-state', (s) => s.state === 'printed', 10_000);
    expectOk(await take(kiosk));
    await printed;
    const [job] = await printer.waitForJobs(1);
    const text = job!.lines.join('\n');
    expect(text).toContain('A001');
    expect(text).toContain('Lĩnh vực: Hộ tịch');
    expect(text).toContain('Civil status');
    expect(text).toContain('Vui lòng giữ phiếu và chờ gọi số. Xin cảm ơn!');
    expect(job!.description.some((line) => line.startsWith('[qr') && line.includes('/display/follow.html?ticket='))).toBe(true);
    expect(job!.description.at(-1)).toBe('[cut]');
    expect(printer.violations).toEqual([]);
  });

  it('out of paper: the kiosk is told, the ticket is issued all the same, and prints again once paper is back', async () => {
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const told = nextEvent<{ condition: DeviceCondition | null }>(kiosk, 'kiosk:printer', (m) => m.condition === 'paper-out', 10_000);
    printer.setCondition('paper-out');
    await told;
    const failed = nextEvent<PrintState>(kiosk, 'ticket:print-state', (s) => s.state === 'failed', 10_000);
    const ticket = expectOk(await take(kiosk));
    expect(await failed).toMatchObject({ number: ticket.number, condition: 'paper-out' });
    expect(printer.jobs).toHaveLength(0);

    printer.setCondition('ok');
    await until(() => conditionOf('printer-1') === 'ok');
    const officer = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    expect(expectOk(await send<PrintState>(officer, 'ticket:reprint', { commandId: newCommandId(), ticket: ticket.number }))).toMatchObject({ state: 'printed' });
    const [job] = await printer.waitForJobs(1);
    expect(job!.lines.join('\n')).toContain(ticket.number);
  });

  it('unplugged and plugged back: the supervisor sees it, nothing crashes, and printing resumes', async () => {
    const supervisor = await hub.connect({ app: 'counter' });
    expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const gone = nextEvent<Versioned<StaffView>>(supervisor, 'queue:staff', (m) => m.view.devices.some((d) => d.id === 'printer-1' && d.condition === 'disconnected'), 10_000);
    printer.detach();
    await printerPort.close();
    await printerPty.kill();
    await gone;

    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const failed = nextEvent<PrintState>(kiosk, 'ticket:print-state', (s) => s.state === 'failed', 10_000);
    expect(expectOk(await take(kiosk)).number).toBe('A001');
    expect((await failed).condition).toMatch(/disconnected|port-missing/);

    await printerPty.restart();
    printerPort = await openDevicePort(printerPty.devPath);
    printer.attach(printerPort.port);
    await until(() => conditionOf('printer-1') === 'ok');
    const printed = nextEvent<PrintState>(kiosk, 'ticket:print-state', (s) => s.state === 'printed', 10_000);
    expect(expectOk(await take(kiosk)).number).toBe('A002');
    await printed;
    const [job] = await printer.waitForJobs(1);
    expect(job!.lines.join('\n')).toContain('A002');
  });

  it('a keypad NEXT over a pty calls the next ticket and the display gets it; a garbled line does nothing', async () => {
    const display = await hub.connect({ app: 'display' });
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await take(kiosk));
    expectOk(await take(kiosk));

    // Nobody at counter 1: an error answer, not an action.
    expect((await keypad.send({ cmd: 'NEXT' })).answer).toEqual({ kind: 'ERR', seq: 998, code: 'COUNTER_NOT_OPEN' });

    await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const versionBefore = hub.hub.service.version;
    keypad.sendRaw(new TextEncoder().encode('7 5 NEXT*00\r\n')); // wrong checksum
    keypad.sendRaw(new TextEncoder().encode('\x00\xff garbage without end'));
    keypad.sendRaw(new TextEncoder().encode('\r\n7 6 LAUNCH*11\r\n'));
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.hub.service.version).toBe(versionBefore);
    expect(hub.hub.service.counterView('c1')?.current).toBeNull();

    const announced = nextEvent<{ call: PublicCall }>(display, 'ticket:called', () => true, 10_000);
    const exchange = await keypad.send({ cmd: 'NEXT' });
    expect(exchange.answer).toEqual({ kind: 'OK', seq: 999, text: 'A001' });
    expect((await announced).call).toMatchObject({ number: 'A001', counterNumber: 1 });
    // The seq wraps 999 -> 0, and the next press calls the next ticket.
    expect((await keypad.send({ cmd: 'NEXT' })).answer).toEqual({ kind: 'OK', seq: 0, text: 'A002' });
    expect(hub.hub.service.counterView('c1')?.current?.number).toBe('A002');
  });
});
