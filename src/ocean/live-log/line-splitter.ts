import type { LogStreamName } from './frame-decoder';

export interface LogLine {
  stream: LogStreamName;
  line: string;
}

/** A line longer than this is passed on in pieces of this size, so one endless line cannot fill memory. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Turns the pieces of one stream (stdout or stderr) into lines: a line may span pieces, and a
 * piece may hold several lines. What follows the last newline waits for the next piece or `end()`.
 * Counts every byte taken, so that a replayed log can skip what was already seen.
 */
export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private taken = 0;

  constructor(
    readonly stream: LogStreamName,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  /** Bytes of this stream taken so far (lines given out and the partial line held). */
  get bytesTaken(): number {
    return this.taken;
  }

  push(data: Buffer): LogLine[] {
    this.taken += data.length;
    const lines: LogLine[] = [];
    let start = 0;
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, start)) {
      this.hold(data.subarray(start, newline), lines);
      lines.push(this.release());
      start = newline + 1;
    }
    if (start < data.length) this.hold(data.subarray(start), lines);
    return lines;
  }

  /** The partial last line, if any: at the end of the log nothing is held back. */
  end(): LogLine[] {
    return this.heldBytes > 0 ? [this.release()] : [];
  }

  private hold(part: Buffer, lines: LogLine[]): void {
    let rest = part;
    while (this.heldBytes + rest.length > this.maxLineBytes) {
      const room = this.maxLineBytes - this.heldBytes;
      this.held.push(rest.subarray(0, room));
      this.heldBytes += room;
      lines.push(this.release());
      rest = rest.subarray(room);
    }
    if (rest.length) {
      this.held.push(rest);
      this.heldBytes += rest.length;
    }
  }

  private release(): LogLine {
    let text = Buffer.concat(this.held).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.held = [];
    this.heldBytes = 0;
    return { stream: this.stream, line: text };
  }
}
