import { translate, type Lang, type MessageKey } from '../i18n';
import type { ProvinceReport, ProvinceReportGrouping, ProvinceReportRow } from '../protocol/province-protocol';
import { csvRecord } from '../tools/csv-cell';
import type { Db } from './db/database';

/**
 * Reports across centres, from the closed days each centre sent (`centre_days.report`: the hub's
 * own report by field for that day). Grouped by centre, field or month. Counts are sums. Averages
 * cannot be recomputed from the tickets, which stay at the centres: the wait and service averages
 * shown are the centres' daily averages per field, weighted by the served count of each (a day's
 * field with nobody served does not count). Percentiles cannot be combined at all and are not shown.
 */

interface Sums {
  key: string;
  days: number | null;
  tickets: number | null;
  served: number | null;
  no_shows: number | null;
  transfers: number | null;
  cancelled: number | null;
  wait_weighted: number | null;
  wait_weight: number | null;
  service_weighted: number | null;
  service_weight: number | null;
  very_good: number | null;
  good: number | null;
  poor: number | null;
}

const KEY: Record<ProvinceReportGrouping, string> = {
  centre: 'd.centre_id',
  field: `r->>'key'`,
  month: 'substr(d.day, 1, 7)',
};

const num = (field: string) => `coalesce((r->>'${field}')::numeric, 0)`;
const SUMS = `
  count(DISTINCT (d.centre_id, d.day))::int AS days,
  sum(${num('tickets')})::float8 AS tickets,
  sum(${num('served')})::float8 AS served,
  sum(${num('noShows')})::float8 AS no_shows,
  sum(${num('transfers')})::float8 AS transfers,
  sum(${num('cancelled')})::float8 AS cancelled,
  sum((r->>'waitAverageMinutes')::float8 * ${num('served')}) FILTER (WHERE r->>'waitAverageMinutes' IS NOT NULL)::float8 AS wait_weighted,
  sum(${num('served')}) FILTER (WHERE r->>'waitAverageMinutes' IS NOT NULL)::float8 AS wait_weight,
  sum((r->>'serviceAverageMinutes')::float8 * ${num('served')}) FILTER (WHERE r->>'serviceAverageMinutes' IS NOT NULL)::float8 AS service_weighted,
  sum(${num('served')}) FILTER (WHERE r->>'serviceAverageMinutes' IS NOT NULL)::float8 AS service_weight,
  sum(coalesce((r->'ratings'->>'veryGood')::numeric, 0))::float8 AS very_good,
  sum(coalesce((r->'ratings'->>'good')::numeric, 0))::float8 AS good,
  sum(coalesce((r->'ratings'->>'poor')::numeric, 0))::float8 AS poor`;

const weighted = (sum: number | null, weight: number | null) => (sum === null || !weight ? null : Math.round((sum / weight) * 10) / 10);

function figures(s: Sums, label: { vi: string; en: string }): ProvinceReportRow {
  return {
    key: s.key,
    label,
    // A sum over no rows is NULL: an empty period's total is zeros.
    days: s.days ?? 0,
    tickets: s.tickets ?? 0,
    served: s.served ?? 0,
    noShows: s.no_shows ?? 0,
    transfers: s.transfers ?? 0,
    cancelled: s.cancelled ?? 0,
    waitAverageMinutes: weighted(s.wait_weighted, s.wait_weight),
    serviceAverageMinutes: weighted(s.service_weighted, s.service_weight),
    ratings: { veryGood: s.very_good ?? 0, good: s.good ?? 0, poor: s.poor ?? 0 },
  };
}

export class ProvinceReports {
  constructor(private readonly db: Db) {}

  /** The report of centres `centres` (null: every centre) over [from, to], grouped. */
  async report(request: { from: string; to: string; groupBy: ProvinceReportGrouping; centres: readonly string[] | null }): Promise<ProvinceReport> {
    const where = `d.day >= $1 AND d.day <= $2${request.centres === null ? '' : ' AND d.centre_id = ANY($3)'}`;
    const params: unknown[] = [request.from, request.to];
    if (request.centres !== null) params.push(request.centres);
    const from = `FROM centre_days d CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(d.report->'rows') = 'array' THEN d.report->'rows' ELSE '[]'::jsonb END) r WHERE ${where}`;
    const [grouped, total, labels] = await Promise.all([
      this.db.query<Sums>(`SELECT ${KEY[request.groupBy]} AS key, ${SUMS} ${from} GROUP BY 1 ORDER BY 1`, params),
      this.db.query<Sums>(`SELECT 'total' AS key, ${SUMS} ${from}`, params),
      this.labels(request.groupBy),
    ]);
    const rows = grouped.rows.map((s) => figures(s, labels(s.key)));
    if (request.groupBy !== 'month') rows.sort((a, b) => a.label.vi.localeCompare(b.label.vi, 'vi') || a.key.localeCompare(b.key));
    return {
      from: request.from,
      to: request.to,
      groupBy: request.groupBy,
      centre: request.centres?.length === 1 ? request.centres[0]! : null,
      rows,
      total: figures(total.rows[0]!, { vi: translate('vi', 'report.total'), en: translate('en', 'report.total') }),
    };
  }

