import { listedEnvironment } from '../helpers/listed-environment';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider, type Wallet } from 'ethers';
import { startChainSandbox, startSandbox, type ChainSandbox, type Sandbox, type SandboxDialect } from '../../sandbox';
import { escrowFunds, tokenBalance, type BootstrappedChain } from '../../sandbox/chain';
import { OceanClient } from '../../src/ocean';
import { testAccount } from '../helpers/accounts';
import { sharedChain } from '../helpers/chain';
import { fundedWallet } from '../helpers/funded-wallet';
import { waitForJob } from '../helpers/jobs';
import { helper, packageNode, placed, sendAndWait, type FlowNode, type Received } from '../helpers/node-red';

const NODES = ['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map(packageNode);
const wallet = testAccount(10);

const OWN_CODE = `
const fs = require('fs');
const data = process.env.OCEAN_C2D_DATA || '/data';
fs.writeFileSync(data + '/outputs/sum.json', JSON.stringify({ sum: 42 }));
`;
/** What an attacker publishing to the flow's MQTT topic would like to run: a node for Node-RED to load. */
const EVIL_CODE = `
const fs = require('fs');
const data = process.env.OCEAN_C2D_DATA || '/data';
fs.writeFileSync(data + '/outputs/evil.js', 'module.exports = function (RED) { require("fs").writeFileSync("/tmp/pwned", "1"); };');
fs.writeFileSync(data + '/outputs/evil.html', '<script></script>');
fs.writeFileSync(data + '/outputs/sum.json', JSON.stringify({ sum: -1 }));
`;

describe('hostile messages: what a message may choose', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let userDir: string;

  before(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node', rateLimitPerMinute: 0 });
  });

  after(async function () {
    await sandbox.close();
  });

  beforeEach(async function () {
    userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-msg-'));
    helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
  });

  afterEach(async function () {
    await helper.unload();
    await rm(userDir, { recursive: true, force: true });
  });

  function flow(result: Record<string, unknown> = {}): FlowNode[] {
    return placed([
      { id: 'f1', type: 'tab' },
      { id: 'cfg', type: 'ocean-c2d-config', providerUrl: sandbox.url, chainId: '8996', pollInterval: '0.2' },
      // The README's main example: free, code typed in, followed, its output as JSON.
      {
        id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', environment: 'free', environmentType: 'envpick', tier: 'free', tierType: 'tier',
        algorithmCode: OWN_CODE, container: 'node', follow: true, followTimeout: '20', followTimeoutType: 'num', wires: [['result']],
      },
      { id: 'result', type: 'compute-result', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', result: 'output', resultType: 'kind', format: 'json', formatType: 'format', unpack: true, ...result, wires: [['out']] },
      { id: 'out', type: 'helper', z: 'f1' },
      { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'f1' },
    ]);
  }

  it('cannot run its own code or write into the user directory\'s nodes folder (the review\'s attack)', async function () {
    await helper.load(NODES, flow(), { cfg: { privateKey: wallet.privateKey } });
    const attack = {
      algorithmCode: EVIL_CODE,
      algorithm: { rawcode: EVIL_CODE, container: { image: 'node', tag: '20', entrypoint: 'node $ALGO' } },
      container: 'custom',
      folder: join(userDir, 'nodes'),
      subfolder: '../nodes',
      format: 'file',
      unpack: false,
    };
    const { out } = await sendAndWait('start', attack, ['out', 'caught'], 20_000);
    assert.deepEqual(out?.payload, { sum: 42 }, 'the node\'s own code ran, and its output came as JSON in the message');
    assert.ok(!existsSync(join(userDir, 'nodes')), 'nothing was written where Node-RED loads nodes from');
    assert.ok(!existsSync(join(userDir, 'ocean-c2d-results')), 'format and folder stayed as the dialog set them');
  });

  describe('a sub-folder from the message stays inside the node\'s folder', function () {
    let jobId: string;

    before(async function () {
      const client = new OceanClient({ providerUrl: sandbox.url, chainId: 8996, privateKey: wallet.privateKey });
      const environment = (await client.pickEnvironment({ free: true })).id;
      jobId = (await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: { image: 'node', tag: '20', entrypoint: 'node $ALGO' }, rawcode: OWN_CODE } } })).jobId;
      await waitForJob(client, jobId, 200);
      client.close();
    });

    const fetch = (sub: unknown): Promise<Record<string, Received>> => sendAndWait('result', { jobId, sub }, ['out', 'caught'], 10_000);

    it('writes a plain sub-folder under the results folder', async function () {
      await helper.load(NODES, flow({ format: 'file', subfolder: 'sub', subfolderType: 'msg' }), { cfg: { privateKey: wallet.privateKey } });
      const { out } = await fetch('sensor-1');
      const [file] = out!.files as Array<{ path: string }>;
      assert.equal(file!.path, join(userDir, 'ocean-c2d-results', 'sensor-1', `ocean-job-${jobId.split('-').pop()}`, 'sum.json'));
    });

    for (const [what, sub] of [['"..", into the user directory', '../nodes'], ['an absolute path', '/tmp/elsewhere'], ['a NUL byte', 'a\u0000b']] as const) {
      it(`refuses ${what}: INVALID_INPUT naming the field`, async function () {
        await helper.load(NODES, flow({ format: 'file', subfolder: 'sub', subfolderType: 'msg' }), { cfg: { privateKey: wallet.privateKey } });
        const { caught } = await fetch(sub);
        assert.equal(caught?.error?.code, 'INVALID_INPUT');
        assert.match(caught!.error!.message, /^subfolder: expected a folder inside /);
        assert.ok(!existsSync(join(userDir, 'nodes')));
      });
    }

    it('refuses a link inside the folder that leads out of it', async function () {
      const base = join(userDir, 'ocean-c2d-results');
      mkdirSync(base, { recursive: true });
      mkdirSync(join(userDir, 'nodes'));
      symlinkSync(join(userDir, 'nodes'), join(base, 'shortcut'));
      await helper.load(NODES, flow({ format: 'file', subfolder: 'sub', subfolderType: 'msg' }), { cfg: { privateKey: wallet.privateKey } });
      const { caught } = await fetch('shortcut');
      assert.equal(caught?.error?.code, 'INVALID_INPUT');
      assert.deepEqual(readdirSync(join(userDir, 'nodes')), []);
    });

    it('never writes where Node-RED loads code from, even with the user directory as the node\'s folder', async function () {
      await helper.load(NODES, flow({ format: 'file', folder: userDir, folderType: 'str', subfolder: 'sub', subfolderType: 'msg' }), { cfg: { privateKey: wallet.privateKey } });
      for (const sub of ['nodes', 'node_modules/@evil/pkg']) {
        const { caught } = await fetch(sub);
        assert.equal(caught?.error?.code, 'INVALID_INPUT', sub);
        assert.match(caught!.error!.message, /where Node-RED loads code from/);
      }
      assert.ok(!existsSync(join(userDir, 'nodes')));
    });

    it('a folder pointed at the message by an older flow becomes a sub-folder of the results folder', async function () {
      await helper.load(NODES, flow({ format: 'file', folder: 'dir', folderType: 'msg' }), { cfg: { privateKey: wallet.privateKey } });
      const refused = await sendAndWait('result', { jobId, dir: join(userDir, 'nodes') }, ['out', 'caught'], 10_000);
      assert.equal(refused.caught?.error?.code, 'INVALID_INPUT');
      const written = await sendAndWait('result', { jobId, dir: 'old-flow' }, ['out', 'caught'], 10_000);
      assert.ok(String((written.out!.files as Array<{ path: string }>)[0]!.path).startsWith(join(userDir, 'ocean-c2d-results', 'old-flow')));
    });
  });
});

