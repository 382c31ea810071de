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
import { startSandboxProcess } from './lib/sandbox-process';

const SIZE_MB = 256;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

async function main(): Promise<void> {
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
    process.stdout.write(`streamed ${mb(written[0]?.size ?? 0)} to a file in ${Date.now() - started} ms; peak RSS ${mb(before)} before, ${mb(streamed)} after (+${mb(streamed - before)})\n`);
    const { stream } = await client.openResult(job.jobId, output[0]!.index);
    const held = await readLimited(stream, 2 * SIZE_MB * 1024 * 1024, 'output', { expectedBytes: output[0]!.filesize });
    process.stdout.write(`the same result read into memory (${mb(held.length)}): peak RSS ${mb(peakRss())} (+${mb(peakRss() - streamed)})\n`);
    client.close();
  } finally {
    await sandbox.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
