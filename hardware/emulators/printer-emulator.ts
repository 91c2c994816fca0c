/**
 * An ESC/POS ticket printer for tests and the simulator. It sits on the device end of a pty (or any
 * duplex byte stream), answers real-time status requests (`10 04 n`) from a condition that can be
 * changed at any time, and records every job (the bytes up to and including each cut) decoded back
 * to text with decoder.ts.
 *
 * It reads the stream command by command, so image and QR data are skipped by their length and a
 * `10 04` inside them is data, as it would be for a careful printer. A status request that arrives
 * in the middle of a job is still answered, and is noted in `violations`: the hub must never send one
 * there (many real printers would read it as dots, or answer and corrupt the job).
 */
import { decodeEscPos, describeTranscript, type CodePageMap, type Transcript } from '../escpos/decoder';

export type EmulatedPrinterCondition = 'ok' | 'paper-near-end' | 'paper-out' | 'cover-open' | 'printer-error' | 'offline';

export interface PrintedJob {
  bytes: Uint8Array;
  transcript: Transcript;
  /** The text lines as they read. */
  lines: string[];
  /** Text lines plus markers: `[qr ...]`, `[image 576x35]`, `[cut]`. */
  description: string[];
  /** The printer's condition when the job's cut arrived. */
  condition: EmulatedPrinterCondition;
}

/** What the emulator needs of a stream: a SerialPort fits. */
export interface ByteStream {
  write(chunk: Buffer): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

export interface PrinterEmulatorOptions {
  /** Which ESC t numbers are which table on the emulated printer (default: Epson's 30/31/52). */
  codePages?: CodePageMap;
  condition?: EmulatedPrinterCondition;
}

export const EPSON_CODE_PAGES: CodePageMap = { 30: 'tcvn3', 31: 'tcvn3capitals', 52: 'cp1258' };

const OK = 0x12;
/** The status byte for request n in each condition; null: no answer at all. */
const STATUS_BYTES: Record<EmulatedPrinterCondition, Record<1 | 2 | 3 | 4, number> | null> = {
  ok: { 1: OK, 2: OK, 3: OK, 4: OK },
  'paper-near-end': { 1: OK, 2: OK, 3: OK, 4: OK | 0x0c },
  'paper-out': { 1: OK | 0x08, 2: OK | 0x20, 3: OK, 4: OK | 0x60 },
  'cover-open': { 1: OK | 0x08, 2: OK | 0x04, 3: OK, 4: OK },
  'printer-error': { 1: OK | 0x08, 2: OK | 0x40, 3: OK | 0x08, 4: OK },
  offline: null,
};

const DLE = 0x10;
const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;

/** ESC commands by total length; anything else is taken as 2 bytes. */
const ESC_LENGTH: ReadonlyMap<number, number> = new Map([
  [0x40, 2], [0x32, 2],
  [0x21, 3], [0x2d, 3], [0x33, 3], [0x45, 3], [0x47, 3], [0x4a, 3], [0x4d, 3], [0x52, 3], [0x61, 3], [0x64, 3],
  [0x74, 3], [0x56, 3], [0x7b, 3], [0x20, 3], [0x3d, 3],
  [0x24, 4], [0x5c, 4], [0x63, 4],
  [0x70, 5],
]);
const GS_LENGTH: ReadonlyMap<number, number> = new Map([
  [0x21, 3], [0x42, 3], [0x48, 3], [0x49, 3], [0x61, 3], [0x66, 3], [0x68, 3], [0x72, 3], [0x77, 3], [0x2f, 3],
  [0x4c, 4], [0x57, 4],
]);
const CUT_WITH_FEED = new Set([0x41, 0x42, 0x61, 0x62, 0x67, 0x68]);

type Unit = { kind: 'status'; n: number } | { kind: 'cut' } | { kind: 'other' };

/** Length of the command or text byte at `i`, or null when its last byte has not come yet. */
function unitAt(buf: readonly number[], i: number): { length: number; unit: Unit } | null {
  const at = (k: number): number | undefined => buf[i + k];
  const b = at(0);
  if (b === undefined) return null;
  const other = (length: number) => (i + length <= buf.length ? { length, unit: { kind: 'other' } as Unit } : null);
  if (b === DLE) {
    const second = at(1);
    if (second === undefined) return null;
    if (second === 0x04) {
      const n = at(2);
      return n === undefined ? null : { length: 3, unit: { kind: 'status', n } };
    }
    if (second === 0x05) return other(3);
    if (second === 0x14) return other(5);
    return other(1);
  }
  if (b === ESC) {
    const second = at(1);
    if (second === undefined) return null;
    return other(ESC_LENGTH.get(second) ?? 2);
  }
  if (b === FS) {
    const second = at(1);
    if (second === undefined) return null;
    return other(second === 0x70 ? 4 : 2);
  }
  if (b === GS) {
    const second = at(1);
    if (second === undefined) return null;
    if (second === 0x56) {
      const m = at(2);
      if (m === undefined) return null;
      const length = CUT_WITH_FEED.has(m) ? 4 : 3;
      return i + length <= buf.length ? { length, unit: { kind: 'cut' } } : null;
    }
    if (second === 0x76) {
      // GS v 0 m xL xH yL yH data
      if (i + 8 > buf.length) return null;
      const rowBytes = (at(4) ?? 0) | ((at(5) ?? 0) << 8);
      const rows = (at(6) ?? 0) | ((at(7) ?? 0) << 8);
      return other(8 + rowBytes * rows);
    }
    if (second === 0x28) {
      if (i + 5 > buf.length) return null;
      return other(5 + ((at(3) ?? 0) | ((at(4) ?? 0) << 8)));
    }
    return other(GS_LENGTH.get(second) ?? 2);
  }
  return other(1);
}

export class PrinterEmulator {
  readonly jobs: PrintedJob[] = [];
  /** Status requests received, in order (the n of each). */
  readonly statusRequests: number[] = [];
  /** Protocol mistakes of the host, e.g. a status request inside a job. */
  readonly violations: string[] = [];
  private readonly codePages: CodePageMap;
  private conditionNow: EmulatedPrinterCondition;
  /** Bytes not yet read as whole commands. */
  private pending: number[] = [];
  /** The job being received: bytes since the last cut. */
  private job: number[] = [];
  private stream: ByteStream | null = null;
  private readonly onData = (chunk: Buffer) => this.feed(chunk);
  private readonly jobListeners = new Set<(job: PrintedJob) => void>();

