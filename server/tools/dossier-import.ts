import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CsvError, decodeCsvBytes, detectSeparator, parseCsv, type CsvEncoding } from './csv';
import { convertRows, isTzOffset, mapHeader, type AcceptedRow, type RejectedRow } from './dossier-csv';
import { ProgressBar } from './progress';

/**
 * `npm run import -- file.csv --hub http://localhost:3000 --key KEY [--skip-bad]`: reads a dossier
 * CSV, validates every row, and sends the valid ones to the hub in one request (the hub applies
 * all of them or none). By default a file with any rejected row sends nothing.
 */

export const USAGE = `Usage: npm run import -- FILE.csv --hub URL (--key KEY | --key-file FILE) [options]

Options:
  --hub URL          the hub, e.g. http://localhost:3000 (default)
  --key KEY          the import API key (or --key-file, to keep it out of the shell history)
  --key-file FILE    a file holding the API key
  --skip-bad         import the valid rows even if some are rejected
  --tz-offset +07:00 the UTC offset of dates written without one (default +07:00)
  --dry-run          read and check the file, send nothing
  -h, --help         this text

Exit status: 0 imported (or checked, with --dry-run); 1 nothing imported; 2 wrong usage.`;

/** The most dossiers the hub takes in one import. */
export const MAX_IMPORT_ROWS = 50_000;

export interface ImportIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  fetch?: typeof fetch;
}

const ENCODING_NAMES: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with BOM',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1258': 'Windows-1258',
};
const SEPARATOR_NAMES: Record<string, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

