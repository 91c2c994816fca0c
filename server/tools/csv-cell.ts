/**
 * Writing CSV cells that a spreadsheet program cannot run (CSV injection, the OWASP rule). Names of
 * officers and services come from people: a cell such as `=HYPERLINK(...)` or `@SUM(A1:A2)` would
 * be a formula when the file is opened. Every CSV the hub or a tool writes goes through here. Pure.
 */

/** A text cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The text, with a leading apostrophe when it would start a formula. */
export function neutraliseCsvText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One cell: numbers as numbers (negative ones included: they are figures, not formulas), text
 * neutralised and then quoted when it holds a quote, the separator or a line break. An empty cell
 * for null (and for a number that is not finite, which no figure should be).
 */
export function csvCell(value: string | number | null | undefined, separator = ','): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = neutraliseCsvText(value);
  const needsQuotes = text.includes('"') || text.includes(separator) || text.includes('\r') || text.includes('\n');
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, without its line end. */
export function csvRecord(cells: readonly (string | number | null | undefined)[], separator = ','): string {
  return cells.map((cell) => csvCell(cell, separator)).join(separator);
}
