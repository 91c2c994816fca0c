import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialPortMock } from 'serialport';
import type { DeviceStatus } from '../../hardware/device-contract';
import { PrinterEmulator, type EmulatedPrinterCondition } from '../../hardware/emulators/printer-emulator';
import { EscPosEncoder, packBitmap } from '../../hardware/escpos/encoder';
import { PrinterDriver, conditionOfProblems } from '../../hardware/printer/printer-driver';
import { SerialLink } from '../../hardware/serial/serial-link';
import { MockDeviceEnd, hex, watchedBinding, type WatchedPort } from './hardware-fixtures';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  SerialPortMock.binding.reset();
});

let pathCounter = 0;

/** A driver on a mock port with an emulated printer behind it (or a custom answerer). */
async function setup(options: { condition?: EmulatedPrinterCondition; pollMs?: number; answer?: (w: WatchedPort, chunk: Buffer) => void } = {}) {
  const path = `/dev/luot-printer-${++pathCounter}`;
  SerialPortMock.binding.createPort(path, { echo: false, record: true });
  const emulator = new PrinterEmulator({ condition: options.condition ?? 'ok' });
  const deviceEnd = new MockDeviceEnd();
  emulator.attach(deviceEnd);
  const watched = watchedBinding(options.answer ?? ((w, chunk) => deviceEnd.deliver(w.port, chunk)));
  const link = new SerialLink({ path, baudRate: 9600, binding: watched.binding, backoff: { initialMs: 20, maxMs: 100 } });
  const reported: DeviceStatus[] = [];
  const driver = new PrinterDriver({ deviceId: 'p1', link, onStatus: (s) => reported.push(s), statusTimeoutMs: 60, pollMs: options.pollMs ?? 0 });
  driver.start();
  link.start();
  cleanups.push(async () => {
    driver.stop();
    await link.stop();
  });
  const recording = () => hex(watched.last(path).port.recording);
  return { path, emulator, link, driver, reported, watched, recording };
}

const STATUS_124 = '10 04 01 10 04 02 10 04 04';
const job = (text: string) => new EscPosEncoder({ mode: 'cp1258', codePage: 52 }).start().line(text).cut().bytes();