/**
 * The review's second attack: a message asking a free node to pay. On the local chain, a node set
 * to free and to pick a free environment gets {free: false, environment: <paid>, 7200 s, 4 cpu}.
 */
for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`hostile messages: a node set to free never pays (${dialect})`, function () {
    this.timeout(60_000);
    let chain: BootstrappedChain;
    let setup: ChainSandbox;
    let provider: JsonRpcProvider;
    let userDir: string;

    before(async function () {
      chain = await sharedChain();
      setup = await startChainSandbox(dialect, chain, { rateLimitPerMinute: 0 });
      provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
      userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-free-'));
      helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
    });

    after(async function () {
      await helper.unload();
      provider.destroy();
      await setup.sandbox.close();
      await rm(userDir, { recursive: true, force: true });
    });

    const snapshot = async (w: Wallet): Promise<string> => {
      const funds = await escrowFunds(chain.rpcUrl, chain.contracts.escrow, w.address, chain.contracts.oceanToken, chain.accounts.provider.address);
      return JSON.stringify({
        nonce: await provider.getTransactionCount(w.address),
        ocean: (await tokenBalance(provider, chain.contracts.oceanToken, w.address)).toString(),
        dataset: (await tokenBalance(provider, chain.assets.dataset.datatokenAddress, w.address)).toString(),
        escrow: [funds.available.toString(), funds.locked.toString()],
      });
    };

    it('whatever the message says', async function () {
      const w = await fundedWallet(chain, { ocean: 10, datatokens: { [chain.assets.dataset.datatokenAddress]: 1, [chain.assets.statistics.datatokenAddress]: 1 } });
      const paidEnvironment = (await listedEnvironment(setup.sandbox.url, chain.chainId, (env) => !env.isFree)).id;
      const nodes = placed([
        { id: 'f1', type: 'tab' },
        { id: 'cfg', type: 'ocean-c2d-config', providerUrl: setup.sandbox.url, chainId: String(chain.chainId), escrowAddress: chain.contracts.escrow },
        {
          id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', environment: 'free', environmentType: 'envpick', tier: 'free', tierType: 'tier',
          ...(dialect === 'provider-v2' ? { dataset: setup.assets.dataset, datasetType: 'str', algorithm: setup.assets.statistics, algorithmType: 'str' } : { algorithmCode: OWN_CODE, container: 'node' }),
          wires: [['out']],
        },
        { id: 'out', type: 'helper', z: 'f1' },
        { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'f1' },
      ]);
      await helper.load(NODES, nodes, { cfg: { privateKey: w.privateKey, rpcEndpoint: chain.rpcUrl } });
      const before = await snapshot(w);
      const answer = await sendAndWait('start', { free: false, tier: 'paid', environment: paidEnvironment, maxJobDuration: 7200, resources: [{ id: 'cpu', amount: 4 }] }, ['out', 'caught'], 20_000);
      if (dialect === 'ocean-node') {
        const job = answer.out?.payload as { jobId: string; environment: string };
        assert.ok(job, answer.caught?.error?.message);
        const record = setup.sandbox.context.jobs.get(job.jobId.split('-').pop()!);
        assert.equal(record?.free, true, 'a free-tier job');
        assert.notEqual(record?.environmentId, paidEnvironment.split('-').pop(), 'not the environment the message named');
      } else {
        assert.equal(answer.caught?.error?.code, 'PAYMENT_REFUSED', 'a Provider v2 needs orders: refused, not paid');
      }
      assert.equal(await snapshot(w), before, 'no transaction, no token moved');
    });
  });
}
