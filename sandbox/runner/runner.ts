import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAlgorithm, type AlgorithmProcess } from './algorithm-process';
import { entrypointProgram, resolveEntrypoint } from './entrypoint';
import { imageLogText } from './image-log';
import { createLayout, isSingleSegment, jobPaths, type JobPaths } from './layout';
import { dockerFrames } from './outputs-tar';
import { provision } from './provision';
import type { LogChunk, LogFollower, RunnerFailure, RunnerJob, RunnerJobSpec, RunnerOutcome, RunnerPhase, RunnerSnapshot } from './types';

const DEFAULT_PHASE_DELAY_MS = 50;

/** What a job has gathered so far; becomes the outcome. */
interface Progress {
  imageLog: string;
  configurationLog: string;
  algorithmLog: LogChunk[];
  exitCode: number | null;
  failure?: RunnerFailure;
  timedOut: boolean;
}

/** Resolves after `ms`, or at once when the signal aborts (a stop skips the remaining pauses). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const end = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', end);
      resolve();
    };
    const timer = setTimeout(end, ms);
    signal.addEventListener('abort', end, { once: true });
  });
}

/** Writes one of Ocean Node's log files into data/logs; a log that cannot be written does not fail the job. */
async function writeLog(paths: JobPaths, name: string, content: string | Buffer): Promise<void> {
  try {
    await mkdir(paths.logs, { recursive: true });
    await writeFile(join(paths.logs, name), content);
  } catch {
    // The outcome carries every log anyway.
  }
}

function algorithmEnv(paths: JobPaths, dids: string[]): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: paths.dir,
    OCEAN_C2D_DATA: paths.data,
    DIDS: JSON.stringify(dids),
    ALGO: paths.algorithm,
  };
}

class LocalJob implements RunnerJob {
  readonly jobId: string;
  readonly dir: string;
  readonly done: Promise<RunnerOutcome>;

  private current: RunnerPhase = 'pulling';
  private readonly listeners: Array<(phase: RunnerPhase) => void> = [];
  private readonly paths: JobPaths;
  private readonly stopSignal = new AbortController();
  private process: AlgorithmProcess | undefined;
  private readonly progress: Progress = { imageLog: '', configurationLog: '', algorithmLog: [], exitCode: null, timedOut: false };
  /** True until the algorithm has ended (or will not run); later stops change nothing. */
  private stoppable = true;
  private stopped = false;

  constructor(private readonly spec: RunnerJobSpec) {
    this.jobId = spec.jobId;
    this.paths = jobPaths(spec.baseDir, spec.jobId);
    this.dir = this.paths.dir;
    this.done = this.run();
  }

  get phase(): RunnerPhase {
    return this.current;
  }

  onPhase(listener: (phase: RunnerPhase) => void): void {
    this.listeners.push(listener);
  }

  snapshot(): RunnerSnapshot {
    const { imageLog, configurationLog, algorithmLog } = this.progress;
    return { imageLog, configurationLog, algorithmLog: [...(this.process?.chunks ?? algorithmLog)] };
  }

  followAlgorithmLog(follower: LogFollower): (() => void) | undefined {
    const running = this.process;
    return running?.running ? running.follow(follower) : undefined;
  }

  get logFollowers(): number {
    return this.process?.followers ?? 0;
  }

  stop(): void {
    if (!this.stoppable) return;
    if (this.process !== undefined) {
      if (!this.process.kill('stop')) return;
    }
    this.stopped = true;
    this.stopSignal.abort();
  }

  /** Pauses, then moves to `phase`; false (and no move) when a stop came first and `phase` precedes publishing. */
  private async enter(phase: RunnerPhase): Promise<boolean> {
    await pause(this.spec.phaseDelayMs ?? DEFAULT_PHASE_DELAY_MS, this.stopSignal.signal);
    if (this.stopped && phase !== 'publishing' && phase !== 'finished') return false;
    this.current = phase;
    for (const listener of this.listeners) {
      try {
        listener(phase);
      } catch {
        // A listener's error must not break the job.
      }
    }
    return true;
  }

