/**
 * The whole test suite several times in a row while other processes keep every core busy, to show
 * that no test depends on an idle machine. Builds once, then runs mocha RUNS times (default 10),
 * each in a fresh process, with one CPU-bound process per core beside it. Prints one line per run
 * and a summary; exits with 1 when any run had a failure.
 *
 *   npx tsx scripts/repeat-suite.ts [runs] [-- mocha arguments]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const [runsArg, ...rest] = process.argv.slice(2);
const runs = Math.max(1, Number(runsArg ?? 10) || 10);
const mochaArgs = rest[0] === '--' ? rest.slice(1) : rest;

/** A process that keeps one core at 100 % until it is killed. */
function burner(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

interface RunResult {
  passing: number;
  failing: number;
  seconds: number;
  failures: string[];
  /** Mocha's account of the failures (titles, errors, stacks), as it printed it. */
  report: string;
}

function runSuite(): Promise<RunResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--reporter', 'dot', ...mochaArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const passing = Number(/(\d+) passing/.exec(output)?.[1] ?? 0);
      const failing = Number(/(\d+) failing/.exec(output)?.[1] ?? (code === 0 ? 0 : 1));
      const failures = [...output.matchAll(/^ {2}\d+\) (.+)$/gm)].map((m) => m[1]!.trim());
      const report = failing > 0 ? output.slice(Math.max(0, output.search(/^ {2}\d+ failing/m))) : '';
      resolve({ passing, failing, seconds: (Date.now() - started) / 1000, failures, report });
    });
  });
}

async function main(): Promise<void> {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
  const burners = Array.from({ length: availableParallelism() }, burner);
  const stopBurners = (): void => burners.forEach((b) => b.kill('SIGKILL'));
  process.on('exit', stopBurners);
  let failedRuns = 0;
  try {
    for (let run = 1; run <= runs; run++) {
      const result = await runSuite();
      if (result.failing > 0 || result.passing === 0) failedRuns += 1;
      process.stdout.write(`run ${run}/${runs}: ${result.passing} passing, ${result.failing} failing, ${result.seconds.toFixed(0)} s${result.failures.length ? `\n  ${result.failures.join('\n  ')}` : ''}\n`);
      if (result.report) process.stderr.write(`run ${run} failures:\n${result.report}\n`);
    }
  } finally {
    stopBurners();
  }
  process.stdout.write(`${runs - failedRuns} of ${runs} runs without a failure, beside ${burners.length} busy processes (one per core)\n`);
  process.exitCode = failedRuns > 0 ? 1 : 0;
}

void main();
