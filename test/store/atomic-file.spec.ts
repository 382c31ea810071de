import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/store/atomic-file';

/** Files this process holds open inside `dir`. */
function openFilesIn(dir: string): string[] {
  const paths: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) paths.push(target);
    } catch {
      // closed between the listing and the look
    }
  }
  return paths;
}

describe('writing a file whole', function () {
  let dir: string;
  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), 'ocean-c2d-atomic-'));
  });
  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the text, readable by its owner only, into a folder it makes, and keeps no file open', async function () {
    const path = join(dir, 'nested', 'jobs.json');
    for (let i = 0; i < 30; i++) await writeFileAtomic(path, `{"round":${i}}`);
    assert.deepEqual(openFilesIn(dir), [], 'every temp file was closed');
    assert.equal(await readFile(path, 'utf8'), '{"round":29}');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'nested')), ['jobs.json'], 'no temp file is left');
  });

  it('a write that cannot land leaves the old state and no temp file, and says why', async function () {
    const path = join(dir, 'taken');
    await mkdir(join(path, 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(path, 'text'), { code: 'EISDIR' });
    assert.deepEqual((await readdir(dir)).sort(), ['taken']);
  });
});
