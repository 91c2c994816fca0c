import { describe, expect, it } from 'vitest';
import { PrinterEmulator, type ByteStream } from '../../hardware/emulators/printer-emulator';
import { EscPosEncoder, packBitmap } from '../../hardware/escpos/encoder';

/** A stream that keeps what the emulator writes back. */
function stream(): ByteStream & { written: number[] } {
  const written: number[] = [];
  return { written, write: (chunk: Buffer) => void written.push(...chunk), on: () => undefined, off: () => undefined };
}

describe('PrinterEmulator', () => {
  it('answers each status request from its condition, and nothing when offline', () => {
    const s = stream();
    const printer = new PrinterEmulator();
    printer.attach(s);
    printer.feed(Uint8Array.of(0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04));
    expect(s.written).toEqual([0x12, 0x12, 0x12]);
    printer.setCondition('paper-out');
    printer.feed(Uint8Array.of(0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04));
    expect(s.written.slice(3)).toEqual([0x1a, 0x32, 0x72]);
    printer.setCondition('offline');
    printer.feed(Uint8Array.of(0x10, 0x04, 0x01));
    expect(s.written).toHaveLength(6);
    expect(printer.statusRequests).toEqual([1, 2, 4, 1, 2, 4, 1]);
  });

  it('splits jobs at the cut, decodes them, and reads a command split across chunks', () => {
    const printer = new PrinterEmulator();
    const a = new EscPosEncoder({ mode: 'tcvn3', codePage: 30, capitalsCodePage: 31 }).start().line('Hộ tịch').cut().bytes();
    const b = new EscPosEncoder({ mode: 'cp1258', codePage: 52 }).start().line('Mời').cut().bytes();
    const all = Uint8Array.from([...a, ...b]);
    for (let i = 0; i < all.length; i += 5) printer.feed(all.subarray(i, i + 5));
    expect(printer.jobs.map((j) => j.lines)).toEqual([['Hộ tịch'], ['Mời']]);
    expect(printer.jobs[0]?.description.at(-1)).toBe('[cut]');
  });

  it('skips image data by its length: 10 04 inside it is data, a real request inside a job is a violation', () => {
    const s = stream();
    const printer = new PrinterEmulator();
    printer.attach(s);
    const image = packBitmap(16, 2, () => false);
    image.data.set([0x10, 0x04, 0x01, 0x10]);
    const job = new EscPosEncoder({ mode: 'cp1258', codePage: 52 }).start().image(image).cut().bytes();
    printer.feed(job);
    expect(printer.statusRequests).toEqual([]);
    expect(printer.violations).toEqual([]);

    printer.feed(Uint8Array.of(0x1b, 0x40, 0x10, 0x04, 0x01));
    expect(printer.violations).toHaveLength(1);
    expect(s.written).toEqual([0x12]);
  });
});
