import assert from 'node:assert/strict';
import { parseUnits } from 'ethers';
import { Budget, type SpendingStore, type SpentEntry } from '../../src/ocean/payment/budget';
import { parseBudgets } from '../../src/ocean/payment/budget-rules';
import { failure } from '../helpers/failure';

const OCEAN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const DT = '0x1111111111111111111111111111111111111111';
const HOUR = 3_600_000;

class MemoryStore implements SpendingStore {
  saved: SpentEntry[] = [];
  failing = false;
  constructor(public initial: SpentEntry[] = []) {}
  load(): Promise<SpentEntry[]> {
    return Promise.resolve([...this.initial]);
  }
  save(entries: SpentEntry[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('disk full'));
    this.saved = [...entries];
    return Promise.resolve();
  }
}

function budget(rows: unknown, store = new MemoryStore(), now = { t: 1_000_000_000_000 }): { budget: Budget; store: MemoryStore; now: { t: number } } {
  return { budget: new Budget(parseBudgets(rows), store, () => Promise.resolve(18), () => now.t), store, now };
}
const ocean = (amount: string) => [{ token: OCEAN, amount: parseUnits(amount, 18) }];

describe('budgets', function () {
  it('refuses a job over the per-job maximum, naming the row', async function () {
    const { budget: b } = budget([{ token: OCEAN, perJob: '2' }]);
    await b.reserve(ocean('2'));
    const error = await failure(b.reserve(ocean('2.5')));
    assert.equal(error.code, 'PAYMENT_LIMIT');
    assert.deepEqual(error.details, { field: 'budgets[0]', token: OCEAN, cost: '2.5', limit: 'perJob', max: '2' });
  });

  it('counts a rolling window, and says when it frees up', async function () {
    const { budget: b, now } = budget([{ token: OCEAN, limit: '3', period: '1h' }]);
    await b.reserve(ocean('1'));
    now.t += 10 * 60_000;
    await b.reserve(ocean('2'));
    const full = await failure(b.reserve(ocean('1')));
    assert.equal(full.details?.spent, '3.0');
    assert.equal(full.details?.freesAt, new Date(now.t - 10 * 60_000 + HOUR).toISOString(), 'when the first 1 leaves the window');
    now.t += 51 * 60_000; // the first job is more than an hour old
    await b.reserve(ocean('1'));
  });

  it('lets exactly as many simultaneous starts through as the budget holds', async function () {
    const { budget: b } = budget([{ token: OCEAN, limit: '2', period: '24h' }]);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => b.reserve(ocean('1'))));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 2);
  });

  it('applies "*" to each token no row names, and a named row instead of it', async function () {
    const { budget: b } = budget([{ token: '*', perJob: '1' }, { token: OCEAN, perJob: '5' }]);
    await b.reserve(ocean('4'));
    assert.equal((await failure(b.reserve([{ token: DT, amount: parseUnits('2', 18) }]))).details?.field, 'budgets[0]');
  });

  it('settles a reservation to what was really committed, and keeps it in the store', async function () {
    const { budget: b, store } = budget([{ token: OCEAN, limit: '3', period: '1h' }]);
    const held = await b.reserve(ocean('3'));
    assert.equal(store.saved.length, 1, 'recorded before any transaction');
    await held.settle(ocean('1'));
    assert.deepEqual(store.saved.map((e) => e.amount), [parseUnits('1', 18).toString()]);
    await b.reserve(ocean('2'));
    await held.settle([]);
    assert.deepEqual(store.saved.map((e) => e.amount), [parseUnits('1', 18).toString(), parseUnits('2', 18).toString()], 'a second settle changes nothing');
  });

  it('starts from what the store kept, and forgets what left every window', async function () {
    const now = { t: 1_000_000_000_000 };
    const store = new MemoryStore([
      { at: now.t - 2 * HOUR, token: OCEAN.toLowerCase(), amount: parseUnits('9', 18).toString(), job: 'old' },
      { at: now.t - 60_000, token: OCEAN.toLowerCase(), amount: parseUnits('2', 18).toString(), job: 'recent' },
    ]);
    const { budget: b } = budget([{ token: OCEAN, limit: '3', period: '1h' }], store, now);
    assert.equal((await failure(b.reserve(ocean('2')))).details?.spent, '2.0');
    await b.reserve(ocean('1'));
    assert.deepEqual(store.saved.map((e) => e.job).slice(0, 1), ['recent'], 'the entry older than every window is gone');
    const [room] = await b.room();
    assert.deepEqual({ spent: room!.spent, remaining: room!.remaining, window: room!.window }, { spent: '3.0', remaining: '0.0', window: '1h' });
  });

  it('pays nothing when the spending cannot be recorded', async function () {
    const store = new MemoryStore();
    store.failing = true;
    const { budget: b } = budget([{ token: OCEAN, limit: '5', period: '1h' }], store);
    const error = await failure(b.reserve(ocean('1')));
    assert.equal(error.code, 'PAYMENT_LIMIT');
    assert.match(error.message, /could not be recorded \(disk full\)/);
    store.failing = false;
    await b.reserve(ocean('1'));
    assert.equal(store.saved.length, 1, 'the failed reservation left nothing behind');
  });

  it('checks a quote without recording it', async function () {
    const { budget: b, store } = budget([{ token: OCEAN, perJob: '1' }]);
    assert.deepEqual(await b.check(ocean('1')), { allowed: true });
    assert.equal((await b.check(ocean('2'))).refusal?.code, 'PAYMENT_LIMIT');
    assert.equal(store.saved.length, 0);
  });

  it('reads budgets from a list or its JSON text, and names the wrong field', function () {
    assert.deepEqual(parseBudgets('[{"token": "*", "limit": "5", "period": "7d"}]'), [{ field: 'budgets[0]', token: '*', limit: '5', windowSeconds: 604_800, period: '7d' }]);
    assert.deepEqual(parseBudgets([{ token: OCEAN, perJob: '0.5', limit: '2', period: '90' }])[0]?.windowSeconds, 90);
    assert.deepEqual(parseBudgets(''), []);
    assert.throws(() => parseBudgets([{ token: OCEAN }]), /^OceanError: budgets\[0\]: expected a maximum per job/);
    assert.throws(() => parseBudgets([{ token: OCEAN, limit: '1' }]), /budgets\[0\]\.period: expected a period/);
  });
});
