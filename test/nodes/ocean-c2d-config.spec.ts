import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox';
import { testAccount } from '../helpers/accounts';
import { helper, placed, nextMessage, packageNode, type FlowNode } from '../helpers/node-red';
import type { OceanConfigNode } from '../../src/nodes/lib/config-node';

const configNode = packageNode('ocean-c2d-config');
const envsNode = packageNode('c2d-envs');
const account = testAccount(5);

function flow(url: string, config: Record<string, unknown> = {}): FlowNode[] {
  return placed([
    { id: 'f1', type: 'tab' },
    { id: 'cfg', type: 'ocean-c2d-config', providerUrl: url, aquariusUrl: '', chainId: '8996', ...config },
    { id: 'list', type: 'c2d-envs', z: 'f1', server: 'cfg', mode: 'list', modeType: 'mode', wires: [['out']] },
    { id: 'pick', type: 'c2d-envs', z: 'f1', server: 'cfg', mode: 'pick', modeType: 'mode', wires: [['out']] },
    { id: 'out', type: 'helper', z: 'f1' },
    { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'f1' },
  ]);
}

/** Every spelling of the key that could leak: with and without 0x, any case. */
function containsKey(text: string): boolean {
  const bare = account.privateKey.slice(2).toLowerCase();
  return text.toLowerCase().includes(bare);
}

