/**
 * The sandbox's local job runner: runs an algorithm as a local process over a job folder laid
 * out like Ocean's compute container. Dialect code turns its phases and outcome into each
 * backend's status codes and result files.
 */

/** One input file: fetched from a 127.0.0.1 URL, or given inline (DDO files the sandbox holds). */
export interface RunnerInputFile {
  url?: string;
  content?: Buffer | string;
}

export interface RunnerInput {
  /** Folder name under data/inputs (a DID, or for URL datasets a stand-in id). */
  did: string;
  /** Written as data/inputs/<did>/0, 1, 2... in this order. */
  files: RunnerInputFile[];
  /**
   * A URL dataset given without a DID (a `fileObject`): Ocean Node writes its file straight into
   * data/inputs, named as the URL's last path segment, and lists no DID for it.
   */
  inline?: boolean;
}

export interface RunnerAlgorithm {
  /** Ocean container section; the entrypoint's program picks the local interpreter. */
  container: { entrypoint: string; image: string; tag: string; checksum?: string };
  /** The algorithm's code, written to data/transformations/algorithm. */
  code: string | Buffer;
}

export interface RunnerJobSpec {
  jobId: string;
  /** Parent folder of all job folders; the job folder is <baseDir>/<jobId>. */
  baseDir: string;
  algorithm: RunnerAlgorithm;
  inputs: RunnerInput[];
  /** Written to data/inputs/algoCustomData.json when given. */
  algoCustomData?: unknown;
  /** The process is killed after this many seconds (exit code 137, timedOut true). */
  maxDurationSeconds: number;
  /** Pause before each phase, so pollers can see them; default 50 ms. */
  phaseDelayMs?: number;
  /** Most bytes one input download may have; default 50 MiB. */
  maxInputBytes?: number;
}

export type RunnerPhase = 'pulling' | 'configuring' | 'provisioning' | 'running' | 'publishing' | 'finished';

/** Why a job ended without running the algorithm to its own end. */
export type RunnerFailure =
  | 'data-provisioning' // an input could not be fetched (bad URL, non-loopback host, too big, HTTP error)
  | 'algorithm-provisioning' // the algorithm code could not be written
  | 'start'; // the entrypoint's program is unknown or missing (Ocean Node: status 41)

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** Receives an algorithm's output live, as `docker logs --follow` does. */
export interface LogFollower {
  /** One chunk as the process wrote it (one pipe read), in arrival order; stdout and stderr kept apart. */
  chunk(chunk: LogChunk): void;
  /** The process has exited and its pipes have closed: nothing follows. */
  end(): void;
}

export interface RunnerOutcome {
  /** The process exit code; 137 when killed by stop() or the time limit; null when it never started. */
  exitCode: number | null;
  failure?: RunnerFailure;
  stopped: boolean;
  timedOut: boolean;
  /** Text of the image step ("Pulling from ...", digest, status), Ocean Node's image.log. */
  imageLog: string;
  /** Text of the provisioning step (what was written where), Ocean Node's configuration.log. */
  configurationLog: string;
  /** stdout/stderr in arrival order, for algorithm.log. */
  algorithmLog: LogChunk[];
  /** Absolute path of the job's data/outputs folder. */
  outputsDir: string;
  startedAt: number;
  finishedAt: number;
}

/** What a job has logged so far, for results asked for while it runs. */
export interface RunnerSnapshot {
  /** Set once the image step is done ('' before). */
  imageLog: string;
  /** Set once provisioning is done ('' before). */
  configurationLog: string;
  /** The algorithm's output so far, in arrival order. */
  algorithmLog: LogChunk[];
}

export interface RunnerJob {
  readonly jobId: string;
  readonly phase: RunnerPhase;
  /** Absolute path of the job folder. */
  readonly dir: string;
  /** Resolves once the job is finished (never rejects: failures are in the outcome). */
  readonly done: Promise<RunnerOutcome>;
  /** Kills the process if running (SIGKILL, exit code 137); a no-op once finished. */
  stop(): void;
  onPhase(listener: (phase: RunnerPhase) => void): void;
  /** The logs so far, e.g. image.log while provisioning; copies, safe to keep. */
  snapshot(): RunnerSnapshot;
  /**
   * While the algorithm's process runs: hands `follower` its output from the first byte, then each
   * new chunk, then the end once the process has exited; returns the function that stops following.
   * Undefined when the process is not running (not started yet, exited, or never started).
   */
  followAlgorithmLog(follower: LogFollower): (() => void) | undefined;
  /** How many followers the algorithm's output has now (0 once it has ended). */
  readonly logFollowers: number;
}
