import { describe, expect, it } from 'vitest';
import { CLIP_BY_ID, VI_NUMBER_CLIP_IDS, enNumberClipId } from '../../display/voice/clips';
import {
  MAX_READABLE_NUMBER,
  readNumberEn,
  readNumberVi,
  readTicketEn,
  readTicketVi,
  type Dialect,
} from '../../display/voice/number-reading';

// Written out here on purpose, not imported: the checker must not share data with the code.
const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];
const DIALECT_WORDS: Record<Dialect, { thousand: string; link: string }> = {
  north: { thousand: 'nghìn', link: 'linh' },
  south: { thousand: 'ngàn', link: 'lẻ' },
};
const OTHER: Record<Dialect, Dialect> = { north: 'south', south: 'north' };
const ALL_NUMBERS = Array.from({ length: 10_000 }, (_, n) => n);
const EVERY_NUMBER = Array.from({ length: 100_000 }, (_, n) => n);

/** Words back to a value, with no knowledge of the rules beyond what each word is worth. */
function evaluateVi(words: readonly string[]): number {
  const worth: Record<string, number> = { mốt: 1, tư: 4, lăm: 5 };
  DIGITS.forEach((w, i) => (worth[w] = i));
  let thousands = 0;
  let total = 0;
  let pending: number | null = null;
  for (const word of words) {
    if (word in worth) {
      if (pending !== null) throw new Error(`two digits in a row in "${words.join(' ')}"`);
      pending = worth[word] ?? 0;
    } else if (word === 'nghìn' || word === 'ngàn') {
      // Everything said so far (1..99) counts thousands: "hai mươi mốt nghìn".
      if (thousands !== 0 || total >= 100 || total + (pending ?? 0) === 0) {
        throw new Error(`misplaced ${word} in "${words.join(' ')}"`);
      }
      thousands = (total + (pending ?? 0)) * 1000;
      total = 0;
      pending = null;
    } else if (word === 'trăm') {
      total += (pending ?? NaN) * 100;
      pending = null;
    } else if (word === 'mươi') {
      total += (pending ?? NaN) * 10;
      pending = null;
    } else if (word === 'mười') {
      if (pending !== null) throw new Error(`digit before mười in "${words.join(' ')}"`);
      total += 10;
    } else if (word === 'linh' || word === 'lẻ') {
      if (pending !== null) throw new Error(`digit before ${word}`);
    } else {
      throw new Error(`unknown word ${word}`);
    }
  }
  return thousands + total + (pending ?? 0);
}

