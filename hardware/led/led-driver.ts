/**
 * LED counter displays on one serial line (docs/hardware.md, section 3): shows a counter's ticket
 * number on that counter's display address, one frame at a time (the bus is shared).
 *
 * - Modbus RTU: writes the number part of the ticket to the configured register (function 06) and
 *   checks the echo within `replyTimeoutMs`; a missing or wrong reply is retried once. An
 *   exception reply is final. Slave 0 (broadcast) gets no reply and is not waited for.
 *   `null` (clear) writes 0, which displays set to blank leading zeros show as empty.
 * - ASCII frame: no reply exists; `null` sends spaces.
 *
 * Condition: 'ok' while frames are answered, 'offline' (detail NO_ANSWER, BAD_CRC, MISMATCH,
 * EXCEPTION_nn) when a Modbus display stops answering right.
 */
import type { DeviceStatus, LedDeviceConfig } from '../device-contract';
import { conditionOfLink, StatusKeeper } from '../device-status';
import { silentLog, type HardwareLog } from '../log';
import { serialErrorCode, type ByteLink } from '../serial/serial-link';
import { checkModbusWriteReply, ledAsciiFrame, ledNumberFromTicket, ledTextFromTicket, modbusWriteRegister, MAX_LED_TEXT } from './led-frames';

export interface LedDriverOptions {
  config: LedDeviceConfig;
  link: ByteLink;
  onStatus: (status: DeviceStatus) => void;
  clock?: () => number;
  /** Modbus: how long to wait for the echo (default 300 ms). */
  replyTimeoutMs?: number;
  log?: HardwareLog;
}

export type LedShowResult = { ok: true } | { ok: false; error: string };

type Reply = { ok: true } | { ok: false; error: string; final: boolean };

export class LedDriver {
  readonly deviceId: string;
  private readonly config: LedDeviceConfig;
  private readonly link: ByteLink;
  private readonly keeper: StatusKeeper;
  private readonly replyTimeoutMs: number;
  private readonly log: HardwareLog;
  private tail: Promise<unknown> = Promise.resolve();
  private inbox: number[] = [];
  private wake: (() => void) | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(options: LedDriverOptions) {
    this.config = options.config;
    this.deviceId = options.config.id;
    this.link = options.link;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 300;
    this.log = options.log ?? silentLog;
    this.keeper = new StatusKeeper(this.deviceId, 'led', options.clock ?? Date.now, options.onStatus);
  }

  start(): void {
    this.unsubscribe.push(
      this.link.onData((chunk) => {
        for (const b of chunk) this.inbox.push(b);
        if (this.inbox.length > 64) this.inbox.splice(0, this.inbox.length - 64);
        this.wake?.();
      }),
      this.link.onState((state, code) => {
        this.inbox = [];
        this.keeper.set(state === 'open' ? 'ok' : conditionOfLink(state), code);
      }),
    );
    this.keeper.set(this.link.isOpen ? 'ok' : conditionOfLink(this.link.state), this.link.code);
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.wake?.();
  }

  status(): DeviceStatus {
    return this.keeper.current;
  }

  /** Shows a ticket number (or clears, with null) on the display of `counterId`. Never rejects. */
  show(counterId: string, ticketNumber: string | null): Promise<LedShowResult> {
    const display = this.config.displays.find((d) => d.counterId === counterId);
    if (display === undefined) return Promise.resolve({ ok: false, error: 'UNKNOWN_COUNTER' });
    const run = this.tail.then(() => this.send(display.address, ticketNumber));
    this.tail = run.catch(() => undefined);
    return run.catch((error: unknown) => ({ ok: false, error: String(error) }));
  }

  private async send(address: number, ticketNumber: string | null): Promise<LedShowResult> {
    if (!this.link.isOpen) return { ok: false, error: this.link.code ?? 'NOT_OPEN' };
    let frame: Uint8Array;
    try {
      frame = this.config.protocol === 'modbus' ? this.modbusFrame(address, ticketNumber) : this.asciiFrame(address, ticketNumber);
    } catch (error) {
      this.log.warn('LED frame cannot be made', { deviceId: this.deviceId, address, error: String(error) });
      return { ok: false, error: 'BAD_FRAME' };
    }
    const expectsReply = this.config.protocol === 'modbus' && address !== 0;
    let reply: Reply = { ok: false, error: 'NO_ANSWER', final: false };
    for (let attempt = 0; attempt < (expectsReply ? 2 : 1); attempt++) {
      this.inbox = [];
      try {
        await this.link.write(frame);
      } catch (error) {
        return { ok: false, error: serialErrorCode(error) };
      }
      if (!expectsReply) return this.done({ ok: true });
      reply = await this.awaitModbusReply(frame);
      if (reply.ok || reply.final) break;
    }
    return this.done(reply);
  }

  private done(reply: Reply): LedShowResult {
    if (!this.link.isOpen) return { ok: false, error: this.link.code ?? 'NOT_OPEN' };
    if (reply.ok) {
      this.keeper.set('ok', null);
      return { ok: true };
    }
    this.keeper.set('offline', reply.error);
    this.log.warn('LED display did not take the number', { deviceId: this.deviceId, error: reply.error });
    return { ok: false, error: reply.error };
  }

  private modbusFrame(address: number, ticketNumber: string | null): Uint8Array {
    const digits = this.config.width <= 3 ? 3 : 4;
    const value = ticketNumber === null ? 0 : (ledNumberFromTicket(ticketNumber, digits) ?? 0);
    return modbusWriteRegister(address, this.config.register, value);
  }

  private asciiFrame(address: number, ticketNumber: string | null): Uint8Array {
    const width = Math.min(MAX_LED_TEXT, Math.max(1, this.config.width));
    return ledAsciiFrame(address, ticketNumber === null ? ' '.repeat(width) : ledTextFromTicket(ticketNumber, width));
  }

  /** Waits for an 8-byte echo (or a 5-byte exception) and checks it. */
  private awaitModbusReply(request: Uint8Array): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const finish = (reply: Reply) => {
        clearTimeout(timer);
        this.wake = null;
        resolve(reply);
      };
      const look = () => {
        if (!this.link.isOpen) {
          finish({ ok: false, error: this.link.code ?? 'NOT_OPEN', final: true });
          return;
        }
        const bytes = Uint8Array.from(this.inbox);
        const isException = bytes.length >= 2 && bytes[1] === 0x86;
        if (bytes.length < (isException ? 5 : 8)) return;
        const check = checkModbusWriteReply(request, bytes.subarray(0, isException ? 5 : 8));
        if (check.ok) finish({ ok: true });
        else if (check.error === 'EXCEPTION') finish({ ok: false, error: `EXCEPTION_${check.exceptionCode.toString(16).padStart(2, '0').toUpperCase()}`, final: true });
        else finish({ ok: false, error: check.error, final: false });
      };
      const timer = setTimeout(() => finish({ ok: false, error: this.inbox.length > 0 ? 'INCOMPLETE' : 'NO_ANSWER', final: false }), this.replyTimeoutMs);
      this.wake = look;
      look();
    });
  }
}
