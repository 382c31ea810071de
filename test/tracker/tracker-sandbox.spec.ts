import assert from 'node:assert/strict';
import { DEFAULT_ENVIRONMENTS, LONG_RUNNING_ALGORITHM, NODE_CONTAINER, startSandbox, type EnvironmentSpec, type Sandbox } from '../../sandbox';
import { OceanClient, type ComputeJob } from '../../src/ocean';
import { JobTracker, type TrackerClient } from '../../src/tracker';
import { testAccount } from '../helpers/accounts';
import { sleep, waitFor } from './helpers';

const consumer = testAccount(4);
const STATUS_REQUEST = 'GET /api/services/compute';

/** Room for several free jobs at once: each takes at least one CPU. */
const ROOMY: EnvironmentSpec[] = DEFAULT_ENVIRONMENTS.map((env) => ({ ...env, cpu: 8, ram: 8, disk: 8, free: env.free && { ...env.free, maxJobs: 5 } }));

const SQUARE_ALGORITHM = `
const fs = require('fs');
const data = process.env.OCEAN_C2D_DATA || '/data';
const { n } = JSON.parse(fs.readFileSync(data + '/inputs/algoCustomData.json', 'utf8'));
fs.writeFileSync(data + '/outputs/square.json', JSON.stringify({ square: n * n }));
`;

describe('JobTracker against the Ocean Node sandbox', function () {
  let sandbox: Sandbox;
  let client: OceanClient;
  let environment: string;
  let polls: number;
  let lookups: number;
  /** The real client, counting what the tracker asks of it. */
  let counting: TrackerClient;

  const requestsSince = (index: number): string[] => sandbox.requests.slice(index).map((r) => `${r.method} ${r.path}`);

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, environments: ROOMY });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: consumer.privateKey });
    environment = (await client.pickEnvironment({ free: true })).id;
    counting = {
      listJobs: (options) => {
        polls += 1;
        return client.listJobs(options);
      },
      getJob: (jobId, options) => {
        lookups += 1;
        return client.getJob(jobId, options);
      },
    };
  });

  beforeEach(function () {
    polls = 0;
    lookups = 0;
  });

  after(async function () {
    client.close();
    await sandbox.close();
  });

  it('follows 3 jobs to done with exactly one status request per poll', async function () {
    this.timeout(60_000);
    const started: ComputeJob[] = [];
    for (const n of [2, 3, 4]) {
      started.push(await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: SQUARE_ALGORITHM } }, algocustomdata: { n } }));
    }
    await sleep(20); // the sandbox records a request once its answer is sent
    const before = sandbox.requests.length;

    const tracker = new JobTracker({ client: counting, intervalMs: 100 });
    const statuses = new Map<string, (number | null)[]>(started.map((j) => [j.jobId, []]));
    const done: ComputeJob[] = [];
    const errors: Error[] = [];
    let idle = false;
    tracker.on('change', (job) => statuses.get(job.jobId)?.push(job.status));
    tracker.on('done', (job) => done.push(job));
    tracker.on('error', (error) => errors.push(error));
    tracker.on('idle', () => (idle = true));
    for (const job of started) tracker.follow({ jobId: job.jobId, startedAt: Date.now(), timeoutMs: 30_000 });
    try {
      await waitFor(() => idle, 'all jobs done', 30_000);
    } finally {
      await tracker.close();
    }
    await sleep(20);

    assert.deepEqual(errors, []);
    assert.deepEqual(done.map((j) => j.jobId).sort(), started.map((j) => j.jobId).sort());
    assert.deepEqual(done.map((j) => [j.done, j.ok, j.failed, j.exitCode]), done.map(() => [true, true, false, 0]), 'every job finished well');
    for (const [jobId, seen] of statuses) {
      assert.equal(seen.at(-1), done.find((j) => j.jobId === jobId)?.status, `${jobId}'s last change is its done status`);
      assert.deepEqual(seen, [...seen].sort((x, y) => Number(x) - Number(y)), `${jobId} moves forward: ${seen.join(' > ')}`);
    }
    assert.ok(polls >= 1);
    const requests = requestsSince(before);
    // Lists while two or more jobs are followed, then asks for the last one by id.
    assert.equal(requests.length, polls + lookups, 'one request per poll');
    assert.ok(requests.every((r) => r === STATUS_REQUEST), requests.join(', '));
  });

  it('stops polling on close(), and leaves the job running on the network', async function () {
    const job = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: LONG_RUNNING_ALGORITHM } }, algocustomdata: { seconds: 30 } });
    const tracker = new JobTracker({ client: counting, intervalMs: 100 });
    tracker.follow({ jobId: job.jobId, startedAt: Date.now() });
    await waitFor(() => polls + lookups >= 3, '3 polls');

    // close() settles at once (the test's own timeout bounds it); what matters is what follows it.
    await tracker.close();
    await sleep(50);
    const count = sandbox.requests.length;
    const pollsAtClose = polls + lookups;
    await sleep(400);
    assert.equal(sandbox.requests.length, count, 'no request after close');
    assert.equal(polls + lookups, pollsAtClose);

    const still = await client.getJob(job.jobId);
    assert.equal(still.done, false, 'closing the tracker does not stop the job');
    await client.stopJob(job.jobId);
  });
});
