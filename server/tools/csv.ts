import { decodeCp1258 } from '../../hardware/escpos/vietnamese-encoding';

/**
 * Reading CSV files as spreadsheets export them: the encoding (UTF-8 with or without BOM,
 * UTF-16 with BOM, or the old Vietnamese Windows-1258), the separator (comma, semicolon where the
 * decimal mark is a comma, tab), and RFC 4180 quoting ("" inside quotes, separators and line
 * breaks inside quoted fields, CRLF or LF line ends). Pure.
 */

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1258';

export interface DecodedText {
  text: string;
  encoding: CsvEncoding;
  /** Characters that could not be decoded (shown as U+FFFD). */
  undecodable: number;
}

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

/**
 * Text from a file's bytes. A byte-order mark decides; otherwise bytes that are valid UTF-8 are
 * UTF-8 (plain ASCII included), and anything else is taken as Windows-1258. Always NFC.
 */
export function decodeCsvBytes(bytes: Uint8Array): DecodedText {
  let text: string;
  let encoding: CsvEncoding;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf-8-bom';
    text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(3));
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      encoding = 'utf-8';
    } catch {
      text = decodeWindows1258(bytes);
      encoding = 'windows-1258';
    }
  }
  text = text.normalize('NFC');
  let undecodable = 0;
  for (let i = text.indexOf('\ufffd'); i !== -1; i = text.indexOf('\ufffd', i + 1)) undecodable += 1;
  return { text, encoding, undecodable };
}

/**
 * Windows-1258, keeping tabs and line breaks (the printer decoder this builds on turns control
 * bytes into U+FFFD, as a printer must never receive them).
 */
export function decodeWindows1258(bytes: Uint8Array): string {
  let out = '';
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const b = i < bytes.length ? bytes[i]! : -1;
    if (b === -1 || b < 0x20 || b === 0x7f) {
      if (i > start) out += decodeCp1258(bytes.subarray(start, i));
      if (b !== -1) out += String.fromCharCode(b);
      start = i + 1;
    }
  }
  return out;
}

const SEPARATORS = [',', ';', '\t'] as const;
export type Separator = (typeof SEPARATORS)[number];

/** The separator of a file: the one that occurs most often in its first line (outside quotes). */
export function detectSeparator(text: string): Separator {
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best: Separator = ',';
  for (const s of SEPARATORS) if (counts.get(s)! > counts.get(best)!) best = s;
  return best;
}

export interface CsvRecord {
  /** The line of the file the record starts on (1-based). */
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records. A field that starts with a quote runs to the closing quote ("" is
 * a quote inside it) and may hold separators and line breaks; text after its closing quote is
 * kept as it is. A quote inside an unquoted field is an ordinary character. Line ends are CRLF,
 * LF or CR. A quote never closed is an error naming its line.
 */
export function parseCsv(text: string, separator: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const sep = separator.charCodeAt(0);
  const QUOTE = 34;
  const LF = 10;
  const CR = 13;
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    // One record: fields until a line end or the end of the text.
    for (;;) {
      let value = '';
      if (text.charCodeAt(i) === QUOTE) {
        const openedOn = line;
        i += 1;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close === -1) throw new CsvError(`line ${openedOn}: a quoted field is never closed`);
          const chunk = text.slice(i, close);
          line += countLineBreaks(chunk);
          value += chunk;
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            i = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
      }
      // Unquoted text (or what follows a closing quote) up to the separator or the line end.
      const start = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === sep || c === LF || c === CR) break;
        i += 1;
      }
      value += text.slice(start, i);
      fields.push(value);
      if (i < n && text.charCodeAt(i) === sep) {
        i += 1;
        continue;
      }
      // A line end (or the end of the text) closes the record.
      if (i < n) {
        if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF) i += 2;
        else i += 1;
        line += 1;
      }
      break;
    }
    records.push({ line: recordLine, fields });
  }
  return records;
}

function countLineBreaks(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) count += 1;
    else if (c === 13 && s.charCodeAt(i + 1) !== 10) count += 1;
  }
  return count;
}
