import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import { SerialLink, SerialLinkError, serialErrorCode, type SerialLinkReport } from '../../hardware/serial/serial-link';
import { ascii, hex, watchedBinding } from './hardware-fixtures';

const links: SerialLink[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.stop()));
  SerialPortMock.binding.reset();
  vi.useRealTimers();
});

function makeLink(path: string, binding = watchedBinding().binding, backoff = { initialMs: 20, maxMs: 100 }) {
  const states: [SerialLinkReport, string | null][] = [];
  const link = new SerialLink({ path, baudRate: 9600, binding, backoff, onState: (s, c) => states.push([s, c]) });
  links.push(link);
  return { link, states };
}

describe('SerialLink on the mock binding', () => {
  it('opens, writes exact bytes, and passes received bytes on', async () => {
    SerialPortMock.binding.createPort('/dev/luot-a', { echo: false, record: true });
    const watched = watchedBinding();
    const { link, states } = makeLink('/dev/luot-a', watched.binding);
    const received: number[] = [];
    link.onData((chunk) => received.push(...chunk));
    link.start();
    await vi.waitFor(() => expect(link.isOpen).toBe(true), { interval: 5 });
    expect(states).toEqual([['open', null]]);

    await link.write(Uint8Array.of(0x1b, 0x40, 0x0a));
    expect(hex(watched.last('/dev/luot-a').port.recording)).toBe('1b 40 0a');

    watched.last('/dev/luot-a').port.emitData(Buffer.of(0x12, 0x34));
    await vi.waitFor(() => expect(received).toEqual([0x12, 0x34]), { interval: 5 });
  });

  it('a path that does not exist is the state port-missing, and opens once it appears', async () => {
    const { link, states } = makeLink('/dev/luot-later');
    link.start();
    await vi.waitFor(() => expect(link.state).toBe('port-missing'), { interval: 5 });
    expect(states).toEqual([['port-missing', 'ENOENT']]);
    await expect(link.write(ascii('x'))).rejects.toMatchObject({ code: 'NOT_OPEN' });

    SerialPortMock.binding.createPort('/dev/luot-later', { record: true });
    await vi.waitFor(() => expect(link.state).toBe('open'), { interval: 5 });
    // Retries while missing are not reported again: one report per change.
    expect(states).toEqual([
      ['port-missing', 'ENOENT'],
      ['open', null],
    ]);
  });

  it('a missing path with the real binding is port-missing too, never an exception', async () => {
    const states: [SerialLinkReport, string | null][] = [];
    const link = new SerialLink({ path: '/nonexistent/luot/ttyUSB9', baudRate: 9600, backoff: { initialMs: 20, maxMs: 50 }, onState: (s, c) => states.push([s, c]) });
    links.push(link);
    link.start();
    await vi.waitFor(() => expect(states).toEqual([['port-missing', 'ENOENT']]), { interval: 5 });
  });

  it('write never throws synchronously: it rejects when not open or after stop', async () => {
    const { link } = makeLink('/dev/luot-none');
    let promise: Promise<void> | undefined;
    expect(() => {
      promise = link.write(ascii('hello'));
    }).not.toThrow();
    await expect(promise).rejects.toBeInstanceOf(SerialLinkError);
    await link.stop();
    await expect(link.write(ascii('x'))).rejects.toMatchObject({ code: 'STOPPED' });
  });

  it('an EIO write is absorbed: the write rejects, the link reports disconnected, then reopens', async () => {
    SerialPortMock.binding.createPort('/dev/luot-eio', { record: true });
    let failNext = false;
    const watched = watchedBinding();
    const binding = {
      ...watched.binding,
      async open(options: Parameters<typeof watched.binding.open>[0]) {
        const port = await watched.binding.open(options);
        const write = port.write.bind(port);
        port.write = async (buffer: Buffer) => {
          if (failNext) {
            failNext = false;
            throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
          }
          return write(buffer);
        };
        return port;
      },
    };
    const { link, states } = makeLink('/dev/luot-eio', binding);
    link.start();
    await vi.waitFor(() => expect(link.isOpen).toBe(true), { interval: 5 });
    failNext = true;
    await expect(link.write(ascii('lost'))).rejects.toMatchObject({ code: 'EIO' });
    await vi.waitFor(() => expect(states.map((s) => s[0])).toEqual(['open', 'disconnected', 'open']), { interval: 5 });
    expect(states[1]).toEqual(['disconnected', 'EIO']);
    await link.write(ascii('back'));
    expect(String.fromCharCode(...watched.opened.at(-1)!.port.recording)).toBe('back');
  });

  it('retries on a backoff that grows by 1.5 up to the cap', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const attempts: number[] = [];
    const base = SerialPortMock.binding;
    const binding = {
      ...base,
      async open(options: Parameters<typeof base.open>[0]) {
        attempts.push(Date.now());
        return base.open(options);
      },
    };
    const link = new SerialLink({ path: '/dev/luot-backoff', baudRate: 9600, binding, backoff: { initialMs: 100, maxMs: 300 } });
    links.push(link);
    const t0 = Date.now();
    link.start();
    await vi.advanceTimersByTimeAsync(2000);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] ?? t0));
    expect(gaps.slice(0, 5)).toEqual([100, 150, 225, 300, 300]);
  });
});

describe('serialErrorCode', () => {
  it('reduces serialport messages to short codes', () => {
    expect(serialErrorCode(new Error('Error: No such file or directory, cannot open /dev/x'))).toBe('ENOENT');
    expect(serialErrorCode(new Error("Port does not exist - please call MockBinding.createPort('/x') first"))).toBe('ENOENT');
    expect(serialErrorCode(new Error('EIO: i/o error, write'))).toBe('EIO');
    expect(serialErrorCode(new Error('Error: Permission denied, cannot open /dev/ttyS0'))).toBe('EACCES');
    expect(serialErrorCode(new Error('Error Resource temporarily unavailable Cannot lock port'))).toBe('EBUSY');
    expect(serialErrorCode(new Error('bad file descriptor'))).toBe('EBADF');
    expect(serialErrorCode('something else')).toBe('ERROR');
  });
});
