import { constants } from 'node:buffer';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { OceanError } from '../errors';

export interface ReadOptions {
  /**
   * The size the server listed or announced. The bytes then go straight into one buffer of that
   * size, instead of a list of chunks copied together at the end (which needs twice the memory).
   */
  expectedBytes?: number;
  /** The error for a stream over the limit, when the caller can say more than "over the limit". */
  refusal?(maxBytes: number): OceanError;
}

/**
 * Reads a stream into memory, refusing more than `maxBytes` as soon as they have arrived (the
 * stream is then destroyed). A stream longer or shorter than `expectedBytes` is still read whole,
 * within the limit.
 */
export async function readLimited(stream: Readable, maxBytes: number, what: string, options: ReadOptions = {}): Promise<Buffer> {
  const limit = Math.min(maxBytes, constants.MAX_LENGTH);
  const refuse = (): OceanError =>
    options.refusal?.(limit) ??
    new OceanError('RESULT_TOO_LARGE', `${what} is larger than ${limit} bytes; write it to a file instead, or raise the limit`, { details: { maxBytes: limit } });
  const expected = options.expectedBytes;
  let whole: Buffer | undefined = expected !== undefined && Number.isSafeInteger(expected) && expected > 0 && expected <= limit ? Buffer.alloc(expected) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  let refused: OceanError | undefined;
  // 'data' rather than for-await: an async iterator's read() joins buffered chunks into a new copy.
  stream.on('data', (chunk: Buffer | string) => {
    if (refused) return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (size + buffer.length > limit) {
      refused = refuse();
      stream.destroy();
      return;
    }
    if (whole && size + buffer.length <= whole.length) {
      buffer.copy(whole, size);
    } else {
      if (whole) chunks.push(whole.subarray(0, size));
      whole = undefined;
      chunks.push(buffer);
    }
    size += buffer.length;
  });
  try {
    await finished(stream);
  } catch (error) {
    throw refused ?? error;
  }
  if (refused) throw refused;
  // Shorter than announced (a wrong size in the job's list): a copy of what came, not a view of the larger buffer.
  if (whole) return size === whole.length ? whole : Buffer.from(whole.subarray(0, size));
  return Buffer.concat(chunks, size);
}
