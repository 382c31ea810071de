/**
 * Gigabyte results: a job writes a 1 GiB output; `curl -o` fetches it as the yardstick, then the
 * client delivers it to a folder (raw and unpacked) and into memory, each fetch in a fresh
 * process running the compiled package (so its memory peak is its own). A text result over the
 * string limit must be refused before any result request is sent. Every figure is the median of
 * several rounds; a round runs curl and each scenario once, in an order that shifts every round,
 * so load on the machine hits both sides of a ratio alike. Builds the package first.
 *
 *   npx tsx bench/gigabyte-results.ts            (GIB_BENCH_MIB=1024, GIB_BENCH_RUNS=5)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Wallet } from 'ethers';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import { NODE_CONTAINER } from '../sandbox';
import { OceanClient } from '../src/ocean';
import { signRequest } from '../src/ocean/auth/signing';
import { testAccount } from '../test/helpers/accounts';
import { startHostileProxy } from '../test/helpers/hostile-proxy';
import { startSandboxProcess } from './lib/sandbox-process';
import type { FetchReport, FetchTask } from './lib/result-fetch-worker';

export interface BenchRow {
  figure: string;
  target: string;
  measured: string;
  /** Undefined for a figure without a target. */
  pass?: boolean;
}

export interface GigabyteOptions {
  sizeMiB: number;
  runs: number;
  log?(line: string): void;
}

const MiB = 1024 * 1024;
const CURL = '/usr/bin/curl';
const ROOT = join(__dirname, '..');
const RESULT_PATH = '/api/services/computeResult';
const run = promisify(execFile);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Starts a free job that writes `sizeMiB` of output and waits for it to finish. */
export async function prepareBigJob(sandboxUrl: string, privateKey: string, sizeMiB: number): Promise<{ jobId: string; resultIndex: number; resultSize: number }> {
  const client = new OceanClient({ providerUrl: sandboxUrl, chainId: 8996, privateKey });
  try {
    const environment = (await client.pickEnvironment({ free: true })).id;
    const rawcode = `const fs = require('fs'); const out = fs.openSync((process.env.OCEAN_C2D_DATA || '/data') + '/outputs/big.bin', 'w'); const chunk = Buffer.alloc(1024 * 1024, 7); for (let i = 0; i < ${sizeMiB}; i++) fs.writeSync(out, chunk); fs.closeSync(out);`;
    const { jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode } } });
    let job = await client.getJob(jobId);
    for (let i = 0; i < 900 && !job.done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await client.getJob(jobId);
    }
    const output = job.results.find((r) => r.kind === 'output');
    if (!job.done || !output?.filesize) throw new Error(`the job did not finish with an output (status ${job.status})`);
    return { jobId, resultIndex: output.index, resultSize: output.filesize };
  } finally {
    client.close();
  }
}

