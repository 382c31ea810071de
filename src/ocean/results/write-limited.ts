import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OceanError } from '../errors';

/**
 * Streams `source` into `sink` (through `through`, if given), refusing with RESULT_TOO_LARGE once
 * more than `maxBytes` would reach the sink; answers the bytes that reached it. They are counted
 * by a listener on the stream before the sink rather than by a Transform in the path, which would
 * hold bytes of its own between the socket and the file (see PASS_THROUGH_BYTES for what that costs).
 */
export async function writeLimited(source: Readable, sink: Writable, maxBytes: number, what: string, through?: Transform): Promise<number> {
  let bytes = 0;
  const last = through ?? source;
  // Added in the same turn as the pipeline's own listener, so both see every chunk.
  last.on('data', (chunk: Buffer | string) => {
    bytes += chunk.length;
    if (bytes > maxBytes) last.destroy(new OceanError('RESULT_TOO_LARGE', `${what} is larger than ${maxBytes} bytes, the limit set for it`, { details: { maxBytes } }));
  });
  await (through ? pipeline(source, through, sink) : pipeline(source, sink));
  return bytes;
}
