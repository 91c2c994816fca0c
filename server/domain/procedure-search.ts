import type { Procedure } from '../protocol/procedure-catalog';

/**
 * Search over the catalog of administrative procedures, as the kiosk and the phone run it while a
 * visitor types (issue 14). Pure and browser-safe: no I/O, no clock, no Node imports. Build the index
 * once per catalog (`buildProcedureIndex`), then `searchProcedures` on every keystroke.
 *
 * What a query goes through:
 * - Folding: NFC/NFD, tone and vowel marks removed, đ as d, lower case, anything but letters and
 *   digits a space; "đăng ký kết hôn", "dang ky ket hon" and "DANG KY KET HON" are the same words.
 *   "y" after consonants alone is "i" ("ký"/"kí", "lý"/"lí": both spellings are in use). "Thủ tục"
 *   (procedure) is dropped from names and queries: it says nothing about which one.
 * - Abbreviations of Vietnamese administration (ABBREVIATIONS, PHRASE_ABBREVIATIONS): "đkkd" is
 *   "đăng ký kinh doanh", "sổ đỏ" the land-use right certificate, on both sides (a procedure's text
 *   that says "UBND" is indexed as "ủy ban nhân dân").
 * - Small typos: a word of 4+ letters not in the catalog matches the catalog's words within one
 *   edit (Damerau: a letter wrong, missing, extra, or two swapped), 8+ letters within two; failing
 *   that, two words glued together ("khaisinh") are split.
 * - The last word, while it is being typed (the query does not end with a space), matches as a
 *   prefix ("khai si" finds "khai sinh").
 * - A code ("1.001193", "001193", or its first digits) finds that procedure first.
 *
 * Ranking: each query word scores its best match in a procedure, weighted by where (the name most,
 * then the field, the English name, then the documents and the result), by how well (the same
 * word, a typo, a prefix) and by how rare the word is in the catalog (idf); function words ("và",
 * "cho", "với") count a quarter. How much of the query matched counts most (squared), then how
 * much of the name the query covers (the plain procedure before its longer variants), words
 * adjacent in the query and in the name (more when the pair is rare among names), the name starting
 * with the query's first word, and marks typed that the name has exactly ("bán" over "bàn"). Ties
 * keep the catalog's order.
 */

export interface ProcedureSearchHit {
  code: string;
  score: number;
}

export interface ProcedureSearchOptions {
  /** At most this many hits (default 10). */
  limit?: number;
}

/** The index `searchProcedures` reads: build it once per catalog (it is not changed by searches). */
export interface ProcedureIndex {
  readonly size: number;
  readonly docs: readonly IndexedProcedure[];
  /** Folded word -> where it occurs. */
  readonly postings: ReadonlyMap<string, Posting>;
  /** Every folded word, sorted (prefix search), and by length (typo search). */
  readonly vocabulary: readonly string[];
  readonly byLength: ReadonlyMap<number, readonly string[]>;
  /** Lower-case word with its marks -> procedures whose name has it. */
  readonly markedInName: ReadonlyMap<string, ReadonlySet<number>>;
  /** Two folded words next to each other in a name ("khai tu") -> in how many names. */
  readonly nameBigrams: ReadonlyMap<string, number>;
}

interface IndexedProcedure {
  code: string;
  /** The code's digits before the dot ("1"), without the dot ("1001193") and after it ("001193"). */
  head: string;
  digits: string;
  tail: string;
  /** Distinct words in the name, after abbreviations are expanded. */
  nameWords: number;
}

interface Posting {
  docs: Int32Array;
  /** The best place the word has in that procedure (a FIELD_WEIGHT). */
  weights: Float32Array;
  /** Positions of the word in the name, as bits (bit 31: position 31 or later); 0: not in the name. */
  nameMasks: Uint32Array;
  idf: number;
}

// ------------------------------------------------------------------ folding

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const CONSONANTS_THEN_Y = /^[bcdghklmnpqrstvx]+y$/;

/** Text folded for matching: marks removed, đ as d, lower case, punctuation as spaces. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** One word of a text: folded (what is matched), with marks (a ranking hint), without marks but with đ (abbreviation keys). */
interface Word {
  folded: string;
  marked: string;
  keyed: string;
}

