import { join } from 'node:path';
import type { RunnerJob, RunnerJobSpec, RunnerOutcome, RunnerPhase, RunnerSnapshot } from './types';

const IMAGE_LOG = 'held job: nothing was pulled\n';

/** One job that runs nothing: 'running' until `finish` or `stop` ends it. */
class HeldJob implements RunnerJob {
  readonly jobId: string;
  readonly dir: string;
  readonly done: Promise<RunnerOutcome>;
  private current: RunnerPhase = 'pulling';
  private readonly listeners: Array<(phase: RunnerPhase) => void> = [];
  private end!: (outcome: RunnerOutcome) => void;
  private ended = false;
  private readonly startedAt = Date.now();

  constructor(spec: RunnerJobSpec) {
    this.jobId = spec.jobId;
    this.dir = join(spec.baseDir, spec.jobId);
    this.done = new Promise((resolve) => (this.end = resolve));
    // The job record subscribes right after it gets the runner.
    queueMicrotask(() => this.enter('running'));
  }

  get phase(): RunnerPhase {
    return this.current;
  }

  onPhase(listener: (phase: RunnerPhase) => void): void {
    this.listeners.push(listener);
  }

  snapshot(): RunnerSnapshot {
    return { imageLog: IMAGE_LOG, configurationLog: '', algorithmLog: [] };
  }

  /** A held job runs no process, so it has no live output to follow. */
  followAlgorithmLog(): undefined {
    return undefined;
  }

  readonly logFollowers = 0;

  /** Ends the job as an algorithm that exits with `exitCode` would. */
  finish(exitCode = 0, stopped = false): void {
    if (this.ended) return;
    this.ended = true;
    this.enter('finished');
    this.end({
      exitCode,
      stopped,
      timedOut: false,
      imageLog: IMAGE_LOG,
      configurationLog: '',
      algorithmLog: [{ stream: 'stdout', data: Buffer.from('held job finished\n') }],
      outputsDir: join(this.dir, 'data', 'outputs'),
      startedAt: this.startedAt,
      finishedAt: Date.now(),
    });
  }

  stop(): void {
    this.finish(137, true);
  }

  private enter(phase: RunnerPhase): void {
    if (this.current === 'finished') return;
    this.current = phase;
    for (const listener of this.listeners) listener(phase);
  }
}

/**
 * A sandbox runner whose jobs run nothing and stay running until told to end: thousands of jobs
 * cost the sandbox no process each, so a test or bench measures the client, not the machine.
 * The backend answers for them as for any job (status numbers, dates, logs; no outputs.tar).
 *
 *   const held = new HeldJobs();
 *   const sandbox = await startSandbox({ dialect: 'ocean-node', runner: held.runner });
 */
export class HeldJobs {
  private readonly jobs = new Map<string, HeldJob>();

  readonly runner = (spec: RunnerJobSpec): RunnerJob => {
    const job = new HeldJob(spec);
    this.jobs.set(spec.jobId, job);
    return job;
  };

  /** Jobs not ended yet. */
  get running(): number {
    let count = 0;
    for (const job of this.jobs.values()) if (job.phase !== 'finished') count += 1;
    return count;
  }

  /** Ends every job still running, each as an algorithm exiting with 0. Answers how many ended. */
  finishAll(): number {
    let count = 0;
    for (const job of this.jobs.values()) {
      if (job.phase === 'finished') continue;
      job.finish();
      count += 1;
    }
    return count;
  }

  /** Ends one job by the id the sandbox gave it (its status id, without Ocean Node's cluster prefix). */
  finish(localId: string, exitCode = 0): void {
    this.jobs.get(localId)?.finish(exitCode);
  }
}
