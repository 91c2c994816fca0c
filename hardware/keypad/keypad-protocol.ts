/**
 * The serial keypad line protocol (docs/hardware.md, "Counter keypads"). Pure: bytes in, typed
 * requests and errors out; answers out as bytes. Nothing here reads a clock: the duplicate filter
 * is given `now`.
 *
 * Request:  <keypadId> <seq> <CMD> [args]*<XX>\r\n
 * Answer:   OK <seq> <text>*<XX>\r\n  |  ERR <seq> <CODE>*<XX>\r\n
 * XX is the XOR of every byte before '*', as two upper-case hex digits.
 */

/** Longest line in bytes, CR LF not counted. A longer one is dropped up to its LF. */
export const MAX_LINE_LENGTH = 64;
/** Sequence numbers run 0-999 and wrap to 0. */
export const SEQ_MODULO = 1000;

const CR = 0x0d;
const LF = 0x0a;
const STAR = 0x2a;

const KEYPAD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/;
const SEQ = /^[0-9]{1,3}$/;
const SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const TICKET_NUMBER = /^[A-Za-z]?[0-9]{1,5}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,31}$/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;

export type KeypadCommand =
  | { cmd: 'NEXT' }
  | { cmd: 'RECALL' }
  | { cmd: 'SKIP' }
  | { cmd: 'DONE' }
  | { cmd: 'PING' }
  | { cmd: 'XFER'; serviceId: string }
  | { cmd: 'CALL'; ticketNumber: string };

export type KeypadCommandName = KeypadCommand['cmd'];

export const KEYPAD_COMMANDS: readonly KeypadCommandName[] = ['NEXT', 'RECALL', 'SKIP', 'DONE', 'PING', 'XFER', 'CALL'];

export interface KeypadRequest {
  keypadId: string;
  seq: number;
  command: KeypadCommand;
}

export type KeypadParseErrorCode =
  /** The two digits after '*' are not the XOR of the bytes before it. */
  | 'BAD_CHECKSUM'
  /** Checksum right, but the command word is not one of KEYPAD_COMMANDS. */
  | 'UNKNOWN_COMMAND'
  /** Checksum right, known command, wrong number or form of arguments. */
  | 'BAD_ARGS'
  /** More than MAX_LINE_LENGTH bytes before CR LF; the rest up to LF is dropped. */
  | 'LINE_TOO_LONG'
  /** A byte outside printable ASCII 0x20-0x7E (control bytes, 8-bit bytes, a stray CR). */
  | 'NON_ASCII'
  /** No '*' and two hex digits at the end, or no valid keypad id and seq in front. */
  | 'BAD_FRAME';

export interface KeypadParseError {
  code: KeypadParseErrorCode;
  /** Present when the checksum was right and the id and seq could be read. */
  keypadId?: string;
  seq?: number;
  /** The line for logs: printable ASCII as is, other bytes as \xNN; at most the first 64 bytes. */
  line: string;
}

export type KeypadParseEvent = { ok: true; request: KeypadRequest } | { ok: false; error: KeypadParseError };

export type KeypadAnswer = { kind: 'OK'; seq: number; text: string } | { kind: 'ERR'; seq: number; code: string };

export function xorChecksum(bytes: Uint8Array | readonly number[]): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

