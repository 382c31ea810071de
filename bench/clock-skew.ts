/**
 * Clock skew: two hosts on one wallet, one host's clock 2 s ahead of the other's, each signing
 * every request with a timestamp nonce (no auth token), start 20 jobs between them, interleaved,
 * against the sandbox of each dialect. None may fail; the nonces the server refuses on the way
 * (the host behind learning the other's lead) are reported. Jobs are held, so no job runs a process.
 *
 *   npx tsx bench/clock-skew.ts
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_ENVIRONMENTS, HeldJobs, NODE_CONTAINER, addSampleAssets, startSandbox, type Sandbox, type SandboxDialect } from '../sandbox';
import { OceanClient, type StartJobRequest } from '../src/ocean';
import { testAccount } from '../test/helpers/accounts';
import { exactly, format, reported, type Figure } from './lib/figures';
import { progress, runScenario } from './lib/scenario';

const SKEW_MS = 2_000;
const STARTS = 20;
const NONCE_PATH = '/api/services/nonce';
const BASE = DEFAULT_ENVIRONMENTS[0]!;
const ROOMY = { ...BASE, cpu: 1_000, ram: 1_000, disk: 1_000, free: { ...BASE.free!, maxJobs: 1_000 } };

/** A start request for the dialect: free on Ocean Node, paid by a (sandbox) order on Provider v2. */
async function startRequest(sandbox: Sandbox, client: OceanClient): Promise<() => StartJobRequest> {
  const algorithm = { meta: { container: NODE_CONTAINER, rawcode: 'console.log("hi")' } };
  const environment = (await client.pickEnvironment({})).id;
  if (sandbox.dialect === 'ocean-node') return () => ({ environment, free: true, datasets: [], algorithm });
  const assets = addSampleAssets(sandbox.context.ddos, { chainId: 8996, serviceEndpoint: sandbox.url });
  return () => ({ environment, datasets: [{ did: assets.dataset, serviceId: 'dataset-compute', transferTxId: `0x${randomBytes(32).toString('hex')}` }], algorithm });
}

async function measure(dialect: SandboxDialect): Promise<Figure[]> {
  const held = new HeldJobs();
  const sandbox = await startSandbox({ dialect, rateLimitPerMinute: 0, runner: held.runner, environments: [ROOMY] });
  const wallet = testAccount(9);
  const options = { providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey, useAuthToken: false };
  const ahead = new OceanClient({ ...options, clock: () => Date.now() + SKEW_MS });
  const behind = new OceanClient({ ...options, clock: () => Date.now() });
  try {
    const request = await startRequest(sandbox, ahead);
    const firstRequest = sandbox.requests.length;
    const started = performance.now();
    const starts: Array<Promise<unknown>> = [];
    for (let i = 0; i < STARTS / 2; i++) {
      starts.push(ahead.startJob(request()), behind.startJob(request()));
      // Spread over time, as starts from two flows would come.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.allSettled(starts);
    const ms = performance.now() - started;
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const failure of failed.slice(0, 3)) progress(`${dialect}: ${String(failure.reason)}`);
    const requests = sandbox.requests.slice(firstRequest);
    // Ocean Node answers a stale nonce with 401, Provider v2 with 400; nothing else is refused here.
    const refused = requests.filter((r) => r.status >= 400 && r.status < 500).length;
    const nonceReads = requests.filter((r) => r.path === NONCE_PATH).length;
    return [
      exactly(`${dialect}: of ${STARTS} signed starts from two hosts ${SKEW_MS / 1000} s apart, failed`, failed.length, 0),
      exactly(`${dialect}: jobs the server holds afterwards`, sandbox.context.jobs.ownedBy(wallet.address).length, STARTS),
      reported(`${dialect}: signed requests refused for their nonce, then sent again`, `${refused} (${nonceReads} nonce reads; ${format(ms)} ms for all)`),
    ];
  } finally {
    ahead.close();
    behind.close();
    held.finishAll();
    await sandbox.close();
  }
}

export async function run(): Promise<Figure[]> {
  return [...(await measure('ocean-node')), ...(await measure('provider-v2'))];
}

runScenario(module, run);
