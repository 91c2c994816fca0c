/**
 * A small ESC/POS command builder. Pure: it only produces bytes; sending them is someone else's job.
 * Every byte sequence here is listed in docs/hardware.md.
 */
import { encodeVietnamese, type TextPage } from './vietnamese-encoding';

export type Align = 'left' | 'center' | 'right';
export type QrLevel = 'L' | 'M' | 'Q' | 'H';
export type StatusRequestKind = 1 | 2 | 3 | 4;

/**
 * A 1-bit image laid out as GS v 0 wants it: `heightDots` rows of `ceil(widthDots / 8)` bytes,
 * the most significant bit is the leftmost dot, 1 is black. Bits past `widthDots` are ignored.
 */
export interface Bitmap {
  widthDots: number;
  heightDots: number;
  data: Uint8Array;
}

/** What a renderer is asked to draw; it returns one line (or several wrapped lines) as a bitmap. */
export interface RenderStyle {
  bold: boolean;
  /** Character size multipliers as set with size(). */
  width: number;
  height: number;
  align: Align;
  /** The printable width of the paper; the renderer should return at most this many dots. */
  maxWidthDots: number;
}

export type LineRenderer = (text: string, style: RenderStyle) => Bitmap;

/** How the printer is told to print text: a code page family, or pictures of the text. */
export type TextConfig =
  | {
      mode: 'tcvn3';
      /** ESC t number of the TCVN-3 (lower-case) table, e.g. 30 on Epson. */
      codePage: number;
      /** ESC t number of the TCVN-3 capitals table (31 on Epson), or null when there is none. */
      capitalsCodePage: number | null;
    }
  | {
      mode: 'cp1258';
      /** ESC t number of the Windows-1258 table: 52 Epson, 27 POS-5890, 35 Rongta, 41 Bixolon. */
      codePage: number;
    }
  | {
      mode: 'raster';
      render: LineRenderer;
      /** 384 for 58 mm paper, 576 for 80 mm. */
      maxWidthDots: number;
      /**
       * Print lines of plain printable ASCII in the printer's own font (default true): a rendered
       * line costs ~40x the bytes, which matters at 9600 baud.
       */
      asciiAsText?: boolean;
    };

export interface EncoderOptions {
  /** Rows per GS v 0 command; taller images are sent as several bands (default 256). */
  maxBandRows?: number;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const LF = 0x0a;

const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };
const QR_LEVEL_CODE: Record<QrLevel, number> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };

/** The largest QR payload at level M (version 40, byte mode). */
export const QR_MAX_BYTES_LEVEL_M = 2331;

