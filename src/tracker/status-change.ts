import type { ComputeJob } from '../ocean/jobs';

/** What makes a 'change' event: the status number, its text or the done flag. */
export function statusChanged(previous: ComputeJob | undefined, next: ComputeJob): boolean {
  return previous === undefined || previous.status !== next.status || previous.statusText !== next.statusText || previous.done !== next.done;
}
