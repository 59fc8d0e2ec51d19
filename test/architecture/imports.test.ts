import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

/**
 * Floors: a folder on the left never imports a folder on the right. The lower floors hold the domain's
 * entities and rules; what needs mail, forms, access or registrations is wired in from above (a route
 * plugin's options, a callback argument). The README quotes this table.
 */
export const FORBIDDEN_IMPORTS: Record<string, string[]> = {
  events: ['mail', 'forms', 'access', 'registrations'],
  organisers: ['mail', 'forms', 'access', 'registrations'],
  shared: [
    ...['events', 'organisers', 'forms', 'registrations', 'groups', 'mail', 'access', 'reports', 'privacy'],
    ...['calendar', 'audit', 'jobs', 'plugins', 'editions'],
  ],
};

/** Pure rules (`*-rules.ts`) never import a service (`*.service.ts`). */
const isRules = (file: string) => /-rules\.ts$/.test(file);
const isService = (file: string) => /\.service\.ts$/.test(file);

/** The longest a source file may be, and the files still waiting to be split (none once they are gone). */
const MAX_LINES = 400;
const TOO_LONG_FOR_NOW = ['groups/assignment.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The src/ files a file imports, type-only imports and re-exports included, as paths relative to src/. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(src, resolve(dirname(file), name.replace(/\.js$/, '.ts'))))
    .filter((target) => !target.startsWith('..'));
}

const files = sourceFiles(src).map((file) => relative(src, file));
const graph = new Map(files.map((file) => [file, importsOf(join(src, file))]));
const floor = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '');

/** Each import cycle once, as the list of files along it. */
function findCycles(): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = path.slice(path.indexOf(next));
        const key = [...cycle].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, next]);
        }
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

t.test('every relative import names a file of src/', async (t) => {
  const missing = [...graph].flatMap(([file, targets]) =>
    targets.filter((target) => !graph.has(target)).map((target) => `${file} -> ${target}`),
  );
  t.same(missing, []);
});

t.test('no import cycle in src/', async (t) => {
  const cycles = findCycles().map((cycle) => cycle.join(' -> '));
  t.same(cycles, [], cycles.join('\n'));
});

t.test('no floor imports a floor above it', async (t) => {
  const breaches = [...graph].flatMap(([file, targets]) =>
    targets
      .filter((target) => FORBIDDEN_IMPORTS[floor(file)]?.includes(floor(target)))
      .map((target) => `${file} -> ${target}`),
  );
  t.same(breaches, [], breaches.join('\n'));
});

t.test('pure rules never import a service', async (t) => {
  const breaches = [...graph].flatMap(([file, targets]) =>
    isRules(file) ? targets.filter(isService).map((target) => `${file} -> ${target}`) : [],
  );
  t.same(breaches, [], breaches.join('\n'));
});

t.test(`no source file is longer than ${MAX_LINES} lines`, async (t) => {
  const long = files.filter(
    (file) =>
      !TOO_LONG_FOR_NOW.includes(file) &&
      readFileSync(join(src, file), 'utf8').trimEnd().split('\n').length > MAX_LINES,
  );
  t.same(long, [], long.join('\n'));
  // An exception holds only while its file exists and is still too long: a split file leaves the list.
  const stale = TOO_LONG_FOR_NOW.filter(
    (file) =>
      existsSync(join(src, file)) && readFileSync(join(src, file), 'utf8').trimEnd().split('\n').length <= MAX_LINES,
  );
  t.same(stale, [], 'no longer too long: remove from TOO_LONG_FOR_NOW');
});

t.test('the checks see real imports', async (t) => {
  t.ok(
    graph.get('calendar/ics.ts')?.some((target) => target.startsWith('events/')),
    'calendar/ics.ts reads events/',
  );
});
