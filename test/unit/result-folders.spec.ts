import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeAPI } from 'node-red';
import { JobFolder } from '../../src/nodes/lib/job-folder';
import { prepareResultFolder, resultFolderRules } from '../../src/nodes/lib/result-folder';
import { failure } from '../helpers/failure';

const marker = (folder: string): unknown => JSON.parse(readFileSync(join(folder, '.ocean-c2d-job.json'), 'utf8'));

describe('JobFolder: one job’s result folder, and only the node’s own files in it', function () {
  let parent: string;
  beforeEach(function () {
    parent = mkdtempSync(join(tmpdir(), 'c2d-job-folder-'));
  });
  afterEach(function () {
    rmSync(parent, { recursive: true, force: true });
  });

  it('is named after the last part of the job id, made safe', async function () {
    assert.equal((await JobFolder.claim(parent, '0xabc-def-1234')).path, join(parent, 'ocean-job-1234'));
    assert.equal((await JobFolder.claim(parent, 'plain')).path, join(parent, 'ocean-job-plain'));
    assert.equal((await JobFolder.claim(parent, 'ends-with-dash-')).path, join(parent, 'ocean-job-ends-with-dash-'));
    assert.equal((await JobFolder.claim(parent, 'x-../../up')).path, join(parent, 'ocean-job-up'));
  });

  it('lists what a fetch wrote in its marker, and a later fetch replaces those files and nothing else', async function () {
    const first = await JobFolder.claim(parent, 'job-1');
    writeFileSync(join(first.path, 'a.txt'), 'a');
    first.wrote(join(first.path, 'a.txt'));
    await first.commit();
    assert.deepEqual(marker(first.path), { jobId: 'job-1', files: ['a.txt'] });
    writeFileSync(join(first.path, 'users-own.txt'), 'keep');
    const second = await JobFolder.claim(parent, 'job-1');
    assert.deepEqual(readdirSync(second.path).sort(), ['.ocean-c2d-job.json', 'users-own.txt']);
    assert.deepEqual(marker(second.path), { jobId: 'job-1', files: [] });
  });

  it('a failed fetch in a new folder removes the folder; in an old one, only the files it wrote', async function () {
    const fresh = await JobFolder.claim(parent, 'job-2');
    writeFileSync(join(fresh.path, 'part'), 'x');
    fresh.wrote(join(fresh.path, 'part'));
    await fresh.abandon();
    assert.equal(existsSync(fresh.path), false);

    const kept = await JobFolder.claim(parent, 'job-3');
    await kept.commit();
    writeFileSync(join(kept.path, 'users-own.txt'), 'keep');
    const again = await JobFolder.claim(parent, 'job-3');
    writeFileSync(join(again.path, 'part'), 'x');
    again.wrote(join(again.path, 'part'));
    await again.abandon();
    assert.deepEqual(readdirSync(again.path).sort(), ['.ocean-c2d-job.json', 'users-own.txt']);
    assert.deepEqual(marker(again.path), { jobId: 'job-3', files: [] });
  });

  it('refuses a folder of its name that another job or the user owns, and leaves it as it is', async function () {
    mkdirSync(join(parent, 'ocean-job-4'));
    writeFileSync(join(parent, 'ocean-job-4', 'mine.txt'), 'user');
    const unmarked = await failure(JobFolder.claim(parent, 'job-4'));
    assert.equal(unmarked.code, 'UNSAFE_RESULT');
    assert.equal(unmarked.jobId, 'job-4');
    assert.deepEqual(unmarked.details, { folder: join(parent, 'ocean-job-4') });
    assert.equal(unmarked.message, `Folder ${join(parent, 'ocean-job-4')} exists and was not written by this node for job job-4; it is left as it is. Move it away to fetch the results here.`);
    const other = await JobFolder.claim(parent, 'other-5');
    await other.commit();
    assert.equal((await failure(JobFolder.claim(parent, 'another-5'))).code, 'UNSAFE_RESULT');
    for (const bad of ['not json', '{"jobId": 4, "files": []}', '{"jobId": "job-6"}']) {
      rmSync(join(parent, 'ocean-job-6'), { recursive: true, force: true });
      mkdirSync(join(parent, 'ocean-job-6'));
      writeFileSync(join(parent, 'ocean-job-6', '.ocean-c2d-job.json'), bad);
      assert.equal((await failure(JobFolder.claim(parent, 'job-6'))).code, 'UNSAFE_RESULT', bad);
    }
    assert.deepEqual(readdirSync(join(parent, 'ocean-job-4')), ['mine.txt']);
  });

  it('never deletes outside its folder, whatever a marker lists, and skips entries that are not text', async function () {
    const folder = join(parent, 'ocean-job-7');
    mkdirSync(folder);
    writeFileSync(join(parent, 'outside.txt'), 'keep');
    writeFileSync(join(folder, 'listed.txt'), 'x');
    writeFileSync(join(folder, '.ocean-c2d-job.json'), JSON.stringify({ jobId: 'job-7', files: ['../outside.txt', '..', join(parent, 'outside.txt'), 5, 'listed.txt'] }));
    await JobFolder.claim(parent, 'job-7');
    assert.equal(existsSync(join(parent, 'outside.txt')), true);
    assert.equal(existsSync(join(folder, 'listed.txt')), false);
  });

  it('passes on a failure other than an existing folder', async function () {
    const error = await JobFolder.claim(join(parent, 'missing', 'deeper'), 'job-8').then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    assert.equal(error?.code, 'ENOENT');
  });
});

