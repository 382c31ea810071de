import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { dockerFrame } from '../../sandbox/runner';
import { deliverResults, type DeliveryOptions } from '../../src/nodes/lib/result-delivery';
import type { OceanClient, ResultFile, ResultKind } from '../../src/ocean';
import { failure } from '../helpers/failure';
import { tarOf } from '../helpers/tar-stream';

interface Served {
  file: ResultFile;
  body: Buffer;
  /** What the server announces as Content-Length, if anything. */
  announced?: number;
}

/** A client whose results are the given bodies, served as real streams; it records which it opened. */
function clientServing(served: Served[]): OceanClient & { opened: number[] } {
  const opened: number[] = [];
  return {
    opened,
    openResult: (_jobId: string, index: number, options: { file?: ResultFile }) => {
      opened.push(index);
      const found = served.find((s) => s.file.index === index);
      if (!found) throw new Error(`no result ${index}`);
      // The client needs the listed file to read a result by its name (Provider v2) and type.
      assert.equal(options.file, found.file);
      return Promise.resolve({ stream: Readable.from([found.body]), announcedBytes: found.announced, file: found.file });
    },
  } as unknown as OceanClient & { opened: number[] };
}

function result(index: number, filename: string, body: Buffer | string, extra: Partial<ResultFile> & { kind?: ResultKind } = {}): Served {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  return { file: { index, filename, type: 'output', kind: 'output', archive: false, filesize: data.length, ...extra }, body: data };
}

const BIG = { stringBytes: 1000, bufferBytes: 10_000 };

async function payloads(served: Served[], options: Partial<DeliveryOptions> = {}): Promise<unknown[]> {
  const delivered = await deliverResults(clientServing(served), 'job-1', served.map((s) => s.file), { format: 'auto', unpack: false, maxBytes: 1_000_000, ceilings: BIG, ...options });
  return delivered.map((d) => d.payload);
}

/** Text as one stdout frame of a Docker log, as the sandbox's runner writes algorithm.log. */
const stdoutFrame = (text: string): Buffer => dockerFrame({ stream: 'stdout', data: Buffer.from(text) });

