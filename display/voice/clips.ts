/**
 * Voice clips for the wall display and the exact clip sequence of a call.
 *
 * Pure and browser-safe (no node:* imports). Audio is played from pre-recorded clips, one per
 * word or phrase, stored as `<clip id>.wav` in one folder. Placeholder clips are made with
 * espeak-ng by ./generate-clips; a folder of human recordings with the same file names replaces
 * them as is.
 *
 * Clip id scheme: lowercase ASCII `[a-z0-9-]`, `<lang>-<kind>-<name>`, or `chime`.
 *
 * | kind                 | id                     | name                                         |
 * |----------------------|------------------------|----------------------------------------------|
 * | chime                | `chime`                | the ding-dong before every call              |
 * | Vietnamese number    | `vi-so-<telex>`        | the word in Telex (below)                    |
 * | Vietnamese letter    | `vi-chu-<letter>`      | the prefix letter, Đ = `dd` (`vi-chu-dd`)    |
 * | Vietnamese phrase    | `vi-cau-<name>`        | a fixed name, see CLIPS                      |
 * | English number word  | `en-num-<word>`        | the word (`en-num-twenty`)                   |
 * | English letter       | `en-letter-<letter>`   | the prefix letter, Đ = `dd`                  |
 * | English phrase       | `en-phrase-<name>`     | a fixed name, see CLIPS                      |
 *
 * Telex is the ASCII typing scheme every Vietnamese keyboard user knows, and it keeps every mark,
 * so words that differ only by a mark never share an id: â=aa, ă=aw, ê=ee, ô=oo, ơ=ow, ư=uw,
 * đ=dd, and the tone letter goes last: s sắc, f huyền, r hỏi, x ngã, j nặng (none for ngang).
 * một `vi-so-mootj` / mốt `vi-so-moots`; mười `vi-so-muwowif` / mươi `vi-so-muwowi`;
 * năm `vi-so-nawm` / lăm `vi-so-lawm`; linh `vi-so-linh` / lẻ `vi-so-ler`;
 * nghìn `vi-so-nghinf` / ngàn `vi-so-nganf`; không `vi-so-khoong`.
 *
 * Sequence of a call: chime, then the Vietnamese call `repeat` times, then (optionally) English once.
 *   kinh-moi: vi-cau-kinh-moi <ticket> vi-cau-den-quay-so <counter>
 *   xin-moi:  vi-cau-xin-moi  <ticket> vi-cau-den-quay-so <counter>
 *   English:  en-phrase-ticket-number <ticket> en-phrase-please-proceed-to-counter <counter>
 * The ticket is read per `style` (number or digit by digit); the counter always as a number.
 *
 * A call is never silent: a number beyond what ./number-reading reads (0..MAX_READABLE_NUMBER;
 * the hub never issues one, but a corrupt or foreign number may come) is read digit by digit,
 * after its letter if it has one, and a warning goes to the console. Only a ticket or counter
 * that is not a letter and digits at all (nothing to read) throws.
 */

import {
  EN_LETTER_NAMES,
  EN_NUMBER_WORDS,
  MAX_READABLE_NUMBER,
  VI_DIGIT_WORDS,
  VI_LETTER_NAMES,
  parseTicketNumber,
  readNumberEn,
  readNumberVi,
  type Dialect,
  type TicketStyle,
  type ViNumberWord,
} from './number-reading';

export type ClipLang = 'vi' | 'en';
export type ClipKind = 'chime' | 'phrase' | 'number' | 'letter';

export interface Clip {
  id: string;
  lang: ClipLang;
  /** What the clip says (for the chime: a description, it is a tone, not speech). */
  text: string;
  kind: ClipKind;
}

export type CallTemplate = 'kinh-moi' | 'xin-moi';

export interface VoiceSettings {
  dialect: Dialect;
  /** How the ticket number is read: as a number or digit by digit. */
  style: TicketStyle;
  /** How many times the Vietnamese call is said (1..10). */
  repeat: number;
  /** Add the English call once after the Vietnamese ones. */
  english: boolean;
  template: CallTemplate;
}

export const DEFAULT_VOICE_SETTINGS: Readonly<VoiceSettings> = {
  dialect: 'north',
  style: 'number',
  repeat: 2,
  english: false,
  template: 'kinh-moi',
};

export const MAX_REPEAT = 10;

export interface CallToAnnounce {
  /** "A025", "1015". */
  ticketNumber: string;
  /** 3, "3", or "B2"; always read as a number. */
  counterNumber: number | string;
}

export const CHIME_CLIP_ID = 'chime';

export const PHRASE_CLIP_IDS = {
  kinhMoi: 'vi-cau-kinh-moi',
  xinMoi: 'vi-cau-xin-moi',
  denQuaySo: 'vi-cau-den-quay-so',
  ticketNumber: 'en-phrase-ticket-number',
  proceedToCounter: 'en-phrase-please-proceed-to-counter',
} as const;

