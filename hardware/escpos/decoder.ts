/**
 * Reads ESC/POS bytes back into a transcript: the text lines as a person would read them on paper,
 * plus markers for QR codes, cuts, images and style changes. Used by tests and by the printer
 * emulator. Pure.
 *
 * Every command it knows is skipped by its exact length, so its parameters never leak into the
 * text. A byte it cannot place is reported as `unknown` (never silently dropped), and a command cut
 * short by the end of the input as `truncated`.
 */
import type { Align, Bitmap, QrLevel } from './encoder';
import { decodeText, type TextPage } from './vietnamese-encoding';

/** Which ESC t numbers mean which table on the printer being read, e.g. { 30: 'tcvn3', 31: 'tcvn3capitals' }. */
export type CodePageMap = Readonly<Record<number, TextPage>>;

export interface DecoderOptions {
  codePages: CodePageMap;
}

export interface TextStyle {
  align: Align;
  bold: boolean;
  width: number;
  height: number;
}

export type TranscriptItem =
  | ({ kind: 'text'; text: string; /** false for a last line without LF */ complete: boolean } & TextStyle)
  | { kind: 'init' }
  | { kind: 'cancelChineseMode' }
  | { kind: 'chineseMode' }
  | { kind: 'codePage'; n: number }
  | { kind: 'align'; align: Align }
  | { kind: 'bold'; on: boolean }
  | { kind: 'size'; width: number; height: number }
  | { kind: 'feed'; lines: number }
  | { kind: 'qr'; data: string; model: number | null; moduleSize: number | null; level: QrLevel | null }
  | { kind: 'cut'; partial: boolean }
  | { kind: 'image'; widthDots: number; heightDots: number; bitmap: Bitmap }
  | { kind: 'statusRequest'; n: number }
  /** A known command that changes nothing the transcript tracks, e.g. line spacing. */
  | { kind: 'command'; name: string; bytes: number[] }
  | { kind: 'unknown'; offset: number; byte: number }
  | { kind: 'truncated'; offset: number; bytes: number[] };

export interface Transcript {
  items: TranscriptItem[];
  /** The text of every text item, in order. */
  lines: string[];
}

const LF = 0x0a;
const CR = 0x0d;
const HT = 0x09;
const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

const ALIGNS: readonly Align[] = ['left', 'center', 'right'];
const QR_LEVELS: readonly QrLevel[] = ['L', 'M', 'Q', 'H'];

/** ESC commands with a fixed total length that the transcript only names. */
const ESC_FIXED: ReadonlyMap<number, readonly [string, number]> = new Map([
  [0x20, ['rightSpacing', 3]],
  [0x24, ['absolutePosition', 4]],
  [0x2d, ['underline', 3]],
  [0x32, ['defaultLineSpacing', 2]],
  [0x33, ['lineSpacing', 3]],
  [0x3d, ['selectPeripheral', 3]],
  [0x47, ['doubleStrike', 3]],
  [0x4a, ['feedDots', 3]],
  [0x4d, ['font', 3]],
  [0x52, ['internationalCharset', 3]],
  [0x56, ['rotate', 3]],
  [0x5c, ['relativePosition', 4]],
  [0x63, ['panelOrSensor', 4]],
  [0x70, ['drawerPulse', 5]],
  [0x7b, ['upsideDown', 3]],
] as const);

/** GS commands with a fixed total length that the transcript only names. */
const GS_FIXED: ReadonlyMap<number, readonly [string, number]> = new Map([
  [0x2f, ['printDownloadedImage', 3]],
  [0x42, ['reverse', 3]],
  [0x48, ['hriPosition', 3]],
  [0x49, ['printerId', 3]],
  [0x4c, ['leftMargin', 4]],
  [0x57, ['printAreaWidth', 4]],
  [0x61, ['autoStatusBack', 3]],
  [0x66, ['hriFont', 3]],
  [0x68, ['barcodeHeight', 3]],
  [0x72, ['transmitStatus', 3]],
  [0x77, ['barcodeWidth', 3]],
] as const);