  private async run(): Promise<RunnerOutcome> {
    const startedAt = Date.now();
    const progress = this.progress;
    try {
      await this.prepareAndRun(progress);
    } catch {
      // Unexpected (our own I/O): report it as the failure of the step it happened in.
      progress.failure ??= this.current === 'running' ? 'start' : 'data-provisioning';
    }
    this.stoppable = false;
    if (this.stopped) {
      // Ocean lets a stopped job publish what it has; a stop is never reported as a failure.
      delete progress.failure;
      progress.exitCode ??= 137;
    }
    if (progress.failure === undefined) await this.enter('publishing');
    await this.enter('finished');
    this.process = undefined;
    return {
      exitCode: progress.exitCode,
      ...(progress.failure !== undefined ? { failure: progress.failure } : {}),
      stopped: this.stopped,
      timedOut: progress.timedOut,
      imageLog: progress.imageLog,
      configurationLog: progress.configurationLog,
      algorithmLog: [...progress.algorithmLog],
      outputsDir: this.paths.outputs,
      startedAt,
      finishedAt: Date.now(),
    };
  }

  /** pulling -> configuring -> provisioning -> running; returns early on a stop or a failure. */
  private async prepareAndRun(progress: Progress): Promise<void> {
    const { spec, paths } = this;
    if (!(await this.enter('pulling'))) return;
    progress.imageLog = imageLogText(spec.algorithm.container);
    await writeLog(paths, 'image.log', progress.imageLog);

    if (!(await this.enter('configuring'))) return;
    try {
      await createLayout(paths);
    } catch {
      progress.failure = 'data-provisioning';
      return;
    }

    if (!(await this.enter('provisioning'))) return;
    const provisioned = await provision(spec, paths, this.stopSignal.signal);
    progress.configurationLog = provisioned.log;
    await writeLog(paths, 'configuration.log', provisioned.log);
    if (this.stopped) return;
    if (provisioned.failure !== undefined) {
      progress.failure = provisioned.failure;
      return;
    }

    if (!(await this.enter('running'))) return;
    const command = resolveEntrypoint(spec.algorithm.container.entrypoint, paths.algorithm);
    if (command === undefined) {
      const program = entrypointProgram(spec.algorithm.container.entrypoint);
      progress.failure = 'start';
      // Ocean Node's algorithm.log for a container that cannot start holds Docker's error text, unframed.
      await writeLog(paths, 'algorithm.log', containerStartError(program));
      return;
    }
    this.process = runAlgorithm(command, {
      cwd: paths.dir,
      env: algorithmEnv(paths, spec.inputs.filter((input) => !input.inline).map((input) => input.did)),
      maxDurationMs: spec.maxDurationSeconds * 1000,
    });
    const result = await this.process.result;
    this.stoppable = false;
    progress.algorithmLog = result.chunks;
    if (result.spawnError !== undefined) {
      progress.failure = 'start';
      await writeLog(paths, 'algorithm.log', result.spawnError);
      return;
    }
    progress.exitCode = result.exitCode;
    progress.timedOut = result.killedBy === 'timeout';
    await writeLog(paths, 'algorithm.log', dockerFrames(result.chunks));
  }
}

/**
 * Starts a job in <baseDir>/<jobId> and returns at once; `done` resolves when it has finished.
 * Throws only for a jobId that is not a single folder name.
 */
export function startRunnerJob(spec: RunnerJobSpec): RunnerJob {
  if (!isSingleSegment(spec.jobId)) throw new Error(`jobId "${spec.jobId}" cannot be a folder name`);
  return new LocalJob(spec);
}

/** Docker's answer, as Ocean Node logs it, when a container's entrypoint program does not exist. */
function containerStartError(program: string): string {
  const reason = program.includes('/') ? `stat ${program}: no such file or directory` : 'executable file not found in $PATH';
  return `(HTTP code 400) unexpected - failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${program}": ${reason}: unknown `;
}
