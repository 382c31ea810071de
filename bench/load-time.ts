/**
 * Load time: the six node files of the built package required in a fresh Node.js, as Node-RED
 * loads them at start, several times over: wall and CPU time of the requires, and which libraries
 * they pulled in. What only signing (ethers) or a connection (axios) needs must wait for its first
 * use. Builds the package first.
 *
 *   npx tsx bench/load-time.ts       LOAD_BENCH_RUNS=15
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, buildPackage } from './lib/build';
import { exactly, format, median, reported, under, type Figure } from './lib/figures';
import { progress, runScenario } from './lib/scenario';

const NODE_FILES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map((name) => join(ROOT, 'dist', 'nodes', `${name}.js`));
const LIMIT_MS = 60;
/** Libraries that only a connection, signing or a result archive needs. */
const DEFERRED = ['ethers', 'axios', 'axios-retry', 'follow-redirects', 'tar-stream'];

interface Load {
  ms: number;
  cpuMs: number;
  modules: number;
  libraries: string[];
}

const PROBE = `
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const file of ${JSON.stringify(NODE_FILES)}) require(file);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const keys = Object.keys(require.cache);
  const library = (key) => { const [scope, name] = key.split('node_modules/').pop().split('/'); return scope.startsWith('@') ? scope + '/' + name : scope; };
  const libraries = [...new Set(keys.filter((k) => k.includes('node_modules')).map(library))];
  process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, modules: keys.length, libraries }));
`;

async function loadOnce(): Promise<Load> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', PROBE], { cwd: ROOT });
  return JSON.parse(stdout) as Load;
}

export async function run(): Promise<Figure[]> {
  const runs = Number(process.env.LOAD_BENCH_RUNS ?? 15);
  progress('building the package');
  await buildPackage();
  const loads: Load[] = [];
  for (let i = 0; i < runs; i++) loads.push(await loadOnce());
  progress(`wall ms: ${loads.map((l) => l.ms.toFixed(1)).join(', ')}`);
  const libraries = [...new Set(loads.flatMap((l) => l.libraries))].sort();
  const deferredLoaded = libraries.filter((name) => DEFERRED.includes(name));
  const wall = loads.map((l) => l.ms);
  return [
    under(`requiring the six node files, fresh process: wall time (median of ${runs}; slowest ${format(Math.max(...wall), 1)} ms)`, median(wall), LIMIT_MS, 'ms', 1),
    under(`the same: CPU time (median; slowest ${format(Math.max(...loads.map((l) => l.cpuMs)), 1)} ms)`, median(loads.map((l) => l.cpuMs)), LIMIT_MS, 'ms', 1),
    exactly(`libraries loaded that only a connection, signing or an archive needs (${DEFERRED.join(', ')})`, deferredLoaded.join(', ') || 'none', 'none'),
    reported('libraries loaded at all', libraries.join(', ') || 'none'),
    reported('modules in the require cache afterwards', format(median(loads.map((l) => l.modules)))),
  ];
}

runScenario(module, run);
