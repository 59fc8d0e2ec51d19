/**
 * Accessible, printable horizontal bar chart as a standalone SVG string (no scripts, no styles that a
 * Content-Security-Policy could block: only presentation attributes).
 *
 * - `role="img"` + `aria-labelledby` pointing at `<title>` and `<desc>`; the desc spells out every
 *   figure for screen readers;
 * - black text on white, bars in a solid dark blue (#1f4e79, contrast 9:1 on white) that prints as a
 *   dark grey; every bar carries its label and its figures in text, so nothing relies on colour;
 * - the figures printed are exactly the rows' `count` and `percent` (also in `data-count` /
 *   `data-percent` on each bar `<rect>`), so tests and readers can check the chart against the table.
 */
import { formatNumberEn, formatNumberFr, formatPercentEn, formatPercentFr, NNBSP } from './percentages.js';

export interface ChartRow {
  label: string;
  count: number;
  percent: number;
}

export interface BarChartOptions {
  title: string;
  locale: 'fr' | 'en';
  /** Total width in px (default 640, minimum 240). */
  width?: number;
  /** Base for the element ids (`<id>-title`, `<id>-desc`); default derived from the content, so two different charts on one page do not collide. */
  id?: string;
}

const NBSP = '\u00A0';
const FONT = 'Arial, Helvetica, sans-serif';
const TEXT_COLOUR = '#000000';
const BAR_COLOUR = '#1f4e79';
const MARGIN = 16;
const TITLE_SIZE = 16;
const FONT_SIZE = 14;
const LINE_HEIGHT = 18;
const BAR_HEIGHT = 20;
const ROW_GAP = 14;
/** Rough average glyph advance of Arial at 14 px, used for wrapping labels and reserving room for the figures. */
const CHAR_WIDTH = 7.5;

/**
 * Escapes text for XML content and attribute values, and drops the characters XML 1.0 forbids
 * (C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF) so the document stays well-formed.
 */
export function escapeXml(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '',
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** FNV-1a, for short deterministic ids. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** Greedy word wrap at ordinary spaces (never at no-break spaces); words longer than a line are cut (between code points). */
function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  for (const chunk of text.split(/[ \t\r\n]+/).filter(Boolean)) {
    let word = Array.from(chunk);
    while (word.length > maxChars) {
      if (line.length > 0) lines.push(line.join(''));
      line = [];
      lines.push(word.slice(0, maxChars).join(''));
      word = word.slice(maxChars);
    }
    if (line.length === 0) line = word;
    else if (line.length + 1 + word.length <= maxChars) line.push(' ', ...word);
    else {
      lines.push(line.join(''));
      line = word;
    }
  }
  if (line.length > 0) lines.push(line.join(''));
  return lines.length > 0 ? lines : [''];
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ''));

/** The figures printed at the end of a bar: "27 (39 %)" / "27 (39%)". */
export function barValueText(row: Pick<ChartRow, 'count' | 'percent'>, locale: 'fr' | 'en'): string {
  return locale === 'fr'
    ? `${formatNumberFr(row.count)} (${formatPercentFr(row.percent)})`
    : `${formatNumberEn(row.count)} (${formatPercentEn(row.percent)})`;
}

/** The text of `<desc>`: a sentence-like list of every figure, for screen readers. */
export function chartDescription(rows: ChartRow[], locale: 'fr' | 'en'): string {
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  if (locale === 'fr') {
    if (rows.length === 0) return 'Diagramme en barres. Aucune donnée.';
    const items = rows.map((row) => `${row.label}${NBSP}: ${barValueText(row, 'fr')}`);
    return `Diagramme en barres. Total${NBSP}: ${formatNumberFr(total)}. ${items.join(`${NNBSP}; `)}.`;
  }
  if (rows.length === 0) return 'Bar chart. No data.';
  const items = rows.map((row) => `${row.label}: ${barValueText(row, 'en')}`);
  return `Bar chart. Total: ${formatNumberEn(total)}. ${items.join('; ')}.`;
}

/**
 * Horizontal bar chart, one bar per row in the given order: the label above its bar (wrapped when
 * long), the bar's length proportional to `count` (the longest bar = the largest count), and
 * "count (percent)" printed just after the end of the bar.
 *
 * @throws RangeError if a count or percent is negative or not finite.
 */
