export type LogStreamName = 'stdout' | 'stderr';

export interface LogPiece {
  stream: LogStreamName;
  data: Buffer;
}

const HEADER_BYTES = 8;

/**
 * Splits Docker's multiplexed log stream (8-byte header: stream 1 or 2, three zero bytes, a
 * big-endian length) into its pieces, chunk by chunk: a frame may arrive in several chunks and a
 * chunk may hold several frames. A frame's content is passed on as it arrives, so a large frame
 * is never held whole. A stream that does not start with a header (a container with a TTY) is
 * passed through as stdout.
 */
export class DockerFrameDecoder {
  private header: Buffer = Buffer.alloc(0);
  private current: LogStreamName = 'stdout';
  private left = 0;
  private framed: boolean | undefined;

  /** The end of the stream: a start too short to tell (a few bytes of a log without frames) is stdout. */
  flush(): LogPiece[] {
    const held = this.framed === undefined && this.header.length ? [{ stream: 'stdout' as const, data: this.header }] : [];
    this.header = Buffer.alloc(0);
    return held;
  }

  push(chunk: Buffer): LogPiece[] {
    const pieces: LogPiece[] = [];
    let offset = 0;
    if (this.framed === undefined) {
      const start = Buffer.concat([this.header, chunk]);
      if (start.length < HEADER_BYTES && isHeaderPrefix(start)) {
        this.header = start;
        return pieces;
      }
      this.framed = isHeaderPrefix(start.subarray(0, HEADER_BYTES));
      this.header = Buffer.alloc(0);
      chunk = start;
    }
    if (!this.framed) return chunk.length ? [{ stream: 'stdout', data: chunk }] : pieces;
    while (offset < chunk.length) {
      if (this.left > 0) {
        const take = Math.min(this.left, chunk.length - offset);
        pieces.push({ stream: this.current, data: chunk.subarray(offset, offset + take) });
        this.left -= take;
        offset += take;
        continue;
      }
      const need = HEADER_BYTES - this.header.length;
      const part = chunk.subarray(offset, offset + need);
      this.header = this.header.length ? Buffer.concat([this.header, part]) : part;
      offset += part.length;
      if (this.header.length < HEADER_BYTES) break;
      this.current = this.header[0] === 2 ? 'stderr' : 'stdout';
      this.left = this.header.readUInt32BE(4);
      this.header = Buffer.alloc(0);
    }
    return pieces;
  }
}

/** The first bytes of a frame header: stream 0, 1 or 2, then zeros (as far as they go). */
function isHeaderPrefix(bytes: Buffer): boolean {
  if (bytes.length === 0) return true;
  if ((bytes[0] ?? 3) > 2) return false;
  for (let i = 1; i < Math.min(bytes.length, 4); i++) if (bytes[i] !== 0) return false;
  return true;
}
