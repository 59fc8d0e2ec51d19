import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

/**
 * The folder of package.json, where views/, locales/ and public/ are: the same whether the service
 * runs from the sources (src/, through tsx) or compiled (dist/src/, `npm start`).
 */
export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export const fromProjectRoot = (...parts: string[]): string => join(projectRoot, ...parts);
