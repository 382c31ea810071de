import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerFrameDecoder, LineSplitter, LiveLogReader, type LogLine, type LogPiece } from '../../src/ocean/live-log';

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Cuts `bytes` into chunks of the given sizes (the last one takes the rest). */
function cut(bytes: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const size of sizes) {
    if (offset >= bytes.length) break;
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  if (offset < bytes.length) chunks.push(bytes.subarray(offset));
  return chunks;
}

function everyByte(bytes: Buffer): Buffer[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** Pieces merged per stream, in order: what a decoder must give whatever the chunking. */
function joined(pieces: LogPiece[]): Array<[string, string]> {
  const runs: Array<[string, Buffer[]]> = [];
  for (const piece of pieces) {
    const last = runs[runs.length - 1];
    if (last && last[0] === piece.stream) last[1].push(piece.data);
    else runs.push([piece.stream, [piece.data]]);
  }
  return runs.map(([stream, parts]) => [stream, Buffer.concat(parts).toString()]);
}

function decode(chunks: Buffer[]): LogPiece[] {
  const decoder = new DockerFrameDecoder();
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.flush()];
}

function read(reader: LiveLogReader, chunks: Buffer[]): LogLine[] {
  return chunks.flatMap((chunk) => reader.push(chunk));
}

const render = (lines: LogLine[]): string[] => lines.map((l) => `${l.stream}:${l.line}`);

describe('live log: Docker frames', function () {
  const log = Buffer.concat([frame(1, 'tick 1\n'), frame(2, 'warn: low\n'), frame(1, 'tick 2\ntick'), frame(1, ' 3\n'), frame(2, Buffer.from('é😀 done\n'))]);
  const expected = [
    ['stdout', 'tick 1\n'],
    ['stderr', 'warn: low\n'],
    ['stdout', 'tick 2\ntick 3\n'],
    ['stderr', 'é😀 done\n'],
  ];

  it('gives the same pieces whether the log comes whole, byte by byte, or cut anywhere', function () {
    assert.deepEqual(joined(decode([log])), expected);
    assert.deepEqual(joined(decode(everyByte(log))), expected);
    for (let size = 1; size <= log.length; size++) {
      assert.deepEqual(joined(decode(cut(log, Array.from({ length: log.length }, () => size)))), expected, `chunks of ${size}`);
    }
    // Headers split at every position, frames merged across chunk boundaries.
    assert.deepEqual(joined(decode(cut(log, [3, 9, 1, 20, 7]))), expected);
  });

  it('passes on a large frame as it arrives, without holding it whole', function () {
    const body = Buffer.alloc(1_000_000, 0x61);
    const decoder = new DockerFrameDecoder();
    const chunks = cut(frame(1, body), [8 + 1000, 64 * 1024]);
    const sizes = chunks.map((chunk) => decoder.push(chunk).reduce((sum, piece) => sum + piece.data.length, 0));
    assert.equal(sizes[0], 1000);
    assert.equal(sizes.reduce((a, b) => a + b, 0), body.length);
  });

  it('treats a log without frames (a container with a TTY) as stdout, however short', function () {
    assert.deepEqual(joined(decode([Buffer.from('plain text\nmore\n')])), [['stdout', 'plain text\nmore\n']]);
    assert.deepEqual(joined(decode(everyByte(Buffer.from('hi\n')))), [['stdout', 'hi\n']]);
    assert.deepEqual(decode([]), []);
  });

  it('decodes the chunks recorded from a real Ocean Node into its lines', function () {
    const recording = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ocean-node-samples', 'i-streamable-logs.json'), 'utf8')) as {
      exchanges: Array<{ status?: number; chunks?: Array<{ hex: string; text: string }> }>;
    };
    const running = recording.exchanges.find((e) => e.status === 200 && (e.chunks?.length ?? 0) > 1)!;
    const reader = new LiveLogReader();
    const lines = read(reader, running.chunks!.map((c) => Buffer.from(c.hex, 'hex')));
    assert.deepEqual(
      render(lines),
      running.chunks!.map((c) => `stdout:${c.text.slice(8, -1)}`),
    );
    assert.equal(lines.length, 12);
  });
});

describe('live log: telling frames from a log without them', function () {
  it('holds a first byte that could start a frame, and passes it on as stdout when the log is text', function () {
    assert.deepEqual(joined(decode([Buffer.from([1]), Buffer.from('A hello\n')])), [['stdout', '\x01A hello\n']]);
    assert.deepEqual(joined(decode([Buffer.from('\x01A hello\n')])), [['stdout', '\x01A hello\n']]);
    assert.deepEqual(decode([Buffer.from([1])]), [{ stream: 'stdout', data: Buffer.from([1]) }], 'a log of that one byte');
  });

  it('takes a log that starts with a stderr frame, or with an empty chunk, as framed', function () {
    const log = Buffer.concat([frame(2, 'err\n'), frame(1, 'out\n')]);
    assert.deepEqual(joined(decode([log])), [['stderr', 'err\n'], ['stdout', 'out\n']]);
    assert.deepEqual(joined(decode(everyByte(log))), [['stderr', 'err\n'], ['stdout', 'out\n']]);
    assert.deepEqual(joined(decode([Buffer.alloc(0), log])), [['stderr', 'err\n'], ['stdout', 'out\n']]);
  });

  it('gives nothing for an empty frame, and drops a header cut off by the end of the log', function () {
    assert.deepEqual(decode([frame(1, '')]), []);
    assert.deepEqual(joined(decode([frame(1, 'a'), Buffer.from([1, 0, 0])])), [['stdout', 'a']]);
  });
});

