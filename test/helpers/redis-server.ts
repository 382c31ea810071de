import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './node-red-process';

/** redis-server's path: $REDIS_SERVER if set (only it), else the Debian package's or the first on PATH; undefined when there is none. */
function findRedisServer(): string | undefined {
  const chosen = process.env.REDIS_SERVER;
  if (chosen !== undefined) return existsSync(chosen) ? chosen : undefined;
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

export const REDIS_SERVER = findRedisServer();

export interface RedisServer {
  port: number;
  /** redis-server's process id (a test may freeze it with SIGSTOP). */
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** A throw-away redis-server on 127.0.0.1 (a free port, nothing saved to disk), up once it answers PING. */
export async function startRedisServer(options: { password?: string; port?: number } = {}): Promise<RedisServer> {
  if (!REDIS_SERVER) throw new Error('redis-server not found');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'ocean-c2d-redis-'));
  const child: ChildProcess = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...(options.password ? ['--requirepass', options.password] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await answersPing(port)) return { port, pid: child.pid!, url: options.password ? `redis://:${options.password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`redis-server did not start on port ${port}:\n${output}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // A server with a password answers NOAUTH: it is up all the same.
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

const skipped = new Set<string>();

function reportSkipped(): void {
  if (skipped.size === 0) return;
  const line = '!'.repeat(78);
  console.error(`\n${line}\nREDIS TESTS DID NOT RUN: redis-server not found (install the redis-server package, or set REDIS_SERVER).\nSkipped: ${[...skipped].join('; ')}\n${line}\n`);
}

// Printed at the end of the run, and once more after mocha's summary: a skip must not read as a pass.
if (typeof after === 'function') after('report skipped Redis tests', reportSkipped);
process.once('exit', reportSkipped);

/**
 * A describe() whose tests need redis-server: each gets a fresh server (`redis()`). Without
 * redis-server the tests are skipped, loudly (see reportSkipped).
 */
export function describeWithRedis(title: string, body: (this: Mocha.Suite, redis: () => RedisServer) => void, options: { password?: string } = {}): void {
  describe(title, function () {
    let server: RedisServer | undefined;
    before(function () {
      if (REDIS_SERVER) return;
      skipped.add(title);
      console.error(`REDIS TESTS DID NOT RUN: redis-server not found; skipping "${title}"`);
      this.skip();
    });
    beforeEach(async function () {
      if (REDIS_SERVER) server = await startRedisServer(options);
    });
    afterEach(async function () {
      await server?.stop();
      server = undefined;
    });
    body.call(this, () => {
      if (!server) throw new Error('redis-server is not running');
      return server;
    });
  });
}
