/**
 * Vietnamese text to printer bytes, for the two single-byte families that ESC/POS printers offer.
 *
 * Pure: no I/O. Which `ESC t n` number selects a family is a per-printer setting (it differs by
 * model, see docs/hardware.md), so nothing here knows code page numbers: the encoder maps the
 * page names returned here to the numbers it was configured with.
 *
 * Two guarantees for every mode:
 * - the output never contains a byte below 0x20 or 0x7F (those would be read as commands);
 * - a character the mode cannot print becomes `?` (after a small ASCII fallback for typographic
 *   punctuation such as dashes and curly quotes, which would otherwise all turn into `?`).
 */

export type VietnameseTextMode = 'tcvn3' | 'cp1258';

/** The printer character tables this module encodes for. */
export type TextPage = 'tcvn3' | 'tcvn3capitals' | 'cp1258';

/** A stretch of bytes to print with one character table selected. */
export interface EncodedRun {
  page: TextPage;
  bytes: Uint8Array;
}

export const QUESTION_MARK = 0x3f;

/** Tone marks in the order TCVN-3 lays out each vowel's row: huyền, hỏi, ngã, sắc, nặng. */
const TONE_MARKS = ['\u0300', '\u0309', '\u0303', '\u0301', '\u0323'] as const;
const TONE_MARK_SET = new Set<string>(TONE_MARKS);

/**
 * TCVN 5712:1993 VN3 ("ABC"), the lower-case table: for each base letter, its own byte (0 when the
 * plain letter is ASCII) and the bytes of its five toned forms in TONE_MARKS order.
 */
const TCVN3_VOWELS: ReadonlyArray<readonly [string, number, readonly [number, number, number, number, number]]> = [
  ['a', 0, [0xb5, 0xb6, 0xb7, 0xb8, 0xb9]],
  ['ă', 0xa8, [0xbb, 0xbc, 0xbd, 0xbe, 0xc6]],
  ['â', 0xa9, [0xc7, 0xc8, 0xc9, 0xca, 0xcb]],
  ['e', 0, [0xcc, 0xce, 0xcf, 0xd0, 0xd1]],
  ['ê', 0xaa, [0xd2, 0xd3, 0xd4, 0xd5, 0xd6]],
  ['i', 0, [0xd7, 0xd8, 0xdc, 0xdd, 0xde]],
  ['o', 0, [0xdf, 0xe1, 0xe2, 0xe3, 0xe4]],
  ['ô', 0xab, [0xe5, 0xe6, 0xe7, 0xe8, 0xe9]],
  ['ơ', 0xac, [0xea, 0xeb, 0xec, 0xed, 0xee]],
  ['u', 0, [0xef, 0xf1, 0xf2, 0xf3, 0xf4]],
  ['ư', 0xad, [0xf5, 0xf6, 0xf7, 0xf8, 0xf9]],
  ['y', 0, [0xfa, 0xfb, 0xfc, 0xfd, 0xfe]],
];

/**
 * The seven plain capitals. TCVN-3's main table has them at 0xA1-0xA7, but printers' main pages do
 * not all carry them there, while on the "TCVN-3 capitals" page the standard's own positions and
 * the capitals-font convention (a capital shown at its lower-case letter's byte) agree on the
 * bytes below. So they go on the capitals page when the printer has one, and at 0xA1-0xA7 on the
 * main page otherwise. Toned capitals exist only on the capitals page, at the lower-case byte.
 */
const TCVN3_PLAIN_CAPITALS: ReadonlyArray<readonly [string, number, number]> = [
  ['Ă', 0xa1, 0xa1],
  ['Â', 0xa2, 0xa2],
  ['Ê', 0xa3, 0xaa],
  ['Ô', 0xa4, 0xab],
  ['Ơ', 0xa5, 0xac],
  ['Ư', 0xa6, 0xad],
  ['Đ', 0xa7, 0xa7],
];

/** Which pages can print a character, and with which byte. */
interface Tcvn3Slot {
  lower?: number;
  capitals?: number;
  /** For a capital: its byte on the main page when the printer has no capitals page. */
  lowerFallback?: number;
}

const TCVN3_ENCODE = new Map<string, Tcvn3Slot>();
const TCVN3_DECODE_LOWER = new Map<number, string>();
const TCVN3_DECODE_CAPITALS = new Map<number, string>();

