import { describe, it, expect } from 'vitest';
import {
  checkModbusWriteReply,
  crc16Modbus,
  ledAsciiFrame,
  ledNumberFromTicket,
  ledTextFromTicket,
  modbusWriteRegister,
  parseLedAsciiFrame,
} from '../../hardware/led/led-frames';

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
const fromHex = (s: string): Uint8Array => Uint8Array.from(s.split(' '), (h) => parseInt(h, 16));

describe('Modbus RTU', () => {
  it('has the standard CRC-16/MODBUS check value', () => {
    expect(crc16Modbus(Uint8Array.from('123456789', (c) => c.charCodeAt(0)))).toBe(0x4b37);
  });

  it('writes a single register: slave 1, register 7, value 102 -> 01 06 00 07 00 66 B8 21', () => {
    expect(hex(modbusWriteRegister(1, 7, 102))).toBe('01 06 00 07 00 66 B8 21');
    expect(hex(modbusWriteRegister(1, 1, 3))).toBe('01 06 00 01 00 03 98 0B');
  });

  it('refuses values outside the protocol', () => {
    expect(() => modbusWriteRegister(248, 7, 1)).toThrow(RangeError);
    expect(() => modbusWriteRegister(1, 0x10000, 1)).toThrow(RangeError);
    expect(() => modbusWriteRegister(1, 7, -1)).toThrow(RangeError);
    expect(() => modbusWriteRegister(1, 7, 1.5)).toThrow(RangeError);
  });

  it('checks the reply: echo, exception, bad CRC, short, other', () => {
    const request = modbusWriteRegister(1, 7, 102);
    expect(checkModbusWriteReply(request, request.slice())).toEqual({ ok: true });
    expect(checkModbusWriteReply(request, fromHex('01 86 02 C3 A1'))).toEqual({ ok: false, error: 'EXCEPTION', exceptionCode: 2 });
    expect(checkModbusWriteReply(request, fromHex('01 86 02 C3 A2'))).toEqual({ ok: false, error: 'BAD_CRC' });
    expect(checkModbusWriteReply(request, fromHex('01 06 00 07 00 66 B8 20'))).toEqual({ ok: false, error: 'BAD_CRC' });
    expect(checkModbusWriteReply(request, fromHex('01 06 00 07'))).toEqual({ ok: false, error: 'INCOMPLETE' });
    expect(checkModbusWriteReply(request, modbusWriteRegister(1, 7, 103))).toEqual({ ok: false, error: 'MISMATCH' });
    expect(checkModbusWriteReply(request, modbusWriteRegister(2, 7, 102))).toEqual({ ok: false, error: 'MISMATCH' });
  });
});

describe('ledNumberFromTicket', () => {
  it('keeps the number part, to the display digits', () => {
    expect(ledNumberFromTicket('A025')).toBe(25);
    expect(ledNumberFromTicket('A025', 3)).toBe(25);
    expect(ledNumberFromTicket('1025')).toBe(1025);
    expect(ledNumberFromTicket('1025', 3)).toBe(25);
    expect(ledNumberFromTicket(' B100 ')).toBe(100);
    expect(ledNumberFromTicket('ABC')).toBeNull();
    expect(ledNumberFromTicket('')).toBeNull();
  });

  it('feeds the Modbus frame', () => {
    const value = ledNumberFromTicket('A102');
    expect(value).toBe(102);
    expect(hex(modbusWriteRegister(1, 7, value ?? 0))).toBe('01 06 00 07 00 66 B8 21');
  });
});

describe('ASCII LED frame', () => {
  it('is STX, two address digits, data, ETX, XOR of everything after STX', () => {
    // 30^31^41^30^32^35^03 = 74, worked out by hand
    expect(hex(ledAsciiFrame(1, 'A025'))).toBe('02 30 31 41 30 32 35 03 74');
    expect(hex(ledAsciiFrame(12, ''))).toBe('02 31 32 03 00');
  });

  it('refuses bad addresses and text a display cannot show', () => {
    expect(() => ledAsciiFrame(100, 'A025')).toThrow(RangeError);
    expect(() => ledAsciiFrame(1, 'Quầy')).toThrow(RangeError);
    expect(() => ledAsciiFrame(1, 'A\x03')).toThrow(RangeError);
    expect(() => ledAsciiFrame(1, 'x'.repeat(33))).toThrow(RangeError);
  });

  it('reads a frame back and rejects a corrupted one', () => {
    expect(parseLedAsciiFrame(ledAsciiFrame(7, ' A025'))).toEqual({ ok: true, address: 7, text: ' A025' });
    const bad = ledAsciiFrame(1, 'A025');
    bad[4] = 0x31;
    expect(parseLedAsciiFrame(bad)).toEqual({ ok: false, error: 'BAD_CHECKSUM' });
    expect(parseLedAsciiFrame(fromHex('02 30 31 41 74'))).toEqual({ ok: false, error: 'BAD_FRAME' });
    expect(parseLedAsciiFrame(fromHex('02 3A 31 03 08'))).toEqual({ ok: false, error: 'BAD_FRAME' });
  });

  it('shows a ticket right-aligned in the display width', () => {
    expect(ledTextFromTicket('A025')).toBe('A025');
    expect(ledTextFromTicket('A025', 5)).toBe(' A025');
    expect(ledTextFromTicket('A1025', 4)).toBe('1025');
    expect(ledTextFromTicket('Á7', 3)).toBe(' A7');
  });
});
