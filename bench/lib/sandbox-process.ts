import { fork, spawn, type ChildProcess } from 'node:child_process';
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

export interface SandboxCliProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * An Ocean Node sandbox in a process of its own, without a rate limit, so that a bench measures
 * only its own process's memory and CPU.
 */
export function startSandboxProcess(): Promise<SandboxCliProcess> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, '..', '..', 'sandbox', 'cli.ts'), 'ocean-node', '0'], {
    env: { ...process.env, SANDBOX_RATE_LIMIT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the sandbox did not start within 60 s'));
    }, 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      const url = /listening on (\S+)/.exec(chunk.toString())?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ url, child, stop });
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error('the sandbox exited'));
    });
  });
}
