import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { DockerFrameStripper, writeLimited } from '../../src/ocean/results';
import { failure } from '../helpers/failure';

/** A sink that keeps what it is given. */
function collector(): { sink: Writable; bytes(): Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  return { sink, bytes: () => Buffer.concat(parts) };
}

/** One Docker log frame (stdout) around `text`. */
function frame(text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

describe('writeLimited: a result streamed to a sink within a byte limit', function () {
  it('writes every byte and answers how many, at the limit exactly', async function () {
    const data = Buffer.alloc(300_000, 'x');
    const { sink, bytes } = collector();
    const written = await writeLimited(Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), sink, data.length, 'the result');
    assert.equal(written, data.length);
    assert.ok(bytes().equals(data));
  });

  it('refuses one byte over the limit with RESULT_TOO_LARGE, naming the result and the limit', async function () {
    const { sink } = collector();
    const error = await failure(writeLimited(Readable.from([Buffer.alloc(1000), Buffer.alloc(1)]), sink, 1000, 'Result 3 (outputs.tar)'));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.equal(error.message, 'Result 3 (outputs.tar) is larger than 1000 bytes, the limit set for it');
    assert.deepEqual(error.details, { maxBytes: 1000 });
    assert.ok(sink.destroyed, 'the sink is not left open');
  });

  it('counts what reaches the sink after a transform, not what came', async function () {
    const { sink, bytes } = collector();
    const log = Buffer.concat([frame('hello '), frame('world')]);
    const written = await writeLimited(Readable.from([log]), sink, 11, 'the log', new DockerFrameStripper());
    assert.equal(written, 11);
    assert.equal(bytes().toString(), 'hello world');
    const error = await failure(writeLimited(Readable.from([log]), collector().sink, 10, 'the log', new DockerFrameStripper()));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
  });
});
