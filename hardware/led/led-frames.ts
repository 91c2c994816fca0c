/**
 * Frames for LED counter displays (the 3-4 digit number above a counter), on RS-485 at 9600 8N1.
 * Two kinds are common: Modbus RTU (write the number to a holding register) and vendor ASCII
 * frames. Pure: bytes only. Formats are written down in docs/hardware.md.
 */

// ---------------------------------------------------------------- Modbus RTU

export const MODBUS_WRITE_SINGLE_REGISTER = 0x06;

/** CRC-16/MODBUS: reflected polynomial 0xA001, initial value 0xFFFF. Sent low byte first. */
export function crc16Modbus(bytes: Uint8Array | readonly number[]): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

function withCrc(body: readonly number[]): Uint8Array {
  const crc = crc16Modbus(body);
  return Uint8Array.from([...body, crc & 0xff, crc >>> 8]);
}

function checkRange(name: string, n: number, min: number, max: number): void {
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${name} must be an integer ${min}-${max}, got ${n}`);
}

/**
 * Function 06, write single register: slave, 06, register (hi, lo), value (hi, lo), CRC (lo, hi).
 * Slave 0 is a broadcast, which no display answers. Register 1, 7, value 102 -> 01 06 00 07 00 66 B8 21.
 */
export function modbusWriteRegister(slave: number, register: number, value: number): Uint8Array {
  checkRange('slave', slave, 0, 247);
  checkRange('register', register, 0, 0xffff);
  checkRange('value', value, 0, 0xffff);
  return withCrc([slave, MODBUS_WRITE_SINGLE_REGISTER, register >>> 8, register & 0xff, value >>> 8, value & 0xff]);
}

export type ModbusReplyCheck =
  | { ok: true }
  /** The display refused: exception code 1 illegal function, 2 illegal address, 3 illegal value, ... */
  | { ok: false; error: 'EXCEPTION'; exceptionCode: number }
  | { ok: false; error: 'BAD_CRC' | 'MISMATCH' | 'INCOMPLETE' };

/**
 * Checks the reply to a write-single-register request: a normal reply echoes the request's 8 bytes;
 * an exception reply is slave, 0x86, code, CRC (5 bytes).
 */
export function checkModbusWriteReply(request: Uint8Array, reply: Uint8Array): ModbusReplyCheck {
  if (reply.length >= 2 && reply[1] === (MODBUS_WRITE_SINGLE_REGISTER | 0x80)) {
    if (reply.length < 5) return { ok: false, error: 'INCOMPLETE' };
    if (reply.length > 5) return { ok: false, error: 'MISMATCH' };
    if (crc16Modbus(reply.subarray(0, 3)) !== ((reply[3] ?? 0) | ((reply[4] ?? 0) << 8))) return { ok: false, error: 'BAD_CRC' };
    if (reply[0] !== request[0]) return { ok: false, error: 'MISMATCH' };
    return { ok: false, error: 'EXCEPTION', exceptionCode: reply[2] ?? 0 };
  }
  if (reply.length < 8) return { ok: false, error: 'INCOMPLETE' };
  if (reply.length > 8) return { ok: false, error: 'MISMATCH' };
  if (crc16Modbus(reply.subarray(0, 6)) !== ((reply[6] ?? 0) | ((reply[7] ?? 0) << 8))) return { ok: false, error: 'BAD_CRC' };
  for (let i = 0; i < 8; i++) if (reply[i] !== request[i]) return { ok: false, error: 'MISMATCH' };
  return { ok: true };
}

/**
 * What a numeric display shows for a ticket: the number part of it, as an integer kept to the
 * display's digits. "A025" -> 25 (a 7-segment display cannot show every letter, and the letter is
 * on the wall display and the ticket); "1025" -> 1025 on 4 digits, 25 on 3; null when the ticket
 * has no digits. Whether 25 shows as "25" or "025" is the display's own setting.
 */
export function ledNumberFromTicket(ticketNumber: string, digits: 3 | 4 = 4): number | null {
  const m = /([0-9]+)$/.exec(ticketNumber.trim());
  if (m === null || m[1] === undefined) return null;
  return Number(m[1]) % 10 ** digits;
}

// ---------------------------------------------------------------- Vendor ASCII frame

export const STX = 0x02;
export const ETX = 0x03;

/**
 * `STX a1 a2 data... ETX chk`:
 * - a1 a2: the display address as two ASCII decimal digits, "00"-"99";
 * - data: printable ASCII (0x20-0x7E), at most MAX_LED_TEXT bytes;
 * - chk: XOR of every byte after STX up to and including ETX (a1, a2, data, ETX). It can take any
 *   value, STX and ETX included: a reader finds it by position, one byte after ETX.
 */
export const MAX_LED_TEXT = 32;

export function ledAsciiFrame(address: number, text: string): Uint8Array {
  checkRange('address', address, 0, 99);
  if (text.length > MAX_LED_TEXT) throw new RangeError(`LED text is ${text.length} characters, over ${MAX_LED_TEXT}`);
  const data = Array.from(text, (c) => c.charCodeAt(0));
  if (data.some((b) => b < 0x20 || b > 0x7e)) throw new RangeError(`LED text must be printable ASCII: "${text}"`);
  const body = [...Array.from(String(address).padStart(2, '0'), (c) => c.charCodeAt(0)), ...data, ETX];
  let chk = 0;
  for (const b of body) chk ^= b;
  return Uint8Array.from([STX, ...body, chk]);
}

export type LedFrameParse =
  | { ok: true; address: number; text: string }
  | { ok: false; error: 'BAD_FRAME' | 'BAD_CHECKSUM' };

/** Reads one whole ASCII frame (for display emulators and tests). */
export function parseLedAsciiFrame(frame: Uint8Array): LedFrameParse {
  const n = frame.length;
  if (n < 5 || frame[0] !== STX || frame[n - 2] !== ETX) return { ok: false, error: 'BAD_FRAME' };
  const body = frame.subarray(1, n - 1);
  const a = String.fromCharCode(frame[1] ?? 0, frame[2] ?? 0);
  if (!/^[0-9]{2}$/.test(a)) return { ok: false, error: 'BAD_FRAME' };
  const data = frame.subarray(3, n - 2);
  if (data.some((b) => b < 0x20 || b > 0x7e)) return { ok: false, error: 'BAD_FRAME' };
  let chk = 0;
  for (const b of body) chk ^= b;
  if (chk !== frame[n - 1]) return { ok: false, error: 'BAD_CHECKSUM' };
  return { ok: true, address: Number(a), text: String.fromCharCode(...data) };
}

/**
 * A ticket number as text for an ASCII display of `width` characters: diacritics and anything not
 * printable ASCII removed, the rightmost `width` characters kept, padded with spaces on the left
 * so that it sits right-aligned as digits do. "A025" on 4 -> "A025"; on 5 -> " A025".
 */
export function ledTextFromTicket(ticketNumber: string, width = 4): string {
  checkRange('width', width, 1, MAX_LED_TEXT);
  const ascii = ticketNumber
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
  return ascii.slice(-width).padStart(width, ' ');
}