/** "ký"/"kí", "lý"/"lí", "mỹ"/"mĩ": one spelling. */
function normalizeFolded(word: string): string {
  return CONSONANTS_THEN_Y.test(word) ? word.slice(0, -1) + 'i' : word;
}

function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  // "translator's" is one word (the English names), not "translator" and "s".
  for (const match of text.normalize('NFC').toLowerCase().replace(/['’]/g, '').matchAll(WORD)) {
    const marked = match[0];
    const keyed = marked.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
    const folded = foldForSearch(marked);
    if (folded === '') continue;
    // A letter that folds to no a-z (ø, ß) splits the word: its pieces stay words.
    for (const piece of folded.split(' ')) out.push({ folded: normalizeFolded(piece), marked, keyed });
  }
  return out;
}

// ------------------------------------------------------------------ abbreviations

/**
 * Abbreviations of Vietnamese administration, as visitors type them and as procedures' texts print
 * them, and what they stand for. Kept small and explicit: no key is a Vietnamese syllable (tested),
 * so none of them hides a word someone meant; ambiguous ones ("ct": chứng thực or cư trú? "hn",
 * "tt") are left out. Keys are folded, except where đ tells two apart ("sđ" is sổ đỏ; "sd" is left
 * alone: sử dụng? số điện thoại?).
 */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  dk: 'đăng ký',
  dkkd: 'đăng ký kinh doanh',
  kd: 'kinh doanh',
  hkd: 'hộ kinh doanh',
  dn: 'doanh nghiệp',
  mst: 'mã số thuế',
  gcn: 'giấy chứng nhận',
  qsd: 'quyền sử dụng',
  qsdd: 'quyền sử dụng đất',
  gcnqsdd: 'giấy chứng nhận quyền sử dụng đất',
  'sđ': 'giấy chứng nhận quyền sử dụng đất',
  gp: 'giấy phép',
  gpxd: 'giấy phép xây dựng',
  xd: 'xây dựng',
  cccd: 'căn cước công dân',
  cmnd: 'chứng minh nhân dân',
  ks: 'khai sinh',
  kt: 'khai tử',
  hk: 'thường trú',
  xn: 'xác nhận',
  tthn: 'tình trạng hôn nhân',
  lltp: 'lý lịch tư pháp',
  bhyt: 'bảo hiểm y tế',
  bhxh: 'bảo hiểm xã hội',
  bhtn: 'bảo hiểm thất nghiệp',
  ubnd: 'ủy ban nhân dân',
  ldtbxh: 'lao động thương binh và xã hội',
  tbxh: 'thương binh và xã hội',
  kcb: 'khám chữa bệnh',
  bh: 'bảo hiểm',
};

/** Two-word names people use for papers ("sổ đỏ"), folded, and what they are. */
export const PHRASE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  'so do': 'giấy chứng nhận quyền sử dụng đất',
  'so hong': 'giấy chứng nhận quyền sử dụng đất quyền sở hữu nhà ở',
  /** A certified copy ("sao y bản chính"). */
  'sao y': 'chứng thực bản sao',
  /** The household book (sổ hộ khẩu) was replaced by the registration of permanent residence (Luật Cư trú 2020). */
  'ho khau': 'thường trú',
};

const abbreviationWords = new Map<string, Word[]>(Object.entries(ABBREVIATIONS).map(([k, v]) => [k, wordsOf(v)]));
const phraseWords = new Map<string, Word[]>(Object.entries(PHRASE_ABBREVIATIONS).map(([k, v]) => [k, wordsOf(v)]));

/** The same tables by folded key, for procedures' long texts (keys written with đ are left out: "sđ" is not "sd"). */
const foldedAbbreviations = new Map([...abbreviationWords].filter(([k]) => !k.includes('đ')).map(([k, v]) => [k, v.map((w) => w.folded)]));
const foldedPhrases = new Map([...phraseWords].map(([k, v]) => [k, v.map((w) => w.folded)]));

function abbreviationOf(word: Word): Word[] | undefined {
  return abbreviationWords.get(word.keyed) ?? abbreviationWords.get(word.folded);
}

/**
 * "Thủ tục" (procedure) says nothing about which one: many published names start with it and others
 * do not ("Thủ tục đăng ký khai sinh", "Đăng ký lại khai tử"), and visitors type it or not. Dropped
 * from names and queries alike.
 */
