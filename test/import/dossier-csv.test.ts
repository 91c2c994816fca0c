import { describe, expect, it } from 'vitest';
import { cleanPhone, convertRow, mapHeader, normalizeHeader, parseDateCell, type HeaderMap } from '../../server/tools/dossier-csv';

describe('headers', () => {
  it('match without case, diacritics, spaces or dashes; English and camelCase aliases too', () => {
    expect(normalizeHeader('Mã hồ sơ')).toBe('ma_ho_so');
    expect(normalizeHeader('  NGÀY HẸN TRẢ ')).toBe('ngay_hen_tra');
    expect(normalizeHeader('Điện thoại')).toBe('dien_thoai');
    expect(normalizeHeader('\ufeffma-ho-so')).toBe('ma_ho_so');
    expect(normalizeHeader('lookupKey')).toBe('lookup_key');
    expect(normalizeHeader('Received At')).toBe('received_at');
  });

  it('maps a full header', () => {
    const result = mapHeader(['Mã hồ sơ', 'Mã tra cứu', 'Thủ tục', 'Họ tên', 'Ngày nhận', 'Ngày hẹn trả', 'Trạng thái', 'email', '']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.fromEntries([...result.columns].map(([k, v]) => [k, v.index]))).toEqual({
      code: 0,
      lookupKey: 1,
      procedure: 2,
      name: 3,
      receivedAt: 4,
      dueAt: 5,
      status: 6,
      email: 7,
    });
  });

  it('one message naming every missing, unknown and repeated column', () => {
    const result = mapHeader(['code', 'thu_tuc', 'ho_ten', 'ngay_nhan', 'trang_thai', 'so_cmnd', 'Ma ho so']);
    expect(result).toEqual({
      ok: false,
      message:
        'The header row does not fit: missing columns: ma_tra_cuu/lookup_key, ngay_hen_tra/due_at; ' +
        'unknown column: "so_cmnd" (column 6); column given twice: "Ma ho so" (columns 1 and 7).\n' +
        'Columns: ma_ho_so/code, ma_tra_cuu/lookup_key, thu_tuc/procedure, linh_vuc/field (optional), ho_ten/applicant_name, ' +
        'dien_thoai/phone (optional), email (optional), ngon_ngu/lang (optional), ngay_nhan/received_at, ngay_hen_tra/due_at, ' +
        'trang_thai/status, hinh_thuc_nhan/delivery (optional), noi_nhan/collect_at (optional), ghi_chu/note (optional).',
    });
  });
});

describe('dates', () => {
  const tz = '+07:00';
  it('dd/mm/yyyy hh:mm in the centre offset, in several spellings', () => {
    expect(parseDateCell('12/03/2025 08:00', tz, '00:00')).toBe('2025-03-12T08:00:00+07:00');
    expect(parseDateCell('1/3/2025 8:05', tz, '00:00')).toBe('2025-03-01T08:05:00+07:00');
    expect(parseDateCell('12-03-2025 08:00:30', tz, '00:00')).toBe('2025-03-12T08:00:30+07:00');
    expect(parseDateCell('12.03.2025  14h30', tz, '00:00')).toBe('2025-03-12T14:30:00+07:00');
    expect(parseDateCell('08:15 26/11/2026', tz, '00:00')).toBe('2026-11-26T08:15:00+07:00');
    expect(parseDateCell('12/03/2025 08:00', '+08:00', '00:00')).toBe('2025-03-12T08:00:00+08:00');
  });

  it('a date alone takes the given time', () => {
    expect(parseDateCell('15/03/2025', tz, '17:00')).toBe('2025-03-15T17:00:00+07:00');
    expect(parseDateCell('2025-03-15', tz, '00:00')).toBe('2025-03-15T00:00:00+07:00');
  });

  it('ISO 8601: kept with an offset, given the centre offset without one', () => {
    expect(parseDateCell('2025-03-12T08:00:00+07:00', tz, '00:00')).toBe('2025-03-12T08:00:00+07:00');
    expect(parseDateCell('2025-03-12T01:00:00.000Z', tz, '00:00')).toBe('2025-03-12T01:00:00.000Z');
    expect(parseDateCell('2025-03-12 08:00', tz, '00:00')).toBe('2025-03-12T08:00:00+07:00');
    expect(parseDateCell('2025-03-12T08:00', tz, '00:00')).toBe('2025-03-12T08:00:00+07:00');
  });

  it('refuses what is not a real date or time', () => {
    for (const bad of ['31/02/2025 08:00', '29/02/2025', '12/13/2025', '12/03/2025 25:00', '12/03/2025 08:60', 'hôm qua', '12/03/25', '45731.5', ''])
      expect(parseDateCell(bad, tz, '00:00'), bad).toBeNull();
    expect(parseDateCell('29/02/2024', tz, '00:00')).toBe('2024-02-29T00:00:00+07:00');
  });
});

