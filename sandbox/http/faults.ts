import type { ServerResponse } from 'node:http';
import { send } from './reply';

interface FaultTarget {
  method: string;
  path: string;
  /** How many requests it applies to; 1 by default. */
  times?: number;
}

/** A canned answer the sandbox gives instead of the real one, for faults a test must provoke. */
export interface CannedFault extends FaultTarget {
  status: number;
  body: string;
  contentType?: string;
  /** Hold the answer this long (to provoke client timeouts). */
  delayMs?: number;
}

/**
 * The real answer starts, then the connection is cut once `dropAfterChunks` body writes have gone out,
 * without the end of the chunked body: a stream dropped mid-way (e.g. the live algorithm log after N
 * frames), so a client's reconnect can be tested. 0 cuts it before anything is sent. Only answers
 * written piece by piece are cut; one sent whole (a single `end(body)`, like every error) goes out unchanged.
 */
export interface StreamCutFault extends FaultTarget {
  dropAfterChunks: number;
}

export type Fault = CannedFault | StreamCutFault;

type Queued = Fault & { left: number };

export class FaultQueue {
  private readonly faults: Queued[] = [];

  add(fault: Fault): void {
    if ('dropAfterChunks' in fault && !(Number.isInteger(fault.dropAfterChunks) && fault.dropAfterChunks >= 0)) {
      throw new Error(`fault dropAfterChunks must be a whole number of chunks (0 or more), got ${String(fault.dropAfterChunks)}`);
    }
    this.faults.push({ ...fault, method: fault.method.toUpperCase(), left: fault.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  /**
   * Applies the first matching fault: answers with a canned one (true), or arms a stream cut on `res`
   * and lets the real handler answer (false). False when none applies.
   */
  async answer(method: string, path: string, res: ServerResponse): Promise<boolean> {
    const index = this.faults.findIndex((f) => f.method === method && f.path === path);
    const fault = this.faults[index];
    if (!fault) return false;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    if ('dropAfterChunks' in fault) {
      cutAfterWrites(res, fault.dropAfterChunks);
      return false;
    }
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (!res.destroyed) send(res, fault.status, fault.contentType ?? 'text/html; charset=utf-8', fault.body);
    return true;
  }
}

/**
 * Lets `limit` writes through, destroys the connection once the last of them has been flushed, and
 * swallows every later write and the end, so the client gets the first `limit` chunks and then a
 * connection closed mid-body.
 */
function cutAfterWrites(res: ServerResponse, limit: number): void {
  const write = res.write.bind(res) as (chunk: unknown, callback?: (error?: Error | null) => void) => boolean;
  const end = res.end.bind(res);
  let sent = 0;
  let cut = false;
  const destroy = (): void => {
    res.destroy();
  };
  res.write = (chunk: unknown): boolean => {
    if (cut) return false;
    if (sent >= limit) {
      cut = true;
      destroy();
      return false;
    }
    sent += 1;
    if (sent < limit) return write(chunk);
    cut = true;
    return write(chunk, destroy);
  };
  res.end = ((...args: Parameters<ServerResponse['end']>) => (cut ? res : end(...args))) as ServerResponse['end'];
}