export function nextSeq(seq: number): number {
  return (seq + 1) % SEQ_MODULO;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

function printable(bytes: Uint8Array | readonly number[]): string {
  let s = '';
  let count = 0;
  for (const b of bytes) {
    if (count++ >= MAX_LINE_LENGTH) break;
    s += b >= 0x20 && b <= 0x7e && b !== 0x5c ? String.fromCharCode(b) : `\\x${hex2(b)}`;
  }
  return s;
}

function asciiBytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Frames a body (already printable ASCII) as `body*XX\r\n`. */
function frame(body: string): Uint8Array {
  const bytes = asciiBytes(body);
  return asciiBytes(`${body}*${hex2(xorChecksum(bytes))}\r\n`);
}

/**
 * Parses one line, without its CR LF. Checks, in order: bytes, length, frame, checksum, id and
 * seq, command, arguments, so that the id and seq of an error are only given when they are sound.
 */
export function parseKeypadLine(line: Uint8Array): KeypadParseEvent {
  const fail = (code: KeypadParseErrorCode, keypadId?: string, seq?: number): KeypadParseEvent => ({
    ok: false,
    error: { code, line: printable(line), ...(keypadId !== undefined && seq !== undefined ? { keypadId, seq } : {}) },
  });
  if (line.some((b) => b < 0x20 || b > 0x7e)) return fail('NON_ASCII');
  if (line.length > MAX_LINE_LENGTH) return fail('LINE_TOO_LONG');
  const star = line.indexOf(STAR);
  if (star === -1) return fail('BAD_FRAME');
  const text = String.fromCharCode(...line);
  const checksumText = text.slice(star + 1);
  if (!HEX2.test(checksumText)) return fail('BAD_FRAME');
  if (parseInt(checksumText, 16) !== xorChecksum(line.subarray(0, star))) return fail('BAD_CHECKSUM');

  const tokens = text.slice(0, star).split(' ');
  const [keypadId, seqText, cmd, ...args] = tokens;
  if (keypadId === undefined || seqText === undefined || cmd === undefined || tokens.some((t) => t === '')) return fail('BAD_FRAME');
  if (!KEYPAD_ID.test(keypadId) || !SEQ.test(seqText)) return fail('BAD_FRAME');
  const seq = Number(seqText);

  const ok = (command: KeypadCommand): KeypadParseEvent => ({ ok: true, request: { keypadId, seq, command } });
  switch (cmd) {
    case 'NEXT':
    case 'RECALL':
    case 'SKIP':
    case 'DONE':
    case 'PING':
      return args.length === 0 ? ok({ cmd }) : fail('BAD_ARGS', keypadId, seq);
    case 'XFER': {
      const [serviceId] = args;
      return args.length === 1 && serviceId !== undefined && SERVICE_ID.test(serviceId)
        ? ok({ cmd, serviceId })
        : fail('BAD_ARGS', keypadId, seq);
    }
    case 'CALL': {
      const [ticketNumber] = args;
      return args.length === 1 && ticketNumber !== undefined && TICKET_NUMBER.test(ticketNumber)
        ? ok({ cmd, ticketNumber: ticketNumber.toUpperCase() })
        : fail('BAD_ARGS', keypadId, seq);
    }
    default:
      return fail('UNKNOWN_COMMAND', keypadId, seq);
  }
}

/**
 * Cuts a byte stream into lines and parses them. Chunks may split anywhere. Memory is bounded:
 * at most MAX_LINE_LENGTH + 1 bytes are held. Empty lines are skipped, and so are NUL and 0xFF
 * bytes before a line starts (RS-485 transceivers often emit one when the bus turns around).
 */
export class KeypadLineParser {
  private buffer: number[] = [];
  private discarding = false;

  push(chunk: Uint8Array | readonly number[]): KeypadParseEvent[] {
    const events: KeypadParseEvent[] = [];
    for (const b of chunk) {
      if (b === LF) {
        const wasDiscarding = this.discarding;
        const line = this.buffer;
        this.buffer = [];
        this.discarding = false;
        if (wasDiscarding) continue;
        if (line[line.length - 1] === CR) line.pop();
        if (line.length > 0) events.push(parseKeypadLine(Uint8Array.from(line)));
        continue;
      }
      if (this.discarding) continue;
      if (this.buffer.length === 0 && (b === 0x00 || b === 0xff)) continue;
      this.buffer.push(b);
      // One byte of slack for the CR of a line of exactly MAX_LINE_LENGTH.
      if (this.buffer.length > MAX_LINE_LENGTH + 1) {
        events.push({ ok: false, error: { code: 'LINE_TOO_LONG', line: printable(this.buffer) } });
        this.buffer = [];
        this.discarding = true;
      }
    }
    return events;
  }

  /** Drops a partial line, e.g. after the port was reopened. */
  reset(): void {
    this.buffer = [];
    this.discarding = false;
  }
}

/** A request as a keypad sends it (for emulators and tests). */
export function encodeKeypadRequest(request: KeypadRequest): Uint8Array {
  checkSeq(request.seq);
  if (!KEYPAD_ID.test(request.keypadId)) throw new RangeError(`bad keypad id "${request.keypadId}"`);
  const c = request.command;
  const args = c.cmd === 'XFER' ? ` ${c.serviceId}` : c.cmd === 'CALL' ? ` ${c.ticketNumber}` : '';
  return frame(`${request.keypadId} ${request.seq} ${c.cmd}${args}`);
}

function checkSeq(seq: number): void {
  if (!Number.isInteger(seq) || seq < 0 || seq >= SEQ_MODULO) throw new RangeError(`seq must be 0-999, got ${seq}`);
}

/** The longest text an OK answer can carry: `OK 999 ` + text + `*XX` within MAX_LINE_LENGTH. */
export const MAX_ANSWER_TEXT = MAX_LINE_LENGTH - 'OK 999 '.length - '*XX'.length;

/**
 * Makes any text safe for a keypad's ASCII display: diacritics dropped (Quầy -> Quay, đ -> d),
 * other characters and '*' as '?', at most MAX_ANSWER_TEXT characters.
 */
export function toKeypadText(text: string): string {
  const plain = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
  let s = '';
  for (const ch of plain) {
    const code = ch.codePointAt(0) ?? 0;
    s += code >= 0x20 && code <= 0x7e && ch !== '*' ? ch : '?';
  }
  return s.slice(0, MAX_ANSWER_TEXT);
}

/** `OK <seq> <text>*XX\r\n` or `ERR <seq> <CODE>*XX\r\n`. OK text is passed through toKeypadText. */
export function encodeKeypadAnswer(answer: KeypadAnswer): Uint8Array {
  checkSeq(answer.seq);
  if (answer.kind === 'OK') {
    const text = toKeypadText(answer.text);
    return frame(text === '' ? `OK ${answer.seq}` : `OK ${answer.seq} ${text}`);
  }
  if (!ERROR_CODE.test(answer.code)) throw new RangeError(`bad error code "${answer.code}"`);
  return frame(`ERR ${answer.seq} ${answer.code}`);
}

/**
 * The answer the hub gives to a line it could not accept, or null for none. Only a line whose
 * checksum was right names its keypad and seq reliably; for any other the keypad's resend (after
 * 500 ms without an answer) is the recovery, and an answer with a garbled seq would only confuse it.
 */
export function answerForParseError(error: KeypadParseError): KeypadAnswer | null {
  if (error.seq === undefined || error.keypadId === undefined) return null;
  return { kind: 'ERR', seq: error.seq, code: error.code };
}

export type KeypadAnswerParse = { ok: true; answer: KeypadAnswer } | { ok: false; code: KeypadParseErrorCode };

/** Parses an answer line without its CR LF (the keypad's side; for emulators and tests). */
export function parseKeypadAnswer(line: Uint8Array): KeypadAnswerParse {
  if (line.some((b) => b < 0x20 || b > 0x7e)) return { ok: false, code: 'NON_ASCII' };
  if (line.length > MAX_LINE_LENGTH) return { ok: false, code: 'LINE_TOO_LONG' };
  const star = line.lastIndexOf(STAR);
  const text = String.fromCharCode(...line);
  if (star === -1 || !HEX2.test(text.slice(star + 1))) return { ok: false, code: 'BAD_FRAME' };
  if (parseInt(text.slice(star + 1), 16) !== xorChecksum(line.subarray(0, star))) return { ok: false, code: 'BAD_CHECKSUM' };
  const m = /^(OK|ERR) ([0-9]{1,3})(?: (.*))?$/.exec(text.slice(0, star));
  if (m === null) return { ok: false, code: 'BAD_FRAME' };
  const seq = Number(m[2]);
  const rest = m[3] ?? '';
  if (m[1] === 'OK') return { ok: true, answer: { kind: 'OK', seq, text: rest } };
  if (!ERROR_CODE.test(rest)) return { ok: false, code: 'BAD_ARGS' };
  return { ok: true, answer: { kind: 'ERR', seq, code: rest } };
}

export type DuplicateCheck =
  /** Not seen: carry the command out, then call complete() with the answer. */
  | { kind: 'new' }
  /** Seen and still being handled: do nothing; the answer goes out when it is ready. */
  | { kind: 'in-progress' }
  /** Seen and answered: send this answer again and carry nothing out. */
  | { kind: 'replay'; answer: Uint8Array };

export interface DuplicateFilterOptions {
  /** Keypads remembered; the least recently heard is forgotten first (default 256). */
  maxKeypads?: number;
  /** Sequence numbers remembered per keypad (default 8). */
  historyPerKeypad?: number;
  /**
   * How long after it was last heard a seq still counts as a resend (default 60 s). Past it the
   * same seq is a new command: the keypad was restarted, or its 0-999 counter came round again.
   */
  windowMs?: number;
}

interface SeenSeq {
  seq: number;
  lastHeard: number;
  answer: Uint8Array | null;
}

/**
 * Drops resent commands by (keypadId, seq) and gives back the first answer, so that a keypad that
 * missed an OK and resends NEXT does not call a second visitor. Deterministic and bounded:
 * at most maxKeypads x historyPerKeypad entries; the time is given by the caller.
 */
export class KeypadDuplicateFilter {
  private readonly keypads = new Map<string, SeenSeq[]>();
  private readonly maxKeypads: number;
  private readonly historyPerKeypad: number;
  private readonly windowMs: number;

  constructor(options: DuplicateFilterOptions = {}) {
    this.maxKeypads = options.maxKeypads ?? 256;
    this.historyPerKeypad = options.historyPerKeypad ?? 8;
    this.windowMs = options.windowMs ?? 60_000;
  }

  check(keypadId: string, seq: number, now: number): DuplicateCheck {
    const history = this.touch(keypadId);
    const seen = history.find((s) => s.seq === seq);
    if (seen !== undefined && now - seen.lastHeard <= this.windowMs) {
      seen.lastHeard = now;
      return seen.answer === null ? { kind: 'in-progress' } : { kind: 'replay', answer: seen.answer };
    }
    if (seen !== undefined) history.splice(history.indexOf(seen), 1);
    history.push({ seq, lastHeard: now, answer: null });
    while (history.length > this.historyPerKeypad) history.shift();
    return { kind: 'new' };
  }

  /** Records the answer sent for a command that check() called new. */
  complete(keypadId: string, seq: number, answer: Uint8Array, now: number): void {
    const history = this.touch(keypadId);
    let seen = history.find((s) => s.seq === seq);
    if (seen === undefined) {
      seen = { seq, lastHeard: now, answer: null };
      history.push(seen);
      while (history.length > this.historyPerKeypad) history.shift();
    }
    seen.answer = answer;
    seen.lastHeard = now;
  }

  /** How many (keypad, seq) entries are held; for tests of the bound. */
  size(): number {
    let n = 0;
    for (const h of this.keypads.values()) n += h.length;
    return n;
  }

  private touch(keypadId: string): SeenSeq[] {
    let history = this.keypads.get(keypadId);
    if (history !== undefined) this.keypads.delete(keypadId);
    else history = [];
    this.keypads.set(keypadId, history);
    while (this.keypads.size > this.maxKeypads) {
      const oldest = this.keypads.keys().next().value;
      if (oldest === undefined) break;
      this.keypads.delete(oldest);
    }
    return history;
  }
}
