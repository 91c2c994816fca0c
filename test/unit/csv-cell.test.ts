import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { csvCell, csvRecord, neutraliseCsvText } from '../../server/tools/csv-cell';
import { parseCsv } from '../../server/tools/csv';
import { ReportService, type LabelledReport } from '../../server/app/report-service';
import { fixedConfig } from '../../server/config/centre-config';
import type { ReportFigures } from '../../server/domain/queue-report';
import { testCentre } from '../helpers/test-centre';

describe('the CSV cell rule (OWASP CSV injection)', () => {
  it.each(['=1+2', '=HYPERLINK("http://x","y")', '+1', '-1', '@SUM(A1:A2)', '\tTab', '\rCR', '=', '-'])(
    'puts an apostrophe before %j',
    (text) => expect(neutraliseCsvText(text)).toBe(`'${text}`),
  );

  it.each(['Hộ tịch', 'Nguyễn Thị Lan', 'a=b', 'x-1', 'Quầy 1', "'=1+2", '', ' =1', '1+1', '(1)'])('leaves %j as it is', (text) =>
    expect(neutraliseCsvText(text)).toBe(text),
  );

  it('writes numbers as numbers, negative ones too, and empty cells for nothing', () => {
    expect([0, 3, 7.5, -1, -0.5, 13.3].map((n) => csvCell(n))).toEqual(['0', '3', '7.5', '-1', '-0.5', '13.3']);
    expect([null, undefined, Number.NaN, Number.POSITIVE_INFINITY].map((v) => csvCell(v))).toEqual(['', '', '', '']);
    // The same figure as text is text, and is neutralised.
    expect(csvCell('-1')).toBe("'-1");
  });

  it('quotes after neutralising, only where CSV needs it', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('Lan, Minh')).toBe('"Lan, Minh"');
    expect(csvCell('a;b')).toBe('a;b');
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('reads back, with a proper CSV parser, as the neutralised texts and the numbers', () => {
    const cells = ['=HYPERLINK("http://x","y")', '@SUM(A1:A2)', '=1+2', '+1', '-1', '\tTab', '\r\nCRLF', 'Hộ tịch, "cũ"', 12, -3, null];
    const [record] = parseCsv(csvRecord(cells) + '\r\n', ',');
    expect(record!.fields).toEqual([
      `'=HYPERLINK("http://x","y")`, "'@SUM(A1:A2)", "'=1+2", "'+1", "'-1", "'\tTab", "'\r\nCRLF", 'Hộ tịch, "cũ"', '12', '-3', '',
    ]);
  });
});

describe('the report exports with names the configuration schema would trim', () => {
  // The schema trims names, so a leading tab or CR cannot come from a configuration file today;
  // the exports must not rely on that.
  const config = testCentre();
  config.officers[0]!.name = '\t=1+2';
  config.officers[1]!.name = '\r@SUM(A1:A2)';
  const reports = new ReportService({ config: fixedConfig(config), queue: {} as never, store: {} as never, clock: () => 0 });
  const figures = (key: string, tickets: number): ReportFigures => ({
    key, tickets, served: tickets, noShows: 0, transfers: 0, cancelled: 0,
    waitAverageMinutes: 4.5, waitP90Minutes: 9, serviceAverageMinutes: null, serviceP90Minutes: null,
    estimateErrorMinutes: 2, ratings: { veryGood: 1, good: 0, poor: 0 },
  });
  const report: LabelledReport = {
    from: '2026-11-26', to: '2026-11-26', groupBy: 'officer', days: 1,
    rows: [figures('o1', 2), figures('o2', 3)], total: figures('total', 5),
    busiestHours: Array.from({ length: 24 }, (_, h) => (h === 9 ? 5 : 0)), labels: {}, bookings: null,
  };

  it('CSV: an apostrophe before the tab and the CR', () => {
    const csv = reports.csv(report, 'vi');
    const records = parseCsv(csv.slice(1), ',').map((r) => r.fields);
    expect(records[1]!.slice(0, 4)).toEqual(["'\t=1+2", '2', '2', '0']);
    expect(records[2]!.slice(0, 4)).toEqual(["'\r@SUM(A1:A2)", '3', '3', '0']);
  });

  it('XLSX: plain strings, no formula, text format on the names', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(await reports.xlsx(report, 'en')).buffer);
    const sheet = book.getWorksheet('Report')!;
    expect(sheet.getCell('A3').value).toBe('\t=1+2');
    expect(sheet.getCell('A3').numFmt).toBe('@');
    // A bare CR in XML text reads back as LF (XML line-end handling); still a string.
    expect(sheet.getCell('A4').value).toBe('\n@SUM(A1:A2)');
    expect(sheet.getCell('B4').value).toBe(3);
    book.eachSheet((s) =>
      s.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type, cell.address).not.toBe(ExcelJS.ValueType.Formula);
          expect(cell.formula, cell.address).toBeUndefined();
          expect(['string', 'number'], cell.address).toContain(typeof cell.value);
        }),
      ),
    );
  });
});