export function decodeEscPos(input: Uint8Array, options: DecoderOptions): Transcript {
  const items: TranscriptItem[] = [];
  const n = input.length;
  let style: TextStyle = { align: 'left', bold: false, width: 1, height: 1 };
  let codePage = 0;
  // The line being printed: runs of bytes, each with the code page that was active for it.
  let segments: { page: number; bytes: number[] }[] = [];
  let lineStyle: TextStyle | null = null;
  const qr = { model: null as number | null, moduleSize: null as number | null, level: null as QrLevel | null, data: null as string | null };

  const at = (k: number): number => input[k] ?? 0;

  const addTextByte = (b: number) => {
    if (lineStyle === null) lineStyle = { ...style };
    const last = segments[segments.length - 1];
    if (last !== undefined && last.page === codePage) last.bytes.push(b);
    else segments.push({ page: codePage, bytes: [b] });
  };

  const flushLine = (complete: boolean) => {
    if (!complete && segments.length === 0) return;
    const text = segments
      .map((s) => {
        const page = options.codePages[s.page];
        const bytes = Uint8Array.from(s.bytes);
        if (page !== undefined) return decodeText(bytes, page);
        // A page we were not told about: only ASCII can be read with certainty.
        return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : '\ufffd')).join('');
      })
      .join('')
      .normalize('NFC');
    items.push({ kind: 'text', text, complete, ...(lineStyle ?? style) });
    segments = [];
    lineStyle = null;
  };

  let i = 0;
  while (i < n) {
    const b = at(i);

    if (b === LF) {
      flushLine(true);
      i += 1;
      continue;
    }
    if (b === CR) {
      i += 1;
      continue;
    }
    if ((b >= 0x20 && b !== 0x7f) || b === HT) {
      addTextByte(b === HT ? 0x20 : b);
      i += 1;
      continue;
    }

    // A command: `need` checks that all of its bytes are there.
    const need = (length: number): boolean => {
      if (i + length <= n) return true;
      items.push({ kind: 'truncated', offset: i, bytes: Array.from(input.subarray(i)) });
      i = n;
      return false;
    };
    const named = (name: string, length: number) => {
      if (!need(length)) return;
      items.push({ kind: 'command', name, bytes: Array.from(input.subarray(i, i + length)) });
      i += length;
    };
    const second = i + 1 < n ? at(i + 1) : -1;

    if (b === ESC) {
      if (second === -1) {
        need(2);
        continue;
      }
      if (second === 0x40) {
        flushLine(false);
        items.push({ kind: 'init' });
        style = { align: 'left', bold: false, width: 1, height: 1 };
        codePage = 0;
        i += 2;
      } else if (second === 0x74) {
        if (!need(3)) continue;
        codePage = at(i + 2);
        items.push({ kind: 'codePage', n: codePage });
        i += 3;
      } else if (second === 0x61) {
        if (!need(3)) continue;
        const v = at(i + 2);
        style.align = ALIGNS[v >= 0x30 ? v - 0x30 : v] ?? 'left';
        items.push({ kind: 'align', align: style.align });
        i += 3;
      } else if (second === 0x45) {
        if (!need(3)) continue;
        style.bold = (at(i + 2) & 1) === 1;
        items.push({ kind: 'bold', on: style.bold });
        i += 3;
      } else if (second === 0x21) {
        if (!need(3)) continue;
        // ESC ! n: bit 3 emphasized, bit 4 double height, bit 5 double width.
        const v = at(i + 2);
        style.bold = (v & 0x08) !== 0;
        style.height = v & 0x10 ? 2 : 1;
        style.width = v & 0x20 ? 2 : 1;
        items.push({ kind: 'command', name: 'printMode', bytes: [ESC, 0x21, v] });
        i += 3;
      } else if (second === 0x64) {
        if (!need(3)) continue;
        flushLine(false);
        items.push({ kind: 'feed', lines: at(i + 2) });
        i += 3;
      } else {
        const fixed = ESC_FIXED.get(second);
        if (fixed !== undefined) named(fixed[0], fixed[1]);
        else {
          items.push({ kind: 'unknown', offset: i, byte: b });
          i += 1;
        }
      }
      continue;
    }

    if (b === GS) {
      if (second === -1) {
        need(2);
        continue;
      }
      if (second === 0x21) {
        if (!need(3)) continue;
        const v = at(i + 2);
        style.width = ((v >> 4) & 0x07) + 1;
        style.height = (v & 0x07) + 1;
        items.push({ kind: 'size', width: style.width, height: style.height });
        i += 3;
      } else if (second === 0x56) {
        if (!need(3)) continue;
        const m = at(i + 2);
        const length = m === 0x41 || m === 0x42 || m === 0x61 || m === 0x62 || m === 0x67 || m === 0x68 ? 4 : 3;
        if (![0x00, 0x01, 0x30, 0x31, 0x41, 0x42, 0x61, 0x62, 0x67, 0x68].includes(m)) {
          items.push({ kind: 'unknown', offset: i, byte: b });
          i += 1;
          continue;
        }
        if (!need(length)) continue;
        flushLine(false);
        items.push({ kind: 'cut', partial: m === 0x01 || m === 0x31 || m === 0x42 || m === 0x62 || m === 0x68 });
        i += length;
      } else if (second === 0x76) {
        if (!need(8)) continue;
        if (at(i + 2) !== 0x30) {
          items.push({ kind: 'unknown', offset: i, byte: b });
          i += 1;
          continue;
        }
        const rowBytes = at(i + 4) | (at(i + 5) << 8);
        const rows = at(i + 6) | (at(i + 7) << 8);
        const length = 8 + rowBytes * rows;
        if (!need(length)) continue;
        flushLine(false);
        const data = input.slice(i + 8, i + length);
        items.push({ kind: 'image', widthDots: rowBytes * 8, heightDots: rows, bitmap: { widthDots: rowBytes * 8, heightDots: rows, data } });
        i += length;
      } else if (second === 0x28) {
        if (!need(5)) continue;
        const fnGroup = at(i + 2);
        const p = at(i + 3) | (at(i + 4) << 8);
        const length = 5 + p;
        if (!need(length)) continue;
        const body = input.subarray(i + 5, i + length);
        if (fnGroup === 0x6b && body[0] === 0x31) readQr(body);
        else items.push({ kind: 'command', name: `gs(${String.fromCharCode(fnGroup)}`, bytes: Array.from(input.subarray(i, i + length)) });
        i += length;
      } else if (second === 0x6b) {
        // GS k m: barcodes. m 0-6 end with NUL; m 65-79 carry a length byte.
        if (!need(3)) continue;
        const m = at(i + 2);
        let length: number;
        if (m <= 6) {
          const end = input.indexOf(0, i + 3);
          length = end === -1 ? n - i + 1 : end - i + 1;
        } else {
          if (!need(4)) continue;
          length = 4 + at(i + 3);
        }
        named('barcode', length);
      } else if (second === 0x2a) {
        if (!need(4)) continue;
        named('defineDownloadedImage', 4 + at(i + 2) * at(i + 3) * 8);
      } else {
        const fixed = GS_FIXED.get(second);
        if (fixed !== undefined) named(fixed[0], fixed[1]);
        else {
          items.push({ kind: 'unknown', offset: i, byte: b });
          i += 1;
        }
      }
      continue;
    }

    if (b === FS) {
      if (second === 0x2e) {
        items.push({ kind: 'cancelChineseMode' });
        i += 2;
      } else if (second === 0x26) {
        items.push({ kind: 'chineseMode' });
        i += 2;
      } else if (second === 0x70) {
        named('printNvImage', 4);
      } else if (second === -1) {
        need(2);
      } else {
        items.push({ kind: 'unknown', offset: i, byte: b });
        i += 1;
      }
      continue;
    }

    if (b === DLE) {
      if (second === 0x04) {
        if (!need(3)) continue;
        items.push({ kind: 'statusRequest', n: at(i + 2) });
        i += 3;
      } else if (second === 0x05) {
        named('realTimeRequest', 3);
      } else if (second === 0x14) {
        named('realTimeCommand', 5);
      } else if (second === -1) {
        need(2);
      } else {
        items.push({ kind: 'unknown', offset: i, byte: b });
        i += 1;
      }
      continue;
    }

    items.push({ kind: 'unknown', offset: i, byte: b });
    i += 1;
  }
  flushLine(false);

  function readQr(body: Uint8Array): void {
    // body: cn (0x31 = QR) fn params...
    const fn = body[1];
    const p1 = body[2] ?? 0;
    if (fn === 0x41) qr.model = p1 - 0x30;
    else if (fn === 0x43) qr.moduleSize = p1;
    else if (fn === 0x45) qr.level = QR_LEVELS[p1 - 0x30] ?? null;
    else if (fn === 0x50) qr.data = new TextDecoder().decode(body.subarray(3));
    else if (fn === 0x51) {
      flushLine(false);
      items.push({ kind: 'qr', data: qr.data ?? '', model: qr.model, moduleSize: qr.moduleSize, level: qr.level });
    } else items.push({ kind: 'command', name: 'qr', bytes: Array.from(body) });
  }

  const lines = items.flatMap((item) => (item.kind === 'text' ? [item.text] : []));
  return { items, lines };
}

/**
 * The transcript as readable lines: text as it reads, other items in brackets, e.g.
 * `[qr https://...]`, `[image 576x24]`, `[cut]`. Style changes are left out; ask `items` for them.
 */
export function describeTranscript(transcript: Transcript): string[] {
  return transcript.items.flatMap((item): string[] => {
    switch (item.kind) {
      case 'text':
        return [item.text];
      case 'qr':
        return [`[qr ${item.data}]`];
      case 'image':
        return [`[image ${item.widthDots}x${item.heightDots}]`];
      case 'cut':
        return ['[cut]'];
      case 'unknown':
        return [`[unknown 0x${item.byte.toString(16).padStart(2, '0')} at ${item.offset}]`];
      case 'truncated':
        return [`[truncated at ${item.offset}]`];
      default:
        return [];
    }
  });
}
