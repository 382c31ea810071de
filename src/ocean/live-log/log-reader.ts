import { DockerFrameDecoder, type LogPiece, type LogStreamName } from './frame-decoder';
import { LineSplitter, type LogLine } from './line-splitter';

/**
 * Reads a job's live log across reconnections. Ocean Node replays the log from its first byte on
 * every request (Docker's logs without `since`), so each new connection first skips, per stream,
 * the bytes already taken; lines are then given out once, whatever the chunking.
 */
export class LiveLogReader {
  private readonly splitters: Record<LogStreamName, LineSplitter> = { stdout: new LineSplitter('stdout'), stderr: new LineSplitter('stderr') };
  private decoder = new DockerFrameDecoder();
  private skip: Record<LogStreamName, number> = { stdout: 0, stderr: 0 };

  /** New bytes taken from both streams so far (replayed bytes that were skipped not counted). */
  get bytesTaken(): number {
    return this.splitters.stdout.bytesTaken + this.splitters.stderr.bytesTaken;
  }

  /** A new connection: the log starts again from its first byte. */
  reconnected(): void {
    this.decoder = new DockerFrameDecoder();
    this.skip = { stdout: this.splitters.stdout.bytesTaken, stderr: this.splitters.stderr.bytesTaken };
  }

  push(chunk: Buffer): LogLine[] {
    return this.take(this.decoder.push(chunk));
  }

  /** The log has ended: partial last lines of both streams. */
  end(): LogLine[] {
    return [...this.take(this.decoder.flush()), ...this.splitters.stdout.end(), ...this.splitters.stderr.end()];
  }

  private take(pieces: LogPiece[]): LogLine[] {
    const lines: LogLine[] = [];
    for (const piece of pieces) {
      let data = piece.data;
      const skipped = Math.min(this.skip[piece.stream], data.length);
      if (skipped > 0) {
        this.skip[piece.stream] -= skipped;
        data = data.subarray(skipped);
      }
      if (data.length) lines.push(...this.splitters[piece.stream].push(data));
    }
    return lines;
  }
}
