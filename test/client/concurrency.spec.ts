import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { addSampleAssets, DEFAULT_ENVIRONMENTS, NODE_CONTAINER, startSandbox, type Sandbox, type SandboxDialect } from '../../sandbox';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';

const wallet = testAccount(8);
const BURST = 50;
const QUICK = 'console.log("hi")';

const CASES: Array<[SandboxDialect, boolean]> = [
  ['ocean-node', true],
  ['ocean-node', false],
  ['provider-v2', false],
];

for (const [dialect, useAuthToken] of CASES) {
  describe(`one wallet, many signed calls at once (${dialect}, ${useAuthToken ? 'auth token' : 'a signature per call'})`, function () {
    let sandbox: Sandbox;
    let client: OceanClient;
    let request: () => StartJobRequest;

    before(async function () {
      // Enough CPUs for every job of the burst to run side by side.
      const big = { ...DEFAULT_ENVIRONMENTS[0]!, cpu: 64, ram: 64, disk: 64 };
      sandbox = await startSandbox({ dialect, rateLimitPerMinute: 0, environments: [big] });
      const assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
      client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey, useAuthToken });
      const environment = (await client.pickEnvironment({})).id;
      const tx = (): string => `0x${randomBytes(32).toString('hex')}`;
      request = () =>
        dialect === 'ocean-node'
          ? { environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode: QUICK } } }
          : { environment, datasets: [{ did: assets.dataset, serviceId: 'dataset-compute', transferTxId: tx() }], algorithm: { meta: { container: NODE_CONTAINER, rawcode: QUICK } } };
    });

    after(async function () {
      client.close();
      await sandbox.close();
    });

    it(`${BURST} starts fired together all succeed`, async function () {
      this.timeout(60_000);
      const results = await Promise.allSettled(Array.from({ length: BURST }, () => client.startJob(request())));
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 0, failed.map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3).join('\n'));
      const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ jobId: string }>).value.jobId));
      assert.equal(ids.size, BURST);
      const starts = sandbox.requests.filter((r) => r.method === 'POST' && /\/(freeCompute|compute)$/.test(r.path));
      assert.equal(starts.length, BURST, 'one request per start: no nonce refused and retried');
      assert.equal(sandbox.requests.filter((r) => r.path === '/api/services/nonce').length, 0, 'nonces issued locally, never fetched');
    });

    it('the status of all of them costs one request', async function () {
      const before = sandbox.requests.length;
      const jobs = await client.listJobs();
      assert.equal(jobs.length, BURST);
      assert.equal(sandbox.requests.length - before, 1);
    });
  });
}