function withoutProcedureWord(words: Word[]): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i]!.folded === 'thu' && words[i + 1]?.folded === 'tuc') i += 1;
    else out.push(words[i]!);
  }
  return out;
}

/**
 * Abbreviations replaced by what they stand for (the words of a procedure, or of a query). `share`
 * is each word's part of what was typed: 1 for a word typed, 1/√k for each of the k words an
 * abbreviation stands for (one word typed weighs less than k typed words, more than one).
 */
function expandAbbreviations(words: Word[]): { words: Word[]; share: number[] } {
  const out: Word[] = [];
  const share: number[] = [];
  const push = (list: Word[]) => {
    for (const w of list) (out.push(w), share.push(1 / Math.sqrt(list.length)));
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = words[i + 1];
    const phrase = next ? phraseWords.get(`${word.folded} ${next.folded}`) : undefined;
    if (phrase) {
      push(phrase);
      i += 1;
      continue;
    }
    const full = abbreviationOf(word);
    if (full) push(full);
    else (out.push(word), share.push(1));
  }
  return { words: out, share };
}

// ------------------------------------------------------------------ the index

/** Where a word is in a procedure: the name weighs most. */
const FIELD_WEIGHT = { name: 1, field: 0.45, nameEn: 0.4, documents: 0.2, result: 0.2 } as const;
const MASK_POSITIONS = 32;
/**
 * The share of the name a query covers counts its distinct words, up to this many: a long legal
 * name (lists of cases, of documents) is not pushed down for its length beyond it.
 */
const NAME_COVER_WORDS = 12;

/**
 * The words of a text that is matched but not shown as a name (field, documents, result): folded
 * as a whole (faster than word by word: documents are long), abbreviations expanded by their
 * folded keys.
 */