for (const [base, own, toned] of TCVN3_VOWELS) {
  if (own !== 0) {
    TCVN3_ENCODE.set(base, { lower: own });
    TCVN3_DECODE_LOWER.set(own, base);
    TCVN3_DECODE_CAPITALS.set(own, base.toUpperCase());
  }
  toned.forEach((byte, i) => {
    const small = (base + TONE_MARKS[i]).normalize('NFC');
    const capital = small.toUpperCase();
    TCVN3_ENCODE.set(small, { lower: byte });
    TCVN3_ENCODE.set(capital, { capitals: byte, lowerFallback: byte });
    TCVN3_DECODE_LOWER.set(byte, small);
    TCVN3_DECODE_CAPITALS.set(byte, capital);
  });
}
TCVN3_ENCODE.set('đ', { lower: 0xae });
TCVN3_DECODE_LOWER.set(0xae, 'đ');
TCVN3_DECODE_CAPITALS.set(0xae, 'Đ');
for (const [capital, lower, capitals] of TCVN3_PLAIN_CAPITALS) {
  TCVN3_ENCODE.set(capital, { capitals, lowerFallback: lower });
  TCVN3_DECODE_LOWER.set(lower, capital);
  // Lenient on decoding: the standard's position also reads as the capital on the capitals page.
  TCVN3_DECODE_CAPITALS.set(lower, capital);
  TCVN3_DECODE_CAPITALS.set(capitals, capital);
}

/** Windows-1258, 0x80-0xFF; U+FFFD marks the five unassigned bytes. */
const CP1258_HIGH: string = (() => {
  const c1 =
    '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\ufffd\u2039\u0152\ufffd\ufffd\ufffd' +
    '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\ufffd\u203a\u0153\ufffd\ufffd\u0178';
  // 0xA0-0xFF follow Latin-1 except where Vietnamese letters and the tone marks replace letters
  // Vietnamese does not use.
  const high = Array.from({ length: 0x60 }, (_, i) => String.fromCharCode(0xa0 + i));
  const overrides: ReadonlyArray<readonly [number, string]> = [
    [0xc3, 'Ă'],
    [0xcc, '\u0300'],
    [0xd0, 'Đ'],
    [0xd2, '\u0309'],
    [0xd5, 'Ơ'],
    [0xdd, 'Ư'],
    [0xde, '\u0303'],
    [0xe3, 'ă'],
    [0xec, '\u0301'],
    [0xf0, 'đ'],
    [0xf2, '\u0323'],
    [0xf5, 'ơ'],
    [0xfd, 'ư'],
    [0xfe, '₫'],
  ];
  for (const [byte, ch] of overrides) high[byte - 0xa0] = ch;
  return c1 + high.join('');
})();

const CP1258_ENCODE = new Map<string, number>();
for (let i = 0; i < CP1258_HIGH.length; i++) {
  const ch = CP1258_HIGH[i];
  if (ch !== undefined && ch !== '\ufffd') CP1258_ENCODE.set(ch, 0x80 + i);
}

/** Typographic characters that no Vietnamese printer page has (or not all do), as plain ASCII. */
const ASCII_FALLBACK = new Map<string, string>([
  ['\u2010', '-'],
  ['\u2011', '-'],
  ['\u2012', '-'],
  ['\u2013', '-'],
  ['\u2014', '-'],
  ['\u2015', '-'],
  ['\u2212', '-'],
  ['\u2018', "'"],
  ['\u2019', "'"],
  ['\u201a', "'"],
  ['\u2032', "'"],
  ['\u201c', '"'],
  ['\u201d', '"'],
  ['\u201e', '"'],
  ['\u2026', '...'],
  ['\u2022', '*'],
  ['\u00b7', '.'],
  ['\u00a0', ' '],
  ['\u2007', ' '],
  ['\u2009', ' '],
  ['\u202f', ' '],
  ['\t', ' '],
  ['\u25b8', '>'],
  ['\u25b6', '>'],
  ['\u25ba', '>'],
  ['\u2192', '->'],
  ['\u00d7', 'x'],
  ['\u20ab', 'd'],
]);

function isPrintableAscii(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/** Printable ASCII bytes for a character's fallback, or `?`. */
function fallbackBytes(ch: string): number[] {
  const alt = ASCII_FALLBACK.get(ch);
  if (alt === undefined) return [QUESTION_MARK];
  return Array.from(alt, (c) => c.charCodeAt(0));
}

/**
 * Encodes text for a Windows-1258 page. A letter the table has whole (á, Ê, đ) takes one byte;
 * any other toned letter is its base letter, precomposed where it has a breve, circumflex or horn
 * (ă â ê ô ơ ư), followed by exactly one combining tone mark: "Mời" is 4D F5 CC 69. Precomposed
 * "ờ" alone has no byte, and full decomposition (o + horn + grave) is not what CP1258 expects.
 */
export function encodeCp1258(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0;
    if (isPrintableAscii(code)) {
      out.push(code);
      continue;
    }
    const direct = CP1258_ENCODE.get(ch);
    // A standalone combining mark is only valid after a letter; C1 glyph bytes are fine to print.
    if (direct !== undefined && !TONE_MARK_SET.has(ch)) {
      out.push(direct);
      continue;
    }
    const split = splitTone(ch);
    if (split !== null) {
      const base = split.base.length === 1 && isPrintableAscii(split.base.charCodeAt(0))
        ? split.base.charCodeAt(0)
        : CP1258_ENCODE.get(split.base);
      const tone = CP1258_ENCODE.get(split.tone);
      if (base !== undefined && tone !== undefined) {
        out.push(base, tone);
        continue;
      }
    }
    out.push(...fallbackBytes(ch));
  }
  return Uint8Array.from(out);
}

