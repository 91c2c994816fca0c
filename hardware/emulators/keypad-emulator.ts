/**
 * A serial counter keypad for tests and the simulator (docs/hardware.md, section 2): sends commands
 * with a seq and checksum, resends the same line every `resendMs` (500 ms) until an answer with its
 * seq comes, and keeps every answer it got. One command in flight at a time, as on a real keypad.
 */
import {
  encodeKeypadRequest,
  nextSeq,
  parseKeypadAnswer,
  SEQ_MODULO,
  type KeypadAnswer,
  type KeypadCommand,
} from '../keypad/keypad-protocol';
import type { ByteStream } from './printer-emulator';

export interface KeypadEmulatorOptions {
  keypadId: string;
  /** First seq (default: random, as a keypad does at power-up). */
  startSeq?: number;
  /** Resend after this long without an answer (default 500 ms). */
  resendMs?: number;
  /** Gives up after this many sends of one line (default 20). */
  maxSends?: number;
}

export interface KeypadExchange {
  seq: number;
  /** The answer, or null when none came after maxSends. */
  answer: KeypadAnswer | null;
  /** How many times the line went out (1 = no resend). */
  sends: number;
}

export class KeypadEmulator {
  readonly keypadId: string;
  /** Every answer received, whatever its seq. */
  readonly answers: KeypadAnswer[] = [];
  /** Lines received that are not valid answers. */
  readonly badLines: string[] = [];
  /** Request lines sent by send(), resends included. */
  linesSent = 0;
  private seqNow: number;
  private readonly resendMs: number;
  private readonly maxSends: number;
  private stream: ByteStream | null = null;
  private buffer: number[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private waiting: { seq: number; done: (answer: KeypadAnswer) => void } | null = null;
  private readonly answerListeners = new Set<(answer: KeypadAnswer) => void>();
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  constructor(options: KeypadEmulatorOptions) {
    this.keypadId = options.keypadId;
    this.seqNow = options.startSeq ?? Math.floor(Math.random() * SEQ_MODULO);
    this.resendMs = options.resendMs ?? 500;
    this.maxSends = options.maxSends ?? 20;
  }

  /** The seq the next command will carry. */
  get seq(): number {
    return this.seqNow;
  }

  attach(stream: ByteStream): void {
    this.detach();
    this.stream = stream;
    this.buffer = [];
    stream.on('data', this.onData);
  }

  detach(): void {
    this.stream?.off('data', this.onData);
    this.stream = null;
  }

  onAnswer(listener: (answer: KeypadAnswer) => void): () => void {
    this.answerListeners.add(listener);
    return () => this.answerListeners.delete(listener);
  }

  /** Sends a command and resends it until answered; commands wait for the one before. */
  send(command: KeypadCommand): Promise<KeypadExchange> {
    const run = this.tail.then(() => this.exchange(command));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Writes bytes as they are (garbled lines, floods). */
  sendRaw(bytes: Uint8Array): void {
    this.write(bytes);
  }

  private exchange(command: KeypadCommand): Promise<KeypadExchange> {
    const seq = this.seqNow;
    const line = encodeKeypadRequest({ keypadId: this.keypadId, seq, command });
    return new Promise<KeypadExchange>((resolve) => {
      let sends = 0;
      let timer: NodeJS.Timeout | null = null;
      const finish = (answer: KeypadAnswer | null) => {
        if (timer !== null) clearTimeout(timer);
        this.waiting = null;
        this.seqNow = nextSeq(seq);
        resolve({ seq, answer, sends });
      };
      const sendOnce = () => {
        if (sends >= this.maxSends) {
          finish(null);
          return;
        }
        sends++;
        this.linesSent++;
        this.write(line);
        timer = setTimeout(sendOnce, this.resendMs);
      };
      this.waiting = { seq, done: finish };
      sendOnce();
    });
  }

  private write(bytes: Uint8Array): void {
    try {
      this.stream?.write(Buffer.from(bytes));
    } catch {
      // a dead stream: the resend goes out once there is a new one
    }
  }

  private receive(chunk: Buffer): void {
    for (const b of chunk) {
      if (b !== 0x0a) {
        if (this.buffer.length < 256) this.buffer.push(b);
        continue;
      }
      const line = this.buffer;
      this.buffer = [];
      if (line[line.length - 1] === 0x0d) line.pop();
      if (line.length === 0) continue;
      const parsed = parseKeypadAnswer(Uint8Array.from(line));
      if (!parsed.ok) {
        this.badLines.push(String.fromCharCode(...line));
        continue;
      }
      const answer = parsed.answer;
      this.answers.push(answer);
      for (const listener of this.answerListeners) listener(answer);
      // A keypad ignores answers with another seq.
      if (this.waiting !== null && this.waiting.seq === answer.seq) this.waiting.done(answer);
    }
  }
}
