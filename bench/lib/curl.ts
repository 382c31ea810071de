import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CpuPinning } from './cpu-pinning';

const run = promisify(execFile);

export interface CurlFetch {
  ms: number;
  cpuMs: number;
  bytes: number;
}

/** `curl -o` of `url` into the temp folder, on the fetcher's CPU: curl's own timing, and its CPU time as the shell counts it. */
export async function measureCurl(url: string, token: string, pinning: CpuPinning): Promise<CurlFetch> {
  const file = join(tmpdir(), `c2d-bench-curl-${process.pid}.bin`);
  // `times` prints the shell's own CPU time, then its children's: curl's.
  const script = 'curl -sS --fail -o "$1" -H "Authorization: $2" -w "%{time_total} %{size_download}\\n" "$3" && times';
  try {
    const [command, args] = pinning.fetcher('/bin/sh', ['-c', script, 'sh', file, token, url]);
    const { stdout } = await run(command, args);
    const [timing, , children] = stdout.trim().split('\n');
    const [seconds, bytes] = (timing ?? '').split(' ').map(Number);
    const cpuSeconds = [...(children ?? '').matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, minutes, secs]) => sum + Number(minutes) * 60 + Number(secs), 0);
    return { ms: (seconds ?? 0) * 1000, cpuMs: cpuSeconds * 1000, bytes: bytes ?? 0 };
  } finally {
    rmSync(file, { force: true });
  }
}
