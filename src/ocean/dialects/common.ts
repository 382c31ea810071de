import { OceanError } from '../errors';
import { isRecord } from '../server-message';
import type { ComputeJob } from '../jobs';

export function parseJobList(body: unknown, parse: (raw: Record<string, unknown>) => ComputeJob, label: string): ComputeJob[] {
  if (!Array.isArray(body)) throw new OceanError('BAD_RESPONSE', `The ${label} answered a job request with something other than a list of jobs`);
  return body.filter(isRecord).map(parse);
}

/** Reads `{"nonce": ...}` as a number or a numeric string (decimals are rounded up, as ocean.py does). */
export function parseNonceBody(body: unknown): bigint {
  const value = isRecord(body) ? body.nonce : undefined;
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : '';
  if (/^\d+$/.test(text)) return BigInt(text);
  const number = Number(text);
  if (text !== '' && Number.isFinite(number) && number >= 0) return BigInt(Math.ceil(number));
  throw new OceanError('BAD_RESPONSE', `The server answered a nonce request without a usable nonce (${JSON.stringify(value)})`);
}

/** A copy of `error` under another code, keeping the rest. */
export function recode(error: OceanError, code: OceanError['code'], retryable = false): OceanError {
  const copy = new OceanError(code, error.message, { ...error.info(), retryable });
  copy.stack = error.stack;
  return copy;
}

export function serverMessage(error: OceanError): string {
  const message = error.details?.serverMessage;
  return typeof message === 'string' ? message : '';
}
