import { describe, expect, it } from 'vitest';
import { encodeCp1258 } from '../../hardware/escpos/vietnamese-encoding';
import { CsvError, decodeCsvBytes, detectSeparator, parseCsv } from '../../server/tools/csv';

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('encoding detection', () => {
  it('UTF-8 with a BOM (Excel "CSV UTF-8"): the mark is dropped', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('ho_ten\r\nNguyễn Văn An\r\n')]);
    expect(decodeCsvBytes(bytes)).toEqual({ text: 'ho_ten\r\nNguyễn Văn An\r\n', encoding: 'utf-8-bom', undecodable: 0 });
  });

  it('UTF-8 without a BOM, and plain ASCII', () => {
    expect(decodeCsvBytes(utf8('thu_tuc\nĐăng ký khai sinh\n'))).toMatchObject({ text: 'thu_tuc\nĐăng ký khai sinh\n', encoding: 'utf-8' });
    expect(decodeCsvBytes(utf8('code,status\nA,2\n')).encoding).toBe('utf-8');
  });

  it('decomposed UTF-8 (NFD) comes out composed (NFC)', () => {
    const text = decodeCsvBytes(utf8('Nguyễn'.normalize('NFD'))).text;
    expect(text).toBe('Nguyễn');
    expect(text.length).toBe(6);
  });

  it('Windows-1258 bytes (not valid UTF-8) are read as CP1258, tone marks composed, line breaks kept', () => {
    // "Nguyễn" in CP1258: ê is 0xEA, the tilde a separate combining byte 0xDE. "Đăng" is D0 E3 6E 67.
    const bytes = new Uint8Array([
      ...utf8('ho_ten;thu_tuc\r\n'),
      0x4e, 0x67, 0x75, 0x79, 0xea, 0xde, 0x6e, 0x3b, 0xd0, 0xe3, 0x6e, 0x67, 0x0d, 0x0a,
    ]);
    expect(decodeCsvBytes(bytes)).toEqual({ text: 'ho_ten;thu_tuc\r\nNguyễn;Đăng\r\n', encoding: 'windows-1258', undecodable: 0 });
  });

  it('a whole Vietnamese text round-trips through CP1258, tabs and newlines in it', () => {
    const text = 'Đăng ký khai sinh\tNguyễn Thị Hồng\nChứng thực bản sao; Ủy ban nhân dân phường Ỷ La\n';
    // The printer encoder never emits control bytes: encode between them, add them as they are.
    const bytes = text.split(/([\t\n])/).flatMap((part) => (part === '\t' || part === '\n' ? [part.charCodeAt(0)] : [...encodeCp1258(part)]));
    const decoded = decodeCsvBytes(new Uint8Array(bytes));
    expect(decoded.encoding).toBe('windows-1258');
    expect(decoded.text).toBe(text);
  });

  it('UTF-16 with a BOM', () => {
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from('ho_ten\tphone\nAn\t1\n', 'utf16le')]);
    expect(decodeCsvBytes(le)).toMatchObject({ text: 'ho_ten\tphone\nAn\t1\n', encoding: 'utf-16le' });
  });

  it('counts what could not be decoded', () => {
    // 0x81 is unassigned in Windows-1258.
    expect(decodeCsvBytes(new Uint8Array([0x41, 0x81, 0x42])).undecodable).toBe(1);
  });
});

describe('separator detection', () => {
  it('picks the separator of the header line, ignoring quoted text', () => {
    expect(detectSeparator('a,b,c\n1;2;3;4;5\n')).toBe(',');
    expect(detectSeparator('ma_ho_so;thu_tuc;"ho, ten"\n')).toBe(';');
    expect(detectSeparator('a\tb\tc\n')).toBe('\t');
    expect(detectSeparator('only\n')).toBe(',');
  });
});

describe('parseCsv', () => {
  it('splits comma separated lines, with or without a final line break', () => {
    expect(parseCsv('a,b,c\n1,2,3\n', ',')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
    expect(parseCsv('a,b\n1,2', ',')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  it('semicolons, empty fields and a trailing separator', () => {
    expect(parseCsv('a;;c;\n;;;\n', ';')).toEqual([
      { line: 1, fields: ['a', '', 'c', ''] },
      { line: 2, fields: ['', '', '', ''] },
    ]);
  });

  it('quoted fields: "" is a quote, separators and line breaks inside stay, line numbers count them', () => {
    const text = 'code,procedure,note\r\n' + 'X1,"Đăng ký kết hôn, có yếu tố ""nước ngoài""","dòng 1\r\ndòng 2\ndòng 3"\r\n' + 'X2,"",plain "quote" inside\r\n';
    expect(parseCsv(text, ',')).toEqual([
      { line: 1, fields: ['code', 'procedure', 'note'] },
      { line: 2, fields: ['X1', 'Đăng ký kết hôn, có yếu tố "nước ngoài"', 'dòng 1\r\ndòng 2\ndòng 3'] },
      { line: 5, fields: ['X2', '', 'plain "quote" inside'] },
    ]);
  });

  it('CRLF, LF and old Mac CR line ends', () => {
    expect(parseCsv('a\r\nb\nc\rd', ',').map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
  });

  it('blank lines are records of one empty field (the importer skips them)', () => {
    expect(parseCsv('a\n\nb\n', ',')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: [''] },
      { line: 3, fields: ['b'] },
    ]);
  });

  it('text after a closing quote is kept', () => {
    expect(parseCsv('"ab"cd,e\n', ',')).toEqual([{ line: 1, fields: ['abcd', 'e'] }]);
  });

  it('a quote that is never closed is an error naming the line it opened on', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"open\n4,5\n', ',')).toThrow(new CsvError('line 3: a quoted field is never closed'));
  });

  it('parses 40,000 rows', () => {
    const row = '000.00.15.H40-250312-0001,"Đăng ký khai sinh, lần đầu",Nguyễn Văn An,0912345678\r\n';
    const records = parseCsv('code,procedure,name,phone\r\n' + row.repeat(40_000), ',');
    expect(records).toHaveLength(40_001);
    expect(records[40_000]).toEqual({
      line: 40_001,
      fields: ['000.00.15.H40-250312-0001', 'Đăng ký khai sinh, lần đầu', 'Nguyễn Văn An', '0912345678'],
    });
  });
});