  constructor(options: PrinterEmulatorOptions = {}) {
    this.codePages = options.codePages ?? EPSON_CODE_PAGES;
    this.conditionNow = options.condition ?? 'ok';
  }

  get condition(): EmulatedPrinterCondition {
    return this.conditionNow;
  }

  setCondition(condition: EmulatedPrinterCondition): void {
    this.conditionNow = condition;
  }

  /** Listens on a stream (replacing any earlier one). A partial command from before is dropped. */
  attach(stream: ByteStream): void {
    this.detach();
    this.stream = stream;
    this.pending = [];
    stream.on('data', this.onData);
  }

  detach(): void {
    this.stream?.off('data', this.onData);
    this.stream = null;
  }

  onJob(listener: (job: PrintedJob) => void): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  /** Bytes received since the last cut (a job not finished yet). */
  unfinishedJob(): Uint8Array {
    return Uint8Array.from(this.job);
  }

  /** Resolves once `count` jobs have been printed in all (rejects after timeoutMs). */
  waitForJobs(count: number, timeoutMs = 5000): Promise<PrintedJob[]> {
    if (this.jobs.length >= count) return Promise.resolve(this.jobs.slice(0, count));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`printer emulator: ${this.jobs.length} of ${count} jobs after ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onJob(() => {
        if (this.jobs.length < count) return;
        clearTimeout(timer);
        off();
        resolve(this.jobs.slice(0, count));
      });
    });
  }

  /** Takes bytes as if they had come over the stream. */
  feed(bytes: Uint8Array): void {
    for (const b of bytes) this.pending.push(b);
    let i = 0;
    for (;;) {
      const found = unitAt(this.pending, i);
      if (found === null) break;
      const { length, unit } = found;
      if (unit.kind === 'status') {
        this.statusRequests.push(unit.n);
        if (this.job.length > 0) this.violations.push(`status request 10 04 ${unit.n} inside a job, after ${this.job.length} bytes`);
        this.answerStatus(unit.n);
      } else {
        for (let k = i; k < i + length; k++) this.job.push(this.pending[k] ?? 0);
        if (unit.kind === 'cut') this.finishJob();
      }
      i += length;
    }
    this.pending = this.pending.slice(i);
  }

  private answerStatus(n: number): void {
    const table = STATUS_BYTES[this.conditionNow];
    if (table === null || n < 1 || n > 4) return;
    const byte = table[n as 1 | 2 | 3 | 4];
    try {
      this.stream?.write(Buffer.of(byte));
    } catch {
      // a dead stream: the host will notice by itself
    }
  }

  private finishJob(): void {
    const bytes = Uint8Array.from(this.job);
    this.job = [];
    const transcript = decodeEscPos(bytes, { codePages: this.codePages });
    const job: PrintedJob = { bytes, transcript, lines: transcript.lines, description: describeTranscript(transcript), condition: this.conditionNow };
    this.jobs.push(job);
    for (const listener of this.jobListeners) listener(job);
  }
}
