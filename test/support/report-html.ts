/** Reading report pages in tests, keeping the narrow no-break spaces of French figures ("39 %"). */

/** The text of an HTML fragment: tags removed, the templates' entities decoded, only ASCII white space collapsed. */
export function cellText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t\r\n]+/g, ' ')
    .trim();
}

/** The table with this id, whole. */
export function tableHtml(html: string, id: string): string {
  const table = new RegExp(`<table[^>]*id="${id}"[^>]*>[\\s\\S]*?</table>`).exec(html);
  if (!table) throw new Error(`no table #${id}`);
  return table[0];
}

/** The text of every cell (th or td) of every row of a table's body (or of the part named). */
export function tableRows(html: string, id: string, part: 'tbody' | 'tfoot' | 'thead' = 'tbody'): string[][] {
  const section = new RegExp(`<${part}>([\\s\\S]*?)</${part}>`).exec(tableHtml(html, id));
  if (!section) return [];
  return [...section[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cellText(cell[1])),
  );
}
