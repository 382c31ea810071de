import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TASKSET = '/usr/bin/taskset';

/**
 * The server and the fetcher on CPUs of their own, as they are on two hosts. Left to the
 * scheduler, the two land on one core in some rounds and on two in others, and a fetch by the
 * same code takes 1 s or 2.5 s (measured on a 2-core machine); curl, which uses less CPU, suffers
 * less from sharing, so the ratio would measure the scheduler. Linux with taskset and 2+ cores.
 */
export interface CpuPinning {
  /** What the table says about the placement. */
  note: string;
  /** The command and arguments that run `command` on the fetcher's CPU. */
  fetcher(command: string, args: string[]): [string, string[]];
}

/** Pins this process (and so the sandbox it starts afterwards) to CPU 0; fetchers go to CPU 1. */
export function pinServerAndFetcher(): CpuPinning {
  if (!existsSync(TASKSET) || availableParallelism() < 2) {
    return { note: 'not pinned (needs taskset and 2 cores)', fetcher: (command, args) => [command, args] };
  }
  execFileSync(TASKSET, ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  return { note: 'server on CPU 0, fetcher on CPU 1', fetcher: (command, args) => [TASKSET, ['-c', '1', command, ...args]] };
}
