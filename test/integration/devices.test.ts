import { afterEach, describe, expect, it } from 'vitest';
import { connectBridge } from '../../hardware/bridge-client';
import type { DeviceCondition, KeypadAnswer } from '../../hardware/device-contract';
import type { CounterView, PrintState, PublicCall, SessionInfo, Snapshot, StaffView, TicketIssued, Versioned } from '../../server/protocol/views';
import { ScriptedDeviceHost } from '../helpers/fake-device-host';
import { expectOk, newCommandId, nextEvent, officerAtCounter, send, startTestHub, type TestHub } from '../helpers/hub-fixture';
import { OFFICER_PASSWORD, SUPERVISOR_PASSWORD, testCentre } from '../helpers/test-centre';

let hub: TestHub;
let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((s) => s()));
  stops = [];
  await hub?.stop();
});

const config = testCentre((c) => {
  c.centre.publicUrl = 'http://192.168.1.10:3000';
  c.bridges = [{ id: 'kiosk-pc-2', name: 'Kiosk PC by the entrance' }];
  c.kiosks = [
    { id: 'k1', printerId: 'printer-1' },
    { id: 'k2', printerId: 'printer-2' },
    { id: 'k3' },
  ];
  c.devices = [
    { kind: 'printer', id: 'printer-1', bridge: 'hub', path: '/dev/ttyS0', textMode: 'tcvn3', codePage: 30 },
    { kind: 'keypad', id: 'keypads', bridge: 'hub', path: '/dev/ttyS1', keypads: [{ keypadId: '1', counterId: 'c1' }, { keypadId: '2', counterId: 'c2' }] },
    { kind: 'led', id: 'leds', bridge: 'hub', path: '/dev/ttyS2', displays: [{ counterId: 'c1', address: 1 }] },
    { kind: 'printer', id: 'printer-2', bridge: 'kiosk-pc-2', path: '/dev/ttyUSB0' },
  ];
});

