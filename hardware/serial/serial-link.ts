/**
 * One serial port with a life of its own: it opens the configured path, says when it is open, gone
 * or missing, and keeps trying to get it back on a capped backoff until stop().
 *
 * Nothing here throws at the caller or crashes the process: a failed open is a state ('port-missing'
 * when the path does not exist, 'disconnected' otherwise), and an unplugged device (on a pty: an EIO
 * write callback, an 'error' event, then 'close' twice) is absorbed as one 'disconnected'.
 */
import { stat } from 'node:fs/promises';
import { SerialPort, type SerialPortMock, type SerialPortOpenOptions } from 'serialport';
import { silentLog, type HardwareLog } from '../log';

/** The real binding (default) or `SerialPortMock.binding` in tests. */
export type SerialBinding = typeof SerialPort.binding | typeof SerialPortMock.binding;

/** What the link reports to its owner. */
export type SerialLinkReport = 'open' | 'disconnected' | 'port-missing';
export type SerialLinkState = 'idle' | 'opening' | SerialLinkReport | 'stopped';

/** `code`: a short error code (ENOENT, EIO, EACCES, EBUSY, ...) or null when open. */
export type SerialLinkStateListener = (state: SerialLinkReport, code: string | null) => void;
export type SerialDataListener = (chunk: Uint8Array) => void;

export interface SerialBackoff {
  /** First retry delay (default 500 ms). */
  initialMs: number;
  /** Cap (default 60 s). Each failed attempt multiplies the delay by 1.5 up to it. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: SerialBackoff = { initialMs: 500, maxMs: 60_000 };
const BACKOFF_FACTOR = 1.5;

export interface SerialLinkOptions {
  path: string;
  baudRate: number;
  binding?: SerialBinding;
  backoff?: Partial<SerialBackoff>;
  /**
   * How often an open port's path is checked (default 1000 ms). A pty whose other end went away
   * does not fail a read, only the next write; a vanished or replaced path is noticed here.
   */
  watchMs?: number;
  onState?: SerialLinkStateListener;
  log?: HardwareLog;
}

/** A rejected write: `code` is NOT_OPEN, STOPPED, or the port's error code (EIO, ...). */
export class SerialLinkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SerialLinkError';
  }
}

/** Reduces a serialport or system error to a short code for logs and the supervisor's screen. */
export function serialErrorCode(error: unknown): string {
  if (error instanceof SerialLinkError) return error.code;
  const e = error as { code?: unknown; message?: unknown; disconnected?: unknown } | null;
  if (e !== null && typeof e === 'object' && typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code)) return e.code;
  const message = e !== null && typeof e === 'object' && typeof e.message === 'string' ? e.message : String(error);
  if (/ENOENT|No such file|Port does not exist/i.test(message)) return 'ENOENT';
  if (/EIO|i\/o error/i.test(message)) return 'EIO';
  if (/EACCES|Permission denied/i.test(message)) return 'EACCES';
  if (/EBUSY|Resource busy|locked|Cannot lock/i.test(message)) return 'EBUSY';
  if (/ENXIO|No such device/i.test(message)) return 'ENXIO';
  if (/EBADF|bad file descriptor/i.test(message)) return 'EBADF';
  if (/Inappropriate ioctl|ENOTTY/i.test(message)) return 'ENOTTY';
  if (e !== null && typeof e === 'object' && e.disconnected === true) return 'DISCONNECTED';
  return 'ERROR';
}

interface PendingWrite {
  reject(error: SerialLinkError): void;
}

export class SerialLink {
  readonly path: string;
  readonly baudRate: number;
  private readonly binding: SerialBinding;
  private readonly backoff: SerialBackoff;
  private readonly watchMs: number;
  private readonly log: HardwareLog;
  private readonly stateListeners = new Set<SerialLinkStateListener>();
  private readonly dataListeners = new Set<SerialDataListener>();
  private readonly pending = new Set<PendingWrite>();