function foldedWordsOf(text: string): string[] {
  const raw = foldForSearch(text.replace(/['’]/g, '')).split(' ').filter((w) => w !== '').map(normalizeFolded);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const phrase = i + 1 < raw.length ? foldedPhrases.get(`${raw[i]} ${raw[i + 1]}`) : undefined;
    if (phrase) {
      out.push(...phrase);
      i += 1;
      continue;
    }
    const full = foldedAbbreviations.get(raw[i]!);
    if (full) out.push(...full);
    else out.push(raw[i]!);
  }
  return out;
}

/** The index over a catalog: build it once per catalog. */
export function buildProcedureIndex(procedures: readonly Pick<Procedure, 'code' | 'name' | 'field' | 'nameEn' | 'documents' | 'result'>[]): ProcedureIndex {
  const docs: IndexedProcedure[] = [];
  const markedInName = new Map<string, Set<number>>();
  const nameBigrams = new Map<string, number>();
  // Every word gets a number; a procedure's words are gathered in arrays by number.
  const ids = new Map<string, number>();
  const words: string[] = [];
  const postingDocs: number[][] = [];
  const postingWeights: number[][] = [];
  const postingMasks: number[][] = [];
  const idOf = (word: string) => {
    let id = ids.get(word);
    if (id === undefined) {
      id = words.length;
      ids.set(word, id);
      words.push(word);
      postingDocs.push([]);
      postingWeights.push([]);
      postingMasks.push([]);
    }
    return id;
  };
  // Documents repeat across procedures ("Tờ khai ...", "Bản sao ..."): each text folded once.
  const textIds = new Map<string, number[]>();
  let weight = new Float64Array(1024);
  let mask = new Uint32Array(1024);
  const inDoc: number[] = [];
  const add = (id: number, w: number, position: number | null) => {
    if (id >= weight.length) {
      const grown = new Float64Array(weight.length * 2);
      grown.set(weight);
      weight = grown;
      const grownMask = new Uint32Array(mask.length * 2);
      grownMask.set(mask);
      mask = grownMask;
    }
    if (weight[id] === 0) inDoc.push(id);
    if (w > weight[id]!) weight[id] = w;
    if (position !== null) mask[id]! |= 1 << Math.min(position, MASK_POSITIONS - 1);
  };
  const addText = (text: string | null | undefined, w: number) => {
    if (!text) return;
    let list = textIds.get(text);
    if (!list) {
      list = [...new Set(foldedWordsOf(text))].map(idOf);
      textIds.set(text, list);
    }
    for (const id of list) add(id, w, null);
  };

  procedures.forEach((p, docIndex) => {
    const [head = '', tail = ''] = p.code.split('.');
    const name = withoutProcedureWord(expandAbbreviations(wordsOf(p.name)).words);
    name.forEach((w, position) => {
      add(idOf(w.folded), FIELD_WEIGHT.name, position);
      const set = markedInName.get(w.marked) ?? new Set<number>();
      set.add(docIndex);
      markedInName.set(w.marked, set);
    });
    const bigrams = new Set<string>();
    for (let i = 1; i < name.length; i++) bigrams.add(`${name[i - 1]!.folded} ${name[i]!.folded}`);
    for (const b of bigrams) nameBigrams.set(b, (nameBigrams.get(b) ?? 0) + 1);
    addText(p.field, FIELD_WEIGHT.field);
    addText(p.nameEn, FIELD_WEIGHT.nameEn);
    for (const d of p.documents) {
      addText(d.name, FIELD_WEIGHT.documents);
      addText(d.form?.name, FIELD_WEIGHT.documents);
    }
    addText(p.result, FIELD_WEIGHT.result);
    for (const id of inDoc) {
      postingDocs[id]!.push(docIndex);
      postingWeights[id]!.push(weight[id]!);
      postingMasks[id]!.push(mask[id]! >>> 0);
      weight[id] = 0;
      mask[id] = 0;
    }
    inDoc.length = 0;
    docs.push({ code: p.code, head, digits: head + tail, tail, nameWords: Math.max(1, new Set(name.map((w) => w.folded)).size) });
  });

  const size = docs.length;
  const postings = new Map<string, Posting>();
  words.forEach((word, id) => {
    postings.set(word, {
      docs: Int32Array.from(postingDocs[id]!),
      weights: Float32Array.from(postingWeights[id]!),
      nameMasks: Uint32Array.from(postingMasks[id]!),
      idf: Math.log(1 + size / postingDocs[id]!.length),
    });
  });
  const vocabulary = [...words].sort();
  const byLength = new Map<number, string[]>();
  for (const word of vocabulary) {
    const list = byLength.get(word.length) ?? [];
    list.push(word);
    byLength.set(word.length, list);
  }
  return { size, docs, postings, vocabulary, byLength, markedInName, nameBigrams };
}

// ------------------------------------------------------------------ matching words

/** A catalog word a query word matches, and how well (1: the same word). */
interface Candidate {
  word: string;
  quality: number;
}

const QUALITY = { typo1: 0.7, typo2: 0.5, glued: 0.9 } as const;

/**
 * Function words ("và", "của", "cho", "với", ...): typed, they count a quarter of a word, so a
 * longer name that happens to have them does not beat the one the visitor means ("kết hôn với người
 * nước ngoài"). Not dropped: "tặng cho" and "cho thuê" still match better with them. Left out on
 * purpose are folded forms that are also content words: "doi" (đổi), "tu" (tử), "do" (đỏ), "o" (ở),
 * "de" (đề), "ma" (mã), "co" (cơ).
 */
const FUNCTION_WORDS = new Set(['va', 'cua', 'cho', 'voi', 'cac', 'nhung', 'trong', 'theo', 've', 'la', 'duoc', 'tai', 'thi', 'hoac', 'da', 'nay', 'khi', 'neu', 'bi', 'boi', 'mot']);
const FUNCTION_WORD_WEIGHT = 0.25;
const MAX_QUERY_CHARS = 200;
const MAX_TERMS = 16;
const MAX_WORD_CHARS = 40;

/** Rows of the edit distance, reused (words are short: MAX_WORD_CHARS). */
const rows = [new Int32Array(MAX_WORD_CHARS + 3), new Int32Array(MAX_WORD_CHARS + 3), new Int32Array(MAX_WORD_CHARS + 3)] as const;

/** Optimal string alignment distance (Damerau: adjacent swaps count one), or max + 1 once it is more than `max`. */
export function editDistanceWithin(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length > MAX_WORD_CHARS || b.length > MAX_WORD_CHARS) return a === b ? 0 : max + 1;
  const n = b.length;
  let [before, previous, current] = rows;
  for (let j = 0; j <= n; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj && before[j - 2]! + 1 < v) v = before[j - 2]! + 1;
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[n]!;
}

function typoCandidates(index: ProcedureIndex, word: string): Candidate[] {
  if (word.length < 4) return [];
  const max = word.length >= 8 ? 2 : 1;
  const out: Candidate[] = [];
  for (let length = word.length - max; length <= word.length + max; length++) {
    for (const other of index.byLength.get(length) ?? []) {
      const d = editDistanceWithin(word, other, max);
      if (d <= max) out.push({ word: other, quality: d === 1 ? QUALITY.typo1 : QUALITY.typo2 });
    }
  }
  return out;
}

function prefixCandidates(index: ProcedureIndex, prefix: string): Candidate[] {
  const vocabulary = index.vocabulary;
  let low = 0;
  let high = vocabulary.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (vocabulary[mid]! < prefix) low = mid + 1;
    else high = mid;
  }
  const out: Candidate[] = [];
  for (let i = low; i < vocabulary.length && vocabulary[i]!.startsWith(prefix); i++) {
    const word = vocabulary[i]!;
    // A complete word is the same word; a prefix counts more the more of the word it is.
    out.push({ word, quality: word === prefix ? 1 : 0.3 + 0.6 * (prefix.length / word.length) });
  }
  return out;
}

