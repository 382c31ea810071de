import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import type { CpuPinning } from './cpu-pinning';
import type { FetchReport, FetchTask } from './result-fetch-worker';

/**
 * The fetch worker as plain JavaScript in a temp folder, to run under plain Node.js as Node-RED
 * does (tsx costs a fetch about 0.7 s of CPU per GiB that users never pay); `remove` deletes it.
 */
export function workerScript(): { path: string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'c2d-bench-worker-'));
  const path = join(folder, 'result-fetch-worker.cjs');
  const source = readFileSync(join(__dirname, 'result-fetch-worker.ts'), 'utf8');
  writeFileSync(path, transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 } }).outputText);
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** One fetch by the compiled client in a fresh Node.js process on the fetcher's CPU. */
export function measureFetch(worker: string, task: FetchTask, pinning: CpuPinning): Promise<FetchReport> {
  return new Promise((resolve, reject) => {
    // BENCH_WORKER_NODE_ARGS: Node.js flags for the worker, such as '--cpu-prof --cpu-prof-dir=/tmp/prof' (not allowed in NODE_OPTIONS).
    const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const [command, args] = pinning.fetcher(process.execPath, [...nodeArgs, worker, JSON.stringify(task)]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line) reject(new Error(`the fetch worker exited with ${code}`));
      else resolve(JSON.parse(line) as FetchReport);
    });
  });
}
