import { OceanError } from '../../ocean/errors';

/** The part of the `redis` package's client the stores use. */
export interface RawRedisClient {
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  /** Drops the connection; commands still waiting for a reply are rejected. */
  destroy(): unknown;
}

export interface RedisClientOptions {
  url: string;
  disableOfflineQueue?: boolean;
  socket?: { connectTimeout?: number; reconnectStrategy?: (retries: number) => number };
}

export interface RedisModule {
  createClient(options: RedisClientOptions): RawRedisClient;
}

/**
 * `redis` is an optional dependency, loaded only by a connection whose job store is Redis: most
 * users never need it, and an install that left it out still runs the other stores.
 */
export function loadRedis(): RedisModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('redis') as RedisModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new OceanError(
      'INVALID_CONFIG',
      'jobStore: the Redis job store needs the npm package "redis", which is not installed; run "npm install redis" in the Node-RED user directory and restart Node-RED, or choose the file or context job store',
      { details: { field: 'jobStore' } },
    );
  }
}
