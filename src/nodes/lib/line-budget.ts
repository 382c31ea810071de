import { realScheduler, type Scheduler } from '../../tracker/scheduler';

const WINDOW_MS = 1_000;

/**
 * At most `perSecond` lines of one job reach the flow in any one-second window; the rest are
 * counted, and their number is reported once when the window closes.
 */
export class LineBudget {
  private windowStart: number;
  private used = 0;
  private skipped = 0;
  private timer: unknown;

  constructor(
    private readonly perSecond: number,
    private readonly onSkipped: (count: number) => void,
    private readonly scheduler: Scheduler = realScheduler,
  ) {
    this.windowStart = scheduler.now();
  }

  /** True when the line may be sent now. */
  take(): boolean {
    const now = this.scheduler.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.report();
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used < this.perSecond) {
      this.used++;
      return true;
    }
    this.skipped++;
    if (this.timer === undefined) {
      this.timer = this.scheduler.setTimer(() => {
        this.timer = undefined;
        this.report();
      }, Math.max(0, this.windowStart + WINDOW_MS - now));
    }
    return false;
  }

  /** Reports what is still counted and stops the timer. */
  close(): void {
    this.report();
  }

  /** Stops the timer and forgets the count: nothing more may be sent. */
  discard(): void {
    this.skipped = 0;
    this.report();
  }

  private report(): void {
    if (this.timer !== undefined) {
      this.scheduler.clearTimer(this.timer);
      this.timer = undefined;
    }
    if (this.skipped === 0) return;
    const count = this.skipped;
    this.skipped = 0;
    this.onSkipped(count);
  }
}
