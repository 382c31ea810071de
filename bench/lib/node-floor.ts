import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CpuPinning } from './cpu-pinning';

const run = promisify(execFile);

/** What Node.js alone does with the bytes: nothing (read and dropped), or a plain pipe into a file. */
export type FloorKind = 'discard' | 'file';

export interface FloorFetch {
  ms: number;
  cpuMs: number;
  bytes: number;
}

/**
 * The least any Node.js client can take for the same fetch: Node's own `http.get`, no library, no
 * checks, no limits, on the fetcher's CPU like the others. It shows how much of the gap to curl is
 * Node's HTTP stack rather than the package's path.
 */
const SCRIPT = `
const http = require('node:http');
const fs = require('node:fs');
const { pipeline } = require('node:stream');
const [url, token, kind, file] = process.argv.slice(1);
const started = process.hrtime.bigint();
const cpuBefore = process.cpuUsage();
const done = (error, bytes) => {
  if (error) { console.error(error.message); process.exit(1); }
  const cpu = process.cpuUsage(cpuBefore);
  console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000, bytes }));
};
http.get(url, { headers: { Authorization: token } }, (response) => {
  let bytes = 0;
  response.on('data', (chunk) => { bytes += chunk.length; });
  if (kind === 'discard') response.on('end', () => done(undefined, bytes)).on('error', done);
  else pipeline(response, fs.createWriteStream(file, { highWaterMark: 1024 * 1024 }), (error) => done(error, bytes));
}).on('error', done);
`;

export async function measureNodeFloor(url: string, token: string, kind: FloorKind, pinning: CpuPinning): Promise<FloorFetch> {
  const file = join(tmpdir(), `c2d-bench-node-floor-${process.pid}.bin`);
  try {
    const [command, args] = pinning.fetcher(process.execPath, ['-e', SCRIPT, url, token, kind, file]);
    const { stdout } = await run(command, args, { timeout: 10 * 60_000 });
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as FloorFetch;
  } finally {
    rmSync(file, { force: true });
  }
}
