/**
 * How ticket and counter numbers are read aloud, in Vietnamese and English.
 *
 * Pure and browser-safe (no node:* imports). Every function returns the spoken units in order,
 * one entry per pre-recorded clip (see ./clips): a number word ("mươi"), or a whole letter name
 * ("e-lờ", "i dài"). Joining them with spaces gives readable text.
 *
 * Numbers 0..99,999 are read (MAX_READABLE_NUMBER): range numbering goes up to 99,999 and prefix
 * numbering stops there (server/domain/numbering.ts), so every number the hub issues is readable.
 *
 * Vietnamese rules (see shared/design/vietnamese.md), 0..9999:
 * - 0 is "không"; 1..9 are the digit words.
 * - 10..19 use "mười"; 20..90 use "<digit> mươi".
 * - After "mươi": 1 is "mốt" (21 hai mươi mốt) and 4 is "tư" (24 hai mươi tư).
 *   After "mười" they stay: 11 mười một, 14 mười bốn.
 * - After "mười" or "mươi": 5 is "lăm" (15 mười lăm, 25 hai mươi lăm).
 * - Zero tens after a hundreds part: "linh" (north) / "lẻ" (south), and the unit keeps its plain
 *   form: 101 một trăm linh một, 104 một trăm linh bốn, 105 một trăm linh năm.
 * - Zero hundreds inside thousands: "không trăm" (1005 một nghìn không trăm linh năm,
 *   1010 một nghìn không trăm mười, 2024 hai nghìn không trăm hai mươi tư).
 * - Thousand: "nghìn" (north) / "ngàn" (south).
 *
 * 10,000..99,999 (Vietnamese counts in thousands here, like English; "vạn" for 10,000 is old or
 * literary and not said in service centres):
 * - The number of thousands (10..99) is read by the two-digit rules above, then "nghìn"/"ngàn":
 *   10,000 mười nghìn, 11,000 mười một nghìn, 14,000 mười bốn nghìn, 15,000 mười lăm nghìn,
 *   20,000 hai mươi nghìn, 21,000 hai mươi mốt nghìn, 24,000 hai mươi tư nghìn,
 *   25,000 hai mươi lăm nghìn. So mốt/tư after "mươi" and lăm after "mười"/"mươi" apply to the
 *   thousands group too (never "hai mươi một nghìn", "hai mươi bốn nghìn", "mười năm nghìn"),
 *   and after "mười" 1 and 4 stay plain there as well (mười một nghìn, mười bốn nghìn).
 * - The part below a thousand is read exactly as after 1..9 thousands: "không trăm" for zero
 *   hundreds, then linh/lẻ for zero tens: 10,005 mười nghìn không trăm linh năm (north) /
 *   mười ngàn không trăm lẻ năm (south), 24,024 hai mươi tư nghìn không trăm hai mươi tư,
 *   50,100 năm mươi nghìn một trăm. In short, for n = t * 1000 + r with t >= 1:
 *   reading(n) = reading(t) + [nghìn] + (the words after "một nghìn" in reading(1000 + r)).
 * - A 5 before "nghìn" with no tens stays "năm" (5,000 năm nghìn); only after mười/mươi is it
 *   "lăm" (55,000 năm mươi lăm nghìn).
 *
 * Decisions for round numbers (nothing is said for trailing zero parts):
 * - 100 "một trăm", 200 "hai trăm" (no "linh"/"lẻ", no "mươi", never a bare "trăm").
 * - 1000 "một nghìn", 2000 "hai nghìn" (no "không trăm"), 1100 "một nghìn một trăm",
 *   2010 "hai nghìn không trăm mười", 20 "hai mươi", 10,000 "mười nghìn" (never "một vạn"),
 *   90,000 "chín mươi nghìn".
 * - A single hundred or thousand is always said with "một" ("một trăm", "một nghìn", never a bare
 *   "trăm"); in 10,000..19,999 "mười" alone is the number of thousands ("mười nghìn", not
 *   "một mười nghìn").
 *
 * English (plain words, American style without "and"): 105 "one hundred five", 25 "twenty five"
 * (each word is its own clip, so "twenty-five" is returned as two words), 2024 "two thousand
 * twenty four". Thousands above nine are read the same way as any number below a hundred:
 * 10,000 "ten thousand", 21,005 "twenty one thousand five", 99,999 "ninety nine thousand nine
 * hundred ninety nine".
 */

export type Dialect = 'north' | 'south';
export type TicketStyle = 'number' | 'digits';

export interface ViNumberOptions {
  dialect: Dialect;
}

export interface ViTicketOptions {
  dialect: Dialect;
  style: TicketStyle;
}

