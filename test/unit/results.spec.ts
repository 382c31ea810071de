import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack, type Header } from 'tar-stream';
import { OceanError } from '../../src/ocean/errors';
import {
  DEFAULT_TAR_LIMITS,
  DockerFrameStripper,
  extractTarFiles,
  readLimited,
  readTarFiles,
  stripDockerFrames,
} from '../../src/ocean/results';
import { safeEntryName } from '../../src/ocean/results/tar';
import { exchange } from '../helpers/recordings';

/** The bytes of a recorded computeResult answer. */
function resultBytes(file: string, note: RegExp): Buffer {
  const recorded = exchange(file, note);
  assert.equal(recorded.response.bodyEncoding, 'base64');
  return Buffer.from(recorded.response.body as string, 'base64');
}

/** One Docker multiplexed-stream frame: stream byte, three zeros, big-endian length, payload. */
function frame(stream: 0 | 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Cuts `data` into chunks of the given sizes, repeating the last size. */
function split(data: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  let i = 0;
  while (offset < data.length) {
    const size = sizes[Math.min(i, sizes.length - 1)]!;
    chunks.push(Buffer.from(data.subarray(offset, offset + size)));
    offset += size;
    i += 1;
  }
  return chunks;
}

/** Deterministic "random" chunk sizes between 1 and `max` (a small LCG, so a failure can be replayed). */
function randomSizes(seed: number, count: number, max: number): number[] {
  let state = seed >>> 0;
  const sizes: number[] = [];
  for (let i = 0; i < count; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    sizes.push(1 + (state % max));
  }
  return sizes;
}

/** Feeds the chunks one by one into a DockerFrameStripper and collects what comes out. */
async function throughStripper(chunks: Buffer[]): Promise<Buffer> {
  const stripper = new DockerFrameStripper();
  const out: Buffer[] = [];
  stripper.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    stripper.on('end', resolve);
    stripper.on('error', reject);
  });
  for (const chunk of chunks) stripper.write(chunk);
  stripper.end();
  await ended;
  return Buffer.concat(out);
}

type EntrySpec = Partial<Header> & { name: string; data?: string | Buffer };

/** A tar archive made with tar-stream's pack, as bytes. */
async function tarOf(entries: EntrySpec[]): Promise<Buffer> {
  const archive = pack();
  for (const { data, ...header } of entries) {
    if (data !== undefined) archive.entry({ type: 'file', ...header }, data);
    else archive.entry({ type: 'file', ...header });
  }
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const source = (bytes: Buffer, chunkSize = bytes.length || 1): Readable => Readable.from(split(bytes, [chunkSize]));

async function rejection(promise: Promise<unknown>): Promise<OceanError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OceanError, `expected an OceanError, got ${String(error)}`);
    return error;
  }
  throw new Error('expected a rejection');
}

const B_ALGORITHM_LOG = [
  'algorithm start 2026-11-25T01:50:49Z',
  '/data:',
  'total 28',
  'drwxr-xr-x    7 0        0             4096 Nov 25 01:50 .',
  'drwxr-xr-x    1 0        0             4096 Nov 25 01:50 ..',
  'drwxrwxrwx    2 0        0             4096 Nov 25 01:50 ddos',
  'drwxrwxrwx    2 0        0             4096 Nov 25 01:50 inputs',
  'drwxrwxrwx    2 0        0             4096 Nov 25 01:50 logs',
  'drwxrwxrwx    2 0        0             4096 Nov 25 01:50 outputs',
  'drwxrwxrwx    2 0        0             4096 Nov 25 01:50 transformations',
  '',
  '/data/inputs:',
  'total 16',
  'drwxrwxrwx    2 0        0             4096 Nov 25 01:50 .',
  'drwxr-xr-x    7 0        0             4096 Nov 25 01:50 ..',
  '-rw-r--r--    1 0        0                2 Nov 25 01:50 algoCustomData.json',
  '-rw-r--r--    1 0        0               12 Nov 25 01:50 data.csv',
  '/data/inputs/algoCustomData.json: 0 lines',
  '/data/inputs/data.csv: 3 lines',
  'done',
  '',
].join('\n');

