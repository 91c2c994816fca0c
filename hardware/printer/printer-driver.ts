/**
 * An ESC/POS ticket printer on a serial link: one job at a time, a real-time status check
 * (`10 04 n`) before and after every job and every `pollMs` when idle, and the printer's condition
 * reported whenever it changes.
 *
 * Status requests are only ever sent between jobs (never inside a job's bytes, where the printer
 * would read them as image dots or text), because jobs and checks share one queue.
 */
import type { DeviceCondition, DeviceStatus, PrintResult } from '../device-contract';
import { conditionOfLink, StatusKeeper } from '../device-status';
import { statusRequestBytes, type StatusRequestKind } from '../escpos/encoder';
import { combineStatus, isValidStatusByte, statusProblems, type PrinterProblem } from '../escpos/status';
import { silentLog, type HardwareLog } from '../log';
import { SerialLinkError, serialErrorCode, type ByteLink } from '../serial/serial-link';

export interface PrinterDriverOptions {
  deviceId: string;
  link: ByteLink;
  onStatus: (status: DeviceStatus) => void;
  clock?: () => number;
  /** How long to wait for each status byte (default 1000 ms). No answer means 'offline'. */
  statusTimeoutMs?: number;
  /** The line's speed, for the time a job may take to send (default 9600). */
  baudRate?: number;
  /** Added to twice a job's sending time before it is given up (default 5000 ms). */
  jobSlackMs?: number;
  /** Status check while idle, so that paper-out and "back online" show without a job (default 10 s; 0 = never). */
  pollMs?: number;
  log?: HardwareLog;
}

/** Conditions in which a job is sent; a printer with its paper near the end still prints. */
const PRINTS: ReadonlySet<DeviceCondition> = new Set(['ok', 'paper-near-end']);
/** Conditions after a job that mean the ticket did not come out whole. */
const STOPPED_PRINTING: ReadonlySet<DeviceCondition> = new Set(['paper-out', 'cover-open', 'printer-error']);

export interface PrinterCheck {
  condition: DeviceCondition;
  detail: string | null;
}

/** The device condition for the problems statusProblems() found, most serious first. */
export function conditionOfProblems(problems: readonly PrinterProblem[]): DeviceCondition {
  const first = problems[0];
  switch (first) {
    case undefined:
      return 'ok';
    case 'COVER_OPEN':
      return 'cover-open';
    case 'PAPER_OUT':
      return 'paper-out';
    case 'UNRECOVERABLE_ERROR':
    case 'CUTTER_ERROR':
    case 'RECOVERABLE_ERROR':
    case 'ERROR':
      return 'printer-error';
    case 'OFFLINE':
      return 'offline';
    case 'PAPER_NEAR_END':
      return 'paper-near-end';
    default:
      return 'printer-error';
  }
}

type Answer = { ok: true; byte: number } | { ok: false; detail: 'NO_ANSWER' | 'INVALID_STATUS_BYTE' | string; linkFailed: boolean };

const MAX_INBOX = 64;
/** How long a job waits for a port that is being opened. */
const OPEN_WAIT_MS = 2000;

export class PrinterDriver {
  readonly deviceId: string;
  private readonly link: ByteLink;
  private readonly keeper: StatusKeeper;
  private readonly statusTimeoutMs: number;
  private readonly pollMs: number;
  private readonly baudRate: number;
  private readonly jobSlackMs: number;
  private readonly log: HardwareLog;
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private inbox: number[] = [];
  private wake: (() => void) | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private started = false;
  private stopped = false;