function checkByte(name: string, n: number, min = 0, max = 255): void {
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${name} must be an integer ${min}-${max}, got ${n}`);
}

/** `10 04 n`: ask the printer for one status byte at once (see status.ts). */
export function statusRequestBytes(n: StatusRequestKind): Uint8Array {
  checkByte('status request', n, 1, 4);
  return Uint8Array.of(DLE, 0x04, n);
}

/** Packs a picture given as a predicate into a Bitmap. */
export function packBitmap(widthDots: number, heightDots: number, isBlack: (x: number, y: number) => boolean): Bitmap {
  checkByte('bitmap width', widthDots, 1, 65535);
  checkByte('bitmap height', heightDots, 1, 65535);
  const rowBytes = Math.ceil(widthDots / 8);
  const data = new Uint8Array(rowBytes * heightDots);
  for (let y = 0; y < heightDots; y++) {
    for (let x = 0; x < widthDots; x++) {
      if (isBlack(x, y)) data[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { widthDots, heightDots, data };
}

export class EscPosEncoder {
  private readonly chunks: number[] = [];
  private config: TextConfig;
  private readonly maxBandRows: number;
  /** The ESC t number in force, or null after ESC @ (the printer's default, unknown to us). */
  private currentCodePage: number | null = null;
  private atLineStart = true;
  private state = { align: 'left' as Align, bold: false, width: 1, height: 1 };
  /** Raster mode: the text of the line being built, printed at newline(). */
  private pendingRasterText = '';

  constructor(config: TextConfig, options: EncoderOptions = {}) {
    this.config = config;
    this.maxBandRows = options.maxBandRows ?? 256;
    checkByte('maxBandRows', this.maxBandRows, 1, 65535);
  }

  /** Switches how later text is printed (the test page prints one sample per candidate). */
  setTextConfig(config: TextConfig): this {
    this.flushRaster();
    this.config = config;
    return this;
  }

  /** Appends bytes as they are; the caller answers for their effect on the printer's state. */
  raw(bytes: Uint8Array | readonly number[]): this {
    // A loop, not push(...bytes): a large image would overflow the argument limit.
    for (const b of bytes) this.chunks.push(b);
    return this;
  }

  /** `1B 40`: reset the printer. It also resets the code page, alignment, bold and size. */
  init(): this {
    this.flushRaster();
    this.raw([ESC, 0x40]);
    this.currentCodePage = null;
    this.atLineStart = true;
    this.state = { align: 'left', bold: false, width: 1, height: 1 };
    return this;
  }

  /** `1C 2E`: leave Chinese (GBK) mode, else bytes >= 0x80 are read as double-byte characters. */
  cancelChineseMode(): this {
    return this.raw([FS, 0x2e]);
  }

  /** `1B 74 n`: select a character code table. */
  codePage(n: number): this {
    checkByte('code page', n);
    this.currentCodePage = n;
    return this.raw([ESC, 0x74, n]);
  }

  /** init, cancel Chinese mode, and select the main code page of the text mode. */
  start(): this {
    this.init().cancelChineseMode();
    if (this.config.mode !== 'raster') this.codePage(this.config.codePage);
    return this;
  }

  /** `1B 61 n`. The printer only honours it at the start of a line, so it must be called there. */
  align(align: Align): this {
    this.requireLineStart('align');
    this.state.align = align;
    return this.raw([ESC, 0x61, ALIGN_CODE[align]]);
  }

  /** `1B 45 01` / `1B 45 00`. */
  bold(on: boolean): this {
    this.state.bold = on;
    return this.raw([ESC, 0x45, on ? 1 : 0]);
  }

  /** `1D 21 n` with n = ((width-1) << 4) | (height-1); size(1, 1) is the normal size. */
  size(width: number, height: number = width): this {
    checkByte('width', width, 1, 8);
    checkByte('height', height, 1, 8);
    this.state.width = width;
    this.state.height = height;
    return this.raw([GS, 0x21, ((width - 1) << 4) | (height - 1)]);
  }

  /** Text without a line end, encoded for the text mode (`\n` in it starts a new line). */
  text(s: string): this {
    const parts = s.split(/\r?\n/);
    parts.forEach((part, i) => {
      if (i > 0) this.newline();
      if (part === '') return;
      if (this.config.mode === 'raster') this.pendingRasterText += part;
      else this.writeEncoded(part);
    });
    return this;
  }

  /** `0A`: end the line (in raster mode: print the line as text or as an image). */
  newline(): this {
    if (this.config.mode === 'raster') {
      const text = this.pendingRasterText;
      this.pendingRasterText = '';
      if (text !== '' && !this.printsAsAscii(text)) {
        this.image(this.config.render(text, { ...this.state, maxWidthDots: this.config.maxWidthDots }));
        return this;
      }
      if (text !== '') this.raw(Array.from(text, (c) => c.charCodeAt(0)));
    }
    this.raw([LF]);
    this.atLineStart = true;
    return this;
  }

  line(s = ''): this {
    return this.text(s).newline();
  }

  /** `1B 64 n`: print and feed n lines. */
  feed(lines: number): this {
    checkByte('feed lines', lines);
    this.flushRaster();
    this.atLineStart = true;
    return this.raw([ESC, 0x64, lines]);
  }

  /**
   * A QR code, model 2: `1D 28 6B` with fn 41 (model), 43 (module size), 45 (level), 50 (store the
   * data), 51 (print). The data is sent as UTF-8.
   */
  qr(data: string, options: { moduleSize?: number; level?: QrLevel } = {}): this {
    const moduleSize = options.moduleSize ?? 6;
    const level = options.level ?? 'M';
    checkByte('QR module size', moduleSize, 1, 16);
    const payload = new TextEncoder().encode(data);
    if (payload.length === 0) throw new RangeError('QR data is empty');
    if (payload.length > QR_MAX_BYTES_LEVEL_M) throw new RangeError(`QR data is ${payload.length} bytes, over ${QR_MAX_BYTES_LEVEL_M}`);
    this.flushRaster();
    const storeLength = payload.length + 3;
    this.raw([GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
    this.raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleSize]);
    this.raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, QR_LEVEL_CODE[level]]);
    this.raw([GS, 0x28, 0x6b, storeLength & 0xff, storeLength >> 8, 0x31, 0x50, 0x30]);
    this.raw(payload);
    this.raw([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
    return this;
  }

  /** `1D 56 42 03`: feed to the cutter (plus 3 units) and cut partially. */
  cut(): this {
    this.requireLineStart('cut');
    return this.raw([GS, 0x56, 0x42, 0x03]);
  }

  /** `1D 76 30 00 xL xH yL yH data`, in bands of at most maxBandRows rows. */
  image(bitmap: Bitmap): this {
    const { widthDots, heightDots, data } = bitmap;
    checkByte('image width', widthDots, 1, 65535);
    checkByte('image height', heightDots, 1, 65535);
    const rowBytes = Math.ceil(widthDots / 8);
    if (data.length !== rowBytes * heightDots) {
      throw new RangeError(`image data is ${data.length} bytes, expected ${rowBytes} x ${heightDots}`);
    }
    this.requireLineStart('image');
    for (let top = 0; top < heightDots; top += this.maxBandRows) {
      const rows = Math.min(this.maxBandRows, heightDots - top);
      this.raw([GS, 0x76, 0x30, 0x00, rowBytes & 0xff, rowBytes >> 8, rows & 0xff, rows >> 8]);
      this.raw(data.subarray(top * rowBytes, (top + rows) * rowBytes));
    }
    this.atLineStart = true;
    return this;
  }

  /** `10 04 n`. Only between jobs: inside raster data these bytes would be read as dots. */
  statusRequest(n: StatusRequestKind): this {
    return this.raw(statusRequestBytes(n));
  }

  /** The bytes so far; a raster line still being built is printed first. */
  bytes(): Uint8Array {
    this.flushRaster();
    return Uint8Array.from(this.chunks);
  }

  private writeEncoded(text: string): void {
    const config = this.config;
    if (config.mode === 'raster') throw new Error('unreachable: raster text is buffered');
    const pageNumber = (page: TextPage): number =>
      page === 'tcvn3capitals' && config.mode === 'tcvn3' && config.capitalsCodePage !== null
        ? config.capitalsCodePage
        : config.codePage;
    const startPage =
      config.mode === 'tcvn3' && config.capitalsCodePage !== null && this.currentCodePage === config.capitalsCodePage
        ? 'tcvn3capitals'
        : 'tcvn3';
    const runs = encodeVietnamese(text, config.mode, {
      capitals: config.mode === 'tcvn3' && config.capitalsCodePage !== null,
      startPage,
    });
    for (const run of runs) {
      const n = pageNumber(run.page);
      if (n !== this.currentCodePage) this.codePage(n);
      this.raw(run.bytes);
    }
    if (text !== '') this.atLineStart = false;
  }

  private printsAsAscii(text: string): boolean {
    if (this.config.mode !== 'raster' || this.config.asciiAsText === false) return false;
    return /^[\x20-\x7e]*$/.test(text);
  }

  private flushRaster(): void {
    if (this.config.mode === 'raster' && this.pendingRasterText !== '') this.newline();
  }

  private requireLineStart(what: string): void {
    if (!this.atLineStart || this.pendingRasterText !== '') throw new Error(`${what}() must come at the start of a line: call newline() first`);
  }
}