describe('results', function () {
  describe('Docker log frames', function () {
    const bLog = resultBytes('b-free-compute-lifecycle', /^result index 2 /);
    const c1Log = resultBytes('c-failures-stop-early-results', /^c1 result index 2 /);
    const c2Log = resultBytes('c-failures-stop-early-results', /^c2 result index 2 /);
    const c4Log = resultBytes('c2-container-failures', /^c4 result index 2 /);

    it('the recorded logs are what the tests assume', function () {
      assert.equal(bLog.length, 1022, 'the filesize the job listed');
      assert.equal(c1Log.length, 35);
      assert.deepEqual([...c1Log.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 14]);
      assert.equal(c1Log[22], 2, 'the second frame is stderr');
    });

    it('strips the recorded algorithm.log of the lifecycle job to its plain text', function () {
      assert.equal(stripDockerFrames(bLog).toString('utf8'), B_ALGORITHM_LOG);
    });

    it('keeps stdout and stderr frames in order (exit-code-3 job)', function () {
      assert.equal(stripDockerFrames(c1Log).toString('utf8'), 'about to fail\noops\n');
      assert.equal(stripDockerFrames(c2Log).toString('utf8'), 'started\n');
    });

    it('passes a log without frames through unchanged', function () {
      assert.ok(c4Log.toString('utf8').startsWith('(HTTP code 400) unexpected - failed to create shim task'));
      assert.equal(stripDockerFrames(c4Log), c4Log, 'the same buffer comes back');
      const plain = Buffer.from('hello\nworld\n');
      assert.equal(stripDockerFrames(plain), plain);
    });

    it('tiny logs: empty, shorter than a header, an empty frame, a header alone', function () {
      assert.deepEqual(stripDockerFrames(Buffer.alloc(0)), Buffer.alloc(0));
      assert.deepEqual(stripDockerFrames(Buffer.from('ok\n')), Buffer.from('ok\n'));
      assert.deepEqual(stripDockerFrames(Buffer.from([1, 0, 0, 0])), Buffer.from([1, 0, 0, 0]), 'too short to be a header');
      assert.deepEqual(stripDockerFrames(frame(1, '')), Buffer.alloc(0));
      assert.deepEqual(stripDockerFrames(frame(1, 'x')), Buffer.from('x'));
      assert.deepEqual(stripDockerFrames(Buffer.concat([frame(1, ''), frame(2, 'e')])), Buffer.from('e'));
    });

    it('keeps what there is of a cut-off last frame', function () {
      const cut = Buffer.concat([frame(1, 'first\n'), frame(1, 'second\n')]);
      assert.equal(stripDockerFrames(cut.subarray(0, cut.length - 3)).toString(), 'first\nseco');
    });

    it('keeps the part of a last header that the end of the log cut off, as the streaming stripper does', async function () {
      const log = Buffer.concat([frame(1, 'a'), Buffer.from([1, 0, 0])]);
      assert.deepEqual(stripDockerFrames(log), Buffer.from([0x61, 1, 0, 0]));
      assert.deepEqual(await throughStripper([log]), Buffer.from([0x61, 1, 0, 0]));
    });

    it('leaves a log alone when something that is not a frame follows the first frame', function () {
      const mixed = Buffer.concat([frame(1, 'framed\n'), Buffer.from('then plain text\n')]);
      assert.equal(stripDockerFrames(mixed), mixed);
    });

    it('treats stream bytes above 2 or non-zero padding as plain text', function () {
      const notStream = Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 1]), Buffer.from('x')]);
      assert.equal(stripDockerFrames(notStream), notStream);
      const padding = Buffer.concat([Buffer.from([1, 0, 1, 0, 0, 0, 0, 1]), Buffer.from('x')]);
      assert.equal(stripDockerFrames(padding), padding);
    });

    describe('streaming Transform', function () {
      const logs: Array<[string, Buffer]> = [
        ['lifecycle algorithm.log', bLog],
        ['exit-code-3 algorithm.log', c1Log],
        ['stopped job algorithm.log', c2Log],
        ['plain container error log', c4Log],
      ];

      for (const [label, log] of logs) {
        it(`gives the buffer function's output for the ${label}, in any chunking`, async function () {
          const expected = stripDockerFrames(log);
          assert.deepEqual(await throughStripper([log]), expected, 'one chunk');
          assert.deepEqual(await throughStripper(split(log, [1])), expected, '1-byte chunks');
          assert.deepEqual(await throughStripper(split(log, [7])), expected, '7-byte chunks');
          assert.deepEqual(await throughStripper(split(log, [3, 9, 1, 8, 16, 2])), expected, 'uneven chunks');
          for (const seed of [1, 42, 2024]) {
            assert.deepEqual(await throughStripper(split(log, randomSizes(seed, log.length, 40))), expected, `random split, seed ${seed}`);
          }
        });
      }

      it('splits inside a header and inside a payload alike', async function () {
        const log = Buffer.concat([frame(1, 'abc'), frame(2, 'defgh'), frame(1, ''), frame(1, 'i\n')]);
        for (let cut = 1; cut < log.length; cut += 1) {
          const output = await throughStripper([log.subarray(0, cut), log.subarray(cut)]);
          assert.equal(output.toString(), 'abcdefghi\n', `cut at ${cut}`);
        }
      });

      it('passes tiny and empty logs through', async function () {
        assert.deepEqual(await throughStripper([]), Buffer.alloc(0));
        assert.deepEqual(await throughStripper([Buffer.from('hi')]), Buffer.from('hi'));
        assert.deepEqual(await throughStripper(split(Buffer.from('1234567'), [1])), Buffer.from('1234567'));
        assert.deepEqual(await throughStripper(split(frame(2, 'e'), [1])), Buffer.from('e'));
        assert.deepEqual(await throughStripper([frame(1, '')]), Buffer.alloc(0), 'an empty frame alone');
        assert.deepEqual(await throughStripper([frame(1, 'a'), frame(1, '')]), Buffer.from('a'), 'an empty frame last');
      });

      it('keeps what there is of a cut-off last frame', async function () {
        const cut = Buffer.concat([frame(1, 'first\n'), frame(1, 'second\n')]);
        assert.equal((await throughStripper(split(cut.subarray(0, cut.length - 3), [5]))).toString(), 'first\nseco');
      });
    });
  });

  describe('tar archives', function () {
    let folder: string;

    beforeEach(function () {
      folder = mkdtempSync(join(tmpdir(), 'c2d-results-'));
    });

    afterEach(function () {
      rmSync(folder, { recursive: true, force: true });
    });

    it('reads the recorded outputs.tar: answer.txt and copy.csv, without the "outputs/" folder', async function () {
      const tar = resultBytes('b-free-compute-lifecycle', /^result index 3 /);
      assert.equal(tar.length, 3584);
      const files = await readTarFiles(source(tar));
      assert.deepEqual(
        files.map((f) => [f.name, f.size, f.data.toString('utf8')]),
        [
          ['answer.txt', 3, '42\n'],
          ['copy.csv', 14, '{}a,b\n1,2\n3,4\n'],
        ],
      );
    });

    it('reads the recorded archive fed in small chunks', async function () {
      const tar = resultBytes('b-free-compute-lifecycle', /^result index 3 /);
      const files = await readTarFiles(source(tar, 100));
      assert.deepEqual(
        files.map((f) => f.name),
        ['answer.txt', 'copy.csv'],
      );
    });

    it('reads the output a failed job left', async function () {
      const files = await readTarFiles(source(resultBytes('c-failures-stop-early-results', /^c1 result index 3 /)));
      assert.deepEqual(
        files.map((f) => [f.name, f.data.toString()]),
        [['partial.txt', 'partial\n']],
      );
    });

    it('extracts the recorded archive into a folder', async function () {
      const tar = resultBytes('b-free-compute-lifecycle', /^result index 3 /);
      const written = await extractTarFiles(source(tar), folder);
      assert.deepEqual(written, [
        { name: 'answer.txt', size: 3, path: join(folder, 'answer.txt') },
        { name: 'copy.csv', size: 14, path: join(folder, 'copy.csv') },
      ]);
      assert.equal(readFileSync(join(folder, 'answer.txt'), 'utf8'), '42\n');
      assert.equal(readFileSync(join(folder, 'copy.csv'), 'utf8'), '{}a,b\n1,2\n3,4\n');
      assert.deepEqual(readdirSync(folder).sort(), ['answer.txt', 'copy.csv']);
    });

    it('creates sub-folders, skips directory entries and strips "./outputs/" too', async function () {
      const tar = await tarOf([
        { name: 'outputs/', type: 'directory' },
        { name: 'outputs/sub/', type: 'directory' },
        { name: 'outputs/sub/deep.txt', data: 'deep' },
        { name: './outputs/top.txt', data: 'top' },
        { name: 'other/x.txt', data: 'x' },
      ]);
      const written = await extractTarFiles(source(tar), folder);
      assert.deepEqual(
        written.map((w) => [w.name, w.size, w.path]),
        [
          ['sub/deep.txt', 4, join(folder, 'sub', 'deep.txt')],
          ['top.txt', 3, join(folder, 'top.txt')],
          ['other/x.txt', 1, join(folder, 'other', 'x.txt')],
        ],
      );
      assert.equal(readFileSync(join(folder, 'sub', 'deep.txt'), 'utf8'), 'deep');
    });

    it('streams a file larger than one chunk to disk intact', async function () {
      const big = Buffer.alloc(300_000);
      for (let i = 0; i < big.length; i += 1) big[i] = (i * 31) % 251;
      const written = await extractTarFiles(source(await tarOf([{ name: 'outputs/big.bin', data: big }]), 4096), folder);
      assert.deepEqual(
        written.map((w) => [w.name, w.size]),
        [['big.bin', 300_000]],
      );
      assert.ok(readFileSync(join(folder, 'big.bin')).equals(big));
    });

    it('reads an empty archive as no files', async function () {
      assert.deepEqual(await readTarFiles(source(await tarOf([]))), []);
      assert.deepEqual(await readTarFiles(source(await tarOf([{ name: 'outputs/', type: 'directory' }]))), []);
    });

    const unsafe: Array<[string, EntrySpec, RegExp]> = [
      ['a "../" path', { name: '../x', data: 'x' }, /outside its folder: "\.\.\/x"/],
      ['a ".." hidden in the middle', { name: 'outputs/../../x', data: 'x' }, /outside its folder: "outputs\/\.\.\/\.\.\/x"/],
      ['an absolute path', { name: '/etc/passwd', data: 'root' }, /outside its folder: "\/etc\/passwd"/],
      ['a backslash "..\\" path', { name: '..\\x', data: 'x' }, /outside its folder/],
      ['a drive letter', { name: 'C:/Windows/x', data: 'x' }, /outside its folder/],
      ['a symlink', { name: 'outputs/link', type: 'symlink', linkname: '/etc/passwd' }, /holds a symlink entry "outputs\/link"; only regular files are taken/],
      ['a hard link', { name: 'outputs/hard', type: 'link', linkname: 'outputs/answer.txt' }, /holds a link entry "outputs\/hard"/],
      ['a fifo', { name: 'outputs/pipe', type: 'fifo' }, /holds a fifo entry/],
    ];

    for (const [label, entry, message] of unsafe) {
      it(`refuses ${label} (UNSAFE_RESULT) when reading and when extracting`, async function () {
        const tar = await tarOf([{ name: 'outputs/answer.txt', data: '42\n' }, entry]);
        const read = await rejection(readTarFiles(source(tar)));
        assert.equal(read.code, 'UNSAFE_RESULT');
        assert.match(read.message, message);
        const extracted = await rejection(extractTarFiles(source(tar), folder));
        assert.equal(extracted.code, 'UNSAFE_RESULT');
        assert.match(extracted.message, message);
        assert.ok(!existsSync(join(folder, '..', 'x')), 'nothing written next to the folder');
      });
    }

    it('writes nothing outside the folder, even the entries before the bad one stay inside', async function () {
      const tar = await tarOf([
        { name: 'outputs/ok.txt', data: 'ok' },
        { name: 'outputs/../../escaped.txt', data: 'no' },
      ]);
      const inner = join(folder, 'target');
      const error = await rejection(extractTarFiles(source(tar), inner));
      assert.equal(error.code, 'UNSAFE_RESULT');
      assert.deepEqual(readdirSync(folder), ['target']);
      assert.deepEqual(readdirSync(inner), ['ok.txt']);
    });

    it('takes names that only start with dots', async function () {
      const tar = await tarOf([{ name: 'outputs/..hidden', data: 'a' }, { name: 'outputs/.env', data: 'b' }]);
      assert.deepEqual(
        (await readTarFiles(source(tar))).map((f) => f.name),
        ['..hidden', '.env'],
      );
      const written = await extractTarFiles(source(tar), folder);
      assert.deepEqual(
        written.map((w) => w.path),
        [join(folder, '..hidden'), join(folder, '.env')],
      );
    });

    it('takes a colon inside a name, and skips file entries that name the folder itself', async function () {
      const tar = await tarOf([{ name: 'outputs/report:v2.txt', data: 'a' }, { name: '.', data: '' }, { name: 'outputs/', data: '' }, { name: './outputs/', data: '' }]);
      assert.deepEqual((await readTarFiles(source(tar))).map((f) => [f.name, f.data.toString()]), [['report:v2.txt', 'a']]);
      assert.deepEqual((await extractTarFiles(source(tar), folder)).map((w) => w.path), [join(folder, 'report:v2.txt')]);
    });

    it('refuses to overwrite a file that is already in the folder', async function () {
      writeFileSync(join(folder, 'answer.txt'), 'mine');
      const tar = await tarOf([{ name: 'outputs/answer.txt', data: '42\n' }]);
      await assert.rejects(extractTarFiles(source(tar), folder), /EEXIST/);
      assert.equal(readFileSync(join(folder, 'answer.txt'), 'utf8'), 'mine');
    });

    it('refuses to overwrite an existing file with a large entry too (and does not hang)', async function () {
      writeFileSync(join(folder, 'big.bin'), 'mine');
      const tar = await tarOf([{ name: 'outputs/big.bin', data: Buffer.alloc(200_000, 7) }]);
      await assert.rejects(extractTarFiles(source(tar, 65_536), folder), /EEXIST/);
      assert.equal(readFileSync(join(folder, 'big.bin'), 'utf8'), 'mine');
    });

    it('refuses an existing file while the rest of the entry is still arriving', async function () {
      writeFileSync(join(folder, 'slow.txt'), 'mine');
      const tar = await tarOf([{ name: 'outputs/slow.txt', data: 'a'.repeat(2000) }]);
      async function* slowly(): AsyncGenerator<Buffer> {
        yield tar.subarray(0, 700);
        await new Promise((resolve) => setTimeout(resolve, 30));
        yield tar.subarray(700);
      }
      await assert.rejects(extractTarFiles(Readable.from(slowly()), folder), /EEXIST/);
      assert.equal(readFileSync(join(folder, 'slow.txt'), 'utf8'), 'mine');
    });

    it('refuses a second extraction into the same folder', async function () {
      const tar = resultBytes('b-free-compute-lifecycle', /^result index 3 /);
      await extractTarFiles(source(tar), folder);
      await assert.rejects(extractTarFiles(source(tar), folder), /EEXIST/);
      assert.equal(readFileSync(join(folder, 'answer.txt'), 'utf8'), '42\n');
    });

    it('counts files, not directories, against maxEntries', async function () {
      const tar = await tarOf([
        { name: 'outputs/', type: 'directory' },
        { name: 'outputs/a', data: 'a' },
        { name: 'outputs/b', data: 'b' },
        { name: 'outputs/c', data: 'c' },
      ]);
      assert.equal((await readTarFiles(source(tar), { maxEntries: 3, maxTotalBytes: 100 })).length, 3);
      const error = await rejection(readTarFiles(source(tar), { maxEntries: 2, maxTotalBytes: 100 }));
      assert.equal(error.code, 'RESULT_TOO_LARGE');
      assert.equal(error.message, 'The result archive has more than 2 files');
      const extracted = await rejection(extractTarFiles(source(tar), folder, { maxEntries: 2, maxTotalBytes: 100 }));
      assert.equal(extracted.code, 'RESULT_TOO_LARGE');
      assert.deepEqual(readdirSync(folder).sort(), ['a', 'b'], 'stops before the third file');
    });

    it('limits the bytes of all files together', async function () {
      const tar = await tarOf([
        { name: 'outputs/a', data: '12345' },
        { name: 'outputs/b', data: '67890' },
      ]);
      assert.equal((await readTarFiles(source(tar), { maxEntries: 10, maxTotalBytes: 10 })).length, 2, 'exactly at the limit');
      const error = await rejection(readTarFiles(source(tar), { maxEntries: 10, maxTotalBytes: 9 }));
      assert.equal(error.code, 'RESULT_TOO_LARGE');
      assert.equal(error.message, 'The result archive holds more than 9 bytes');
      const extracted = await rejection(extractTarFiles(source(tar), folder, { maxEntries: 10, maxTotalBytes: 4 }));
      assert.equal(extracted.code, 'RESULT_TOO_LARGE');
      assert.deepEqual(readdirSync(folder), [], 'the first file alone is over the limit');
    });

    it('has generous defaults', function () {
      assert.deepEqual(DEFAULT_TAR_LIMITS, { maxEntries: 10_000, maxTotalBytes: 512 * 1024 * 1024 });
    });

    it('reports an archive that is not a tar as BAD_RESPONSE', async function () {
      const error = await rejection(readTarFiles(source(Buffer.from('this is not a tar archive at all\n'.repeat(40)))));
      assert.equal(error.code, 'BAD_RESPONSE');
      assert.match(error.message, /^The result archive could not be read: /);
    });

    it('reports a cut-off archive as BAD_RESPONSE', async function () {
      const tar = resultBytes('b-free-compute-lifecycle', /^result index 3 /);
      const error = await rejection(readTarFiles(source(tar.subarray(0, 700))));
      assert.equal(error.code, 'BAD_RESPONSE');
      const extracted = await rejection(extractTarFiles(source(tar.subarray(0, 700)), folder));
      assert.equal(extracted.code, 'BAD_RESPONSE');
    });

    it('an empty body (result asked for before the job finished) is an empty archive', async function () {
      const early = resultBytes('c-failures-stop-early-results', /^c3 result index 3 requested right after start/);
      assert.equal(early.length, 0);
      assert.deepEqual(await readTarFiles(source(early)), []);
    });

    describe('safeEntryName', function () {
      const header = (name: string, type: Header['type'] = 'file'): Header => ({
        name,
        type,
        size: 0,
        mode: 0o644,
        mtime: new Date(0),
        linkname: '',
        uid: 0,
        gid: 0,
        uname: '',
        gname: '',
        devmajor: 0,
        devminor: 0,
      });

      it('strips the outputs folder and normalises', function () {
        assert.equal(safeEntryName(header('outputs/a.txt')), 'a.txt');
        assert.equal(safeEntryName(header('./outputs/a.txt')), 'a.txt');
        assert.equal(safeEntryName(header('outputs/x/../a.txt')), 'a.txt');
        assert.equal(safeEntryName(header('a//b.txt')), 'a/b.txt');
        assert.equal(safeEntryName(header('data/outputs/a.txt')), 'data/outputs/a.txt', 'only a leading outputs/');
        assert.equal(safeEntryName(header('outputs\\win.txt')), 'win.txt');
        assert.equal(safeEntryName(header('contig', 'contiguous-file')), 'contig');
      });

      it('skips directories and names that end up empty', function () {
        assert.equal(safeEntryName(header('outputs/', 'directory')), null);
        assert.equal(safeEntryName(header('.')), null);
        assert.equal(safeEntryName(header('./', 'directory')), null);
      });

      it('throws UNSAFE_RESULT for ".." itself', function () {
        assert.throws(() => safeEntryName(header('..')), (error: unknown) => error instanceof OceanError && error.code === 'UNSAFE_RESULT');
        assert.throws(() => safeEntryName(header('x/../..')), (error: unknown) => error instanceof OceanError && error.code === 'UNSAFE_RESULT');
        assert.throws(() => safeEntryName(header('dev', 'character-device')), /holds a character-device entry "dev"/);
      });
    });
  });

  describe('readLimited', function () {
    it('returns everything under the limit, and exactly at it', async function () {
      assert.equal((await readLimited(Readable.from([Buffer.from('abc'), Buffer.from('de')]), 10, 'the log')).toString(), 'abcde');
      assert.equal((await readLimited(Readable.from([Buffer.from('abc'), Buffer.from('de')]), 5, 'the log')).toString(), 'abcde');
      assert.deepEqual(await readLimited(Readable.from([]), 0, 'nothing'), Buffer.alloc(0));
    });

    it('takes string chunks as their bytes', async function () {
      assert.equal((await readLimited(Readable.from(['hé', 'llo']), 6, 'text')).toString('utf8'), 'héllo');
    });

    it('refuses one byte over the limit and destroys the stream', async function () {
      const stream = Readable.from([Buffer.from('abc'), Buffer.from('def'), Buffer.from('never read')]);
      const error = await rejection(readLimited(stream, 5, 'The algorithm log'));
      assert.equal(error.code, 'RESULT_TOO_LARGE');
      assert.equal(error.message, 'The algorithm log is larger than 5 bytes; write it to a file instead, or raise the limit');
      assert.deepEqual(error.details, { maxBytes: 5 });
      assert.equal(stream.destroyed, true);
    });

    it('counts multi-byte characters as bytes', async function () {
      const error = await rejection(readLimited(Readable.from(['ééé']), 5, 'text'));
      assert.equal(error.code, 'RESULT_TOO_LARGE');
    });
  });
});
