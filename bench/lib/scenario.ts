import { table, type Figure } from './figures';

/** The marker before the JSON rows a scenario prints when `bench/run.ts` runs it. */
export const ROWS_MARKER = '@@bench-rows@@';

/**
 * Runs a scenario file when it is the program: `npx tsx bench/<name>.ts` prints its own table;
 * `bench/run.ts` passes --rows and collects the rows into the one table of every scenario.
 * Progress goes to stderr, so that stdout holds only the result.
 */
export function runScenario(main: NodeModule, run: () => Promise<Figure[]>): void {
  if (require.main !== main) return;
  const name = main.filename.replace(/^.*[\\/]/, '').replace(/\.ts$/, '');
  run().then(
    (figures) => {
      if (process.argv.includes('--rows')) process.stdout.write(`${ROWS_MARKER}${JSON.stringify(figures)}\n`);
      else process.stdout.write(`${table(figures.map((figure) => ({ scenario: name, ...figure })))}\n`);
      // Node-RED and HTTP agents may keep handles open; the figures are all that matters now.
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

export function progress(text: string): void {
  process.stderr.write(`  ${text}\n`);
}
