import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import type { DeviceStatus, KeypadAnswer, KeypadCommand, KeypadDeviceConfig } from '../../hardware/device-contract';
import { KeypadDriver } from '../../hardware/keypad/keypad-driver';
import { encodeKeypadRequest } from '../../hardware/keypad/keypad-protocol';
import { SerialLink } from '../../hardware/serial/serial-link';
import { ascii, recordingHub, recordingLog, sleep, watchedBinding } from './hardware-fixtures';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  SerialPortMock.binding.reset();
});

let pathCounter = 0;

async function setup(options: { answer?: (c: KeypadCommand) => KeypadAnswer | Promise<KeypadAnswer>; hubTimeoutMs?: number } = {}) {
  const path = `/dev/luot-keypad-${++pathCounter}`;
  SerialPortMock.binding.createPort(path, { echo: false, record: true });
  const watched = watchedBinding();
  const link = new SerialLink({ path, baudRate: 9600, binding: watched.binding, backoff: { initialMs: 20, maxMs: 100 } });
  const hub = recordingHub(options.answer);
  const log = recordingLog();
  const statuses: DeviceStatus[] = [];
  const clock = { now: 1_000_000 };
  const config: KeypadDeviceConfig = { kind: 'keypad', id: 'kp1', bridge: 'hub', path, baudRate: 9600, keypads: [{ keypadId: 'K1', counterId: 'c1' }, { keypadId: 'K2', counterId: 'c2' }] };
  const driver = new KeypadDriver({
    config,
    link,
    hub,
    log,
    clock: () => clock.now,
    onStatus: (s) => statuses.push(s),
    ...(options.hubTimeoutMs !== undefined ? { hubTimeoutMs: options.hubTimeoutMs } : {}),
  });
  driver.start();
  link.start();
  cleanups.push(async () => {
    driver.stop();
    await link.stop();
  });
  await vi.waitFor(() => expect(statuses.at(-1)?.condition).toBe('ok'), { interval: 5 });
  const port = watched.last(path).port;
  const send = (line: string | Uint8Array) => port.emitData(Buffer.from(typeof line === 'string' ? ascii(line) : line));
  const written = () => String.fromCharCode(...port.recording);
  return { hub, log, statuses, clock, send, written, driver };
}

