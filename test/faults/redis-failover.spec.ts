import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeldJobs, type Sandbox } from '../../sandbox';
import { jobKeys } from '../../src/store/job-keys';
import { RedisConnection } from '../../src/store/redis/connection';
import { testAccount } from '../helpers/accounts';
import { startCollector, storeFlow, until, writeUserDir, type Collector } from '../helpers/job-store-flows';
import { startNodeRedProcess, type NodeRedProcess } from '../helpers/node-red-process';
import { packedPackage } from '../helpers/packed-package';
import { describeWithRedis } from '../helpers/redis-server';
import { startHeldSandbox } from '../helpers/held-sandbox';

const wallet = testAccount(16);
const PER_INSTANCE = 10;
const LEASE_MS = 1_500;
/** Redis runs with a password: the URL is a secret the logs must never show. */
const REDIS_PASSWORD = 'redis-pw-7f3a9c';

describeWithRedis('two Node-RED instances on one Redis: one dies mid-job, the other delivers its finals (packed package)', function (redis) {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let held: HeldJobs;
  let collector: Collector;
  let work: string;
  let redisCommands: RedisConnection;
  const instances: NodeRedProcess[] = [];

  beforeEach(async function () {
    ({ sandbox, held } = await startHeldSandbox(64));
    collector = await startCollector();
    work = await mkdtemp(join(tmpdir(), 'ocean-c2d-failover-'));
    redisCommands = new RedisConnection({ url: redis().url });
  });

  afterEach(async function () {
    await Promise.all(instances.splice(0).map((red) => red.stop()));
    await redisCommands.close();
    await collector.close();
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  });

  it(`${2 * PER_INSTANCE} jobs started across both, one instance SIGKILLed: every final delivered exactly once, with its message`, async function () {
    const packed = await packedPackage();
    assert.ok(existsSync(join(packed.nodeModules, 'redis')), 'the packed install brings the optional redis client');
    const start = async (owner: string): Promise<NodeRedProcess> => {
      const userDir = join(work, owner);
      writeUserDir(userDir, {
        nodeModules: packed.nodeModules,
        // One flow file for both, as a fleet deploys it: each instance takes its name from its environment.
        flow: storeFlow({ providerUrl: sandbox.url, collectorUrl: collector.url, jobStore: 'redis', owner: '${OCEAN_C2D_OWNER}' }),
        credentials: { cfg: { privateKey: wallet.privateKey, redisUrl: redis().url } },
        settings: { oceanC2dJobLeaseMs: LEASE_MS },
      });
      const red = await startNodeRedProcess({ userDir, env: { OCEAN_C2D_OWNER: owner } });
      instances.push(red);
      await red.untilOutput(/Started flows/, 20_000);
      return red;
    };
    const [a, b] = await Promise.all([start('a'), start('b')]);
    const tags: string[] = [];
    await Promise.all(
      [a, b].map(async (red, n) => {
        for (let i = 0; i < PER_INSTANCE; i++) {
          const tag = `${n === 0 ? 'a' : 'b'}-${i}`;
          tags.push(tag);
          const answer: Response = await fetch(`${red.url}/start?tag=${tag}`, { method: 'POST' });
          assert.equal(answer.status, 200);
        }
      }),
    );
    const keys = jobKeys('cfg');
    const stored = async (): Promise<number> => ((await redisCommands.command(['SMEMBERS', keys.index])) as string[]).length;
    await until(() => held.running === 2 * PER_INSTANCE, 'every job running', 30_000);
    await until(async () => (await stored()) === 2 * PER_INSTANCE, 'every job in Redis');
    const owners = async (): Promise<string[]> => {
      const parts = (await redisCommands.command(['SMEMBERS', keys.index])) as string[];
      return Promise.all(parts.map(async (part) => String(await redisCommands.command(['GET', `${keys.prefix}lease:${part}`]))));
    };
    assert.deepEqual((await owners()).sort(), [...Array(PER_INSTANCE).fill('a'), ...Array(PER_INSTANCE).fill('b')], 'each instance owns the jobs it started');

    // Instance a dies mid-job; then every job ends.
    await a.kill();
    const killedAt = Date.now();
    assert.equal(held.finishAll(), 2 * PER_INSTANCE);
    await until(() => collector.finals.length >= 2 * PER_INSTANCE, 'every final', 30_000);
    const lastFinalMs = Date.now() - killedAt;
    // Time for a late duplicate to show up: two more leases.
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));

    const finals = collector.finals;
    assert.equal(finals.length, 2 * PER_INSTANCE, `exactly one final per job: ${JSON.stringify(finals.map((f) => f.tag))}`);
    assert.deepEqual(finals.map((final) => final.tag).sort(), [...tags].sort(), 'each with the tag its start carried');
    assert.equal(new Set(finals.map((final) => final.jobId)).size, 2 * PER_INSTANCE, 'twenty different jobs');
    assert.ok(finals.every((final) => final.owner === 'b' && final.status === 71), 'all delivered by the survivor, each job finished');
    await b.untilOutput(/took over 10 followed jobs/, 1_000);
    assert.equal(await stored(), 0, 'Redis forgets each job once delivered');
    assert.doesNotMatch(b.output(), /no job store of this Node-RED holds it/, 'a\'s jobs were never taken for lost ones');
    for (const secret of [REDIS_PASSWORD, wallet.privateKey.slice(2)]) assert.ok(!(a.output() + b.output()).includes(secret), 'no secret in the logs');
    const exported = JSON.stringify(await (await fetch(`${b.url}/flows`)).json());
    assert.ok(!exported.includes(REDIS_PASSWORD) && !exported.includes('redis://'), 'nor in the flow export');
    console.log(`      SIGKILL to the last final: ${lastFinalMs} ms (lease ${LEASE_MS} ms, poll 0.3 s)`);
  });
}, { password: REDIS_PASSWORD });
