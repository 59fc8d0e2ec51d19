/**
 * The type of an uploaded file, read from its first bytes and, for the office formats (ZIP
 * archives), from the archive's own declaration: the name the file came with is never trusted.
 * Every read is bounds-checked and walks the bytes once; nothing here is a regular expression.
 */

export interface FileType {
  key: 'pdf' | 'png' | 'jpeg' | 'webp' | 'pptx' | 'odp';
  contentType: string;
  /** The extensions a file of this type may carry, lower case, first the usual one. */
  extensions: string[];
}

export const FILE_TYPES: Record<FileType['key'], FileType> = {
  pdf: { key: 'pdf', contentType: 'application/pdf', extensions: ['pdf'] },
  png: { key: 'png', contentType: 'image/png', extensions: ['png'] },
  jpeg: { key: 'jpeg', contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  webp: { key: 'webp', contentType: 'image/webp', extensions: ['webp'] },
  pptx: {
    key: 'pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
  },
  odp: { key: 'odp', contentType: 'application/vnd.oasis.opendocument.presentation', extensions: ['odp'] },
};

const ODP_MIMETYPE = 'application/vnd.oasis.opendocument.presentation';

const startsWith = (data: Buffer, bytes: number[], at = 0) =>
  data.length >= at + bytes.length && bytes.every((b, i) => data[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The type the content says, or null when it is none of the accepted ones. */
export function detectFileType(data: Buffer): FileType | null {
  if (startsWith(data, ascii('%PDF-'))) return FILE_TYPES.pdf;
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return FILE_TYPES.png;
  if (startsWith(data, [0xff, 0xd8, 0xff])) return FILE_TYPES.jpeg;
  if (startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8)) return FILE_TYPES.webp;
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) return zipOfficeType(data);
  return null;
}

/**
 * An OpenDocument file begins with an uncompressed `mimetype` entry naming its type; an Office Open
 * XML presentation lists `[Content_Types].xml` and `ppt/presentation.xml` in the archive's directory.
 */
function zipOfficeType(data: Buffer): FileType | null {
  if (data.length < 30) return null;
  const nameLength = data.readUInt16LE(26);
  const extraLength = data.readUInt16LE(28);
  if (data.length >= 30 + nameLength && data.toString('latin1', 30, 30 + nameLength) === 'mimetype') {
    const method = data.readUInt16LE(8);
    const size = data.readUInt32LE(18);
    const start = 30 + nameLength + extraLength;
    if (method === 0 && size < 200 && data.length >= start + size)
      return data.toString('latin1', start, start + size) === ODP_MIMETYPE ? FILE_TYPES.odp : null;
    return null;
  }
  const names = zipEntryNames(data);
  return names.has('[Content_Types].xml') && names.has('ppt/presentation.xml') ? FILE_TYPES.pptx : null;
}

/** The names in a ZIP archive's central directory (empty when the archive is malformed). */
function zipEntryNames(data: Buffer): Set<string> {
  const names = new Set<string>();
  // The end-of-central-directory record: 22 bytes, then a comment of at most 65535 bytes.
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return names;
  const count = data.readUInt16LE(end + 10);
  let at = data.readUInt32LE(end + 16);
  for (let n = 0; n < count; n++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== 0x02014b50) break;
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    if (at + 46 + nameLength > data.length) break;
    names.add(data.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The extension of a file name, lower case, without the dot ('' when it has none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}
