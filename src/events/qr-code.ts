import type QRCode from 'qrcode';
import { lazyRequire } from '../shared/lazy-require.js';

const qrcode = lazyRequire<typeof QRCode>('qrcode');

/**
 * The share kit's QR code (src/events/share.admin.routes.ts): the event's public link, drawn by the
 * maintained `qrcode` library. Medium error correction (15 %: it still reads when a flyer is worn or
 * folded) and the standard quiet zone of 4 modules, black on white.
 */
export const QR_OPTIONS = {
  errorCorrectionLevel: 'M',
  margin: 4,
  color: { dark: '#000000', light: '#ffffff' },
} as const;

/** Scales without loss: for print (the flyer, a document). */
export function qrSvg(url: string): Promise<string> {
  return qrcode().toString(url, { ...QR_OPTIONS, type: 'svg' });
}

/** For what takes only images: 600 px wide, about 5 cm at 300 dpi. */
export function qrPng(url: string): Promise<Buffer> {
  return qrcode().toBuffer(url, { ...QR_OPTIONS, type: 'png', width: 600 });
}
