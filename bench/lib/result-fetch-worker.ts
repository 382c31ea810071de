/**
 * One fetch of a job's output, in a process of its own so its memory peak is the fetch's alone.
 * It runs the compiled package (`dist/`) under plain Node.js, as Node-RED does: the bench
 * transpiles this file to JavaScript first (see `workerScript` in fetch-process.ts), because
 * running under tsx costs the fetch about 0.7 s of CPU per GiB that users never pay.
 *
 *   node <transpiled worker> '<json FetchTask>'
 *
 * Prints one line of JSON (a FetchReport).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Ocean = typeof import('../../src/ocean');
type Delivery = typeof import('../../src/nodes/lib/result-delivery');
type Limits = typeof import('../../src/nodes/lib/payload-limits');

export interface FetchTask {
  /** The repository, whose `dist/` is loaded. */
  root: string;
  providerUrl: string;
  jobId: string;
  privateKey: string;
  format: 'auto' | 'buffer' | 'text' | 'json' | 'file';
  unpack: boolean;
  maxBytes: number;
  /** A lower string limit than Node's, so that a result smaller than 512 MiB can still test the refusal. */
  stringBytes?: number;
}

export interface FetchReport {
  ms: number;
  /** CPU time (user and system) the process spent on the fetch. */
  cpuMs: number;
  /** Of that, in the kernel (socket reads, file writes, page faults). */
  systemMs: number;
  /** Bytes delivered: written to files, or held in the message. */
  bytes: number;
  /** Page faults served without disk (fresh or reclaimed memory) during the fetch. */
  minorFaults: number;
  /** Context switches during the fetch: waits (for data, for the thread pool) and preemptions. */
  switches: { voluntary: number; involuntary: number };
  /** Highest RSS during the fetch above the RSS just before it. */
  rssGrowth: number;
  /** Highest RSS of the whole process during the fetch. */
  rssPeak: number;
  errorCode?: string;
}

const SAMPLE_MS = 10;

/** The process's highest RSS while `work` runs, sampled, and from the kernel's own peak when that rose. */
async function peakDuring(work: () => Promise<void>): Promise<{ error?: unknown; peak: number; before: number }> {
  const before = process.memoryUsage.rss();
  const kernelPeakBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, SAMPLE_MS);
  let error: unknown;
  try {
    await work();
  } catch (caught) {
    error = caught ?? new Error('failed');
  }
  clearInterval(sampler);
  const kernelPeak = process.resourceUsage().maxRSS * 1024;
  if (kernelPeak > kernelPeakBefore) peak = Math.max(peak, kernelPeak);
  return { error, peak, before };
}

/** An OceanError's code; for anything else, what Node calls it (ERR_STRING_TOO_LONG), so the table shows it. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : String(error);
}

export async function fetchOnce(task: FetchTask): Promise<FetchReport> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OceanClient } = require(join(task.root, 'dist', 'ocean')) as Ocean;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { deliverResults } = require(join(task.root, 'dist', 'nodes', 'lib', 'result-delivery')) as Delivery;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NODE_CEILINGS } = require(join(task.root, 'dist', 'nodes', 'lib', 'payload-limits')) as Limits;
  const client = new OceanClient({ providerUrl: task.providerUrl, chainId: 8996, privateKey: task.privateKey });
  const folder = task.format === 'file' ? mkdtempSync(join(tmpdir(), 'c2d-bench-gib-')) : undefined;
  try {
    const job = await client.getJob(task.jobId);
    const output = job.results.filter((r) => r.kind === 'output');
    let bytes = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const usage = process.resourceUsage();
    const measured = await peakDuring(async () => {
      const ceilings = task.stringBytes === undefined ? undefined : { ...NODE_CEILINGS, stringBytes: task.stringBytes };
      const delivered = await deliverResults(client, task.jobId, output, { format: task.format, unpack: task.unpack, maxBytes: task.maxBytes, folder, ceilings });
      bytes = delivered.reduce((sum, file) => sum + file.size, 0);
    });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const usageAfter = process.resourceUsage();
    return {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      systemMs: used.system / 1000,
      minorFaults: usageAfter.minorPageFault - usage.minorPageFault,
      switches: {
        voluntary: usageAfter.voluntaryContextSwitches - usage.voluntaryContextSwitches,
        involuntary: usageAfter.involuntaryContextSwitches - usage.involuntaryContextSwitches,
      },
      bytes,
      rssGrowth: measured.peak - measured.before,
      rssPeak: measured.peak,
      errorCode: measured.error === undefined ? undefined : errorCode(measured.error),
    };
  } finally {
    client.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

if (require.main === module) {
  fetchOnce(JSON.parse(process.argv[2] ?? '{}') as FetchTask).then(
    (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
