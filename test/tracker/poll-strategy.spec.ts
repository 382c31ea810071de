import assert from 'node:assert/strict';
import { DEFAULT_ENVIRONMENTS, HeldJobs, NODE_CONTAINER, startSandbox, type Sandbox } from '../../sandbox';
import { OceanClient, type ComputeJob } from '../../src/ocean';
import { JobTracker } from '../../src/tracker';
import { testAccount } from '../helpers/accounts';
import { recordEvents, waitFor } from './helpers';

const INTERVAL = 100;
const consumer = testAccount(12);

/** A status request as the wire shows it: "by id <local id>" or "list". */
function describeStatus(query: string): string {
  const jobId = new URLSearchParams(query).get('jobId');
  return jobId ? `by id ${jobId.split('-').pop()}` : 'list';
}

describe('JobTracker: which status request a poll sends (Ocean Node sandbox)', function () {
  let sandbox: Sandbox;
  let held: HeldJobs;
  let client: OceanClient;
  let environment: string;

  const statusRequests = (from: number): string[] =>
    sandbox.requests
      .slice(from)
      .filter((r) => r.method === 'GET' && r.path === '/api/services/compute')
      .map((r) => describeStatus(r.query));
  const start = async (): Promise<ComputeJob> => client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: '' } } });
  const localId = (job: ComputeJob): string => job.jobId.split('-').pop() ?? '';

  beforeEach(async function () {
    held = new HeldJobs();
    const base = DEFAULT_ENVIRONMENTS[0]!;
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0, runner: held.runner, environments: [{ ...base, cpu: 64, ram: 64, disk: 64 }] });
    client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: consumer.privateKey });
    environment = (await client.pickEnvironment({ free: true })).id;
  });

  afterEach(async function () {
    client.close();
    await sandbox.close();
  });

  it('asks for one followed job by id, lists the wallet for two or more, and goes back to by id when one is left', async function () {
    const [a, b, c] = [await start(), await start(), await start()];
    const tracker = new JobTracker({ client, intervalMs: INTERVAL });
    const log = recordEvents(tracker);
    try {
      let from = sandbox.requests.length;
      tracker.follow({ jobId: a.jobId, startedAt: Date.now() });
      await waitFor(() => statusRequests(from).length >= 2, 'two polls of one job');
      assert.deepEqual(statusRequests(from).slice(0, 2), [`by id ${localId(a)}`, `by id ${localId(a)}`]);

      tracker.follow({ jobId: b.jobId, startedAt: Date.now() });
      tracker.follow({ jobId: c.jobId, startedAt: Date.now() });
      await waitFor(() => statusRequests(from).includes('list'), 'a poll of three jobs');
      from = sandbox.requests.length;
      await waitFor(() => statusRequests(from).length >= 2, 'two more polls');
      assert.deepEqual(statusRequests(from).slice(0, 2), ['list', 'list'], 'three jobs: one list request per poll');

      held.finish(localId(a));
      held.finish(localId(b));
      await waitFor(() => log.includes(`done ${a.jobId}`) && log.includes(`done ${b.jobId}`), 'a and b done');
      from = sandbox.requests.length;
      await waitFor(() => statusRequests(from).length >= 2, 'two polls of the last job');
      assert.deepEqual(statusRequests(from).slice(0, 2), [`by id ${localId(c)}`, `by id ${localId(c)}`]);

      held.finish(localId(c));
      await waitFor(() => log.includes('idle'), 'idle');
      from = sandbox.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL));
      assert.deepEqual(statusRequests(from), [], 'nothing followed: no request');
      assert.deepEqual(
        log.filter((line) => line.startsWith('done')),
        [a, b, c].map((job) => `done ${job.jobId}`),
      );
    } finally {
      await tracker.close();
    }
  });

  it('never sends two status requests at once, whichever request a poll uses', async function () {
    const jobs = [await start(), await start()];
    let inFlight = 0;
    let most = 0;
    const counted = async <T>(request: () => Promise<T>): Promise<T> => {
      most = Math.max(most, ++inFlight);
      try {
        return await request();
      } finally {
        inFlight -= 1;
      }
    };
    const tracker = new JobTracker({
      client: { listJobs: (options) => counted(() => client.listJobs(options)), getJob: (jobId, options) => counted(() => client.getJob(jobId, options)) },
      intervalMs: 20,
    });
    try {
      const from = sandbox.requests.length;
      tracker.follow({ jobId: jobs[0]!.jobId, startedAt: Date.now() });
      await waitFor(() => statusRequests(from).length >= 3, 'polls by id');
      tracker.follow({ jobId: jobs[1]!.jobId, startedAt: Date.now() });
      await waitFor(() => statusRequests(from).filter((r) => r === 'list').length >= 3, 'list polls');
      assert.equal(most, 1);
    } finally {
      await tracker.close();
    }
  });
});
