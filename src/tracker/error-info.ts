import { isRecord } from '../ocean/server-message';

/** The `code` of an error, read without assuming it is an OceanError: clients are pluggable. */
export function errorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'NOT_FOUND';
}

/** How long a rate-limited server asked to wait; undefined for any other error. */
export function rateLimitWaitMs(error: unknown): number | undefined {
  if (errorCode(error) !== 'RATE_LIMITED' || !isRecord(error)) return undefined;
  const wait = error.retryAfterMs;
  return typeof wait === 'number' && Number.isFinite(wait) && wait > 0 ? wait : undefined;
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
