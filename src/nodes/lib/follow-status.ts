/**
 * A node's "following N" status, set at most once per turn of the event loop: a poll that ends
 * thousands of jobs updates the dot once, after them, instead of once per job.
 */
export class FollowStatus {
  private pending?: NodeJS.Immediate;

  constructor(private readonly show: () => void) {}

  refresh(): void {
    this.pending ??= setImmediate(() => {
      this.pending = undefined;
      this.show();
    });
  }

  /** Drops a pending refresh: a status set now (an error) must stay. */
  cancel(): void {
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
  }
}