/** Vietnamese number words and their ids, written out (see the Telex scheme above). */
export const VI_NUMBER_CLIP_IDS: Readonly<Record<ViNumberWord, string>> = {
  không: 'vi-so-khoong',
  một: 'vi-so-mootj',
  hai: 'vi-so-hai',
  ba: 'vi-so-ba',
  bốn: 'vi-so-boons',
  năm: 'vi-so-nawm',
  sáu: 'vi-so-saus',
  bảy: 'vi-so-bayr',
  tám: 'vi-so-tams',
  chín: 'vi-so-chins',
  mốt: 'vi-so-moots',
  tư: 'vi-so-tuw',
  lăm: 'vi-so-lawm',
  mười: 'vi-so-muwowif',
  mươi: 'vi-so-muwowi',
  trăm: 'vi-so-trawm',
  linh: 'vi-so-linh',
  lẻ: 'vi-so-ler',
  nghìn: 'vi-so-nghinf',
  ngàn: 'vi-so-nganf',
};

function letterIdPart(letter: string): string {
  return letter === 'Đ' ? 'dd' : letter.toLowerCase();
}

export function viLetterClipId(letter: string): string {
  if (VI_LETTER_NAMES[letter] === undefined) throw new Error(`No clip for letter ${letter}`);
  return `vi-chu-${letterIdPart(letter)}`;
}

export function enLetterClipId(letter: string): string {
  if (EN_LETTER_NAMES[letter] === undefined) throw new Error(`No clip for letter ${letter}`);
  return `en-letter-${letterIdPart(letter)}`;
}

export function enNumberClipId(word: string): string {
  if (!(EN_NUMBER_WORDS as readonly string[]).includes(word)) {
    throw new Error(`No clip for English word ${word}`);
  }
  return `en-num-${word}`;
}

/** Every clip the display may play, each id once. */
export const CLIPS: ReadonlyArray<Clip> = [
  { id: CHIME_CLIP_ID, lang: 'vi', text: 'chime (tone)', kind: 'chime' },
  { id: PHRASE_CLIP_IDS.kinhMoi, lang: 'vi', text: 'Kính mời công dân có số thứ tự', kind: 'phrase' },
  { id: PHRASE_CLIP_IDS.xinMoi, lang: 'vi', text: 'Xin mời số thứ tự', kind: 'phrase' },
  { id: PHRASE_CLIP_IDS.denQuaySo, lang: 'vi', text: 'đến quầy số', kind: 'phrase' },
  ...Object.entries(VI_NUMBER_CLIP_IDS).map(
    ([text, id]): Clip => ({ id, lang: 'vi', text, kind: 'number' }),
  ),
  ...Object.entries(VI_LETTER_NAMES).map(
    ([letter, text]): Clip => ({ id: viLetterClipId(letter), lang: 'vi', text, kind: 'letter' }),
  ),
  { id: PHRASE_CLIP_IDS.ticketNumber, lang: 'en', text: 'Ticket number', kind: 'phrase' },
  {
    id: PHRASE_CLIP_IDS.proceedToCounter,
    lang: 'en',
    text: 'please proceed to counter',
    kind: 'phrase',
  },
  ...EN_NUMBER_WORDS.map((word): Clip => ({ id: enNumberClipId(word), lang: 'en', text: word, kind: 'number' })),
  ...Object.entries(EN_LETTER_NAMES).map(
    ([letter, text]): Clip => ({ id: enLetterClipId(letter), lang: 'en', text, kind: 'letter' }),
  ),
];

export const CLIP_BY_ID: ReadonlyMap<string, Clip> = new Map(CLIPS.map((clip) => [clip.id, clip]));

/** Fills in defaults (undefined counts as missing) and checks `repeat`. */
export function resolveVoiceSettings(settings: Partial<VoiceSettings> = {}): VoiceSettings {
  const resolved: VoiceSettings = {
    dialect: settings.dialect ?? DEFAULT_VOICE_SETTINGS.dialect,
    style: settings.style ?? DEFAULT_VOICE_SETTINGS.style,
    repeat: settings.repeat ?? DEFAULT_VOICE_SETTINGS.repeat,
    english: settings.english ?? DEFAULT_VOICE_SETTINGS.english,
    template: settings.template ?? DEFAULT_VOICE_SETTINGS.template,
  };
  if (!Number.isInteger(resolved.repeat) || resolved.repeat < 1 || resolved.repeat > MAX_REPEAT) {
    throw new RangeError(`repeat must be an integer 1..${MAX_REPEAT}, got ${resolved.repeat}`);
  }
  return resolved;
}

function viNumberWordIds(words: readonly ViNumberWord[]): string[] {
  return words.map((word) => VI_NUMBER_CLIP_IDS[word]);
}

function viDigitIds(digits: string): string[] {
  return [...digits].map((ch) => {
    const word = VI_DIGIT_WORDS[Number(ch)];
    if (word === undefined) throw new Error(`Not a digit: ${ch}`);
    return VI_NUMBER_CLIP_IDS[word];
  });
}

