import { inflateSync } from 'node:zlib';

/**
 * The text of each page of a PDF that Chromium prints (`page.pdf()`, Skia's writer): enough of PDF to
 * read it back without a PDF library. Objects are read in order (streams skipped by their /Length),
 * pages in the order of the page tree, and each page's text drawn with `Tj`/`TJ` is mapped back to
 * Unicode through its font's /ToUnicode CMap. Each text object (BT … ET) ends with a line break.
 * Not a general PDF reader: no object streams, no cross-reference streams, no encryption.
 */
export interface PdfPage {
  /** [x0, y0, x1, y1] in points. */
  mediaBox: number[];
  text: string;
}

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const start = /(\d+) 0 obj\b/g;
  let cursor = 0;
  for (;;) {
    start.lastIndex = cursor;
    const found = start.exec(text);
    if (!found) break;
    const body = found.index + found[0].length;
    const end = text.indexOf('endobj', body);
    const streamAt = text.indexOf('stream', body);
    if (streamAt !== -1 && streamAt < end) {
      const dict = text.slice(body, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
      const dataStart = streamAt + (text.startsWith('stream\r\n', streamAt) ? 8 : 7);
      const raw = pdf.subarray(dataStart, dataStart + length);
      objects.set(Number(found[1]), { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
      cursor = text.indexOf('endobj', dataStart + length) + 6;
    } else {
      objects.set(Number(found[1]), { dict: text.slice(body, end) });
      cursor = end + 6;
    }
  }
  return objects;
}

const refs = (s: string) => [...s.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));

/** UTF-16BE hex (a CMap destination) to a string. */
function utf16(hex: string): string {
  const units: number[] = [];
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(Number.parseInt(hex.slice(i, i + 4), 16));
  return String.fromCharCode(...units);
}

/** A ToUnicode CMap: glyph code (hex, 4 digits) to text. */
function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const [, code, dst] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
      map.set(Number.parseInt(code, 16), utf16(dst));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, dst, list] of block[1].matchAll(
      /<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])/g,
    )) {
      const from = Number.parseInt(lo, 16);
      const to = Number.parseInt(hi, 16);
      const each = list ? [...list.matchAll(/<([0-9A-Fa-f]+)>/g)].map((m) => utf16(m[1])) : null;
      for (let code = from; code <= to; code++) {
        if (each) map.set(code, each[code - from] ?? '');
        else {
          const base = utf16(dst);
          map.set(code, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + code - from));
        }
      }
    }
  }
  return map;
}

function pageText(content: string, fonts: Map<string, Map<number, string>>): string {
  let font = new Map<number, string>();
  let out = '';
  const decode = (hex: string) => {
    for (let i = 0; i + 4 <= hex.length; i += 4) out += font.get(Number.parseInt(hex.slice(i, i + 4), 16)) ?? '';
  };
  for (const [token, name, hex, array] of content.matchAll(
    /\/(\S+) [\d.]+ Tf|<([0-9A-Fa-f]*)> Tj|\[([^\]]*)\] TJ|\bET\b/g,
  )) {
    if (name) font = fonts.get(name) ?? new Map();
    else if (hex !== undefined) decode(hex);
    else if (array !== undefined) for (const m of array.matchAll(/<([0-9A-Fa-f]*)>/g)) decode(m[1]);
    else if (token === 'ET') out += '\n';
  }
  return out;
}

/** Every page of the PDF, in order, with its text. */
export function pdfPages(pdf: Buffer): PdfPage[] {
  const objects = readObjects(pdf);
  const catalog = [...objects.values()].find((o) => /\/Type \/Catalog\b/.test(o.dict))!;
  const root = Number(/\/Pages (\d+) 0 R/.exec(catalog.dict)![1]);
  const pages: PdfPage[] = [];
  const cmaps = new Map<number, Map<number, string>>();
  const walk = (id: number) => {
    const node = objects.get(id)!;
    if (/\/Type \/Pages\b/.test(node.dict)) {
      for (const kid of refs(/\/Kids \[([^\]]*)\]/.exec(node.dict)![1])) walk(kid);
      return;
    }
    const resources = /\/Resources (\d+) 0 R/.exec(node.dict);
    const scope = resources ? objects.get(Number(resources[1]))!.dict : node.dict;
    const fonts = new Map<string, Map<number, string>>();
    for (const [, name, ref] of (/\/Font <<([^>]*)>>/.exec(scope)?.[1] ?? '').matchAll(/\/(\S+) (\d+) 0 R/g)) {
      const fontId = Number(ref);
      if (!cmaps.has(fontId)) {
        const unicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontId)!.dict);
        cmaps.set(fontId, unicode ? toUnicode(objects.get(Number(unicode[1]))!.stream!.toString('latin1')) : new Map());
      }
      fonts.set(name, cmaps.get(fontId)!);
    }
    const contents = /\/Contents (?:\[([^\]]*)\]|(\d+) 0 R)/.exec(node.dict)!;
    const streams = (contents[1] ? refs(contents[1]) : [Number(contents[2])]).map((ref) =>
      objects.get(ref)!.stream!.toString('latin1'),
    );
    const box = /\/MediaBox \[([^\]]*)\]/.exec(node.dict)?.[1] ?? '';
    pages.push({ mediaBox: box.trim().split(/\s+/).map(Number), text: pageText(streams.join('\n'), fonts) });
  };
  walk(root);
  return pages;
}
