import { type CastingContext, type Options, stringify } from 'csv-stringify/sync';

/**
 * CSV writing for exports, with csv-stringify (RFC 4180).
 *
 * - Lines end with CRLF, as RFC 4180 and Excel expect.
 * - A cell is quoted when it contains either separator (`;` or `,`, whichever the file uses: a
 *   spreadsheet that splits on the other one must not see a new cell start mid-value, e.g. with
 *   `Acme;=1+2` in a comma file), a double quote, CR or LF; inner quotes are doubled.
 * - Files start with a UTF-8 byte-order mark (`BOM`) so Excel opens accented text correctly.
 * - `;` is the separator French Excel expects (its list separator, since "," is the decimal mark);
 *   `,` is the RFC default for everything else.
 * - Formula (CSV) injection: a text cell starting with `=`, `+`, `-`, `@`, TAB or CR (or the full-width
 *   `＝＋－＠` that some spreadsheets fold to them) could be run as a formula by a spreadsheet (e.g. a
 *   participant who registers as `=HYPERLINK(...)`). Following OWASP's "CSV Injection" recommendation,
 *   such cells get a leading apostrophe `'`, which spreadsheets show as text; this is the `cast` step
 *   of csv-stringify. The apostrophe is part of the data for other CSV readers; that is the accepted
 *   trade-off. Numbers are not prefixed (a JS number such as -5 is data, not a formula).
 */

export type CsvSeparator = ';' | ',';

/** UTF-8 byte-order mark, written once at the start of a file. */
export const BOM = '\uFEFF';

/** First characters that make a spreadsheet read a cell as a formula (OWASP). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

/** A text cell as a spreadsheet will take it as text, never as a formula. */
function neutralise(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0]) ? `'${text}` : text;
}

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
 * How each value becomes text: null/undefined → empty; Date → ISO 8601 (UTC), invalid Date → empty;
 * array → elements joined with " | "; finite number → `String(n)` (NaN/Infinity → empty);
 * boolean/bigint → `String`; other objects → JSON. Text (not numbers) is then neutralised.
 */
const cast: Options['cast'] = {
  string: (value: string) => neutralise(value),
  number: (value: number) => toText(value),
  bigint: (value: bigint) => toText(value),
  boolean: (value: boolean) => toText(value),
  date: (value: Date) => toText(value),
  object: (value: Record<string, unknown>, _context: CastingContext) => neutralise(toText(value)),
};

function options(separator: CsvSeparator): Options {
  if (separator !== ';' && separator !== ',')
    throw new RangeError(`Unsupported CSV separator: ${JSON.stringify(separator)}`);
  return {
    delimiter: separator,
    record_delimiter: '\r\n',
    quote_record_delimiter: true,
    quoted_match: [';', ','],
    cast,
  };
}

const OPTIONS = { ';': options(';'), ',': options(',') } as const;

/** One CSV record, terminated by CRLF. */
export function csvRow(values: unknown[], separator: CsvSeparator): string {
  const opts = OPTIONS[separator] ?? options(separator);
  // csv-stringify writes nothing for a record without cells; it is still an (empty) line.
  return values.length ? stringify([values], opts) : '\r\n';
}

/** One CSV field, quoted and neutralised as needed (see `cast`). */
export function csvCell(value: unknown, separator: CsvSeparator): string {
  return csvRow([value], separator).slice(0, -2);
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
