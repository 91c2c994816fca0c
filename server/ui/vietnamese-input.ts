/**
 * The editing rules of the on-screen Vietnamese keyboard, pure and framework-free (unit-tested in
 * test/unit/vietnamese-keyboard.test.ts).
 *
 * Letters with a shape mark (ă â đ ê ô ơ ư) are typed as keys of their own. A tone key (sắc, huyền,
 * hỏi, ngã, nặng) puts its tone on the vowel of the word just typed that carries it in written
 * Vietnamese: "mua" + sắc is "múa", "hoang" + huyền is "hoàng", "nguoi"-style words with ư/ơ take it
 * on the marked vowel ("người"). The same tone again takes it off; another tone replaces it. When
 * more letters follow (or one is deleted), the tone moves to where it belongs ("hóa" + "n" is
 * "hoán"). Every edit works on the text before the caret; the text after it is never touched.
 */

export type Tone = 'sac' | 'huyen' | 'hoi' | 'nga' | 'nang';
export const TONES: readonly Tone[] = ['sac', 'huyen', 'hoi', 'nga', 'nang'];

/**
 * Where a tone goes on "oa", "oe", "uy" at the end of a word: 'classic' (hòa, khỏe, thủy), what
 * most Vietnamese input methods do by default, or 'modern' (hoà, khoẻ, thuỷ).
 */
export type ToneStyle = 'classic' | 'modern';

/** The combining marks of the tones (Unicode), in the order of TONES. */
const TONE_MARKS: Record<Tone, string> = {
  sac: '\u0301',
  huyen: '\u0300',
  hoi: '\u0309',
  nga: '\u0303',
  nang: '\u0323',
};
const MARK_TONES = new Map<string, Tone>(TONES.map((tone) => [TONE_MARKS[tone], tone]));

/** Shape marks: circumflex (â ê ô), breve (ă), horn (ơ ư). */
const SHAPE_MARKS = new Set(['\u0302', '\u0306', '\u031B']);
const PLAIN_VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

interface Letter {
  /** The base letter as typed (case kept), without marks; đ stays đ. */
  base: string;
  /** Its shape mark, if any. */
  shape: string;
  tone: Tone | null;
}

function splitLetter(ch: string): Letter {
  const decomposed = ch.normalize('NFD');
  let base = '';
  let shape = '';
  let tone: Tone | null = null;
  for (const c of decomposed) {
    const t = MARK_TONES.get(c);
    if (t) tone = t;
    else if (SHAPE_MARKS.has(c)) shape = c;
    else base += c;
  }
  return { base, shape, tone };
}

function joinLetter(letter: Letter): string {
  return (letter.base + letter.shape + (letter.tone ? TONE_MARKS[letter.tone] : '')).normalize('NFC');
}

function isVowel(letter: Letter): boolean {
  return PLAIN_VOWELS.has(letter.base.toLowerCase());
}

/** A letter of Vietnamese (or of the Latin alphabet) with any marks: what a word is made of. */
export function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch.normalize('NFC'));
}

/** The tone a character carries, or null. */
export function toneOf(ch: string): Tone | null {
  return splitLetter(ch).tone;
}

/** The character without its tone (keeps ă â ê ô ơ ư and the case). */
export function withoutTone(ch: string): string {
  const letter = splitLetter(ch);
  return letter.tone ? joinLetter({ ...letter, tone: null }) : ch;
}

/** The text without any tone (a search key, a comparison). */
export function stripTones(text: string): string {
  return [...text.normalize('NFC')].map(withoutTone).join('');
}

/**
 * Which letter of a word (an array of single letters without tones) carries the tone, or -1 when
 * it has no vowel. The rules of Vietnamese spelling:
 * - "qu" and "gi" before another vowel are consonants (quý, giá; but gì);
 * - a vowel with a shape mark takes it, the last one if two ("người", "thuở", "tiếng");
 * - otherwise one vowel takes it; two or three followed by a consonant: the last (hoàng, tuýt);
 *   three at the end: the middle (ngoài, khuỷu); two at the end: the first (mùa, tài), except
 *   oa/oe/uy in the modern style (hoà).
 */
export function tonePosition(word: readonly string[], style: ToneStyle = 'classic'): number {
  const letters = word.map(splitLetter);
  let end = -1;
  for (let i = letters.length - 1; i >= 0; i--)
    if (isVowel(letters[i]!)) {
      end = i;
      break;
    }
  if (end < 0) return -1;
  let start = end;
  while (start > 0 && isVowel(letters[start - 1]!)) start -= 1;
  const lower = (i: number) => letters[i]?.base.toLowerCase() ?? '';
  if (end > start) {
    const before = lower(start - 1);
    const first = lower(start);
    if ((before === 'q' && first === 'u' && !letters[start]!.shape) || (before === 'g' && first === 'i')) start += 1;
  }
  for (let i = end; i >= start; i--) if (letters[i]!.shape) return i;
  const size = end - start + 1;
  if (size === 1) return start;
  const closed = end < letters.length - 1;
  if (closed) return end;
  if (size >= 3) return start + 1;
  const pair = lower(start) + lower(end);
  if (style === 'modern' && (pair === 'oa' || pair === 'oe' || pair === 'uy')) return end;
  return start;
}

/** Where the last word before the caret begins (letters only). */
function lastWordStart(chars: readonly string[]): number {
  let start = chars.length;
  while (start > 0 && isLetter(chars[start - 1]!)) start -= 1;
  return start;
}

/** Puts `tone` (or none) on the right letter of a word given as letters. */
function placeTone(word: string[], tone: Tone | null, style: ToneStyle): string[] {
  const bare = word.map(withoutTone);
  if (!tone) return bare;
  const at = tonePosition(bare, style);
  if (at < 0) return bare;
  bare[at] = joinLetter({ ...splitLetter(bare[at]!), tone });
  return bare;
}

/** The tone the last word carries now, if any. */
function wordTone(word: readonly string[]): Tone | null {
  for (const ch of word) {
    const tone = toneOf(ch);
    if (tone) return tone;
  }
  return null;
}

/** Re-places the tone of the last word of `before` (after a letter was added or taken away). */
function settle(chars: string[], style: ToneStyle): string {
  const start = lastWordStart(chars);
  const word = chars.slice(start);
  const tone = wordTone(word);
  if (!tone) return chars.join('');
  return [...chars.slice(0, start), ...placeTone(word, tone, style)].join('');
}

/**
 * A tone key pressed: the text before the caret with the tone on its last word. The same tone again
 * takes it off; a word without a vowel (or no word) is left as it is.
 */
export function applyTone(before: string, tone: Tone, style: ToneStyle = 'classic'): string {
  const chars = [...before.normalize('NFC')];
  const start = lastWordStart(chars);
  const word = chars.slice(start);
  if (word.length === 0 || tonePosition(word.map(withoutTone), style) < 0) return chars.join('');
  const next = wordTone(word) === tone ? null : tone;
  return [...chars.slice(0, start), ...placeTone(word, next, style)].join('');
}

/** A character key pressed: the text before the caret with it added, the tone moved if it must. */
export function typeCharacter(before: string, ch: string, style: ToneStyle = 'classic'): string {
  const chars = [...before.normalize('NFC'), ...ch.normalize('NFC')];
  return isLetter(ch) ? settle(chars, style) : chars.join('');
}

/** Backspace: the text before the caret less its last character, the tone moved if it must. */
export function deleteBackward(before: string, style: ToneStyle = 'classic'): string {
  const chars = [...before.normalize('NFC')];
  if (chars.length === 0) return '';
  chars.pop();
  return settle(chars, style);
}