/** Checks every rule of shared/design/vietnamese.md on one reading; returns the broken ones. */
function ruleViolations(n: number, words: readonly string[], dialect: Dialect): string[] {
  const broken: string[] = [];
  const rule = (ok: boolean, name: string): void => {
    if (!ok) broken.push(name);
  };
  const [th, h, t, u] = String(n).padStart(4, '0').split('').map(Number) as [number, number, number, number];
  const own = DIALECT_WORDS[dialect];
  const other = DIALECT_WORDS[OTHER[dialect]];
  const has = (w: string): boolean => words.includes(w);
  const count = (w: string): number => words.filter((x) => x === w).length;
  const before = (w: string): Array<string | undefined> =>
    words.flatMap((x, i) => (x === w ? [words[i - 1]] : []));
  const after = (w: string): Array<string | undefined> =>
    words.flatMap((x, i) => (x === w ? [words[i + 1]] : []));
  const last = words[words.length - 1];

  rule(words.length > 0 && words.every((w) => w.length > 0 && !/\s/.test(w)), 'one word per entry');
  rule(evaluateVi(words) === n, 'reads back to the same value');
  rule(!has(other.thousand) && !has(other.link), 'no word of the other dialect');

  // 0
  rule(n !== 0 || (words.length === 1 && words[0] === 'không'), '0 is không');

  // thousands: "<digit> nghìn|ngàn" first, only when there are thousands
  rule(
    th === 0 ? !has(own.thousand) : words[0] === DIGITS[th] && words[1] === own.thousand && count(own.thousand) === 1,
    'thousands: <digit> nghìn (north) / ngàn (south)',
  );

  // hundreds: "<digit> trăm" when there are hundreds; "không trăm" inside thousands when the
  // hundreds are zero and something follows; nothing for round thousands
  const saysHundreds = h > 0 || (th > 0 && n % 100 !== 0);
  rule(saysHundreds ? count('trăm') === 1 && before('trăm')[0] === DIGITS[h] : !has('trăm'), 'hundreds');
  rule(
    count('không') === (n === 0 ? 1 : 0) + (th > 0 && h === 0 && n % 100 !== 0 ? 1 : 0),
    'không only for 0 and as không trăm inside thousands',
  );

  // tens
  rule(t === 1 ? count('mười') === 1 : !has('mười'), '10-19 use mười');
  rule(t >= 2 ? count('mươi') === 1 && before('mươi')[0] === DIGITS[t] : !has('mươi'), '20-90 use <digit> mươi');

  // zero tens after a hundreds part: linh / lẻ, then the plain digit (5 stays năm)
  const linked = n >= 100 && t === 0 && u !== 0;
  rule(linked ? count(own.link) === 1 : !has(own.link), 'linh/lẻ exactly when tens are zero after hundreds');
  rule(!linked || (after(own.link)[0] === DIGITS[u] && words[words.length - 2] === own.link), 'plain digit after linh/lẻ');

  // units
  rule(u === 0 ? n === 0 || ['mười', 'mươi', 'trăm', own.thousand].includes(last ?? '') : true, 'nothing said for zero units');
  rule(t >= 2 && u === 1 ? last === 'mốt' : !has('mốt'), 'mốt exactly for 1 after mươi');
  rule(before('mốt').every((w) => w === 'mươi'), 'mốt only after mươi');
  rule(t >= 2 && u === 4 ? last === 'tư' : !has('tư'), 'tư exactly for 4 after mươi');
  rule(before('tư').every((w) => w === 'mươi'), 'tư only after mươi');
  rule(t >= 1 && u === 5 ? last === 'lăm' : !has('lăm'), 'lăm exactly for 5 after mười/mươi');
  rule(before('lăm').every((w) => w === 'mười' || w === 'mươi'), 'lăm only after mười/mươi');
  rule(!after('mười').includes('năm') && !after('mươi').includes('năm'), 'never năm after mười/mươi');
  rule(t !== 1 || u === 0 || u === 5 || last === DIGITS[u], 'after mười the plain digit (mười một, mười bốn)');
  rule(t === 0 || u === 0 || words.length >= 2, 'a unit follows the tens word');
  return broken;
}