  constructor(options: PrinterDriverOptions) {
    this.deviceId = options.deviceId;
    this.link = options.link;
    this.statusTimeoutMs = options.statusTimeoutMs ?? 1000;
    this.pollMs = options.pollMs ?? 10_000;
    this.baudRate = options.baudRate ?? 9600;
    this.jobSlackMs = options.jobSlackMs ?? 5000;
    this.log = options.log ?? silentLog;
    this.keeper = new StatusKeeper(options.deviceId, 'printer', options.clock ?? Date.now, options.onStatus);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe.push(
      this.link.onData((chunk) => {
        for (const b of chunk) this.inbox.push(b);
        if (this.inbox.length > MAX_INBOX) this.inbox.splice(0, this.inbox.length - MAX_INBOX);
        this.wake?.();
      }),
      this.link.onState((state, code) => {
        this.inbox = [];
        this.wake?.();
        if (state === 'open') void this.checkStatus();
        else this.keeper.set(conditionOfLink(state), code);
      }),
    );
    if (this.link.isOpen) void this.checkStatus();
    else this.keeper.set(conditionOfLink(this.link.state), this.link.code);
    if (this.pollMs > 0) {
      this.pollTimer = setInterval(() => {
        if (this.queued === 0 && this.link.isOpen) void this.checkStatus();
      }, this.pollMs);
      this.pollTimer.unref?.();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
    for (const u of this.unsubscribe.splice(0)) u();
    this.wake?.();
  }

  status(): DeviceStatus {
    return this.keeper.current;
  }

  /** Prints one job (whole ESC/POS bytes, ending with a cut) when the printer can print. */
  print(bytes: Uint8Array): Promise<PrintResult> {
    return this.enqueue(() => this.runJob(bytes));
  }

  /** Asks the printer's status now (after any job in the queue). */
  checkStatus(): Promise<PrinterCheck> {
    return this.enqueue(() => this.readStatus());
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.tail.then(task, task).finally(() => {
      this.queued--;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async runJob(bytes: Uint8Array): Promise<PrintResult> {
    if (this.stopped) return { ok: false, condition: 'disconnected', detail: 'STOPPED' };
    await this.settled();
    if (!this.link.isOpen) return { ok: false, condition: conditionOfLink(this.link.state), detail: this.link.code };
    const before = await this.readStatus();
    if (!PRINTS.has(before.condition)) return { ok: false, condition: before.condition, detail: before.detail };
    try {
      await this.writeWithin(bytes);
    } catch (error) {
      const code = serialErrorCode(error);
      this.log.warn('print job not sent', { deviceId: this.deviceId, code });
      return { ok: false, condition: this.link.isOpen ? 'offline' : conditionOfLink(this.link.state), detail: code };
    }
    const after = await this.readStatus();
    if (STOPPED_PRINTING.has(after.condition)) return { ok: false, condition: after.condition, detail: 'AFTER_JOB' };
    return { ok: true };
  }

  /**
   * Writes a job, giving up after twice the time the bytes take at the line's speed plus jobSlackMs: a
   * printer holding the line (flow control, a jam) must not stall the queue for good.
   */
  private writeWithin(bytes: Uint8Array): Promise<void> {
    const ms = this.jobSlackMs + Math.ceil((2 * bytes.length * 10 * 1000) / this.baudRate);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SerialLinkError('WRITE_TIMEOUT', `job not sent in ${ms} ms`)), ms);
      this.link.write(bytes).then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** A job that comes while the port is still being opened for the first time waits for it a little. */
  private settled(): Promise<void> {
    const state = this.link.state;
    if (state !== 'idle' && state !== 'opening') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        resolve();
      };
      const timer = setTimeout(done, OPEN_WAIT_MS);
      const off = this.link.onState(done);
    });
  }

  /** Reads statuses 1, 2 and 4 (and 3 when an error is flagged), maps them, reports any change. */
  private async readStatus(): Promise<PrinterCheck> {
    let check = await this.askAll();
    // The link may have gone while we waited: then that is the news, not a missing answer.
    if (!this.link.isOpen) check = { condition: conditionOfLink(this.link.state), detail: this.link.code };
    if (!this.stopped) this.keeper.set(check.condition, check.detail);
    return check;
  }

  private async askAll(): Promise<PrinterCheck> {
    if (this.stopped || !this.link.isOpen) return { condition: conditionOfLink(this.link.state), detail: this.link.code };
    const replies: Partial<Record<StatusRequestKind, number>> = {};
    for (const n of [1, 2, 4] as const) {
      const answer = await this.ask(n);
      if (!answer.ok) return this.noAnswer(answer);
      replies[n] = answer.byte;
    }
    let combined = combineStatus(replies);
    if (combined.ok && combined.status.error === true) {
      const answer = await this.ask(3);
      if (!answer.ok) return this.noAnswer(answer);
      replies[3] = answer.byte;
      combined = combineStatus(replies);
    }
    // ask() only accepts valid bytes, so combineStatus cannot reject them; kept for the type.
    if (!combined.ok) return { condition: 'offline', detail: 'INVALID_STATUS_BYTE' };
    const problems = statusProblems(combined.status);
    return { condition: conditionOfProblems(problems), detail: problems.length === 0 ? null : problems.join(',') };
  }

  private noAnswer(answer: Extract<Answer, { ok: false }>): PrinterCheck {
    if (answer.linkFailed) return { condition: this.link.isOpen ? 'offline' : conditionOfLink(this.link.state), detail: answer.detail };
    return { condition: 'offline', detail: answer.detail };
  }

  /**
   * Sends `10 04 n` and waits for one valid status byte; other bytes are skipped. The timeout
   * covers the write too: a request stuck behind a job the printer does not take is no answer.
   */
  private ask(n: StatusRequestKind): Promise<Answer> {
    this.inbox = [];
    return new Promise<Answer>((resolve) => {
      let written = false;
      let sawInvalid = false;
      let settled = false;
      const finish = (answer: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.wake === look) this.wake = null;
        resolve(answer);
      };
      const look = () => {
        if (this.stopped || !this.link.isOpen) {
          finish({ ok: false, detail: this.stopped ? 'STOPPED' : (this.link.code ?? 'NOT_OPEN'), linkFailed: true });
          return;
        }
        while (this.inbox.length > 0) {
          const b = this.inbox.shift() ?? 0;
          if (isValidStatusByte(b)) {
            finish({ ok: true, byte: b });
            return;
          }
          sawInvalid = true;
        }
      };
      const timer = setTimeout(
        () => finish({ ok: false, detail: !written ? 'WRITE_TIMEOUT' : sawInvalid ? 'INVALID_STATUS_BYTE' : 'NO_ANSWER', linkFailed: false }),
        this.statusTimeoutMs,
      );
      this.wake = look;
      this.link.write(statusRequestBytes(n)).then(
        () => {
          written = true;
          if (!settled) look();
        },
        (error: unknown) => finish({ ok: false, detail: serialErrorCode(error), linkFailed: true }),
      );
    });
  }
}
