import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

/** Kills `child` when this process exits or is stopped by a signal, unless forgotten first. */
export function killOnExit(child: ChildProcess): void {
  children.add(child);
  if (installed) return;
  installed = true;
  process.once('exit', killAll);
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      killAll();
      // Alone, this listener would swallow the signal: re-raise it so the default action
      // (terminating) still happens. With other listeners (e.g. npm start's), they decide.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

export function forget(child: ChildProcess): void {
  children.delete(child);
}

function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
