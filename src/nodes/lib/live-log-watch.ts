import type { Readable } from 'node:stream';
import { isOceanError } from '../../ocean/errors';
import { LiveLogReader, type LogLine } from '../../ocean/live-log';
import { realScheduler, type Scheduler } from '../../tracker/scheduler';

export interface LiveLogWatchOptions {
  /** Opens the log from its first byte (the client's openLiveLog). */
  open(signal: AbortSignal): Promise<Readable>;
  /** Lines as they are read, in order, each once. */
  lines(lines: LogLine[]): void;
  /** Whether the job still runs its algorithm, as the tracker last saw it: no reopening after that. */
  running(): boolean;
  /** The log cannot be read (the backend refused it); the watch has stopped. */
  failed(error: unknown): void;
  scheduler?: Scheduler;
}

/** First wait before a dropped log is opened again; it doubles while reopening brings nothing new. */
export const REOPEN_FIRST_MS = 1_000;
export const REOPEN_MAX_MS = 30_000;
/** The backend answered that the job does not run (any more), or that it has no live logs: stop. */
const FINAL_CODES = new Set(['NOT_FOUND', 'UNSUPPORTED_BACKEND', 'AUTH_REJECTED', 'ACCESS_DENIED', 'INVALID_CONFIG', 'INVALID_INPUT']);

/**
 * Follows one running job's live log: opens it, hands on its lines, and opens it again when the
 * connection drops while the job still runs, without giving a line twice. At most one request per
 * second, fewer the longer reopening brings nothing new; it stops at `stop()`, when the backend
 * says the job no longer runs, or when the tracker no longer sees it running.
 */
export class LiveLogWatch {
  private readonly reader = new LiveLogReader();
  private readonly controller = new AbortController();
  private readonly scheduler: Scheduler;
  private timer: unknown;
  private wake: (() => void) | undefined;
  private started = false;
  private stopped = false;
  /** The last connection ended as the backend ends it when the algorithm exits: nothing is missing. */
  private endedCleanly = false;

  constructor(private readonly options: LiveLogWatchOptions) {
    this.scheduler = options.scheduler ?? realScheduler;
  }

  get active(): boolean {
    return this.started && !this.stopped;
  }

  /** Every line of the log has been read (the connection ended by itself, not cut). */
  get complete(): boolean {
    return this.endedCleanly;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.run();
  }

  /** Stops reading; with `flush`, a partial last line still held is handed on. */
  stop(flush = true): void {
    if (!this.stopped) {
      this.stopped = true;
      this.controller.abort();
      if (this.timer !== undefined) this.scheduler.clearTimer(this.timer);
      this.wake?.();
    }
    if (flush) this.hand(this.reader.end());
  }

  /**
   * After the job has ended: reads its whole algorithm log (the result file, Docker-framed as the
   * live one) and hands on the lines the live connections missed, at most `maxBytes` of it.
   */
  async catchUp(log: Readable, maxBytes: number): Promise<void> {
    this.reader.reconnected();
    let read = 0;
    try {
      for await (const chunk of log) {
        const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        this.hand(this.reader.push(data.subarray(0, Math.max(0, maxBytes - read))));
        read += data.length;
        if (read >= maxBytes) break;
      }
    } finally {
      log.destroy();
    }
  }

  private async run(): Promise<void> {
    let waitMs = REOPEN_FIRST_MS;
    for (let first = true; !this.stopped; first = false) {
      if (!first) this.reader.reconnected();
      const before = this.reader.bytesTaken;
      try {
        await this.read(await this.options.open(this.controller.signal));
      } catch (error) {
        if (this.stopped) return;
        if (isOceanError(error) && FINAL_CODES.has(error.code)) {
          // NOT_FOUND: the algorithm has ended; anything else: the log cannot be had.
          if (error.code !== 'NOT_FOUND') this.options.failed(error);
          this.stop();
          return;
        }
      }
      if (this.stopped) return;
      if (this.reader.bytesTaken > before) waitMs = REOPEN_FIRST_MS;
      await this.pause(waitMs);
      waitMs = Math.min(waitMs * 2, REOPEN_MAX_MS);
      if (!this.options.running()) {
        this.stop();
        return;
      }
    }
  }

  /** Reads one connection to its end. */
  private async read(stream: Readable): Promise<void> {
    this.endedCleanly = false;
    try {
      for await (const chunk of stream) {
        if (this.stopped) return;
        this.hand(this.reader.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)));
      }
      this.endedCleanly = !this.stopped;
    } finally {
      stream.destroy();
    }
  }

  private hand(lines: LogLine[]): void {
    if (lines.length) this.options.lines(lines);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = this.scheduler.setTimer(() => {
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      }, ms);
    });
  }
}
