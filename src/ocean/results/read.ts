import type { Readable } from 'node:stream';
import { OceanError } from '../errors';

/** Reads a stream into memory, refusing more than `maxBytes` (the stream is then destroyed). */
export async function readLimited(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > maxBytes) {
      stream.destroy();
      throw new OceanError('RESULT_TOO_LARGE', `${what} is larger than ${maxBytes} bytes; write it to a file instead, or raise the limit`, {
        details: { maxBytes },
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