  private port: SerialPort | null = null;
  /** Bumped whenever a port is given up: events of older ports are ignored (the second close). */
  private generation = 0;
  private current: SerialLinkState = 'idle';
  private currentCode: string | null = null;
  private reported: SerialLinkReport | null = null;
  private delayMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchTimer: NodeJS.Timeout | null = null;

  constructor(options: SerialLinkOptions) {
    this.path = options.path;
    this.baudRate = options.baudRate;
    this.binding = options.binding ?? SerialPort.binding;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.watchMs = options.watchMs ?? 1000;
    this.log = options.log ?? silentLog;
    this.delayMs = this.backoff.initialMs;
    if (options.onState !== undefined) this.stateListeners.add(options.onState);
  }

  /** While reopening after a loss this stays what was last reported ('disconnected', 'port-missing'). */
  get state(): SerialLinkState {
    if (this.current === 'opening' && this.reported !== null && this.reported !== 'open') return this.reported;
    return this.current;
  }

  /** The error code behind the current state, null when open. */
  get code(): string | null {
    return this.currentCode;
  }

  get isOpen(): boolean {
    return this.current === 'open' && this.port !== null;
  }

  /** Starts opening (and reopening after any loss) until stop(). Calling it again does nothing. */
  start(): void {
    if (this.current !== 'idle') return;
    this.attempt();
  }

