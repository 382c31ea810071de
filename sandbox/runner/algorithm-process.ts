import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { AlgorithmCommand } from './entrypoint';
import { LogFeed } from './log-feed';
import type { LogChunk, LogFollower } from './types';

export type KillReason = 'stop' | 'timeout';

export interface ProcessResult {
  /** Exit code; 137 when killed by stop() or the time limit, 128+n for another signal n; null if it never started. */
  exitCode: number | null;
  /** Why the process could not be started (e.g. the interpreter is missing). */
  spawnError?: string;
  killedBy?: KillReason;
  chunks: LogChunk[];
}

export interface AlgorithmProcess {
  readonly result: Promise<ProcessResult>;
  /** The output so far; grows until the result settles. */
  readonly chunks: readonly LogChunk[];
  /** True from the start until the process exits (a container's "Running"); false if it never started. */
  readonly running: boolean;
  /** How many followers the output has now. */
  readonly followers: number;
  /**
   * Hands `follower` the output so far, then each chunk as it arrives, then the end once the process
   * has exited and its pipes have closed (at once if that has already happened). Returns the function
   * that stops following; followers are released at the end.
   */
  follow(follower: LogFollower): () => void;
  /** SIGKILLs the process and everything it started; false when it already ended or was killed. */
  kill(reason: KillReason): boolean;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  maxDurationMs: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_LOG_BYTES = 16 * 1024 * 1024;
/** How long to wait for stdout/stderr to close once the process has exited. */
const CLOSE_GRACE_MS = 2_000;

/** Process groups still alive, killed if the host process exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in the group.
  }
}

function track(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => liveGroups.forEach(killGroup));
  }
  liveGroups.add(pid);
}

function signalExitCode(signal: NodeJS.Signals | null): number | null {
  if (signal === null) return null;
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return number === undefined ? null : 128 + number;
}

/**
 * Runs the algorithm in its own process group, so a kill reaches whatever it started too (as stopping
 * a container does). Output chunks are kept in arrival order, up to 16 MiB.
 */
export function runAlgorithm(command: AlgorithmCommand, options: RunOptions): AlgorithmProcess {
  const feed = new LogFeed();
  const { chunks } = feed;
  let logBytes = 0;
  let exited = false;
  let killedBy: KillReason | undefined;

  const child = spawn(command.command, command.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;

  const capture = (stream: LogChunk['stream']) => (data: Buffer) => {
    if (logBytes >= MAX_LOG_BYTES) return;
    const room = MAX_LOG_BYTES - logBytes;
    feed.push({ stream, data: data.length > room ? data.subarray(0, room) : data });
    logBytes += Math.min(data.length, room);
    if (logBytes >= MAX_LOG_BYTES) {
      feed.push({ stream: 'stderr', data: Buffer.from(`\n[sandbox] algorithm log truncated at ${MAX_LOG_BYTES} bytes\n`) });
    }
  };
  child.stdout.on('data', capture('stdout'));
  child.stderr.on('data', capture('stderr'));

  const kill = (reason: KillReason): boolean => {
    if (exited || killedBy !== undefined || pid === undefined) return false;
    killedBy = reason;
    killGroup(pid);
    return true;
  };

  const result = new Promise<ProcessResult>((resolve) => {
    if (pid === undefined) {
      // Spawning failed (ENOENT, EACCES...): Node reports it on 'error' and no 'exit' follows.
      child.once('error', (error) => {
        feed.end();
        resolve({ exitCode: null, spawnError: error.message, chunks });
      });
      return;
    }
    track(pid);
    const limitMs = Number.isNaN(options.maxDurationMs) ? 0 : Math.min(Math.max(options.maxDurationMs, 0), MAX_TIMER_MS);
    const timer = setTimeout(() => kill('timeout'), limitMs);
    child.on('error', () => undefined); // a failed kill after exit; the exit is handled below
    child.once('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      // The container ends with its main process: whatever it left running goes too.
      killGroup(pid);
      liveGroups.delete(pid);
      const exitCode = killedBy !== undefined ? 137 : (code ?? signalExitCode(signal));
      const finish = (): void => {
        clearTimeout(grace);
        feed.end();
        resolve({ exitCode, killedBy, chunks });
      };
      // Output can still be in the pipes after 'exit'; 'close' says it has all arrived.
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, CLOSE_GRACE_MS);
      child.once('close', finish);
    });
  });

  return {
    result,
    chunks,
    get running() {
      return pid !== undefined && !exited;
    },
    get followers() {
      return feed.followerCount;
    },
    follow: (follower) => feed.follow(follower),
    kill,
  };
}
