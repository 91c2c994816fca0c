import { describe, it, expect } from 'vitest';
import {
  EscPosEncoder,
  packBitmap,
  statusRequestBytes,
  type RenderStyle,
  type TextConfig,
} from '../../hardware/escpos/encoder';

const hex = (bytes: Uint8Array | readonly number[]): string =>
  Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

const ascii = (s: string): string => hex(Array.from(s, (c) => c.charCodeAt(0)));

const TCVN3: TextConfig = { mode: 'tcvn3', codePage: 30, capitalsCodePage: 31 };
const CP1258: TextConfig = { mode: 'cp1258', codePage: 52 };

describe('EscPosEncoder commands', () => {
  it('starts with init, cancel Chinese mode and the code page', () => {
    expect(hex(new EscPosEncoder(TCVN3).start().bytes())).toBe('1B 40 1C 2E 1B 74 1E');
    expect(hex(new EscPosEncoder(CP1258).start().bytes())).toBe('1B 40 1C 2E 1B 74 34');
  });

  it('writes align, bold, size, feed, cut and status requests exactly', () => {
    const bytes = new EscPosEncoder(CP1258)
      .align('center')
      .align('right')
      .align('left')
      .bold(true)
      .bold(false)
      .size(4, 4)
      .size(2)
      .size(2, 1)
      .size(1, 1)
      .feed(3)
      .statusRequest(4)
      .cut()
      .bytes();
    expect(hex(bytes)).toBe(
      '1B 61 01 1B 61 02 1B 61 00 1B 45 01 1B 45 00 1D 21 33 1D 21 11 1D 21 10 1D 21 00 1B 64 03 10 04 04 1D 56 42 03',
    );
    expect(hex(statusRequestBytes(1))).toBe('10 04 01');
  });

  it('rejects sizes and feeds out of range', () => {
    expect(() => new EscPosEncoder(CP1258).size(0)).toThrow(RangeError);
    expect(() => new EscPosEncoder(CP1258).size(9, 1)).toThrow(RangeError);
    expect(() => new EscPosEncoder(CP1258).feed(256)).toThrow(RangeError);
    expect(() => new EscPosEncoder(CP1258).codePage(-1)).toThrow(RangeError);
  });

  it('only aligns and cuts at the start of a line', () => {
    expect(() => new EscPosEncoder(CP1258).text('x').align('center')).toThrow(/start of a line/);
    expect(() => new EscPosEncoder(CP1258).text('x').cut()).toThrow(/start of a line/);
    expect(hex(new EscPosEncoder(CP1258).text('x').newline().cut().bytes())).toBe('1B 74 34 78 0A 1D 56 42 03');
  });
});

describe('EscPosEncoder text', () => {
  it('selects the code page on first use and switches between TCVN-3 pages only when needed', () => {
    const bytes = new EscPosEncoder(TCVN3).start().line('HỘ tịch').line('Số').bytes();
    expect(hex(bytes)).toBe(
      [
        '1B 40 1C 2E 1B 74 1E',
        '48',
        '1B 74 1F E9 20',
        '1B 74 1E 74 DE 63 68 0A',
        '53 E8 0A',
      ].join(' '),
    );
  });

  it('prints toned capitals in lower case when there is no capitals page', () => {
    const enc = new EscPosEncoder({ mode: 'tcvn3', codePage: 27, capitalsCodePage: null });
    expect(hex(enc.line('HỘ').bytes())).toBe('1B 74 1B 48 E9 0A');
  });

  it('writes CP1258 text with base letter plus tone mark', () => {
    expect(hex(new EscPosEncoder(CP1258).line('Mời').bytes())).toBe('1B 74 34 4D F5 CC 69 0A');
  });

  it('splits text at newlines into lines', () => {
    expect(hex(new EscPosEncoder(CP1258).codePage(52).text('a\nb\r\nc').newline().bytes())).toBe(
      '1B 74 34 61 0A 62 0A 63 0A',
    );
  });

  it('cannot be made to send a command through text', () => {
    expect(hex(new EscPosEncoder(CP1258).codePage(52).line('abc\x1b@def').bytes())).toBe(
      `1B 74 34 ${ascii('abc?@def')} 0A`,
    );
  });
});

