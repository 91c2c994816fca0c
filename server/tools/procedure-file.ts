import { foldVietnamese } from '../domain/vietnamese-fold';
import { procedure, procedureCatalog, type Procedure, type ProcedureCatalog, type ProcedureDocument, type ProcedureFee } from '../protocol/procedure-catalog';
import { decodeCsvBytes, detectSeparator, parseCsv } from './csv';

/**
 * A procedure catalog from a file a supervisor uploads (docs/procedures.md, "Importing"): the JSON
 * of `procedureCatalog`, or a spreadsheet (CSV, XLSX) with one procedure a row. Every bad row is
 * reported, with its line and column; a file with any problem gives no catalog at all.
 */
export interface FileProblem {
  /** The spreadsheet's row (1 = the header), or null for the file as a whole (and JSON). */
  row: number | null;
  column: string | null;
  message: string;
}

export type CatalogFileResult = { ok: true; catalog: ProcedureCatalog } | { ok: false; problems: FileProblem[] };

export type CatalogFormat = 'json' | 'csv' | 'xlsx';

/** The columns of a spreadsheet, by the names they may have (Vietnamese or English, folded). */
const COLUMNS = {
  code: ['ma thu tuc', 'ma', 'code'],
  name: ['ten thu tuc', 'ten', 'name'],
  nameEn: ['ten tieng anh', 'name en', 'english name'],
  field: ['linh vuc', 'field'],
  levels: ['cap thuc hien', 'levels', 'level'],
  ways: ['cach thuc thuc hien', 'cach thuc hien', 'ways'],
  time: ['thoi han giai quyet', 'thoi gian giai quyet', 'time'],
  fees: ['phi, le phi', 'phi le phi', 'le phi', 'fees'],
  documents: ['thanh phan ho so', 'giay to', 'documents'],
  steps: ['trinh tu thuc hien', 'steps'],
  conditions: ['yeu cau, dieu kien', 'yeu cau dieu kien', 'dieu kien', 'conditions'],
  result: ['ket qua thuc hien', 'ket qua', 'result'],
  legalBasis: ['can cu phap ly', 'legal basis'],
  portalUrl: ['dia chi truc tuyen', 'portal url', 'portal'],
  sourceUrl: ['nguon', 'source url', 'source'],
  retrievedOn: ['ngay doc', 'ngay lay', 'retrieved on'],
} as const;
type Column = keyof typeof COLUMNS;
/** Each column's name as a Vietnamese spreadsheet has it, for a column the file lacks. */
const VI_NAMES: Record<Column, string> = {
  code: 'Mã thủ tục',
  name: 'Tên thủ tục',
  nameEn: 'Tên tiếng Anh',
  field: 'Lĩnh vực',
  levels: 'Cấp thực hiện',
  ways: 'Cách thức thực hiện',
  time: 'Thời hạn giải quyết',
  fees: 'Phí, lệ phí',
  documents: 'Thành phần hồ sơ',
  steps: 'Trình tự thực hiện',
  conditions: 'Yêu cầu, điều kiện',
  result: 'Kết quả',
  legalBasis: 'Căn cứ pháp lý',
  portalUrl: 'Địa chỉ trực tuyến',
  sourceUrl: 'Nguồn',
  retrievedOn: 'Ngày đọc',
};
const REQUIRED: Column[] = ['code', 'name', 'field', 'time', 'sourceUrl', 'retrievedOn'];

const MAX_ROWS = 5_000;

/** Words a problem in the reader's language (the hub's dictionaries, `procFile.*`). */
export type ProblemWords = (key: ProblemKey, params?: Record<string, string | number>) => string;
export type ProblemKey =
  | 'missing-column'
  | 'bad-level'
  | 'bad-way'
  | 'bad-date'
  | 'future-date'
  | 'duplicate-code'
  | 'empty'
  | 'too-many'
  | 'not-json'
  | 'unreadable'
  | 'bad-code';

export async function catalogFromFile(bytes: Uint8Array, format: CatalogFormat, today: string, say: ProblemWords): Promise<CatalogFileResult> {
  if (format === 'json') return fromJson(bytes, say);
  let rows: { row: number; cells: string[] }[];
  try {
    rows = format === 'csv' ? csvRows(bytes) : await xlsxRows(bytes);
  } catch (error) {
    return { ok: false, problems: [{ row: null, column: null, message: say('unreadable', { detail: String((error as Error).message ?? error).slice(0, 200) }) }] };
  }
  return fromRows(rows, today, say);
}

