/**
 * CSV writing for exports, by hand (RFC 4180) — no dependency.
 *
 * - Lines end with CRLF, as RFC 4180 and Excel expect.
 * - A cell is quoted when it contains the separator, a double quote, CR or LF; inner quotes are doubled.
 * - Files start with a UTF-8 byte-order mark (`BOM`) so Excel opens accented text correctly.
 * - `;` is the separator French Excel expects (its list separator, since "," is the decimal mark);
 *   `,` is the RFC default for everything else.
 * - Formula (CSV) injection: a text cell starting with `=`, `+`, `-`, `@`, TAB or CR could be run as a
 *   formula by a spreadsheet (e.g. a participant who registers as `=HYPERLINK(...)`). Following OWASP's
 *   "CSV Injection" recommendation, such cells get a leading apostrophe `'`, which spreadsheets show
 *   as text. The apostrophe is part of the data for other CSV readers; that is the accepted trade-off.
 *   Numbers are not prefixed (a JS number such as -5 is data, not a formula, and must stay numeric).
 */

export type CsvSeparator = ';' | ',';

/** UTF-8 byte-order mark, written once at the start of a file. */
export const BOM = '\uFEFF';

/** First characters that make a spreadsheet read a cell as a formula (OWASP). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (Array.isArray(value)) return value.map(toText).join(' | ');
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : '';
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'object':
      return JSON.stringify(value) ?? '';
    default:
      return String(value);
  }
}

/**
 * One CSV field, quoted and neutralised as needed:
 * null/undefined → empty; Date → ISO 8601 (UTC), invalid Date → empty; array → elements joined with
 * " | "; finite number → `String(n)` (NaN/Infinity → empty); boolean/bigint → `String`; other objects
 * → JSON. Then formula neutralisation (not for numbers), then RFC 4180 quoting.
 */
export function csvCell(value: unknown, separator: CsvSeparator): string {
  if (separator !== ';' && separator !== ',')
    throw new RangeError(`Unsupported CSV separator: ${JSON.stringify(separator)}`);
  let text = toText(value);
  if (typeof value !== 'number' && typeof value !== 'bigint' && text.length > 0 && FORMULA_TRIGGERS.has(text[0])) {
    text = `'${text}`;
  }
  if (text.includes(separator) || text.includes('"') || text.includes('\r') || text.includes('\n')) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

/** One CSV record, terminated by CRLF. */
export function csvRow(values: unknown[], separator: CsvSeparator): string {
  return `${values.map((value) => csvCell(value, separator)).join(separator)}\r\n`;
}

/**
 * Streams a CSV file: first `BOM` + the header line, then one line per row, as rows arrive
 * (works with a database cursor / async iterable as well as an array), e.g.
 * `Readable.from(csvLines(header, rows, ';')).pipe(reply.raw)`.
 */
export async function* csvLines(
  header: string[],
  rows: AsyncIterable<unknown[]> | Iterable<unknown[]>,
  separator: CsvSeparator,
): AsyncGenerator<string, void, undefined> {
  yield BOM + csvRow(header, separator);
  for await (const row of rows) yield csvRow(row, separator);
}
