import type { Scheduler } from '../../src/tracker/scheduler';

/** Lets every promise chain that is ready run (a few turns of the event loop). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Time that only moves when a test says so: the tracker's scheduler (monotonic ms from 0) and its
 * clock (a fixed epoch plus the same ms). `advance` fires every due timer in order, letting the
 * tracker's promises settle between them, so a test of minutes runs in milliseconds and never
 * depends on how busy the machine is.
 */
export class VirtualTime implements Scheduler {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  readonly epoch = 1_800_000_000_000;

  now(): number {
    return this.time;
  }

  /** Wall-clock milliseconds, for the tracker's `clock` (job deadlines). */
  readonly clock = (): number => this.epoch + this.time;

  setTimer(callback: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** When each armed timer would fire, earliest first: what keeps a process awake. */
  armed(): number[] {
    return [...this.timers.values()].map((timer) => timer.at).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing what comes due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].callback();
    }
    this.time = end;
    await settle();
  }

  /** Advances in steps until `check` holds; answers the virtual time it took (fails past `limitMs`). */
  async until(check: () => boolean, limitMs: number, stepMs = 100): Promise<number> {
    const start = this.time;
    while (!check()) {
      if (this.time - start > limitMs) throw new Error(`not within ${limitMs} ms of virtual time`);
      await this.advance(stepMs);
    }
    return this.time;
  }
}
