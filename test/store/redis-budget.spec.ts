import assert from 'node:assert/strict';
import { Budget, type SpendingStore } from '../../src/ocean/payment/budget';
import { jobKeys } from '../../src/store/job-keys';
import { RedisSpendingStore } from '../../src/store/redis/spending-store';
import { describeWithRedis } from '../helpers/redis-server';
import { connectionsTo, recordingCommands } from './fixtures';

const TOKEN = '0x' + '12'.repeat(20);
const ONE = 10n ** 18n;
const rules = [{ field: 'budgets[0]', token: TOKEN, perJob: '1', limit: '1', windowSeconds: 3600, period: '1h' }];
// A chain call for the token's decimals takes a while: that is where two unlocked checks overlap.
const decimals = async (): Promise<number> => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return 18;
};

describeWithRedis('budgets kept in Redis, shared by two instances', function (redis) {
  const connect = connectionsTo(redis);
  const sharedStore = (round: number, lock: boolean): SpendingStore => {
    const store = new RedisSpendingStore({ redis: connect(), keys: jobKeys(`cfg-${round}`) });
    return lock ? store : { load: () => store.load(), save: (entries) => store.save(entries) };
  };

  /** Two Budgets as two Node-RED instances of one connection, reserving at the same moment. */
  async function race(round: number, lock: boolean): Promise<number> {
    const budgets = [new Budget(rules, sharedStore(round, lock), decimals), new Budget(rules, sharedStore(round, lock), decimals)];
    // Both have read the (empty) record once, as instances that ran for a while have.
    await Promise.all(budgets.map((budget) => budget.room([TOKEN])));
    const outcomes = await Promise.allSettled(budgets.map((budget) => budget.reserve([{ token: TOKEN, amount: ONE }])));
    for (const outcome of outcomes) if (outcome.status === 'rejected') assert.equal((outcome.reason as { code?: string }).code, 'PAYMENT_LIMIT');
    return outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
  }

  it('a budget that holds one job: of two concurrent reserves on two instances exactly one passes, every time', async function () {
    const rounds = 20;
    const passed: number[] = [];
    for (let round = 0; round < rounds; round++) passed.push(await race(round, true));
    assert.deepEqual(passed, Array(rounds).fill(1));
  });

  it('(control) without the lock, the same race lets both pass: the test can see a double spend', async function () {
    const passed: number[] = [];
    for (let round = 100; round < 105; round++) passed.push(await race(round, false));
    assert.ok(passed.some((count) => count === 2), `passes per round: ${passed.join(', ')}`);
  });

  it('a settled reservation is what the other instance sees', async function () {
    const a = new Budget(rules, sharedStore(200, true), decimals);
    const b = new Budget(rules, sharedStore(200, true), decimals);
    const reservation = await a.reserve([{ token: TOKEN, amount: ONE }]);
    await assert.rejects(b.reserve([{ token: TOKEN, amount: 1n }]), { code: 'PAYMENT_LIMIT' });
    await reservation.settle([]);
    const held = await b.reserve([{ token: TOKEN, amount: ONE }]);
    assert.ok(held);
    assert.equal((await a.room([TOKEN])).find((room) => room.kind === 'window')?.remaining, '0.0');
  });

  describe('the spending record and its lock', function () {
    const keys = jobKeys('cfg');

    it('reads an empty record as no entries, and names the key of a damaged one', async function () {
      const raw = connect();
      const store = new RedisSpendingStore({ redis: raw, keys });
      assert.deepEqual(await store.load(), []);
      const entries = [{ at: 1, token: TOKEN, amount: '5', job: 'j1' }];
      await store.save(entries);
      assert.deepEqual(await store.load(), entries);
      await raw.command(['SET', keys.spending, '{"version":1}']);
      await assert.rejects(store.load(), { message: 'Redis key ocean-c2d:cfg:spending holds no list of entries' });
    });

    it('holds the lock under the connection\'s key while the task runs, extends it past its own length, and lets go after', async function () {
      const raw = connect();
      const wire = recordingCommands(connect());
      const store = new RedisSpendingStore({ redis: wire, keys, lockMs: 150 });
      const seen: Array<{ holder: unknown; msLeft: number }> = [];
      await store.lock(async () => {
        for (let i = 0; i < 4; i++) {
          await new Promise((resolve) => setTimeout(resolve, 120));
          seen.push({ holder: await raw.command(['GET', 'ocean-c2d:cfg:spending:lock']), msLeft: Number(await raw.command(['PTTL', 'ocean-c2d:cfg:spending:lock'])) });
        }
      });
      const token = wire.sent[0]![2];
      assert.match(String(token), /^[0-9a-f]{32}$/);
      for (const [i, sample] of seen.entries()) {
        assert.equal(sample.holder, token, `still held ${(i + 1) * 120} ms in, past its 150 ms`);
        assert.ok(sample.msLeft > 0 && sample.msLeft <= 150, `${sample.msLeft} ms left`);
      }
      assert.equal(await raw.command(['EXISTS', keys.spendingLock]), 0, 'let go');
      const sent = wire.sent.length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(wire.sent.length, sent, 'nothing more is sent once the task is over');
    });

    it('gives up after the wait when another holder keeps the lock, trying every 5 to 30 ms', async function () {
      const raw = connect();
      await raw.command(['SET', keys.spendingLock, 'someone-else', 'PX', '10000']);
      const wire = recordingCommands(connect());
      const store = new RedisSpendingStore({ redis: wire, keys, waitMs: 300 });
      let ran = false;
      const began = Date.now();
      await assert.rejects(store.lock(async () => (ran = true)), { message: 'another instance held the budget lock for over 300 ms' });
      const tookMs = Date.now() - began;
      assert.equal(ran, false);
      assert.ok(tookMs >= 300 && tookMs < 1_500, `gave up after ${tookMs} ms`);
      // 300 ms at 5 to 30 ms a try (17.5 on average): about 17 tries; a busy loop would make hundreds.
      assert.ok(wire.sent.length >= 2 && wire.sent.length <= 40, `${wire.sent.length} tries`);
      assert.equal(await raw.command(['GET', keys.spendingLock]), 'someone-else', 'the other holder\'s lock is left alone');
    });
  });
});