describe('PrinterDriver', () => {
  it('asks status 1, 2 and 4 before and after each job, never inside it; the recording shows the exact bytes', async () => {
    const { driver, reported, recording, emulator } = await setup();
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('ok'), { interval: 5 });
    expect(recording()).toBe(STATUS_124);

    const bytes = job('Hello');
    await expect(driver.print(bytes)).resolves.toEqual({ ok: true });
    expect(recording()).toBe([STATUS_124, STATUS_124, hex(bytes), STATUS_124].join(' '));
    expect(emulator.jobs.map((j) => j.lines)).toEqual([['Hello']]);
    expect(emulator.violations).toEqual([]);
    // ok, once: unchanged statuses are not reported again.
    expect(reported.map((s) => s.condition)).toEqual(['ok']);
  });

  it('refuses a job when the paper is out, and reports paper-out', async () => {
    const { driver, reported, recording, emulator } = await setup({ condition: 'paper-out' });
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('paper-out'), { interval: 5 });
    expect(reported.at(-1)).toMatchObject({ deviceId: 'p1', kind: 'printer', condition: 'paper-out', detail: 'PAPER_OUT' });
    await expect(driver.print(job('never'))).resolves.toEqual({ ok: false, condition: 'paper-out', detail: 'PAPER_OUT' });
    expect(recording()).toBe([STATUS_124, STATUS_124].join(' '));
    expect(emulator.jobs).toEqual([]);
  });

  it('prints with the paper near its end, and says so', async () => {
    const { driver, reported, emulator } = await setup({ condition: 'paper-near-end' });
    await expect(driver.print(job('still printing'))).resolves.toEqual({ ok: true });
    expect(emulator.jobs[0]?.lines).toEqual(['still printing']);
    expect(reported.at(-1)).toMatchObject({ condition: 'paper-near-end', detail: 'PAPER_NEAR_END' });
  });

  it('refuses a job with the cover open', async () => {
    const { driver } = await setup({ condition: 'cover-open' });
    await expect(driver.print(job('x'))).resolves.toEqual({ ok: false, condition: 'cover-open', detail: 'COVER_OPEN' });
  });

  it('asks the error cause (10 04 3) when an error is flagged', async () => {
    const { driver, recording, reported } = await setup({ condition: 'printer-error' });
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('printer-error'), { interval: 5 });
    await expect(driver.print(job('x'))).resolves.toEqual({ ok: false, condition: 'printer-error', detail: 'CUTTER_ERROR' });
    expect(recording()).toBe(`${STATUS_124} 10 04 03 ${STATUS_124} 10 04 03`);
  });

  it('a printer that does not answer is offline, and gets no job', async () => {
    const { driver, reported, recording } = await setup({ condition: 'offline' });
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('offline'), { interval: 5 });
    await expect(driver.print(job('x'))).resolves.toEqual({ ok: false, condition: 'offline', detail: 'NO_ANSWER' });
    expect(reported.at(-1)).toMatchObject({ condition: 'offline', detail: 'NO_ANSWER' });
    // It gives up at the first unanswered request.
    expect(recording()).toBe('10 04 01 10 04 01');
  });

  it('bytes that are not status replies are not taken for one', async () => {
    const { driver } = await setup({
      answer: (w, chunk) => {
        if (chunk.length === 3 && chunk[0] === 0x10) w.port.emitData(Buffer.of(0xff, 0x00));
      },
    });
    await expect(driver.print(job('x'))).resolves.toEqual({ ok: false, condition: 'offline', detail: 'INVALID_STATUS_BYTE' });
  });

  it('notices paper-out and back online by polling while idle', async () => {
    const { reported, emulator } = await setup({ pollMs: 20 });
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('ok'), { interval: 5 });
    emulator.setCondition('paper-out');
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('paper-out'), { interval: 5 });
    emulator.setCondition('offline');
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('offline'), { interval: 5 });
    emulator.setCondition('ok');
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('ok'), { interval: 5 });
    expect(reported.map((s) => s.condition)).toEqual(['ok', 'paper-out', 'offline', 'ok']);
  });

  it('runs one job at a time: concurrent jobs never interleave, status requests fall between them', async () => {
    const { driver, emulator } = await setup({ pollMs: 5 });
    // Image data full of 10 04 01: a status request only if someone sent one inside the job.
    const image = packBitmap(576, 64, (x, y) => (x + y) % 3 === 0);
    for (let k = 0; k < 40; k++) image.data.set([0x10, 0x04, 0x01], k * 3);
    const imageJob = new EscPosEncoder({ mode: 'cp1258', codePage: 52 }).start().line('image').image(image).cut().bytes();
    const results = await Promise.all([driver.print(job('first')), driver.print(imageJob), driver.print(job('third'))]);
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(emulator.jobs.map((j) => j.lines[0])).toEqual(['first', 'image', 'third']);
    expect(emulator.jobs[1]?.transcript.items.find((i) => i.kind === 'image')).toMatchObject({ widthDots: 576, heightDots: 64 });
    expect(emulator.violations).toEqual([]);
  });

  it('a printer that stops taking bytes mid-job does not stall the queue for good', async () => {
    const path = `/dev/luot-printer-${++pathCounter}`;
    SerialPortMock.binding.createPort(path, { echo: false, record: true });
    const emulator = new PrinterEmulator();
    const deviceEnd = new MockDeviceEnd();
    emulator.attach(deviceEnd);
    const watched = watchedBinding((w, chunk) => deviceEnd.deliver(w.port, chunk));
    const binding = {
      ...watched.binding,
      async open(options: Parameters<typeof watched.binding.open>[0]) {
        const port = await watched.binding.open(options);
        const write = port.write.bind(port);
        // Status requests go through; a job never finishes (a printer holding the line).
        port.write = (buffer: Buffer) => (buffer.length === 3 ? write(buffer) : new Promise<void>(() => {}));
        return port;
      },
    };
    const link = new SerialLink({ path, baudRate: 115200, binding, backoff: { initialMs: 20, maxMs: 100 } });
    const reported: DeviceStatus[] = [];
    const driver = new PrinterDriver({ deviceId: 'p3', link, onStatus: (s) => reported.push(s), baudRate: 115200, jobSlackMs: 50, statusTimeoutMs: 60, pollMs: 0 });
    driver.start();
    link.start();
    cleanups.push(async () => {
      driver.stop();
      await link.stop();
    });
    await vi.waitFor(() => expect(reported.at(-1)?.condition).toBe('ok'), { interval: 5 });
    await expect(driver.print(job('stuck'))).resolves.toEqual({ ok: false, condition: 'offline', detail: 'WRITE_TIMEOUT' });
    // The queue moves on: a status check still runs (and finds the line blocked behind the job).
    await expect(driver.checkStatus()).resolves.toMatchObject({ condition: 'offline' });
  });

  it('a job while the port is missing is refused with port-missing', async () => {
    const link = new SerialLink({ path: '/dev/luot-absent', baudRate: 9600, binding: SerialPortMock.binding, backoff: { initialMs: 20, maxMs: 50 } });
    const reported: DeviceStatus[] = [];
    const driver = new PrinterDriver({ deviceId: 'p2', link, onStatus: (s) => reported.push(s), pollMs: 0 });
    driver.start();
    link.start();
    cleanups.push(async () => {
      driver.stop();
      await link.stop();
    });
    await vi.waitFor(() => expect(reported.at(-1)).toMatchObject({ condition: 'port-missing', detail: 'ENOENT' }), { interval: 5 });
    await expect(driver.print(job('x'))).resolves.toEqual({ ok: false, condition: 'port-missing', detail: 'ENOENT' });
  });
});

describe('conditionOfProblems', () => {
  it('takes the most serious problem; near end alone still prints', () => {
    expect(conditionOfProblems([])).toBe('ok');
    expect(conditionOfProblems(['COVER_OPEN', 'PAPER_NEAR_END'])).toBe('cover-open');
    expect(conditionOfProblems(['PAPER_OUT'])).toBe('paper-out');
    expect(conditionOfProblems(['UNRECOVERABLE_ERROR'])).toBe('printer-error');
    expect(conditionOfProblems(['RECOVERABLE_ERROR'])).toBe('printer-error');
    expect(conditionOfProblems(['OFFLINE'])).toBe('offline');
    expect(conditionOfProblems(['PAPER_NEAR_END'])).toBe('paper-near-end');
  });
});
