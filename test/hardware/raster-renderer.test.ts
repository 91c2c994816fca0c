import { describe, expect, it } from 'vitest';
import type { Bitmap, RenderStyle } from '../../hardware/escpos/encoder';
import { bitmapToAscii, createRasterRenderer } from '../../hardware/printer/raster-renderer';

const style = (over: Partial<RenderStyle> = {}): RenderStyle => ({ bold: false, width: 1, height: 1, align: 'left', maxWidthDots: 576, ...over });

function blackColumns(b: Bitmap): { first: number; last: number; count: number } {
  const rowBytes = Math.ceil(b.widthDots / 8);
  let first = Infinity;
  let last = -1;
  let count = 0;
  for (let y = 0; y < b.heightDots; y++) {
    for (let x = 0; x < b.widthDots; x++) {
      if (((b.data[y * rowBytes + (x >> 3)] ?? 0) & (0x80 >> (x & 7))) === 0) continue;
      count++;
      first = Math.min(first, x);
      last = Math.max(last, x);
    }
  }
  return { first, last, count };
}

const same = (a: Bitmap, b: Bitmap) => a.widthDots === b.widthDots && a.heightDots === b.heightDots && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;

describe('raster renderer', () => {
  const render = createRasterRenderer();

  it('draws a line the width of the paper, with black dots, and the same dots every time', () => {
    const a = render('Lĩnh vực: Hộ tịch', style());
    expect(a.widthDots).toBe(576);
    expect(a.heightDots).toBeGreaterThanOrEqual(30);
    expect(a.data.length).toBe(72 * a.heightDots);
    expect(blackColumns(a).count).toBeGreaterThan(500);
    // A second renderer (no shared cache) draws exactly the same.
    expect(same(createRasterRenderer()('Lĩnh vực: Hộ tịch', style()), a)).toBe(true);
  });

  it('the tone marks are drawn: a toned line differs from the same letters without them', () => {
    const toned = render('Hộ tịch', style());
    const plain = render('Ho tich', style());
    const other = render('Hồ tịch', style());
    expect(same(toned, plain)).toBe(false);
    expect(same(toned, other)).toBe(false);
    expect(blackColumns(toned).count).toBeGreaterThan(blackColumns(plain).count);
    // NFC and NFD input are one text.
    expect(same(render('Hộ tịch'.normalize('NFD'), style()), toned)).toBe(true);
  });

  it('bold is blacker; 2x2 is taller; alignment moves the text', () => {
    const regular = render('Số thứ tự', style());
    expect(blackColumns(render('Số thứ tự', style({ bold: true }))).count).toBeGreaterThan(blackColumns(regular).count);
    expect(render('Số thứ tự', style({ width: 2, height: 2 })).heightDots).toBeGreaterThan(regular.heightDots * 1.9);
    const left = blackColumns(regular);
    const centre = blackColumns(render('Số thứ tự', style({ align: 'center' })));
    const right = blackColumns(render('Số thứ tự', style({ align: 'right' })));
    expect(left.first).toBeLessThan(5);
    expect(centre.first).toBeGreaterThan(200);
    expect(Math.abs(288 - (centre.first + centre.last) / 2)).toBeLessThan(4);
    expect(right.last).toBeGreaterThan(570);
  });

  it('a line too long for the paper is narrowed to fit, not cut', () => {
    const long = 'Kính mời công dân có số thứ tự A025 đến quầy số 3 để được tiếp nhận hồ sơ';
    const b = render(long, style({ maxWidthDots: 384 }));
    expect(b.widthDots).toBe(384);
    const cols = blackColumns(b);
    expect(cols.last).toBeGreaterThan(384 - 20);
    expect(cols.first).toBeLessThan(5);
  });

  it('caches lines and hands out copies', () => {
    const r = createRasterRenderer({ cacheSize: 2 });
    const a = r('Xin cảm ơn!', style());
    a.data.fill(0);
    const b = r('Xin cảm ơn!', style());
    expect(blackColumns(b).count).toBeGreaterThan(0);
    expect(r.cacheStats()).toEqual({ size: 1, hits: 1, misses: 1 });
    r('một', style());
    r('hai', style());
    r('ba', style());
    expect(r.cacheStats().size).toBe(2);
  });

  it('reads as text when printed with # for dots (what the simulator shows)', () => {
    const art = bitmapToAscii(render('A025', style()), 80);
    expect(art.some((l) => l.includes('#'))).toBe(true);
    expect(art.every((l) => l.length <= 80)).toBe(true);
  });
});
