import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTarFiles, readTarFiles } from '../../src/ocean/results';
import { failure } from '../helpers/failure';
import { tarOf, trickle } from '../helpers/tar-stream';

/** Lets every pending stream event run, so an unheard 'error' would surface as an uncaught exception. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('result archives over a limit, fed in many small chunks (no refusal is a crash)', function () {
  let folder: string;

  beforeEach(function () {
    folder = mkdtempSync(join(tmpdir(), 'ocean-c2d-limits-'));
  });

  afterEach(function () {
    rmSync(folder, { recursive: true, force: true });
  });

  it('an entry over the total limit, in memory: RESULT_TOO_LARGE, and nothing else is thrown', async function () {
    const archive = await tarOf({ 'outputs/big.bin': 300_000 });
    const error = await failure(readTarFiles(trickle(archive), { maxEntries: 10, maxTotalBytes: 100_000 }));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    await settle();
  });

  it('an entry over the total limit, to disk: RESULT_TOO_LARGE, and nothing else is thrown', async function () {
    const archive = await tarOf({ 'outputs/a.bin': 50_000, 'outputs/big.bin': 300_000 });
    const created: string[] = [];
    const error = await failure(extractTarFiles(trickle(archive), folder, { maxEntries: 10, maxTotalBytes: 100_000 }, created));
    assert.equal(error.code, 'RESULT_TOO_LARGE');
    assert.deepEqual(created, [join(folder, 'a.bin')], 'the file written before the refusal is reported, to be removed');
    await settle();
  });

  it('too many entries: RESULT_TOO_LARGE, both ways', async function () {
    const archive = await tarOf({ 'outputs/1': 10, 'outputs/2': 10, 'outputs/3': 10 });
    assert.equal((await failure(readTarFiles(trickle(archive, 100), { maxEntries: 2, maxTotalBytes: 1000 }))).code, 'RESULT_TOO_LARGE');
    assert.equal((await failure(extractTarFiles(trickle(archive, 100), folder, { maxEntries: 2, maxTotalBytes: 1000 }))).code, 'RESULT_TOO_LARGE');
    await settle();
  });

  it('an unsafe entry after a large one in flight: UNSAFE_RESULT, nothing written outside', async function () {
    const archive = await tarOf({ 'outputs/a.bin': 200_000, '../escape.txt': 10 });
    const error = await failure(extractTarFiles(trickle(archive), folder, { maxEntries: 10, maxTotalBytes: 10_000_000 }));
    assert.equal(error.code, 'UNSAFE_RESULT');
    assert.ok(!existsSync(join(folder, '..', 'escape.txt')));
    assert.deepEqual(readdirSync(folder), ['a.bin']);
    await settle();
  });
});
