import type { JobTracker } from '../../src/tracker';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, polling every 5 ms; fails only when it has not after `timeoutMs` (generous: a loaded machine is slow). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Every event of a tracker as a short line: "change a 40", "done a", "timeout a", "error NOT_FOUND a", "idle". */
export function recordEvents(tracker: JobTracker): string[] {
  const log: string[] = [];
  tracker.on('change', (job) => log.push(`change ${job.jobId} ${String(job.status)}`));
  tracker.on('done', (job) => log.push(`done ${job.jobId}`));
  tracker.on('timeout', (followed) => log.push(`timeout ${followed.jobId}`));
  tracker.on('error', (error, followed) => {
    const code = (error as Error & { code?: string }).code ?? error.name;
    log.push(`error ${code}${followed ? ` ${followed.jobId}` : ''}`);
  });
  tracker.on('idle', () => log.push('idle'));
  return log;
}

/** Gaps in ms between consecutive times. */
export function gaps(times: number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]!);
}