/** A hub whose own devices run on a scripted host; returns the host once the hub has said hello. */
async function hubWithDevices(): Promise<ScriptedDeviceHost> {
  let host: ScriptedDeviceHost | null = null;
  hub = await startTestHub({
    config,
    createDeviceHost: (devices, link) => (host = new ScriptedDeviceHost(devices, link)),
  });
  await until(() => host !== null && hub.hub.devices.deviceViews().find((d) => d.id === 'printer-1')?.condition === 'ok');
  return host!;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const take = (socket: Parameters<typeof send>[0]) => send<TicketIssued>(socket, 'ticket:take', { commandId: newCommandId(), serviceId: 'ho-tich' });

describe('printing tickets', () => {
  it("prints a ticket taken at a kiosk on that kiosk's printer, and tells the kiosk", async () => {
    const host = await hubWithDevices();
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const printed = nextEvent<PrintState>(kiosk, 'ticket:print-state', (s) => s.state === 'printed');
    const ticket = expectOk(await take(kiosk));
    expect((await printed).ticketId).toBe(ticket.ticketId);
    expect(host.printed).toHaveLength(1);
    expect(host.printed[0]).toMatchObject({
      deviceId: 'printer-1',
      printout: {
        centreName: 'Trung tâm thử nghiệm',
        ticketNumber: 'A001',
        serviceNameVi: 'Hộ tịch',
        serviceNameEn: 'Civil status',
        peopleAhead: 0,
        followUrl: `http://192.168.1.10:3000/display/follow.html?ticket=${encodeURIComponent(ticket.ticketId)}`,
      },
    });
    expect(host.printed[0]!.printout.issuedAtText).toMatch(/^\d\d:\d\d \d\d\/\d\d\/\d{4}$/);
    // A repeated press is answered, not printed again.
    const kioskWithoutPrinter = await hub.connect({ app: 'kiosk', kioskId: 'k3' });
    expectOk(await take(kioskWithoutPrinter));
    expect(host.printed).toHaveLength(1);
  });

  it('when the printer is out of paper the ticket is issued all the same, the kiosk is told, and it can be reprinted', async () => {
    const host = await hubWithDevices();
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k1' });
    const told = nextEvent<{ condition: DeviceCondition | null }>(kiosk, 'kiosk:printer', (m) => m.condition === 'paper-out');
    host.setStatus('printer-1', 'paper-out');
    await told;
    host.nextPrintResult = { ok: false, condition: 'paper-out', detail: null };
    const failed = nextEvent<PrintState>(kiosk, 'ticket:print-state', (s) => s.state === 'failed');
    const ticket = expectOk(await take(kiosk));
    expect(await failed).toMatchObject({ ticketId: ticket.ticketId, number: 'A001', condition: 'paper-out' });
    expect(hub.hub.service.publicView().services.find((s) => s.id === 'ho-tich')?.waiting).toBe(1);

    host.nextPrintResult = { ok: true };
    host.setStatus('printer-1', 'ok');
    const counter = await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const reprinted = expectOk(await send<PrintState>(counter, 'ticket:reprint', { commandId: newCommandId(), ticket: 'a001' }));
    expect(reprinted).toMatchObject({ number: 'A001', state: 'printed' });
    expect(host.printed.map((p) => p.printout.ticketNumber)).toEqual(['A001']);
    // Reprinting needs a logged-in officer.
    expect(await send(kiosk, 'ticket:reprint', { commandId: newCommandId(), ticket: 'A001' })).toMatchObject({ ok: false, error: 'NOT_LOGGED_IN' });
  });

  it('a printer whose bridge is not connected: the ticket is issued and the print reported as failed', async () => {
    await hubWithDevices();
    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k2' });
    const failed = nextEvent<PrintState>(kiosk, 'ticket:print-state', (s) => s.state === 'failed');
    expect(expectOk(await take(kiosk)).number).toBe('A001');
    expect((await failed).condition).toBe('disconnected');
  });
});

describe('device states for the supervisor', () => {
  it('shows every device with its state, and a bridge that is away', async () => {
    const host = await hubWithDevices();
    const supervisor = await hub.connect({ app: 'counter' });
    expectOk(await send<SessionInfo>(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    const nearEnd = nextEvent<Versioned<StaffView>>(supervisor, 'queue:staff', (m) => m.view.devices.some((d) => d.condition === 'paper-near-end'));
    host.setStatus('printer-1', 'paper-near-end');
    const devices = (await nearEnd).view.devices;
    expect(devices.map((d) => [d.id, d.condition])).toEqual([
      ['printer-1', 'paper-near-end'],
      ['keypads', 'ok'],
      ['leds', 'ok'],
      ['printer-2', 'disconnected'],
    ]);
    expect(devices.find((d) => d.id === 'printer-2')).toMatchObject({ bridgeOnline: false, detail: 'BRIDGE_OFFLINE' });
    // A test page, supervisors only.
    expect(expectOk(await send(supervisor, 'device:test-print', { commandId: newCommandId(), deviceId: 'printer-1' }))).toEqual({ ok: true });
    expect(host.testPages).toEqual(['printer-1']);
    const officer = await hub.connect({ app: 'counter' });
    expectOk(await send(officer, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
    expect(await send(officer, 'device:test-print', { commandId: newCommandId(), deviceId: 'printer-1' })).toMatchObject({ ok: false, error: 'FORBIDDEN' });
  });
});

describe('keypads and LED displays', () => {
  it('a keypad NEXT calls the next ticket as the officer at its counter; the display and the LED get it', async () => {
    const host = await hubWithDevices();
    const display = await hub.connect({ app: 'display' });
    const kiosk = await hub.connect({ app: 'kiosk' });
    expectOk(await take(kiosk));
    expectOk(await take(kiosk));
    // Nobody at counter 1 yet: the keypad gets an error, nothing happens.
    expect(await host.hub.keypadCommand({ deviceId: 'keypads', keypadId: '1', seq: 1, command: 'NEXT', argument: null })).toEqual({ ok: false, code: 'COUNTER_NOT_OPEN' });
    await officerAtCounter(hub, 'o1', OFFICER_PASSWORD, 'c1');
    const announced = nextEvent<{ call: PublicCall }>(display, 'ticket:called');
    const answer = await host.hub.keypadCommand({ deviceId: 'keypads', keypadId: '1', seq: 2, command: 'NEXT', argument: null });
    expect(answer).toEqual<KeypadAnswer>({ ok: true, text: 'A001' });
    expect((await announced).call).toMatchObject({ number: 'A001', counterNumber: 1 });
    await until(() => host.leds.some((l) => l.ticketNumber === 'A001'));
    expect(host.leds.at(-1)).toEqual({ deviceId: 'leds', counterId: 'c1', ticketNumber: 'A001' });
    expect(await host.hub.keypadCommand({ deviceId: 'keypads', keypadId: '1', seq: 3, command: 'RECALL', argument: null })).toEqual({ ok: true, text: 'A001' });
    expect(await host.hub.keypadCommand({ deviceId: 'keypads', keypadId: '1', seq: 4, command: 'CALL', argument: 'a002' })).toEqual({ ok: true, text: 'A002' });
    expect(await host.hub.keypadCommand({ deviceId: 'keypads', keypadId: '1', seq: 5, command: 'XFER', argument: 'chung-thuc' })).toEqual({ ok: true, text: '' });
    expect(await host.hub.keypadCommand({ deviceId: 'keypads', keypadId: '1', seq: 6, command: 'DONE', argument: null })).toEqual({ ok: false, code: 'NO_CURRENT_TICKET' });
    expect(await host.hub.keypadCommand({ deviceId: 'keypads', keypadId: '9', seq: 7, command: 'NEXT', argument: null })).toEqual({ ok: false, code: 'UNKNOWN_KEYPAD' });
    expect(await host.hub.keypadCommand({ deviceId: 'keypads', keypadId: '1', seq: 8, command: 'CALL', argument: 'DROP' })).toEqual({ ok: false, code: 'INVALID_PAYLOAD' });
    // The web pad sees what the keypad did.
    const pad = expectOk(await send<Snapshot>(await officerAtCounterSocket(), 'state:request', { counterId: 'c1' }));
    expect(pad.counter?.view.current).toBeNull();
    expect(pad.counter?.view.waiting.map((t) => t.number)).toEqual(['A002']);
  });
});

async function officerAtCounterSocket() {
  const socket = await hub.connect({ app: 'counter' });
  expectOk(await send(socket, 'session:login', { username: 'o1', password: OFFICER_PASSWORD }));
  return socket;
}

describe('bridges', () => {
  it('a bridge with a token the supervisor issued runs its devices; a revoked token is cut off', async () => {
    await hubWithDevices();
    const supervisor = await hub.connect({ app: 'counter' });
    expectOk(await send(supervisor, 'session:login', { username: 'sup', password: SUPERVISOR_PASSWORD }));
    expect(await send(supervisor, 'bridge:issue-token', { commandId: newCommandId(), bridgeId: 'nope' })).toMatchObject({ ok: false, error: 'UNKNOWN_BRIDGE' });
    const { token } = expectOk(await send<{ token: string }>(supervisor, 'bridge:issue-token', { commandId: newCommandId(), bridgeId: 'kiosk-pc-2' }));

    let remote: ScriptedDeviceHost | null = null;
    const bridge = connectBridge({ hubUrl: hub.hub.url, token, createHost: (devices, link) => (remote = new ScriptedDeviceHost(devices, link)) });
    stops.push(() => bridge.stop());
    await until(() => hub.hub.devices.deviceViews().find((d) => d.id === 'printer-2')?.condition === 'ok');
    expect(remote!.devices.map((d) => d.id)).toEqual(['printer-2']);

    const kiosk = await hub.connect({ app: 'kiosk', kioskId: 'k2' });
    const printed = nextEvent<PrintState>(kiosk, 'ticket:print-state', (s) => s.state === 'printed');
    expectOk(await take(kiosk));
    await printed;
    expect(remote!.printed.map((p) => p.printout.ticketNumber)).toEqual(['A001']);

    expectOk(await send(supervisor, 'bridge:revoke-token', { commandId: newCommandId(), bridgeId: 'kiosk-pc-2' }));
    await until(() => hub.hub.devices.deviceViews().find((d) => d.id === 'printer-2')?.condition === 'disconnected');
    await new Promise((r) => setTimeout(r, 300));
    expect(bridge.connected()).toBe(false);
    // A bridge cannot speak for another bridge's devices.
    remote!.setStatus('printer-2', 'paper-out');
    expect(hub.hub.devices.deviceViews().find((d) => d.id === 'printer-2')?.condition).toBe('disconnected');
  });

  it('refuses a bridge without a valid token', async () => {
    await hubWithDevices();
    const bridge = connectBridge({ hubUrl: hub.hub.url, token: 'kiosk-pc-2.forged', createHost: (d, l) => new ScriptedDeviceHost(d, l) });
    stops.push(() => bridge.stop());
    await new Promise((r) => setTimeout(r, 500));
    expect(bridge.connected()).toBe(false);
  });
});

void ({} as CounterView);
