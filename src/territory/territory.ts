/**
 * The French administrative territory (communes, intercommunalities or EPCI, departments) from the official
 * dataset `@etalab/decoupage-administratif`. Its JSON files are read once, on first use, and only what the
 * service needs is kept: actual communes (not delegated or associated ones) with their postcodes, department
 * and EPCI, and the EPCI and department names. The package's own index.js reads its files relative to the
 * working directory, so the files are located through the package's path instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Commune {
  /** INSEE code, e.g. "49007" (Angers). */
  code: string;
  name: string;
  postcodes: string[];
  departmentCode: string;
  epciCode?: string;
}

export interface Area {
  code: string;
  name: string;
}

interface IndexedCommune extends Commune {
  /** The name folded for search (lower case, no accents, hyphens and apostrophes as spaces). */
  key: string;
  population: number;
}

interface Territory {
  communes: Map<string, IndexedCommune>;
  /** Communes sorted by population, largest first: searches list the likeliest first. */
  byPopulation: IndexedCommune[];
  epcis: Map<string, Area>;
  departments: Map<string, Area>;
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  codesPostaux?: string[];
  population?: number;
}
interface RawEpci {
  code: string;
  nom: string;
  membres: { code: string }[];
}
interface RawDepartment {
  code: string;
  nom: string;
}

let loaded: Territory | undefined;

function dataFile(name: string): unknown {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@etalab/decoupage-administratif/package.json'));
  return JSON.parse(readFileSync(join(root, 'data', `${name}.json`), 'utf8'));
}

function load(): Territory {
  if (loaded) return loaded;
  const epcis = new Map<string, Area>();
  const epciOf = new Map<string, string>();
  for (const epci of dataFile('epci') as RawEpci[]) {
    epcis.set(epci.code, { code: epci.code, name: epci.nom });
    for (const member of epci.membres) epciOf.set(member.code, epci.code);
  }
  const departments = new Map<string, Area>();
  for (const department of dataFile('departements') as RawDepartment[])
    departments.set(department.code, { code: department.code, name: department.nom });
  const communes = new Map<string, IndexedCommune>();
  for (const raw of dataFile('communes') as RawCommune[]) {
    if (raw.type !== 'commune-actuelle') continue;
    const commune: IndexedCommune = {
      code: raw.code,
      name: raw.nom,
      postcodes: raw.codesPostaux ?? [],
      departmentCode: raw.departement ?? '',
      key: foldPlaceName(raw.nom),
      population: raw.population ?? 0,
    };
    const epciCode = epciOf.get(raw.code);
    if (epciCode) commune.epciCode = epciCode;
    communes.set(raw.code, commune);
  }
  const byPopulation = [...communes.values()].sort((a, b) => b.population - a.population);
  loaded = { communes, byPopulation, epcis, departments };
  return loaded;
}

/** "Saint-Barthélemy-d'Anjou" → "saint barthelemy d anjou": lower case, no accents, separators as single spaces. */
export function foldPlaceName(text: string): string {
  const plain = text.normalize('NFKD').toLowerCase();
  let out = '';
  let space = false;
  for (const char of plain) {
    const code = char.charCodeAt(0);
    if (code >= 0x300 && code <= 0x36f) continue;
    const letterOrDigit = (char >= 'a' && char <= 'z') || (char >= '0' && char <= '9');
    if (letterOrDigit) {
      if (space && out.length > 0) out += ' ';
      out += char;
      space = false;
    } else if (char === 'œ') {
      if (space && out.length > 0) out += ' ';
      out += 'oe';
      space = false;
    } else space = true;
  }
  return out;
}

function publicCommune(commune: IndexedCommune): Commune {
  const { key: _key, population: _population, ...rest } = commune;
  return { ...rest, postcodes: [...rest.postcodes] };
}

/** The actual commune with this INSEE code. */
export function findCommune(code: string): Commune | undefined {
  const commune = load().communes.get(code.trim());
  return commune ? publicCommune(commune) : undefined;
}

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (const char of text) if (char < '0' || char > '9') return false;
  return true;
}

/**
 * Actual communes matching a postcode prefix (digits: "490" finds every commune with a postcode starting so)
 * or a name (accents and case ignored): the exact name first, then names starting with the query, then names
 * containing it; within each, the most populated first.
 */
export function searchCommunes(query: string, limit = 20): Commune[] {
  const max = Math.max(0, Math.min(Math.floor(limit), 200));
  const compact = query.trim().replaceAll(' ', '');
  if (max === 0 || compact.length === 0) return [];
  const { byPopulation } = load();
  if (isDigits(compact)) {
    if (compact.length > 5) return [];
    const found: Commune[] = [];
    for (const commune of byPopulation) {
      if (commune.postcodes.some((postcode) => postcode.startsWith(compact)) || commune.code === compact) {
        found.push(publicCommune(commune));
        if (found.length >= max) break;
      }
    }
    return found;
  }
  const key = foldPlaceName(query.slice(0, 200));
  if (key.length === 0) return [];
  const exact: IndexedCommune[] = [];
  const starts: IndexedCommune[] = [];
  const contains: IndexedCommune[] = [];
  for (const commune of byPopulation) {
    if (commune.key === key) exact.push(commune);
    else if (commune.key.startsWith(key)) {
      if (starts.length < max) starts.push(commune);
    } else if (contains.length < max && commune.key.includes(key)) contains.push(commune);
  }
  return [...exact, ...starts, ...contains].slice(0, max).map(publicCommune);
}

/** The EPCI (intercommunality) with this SIREN code, e.g. "244900015" (Angers Loire Métropole). */
export function findEpci(code: string): Area | undefined {
  const epci = load().epcis.get(code.trim());
  return epci ? { ...epci } : undefined;
}

/** The department with this code, e.g. "49" (Maine-et-Loire), "2A", "971". */
export function findDepartment(code: string): Area | undefined {
  const department = load().departments.get(code.trim());
  return department ? { ...department } : undefined;
}

/** The EPCI the commune belongs to (none for a few islands, Paris being a special case). */
export function epciOfCommune(code: string): Area | undefined {
  const epciCode = load().communes.get(code.trim())?.epciCode;
  return epciCode ? findEpci(epciCode) : undefined;
}