describe('EscPosEncoder QR', () => {
  it('writes model 2, module size, level M, store and print', () => {
    const url = 'https://x.vn/t/A025';
    const bytes = new EscPosEncoder(CP1258).qr(url).bytes();
    const n = url.length + 3;
    expect(hex(bytes)).toBe(
      [
        '1D 28 6B 04 00 31 41 32 00',
        '1D 28 6B 03 00 31 43 06',
        '1D 28 6B 03 00 31 45 31',
        `1D 28 6B ${hex([n, 0])} 31 50 30 ${ascii(url)}`,
        '1D 28 6B 03 00 31 51 30',
      ].join(' '),
    );
  });

  it('writes a two-byte length for long data and the level asked for', () => {
    const data = 'x'.repeat(300);
    const bytes = new EscPosEncoder(CP1258).qr(data, { moduleSize: 4, level: 'H' }).bytes();
    expect(hex(bytes.subarray(9, 17))).toBe('1D 28 6B 03 00 31 43 04');
    expect(hex(bytes.subarray(17, 25))).toBe('1D 28 6B 03 00 31 45 33');
    expect(hex(bytes.subarray(25, 33))).toBe('1D 28 6B 2F 01 31 50 30');
  });

  it('refuses empty and oversized data', () => {
    expect(() => new EscPosEncoder(CP1258).qr('')).toThrow(RangeError);
    expect(() => new EscPosEncoder(CP1258).qr('x'.repeat(2332))).toThrow(RangeError);
    expect(() => new EscPosEncoder(CP1258).qr('x', { moduleSize: 17 })).toThrow(RangeError);
  });
});

describe('EscPosEncoder raster images', () => {
  it('packs bitmaps with the most significant bit leftmost and 1 as black', () => {
    const bmp = packBitmap(10, 2, (x, y) => (y === 0 && (x === 0 || x === 9)) || (y === 1 && x === 7));
    expect(hex(bmp.data)).toBe('80 40 01 00');
  });

  it('writes GS v 0 with width in bytes and height in dots', () => {
    const bmp = packBitmap(10, 2, (x, y) => x === y);
    const bytes = new EscPosEncoder(CP1258).image(bmp).bytes();
    expect(hex(bytes)).toBe('1D 76 30 00 02 00 02 00 80 00 40 00');
  });

  it('sends tall images in bands', () => {
    const bmp = packBitmap(16, 600, (_x, y) => y % 2 === 0);
    const bytes = new EscPosEncoder(CP1258, { maxBandRows: 256 }).image(bmp).bytes();
    expect(bytes.length).toBe(3 * 8 + 2 * 600);
    expect(hex(bytes.subarray(0, 8))).toBe('1D 76 30 00 02 00 00 01');
    expect(hex(bytes.subarray(8 + 512, 8 + 512 + 8))).toBe('1D 76 30 00 02 00 00 01');
    expect(hex(bytes.subarray(2 * (8 + 512), 2 * (8 + 512) + 8))).toBe('1D 76 30 00 02 00 58 00');
  });

  it('rejects a bitmap whose data does not match its size', () => {
    expect(() => new EscPosEncoder(CP1258).image({ widthDots: 10, heightDots: 2, data: new Uint8Array(3) })).toThrow(
      RangeError,
    );
  });
});

describe('EscPosEncoder raster text mode', () => {
  const calls: { text: string; style: RenderStyle }[] = [];
  const glyph = packBitmap(8, 1, () => true);
  const config: TextConfig = {
    mode: 'raster',
    maxWidthDots: 384,
    render: (text, style) => {
      calls.push({ text, style });
      return glyph;
    },
  };

  it('renders Vietnamese lines as images and sends ASCII lines as text', () => {
    calls.length = 0;
    const bytes = new EscPosEncoder(config).start().align('center').bold(true).size(2).line('Hộ tịch').line('A025').bytes();
    expect(hex(bytes)).toBe(
      `1B 40 1C 2E 1B 61 01 1B 45 01 1D 21 11 1D 76 30 00 01 00 01 00 FF ${ascii('A025')} 0A`,
    );
    expect(calls).toEqual([{ text: 'Hộ tịch', style: { align: 'center', bold: true, width: 2, height: 2, maxWidthDots: 384 } }]);
  });

  it('renders every line when asciiAsText is false', () => {
    calls.length = 0;
    new EscPosEncoder({ ...config, asciiAsText: false }).line('A025').bytes();
    expect(calls.map((c) => c.text)).toEqual(['A025']);
  });

  it('renders a whole line at once, and refuses to align inside it', () => {
    calls.length = 0;
    const enc = new EscPosEncoder(config).text('Số ').text('thứ tự');
    expect(() => enc.align('left')).toThrow(/start of a line/);
    enc.newline();
    expect(calls.map((c) => c.text)).toEqual(['Số thứ tự']);
  });
});
