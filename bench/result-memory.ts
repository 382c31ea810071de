/**
 * Memory while fetching a large result: a job writes a 256 MiB output; the client streams
 * outputs.tar to a folder (format "file"), then reads the same result into memory, and the
 * process's peak RSS is reported after each. The sandbox runs in its own process, so only the
 * client's memory is measured.
 *
 *   npx tsx bench/result-memory.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_CONTAINER } from '../sandbox';
import { OceanClient, readLimited } from '../src/ocean';
import { deliverResults } from '../src/nodes/lib/result-delivery';
import { testAccount } from '../test/helpers/accounts';
import { atMost, format, mib, reported, type Figure } from './lib/figures';
import { startSandboxProcess } from './lib/sandbox-process';
import { runScenario } from './lib/scenario';

const SIZE_MB = 256;
/** Streaming to a file may hold buffers, never the result: well under its size. */
const STREAM_LIMIT_MB = 64;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

export async function run(): Promise<Figure[]> {
  const sandbox = await startSandboxProcess();
  const { url } = sandbox;
  const folder = mkdtempSync(join(tmpdir(), 'c2d-bench-'));
  try {
    const client = new OceanClient({ providerUrl: url, chainId: 8996, privateKey: testAccount(4).privateKey });
    const environment = (await client.pickEnvironment({ free: true })).id;
    const rawcode = `const fs = require('fs'); const out = fs.openSync((process.env.OCEAN_C2D_DATA || '/data') + '/outputs/big.bin', 'w'); const chunk = Buffer.alloc(1024 * 1024, 7); for (let i = 0; i < ${SIZE_MB}; i++) fs.writeSync(out, chunk); fs.closeSync(out);`;
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode } } });
    let done = await client.getJob(job.jobId);
    for (let i = 0; i < 600 && !done.done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      done = await client.getJob(job.jobId);
    }
    const output = done.results.filter((r) => r.kind === 'output');
    const before = peakRss();
    const started = Date.now();
    const written = await deliverResults(client, job.jobId, output, { format: 'file', unpack: true, maxBytes: 2 * SIZE_MB * 1024 * 1024, folder });
    const streamed = peakRss();
    const seconds = (Date.now() - started) / 1000;
    const { stream } = await client.openResult(job.jobId, output[0]!.index);
    const held = await readLimited(stream, 2 * SIZE_MB * 1024 * 1024, 'output', { expectedBytes: output[0]!.filesize });
    const inMemory = peakRss();
    client.close();
    return [
      { ...atMost(`${mib(written[0]?.size ?? 0, 0)} output streamed to a file: peak RSS growth`, (streamed - before) / 1024 / 1024, STREAM_LIMIT_MB, 'MiB'), measured: `${mib(streamed - before, 0)} (${format(seconds, 1)} s)` },
      reported(`the same result read into memory (${mib(held.length, 0)}): peak RSS growth`, mib(inMemory - streamed, 0)),
    ];
  } finally {
    await sandbox.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

runScenario(module, run);