/** A letter as (base with its non-tone marks, precomposed) + one tone mark, or null. */
function splitTone(ch: string): { base: string; tone: string } | null {
  const parts = Array.from(ch.normalize('NFD'));
  const tones = parts.filter((p) => TONE_MARK_SET.has(p));
  const [tone] = tones;
  if (tones.length !== 1 || tone === undefined) return null;
  const base = parts.filter((p) => !TONE_MARK_SET.has(p)).join('').normalize('NFC');
  if (Array.from(base).length !== 1) return null;
  return { base, tone };
}

/** Decodes Windows-1258 bytes to NFC text; unassigned and control bytes become U+FFFD. */
export function decodeCp1258(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (isPrintableAscii(b)) s += String.fromCharCode(b);
    else if (b >= 0x80) s += CP1258_HIGH[b - 0x80] ?? '\ufffd';
    else s += '\ufffd';
  }
  return s.normalize('NFC');
}

export interface Tcvn3Options {
  /**
   * Whether the printer has a "TCVN-3 capitals" page. Without it a toned capital (Ộ, Ế) prints as
   * its lower-case form (ộ, ế), which a reader still understands where `?` would lose the letter,
   * and Ă Â Ê Ô Ơ Ư Đ print at the main table's 0xA1-0xA7.
   */
  capitals: boolean;
  /** The page the printer is on before this text, so that no needless switch is made. */
  startPage?: 'tcvn3' | 'tcvn3capitals';
}

/**
 * Encodes text for TCVN-3, as runs that each need one page selected. ASCII capitals, digits and
 * punctuation print on both pages, so a switch happens only when a letter forces it. Lower-case
 * ASCII stays on the main page: on a true capitals font it would print as a capital. Without a
 * capitals page, capitals print as described at TCVN3_PLAIN_CAPITALS and Tcvn3Options.capitals.
 */
export function encodeTcvn3(text: string, options: Tcvn3Options): EncodedRun[] {
  const runs: { page: 'tcvn3' | 'tcvn3capitals'; bytes: number[] }[] = [];
  let page: 'tcvn3' | 'tcvn3capitals' = options.startPage ?? 'tcvn3';
  const put = (p: 'tcvn3' | 'tcvn3capitals', bytes: number[]) => {
    page = p;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.page === p) last.bytes.push(...bytes);
    else runs.push({ page: p, bytes: [...bytes] });
  };
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0;
    if (isPrintableAscii(code)) {
      const lowerOnly = code >= 0x61 && code <= 0x7a;
      put(lowerOnly ? 'tcvn3' : page, [code]);
      continue;
    }
    const slot = TCVN3_ENCODE.get(ch);
    if (slot === undefined) {
      put(page, fallbackBytes(ch));
      continue;
    }
    if (slot.lower !== undefined) put('tcvn3', [slot.lower]);
    else if (slot.capitals !== undefined && options.capitals) put('tcvn3capitals', [slot.capitals]);
    else if (slot.lowerFallback !== undefined) put('tcvn3', [slot.lowerFallback]);
    else put(page, [QUESTION_MARK]);
  }
  return runs.map((r) => ({ page: r.page, bytes: Uint8Array.from(r.bytes) }));
}

/** Decodes TCVN-3 bytes printed on one page; bytes the page does not define become U+FFFD. */
export function decodeTcvn3(bytes: Uint8Array, page: 'tcvn3' | 'tcvn3capitals'): string {
  const table = page === 'tcvn3' ? TCVN3_DECODE_LOWER : TCVN3_DECODE_CAPITALS;
  let s = '';
  for (const b of bytes) {
    if (isPrintableAscii(b)) s += String.fromCharCode(b);
    else s += table.get(b) ?? '\ufffd';
  }
  return s;
}

/** Encodes text in either mode; for CP1258 the result is always a single run. */
export function encodeVietnamese(
  text: string,
  mode: VietnameseTextMode,
  tcvn3: Tcvn3Options = { capitals: true },
): EncodedRun[] {
  if (mode === 'cp1258') return [{ page: 'cp1258', bytes: encodeCp1258(text) }];
  return encodeTcvn3(text, tcvn3);
}

/** Decodes bytes printed on one page. */
export function decodeText(bytes: Uint8Array, page: TextPage): string {
  return page === 'cp1258' ? decodeCp1258(bytes) : decodeTcvn3(bytes, page);
}

/**
 * How many character cells a text takes when printed in a mode: its encoded byte count. For
 * CP1258 that counts a separate tone mark as a cell, because many printers do print it in a cell
 * of its own; wrapping on that count never overflows a line.
 */
export function textColumns(text: string, mode: VietnameseTextMode | 'raster'): number {
  if (mode === 'raster') return Array.from(text.normalize('NFC')).length;
  return encodeVietnamese(text, mode).reduce((n, r) => n + r.bytes.length, 0);
}
