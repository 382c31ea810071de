import assert from 'node:assert/strict';
import { parseUnits } from 'ethers';
import { Budget, type BudgetRule, type SpendingStore, type SpentEntry, type TokenCost } from '../../src/ocean/payment/budget';
import { parseBudgets } from '../../src/ocean/payment/budget-rules';
import { failure } from '../helpers/failure';

const OCEAN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const DT = '0x1111111111111111111111111111111111111111';
/** A token of 6 decimals, in its checksummed (mixed-case) spelling. */
const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const HOUR = 3_600_000;
/** 2001-09-09T01:46:40.000Z */
const T0 = 1_000_000_000_000;
const WEI = 1n;
const ONE = 10n ** 18n;

class MemoryStore implements SpendingStore {
  saved: SpentEntry[] = [];
  failing = false;
  unreadable = 0;
  constructor(public initial: SpentEntry[] = []) {}
  load(): Promise<SpentEntry[]> {
    if (this.unreadable > 0) {
      this.unreadable--;
      return Promise.reject(new Error('permission denied'));
    }
    return Promise.resolve([...this.initial]);
  }
  save(entries: SpentEntry[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('disk full'));
    this.saved = [...entries];
    return Promise.resolve();
  }
}

/** A record several processes share (as Redis is): loads what was last saved, and runs tasks under its lock. */
class SharedRecord implements SpendingStore {
  record: SpentEntry[] = [];
  locks = 0;
  lockError?: Error;
  failing = false;
  load(): Promise<SpentEntry[]> {
    return Promise.resolve(this.record.map((e) => ({ ...e })));
  }
  save(entries: SpentEntry[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('read-only replica'));
    this.record = entries.map((e) => ({ ...e }));
    return Promise.resolve();
  }
  lock<T>(task: () => Promise<T>): Promise<T> {
    if (this.lockError) return Promise.reject(this.lockError);
    this.locks++;
    return task();
  }
}