export function barChartSvg(rows: ChartRow[], options: BarChartOptions): string {
  for (const row of rows) {
    if (!Number.isFinite(row.count) || row.count < 0)
      throw new RangeError(`Invalid count for "${row.label}": ${row.count}`);
    if (!Number.isFinite(row.percent) || row.percent < 0)
      throw new RangeError(`Invalid percent for "${row.label}": ${row.percent}`);
  }
  const { title, locale } = options;
  const width = Math.max(240, Math.round(options.width ?? 640));
  // ids are space-separated in aria-labelledby, so keep them to a safe alphabet.
  const id = (options.id ?? `chart-${hash(JSON.stringify([title, locale, rows]))}`).replace(/[^A-Za-z0-9_-]/g, '-');
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const inner = width - 2 * MARGIN;
  const maxChars = Math.max(8, Math.floor(inner / CHAR_WIDTH));

  const valueTexts = rows.map((row) => barValueText(row, locale));
  const valueReserve = Math.ceil(Math.max(0, ...valueTexts.map((text) => text.length)) * CHAR_WIDTH + 8);
  const barMax = Math.max(20, inner - valueReserve);
  const maxCount = Math.max(0, ...rows.map((row) => row.count));

  const body: string[] = [];
  const titleLines = wrap(title, Math.floor(inner / (CHAR_WIDTH * (TITLE_SIZE / FONT_SIZE))));
  let y = MARGIN + TITLE_SIZE;
  body.push(
    `<text class="chart-title" x="${MARGIN}" y="${y}" font-size="${TITLE_SIZE}" font-weight="bold">${titleLines
      .map((line, i) => `<tspan x="${MARGIN}" dy="${i === 0 ? 0 : LINE_HEIGHT + 2}">${escapeXml(line)}</tspan>`)
      .join('')}</text>`,
  );
  y += (titleLines.length - 1) * (LINE_HEIGHT + 2) + ROW_GAP;

  if (rows.length === 0) {
    y += LINE_HEIGHT;
    body.push(
      `<text class="chart-empty" x="${MARGIN}" y="${y}">${locale === 'fr' ? 'Aucune donnée' : 'No data'}</text>`,
    );
    y += ROW_GAP;
  }

  rows.forEach((row, index) => {
    const labelLines = wrap(row.label, maxChars);
    const parts: string[] = [];
    y += LINE_HEIGHT - 4;
    parts.push(
      `<text class="bar-label" x="${MARGIN}" y="${y}">${labelLines
        .map((line, i) => `<tspan x="${MARGIN}" dy="${i === 0 ? 0 : LINE_HEIGHT}">${escapeXml(line)}</tspan>`)
        .join('')}</text>`,
    );
    y += (labelLines.length - 1) * LINE_HEIGHT + 6;
    const barWidth = maxCount > 0 ? (row.count / maxCount) * barMax : 0;
    parts.push(
      `<rect class="bar" x="${MARGIN}" y="${y}" width="${fmt(barWidth)}" height="${BAR_HEIGHT}" fill="${BAR_COLOUR}" data-count="${row.count}" data-percent="${row.percent}"/>`,
    );
    parts.push(
      `<text class="bar-value" x="${fmt(MARGIN + barWidth + 6)}" y="${y + BAR_HEIGHT / 2 + 5}">${escapeXml(valueTexts[index])}</text>`,
    );
    y += BAR_HEIGHT + ROW_GAP;
    body.push(`<g class="bar-row">${parts.join('')}</g>`);
  });

  const height = Math.ceil(y + MARGIN - ROW_GAP);
  const lang = escapeXml(locale);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${escapeXml(titleId)} ${escapeXml(descId)}" lang="${lang}" xml:lang="${lang}">`,
    `<title id="${escapeXml(titleId)}">${escapeXml(title)}</title>`,
    `<desc id="${escapeXml(descId)}">${escapeXml(chartDescription(rows, locale))}</desc>`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<g font-family="${FONT}" font-size="${FONT_SIZE}" fill="${TEXT_COLOUR}">`,
    ...body,
    '</g>',
    '</svg>',
  ].join('\n');
}