describe('readNumberVi: every rule on every number 0..9999', () => {
  for (const dialect of ['north', 'south'] as const) {
    it(`${dialect}: no rule broken, all readings distinct`, () => {
      const failures: string[] = [];
      const seen = new Set<string>();
      for (const n of ALL_NUMBERS) {
        const words = readNumberVi(n, { dialect });
        seen.add(words.join(' '));
        const broken = ruleViolations(n, words, dialect);
        if (broken.length > 0) failures.push(`${n} "${words.join(' ')}": ${broken.join('; ')}`);
      }
      expect(failures.slice(0, 20)).toEqual([]);
      expect(seen.size).toBe(10_000);
    });
  }

  it('the dialects differ only by linh/lẻ and nghìn/ngàn (every number 0..99,999)', () => {
    const failures: number[] = [];
    for (const n of EVERY_NUMBER) {
      const north = readNumberVi(n, { dialect: 'north' });
      const swapped = north.map((w) => (w === 'linh' ? 'lẻ' : w === 'nghìn' ? 'ngàn' : w));
      if (readNumberVi(n, { dialect: 'south' }).join(' ') !== swapped.join(' ')) failures.push(n);
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('the checker catches a wrong reading', () => {
    const bad: Array<[number, string]> = [
      [21, 'hai mươi một'],
      [11, 'mười mốt'],
      [24, 'hai mươi bốn'],
      [14, 'mười tư'],
      [15, 'mười năm'],
      [105, 'một trăm linh lăm'],
      [105, 'một trăm lẻ năm'],
      [1005, 'một nghìn linh năm'],
      [1000, 'một nghìn không trăm'],
      [100, 'trăm'],
      [2024, 'hai ngàn không trăm hai mươi tư'],
    ];
    for (const [n, text] of bad) {
      expect(ruleViolations(n, text.split(' '), 'north'), `${n} ${text}`).not.toEqual([]);
    }
  });
});

describe('readNumberVi: every number 0..99,999', () => {
  for (const dialect of ['north', 'south'] as const) {
    it(`${dialect}: reads back to itself, all distinct, every word has a clip`, () => {
      const own = DIALECT_WORDS[dialect];
      const other = DIALECT_WORDS[OTHER[dialect]];
      const failures: string[] = [];
      const seen = new Set<string>();
      for (const n of EVERY_NUMBER) {
        const words = readNumberVi(n, { dialect });
        const text = words.join(' ');
        seen.add(text);
        let value: number;
        try {
          value = evaluateVi(words);
        } catch {
          value = NaN;
        }
        if (value !== n) failures.push(`${n} "${text}" reads back as ${value}`);
        for (const word of words) {
          const id = VI_NUMBER_CLIP_IDS[word];
          if (id === undefined || !CLIP_BY_ID.has(id)) failures.push(`${n} "${text}": no clip for ${word}`);
          if (word === other.thousand || word === other.link) failures.push(`${n} "${text}": ${word}`);
        }
        if (n >= 1000 && words.filter((w) => w === own.thousand).length !== 1) {
          failures.push(`${n} "${text}": not one ${own.thousand}`);
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
      expect(seen.size).toBe(100_000);
    });

    // With every rule checked on 0..9999 above, this carries them to 10,000..99,999: the number
    // of thousands (1..99) reads as on its own, and the rest as after "một nghìn".
    it(`${dialect}: reading(t * 1000 + r) = reading(t) + [${DIALECT_WORDS[dialect].thousand}] + the rest of reading(1000 + r)`, () => {
      const thousand = DIALECT_WORDS[dialect].thousand;
      const failures: string[] = [];
      for (let t = 1; t <= 99; t++) {
        const head = [...readNumberVi(t, { dialect }), thousand].join(' ');
        for (let r = 0; r <= 999; r++) {
          const rest = readNumberVi(1000 + r, { dialect }).slice(2);
          const expected = [head, ...rest].join(' ');
          const actual = readNumberVi(t * 1000 + r, { dialect }).join(' ');
          if (actual !== expected) failures.push(`${t * 1000 + r}: "${actual}", expected "${expected}"`);
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }

  it('the thousands group keeps mốt, tư and lăm after mươi (and lăm after mười)', () => {
    for (let t = 10; t <= 99; t++) {
      const words = readNumberVi(t * 1000, { dialect: 'north' });
      expect(ruleViolations(t, words.slice(0, -1), 'north'), words.join(' ')).toEqual([]);
      expect(words[words.length - 1]).toBe('nghìn');
    }
  });
});

describe('readNumberVi: known readings', () => {
  const north: Array<[number, string]> = [
    [0, 'không'],
    [1, 'một'],
    [4, 'bốn'],
    [5, 'năm'],
    [9, 'chín'],
    [10, 'mười'],
    [11, 'mười một'],
    [14, 'mười bốn'],
    [15, 'mười lăm'],
    [19, 'mười chín'],
    [20, 'hai mươi'],
    [21, 'hai mươi mốt'],
    [24, 'hai mươi tư'],
    [25, 'hai mươi lăm'],
    [30, 'ba mươi'],
    [44, 'bốn mươi tư'],
    [55, 'năm mươi lăm'],
    [91, 'chín mươi mốt'],
    [99, 'chín mươi chín'],
    [100, 'một trăm'],
    [101, 'một trăm linh một'],
    [104, 'một trăm linh bốn'],
    [105, 'một trăm linh năm'],
    [110, 'một trăm mười'],
    [111, 'một trăm mười một'],
    [114, 'một trăm mười bốn'],
    [115, 'một trăm mười lăm'],
    [120, 'một trăm hai mươi'],
    [121, 'một trăm hai mươi mốt'],
    [124, 'một trăm hai mươi tư'],
    [125, 'một trăm hai mươi lăm'],
    [200, 'hai trăm'],
    [505, 'năm trăm linh năm'],
    [999, 'chín trăm chín mươi chín'],
    [1000, 'một nghìn'],
    [1001, 'một nghìn không trăm linh một'],
    [1005, 'một nghìn không trăm linh năm'],
    [1010, 'một nghìn không trăm mười'],
    [1015, 'một nghìn không trăm mười lăm'],
    [1021, 'một nghìn không trăm hai mươi mốt'],
    [1100, 'một nghìn một trăm'],
    [1101, 'một nghìn một trăm linh một'],
    [1111, 'một nghìn một trăm mười một'],
    [2000, 'hai nghìn'],
    [2010, 'hai nghìn không trăm mười'],
    [2024, 'hai nghìn không trăm hai mươi tư'],
    [2025, 'hai nghìn không trăm hai mươi lăm'],
    [5555, 'năm nghìn năm trăm năm mươi lăm'],
    [9999, 'chín nghìn chín trăm chín mươi chín'],
    // 5 digits (hand-checked)
    [10_000, 'mười nghìn'],
    [10_001, 'mười nghìn không trăm linh một'],
    [10_005, 'mười nghìn không trăm linh năm'],
    [10_010, 'mười nghìn không trăm mười'],
    [10_015, 'mười nghìn không trăm mười lăm'],
    [10_100, 'mười nghìn một trăm'],
    [10_500, 'mười nghìn năm trăm'],
    [11_000, 'mười một nghìn'],
    [11_111, 'mười một nghìn một trăm mười một'],
    [14_000, 'mười bốn nghìn'],
    [14_014, 'mười bốn nghìn không trăm mười bốn'],
    [15_000, 'mười lăm nghìn'],
    [15_555, 'mười lăm nghìn năm trăm năm mươi lăm'],
    [19_999, 'mười chín nghìn chín trăm chín mươi chín'],
    [20_000, 'hai mươi nghìn'],
    [20_001, 'hai mươi nghìn không trăm linh một'],
    [21_000, 'hai mươi mốt nghìn'],
    [21_021, 'hai mươi mốt nghìn không trăm hai mươi mốt'],
    [24_000, 'hai mươi tư nghìn'],
    [24_024, 'hai mươi tư nghìn không trăm hai mươi tư'],
    [25_000, 'hai mươi lăm nghìn'],
    [25_105, 'hai mươi lăm nghìn một trăm linh năm'],
    [30_000, 'ba mươi nghìn'],
    [41_004, 'bốn mươi mốt nghìn không trăm linh bốn'],
    [44_444, 'bốn mươi tư nghìn bốn trăm bốn mươi tư'],
    [50_100, 'năm mươi nghìn một trăm'],
    [55_055, 'năm mươi lăm nghìn không trăm năm mươi lăm'],
    [90_000, 'chín mươi nghìn'],
    [99_999, 'chín mươi chín nghìn chín trăm chín mươi chín'],
  ];
  const south: Array<[number, string]> = [
    [101, 'một trăm lẻ một'],
    [105, 'một trăm lẻ năm'],
    [1000, 'một ngàn'],
    [1005, 'một ngàn không trăm lẻ năm'],
    [2024, 'hai ngàn không trăm hai mươi tư'],
    [25, 'hai mươi lăm'],
    [10_000, 'mười ngàn'],
    [10_005, 'mười ngàn không trăm lẻ năm'],
    [10_101, 'mười ngàn một trăm lẻ một'],
    [21_000, 'hai mươi mốt ngàn'],
    [24_024, 'hai mươi tư ngàn không trăm hai mươi tư'],
    [50_100, 'năm mươi ngàn một trăm'],
    [99_999, 'chín mươi chín ngàn chín trăm chín mươi chín'],
  ];
  it.each(north)('north %i = %s', (n, text) => {
    expect(readNumberVi(n, { dialect: 'north' }).join(' ')).toBe(text);
  });
  it.each(south)('south %i = %s', (n, text) => {
    expect(readNumberVi(n, { dialect: 'south' }).join(' ')).toBe(text);
  });

  it('throws RangeError outside 0..99,999 and for non-integers', () => {
    expect(MAX_READABLE_NUMBER).toBe(99_999);
    for (const n of [-1, 100_000, 1.5, 99_999.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => readNumberVi(n, { dialect: 'north' })).toThrow(RangeError);
      expect(() => readNumberEn(n)).toThrow(RangeError);
    }
  });
});

describe('readTicketVi', () => {
  // Expected entries separated by '|': a letter name is one entry even with a space ("i dài").
  const cases: Array<[string, Dialect, 'number' | 'digits', string]> = [
    ['A025', 'north', 'number', 'a|hai|mươi|lăm'],
    ['A025', 'north', 'digits', 'a|không|hai|năm'],
    ['1015', 'north', 'number', 'một|nghìn|không|trăm|mười|lăm'],
    ['1015', 'north', 'digits', 'một|không|một|năm'],
    ['B105', 'south', 'number', 'bê|một|trăm|lẻ|năm'],
    ['L021', 'north', 'number', 'e-lờ|hai|mươi|mốt'],
    ['Đ7', 'north', 'number', 'đê|bảy'],
    ['Y001', 'north', 'number', 'i dài|một'],
    ['A000', 'north', 'number', 'a|không'],
    ['W014', 'north', 'number', 'vê kép|mười|bốn'],
    ['a025', 'north', 'number', 'a|hai|mươi|lăm'],
    [' C2 ', 'north', 'number', 'xê|hai'],
    ['A10000', 'north', 'digits', 'a|một|không|không|không|không'],
    ['A10000', 'north', 'number', 'a|mười|nghìn'],
    ['10005', 'north', 'number', 'mười|nghìn|không|trăm|linh|năm'],
    ['10005', 'south', 'number', 'mười|ngàn|không|trăm|lẻ|năm'],
    ['A99999', 'south', 'number', 'a|chín|mươi|chín|ngàn|chín|trăm|chín|mươi|chín'],
  ];
  it.each(cases)('%s (%s, %s) = %s', (ticket, dialect, style, expected) => {
    expect(readTicketVi(ticket, { dialect, style })).toEqual(expected.split('|'));
  });

  it('reads every prefix letter by its Vietnamese name', () => {
    const names: Record<string, string> = {
      A: 'a', B: 'bê', C: 'xê', D: 'dê', Đ: 'đê', E: 'e', G: 'giê', H: 'hát', I: 'i', K: 'ca',
      L: 'e-lờ', M: 'em-mờ', N: 'en-nờ', O: 'o', P: 'pê', Q: 'quy', R: 'e-rờ', S: 'ét-xì', T: 'tê',
      U: 'u', V: 'vê', X: 'ích-xì', Y: 'i dài',
    };
    for (const [letter, name] of Object.entries(names)) {
      expect(readTicketVi(`${letter}5`, { dialect: 'north', style: 'number' })).toEqual([name, 'năm']);
    }
    for (const letter of ['F', 'J', 'W', 'Z']) {
      const [name] = readTicketVi(`${letter}5`, { dialect: 'north', style: 'number' });
      expect(name).toMatch(/\p{L}/u);
    }
  });

  it('rejects malformed ticket numbers', () => {
    for (const bad of ['', 'A', 'AB12', '12A', 'Ê12', 'A-12', 'A 12']) {
      expect(() => readTicketVi(bad, { dialect: 'north', style: 'number' }), bad).toThrow();
    }
    expect(() => readTicketVi('A100000', { dialect: 'north', style: 'number' })).toThrow(RangeError);
    expect(readTicketVi('A100000', { dialect: 'north', style: 'digits' })).toHaveLength(7);
  });
});

describe('English', () => {
  const table: Array<[number, string]> = [
    [0, 'zero'],
    [7, 'seven'],
    [13, 'thirteen'],
    [20, 'twenty'],
    [21, 'twenty one'],
    [100, 'one hundred'],
    [105, 'one hundred five'],
    [110, 'one hundred ten'],
    [999, 'nine hundred ninety nine'],
    [1000, 'one thousand'],
    [1005, 'one thousand five'],
    [2024, 'two thousand twenty four'],
    [9999, 'nine thousand nine hundred ninety nine'],
    [10_000, 'ten thousand'],
    [10_005, 'ten thousand five'],
    [10_110, 'ten thousand one hundred ten'],
    [11_000, 'eleven thousand'],
    [15_000, 'fifteen thousand'],
    [20_000, 'twenty thousand'],
    [21_000, 'twenty one thousand'],
    [21_005, 'twenty one thousand five'],
    [24_024, 'twenty four thousand twenty four'],
    [50_100, 'fifty thousand one hundred'],
    [99_999, 'ninety nine thousand nine hundred ninety nine'],
  ];
  it.each(table)('%i = %s', (n, text) => {
    expect(readNumberEn(n).join(' ')).toBe(text);
  });

  it('every number 0..99,999 reads back to itself, all distinct, every word has a clip', () => {
    const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
      'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
    const tens = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
    const failures: string[] = [];
    const seen = new Set<string>();
    for (const n of EVERY_NUMBER) {
      const words = readNumberEn(n);
      seen.add(words.join(' '));
      for (const w of words) {
        let id: string | undefined;
        try {
          id = enNumberClipId(w);
        } catch {
          id = undefined;
        }
        if (id === undefined || !CLIP_BY_ID.has(id)) failures.push(`${n}: no clip for ${w}`);
      }
      let total = 0;
      let part = 0;
      for (const w of words) {
        if (ones.includes(w)) part += ones.indexOf(w);
        else if (tens.includes(w)) part += (tens.indexOf(w) + 2) * 10;
        else if (w === 'hundred') part *= 100;
        else if (w === 'thousand') {
          total += part * 1000;
          part = 0;
        } else throw new Error(`unknown word ${w}`);
      }
      if (total + part !== n) failures.push(`${n} "${words.join(' ')}" reads back as ${total + part}`);
      if (n !== 0 && words.includes('zero')) failures.push(`${n} "${words.join(' ')}" says zero`);
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(seen.size).toBe(100_000);
  });

  it('reading(t * 1000 + r) = reading(t) + [thousand] + reading(r) (nothing for r = 0)', () => {
    const failures: string[] = [];
    for (let t = 1; t <= 99; t++) {
      const head = [...readNumberEn(t), 'thousand'];
      for (let r = 0; r <= 999; r++) {
        const expected = [...head, ...(r === 0 ? [] : readNumberEn(r))].join(' ');
        const actual = readNumberEn(t * 1000 + r).join(' ');
        if (actual !== expected) failures.push(`${t * 1000 + r}: "${actual}", expected "${expected}"`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('reads tickets as a number or digit by digit', () => {
    expect(readTicketEn('A025', { style: 'number' })).toEqual(['A', 'twenty', 'five']);
    expect(readTicketEn('A025', { style: 'digits' })).toEqual(['A', 'zero', 'two', 'five']);
    expect(readTicketEn('1015', { style: 'number' })).toEqual(['one', 'thousand', 'fifteen']);
    expect(readTicketEn('Đ3', { style: 'number' })).toEqual(['crossed D', 'three']);
    expect(readTicketEn('A10005', { style: 'number' })).toEqual(['A', 'ten', 'thousand', 'five']);
  });
});
