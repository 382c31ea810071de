import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { checkRedisUrl, RedisConnection } from '../../src/store/redis/connection';
import type { RawRedisClient, RedisModule } from '../../src/store/redis/load-redis';
import { freePort } from '../helpers/node-red-process';
import { describeWithRedis } from '../helpers/redis-server';

const EXPECTED_URL = 'redisUrl: expected a redis:// or rediss:// URL, such as redis://:password@redis.example.com:6379/0';

describe('the Redis URL setting', function () {
  it('refuses what is not a redis:// URL with a host, naming the field and never echoing the value', function () {
    for (const bad of ['', '   ', 'http://user:hunter2@host', 'not a url hunter2', 'redis://', 'redis:///0', undefined, 6379]) {
      assert.throws(() => checkRedisUrl(bad), (error: Error) => {
        assert.equal(error.message, EXPECTED_URL, `for ${String(bad)}`);
        return true;
      });
    }
    assert.equal(checkRedisUrl(' rediss://:pw@cache.example.com:6380/1 '), 'rediss://:pw@cache.example.com:6380/1');
    assert.equal(checkRedisUrl('redis://127.0.0.1'), 'redis://127.0.0.1');
  });
});

/** A port where something accepts connections and hangs up at once: Redis gone, its address kept. */
async function hangingUpServer(): Promise<{ port: number; accepted: number[]; close(): Promise<void> }> {
  const accepted: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    accepted.push(Date.now());
    sockets.add(socket);
    socket.destroy();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, accepted, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a Redis connection that cannot reach Redis', function () {
  it('fails a command after the connect wait with a clear error, warns once without the password, and retries with growing pauses', async function () {
    const gone = await hangingUpServer();
    const warnings: string[] = [];
    const connection = new RedisConnection({ url: `redis://:s3cret@127.0.0.1:${gone.port}`, connectWaitMs: 1_600, onError: (error) => warnings.push(error.message) });
    const began = Date.now();
    try {
      await assert.rejects(connection.command(['PING']), { message: 'Redis did not answer within 1600 ms' });
      const attempts = gone.accepted.map((at) => at - began);
      // One try at once, then pauses of 100, 200, 400, 800 ms (doubling, at most 5 s): 4 or 5 tries in 1.6 s.
      assert.ok(attempts.length >= 3 && attempts.length <= 6, `connection attempts at ${attempts.join(', ')} ms`);
      const pauses = attempts.slice(1).map((at, i) => at - attempts[i]!);
      assert.ok(pauses[pauses.length - 1]! > pauses[0]! * 1.4, `the pauses grow: ${pauses.join(', ')} ms`);
      assert.equal(warnings.length, 1, `one warning for the outage: ${warnings.join(' | ')}`);
      assert.match(warnings[0]!, /^Redis: /);
      assert.doesNotMatch(warnings[0]!, /s3cret/);
    } finally {
      await connection.close();
      await gone.close();
    }
  });

  it('closing while a command waits for the connection fails that command as closed, at once', async function () {
    const gone = await hangingUpServer();
    const connection = new RedisConnection({ url: `redis://127.0.0.1:${gone.port}`, connectWaitMs: 5_000 });
    try {
      const pending = connection.command(['PING']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const began = Date.now();
      await connection.close();
      await assert.rejects(pending, { message: 'the Redis connection is closed' });
      assert.ok(Date.now() - began < 1_000, 'not after the connect wait');
      const seen = gone.accepted.length;
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(gone.accepted.length, seen, 'no reconnecting after close');
    } finally {
      await gone.close();
    }
  });

  it('a client error that quotes the URL has its password replaced, as written and as decoded', async function () {
    const emitted = new EventEmitter();
    const fakeClient = Object.assign(emitted, {
      connect: () => new Promise<unknown>(() => undefined),
      sendCommand: () => Promise.reject(new Error('not connected')),
      destroy: () => undefined,
    }) as unknown as RawRedisClient;
    const module: RedisModule = { createClient: () => fakeClient };
    const warnings: string[] = [];
    const connection = new RedisConnection({ url: 'redis://:p%40ss@cache.example:6379', module, connectWaitMs: 50, onError: (error) => warnings.push(error.message) });
    await assert.rejects(connection.command(['PING']), { message: 'Redis did not answer within 50 ms' });
    emitted.emit('error', new Error('cannot reach redis://:p%40ss@cache.example:6379 (password p@ss)'));
    assert.deepEqual(warnings, ['Redis: cannot reach redis://:***@cache.example:6379 (password ***)']);
    await connection.close();
  });
});

describeWithRedis('a Redis connection', function (redis) {
  const clientCount = async (observer: RedisConnection): Promise<number> => String(await observer.command(['CLIENT', 'LIST'])).trim().split('\n').length;

  it('after close, a command is refused and opens no new client', async function () {
    const observer = new RedisConnection({ url: redis().url });
    const connection = new RedisConnection({ url: redis().url });
    try {
      assert.equal(await connection.command(['PING']), 'PONG');
      assert.equal(await clientCount(observer), 2);
      await connection.close();
      await assert.rejects(connection.command(['PING']), { message: 'the Redis connection is closed' });
      assert.equal(await clientCount(observer), 1, 'only the observer is left');
    } finally {
      await observer.close();
    }
  });

  it('leaves no timer and keeps no reply behind, after commands and after close', async function () {
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const connection = new RedisConnection({ url: redis().url });
    assert.equal(await connection.command(['PING']), 'PONG');
    const before = timers();
    for (let i = 0; i < 20; i++) await connection.command(['PING']);
    assert.equal(timers(), before, 'each command\'s connect wait was cleared');
    assert.equal((connection as unknown as { inFlight: Set<unknown> }).inFlight.size, 0, 'answered commands are let go');
    await connection.close();
    assert.equal(timers(), before, 'the close wait was cleared');
  });

  it('close lets a command in flight finish, then leaves', async function () {
    const connection = new RedisConnection({ url: redis().url });
    assert.equal(await connection.command(['PING']), 'PONG');
    const blocked = connection.command(['BLPOP', 'nothing-comes', '0.3']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await connection.close();
    assert.equal(await blocked, null, 'the blocking read timed out normally instead of being cut off');
  });

  it('close waits at most 2 s for the replies of a Redis that stopped answering, then drops the connection', async function () {
    const observer = new RedisConnection({ url: redis().url });
    const connection = new RedisConnection({ url: redis().url });
    try {
      assert.equal(await connection.command(['PING']), 'PONG');
      process.kill(redis().pid, 'SIGSTOP');
      const began = Date.now();
      let unanswered: Promise<unknown> | undefined;
      try {
        unanswered = connection.command(['PING']);
        unanswered.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await connection.close();
      } finally {
        process.kill(redis().pid, 'SIGCONT');
      }
      const tookMs = Date.now() - began;
      assert.ok(tookMs >= 1_900 && tookMs < 4_000, `close took ${tookMs} ms`);
      await assert.rejects(unanswered);
      assert.equal(await clientCount(observer), 1, 'the frozen connection was dropped');
    } finally {
      await observer.close();
    }
  });
});