describe('deliverResults: results shaped for a message', function () {
  it('"auto": JSON files parsed, text-named outputs and logs as text, anything else a buffer', async function () {
    const got = await payloads([
      result(0, 'out.json', '{"a":1}'),
      result(1, 'table.csv', 'x,y'),
      result(2, 'count.bin', '123'),
      result(3, 'table.csv.gz', 'gz'),
      result(4, 'broken.json', '{oops'),
      result(5, 'trace.bin', 'log text', { kind: 'configurationLog', type: 'configurationLog' }),
    ]);
    assert.deepEqual(got[0], { a: 1 });
    assert.equal(got[1], 'x,y');
    assert.deepEqual(got[2], Buffer.from('123'));
    assert.deepEqual(got[3], Buffer.from('gz'));
    assert.deepEqual(got[4], Buffer.from('{oops'));
    assert.equal(got[5], 'log text');
  });

  it('"text", "buffer" and "json" whatever the name; JSON that does not parse is refused by name', async function () {
    assert.deepEqual(await payloads([result(0, 'data.bin', '{"n":2}')], { format: 'text' }), ['{"n":2}']);
    assert.deepEqual(await payloads([result(0, 'data.json', '{"n":2}')], { format: 'buffer' }), [Buffer.from('{"n":2}')]);
    assert.deepEqual(await payloads([result(0, 'data.txt', '{"n":2}')], { format: 'json' }), [{ n: 2 }]);
    const error = await failure(payloads([result(0, 'data.txt', 'not json')], { format: 'json' }));
    assert.equal(error.code, 'INVALID_INPUT');
    assert.equal(error.message, 'format: expected JSON results, but data.txt is not valid JSON');
  });

  it('"auto" keeps a file longer than a string can hold as a buffer, one exactly as long as text', async function () {
    const ceilings = { stringBytes: 4, bufferBytes: 100 };
    assert.deepEqual(await payloads([result(0, 'a.csv', 'abcde')], { ceilings }), [Buffer.from('abcde')]);
    assert.deepEqual(await payloads([result(0, 'a.csv', 'abcd')], { ceilings }), ['abcd']);
  });

  it('takes a result exactly at the limits, and refuses one byte more before opening it', async function () {
    assert.deepEqual(await payloads([result(0, 'a.txt', 'abcd')], { maxBytes: 4 }), ['abcd']);
    assert.deepEqual(await payloads([result(0, 'a.txt', 'abcd')], { format: 'text', ceilings: { stringBytes: 4, bufferBytes: 100 } }), ['abcd']);
    const served = [result(0, 'a.txt', 'abcde')];
    const client = clientServing(served);
    const error = await failure(deliverResults(client, 'job-1', [served[0]!.file], { format: 'auto', unpack: false, maxBytes: 4, ceilings: BIG }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.equal(error.message, 'Result 0 (a.txt, 5 bytes) is larger than the 4 bytes allowed in a message; deliver it to a folder instead (format "file"), or raise the limit');
    assert.deepEqual(error.details, { maxBytes: 4, filesize: 5 });
    assert.deepEqual(client.opened, []);
  });

  it('counts every result against the one limit, unpacked archives included', async function () {
    const archive = await tarOf({ 'a.txt': 6 });
    const served = [result(0, 'outputs.tar', archive, { archive: true, filesize: undefined }), result(1, 'b.txt', 'bbbbb')];
    const error = await failure(payloads(served, { unpack: true, maxBytes: 10 }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.deepEqual(error.details, { maxBytes: 10, filesize: 5 });
    const fits = await payloads(served, { unpack: true, maxBytes: 11 });
    assert.deepEqual(fits, ['aaaaaa', 'bbbbb']);
    const twoPlain = [result(0, 'a.txt', 'aaaaaa'), result(1, 'b.txt', 'bbbbb')];
    assert.deepEqual((await failure(payloads(twoPlain, { maxBytes: 10 }))).details, { maxBytes: 10, filesize: 5 });
  });

  it('unpacks a file exactly as large as the payload can hold, and refuses one byte more by its name', async function () {
    const ceilings = { stringBytes: 6, bufferBytes: 100 };
    const archive = async (size: number): Promise<Served[]> => [result(0, 'outputs.tar', await tarOf({ 'a.txt': size }), { archive: true, filesize: undefined })];
    assert.deepEqual(await payloads(await archive(6), { unpack: true, format: 'text', ceilings }), ['aaaaaa']);
    const error = await failure(payloads(await archive(7), { unpack: true, format: 'text', ceilings }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.match(error.message, /^format: a\.txt in result 0 \(outputs\.tar\), 7 bytes, is larger than the 6 bytes a string can hold/);
  });

  it('refuses by the size the server announces when the job lists none', async function () {
    const served = [{ ...result(0, 'a.txt', 'abcdef', { filesize: undefined }), announced: 6 }];
    const error = await failure(payloads(served, { maxBytes: 5 }));
    assert.deepEqual(error.details, { maxBytes: 5, filesize: 6 });
  });

  it('takes the Docker frames off an algorithm log, and leaves an output as it is', async function () {
    const framed = stdoutFrame('hello\n');
    const got = await payloads([result(0, 'algorithm.log', framed, { kind: 'algorithmLog', type: 'algorithmLog' }), result(1, 'raw.log', framed)], { format: 'buffer' });
    assert.deepEqual(got, [Buffer.from('hello\n'), framed]);
  });
});

describe('deliverResults: results written to a folder', function () {
  let root: string;
  beforeEach(async function () {
    root = await mkdtemp(join(tmpdir(), 'delivery-'));
  });
  afterEach(async function () {
    await rm(root, { recursive: true, force: true });
  });

  it('needs a folder', async function () {
    const served = [result(0, 'a.txt', 'a')];
    const error = await failure(deliverResults(clientServing(served), 'job-1', [served[0]!.file], { format: 'file', unpack: false, maxBytes: 100 }));
    assert.equal(error.code, 'INVALID_INPUT');
    assert.equal(error.message, 'folder: expected a folder to write the results to');
  });

  it('writes each result under a safe name, the algorithm log without its frames, within one disk limit', async function () {
    const served = [result(0, '../out.csv', 'x,y\n'), result(1, 'algorithm.log', stdoutFrame('ran\n'), { kind: 'algorithmLog', type: 'algorithmLog' })];
    const written = await deliverResults(clientServing(served), 'job-1', served.map((s) => s.file), { format: 'file', unpack: false, maxBytes: 100, folder: root });
    assert.deepEqual(
      written.map((w) => [w.name, w.size]),
      [
        ['../out.csv', 4],
        ['algorithm.log', 4],
      ],
    );
    assert.equal(await readFile(written[0]!.path!, 'utf8'), 'x,y\n');
    assert.equal(await readFile(written[1]!.path!, 'utf8'), 'ran\n');
    assert.equal(written[0]!.path!.startsWith(root), true);
  });

  it('refuses a result listed larger than what is left of the disk limit, and leaves nothing behind', async function () {
    const served = [result(0, 'a.txt', 'aaaaaa'), result(1, 'b.txt', 'bbbbb')];
    const error = await failure(deliverResults(clientServing(served), 'job-1', served.map((s) => s.file), { format: 'file', unpack: false, maxBytes: 10, folder: root }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.equal(error.message, 'Result 1 (b.txt, 5 bytes) is larger than the 10 bytes allowed on disk; deliver it to a folder instead (format "file"), or raise the limit');
    assert.deepEqual(await readdir(root), []);
  });

  it('writes results that reach the disk limit exactly, and an output that only looks like a log as it is', async function () {
    const framed = stdoutFrame('ran\n');
    const served = [result(0, 'a.bin', framed), result(1, 'b.txt', 'bb')];
    const written = await deliverResults(clientServing(served), 'job-1', served.map((s) => s.file), { format: 'file', unpack: false, maxBytes: framed.length + 2, folder: root });
    assert.deepEqual(await readFile(written[0]!.path!), framed);
    assert.equal(await readFile(written[1]!.path!, 'utf8'), 'bb');
  });

  it('counts an archive unpacked after another result against what is left of the disk limit', async function () {
    const served = [result(0, 'a.txt', 'aaaaaa'), result(1, 'outputs.tar', await tarOf({ 'b.txt': 5 }), { archive: true, filesize: undefined })];
    const error = await failure(deliverResults(clientServing(served), 'job-1', served.map((s) => s.file), { format: 'file', unpack: true, maxBytes: 10, folder: root }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.deepEqual(await readdir(root), []);
  });

  it('counts unpacked files against the disk limit', async function () {
    const served = [result(0, 'outputs.tar', await tarOf({ 'a.txt': 6 }), { archive: true, filesize: undefined }), result(1, 'b.txt', 'bbbbb', { filesize: undefined })];
    const error = await failure(deliverResults(clientServing(served), 'job-1', served.map((s) => s.file), { format: 'file', unpack: true, maxBytes: 10, folder: root }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.deepEqual(await readdir(root), []);
  });
});
