import type { LogFollower, RunnerFailure, RunnerJob, RunnerOutcome, RunnerPhase } from '../runner/types';

/** A status number and its text, as the backend reports it. */
export interface StatusStep {
  status: number;
  text: string;
}

/** How a backend names the runner's phases and outcomes. */
export interface Lifecycle {
  created: StatusStep;
  phase(phase: RunnerPhase): StatusStep | undefined;
  failure(failure: RunnerFailure): StatusStep;
  finished: StatusStep;
}

export interface StoredResult {
  filename: string;
  type: string;
  data: Buffer;
}

export interface JobRecordInit {
  id: string;
  owner: string;
  environmentId: string;
  free: boolean;
  maxJobDuration: number;
  resources: Array<{ id: string; amount: number }>;
  runner: RunnerJob;
  lifecycle: Lifecycle;
  /** The backend's result files for the phase reached so far (and the outcome once finished). */
  results: (phase: RunnerPhase, outcome?: RunnerOutcome) => Promise<StoredResult[]>;
  extra?: Record<string, unknown>;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** One job in the sandbox: follows its runner and keeps what status and result calls report. */
export class JobRecord {
  readonly id: string;
  readonly owner: string;
  readonly environmentId: string;
  readonly free: boolean;
  readonly maxJobDuration: number;
  readonly resources: Array<{ id: string; amount: number }>;
  readonly createdAt = Date.now();
  readonly extra: Record<string, unknown>;
  status: number;
  statusText: string;
  stopRequested = false;
  finishedAt?: number;
  algoStartedAt?: number;
  algoStoppedAt?: number;
  outcome?: RunnerOutcome;
  results: StoredResult[] = [];
  readonly done: Promise<void>;
  private readonly runner: RunnerJob;

  constructor(init: JobRecordInit) {
    this.id = init.id;
    this.owner = init.owner;
    this.environmentId = init.environmentId;
    this.free = init.free;
    this.maxJobDuration = init.maxJobDuration;
    this.resources = init.resources;
    this.extra = init.extra ?? {};
    this.runner = init.runner;
    this.status = init.lifecycle.created.status;
    this.statusText = init.lifecycle.created.text;
    init.runner.onPhase((phase) => {
      const step = init.lifecycle.phase(phase);
      if (step && phase !== 'finished') this.set(step);
      if (phase === 'running') this.algoStartedAt = Date.now();
      if (phase !== 'finished') {
        init.results(phase).then(
          (results) => (this.results = results),
          () => undefined,
        );
      }
    });
    this.done = init.runner.done.then(async (outcome) => {
      this.outcome = outcome;
      this.algoStoppedAt = this.algoStartedAt ? outcome.finishedAt : undefined;
      this.results = await init.results('finished', outcome).catch(() => this.results);
      this.set(outcome.failure ? init.lifecycle.failure(outcome.failure) : init.lifecycle.finished);
      this.finishedAt = Date.now();
    });
  }

  get running(): boolean {
    return this.finishedAt === undefined;
  }

  stop(): void {
    this.stopRequested = true;
    this.runner.stop();
  }

  /** Follows the algorithm's output while its process runs (see RunnerJob); undefined otherwise. */
  followAlgorithmLog(follower: LogFollower): (() => void) | undefined {
    return this.runner.followAlgorithmLog(follower);
  }

  /** How many live log readers the job has now. */
  get logFollowers(): number {
    return this.runner.logFollowers;
  }

  dateCreated(): string {
    return seconds(this.createdAt);
  }

  dateFinished(): string | null {
    return this.finishedAt === undefined ? null : seconds(this.finishedAt);
  }

  algoStart(): string {
    return this.algoStartedAt === undefined ? '0' : seconds(this.algoStartedAt);
  }

  algoStop(): string {
    return this.algoStoppedAt === undefined ? '0' : seconds(this.algoStoppedAt);
  }

  /** A status change after the job ended, e.g. Ocean Node's 71 -> 70 once its payment is claimed. */
  settle(step: StatusStep): void {
    if (this.finishedAt !== undefined) this.set(step);
  }

  private set(step: StatusStep): void {
    this.status = step.status;
    this.statusText = step.text;
  }
}
