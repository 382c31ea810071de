import assert from 'node:assert/strict';
import { Budget, type SpendingStore } from '../../src/ocean/payment/budget';
import { jobKeys } from '../../src/store/job-keys';
import { RedisConnection } from '../../src/store/redis/connection';
import { RedisSpendingStore } from '../../src/store/redis/spending-store';
import { describeWithRedis } from '../helpers/redis-server';

const TOKEN = '0x' + '12'.repeat(20);
const ONE = 10n ** 18n;
const rules = [{ field: 'budgets[0]', token: TOKEN, perJob: '1', limit: '1', windowSeconds: 3600, period: '1h' }];
// A chain call for the token's decimals takes a while: that is where two unlocked checks overlap.
const decimals = async (): Promise<number> => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return 18;
};

describeWithRedis('budgets kept in Redis, shared by two instances', function (redis) {
  const connections: RedisConnection[] = [];
  const sharedStore = (round: number, lock: boolean): SpendingStore => {
    const connection = new RedisConnection({ url: redis().url });
    connections.push(connection);
    const store = new RedisSpendingStore({ redis: connection, keys: jobKeys(`cfg-${round}`) });
    return lock ? store : { load: () => store.load(), save: (entries) => store.save(entries) };
  };
  afterEach(async function () {
    await Promise.all(connections.splice(0).map((c) => c.close()));
  });

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
});
