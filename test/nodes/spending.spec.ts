import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider, formatUnits, parseEther, type Wallet } from 'ethers';
import { DEFAULT_ENVIRONMENTS, LONG_RUNNING_ALGORITHM, oceanNodeEnvironmentId, startChainSandbox, type ChainSandbox, type EnvironmentSpec, type SandboxDialect } from '../../sandbox';
import { connectWallet, escrowDeposit, escrowFunds, tokenBalance, type BootstrappedChain } from '../../sandbox/chain';
import { sharedChain } from '../helpers/chain';
import { fundedWallet } from '../helpers/funded-wallet';
import { inEnglish } from '../helpers/english';
import { helper, packageNode, placed, sendAndWait, statusCalls, type FlowNode, type Received } from '../helpers/node-red';

const NODES = inEnglish(['ocean-c2d-config', 'c2d-envs', 'compute-start', 'compute-status', 'compute-result', 'compute-stop'].map(packageNode));
const QUICK = "require('fs').writeFileSync((process.env.OCEAN_C2D_DATA || '/data') + '/outputs/done.txt', 'ok');";

/** Room for twenty jobs at once: the budget, not the environment, must be what stops them. */
function environments(chain: BootstrappedChain): EnvironmentSpec[] {
  const base = DEFAULT_ENVIRONMENTS[0]!;
  const roomy = { ...base, cpu: 64, ram: 64, disk: 64, maxJobs: 100, feeToken: chain.contracts.oceanToken };
  return [
    { ...roomy, name: 'priced', v2PriceMin: '0.5' },
    { ...roomy, name: 'orders-only', v2PriceMin: 0 },
  ];
}