function budget(rows: unknown, store = new MemoryStore(), now = { t: T0 }): { budget: Budget; store: MemoryStore; now: { t: number } } {
  return { budget: new Budget(parseBudgets(rows), store, () => Promise.resolve(18), () => now.t), store, now };
}
const ocean = (amount: string): TokenCost[] => [{ token: OCEAN, amount: parseUnits(amount, 18) }];
const wei = (amount: bigint, token = OCEAN): TokenCost[] => [{ token, amount }];
const entry = (at: number, amount: bigint, job: string, token = OCEAN): SpentEntry => ({ at, token: token.toLowerCase(), amount: amount.toString(), job });
const JOB_ID = /^[0-9a-f]{16}$/;

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
    const now = { t: T0 };
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
    assert.equal(error.message, 'Nothing was paid: the spending could not be recorded (disk full), so the budget cannot be kept');
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

  describe('per job', function () {
    it('a job of exactly the per-job maximum passes; one wei more is refused, naming the amount, token and maximum', async function () {
      const { budget: b } = budget([{ token: OCEAN, perJob: '2' }]);
      await b.reserve(wei(2n * ONE));
      const error = await failure(b.reserve(wei(2n * ONE + WEI)));
      assert.equal(error.code, 'PAYMENT_LIMIT');
      assert.equal(error.message, `budgets[0]: nothing was paid; this job would commit 2.000000000000000001 of token ${OCEAN}, more than the 2 allowed per job`);
      assert.deepEqual(error.details, { field: 'budgets[0]', token: OCEAN, cost: '2.000000000000000001', limit: 'perJob', max: '2' });
    });

    it('a quote over the per-job maximum carries the same refusal a start would get', async function () {
      const { budget: b } = budget([{ token: OCEAN, perJob: '1' }]);
      const verdict = await b.check(ocean('1.5'));
      assert.equal(verdict.allowed, false);
      assert.deepEqual(Object.keys(verdict), ['allowed', 'refusal']);
      assert.equal(verdict.refusal?.message, `budgets[0]: nothing was paid; this job would commit 1.5 of token ${OCEAN}, more than the 1 allowed per job`);
    });

    it('amounts are read and shown in each token\'s own decimals', async function () {
      const decimals = (token: string): Promise<number> => Promise.resolve(token === USDC ? 6 : 18);
      const b = new Budget(parseBudgets([{ token: USDC, perJob: '2.5', limit: '4', period: '1h' }, { token: OCEAN, perJob: '2.5' }]), new MemoryStore(), decimals, () => T0);
      await b.reserve([{ token: USDC, amount: 2_500_000n }, { token: OCEAN, amount: 25n * 10n ** 17n }]);
      const perJob = await failure(b.reserve([{ token: USDC, amount: 2_500_001n }]));
      assert.equal(perJob.message, `budgets[0]: nothing was paid; this job would commit 2.500001 of token ${USDC}, more than the 2.5 allowed per job`);
      const window = await failure(b.reserve([{ token: USDC, amount: 1_500_001n }]));
      assert.equal(window.message, `budgets[0]: nothing was paid; this job would commit 1.500001 of token ${USDC}, and 2.5 of the 4 allowed per 1h is spent; room again at 2001-09-09T02:46:40.000Z`);
      await b.reserve([{ token: USDC, amount: 1_500_000n }]);
    });

    it('a budget of per-job maxima only keeps no spending on record, and never runs out', async function () {
      const { budget: b, store } = budget([{ token: OCEAN, perJob: '1' }]);
      for (let i = 0; i < 3; i++) await b.reserve(ocean('1'));
      assert.deepEqual(store.saved, []);
      assert.deepEqual(await b.room([OCEAN]), [{ field: 'budgets[0]', token: OCEAN.toLowerCase(), kind: 'perJob', max: '1', remaining: '1' }]);
    });
  });

  describe('per window', function () {
    it('spending that reaches the limit exactly passes; one wei more is refused, with what is spent and when there is room again', async function () {
      const { budget: b, now } = budget([{ token: OCEAN, limit: '3', period: '1h' }]);
      await b.reserve(wei(ONE));
      now.t = T0 + 10 * 60_000;
      await b.reserve(wei(2n * ONE));
      const error = await failure(b.reserve(wei(WEI)));
      assert.equal(error.code, 'PAYMENT_LIMIT');
      assert.equal(error.message, `budgets[0]: nothing was paid; this job would commit 0.000000000000000001 of token ${OCEAN}, and 3.0 of the 3 allowed per 1h is spent; room again at 2001-09-09T02:46:40.000Z`);
      assert.deepEqual(error.details, { field: 'budgets[0]', token: OCEAN, cost: '0.000000000000000001', limit: 'window', window: '1h', max: '3', spent: '3.0', freesAt: '2001-09-09T02:46:40.000Z' });
    });

    it('room again at is when the oldest spending that makes room has left the window', async function () {
      const { budget: b, now } = budget([{ token: OCEAN, limit: '3', period: '1h' }]);
      await b.reserve(wei(ONE));
      now.t = T0 + 10 * 60_000;
      await b.reserve(wei(2n * ONE));
      now.t = T0 + 20 * 60_000;
      assert.equal((await failure(b.reserve(wei(ONE)))).details?.freesAt, '2001-09-09T02:46:40.000Z', 'the first 1 leaving makes exactly room for 1');
      assert.equal((await failure(b.reserve(wei(ONE + WEI)))).details?.freesAt, '2001-09-09T02:56:40.000Z', 'one wei more needs the 2 to leave too');
      assert.equal((await failure(b.reserve(wei(3n * ONE)))).details?.freesAt, '2001-09-09T02:56:40.000Z');
    });

    it('spending leaves the window exactly one period after it was reserved', async function () {
      const { budget: b, now } = budget([{ token: OCEAN, limit: '3', period: '1h' }]);
      await b.reserve(wei(ONE));
      now.t = T0 + 10 * 60_000;
      await b.reserve(wei(2n * ONE));
      now.t = T0 + HOUR - 1;
      assert.equal((await failure(b.reserve(wei(ONE)))).details?.spent, '3.0', 'one millisecond before, the first 1 still counts');
      now.t = T0 + HOUR;
      await b.reserve(wei(ONE));
      assert.deepEqual(await b.room([OCEAN]), [
        { field: 'budgets[0]', token: OCEAN.toLowerCase(), kind: 'window', max: '3', spent: '3.0', remaining: '0.0', window: '1h', nextFreesAt: '2001-09-09T02:56:40.000Z' },
      ]);
    });

    it('a job that costs more than the whole limit is refused with no time for room, since none would come', async function () {
      const { budget: b } = budget([{ token: OCEAN, limit: '3', period: '24h' }]);
      const alone = await failure(b.reserve(ocean('4')));
      assert.equal(alone.message, `budgets[0]: nothing was paid; this job would commit 4.0 of token ${OCEAN}, and 0.0 of the 3 allowed per 24h is spent`);
      assert.deepEqual(alone.details, { field: 'budgets[0]', token: OCEAN, cost: '4.0', limit: 'window', window: '24h', max: '3', spent: '0.0' });
      await b.reserve(ocean('1'));
      const after = await failure(b.reserve(ocean('3.5')));
      assert.equal(after.message, `budgets[0]: nothing was paid; this job would commit 3.5 of token ${OCEAN}, and 1.0 of the 3 allowed per 24h is spent`);
      assert.equal(after.details?.freesAt, undefined);
    });

    it('room again at counts the oldest spending first, whatever order the record keeps it in', async function () {
      const store = new MemoryStore([entry(T0 + 20 * 60_000, ONE, 'c'), entry(T0, ONE, 'a'), entry(T0 + 10 * 60_000, ONE, 'b')]);
      const { budget: b } = budget([{ token: OCEAN, limit: '3', period: '1h' }], store, { t: T0 + 30 * 60_000 });
      assert.equal((await failure(b.reserve(ocean('2')))).details?.freesAt, '2001-09-09T02:56:40.000Z', 'once a and b have left');
      assert.equal((await b.room([OCEAN]))[0]?.nextFreesAt, '2001-09-09T02:46:40.000Z', 'a is the oldest');
    });

    it('counts each token in its own window', async function () {
      const store = new MemoryStore([entry(T0 - 60_000, 5n * ONE, 'dt', DT), entry(T0 - 60_000, 2n * ONE, 'ocean')]);
      const { budget: b } = budget([{ token: OCEAN, limit: '3', period: '1h' }, { token: '*', limit: '6', period: '1h' }], store);
      await b.reserve([{ token: OCEAN, amount: ONE }, { token: DT, amount: ONE }]);
      const error = await failure(b.reserve([{ token: DT, amount: WEI }]));
      assert.equal(error.message, `budgets[1]: nothing was paid; this job would commit 0.000000000000000001 of token ${DT}, and 6.0 of the 6 allowed per 1h is spent; room again at 2001-09-09T02:45:40.000Z`);
      assert.equal((await failure(b.reserve(wei(WEI)))).details?.spent, '3.0');
    });

    it('a job that commits nothing of a token passes, even when that token\'s window is already over its limit', async function () {
      const store = new MemoryStore([entry(T0 - 60_000, 5n * ONE, 'before the limit was lowered')]);
      const { budget: b } = budget([{ token: OCEAN, limit: '3', period: '1h' }, { token: '*', limit: '1', period: '1h' }], store);
      await b.reserve([{ token: OCEAN, amount: 0n }, { token: DT, amount: ONE }]);
      assert.deepEqual(store.saved.map((e) => [e.token, e.amount]), [[OCEAN.toLowerCase(), (5n * ONE).toString()], [DT, ONE.toString()]], 'the zero cost is not recorded');
      assert.deepEqual((await b.room([OCEAN]))[0], { field: 'budgets[0]', token: OCEAN.toLowerCase(), kind: 'window', max: '3', spent: '5.0', remaining: '0.0', window: '1h', nextFreesAt: '2001-09-09T02:45:40.000Z' });
    });

    it('a rule given without its written period names its window in days, hours, minutes or seconds', async function () {
      const tokens = [OCEAN, DT, USDC, '0x2222222222222222222222222222222222222222'];
      const rules: BudgetRule[] = [172_800, 7_200, 120, 90].map((windowSeconds, i) => ({ field: `budgets[${i}]`, token: tokens[i]!.toLowerCase(), limit: '1', windowSeconds }));
      const b = new Budget(rules, new MemoryStore(), () => Promise.resolve(18), () => T0);
      assert.deepEqual((await b.room()).map((room) => room.window), ['2d', '2h', '2m', '90s']);
      assert.equal((await failure(b.reserve(ocean('2')))).details?.window, '2d');
      assert.equal((await b.check([{ token: USDC, amount: 2n * ONE }])).refusal?.message, `budgets[2]: nothing was paid; this job would commit 2.0 of token ${USDC}, and 0.0 of the 1 allowed per 2m is spent`);
    });

    it('keeps on record what is within the longest window, and drops what is exactly that old', async function () {
      const store = new MemoryStore([entry(T0 - 24 * HOUR, ONE, 'gone', DT), entry(T0 - 24 * HOUR + 1, ONE, 'kept', DT), entry(T0 - 2 * HOUR, ONE, 'old for 1h')]);
      const { budget: b } = budget([{ token: OCEAN, limit: '3', period: '1h' }, { token: '*', limit: '3', period: '24h' }], store);
      await b.reserve(ocean('3'));
      const [reserved] = store.saved.slice(-1);
      assert.match(reserved!.job, JOB_ID);
      assert.deepEqual(store.saved, [entry(T0 - 24 * HOUR + 1, ONE, 'kept', DT), entry(T0 - 2 * HOUR, ONE, 'old for 1h'), entry(T0, 3n * ONE, reserved!.job)]);
    });
  });

  describe('reservations', function () {
    it('records each token a job commits once, lower-cased, under one job id, at the moment of reserving', async function () {
      const { budget: b, store } = budget([{ token: '*', perJob: '5', limit: '10', period: '1h' }]);
      await b.reserve([{ token: OCEAN, amount: ONE }, { token: USDC, amount: 0n }, { token: DT, amount: 2n }]);
      const job = store.saved[0]?.job ?? '';
      assert.match(job, JOB_ID);
      assert.deepEqual(store.saved, [entry(T0, ONE, job), entry(T0, 2n, job, DT)]);
      await b.reserve(ocean('1'));
      assert.notEqual(store.saved[2]?.job, job, 'each reservation has its own job id');
    });

    it('settling replaces only that job\'s entries, keeps the time it was reserved at, and drops what was not committed', async function () {
      const { budget: b, store, now } = budget([{ token: '*', limit: '10', period: '1h' }]);
      const first = await b.reserve([{ token: OCEAN, amount: 2n * ONE }, { token: DT, amount: ONE }]);
      now.t = T0 + 10 * 60_000;
      await b.reserve(ocean('1'));
      const second = store.saved[2]!.job;
      const firstJob = store.saved[0]!.job;
      now.t = T0 + 20 * 60_000;
      await first.settle([{ token: OCEAN.toUpperCase().replace('0X', '0x'), amount: ONE / 2n }, { token: DT, amount: 0n }]);
      assert.deepEqual(store.saved, [entry(T0 + 10 * 60_000, ONE, second), entry(T0, ONE / 2n, firstJob)]);
      assert.deepEqual(await b.room([OCEAN]), [
        { field: 'budgets[0]', token: OCEAN.toLowerCase(), kind: 'window', max: '10', spent: '1.5', remaining: '8.5', window: '1h', nextFreesAt: '2001-09-09T02:46:40.000Z' },
      ]);
    });
  });

  describe('room', function () {
    it('lists the rules of every named token, and of the tokens asked about, once each', async function () {
      const { budget: b } = budget([{ token: '*', perJob: '1' }, { token: OCEAN, limit: '3', period: '1h' }, { token: OCEAN, perJob: '2' }]);
      await b.reserve(ocean('1'));
      const oceanRooms = [
        { field: 'budgets[1]', token: OCEAN.toLowerCase(), kind: 'window', max: '3', spent: '1.0', remaining: '2.0', window: '1h', nextFreesAt: '2001-09-09T02:46:40.000Z' },
        { field: 'budgets[2]', token: OCEAN.toLowerCase(), kind: 'perJob', max: '2', remaining: '2' },
      ];
      assert.deepEqual(await b.room(), oceanRooms);
      assert.deepEqual(await b.room([USDC, OCEAN, OCEAN.toLowerCase(), USDC.toLowerCase()]), [...oceanRooms, { field: 'budgets[0]', token: USDC.toLowerCase(), kind: 'perJob', max: '1', remaining: '1' }]);
    });

    it('a window with nothing spent has all its room and no time it frees up', async function () {
      const { budget: b } = budget([{ token: OCEAN, limit: '2.5', period: '30m' }]);
      assert.deepEqual(await b.room(), [{ field: 'budgets[0]', token: OCEAN.toLowerCase(), kind: 'window', max: '2.5', spent: '0.0', remaining: '2.5', window: '30m' }]);
    });
  });

  describe('connections and stores', function () {
    it('a connection without budgets is not limited; one with a budget is', function () {
      assert.equal(new Budget([], undefined, () => Promise.resolve(18)).active, false);
      assert.equal(budget([{ token: OCEAN, perJob: '1' }]).budget.active, true);
    });

    it('without a store, spending is kept in memory', async function () {
      const b = new Budget(parseBudgets([{ token: OCEAN, limit: '3', period: '1h' }]), undefined, () => Promise.resolve(18), () => T0);
      const held = await b.reserve(ocean('2'));
      assert.equal((await failure(b.reserve(ocean('2')))).details?.spent, '2.0');
      await held.settle(ocean('1'));
      await b.reserve(ocean('2'));
      assert.equal((await b.room())[0]?.remaining, '0.0');
    });

    it('when the spending on record cannot be read, nothing is paid, and the next start reads it again', async function () {
      const store = new MemoryStore([entry(T0 - 60_000, 2n * ONE, 'earlier')]);
      store.unreadable = 1;
      const { budget: b } = budget([{ token: OCEAN, limit: '3', period: '1h' }], store);
      const error = await failure(b.reserve(ocean('1')));
      assert.equal(error.code, 'PAYMENT_LIMIT');
      assert.equal(error.message, 'Nothing was paid: the spending on record could not be read (permission denied), so the budget cannot be checked');
      assert.equal((await failure(b.reserve(ocean('2')))).details?.spent, '2.0');
    });

    it('with a shared record, every check, reservation and settlement runs under its lock on the record read afresh', async function () {
      const shared = new SharedRecord();
      const rules = parseBudgets([{ token: OCEAN, limit: '3', period: '1h' }]);
      const [a, b] = [new Budget(rules, shared, () => Promise.resolve(18), () => T0), new Budget(rules, shared, () => Promise.resolve(18), () => T0)];
      assert.deepEqual(await b.room(), [{ field: 'budgets[0]', token: OCEAN.toLowerCase(), kind: 'window', max: '3', spent: '0.0', remaining: '3.0', window: '1h' }]);
      const held = await a.reserve(ocean('2'));
      const refusal = (await b.check(ocean('2'))).refusal;
      assert.equal(refusal?.message, `budgets[0]: nothing was paid; this job would commit 2.0 of token ${OCEAN}, and 2.0 of the 3 allowed per 1h is spent; room again at 2001-09-09T02:46:40.000Z`);
      await held.settle(ocean('1'));
      await b.reserve(ocean('2'));
      assert.equal(shared.locks, 5);
      shared.record = [];
      assert.equal((await a.room())[0]?.spent, '0.0', 'what another process wrote is what counts');
    });

    it('when the shared record cannot be locked, nothing is paid and the refusal says why', async function () {
      const shared = new SharedRecord();
      shared.lockError = new Error('connection refused');
      const b = new Budget(parseBudgets([{ token: OCEAN, perJob: '5' }]), shared, () => Promise.resolve(18), () => T0);
      const error = await failure(b.reserve(ocean('1')));
      assert.equal(error.code, 'PAYMENT_LIMIT');
      assert.equal(error.message, 'Nothing was paid: the shared spending record could not be locked (connection refused), so the budget cannot be checked');
      assert.equal((await failure(b.check(ocean('1')))).message, error.message);
      assert.deepEqual(shared.record, []);
      shared.lockError = undefined;
      await b.reserve(ocean('1'));
    });

    it('under the lock, a refusal or a failed save is reported as itself, not as a lock failure', async function () {
      const shared = new SharedRecord();
      const b = new Budget(parseBudgets([{ token: OCEAN, perJob: '1' }, { token: DT, limit: '1', period: '1h' }]), shared, () => Promise.resolve(18), () => T0);
      assert.equal((await failure(b.reserve(ocean('2')))).message, `budgets[0]: nothing was paid; this job would commit 2.0 of token ${OCEAN}, more than the 1 allowed per job`);
      shared.failing = true;
      assert.equal((await failure(b.reserve(wei(ONE, DT)))).message, 'Nothing was paid: the spending could not be recorded (read-only replica), so the budget cannot be kept');
    });
  });
});
