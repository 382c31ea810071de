import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { anvilBinaryPath } from './anvil-binary';
import { forget, killOnExit } from './exit-cleanup';
import { freePort, isPortFree } from './free-port';
import { askChainId } from './rpc';

export const DEFAULT_CHAIN_ID = 8996;

export interface AnvilOptions {
  /** 0 or absent: a free port is picked. */
  port?: number;
  /** Default 8996, Ocean's development chain id. */
  chainId?: number;
}

export interface AnvilChain {
  rpcUrl: string;
  chainId: number;
  /** Kills anvil and resolves once it has exited; safe to call twice. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const POLL_INTERVAL_MS = 25;
const REQUEST_TIMEOUT_MS = 1_000;
const PORT_ATTEMPTS = 3;

/** Starts anvil on 127.0.0.1 and resolves once it answers `eth_chainId` with the chain id asked for. */
export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilChain> {
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
  if (options.port) {
    if (!(await isPortFree(options.port))) throw new Error(`anvil: port ${options.port} on 127.0.0.1 is already in use`);
    return launch(options.port, chainId);
  }
  // A picked port can be taken by someone else before anvil binds it: pick again, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(await freePort(), chainId);
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !(error instanceof PortInUseError)) throw error;
    }
  }
}

class PortInUseError extends Error {}

async function launch(port: number, chainId: number): Promise<AnvilChain> {
  const rpcUrl = `http://127.0.0.1:${port}`;
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--quiet'];
  const child = spawn(anvilBinaryPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  killOnExit(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const ended = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited (${signal ?? `code ${String(code)}`})`));
    child.once('error', (error) => resolve(`could not be started: ${error.message}`));
  });
  let endedWith: string | undefined;
  void ended.then((how) => {
    endedWith = how;
    forget(child);
  });

  const close = async (): Promise<void> => {
    if (endedWith === undefined) await stop(child, ended);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (endedWith !== undefined) {
      await sleep(20); // let the last stderr chunk arrive
      const detail = stderr.trim() ? `: ${stderr.trim()}` : '';
      if (/address already in use/i.test(stderr)) throw new PortInUseError(`anvil: port ${port} is in use${detail}`);
      throw new Error(`anvil ${endedWith} before answering on ${rpcUrl}${detail}`);
    }
    const answered = await askChainId(rpcUrl, REQUEST_TIMEOUT_MS);
    if (answered !== undefined) {
      if (answered !== chainId) {
        await close();
        throw new Error(`anvil on ${rpcUrl} answered chain id ${answered}, expected ${chainId}`);
      }
      // anvil must not keep Node running by itself: close() stops it, or killOnExit does.
      child.unref();
      (child.stderr as Socket | null)?.unref();
      return { rpcUrl, chainId, close };
    }
    await sleep(POLL_INTERVAL_MS);
  }
  await close();
  throw new Error(`anvil did not answer eth_chainId on ${rpcUrl} within ${READY_TIMEOUT_MS / 1000} s${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
}

async function stop(child: ChildProcess, ended: Promise<string>): Promise<void> {
  // Hold the process open until anvil is gone: an unreferenced child would let a script end mid-close.
  child.ref();
  child.kill('SIGTERM');
  // Unreferenced timers: a bound that never keeps the process alive by itself.
  const exited = await Promise.race([ended.then(() => true), sleep(5_000, false, { ref: false })]);
  if (!exited) {
    child.kill('SIGKILL');
    await Promise.race([ended, sleep(2_000, undefined, { ref: false })]);
  }
}
