/**
 * The printed ticket and the installer's test page, as ESC/POS bytes. Pure: the caller gives every
 * value already formatted (the time, the URL) and, for raster mode, the function that draws text.
 */
import { EscPosEncoder, type LineRenderer, type TextConfig } from './encoder';
import { textColumns } from './vietnamese-encoding';

export type PaperWidth = 58 | 80;
export type TicketTextMode = 'tcvn3' | 'cp1258' | 'raster';

/** Characters per line in the printer's normal font (12x24), and printable dots. */
export const PAPER: Readonly<Record<PaperWidth, { columns: number; dots: number }>> = {
  58: { columns: 32, dots: 384 },
  80: { columns: 48, dots: 576 },
};

/** The words on the ticket. Kept together so that a centre can reword them in one place. */
export interface TicketTexts {
  titleVi: string;
  titleEn: string;
  fieldVi: string;
  fieldEn: string;
  peopleAheadVi: string;
  peopleAheadEn: string;
  estimateVi: (minutes: number) => string;
  estimateEn: (minutes: number) => string;
  followVi: string;
  followEn: string;
  footerVi: string;
  footerEn: string;
  /** A checked-in booking, under the number: its slot's time, already formatted ("09:00"). */
  bookedVi: (time: string) => string;
  bookedEn: (time: string) => string;
}

export const DEFAULT_TICKET_TEXTS: TicketTexts = {
  titleVi: 'PHIẾU SỐ THỨ TỰ',
  titleEn: 'QUEUE TICKET',
  fieldVi: 'Lĩnh vực',
  fieldEn: 'Field',
  peopleAheadVi: 'Số người chờ trước',
  peopleAheadEn: 'People ahead',
  estimateVi: (m) => `Dự kiến: ~${m} phút`,
  estimateEn: (m) => `Estimated: ~${m} min`,
  followVi: 'Quét mã để theo dõi lượt',
  followEn: 'Scan to follow your turn',
  footerVi: 'Vui lòng giữ phiếu và chờ gọi số. Xin cảm ơn!',
  footerEn: 'Please keep this ticket and wait for your number. Thank you!',
  bookedVi: (time) => `ĐẶT LỊCH ${time}`,
  bookedEn: (time) => `Booked ${time}`,
};

export interface PrinterTextSettings {
  paperWidth: PaperWidth;
  textMode: TicketTextMode;
  /** ESC t number for the text mode (TCVN-3 main table, or CP1258); unused in raster mode. */
  codePage: number;
  /** TCVN-3 only: ESC t number of the capitals table, or null/absent when the printer has none. */
  capitalsCodePage?: number | null;
  /** Raster only, and required there: draws a line of text. */
  render?: LineRenderer;
}

export interface TicketDescription extends PrinterTextSettings {
  centreName: string;
  ticketNumber: string;
  serviceNameVi: string;
  serviceNameEn: string;
  peopleAhead: number;
  estimatedWaitMinutes: number | null;
  /** Already formatted, e.g. "08:15 26/11/2026". */
  issuedAtText: string;
  /** Where the QR code leads. */
  followUrl: string;
  /** A checked-in booking: its slot's start, already formatted ("09:00"); the ticket says "ĐẶT LỊCH 09:00". */
  bookedAtText?: string | null;
  texts?: Partial<TicketTexts>;
}

/** The encoder configuration for a printer's settings. */
export function textConfigFor(settings: PrinterTextSettings): TextConfig {
  switch (settings.textMode) {
    case 'tcvn3':
      return { mode: 'tcvn3', codePage: settings.codePage, capitalsCodePage: settings.capitalsCodePage ?? null };
    case 'cp1258':
      return { mode: 'cp1258', codePage: settings.codePage };
    case 'raster':
      if (settings.render === undefined) throw new Error('raster text mode needs a render function');
      return { mode: 'raster', render: settings.render, maxWidthDots: PAPER[settings.paperWidth].dots };
  }
}

export type Measure = (text: string) => number;

const countCharacters: Measure = (text) => Array.from(text.normalize('NFC')).length;

/**
 * Wraps at spaces so that every line measures at most `columns`; a word longer than a line is cut.
 * Always returns at least one line.
 */
