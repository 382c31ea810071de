import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface SandboxProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * An Ocean Node sandbox in a process of its own, without a rate limit, so that a bench measures
 * only its own process's memory and CPU.
 */
export function startSandboxProcess(): Promise<SandboxProcess> {
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
