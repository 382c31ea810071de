import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface NodeRedProcess {
  url: string;
  port: number;
  /** Everything Node-RED printed so far. */
  output(): string;
  /** Resolves when what Node-RED printed matches `pattern` (fails after `ms`). */
  untilOutput(pattern: RegExp, ms: number): Promise<void>;
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL): no close handlers run, as when a container dies. */
  kill(): Promise<void>;
}

export interface NodeRedStart {
  userDir: string;
  /** Node-RED's red.js: the devDependency by default. */
  redJs?: string;
  /** The Node.js binary to run it with (this process's by default). */
  node?: string;
  env?: NodeJS.ProcessEnv;
  /** Bounded wait for the editor to answer. */
  startupMs?: number;
}

/** Node-RED as a child process on 127.0.0.1, with `settings.js` from the user directory, until its editor answers. */
export async function startNodeRedProcess(options: NodeRedStart): Promise<NodeRedProcess> {
  const port = await freePort();
  const redJs = options.redJs ?? require.resolve('node-red/red.js');
  const child: ChildProcess = spawn(options.node ?? process.execPath, [redJs, '--userDir', options.userDir, '--settings', join(options.userDir, 'settings.js'), '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const untilOutput = (pattern: RegExp, ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(output)) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Node-RED did not print ${String(pattern)} within ${ms} ms:\n${output}`));
      }, ms);
      const finish = (): void => {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      check();
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + (options.startupMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with code ${child.exitCode}:\n${output}`);
    const answer = await fetch(`${url}/settings`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
    if (answer) return { url, port, output: () => output, untilOutput, stop, kill };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`Node-RED did not answer within ${options.startupMs ?? 30_000} ms:\n${output}`);
}

/** A settings.js for a test Node-RED: 127.0.0.1 only, no tours, no telemetry, plus `extra`. */
export function testSettings(extra: Record<string, unknown> = {}): string {
  const settings = {
    uiHost: '127.0.0.1',
    flowFile: 'flows.json',
    editorTheme: { tours: false, palette: { catalogues: [] } },
    telemetry: { enabled: false, updateNotification: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    ...extra,
  };
  return `module.exports = ${JSON.stringify(settings, null, 2)};\n`;
}

/**
 * Installs modules into a user directory as the palette manager leaves them: each in its
 * node_modules (here a link to `dir`) and listed in its package.json.
 */
export function installModules(userDir: string, modules: Record<string, string>): void {
  for (const [name, dir] of Object.entries(modules)) {
    const link = join(userDir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(dir, link, 'dir');
  }
  const dependencies = Object.fromEntries(Object.keys(modules).map((name) => [name, `file:${modules[name]}`]));
  writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-user-dir', private: true, dependencies }, null, 2));
}
