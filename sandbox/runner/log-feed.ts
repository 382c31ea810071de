import type { LogChunk, LogFollower } from './types';

/**
 * An algorithm's output as it grows: every chunk is kept, and followers get the chunks so far,
 * then each new one as it arrives, then the end. Followers are dropped at the end, and dropped
 * at once if they throw, so a broken reader cannot stop the capture.
 */
export class LogFeed {
  readonly chunks: LogChunk[] = [];
  private readonly followers = new Set<LogFollower>();
  private ended = false;

  get followerCount(): number {
    return this.followers.size;
  }

  push(chunk: LogChunk): void {
    if (this.ended) return;
    this.chunks.push(chunk);
    for (const follower of [...this.followers]) {
      if (!this.deliver(follower, chunk)) this.followers.delete(follower);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    const followers = [...this.followers];
    this.followers.clear();
    for (const follower of followers) this.deliver(follower);
  }

  /** Replays the chunks so far to `follower`, then follows; returns the function that stops following. */
  follow(follower: LogFollower): () => void {
    const stop = (): void => {
      this.followers.delete(follower);
    };
    for (const chunk of this.chunks) {
      if (!this.deliver(follower, chunk)) return stop;
    }
    if (this.ended) this.deliver(follower);
    else this.followers.add(follower);
    return stop;
  }

  /** Hands over one chunk (or the end, without one); false when the follower threw. */
  private deliver(follower: LogFollower, chunk?: LogChunk): boolean {
    try {
      if (chunk) follower.chunk(chunk);
      else follower.end();
      return true;
    } catch {
      return false;
    }
  }
}
