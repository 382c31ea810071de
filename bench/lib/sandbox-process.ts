import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export type SandboxCommand =
  | { name: 'finishAll' }
  | { name: 'requests'; since: number }
  | { name: 'requestCount' }
  /** Starts `count` held jobs for the wallet and answers their ids; with `finish`, a history of old jobs. */
  | { name: 'startJobs'; privateKey: string; count: number; finish: boolean }
  | { name: 'stop' };

export interface SandboxRequestView {
  method: string;
  path: string;
  /** A status request for one job (`jobId` in the query) rather than the wallet's list. */
  byId: boolean;
  status: number;
  answeredAt?: number;
  bytes?: number;
}

const STATUS_PATH = '/api/services/compute';

/** A status request: the list (byId false) or one job. */
export const isStatus = (r: SandboxRequestView): boolean => r.method === 'GET' && r.path === STATUS_PATH;

/** The held-jobs sandbox of `sandbox-child.ts`, in its own process. */
export class SandboxProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  }

  static start(): Promise<SandboxProcess> {
    const child = fork(join(__dirname, 'sandbox-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('message', (message: { ready?: string }) => (message.ready ? resolve(new SandboxProcess(message.ready, child)) : reject(new Error('the sandbox did not start'))));
      child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}`)));
    });
  }

  call<T>(command: SandboxCommand): Promise<T> {
    const id = this.nextId++;
    this.child.send({ id, command });
    return new Promise<T>((resolve, reject) => this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject }));
  }

  requests(since = 0): Promise<SandboxRequestView[]> {
    return this.call({ name: 'requests', since });
  }

  async stop(): Promise<void> {
    await this.call({ name: 'stop' }).catch(() => undefined);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
