import { Transform, type TransformCallback } from 'node:stream';
import { OceanError } from '../errors';
import { STREAM_BUFFER_BYTES } from './buffer-size';

/** Passes bytes through until more than `maxBytes` have gone by, then fails with RESULT_TOO_LARGE. */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly what: string,
  ) {
    super({ highWaterMark: STREAM_BUFFER_BYTES });
  }

  /** Bytes passed so far. */
  get bytes(): number {
    return this.seen;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      callback(new OceanError('RESULT_TOO_LARGE', `${this.what} is larger than ${this.maxBytes} bytes, the limit set for it`, { details: { maxBytes: this.maxBytes } }));
      return;
    }
    callback(null, chunk);
  }
}
