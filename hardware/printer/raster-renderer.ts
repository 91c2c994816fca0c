/**
 * Draws Vietnamese text as a 1-bit bitmap for the 'raster' text mode (GS v 0), so any ESC/POS
 * printer prints it right, whatever code pages its firmware has.
 *
 * The font is Be Vietnam Pro from `@fontsource/be-vietnam-pro` (an npm dependency the project
 * already has, SIL OFL), so no system font is needed and every machine draws the same dots. The
 * package splits the font into latin, latin-ext and vietnamese subsets; all three are registered
 * under their own names and listed together, so each letter comes from the subset that has it.
 *
 * Deterministic: the same text and style give the same bitmap (no antialiasing reaches the output:
 * grey is cut at a fixed threshold). Rendered lines are cached, since a ticket's header and footer
 * are the same on every ticket.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { Bitmap, LineRenderer, RenderStyle } from '../escpos/encoder';

const SUBSETS = ['latin', 'latin-ext', 'vietnamese'] as const;
const WEIGHTS = [400, 700] as const;
const FAMILY_PREFIX = 'Luot Raster';

/** The font-family list: one registered family per subset. */
export const RASTER_FONT_FAMILIES = SUBSETS.map((s) => `"${FAMILY_PREFIX} ${s}"`).join(', ');

let fontsRegistered = false;

/** Registers the Be Vietnam Pro subsets with the canvas (once per process). */
export function registerRasterFonts(): void {
  if (fontsRegistered) return;
  const require = createRequire(import.meta.url);
  for (const subset of SUBSETS) {
    for (const weight of WEIGHTS) {
      const file = require.resolve(`@fontsource/be-vietnam-pro/files/be-vietnam-pro-${subset}-${weight}-normal.woff2`);
      const key = GlobalFonts.register(readFileSync(file), `${FAMILY_PREFIX} ${subset}`);
      if (key === null) throw new Error(`could not register the font ${file}`);
    }
  }
  fontsRegistered = true;
}

export interface RasterRendererOptions {
  /** Font size in dots at character size 1 (default 24: the height of the printer's 12x24 font). */
  fontSizeDots?: number;
  /** Grey below this (0-255) is printed black (default 160: thermal dots read better a bit bold). */
  threshold?: number;
  /** Rendered lines kept (default 256); the least recently used goes first. */
  cacheSize?: number;
}

/** A LineRenderer drawing with Be Vietnam Pro; see the module comment. */
export function createRasterRenderer(options: RasterRendererOptions = {}): LineRenderer & { cacheStats(): { size: number; hits: number; misses: number } } {
  registerRasterFonts();
  const baseSize = options.fontSizeDots ?? 24;
  const threshold = options.threshold ?? 160;
  const cacheSize = options.cacheSize ?? 256;
  const cache = new Map<string, Bitmap>();
  let hits = 0;
  let misses = 0;

  const render = (text: string, style: RenderStyle): Bitmap => {
    const key = JSON.stringify([text, style.bold, style.width, style.height, style.align, style.maxWidthDots]);
    const cached = cache.get(key);
    if (cached !== undefined) {
      hits++;
      cache.delete(key);
      cache.set(key, cached);
      return copy(cached);
    }
    misses++;
    const bitmap = draw(text.normalize('NFC'), style, baseSize, threshold);
    cache.set(key, bitmap);
    while (cache.size > cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return copy(bitmap);
  };
  return Object.assign(render, { cacheStats: () => ({ size: cache.size, hits, misses }) });
}

function copy(b: Bitmap): Bitmap {
  return { widthDots: b.widthDots, heightDots: b.heightDots, data: b.data.slice() };
}

function draw(text: string, style: RenderStyle, baseSize: number, threshold: number): Bitmap {
  const width = Math.max(8, Math.floor(style.maxWidthDots / 8) * 8);
  const fontSize = baseSize * style.height;
  // Room for stacked marks above capitals (Ộ, Ễ) and for descenders: 1.45 em, baseline at 1.15 em.
  const height = Math.ceil(fontSize * 1.45);
  const baseline = Math.round(fontSize * 1.15);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.font = `${style.bold ? 700 : 400} ${fontSize}px ${RASTER_FONT_FAMILIES}`;

  // Character width as a horizontal stretch; squeezed further when the line would not fit.
  let scaleX = style.width / style.height;
  const natural = ctx.measureText(text).width * scaleX;
  if (natural > width) scaleX *= width / natural;
  const drawn = Math.min(width, Math.ceil(ctx.measureText(text).width * scaleX));
  const left = style.align === 'center' ? Math.floor((width - drawn) / 2) : style.align === 'right' ? width - drawn : 0;
  ctx.setTransform(scaleX, 0, 0, 1, left, 0);
  ctx.fillText(text, 0, baseline);

  const rgba = ctx.getImageData(0, 0, width, height).data;
  const rowBytes = width / 8;
  const data = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      // Luminance of an opaque pixel on white (the canvas was filled white first).
      const grey = ((rgba[i] ?? 255) * 299 + (rgba[i + 1] ?? 255) * 587 + (rgba[i + 2] ?? 255) * 114) / 1000;
      if (grey < threshold) data[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { widthDots: width, heightDots: height, data };
}

/** The bitmap as text, `#` for a black dot (for tests and the simulator's terminal). */
export function bitmapToAscii(bitmap: Bitmap, columns = bitmap.widthDots): string[] {
  const rowBytes = Math.ceil(bitmap.widthDots / 8);
  const lines: string[] = [];
  for (let y = 0; y < bitmap.heightDots; y++) {
    let line = '';
    for (let x = 0; x < Math.min(columns, bitmap.widthDots); x++) {
      line += ((bitmap.data[y * rowBytes + (x >> 3)] ?? 0) & (0x80 >> (x & 7))) !== 0 ? '#' : ' ';
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
