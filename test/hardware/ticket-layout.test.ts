import { describe, it, expect } from 'vitest';
import { decodeEscPos, describeTranscript, type CodePageMap, type TranscriptItem } from '../../hardware/escpos/decoder';
import { packBitmap, type RenderStyle } from '../../hardware/escpos/encoder';
import {
  DEFAULT_TEST_CANDIDATES,
  TEST_ALPHABET,
  TEST_SENTENCE,
  bigNumberScale,
  testPage,
  ticketBytes,
  wrapText,
  type TicketDescription,
} from '../../hardware/escpos/ticket-layout';
import { textColumns } from '../../hardware/escpos/vietnamese-encoding';

const EPSON: CodePageMap = { 30: 'tcvn3', 31: 'tcvn3capitals', 52: 'cp1258' };

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

const TICKET: TicketDescription = {
  centreName: 'UBND PHƯỜNG BẾN THÀNH - TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG',
  ticketNumber: 'A025',
  serviceNameVi: 'Hộ tịch',
  serviceNameEn: 'Civil status',
  peopleAhead: 12,
  estimatedWaitMinutes: 25,
  issuedAtText: '08:15 26/11/2026',
  followUrl: 'http://10.0.0.2:8080/t/A025?k=7fQ2',
  paperWidth: 80,
  textMode: 'cp1258',
  codePage: 52,
};

const textItems = (items: TranscriptItem[]) =>
  items.flatMap((i) => (i.kind === 'text' ? [i] : []));