/** Runs the import; resolves with the exit status. */
export async function runImport(argv: readonly string[], io: ImportIo): Promise<number> {
  const say = (text: string) => void io.stderr.write(text + '\n');
  const usage = (problem: string) => {
    say(`${problem}\n\n${USAGE}`);
    return 2;
  };

  let args: ReturnType<typeof parseCli>;
  try {
    args = parseCli(argv);
  } catch (error) {
    return usage((error as Error).message);
  }
  if (args.values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const [file, ...more] = args.positionals;
  if (!file || more.length > 0) return usage(file ? `One file at a time (got ${args.positionals.length}).` : 'Which file? Give the CSV file to import.');
  const tzOffset = args.values['tz-offset'] ?? '+07:00';
  if (!isTzOffset(tzOffset)) return usage(`--tz-offset must look like +07:00 (got "${tzOffset}").`);
  const hub = (args.values.hub ?? 'http://localhost:3000').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(hub)) return usage(`--hub must be an http:// or https:// address (got "${hub}").`);
  const dryRun = args.values['dry-run'] ?? false;
  let key = args.values.key;
  if (key === undefined && args.values['key-file'] !== undefined) {
    try {
      key = (await readFile(args.values['key-file'], 'utf8')).trim();
    } catch (error) {
      return usage(`Cannot read the key file: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
    }
  }
  if (!dryRun && !key) return usage('The hub needs the import API key: --key KEY or --key-file FILE.');

  // Read and decode.
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    say(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
    return 1;
  }
  const decoded = decodeCsvBytes(bytes);
  if (decoded.encoding === 'windows-1258')
    say(`${file} is not valid UTF-8: read it as Windows-1258 (CP1258). Check that the Vietnamese letters look right.`);
  if (decoded.undecodable > 0)
    say(`Warning: ${decoded.undecodable} character(s) could not be decoded and show as "\ufffd".`);
  const separator = detectSeparator(decoded.text);
  let records;
  try {
    records = parseCsv(decoded.text, separator);
  } catch (error) {
    if (error instanceof CsvError) {
      say(`${file}: ${error.message}. Nothing was imported.`);
      return 1;
    }
    throw error;
  }
  const header = records[0];
  if (!header || header.fields.every((f) => f.trim() === '')) {
    say(`${file} is empty. Nothing was imported.`);
    return 1;
  }
  const mapped = mapHeader(header.fields);
  if (!mapped.ok) {
    say(`${file}: ${mapped.message}\nNothing was imported.`);
    return 1;
  }

  // Validate every row, with a progress bar.
  const data = records.slice(1);
  const bar = new ProgressBar(io.stderr, data.length);
  const result = convertRows(data, mapped.columns, { tzOffset }, (done) => bar.update(done));
  bar.finish(data.length);
  say(
    `Read ${result.rows} row${result.rows === 1 ? '' : 's'} from ${file} ` +
      `(${ENCODING_NAMES[decoded.encoding]}, separated by ${SEPARATOR_NAMES[separator]}).`,
  );

  const { accepted, rejected } = result;
  if (rejected.length > 0) {
    say(formatReport(rejected, result.rows));
    if (!args.values['skip-bad']) {
      say(
        accepted.length > 0
          ? `Nothing was imported. Fix these rows, or run again with --skip-bad to import the ${accepted.length} valid row${accepted.length === 1 ? '' : 's'}.`
          : 'Nothing was imported.',
      );
      return 1;
    }
    if (accepted.length > 0) say(`--skip-bad: importing the ${accepted.length} valid row${accepted.length === 1 ? '' : 's'} only.`);
  }
  if (accepted.length === 0) {
    say('No valid rows to import. Nothing was imported.');
    return 1;
  }
  if (accepted.length > MAX_IMPORT_ROWS) {
    say(`The hub takes at most ${MAX_IMPORT_ROWS} dossiers at once (this file has ${accepted.length}): split the file. Nothing was imported.`);
    return 1;
  }
  if (dryRun) {
    io.stdout.write(`Dry run: ${accepted.length} row${accepted.length === 1 ? '' : 's'} would be sent. Nothing was sent.\n`);
    return 0;
  }
  return send(hub, key!, accepted, io, say);
}

function parseCli(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      hub: { type: 'string' },
      key: { type: 'string' },
      'key-file': { type: 'string' },
      'skip-bad': { type: 'boolean' },
      'tz-offset': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The report of rejected rows: one line per problem, in file order. */
export function formatReport(rejected: readonly RejectedRow[], rows: number): string {
  const lines = new Set(rejected.map((r) => r.line)).size;
  const sorted = [...rejected].sort((a, b) => a.line - b.line);
  return [
    `${lines} of ${rows} row${rows === 1 ? '' : 's'} rejected:`,
    ...sorted.map((r) => `  line ${r.line}, ${r.field}: ${r.reason}`),
  ].join('\n');
}

async function send(
  hub: string,
  key: string,
  accepted: readonly AcceptedRow[],
  io: ImportIo,
  say: (text: string) => void,
): Promise<number> {
  const doFetch = io.fetch ?? fetch;
  const url = `${hub}/api/dossiers/import`;
  say(`Sending ${accepted.length} dossier${accepted.length === 1 ? '' : 's'} to ${hub} ...`);
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ dossiers: accepted.map((a) => a.dossier) }),
      signal: AbortSignal.timeout(10 * 60_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : null;
    if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code)) {
      say(`Cannot reach the hub at ${hub} (${code}). Nothing was imported.`);
      return 1;
    }
    say(
      `No answer from the hub at ${hub} (${code ?? (error as Error).name}). It may or may not have applied the import; ` +
        'running the same import again is safe (rows already there count as unchanged).',
    );
    return 1;
  }
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (response.status === 200 && body) {
    const n = (k: string) => (typeof body[k] === 'number' ? body[k] : '?');
    io.stdout.write(
      `Imported: received ${n('received')}, created ${n('created')}, updated ${n('updated')}, unchanged ${n('unchanged')}.\n`,
    );
    return 0;
  }
  if (response.status === 401 || response.status === 403) {
    say(`The hub refused the API key (HTTP ${response.status}). Nothing was imported.`);
    return 1;
  }
  if (response.status === 413) {
    say('The hub refused the request as too large (HTTP 413): split the file. Nothing was imported.');
    return 1;
  }
  if (response.status === 422 && body && Array.isArray(body.rejected)) {
    const rejected: RejectedRow[] = [];
    for (const item of body.rejected as { index?: unknown; field?: unknown; reason?: unknown }[]) {
      const row = typeof item.index === 'number' ? accepted[item.index] : undefined;
      rejected.push({
        line: row?.line ?? 0,
        field: typeof item.field === 'string' ? item.field : '(row)',
        reason: typeof item.reason === 'string' ? item.reason : 'rejected',
      });
    }
    say(`The hub refused the import${typeof body.message === 'string' ? ` (${body.message})` : ''}.`);
    say(formatReport(rejected, accepted.length));
    say('Nothing was imported.');
    return 1;
  }
  const message = body && typeof body.message === 'string' ? `: ${body.message}` : '';
  say(
    `The hub answered HTTP ${response.status}${message}. The hub applies all rows or none; ` +
      'running the same import again is safe.',
  );
  return 1;
}