  /** Names of the rows' keys: centres' names, fields' names (as the centres call them), months. */
  private async labels(groupBy: ProvinceReportGrouping): Promise<(key: string) => { vi: string; en: string }> {
    if (groupBy === 'month') {
      const month = (lang: Lang, key: string) => translate(lang, 'province.report.monthLabel', { month: key.slice(5), year: key.slice(0, 4) });
      return (key) => ({ vi: month('vi', key), en: month('en', key) });
    }
    if (groupBy === 'centre') {
      const { rows } = await this.db.query<{ id: string; name: { vi: string; en: string } }>('SELECT id, name FROM centres');
      const names = new Map(rows.map((r) => [r.id, r.name]));
      return (key) => names.get(key) ?? { vi: key, en: key };
    }
    // A field's name as the first centre (by id) that has it calls it.
    const { rows } = await this.db.query<{ id: string; name: { vi: string; en: string } }>(
      `SELECT DISTINCT ON (s->>'id') s->>'id' AS id, s->'name' AS name
         FROM centres c CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.profile->'services') = 'array' THEN c.profile->'services' ELSE '[]'::jsonb END) s
        ORDER BY s->>'id', c.id`,
    );
    const names = new Map(rows.map((r) => [r.id, r.name]));
    return (key) => names.get(key) ?? { vi: key, en: key };
  }
}

const COLUMNS: { key: MessageKey; cell: (r: ProvinceReportRow) => number | null }[] = [
  { key: 'province.report.days', cell: (r) => r.days },
  { key: 'report.taken', cell: (r) => r.tickets },
  { key: 'report.served', cell: (r) => r.served },
  { key: 'report.noShows', cell: (r) => r.noShows },
  { key: 'report.transfers', cell: (r) => r.transfers },
  { key: 'report.cancelled', cell: (r) => r.cancelled },
  { key: 'province.report.waitWeighted', cell: (r) => r.waitAverageMinutes },
  { key: 'province.report.serviceWeighted', cell: (r) => r.serviceAverageMinutes },
  { key: 'report.veryGood', cell: (r) => r.ratings.veryGood },
  { key: 'report.good', cell: (r) => r.ratings.good },
  { key: 'report.poor', cell: (r) => r.ratings.poor },
];

const GROUP_LABEL: Record<ProvinceReportGrouping, MessageKey> = {
  centre: 'province.report.by.centre',
  field: 'province.report.by.field',
  month: 'province.report.by.month',
};

function table(report: ProvinceReport, lang: Lang): (string | number | null)[][] {
  return [
    [translate(lang, GROUP_LABEL[report.groupBy]), ...COLUMNS.map((c) => translate(lang, c.key))],
    ...[...report.rows, report.total].map((r) => [r.label[lang], ...COLUMNS.map((c) => c.cell(r))]),
  ];
}

/**
 * CSV with a byte order mark (so spreadsheet programs read Vietnamese right), text cells made
 * formula-safe by csv-cell.ts (centre and field names come from people).
 */
export function reportCsv(report: ProvinceReport, lang: Lang): string {
  return '\uFEFF' + table(report, lang).map((r) => csvRecord(r)).join('\r\n') + '\r\n';
}

/** The same table as a workbook: a period line, the table, a line saying how averages are made. */
export async function reportXlsx(report: ProvinceReport, lang: Lang): Promise<Buffer> {
  // Loaded here: exceljs takes a third of a second to load, for this export only.
  const { Workbook } = (await import('exceljs')).default;
  const book = new Workbook();
  book.creator = 'Lượt';
  const sheet = book.addWorksheet(translate(lang, 'report.sheet'));
  // Plain strings and numbers only (exceljs writes a string as a string, never a formula); text
  // cells get the Text format so that editing one in Excel keeps "=..." as text.
  const addRow = (cells: (string | number | null)[]) => {
    const row = sheet.addRow(cells.map((c) => (c === null || typeof c === 'number' ? c : String(c))));
    row.eachCell((cell) => {
      if (typeof cell.value === 'string') cell.numFmt = '@';
    });
    return row;
  };
  addRow([`${translate(lang, 'report.period')}: ${report.from} – ${report.to}`]);
  const [header, ...body] = table(report, lang);
  addRow(header!).font = { bold: true };
  body.forEach((cells, i) => {
    const row = addRow(cells);
    if (i === body.length - 1) row.font = { bold: true };
  });
  addRow([]);
  addRow([translate(lang, 'province.report.weightedNote')]);
  sheet.columns.forEach((column, i) => (column.width = i === 0 ? 34 : 16));
  return Buffer.from(await book.xlsx.writeBuffer());
}
