import type { Node } from 'node-red';
import { status } from './status';

/**
 * Counts a node's requests in flight so its status dot stays right with several messages at
 * once: "working (3)" while busy, the last outcome once all are done.
 */
export class InFlight {
  private count = 0;

  constructor(
    private readonly node: Node,
    private readonly label: string,
  ) {}

  start(): void {
    this.count += 1;
    status.working(this.node, this.count > 1 ? `${this.label} (${this.count})` : this.label);
  }

  succeeded(text: string): void {
    this.count = Math.max(0, this.count - 1);
    if (this.count === 0) status.done(this.node, text);
    else status.working(this.node, `${this.label} (${this.count})`);
  }

  failed(error: unknown): void {
    this.count = Math.max(0, this.count - 1);
    status.failed(this.node, error);
  }
}
