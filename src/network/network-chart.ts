/**
 * Structures reached per year, new and returning, as a standalone accessible SVG (same rules as
 * src/reports/chart.ts: role="img", title and desc spelling out every figure, presentation attributes
 * only). Each year is one bar in two parts: new structures solid, returning ones outlined, so the two
 * read apart in grey print too, and the figures are written next to the bar.
 */
import { escapeXml } from '../reports/chart.js';

export interface YearBar {
  year: number;
  newStructures: number;
  returningStructures: number;
}

export interface YearsChartText {
  title: string;
  locale: 'fr' | 'en';
  /** "{n} nouvelles" / "{n} new", given the count (the translator formats it and picks the plural). */
  newLabel: (n: number) => string;
  returningLabel: (n: number) => string;
  empty: string;
}

const WIDTH = 640;
const MARGIN = 16;
const YEAR_WIDTH = 48;
const BAR_HEIGHT = 22;
const ROW = 40;
const DARK = '#1f4e79';
const CHAR_WIDTH = 7.5;

export function yearsChartSvg(years: YearBar[], text: YearsChartText): string {
  const legend = (y: YearBar) => `${text.newLabel(y.newStructures)} + ${text.returningLabel(y.returningStructures)}`;
  const reserve = Math.ceil(Math.max(0, ...years.map((y) => legend(y).length)) * CHAR_WIDTH) + 8;
  const barMax = Math.max(40, WIDTH - 2 * MARGIN - YEAR_WIDTH - reserve);
  const max = Math.max(0, ...years.map((y) => y.newStructures + y.returningStructures));
  const scale = (n: number) => (max > 0 ? (n / max) * barMax : 0);
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  const body: string[] = [];
  let y = MARGIN + 16;
  body.push(`<text x="${MARGIN}" y="${y}" font-size="16" font-weight="bold">${escapeXml(text.title)}</text>`);
  y += 14;
  if (years.length === 0) {
    y += 18;
    body.push(`<text x="${MARGIN}" y="${y}">${escapeXml(text.empty)}</text>`);
  }
  for (const year of years) {
    const x0 = MARGIN + YEAR_WIDTH;
    const wNew = scale(year.newStructures);
    const wOld = scale(year.returningStructures);
    body.push(
      `<g class="year-row"><text x="${MARGIN}" y="${y + 16}">${year.year}</text>` +
        `<rect class="bar-new" x="${x0}" y="${y}" width="${fmt(wNew)}" height="${BAR_HEIGHT}" fill="${DARK}" data-count="${year.newStructures}"/>` +
        `<rect class="bar-returning" x="${fmt(x0 + wNew)}" y="${y + 1}" width="${fmt(Math.max(0, wOld - 1))}" height="${BAR_HEIGHT - 2}" fill="#ffffff" stroke="${DARK}" stroke-width="2" data-count="${year.returningStructures}"/>` +
        `<text x="${fmt(x0 + wNew + wOld + 6)}" y="${y + 16}">${escapeXml(legend(year))}</text></g>`,
    );
    y += ROW;
  }
  const height = Math.ceil(y + MARGIN - (years.length ? ROW - BAR_HEIGHT : 0));
  const desc = years.length
    ? years.map((year) => `${year.year}${text.locale === 'fr' ? '\u00A0: ' : ': '}${legend(year)}`).join(' ; ')
    : text.empty;
  const id = 'chart-years';
  const lang = escapeXml(text.locale);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" lang="${lang}" xml:lang="${lang}">`,
    `<title id="${id}-title">${escapeXml(text.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(desc)}.</desc>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<g font-family="Arial, Helvetica, sans-serif" font-size="14" fill="#000000">`,
    ...body,
    '</g>',
    '</svg>',
  ].join('\n');
}
