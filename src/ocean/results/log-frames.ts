import { Transform, type TransformCallback } from 'node:stream';

const HEADER = 8;

/** Docker's multiplexed stream header: stream byte 0/1/2, three zero bytes, big-endian length. */
function isFrameHeader(buffer: Buffer, offset = 0): boolean {
  return buffer.length - offset >= HEADER && (buffer[offset] ?? 3) <= 2 && buffer[offset + 1] === 0 && buffer[offset + 2] === 0 && buffer[offset + 3] === 0;
}

/**
 * Removes Docker's 8-byte frame headers from an algorithm log (Ocean Node keeps them), passing
 * a log without them through unchanged. Works chunk by chunk, so large logs can be streamed.
 */
export class DockerFrameStripper extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private framed?: boolean;
  private left = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.framed === undefined) {
      if (this.pending.length < HEADER) return callback();
      this.framed = isFrameHeader(this.pending);
    }
    if (!this.framed) {
      this.push(this.pending);
      this.pending = Buffer.alloc(0);
      return callback();
    }
    this.drain();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // A short log that never filled a header, or a cut-off last frame: keep what is there.
    if (this.pending.length) this.push(this.pending);
    callback();
  }

  private drain(): void {
    let offset = 0;
    while (offset < this.pending.length) {
      if (this.left > 0) {
        const take = Math.min(this.left, this.pending.length - offset);
        this.push(this.pending.subarray(offset, offset + take));
        offset += take;
        this.left -= take;
        continue;
      }
      if (this.pending.length - offset < HEADER) break;
      this.left = this.pending.readUInt32BE(offset + 4);
      offset += HEADER;
    }
    this.pending = this.pending.subarray(offset);
  }
}

export function stripDockerFrames(log: Buffer): Buffer {
  if (!isFrameHeader(log)) return log;
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < log.length) {
    if (log.length - offset < HEADER) {
      // A cut-off last header: keep the fragment, as the streaming stripper does.
      parts.push(log.subarray(offset));
      break;
    }
    if (!isFrameHeader(log, offset)) return log;
    const length = log.readUInt32BE(offset + 4);
    parts.push(log.subarray(offset + HEADER, Math.min(log.length, offset + HEADER + length)));
    offset += HEADER + length;
  }
  return Buffer.concat(parts);
}