/** Collects what reaches `out` or a Catch node until `count` messages have arrived (bounded). */
function collect(count: number, ms = 60_000, state: () => string = () => ''): Promise<{ out: Received[]; caught: Received[] }> {
  const out: Received[] = [];
  const caught: Received[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${out.length + caught.length} of ${count} messages within ${ms} ms${state()}`)), ms);
    const check = (): void => {
      if (out.length + caught.length < count) return;
      clearTimeout(timer);
      resolve({ out, caught });
    };
    helper.getNode('out').on('input', (msg: Received) => (out.push(msg), check()));
    helper.getNode('caught').on('input', (msg: Received) => (caught.push(msg), check()));
  });
}

for (const dialect of ['ocean-node', 'provider-v2'] as SandboxDialect[]) {
  describe(`spending: budgets, quotes and the wallet on the local chain (${dialect})`, function () {
    this.timeout(120_000);
    let chain: BootstrappedChain;
    let setup: ChainSandbox;
    let provider: JsonRpcProvider;
    let userDir: string;
    let envs: { priced: string; ordersOnly: string };

    before(async function () {
      chain = await sharedChain();
      setup = await startChainSandbox(dialect, chain, { rateLimitPerMinute: 0, environments: environments(chain) });
      provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
      const ids = environments(chain).map((spec) => (dialect === 'ocean-node' ? oceanNodeEnvironmentId(spec) : `ocean-compute-${spec.name}`));
      envs = { priced: ids[0]!, ordersOnly: ids[1]! };
    });

    after(async function () {
      provider.destroy();
      await setup.sandbox.close();
    });

    beforeEach(async function () {
      userDir = await mkdtemp(join(tmpdir(), 'ocean-c2d-spending-'));
      helper.settings({ userDir, oceanC2dMinPollInterval: 0.1 } as Parameters<typeof helper.settings>[0]);
    });

    afterEach(async function () {
      await helper.unload();
      await rm(userDir, { recursive: true, force: true });
    });

    const ocean = (): string => chain.contracts.oceanToken;
    const dt = (key: 'dataset' | 'statistics' | 'longRunning'): string => chain.assets[key].datatokenAddress;
    const wallet = (): Promise<Wallet> => fundedWallet(chain, { ocean: 20, datatokens: { [dt('dataset')]: 25, [dt('statistics')]: 25, [dt('longRunning')]: 5 } });

    /** A paid compute-start on the connection, with the given budgets; on Provider v2 on the published assets. */
    function flow(budgets: unknown, environment = envs.priced, extra: FlowNode[] = [], v2Algorithm = setup.assets.statistics): FlowNode[] {
      const job =
        dialect === 'ocean-node'
          ? { algorithmCode: QUICK, container: 'node' }
          : { dataset: setup.assets.dataset, datasetType: 'str', algorithm: v2Algorithm, algorithmType: 'str', algocustomdata: '{"seconds":15}', algocustomdataType: 'json' };
      return placed([
        { id: 'f1', type: 'tab' },
        { id: 'cfg', type: 'ocean-c2d-config', providerUrl: setup.sandbox.url, chainId: String(chain.chainId), escrowAddress: chain.contracts.escrow, pollInterval: '0.2', budgets },
        {
          id: 'start', type: 'compute-start', z: 'f1', server: 'cfg', environment, environmentType: 'str', tier: 'paid', tierType: 'tier',
          maxJobDuration: '60', maxJobDurationType: 'num', ...job, wires: [['out']],
        },
        { id: 'out', type: 'helper', z: 'f1' },
        { id: 'catcher', type: 'catch', z: 'f1', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'f1' },
        ...extra,
      ]);
    }

    const load = (w: Wallet, nodes: FlowNode[]): Promise<void> => helper.load(NODES, nodes, { cfg: { privateKey: w.privateKey, rpcEndpoint: chain.rpcUrl } });
    /** The wallet's OCEAN, in the wallet and in the escrow together. */
    const oceanHeld = async (w: Wallet): Promise<bigint> => {
      const funds = await escrowFunds(chain.rpcUrl, chain.contracts.escrow, w.address, ocean(), chain.accounts.provider.address);
      return (await tokenBalance(provider, ocean(), w.address)) + funds.available + funds.locked;
    };
    const spentOnRecord = async (token: string): Promise<bigint> => {
      const { entries } = JSON.parse(await readFile(join(userDir, 'ocean-c2d', 'spending-cfg.json'), 'utf8')) as { entries: Array<{ token: string; amount: string }> };
      return entries.filter((e) => e.token === token.toLowerCase()).reduce((sum, e) => sum + BigInt(e.amount), 0n);
    };
    /** Ocean Node takes its price when a job ends (the claim): wait until no OCEAN is locked. */
    const settled = async (w: Wallet): Promise<void> => {
      // The jobs must end first: on a loaded machine that can take a while; only a claim that never comes fails.
      const end = Date.now() + 60_000;
      while (Date.now() < end) {
        const funds = await escrowFunds(chain.rpcUrl, chain.contracts.escrow, w.address, ocean(), chain.accounts.provider.address);
        if (funds.locked === 0n) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the escrow locks were not claimed within 60 s');
    };
    /** What one job costs in OCEAN: Ocean Node 1 cpu-minute at 1 OCEAN; Provider v2 priceMin 0.5 for 60 s. */
    const perJob = dialect === 'ocean-node' ? '1' : '0.5';
    const threeJobs = dialect === 'ocean-node' ? '3' : '1.5';

    it('20 paid starts at once with a budget for exactly 3: 3 start and pay, 17 are refused before paying; it survives a restart', async function () {
      const w = await wallet();
      const budgets = [{ token: ocean(), perJob, limit: threeJobs, period: '1h' }];
      await load(w, flow(budgets));
      const before = { ocean: await oceanHeld(w), dataset: await tokenBalance(provider, dt('dataset'), w.address) };
      // Should the starts hang, the failure says where: the backend's last requests and their answers.
      const outcomes = collect(20, 60_000, () => `; the backend's last requests: ${setup.sandbox.requests.slice(-10).map((r) => `${r.method} ${r.path} ${r.status || 'unanswered'}`).join(', ')}`);
      for (let i = 0; i < 20; i++) helper.getNode('start').receive({ topic: `reading-${i}` });
      const { out, caught } = await outcomes;
      assert.equal(out.length, 3, caught.map((c) => c.error?.message).filter((m) => !/PAYMENT_LIMIT|allowed per/.test(String(m))).join('\n'));
      assert.equal(caught.length, 17);
      for (const refused of caught) {
        assert.equal(refused.error?.code, 'PAYMENT_LIMIT', refused.error?.message);
        const details = refused.error?.cause?.details as { field: string; limit: string; window: string; max: string; spent: string; cost: string; freesAt: string };
        assert.equal(details.field, 'budgets[0]');
        assert.equal(details.limit, 'window');
        assert.equal(details.window, '1h');
        assert.equal(details.max, threeJobs);
        assert.ok(Date.parse(details.freesAt) > Date.now() + 3_500_000, 'the window frees up in an hour');
      }
      if (dialect === 'ocean-node') {
        await settled(w);
        assert.equal(before.ocean - (await oceanHeld(w)), parseEther('3'), 'wallet plus escrow: exactly 3 jobs\' price');
      } else {
        const fees = before.ocean - (await oceanHeld(w));
        assert.equal(fees, await spentOnRecord(ocean()), 'what was counted is what was paid');
        assert.ok(fees > parseEther('1.4') && fees <= parseEther('1.5'), `3 provider fees of up to 0.5 (${formatUnits(fees)})`);
        assert.equal(before.dataset - (await tokenBalance(provider, dt('dataset'), w.address)), parseEther('3'), 'three dataset orders');
      }

      // A restart does not forget: the next start is still refused, and the wallet view shows why.
      await helper.unload();
      await load(w, flow(budgets, envs.priced, [{ id: 'wallet', type: 'c2d-envs', z: 'f1', server: 'cfg', mode: 'account', modeType: 'mode', wires: [['out']] }]));
      const again = await sendAndWait('start', {}, ['out', 'caught'], 30_000);
      assert.equal(again.caught?.error?.code, 'PAYMENT_LIMIT');
      const view = (await sendAndWait('wallet', {}, ['out', 'caught'], 30_000)).out?.payload as { budgets: Array<{ token: string; spent: string; remaining: string; window: string }>; tokens: Array<{ token: string; symbol?: string }> };
      const [room] = view.budgets.filter((b) => b.token === ocean().toLowerCase() && b.window === '1h');
      assert.equal(Number(room!.spent) > Number(threeJobs) - 0.1, true, `spent ${room!.spent}`);
      assert.ok(Number(room!.remaining) < Number(perJob), 'no room for another job');
      assert.ok(view.tokens.some((t) => t.token.toLowerCase() === ocean().toLowerCase() && t.symbol === 'OCEAN'));
      assert.deepEqual(statusCalls('wallet').map((s) => `${s.fill} ${s.shape} ${s.text}`), ['blue ring reading the wallet', 'green dot wallet read']);
    });

    it('a quote pays nothing, says whether the budget allows the job, and equals what the job then commits', async function () {
      const w = await wallet();
      // On Provider v2 the job runs for a while, so that it still holds its agreement at the next quote.
      await load(w, flow([{ token: ocean(), perJob: '5', limit: '10', period: '24h' }, { token: '*', perJob: '1' }], envs.ordersOnly, [], setup.assets.longRunning));
      const nonce = await provider.getTransactionCount(w.address);
      const quoted = await sendAndWait('start', { quote: true }, ['out', 'caught'], 30_000);
      const quote = quoted.out?.payload as { cost: number; costs: Array<{ token: string; raw: string }>; orders: Array<{ action: string }>; budget: { allowed: boolean }; escrow?: { lockSeconds: number } };
      assert.ok(quote, quoted.caught?.error?.message);
      assert.equal(await provider.getTransactionCount(w.address), nonce, 'no transaction');
      assert.equal(quote.budget.allowed, true);
      if (dialect === 'ocean-node') {
        assert.equal(quote.cost, 1);
        assert.equal(quote.escrow?.lockSeconds, 3660);
      } else {
        assert.deepEqual(quote.orders.map((o) => o.action), ['order', 'order']);
        assert.deepEqual(quote.costs.map((c) => c.raw).sort(), [parseEther('1').toString(), parseEther('1').toString()]);
      }
      const started = await sendAndWait('start', {}, ['out', 'caught'], 30_000);
      assert.ok(started.out, started.caught?.error?.message);
      for (const cost of quote.costs) assert.equal(await spentOnRecord(cost.token), BigInt(cost.raw), `committed ${cost.token} as quoted`);
      // The next quote on Provider v2 keeps the algorithm's order (reused as it is, or with a new
      // provider fee when a second boundary passed since, so that the order no longer covers the
      // new validUntil); the main dataset's is the running job's agreement, which a Provider v2
      // runs one job on at a time, so it is ordered again: one datatoken, the dataset's.
      if (dialect === 'provider-v2') {
        const next = (await sendAndWait('start', { quote: true }, ['out', 'caught'], 30_000)).out?.payload as { orders: Array<{ field: string; action: string }>; costs: Array<{ token: string }> };
        const [datasetOrder, algorithmOrder] = next.orders.map((o) => [o.field, o.action]);
        assert.deepEqual(datasetOrder, ['datasets[0]', 'order']);
        assert.equal(algorithmOrder![0], 'algorithm');
        assert.ok(algorithmOrder![1] === 'reuse' || algorithmOrder![1] === 'renew', `algorithm order kept, got ${algorithmOrder![1]}`);
        const tokens = next.costs.map((c) => c.token.toLowerCase());
        assert.ok(tokens.includes(dt('dataset').toLowerCase()), 'the dataset is ordered again');
        assert.ok(!tokens.includes(dt('longRunning').toLowerCase()), 'no second algorithm datatoken');
      }
    });

    it('a quote that the budget would refuse says so, without paying', async function () {
      const w = await wallet();
      await load(w, flow([{ token: ocean(), perJob: '0.1' }, { token: '*', perJob: '0' }]));
      const quoted = await sendAndWait('start', { quote: true }, ['out', 'caught'], 30_000);
      const quote = quoted.out?.payload as { budget: { allowed: boolean; refusal?: { code: string; details: { limit: string } } } };
      assert.equal(quote.budget.allowed, false);
      assert.equal(quote.budget.refusal?.code, 'PAYMENT_LIMIT');
      assert.equal(quote.budget.refusal?.details.limit, 'perJob');
    });

    if (dialect === 'ocean-node') {
      it('withdraw returns the unlocked escrow funds to the wallet, and cannot touch the locked ones', async function () {
        const w = await wallet();
        const nodes = flow([], envs.priced, [
          { id: 'withdraw', type: 'c2d-envs', z: 'f1', server: 'cfg', mode: 'withdraw', modeType: 'mode', withdrawToken: ocean(), withdrawTokenType: 'str', withdrawAmount: '', withdrawAmountType: 'num', wires: [['out']] },
          { id: 'withdrawAll', type: 'c2d-envs', z: 'f1', server: 'cfg', mode: 'withdraw', modeType: 'mode', withdrawToken: '', withdrawTokenType: 'str', withdrawAmount: '', withdrawAmountType: 'num', wires: [['out']] },
          { id: 'withdrawSome', type: 'c2d-envs', z: 'f1', server: 'cfg', mode: 'withdraw', modeType: 'mode', withdrawToken: ocean(), withdrawTokenType: 'str', withdrawAmount: '1', withdrawAmountType: 'num', wires: [['out']] },
          { id: 'stop', type: 'compute-stop', z: 'f1', server: 'cfg', jobId: 'jobId', jobIdType: 'msg', wires: [['out']] },
        ]).map((n) => (n.id === 'start' ? { ...n, algorithmCode: LONG_RUNNING_ALGORITHM, algocustomdata: '{"seconds": 30}', algocustomdataType: 'json' } : n));
        await load(w, nodes);
        // A running job keeps 1 OCEAN locked; 5 more are deposited and free.
        const started = await sendAndWait('start', {}, ['out', 'caught'], 30_000);
        assert.ok(started.out, started.caught?.error?.message);
        await escrowDeposit(connectWallet(chain.rpcUrl, w.privateKey, chain.chainId), chain.contracts.escrow, ocean(), parseEther('5'));
        const inWallet = await tokenBalance(provider, ocean(), w.address);
        const answer = await sendAndWait('withdraw', {}, ['out', 'caught'], 30_000);
        assert.ok(answer.out, answer.caught?.error?.message);
        const all = answer.out.payload as Array<{ amount: string; escrow: { available: string; locked: string } }>;
        assert.deepEqual(all.map((x) => [x.amount, x.escrow]), [['5.0', { available: '0.0', locked: '1.0' }]]);
        assert.equal((await tokenBalance(provider, ocean(), w.address)) - inWallet, parseEther('5'));
        const locked = await sendAndWait('withdrawSome', {}, ['out', 'caught'], 30_000);
        assert.equal(locked.caught?.error?.code, 'INSUFFICIENT_FUNDS');
        assert.match(String(locked.caught?.error?.message), /holds 0\.0 available .* 1\.0 is locked for jobs/);
        const funds = await escrowFunds(chain.rpcUrl, chain.contracts.escrow, w.address, ocean(), chain.accounts.provider.address);
        assert.equal(funds.locked, parseEther('1'), 'the locked price stays');
        // No token named: every token with funds available, here the 2 OCEAN deposited again; a second time, none.
        await escrowDeposit(connectWallet(chain.rpcUrl, w.privateKey, chain.chainId), chain.contracts.escrow, ocean(), parseEther('2'));
        const every = await sendAndWait('withdrawAll', {}, ['out', 'caught'], 30_000);
        assert.deepEqual((every.out?.payload as Array<{ token: string; amount: string }>).map((x) => [x.token.toLowerCase(), x.amount]), [[ocean().toLowerCase(), '2.0']], JSON.stringify(every.caught?.error));
        const none = await sendAndWait('withdrawAll', {}, ['out', 'caught'], 30_000);
        assert.deepEqual(none.out?.payload, []);
        const dots = (id: string): string[] => statusCalls(id).map((s) => `${s.fill} ${s.shape} ${s.text}`);
        assert.deepEqual(dots('withdraw'), ['blue ring reading the wallet', 'green dot withdrew 1 token']);
        assert.deepEqual(dots('withdrawAll'), ['blue ring reading the wallet', 'green dot withdrew 1 token', 'blue ring reading the wallet', 'green dot withdrew 0 tokens']);
        await sendAndWait('stop', { jobId: started.out!.jobId }, ['out', 'caught'], 30_000);
      });
    }

    it('budgets that are not amounts, periods or tokens are refused, naming the field', async function () {
      const w = await wallet();
      for (const [budgets, expected] of [
        [[{ token: ocean(), perJob: '-1' }], /^budgets\[0\]\.perJob: expected an amount of tokens of 0 or more, such as 5 or 0\.5, got "-1"$/],
        [[{ token: ocean(), limit: 'lots', period: '1h' }], /^budgets\[0\]\.limit: expected an amount of tokens/],
        [[{ token: ocean(), perJob: '1' }, { token: ocean(), limit: '5', period: 'fortnight' }], /^budgets\[1\]\.period: expected a period such as 1h, 24h, 7d/],
        [[{ token: 'OCEAN', perJob: '1' }], /^budgets\[0\]\.token: expected a token address \(0x…\), or \* for any other token, got "OCEAN"$/],
        ['{not json', /^budgets: expected a list of budgets as JSON/],
      ] as const) {
        await load(w, flow(budgets));
        const { caught } = await sendAndWait('start', {}, ['out', 'caught'], 30_000);
        assert.equal(caught?.error?.code, 'INVALID_CONFIG');
        assert.match(String(caught?.error?.message), expected);
        await helper.unload();
      }
    });
  });
}
