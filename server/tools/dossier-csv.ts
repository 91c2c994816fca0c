import { dossierInputSchema, type DossierInput } from '../domain/dossier-register';
import { stripDiacritics } from '../notifications/templates';
import type { CsvRecord } from './csv';

/**
 * Turns the rows of a dossier CSV into import payloads, or into a report of what is wrong with
 * each rejected row (its line in the file, the column, the reason). Pure.
 */

export type ColumnKey =
  | 'code'
  | 'lookupKey'
  | 'procedure'
  | 'field'
  | 'name'
  | 'phone'
  | 'email'
  | 'lang'
  | 'receivedAt'
  | 'dueAt'
  | 'status'
  | 'delivery'
  | 'collectAt'
  | 'note';

/** The columns: Vietnamese name first, then English; headers match without case or diacritics. */
export const COLUMNS: ReadonlyArray<{ key: ColumnKey; names: readonly string[]; required: boolean }> = [
  { key: 'code', names: ['ma_ho_so', 'code'], required: true },
  { key: 'lookupKey', names: ['ma_tra_cuu', 'lookup_key'], required: true },
  { key: 'procedure', names: ['thu_tuc', 'procedure'], required: true },
  { key: 'field', names: ['linh_vuc', 'field'], required: false },
  { key: 'name', names: ['ho_ten', 'applicant_name'], required: true },
  { key: 'phone', names: ['dien_thoai', 'phone'], required: false },
  { key: 'email', names: ['email'], required: false },
  { key: 'lang', names: ['ngon_ngu', 'lang'], required: false },
  { key: 'receivedAt', names: ['ngay_nhan', 'received_at'], required: true },
  { key: 'dueAt', names: ['ngay_hen_tra', 'due_at'], required: true },
  { key: 'status', names: ['trang_thai', 'status'], required: true },
  { key: 'delivery', names: ['hinh_thuc_nhan', 'delivery'], required: false },
  { key: 'collectAt', names: ['noi_nhan', 'collect_at'], required: false },
  { key: 'note', names: ['ghi_chu', 'note'], required: false },
];