export interface EnTicketOptions {
  style: TicketStyle;
}

export const MAX_READABLE_NUMBER = 99_999;

/** Plain digit words 0..9: digit by digit, before "trăm", and before "nghìn" with no tens ("năm nghìn"). */
export const VI_DIGIT_WORDS = [
  'không',
  'một',
  'hai',
  'ba',
  'bốn',
  'năm',
  'sáu',
  'bảy',
  'tám',
  'chín',
] as const;

/** Every word readNumberVi can produce, in either dialect. */
export const VI_NUMBER_WORDS = [
  ...VI_DIGIT_WORDS,
  'mốt',
  'tư',
  'lăm',
  'mười',
  'mươi',
  'trăm',
  'linh',
  'lẻ',
  'nghìn',
  'ngàn',
] as const;

export type ViNumberWord = (typeof VI_NUMBER_WORDS)[number];

/**
 * Letters a ticket prefix may use, with their Vietnamese names as heard in service centres.
 * F, J, W, Z are not Vietnamese letters; their common readings are used.
 */
export const VI_LETTER_NAMES: Readonly<Record<string, string>> = {
  A: 'a',
  B: 'bê',
  C: 'xê',
  D: 'dê',
  Đ: 'đê',
  E: 'e',
  F: 'ép-phờ',
  G: 'giê',
  H: 'hát',
  I: 'i',
  J: 'gi',
  K: 'ca',
  L: 'e-lờ',
  M: 'em-mờ',
  N: 'en-nờ',
  O: 'o',
  P: 'pê',
  Q: 'quy',
  R: 'e-rờ',
  S: 'ét-xì',
  T: 'tê',
  U: 'u',
  V: 'vê',
  W: 'vê kép',
  X: 'ích-xì',
  Y: 'i dài',
  Z: 'dét',
};

/** English letter names: the letter itself (a TTS or a speaker says its name); Đ is "crossed D". */
export const EN_LETTER_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(VI_LETTER_NAMES).map((letter) => [letter, letter === 'Đ' ? 'crossed D' : letter]),
);

/** The letters accepted as a ticket prefix. */
export const TICKET_PREFIX_LETTERS: readonly string[] = Object.keys(VI_LETTER_NAMES);

export const EN_ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
] as const;

export const EN_TENS = [
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
] as const;

/** Every word readNumberEn can produce. */
export const EN_NUMBER_WORDS = [...EN_ONES, ...EN_TENS, 'hundred', 'thousand'] as const;

function assertReadable(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_READABLE_NUMBER) {
    throw new RangeError(`Cannot read ${String(n)}: only integers 0..${MAX_READABLE_NUMBER}`);
  }
}

function viDigit(d: number): ViNumberWord {
  const word = VI_DIGIT_WORDS[d];
  if (word === undefined) throw new RangeError(`Not a digit: ${d}`);
  return word;
}

/** The unit after "mười" (tens = 1) or "mươi" (tens >= 2); 0 says nothing. */
function viUnitAfterTens(tens: number, unit: number): ViNumberWord[] {
  if (unit === 0) return [];
  if (unit === 5) return ['lăm'];
  if (tens >= 2 && unit === 1) return ['mốt'];
  if (tens >= 2 && unit === 4) return ['tư'];
  return [viDigit(unit)];
}

/** Reads 1..99 (tens and units) in Vietnamese: "năm", "mười lăm", "hai mươi mốt". */
function viBelowHundred(n: number): ViNumberWord[] {
  const tens = Math.floor(n / 10);
  const unit = n % 10;
  if (tens === 0) return [viDigit(unit)];
  const words: ViNumberWord[] = tens === 1 ? ['mười'] : [viDigit(tens), 'mươi'];
  words.push(...viUnitAfterTens(tens, unit));
  return words;
}

/**
 * Reads 0..99,999 in Vietnamese, one word per entry.
 * @throws RangeError for anything that is not an integer in 0..99,999.
 */
export function readNumberVi(n: number, opts: ViNumberOptions): ViNumberWord[] {
  assertReadable(n);
  if (n === 0) return ['không'];

  const thousands = Math.floor(n / 1000);
  const hundreds = Math.floor(n / 100) % 10;
  const belowHundred = n % 100;
  const words: ViNumberWord[] = [];

  // The number of thousands (1..99) reads like any number below a hundred: "hai mươi mốt nghìn".
  if (thousands > 0) {
    words.push(...viBelowHundred(thousands), opts.dialect === 'south' ? 'ngàn' : 'nghìn');
  }
  if (n % 1000 === 0) return words;

  // A hundreds part is said when there are hundreds, or ("không trăm") when thousands precede.
  const hasHundredsPart = hundreds > 0 || thousands > 0;
  if (hasHundredsPart) words.push(viDigit(hundreds), 'trăm');
  if (belowHundred === 0) return words;

  // Zero tens after a hundreds part: linh/lẻ and the plain digit ("linh năm", not "linh lăm").
  if (belowHundred < 10 && hasHundredsPart) words.push(opts.dialect === 'south' ? 'lẻ' : 'linh');
  words.push(...viBelowHundred(belowHundred));
  return words;
}