/** "khaisinh" -> "khai" "sinh" when both are catalog words (the second a prefix when still typed). */
function gluedSplit(index: ProcedureIndex, word: string, open: boolean): [string, string] | null {
  let best: [string, string] | null = null;
  for (let cut = 2; cut <= word.length - 2; cut++) {
    const left = normalizeFolded(word.slice(0, cut));
    const right = normalizeFolded(word.slice(cut));
    if (!index.postings.has(left)) continue;
    const rightKnown = index.postings.has(right) || (open && prefixCandidates(index, right).length > 0);
    // The most even split: "dangki" is "dang ki", not "d angki".
    if (rightKnown && (!best || Math.min(left.length, right.length) > Math.min(best[0].length, best[1].length))) best = [left, right];
  }
  return best;
}

interface Term {
  /** What the term is in the query, folded. */
  text: string;
  /** Typed with marks: the word as typed (a ranking hint). */
  marked: string | null;
  candidates: Candidate[];
  /**
   * Still being typed: its completions count by how rare the typed prefix is (the procedures any
   * completion is in), not by how rare each completion is ("xay d" is "xay dung", not the rarest
   * word starting with d).
   */
  prefix: boolean;
}
function termsOf(index: ProcedureIndex, query: string): Term[] {
  const open = !/[\s.,;:!?)\]-]$/.test(query);
  const raw = wordsOf(query.replace(/\d+(?:\.\d+)?/g, ' ')).filter((w) => w.folded.length <= MAX_WORD_CHARS);
  const { words, share } = expandAbbreviations(withoutProcedureWord(raw));
  const terms: Term[] = [];
  const add = (text: string, marked: string | null, candidates: Candidate[], weight: number, prefix = false) =>
    terms.push({ text, marked, prefix, candidates: weight === 1 ? candidates : candidates.map((c) => ({ word: c.word, quality: c.quality * weight })) });
  for (let i = 0; i < words.length && terms.length < MAX_TERMS; i++) {
    const word = words[i]!;
    const typed = share[i] === 1;
    // The last word is still being typed unless a space or punctuation follows it (not an expansion's).
    const isOpen = open && typed && i === words.length - 1;
    const marked = typed && word.marked !== foldForSearch(word.marked) ? word.marked : null;
    if (isOpen) {
      const prefixed = prefixCandidates(index, word.folded);
      if (prefixed.length > 0) {
        add(word.folded, marked, prefixed, 1, true);
        continue;
      }
    } else if (index.postings.has(word.folded)) {
      add(word.folded, marked, [{ word: word.folded, quality: 1 }], share[i]! * (FUNCTION_WORDS.has(word.folded) ? FUNCTION_WORD_WEIGHT : 1));
      continue;
    }
    const typos = typoCandidates(index, word.folded);
    // A typo first ("sibh" is "sinh", not "si" + "bh"), else two words glued together.
    if (typos.length === 0 && typed && word.folded.length >= 4) {
      const split = gluedSplit(index, word.folded, isOpen);
      if (split) {
        add(split[0], null, [{ word: split[0], quality: QUALITY.glued }], 1);
        add(split[1], null, isOpen ? prefixCandidates(index, split[1]) : [{ word: split[1], quality: 1 }], QUALITY.glued, isOpen);
        continue;
      }
    }
    add(word.folded, marked, typos, share[i]!);
  }
  return terms;
}

