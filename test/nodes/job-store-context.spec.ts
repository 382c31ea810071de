import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeldJobs, type Sandbox } from '../../sandbox';
import { testAccount } from '../helpers/accounts';
import { startCollector, storeFlow, until, writeUserDir, type Collector } from '../helpers/job-store-flows';
import { startNodeRedProcess, type NodeRedProcess } from '../helpers/node-red-process';
import { startHeldSandbox } from '../helpers/held-sandbox';

const ROOT = join(__dirname, '..', '..');
const wallet = testAccount(15);
const JOBS = 3;

/** A hosted Node-RED: the user directory is re-created on each start, the context store's folder is kept. */
describe('the context job store: followed jobs survive a restart on a wiped user directory (real Node-RED)', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let held: HeldJobs;
  let collector: Collector;
  let work: string;
  let red: NodeRedProcess | undefined;

  beforeEach(async function () {
    ({ sandbox, held } = await startHeldSandbox(64));
    collector = await startCollector();
    work = await mkdtemp(join(tmpdir(), 'ocean-c2d-context-'));
  });

  afterEach(async function () {
    await red?.stop();
    red = undefined;
    await collector.close();
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  });

  it('jobs started before the restart are resumed from the context store, and each final is delivered once with its message', async function () {
    const userDir = join(work, 'user');
    const contextDir = join(work, 'kept-volume');
    const provision = (): void =>
      writeUserDir(userDir, {
        packageDir: ROOT,
        flow: storeFlow({ providerUrl: sandbox.url, collectorUrl: collector.url, jobStore: 'context', contextStore: 'kept' }),
        credentials: { cfg: { privateKey: wallet.privateKey } },
        settings: { contextStorage: { default: { module: 'memory' }, kept: { module: 'localfilesystem', config: { dir: contextDir, cache: false } } } },
      });
    provision();
    const env = { OCEAN_C2D_OWNER: 'hosted' };
    red = await startNodeRedProcess({ userDir, env });
    await red.untilOutput(/Started flows/, 20_000);
    for (let i = 0; i < JOBS; i++) {
      const answer: Response = await fetch(`${red.url}/start?tag=job-${i}`, { method: 'POST' });
      assert.equal(answer.status, 200);
    }
    await until(() => held.running === JOBS, 'every job running');
    // Each follow is one key in the context store (written, with cache off, at once).
    await until(async () => (await readdir(contextDir, { recursive: true })).length > 0, 'the context store written');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await red.stop();

    // The container is re-created: flows provisioned again, nothing else of the user directory kept.
    provision();
    red = await startNodeRedProcess({ userDir, env });
    await red.untilOutput(/following 3 compute jobs again/, 20_000);
    assert.equal(collector.finals.length, 0, 'nothing ended yet');
    assert.equal(held.finishAll(), JOBS);
    await until(() => collector.finals.length >= JOBS, 'every final', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(collector.finals.map((final) => final.tag).sort(), ['job-0', 'job-1', 'job-2'], 'each final once, with the tag its start carried');
    assert.ok(collector.finals.every((final) => final.status === 71), `finals: ${JSON.stringify(collector.finals)}`);
    assert.doesNotMatch(red.output(), /no job store of this Node-RED holds it/, 'no job reported lost');
  });
});
