/**
 * Ocean Node's limiter: a fixed 60 s window per client, opened by the client's first counted
 * request. Over the limit the answer is 429 with "Try again in N seconds." and no Retry-After.
 */
export class FixedWindowRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait when the request is over the limit, else undefined. */
  check(client: string): number | undefined {
    const now = this.now();
    let window = this.windows.get(client);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      this.windows.set(client, window);
    }
    window.count += 1;
    if (window.count <= this.perMinute) return undefined;
    return Math.ceil((window.start + 60_000 - now) / 1000);
  }
}
