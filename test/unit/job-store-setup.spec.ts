import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node } from 'node-red';
import { createJobStores, jobStoreKind, type JobStoreSetup } from '../../src/nodes/lib/job-store';
import { thrown } from '../helpers/failure';

const noEvents: JobStoreSetup['events'] = { warn: () => undefined, adopted: () => undefined, lost: () => undefined };

describe('the job store a connection uses', function () {
  let folder: string;
  const setup = (overrides: Partial<JobStoreSetup>): JobStoreSetup => ({ node: {} as Node, settings: {}, runtime: {}, folder, connectionId: 'conn-1', events: noEvents, ...overrides });

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'job-store-'));
  });
  afterEach(async function () {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads the kind, trimmed; blank is the file store; anything else is refused by name', function () {
    assert.equal(jobStoreKind(undefined), 'file');
    assert.equal(jobStoreKind(' '), 'file');
    assert.equal(jobStoreKind(' redis '), 'redis');
    assert.equal(jobStoreKind('context'), 'context');
    const error = thrown(() => jobStoreKind('disk'));
    assert.equal(error.details?.field, 'jobStore');
    assert.match(error.message, /^jobStore: expected "file", "context" or "redis", got "disk"/);
  });

  it('file: two files named after the connection; a deleted connection removes both, a stopped one keeps them', async function () {
    const names = ['jobs-conn_1_x.json', 'spending-conn_1_x.json'];
    for (const removed of [false, true]) {
      for (const name of names) await writeFile(join(folder, name), '{}');
      const stores = createJobStores(setup({ connectionId: 'conn.1 x' }));
      assert.equal(stores.kind, 'file');
      await stores.stop();
      await stores.close(removed, []);
      assert.deepEqual((await readdir(folder)).sort(), removed ? [] : names, String(removed));
    }
  });

  it('context: needs a store in settings.js contextStorage, and names the ones there when the chosen one is not', function () {
    const none = thrown(() => createJobStores(setup({ settings: { jobStore: 'context' }, runtime: { contextStorage: 'memory' } })));
    assert.equal(none.details?.field, 'contextStore');
    assert.match(none.message, /^contextStore: expected a context store set up in settings\.js contextStorage/);
    const contextStorage = { default: { module: 'memory' }, kept: { module: 'localfilesystem' } };
    const wrong = thrown(() => createJobStores(setup({ settings: { jobStore: 'context', contextStore: 'disk' }, runtime: { contextStorage } })));
    assert.equal(wrong.message, 'contextStore: expected one of the stores in settings.js contextStorage (default, kept), got "disk"');
    const node = { context: () => ({ global: {} }) } as unknown as Node;
    assert.equal(createJobStores(setup({ node, settings: { jobStore: 'context', contextStore: ' kept ' }, runtime: { contextStorage } })).kind, 'context');
    assert.equal(createJobStores(setup({ node, settings: { jobStore: 'context', contextStore: ' ' }, runtime: { contextStorage } })).kind, 'context');
  });

  it('redis: a lease of 100 ms or more, whole; the default when settings.js has none', async function () {
    for (const lease of [99, 100.5, 'soon', null]) {
      const error = thrown(() => createJobStores(setup({ settings: { jobStore: 'redis' }, redisUrl: 'redis://127.0.0.1:9', runtime: { oceanC2dJobLeaseMs: lease } })));
      assert.equal(error.message.startsWith('oceanC2dJobLeaseMs (settings.js): expected a whole number of ms of 100 or more, got '), true, String(lease));
    }
    for (const lease of [100, undefined]) {
      const stores = createJobStores(setup({ settings: { jobStore: 'redis' }, redisUrl: 'redis://127.0.0.1:9', runtime: { oceanC2dJobLeaseMs: lease } }));
      assert.equal(stores.kind, 'redis');
      await stores.stop();
      await stores.close(false, []);
    }
  });
});