  onState(listener: SerialLinkStateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onData(listener: SerialDataListener): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /**
   * Writes and resolves once the bytes have been handed to the system (drained). Rejects with a
   * SerialLinkError when the port is not open or fails; never throws synchronously.
   */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const port = this.port;
      if (port === null || this.current !== 'open') {
        reject(new SerialLinkError(this.current === 'stopped' ? 'STOPPED' : 'NOT_OPEN', `${this.path} is not open`));
        return;
      }
      const entry: PendingWrite = { reject };
      this.pending.add(entry);
      const done = (error: unknown) => {
        if (!this.pending.delete(entry)) return;
        if (error === null || error === undefined) resolve();
        else reject(new SerialLinkError(serialErrorCode(error), `write to ${this.path} failed: ${describe(error)}`));
      };
      try {
        // Drain only once this chunk is written: the stream's drain() does not wait for chunks
        // still queued in the stream behind an earlier write.
        port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => {
          if (error) done(error);
          else if (!port.isOpen) done(new SerialLinkError('NOT_OPEN', `${this.path} closed`));
          else port.drain((drainError) => done(drainError));
        });
      } catch (error) {
        done(error ?? new Error('write failed'));
      }
    });
  }

  /** Closes the port for good. Pending writes are rejected with STOPPED. */
  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    this.current = 'stopped';
    this.clearTimers();
    this.generation++;
    this.rejectPending('STOPPED');
    const port = this.port;
    this.port = null;
    if (port !== null) await closeQuietly(port);
  }

  private attempt(): void {
    this.retryTimer = null;
    if (this.current === 'stopped') return;
    this.current = 'opening';
    const generation = ++this.generation;
    let port: SerialPort;
    try {
      const options = { path: this.path, baudRate: this.baudRate, autoOpen: false, binding: this.binding };
      port = new SerialPort(options as SerialPortOpenOptions<typeof SerialPort.binding>);
    } catch (error) {
      this.openFailed(error);
      return;
    }
    // Listeners stay on the port for its whole life: late events of a dead port must find one.
    port.on('error', (error: Error) => this.lost(generation, error));
    port.on('close', (error: unknown) => this.lost(generation, error ?? new SerialLinkError('CLOSED', 'port closed')));
    port.on('data', (chunk: Buffer) => {
      if (generation !== this.generation) return;
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const listener of this.dataListeners) {
        try {
          listener(bytes);
        } catch (error) {
          this.log.error('serial data listener failed', { path: this.path, error: describe(error) });
        }
      }
    });
    port.open((error) => {
      if (generation !== this.generation || this.current === 'stopped') {
        if (!error) void closeQuietly(port);
        return;
      }
      if (error) {
        this.openFailed(error);
        return;
      }
      this.port = port;
      this.delayMs = this.backoff.initialMs;
      this.setState('open', null);
      void this.startWatch(generation);
    });
  }

  private openFailed(error: unknown): void {
    const code = serialErrorCode(error);
    // After an unplug the path usually vanishes too: that is still "disconnected", not "missing".
    const state: SerialLinkReport = code === 'ENOENT' && this.reported !== 'disconnected' ? 'port-missing' : 'disconnected';
    if (this.reported !== state || this.currentCode !== code) {
      this.log.warn('serial port cannot be opened', { path: this.path, code, error: describe(error) });
    }
    this.setState(state, code);
    this.scheduleRetry();
  }

  /** The open port failed or closed: give it up once, whatever else it still emits. */
  private lost(generation: number, error: unknown): void {
    if (generation !== this.generation || this.current === 'stopped') return;
    this.generation++;
    const port = this.port;
    this.port = null;
    this.clearWatch();
    const code = serialErrorCode(error);
    this.rejectPending(code);
    if (port !== null) void closeQuietly(port);
    if (this.current === 'open') this.log.warn('serial port lost', { path: this.path, code });
    this.setState('disconnected', code);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.current === 'stopped' || this.retryTimer !== null) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.backoff.maxMs, Math.round(this.delayMs * BACKOFF_FACTOR));
    this.retryTimer = setTimeout(() => this.attempt(), delay);
    this.retryTimer.unref?.();
  }

  private setState(state: SerialLinkReport, code: string | null): void {
    this.current = state;
    this.currentCode = code;
    if (this.reported === state) return;
    this.reported = state;
    for (const listener of this.stateListeners) {
      try {
        listener(state, code);
      } catch (error) {
        this.log.error('serial state listener failed', { path: this.path, error: describe(error) });
      }
    }
  }

  /**
   * Watches the path of an open port: gone, or now another device (a pty reallocated by a new
   * socat, a USB adapter plugged into another port), means this port is dead.
   */
  private async startWatch(generation: number): Promise<void> {
    const identity = await fileIdentity(this.path);
    // The mock binding's paths are not files: nothing to watch there.
    if (identity === null || generation !== this.generation || this.watchMs <= 0) return;
    const tick = async () => {
      this.watchTimer = null;
      if (generation !== this.generation) return;
      const now = await fileIdentity(this.path);
      if (generation !== this.generation) return;
      if (now === null) this.lost(generation, new SerialLinkError('ENOENT', `${this.path} vanished`));
      else if (now !== identity) this.lost(generation, new SerialLinkError('REPLACED', `${this.path} is another device now`));
      else schedule();
    };
    const schedule = () => {
      this.watchTimer = setTimeout(() => void tick(), this.watchMs);
      this.watchTimer.unref?.();
    };
    schedule();
  }

  private clearWatch(): void {
    if (this.watchTimer !== null) clearTimeout(this.watchTimer);
    this.watchTimer = null;
  }

  private clearTimers(): void {
    this.clearWatch();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private rejectPending(code: string): void {
    const pending = [...this.pending];
    this.pending.clear();
    for (const p of pending) p.reject(new SerialLinkError(code, `${this.path}: ${code}`));
  }
}

async function fileIdentity(path: string): Promise<string | null> {
  try {
    const s = await stat(path);
    return `${s.dev}:${s.ino}:${s.rdev}`;
  } catch {
    return null;
  }
}

function closeQuietly(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) {
      resolve();
      return;
    }
    try {
      port.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the drivers use of a link (tests may hand them anything shaped like it). */
export type ByteLink = Pick<SerialLink, 'state' | 'code' | 'isOpen' | 'write' | 'onData' | 'onState'>;