describe('prepareResultFolder: where result files may go', function () {
  let userDir: string;
  beforeEach(function () {
    userDir = mkdtempSync(join(tmpdir(), 'c2d-user-dir-'));
  });
  afterEach(function () {
    rmSync(userDir, { recursive: true, force: true });
  });
  const rulesFor = (settings: Record<string, unknown>) => resultFolderRules({ settings: { userDir, ...settings } } as unknown as NodeAPI);

  it('defaults to ocean-c2d-results in the user directory, or the folder settings.js names (relative to it)', function () {
    assert.deepEqual(rulesFor({}), { root: join(userDir, 'ocean-c2d-results'), forbidden: [join(userDir, 'nodes'), join(userDir, 'node_modules')] });
    assert.equal(rulesFor({ oceanC2dResultsFolder: ' results ' }).root, join(userDir, 'results'));
    assert.equal(rulesFor({ oceanC2dResultsFolder: '/srv/results' }).root, '/srv/results');
    assert.equal(rulesFor({ oceanC2dResultsFolder: '  ' }).root, join(userDir, 'ocean-c2d-results'));
    assert.equal(rulesFor({ oceanC2dResultsFolder: 42 }).root, join(userDir, 'ocean-c2d-results'));
  });

  it('creates the base folder or a sub-folder inside it', async function () {
    const rules = rulesFor({});
    assert.equal(await prepareResultFolder(rules, undefined, undefined), rules.root);
    assert.equal(await prepareResultFolder(rules, 'mine', 'a/b'), join(rules.root, 'mine', 'a', 'b'));
    assert.equal(existsSync(join(rules.root, 'mine', 'a', 'b')), true);
    assert.equal(await prepareResultFolder(rules, undefined, 'x/../y'), join(rules.root, 'y'));
    assert.equal(await prepareResultFolder(rules, undefined, 'run/step:1'), join(rules.root, 'run', 'step:1'));
  });

  it('refuses a sub-folder that leaves the base: .., absolute, a drive letter, a NUL', async function () {
    const rules = rulesFor({});
    for (const sub of ['..', '../x', 'a/../../x', '/etc', 'C:\\x', 'c:x', 'a\0b']) {
      const error = await failure(prepareResultFolder(rules, undefined, sub));
      assert.equal(error.details?.field, 'subfolder', JSON.stringify(sub));
      assert.ok(error.message.startsWith(`subfolder: expected a folder inside ${rules.root}, got `), error.message);
    }
  });

  it('refuses a link inside the base that leads out of it', async function () {
    const rules = rulesFor({});
    mkdirSync(rules.root, { recursive: true });
    const elsewhere = mkdtempSync(join(tmpdir(), 'c2d-elsewhere-'));
    try {
      symlinkSync(elsewhere, join(rules.root, 'link'));
      const error = await failure(prepareResultFolder(rules, undefined, 'link/inner'));
      assert.equal(error.message, `subfolder: expected a folder inside ${rules.root} (it leads elsewhere through a link), got "link/inner"`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('never writes where Node-RED loads code from, directly or through a link', async function () {
    const rules = rulesFor({});
    const byBase = await failure(prepareResultFolder(rules, join(userDir, 'node_modules'), undefined));
    assert.equal(byBase.details?.field, 'folder');
    assert.equal(byBase.message, `folder: expected a folder outside ${join(userDir, 'node_modules')}, where Node-RED loads code from, got ${JSON.stringify(join(userDir, 'node_modules'))}`);
    const bySub = await failure(prepareResultFolder(rules, userDir, 'nodes/evil'));
    assert.equal(bySub.details?.field, 'subfolder');
    mkdirSync(join(userDir, 'nodes'), { recursive: true });
    mkdirSync(rules.root, { recursive: true });
    symlinkSync(join(userDir, 'nodes'), join(rules.root, 'to-nodes'));
    const viaLink = await failure(prepareResultFolder({ ...rules, root: userDir }, 'ocean-c2d-results', 'to-nodes'));
    assert.equal(viaLink.details?.field, 'subfolder');
    assert.equal(existsSync(join(userDir, 'nodes', 'evil')), false);
  });

  it('refuses a base folder that is a link into a code folder', async function () {
    const rules = rulesFor({});
    mkdirSync(join(userDir, 'nodes'), { recursive: true });
    mkdirSync(rules.root, { recursive: true });
    symlinkSync(join(userDir, 'nodes'), join(rules.root, 'plugins'));
    const error = await failure(prepareResultFolder(rules, 'plugins', undefined));
    assert.equal(error.message, `folder: expected a folder outside ${join(userDir, 'nodes')}, where Node-RED loads code from, got "plugins"`);
  });

  it('refuses the real place of a code folder that is itself a link', async function () {
    const modules = mkdtempSync(join(tmpdir(), 'c2d-real-modules-'));
    try {
      symlinkSync(modules, join(userDir, 'node_modules'));
      const error = await failure(prepareResultFolder(rulesFor({}), join(modules, 'pkg'), undefined));
      assert.equal(error.details?.field, 'folder');
      assert.equal(existsSync(join(modules, 'pkg')), false);
    } finally {
      rmSync(modules, { recursive: true, force: true });
    }
  });
});