/** Reads 0..99,999 in English, one word per entry ("twenty", "five"); no "and". */
export function readNumberEn(n: number): string[] {
  assertReadable(n);
  if (n === 0) return ['zero'];
  const words: string[] = [];
  const thousands = Math.floor(n / 1000);
  const hundreds = Math.floor(n / 100) % 10;
  const belowHundred = n % 100;
  if (thousands > 0) words.push(...enBelowHundred(thousands), 'thousand');
  if (hundreds > 0) words.push(enOnes(hundreds), 'hundred');
  if (belowHundred > 0) words.push(...enBelowHundred(belowHundred));
  return words;
}

/** Reads 1..99 in English: "seven", "fifteen", "twenty", "twenty one". */
function enBelowHundred(n: number): string[] {
  if (n < 20) return [enOnes(n)];
  const tensWord = EN_TENS[Math.floor(n / 10) - 2];
  if (tensWord === undefined) throw new RangeError(`Not below a hundred: ${n}`);
  return n % 10 > 0 ? [tensWord, enOnes(n % 10)] : [tensWord];
}

function enOnes(n: number): string {
  const word = EN_ONES[n];
  if (word === undefined) throw new RangeError(`Not below twenty: ${n}`);
  return word;
}

export interface ParsedTicketNumber {
  /** The prefix letter (uppercase, one of TICKET_PREFIX_LETTERS), or null when there is none. */
  letter: string | null;
  /** The digits as written, leading zeros kept ("025"). */
  digits: string;
}

const TICKET_PATTERN = /^([A-ZĐ]?)([0-9]+)$/u;

/**
 * Splits "A025" into { letter: 'A', digits: '025' }. Surrounding spaces and lowercase letters are
 * accepted ("a025", "đ7"); anything else throws.
 */
export function parseTicketNumber(ticketNumber: string): ParsedTicketNumber {
  const normalized = ticketNumber.normalize('NFC').trim().toUpperCase();
  const match = TICKET_PATTERN.exec(normalized);
  if (match === null) {
    throw new Error(
      `Invalid ticket number ${JSON.stringify(ticketNumber)}: expected an optional letter and digits`,
    );
  }
  const letter = match[1] ?? '';
  return { letter: letter === '' ? null : letter, digits: match[2] ?? '' };
}

function ticketValue(digits: string): number {
  const value = Number.parseInt(digits, 10);
  assertReadable(value);
  return value;
}

function letterName(names: Readonly<Record<string, string>>, letter: string): string {
  const name = names[letter];
  if (name === undefined) throw new Error(`No name for letter ${letter}`);
  return name;
}

/**
 * Reads a ticket number in Vietnamese: the letter name (if any), then the number.
 * "A025", style 'number' -> ['a', 'hai', 'mươi', 'lăm'] ("A, hai mươi lăm");
 * style 'digits' -> ['a', 'không', 'hai', 'năm'] ("A, không, hai, năm").
 * @throws Error for a malformed ticket number; RangeError when style 'number' exceeds 99,999.
 */
export function readTicketVi(ticketNumber: string, opts: ViTicketOptions): string[] {
  const { letter, digits } = parseTicketNumber(ticketNumber);
  const words: string[] = letter === null ? [] : [letterName(VI_LETTER_NAMES, letter)];
  if (opts.style === 'digits') {
    for (const ch of digits) words.push(viDigit(Number(ch)));
  } else {
    words.push(...readNumberVi(ticketValue(digits), { dialect: opts.dialect }));
  }
  return words;
}

/**
 * Reads a ticket number in English: "A025" -> ['A', 'twenty', 'five'] (style 'number') or
 * ['A', 'zero', 'two', 'five'] (style 'digits').
 */
export function readTicketEn(ticketNumber: string, opts: EnTicketOptions): string[] {
  const { letter, digits } = parseTicketNumber(ticketNumber);
  const words: string[] = letter === null ? [] : [letterName(EN_LETTER_NAMES, letter)];
  if (opts.style === 'digits') {
    for (const ch of digits) words.push(enOnes(Number(ch)));
  } else {
    words.push(...readNumberEn(ticketValue(digits)));
  }
  return words;
}
