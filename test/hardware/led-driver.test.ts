import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import type { DeviceStatus, LedDeviceConfig } from '../../hardware/device-contract';
import { LedDriver } from '../../hardware/led/led-driver';
import { crc16Modbus } from '../../hardware/led/led-frames';
import { SerialLink } from '../../hardware/serial/serial-link';
import { hex, watchedBinding, type WatchedPort } from './hardware-fixtures';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  SerialPortMock.binding.reset();
});

let pathCounter = 0;

async function setup(protocol: 'modbus' | 'ascii', reply: (w: WatchedPort, chunk: Buffer, count: number) => void = () => {}) {
  const path = `/dev/luot-led-${++pathCounter}`;
  SerialPortMock.binding.createPort(path, { echo: false, record: true });
  let count = 0;
  const watched = watchedBinding((w, chunk) => reply(w, chunk, ++count));
  const link = new SerialLink({ path, baudRate: 9600, binding: watched.binding, backoff: { initialMs: 20, maxMs: 100 } });
  const config: LedDeviceConfig = {
    kind: 'led',
    id: 'led1',
    bridge: 'hub',
    path,
    baudRate: 9600,
    protocol,
    displays: [
      { counterId: 'c1', address: 1 },
      { counterId: 'c2', address: 2 },
    ],
    register: 7,
    width: protocol === 'modbus' ? 4 : 4,
  };
  const statuses: DeviceStatus[] = [];
  const driver = new LedDriver({ config, link, onStatus: (s) => statuses.push(s), replyTimeoutMs: 40 });
  driver.start();
  link.start();
  cleanups.push(async () => {
    driver.stop();
    await link.stop();
  });
  await vi.waitFor(() => expect(link.isOpen).toBe(true), { interval: 5 });
  return { driver, statuses, recording: () => hex(watched.last(path).port.recording) };
}

const echo = (w: WatchedPort, chunk: Buffer) => w.port.emitData(chunk);
const FRAME_A102 = '01 06 00 07 00 66 b8 21';

describe('LedDriver, Modbus RTU', () => {
  it('writes the number to the register and accepts the echo', async () => {
    const { driver, statuses, recording } = await setup('modbus', echo);
    await expect(driver.show('c1', 'A102')).resolves.toEqual({ ok: true });
    expect(recording()).toBe(FRAME_A102);
    expect(statuses.at(-1)).toMatchObject({ condition: 'ok', detail: null });
  });

  it('retries once without an answer, then reports the display offline', async () => {
    const { driver, statuses, recording } = await setup('modbus');
    await expect(driver.show('c1', 'A102')).resolves.toEqual({ ok: false, error: 'NO_ANSWER' });
    expect(recording()).toBe(`${FRAME_A102} ${FRAME_A102}`);
    expect(statuses.at(-1)).toMatchObject({ condition: 'offline', detail: 'NO_ANSWER' });
  });

  it('a corrupted echo is retried, and the second good one accepted', async () => {
    const { driver, recording } = await setup('modbus', (w, chunk, count) => {
      const reply = Buffer.from(chunk);
      if (count === 1) reply[7] = (reply[7] ?? 0) ^ 0xff;
      w.port.emitData(reply);
    });
    await expect(driver.show('c1', 'A102')).resolves.toEqual({ ok: true });
    expect(recording()).toBe(`${FRAME_A102} ${FRAME_A102}`);
  });

  it('an exception reply is final: no retry', async () => {
    const { driver, recording, statuses } = await setup('modbus', (w) => {
      const body = [0x01, 0x86, 0x02];
      const crc = crc16Modbus(body);
      w.port.emitData(Buffer.from([...body, crc & 0xff, crc >> 8]));
    });
    await expect(driver.show('c1', 'A102')).resolves.toEqual({ ok: false, error: 'EXCEPTION_02' });
    expect(recording()).toBe(FRAME_A102);
    expect(statuses.at(-1)).toMatchObject({ condition: 'offline', detail: 'EXCEPTION_02' });
  });

  it('null clears the display (writes 0); another counter goes to its own address', async () => {
    const { driver, recording } = await setup('modbus', echo);
    await driver.show('c2', null);
    const crc = crc16Modbus([0x02, 0x06, 0x00, 0x07, 0x00, 0x00]);
    expect(recording()).toBe(hex([0x02, 0x06, 0x00, 0x07, 0x00, 0x00, crc & 0xff, crc >> 8]));
  });

  it('a counter without a display on this line is refused and nothing is sent', async () => {
    const { driver, recording } = await setup('modbus', echo);
    await expect(driver.show('c9', 'A001')).resolves.toEqual({ ok: false, error: 'UNKNOWN_COUNTER' });
    expect(recording()).toBe('');
  });
});

describe('LedDriver, ASCII frame', () => {
  it('sends STX address data ETX checksum, and spaces to clear', async () => {
    const { driver, recording } = await setup('ascii');
    await expect(driver.show('c1', 'A025')).resolves.toEqual({ ok: true });
    expect(recording()).toBe('02 30 31 41 30 32 35 03 74');
    await driver.show('c1', null);
    expect(recording()).toBe('02 30 31 41 30 32 35 03 74 02 30 31 20 20 20 20 03 02');
  });
});
