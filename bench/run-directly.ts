import { pathToFileURL } from 'node:url';

/**
 * Runs a bench file's own case when that file is started directly (`tsx bench/report-bench.ts 10000`):
 * sizes from the command line, the rows printed as a table. Imported by bench/run.ts, it does nothing.
 */
export function runDirectly<Row>(moduleUrl: string, bench: (sizes?: number[]) => Promise<Row[]>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  bench(sizes.length > 0 ? sizes : undefined).then(
    (rows) => console.table(rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