/** An Ocean Node auth token for the wallet, as curl sends it. */
async function authToken(sandboxUrl: string, privateKey: string): Promise<string> {
  const wallet = new Wallet(privateKey);
  const nonce = String(Date.now());
  const signature = await signRequest(wallet, `${wallet.address}${nonce}createAuthToken`);
  const response = await fetch(`${sandboxUrl}/api/services/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ address: wallet.address, validUntil: Date.now() + 3_600_000, nonce, signature }),
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error(`no auth token: HTTP ${response.status}`);
  return body.token;
}

/** `curl -o` of the result URL into the temp dir: curl's own timing, and its CPU time as the shell counts it. */
export async function measureCurl(url: string, token: string): Promise<{ ms: number; cpuMs: number; bytes: number }> {
  const file = join(tmpdir(), `c2d-bench-curl-${process.pid}.bin`);
  // `times` prints the shell's own CPU time, then its children's: curl's.
  const script = 'curl -sS --fail -o "$1" -H "Authorization: $2" -w "%{time_total} %{size_download}\\n" "$3" && times';
  try {
    const { stdout } = await run('/bin/sh', ['-c', script.replace('curl', CURL), 'sh', file, token, url]);
    const [timing, , children] = stdout.trim().split('\n');
    const [seconds, bytes] = (timing ?? '').split(' ').map(Number);
    const cpuSeconds = [...(children ?? '').matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, minutes, secs]) => sum + Number(minutes) * 60 + Number(secs), 0);
    return { ms: (seconds ?? 0) * 1000, cpuMs: cpuSeconds * 1000, bytes: bytes ?? 0 };
  } finally {
    rmSync(file, { force: true });
  }
}

/** The fetch worker as plain JavaScript in a temp folder, to run without tsx; `remove` deletes it. */
export function workerScript(): { path: string; remove(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'c2d-bench-worker-'));
  const path = join(folder, 'result-fetch-worker.cjs');
  const source = readFileSync(join(__dirname, 'lib', 'result-fetch-worker.ts'), 'utf8');
  writeFileSync(path, transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 } }).outputText);
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** One fetch by the compiled client in a fresh Node.js process. */
export function measureFetch(worker: string, task: FetchTask): Promise<FetchReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'inherit'] });
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

interface Scenario {
  name: string;
  format: FetchTask['format'];
  unpack: boolean;
  /** Sent through a proxy that counts the result requests. */
  countRequests?: boolean;
}

interface ScenarioReport extends FetchReport {
  resultRequests: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'folder, raw', format: 'file', unpack: false },
  { name: 'folder, unpacked', format: 'file', unpack: true },
  { name: 'memory, raw', format: 'buffer', unpack: false },
  { name: 'memory, unpacked', format: 'buffer', unpack: true },
  { name: 'text, raw', format: 'text', unpack: false, countRequests: true },
];

/** Runs every scenario `runs` times against a fresh sandbox and a job of `sizeMiB`; the figures as rows. */
export async function measureGigabyteResults(options: GigabyteOptions): Promise<BenchRow[]> {
  const log = options.log ?? (() => undefined);
  log('building the package');
  await run('npm', ['run', 'build'], { cwd: ROOT });
  const privateKey = testAccount(4).privateKey;
  const worker = workerScript();
  const sandbox = await startSandboxProcess();
  const proxy = await startHostileProxy(sandbox.url);
  const resultRequests = (): number => proxy.requests.filter((r) => r.url.startsWith(RESULT_PATH)).length;
  try {
    log(`preparing a job with a ${options.sizeMiB} MiB output (load ${loadAverage()})`);
    const job = await prepareBigJob(sandbox.url, privateKey, options.sizeMiB);
    const token = await authToken(sandbox.url, privateKey);
    const address = new Wallet(privateKey).address;
    const url = `${sandbox.url}${RESULT_PATH}?consumerAddress=${address}&jobId=${encodeURIComponent(job.jobId)}&index=${job.resultIndex}`;
    const curl: Array<{ ms: number; cpuMs: number }> = [];
    const reports = new Map<string, ScenarioReport[]>(SCENARIOS.map((s) => [s.name, []]));
    const loads: string[] = [loadAverage()];
    const steps: Array<Scenario | 'curl'> = ['curl', ...SCENARIOS];
    for (let round = 0; round < options.runs; round++) {
      // Each round starts one step later, so no scenario always runs right after the same one.
      for (const step of [...steps.slice(round % steps.length), ...steps.slice(0, round % steps.length)]) {
        if (step === 'curl') {
          const fetched = await measureCurl(url, token);
          if (fetched.bytes !== job.resultSize) throw new Error(`curl fetched ${fetched.bytes} bytes of ${job.resultSize}`);
          curl.push(fetched);
          continue;
        }
        const before = resultRequests();
        const report = await measureFetch(worker.path, {
          root: ROOT,
          providerUrl: step.countRequests ? proxy.url : sandbox.url,
          jobId: job.jobId,
          privateKey,
          format: step.format,
          unpack: step.unpack,
          maxBytes: 2 * job.resultSize,
        });
        reports.get(step.name)!.push({ ...report, resultRequests: resultRequests() - before });
      }
      loads.push(loadAverage());
      const times = SCENARIOS.map((s) => `${s.name} ${reports.get(s.name)!.at(-1)!.ms.toFixed(0)} ms`);
      log(`round ${round + 1}/${options.runs}: curl ${curl.at(-1)!.ms.toFixed(0)} ms; ${times.join('; ')} (load ${loadAverage()})`);
    }
    return rows(job.resultSize, curl, reports, loads);
  } finally {
    await proxy.close();
    await sandbox.stop();
    worker.remove();
  }
}

function rows(size: number, curl: Array<{ ms: number; cpuMs: number }>, reports: Map<string, ScenarioReport[]>, loads: string[]): BenchRow[] {
  const of = (name: string): ScenarioReport[] => reports.get(name)!;
  /** Median over rounds of curl's time over the client's, in the same round: 1 is curl's speed. */
  const speed = (name: string): number => median(of(name).map((r, i) => curl[i]!.ms / r.ms));
  /** The same for CPU time: steadier than wall time when other work shares the cores. */
  const cpu = (name: string): number => median(of(name).map((r, i) => r.cpuMs / curl[i]!.cpuMs));
  const growth = (name: string): number => median(of(name).map((r) => r.rssGrowth));
  const complete = (name: string): boolean => of(name).every((r) => r.errorCode === undefined && r.bytes >= size - 64 * 1024);
  const ms = (name: string): string => median(of(name).map((r) => r.ms)).toFixed(0);
  const curlMs = median(curl.map((c) => c.ms));
  const result: BenchRow[] = [
    { figure: `curl -o, ${mib(size)} (median ${curlMs.toFixed(0)} ms, CPU ${median(curl.map((c) => c.cpuMs)).toFixed(0)} ms)`, target: 'reference', measured: `${(size / MiB / (curlMs / 1000)).toFixed(0)} MiB/s` },
  ];
  const speedRow = (name: string, target?: number): BenchRow => ({
    figure: `${name}: speed (median ${ms(name)} ms; CPU ${cpu(name).toFixed(2)}× curl's)`,
    target: target === undefined ? '—' : `≥ ${target}× curl`,
    measured: `${speed(name).toFixed(2)}× curl`,
    pass: target === undefined ? undefined : complete(name) && speed(name) >= target,
  });
  result.push(speedRow('folder, raw', 0.9), { figure: 'folder, raw: RSS growth', target: '< 64 MiB', measured: mib(growth('folder, raw')), pass: growth('folder, raw') < 64 * MiB });
  result.push(speedRow('folder, unpacked', 0.7), { figure: 'folder, unpacked: RSS growth', target: '< 64 MiB', measured: mib(growth('folder, unpacked')), pass: growth('folder, unpacked') < 64 * MiB });
  for (const name of ['memory, raw', 'memory, unpacked']) {
    const ratio = growth(name) / size;
    result.push({ figure: `${name}: peak RSS growth / result size`, target: '< 1.2', measured: `${ratio.toFixed(2)} (${mib(growth(name))})`, pass: complete(name) && ratio < 1.2 });
    result.push(speedRow(name));
  }
  const text = of('text, raw');
  result.push({
    figure: 'text over the string limit: refused before download',
    target: 'RESULT_TOO_LARGE, 0 result requests',
    measured: `${[...new Set(text.map((r) => r.errorCode ?? 'delivered'))].join('/')}, ${Math.max(...text.map((r) => r.resultRequests))} result requests, ${ms('text, raw')} ms`,
    pass: text.every((r) => r.errorCode === 'RESULT_TOO_LARGE' && r.resultRequests === 0),
  });
  result.push({ figure: 'load average (1/5/15 min) at start and after each round', target: '—', measured: loads.join(' | ') });
  return result;
}

/** The rows as a plain-text table. */
export function formatTable(rows: BenchRow[]): string {
  const cells = [['figure', 'target', 'measured', 'pass'], ...rows.map((r) => [r.figure, r.target, r.measured, r.pass === undefined ? '' : r.pass ? 'yes' : 'NO'])];
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

if (require.main === module) {
  const sizeMiB = Number(process.env.GIB_BENCH_MIB ?? 1024);
  const runs = Number(process.env.GIB_BENCH_RUNS ?? 5);
  measureGigabyteResults({ sizeMiB, runs, log: (line) => process.stderr.write(`${line}\n`) }).then(
    (rows) => process.stdout.write(`${formatTable(rows)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