describe('KeypadDriver', () => {
  it('passes NEXT to the hub once and writes its answer back, byte for byte', async () => {
    const { hub, send, written } = await setup();
    send('K1 12 NEXT*7E\r\n');
    await vi.waitFor(() => expect(written()).toBe('OK 12 A025*71\r\n'), { interval: 5 });
    expect(hub.commands).toEqual([{ deviceId: 'kp1', keypadId: 'K1', seq: 12, command: 'NEXT', argument: null }]);
  });

  it('passes the argument of XFER and CALL', async () => {
    const { hub, send } = await setup();
    send('K1 16 XFER chung-thuc*04\r\nK1 17 CALL A025*28\r\n');
    await vi.waitFor(() => expect(hub.commands).toHaveLength(2), { interval: 5 });
    expect(hub.commands.map((c) => [c.command, c.argument])).toEqual([
      ['XFER', 'chung-thuc'],
      ['CALL', 'A025'],
    ]);
  });

  it('a replayed seq gets the first answer again and never reaches the hub twice', async () => {
    let n = 0;
    const { hub, send, written } = await setup({ answer: () => ({ ok: true, text: `A00${++n}` }) });
    send('K1 12 NEXT*7E\r\n');
    await vi.waitFor(() => expect(written()).toContain('OK 12 A001'), { interval: 5 });
    send('K1 12 NEXT*7E\r\n');
    send('K1 12 NEXT*7E\r\n');
    await vi.waitFor(() => expect(written().split('\r\n').filter((l) => l !== '')).toHaveLength(3), { interval: 5 });
    expect(new Set(written().split('\r\n').filter((l) => l !== ''))).toEqual(new Set(['OK 12 A001*77']));
    expect(hub.commands).toHaveLength(1);
  });

  it('a resend while the hub is still working is not carried out again; one answer goes out', async () => {
    let release: () => void = () => {};
    const { hub, send, written } = await setup({
      answer: () => new Promise<KeypadAnswer>((resolve) => (release = () => resolve({ ok: true, text: 'A025' }))),
    });
    send('K1 12 NEXT*7E\r\n');
    await vi.waitFor(() => expect(hub.commands).toHaveLength(1), { interval: 5 });
    send('K1 12 NEXT*7E\r\n');
    await sleep(20);
    release();
    await vi.waitFor(() => expect(written()).toBe('OK 12 A025*71\r\n'), { interval: 5 });
    expect(hub.commands).toHaveLength(1);
  });

  it('a bad checksum and a garbled line get no answer and never reach the hub', async () => {
    const { hub, send, written } = await setup();
    send('K1 12 NEXT*7F\r\n'); // checksum off by one
    send('K1 12 NEXT\r\n'); // no checksum
    send(Uint8Array.of(0x4b, 0x31, 0x20, 0xc3, 0x0d, 0x0a)); // 8-bit byte
    send('K1 13 SKIP*79\r\n'); // a good one after them
    await vi.waitFor(() => expect(hub.commands.map((c) => c.seq)).toEqual([13]), { interval: 5 });
    await vi.waitFor(() => expect(written()).toBe('OK 13 A025*70\r\n'), { interval: 5 });
  });

  it('a known command with bad arguments, or an unknown command, is answered ERR by the driver itself', async () => {
    const { hub, send, written } = await setup();
    const line = (body: string) => {
      let x = 0;
      for (const c of body) x ^= c.charCodeAt(0);
      return `${body}*${x.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
    };
    send(line('K1 20 NEXT now'));
    send(line('K1 21 DANCE'));
    await vi.waitFor(() => expect(written()).toContain('ERR 21 UNKNOWN_COMMAND'), { interval: 5 });
    expect(written()).toContain('ERR 20 BAD_ARGS');
    expect(hub.commands).toEqual([]);
  });

  it('a keypad id not configured on this line gets ERR UNKNOWN_KEYPAD', async () => {
    const { hub, send, written } = await setup();
    send(encodeKeypadRequest({ keypadId: 'K9', seq: 5, command: { cmd: 'NEXT' } }));
    await vi.waitFor(() => expect(written()).toMatch(/^ERR 5 UNKNOWN_KEYPAD\*[0-9A-F]{2}\r\n$/), { interval: 5 });
    expect(hub.commands).toEqual([]);
  });

  it('PING is answered locally with the last text the hub gave that keypad', async () => {
    const { hub, send, written } = await setup();
    send('K1 15 PING*6E\r\n');
    await vi.waitFor(() => expect(written()).toBe('OK 15*20\r\n'), { interval: 5 });
    send('K1 12 NEXT*7E\r\n');
    await vi.waitFor(() => expect(written()).toContain('OK 12 A025*71\r\n'), { interval: 5 });
    send(encodeKeypadRequest({ keypadId: 'K1', seq: 16, command: { cmd: 'PING' } }));
    await vi.waitFor(() => expect(written()).toContain('OK 16 A025'), { interval: 5 });
    expect(hub.commands.map((c) => c.command)).toEqual(['NEXT']);
  });

  it('hub errors come back as ERR with the hub code; a failing or silent hub as INTERNAL / HUB_TIMEOUT', async () => {
    let mode: 'error' | 'throw' | 'bad-code' | 'hang' = 'error';
    const { send, written } = await setup({
      hubTimeoutMs: 50,
      answer: () => {
        if (mode === 'error') return { ok: false, code: 'NO_TICKET_WAITING' };
        if (mode === 'throw') throw new Error('socket gone');
        if (mode === 'bad-code') return { ok: false, code: 'not a code' };
        return new Promise<KeypadAnswer>(() => {});
      },
    });
    send('K1 12 NEXT*7E\r\n');
    await vi.waitFor(() => expect(written()).toContain('ERR 12 NO_TICKET_WAITING*08\r\n'), { interval: 5 });
    mode = 'throw';
    send(encodeKeypadRequest({ keypadId: 'K1', seq: 13, command: { cmd: 'NEXT' } }));
    await vi.waitFor(() => expect(written()).toContain('ERR 13 INTERNAL'), { interval: 5 });
    mode = 'bad-code';
    send(encodeKeypadRequest({ keypadId: 'K1', seq: 14, command: { cmd: 'NEXT' } }));
    await vi.waitFor(() => expect(written()).toContain('ERR 14 INTERNAL'), { interval: 5 });
    mode = 'hang';
    send(encodeKeypadRequest({ keypadId: 'K1', seq: 15, command: { cmd: 'NEXT' } }));
    await vi.waitFor(() => expect(written()).toContain('ERR 15 HUB_TIMEOUT'), { interval: 5 });
  });

  it('caps the commands a keypad may send: a flood of new seqs reaches the hub at most 10 a second', async () => {
    const { hub, send, clock } = await setup();
    const flood = Array.from({ length: 50 }, (_, seq) => encodeKeypadRequest({ keypadId: 'K1', seq, command: { cmd: 'RECALL' } }));
    send(Buffer.concat(flood));
    // K2 has its own allowance.
    send(encodeKeypadRequest({ keypadId: 'K2', seq: 1, command: { cmd: 'NEXT' } }));
    await vi.waitFor(() => expect(hub.commands.filter((c) => c.keypadId === 'K2')).toHaveLength(1), { interval: 5 });
    await sleep(20);
    expect(hub.commands.filter((c) => c.keypadId === 'K1')).toHaveLength(10);
    clock.now += 1000;
    send(Buffer.concat(flood.slice(40)));
    await vi.waitFor(() => expect(hub.commands.filter((c) => c.keypadId === 'K1')).toHaveLength(20), { interval: 5 });
  });

  it('logs rejected lines once per kind per minute, not once per line', async () => {
    const { log, send, clock } = await setup();
    for (let i = 0; i < 100; i++) send('K1 12 NEXT*00\r\n');
    for (let i = 0; i < 100; i++) send('garbage\r\n');
    await sleep(30);
    const rejected = () => log.lines.filter((l) => l.msg === 'keypad line rejected');
    expect(rejected().map((l) => l.context?.code)).toEqual(['BAD_CHECKSUM', 'BAD_FRAME']);
    clock.now += 61_000;
    send('K1 12 NEXT*00\r\n');
    await vi.waitFor(() => expect(rejected()).toHaveLength(3), { interval: 5 });
    expect(rejected()[2]?.context).toMatchObject({ code: 'BAD_CHECKSUM', suppressedSinceLast: 99 });
  });
});
