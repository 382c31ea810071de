import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { addSampleAssets, DEFAULT_ENVIRONMENTS, NODE_CONTAINER, startSandbox, type Sandbox, type SandboxDialect } from '../../sandbox';
import { OceanClient, type StartJobRequest } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';

const wallet = testAccount(9);
const STARTS_EACH = 10;
const SKEW_MS = 2_000;

/**
 * Two Node-RED instances on one wallet with signatures per request, one host's clock 2 s ahead:
 * the one behind has its timestamp nonces refused until it learns the other's lead.
 */
for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`two hosts on one wallet, clocks ${SKEW_MS / 1000} s apart (${dialect})`, function () {
    this.timeout(60_000);
    let sandbox: Sandbox;
    let ahead: OceanClient;
    let behind: OceanClient;
    let request: () => StartJobRequest;

    before(async function () {
      const big = { ...DEFAULT_ENVIRONMENTS[0]!, cpu: 64, ram: 64, disk: 64 };
      sandbox = await startSandbox({ dialect, rateLimitPerMinute: 0, environments: [big] });
      const assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
      const options = { providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey, useAuthToken: false };
      ahead = new OceanClient({ ...options, clock: () => Date.now() + SKEW_MS });
      behind = new OceanClient({ ...options, clock: () => Date.now() });
      const environment = (await ahead.pickEnvironment({})).id;
      const tx = (): string => `0x${randomBytes(32).toString('hex')}`;
      const algorithm = { meta: { container: NODE_CONTAINER, rawcode: 'console.log("hi")' } };
      request = () =>
        dialect === 'ocean-node'
          ? { environment, free: true, datasets: [], algorithm }
          : { environment, datasets: [{ did: assets.dataset, serviceId: 'dataset-compute', transferTxId: tx() }], algorithm };
    });

    after(async function () {
      ahead.close();
      behind.close();
      await sandbox.close();
    });

    it(`${2 * STARTS_EACH} starts, interleaved across both hosts, all succeed`, async function () {
      const starts: Array<Promise<unknown>> = [];
      for (let i = 0; i < STARTS_EACH; i++) {
        starts.push(ahead.startJob(request()));
        starts.push(behind.startJob(request()));
        // Spread over time, as starts from two flows would come.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const results = await Promise.allSettled(starts);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(failed.length, 0, `${failed.length} failed: ${failed.map((r) => String(r.reason)).slice(0, 3).join('\n')}`);
      assert.equal(sandbox.context.jobs.ownedBy(wallet.address).length, 2 * STARTS_EACH);
    });

    it('the host behind keeps the lead it learned: its next starts are not refused', async function () {
      const nonceReads = (): number => sandbox.requests.filter((r) => r.path === '/api/services/nonce').length;
      const before = nonceReads();
      for (let i = 0; i < 3; i++) await behind.startJob(request());
      assert.equal(nonceReads(), before, 'no nonce refused, so none read again');
    });
  });
}
