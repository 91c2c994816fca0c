/**
 * Serial counter keypads on one line (docs/hardware.md, section 2): parses what they send, drops
 * resends, passes each command once to the hub and writes the hub's answer back.
 *
 * - Lines the protocol cannot accept are answered (ERR) only when their checksum was right, so
 *   that the seq is known; they are logged once per kind per minute, never once per line.
 * - A resent (keypadId, seq) gets the first answer again and is never carried out twice.
 * - A keypad id that is not configured on this line gets ERR UNKNOWN_KEYPAD.
 * - PING is answered here, with the last text the hub gave that keypad.
 * - Each keypad may send at most `ratePerSecond` lines a second (burst of as many); past that lines
 *   are dropped unanswered, and the keypad's own resend brings the command back later.
 */
import type { DeviceStatus, HubLink, KeypadAnswer as HubAnswer, KeypadCommand as HubCommand, KeypadDeviceConfig } from '../device-contract';
import { conditionOfLink, StatusKeeper } from '../device-status';
import { silentLog, ThrottledLog, type HardwareLog } from '../log';
import { serialErrorCode, type ByteLink } from '../serial/serial-link';
import {
  answerForParseError,
  encodeKeypadAnswer,
  KeypadDuplicateFilter,
  KeypadLineParser,
  type KeypadAnswer,
  type KeypadRequest,
} from './keypad-protocol';

export interface KeypadDriverOptions {
  config: KeypadDeviceConfig;
  link: ByteLink;
  hub: HubLink;
  onStatus: (status: DeviceStatus) => void;
  clock?: () => number;
  log?: HardwareLog;
  /** Lines a second accepted from one keypad (default 10). */
  ratePerSecond?: number;
  /** How long to wait for the hub before answering ERR HUB_TIMEOUT (default 10 s). */
  hubTimeoutMs?: number;
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,31}$/;
/** The bucket shared by every keypad id that is not configured (their number is unbounded). */
const UNKNOWN_BUCKET = '\u0000unknown';

interface Bucket {
  tokens: number;
  at: number;
}

export class KeypadDriver {
  readonly deviceId: string;
  private readonly link: ByteLink;
  private readonly hub: HubLink;
  private readonly keeper: StatusKeeper;
  private readonly clock: () => number;
  private readonly log: HardwareLog;
  private readonly throttled: ThrottledLog;
  private readonly parser = new KeypadLineParser();
  private readonly duplicates = new KeypadDuplicateFilter();
  private readonly known: ReadonlySet<string>;
  private readonly lastText = new Map<string, string>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly hubTimeoutMs: number;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(options: KeypadDriverOptions) {
    this.deviceId = options.config.id;
    this.link = options.link;
    this.hub = options.hub;
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? silentLog;
    this.throttled = new ThrottledLog(this.log, this.clock);
    this.known = new Set(options.config.keypads.map((k) => k.keypadId));
    this.rate = options.ratePerSecond ?? 10;
    this.hubTimeoutMs = options.hubTimeoutMs ?? 10_000;
    this.keeper = new StatusKeeper(this.deviceId, 'keypad', this.clock, options.onStatus);
  }

  start(): void {
    this.unsubscribe.push(
      this.link.onData((chunk) => this.receive(chunk)),
      this.link.onState((state, code) => {
        this.parser.reset();
        this.keeper.set(state === 'open' ? 'ok' : conditionOfLink(state), code);
      }),
    );
    this.keeper.set(this.link.isOpen ? 'ok' : conditionOfLink(this.link.state), this.link.code);
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unsubscribe.splice(0)) u();
  }

  status(): DeviceStatus {
    return this.keeper.current;
  }

  private receive(chunk: Uint8Array): void {
    if (this.stopped) return;
    for (const event of this.parser.push(chunk)) {
      if (event.ok) {
        this.handleRequest(event.request);
        continue;
      }
      const error = event.error;
      this.throttled.warn(`keypad-${error.code}`, 'keypad line rejected', { deviceId: this.deviceId, code: error.code, line: error.line });
      const answer = answerForParseError(error);
      if (answer === null || error.keypadId === undefined) continue;
      if (!this.allow(error.keypadId)) continue;
      this.send(answer);
    }
  }

  private handleRequest(request: KeypadRequest): void {
    const { keypadId, seq } = request;
    if (!this.allow(keypadId)) {
      this.throttled.warn(`keypad-rate-${keypadId}`, 'keypad sends too fast: lines dropped', { deviceId: this.deviceId, keypadId });
      return;
    }
    if (!this.known.has(keypadId)) {
      this.throttled.warn('keypad-unknown', 'keypad id not configured on this line', { deviceId: this.deviceId, keypadId });
      this.send({ kind: 'ERR', seq, code: 'UNKNOWN_KEYPAD' });
      return;
    }
    const now = this.clock();
    const check = this.duplicates.check(keypadId, seq, now);
    if (check.kind === 'in-progress') return;
    if (check.kind === 'replay') {
      this.write(check.answer);
      return;
    }
    void this.carryOut(request).then((answer) => {
      const bytes = encodeKeypadAnswer(answer);
      this.duplicates.complete(keypadId, seq, bytes, this.clock());
      if (!this.stopped) this.write(bytes);
    });
  }

  /** Never rejects: a failed or silent hub gives an ERR answer. */
  private async carryOut(request: KeypadRequest): Promise<KeypadAnswer> {
    const { keypadId, seq, command } = request;
    if (command.cmd === 'PING') return { kind: 'OK', seq, text: this.lastText.get(keypadId) ?? '' };
    const hubCommand: HubCommand = {
      deviceId: this.deviceId,
      keypadId,
      seq,
      command: command.cmd,
      argument: command.cmd === 'XFER' ? command.serviceId : command.cmd === 'CALL' ? command.ticketNumber : null,
    };
    let answer: HubAnswer;
    try {
      answer = await withTimeout(Promise.resolve().then(() => this.hub.keypadCommand(hubCommand)), this.hubTimeoutMs);
    } catch (error) {
      const timedOut = error instanceof TimeoutError;
      this.log.warn('keypad command not answered by the hub', { deviceId: this.deviceId, keypadId, seq, timedOut, error: String(error) });
      return { kind: 'ERR', seq, code: timedOut ? 'HUB_TIMEOUT' : 'INTERNAL' };
    }
    if (answer.ok) {
      this.lastText.set(keypadId, answer.text);
      return { kind: 'OK', seq, text: answer.text };
    }
    return { kind: 'ERR', seq, code: ERROR_CODE.test(answer.code) ? answer.code : 'INTERNAL' };
  }

  /** Token bucket per keypad id; ids not configured share one bucket. */
  private allow(keypadId: string): boolean {
    const key = this.known.has(keypadId) ? keypadId : UNKNOWN_BUCKET;
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: this.rate, at: now };
    bucket.tokens = Math.min(this.rate, bucket.tokens + (Math.max(0, now - bucket.at) * this.rate) / 1000);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private send(answer: KeypadAnswer): void {
    this.write(encodeKeypadAnswer(answer));
  }

  private write(bytes: Uint8Array): void {
    this.link.write(bytes).catch((error: unknown) => {
      this.throttled.warn('keypad-write', 'keypad answer not sent', { deviceId: this.deviceId, code: serialErrorCode(error) });
    });
  }
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`no answer in ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
