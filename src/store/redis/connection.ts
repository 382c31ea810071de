import { invalidConfig } from '../../ocean/errors';
import { loadRedis, type RawRedisClient, type RedisModule } from './load-redis';

/** What the Redis stores need: one command at a time (mostly EVAL of a Lua script). */
export interface RedisCommands {
  command(args: string[]): Promise<unknown>;
}

export interface RedisConnectionOptions {
  /** redis:// or rediss:// URL; may hold a password, so it never appears in an error or a log. */
  url: string;
  /** Told of connection problems, once per outage. */
  onError?(error: Error): void;
  /** How long a command waits for the connection (default 10 s). */
  connectWaitMs?: number;
  /** The `redis` module (tests); loaded on first use otherwise. */
  module?: RedisModule;
}

const DEFAULT_CONNECT_WAIT_MS = 10_000;
const MAX_RECONNECT_DELAY_MS = 5_000;
const CLOSE_WAIT_MS = 2_000;

/** Checks a Redis URL without ever echoing it (it may hold a password). */
export function checkRedisUrl(url: unknown): string {
  const text = typeof url === 'string' ? url.trim() : '';
  if (!isRedisUrl(text)) throw invalidConfig('redisUrl', 'a redis:// or rediss:// URL, such as redis://:password@redis.example.com:6379/0', undefined, { hideValue: true });
  return text;
}

function isRedisUrl(text: string): boolean {
  try {
    const { protocol, hostname } = new URL(text);
    return (protocol === 'redis:' || protocol === 'rediss:') && hostname !== '';
  } catch {
    return false;
  }
}

/**
 * One client per connection, made and connected on the first command. Commands fail at once
 * while Redis is unreachable (no offline queue): the tracker reports the failure and goes on,
 * rather than piling up writes that would land late and out of order.
 */
export class RedisConnection implements RedisCommands {
  private readonly url: string;
  private client?: RawRedisClient;
  private connecting?: Promise<unknown>;
  private reported = false;
  private isClosed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: RedisConnectionOptions) {
    this.url = checkRedisUrl(options.url);
  }

  async command(args: string[]): Promise<unknown> {
    if (this.isClosed) throw new Error('the Redis connection is closed');
    const client = this.open();
    await this.connected(client);
    const reply = client.sendCommand(args);
    this.inFlight.add(reply);
    const forget = (): boolean => this.inFlight.delete(reply);
    reply.then(forget, forget);
    return reply;
  }

  /** Closes the client once the commands in flight have their replies (at most 2 s), so that a save under way is not cut off. */
  async close(): Promise<void> {
    this.isClosed = true;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await settledWithin([...this.inFlight], CLOSE_WAIT_MS);
    client.destroy();
  }

  private open(): RawRedisClient {
    if (this.client) return this.client;
    const redis = this.options.module ?? loadRedis();
    const client = redis.createClient({
      url: this.url,
      disableOfflineQueue: true,
      socket: { connectTimeout: 5_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 6), MAX_RECONNECT_DELAY_MS) },
    });
    // Without a listener an unreachable Redis would crash Node-RED; each outage is told once.
    client.on('error', (error) => {
      if (this.reported || this.isClosed) return;
      this.reported = true;
      this.options.onError?.(new Error(`Redis: ${redact(error.message, this.url)}`));
    });
    client.on('ready', () => (this.reported = false));
    this.client = client;
    this.connecting = client.connect().catch(() => undefined);
    return client;
  }

  /** Waits for the first connection, bounded; later reconnects are the client's own. */
  private async connected(client: RawRedisClient): Promise<void> {
    const wait = this.options.connectWaitMs ?? DEFAULT_CONNECT_WAIT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${wait} ms`)), wait);
    });
    try {
      await Promise.race([this.connecting, timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (this.client !== client) throw new Error('the Redis connection is closed');
  }
}

/** A client error may quote the URL it was given; the password never leaves. */
function redact(message: string, url: string): string {
  const password = new URL(url).password;
  return password ? message.split(password).join('***').split(decodeURIComponent(password)).join('***') : message;
}

/** Waits until every promise settled, or `ms` passed. */
async function settledWithin(promises: Array<Promise<unknown>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([Promise.allSettled(promises), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