// ------------------------------------------------------------------ codes

/** Procedures whose code the query's digits are: the whole code, the digits after the dot, or their start. */
function codeScores(index: ProcedureIndex, query: string): Map<number, number> {
  const scores = new Map<number, number>();
  for (const match of query.matchAll(/(\d{1,2})\.(\d{1,6})|\d{3,7}/g)) {
    const whole = match[1] !== undefined ? match[1] + match[2] : match[0];
    const afterDot = match[2] ?? match[0];
    index.docs.forEach((doc, i) => {
      let score = 0;
      if (match[1] !== undefined) {
        if (doc.head === match[1] && doc.tail === match[2]) score = 1000;
        else if (doc.head === match[1] && doc.tail.startsWith(afterDot)) score = 700 + afterDot.length;
      } else if (doc.digits === whole || doc.tail === whole) score = 900;
      else if (doc.tail.startsWith(whole)) score = 700 + whole.length;
      else if (whole.length >= 4 && doc.digits.includes(whole)) score = 500 + whole.length;
      if (score > (scores.get(i) ?? 0)) scores.set(i, score);
    });
  }
  return scores;
}

// ------------------------------------------------------------------ scoring

const WEIGHTS = {
  /** Per pair of query words adjacent in the name too (times the pair's idf among names). */
  phrase: 0.35,
  /** The share of the name the query matched (the plain procedure before its longer variants). */
  nameCover: 2.5,
  /** Per word typed with marks that the name has with the same marks (times its idf). */
  marks: 0.08,
  /** Taken off per distinct word of the name: of two names that match alike, the shorter first. */
  perNameWord: 0.03,
  /** The query's first word is the name's first word (visitors type a name from its start). */
  nameStart: 0.5,
} as const;

/** Per-search work space, grown to the largest catalog and query seen, cleared after each search (searches are synchronous). */
const scratch = { best: new Float64Array(0), masks: new Uint32Array(0), touched: new Uint8Array(0), stamp: new Uint32Array(0), stamped: 0 };

function workSpace(cells: number, docs: number): typeof scratch {
  if (scratch.best.length < cells) {
    scratch.best = new Float64Array(cells);
    scratch.masks = new Uint32Array(cells);
  }
  if (scratch.touched.length < docs) {
    scratch.touched = new Uint8Array(docs);
    scratch.stamp = new Uint32Array(docs);
    scratch.stamped = 0;
  }
  return scratch;
}

/**
 * The procedures that match the query, best first. Never throws on what a person can type; an
 * empty or meaningless query finds nothing.
 */