describe('live log: lines', function () {
  it('holds a partial line until its newline, across pieces, and gives the rest at the end', function () {
    const splitter = new LineSplitter('stdout');
    assert.deepEqual(splitter.push(Buffer.from('par')), []);
    assert.deepEqual(splitter.push(Buffer.from('tial\nnext\n\nlast')), [
      { stream: 'stdout', line: 'partial' },
      { stream: 'stdout', line: 'next' },
      { stream: 'stdout', line: '' },
    ]);
    assert.deepEqual(splitter.end(), [{ stream: 'stdout', line: 'last' }]);
    assert.deepEqual(splitter.end(), []);
    assert.equal(splitter.bytesTaken, 18);
  });

  it('a line of exactly the limit is one line; a long one is cut at the limit, counting what was held', function () {
    assert.deepEqual(new LineSplitter('stdout', 10).push(Buffer.from(`${'a'.repeat(10)}\n`)).map((l) => l.line), ['a'.repeat(10)]);
    const splitter = new LineSplitter('stdout', 10);
    const lines = [...splitter.push(Buffer.from('aaaa')), ...splitter.push(Buffer.from('b'.repeat(20))), ...splitter.end()];
    assert.deepEqual(lines.map((l) => l.line), ['aaaabbbbbb', 'b'.repeat(10), 'bbbb']);
  });

  it('drops the carriage return of a CRLF line', function () {
    assert.deepEqual(new LineSplitter('stderr').push(Buffer.from('windows\r\n')), [{ stream: 'stderr', line: 'windows' }]);
  });

  it('cuts a line without end into pieces of the limit', function () {
    const splitter = new LineSplitter('stdout', 10);
    const lines = [...splitter.push(Buffer.from('a'.repeat(25))), ...splitter.push(Buffer.from('b\n'))];
    assert.deepEqual(lines.map((l) => l.line), ['a'.repeat(10), 'a'.repeat(10), 'aaaaab']);
  });

  it('keeps a character that a frame boundary cut in two', function () {
    const text = Buffer.from('ünïcødé 😀\n');
    const reader = new LiveLogReader();
    const lines = read(reader, [frame(1, text.subarray(0, 2)), frame(1, text.subarray(2, 11)), frame(1, text.subarray(11))]);
    assert.deepEqual(render(lines), ['stdout:ünïcødé 😀']);
  });
});

describe('live log: reading again after a dropped connection', function () {
  const log = Buffer.concat([frame(1, 'one\n'), frame(2, 'err one\n'), frame(1, 'two\nthr'), frame(1, 'ee\n'), frame(2, 'err two\n'), frame(1, 'four\n')]);
  const all = ['stdout:one', 'stderr:err one', 'stdout:two', 'stdout:three', 'stderr:err two', 'stdout:four'];

  it('skips what the replay repeats: every line once, wherever the first connection dropped', function () {
    for (let dropAt = 0; dropAt <= log.length; dropAt++) {
      const reader = new LiveLogReader();
      const first = read(reader, cut(log.subarray(0, dropAt), [5, 3, 11]));
      reader.reconnected();
      // The replay starts from the first byte, in other chunks.
      const second = read(reader, cut(log, [7, 2, 13, 1]));
      assert.deepEqual(render([...first, ...second, ...reader.end()]), all, `dropped after ${dropAt} bytes`);
    }
  });

  it('survives several drops in a row, and a replay that brings nothing new', function () {
    const reader = new LiveLogReader();
    const lines = read(reader, [log.subarray(0, 10)]);
    reader.reconnected();
    lines.push(...read(reader, [log.subarray(0, 10)]));
    reader.reconnected();
    lines.push(...read(reader, [log.subarray(0, 30)]));
    reader.reconnected();
    lines.push(...read(reader, everyByte(log)));
    assert.deepEqual(render(lines), all);
  });

  it('counts only new bytes as progress', function () {
    const reader = new LiveLogReader();
    read(reader, [log.subarray(0, 20)]);
    const before = reader.bytesTaken;
    reader.reconnected();
    read(reader, [log.subarray(0, 20)]);
    assert.equal(reader.bytesTaken, before);
    read(reader, [log.subarray(20)]);
    assert.ok(reader.bytesTaken > before);
  });
});
