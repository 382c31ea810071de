import type { ServerResponse } from 'node:http';
import { send } from './reply';

/** A canned answer the sandbox gives instead of the real one, for faults a test must provoke. */
export interface Fault {
  method: string;
  path: string;
  status: number;
  body: string;
  contentType?: string;
  /** How many requests it answers; 1 by default. */
  times?: number;
  /** Hold the answer this long (to provoke client timeouts). */
  delayMs?: number;
}

export class FaultQueue {
  private readonly faults: Array<Fault & { left: number }> = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault, method: fault.method.toUpperCase(), left: fault.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** Answers with the first matching fault; false when none applies. */
  async answer(method: string, path: string, res: ServerResponse): Promise<boolean> {
    const index = this.faults.findIndex((f) => f.method === method && f.path === path);
    const fault = this.faults[index];
    if (!fault) return false;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (!res.destroyed) send(res, fault.status, fault.contentType ?? 'text/html; charset=utf-8', fault.body);
    return true;
  }
}