export function searchProcedures(index: ProcedureIndex, query: string, options: ProcedureSearchOptions = {}): ProcedureSearchHit[] {
  const limit = Math.min(index.size, Math.max(0, Math.floor(options.limit ?? 10)));
  if (typeof query !== 'string' || !(limit > 0)) return [];
  const text = query.slice(0, MAX_QUERY_CHARS);
  const codes = /\d{3}/.test(text) ? codeScores(index, text) : new Map<number, number>();
  const terms = termsOf(index, text);
  const n = index.size;
  const t = terms.length;

  // The best score of every term in every procedure (term-major), and the name positions it matched.
  const space = workSpace(t * n, n);
  const { best, masks, touched, stamp } = space;
  const candidates: number[] = [];
  const importance = new Float64Array(t);
  for (let ti = 0; ti < t; ti++) {
    const row = ti * n;
    const term = terms[ti]!;
    let prefixIdf = 0;
    if (term.prefix) {
      // How many procedures any completion is in (stamps instead of clearing a set).
      const mark = ++space.stamped;
      let union = 0;
      for (const c of term.candidates) {
        const docs = index.postings.get(c.word)?.docs ?? [];
        for (let k = 0; k < docs.length; k++)
          if (stamp[docs[k]!] !== mark) {
            stamp[docs[k]!] = mark;
            union++;
          }
      }
      prefixIdf = union > 0 ? Math.log(1 + n / union) : 0;
    }
    for (const c of term.candidates) {
      const posting = index.postings.get(c.word);
      if (!posting) continue;
      const scale = c.quality * (term.prefix ? prefixIdf : posting.idf);
      if (scale > importance[ti]!) importance[ti] = scale;
      const { docs, weights, nameMasks } = posting;
      for (let k = 0; k < docs.length; k++) {
        const d = docs[k]!;
        const value = weights[k]! * scale;
        if (value > best[row + d]!) best[row + d] = value;
        masks[row + d]! |= nameMasks[k]!;
        if (touched[d] === 0) {
          touched[d] = 1;
          candidates.push(d);
        }
      }
    }
  }
  for (const d of codes.keys()) {
    if (touched[d] === 0) {
      touched[d] = 1;
      candidates.push(d);
    }
  }

  let matchable = 0;
  for (let ti = 0; ti < t; ti++) matchable += importance[ti]!;
  const marked = terms.map((term) => (term.marked ? index.markedInName.get(term.marked) : undefined));
  // Two query words found next to each other in a name count by the rarer word, more when the pair
  // is rarer in names than either word ("khai tu": geometric mean of the two), or, for a word still
  // typed or mistyped, by the rarer word alone.
  const phraseWeight = terms.map((term, ti) => {
    if (ti === 0) return 0;
    const together = index.nameBigrams.get(`${terms[ti - 1]!.text} ${term.text}`);
    const rarer = Math.min(importance[ti - 1]!, importance[ti]!);
    return WEIGHTS.phrase * (together ? Math.sqrt(rarer * Math.max(rarer, Math.log(1 + n / together))) : rarer);
  });

  // The best `limit`, kept sorted (score down, then catalog order): a few comparisons per candidate.
  const topDocs: number[] = [];
  const topScores: number[] = [];
  for (const d of candidates) {
    let sum = 0;
    let covered = 0;
    let inName = 0;
    let phrase = 0;
    let marks = 0;
    const start = t > 0 && (masks[d]! & 1) !== 0 ? WEIGHTS.nameStart : 0;
    for (let ti = 0; ti < t; ti++) {
      const cell = ti * n + d;
      const value = best[cell]!;
      if (value <= 0) continue;
      sum += value;
      covered += importance[ti]!;
      const mask = masks[cell]!;
      if (mask !== 0) inName += 1;
      if (ti > 0 && ((masks[cell - n]! << 1) & mask) !== 0) phrase += phraseWeight[ti]!;
      if (marked[ti]?.has(d)) marks += WEIGHTS.marks * importance[ti]!;
    }
    const nameWords = index.docs[d]!.nameWords;
    const coverage = matchable > 0 ? covered / matchable : 0;
    const nameCover = Math.min(1, inName / Math.min(nameWords, NAME_COVER_WORDS));
    let score = (sum + phrase + marks) * (0.15 + 0.85 * coverage * coverage) + (WEIGHTS.nameCover * nameCover + start - WEIGHTS.perNameWord * nameWords) * coverage;
    score += codes.get(d) ?? 0;
    if (!(score > 0)) continue;
    if (topDocs.length === limit && (score < topScores[limit - 1]! || (score === topScores[limit - 1]! && d > topDocs[limit - 1]!))) continue;
    let at = topDocs.length;
    while (at > 0 && (topScores[at - 1]! < score || (topScores[at - 1]! === score && topDocs[at - 1]! > d))) at--;
    topDocs.splice(at, 0, d);
    topScores.splice(at, 0, score);
    if (topDocs.length > limit) (topDocs.pop(), topScores.pop());
  }
  for (const d of candidates) {
    touched[d] = 0;
    for (let ti = 0; ti < t; ti++) {
      best[ti * n + d] = 0;
      masks[ti * n + d] = 0;
    }
  }
  return topDocs.map((d, i) => ({ code: index.docs[d]!.code, score: Math.round(topScores[i]! * 1000) / 1000 }));
}