function fromJson(bytes: Uint8Array, say: ProblemWords): CatalogFileResult {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    return { ok: false, problems: [{ row: null, column: null, message: say('not-json', { detail: String((error as Error).message).slice(0, 200) }) }] };
  }
  const parsed = procedureCatalog.safeParse(json);
  if (parsed.success) return { ok: true, catalog: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.slice(0, 200).map((i) => ({ row: null, column: i.path.join('.') || null, message: i.message })),
  };
}

function csvRows(bytes: Uint8Array): { row: number; cells: string[] }[] {
  const { text } = decodeCsvBytes(bytes);
  return parseCsv(text, detectSeparator(text)).map((r) => ({ row: r.line, cells: r.fields }));
}

async function xlsxRows(bytes: Uint8Array): Promise<{ row: number; cells: string[] }[]> {
  // Loaded here: exceljs takes a third of a second to load, for imports only.
  const { Workbook } = (await import('exceljs')).default;
  const book = new Workbook();
  await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const sheet = book.worksheets[0];
  if (!sheet) throw new Error('the workbook has no sheet');
  const rows: { row: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cell.text ?? '';
    });
    rows.push({ row: number, cells: Array.from(cells, (c) => c ?? '') });
  });
  return rows;
}

function fromRows(rows: { row: number; cells: string[] }[], today: string, say: ProblemWords): CatalogFileResult {
  const [header, ...body] = rows;
  if (!header) return { ok: false, problems: [{ row: null, column: null, message: say('empty') }] };
  if (body.length > MAX_ROWS) return { ok: false, problems: [{ row: null, column: null, message: say('too-many', { max: MAX_ROWS }) }] };
  const at = new Map<Column, number>();
  /** A column as the file names it (as the supervisor reads it), or its first Vietnamese name. */
  const named = (c: Column) => (at.has(c) ? header.cells[at.get(c)!]!.trim() : VI_NAMES[c]);
  const problems: FileProblem[] = [];
  header.cells.forEach((cell, i) => {
    const name = foldVietnamese(cell).replace(/[()]/g, '').trim();
    const column = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(name));
    if (column && !at.has(column)) at.set(column, i);
  });
  for (const c of REQUIRED) if (!at.has(c)) problems.push({ row: header.row, column: VI_NAMES[c], message: say('missing-column') });
  if (problems.length > 0) return { ok: false, problems };

  const procedures: Procedure[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of body) {
    const cell = (c: Column) => (at.has(c) ? (cells[at.get(c)!] ?? '').trim() : '');
    if (cells.every((c) => c.trim() === '')) continue;
    const rowProblems: FileProblem[] = [];
    const bad = (column: Column, key: ProblemKey) => rowProblems.push({ row, column: named(column), message: say(key) });
    const levels = listOf(cell('levels')).map(levelOf);
    const ways = listOf(cell('ways')).map(wayOf);
    if (levels.includes(null)) bad('levels', 'bad-level');
    if (ways.includes(null)) bad('ways', 'bad-way');
    if (!/^\d{1,2}\.\d{6}$/.test(cell('code'))) bad('code', 'bad-code');
    const retrievedOn = dayOf(cell('retrievedOn'));
    if (!retrievedOn) bad('retrievedOn', 'bad-date');
    else if (retrievedOn > today) bad('retrievedOn', 'future-date');
    const candidate = {
      code: cell('code'),
      name: cell('name'),
      nameEn: cell('nameEn') || null,
      field: cell('field'),
      levels: levels.length > 0 ? levels : ['commune'],
      ways: ways.length > 0 ? ways : ['in-person'],
      time: timeOf(cell('time')),
      fees: feesOf(cell('fees')),
      documents: linesOf(cell('documents')).map(documentOf),
      steps: linesOf(cell('steps')),
      conditions: linesOf(cell('conditions')),
      result: cell('result') || '—',
      legalBasis: linesOf(cell('legalBasis')),
      portalUrl: cell('portalUrl') || null,
      source: { url: cell('sourceUrl'), retrievedOn: retrievedOn ?? '', note: null },
    };
    if (rowProblems.length === 0) {
      const parsed = procedure.safeParse(candidate);
      if (!parsed.success) for (const i of parsed.error.issues.slice(0, 5)) rowProblems.push({ row, column: columnOfPath(i.path, named), message: i.message });
      else if (seen.has(parsed.data.code)) rowProblems.push({ row, column: named('code'), message: say('duplicate-code', { code: parsed.data.code, row: seen.get(parsed.data.code)! }) });
      else {
        seen.set(parsed.data.code, row);
        procedures.push(parsed.data);
      }
    }
    problems.push(...rowProblems);
  }
  if (problems.length > 0) return { ok: false, problems: problems.slice(0, 500) };
  if (procedures.length === 0) return { ok: false, problems: [{ row: null, column: null, message: say('empty') }] };
  const source = procedures[0]!.source;
  return {
    ok: true,
    catalog: { source: { name: 'Danh mục nhập từ bảng tính', url: null, retrievedOn: source.retrievedOn, note: null }, procedures },
  };
}