export function wrapText(text: string, columns: number, measure: Measure = countCharacters): string[] {
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be a positive integer, got ${columns}`);
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const joined = current === '' ? word : `${current} ${word}`;
    if (measure(joined) <= columns) {
      current = joined;
      continue;
    }
    if (current !== '') lines.push(current);
    let rest = word;
    while (measure(rest) > columns) {
      const chars = Array.from(rest);
      let take = 1;
      while (take < chars.length && measure(chars.slice(0, take + 1).join('')) <= columns) take++;
      lines.push(chars.slice(0, take).join(''));
      rest = chars.slice(take).join('');
    }
    current = rest;
  }
  if (current !== '' || lines.length === 0) lines.push(current);
  return lines;
}

export function measureFor(mode: TicketTextMode): Measure {
  return (text) => textColumns(text, mode);
}

/** "Vi / En" on one line when it fits, else the Vietnamese lines, then the English ones. */
function bilingualLines(vi: string, en: string, columns: number, measure: Measure): string[] {
  const joined = `${vi} / ${en}`;
  if (measure(joined) <= columns) return [joined];
  return [...wrapText(vi, columns, measure), ...wrapText(en, columns, measure)];
}

/** The largest character size (at most 4x4) at which the ticket number fits on one line. */
export function bigNumberScale(ticketNumber: string, columns: number): number {
  const length = Math.max(1, Array.from(ticketNumber).length);
  return Math.max(1, Math.min(4, Math.floor(columns / length)));
}

/** The ESC/POS bytes of one ticket, ending with a cut. */
export function ticketBytes(ticket: TicketDescription): Uint8Array {
  const t: TicketTexts = { ...DEFAULT_TICKET_TEXTS, ...ticket.texts };
  const { columns } = PAPER[ticket.paperWidth];
  const measure = measureFor(ticket.textMode);
  const enc = new EscPosEncoder(textConfigFor(ticket)).start();
  const lines = (ls: string[]) => ls.forEach((l) => enc.line(l));

  enc.align('center').bold(true);
  lines(wrapText(ticket.centreName, columns, measure));
  enc.bold(false);
  lines(bilingualLines(t.titleVi, t.titleEn, columns, measure));

  const scale = bigNumberScale(ticket.ticketNumber, columns);
  enc.feed(1).size(scale, scale).bold(true).line(ticket.ticketNumber).bold(false).size(1, 1);
  if (ticket.bookedAtText) {
    // The officer and the visitor see at a glance that this number was booked: large when it fits.
    const booked = t.bookedVi(ticket.bookedAtText);
    const bookedScale = measure(booked) * 2 <= columns ? 2 : 1;
    enc.size(bookedScale, bookedScale).bold(true);
    lines(wrapText(booked, Math.floor(columns / bookedScale), measure));
    enc.bold(false).size(1, 1);
    lines(wrapText(t.bookedEn(ticket.bookedAtText), columns, measure));
  }
  enc.feed(1);

  enc.align('left');
  lines(bilingualLines(`${t.fieldVi}: ${ticket.serviceNameVi}`, `${t.fieldEn}: ${ticket.serviceNameEn}`, columns, measure));
  lines(bilingualLines(`${t.peopleAheadVi}: ${ticket.peopleAhead}`, `${t.peopleAheadEn}: ${ticket.peopleAhead}`, columns, measure));
  if (ticket.estimatedWaitMinutes !== null) {
    const m = ticket.estimatedWaitMinutes;
    lines(bilingualLines(t.estimateVi(m), t.estimateEn(m), columns, measure));
  }

  enc.align('center');
  lines(wrapText(ticket.issuedAtText, columns, measure));
  enc.qr(ticket.followUrl, { moduleSize: ticket.paperWidth === 58 ? 5 : 6, level: 'M' });
  lines(bilingualLines(t.followVi, t.followEn, columns, measure));
  enc.feed(1);
  lines(wrapText(t.footerVi, columns, measure));
  lines(wrapText(t.footerEn, columns, measure));
  enc.cut();
  return enc.bytes();
}

/** One way of printing Vietnamese that the test page tries. */
export type TestCandidate =
  | { mode: 'tcvn3'; codePage: number; capitalsCodePage: number | null }
  | { mode: 'cp1258'; codePage: number }
  | { mode: 'raster' };

/**
 * Epson's TCVN-3 pair, the "Vietnam" 27 that some Xprinter models fill with TCVN-3, the CP1258
 * numbers of Epson, POS-5890, Rongta and Bixolon, and pictures of the text.
 */
export const DEFAULT_TEST_CANDIDATES: readonly TestCandidate[] = [
  { mode: 'tcvn3', codePage: 30, capitalsCodePage: 31 },
  { mode: 'tcvn3', codePage: 27, capitalsCodePage: null },
  { mode: 'cp1258', codePage: 52 },
  { mode: 'cp1258', codePage: 27 },
  { mode: 'cp1258', codePage: 35 },
  { mode: 'cp1258', codePage: 41 },
  { mode: 'raster' },
];

export const TEST_SENTENCE = 'Lĩnh vực: Hộ tịch — Số thứ tự A025 — Kính mời công dân đến quầy số 3';
/** Each vowel with its tones in the usual order (ngang, sắc, huyền, hỏi, ngã, nặng), then đ. */
const TONED_VOWELS = [
  ...['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'].map((v) =>
    ['', '\u0301', '\u0300', '\u0309', '\u0303', '\u0323'].map((tone) => (v + tone).normalize('NFC')).join(''),
  ),
  'đ',
].join(' ');
/** Every toned vowel, lower case then capitals, grouped by base letter. */
export const TEST_ALPHABET = `${TONED_VOWELS} ${TONED_VOWELS.toUpperCase()}`;

/** The ASCII label printed above a candidate's sample. */
export function candidateLabel(c: TestCandidate): string {
  switch (c.mode) {
    case 'tcvn3':
      return c.capitalsCodePage === null
        ? `TCVN-3: ESC t ${c.codePage} (no capitals page)`
        : `TCVN-3: ESC t ${c.codePage}, capitals ESC t ${c.capitalsCodePage}`;
    case 'cp1258':
      return `CP1258: ESC t ${c.codePage}`;
    case 'raster':
      return 'RASTER: text as an image (any printer)';
  }
}

export interface TestPageOptions {
  paperWidth: PaperWidth;
  candidates?: readonly TestCandidate[];
  /** Needed for the raster candidate; without it that block says so in ASCII. */
  render?: LineRenderer;
}

/**
 * A page that prints the same Vietnamese once per candidate, each under an ASCII label naming its
 * code page numbers, so that an installer can choose the block that reads right.
 */
export function testPage(options: TestPageOptions): Uint8Array {
  const { columns, dots } = PAPER[options.paperWidth];
  const render = options.render;
  const candidates = options.candidates ?? DEFAULT_TEST_CANDIDATES;
  // Labels are ASCII: every page prints them the same, so they go out under any configuration.
  const enc = new EscPosEncoder({ mode: 'cp1258', codePage: 0 }).init().cancelChineseMode();
  const ascii = (text: string) => wrapText(text, columns).forEach((l) => enc.line(l));

  enc.align('center').bold(true);
  ascii('LUOT - PRINTER TEST PAGE');
  enc.bold(false).align('left');
  ascii('Pick the block whose Vietnamese reads right and set that text mode and code page.');

  candidates.forEach((c, index) => {
    enc.feed(1).bold(true);
    ascii(`${index + 1}. ${candidateLabel(c)}`);
    enc.bold(false);
    let config: TextConfig;
    if (c.mode !== 'raster') config = c;
    else if (render !== undefined) config = { mode: 'raster', render, maxWidthDots: dots, asciiAsText: false };
    else {
      ascii('(no renderer configured)');
      return;
    }
    const measure = measureFor(c.mode);
    enc.setTextConfig(config);
    wrapText(TEST_SENTENCE, columns, measure).forEach((l) => enc.line(l));
    wrapText(TEST_ALPHABET, columns, measure).forEach((l) => enc.line(l));
    enc.setTextConfig({ mode: 'cp1258', codePage: 0 });
  });
  enc.feed(2).cut();
  return enc.bytes();
}
