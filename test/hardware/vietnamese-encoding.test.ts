import { describe, it, expect } from 'vitest';
import {
  decodeCp1258,
  decodeTcvn3,
  encodeCp1258,
  encodeTcvn3,
  encodeVietnamese,
  textColumns,
} from '../../hardware/escpos/vietnamese-encoding';

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

const runsHex = (runs: { page: string; bytes: Uint8Array }[]) => runs.map((r) => `${r.page}: ${hex(r.bytes)}`);

const VOWELS = 'aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ';
const ALPHABET = VOWELS + VOWELS.toUpperCase();

/** A small deterministic generator, so that a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('CP1258', () => {
  it('writes a horned or circumflexed base letter plus one tone mark ("Mời" -> 4D F5 CC 69)', () => {
    expect(hex(encodeCp1258('Mời'))).toBe('4D F5 CC 69');
  });

  it('encodes "Lĩnh vực: Hộ tịch" byte for byte', () => {
    expect(hex(encodeCp1258('Lĩnh vực: Hộ tịch'))).toBe(
      '4C 69 DE 6E 68 20 76 FD F2 63 3A 20 48 F4 F2 20 74 69 F2 63 68',
    );
  });

  it('uses the single byte where the table has the whole letter', () => {
    expect(hex(encodeCp1258('á'))).toBe('E1');
    expect(hex(encodeCp1258('Đđ'))).toBe('D0 F0');
    expect(hex(encodeCp1258('Ấ'))).toBe('C2 EC');
    expect(hex(encodeCp1258('ỹ'))).toBe('79 DE');
  });

  it('gives the same bytes for decomposed (NFD) input', () => {
    const text = 'Kính mời công dân đến quầy số 3';
    expect(hex(encodeCp1258(text.normalize('NFD')))).toBe(hex(encodeCp1258(text)));
  });

  it('round-trips every toned vowel in both cases', () => {
    expect(decodeCp1258(encodeCp1258(ALPHABET))).toBe(ALPHABET);
  });

  it('keeps the typographic characters CP1258 has', () => {
    expect(hex(encodeCp1258('—…'))).toBe('97 85');
  });
});

describe('TCVN-3', () => {
  it('encodes "Lĩnh vực: Hộ tịch" on the main page in one run', () => {
    expect(runsHex(encodeTcvn3('Lĩnh vực: Hộ tịch', { capitals: true }))).toEqual([
      'tcvn3: 4C DC 6E 68 20 76 F9 63 3A 20 48 E9 20 74 DE 63 68',
    ]);
  });

  it('puts toned capitals on the capitals page at the lower-case byte, switching only when needed', () => {
    expect(runsHex(encodeTcvn3('HỘ TỊCH', { capitals: true }))).toEqual(['tcvn3: 48', 'tcvn3capitals: E9 20 54 DE 43 48']);
    expect(runsHex(encodeTcvn3('HỘ tịch', { capitals: true }))).toEqual([
      'tcvn3: 48',
      'tcvn3capitals: E9 20',
      'tcvn3: 74 DE 63 68',
    ]);
  });

  it('stays on the capitals page when it starts there and nothing forces a switch', () => {
    expect(runsHex(encodeTcvn3('A025 Ộ', { capitals: true, startPage: 'tcvn3capitals' }))).toEqual([
      'tcvn3capitals: 41 30 32 35 20 E9',
    ]);
  });

  it('prints toned capitals in lower case when the printer has no capitals page', () => {
    expect(runsHex(encodeTcvn3('HỘ TỊCH', { capitals: false }))).toEqual(['tcvn3: 48 E9 20 54 DE 43 48']);
  });

  it('places the plain capitals Ă Â Ê Ô Ơ Ư Đ per page', () => {
    expect(runsHex(encodeTcvn3('ĂÂÊÔƠƯĐ', { capitals: true }))).toEqual(['tcvn3capitals: A1 A2 AA AB AC AD A7']);
    expect(runsHex(encodeTcvn3('ĂÂÊÔƠƯĐ', { capitals: false }))).toEqual(['tcvn3: A1 A2 A3 A4 A5 A6 A7']);
    expect(runsHex(encodeTcvn3('ăâêôơưđ', { capitals: true }))).toEqual(['tcvn3: A8 A9 AA AB AC AD AE']);
  });

  it('round-trips every toned vowel in both cases across page switches', () => {
    const runs = encodeTcvn3(ALPHABET, { capitals: true });
    expect(runs.map((r) => decodeTcvn3(r.bytes, r.page === 'tcvn3capitals' ? 'tcvn3capitals' : 'tcvn3')).join('')).toBe(ALPHABET);
    expect(runs.length).toBe(2);
  });

  it('decodes a byte the page does not define as U+FFFD', () => {
    expect(decodeTcvn3(Uint8Array.of(0x41, 0xb0, 0x80), 'tcvn3')).toBe('A\ufffd\ufffd');
  });
});

describe('what a mode cannot print', () => {
  it('becomes ?, one per character, in both modes', () => {
    for (const mode of ['tcvn3', 'cp1258'] as const) {
      const bytes = encodeVietnamese('中😀ж', mode).flatMap((r) => Array.from(r.bytes));
      expect(bytes).toEqual([0x3f, 0x3f, 0x3f]);
    }
  });

  it('turns control characters into ? so that text can never inject a command', () => {
    for (const mode of ['tcvn3', 'cp1258'] as const) {
      const bytes = encodeVietnamese('a\x1b@\x1dV\x00\x10\x04\x7f\x85b', mode).flatMap((r) => Array.from(r.bytes));
      expect(bytes).toEqual([0x61, 0x3f, 0x40, 0x3f, 0x56, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x62]);
    }
  });

  it('falls back to ASCII for dashes, quotes and ellipses in TCVN-3', () => {
    const runs = encodeTcvn3('A — “B” …', { capitals: true });
    expect(String.fromCharCode(...runs.flatMap((r) => Array.from(r.bytes)))).toBe('A - "B" ...');
  });

  it('never yields a byte below 0x20 or 0x7F, whatever the input', () => {
    const random = lcg(2026);
    const samples: string[] = [];
    for (let cp = 0; cp < 0x3000; cp++) if (cp < 0xd800 || cp > 0xdfff) samples.push(String.fromCodePoint(cp));
    for (let i = 0; i < 500; i++) {
      let s = '';
      for (let k = 0; k < 20; k++) s += String.fromCodePoint(Math.floor(random() * 0x2000));
      samples.push(s);
    }
    for (const mode of ['tcvn3', 'cp1258'] as const) {
      for (const s of samples) {
        for (const run of encodeVietnamese(s, mode)) {
          for (const b of run.bytes) {
            if (b < 0x20 || b === 0x7f) throw new Error(`${mode} gave 0x${b.toString(16)} for ${JSON.stringify(s)}`);
          }
        }
      }
    }
  });
});

describe('textColumns', () => {
  it('counts printed cells: bytes for the code page modes, characters for raster', () => {
    expect(textColumns('Hộ tịch', 'tcvn3')).toBe(7);
    expect(textColumns('Hộ tịch', 'cp1258')).toBe(9);
    expect(textColumns('Hộ tịch', 'raster')).toBe(7);
  });
});