describe('ocean-c2d-config', function () {
  let sandbox: Sandbox;

  beforeEach(async function () {
    sandbox = await startSandbox({ dialect: 'ocean-node' });
  });

  afterEach(async function () {
    await helper.unload();
    await sandbox.close();
    delete process.env.OCEAN_C2D_TEST_KEY;
  });

  it('keeps the private key out of the exported flow, the logs and every message', async function () {
    await helper.load([configNode, envsNode], flow(sandbox.url), { cfg: { privateKey: account.privateKey } });
    const config = helper.getNode('cfg') as unknown as OceanConfigNode;
    assert.equal(config.getClient().address, account.address, 'the key is in use');

    const seen: unknown[] = [];
    for (const id of ['out', 'caught']) helper.getNode(id).on('input', (msg: unknown) => seen.push(msg));
    helper.getNode('list').receive({ payload: 'go' });
    helper.getNode('pick').receive({ constraints: { minCpu: 1000 } });
    helper.getNode('pick').receive({ constraints: { feeToken: 'nope' } });
    await nextMessage('out');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(seen.length, 3, 'one list and two errors');

    const exported = JSON.stringify((helper as unknown as { _redNodes: { getFlows(): unknown } })._redNodes.getFlows());
    assert.ok(exported.includes('ocean-c2d-config'), 'the export holds the config node');
    assert.ok(!containsKey(exported), 'the export holds no key');
    for (const msg of seen) assert.ok(!containsKey(JSON.stringify(msg)), 'no message holds the key');
    const logs = JSON.stringify(helper.log().args);
    assert.ok(!containsKey(logs), 'no log line holds the key');
  });

  it('reads the key from ${ENV_VAR}', async function () {
    process.env.OCEAN_C2D_TEST_KEY = account.privateKey;
    await helper.load([configNode, envsNode], flow(sandbox.url), { cfg: { privateKey: '${OCEAN_C2D_TEST_KEY}' } });
    const config = helper.getNode('cfg') as unknown as OceanConfigNode;
    assert.equal(config.getClient().address, account.address);
  });

  it('rejects a key that is not a 32-byte hex key, without echoing it', async function () {
    const badKey = `${account.privateKey.slice(0, 40)}zz`;
    await helper.load([configNode, envsNode], flow(sandbox.url), { cfg: { privateKey: badKey } });
    const caught = nextMessage('caught');
    helper.getNode('list').receive({});
    const { error } = await caught;
    assert.equal(error!.code, 'INVALID_CONFIG');
    assert.match(error!.message, /privateKey: expected a 32-byte hex private key .*got 42 characters that are not one/);
    assert.ok(!error!.message.includes(badKey.slice(2, 20)));
    assert.ok(!JSON.stringify(helper.log().args).includes(badKey.slice(2, 20)));
  });

  it('detects the backend once per connection, not per message', async function () {
    await helper.load([configNode, envsNode], flow(sandbox.url));
    for (let i = 0; i < 3; i++) {
      const out = nextMessage('out');
      helper.getNode(i % 2 ? 'list' : 'pick').receive({});
      await out;
    }
    assert.equal(sandbox.requests.filter((r) => r.path === '/').length, 1);
    // 'pick' runs twice within the 5-second environment cache; 'list' always reads afresh.
    assert.equal(sandbox.requests.filter((r) => r.path === '/api/services/computeEnvironments').length, 2);
  });

  describe('the RPC URL, which often holds an API key', function () {
    const RPC = 'https://rpc.example/v3/secret-api-key-123';
    const exported = (): string => JSON.stringify((helper as unknown as { _redNodes: { getFlows(): unknown } })._redNodes.getFlows());

    it('is a credential: in use, and never in the exported flow', async function () {
      await helper.load([configNode, envsNode], flow(sandbox.url), { cfg: { privateKey: account.privateKey, rpcEndpoint: RPC } });
      const config = helper.getNode('cfg') as unknown as OceanConfigNode;
      assert.equal(config.getClient().settings.rpcUrl, RPC);
      assert.ok(!exported().includes('secret-api-key-123'));
      assert.ok(!JSON.stringify(helper.log().args).includes('secret-api-key-123'));
    });

    it('an older flow with the URL in the flow file still works, and is told to move it', async function () {
      await helper.load([configNode, envsNode], flow(sandbox.url, { rpcUrl: RPC }), { cfg: { privateKey: account.privateKey } });
      const config = helper.getNode('cfg') as unknown as OceanConfigNode;
      assert.equal(config.getClient().settings.rpcUrl, RPC);
      const warnings = helper.log().args.filter((args: unknown[]) => (args[0] as { level?: number }).level === 30).map((args: unknown[]) => String((args[0] as { msg?: unknown }).msg));
      assert.ok(warnings.some((msg: string) => msg === 'ocean-c2d-config.errors.rpcInFlow'), JSON.stringify(warnings));
    });
  });

  describe('the escrow settings', function () {
    for (const [field, value, expected] of [
      ['escrowAddress', '0x1234', /^escrowAddress: expected the 0x address of the chain's Escrow contract, or nothing, got "0x1234"$/],
      ['escrowClaimSeconds', '-5', /^escrowClaimSeconds: expected a whole number of 0 or more, got "-5"$/],
      ['authorizeJobs', '0', /^authorizeJobs: expected a whole number of 1 or more, got "0"$/],
    ] as const) {
      it(`refuses a wrong ${field}, naming it`, async function () {
        await helper.load([configNode, envsNode], flow(sandbox.url, { [field]: value }));
        const caught = nextMessage('caught');
        helper.getNode('list').receive({});
        const { error } = await caught;
        assert.equal(error!.code, 'INVALID_CONFIG');
        assert.match(error!.message, expected);
      });
    }
  });

  describe('the escrow settings that are right', function () {
    const ESCROW = testAccount(6).address;
    for (const [what, config, expected] of [
      ['blank fields: the defaults', { escrowAddress: ' ', escrowClaimSeconds: '', authorizeJobs: '' }, {}],
      ['each field trimmed', { escrowAddress: ` ${ESCROW} `, escrowClaimSeconds: ' 7200 ', authorizeJobs: ' 3 ' }, { escrowAddress: ESCROW, claimSeconds: 7200, authorizeJobs: 3 }],
      ['the smallest numbers allowed', { escrowClaimSeconds: '0', authorizeJobs: '1' }, { claimSeconds: 0, authorizeJobs: 1 }],
      ['numbers as numbers', { escrowClaimSeconds: 60, authorizeJobs: 2 }, { claimSeconds: 60, authorizeJobs: 2 }],
    ] as const) {
      it(`takes ${what}`, async function () {
        await helper.load([configNode, envsNode], flow(sandbox.url, config), { cfg: { privateKey: account.privateKey } });
        const client = (helper.getNode('cfg') as unknown as OceanConfigNode).getClient();
        assert.deepEqual(client['paymentOptions'], { escrow: expected });
      });
    }

    for (const [field, value] of [['escrowClaimSeconds', '1.5'], ['authorizeJobs', '2.5'], ['authorizeJobs', 'two'], ['escrowClaimSeconds', '9007199254740993']] as const) {
      it(`refuses ${field} ${value}: not a whole number`, async function () {
        await helper.load([configNode, envsNode], flow(sandbox.url, { [field]: value }));
        const caught = nextMessage('caught');
        helper.getNode('list').receive({});
        const { error } = await caught;
        assert.equal(error!.message, `${field}: expected a whole number of ${field === 'authorizeJobs' ? 1 : 0} or more, got "${value}"`);
      });
    }
  });

  describe('the poll interval', function () {
    afterEach(function () {
      helper.settings({ oceanC2dMinPollInterval: undefined } as Parameters<typeof helper.settings>[0]);
    });

    for (const [what, pollInterval, floor, expectedMs] of [
      ['blank: every 5 s', '', undefined, 5000],
      ['10 s', '10', undefined, 10_000],
      ['below the 2 s floor: 2 s', '0.5', undefined, 2000],
      ['below a floor settings.js lowered: as set', '0.5', 0.1, 500],
      ['below even that floor: the floor', '0.05', 0.1, 100],
    ] as const) {
      it(`polls ${what}`, async function () {
        helper.settings({ oceanC2dMinPollInterval: floor } as Parameters<typeof helper.settings>[0]);
        await helper.load([configNode, envsNode], flow(sandbox.url, { pollInterval }));
        const tracker = (helper.getNode('cfg') as unknown as OceanConfigNode).getTracker();
        assert.equal(tracker['settings'].intervalMs, expectedMs);
      });
    }
  });

  describe('the job store settings', function () {
    afterEach(function () {
      helper.settings({ contextStorage: undefined, oceanC2dJobLeaseMs: undefined } as Parameters<typeof helper.settings>[0]);
    });

    for (const [what, config, credentials, settings, expected] of [
      ['an unknown jobStore', { jobStore: 'sqlite' }, {}, {}, /^jobStore: expected "file", "context" or "redis", got "sqlite"$/],
      ['the context store without contextStorage in settings.js', { jobStore: 'context' }, {}, {}, /^contextStore: expected a context store set up in settings\.js contextStorage/],
      ['a contextStore settings.js does not have', { jobStore: 'context', contextStore: 'disk' }, {}, { contextStorage: { default: { module: 'memory' } } }, /^contextStore: expected one of the stores in settings\.js contextStorage \(default\), got "disk"$/],
      ['the Redis store without a URL', { jobStore: 'redis' }, {}, {}, /^redisUrl: expected a redis:\/\/ or rediss:\/\/ URL/],
      ['a Redis URL of another scheme, never echoed', { jobStore: 'redis' }, { redisUrl: 'http://:hunter2@cache:6379' }, {}, /^redisUrl: expected a redis:\/\/ or rediss:\/\/ URL, such as redis:\/\/:password@redis\.example\.com:6379\/0$/],
      ['a lease that is not a number of ms', { jobStore: 'redis' }, { redisUrl: 'redis://127.0.0.1:9' }, { oceanC2dJobLeaseMs: 'soon' }, /^oceanC2dJobLeaseMs \(settings\.js\): expected a whole number of ms of 100 or more, got "soon"$/],
    ] as const) {
      it(`refuses ${what}, naming the field`, async function () {
        helper.settings(settings as Parameters<typeof helper.settings>[0]);
        await helper.load([configNode, envsNode], flow(sandbox.url, config), { cfg: credentials });
        const caught = nextMessage('caught');
        helper.getNode('list').receive({});
        const { error } = await caught;
        assert.equal(error!.code, 'INVALID_CONFIG');
        assert.match(error!.message, expected);
        assert.ok(!JSON.stringify(helper.log().args).includes('hunter2'), 'the URL\'s password is not logged');
      });
    }

    it('a job store that cannot be written is told in a warning, once, not silently', async function () {
      // The user directory is a path under a file: the store's folder cannot be made.
      helper.settings({ userDir: '/dev/null/ocean-c2d-test' } as Parameters<typeof helper.settings>[0]);
      try {
        await helper.load([configNode, envsNode], flow(sandbox.url), { cfg: { privateKey: account.privateKey } });
        const tracker = (helper.getNode('cfg') as unknown as OceanConfigNode).getTracker();
        tracker.follow({ jobId: 'job-1', startedAt: Date.now() });
        tracker.follow({ jobId: 'job-2', startedAt: Date.now() });
        const warnings = (): unknown[] => helper.log().args.filter((args: unknown[]) => (args[0] as { msg?: unknown }).msg === 'ocean-c2d-config.errors.store');
        const end = Date.now() + 5_000;
        while (warnings().length === 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(warnings().length, 1);
        tracker.unfollow('job-1');
        tracker.unfollow('job-2');
      } finally {
        helper.settings({ userDir: undefined } as Parameters<typeof helper.settings>[0]);
      }
    });

    it('keeps the Redis URL a credential: never in the exported flow', async function () {
      const exported = JSON.stringify((helper as unknown as { _redNodes: { getFlows(): unknown } })._redNodes.getFlows());
      assert.ok(!exported.includes('hunter2'));
      await helper.load([configNode, envsNode], flow(sandbox.url, { jobStore: 'redis' }), { cfg: { redisUrl: 'redis://:hunter2@127.0.0.1:9' } });
      const flows = JSON.stringify((helper as unknown as { _redNodes: { getFlows(): unknown } })._redNodes.getFlows());
      assert.ok(flows.includes('"jobStore":"redis"') && !flows.includes('hunter2'), 'the store is in the flow, the URL is not');
    });
  });
});
