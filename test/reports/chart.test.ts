import t from 'tap';
import { DEFAULT_STRUCTURE_TYPES } from '../../src/events/structure-types.js';
import fc from 'fast-check';
import { barChartSvg, escapeXml } from '../../src/reports/chart.js';
import { breakdown } from '../../src/reports/percentages.js';

const TYPES = DEFAULT_STRUCTURE_TYPES;
const ROWS_2013 = breakdown(
  {
    'travailleur-social': 27,
    association: 18,
    'bailleur-social': 10,
    collectivite: 9,
    'fournisseur-energie': 2,
    autre: 4,
  },
  TYPES,
).rows;

// ---- a tiny, strict XML reader: enough to check well-formedness and read the chart back ----------

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&([^;]*);/g, (_, name: string) => {
    if (name in ENTITIES) return ENTITIES[name];
    throw new Error(`Unknown entity &${name};`);
  });
}

function parseXml(source: string): XmlElement {
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(source)) throw new Error('control character');
  const root: XmlElement = { name: '#document', attributes: {}, children: [] };
  const stack: XmlElement[] = [root];
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while (position < source.length) {
    token.lastIndex = position;
    match = token.exec(source);
    if (!match)
      throw new Error(`Not well-formed at ${position}: ${JSON.stringify(source.slice(position, position + 40))}`);
    position = token.lastIndex;
    const [, closing, name, attributeText, selfClosing, text] = match;
    const current = stack[stack.length - 1];
    if (text !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`bare & in ${JSON.stringify(text)}`);
      if (text.includes('>')) throw new Error(`raw > in ${JSON.stringify(text)}`);
      current.children.push(decode(text));
      continue;
    }
    if (closing) {
      if (current.name !== name) throw new Error(`</${name}> closes <${current.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attributeText.matchAll(/\s+([\w:.-]+)="([^"]*)"/g)) {
      if (key in attributes) throw new Error(`duplicate attribute ${key}`);
      if (/&(?!(?:amp|lt|gt|quot|apos);)/.test(value)) throw new Error(`bare & in attribute ${key}`);
      attributes[key] = decode(value);
    }
    const element: XmlElement = { name, attributes, children: [] };
    current.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  const elements = root.children.filter((child): child is XmlElement => typeof child !== 'string');
  if (elements.length !== 1 || root.children.some((child) => typeof child === 'string' && child.trim()))
    throw new Error('not exactly one root element');
  return elements[0];
}

function all(element: XmlElement, predicate: (e: XmlElement) => boolean): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    if (predicate(e)) found.push(e);
    for (const child of e.children) if (typeof child !== 'string') visit(child);
  };
  visit(element);
  return found;
}

const textOf = (e: XmlElement): string =>
  e.children.map((child) => (typeof child === 'string' ? child : textOf(child))).join('');
/** Label text as a reader sees it: wrapped lines joined by a space. */
const linesOf = (e: XmlElement): string =>
  e.children
    .map((child) => (typeof child === 'string' ? child : textOf(child)))
    .join(' ')
    .trim();
const byClass = (svg: XmlElement, className: string): XmlElement[] => all(svg, (e) => e.attributes.class === className);

/** "27 (38 %)" / "1,234 (5%)" → [27, 38]. */
function parseValue(text: string): [number, number] {
  const match = /^([\d\u202F,]+) \((\d+(?:[.,]\d+)?)\u202F?%\)$/.exec(text);
  if (!match) throw new Error(`unexpected value text ${JSON.stringify(text)}`);
  return [Number(match[1].replace(/[\u202F,]/g, '')), Number(match[2].replace(',', '.'))];
}

function readChart(source: string) {
  const svg = parseXml(source);
  const rows = byClass(svg, 'bar-row').map((group) => {
    const [label] = byClass(group, 'bar-label');
    const [rect] = byClass(group, 'bar');
    const [value] = byClass(group, 'bar-value');
    const [count, percent] = parseValue(textOf(value));
    return {
      label: linesOf(label),
      dataCount: Number(rect.attributes['data-count']),
      dataPercent: Number(rect.attributes['data-percent']),
      width: Number(rect.attributes.width),
      count,
      percent,
    };
  });
  return { svg, rows };
}

t.test('the chart shows exactly the table figures', async (t) => {
  const source = barChartSvg(ROWS_2013, { title: 'Participants par type de structure', locale: 'fr' });
  const { svg, rows } = readChart(source);
  t.equal(rows.length, ROWS_2013.length);
  rows.forEach((row, i) => {
    t.equal(row.label, ROWS_2013[i].label, `label ${i}`);
    t.equal(row.dataCount, ROWS_2013[i].count, `data-count ${i}`);
    t.equal(row.dataPercent, ROWS_2013[i].percent, `data-percent ${i}`);
    t.equal(row.count, ROWS_2013[i].count, `printed count ${i}`);
    t.equal(row.percent, ROWS_2013[i].percent, `printed percent ${i}`);
  });
  t.equal(textOf(byClass(svg, 'bar-value')[0]), '27 (38\u202F%)', 'French typography');

  // Every number visible in the bars' texts is one of the row's figures.
  const shown = byClass(svg, 'bar-value').flatMap((e) => textOf(e).match(/\d+/g)!.map(Number));
  t.same(
    shown,
    ROWS_2013.flatMap((row) => [row.count, row.percent]),
  );

  // Bar lengths: proportional to the counts, the largest count the longest, 0 → no bar.
  const unit = rows[0].width / rows[0].count;
  rows.forEach((row) => t.ok(Math.abs(row.width - row.count * unit) < 0.02, `width of ${row.label}`));
  t.equal(rows.find((row) => row.count === 0)!.width, 0);
  t.ok(
    rows.every((row) => row.width + 16 <= Number(svg.attributes.width)),
    'bars fit',
  );
});

t.test('accessibility and print', async (t) => {
  const source = barChartSvg(ROWS_2013, { title: 'Participants 2013', locale: 'fr' });
  const svg = parseXml(source);
  t.equal(svg.name, 'svg');
  t.equal(svg.attributes.xmlns, 'http://www.w3.org/2000/svg');
  t.equal(svg.attributes.role, 'img');
  t.equal(svg.attributes.lang, 'fr');
  const [titleId, descId] = svg.attributes['aria-labelledby'].split(' ');
  const title = all(svg, (e) => e.name === 'title');
  const desc = all(svg, (e) => e.name === 'desc');
  t.equal(title.length, 1);
  t.equal(desc.length, 1);
  t.equal(title[0].attributes.id, titleId, 'aria-labelledby → <title>');
  t.equal(desc[0].attributes.id, descId, 'aria-labelledby → <desc>');
  t.equal(
    svg.children.find((c) => typeof c !== 'string'),
    title[0],
    '<title> is the first child',
  );
  t.equal(textOf(title[0]), 'Participants 2013');

  const description = textOf(desc[0]);
  t.match(description, /^Diagramme en barres\. Total\u00A0: 70\. /);
  for (const row of ROWS_2013) {
    t.ok(description.includes(`${row.label}\u00A0: ${row.count} (${row.percent}\u202F%)`), `desc lists ${row.label}`);
  }

  t.notMatch(source, /<script|javascript:|\son\w+=|<foreignObject|href=/i, 'no script, handler or link');
  t.notMatch(source, /style=|<style/, 'presentation attributes only (CSP-safe)');
  const texts = all(svg, (e) => e.name === 'text' || e.name === 'g');
  t.ok(
    texts.every((e) => !e.attributes.fill || e.attributes.fill === '#000000'),
    'black text',
  );
  const bars = all(svg, (e) => e.attributes.class === 'bar');
  t.ok(
    bars.every((bar) => bar.attributes.fill === '#1f4e79'),
    'solid dark fill',
  );
  // WCAG relative luminance contrast of the bar colour on white: ≥ 3:1 for graphics (it is ≈ 9:1).
  const lum = (hex: string): number => {
    const [r, g, b] = [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  t.ok(1.05 / (lum('#1f4e79') + 0.05) >= 7, 'bar contrast ≥ 7:1');
  t.ok(
    all(svg, (e) => e.attributes.class === 'background' && e.attributes.fill === '#ffffff').length === 1,
    'white background for printing',
  );
});

t.test('English', async (t) => {
  const rows = [
    { label: 'Social workers', count: 1234, percent: 62 },
    { label: 'Other', count: 756, percent: 38 },
  ];
  const source = barChartSvg(rows, { title: 'Attendees', locale: 'en', width: 400 });
  const { svg, rows: read } = readChart(source);
  t.equal(svg.attributes.width, '400');
  t.same(
    read.map((row) => [row.label, row.count, row.percent, row.dataCount, row.dataPercent]),
    rows.map((row) => [row.label, row.count, row.percent, row.count, row.percent]),
  );
  t.equal(textOf(byClass(svg, 'bar-value')[0]), '1,234 (62%)');
  t.equal(
    textOf(all(svg, (e) => e.name === 'desc')[0]),
    'Bar chart. Total: 1,990. Social workers: 1,234 (62%); Other: 756 (38%).',
  );
});

t.test('escaping', async (t) => {
  const nasty = `<script>&"'`;
  const source = barChartSvg([{ label: nasty, count: 3, percent: 100 }], {
    title: `Titre ${nasty}`,
    locale: 'fr',
    id: 'x" onload="alert(1)',
  });
  t.notMatch(source, /<script/i);
  t.notMatch(source, /onload="/);
  const { svg, rows } = readChart(source); // throws if not well-formed
  t.equal(rows[0].label, nasty, 'label round-trips');
  t.equal(textOf(all(svg, (e) => e.name === 'title')[0]), `Titre ${nasty}`);
  t.ok(textOf(all(svg, (e) => e.name === 'desc')[0]).includes(nasty));
  t.match(svg.attributes['aria-labelledby'], /^[\w-]+-title [\w-]+-desc$/, 'ids reduced to a safe alphabet');
  t.equal(escapeXml(`a<b>&"'\u0001\uFFFE\uD800z`), 'a&lt;b&gt;&amp;&quot;&apos;z', 'XML-forbidden characters dropped');
  t.equal(escapeXml('😀'), '😀', 'surrogate pairs kept');
});

t.test('long labels wrap; ids differ between charts; empty and invalid input', async (t) => {
  const long = 'Centre communal d’action sociale et services départementaux de solidarité territoriale';
  const { svg, rows } = readChart(
    barChartSvg([{ label: long, count: 1, percent: 100 }], { title: 'T', locale: 'fr', width: 320 }),
  );
  t.equal(rows[0].label, long, 'wrapped lines read back as the label');
  t.ok(all(byClass(svg, 'bar-label')[0], (e) => e.name === 'tspan').length > 1, 'wrapped on several lines');

  const word = `Très${'😀'.repeat(60)}long`;
  const cut = readChart(
    barChartSvg([{ label: `x ${word}`, count: 1, percent: 100 }], { title: 'T', locale: 'fr', width: 320 }),
  );
  const cutLines = all(byClass(cut.svg, 'bar-label')[0], (e) => e.name === 'tspan').map(textOf);
  t.same(cutLines[0], 'x', 'a word too long for a line starts a new line');
  t.equal(cutLines.slice(1).join(''), word, 'cut between code points: nothing lost');
  t.ok(cutLines.length >= 3);

  const a = parseXml(barChartSvg(ROWS_2013, { title: 'A', locale: 'fr' }));
  const b = parseXml(barChartSvg(ROWS_2013, { title: 'B', locale: 'fr' }));
  t.not(a.attributes['aria-labelledby'], b.attributes['aria-labelledby'], 'distinct ids for distinct charts');
  t.equal(
    barChartSvg(ROWS_2013, { title: 'A', locale: 'fr' }),
    barChartSvg(ROWS_2013, { title: 'A', locale: 'fr' }),
    'deterministic',
  );

  const empty = parseXml(barChartSvg([], { title: 'Rien', locale: 'fr' }));
  t.equal(textOf(byClass(empty, 'chart-empty')[0]), 'Aucune donnée');
  t.equal(textOf(all(empty, (e) => e.name === 'desc')[0]), 'Diagramme en barres. Aucune donnée.');
  t.equal(byClass(empty, 'bar').length, 0);
  t.match(barChartSvg([], { title: 'Nothing', locale: 'en' }), /No data/);

  t.throws(() => barChartSvg([{ label: 'x', count: -1, percent: 0 }], { title: 't', locale: 'fr' }), RangeError);
  t.throws(
    () => barChartSvg([{ label: 'x', count: 1, percent: Number.NaN }], { title: 't', locale: 'fr' }),
    RangeError,
  );
});

t.test('property: any rows read back identically', async (t) => {
  const label = fc
    .string({
      minLength: 1,
      maxLength: 60,
      unit: fc.constantFrom('a', 'é', ' ', '<', '>', '&', '"', "'", 'Z', '-', '\u00A0', '😀'),
    })
    .filter((s) => s.trim() === s && !s.includes('  '));
  fc.assert(
    fc.property(
      fc.array(fc.record({ label, count: fc.nat({ max: 100_000 }) }), { minLength: 1, maxLength: 12 }),
      fc.constantFrom<'fr' | 'en'>('fr', 'en'),
      (input, locale) => {
        const counts = input.map((row) => row.count);
        const s = counts.reduce((x, y) => x + y, 0);
        const rows = input.map((row) => ({ ...row, percent: s ? Math.round((row.count * 100) / s) : 0 }));
        const read = readChart(barChartSvg(rows, { title: 'P', locale })).rows;
        return (
          read.length === rows.length &&
          read.every(
            (r, i) =>
              r.label === rows[i].label &&
              r.count === rows[i].count &&
              r.percent === rows[i].percent &&
              r.dataCount === rows[i].count &&
              r.dataPercent === rows[i].percent,
          )
        );
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});