describe('ticketBytes', () => {
  it('prints the bilingual ticket of vietnamese.md on 80 mm in CP1258', () => {
    const bytes = ticketBytes(TICKET);
    expect(hex(bytes.subarray(0, 7))).toBe('1B 40 1C 2E 1B 74 34');
    expect(hex(bytes.subarray(-4))).toBe('1D 56 42 03');
    const t = decodeEscPos(bytes, { codePages: EPSON });
    expect(describeTranscript(t)).toEqual([
      'UBND PHƯỜNG BẾN THÀNH - TRUNG TÂM PHỤC VỤ',
      'HÀNH CHÍNH CÔNG',
      'PHIẾU SỐ THỨ TỰ / QUEUE TICKET',
      'A025',
      'Lĩnh vực: Hộ tịch / Field: Civil status',
      'Số người chờ trước: 12 / People ahead: 12',
      'Dự kiến: ~25 phút / Estimated: ~25 min',
      '08:15 26/11/2026',
      '[qr http://10.0.0.2:8080/t/A025?k=7fQ2]',
      'Quét mã để theo dõi lượt',
      'Scan to follow your turn',
      'Vui lòng giữ phiếu và chờ gọi số. Xin cảm',
      'ơn!',
      'Please keep this ticket and wait for your',
      'number. Thank you!',
      '[cut]',
    ]);
    expect(t.items.some((i) => i.kind === 'unknown' || i.kind === 'truncated')).toBe(false);
  });

  it('prints the number very large, bold and centred', () => {
    const t = decodeEscPos(ticketBytes(TICKET), { codePages: EPSON });
    const number = textItems(t.items).find((i) => i.text === 'A025');
    expect(number).toMatchObject({ align: 'center', bold: true, width: 4, height: 4 });
    expect(textItems(t.items).filter((i) => i.width !== 1).map((i) => i.text)).toEqual(['A025']);
  });

  it('prints a QR code of the follow URL at level M', () => {
    const t = decodeEscPos(ticketBytes(TICKET), { codePages: EPSON });
    expect(t.items.filter((i) => i.kind === 'qr')).toEqual([
      { kind: 'qr', data: TICKET.followUrl, model: 2, moduleSize: 6, level: 'M' },
    ]);
  });

  it('prints on 58 mm in TCVN-3 with capitals, every line within 32 columns', () => {
    const ticket: TicketDescription = { ...TICKET, paperWidth: 58, textMode: 'tcvn3', codePage: 30, capitalsCodePage: 31 };
    const t = decodeEscPos(ticketBytes(ticket), { codePages: EPSON });
    expect(t.lines).toEqual([
      'UBND PHƯỜNG BẾN THÀNH - TRUNG',
      'TÂM PHỤC VỤ HÀNH CHÍNH CÔNG',
      'PHIẾU SỐ THỨ TỰ / QUEUE TICKET',
      'A025',
      'Lĩnh vực: Hộ tịch',
      'Field: Civil status',
      'Số người chờ trước: 12',
      'People ahead: 12',
      'Dự kiến: ~25 phút',
      'Estimated: ~25 min',
      '08:15 26/11/2026',
      'Quét mã để theo dõi lượt',
      'Scan to follow your turn',
      'Vui lòng giữ phiếu và chờ gọi',
      'số. Xin cảm ơn!',
      'Please keep this ticket and wait',
      'for your number. Thank you!',
    ]);
    for (const item of textItems(t.items)) expect(textColumns(item.text, 'tcvn3') * item.width).toBeLessThanOrEqual(32);
  });

  it('keeps CP1258 lines within the column limit counting tone marks as cells', () => {
    for (const paperWidth of [58, 80] as const) {
      const t = decodeEscPos(ticketBytes({ ...TICKET, paperWidth }), { codePages: EPSON });
      const columns = paperWidth === 58 ? 32 : 48;
      for (const item of textItems(t.items)) expect(textColumns(item.text, 'cp1258') * item.width).toBeLessThanOrEqual(columns);
    }
  });

  it('leaves the estimate out when there is none', () => {
    const t = decodeEscPos(ticketBytes({ ...TICKET, estimatedWaitMinutes: null }), { codePages: EPSON });
    expect(t.lines.some((l) => l.includes('Dự kiến') || l.includes('Estimated'))).toBe(false);
    expect(t.lines).toContain('Số người chờ trước: 12 / People ahead: 12');
  });

  it('takes reworded texts', () => {
    const t = decodeEscPos(ticketBytes({ ...TICKET, texts: { titleVi: 'SỐ THỨ TỰ', titleEn: 'TICKET' } }), { codePages: EPSON });
    expect(t.lines).toContain('SỐ THỨ TỰ / TICKET');
  });

  it('marks a checked-in booking under the number, large and bold, with its slot time in both languages', () => {
    const t = decodeEscPos(ticketBytes({ ...TICKET, bookedAtText: '09:00' }), { codePages: EPSON });
    const lines = describeTranscript(t);
    expect(lines.slice(lines.indexOf('A025'), lines.indexOf('A025') + 4)).toEqual([
      'A025',
      'ĐẶT LỊCH 09:00',
      'Booked 09:00',
      'Lĩnh vực: Hộ tịch / Field: Civil status',
    ]);
    expect(textItems(t.items).find((i) => i.text === 'ĐẶT LỊCH 09:00')).toMatchObject({ align: 'center', bold: true, width: 2, height: 2 });
    expect(textItems(t.items).find((i) => i.text === 'Booked 09:00')).toMatchObject({ align: 'center', bold: false, width: 1, height: 1 });
    expect(t.items.some((i) => i.kind === 'unknown' || i.kind === 'truncated')).toBe(false);
    // Not booked: no mark.
    expect(decodeEscPos(ticketBytes(TICKET), { codePages: EPSON }).lines.some((l) => /ĐẶT LỊCH|Booked/.test(l))).toBe(false);
  });

  it('keeps the booked mark intact and within 32 columns on 58 mm, in TCVN-3 with capitals and in CP1258', () => {
    for (const settings of [
      { textMode: 'tcvn3', codePage: 30, capitalsCodePage: 31 },
      { textMode: 'cp1258', codePage: 52 },
    ] as const) {
      const t = decodeEscPos(ticketBytes({ ...TICKET, ...settings, paperWidth: 58, bookedAtText: '14:30' }), { codePages: EPSON });
      expect(t.lines).toContain('ĐẶT LỊCH 14:30');
      expect(t.lines).toContain('Booked 14:30');
      for (const item of textItems(t.items)) expect(textColumns(item.text, settings.textMode) * item.width).toBeLessThanOrEqual(32);
    }
  });

  it('takes a reworded booked mark', () => {
    const texts = { bookedVi: (time: string) => `Lịch hẹn ${time}`, bookedEn: (time: string) => `Appointment ${time}` };
    const t = decodeEscPos(ticketBytes({ ...TICKET, bookedAtText: '10:30', texts }), { codePages: EPSON });
    expect(t.lines).toContain('Lịch hẹn 10:30');
    expect(t.lines).toContain('Appointment 10:30');
  });

  describe('in raster mode', () => {
    const rendered: { text: string; style: RenderStyle }[] = [];
    const render = (text: string, style: RenderStyle) => {
      rendered.push({ text, style });
      return packBitmap(style.maxWidthDots, 24, (x, y) => (x + y) % 5 === 0);
    };

    it('decodes to image markers for the Vietnamese lines and text for the ASCII ones', () => {
      rendered.length = 0;
      const bytes = ticketBytes({ ...TICKET, paperWidth: 58, textMode: 'raster', render });
      const t = decodeEscPos(bytes, { codePages: {} });
      const lines = describeTranscript(t);
      expect(lines.filter((l) => l === '[image 384x24]').length).toBe(rendered.length);
      expect(lines).toContain('A025');
      expect(lines).toContain('08:15 26/11/2026');
      expect(t.lines.every((l) => /^[\x20-\x7e]*$/.test(l))).toBe(true);
      expect(rendered.map((r) => r.text)).toContain('Lĩnh vực: Hộ tịch');
      expect(rendered.find((r) => r.text === 'PHIẾU SỐ THỨ TỰ / QUEUE TICKET')?.style).toEqual({
        align: 'center',
        bold: false,
        width: 1,
        height: 1,
        maxWidthDots: 384,
      });
      expect(t.items.some((i) => i.kind === 'unknown' || i.kind === 'truncated' || i.kind === 'codePage')).toBe(false);
    });

    it('draws the booked mark as an image at double size', () => {
      rendered.length = 0;
      ticketBytes({ ...TICKET, paperWidth: 58, textMode: 'raster', render, bookedAtText: '09:00' });
      expect(rendered.find((r) => r.text === 'ĐẶT LỊCH 09:00')?.style).toMatchObject({ align: 'center', bold: true, width: 2, height: 2 });
    });

    it('needs a renderer', () => {
      expect(() => ticketBytes({ ...TICKET, textMode: 'raster' })).toThrow(/render/);
    });
  });
});

