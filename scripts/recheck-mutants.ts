/**
 * Applies the mutants a Stryker run left undetected again, one at a time, against named specs:
 * each mutant's replacement from the run's mutation.json is put into the source, mocha runs the
 * specs with --bail, and the source is restored. For specs written after a run, or left out of it.
 * The source must still be what the run mutated (a changed file is skipped and said so).
 * With --build, dist/ is compiled again for each mutant (and once more at the end, from the
 * restored source): the node specs load the package as built.
 *
 *   npx tsx scripts/recheck-mutants.ts [--build] <mutation.json> <file suffix,...> <spec> [spec...]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Position {
  line: number;
  column: number;
}
interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: Position; end: Position };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}

const args = process.argv.slice(2);
const build = args[0] === '--build';
const [reportPath, suffixes, ...specs] = build ? args.slice(1) : args;
if (!reportPath || !suffixes || specs.length === 0) {
  process.stderr.write('usage: recheck-mutants.ts [--build] <mutation.json> <file suffix,...> <spec> [spec...]\n');
  process.exit(2);
}
const root = join(__dirname, '..');
const compile = (): void => {
  spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore', timeout: 180_000 });
};
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
const wanted = suffixes.split(',');
let checked = 0;
let killed = 0;

for (const [file, { source, mutants }] of Object.entries(report.files)) {
  if (!wanted.some((suffix) => file.endsWith(suffix))) continue;
  const path = join(root, file);
  const original = readFileSync(path, 'utf8');
  if (original !== source) {
    process.stdout.write(`${file}: changed since the run, skipped\n`);
    continue;
  }
  const lineStarts = [0];
  for (const line of original.split('\n')) lineStarts.push(lineStarts[lineStarts.length - 1]! + line.length + 1);
  const offset = ({ line, column }: Position): number => lineStarts[line - 1]! + column - 1;
  for (const mutant of mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')) {
    const { start, end } = mutant.location;
    writeFileSync(path, original.slice(0, offset(start)) + (mutant.replacement ?? '') + original.slice(offset(end)));
    try {
      if (build) compile();
      const run = spawnSync(process.execPath, [join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '-r', 'tsx/cjs', '--extension', 'ts', '--timeout', '20000', '--bail', '--exit', ...specs], { cwd: root, stdio: 'ignore', timeout: 180_000 });
      const isKilled = run.status !== 0;
      checked += 1;
      if (isKilled) killed += 1;
      process.stdout.write(`${file}:${start.line}:${start.column} ${mutant.status} ${mutant.mutatorName} ${isKilled ? 'killed' : 'survived'}\n`);
    } finally {
      writeFileSync(path, original);
    }
  }
}
if (build) compile();
process.stdout.write(`${killed} of ${checked} killed\n`);