describe('cells', () => {
  it('phone numbers: separators dropped, a leading 0 lost by a spreadsheet put back', () => {
    expect(cleanPhone('0912 345 678')).toBe('0912345678');
    expect(cleanPhone('0912.345.678')).toBe('0912345678');
    expect(cleanPhone('912345678')).toBe('0912345678');
    expect(cleanPhone('+84 912 345 678')).toBe('+84912345678');
    expect(cleanPhone('(024) 3825-1234')).toBe('02438251234');
  });

  it('statuses, ways of delivery and languages by name, in Vietnamese or English', () => {
    const header = mapHeader(['ma_ho_so', 'ma_tra_cuu', 'thu_tuc', 'ho_ten', 'ngay_nhan', 'ngay_hen_tra', 'trang_thai', 'hinh_thuc_nhan', 'ngon_ngu']);
    if (!header.ok) throw new Error(header.message);
    const columns: HeaderMap = header.columns;
    const row = (status: string, delivery: string, lang: string) =>
      convertRow(
        { line: 2, fields: ['000.00.15.H40-250312-0001', 'abcd', 'Thủ tục', 'Lê Văn C', '12/03/2025', '15/03/2025', status, delivery, lang] },
        columns,
        { tzOffset: '+07:00' },
      );
    const pick = (r: ReturnType<typeof row>) =>
      r.ok ? [r.dossier.status, r.dossier.delivery, r.dossier.applicant.lang, r.dossier.lookupKey, r.dossier.dueAt] : r.problems;
    expect(pick(row('Đã xử lý xong', 'Qua bưu chính công ích', 'Tiếng Anh'))).toEqual([9, 'post', 'en', 'abcd', '2025-03-15T17:00:00+07:00']);
    expect(pick(row('ĐANG XỬ LÝ', 'trực tuyến', ''))).toEqual([4, 'electronic', 'vi', 'abcd', '2025-03-15T17:00:00+07:00']);
    expect(pick(row('10', '', 'en'))).toEqual([10, 'centre', 'en', 'abcd', '2025-03-15T17:00:00+07:00']);
    expect(pick(row('0', 'drone', 'fr'))).toEqual([
      { line: 2, field: 'trang_thai', reason: 'not a status: "0" (1-10, or its name such as "Đã xử lý xong")' },
      { line: 2, field: 'hinh_thuc_nhan', reason: 'not a way of delivery: "drone" (centre, post or electronic)' },
      { line: 2, field: 'ngon_ngu', reason: 'not a language: "fr" (vi or en)' },
    ]);
  });

  it('an empty required cell is reported once, as empty', () => {
    const header = mapHeader(['ma_ho_so', 'ma_tra_cuu', 'thu_tuc', 'ho_ten', 'ngay_nhan', 'ngay_hen_tra', 'trang_thai']);
    if (!header.ok) throw new Error(header.message);
    const result = convertRow({ line: 9, fields: ['000.00.15.H40-250312-0001', '', 'T', ' ', '12/03/2025', '', '2', 'extra'] }, header.columns, {
      tzOffset: '+07:00',
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 9, field: '(row)', reason: 'has 8 fields, the header has 7' },
        { line: 9, field: 'ma_tra_cuu', reason: 'is empty' },
        { line: 9, field: 'ho_ten', reason: 'is empty' },
        { line: 9, field: 'ngay_hen_tra', reason: 'is empty' },
      ],
    });
  });
});
