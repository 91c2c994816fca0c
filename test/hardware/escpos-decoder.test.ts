import { describe, it, expect } from 'vitest';
import { decodeEscPos, describeTranscript, type CodePageMap, type TranscriptItem } from '../../hardware/escpos/decoder';
import { EscPosEncoder, packBitmap } from '../../hardware/escpos/encoder';

const EPSON: CodePageMap = { 30: 'tcvn3', 31: 'tcvn3capitals', 52: 'cp1258' };
const bytesOf = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

const kinds = (items: TranscriptItem[]) => items.map((i) => i.kind);

describe('decodeEscPos: Vietnamese text round trips', () => {
  const sample = 'Lĩnh vực: Hộ tịch';

  it('in TCVN-3', () => {
    const bytes = new EscPosEncoder({ mode: 'tcvn3', codePage: 30, capitalsCodePage: 31 }).start().line(sample).bytes();
    expect(decodeEscPos(bytes, { codePages: EPSON }).lines).toEqual([sample]);
  });

  it('in CP1258', () => {
    const bytes = new EscPosEncoder({ mode: 'cp1258', codePage: 52 }).start().line(sample).bytes();
    expect(decodeEscPos(bytes, { codePages: EPSON }).lines).toEqual([sample]);
  });

  it('in TCVN-3 with capitals across page switches inside a line', () => {
    const text = 'PHIẾU SỐ THỨ TỰ — Đăng ký ĐẤT ĐAI';
    const bytes = new EscPosEncoder({ mode: 'tcvn3', codePage: 30, capitalsCodePage: 31 }).start().line(text).bytes();
    expect(decodeEscPos(bytes, { codePages: EPSON }).lines).toEqual(['PHIẾU SỐ THỨ TỰ - Đăng ký ĐẤT ĐAI']);
  });

  it('reads garbage when told the wrong code page, as a printer would print it', () => {
    const bytes = new EscPosEncoder({ mode: 'tcvn3', codePage: 30, capitalsCodePage: 31 }).start().line(sample).bytes();
    const [line] = decodeEscPos(bytes, { codePages: { 30: 'cp1258' } }).lines;
    expect(line).not.toBe(sample);
    expect(line).toBe('LÜnh vùc: Hé t\u0303ch'.normalize('NFC'));
  });

  it('reads bytes >= 0x80 on a page it was not told about as U+FFFD', () => {
    const bytes = bytesOf([0x1b, 0x40, 0x41, 0xe9, 0x0a]);
    expect(decodeEscPos(bytes, { codePages: EPSON }).lines).toEqual(['A\ufffd']);
  });
});

describe('decodeEscPos: commands', () => {
  it('tracks style and reports each change', () => {
    const bytes = new EscPosEncoder({ mode: 'cp1258', codePage: 52 })
      .start()
      .align('center')
      .size(4, 4)
      .bold(true)
      .line('A025')
      .bold(false)
      .size(1, 1)
      .line('x')
      .bytes();
    const t = decodeEscPos(bytes, { codePages: EPSON });
    expect(kinds(t.items)).toEqual(['init', 'cancelChineseMode', 'codePage', 'align', 'size', 'bold', 'text', 'bold', 'size', 'text']);
    expect(t.items[6]).toEqual({ kind: 'text', text: 'A025', complete: true, align: 'center', bold: true, width: 4, height: 4 });
    expect(t.items[9]).toMatchObject({ kind: 'text', text: 'x', bold: false, width: 1, height: 1 });
  });

  it('gives a QR marker with its data, model, size and level', () => {
    const bytes = new EscPosEncoder({ mode: 'cp1258', codePage: 52 }).qr('http://hub.local/t/A025?k=Ab9').bytes();
    const t = decodeEscPos(bytes, { codePages: EPSON });
    expect(t.items).toEqual([{ kind: 'qr', data: 'http://hub.local/t/A025?k=Ab9', model: 2, moduleSize: 6, level: 'M' }]);
    expect(t.lines).toEqual([]);
  });

  it('gives a cut marker, full or partial', () => {
    const t = decodeEscPos(bytesOf([0x1d, 0x56, 0x42, 0x03], [0x1d, 0x56, 0x00], [0x1d, 0x56, 0x31]), { codePages: EPSON });
    expect(t.items).toEqual([
      { kind: 'cut', partial: true },
      { kind: 'cut', partial: false },
      { kind: 'cut', partial: true },
    ]);
  });

  it('skips image data by its length, even when it holds LF and ESC bytes', () => {
    const bmp = packBitmap(16, 3, (x) => x % 8 === 4 || x % 8 === 6 || x % 8 === 3);
    expect(bmp.data.every((b) => b === 0x1a)).toBe(true);
    const evil = { widthDots: 16, heightDots: 3, data: Uint8Array.of(0x0a, 0x1b, 0x40, 0x0a, 0x1d, 0x56) };
    const bytes = new EscPosEncoder({ mode: 'cp1258', codePage: 52 }).image(evil).line('after').bytes();
    const t = decodeEscPos(bytes, { codePages: EPSON });
    expect(describeTranscript(t)).toEqual(['[image 16x3]', 'after']);
    const image = t.items[0];
    expect(image?.kind === 'image' ? Array.from(image.bitmap.data) : null).toEqual([0x0a, 0x1b, 0x40, 0x0a, 0x1d, 0x56]);
  });

  it('skips status requests and other known commands without leaking their parameters', () => {
    const bytes = bytesOf(
      'AB',
      [0x10, 0x04, 0x01],
      [0x1b, 0x33, 0x41], // line spacing 0x41 ('A')
      [0x1b, 0x4d, 0x42], // font 0x42 ('B')
      [0x1d, 0x42, 0x43], // reverse 0x43 ('C')
      [0x1b, 0x70, 0x00, 0x44, 0x45], // drawer pulse
      [0x1d, 0x56, 0x41, 0x46], // cut with feed 0x46 ('F')
      'CD\n',
    );
    const t = decodeEscPos(bytes, { codePages: EPSON });
    expect(t.lines).toEqual(['AB', 'CD']);
    expect(t.items.filter((i) => i.kind === 'statusRequest')).toEqual([{ kind: 'statusRequest', n: 1 }]);
    expect(t.items.some((i) => i.kind === 'unknown')).toBe(false);
  });

  it('skips a QR command group of another symbol by its length', () => {
    const t = decodeEscPos(bytesOf([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x30, 0x41, 0x0a], 'ok\n'), { codePages: EPSON });
    expect(t.lines).toEqual(['ok']);
  });

  it('reports unknown bytes and a command cut short, and keeps going', () => {
    const t = decodeEscPos(bytesOf([0x07], 'A\n', [0x1b, 0xff], 'B\n', [0x1b, 0x74]), { codePages: EPSON });
    expect(describeTranscript(t)).toEqual(['[unknown 0x07 at 0]', 'A', '[unknown 0x1b at 3]', '\ufffdB', '[truncated at 7]']);
  });

  it('gives a last line without LF as incomplete', () => {
    const t = decodeEscPos(bytesOf('half'), { codePages: EPSON });
    expect(t.items).toEqual([{ kind: 'text', text: 'half', complete: false, align: 'left', bold: false, width: 1, height: 1 }]);
  });

  it('resets style and code page at ESC @', () => {
    const bytes = bytesOf([0x1b, 0x74, 0x34, 0x1b, 0x45, 0x01, 0x1b, 0x40], [0xe1, 0x0a]);
    const t = decodeEscPos(bytes, { codePages: EPSON });
    expect(t.items.at(-1)).toMatchObject({ kind: 'text', text: '\ufffd', bold: false });
  });
});
