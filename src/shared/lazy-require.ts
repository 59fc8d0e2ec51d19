import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A library loaded by its first use instead of at start-up: for the large ones only some pages need
 * (exceljs for the XLSX exports, some 30 MB of memory once loaded; qrcode; markdown-it), so that a
 * service that mostly takes registrations does not hold them.
 */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}
