/**
 * Runs every bench scenario (bench/scenarios.ts), each in its own process so that one's memory
 * and timers do not colour another's, and prints one table of every figure.
 *
 *   npm run bench                    every scenario
 *   npm run bench -- poll-cost ...   only those named
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { table, type Figure } from './lib/figures';
import { ROWS_MARKER } from './lib/scenario';
import { SCENARIOS } from './scenarios';

/** A scenario that hangs must not hang the bench. */
const SCENARIO_LIMIT_MS = 15 * 60_000;

function runOne(name: string): Promise<Figure[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, `${name}.ts`), '--rows'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), SCENARIO_LIMIT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(ROWS_MARKER));
      if (code === 0 && line) resolve(JSON.parse(line.slice(ROWS_MARKER.length)) as Figure[]);
      else resolve([{ figure: 'the scenario ran', target: 'exit 0', measured: signal ? `killed (${signal})` : `exit ${code}`, pass: false }]);
    });
  });
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !SCENARIOS.includes(name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  const rows: Array<Figure & { scenario: string }> = [];
  for (const name of asked.length > 0 ? asked : SCENARIOS) {
    process.stderr.write(`${name}...\n`);
    const started = Date.now();
    const figures = await runOne(name);
    process.stderr.write(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    rows.push(...figures.map((figure) => ({ scenario: name, ...figure })));
  }
  process.stdout.write(`${table(rows)}\n`);
  if (rows.some((row) => row.pass === false)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