function enDigitIds(digits: string): string[] {
  return [...digits].map((ch) => enNumberClipId(readNumberEn(Number(ch))[0] ?? ''));
}

/** Splits a counter into letter + digits: 3, "3", "03", "B2". */
function parseCounter(counterNumber: number | string): { letter: string | null; digits: string } {
  if (typeof counterNumber === 'string') return parseTicketNumber(counterNumber);
  if (!Number.isSafeInteger(counterNumber) || counterNumber < 0) {
    throw new RangeError(`Invalid counter number ${String(counterNumber)}: expected a whole number`);
  }
  return { letter: null, digits: String(counterNumber) };
}

/**
 * The value of `digits` to read as a number, or null when it is beyond the readings (then it is
 * read digit by digit, with a warning, so that the call is not silent).
 */
function readableValue(digits: string, what: string): number | null {
  const value = Number.parseInt(digits, 10);
  if (Number.isInteger(value) && value >= 0 && value <= MAX_READABLE_NUMBER) return value;
  console.warn(
    `Voice: ${what} cannot be read as a number (only 0..${MAX_READABLE_NUMBER}); reading it digit by digit`,
  );
  return null;
}

/** Vietnamese clip ids of a letter (if any) and digits, read as a number or digit by digit. */
function viNumberClipIds(
  parsed: { letter: string | null; digits: string },
  opts: { dialect: Dialect; style: TicketStyle },
  what: string,
): string[] {
  const ids = parsed.letter === null ? [] : [viLetterClipId(parsed.letter)];
  const value = opts.style === 'number' ? readableValue(parsed.digits, what) : null;
  if (value === null) ids.push(...viDigitIds(parsed.digits));
  else ids.push(...viNumberWordIds(readNumberVi(value, opts)));
  return ids;
}

/** English clip ids of a letter (if any) and digits, read as a number or digit by digit. */
function enNumberClipIds(
  parsed: { letter: string | null; digits: string },
  opts: { style: TicketStyle },
  what: string,
): string[] {
  const ids = parsed.letter === null ? [] : [enLetterClipId(parsed.letter)];
  const value = opts.style === 'number' ? readableValue(parsed.digits, what) : null;
  if (value === null) ids.push(...enDigitIds(parsed.digits));
  else ids.push(...readNumberEn(value).map(enNumberClipId));
  return ids;
}

/**
 * Clip ids of a ticket number in Vietnamese. A number beyond MAX_READABLE_NUMBER is read digit by
 * digit (with a console warning). @throws Error for a ticket that is not a letter and digits.
 */
export function viTicketClipIds(ticketNumber: string, opts: { dialect: Dialect; style: TicketStyle }): string[] {
  return viNumberClipIds(parseTicketNumber(ticketNumber), opts, `ticket ${ticketNumber}`);
}

/**
 * Clip ids of a ticket number in English. A number beyond MAX_READABLE_NUMBER is read digit by
 * digit (with a console warning). @throws Error for a ticket that is not a letter and digits.
 */
export function enTicketClipIds(ticketNumber: string, opts: { style: TicketStyle }): string[] {
  return enNumberClipIds(parseTicketNumber(ticketNumber), opts, `ticket ${ticketNumber}`);
}

function viCounterClipIds(counterNumber: number | string, dialect: Dialect): string[] {
  return viNumberClipIds(parseCounter(counterNumber), { dialect, style: 'number' }, `counter ${counterNumber}`);
}

function enCounterClipIds(counterNumber: number | string): string[] {
  return enNumberClipIds(parseCounter(counterNumber), { style: 'number' }, `counter ${counterNumber}`);
}

/**
 * The exact clip ids to play for a call, in order: chime, the Vietnamese call `repeat` times,
 * then the English call once when `english` is on. Missing settings take DEFAULT_VOICE_SETTINGS.
 * A ticket or counter number beyond MAX_READABLE_NUMBER is read digit by digit (see above).
 * @throws Error for a malformed ticket/counter (not a letter and digits, a negative or fractional
 * counter), RangeError for a bad repeat.
 */
export function callClipSequence(
  call: CallToAnnounce,
  settings: Partial<VoiceSettings> = {},
): string[] {
  const s = resolveVoiceSettings(settings);
  const vietnamese = [
    s.template === 'xin-moi' ? PHRASE_CLIP_IDS.xinMoi : PHRASE_CLIP_IDS.kinhMoi,
    ...viTicketClipIds(call.ticketNumber, { dialect: s.dialect, style: s.style }),
    PHRASE_CLIP_IDS.denQuaySo,
    ...viCounterClipIds(call.counterNumber, s.dialect),
  ];
  const sequence = [CHIME_CLIP_ID];
  for (let i = 0; i < s.repeat; i++) sequence.push(...vietnamese);
  if (s.english) {
    sequence.push(
      PHRASE_CLIP_IDS.ticketNumber,
      ...enTicketClipIds(call.ticketNumber, { style: s.style }),
      PHRASE_CLIP_IDS.proceedToCounter,
      ...enCounterClipIds(call.counterNumber),
    );
  }
  return sequence;
}
