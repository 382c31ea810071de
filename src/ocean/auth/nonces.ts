/**
 * Issues nonces for one wallet without asking the server each time. A millisecond timestamp is
 * a valid nonce on both backends and is above anything a `stored + 1` client left behind; the
 * sequence never repeats or goes down, and learns the server's stored value after a rejection.
 * When that value is ahead of this host's clock, another host using the wallet runs ahead: the
 * lead is kept, so later nonces follow that host's clock instead of trailing it by one each time.
 */
export class NonceSequence {
  private last = 0n;
  private lead = 0n;

  constructor(private readonly clock: () => number = Date.now) {}

  next(): bigint {
    const now = BigInt(this.clock()) + this.lead;
    this.last = now > this.last ? now : this.last + 1n;
    return this.last;
  }

  /** The server said it stores `stored`: never issue that or anything below it again. */
  observeStored(stored: bigint): void {
    if (stored > this.last) this.last = stored;
    const ahead = stored - BigInt(this.clock()) + 1n;
    if (ahead > this.lead) this.lead = ahead;
  }
}

/** Runs tasks one at a time, in call order: signed calls of one wallet must not overtake each other. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