describe('wrapText', () => {
  it('wraps at spaces, cuts words longer than a line and always gives a line', () => {
    expect(wrapText('Vui lòng giữ phiếu', 9)).toEqual(['Vui lòng', 'giữ phiếu']);
    expect(wrapText('Vui lòng giữ phiếu', 8)).toEqual(['Vui lòng', 'giữ', 'phiếu']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('  ', 4)).toEqual(['']);
    expect(wrapText('a  b', 4)).toEqual(['a b']);
  });

  it('measures with the function given', () => {
    const measure = (s: string) => textColumns(s, 'cp1258');
    expect(wrapText('Hộ tịch Hộ', 9, measure)).toEqual(['Hộ tịch', 'Hộ']);
  });
});

describe('bigNumberScale', () => {
  it('is 4 for short numbers and shrinks so that the number fits one line', () => {
    expect(bigNumberScale('A025', 32)).toBe(4);
    expect(bigNumberScale('1025', 32)).toBe(4);
    expect(bigNumberScale('A00025', 32)).toBe(4);
    expect(bigNumberScale('123456789', 32)).toBe(3);
    expect(bigNumberScale('12345678901', 32)).toBe(2);
    expect(bigNumberScale('x'.repeat(40), 32)).toBe(1);
  });
});

describe('testPage', () => {
  const render = (_text: string, style: RenderStyle) => packBitmap(style.maxWidthDots, 24, () => false);
  const sentenceTcvn3 = TEST_SENTENCE.replace(/—/g, '-');

  /** The text lines between a label and the next label, joined back with spaces. */
  function block(lines: string[], label: string): string {
    const start = lines.findIndex((l) => l.includes(label));
    if (start === -1) throw new Error(`no block labelled ${label}`);
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((l) => /^\d+\. /.test(l));
    return (end === -1 ? rest : rest.slice(0, end)).join(' ');
  }

  it('prints the sample once per candidate under an ASCII label with its code page numbers', () => {
    const bytes = testPage({ paperWidth: 80, render });
    const asCp1258 = decodeEscPos(bytes, { codePages: { ...EPSON, 27: 'cp1258', 35: 'cp1258', 41: 'cp1258' } });
    const lines = asCp1258.lines;
    expect(lines.filter((l) => /^\d+\. /.test(l))).toEqual([
      '1. TCVN-3: ESC t 30, capitals ESC t 31',
      '2. TCVN-3: ESC t 27 (no capitals page)',
      '3. CP1258: ESC t 52',
      '4. CP1258: ESC t 27',
      '5. CP1258: ESC t 35',
      '6. CP1258: ESC t 41',
      '7. RASTER: text as an image (any printer)',
    ]);
    expect(block(lines, 'ESC t 30')).toBe(`${sentenceTcvn3} ${TEST_ALPHABET}`);
    for (const n of [52, 27, 35, 41]) expect(block(lines, `CP1258: ESC t ${n}`)).toBe(`${TEST_SENTENCE} ${TEST_ALPHABET}`);
    // Read as CP1258, the TCVN-3 block on 27 is garbage: that is what the installer would see.
    expect(block(lines, 'ESC t 27 (no')).not.toContain('Lĩnh vực');
    expect(asCp1258.items.filter((i) => i.kind === 'image').length).toBeGreaterThan(1);
    const selected = asCp1258.items.flatMap((i) => (i.kind === 'codePage' ? [i.n] : []));
    for (const n of [30, 31, 27, 52, 35, 41]) expect(selected).toContain(n);
  });

  it('reads right on a printer whose 27 is TCVN-3 without capitals (toned capitals in lower case)', () => {
    const lines = decodeEscPos(testPage({ paperWidth: 80, render }), { codePages: { ...EPSON, 27: 'tcvn3' } }).lines;
    const toned = /[\u0300\u0301\u0303\u0309\u0323]/;
    const expected = Array.from(TEST_ALPHABET, (ch) => (toned.test(ch.normalize('NFD')) ? ch.toLowerCase() : ch)).join('');
    expect(expected).toContain('AáàảãạĂắằẳẵặ'.slice(0, 6));
    expect(block(lines, 'ESC t 27 (no')).toBe(`${sentenceTcvn3} ${expected}`);
  });

  it('holds every toned vowel in both cases', () => {
    for (const v of ['ẫ', 'ặ', 'ỡ', 'ự', 'ỵ', 'Ẫ', 'Ặ', 'Ỡ', 'Ự', 'Ỵ', 'đ', 'Đ']) expect(TEST_ALPHABET).toContain(v);
    expect(Array.from(TEST_ALPHABET.replace(/ /g, '')).length).toBe(2 * (12 * 6 + 1));
  });

  it('says so in ASCII when there is no renderer for the raster block', () => {
    const t = decodeEscPos(testPage({ paperWidth: 58, candidates: DEFAULT_TEST_CANDIDATES }), { codePages: EPSON });
    expect(t.lines).toContain('(no renderer configured)');
    expect(t.items.some((i) => i.kind === 'image')).toBe(false);
  });
});
