import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { OceanError } from '../../src/ocean/errors';
import { extractTarFiles, readLimited, readTarFiles } from '../../src/ocean/results';
import { failure } from '../helpers/failure';
import { tarOf } from '../helpers/tar-stream';

const MiB = 1024 * 1024;

/** `data` in chunks of `size`, counting what has been read from it. */
function counted(data: Buffer, size = 64 * 1024): { stream: Readable; served(): number } {
  let offset = 0;
  const stream = new Readable({
    read() {
      const chunk = data.subarray(offset, offset + size);
      offset += chunk.length;
      this.push(chunk.length ? chunk : null);
    },
  });
  return { stream, served: () => offset };
}

/** Lets the event loop turn until `value` has not changed for 20 turns in a row (at most 20 000 turns). */
async function settled(value: () => number): Promise<number> {
  let last = value();
  let still = 0;
  for (let turn = 0; turn < 20_000 && still < 20; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    still = value() === last ? still + 1 : 0;
    last = value();
  }
  return last;
}

/** A buffer that owns all of its memory: one allocation of exactly its size. */
function assertOwnAllocation(data: Buffer, size: number): void {
  assert.equal(data.byteLength, size);
  assert.equal(data.byteOffset, 0);
  assert.equal(data.buffer.byteLength, size, 'the bytes were read into one buffer of the known size, not copied out of a larger one');
}

describe('results in memory and on disk: one allocation, bounded buffers', function () {
  describe('readLimited with the size known', function () {
    const data = Buffer.from('0123456789'.repeat(10_000));

    it('reads into one buffer of exactly that size', async function () {
      const read = await readLimited(Readable.from([data.subarray(0, 30_000), data.subarray(30_000, 65_536), data.subarray(65_536)]), 1_000_000, 'result', { expectedBytes: data.length });
      assert.ok(read.equals(data));
      assertOwnAllocation(read, data.length);
    });

    it('copies each chunk into the result as it arrives and keeps none (the result is held once, not twice)', async function () {
      const first = Buffer.alloc(50_000, 'a');
      const stream = new Readable({ read: () => undefined });
      const delivered = once(stream, 'data');
      const reading = readLimited(stream, 1_000_000, 'result', { expectedBytes: 100_000 });
      stream.push(first);
      await delivered;
      // The chunk's memory is reused, as a socket's would be: a reader that kept the chunk would now see 'z'.
      first.fill('z');
      stream.push(Buffer.alloc(50_000, 'b'));
      stream.push(null);
      const read = await reading;
      assert.equal(read.toString(), 'a'.repeat(50_000) + 'b'.repeat(50_000));
      assertOwnAllocation(read, 100_000);
    });

    it('gives what came, and no more, when the stream is shorter than announced', async function () {
      const read = await readLimited(Readable.from([data.subarray(0, 40_000)]), 100_000, 'result', { expectedBytes: 60_000 });
      assert.ok(read.equals(data.subarray(0, 40_000)));
      assertOwnAllocation(read, 40_000);
    });

    it('still reads a stream longer than announced, within the limit, and refuses it over the limit', async function () {
      const read = await readLimited(Readable.from([data.subarray(0, 60), data.subarray(60, 150)]), 1_000, 'result', { expectedBytes: 100 });
      assert.ok(read.equals(data.subarray(0, 150)));
      const stream = Readable.from([data.subarray(0, 60), data.subarray(60, 150)]);
      const error = await failure(readLimited(stream, 120, 'The result', { expectedBytes: 100 }));
      assert.equal(error.code, 'RESULT_TOO_LARGE');
      assert.equal(stream.destroyed, true);
    });

    it('stops reading a stream that goes on past the limit: it is destroyed, not read to its end', async function () {
      let sent = 0;
      const endless = new Readable({
        read() {
          sent += 1;
          this.push(Buffer.alloc(1024, 'x'));
        },
      });
      await assert.rejects(readLimited(endless, 10_000, 'Result 0 (output.bin)'), {
        code: 'RESULT_TOO_LARGE',
        message: 'Result 0 (output.bin) is larger than 10000 bytes; write it to a file instead, or raise the limit',
        details: { maxBytes: 10_000 },
      });
      assert.equal(endless.destroyed, true);
      assert.ok(sent < 100, `${sent} chunks asked for`);
    });

    it('reports a stream that fails as that failure', async function () {
      const broken = new Readable({
        read() {
          this.destroy(new Error('connection reset'));
        },
      });
      await assert.rejects(readLimited(broken, 1_000, 'result', { expectedBytes: 10 }), /connection reset/);
    });
  });

  it('reads each file of an archive into one buffer of the size its header gives', async function () {
    const archive = await tarOf({ 'outputs/a.bin': 200_000, 'outputs/b.txt': 10 });
    const files = await readTarFiles(counted(archive, 4096).stream);
    assert.deepEqual(
      files.map((file) => [file.name, file.size]),
      [
        ['a.bin', 200_000],
        ['b.txt', 10],
      ],
    );
    for (const file of files) assertOwnAllocation(file.data, file.size);
  });

  it('refuses an archive file by its header before reading it, when the caller says so', async function () {
    const archive = await tarOf({ 'outputs/small.txt': 10, 'outputs/big.txt': 4 * MiB });
    const source = counted(archive);
    const error = await failure(
      readTarFiles(source.stream, {
        maxEntries: 10,
        maxTotalBytes: 100 * MiB,
        checkFile: (name, size) => {
          if (size > MiB) throw new OceanError('RESULT_TOO_LARGE', `${name} is too large`);
        },
      }),
    );
    assert.equal(error.message, 'big.txt is too large');
    assert.ok(source.served() < 2 * MiB, `read ${source.served()} bytes of an archive of ${archive.length}`);
  });

  describe('unpacking to disk', function () {
    let folder: string;

    beforeEach(function () {
      folder = mkdtempSync(join(tmpdir(), 'c2d-result-memory-'));
    });

    afterEach(function () {
      rmSync(folder, { recursive: true, force: true });
    });

    it('a file that cannot keep up holds the archive back: reading stops while the writer waits, and resumes', async function () {
      const size = 32 * MiB;
      const archive = await tarOf({ 'outputs/big.bin': size });
      const source = counted(archive);
      // A disk that has stopped: writes are taken but not finished until released.
      const held: Array<() => void> = [];
      let stopped = true;
      let written = 0;
      let firstWrite: () => void = () => undefined;
      const wrote = new Promise<void>((resolve) => (firstWrite = resolve));
      const slowFile = (): Writable =>
        new Writable({
          highWaterMark: MiB,
          write(chunk: Buffer, _encoding, callback) {
            written += chunk.length;
            firstWrite();
            if (stopped) held.push(callback);
            else callback();
          },
        });
      const extracted = extractTarFiles(source.stream, folder, { maxEntries: 10, maxTotalBytes: 2 * size }, [], slowFile);
      await wrote;
      const read = await settled(source.served);
      assert.ok(read < 4 * MiB, `${read} bytes of the ${size}-byte archive were read while the file took none`);
      stopped = false;
      for (const callback of held.splice(0)) callback();
      const [file] = await extracted;
      assert.equal(file?.size, size);
      assert.equal(written, size);
    });

    it('writes a large file whole with the default writer', async function () {
      const archive = await tarOf({ 'outputs/big.bin': 3 * MiB + 123 });
      const [file] = await extractTarFiles(counted(archive, 65_536).stream, folder);
      assert.equal(readFileSync(file!.path).length, 3 * MiB + 123);
    });
  });
});