function columnOfPath(path: readonly PropertyKey[], named: (c: Column) => string): string {
  const key = String(path[0] ?? '');
  if (key === 'source') return named(String(path[1]) === 'url' ? 'sourceUrl' : 'retrievedOn');
  return key in COLUMNS ? named(key as Column) : key;
}

/** Items separated by ";" or line breaks. */
function listOf(text: string): string[] {
  return text
    .split(/[;\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** One item a line; a leading "-", "•" or "1." dropped. */
function linesOf(text: string): string[] {
  return text
    .split(/\r?\n+/)
    .map((s) => s.replace(/^\s*(?:[-•*+]\s*|\d{1,2}[.)]\s+)/, '').trim())
    .filter(Boolean);
}

function levelOf(text: string): Procedure['levels'][number] | null {
  const f = foldVietnamese(text);
  if (/\bxa\b|phuong|commune/.test(f)) return 'commune';
  if (/tinh|province/.test(f)) return 'province';
  if (/trung uong|bo\b|central/.test(f)) return 'central';
  return null;
}

function wayOf(text: string): Procedure['ways'][number] | null {
  const f = foldVietnamese(text);
  if (/toan trinh|online-full/.test(f)) return 'online-full';
  if (/mot phan|truc tuyen|online/.test(f)) return 'online-partial';
  if (/buu chinh|post/.test(f)) return 'post';
  if (/truc tiep|in-person/.test(f)) return 'in-person';
  return null;
}

function dayOf(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const day = iso ? text : vn ? `${vn[3]}-${vn[2]!.padStart(2, '0')}-${vn[1]!.padStart(2, '0')}` : null;
  if (!day) return null;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day ? day : null;
}

/** The wording kept; one number and its unit when the wording starts with one ("05 ngày làm việc"). */
export function timeOf(text: string): Procedure['time'] {
  const f = foldVietnamese(text);
  if (/^(ngay )?trong (ngay|ngay lam viec)\b/.test(f)) return { text, amount: null, unit: 'same-day' };
  const m = /^(\d{1,3}(?:[.,]\d)?)\s*(ngay lam viec|ngay|gio lam viec|gio)\b/.exec(f);
  if (!m) return { text, amount: null, unit: null };
  const amount = Number(m[1]!.replace(',', '.'));
  const unit = m[2] === 'ngay lam viec' ? 'working-days' : m[2] === 'ngay' ? 'days' : 'hours';
  return { text, amount, unit };
}

/** One fee a line; "Không" (or nothing) is none; an amount read only when the line is one ("50.000 đồng"). */
function feesOf(text: string): ProcedureFee[] {
  const lines = linesOf(text);
  if (lines.length === 0 || (lines.length === 1 && /^khong( co)?$/.test(foldVietnamese(lines[0]!)))) return [];
  return lines.map((line) => {
    const m = /^(\d{1,3}(?:\.\d{3})*|\d+)\s*(?:đ|đồng|vnd|vnđ)\.?$/i.exec(line.trim());
    return { kind: 'charge', amountVnd: m ? Number(m[1]!.replace(/\./g, '')) : null, text: line };
  });
}

/** "Tờ khai đăng ký khai sinh (1 bản chính, 1 bản sao)": the counts read from the brackets at the end. */
function documentOf(line: string): ProcedureDocument {
  const m = /\(([^()]*(?:bản chính|bản sao)[^()]*)\)\s*$/i.exec(line);
  const counts = m?.[1] ?? '';
  const originals = /(\d+)\s*bản chính/i.exec(counts);
  const copies = /(\d+)\s*bản sao/i.exec(counts);
  return {
    name: m ? line.slice(0, m.index).trim() : line,
    originals: originals ? Number(originals[1]) : null,
    copies: copies ? Number(copies[1]) : null,
    form: null,
    note: null,
  };
}