/** "Mã hồ sơ", "MA_HO_SO", "ma-ho-so", "lookupKey" -> "ma_ho_so", "lookup_key". */
export function normalizeHeader(header: string): string {
  return stripDiacritics(header.replace(/^\ufeff/, '').trim())
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export type HeaderMap = Map<ColumnKey, { index: number; header: string }>;

/** Maps the header row to columns, or one message naming every missing, unknown or repeated column. */
export function mapHeader(fields: readonly string[]): { ok: true; columns: HeaderMap } | { ok: false; message: string } {
  const byName = new Map<string, ColumnKey>();
  for (const column of COLUMNS) for (const name of column.names) byName.set(name, column.key);
  const columns: HeaderMap = new Map();
  const unknown: string[] = [];
  const repeated: string[] = [];
  fields.forEach((header, index) => {
    const normalized = normalizeHeader(header);
    if (normalized === '') return; // an empty trailing column, as spreadsheets leave
    const key = byName.get(normalized);
    if (!key) unknown.push(`"${header.trim()}" (column ${index + 1})`);
    else if (columns.has(key)) repeated.push(`"${header.trim()}" (columns ${columns.get(key)!.index + 1} and ${index + 1})`);
    else columns.set(key, { index, header: header.replace(/^\ufeff/, '').trim() });
  });
  const missing = COLUMNS.filter((c) => c.required && !columns.has(c.key)).map((c) => c.names.join('/'));
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  if (unknown.length > 0) problems.push(`unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  if (repeated.length > 0) problems.push(`column${repeated.length > 1 ? 's' : ''} given twice: ${repeated.join(', ')}`);
  if (problems.length > 0) {
    const known = COLUMNS.map((c) => `${c.names.join('/')}${c.required ? '' : ' (optional)'}`).join(', ');
    return { ok: false, message: `The header row does not fit: ${problems.join('; ')}.\nColumns: ${known}.` };
  }
  return { ok: true, columns };
}

export interface RejectedRow {
  line: number;
  /** The column's header as written in the file (or a schema path when there is no column). */
  field: string;
  reason: string;
}

export interface AcceptedRow {
  line: number;
  dossier: DossierInput;
}

export interface RowOptions {
  /** The centre's UTC offset for dates written without one, e.g. "+07:00". */
  tzOffset: string;
}

const TZ_OFFSET = /^(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;
export function isTzOffset(value: string): boolean {
  return TZ_OFFSET.test(value);
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const ISO_LOCAL = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const HM = /^(\d{1,2})[:hg](\d{2})(?::(\d{2}))?$/;

/**
 * A date cell as ISO 8601 with an offset. Accepts ISO with an offset (kept), ISO without one,
 * "dd/mm/yyyy hh:mm[:ss]" and "hh:mm dd/mm/yyyy" (also with - or . in the date) in the given
 * offset. A date without a time is `timeIfNone` on that day. Null when it is not a real date.
 */
export function parseDateCell(value: string, tzOffset: string, timeIfNone: string): string | null {
  const v = value.trim().replace(/\s+/g, ' ');
  if (ISO_WITH_OFFSET.test(v)) return Number.isNaN(Date.parse(v)) ? null : v;
  let y: number, mo: number, d: number;
  let time: string | undefined;
  const iso = ISO_LOCAL.exec(v);
  if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (iso[4] !== undefined) time = `${iso[4]}:${iso[5]}${iso[6] !== undefined ? `:${iso[6]}` : ''}`;
  } else {
    const parts = v.split(' ');
    if (parts.length > 2) return null;
    // The date first ("12/03/2025 08:00") or the time first ("08:15 26/11/2026").
    let dmy = DMY.exec(parts[0]!);
    time = parts[1];
    if (!dmy && parts.length === 2) {
      dmy = DMY.exec(parts[1]!);
      time = parts[0];
    }
    if (!dmy) return null;
    [d, mo, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  }
  const hm = HM.exec(time ?? timeIfNone);
  if (!hm) return null;
  const [h, mi, s] = [Number(hm[1]), Number(hm[2]), Number(hm[3] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59 || y < 1900) return null;
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${tzOffset === 'Z' ? 'Z' : tzOffset}`;
}

function pad(x: number, width: number): string {
  return String(x).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The national status names (Vietnamese, without diacritics) and common English ones. */
const STATUS_NAMES: ReadonlyMap<string, number> = new Map([
  ['moi dang ky', 1],
  ['moi', 1],
  ['new', 1],
  ['duoc tiep nhan', 2],
  ['da tiep nhan', 2],
  ['accepted', 2],
  ['khong duoc tiep nhan', 3],
  ['not accepted', 3],
  ['dang xu ly', 4],
  ['processing', 4],
  ['yeu cau bo sung giay to', 5],
  ['bo sung giay to', 5],
  ['more documents needed', 5],
  ['yeu cau thuc hien nghia vu tai chinh', 6],
  ['thuc hien nghia vu tai chinh', 6],
  ['payment needed', 6],
  ['cong dan yeu cau rut ho so', 7],
  ['rut ho so', 7],
  ['withdrawn', 7],
  ['dung xu ly', 8],
  ['stopped', 8],
  ['da xu ly xong', 9],
  ['result ready', 9],
  ['da tra ket qua', 10],
  ['result returned', 10],
]);

const DELIVERY_NAMES: ReadonlyMap<string, DossierInput['delivery']> = new Map([
  ['centre', 'centre'],
  ['center', 'centre'],
  ['tai trung tam', 'centre'],
  ['truc tiep', 'centre'],
  ['tai bo phan mot cua', 'centre'],
  ['post', 'post'],
  ['buu chinh', 'post'],
  ['buu chinh cong ich', 'post'],
  ['qua buu chinh cong ich', 'post'],
  ['buu dien', 'post'],
  ['electronic', 'electronic'],
  ['dien tu', 'electronic'],
  ['truc tuyen', 'electronic'],
]);

const LANG_NAMES: ReadonlyMap<string, 'vi' | 'en'> = new Map([
  ['vi', 'vi'],
  ['tieng viet', 'vi'],
  ['vietnamese', 'vi'],
  ['en', 'en'],
  ['tieng anh', 'en'],
  ['english', 'en'],
]);

const words = (v: string) => stripDiacritics(v).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/**
 * A phone cell made of digits: spaces, dots, dashes and brackets dropped. A 9-digit mobile number
 * whose leading 0 a spreadsheet dropped (912345678) gets it back.
 */
export function cleanPhone(value: string): string {
  const compact = value.trim().replace(/[\s.\-()]/g, '');
  return /^[35789]\d{8}$/.test(compact) ? `0${compact}` : compact;
}

/** Where each schema path is reported. */
const PATH_COLUMN: Record<string, ColumnKey> = {
  code: 'code',
  lookupKey: 'lookupKey',
  procedure: 'procedure',
  field: 'field',
  'applicant.name': 'name',
  'applicant.phone': 'phone',
  'applicant.email': 'email',
  'applicant.lang': 'lang',
  receivedAt: 'receivedAt',
  dueAt: 'dueAt',
  status: 'status',
  delivery: 'delivery',
  collectAt: 'collectAt',
  note: 'note',
};

/** A date cell without a time: received at the start of the day, due at the end of office hours. */
export const RECEIVED_TIME_IF_NONE = '00:00';
export const DUE_TIME_IF_NONE = '17:00';

const widths = new WeakMap<HeaderMap, number>();
function headerWidth(columns: HeaderMap): number {
  let width = widths.get(columns);
  if (width === undefined) {
    width = Math.max(...[...columns.values()].map((c) => c.index)) + 1;
    widths.set(columns, width);
  }
  return width;
}

/** One data row to a dossier input, or the reasons it is rejected. */
export function convertRow(
  record: CsvRecord,
  columns: HeaderMap,
  options: RowOptions,
): { ok: true; dossier: DossierInput } | { ok: false; problems: RejectedRow[] } {
  // Plain code, no closures: this runs 40,000 times for a year's register.
  const problems: RejectedRow[] = [];
  const line = record.line;
  const c = readCells(record, columns);

  const width = headerWidth(columns);
  for (let i = width; i < record.fields.length; i++)
    if (record.fields[i]!.trim() !== '') {
      problems.push({ line, field: '(row)', reason: `has ${record.fields.length} fields, the header has ${width}` });
      break;
    }

  for (const column of COLUMNS)
    if (column.required && c[column.key] === '') problems.push({ line, field: headerOf(columns, column.key), reason: 'is empty' });

  let receivedAt: string | undefined;
  let dueAt: string | undefined;
  if (c.receivedAt !== '') {
    receivedAt = parseDateCell(c.receivedAt, options.tzOffset, RECEIVED_TIME_IF_NONE) ?? undefined;
    if (receivedAt === undefined) problems.push({ line, field: headerOf(columns, 'receivedAt'), reason: notADate(c.receivedAt) });
  }
  if (c.dueAt !== '') {
    dueAt = parseDateCell(c.dueAt, options.tzOffset, DUE_TIME_IF_NONE) ?? undefined;
    if (dueAt === undefined) problems.push({ line, field: headerOf(columns, 'dueAt'), reason: notADate(c.dueAt) });
  }
  if (receivedAt && dueAt && Date.parse(dueAt) < Date.parse(receivedAt))
    problems.push({ line, field: headerOf(columns, 'dueAt'), reason: 'is before the received date' });

  let status: number | undefined;
  if (c.status !== '') {
    status = /^\d{1,2}$/.test(c.status) ? Number(c.status) : STATUS_NAMES.get(words(c.status));
    if (status === undefined || status < 1 || status > 10) {
      problems.push({
        line,
        field: headerOf(columns, 'status'),
        reason: `not a status: "${c.status}" (1-10, or its name such as "Đã xử lý xong")`,
      });
      status = undefined;
    }
  }

  let delivery: DossierInput['delivery'] | undefined;
  if (c.delivery !== '') {
    delivery = DELIVERY_NAMES.get(c.delivery) ?? DELIVERY_NAMES.get(words(c.delivery));
    if (!delivery)
      problems.push({
        line,
        field: headerOf(columns, 'delivery'),
        reason: `not a way of delivery: "${c.delivery}" (centre, post or electronic)`,
      });
  }

  let lang: 'vi' | 'en' | undefined;
  if (c.lang !== '') {
    lang = LANG_NAMES.get(c.lang) ?? LANG_NAMES.get(words(c.lang));
    if (!lang) problems.push({ line, field: headerOf(columns, 'lang'), reason: `not a language: "${c.lang}" (vi or en)` });
  }

  const candidate = {
    code: c.code,
    lookupKey: c.lookupKey,
    procedure: c.procedure,
    field: c.field === '' ? null : c.field,
    applicant: {
      name: c.name,
      phone: c.phone === '' ? null : cleanPhone(c.phone),
      email: c.email === '' ? null : c.email,
      ...(lang ? { lang } : {}),
    },
    receivedAt,
    dueAt,
    status,
    ...(delivery ? { delivery } : {}),
    collectAt: c.collectAt === '' ? null : c.collectAt,
    note: c.note === '' ? null : c.note,
  };

  const parsed = dossierInputSchema.safeParse(candidate);
  if (!parsed.success) {
    const already = new Set(problems.map((p) => p.field));
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      const key = PATH_COLUMN[path];
      const field = key ? headerOf(columns, key) : path || '(row)';
      // A cell already reported (empty, not a date) is not reported twice.
      if (already.has(field)) continue;
      already.add(field);
      problems.push({ line, field, reason: issue.message });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    // In the order of the columns in the file.
    const order = new Map([...columns.values()].map((col) => [col.header, col.index]));
    problems.sort((a, b) => (order.get(a.field) ?? -1) - (order.get(b.field) ?? -1));
    return { ok: false, problems };
  }
  return { ok: true, dossier: parsed.data };
}

function headerOf(columns: HeaderMap, key: ColumnKey): string {
  return columns.get(key)?.header ?? key;
}

function notADate(raw: string): string {
  return `not a date: "${raw}" (use dd/mm/yyyy hh:mm, or ISO 8601)`;
}

/** Every column's cell, trimmed and composed (text from decodeCsvBytes is NFC already: cheap then). */
function readCells(record: CsvRecord, columns: HeaderMap): Record<ColumnKey, string> {
  const cells: Record<ColumnKey, string> = {
    code: '',
    lookupKey: '',
    procedure: '',
    field: '',
    name: '',
    phone: '',
    email: '',
    lang: '',
    receivedAt: '',
    dueAt: '',
    status: '',
    delivery: '',
    collectAt: '',
    note: '',
  };
  for (const [key, at] of columns) cells[key] = (record.fields[at.index] ?? '').trim().normalize('NFC');
  return cells;
}

export interface ConvertResult {
  accepted: AcceptedRow[];
  rejected: RejectedRow[];
  /** Data rows read (blank rows not counted). */
  rows: number;
}

/**
 * Every data row (after the header) converted and validated. Blank rows are skipped. A code given
 * on two rows rejects the later one. `onProgress` is called as rows are done.
 */
export function convertRows(
  records: readonly CsvRecord[],
  columns: HeaderMap,
  options: RowOptions,
  onProgress: (done: number, total: number) => void = () => undefined,
): ConvertResult {
  const accepted: AcceptedRow[] = [];
  const rejected: RejectedRow[] = [];
  const firstLineOfCode = new Map<string, number>();
  const total = records.length;
  let rows = 0;
  records.forEach((record, i) => {
    if (isBlank(record.fields)) {
      onProgress(i + 1, total);
      return;
    }
    rows += 1;
    const result = convertRow(record, columns, options);
    if (!result.ok) rejected.push(...result.problems);
    else {
      const seen = firstLineOfCode.get(result.dossier.code);
      if (seen !== undefined)
        rejected.push({ line: record.line, field: columns.get('code')!.header, reason: `the same code is on line ${seen}` });
      else {
        firstLineOfCode.set(result.dossier.code, record.line);
        accepted.push({ line: record.line, dossier: result.dossier });
      }
    }
    onProgress(i + 1, total);
  });
  return { accepted, rejected, rows };
}

function isBlank(fields: readonly string[]): boolean {
  for (const f of fields) if (f.trim() !== '') return false;
  return true;
}
